"""Plotly figures of a run: dispatch, monthly energy, Sankey, and figures side by side.

Every function takes a :class:`twin.Results` (or figure mappings) and a language
(``zh`` or ``en``) and returns a ``plotly.graph_objects.Figure``; the app and the
HTML report only place them. Flows keep the ledger's sign (+ into the bus);
energy charts are in MWh, fuels converted at their net calorific value. Figures of
assessments (carbon waterfall, R-ACES spider, accounts, pathway, MAC curve) are in
:mod:`twin.present.charts_assess`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from twin.kernel.results import Results
from twin.present.i18n import has, local_name, option, t
from twin.units import carriers, fuels

HOURS_PER_WEEK = 168
TEMPLATE = "plotly_white"
# The app serves a CJK web font under this family (static/, .streamlit/config.toml); elsewhere
# the next installed CJK font is used, so Chinese labels never show as boxes.
FONT_FAMILY = "ParkTwinCJK, 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
COLORS = {
    "pv": "#f2b701", "wind": "#3fb1b5", "grid_import": "#7f7f7f", "grid_export": "#c7c7c7",
    "storage_discharge": "#8e6bbf", "storage_charge": "#c5b0e0", "storage_losses": "#c5b0e0",
    "curtailment": "#e4d27a", "dump": "#f4b6a6", "unserved": "#d62728", "demand": "#222222",
    "coal_boiler": "#4d4d4d", "gas_boiler": "#f28e2b", "biomass_boiler": "#8c6d31", "electric_boiler": "#4e79a7",
    "hydrogen_boiler": "#76b7b2", "gas_chp": "#e15759", "air_source_heat_pump": "#59a14f",
    "water_source_heat_pump": "#8cd17d", "waste_heat_recovery": "#17becf", "waste_heat_pump": "#86bcb6",
    "electrolyser_alkaline": "#76b7b2", "ccus_amine": "#b07aa1", "enterprise_waste_heat": "#ff9da7",
    "link": "#bcbd22",
    "conversion_losses": "#bab0ac", "ambient_heat": "#a0cbe8",
}
SANKEY_COLORS = {"bus": "#1f77b4", "src": "#f2b701", "conv": "#59a14f", "user": "#9467bd", "sink": "#bab0ac"}
CARRIER_COLORS = {"electricity": "#4e79a7", "heat": "#e15759", "coal": "#4d4d4d", "natural_gas": "#f28e2b",
                  "diesel": "#9c755f", "biomass": "#8c6d31"}
CONVERTER_ROLES = ("converter_in", "converter_out", "converter_absorb")


def category_label(category: str, lang: str) -> str:
    """Legend label of a flow category (``pv``, ``boiler_coal``, an asset type, ...)."""
    if has(f"categories.{category}", lang):
        return t(f"categories.{category}", lang)
    return option("asset_type", category, lang).replace("_", " ")


BOILER_PRESETS = {"coal": "coal_boiler", "natural_gas": "gas_boiler", "biomass": "biomass_boiler",
                  "electricity": "electric_boiler", "hydrogen": "hydrogen_boiler"}


def asset_technology(r: Results) -> dict[str, str]:
    """Technology of each asset id as a library preset name (``coal_boiler``, ``ccus_amine``)."""
    out = {}
    for a in r.scenario.assets:
        kind = getattr(a, "type", "asset")
        if kind == "boiler":
            out[a.id] = BOILER_PRESETS.get(a.fuel, f"{a.fuel}_boiler")
        elif kind == "heat_pump":
            out[a.id] = f"{a.source}_source_heat_pump"
        else:
            out[a.id] = getattr(a, "preset", None) or kind
    return out


def port_assets(r: Results) -> np.ndarray:
    """Asset id of every port (the part of ``asset@bus`` before the ``@``)."""
    return np.array([n.split("@")[0] for n in r.port_names], dtype=object)


def port_category(role: str, asset: str, tech: Mapping[str, str], sign: float) -> str:
    """Category of a port's flow for stacking: its role, or its technology for converters."""
    if role == "storage":
        return "storage_discharge" if sign > 0 else "storage_charge"
    if role in CONVERTER_ROLES:
        return tech.get(asset, role)
    return role


