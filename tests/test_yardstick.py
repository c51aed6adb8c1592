"""The optimal-dispatch yardstick (perfect-foresight LP) and the lookahead storage strategy."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SCENARIOS

from twin.cli import main
from twin.kernel.ledger import imbalance
from twin.kernel.simulation import simulation
from twin.physics.lookahead import lookahead, store_program
from twin.physics.storage import DayContext, StorageParams, apply_requests, self_consumption
from twin.scenario.load import load_scenario
from twin.yardstick.cost import cost_basis, cost_lines
from twin.yardstick.lp import optimal_dispatch
from twin.yardstick.problem import DispatchProblem, dispatch_problem
from twin.yardstick.yardstick import with_strategy

BATTERY = StorageParams(p_max_mw=1.0, e_min_mwh=0.0, e_max_mwh=1.0, eta_charge_frac=0.9, eta_discharge_frac=0.9)


def two_hours(demand_cny_per_mw_month: float) -> DispatchProblem:
    """One bus, 1 MW of demand in each of two hours, the grid at 100 then 300 CNY/MWh, one
    battery (1 MW, 1 MWh, 90 % each way, empty at the start). Ports: 0 demand, 1 battery,
    2 grid import, 3 curtailment."""
    fixed = np.array([[-1.0, 0, 0, 0], [-1.0, 0, 0, 0]])
    none = np.zeros(0, dtype=int)
    return DispatchProblem(
        fixed, np.zeros(4, dtype=int), 1, none, none, np.zeros((2, 0)), np.zeros(0), none, none, np.zeros((2, 0)),
        np.array([1]), [BATTERY], np.ones((2, 1)), np.zeros(1), np.zeros(1),
        np.array([2, 3]), ["import", "surplus"], np.array([[10.0, np.inf], [10.0, np.inf]]),
        np.array([[100.0, 0.0], [300.0, 0.0]]), 0, np.zeros(2, dtype=int), np.ones(1), demand_cny_per_mw_month)


@pytest.mark.parametrize(("rate", "charge_mw", "cost_cny"), [(0.0, 1.0, 257.0), (200.0, 0.0, 600.0)])
def test_lp_two_hours_one_battery_by_hand(rate, charge_mw, cost_cny):
    """Charging c MW in hour 1 stores 0.9 c MWh and gives back 0.81 c MW in hour 2 (c <= 1 MW,
    0.9 c <= 1 MWh). Import is 1 + c, then 1 - 0.81 c; the month's peak is 1 + c.

    Without a demand charge: cost = 100 (1 + c) + 300 (1 - 0.81 c) = 400 - 143 c, lowest at
    c = 1: import 2 then 0.19 MW, cost 200 + 57 = 257 CNY.
    With 200 CNY/MW-month on the peak: cost = 400 - 143 c + 200 (1 + c) = 600 + 57 c, lowest
    at c = 0: the battery stays empty, cost 100 + 300 + 200 = 600 CNY.
    """
    best = optimal_dispatch(two_hours(rate))
    assert best.objective_cny == pytest.approx(cost_cny, abs=1e-6)
    assert best.flows[:, 1] == pytest.approx([-charge_mw, 0.81 * charge_mw], abs=1e-7)
    assert best.flows[:, 2] == pytest.approx([1 + charge_mw, 1 - 0.81 * charge_mw], abs=1e-7)
    assert best.soc_mwh[:, 0] == pytest.approx([0.9 * charge_mw, 0.0], abs=1e-7)
    assert np.abs(best.flows.sum(axis=1)).max() < 1e-9


@pytest.fixture(scope="module")
def mini_runs():
    sc = load_scenario(SCENARIOS / "mini.yaml")
    rules = simulation(sc)
    ahead = simulation(with_strategy(sc, "lookahead"))
    problem = dispatch_problem(rules.net, rules.model, rules.results)
    return rules, ahead, problem, optimal_dispatch(problem)


def test_optimum_balances_and_beats_the_rules_on_mini(mini_runs):
    rules, ahead, problem, best = mini_runs
    net = rules.net
    assert np.abs(imbalance(best.flows, net.port_bus, len(net.bus_ids))).max() < 1e-6
    p = net.stores[0].params
    assert best.soc_mwh.min() >= p.e_min_mwh - 1e-7 and best.soc_mwh.max() <= p.e_max_mwh + 1e-7
    basis = cost_basis(net, problem)
    r, a, o = (cost_lines(basis, f)["total_cny"] for f in (rules.results.flows, ahead.results.flows, best.flows))
    assert o <= a <= r  # the rules' dispatch is one feasible point of the LP


def test_cost_of_the_rules_is_the_runs_energy_cost(mini_runs):
    """Grid energy + demand charge + fuels - export revenue is the run's energy_cost_cny KPI."""
    from twin.economics.bills import cost_kpis

    rules, _, problem, _ = mini_runs
    lines = cost_lines(cost_basis(rules.net, problem), rules.results.flows)
    energy_cost = lines["grid_energy_cny"] + lines["demand_charge_cny"] + lines["fuel_cny"] - lines["export_revenue_cny"]
    assert energy_cost == pytest.approx(cost_kpis(rules.results)["energy_cost_cny"], rel=1e-12)


