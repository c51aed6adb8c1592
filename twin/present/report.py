"""The one-file HTML comparison report: ``park-twin report A.yaml B.yaml --out report.html``.

Scenarios side by side as :mod:`twin.appraisal.compare` puts them (indicators, the three carbon
accounts, economics with NPV, payback and abatement cost against the first, key figures),
each scenario's indicator panel with the numbers behind it (:mod:`twin.present.panels`), and
interactive charts (plotly.js inlined once), self-contained so a planner can send it by
mail. Scenarios with measures are reported in their end state, as ``park-twin compare``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

import pandas as pd

from twin.appraisal.assessment import Assessment, assess
from twin.appraisal.compare import compare_assessments, same_period
from twin.kernel.results import Results
from twin.present import charts, charts_assess, charts_compare
from twin.present.i18n import format_number, local_name, t
from twin.present.panels import (
    HEADLINE,
    figures,
    indicator_frame,
    indicators_side_by_side,
    kpi_frame,
    park_size_text,
    section_frame,
    unique_names,
    verdict,
    verdict_text,
)

_CSS = """body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}thead th{background:#f3f5f8}h1{font-size:24px}h2{margin-top:1.6em}
.pass{color:#1a7f37}.fail{color:#c62828}.note{color:#666;font-size:13px}"""


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(float_format=lambda v: format_number(v), na_rep="–", border=0, escape=True)


def _figures_html(figures: Sequence) -> str:
    parts = []
    for i, fig in enumerate(figures):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False}))
    return "\n".join(parts)


def html_report(results: Mapping[str, Results], lang: str = "zh",
                assessments: Mapping[str, Assessment] | None = None) -> str:
    """A self-contained HTML comparison of scenarios (name -> Results; their assessments when known)."""
    names = list(results)
    assessed = {n: (assessments or {}).get(n) or assess(results[n]) for n in names}
    items = [assessed[n] for n in names]
    c = compare_assessments(items, names)
    figs = {n: figures(results[n].kpis, assessed[n]) for n in names}
    esc = html.escape
    scen = pd.DataFrame({t("ui.scenario", lang): names,
                         "": [results[n].scenario.description.strip() or results[n].scenario.name for n in names]})
    panels = "".join(
        f"<h3>{esc(n)}</h3><p class='{verdict(assessed[n])}'>{esc(verdict_text(assessed[n], lang))}</p>"
        f"<p class='note'>{esc(park_size_text(assessed[n], lang))}</p>{_table(indicator_frame(assessed[n], lang))}"
        for n in names)
    plots = [charts_compare.compare_bars(figs, HEADLINE, lang), charts_assess.accounts_chart(assessed, lang),
             charts_assess.races_spider(assessed, lang)]
    for n in names:
        plots += [charts_assess.carbon_waterfall(assessed[n], lang), charts.monthly_energy(results[n], lang),
                  charts.sankey(results[n], lang)]
        for fig in plots[-3:]:
            fig.update_layout(title_text=f"{esc(n)} · {fig.layout.title.text}")
    try:
        version = metadata.version("park-twin")
    except metadata.PackageNotFoundError:
        version = "dev"
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    section = lambda key, frame: f"<h2>{esc(t(key, lang))}</h2>{_table(frame)}"  # noqa: E731
    body = [f"<h1>{esc(t('ui.report_title', lang))}</h1>",
            f"<p class='note'>{esc(t('ui.report_generated', lang, when=when, version=version))}</p>",
            f"<h2>{esc(t('ui.report_scenarios', lang))}</h2>{_table(scen.set_index(scen.columns[0]))}",
            f"<p class='note'>{esc(t('ui.report_end_state', lang))}</p>",
            section("ui.compare_indicators", indicators_side_by_side(c, items, names, lang)),
            f"<p class='note'>{esc(t('ui.indicator_note', lang))}</p>",
            section("ui.compare_accounts", section_frame(c, "accounts", names, lang)),
            section("ui.compare_economics", pd.concat([section_frame(c, "economics", names, lang),
                                                       section_frame(c, "versus_first", names, lang)])),
            section("ui.compare_kpis", kpi_frame(figs, lang, [*HEADLINE, *c.sections["kpis"]])),
            f"<h2>{esc(t('ui.indicator_panel', lang))}</h2>{panels}",
            f"<h2>{esc(t('ui.report_charts', lang))}</h2>{_figures_html(plots)}",
            f"<p class='note'>{esc(t('ui.report_footnote', lang))}</p>"]
    return (f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
            f"<title>{esc(t('ui.report_title', lang))}</title><style>{_CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>")


def report(paths: list[str], out: str, lang: str = "zh") -> Path:
    """Simulate the scenario files ``paths`` (end state) and write their HTML comparison to ``out``.

    Raises :class:`twin.InputError` for a bad scenario file, like ``park-twin run``.
    """
    from twin.economics.run import run
    from twin.scenario.load import load_scenario
    from twin.scenario.measures import apply_measures

    scenarios = [load_scenario(p) for p in paths]
    same_period(scenarios, paths)
    runs = [run(apply_measures(sc)) for sc in scenarios]  # end state, as park-twin compare
    names = unique_names([local_name(r.scenario, lang) for r in runs])
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html_report(dict(zip(names, runs, strict=True)), lang), encoding="utf-8")
    return target