def bus_unit(r: Results, bus: str) -> str:
    """Unit of the carrier on ``bus`` (MWh, t, m3)."""
    carrier = r.port_carrier[np.flatnonzero(r.port_bus == bus)[0]]
    return carriers().get(carrier, "")


def buses(r: Results) -> list[str]:
    """Buses of a run, energy buses first."""
    ids = list(dict.fromkeys(r.port_bus))
    return sorted(ids, key=lambda b: bus_unit(r, b) != "MWh")


def weeks(r: Results) -> int:
    """Number of (partial) weeks in the simulated period."""
    return max(1, math.ceil(len(r.index) / HOURS_PER_WEEK))


def _local(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return index.tz_localize(None) if index.tz is not None else index


def _split(r: Results, rows: slice, ports: np.ndarray) -> tuple[dict, dict]:
    """Positive and negative flows of ``ports`` over ``rows``, summed by category."""
    tech, assets = asset_technology(r), port_assets(r)
    pos: dict[str, np.ndarray] = defaultdict(lambda: 0.0)
    neg: dict[str, np.ndarray] = defaultdict(lambda: 0.0)
    for p in ports:
        flow = r.flows[rows, p]
        up, down = np.clip(flow, 0, None), np.clip(flow, None, 0)
        if up.any():
            pos[port_category(r.port_role[p], assets[p], tech, 1)] += up
        if down.any():
            neg[port_category(r.port_role[p], assets[p], tech, -1)] += down
    return dict(pos), dict(neg)


def dispatch_week(r: Results, bus: str, week: int = 1, lang: str = "zh") -> go.Figure:
    """Hourly dispatch of one week on ``bus``: stacked supply vs demand, storage below."""
    start = (max(1, min(week, weeks(r))) - 1) * HOURS_PER_WEEK
    rows = slice(start, min(start + HOURS_PER_WEEK, len(r.index)))
    x = _local(r.index[rows])
    pos, neg = _split(r, rows, np.flatnonzero(r.port_bus == bus))
    stores = [s for s in r.store_ids if f"{s}@{bus}" in r.port_names]
    fig = make_subplots(rows=2 if stores else 1, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        row_heights=[0.72, 0.28] if stores else [1.0])
    for cat, y in pos.items():
        fig.add_trace(go.Scatter(x=x, y=y, name=category_label(cat, lang), stackgroup="supply",
                                 line={"width": 0.5, "color": COLORS.get(cat)}), row=1, col=1)
    demand = -neg.get("demand", np.zeros(len(x)))
    fig.add_trace(go.Scatter(x=x, y=demand, name=t("ui.demand_line", lang),
                             line={"color": "#222", "width": 2}), row=1, col=1)
    withdrawals = -sum(neg.values()) if neg else np.zeros(len(x))
    fig.add_trace(go.Scatter(x=x, y=withdrawals, name=t("ui.withdrawal_line", lang),
                             line={"color": "#222", "width": 1, "dash": "dot"}), row=1, col=1)
    soc = r.storage_frame().iloc[rows]
    for s in stores:
        fig.add_trace(go.Scatter(x=x, y=soc[s].to_numpy(), name=s, line={"color": COLORS["storage_discharge"]}),
                      row=2, col=1)
    fig.update_yaxes(title_text=t("ui.axis_power", lang, unit=bus_unit(r, bus)), row=1, col=1)
    if stores:
        fig.update_yaxes(title_text=t("ui.axis_soc", lang), row=2, col=1)
    title = f"{t('ui.chart_dispatch', lang)} · {bus} · {t('ui.week_n', lang, n=week)}"
    return date_axes(layout(fig, title, height=520), lang)


# Date axes in Chinese read 7月7日 rather than "Jul 7" (plotly's own locale is English).
DATE_FORMATS = {"zh": {"day": ("%-m月%-d日", "%Y年%-m月%-d日 %H:%M"), "month": ("%-m月", "%Y年%-m月")}}


def date_axes(fig: go.Figure, lang: str, step: str = "day") -> go.Figure:
    """Tick and hover formats of the figure's date axes in ``lang`` (``step``: day or month)."""
    if lang in DATE_FORMATS:
        tick, hover = DATE_FORMATS[lang][step]
        fig.update_xaxes(tickformat=tick, hoverformat=hover)
    return fig


def layout(fig: go.Figure, title: str, height: int = 450) -> go.Figure:
    """Common look: template, title at the left, legend below."""
    fig.update_layout(template=TEMPLATE, title={"text": title, "x": 0.01}, height=height, font={"family": FONT_FAMILY},
                      margin={"l": 60, "r": 20, "t": 60, "b": 40}, hovermode="x unified",
                      legend={"orientation": "h", "y": -0.15})
    return fig


def energy_carriers(r: Results) -> list[str]:
    """Carriers of the run measured in MWh (electricity, heat, ...)."""
    units = carriers()
    return [c for c in dict.fromkeys(r.port_carrier) if units.get(c) == "MWh"]


def monthly_supply(r: Results, carrier: str) -> pd.DataFrame:
    """Monthly energy supplied into the buses of ``carrier`` [MWh], one column per source."""
    pos, _ = _split(r, slice(None), np.flatnonzero(r.port_carrier == carrier))
    frame = pd.DataFrame({k: np.broadcast_to(v, len(r.index)) for k, v in pos.items()}, index=_local(r.index))
    return frame.resample("MS").sum()


def monthly_energy(r: Results, lang: str = "zh") -> go.Figure:
    """Monthly energy by source, stacked bars, one panel per energy carrier."""
    kinds = energy_carriers(r)
    fig = make_subplots(rows=len(kinds), cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        subplot_titles=[option("carrier", c, lang) for c in kinds])
    for row, carrier in enumerate(kinds, start=1):
        frame = monthly_supply(r, carrier)
        for cat in frame.columns:
            fig.add_trace(go.Bar(x=frame.index, y=frame[cat], name=category_label(cat, lang),
                                 marker_color=COLORS.get(cat), legendgroup=cat,
                                 showlegend=cat not in {tr.legendgroup for tr in fig.data}), row=row, col=1)
        fig.update_yaxes(title_text=t("ui.axis_energy", lang), row=row, col=1)
    fig.update_layout(barmode="stack")
    return date_axes(layout(fig, t("ui.chart_monthly", lang), height=260 + 220 * len(kinds)), lang, "month")


def _energy_mwh(r: Results) -> np.ndarray:
    """Annual flow of every port in MWh (fuels at NCV); NaN for non-energy carriers."""
    total = r.flows.sum(axis=0)
    units, table = carriers(), fuels()
    factor = [table[c].mwh_per_unit if c in table else 1.0 if units.get(c) == "MWh" else np.nan
              for c in r.port_carrier]
    return total * np.array(factor)


def _end_user(r: Results, by: str) -> dict[str, str]:
    if by != "sector":
        return {}
    return {e.id: e.sector for e in r.scenario.enterprises}


def sankey_links(r: Results, by: str = "enterprise") -> pd.DataFrame:
    """Annual energy links ``source -> target`` [MWh] from sources via converters to users.

    Nodes are ``kind:name`` (``src:pv``, ``bus:el``, ``conv:hp_food``, ``user:ele_pcb``,
    ``sink:dump``); fuel buses are their own source; conversion losses and ambient heat
    close each converter's energy balance.
    """
    energy, assets, users = _energy_mwh(r), port_assets(r), _end_user(r, by)
    fuel_names = set(fuels())
    rows: list[tuple[str, str, float]] = []
    conv: dict[str, float] = defaultdict(float)  # energy in - energy out per converter
    for p, value in enumerate(energy):
        if not np.isfinite(value) or abs(value) < 1e-9 or r.port_role[p] == "market":
            continue
        role, node, asset = r.port_role[p], f"bus:{r.port_bus[p]}", assets[p]
        if role == "demand":
            rows.append((node, f"user:{users.get(asset, asset)}", -value))
        elif role in CONVERTER_ROLES:
            conv[asset] -= value
            rows.append((node, f"conv:{asset}", -value) if value < 0 else (f"conv:{asset}", node, value))
        elif role == "storage":
            rows.append((node, "sink:storage_losses", -value) if value < 0 else ("src:storage_discharge", node, value))
        elif value > 0:
            rows.append((f"src:{role}", node, value))
        else:
            rows.append((node, f"sink:{role}", -value))
    for asset, balance in conv.items():
        rows.append((f"conv:{asset}", "sink:conversion_losses", balance) if balance > 0
                    else ("src:ambient_heat", f"conv:{asset}", -balance))
    frame = pd.DataFrame(rows, columns=["source", "target", "value"])
    frame = frame.groupby(["source", "target"], as_index=False, sort=False)["value"].sum()
    frame = frame[frame["value"] > 1e-6].reset_index(drop=True)
    frame.attrs["fuel_buses"] = sorted({b for b, c in zip(r.port_bus, r.port_carrier, strict=True) if c in fuel_names})
    return frame


def _node_label(r: Results, node: str, lang: str, fuel_buses: Sequence[str]) -> str:
    kind, _, name = node.partition(":")
    if kind == "bus":
        carrier = r.port_carrier[np.flatnonzero(r.port_bus == name)[0]]
        if name in fuel_buses:
            return option("carrier", carrier, lang)
        return t("categories.bus_node", lang, carrier=option("carrier", carrier, lang), bus=name)
    if kind in ("src", "sink"):
        return category_label(name, lang)
    if kind == "user" and name in {e.sector for e in r.scenario.enterprises}:
        return option("sector", name, lang)
    firm = next((e for e in r.scenario.enterprises if e.id == name), None)
    return local_name(firm, lang) if firm is not None else name


def _node_color(r: Results, node: str) -> str:
    kind, _, name = node.partition(":")
    if kind == "bus":
        return CARRIER_COLORS.get(r.port_carrier[np.flatnonzero(r.port_bus == name)[0]], SANKEY_COLORS["bus"])
    if kind == "conv":
        return COLORS.get(asset_technology(r).get(name, ""), SANKEY_COLORS["conv"])
    return COLORS.get(name, SANKEY_COLORS.get(kind, "#888")) if kind != "user" else SANKEY_COLORS["user"]


def _rgba(hex_color: str, alpha: float = 0.3) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def sankey(r: Results, lang: str = "zh", by: str = "enterprise") -> go.Figure:
    """Annual energy flows from sources through converters to enterprises (or sectors)."""
    links = sankey_links(r, by)
    nodes = list(dict.fromkeys([*links["source"], *links["target"]]))
    pos = {n: i for i, n in enumerate(nodes)}
    fuel_buses = links.attrs.get("fuel_buses", [])
    labels = [_node_label(r, n, lang, fuel_buses) for n in nodes]
    colors = [_node_color(r, n) for n in nodes]
    fig = go.Figure(go.Sankey(
        valueformat=",.0f", valuesuffix=" MWh",
        node={"label": labels, "color": colors, "pad": 12, "thickness": 14},
        link={"source": [pos[s] for s in links["source"]], "target": [pos[s] for s in links["target"]],
              "value": links["value"].tolist(), "color": [_rgba(colors[pos[s]]) for s in links["source"]]}))
    title = f"{t('ui.chart_sankey', lang)} ({t('ui.sankey_units', lang)})"
    return layout(fig, title, height=max(480, 16 * len(nodes)))
