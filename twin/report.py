"""Tables of results for people, and the one-file HTML comparison report.

``indicator_rows`` is the indicator panel (core and guiding indicators with value,
threshold, pass/fail), ``kpi_frame`` the side-by-side KPI table with differences
against the first scenario, and :func:`report` writes a self-contained HTML file
(tables plus interactive charts, plotly.js inlined once) that a planner can send
by mail: ``park-twin report A.yaml B.yaml --out report.html``.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from twin import charts
from twin.i18n import format_number, kpi_display, kpi_label, t, unit
from twin.results import Results

# Headline KPIs: the app's cards and the comparison chart.
HEADLINE = ["carbon_per_energy_t_per_tce", "co2_net_t", "energy_tce", "renewable_share_frac",
            "self_sufficiency_frac", "energy_cost_cny", "grid_import_mwh", "pv_generation_mwh"]

# Core indicator thresholds by park size [tce/yr] (NDRC 发改环资〔2025〕910号):
# (lower bound inclusive, upper bound exclusive, threshold tCO2/tce); below 200,000 tce: not set.
CORE_BANDS = ((200_000.0, 1_000_000.0, 0.2), (1_000_000.0, math.inf, 0.3))
CLEAN_SHARE_MIN = 0.9  # guiding indicator, threshold from secondary summaries (verify)
SYMBOLS = {"<=": "≤", ">=": "≥"}


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of the panel; ``passed`` None when no threshold or no value."""

    key: str
    kind: str  # core or guiding
    value: float | None
    unit_code: str  # display unit code of twin/data/i18n.yaml (frac, tco2_per_tce)
    threshold: float | None
    comparison: str  # <= or >=
    passed: bool | None


def core_threshold(energy_tce: float) -> float | None:
    """Core indicator threshold [tCO2/tce] for a park of ``energy_tce``; None when not set."""
    return next((limit for lo, hi, limit in CORE_BANDS if lo <= energy_tce < hi), None)


def _row(key: str, kind: str, value: float | None, unit_code: str, threshold: float | None,
         comparison: str) -> IndicatorRow:
    passed = None
    if value is not None and threshold is not None:
        passed = value <= threshold if comparison == "<=" else value >= threshold
    return IndicatorRow(key, kind, value, unit_code, threshold, comparison, passed)


def _share(num: float | None, den: float | None) -> float | None:
    return num / den if num is not None and den else None


def indicator_rows(kpis: Mapping[str, float]) -> list[IndicatorRow]:
    """Core and guiding indicators of a run from its KPIs (interim).

    HOOK(twin.indicators): when twin.indicators lands, build these rows from its
    ``IndicatorResult`` objects (key, value, unit, threshold, comparison, passed)
    instead of the KPI ratios below; the panel, the app and the report need no change.
    """
    k = kpis.get
    water = (k("water_fresh_m3") or 0.0) + (k("water_reused_m3") or 0.0)
    return [
        _row("carbon_per_energy", "core", k("carbon_per_energy_t_per_tce"), "tco2_per_tce",
             core_threshold(k("energy_tce", 0.0)), "<="),
        _row("clean_energy_share", "guiding", k("renewable_share_frac"), "frac", CLEAN_SHARE_MIN, ">="),
        _row("product_energy", "guiding", None, "none", None, "<="),  # needs product energy norms
        _row("solid_waste", "guiding", _share(k("solid_waste_utilised_t"), k("solid_waste_generated_t")),
             "frac", 0.8, ">="),
        _row("waste_heat", "guiding", _share(k("waste_heat_recovered_mwh"), k("waste_heat_available_mwh")),
             "frac", 0.5, ">="),
        _row("water_reuse", "guiding", _share(k("water_reused_m3"), water), "frac", 0.8, ">="),
    ]


def verdict(rows: Sequence[IndicatorRow]) -> str:
    """``pass``, ``fail`` or ``not_set`` for the core indicator."""
    core = next(r for r in rows if r.kind == "core")
    return "not_set" if core.passed is None else "pass" if core.passed else "fail"


def verdict_text(rows: Sequence[IndicatorRow], lang: str = "zh") -> str:
    """One sentence on the core indicator: met or not, value against threshold."""
    core = next(r for r in rows if r.kind == "core")
    return t(f"ui.verdict_{verdict(rows)}", lang, value=_shown(core.value, core.unit_code, lang),
             threshold=_shown(core.threshold, core.unit_code, lang))


def _status(row: IndicatorRow, lang: str) -> str:
    if row.value is None:
        return t("ui.status_not_computed", lang)
    if row.passed is None:
        return t("ui.status_not_set", lang)
    return t("ui.status_pass" if row.passed else "ui.status_fail", lang)


def _shown(value: float | None, unit_code: str, lang: str) -> str:
    if value is None:
        return "–"
    label, scale = unit(unit_code, lang)
    return f"{format_number(value * scale)} {label}".strip()