def test_lookahead_never_worse_than_the_default_rule_and_keeps_the_limits(mini_runs):
    """A week of PV, a cycling battery and the TOU tariff: the default self_consumption rule
    against the lookahead strategy, priced alike; every bus balances, SOC stays in bounds."""
    rules, ahead, problem, _ = mini_runs
    net, res = ahead.net, ahead.results
    basis = cost_basis(net, problem)
    assert cost_lines(basis, res.flows)["total_cny"] < cost_lines(basis, rules.results.flows)["total_cny"]
    assert np.abs(imbalance(res.flows, net.port_bus, len(net.bus_ids))).max() < 1e-9
    p = net.stores[0].params
    assert res.soc_mwh.min() >= p.e_min_mwh - 1e-9 and res.soc_mwh.max() <= p.e_max_mwh + 1e-9
    assert np.abs(res.flows[:, net.stores[0].port]).max() <= p.p_max_mw + 1e-9
    assert (res.flows[:, net.stores[0].port] < -1e-6).any() and (res.flows[:, net.stores[0].port] > 1e-6).any()


def test_lookahead_day_plan_by_hand():
    """1 MW of deficit all day, 12 cheap hours (100 CNY/MWh) then 12 dear (300), a 1 MW / 4 MWh
    store at 95 % each way, empty. The plan fills it in cheap hours (4 / 0.95 = 4.2105 MWh drawn)
    and empties it in dear ones (4 x 0.95 = 3.8 MWh delivered), saving 3.8 x 300 - 4.2105 x 100
    = 718.95 CNY on the day; self-consumption, discharging into any deficit, saves nothing
    (the store is empty and never charges: there is no surplus)."""
    params = StorageParams(1.0, 0.0, 4.0, 0.95, 0.95)
    price = np.r_[np.full(12, 100.0), np.full(12, 300.0)]
    ctx = DayContext(np.ones(24), price, 0.0, params)
    plan = lookahead(ctx)
    assert plan[:12].sum() == pytest.approx(-4 / 0.95) and plan[12:].sum() == pytest.approx(3.8)
    assert (plan[:12] <= 1e-9).all() and (plan[12:] >= -1e-9).all()

    def bill(request):
        power, _ = apply_requests(request, 0.0, params)
        return float((1.0 - power) @ price)

    assert bill(np.zeros(24)) - bill(plan) == pytest.approx(3.8 * 300 - 4 / 0.95 * 100)
    assert bill(self_consumption(ctx)) == pytest.approx(bill(np.zeros(24)))


