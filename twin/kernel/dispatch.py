"""Settle a block of hours, vectorised over ports and buses.

Buses are settled in dependency order (a converter's reference bus before the
buses of its other ports). On each bus the residual left by the flows already on
it is met by its converters in merit order (hourly marginal cost): supply units
cover a deficit, absorbing units (CCUS, waste-heat recovery, water recycling)
take up a surplus within their share of the inflow. Stores act next (their
operator's strategy; the only hourly loop), then slack: grid or market import up
to its limit and unserved beyond; export or offtake up to its limit, then
curtailment, vent, landfill or dump. Flows that reach an already settled bus
later (a capture plant's steam) re-settle it, so every bus balances every hour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from twin.network.compile import Network
from twin.network.types import Slack, SlackBatch
from twin.physics.storage import DayContext, apply_requests

StoragePlanner = Callable[[int, DayContext], np.ndarray]
RESETTLE_PASSES = 3
TOLERANCE = 1e-12


@dataclass
class BlockPlan:
    """What the agents and events decided for one block of hours."""

    level: np.ndarray  # production level of each enterprise [n]
    flex: np.ndarray  # share of production electricity moved to cheap hours [n]
    conv_avail: np.ndarray  # [block hours, U] 0-1
    source_avail: np.ndarray  # [block hours, R]
    store_avail: np.ndarray  # [block hours, S]
    fleet_load: np.ndarray  # [block hours, F] energy drawn per hour, carrier unit
    fleet_cargo: np.ndarray  # [block hours, F] cargo loaded from a tank per hour
    storage_planner: StoragePlanner
    soc: np.ndarray  # stored amount per store at the block start, updated in place


def settle_block(net: Network, flows: np.ndarray, soc_out: np.ndarray, hours: slice,
                 plan: BlockPlan) -> None:
    """Write the flows of ``hours`` (period coordinates) into ``flows`` and ``soc_out``."""
    f = flows[hours]
    _fixed_flows(net, f, hours, plan)
    for b in net.order:
        _settle_bus(net, f, soc_out, hours, b, plan, first=True)
    _close_batch(net.trivial, f)
    if not net.late_flows:
        return
    for _ in range(RESETTLE_PASSES):
        late = [b for b in net.order if np.abs(_residual(net, f, b, all_ports=True)).max() > TOLERANCE]
        if not late:
            break
        for b in late:
            _settle_bus(net, f, soc_out, hours, b, plan, first=False)
    else:
        for b in net.order:  # whatever still moves closes by slack alone
            f[:, net.slack_ports[b]] = 0.0
            _close(net.slack[b], f, _residual(net, f, b))
    # re-settled units move gas, captured CO2 and grid power on the slack-only buses too
    _close_batch(net.trivial, f)


def _residual(net: Network, f: np.ndarray, b: int, all_ports: bool = False) -> np.ndarray:
    ports = net.ports_on_bus[b] if all_ports else net.flow_ports_on_bus[b]
    return f[:, ports].sum(axis=1)


def _fixed_flows(net: Network, f: np.ndarray, hours: slice, plan: BlockPlan) -> None:
    """Demand, materials, renewables and fleets: flows the settlement does not choose."""
    e = net.ent_flows
    f[:, e.port] = e.base[hours] + e.per_level[hours] * plan.level[e.ent]
    if plan.flex.any():
        yh = slice(hours.start + net.axis.start_h, hours.stop + net.axis.start_h)
        el_flex = net.demand.parts.el_per_level[yh] * (plan.level * plan.flex)
        f[:, net.el_ports] += el_flex - _moved(el_flex, net.import_price[hours])
    f[:, net.source_ports] = net.source_mw[hours] * plan.source_avail
    if len(net.fleets):
        fl = net.fleet_index
        f[:, net.fleet_ports[:, 0]] = -plan.fleet_load
        f[:, fl.co2_port] = plan.fleet_load[:, fl.co2_fleet] * fl.co2_per_unit
        f[:, fl.tank_port] = -plan.fleet_cargo[:, fl.tank_fleet]


def _moved(flex: np.ndarray, price: np.ndarray) -> np.ndarray:
    """Flexible energy of the dearer-than-average hours spread over the cheapest hours."""
    dear = price > price.mean() + 1e-9
    cheap = price <= price.min() + 1e-9
    kept = np.where(dear[:, None], 0.0, flex)
    shifted = flex[dear].sum(axis=0) / max(int(cheap.sum()), 1)
    return kept + np.where(cheap[:, None], shifted, 0.0)


def _settle_bus(net: Network, f: np.ndarray, soc_out: np.ndarray, hours: slice, b: int,
                plan: BlockPlan, first: bool) -> None:
    if not first:  # the first pass starts from a fresh ledger: slack ports are still 0
        f[:, net.slack_ports[b]] = 0.0
    r = _residual(net, f, b)
    supplied = net.supply_on_bus[b]
    stores = first and bool(net.stores_on_bus[b])
    if stores and supplied.size:  # stores plan first and charge from the units' spare capacity
        spare = (net.converters.cap[supplied] * plan.conv_avail[:, supplied]).sum(axis=1)
        r = _stores(net, f, soc_out, hours, b, r, plan, np.maximum(spare + np.minimum(r, 0.0), 0.0))
    if net.conv_on_bus[b].size:
        r = _converters(net, f, hours, b, r, plan.conv_avail)
    if stores and not supplied.size:
        r = _stores(net, f, soc_out, hours, b, r, plan, None)
    _close(net.slack[b], f, r)


def _converters(net: Network, f: np.ndarray, hours: slice, b: int, r: np.ndarray,
                avail: np.ndarray) -> np.ndarray:
    """Supply units cover the deficit, absorbing units take the surplus, cheapest first."""
    c = net.converters
    units = net.conv_on_bus[b]
    spare = np.maximum(c.cap[units] * avail[:, units] - np.abs(f[:, c.ref_port[units]]), 0.0)
    supply = c.mode[units] > 0
    if (~supply).any():
        inflow = np.maximum(f[:, net.flow_ports_on_bus[b]], 0.0).sum(axis=1)
        taken = np.abs(f[:, c.ref_port[units]])
        room = np.maximum(c.absorb_frac[units] * inflow[:, None] - taken, 0.0)
        spare = np.where(supply, spare, np.minimum(spare, room))
    spare = _input_limits(net, f, hours, units, spare)
    order = net.conv_order[b][hours]
    x = np.zeros_like(spare)
    if supply.any():
        x += _merit(order, np.where(supply, spare, 0.0) if not supply.all() else spare, np.maximum(-r, 0.0))
    if not supply.all():
        x += _merit(order, np.where(supply, 0.0, spare), np.maximum(r, 0.0))
    _run(net, f, hours, units, x)
    return r + (x * c.mode[units]).sum(axis=1)


def _merit(order: np.ndarray, spare: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Fill ``need`` [hours] with ``spare`` [hours, units] in merit ``order``, hour by hour."""
    rows = np.arange(spare.shape[0])[:, None]
    cap = spare[rows, order]
    x = np.empty_like(spare)
    x[rows, order] = np.clip(need[:, None] - (np.cumsum(cap, axis=1) - cap), 0.0, cap)
    return x


