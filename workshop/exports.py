"""Class results: a table, CSV and Excel bytes, and a one-file HTML debrief (plotly inline, offline)."""

from __future__ import annotations

import html
import io

import pandas as pd

from workshop.activities import Activity
from workshop.charts import cost_carbon_chart
from workshop.i18n import t
from workshop.rounds import answer, score

COLUMNS = ("core_t_per_tce", "co2_t", "co2_cut_frac", "capex_cny", "npv_cny", "indicators_met")


def class_table(a: Activity, plans: list[tuple], predictions: dict[str, float]) -> pd.DataFrame:
    """One row per submitted plan: team, role, controls, outcome, score, prediction and answer."""
    rows = []
    for team, controls, out in plans:
        row = {"team": team.name, "role": team.role or "", **{f"control:{k}": v for k, v in controls.items()}}
        row.update({k: out[k] for k in COLUMNS})
        row.update(score(a, out))
        row["prediction"] = predictions.get(team.name)
        row["answer"] = answer(a, out)
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.sort_values("score", ascending=False, ignore_index=True) if rows else frame


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (Excel opens the Chinese names right)."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame) -> bytes:
    """An .xlsx workbook with one sheet of class results."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="results", index=False)
    return buf.getvalue()


def debrief_html(a: Activity, frame: pd.DataFrame, plans: list[tuple], lang: str) -> str:
    """One self-contained HTML page: the question, the explanation's claims, results and the scatter."""
    points = {t("ui.baseline", lang): plans[0][2]["baseline"]} if plans else {}
    points.update({team.name: out for team, _, out in plans})
    parts = [f"<h1>{html.escape(a.title(lang))}</h1>", f"<p>{html.escape(a.question(lang))}</p>"]
    if plans:
        fig = cost_carbon_chart(points, lang, plans[0][2])
        parts.append(fig.to_html(full_html=False, include_plotlyjs=True))
    parts.append(f"<h2>{html.escape(t('ui.leaderboard', lang))}</h2>")
    parts.append(frame.to_html(index=False, float_format=lambda v: f"{v:,.3f}", border=0) if len(frame)
                 else f"<p>{html.escape(t('ui.no_plans', lang))}</p>")
    body = "\n".join(parts)
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{html.escape(a.title(lang))}"
            "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{padding:4px 8px;border-bottom:1px solid #ccc}</style></head>"
            f"<body>{body}</body></html>")