@pytest.mark.parametrize(("peak_so_far_mw", "worst_mw", "charge_cny_per_mw"),
                         [(0.0, 2.0, 1e5), (2.5, 2.5, 1e5), (0.0, 2.0, 1.0)])
def test_lookahead_shaves_the_months_peak(peak_so_far_mw, worst_mw, charge_cny_per_mw):
    """Flat price, 1 MW of deficit but 3 MW at noon, a full 1 MW / 2 MWh store, a demand
    charge of 100,000 CNY/MW-month: the plan discharges at noon, so the import peaks at
    3 - 1 = 2 MW, or stays at the month's 2.5 MW peak if that is higher (raising it costs
    nothing below 2.5 MW). Any charge, even 1 CNY/MW-month, is worth shaving: at a flat price
    a discharged MWh saves the same in every hour, so the noon discharge costs nothing."""
    params = StorageParams(1.0, 0.0, 2.0, 0.95, 0.95)
    deficit = np.ones(24)
    deficit[12] = 3.0
    ctx = DayContext(deficit, np.full(24, 100.0), 2.0, params, peak_mw=peak_so_far_mw,
                     peak_cny_per_mw=charge_cny_per_mw)
    power, _ = apply_requests(lookahead(ctx), ctx.soc_mwh, params)
    assert (deficit - power).max() <= worst_mw + 1e-6


@pytest.mark.parametrize(("export_cny_per_mwh", "plan_mw"), [(90.0, [0.0, 0.0]), (70.0, [-1.0, 0.81])])
def test_lookahead_sells_a_surplus_or_stores_it_by_hand(export_cny_per_mwh, plan_mw):
    """1 MW of surplus, then 1 MW of deficit, both hours at 100 CNY/MWh; an empty 1 MW / 1 MWh
    store at 90 % each way. Storing c MW gives back 0.81 c MW in hour 2: the bill is
    100 (1 - 0.81 c) - export (1 - c) = 100 - export + (export - 81) c. At 90 CNY/MWh for
    exports selling is better (c = 0, the store stays idle); at 70 storing is (c = 1)."""
    ctx = DayContext(np.array([-1.0, 1.0]), np.full(2, 100.0), 0.0, BATTERY,
                     export_price_cny_per_mwh=export_cny_per_mwh)
    assert lookahead(ctx) == pytest.approx(plan_mw, abs=1e-9)


@pytest.mark.parametrize("peak_cny_per_mw", [0.0, 1e5])
def test_store_program_has_one_bound_per_row_and_column(peak_cny_per_mw):
    """The LP handed to HiGHS is whole: 5 n columns (+1 for the month's peak), 2 n rows
    (+ n peak rows), and a cost and bounds for each of them."""
    n = 3
    ctx = DayContext(np.ones(n), np.full(n, 100.0), 0.5, BATTERY, peak_cny_per_mw=peak_cny_per_mw)
    lp = store_program(ctx.deficit_mw, ctx.price_cny_per_mwh, ctx)
    rows, cols = (2 * n, 5 * n) if peak_cny_per_mw == 0 else (3 * n, 5 * n + 1)
    assert lp.a.shape == (rows, cols)
    assert lp.row_lo.shape == lp.row_hi.shape == (rows,)
    assert lp.cost.shape == lp.col_lo.shape == lp.col_hi.shape == (cols,)


def test_cli_yardstick_json(capsys):
    assert main(["yardstick", str(SCENARIOS / "mini.yaml"), "--days", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["hours"] == 48 and set(out["costs_cny"]) == {"rules", "lookahead", "optimum"}
    assert out["gap_frac"]["rules"] >= 0 and set(out["seconds"]) == {"rules", "lookahead", "optimum"}


def test_cli_yardstick_bad_days_is_one_line(capsys):
    assert main(["yardstick", str(SCENARIOS / "mini.yaml"), "--days", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "period.days" in err[0]
