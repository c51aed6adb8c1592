"""A plain reference implementation of a small park's year, written for clarity, not speed.

It knows nothing of the twin's network, ledger or agents: one electricity bus and one
heat bus, settled hour by hour with ordinary Python loops and numpy, from the rules as
the README and the docstrings state them:

- heat: one gas boiler covers the heat demand up to its rating; the rest is unserved;
- electricity: PV first; a battery with the TOU rule (per day: discharge in the dearest
  hours where the price beats the cheapest price over the round trip, as far as the
  usable energy goes; charge in the cheapest hours what that discharge needs *net of what
  is already stored*, spread evenly; any surplus charges it); then the grid up to its
  import cap (beyond it: unserved), export up to its cap (beyond it: curtailment);
- money: the TOU energy price of each hour from the tariff file, the demand charge on
  each month's highest import, gas at its price, export revenue at the export price.

Its exogenous inputs (hourly demand and PV availability) come from the caller; prices,
fuel properties and the battery's limits are read from the data files and arguments.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

DATA = Path(__file__).resolve().parents[1] / "twin" / "data"
MJ_PER_MWH = 3600.0


@dataclass
class Battery:
    p_max_mw: float
    e_min_mwh: float
    e_max_mwh: float
    eta_c: float
    eta_d: float
    soc0_mwh: float


@dataclass
class Park:
    import_max_mw: float
    export_max_mw: float
    tariff: str
    boiler_mw: float
    boiler_eff: float
    battery: Battery


def tou_price(tariff: str, index: pd.DatetimeIndex) -> np.ndarray:
    """Energy price of every hour [CNY/MWh] from the tariff file: month -> season -> period."""
    t = yaml.safe_load((DATA / "tariffs" / f"{tariff}.yaml").read_text(encoding="utf-8"))
    price = np.zeros(len(index))
    for i, ts in enumerate(index):
        season = next(s for s in t["seasons"] if ts.month in s["months"])
        for period, ranges in season["hours"].items():
            for a, b in ranges:
                if a <= ts.hour < b:
                    price[i] = t["energy_cny_per_mwh"][period]
    return price


def _row(name: str, carrier: str) -> dict:
    with open(DATA / name, encoding="utf-8") as fh:
        return next(r for r in csv.DictReader(fh) if r["carrier"] == carrier)


def battery_day(deficit: list[float], price: list[float], soc: float, b: Battery) -> tuple[list, list, float]:
    """One day of the TOU battery: requests from the rule, then the limits hour by hour."""
    low = min(price)
    usable = (b.e_max_mwh - b.e_min_mwh) * b.eta_d
    request = [0.0] * 24
    for h in sorted(range(24), key=lambda h: -price[h]):  # dearest first, ties in hour order
        worth = price[h] * b.eta_c * b.eta_d > low + 1e-9
        want = max(deficit[h], 0.0) if worth else 0.0
        request[h] = min(want, usable)
        usable -= request[h]
    need = sum(request) / b.eta_d - max(soc - b.e_min_mwh, 0.0)  # net of what is stored
    need = min(max(need, 0.0), b.e_max_mwh - b.e_min_mwh)
    cheap = [h for h in range(24) if price[h] <= low + 1e-9 and deficit[h] >= 0.0]
    for h in cheap:
        if need > 0:
            request[h] = -min(need / b.eta_c / len(cheap), b.p_max_mw)
    power, stored = [], []
    for h in range(24):
        req = deficit[h] if deficit[h] < 0.0 else request[h]
        if req > 0.0:
            out = min(req, b.p_max_mw, max(soc - b.e_min_mwh, 0.0) * b.eta_d)
            soc -= out / b.eta_d
        else:
            out = -min(-req, b.p_max_mw, max(b.e_max_mwh - soc, 0.0) / b.eta_c)
            soc -= out * b.eta_c
        power.append(out)
        stored.append(soc)
    return power, stored, soc


def simulate(park: Park, index: pd.DatetimeIndex, el_mw: np.ndarray, heat_mw: np.ndarray,
             pv_mw: np.ndarray) -> dict[str, np.ndarray | float]:
    """The park's hourly flows and its yearly totals.

    Parameters
    ----------
    index : hour-beginning local times (whole days)
    el_mw, heat_mw : demand of every hour [MW], positive
    pv_mw : PV output available in every hour [MW]
    """
    price = tou_price(park.tariff, index)
    gas = _row("fuels.csv", "natural_gas")
    mwh_per_m3 = float(gas["ncv_gj_per_unit"]) * 1000.0 / MJ_PER_MWH
    gas_price = float(_row("prices.csv", "natural_gas")["price_cny_per_unit"])
    n = len(index)
    out = {k: np.zeros(n) for k in ("boiler_mw", "heat_unserved_mw", "battery_mw", "soc_mwh",
                                    "import_mw", "export_mw", "unserved_mw", "curtailment_mw")}
    out["boiler_mw"] = np.minimum(heat_mw, park.boiler_mw)
    out["heat_unserved_mw"] = heat_mw - out["boiler_mw"]
    out["gas_m3"] = out["boiler_mw"] / park.boiler_eff / mwh_per_m3
    soc = park.battery.soc0_mwh
    for day in range(n // 24):
        hours = range(24 * day, 24 * day + 24)
        deficit = [el_mw[h] - pv_mw[h] for h in hours]
        power, stored, soc = battery_day(deficit, [price[h] for h in hours], soc, park.battery)
        for i, h in enumerate(hours):
            out["battery_mw"][h], out["soc_mwh"][h] = power[i], stored[i]
            need = deficit[i] - power[i]
            out["import_mw"][h] = min(max(need, 0.0), park.import_max_mw)
            out["unserved_mw"][h] = max(need, 0.0) - out["import_mw"][h]
            out["export_mw"][h] = min(max(-need, 0.0), park.export_max_mw)
            out["curtailment_mw"][h] = max(-need, 0.0) - out["export_mw"][h]
    t = yaml.safe_load((DATA / "tariffs" / f"{park.tariff}.yaml").read_text(encoding="utf-8"))
    peaks = pd.Series(out["import_mw"], index=index).groupby(index.month).max()
    out["energy_cost_cny"] = (float(out["import_mw"] @ price) + peaks.sum() * t["demand_charge_cny_per_mw_month"]
                              + out["gas_m3"].sum() * gas_price - out["export_mw"].sum() * t["export_cny_per_mwh"])
    out["price"] = price
    return out
