"""Plotly figures of many runs: a 2-D grid heatmap with the threshold contour, Monte Carlo bands,
convergence, tornado, Sobol indices, and the optimiser's cost-carbon front.

Every function takes tables from :mod:`twin.explore` and a language (``zh`` or ``en``) and
returns a ``plotly.graph_objects.Figure``; the app and the README only place them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from twin.present.charts import layout
from twin.present.i18n import kpi_display, kpi_label, kpi_unit, t

BAND = "rgba(78,121,167,0.25)"
LINE = "#4e79a7"


def grid_heatmap(table: pd.DataFrame, x: str, y: str, z: str, threshold: float | None = None,
                 lang: str = "zh") -> go.Figure:
    """``z`` over a grid of two inputs, with the contour where ``z`` equals ``threshold``."""
    good = table[table["error"].isna()] if "error" in table else table
    grid = good.pivot_table(index=y, columns=x, values=z, aggfunc="mean").map(lambda v: kpi_display(z, v, lang))
    threshold = None if threshold is None else kpi_display(z, threshold, lang)
    fig = go.Figure(go.Heatmap(x=grid.columns, y=grid.index, z=grid.to_numpy(), colorscale="RdYlGn_r",
                               colorbar={"title": kpi_unit(z, lang)},
                               hovertemplate=f"{x}=%{{x}}<br>{y}=%{{y}}<br>%{{z:.4g}}<extra></extra>"))
    if threshold is not None and grid.size > 1 and np.nanmin(grid) <= threshold <= np.nanmax(grid):
        fig.add_trace(go.Contour(x=grid.columns, y=grid.index, z=grid.to_numpy(), showscale=False,
                                 contours={"start": threshold, "end": threshold, "size": 1, "coloring": "lines",
                                           "showlabels": True},
                                 colorscale=[[0, "black"], [1, "black"]], line={"width": 3},
                                 name=t("ui.explore_threshold", lang),
                                 hoverinfo="skip"))
    fig.update_xaxes(title=x)
    fig.update_yaxes(title=y)
    return layout(fig, kpi_label(z, lang)).update_layout(hovermode="closest")


def monthly_bands(table: pd.DataFrame, name: str, lang: str = "zh") -> go.Figure:
    """P10-P90 band and P50 line of the ``monthly.NAME.YYYY-MM`` columns over the good runs."""
    good = table[table["error"].isna()] if "error" in table else table
    cols = sorted(c for c in good.columns if c.startswith(f"monthly.{name}."))
    q = good[cols].quantile([0.1, 0.5, 0.9]) * kpi_display(name, 1.0, lang)
    months = [c.rsplit(".", 1)[1] for c in cols]
    fig = go.Figure([
        go.Scatter(x=months, y=q.loc[0.9], mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"),
        go.Scatter(x=months, y=q.loc[0.1], mode="lines", fill="tonexty", fillcolor=BAND, line={"width": 0},
                   name="P10–P90"),
        go.Scatter(x=months, y=q.loc[0.5], mode="lines+markers", line={"color": LINE}, name="P50")])
    fig.update_yaxes(title=kpi_label(f"{name}", lang))
    return layout(fig, kpi_label(name, lang))


def convergence_chart(conv: pd.DataFrame, column: str, lang: str = "zh") -> go.Figure:
    """P10, P50 and P90 of ``column`` against the number of draws."""
    c = conv[conv["column"] == column]
    fig = go.Figure([go.Scatter(x=c["n"], y=c[k], name=k.upper(), mode="lines+markers") for k in ("p10", "p50", "p90")])
    fig.update_xaxes(title=t("ui.explore_draws", lang))
    return layout(fig, kpi_label(column, lang), height=350)


def tornado_chart(tornado: pd.DataFrame, output: str, lang: str = "zh") -> go.Figure:
    """Change of ``output`` with each input at its P10 and P90 (largest swing on top)."""
    d = tornado[tornado["output"] == output].iloc[::-1].copy()
    d[["base", "at_low", "at_high"]] *= kpi_display(output, 1.0, lang)
    base = float(d["base"].iloc[0]) if len(d) else 0.0
    labels = [f"{r.input} ({r.low:.3g} → {r.high:.3g})" for r in d.itertuples()]
    bar = {"y": labels, "base": base, "orientation": "h"}
    fig = go.Figure([go.Bar(x=d["at_low"] - base, name="P10", marker_color="#59a14f", **bar),
                     go.Bar(x=d["at_high"] - base, name="P90", marker_color="#e15759", **bar)])
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=kpi_label(output, lang))
    return layout(fig, t("ui.explore_tornado", lang), height=150 + 40 * len(d))


def sobol_chart(indices: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """First-order (S1) and total (ST) Sobol indices of each input, with their confidence."""
    fig = go.Figure([go.Bar(x=indices.index, y=indices[k], name=k, error_y={"array": indices[f"{k}_conf"]})
                     for k in ("S1", "ST")])
    fig.update_yaxes(range=[0, 1.05])
    return layout(fig, t("ui.explore_sobol", lang), height=380)


def front_chart(trials: pd.DataFrame, front: pd.DataFrame, best: dict | None, cost: str, carbon: str,
                lang: str = "zh") -> go.Figure:
    """Every trial's cost against carbon, the front of the undominated ones and the best plan."""
    k = {cost: kpi_display(cost, 1.0, lang), carbon: kpi_display(carbon, 1.0, lang)}
    ok, front = _scaled(trials[trials["error"].isna()], k), _scaled(front, k)
    best = None if best is None else {**best, **{c: best[c] * f for c, f in k.items()}}
    met = ok["carbon_per_energy_passed"].fillna(False).astype(bool)
    fig = go.Figure([
        go.Scatter(x=ok.loc[~met, carbon], y=ok.loc[~met, cost], mode="markers", marker={"color": "#bab0ac"},
                   name=t("ui.explore_misses", lang)),
        go.Scatter(x=ok.loc[met, carbon], y=ok.loc[met, cost], mode="markers", marker={"color": "#59a14f"},
                   name=t("ui.explore_meets", lang)),
        go.Scatter(x=front[carbon], y=front[cost], mode="lines", line={"color": LINE, "shape": "hv"},
                   name=t("ui.explore_front", lang))])
    if best is not None:
        fig.add_trace(go.Scatter(x=[best[carbon]], y=[best[cost]], mode="markers", name=t("ui.explore_best", lang),
                                 marker={"symbol": "star", "size": 16, "color": "#e15759"}))
    fig.update_xaxes(title=kpi_label(carbon, lang))
    fig.update_yaxes(title=kpi_label(cost, lang))
    return layout(fig, t("ui.explore_front", lang)).update_layout(hovermode="closest")


def _scaled(table: pd.DataFrame, factors: dict[str, float]) -> pd.DataFrame:
    """Columns in their display units."""
    out = table.copy()
    for c, f in factors.items():
        out[c] = out[c] * f
    return out
