"""Plotly figures of assessments: carbon waterfall, R-ACES spider, accounts side by side,
the core indicator's pathway and the marginal abatement cost curve.

Each takes what :func:`twin.assess`, :mod:`twin.appraisal.pathway` give (an :class:`Assessment`, a
:class:`PathwayResult`, :class:`MacPoint` items) and a language, and returns a figure;
no indicator or account is recomputed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from twin.appraisal.assessment import Assessment
from twin.appraisal.pathway import MacPoint, PathwayResult
from twin.present.charts import layout
from twin.present.i18n import format_number, local_name, option, t
from twin.present.panels import account_label

GREEN_CONTRACTS = ("electricity:green_trade", "electricity:certificates")
GRID_LINE = "electricity:grid_net_inflow"
PASS, FAIL, NOT_SET = "#1a7f37", "#c62828", "#7f7f7f"


@dataclass(frozen=True)
class Step:
    """One bar of the carbon waterfall: label, tCO2 (None for totals), measure, hover text."""

    label: str
    value: float | None
    measure: str  # relative or total
    hover: str = ""


def _activity(ln) -> str:
    unit = ln.activity_unit.replace("m3", "m³").replace("t_co2", "tCO₂")
    return f"{format_number(ln.activity)} {unit}"


def _factor_text(ln) -> str:
    """``'176,491 t × 1.874 tCO₂/t'`` (a line measured in tCO2: its tonnes only)."""
    if ln.activity_unit == "t_co2":
        return _activity(ln)
    unit = ln.factor_unit.replace("t_co2_per_", "tCO₂/").replace("m3", "m³")
    return f"{_activity(ln)} × {ln.factor:.4g} {unit}"


def carbon_steps(a: Assessment, lang: str = "zh") -> list[Step]:
    """Waterfall bars from the national account's lines [tCO2].

    Process, combustion per fuel, grid electricity (with the MWh green contracts cover, at the
    line's factor), other emission lines (heat bought), green power trading and certificates
    (minus what they cover) -> gross (the account's gross), then each deduction the account
    subtracts (CCUS, sinks, offsets) -> net (the account's net).
    """
    acc = a.accounts["national_park"]
    emissions = [ln for ln in acc.lines if ln.kind == "emission"]
    zero = {ln.item: ln for ln in acc.lines if ln.kind == "zero"}
    grid = next((ln for ln in emissions if ln.item == GRID_LINE), None)
    covered = sum(zero[i].activity for i in GREEN_CONTRACTS if i in zero)
    green = covered * grid.factor if grid is not None else 0.0
    steps = [Step(account_label(ln.item, lang), ln.co2_t, "relative", _factor_text(ln))
             for ln in emissions if ln.item.startswith("process:")]
    steps += [Step(account_label(ln.item, lang), ln.co2_t, "relative", _factor_text(ln))
              for ln in emissions if ln.item.startswith("fuel:")]
    if grid is not None and (grid.co2_t or green):
        mwh = grid.activity + covered
        steps.append(Step(t("account_lines.waterfall_electricity", lang), grid.co2_t + green, "relative",
                          f"{format_number(mwh)} MWh × {grid.factor:.4g} tCO₂/MWh"))
    steps += [Step(account_label(ln.item, lang), ln.co2_t, "relative", _factor_text(ln)) for ln in emissions
              if not ln.item.startswith(("process:", "fuel:")) and ln.item != GRID_LINE]
    if green:
        steps.append(Step(t("account_lines.waterfall_green_power", lang), -green, "relative",
                          f"{format_number(covered)} MWh × 0"))
    steps.append(Step(t("account_lines.total:gross", lang), None, "total"))
    steps += [Step(account_label(ln.item, lang), -ln.co2_t, "relative", _activity(ln))
              for ln in acc.lines if ln.kind == "deduction" and ln.deducted and ln.co2_t]
    steps.append(Step(t("account_lines.total:net", lang), None, "total"))
    return steps


def carbon_waterfall(a: Assessment, lang: str = "zh") -> go.Figure:
    """Carbon waterfall of the national park account: gross by line, green power, deductions, net."""
    steps = carbon_steps(a, lang)
    running, text = 0.0, []
    for s in steps:
        running += s.value or 0.0
        text.append(format_number(running if s.measure == "total" else s.value))
    hover = [f"{s.label}<br>{x} tCO₂<br>{s.hover}" if s.hover else f"{s.label}<br>{x} tCO₂"
             for s, x in zip(steps, text, strict=True)]
    fig = go.Figure(go.Waterfall(
        x=[s.label for s in steps], y=[s.value or 0.0 for s in steps], measure=[s.measure for s in steps],
        text=text, textposition="outside", hovertext=hover, hoverinfo="text", cliponaxis=False,
        connector={"line": {"color": "#999"}},
        increasing={"marker": {"color": "#c44e52"}}, decreasing={"marker": {"color": "#55a868"}},
        totals={"marker": {"color": "#4c72b0"}}))
    fig.update_yaxes(title_text=t("ui.axis_co2", lang))
    title = f"{t('ui.chart_waterfall', lang)} · {t('accounts.national_park', lang)}"
    return layout(fig, title, height=460).update_layout(hovermode="closest")


def spider(scores: Mapping[str, Mapping[str, float | None]], lang: str = "zh") -> go.Figure:
    """R-ACES spider chart: scenario -> carrier -> score (``Assessment.races``; no score plotted as 0)."""
    fig = go.Figure()
    for name, by_carrier in scores.items():
        theta = [option("carrier", c, lang) for c in by_carrier]
        values = [v or 0.0 for v in by_carrier.values()]
        hover = [f"{c}: {format_number(v) if v is not None else t('ui.not_available', lang)}"
                 for c, v in zip(theta, by_carrier.values(), strict=True)]
        fig.add_trace(go.Scatterpolar(r=[*values, values[0]], theta=[*theta, theta[0]], fill="toself", name=name,
                                      hovertext=[*hover, hover[0]], hoverinfo="text+name"))
    fig.update_layout(polar={"radialaxis": {"visible": True, "range": [0, 1]}})
    return layout(fig, t("ui.chart_spider", lang), height=440).update_layout(hovermode="closest")


def races_spider(assessments: Mapping[str, Assessment], lang: str = "zh") -> go.Figure:
    """The R-ACES spider of assessed scenarios (name -> Assessment)."""
    return spider({name: a.races for name, a in assessments.items()}, lang)


def accounts_chart(assessments: Mapping[str, Assessment], lang: str = "zh") -> go.Figure:
    """Net CO2 of each scenario under each accounting method, grouped bars [tCO2]."""
    fig = go.Figure()
    methods = list(next(iter(assessments.values())).accounts)
    labels = [t(f"accounts.{m}", lang) for m in methods]
    for name, a in assessments.items():
        values = [a.accounts[m].net_co2_t for m in methods]
        fig.add_trace(go.Bar(x=labels, y=values, name=name, text=[format_number(v) for v in values],
                             textposition="outside", cliponaxis=False))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=t("ui.axis_co2", lang))
    return layout(fig, t("ui.chart_accounts", lang), height=420)


def pathway_chart(p: PathwayResult, lang: str = "zh") -> go.Figure:
    """The core indicator year by year against its threshold; markers green (met) or red."""
    years = [y.year for y in p.years]
    cores = [y.assessment.core for y in p.years]
    colors = [NOT_SET if c.passed is None else PASS if c.passed else FAIL for c in cores]
    hover = [f"{y.year}: {format_number(c.value)} tCO₂/tce<br>{', '.join(y.commissioned) or '–'}"
             for y, c in zip(p.years, cores, strict=True)]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=years, y=[c.threshold for c in cores], name=t("ui.pathway_threshold", lang),
                             mode="lines", line={"color": "#555", "dash": "dash", "shape": "hv"}))
    fig.add_trace(go.Scatter(x=years, y=[c.value for c in cores], name=t("ui.pathway_value", lang),
                             mode="lines+markers+text", line={"color": "#4c72b0", "width": 3},
                             marker={"color": colors, "size": 12, "line": {"color": "white", "width": 1}},
                             text=[format_number(c.value) for c in cores], textposition="top right",
                             hovertext=hover, hoverinfo="text"))
    if p.first_met is not None:
        fig.add_vline(x=p.first_met, line={"color": PASS, "dash": "dot"})
        fig.add_annotation(x=p.first_met, y=1, yref="paper", showarrow=False, yanchor="bottom",
                           text=t("ui.pathway_first_met_short", lang, year=p.first_met), font={"color": PASS})
    fig.update_xaxes(title_text=t("ui.axis_year", lang), dtick=1)
    fig.update_yaxes(title_text="tCO₂/tce", rangemode="tozero")
    title = f"{t('ui.chart_pathway', lang)} · {p.scenario}"
    return layout(fig, title, height=440).update_layout(hovermode="closest")


def mac_chart(points: Sequence[MacPoint], lang: str = "zh") -> go.Figure:
    """Marginal abatement cost curve: one step per measure that avoids CO2, cheapest first;
    width = tCO2/yr avoided, height = CNY/tCO2 (measures that avoid nothing are left off)."""
    on = [p for p in points if p.abatement_cost_cny_per_t is not None and p.co2_avoided_t_per_yr > 0]
    starts, x = [], 0.0
    for p in on:
        starts.append(x)
        x += p.co2_avoided_t_per_yr
    total = x or 1.0
    fig = go.Figure(go.Bar(
        x=starts, y=[p.abatement_cost_cny_per_t for p in on], width=[p.co2_avoided_t_per_yr for p in on],
        offset=0, marker={"color": ["#55a868" if p.abatement_cost_cny_per_t < 0 else "#dd8452" for p in on],
                          "line": {"color": "white", "width": 1}},
        hovertext=[f"{local_name(p, lang)} ({p.year})<br>{format_number(p.co2_avoided_t_per_yr)} tCO₂/yr · "
                   f"{format_number(p.abatement_cost_cny_per_t)} CNY/tCO₂" for p in on], hoverinfo="text",
        showlegend=False))
    for x0, p in zip(starts, on, strict=True):  # measure ids: along wide steps, upright on narrow ones
        wide = p.co2_avoided_t_per_yr > 0.08 * total
        up = p.abatement_cost_cny_per_t >= 0
        fig.add_annotation(x=x0 + p.co2_avoided_t_per_yr / 2, y=p.abatement_cost_cny_per_t, text=p.id,
                           showarrow=False, textangle=0 if wide else -90, font={"size": 11},
                           xanchor="center" if wide else "center", yanchor="bottom" if up else "top",
                           yshift=3 if up else -3)
    fig.add_hline(y=0, line={"color": "#333", "width": 1})
    fig.update_xaxes(title_text=t("ui.axis_mac_x", lang), range=[0, total * 1.02])
    fig.update_yaxes(title_text=t("ui.axis_mac_y", lang))
    return layout(fig, t("ui.chart_mac", lang), height=460).update_layout(hovermode="closest")