def _threshold(row: IndicatorRow, lang: str) -> str:
    if row.threshold is None:
        return t("ui.status_not_set", lang)
    return f"{SYMBOLS.get(row.comparison, row.comparison)} {_shown(row.threshold, row.unit_code, lang)}"


def indicator_frame(rows: Sequence[IndicatorRow], lang: str = "zh") -> pd.DataFrame:
    """The indicator panel as a table: indicator, kind, value, threshold, status."""
    return pd.DataFrame({
        t("ui.col_indicator", lang): [t(f"indicators.{r.key}", lang) for r in rows],
        t("ui.col_kind", lang): [t(f"ui.kind_{r.kind}", lang) for r in rows],
        t("ui.col_value", lang): [_shown(r.value, r.unit_code, lang) for r in rows],
        t("ui.col_threshold", lang): [_threshold(r, lang) for r in rows],
        t("ui.col_status", lang): [_status(r, lang) for r in rows],
    })


def kpi_frame(kpis_by_name: Mapping[str, Mapping[str, float]], lang: str = "zh",
              keys: Sequence[str] | None = None) -> pd.DataFrame:
    """KPIs side by side in display units, with Δ and Δ % of each scenario against the first."""
    names = list(kpis_by_name)
    keys = list(keys or dict.fromkeys(k for kp in kpis_by_name.values() for k in kp))
    data = {name: [kpi_display(k, kpis_by_name[name].get(k, math.nan), lang) for k in keys] for name in names}
    frame = pd.DataFrame(data, index=[kpi_label(k, lang) for k in keys])
    for name in names[1:]:
        delta = frame[name] - frame[names[0]]
        frame[f"{t('ui.delta', lang)} {name}"] = delta
        frame[f"{t('ui.delta_pct', lang)} {name}"] = 100 * delta / frame[names[0]].where(frame[names[0]] != 0)
    frame.index.name = t("ui.kpi", lang)
    return frame


def unique_names(names: Sequence[str]) -> list[str]:
    """Names made unique by appending (2), (3), ..."""
    out: list[str] = []
    for name in names:
        candidate, n = name, 2
        while candidate in out:
            candidate, n = f"{name} ({n})", n + 1
        out.append(candidate)
    return out


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


def html_report(results: Mapping[str, Results], lang: str = "zh") -> str:
    """A self-contained HTML comparison of scenarios (name -> Results)."""
    names = list(results)
    kpis = {n: results[n].kpis for n in names}
    esc = html.escape
    scen = pd.DataFrame({t("ui.scenario", lang): names,
                         "": [results[n].scenario.description.strip() or results[n].scenario.name for n in names]})
    panels = "".join(f"<h3>{esc(n)}</h3>{_table(indicator_frame(indicator_rows(kpis[n]), lang))}" for n in names)
    figures = [charts.compare_bars(kpis, HEADLINE, lang)]
    for n in names:
        figures += [charts.carbon_waterfall(results[n], lang), charts.monthly_energy(results[n], lang),
                    charts.sankey(results[n], lang)]
        for fig in figures[-3:]:
            fig.update_layout(title_text=f"{esc(n)} · {fig.layout.title.text}")
    try:
        version = metadata.version("park-twin")
    except metadata.PackageNotFoundError:
        version = "dev"
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = [f"<h1>{esc(t('ui.report_title', lang))}</h1>",
            f"<p class='note'>{esc(t('ui.report_generated', lang, when=when, version=version))}</p>",
            f"<h2>{esc(t('ui.report_scenarios', lang))}</h2>{_table(scen.set_index(scen.columns[0]))}",
            f"<h2>{esc(t('ui.compare_kpis', lang))}</h2>{_table(kpi_frame(kpis, lang))}",
            f"<h2>{esc(t('ui.indicator_panel', lang))}</h2>{panels}",
            f"<p class='note'>{esc(t('ui.indicator_note', lang))}</p>",
            f"<h2>{esc(t('ui.report_charts', lang))}</h2>{_figures_html(figures)}",
            f"<p class='note'>{esc(t('ui.report_footnote', lang))}</p>"]
    return (f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
            f"<title>{esc(t('ui.report_title', lang))}</title><style>{_CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>")


def report(paths: list[str], out: str, lang: str = "zh") -> Path:
    """Simulate the scenario files ``paths`` and write their HTML comparison to ``out``.

    Raises :class:`twin.InputError` for a bad scenario file, like ``park-twin run``.
    """
    from twin.scenario import load_scenario
    from twin.simulation import run

    runs = [run(load_scenario(p)) for p in paths]
    names = unique_names([r.scenario.name for r in runs])
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html_report(dict(zip(names, runs, strict=True)), lang), encoding="utf-8")
    return target
