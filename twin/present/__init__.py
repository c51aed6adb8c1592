"""Presentation: charts, panels, the HTML report, texts, translations.

Holds: ``charts`` and ``charts_assess`` (plotly figures), ``panels`` and ``panels_plan``
(tables for the app and report), ``report`` (one-file HTML), ``assessment_text`` (plain-text
tables for the CLI), ``i18n`` (zh/en strings).
May import: every layer of the core. The core never imports it.
"""
