"""A short HTML report of a calibration: summary, metrics table, plots per meter.

Per meter: measured against simulated before and after (daily means when the series is
longer than :data:`MAX_POINTS`), and the mean residual (measured - simulated, before and
after) by hour of day (sub-daily data only) and by month.
"""

from __future__ import annotations

import html
from typing import Protocol

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots


class CalibrationResult(Protocol):
    """What the report reads of a result (:class:`calibration.outputs.CalibrationResult`).

    A protocol, so that the outputs import their report and not the reverse.
    """

    metrics: dict
    series: pd.DataFrame
    summary: dict
    scenario_path: str
    units: dict[str, str]

MAX_POINTS = 1500
COLOURS = {"measured": "#222222", "before": "#b0b0b0", "after": "#d62728"}
STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}
table{border-collapse:collapse;font-size:0.9em;margin:1em 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}
td.l,th.l{text-align:left}.pass{color:#1a7f37}.fail{color:#cf222e}"""


def render(result: CalibrationResult, plotlyjs: str = "embed") -> str:
    """The whole report as one HTML page (``plotlyjs``: ``embed`` or ``cdn``)."""
    evaluation = not result.free
    kind = "Evaluation" if evaluation else "Calibration"
    body = [f"<h1>{kind} of {html.escape(result.scenario_path)}</h1>",
            _evaluation(result) if evaluation else _summary(result), _metrics_table(result),
            *extra_sections(result)]
    first = True
    for meter, frame in result.series.groupby("meter", sort=False):
        fig = figure(meter, frame, result.units.get(meter, ""))
        include = ("cdn" if plotlyjs == "cdn" else True) if first else False
        body.append(fig.to_html(full_html=False, include_plotlyjs=include))
        first = False
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{kind}</title><style>{STYLE}</style></head><body>{''.join(body)}</body></html>")


def _summary(result: CalibrationResult) -> str:
    """Fit status and the free fields, start to fitted."""
    s = result.summary
    status = "converged" if s["converged"] else "did NOT converge"
    rows = "".join(
        f"<tr><td class='l'>{html.escape(p)}</td><td>{_num(v['start'])}</td>"
        f"<td>{_num(v['fitted'])}</td><td>[{_num(v['lower'])}, {_num(v['upper'])}]</td></tr>"
        for p, v in s["free"].items())
    return (f"<p>Fit {status}: {html.escape(str(s['message']).rstrip('.'))}; "
            f"{s['evaluations']} model runs "
            f"in {s.get('seconds', float('nan')):.1f} s; cost {s['cost_before']:.4g} &rarr; "
            f"{s['cost_after']:.4g}.</p><table><tr><th class='l'>field</th><th>start</th>"
            f"<th>fitted</th><th>bounds</th></tr>{rows}</table>")


def _evaluation(result: CalibrationResult) -> str:
    """What was evaluated: the scenario, the fitted fields applied, the weather."""
    s = result.summary
    applied = html.escape(str(s.get("calibrated") or "none (the scenario as it is)"))
    return (f"<p>Evaluated without fitting in {s.get('seconds', float('nan')):.1f} s; fitted "
            f"fields applied: {applied}; weather: {html.escape(str(s.get('weather')))}.</p>")


def extra_sections(result: CalibrationResult) -> list[str]:
    """Screening (values excluded from fitting) and change of regime, when present."""
    from calibration.report_quality import regime_section, screening_section, weather_section

    return [weather_section(result.metrics), screening_section(result.metrics),
            regime_section(result.metrics)]


def _metrics_table(result: CalibrationResult) -> str:
    """CV(RMSE), NMBE and the Guideline 14 verdict, before and after."""
    rows = []
    for meter, entry in result.metrics["meters"].items():
        for period in result.metrics["periods"]:
            for interval, stats in entry.get(period, {}).items():
                before = stats.get("before", {})
                cells = [meter, period, interval, str(stats["after"].get("n", ""))]
                for key in ("cv_rmse", "nmbe"):
                    cells += [_pct(before.get(key)), _pct(stats["after"].get(key))]
                rows.append("<tr>" + "".join(
                    f"<td class='l'>{html.escape(c)}</td>" if i < 3 else f"<td>{c}</td>"
                    for i, c in enumerate(cells)) + _verdict(stats["after"]) + "</tr>")
    head = ("<tr><th class='l'>meter</th><th class='l'>period</th><th class='l'>interval</th>"
            "<th>n</th><th>CV(RMSE) before</th><th>after</th><th>NMBE before</th><th>after</th>"
            "<th>ASHRAE 14 after</th></tr>")
    return f"<h2>Goodness of fit</h2><table>{head}{''.join(rows)}</table>"


def metrics_frame(result: CalibrationResult) -> pd.DataFrame:
    """The goodness of fit as a table: meter, period, interval, CV(RMSE) and NMBE before
    and after, and the Guideline 14 verdict after (for the app and exports)."""
    rows = []
    for meter, entry in result.metrics["meters"].items():
        for period in result.metrics["periods"]:
            for interval, stats in entry.get(period, {}).items():
                before, after = stats.get("before", {}), stats["after"]
                verdict = None if "error" in after else after["standards"]["ashrae14"]["pass"]
                rows.append({"meter": meter, "period": period, "interval": interval, "n": after.get("n"),
                             "cv_rmse_before": before.get("cv_rmse"), "cv_rmse_after": after.get("cv_rmse"),
                             "nmbe_before": before.get("nmbe"), "nmbe_after": after.get("nmbe"),
                             "ashrae14_pass": verdict})
    return pd.DataFrame(rows)


def _verdict(stats: dict) -> str:
    if "error" in stats:
        return f"<td class='l'>{html.escape(stats['error'][:60])}</td>"
    ok = stats["standards"]["ashrae14"]["pass"]
    return f"<td class='{'pass' if ok else 'fail'}'>{'pass' if ok else 'fail'}</td>"


def _pct(value) -> str:
    return "" if value is None else f"{100 * value:.1f} %"


def _num(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def figure(meter: str, frame: pd.DataFrame, unit: str) -> go.Figure:
    """Time series on top; residuals by hour of day and by month below."""
    data = frame.assign(time=pd.to_datetime(frame["timestamp"], utc=True))
    stamps = frame["timestamp"].astype(str)  # ISO 8601 local time with its UTC offset
    data["hour"], data["month"] = stamps.str[11:13].astype(int), stamps.str[5:7].astype(int)
    sub_daily = data["hour"].nunique() > 1
    runs = [(c, c.removeprefix("simulated_")) for c in ("simulated_before", "simulated_after")
            if c in data]
    series = data.set_index("time")[["measured", *(c for c, _ in runs)]]
    title = f"{meter}: measured and simulated [{unit} per reading]"
    if len(series) > MAX_POINTS:  # daily means of the readings present (gaps do not dip)
        series, title = series.resample("D").mean(), title.replace("]", ", daily mean]")
    fig = make_subplots(rows=2, cols=2 if sub_daily else 1, specs=[
        [{"colspan": 2 if sub_daily else 1}, None] if sub_daily else [{}],
        [{}, {}] if sub_daily else [{}]],
        subplot_titles=(title, *(["mean residual by hour of day"] if sub_daily else []),
                        "mean residual by month (measured - simulated)"))
    for col, name in (("measured", "measured"), *runs):
        fig.add_trace(go.Scatter(x=series.index, y=series[col], name=name, mode="lines",
                                 line={"color": COLOURS[name], "width": 1}), row=1, col=1)
    groups = (["hour"] if sub_daily else []) + ["month"]
    for i, key in enumerate(groups, start=1):
        for col, name in runs:
            resid = (data["measured"] - data[col]).groupby(data[key]).mean()
            fig.add_trace(go.Bar(x=resid.index, y=resid.to_numpy(), name=f"residual {name}",
                                 marker_color=COLOURS[name], showlegend=i == 1),
                          row=2, col=i)
    fig.update_layout(height=650, barmode="group", margin={"t": 40, "b": 30})
    return fig
