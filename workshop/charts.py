"""Workshop charts (plotly): every chart carries the core indicator against its threshold."""

from __future__ import annotations

import plotly.graph_objects as go

from workshop.activities import Activity
from workshop.i18n import t
from workshop.rounds import firm_gains

HEIGHT = 360


def _title(out: dict, lang: str) -> str:
    verdict = t("ui.met" if out["core_met"] else "ui.not_met", lang)
    return (f"{t('ui.core', lang)}: {out['baseline']['core_t_per_tce']:.3f} → {out['core_t_per_tce']:.3f} "
            f"({t('ui.threshold', lang)} {out['core_threshold_t_per_tce']:.1f}, {verdict})")


def core_chart(out: dict, lang: str, others: dict[str, dict] | None = None) -> go.Figure:
    """Core indicator: baseline, now and any snapshots, with the threshold line."""
    items = {t("ui.baseline", lang): out["baseline"], t("ui.now", lang): out, **(others or {})}
    fig = go.Figure(go.Bar(x=list(items), y=[o["core_t_per_tce"] for o in items.values()],
                           text=[f"{o['core_t_per_tce']:.3f}" for o in items.values()], textposition="outside"))
    fig.add_hline(y=out["core_threshold_t_per_tce"], line_dash="dash", line_color="red",
                  annotation_text=t("ui.threshold", lang))
    return _layout(fig, out, lang, t("ui.core", lang))


def co2_split_chart(out: dict, lang: str, others: dict[str, dict] | None = None) -> go.Figure:
    """Scope 1 and scope 2 CO2 (GHG Protocol, location-based), baseline against now."""
    items = {t("ui.baseline", lang): out["baseline"], t("ui.now", lang): out, **(others or {})}
    fig = go.Figure([go.Bar(name=t(f"ui.{s}", lang), x=list(items), y=[o[f"co2_{s}_t"] for o in items.values()])
                     for s in ("scope1", "scope2")])
    fig.update_layout(barmode="stack")
    return _layout(fig, out, lang, t("ui.co2", lang))


def cost_carbon_chart(points: dict[str, dict], lang: str, ref: dict) -> go.Figure:
    """Extra capital against net CO2 for named outcomes (plans or snapshots)."""
    fig = go.Figure(go.Scatter(x=[o["capex_cny"] / 1e6 for o in points.values()],
                               y=[o["co2_t"] for o in points.values()], text=list(points),
                               mode="markers+text", textposition="top center", marker={"size": 12}))
    fig.update_xaxes(title=f"{t('ui.capex', lang)} ×10⁶")
    return _layout(fig, ref, lang, t("ui.co2", lang))


def firms_chart(a: Activity, out: dict, lang: str) -> go.Figure:
    """Each role's firm: its CO2 change against the baseline."""
    gains = firm_gains(a, out)
    labels = {r.id: r.label(lang) for r in a.roles}
    fig = go.Figure(go.Bar(x=[labels[k] for k in gains], y=list(gains.values()),
                           text=[f"{v:,.0f}" for v in gains.values()], textposition="outside"))
    return _layout(fig, out, lang, t("ui.firm_change", lang))


def chart(a: Activity, out: dict, lang: str, others: dict[str, dict] | None = None) -> go.Figure:
    """The activity's chart for an outcome (with snapshots beside it where the chart allows)."""
    if a.chart == "co2_split":
        return co2_split_chart(out, lang, others)
    if a.chart == "firms":
        return firms_chart(a, out, lang)
    if a.chart == "cost_carbon":
        return cost_carbon_chart({t("ui.baseline", lang): out["baseline"], t("ui.now", lang): out,
                                  **(others or {})}, lang, out)
    return core_chart(out, lang, others)


def _layout(fig: go.Figure, out: dict, lang: str, ytitle: str) -> go.Figure:
    fig.update_layout(title={"text": _title(out, lang), "font": {"size": 14}}, height=HEIGHT,
                      margin={"l": 40, "r": 20, "t": 60, "b": 40}, yaxis_title=ytitle)
    return fig
