"""What a dispatch costs: one function for the rules' flows, the lookahead's and the LP's.

The lines are those a dispatch changes: the electricity bill of
:func:`twin.economics.bills.electricity_bill` (grid energy at the hour's TOU price, the
demand charge on each month's peak import, pro rata of the month covered), fuel and
water bought on markets, converter variable O&M, minus grid export and offtake revenue.
Grid energy + demand charge + fuels - export revenue is the run's ``energy_cost_cny`` KPI.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin.economics.bills import DemandCharges, electricity_bill
from twin.units import fuels
from twin.yardstick.problem import DispatchProblem


@dataclass(frozen=True)
class CostBasis:
    """Ports and prices the cost reads."""

    grid_import_port: int  # -1 none
    grid_export_port: int
    import_price: np.ndarray  # [H] CNY/MWh
    export_price: float  # CNY/MWh
    market_port: np.ndarray  # fuel and water markets
    market_price: np.ndarray  # CNY per unit
    fuel_market: np.ndarray  # bool: a fuel (in the energy_cost KPI), not water
    offtake_port: np.ndarray
    offtake_value: np.ndarray  # CNY per unit shipped
    om_port: np.ndarray  # reference port of every converter
    om_cny: np.ndarray  # CNY per unit of reference flow
    month: np.ndarray  # [H] 0..M-1
    charges: DemandCharges
    billed_frac: np.ndarray  # [M]


def cost_basis(net, problem: DispatchProblem) -> CostBasis:
    """The cost basis of a compiled network (prices as in ``problem``)."""
    role = np.asarray(net.ports.role)
    grid_imp = np.flatnonzero(role == "grid_import")
    grid_exp = np.flatnonzero(role == "grid_export")
    market = np.flatnonzero(role == "market")
    carrier = [net.bus_carrier[b] for b in net.port_bus[market]]
    fuel = np.array([c in fuels() for c in carrier], dtype=bool)
    offtake = [(s.export_port, s.export_value) for s in net.slack
               if s.export_port >= 0 and role[s.export_port] != "grid_export"]
    grid_slack = next((s for s in net.slack if s.import_port in grid_imp), None)
    c = net.converters
    return CostBasis(
        int(grid_imp[0]) if grid_imp.size else -1, int(grid_exp[0]) if grid_exp.size else -1,
        net.import_price, grid_slack.export_value if grid_slack else 0.0,
        market, np.array([net.fuel_price.get(x, 0.0) if x in fuels() or x == "water" else 0.0 for x in carrier]),
        fuel, np.array([p for p, _ in offtake], dtype=int), np.array([v for _, v in offtake]),
        c.ref_port, np.array([s.var_om for s in c.specs]), problem.month,
        DemandCharges(demand_cny_per_mw_month=problem.demand_cny_per_mw_month), problem.billed_frac)


def cost_lines(basis: CostBasis, flows: np.ndarray) -> dict[str, float]:
    """Cost of a dispatch's ``flows`` [H, P] by line, and the total [CNY]."""
    b = basis
    imp = flows[:, b.grid_import_port] if b.grid_import_port >= 0 else np.zeros(len(flows))
    exported = -flows[:, b.grid_export_port].sum() if b.grid_export_port >= 0 else 0.0
    bill = electricity_bill(imp, b.import_price, b.month, b.charges, b.billed_frac)
    markets = flows[:, b.market_port].sum(axis=0) * b.market_price
    lines = {
        "grid_energy_cny": bill.energy_cny,
        "demand_charge_cny": bill.demand_cny,
        "fuel_cny": float(markets[b.fuel_market].sum()),
        "water_cny": float(markets[~b.fuel_market].sum()),
        "variable_om_cny": float(np.abs(flows[:, b.om_port]).sum(axis=0) @ b.om_cny),
        "export_revenue_cny": float(exported * b.export_price),
        "offtake_revenue_cny": float(-flows[:, b.offtake_port].sum(axis=0) @ b.offtake_value),
    }
    lines = {k: v + 0.0 for k, v in lines.items()}  # + 0.0 turns -0.0 into 0.0
    lines["total_cny"] = sum(v for k, v in lines.items() if "revenue" not in k) - lines["export_revenue_cny"] \
        - lines["offtake_revenue_cny"]
    return lines
