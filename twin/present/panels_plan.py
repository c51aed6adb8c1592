"""Tables of a plan for people: a scenario's measures, its pathway years, its MAC curve.

Like :mod:`twin.present.panels`, this only labels and formats what :mod:`twin.scenario.measures` and
:mod:`twin.appraisal.pathway` give. No streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from twin.appraisal.pathway import MacPoint, PathwayResult
from twin.present.i18n import format_number, local_name, t, unit
from twin.present.panels import shown, status_text
from twin.scenario.measures import apply_measures, in_service
from twin.schema.scenario import Scenario


def measure_capex(sc: Scenario) -> dict[str, float]:
    """Capital cost of each measure [CNY]: its own ``capex_cny``, else the cost-table items it adds."""
    end = apply_measures(sc)
    out = {m.id: 0.0 for m in sc.measures}
    for item in end.economics.investments:
        mid = item.id if item.id in out else item.id.split(".", 1)[0]
        if mid in out:
            out[mid] += item.capex_cny
    return out


def measures_frame(sc: Scenario, lang: str = "zh") -> pd.DataFrame:
    """Measures in the order they apply: year, id, name, capex and where it comes from, requirements."""
    capex = measure_capex(sc)
    label, scale = unit("cny", lang)
    ms = in_service(sc)
    return pd.DataFrame({
        t("ui.col_year", lang): [m.year for m in ms],
        "id": [m.id for m in ms],
        t("ui.col_measure", lang): [local_name(m, lang) for m in ms],
        t("ui.col_capex", lang, unit=label): [format_number(capex[m.id] * scale) for m in ms],
        t("ui.col_capex_source", lang): [t("ui.capex_explicit" if m.capex_cny is not None else "ui.capex_tables", lang)
                                         for m in ms],
        t("ui.col_requires", lang): [", ".join(m.requires) for m in ms],
    })


def measure_years(sc: Scenario) -> list[int]:
    """Years a slider of 'measures in service by' offers: the year before the first, then each year to the last."""
    years = sorted({m.year for m in sc.measures})
    return list(range(years[0] - 1, years[-1] + 1)) if years else []


def pathway_text(p: PathwayResult, lang: str = "zh") -> str:
    """The pathway's verdict in ``lang``: the first year the core threshold is met, or not."""
    if p.first_met is not None:
        core = next(y for y in p.years if y.year == p.first_met).assessment.core
        return t("ui.pathway_first_met", lang, year=p.first_met, value=format_number(core.value),
                 threshold=format_number(core.threshold))
    if all(y.assessment.core.threshold is None for y in p.years):
        return t("ui.pathway_not_set", lang)
    last = p.years[-1]
    return t("ui.pathway_never", lang, year=last.year, value=format_number(last.assessment.core.value))


def pathway_economics_text(p: PathwayResult, lang: str = "zh") -> str:
    """NPV, capex, CO2 avoided and abatement cost of the pathway against the park without measures."""
    e = p.economics
    return t("ui.pathway_economics", lang, h=e["horizon_yr"], rate=f"{e['discount_rate_frac']:.0%}",
             npv=shown(e["npv_cny"], "cny", lang), capex=shown(e["capex_cny"], "cny", lang),
             co2=format_number(e["co2_avoided_t"]), cost=format_number(e["abatement_cost_cny_per_t"]))


def pathway_frame(p: PathwayResult, lang: str = "zh") -> pd.DataFrame:
    """One row per year: measures commissioned, grid factor, core value, threshold, status, money."""
    rows = [y.row() for y in p.years]
    cny, scale = unit("cny", lang)
    return pd.DataFrame({
        t("ui.col_year", lang): [r["year"] for r in rows],
        t("ui.col_commissioned", lang): [r["commissioned"] for r in rows],
        t("ui.col_grid_factor", lang): [format_number(r["grid_factor_t_per_mwh"]) for r in rows],
        t("ui.pathway_value", lang): [shown(r["carbon_per_energy_t_co2_per_tce"], "tco2_per_tce", lang) for r in rows],
        t("ui.col_threshold", lang): [shown(r["threshold"], "tco2_per_tce", lang) for r in rows],
        t("ui.col_status", lang): [status_text(y.assessment.core, lang) for y in p.years],
        t("indicators.clean_energy_share", lang): [shown(r["clean_energy_share_frac"], "frac", lang) for r in rows],
        f"{t('kpi.capex_cny', lang)} [{cny}]": [format_number(r["capex_cny"] * scale) for r in rows],
        f"{t('kpi.operating_cost_cny_per_yr', lang)} [{cny}]": [format_number(r["operating_cost_cny"] * scale)
                                                             for r in rows],
    })


def mac_frame(points: Sequence[MacPoint], lang: str = "zh") -> pd.DataFrame:
    """The MAC curve as a table, cheapest first."""
    cny, scale = unit("cny", lang)
    return pd.DataFrame({
        "id": [p.id for p in points],
        t("ui.col_year", lang): [p.year for p in points],
        t("ui.col_avoided", lang): [format_number(p.co2_avoided_t_per_yr) for p in points],
        t("ui.col_cost_per_t", lang): [format_number(p.abatement_cost_cny_per_t) for p in points],
        t("ui.col_capex", lang, unit=cny): [format_number(p.capex_cny * scale) for p in points],
        t("ui.col_saving", lang, unit=cny): [format_number(p.annual_saving_cny * scale) for p in points],
        t("ui.col_npv", lang, unit=cny): [format_number(p.npv_cny * scale) for p in points],
        t("ui.col_measure", lang): [p.name or p.id for p in points],
    })
