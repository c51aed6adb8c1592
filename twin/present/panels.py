"""Tables of assessments for people: the indicator panel, the carbon accounts side by side,
comparisons with differences against the first, measures, pathway years and MAC points.

Nothing is computed here that :func:`twin.assess`, :mod:`twin.appraisal.compare` or :mod:`twin.appraisal.pathway`
do not already give: this module picks, labels (``twin/data/i18n.yaml``) and formats, for
the app (``parkapp``), the Excel export and the HTML report. No streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from twin.accounts.indicators import IndicatorResult
from twin.appraisal.assessment import CORE, Assessment
from twin.appraisal.compare import Comparison
from twin.catalog.thresholds import thresholds_table
from twin.present.i18n import format_number, has, kpi_display, kpi_label, kpi_unit_code, option, t, unit

# Headline figures (result cards, comparison chart): the core indicator, the national net CO2
# and the clean-energy share from the assessment; the rest are the run's KPIs.
HEADLINE = ["carbon_per_energy_t_co2_per_tce", "national_net_co2_t", "energy_consumption_tce",
            "clean_energy_share_frac", "self_sufficiency_frac", "energy_cost_cny", "grid_import_mwh",
            "pv_generation_mwh"]
# The five guiding indicators of NDRC 发改环资〔2025〕910号; the direct-green share is a
# stated aim (REFERENCE.md: verify as a formal rule), shown as reference.
GUIDING = ("clean_energy_share", "product_energy_vs_grade2", "solid_waste_utilisation",
           "waste_heat_utilisation", "water_reuse")
REFERENCE_ONLY = ("direct_green_share",)
INDICATOR_UNITS = {"t_co2_per_tce": "tco2_per_tce", "frac": "frac", "ratio": "none"}
SYMBOLS = {"<=": "≤", ">=": "≥"}
NOTES = {"no data": "no_data", "threshold not set": "not_set", "scenario threshold": "scenario_threshold",
         "threshold not set (park below 200,000 tce/yr)": "not_set_small"}


def figures(kpis: Mapping[str, float], assessment: Assessment) -> dict[str, float]:
    """The run's KPIs with the assessment's numeric summary (indicators, accounts, money) over them."""
    summary = {k: float(v) for k, v in assessment.summary().items()
               if isinstance(v, int | float) and not isinstance(v, bool)}
    return {**kpis, **summary}


def indicator_keys(a: Assessment) -> list[str]:
    """Core, the five guiding indicators, then reference ones, as the assessment has them."""
    order = [CORE, *GUIDING, *REFERENCE_ONLY]
    return [k for k in order if k in a.indicators] + [k for k in a.indicators if k not in order]


def kind(key: str) -> str:
    """``core``, ``guiding`` or ``reference``."""
    return "core" if key == CORE else "guiding" if key in GUIDING else "reference"


def shown(value: float | None, unit_code: str, lang: str) -> str:
    """A value in its display unit with the unit (``'4.94 tCO₂/tce'``, ``'90.6 %'``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    label, scale = unit(unit_code, lang)
    return f"{format_number(value * scale)} {label}".strip()


def signed(value: float | None, scale: float = 1.0) -> str:
    """A difference with its sign (``'+1,234'``, ``'-0.12'``, ``'0'``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = format_number(_tidy(value * scale))
    return f"+{text}" if value * scale > 0 and text != "0" else text


def _band(size_tce: float) -> tuple[float, float | None] | None:
    rows = thresholds_table()
    rows = rows[rows["key"] == CORE]
    for _, r in rows.iterrows():
        lo = 0.0 if pd.isna(r["size_min_tce"]) else float(r["size_min_tce"])
        hi = None if pd.isna(r["size_max_tce"]) else float(r["size_max_tce"])
        if lo <= size_tce and (hi is None or size_tce < hi):
            return lo, hi
    return None


def core_band(a: Assessment, lang: str = "zh") -> str:
    """The park's size band of the core threshold (``'size 200,000–1,000,000 tce'``)."""
    size = a.core.inputs.get("size_tce", a.energy.total_tce)
    band = _band(size)
    if band is None:
        return ""
    lo, hi = band
    if a.core.threshold is None and hi is not None:
        return t("ui.band_below", lang, hi=format_number(hi))
    if hi is None:
        return t("ui.band_above", lang, lo=format_number(lo))
    return t("ui.band_range", lang, lo=format_number(lo), hi=format_number(hi))


def park_size_text(a: Assessment, lang: str = "zh") -> str:
    """One line: the park's size and the band that sets its core threshold."""
    size = a.core.inputs.get("size_tce", a.energy.total_tce)
    return t("ui.park_size", lang, tce=shown(size, "tce", lang), band=core_band(a, lang))


def threshold_text(ind: IndicatorResult, lang: str = "zh") -> str:
    """``'≤ 0.2 tCO₂/tce'``, or 'threshold not set'."""
    if ind.threshold is None:
        return t("ui.status_not_set", lang)
    code = INDICATOR_UNITS.get(ind.unit, "none")
    return f"{SYMBOLS.get(ind.comparison, ind.comparison)} {shown(ind.threshold, code, lang)}"


def status_text(ind: IndicatorResult, lang: str = "zh") -> str:
    """✔ pass, ✘ fail, — threshold not set, … no data."""
    if ind.value is None:
        return t("ui.status_not_computed", lang)
    if ind.passed is None:
        return t("ui.status_not_set", lang)
    return t("ui.status_pass" if ind.passed else "ui.status_fail", lang)


def note_text(note: str, lang: str = "zh") -> str:
    """An indicator's note in ``lang`` (unknown notes as they are)."""
    key = NOTES.get(note)
    return t(f"indicator_notes.{key}", lang) if key else note


def input_label(key: str, lang: str = "zh") -> str:
    """Label of one number behind an indicator; products' ratios keep their id."""
    if has(f"indicator_inputs.{key}", lang):
        return t(f"indicator_inputs.{key}", lang)
    return key.removesuffix("_ratio")


def inputs_text(ind: IndicatorResult, lang: str = "zh") -> str:
    """The numbers behind an indicator (``'Park CO₂ 1,460,691 tCO₂ · Energy consumption 295,603 tce'``)."""
    parts = []
    for key, value in ind.inputs.items():
        if key == "size_tce" and math.isclose(value, ind.inputs.get("energy_tce", math.nan)):
            continue  # the size band follows the energy consumption: said once
        if value == 0 and key.endswith("_tce") and key != "energy_tce":
            continue  # clean-energy parts that are absent
        code = "tco2" if key == "co2_t" else kpi_unit_code(key)
        parts.append(f"{input_label(key, lang)} {shown(value, code, lang)}")
    return " · ".join(parts) or note_text(ind.note, lang)


def indicator_frame(a: Assessment, lang: str = "zh") -> pd.DataFrame:
    """The indicator panel: indicator, kind, value, threshold, status and the numbers behind it."""
    keys = indicator_keys(a)
    inds = [a.indicators[k] for k in keys]
    thresholds = [threshold_text(i, lang) for i in inds]
    if a.core.threshold is not None:  # the size band that picked the core threshold
        thresholds[0] = f"{thresholds[0]} ({core_band(a, lang)})"
    return pd.DataFrame({
        t("ui.col_indicator", lang): [t(f"indicators.{k}", lang) for k in keys],
        t("ui.col_kind", lang): [t(f"ui.kind_{kind(k)}", lang) for k in keys],
        t("ui.col_value", lang): [shown(i.value, INDICATOR_UNITS.get(i.unit, "none"), lang) for i in inds],
        t("ui.col_threshold", lang): thresholds,
        t("ui.col_status", lang): [status_text(i, lang) for i in inds],
        t("ui.col_basis", lang): [inputs_text(i, lang) for i in inds],
    })


def verdict(a: Assessment) -> str:
    """``pass``, ``fail`` or ``not_set`` for the core indicator."""
    core = a.core
    return "not_set" if core.passed is None else "pass" if core.passed else "fail"


def verdict_text(a: Assessment, lang: str = "zh") -> str:
    """One sentence on the core indicator: met or not, value against threshold."""
    core = a.core
    return t(f"ui.verdict_{verdict(a)}", lang, value=shown(core.value, "tco2_per_tce", lang),
             threshold=shown(core.threshold, "tco2_per_tce", lang))


def account_label(item: str, lang: str = "zh") -> str:
    """Label of an account line (``fuel:coal`` -> 'Fuel combustion: coal')."""
    if has(f"account_lines.{item}", lang):
        return t(f"account_lines.{item}", lang)
    prefix, _, name = item.partition(":")
    if prefix == "fuel":
        return t("account_lines.fuel", lang, fuel=option("fuel", name, lang))
    if prefix == "process":
        return t("account_lines.process", lang, name=name)
    if prefix == "internal":
        return name
    return item


def _tidy(x: float) -> float:
    """Rounding residue of the allocation (1e-10 MWh) shown as zero."""
    return 0.0 if abs(x) < 1e-6 else x


def accounts_frame(a: Assessment, lang: str = "zh") -> pd.DataFrame:
    """The park's accounts side by side [tCO2, formatted]: one row per line, then gross, deductions, net.

    The activity column is the line's activity (MWh, t, m³) in the first account that has it;
    lines with no activity in any account are left out.
    """
    accounts = list(a.accounts.values())
    items: dict[str, str] = {}
    for acc in accounts:
        for ln in acc.lines:
            if _tidy(ln.activity) == 0 and _tidy(ln.co2_t) == 0 and ln.item not in items:
                continue
            unit_text = ln.activity_unit.replace("m3", "m³")
            items.setdefault(ln.item, "" if ln.activity_unit == "t_co2" else
                             f"{format_number(_tidy(ln.activity))} {unit_text}")
    rows = []
    for item, activity in items.items():
        cells = []
        for acc in accounts:
            line = next((ln for ln in acc.lines if ln.item == item), None)
            cells.append("–" if line is None else format_number(_tidy(line.co2_t)))
        rows.append([account_label(item, lang), activity, *cells])
    for total in ("gross", "deductions", "net"):
        rows.append([t(f"account_lines.total:{total}", lang), "",
                     *(format_number(_tidy(getattr(acc, f"{total}_co2_t"))) for acc in accounts)])
    unit_label = unit("tco2", lang)[0]
    columns = [t("ui.col_line", lang), t("ui.col_activity", lang),
               *(f"{t(f'accounts.{acc.method}', lang)} [{unit_label}]" for acc in accounts)]
    return pd.DataFrame(rows, columns=columns)


def unique_names(names: Sequence[str]) -> list[str]:
    """Names made unique by appending (2), (3), ..."""
    out: list[str] = []
    for name in names:
        candidate, n = name, 2
        while candidate in out:
            candidate, n = f"{name} ({n})", n + 1
        out.append(candidate)
    return out


def kpi_frame(kpis_by_name: Mapping[str, Mapping[str, float]], lang: str = "zh",
              keys: Sequence[str] | None = None) -> pd.DataFrame:
    """Figures side by side in display units, with Δ and Δ % of each scenario against the first."""
    names = list(kpis_by_name)
    keys = list(dict.fromkeys(keys or (k for kp in kpis_by_name.values() for k in kp)))  # each row once
    data = {name: [kpi_display(k, kpis_by_name[name].get(k, math.nan), lang) for k in keys] for name in names}
    frame = pd.DataFrame(data, index=[kpi_label(k, lang) for k in keys])
    for name in names[1:]:
        delta = frame[name] - frame[names[0]]
        frame[f"{t('ui.delta', lang)} {name}"] = delta
        frame[f"{t('ui.delta_pct', lang)} {name}"] = 100 * delta / frame[names[0]].where(frame[names[0]] != 0)
    frame.index.name = t("ui.kpi", lang)
    return frame


def _cell(key: str, value, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_number(_tidy(kpi_display(key, value, lang)))


def section_frame(c: Comparison, section: str, names: Sequence[str], lang: str = "zh") -> pd.DataFrame:
    """One section of a comparison (``accounts``, ``economics``, ``versus_first``, ``kpis``):
    a row per figure (label with unit), a column per scenario and a Δ column per later one."""
    delta = t("ui.delta", lang)
    rows, index = [], []
    for key, values in c.sections[section].items():
        scale = unit(kpi_unit_code(key), lang)[1]
        row = [_cell(key, v, lang) for v in values]
        if section != "versus_first":
            first = values[0]
            row += [signed(v - first, scale) if _number(v) and _number(first) else "–" for v in values[1:]]
        rows.append(row)
        index.append(kpi_label(key, lang))
    columns = list(names) + ([f"{delta} {n}" for n in names[1:]] if section != "versus_first" else [])
    frame = pd.DataFrame(rows, columns=columns, index=index)
    frame.index.name = t("ui.metric", lang)
    return frame


def _number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and not math.isnan(v)


def indicators_side_by_side(c: Comparison, items: Sequence[Assessment], names: Sequence[str],
                            lang: str = "zh", races: bool = True) -> pd.DataFrame:
    """Indicators of compared scenarios: value, verdict and threshold per scenario, Δ against the first.

    Values come from ``c.sections['indicators']``; units and keys from the first assessment;
    ``races`` adds the R-ACES scores.
    """
    rows, index = [], []
    sec = c.sections["indicators"]
    energy = sec.get("energy_consumption_tce")
    if energy:
        rows.append([_cell("energy_consumption_tce", v, lang) for v in energy]
                    + [signed(v - energy[0]) if _number(v) and _number(energy[0]) else "–" for v in energy[1:]])
        index.append(kpi_label("energy_consumption_tce", lang))
    for key in indicator_keys(items[0]):
        ind = items[0].indicators[key]
        code = INDICATOR_UNITS.get(ind.unit, "none")
        values = sec.get(f"{key}_{ind.unit}", [None] * len(names))
        passed = sec.get(f"{key}_passed", [None] * len(names))
        cells = []
        for a, v, p in zip(items, values, passed, strict=True):
            mark = "" if p is None else " ✔" if p else " ✘"
            th = a.indicators[key].threshold
            limit = f" ({SYMBOLS.get(ind.comparison, '')} {format_number(th * unit(code, lang)[1])})" \
                if th is not None else ""
            cells.append("–" if v is None else f"{format_number(v * unit(code, lang)[1])}{mark}{limit}")
        scale = unit(code, lang)[1]
        cells += [signed(v - values[0], scale) if _number(v) and _number(values[0]) else "–" for v in values[1:]]
        label, suffix = t(f"indicators.{key}", lang), unit(code, lang)[0]
        rows.append(cells)
        index.append(f"{label} [{suffix}]" if suffix else label)
    for carrier in items[0].races if races else ():
        values = sec.get(f"races_{carrier}", [None] * len(names))
        rows.append([_cell("races", v, lang) for v in values]
                    + [signed(v - values[0]) if _number(v) and _number(values[0]) else "–" for v in values[1:]])
        index.append(kpi_label(f"races_{carrier}", lang))
    delta = t("ui.delta", lang)
    frame = pd.DataFrame(rows, index=index, columns=[*names, *(f"{delta} {n}" for n in names[1:])])
    frame.index.name = t("ui.col_indicator", lang)
    return frame