def _input_limits(net: Network, f: np.ndarray, hours: slice, units: np.ndarray,
                  spare: np.ndarray) -> np.ndarray:
    """Bound units drawing on limited buses (no market, no supplier) by what is on them."""
    c = net.converters
    for k in net.limited_on_bus[int(net.converters.ref_bus[units[0]])]:
        col = int(np.flatnonzero(units == c.oth_conv[k])[0])
        available = np.maximum(_residual(net, f, int(net.port_bus[c.oth_port[k]])), 0.0)
        per_unit = -c.oth_coef[hours, k]
        spare[:, col] = np.minimum(spare[:, col], available / per_unit)
    return spare


def _run(net: Network, f: np.ndarray, hours: slice, units: np.ndarray, x: np.ndarray) -> None:
    """Add reference flow ``x`` [hours, units] and the flows of the units' other ports."""
    c = net.converters
    b = int(c.ref_bus[units[0]])
    f[:, c.ref_port[units]] += x * c.mode[units]
    ks = net.conv_ports_on_bus[b]
    f[:, c.oth_port[ks]] += x[:, net.conv_port_cols[b]] * c.oth_coef[hours, ks]


def _stores(net: Network, f: np.ndarray, soc_out: np.ndarray, hours: slice, b: int,
            r: np.ndarray, plan: BlockPlan, headroom: np.ndarray | None) -> np.ndarray:
    """Each store on the bus acts on the remaining deficit, in id order.

    ``headroom`` [MW] bounds charging on buses whose units will supply it.
    """
    slack = net.slack[b]
    # off the grid bus, a store keeps for later only what the offtake cannot take now
    offtake = slack.export_max if slack.export_port >= 0 and slack.import_port < 0 else 0.0
    for s in net.stores_on_bus[b]:
        store = net.stores[s]
        deficit = np.where(r > 0.0, -np.maximum(r - offtake, 0.0), -r)
        ctx = DayContext(deficit, net.import_price[hours], float(plan.soc[s]), store.params,
                         net.import_price[hours.stop:], slack.export_value)
        request = plan.storage_planner(s, ctx) * plan.store_avail[:, s]
        if headroom is not None:
            request = np.maximum(request, -headroom)
        power, soc_end = apply_requests(request, ctx.soc_mwh, store.params)
        if headroom is not None:
            headroom = np.maximum(headroom + np.minimum(power, 0.0), 0.0)
        f[:, store.port] = power
        soc_out[hours, s] = soc_end
        plan.soc[s] = soc_end[-1]
        r = r + power
    return r


def _close_batch(t: SlackBatch, f: np.ndarray) -> None:
    """Close many buses at once: the vectorised form of :func:`_close`."""
    if not t.buses.size:
        return
    r = f[:, t.flow_ports] @ t.incidence
    short, surplus = np.maximum(-r, 0.0), np.maximum(r, 0.0)
    imported = np.where(t.import_port >= 0, np.minimum(short, t.import_max), 0.0)
    exported = np.where(t.export_port >= 0, np.minimum(surplus, t.export_max), 0.0)
    for ports, values in ((t.import_port, imported), (t.short_port, short - imported),
                          (t.export_port, -exported), (t.surplus_port, -(surplus - exported))):
        has = ports >= 0
        f[:, ports[has]] = values[:, has]


def _close(s: Slack, f: np.ndarray, r: np.ndarray) -> None:
    """Close the bus: import then unserved; export or offtake then surplus."""
    short, surplus = np.maximum(-r, 0.0), np.maximum(r, 0.0)
    if s.import_port >= 0:
        imported = np.minimum(short, s.import_max)
        f[:, s.import_port] += imported
        short = short - imported
    if s.short_port >= 0:
        f[:, s.short_port] += short
    if s.export_port >= 0:
        exported = np.minimum(surplus, s.export_max)
        f[:, s.export_port] -= exported
        surplus = surplus - exported
    f[:, s.surplus_port] -= surplus
