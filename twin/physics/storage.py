"""Storage state physics and dispatch strategies (pure functions).

A strategy turns the bus's hourly deficit into a power request (+ discharge
into the bus, - charge from it); :func:`apply_requests` enforces the power,
energy and efficiency limits hour by hour, the only loop that state requires.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class StorageParams:
    """Limits of one store."""

    p_max_mw: float
    e_min_mwh: float
    e_max_mwh: float
    eta_charge_frac: float
    eta_discharge_frac: float


@dataclass(frozen=True)
class DayContext:
    """What a strategy sees for one block of hours."""

    deficit_mw: np.ndarray  # demand not yet met on the bus (+) or surplus (-) [MW]
    price_cny_per_mwh: np.ndarray  # import price of each hour
    soc_mwh: float  # stored energy at the start of the block
    params: StorageParams
    # import prices of the hours after the block, as far as a strategy may look ahead [CNY/MWh]
    ahead_price_cny_per_mwh: np.ndarray = field(default_factory=lambda: np.zeros(0))
    export_price_cny_per_mwh: float = 0.0  # what a surplus MWh earns on the store's bus
    peak_mw: float = 0.0  # highest import of the bus so far this month [MW]
    peak_cny_per_mw: float = 0.0  # demand charge for raising that peak [CNY/MW-month]


def apply_requests(request_mw: np.ndarray, soc_mwh: float, p: StorageParams
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Run a store through hourly power requests.

    Parameters
    ----------
    request_mw : ndarray [hours]
        Requested power, + discharge into the bus, - charge [MW].
    soc_mwh : float
        Stored energy at the start [MWh].
    p : StorageParams
        Limits.

    Returns
    -------
    power_mw : ndarray [hours]
        Delivered power into the bus (+) or drawn (-) [MW], 1-hour steps.
    soc_end_mwh : ndarray [hours]
        Stored energy at the end of each hour [MWh].
    """
    power = np.zeros(len(request_mw))
    soc_end = np.zeros(len(request_mw))
    pmax, emin, emax = p.p_max_mw, p.e_min_mwh, p.e_max_mwh
    eta_c, eta_d = p.eta_charge_frac, p.eta_discharge_frac
    for t, req in enumerate(request_mw.tolist()):
        if req > 0.0:
            out = min(req, pmax, max(soc_mwh - emin, 0.0) * eta_d)
            soc_mwh -= out / eta_d
        else:
            out = -min(-req, pmax, max(emax - soc_mwh, 0.0) / eta_c)
            soc_mwh -= out * eta_c
        power[t] = out
        soc_end[t] = soc_mwh
    return power, soc_end


def self_consumption(ctx: DayContext) -> np.ndarray:
    """Charge from surplus, discharge to cover any deficit (PV self-consumption)."""
    return ctx.deficit_mw.copy()


def tou_arbitrage(ctx: DayContext) -> np.ndarray:
    """Charge in the day's cheapest hours, discharge in its dearest ones.

    Discharge goes to the hours with the highest price first, as long as the
    price beats the cheapest price over the round-trip efficiency and the
    store can deliver it; grid charging in the cheapest hours is limited to
    that energy, net of what is stored. Surplus is absorbed at any hour.
    """
    d, price, p = ctx.deficit_mw, ctx.price_cny_per_mwh, ctx.params
    low = price.min()
    order = np.argsort(-price, kind="stable")
    want = np.maximum(d[order], 0.0) * (price[order] * p.eta_charge_frac * p.eta_discharge_frac > low + 1e-9)
    usable_mwh = (p.e_max_mwh - p.e_min_mwh) * p.eta_discharge_frac
    request = np.empty_like(d)
    request[order] = np.clip(usable_mwh - (np.cumsum(want) - want), 0.0, want)
    need_mwh = request.sum() / p.eta_discharge_frac - max(ctx.soc_mwh - p.e_min_mwh, 0.0)
    need_mwh = min(max(need_mwh, 0.0), p.e_max_mwh - p.e_min_mwh)
    grid_charge = (price <= low + 1e-9) & (d >= 0.0)
    if need_mwh > 0:
        n = int(grid_charge.sum())
        if n:
            request[grid_charge] = -min(need_mwh / p.eta_charge_frac / n, p.p_max_mw)
    return np.where(d < 0.0, d, request)


Strategy = Callable[[DayContext], np.ndarray]
