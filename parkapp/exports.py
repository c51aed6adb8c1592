"""Result files for download: CSV, Excel, PNG. No streamlit.

CSV files carry a UTF-8 byte-order mark so Excel opens Chinese labels correctly.
The Excel workbook holds KPIs, indicators, carbon accounts, monthly and daily balances
and the event log (hourly flows are in the CSV: 8,760 rows x every port would take Excel
writers several seconds).
"""

from __future__ import annotations

import importlib.util
import io
import shutil
from functools import cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from twin.appraisal.assessment import Assessment
from twin.kernel.results import Results
from twin.present.i18n import kpi_label, kpi_unit
from twin.present.panels import accounts_frame, indicator_frame

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")


def _naive(frame: pd.DataFrame) -> pd.DataFrame:
    """Local wall-clock times without zone (Excel has no time zones)."""
    out = frame.copy()
    if isinstance(out.index, pd.DatetimeIndex) and out.index.tz is not None:
        out.index = out.index.tz_localize(None)
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    return out


def kpi_table(results: Results, lang: str) -> pd.DataFrame:
    """KPIs: key, label, value in the canonical unit (the key's suffix), display unit."""
    keys = list(results.kpis)
    return pd.DataFrame({"key": keys, "label": [kpi_label(k, lang) for k in keys],
                         "value": [results.kpis[k] for k in keys],
                         "display_unit": [kpi_unit(k, lang) for k in keys]})


def kpis_csv(results: Results, lang: str) -> bytes:
    """KPI table as CSV."""
    return kpi_table(results, lang).to_csv(index=False).encode("utf-8-sig")


def flows_csv(results: Results) -> bytes:
    """Hourly flows of every port (``asset@bus``, + into the bus) as CSV."""
    frame = _naive(results.flows_frame()).rename_axis("time")
    return frame.to_csv(float_format="%.6g").encode("utf-8-sig")


def _by_bus(results: Results, freq: str) -> pd.DataFrame:
    frames = {bus: results.balance(bus, freq) for bus in dict.fromkeys(results.port_bus)}
    return _naive(pd.concat(frames, axis=1)).rename_axis("time")


def excel_bytes(results: Results, lang: str, assessment: Assessment) -> bytes:
    """Workbook: kpis, indicators, accounts, monthly and daily balance per bus, events."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        kpi_table(results, lang).to_excel(writer, sheet_name="kpis", index=False)
        indicator_frame(assessment, lang).to_excel(writer, sheet_name="indicators", index=False)
        accounts_frame(assessment, lang).to_excel(writer, sheet_name="accounts", index=False)
        _flat(_by_bus(results, "MS")).to_excel(writer, sheet_name="monthly")
        _flat(_by_bus(results, "D")).to_excel(writer, sheet_name="daily")
        _naive(results.events).to_excel(writer, sheet_name="events", index=False)
    return buffer.getvalue()


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [f"{bus}:{port}" for bus, port in out.columns]
    return out


@cache
def png_available() -> bool:
    """True when plotly can render PNG here (kaleido and a local Chromium or Chrome)."""
    if importlib.util.find_spec("kaleido") is None:
        return False
    return SYSTEM_CHROMIUM.exists() or any(shutil.which(n) for n in ("chromium", "google-chrome", "chrome"))


def png_bytes(fig: go.Figure, width: int = 1200, height: int | None = None) -> bytes:
    """A figure as PNG through kaleido (starts a headless Chromium; ~2 s)."""
    return fig.to_image(format="png", width=width, height=height or fig.layout.height or 500, scale=2)
