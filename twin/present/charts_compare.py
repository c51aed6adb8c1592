"""Plotly figures that set scenarios side by side (the Compare page and the HTML report)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from twin.present.charts import layout
from twin.present.i18n import format_number, kpi_display, kpi_label, t

# One colour per scenario in comparisons (plotly's default qualitative sequence)
PALETTE = ("#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3")


def compare_bars(kpis_by_name: Mapping[str, Mapping[str, float]], keys: Sequence[str],
                 lang: str = "zh") -> go.Figure:
    """Headline figures of several scenarios: one panel per figure, bars in its own display unit.

    Each panel has its own scale, so a figure that changes by 1 % and one that grows
    fivefold are both readable (one shared "% of the first" axis squashed one of them);
    value labels sit at the bar ends, the legend above the panels.
    """
    names = list(kpis_by_name)
    keys = list(dict.fromkeys(keys))
    fig = make_subplots(rows=len(keys), cols=1, subplot_titles=[kpi_label(k, lang) for k in keys],
                        vertical_spacing=min(0.3 / max(len(keys), 1), 0.08))
    for row, key in enumerate(keys, start=1):
        values = [kpi_display(key, kpis_by_name[n].get(key, np.nan), lang) for n in names]
        for i, (name, value) in enumerate(zip(names, values, strict=True)):
            fig.add_trace(go.Bar(y=[name], x=[value], orientation="h", name=name, legendgroup=name,
                                 showlegend=row == 1, marker_color=PALETTE[i % len(PALETTE)],
                                 text=[format_number(value)], textposition="outside", cliponaxis=False,
                                 hovertemplate=f"{name}: %{{text}}<extra></extra>"), row=row, col=1)
        top = max([abs(v) for v in values if np.isfinite(v)], default=0.0) or 1.0
        low = min([v for v in values if np.isfinite(v)], default=0.0)
        fig.update_xaxes(range=[min(0.0, low * 1.3), top * 1.3], showticklabels=False, row=row, col=1)
        fig.update_yaxes(showticklabels=False, autorange="reversed", row=row, col=1)
    height = 130 + 28 * len(keys) * (len(names) + 1)
    fig = layout(fig, t("ui.chart_compare", lang), height=height)
    above_titles = 1 + 26 / (height - 130)  # the legend sits 26 px above the first panel's title
    return fig.update_layout(barmode="group", hovermode="closest", margin={"l": 20, "r": 20, "t": 110, "b": 20},
                             legend={"orientation": "h", "x": 0, "y": above_titles, "yanchor": "bottom"})
