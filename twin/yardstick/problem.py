"""The park's period as the optimal-dispatch LP sees it, read from a rule-based run.

The LP chooses what the rules choose: the output of every supply converter
(boilers, heat pumps, electrode boilers, CHP, links; their other ports follow by
their hourly coefficients, COP included), the charge and discharge of every store,
and the slack of every bus (grid and market import, grid export,
curtailment, vent, dump). Everything the rules take as given stays as the run
had it: enterprise demand at the agents' production levels, materials, PV and
wind output, fleets, absorbing units (capture, recovery, recycling take what is
there), and the availability left by failures and maintenance. Unserved energy
may not exceed the rules' in any hour, and each store ends no emptier than the
rules left it, so the rules' dispatch is one feasible point of the LP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from twin.catalog.tariffs import resolve_tariff
from twin.units import fuels

SLACK_KINDS = ("import", "export", "short", "surplus")  # the Slack port fields, in order
SLACK_SIGN = {"import": 1.0, "export": -1.0, "short": 1.0, "surplus": -1.0}  # flow = sign x value


@dataclass
class DispatchProblem:
    """Arrays of the dispatch LP over ``H`` hours and ``B`` buses.

    Flows are in each bus's unit per hour (MW for energy), + into the bus.
    """

    fixed_flows: np.ndarray  # [H, P] the run's flows, decision ports set to 0
    port_bus: np.ndarray  # [P]
    n_bus: int
    conv_ref_port: np.ndarray  # [U] supply converters the LP runs
    conv_ref_bus: np.ndarray  # [U]
    conv_max: np.ndarray  # [H, U] rated reference flow x availability
    conv_om_cny: np.ndarray  # [U] variable O&M per unit of reference flow
    oth_port: np.ndarray  # [K] the other ports of those converters
    oth_col: np.ndarray  # [K] column in U of each
    oth_coef: np.ndarray  # [H, K] per unit of reference flow
    store_port: np.ndarray  # [S]
    store_params: list  # [S] StorageParams
    store_max_mw: np.ndarray  # [H, S] power limit x availability
    soc0_mwh: np.ndarray  # [S]
    soc_end_min_mwh: np.ndarray  # [S]
    slack_port: np.ndarray  # [J] every slack port
    slack_kind: list[str]  # [J] import, export, short, surplus
    slack_max: np.ndarray  # [H, J]
    slack_cost: np.ndarray  # [H, J] CNY per unit of the slack's value (>= 0)
    grid_import: int  # column in J of the grid import (-1 none)
    month: np.ndarray  # [H] 0..M-1
    billed_frac: np.ndarray  # [M] share of each month the period covers (its demand charge pro rata)
    demand_cny_per_mw_month: float  # on the month's highest grid import

    @property
    def peak_cny_per_mw(self) -> np.ndarray:
        """Demand charge on each month's peak, pro rata of the month covered [CNY/MW]."""
        return self.demand_cny_per_mw_month * self.billed_frac

    @property
    def hours(self) -> int:
        return self.fixed_flows.shape[0]

    @property
    def fixed_mw(self) -> np.ndarray:
        """Net injection of the fixed ports per bus [H, B]."""
        inc = np.zeros((len(self.port_bus), self.n_bus))
        inc[np.arange(len(self.port_bus)), self.port_bus] = 1.0
        return self.fixed_flows @ inc


def dispatch_problem(net, model, results) -> DispatchProblem:
    """The LP of a run: ``net`` its compiled network, ``model`` its ParkModel, ``results`` its Results."""
    c, flows = net.converters, results.flows
    units = np.flatnonzero(c.mode > 0)
    oth = np.flatnonzero(np.isin(c.oth_conv, units))
    slack_port, slack_kind, slack_bus = _slack_ports(net)
    decided = np.concatenate([c.ref_port[units], c.oth_port[oth], [s.port for s in net.stores],
                              slack_port]).astype(int)
    fixed = flows.copy()
    fixed[:, decided] = 0.0
    month, billed = _months(results)
    rate = resolve_tariff(results.scenario.grid.tariff).demand_charge_cny_per_mw_month
    smax, scost = _slack_bounds(net, results, slack_port, slack_kind, slack_bus)
    grid = [j for j, p in enumerate(slack_port) if net.ports.role[p] == "grid_import"]
    return DispatchProblem(
        fixed, net.port_bus, len(net.bus_ids), c.ref_port[units], c.ref_bus[units],
        c.cap[units] * model.conv_avail[:, units], np.array([c.specs[u].var_om for u in units]),
        c.oth_port[oth], np.searchsorted(units, c.oth_conv[oth]), c.oth_coef[:, oth],
        np.array([s.port for s in net.stores], dtype=int), [s.params for s in net.stores],
        np.array([s.params.p_max_mw for s in net.stores]) * model.store_avail,
        np.array([s.soc0 for s in net.stores]), results.soc_mwh[-1] if len(net.stores) else np.zeros(0),
        slack_port, slack_kind, smax, scost, grid[0] if grid else -1, month, billed, rate)


def _slack_ports(net) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Slack ports the LP chooses: all but offtakes (material handling, kept as the run had it)."""
    port, kind, bus = [], [], []
    for b, s in enumerate(net.slack):
        for k, p in zip(SLACK_KINDS, (s.import_port, s.export_port, s.short_port, s.surplus_port), strict=True):
            if p >= 0 and (k != "export" or net.ports.role[p] == "grid_export"):
                port.append(p)
                kind.append(k)
                bus.append(b)
    return np.array(port, dtype=int), kind, np.array(bus, dtype=int)


def _slack_bounds(net, results, port: np.ndarray, kind: list[str], bus: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds and prices of the slack ports per hour.

    Unserved stays within the rules' in every hour. A grid export earns the export
    price but never more than the hour's import price: the bus is metered net, so
    importing and exporting in one hour would be an arbitrage the twin cannot make.
    """
    hours = results.flows.shape[0]
    smax, cost = np.zeros((hours, len(port))), np.zeros((hours, len(port)))
    for j, (k, b) in enumerate(zip(kind, bus, strict=True)):
        s = net.slack[b]
        grid = net.ports.role[port[j]] in ("grid_import", "grid_export")
        unit_price = net.import_price if grid else net.fuel_price.get(net.bus_carrier[b], 0.0) * _priced(net, b)
        if k == "import":
            smax[:, j], cost[:, j] = s.import_max, unit_price
        elif k == "export":
            smax[:, j] = s.export_max
            cost[:, j] = -np.minimum(s.export_value, net.import_price) if grid else -s.export_value
        elif k == "short":
            smax[:, j] = np.maximum(results.flows[:, port[j]], 0.0)
        else:
            smax[:, j] = np.inf
    return smax, cost


def _priced(net, b: int) -> float:
    """1 where the bus is a fuel or water market the bill pays for, else 0."""
    carrier = net.bus_carrier[b]
    return 1.0 if carrier in fuels() or carrier == "water" else 0.0


def _months(results) -> tuple[np.ndarray, np.ndarray]:
    """Month index (0..M-1) of each hour and the share of each month the run covers."""
    index: pd.DatetimeIndex = results.index
    months, month = np.unique(index.month.to_numpy(), return_inverse=True)
    days = np.array([pd.Timestamp(index.year[0], m, 1).days_in_month for m in months])
    return month, np.bincount(month) / (24.0 * days)
