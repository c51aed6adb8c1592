"""Settle a block of hours, vectorised over ports and buses.

Buses are settled in dependency order (a converter's output bus before its
input buses). On each bus: the deficit left by fixed flows is met by its
converters in merit order (hourly marginal cost), then by its stores (the
only per-hour loop, as their state requires), then by slack: grid or market
import up to its limit, unserved energy beyond; surplus goes to export up to
its limit, curtailment or dump beyond. So every bus balances every hour.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from twin.network import Network, Slack
from twin.physics.storage import DayContext, apply_requests

StoragePlanner = Callable[[int, DayContext], np.ndarray]


def settle_block(net: Network, flows: np.ndarray, soc_out: np.ndarray, hours: slice,
                 plan: BlockPlan) -> None:
    """Write the flows of ``hours`` (period coordinates) into ``flows`` and ``soc_out``.

    Parameters
    ----------
    net : Network
        The compiled network.
    flows : ndarray [hours, ports]
        Ledger flows, written in place for the block.
    soc_out : ndarray [hours, stores]
        Stored energy at the end of each hour, written in place.
    hours : slice
        The block, in hours of the simulated period.
    plan : BlockPlan
        The agents' set-points for the block.
    """
    f = flows[hours]
    _fixed_flows(net, f, hours, plan.level)
    for b in net.order:
        deficit = -f[:, net.ports_on_bus[b]].sum(axis=1)
        deficit = _converters(net, f, hours, b, deficit, plan.conv_avail)
        deficit = _stores(net, f, soc_out, hours, b, deficit, plan)
        _slack(net.slack[b], f, deficit)


class BlockPlan:
    """Set-points the agents decided for one block (a day)."""

    __slots__ = ("level", "conv_avail", "storage_planner", "soc_mwh")

    def __init__(self, level: np.ndarray, conv_avail: np.ndarray, storage_planner: StoragePlanner,
                 soc_mwh: np.ndarray):
        self.level = level  # production level of each enterprise [n]
        self.conv_avail = conv_avail  # availability of each converter [U] (0-1)
        self.storage_planner = storage_planner
        self.soc_mwh = soc_mwh  # stored energy per store at the block start, updated in place


def _fixed_flows(net: Network, f: np.ndarray, hours: slice, level: np.ndarray) -> None:
    """Demand (-) and renewable availability (+): flows no decision in the block changes."""
    off = net.axis.start_h
    year_h = slice(hours.start + off, hours.stop + off)
    parts = net.demand.parts
    f[:, net.el_ports] = -(parts.el_fixed[year_h] + parts.el_per_level[year_h] * level)
    has_heat = net.heat_ports >= 0
    heat = parts.heat_fixed[year_h] + parts.heat_per_level[year_h] * level
    f[:, net.heat_ports[has_heat]] = -heat[:, has_heat]
    f[:, net.source_ports] = net.source_mw[hours]


def _converters(net: Network, f: np.ndarray, hours: slice, b: int, deficit: np.ndarray,
                avail: np.ndarray) -> np.ndarray:
    """Meet the deficit with the bus's converters, cheapest first in every hour."""
    units = net.conv_on_bus[b]
    if units.size == 0:
        return deficit
    c = net.converters
    order = net.conv_order[b][hours]  # [block hours, units], cheapest first
    cap_sorted = (c.cap_mw[units] * avail[units])[order]
    before = np.cumsum(cap_sorted, axis=1) - cap_sorted
    x_sorted = np.clip(np.maximum(deficit, 0.0)[:, None] - before, 0.0, cap_sorted)
    x = np.empty_like(x_sorted)
    x[np.arange(order.shape[0])[:, None], order] = x_sorted
    f[:, c.ref_port[units]] = x
    k = net.conv_inputs_on_bus[b]
    f[:, c.in_port[k]] = x[:, net.conv_input_col[k]] * c.in_coef[hours][:, k]
    return deficit - x.sum(axis=1)


def _stores(net: Network, f: np.ndarray, soc_out: np.ndarray, hours: slice, b: int,
            deficit: np.ndarray, plan: BlockPlan) -> np.ndarray:
    """Let each store on the bus act on the remaining deficit, in file order."""
    for s in net.stores_on_bus[b]:
        store = net.stores[s]
        ctx = DayContext(deficit, net.import_price[hours], float(plan.soc_mwh[s]), store.params)
        power, soc_end = apply_requests(plan.storage_planner(s, ctx), ctx.soc_mwh, store.params)
        f[:, store.port] = power
        soc_out[hours, s] = soc_end
        plan.soc_mwh[s] = soc_end[-1]
        deficit = deficit - power
    return deficit


def _slack(s: Slack, f: np.ndarray, deficit: np.ndarray) -> None:
    """Close the bus: import, unserved; export, curtailment or dump."""
    short = np.maximum(deficit, 0.0)
    surplus = np.maximum(-deficit, 0.0)
    if s.import_port >= 0:
        imported = np.minimum(short, s.import_max_mw)
        f[:, s.import_port] = imported
        short = short - imported
    if s.short_port >= 0:
        f[:, s.short_port] = short
    if s.export_port >= 0:
        exported = np.minimum(surplus, s.export_max_mw)
        f[:, s.export_port] = -exported
        surplus = surplus - exported
    if s.surplus_port >= 0:
        f[:, s.surplus_port] = -surplus
