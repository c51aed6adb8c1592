"""Teaching workshops on the twin: sessions, lessons, challenges, role play, a class view.

Holds: ``activities`` (lessons, the challenge and the role play as data, from
``data/activities/*.yaml``), ``engine`` (controls -> scenario overlays -> full-year run and
assessment, cached), ``rounds`` (answers, explanations, scores, the role play's sharing
rule), ``store`` (SQLAlchemy models, Alembic migrations, operations), ``security``,
``charts``, ``exports``, ``i18n``, and the Streamlit pages (``app``, ``ui_*``) started by
``park-twin workshop`` (``cli``).

May import: ``twin`` (its public face and the modules named in ``engine``), sqlalchemy,
alembic, segno, plotly, pandas; only the ``app``/``ui_*`` modules import streamlit.
Nothing in ``twin`` imports this package.
"""
