"""Economics against hand calculations: NPV, payback, replacements, LCOE, bills, abatement."""

from __future__ import annotations

import numpy as np
import pytest

import twin
from twin.economics.bills import DemandCharges, electricity_bill
from twin.economics.finance import (
    AnnualOperation,
    Finance,
    Investment,
    Pathway,
    capital_flows,
    carbon_cost_cny,
    compare,
    cost_flows,
    lcoe_cny_per_mwh,
    market_price,
    npv_cny,
    simple_payback_yr,
)
from twin.errors import InputError

ANNUITY_8PCT_5YR = (1 - 1.08 ** -5) / 0.08  # 3.99271


def test_npv_and_payback_by_hand():
    assert ANNUITY_8PCT_5YR == pytest.approx(3.99271, abs=1e-5)
    assert npv_cny([-100, 30, 30, 30, 30, 30], 0.08) == pytest.approx(-100 + 30 * ANNUITY_8PCT_5YR)
    assert npv_cny([-100, 30, 30, 30, 30, 30], 0.08) == pytest.approx(19.7813, abs=1e-4)
    assert simple_payback_yr(100, 30) == pytest.approx(10 / 3)
    assert simple_payback_yr(100, 0) is None


def test_compare_project_with_baseline():
    fin = Finance(0.08, 5, residual="none")
    project = Pathway("retrofit", (Investment("pv", 100.0, 25),), annual_cost_cny=70.0)
    baseline = Pathway("as is", annual_cost_cny=100.0)
    c = compare(project, baseline, fin)
    assert c.npv_cny == pytest.approx(19.7813, abs=1e-4)
    assert c.simple_payback_yr == pytest.approx(10 / 3)


def test_residual_value_is_linear():
    fin = Finance(0.08, 5)  # 20 of 25 years left at the horizon: 80 credited in year 5
    project = Pathway("p", (Investment("pv", 100.0, 25),))
    c = compare(project, Pathway("b", annual_cost_cny=30.0), fin)
    assert c.project_pv_cost_cny == pytest.approx(100 - 80 / 1.08 ** 5)


def test_replacements_within_horizon():
    battery = Investment("battery", 100.0, 4, fixed_om_cny_per_yr=2.0)
    flows = capital_flows(battery, Finance(0.0, 10))
    assert flows["capex_cny"].tolist() == [100.0] + [0.0] * 10
    assert flows.loc[4, "replacement_cny"] == 100 and flows.loc[8, "replacement_cny"] == 100
    assert flows.loc[10, "residual_cny"] == pytest.approx(-50.0)  # 2 of 4 years left
    assert flows["fixed_om_cny"].sum() == pytest.approx(20.0)
    late = capital_flows(Investment("pv", 100.0, 20, start_yr=3), Finance(0.0, 10))
    assert late.loc[3, "capex_cny"] == 100 and late.loc[10, "residual_cny"] == pytest.approx(-65.0)


def test_lcoe():
    pv = Pathway("pv", (Investment("pv", 1_000.0, 10, fixed_om_cny_per_yr=10.0),))
    assert lcoe_cny_per_mwh(pv, 100.0, Finance(0.0, 10)) == pytest.approx(1.1)
    a = (1 - 1.08 ** -10) / 0.08
    expected = (1_000 + 10 * a) / (100 * a)
    assert lcoe_cny_per_mwh(pv, 100.0, Finance(0.08, 10)) == pytest.approx(expected)


def test_abatement_cost():
    fin = Finance(0.0, 5, residual="none")
    project = Pathway("pv", (Investment("pv", 100.0, 25),), annual_co2_t=0.0)
    baseline = Pathway("base", annual_cost_cny=30.0, annual_co2_t=10.0)
    c = compare(project, baseline, fin)
    assert c.co2_avoided_t == pytest.approx(50.0)
    assert c.abatement_cost_cny_per_t == pytest.approx((100 - 150) / 50)
    assert compare(baseline, baseline, fin).abatement_cost_cny_per_t is None


def test_yearly_values_must_match_horizon():
    with pytest.raises(InputError, match="annual_cost_cny"):
        cost_flows(Pathway("p", annual_cost_cny=[1.0, 2.0]), Finance(0.05, 5, file="park.yaml"))
    flows = cost_flows(Pathway("p", annual_cost_cny=[1, 2, 3]), Finance(0.0, 3))
    assert flows["operating_cny"].sum() == 6


def test_electricity_bill_tou_and_demand():
    imp = np.array([1.0, 2.0, 3.0, 1.0])          # MWh per hour
    price = np.array([300.0, 1000.0, 1000.0, 600.0])  # CNY/MWh
    month = np.array([1, 1, 2, 2])
    bill = electricity_bill(imp, price, month, DemandCharges(demand_cny_per_mw_month=40_000.0))
    assert bill.energy_cny == pytest.approx(300 + 2000 + 3000 + 600)
    assert bill.monthly_peak_mw == (2.0, 3.0)
    assert bill.demand_cny == pytest.approx(5 * 40_000)
    given = electricity_bill(imp, price, month, DemandCharges(
        capacity_cny_per_mva_month=30_000.0, contracted_mva=4.0, monthly_peak_mw=[2.5, 3.5]))
    assert given.capacity_cny == pytest.approx(2 * 4 * 30_000) and given.demand_cny == 0.0
    assert given.total_cny == pytest.approx(5_900 + 240_000)
    part = electricity_bill(imp, price, month, DemandCharges(demand_cny_per_mw_month=40_000.0),
                            billed_frac=[0.5, 1.0])  # half of January simulated
    assert part.demand_cny == pytest.approx((2.0 * 0.5 + 3.0) * 40_000)


def test_run_pays_the_demand_charge_of_the_days_it_simulates(write_scenario):
    data = {"name": "week", "period": {"year": 2025, "start": "2025-01-06", "days": 7},
            "site": {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.6,
                     "weather": {"source": "synthetic", "site": "suzhou"}},
            "reliability": {"failures": False},
            "grid": {"import_max_mw": 100, "tariff": "jiangsu_2024_industrial"},
            "enterprises": [{"id": "f", "sector": "chemicals", "heat_bus": None,
                             "demand": {"electricity_mwh": 8760}}]}
    r = twin.run(twin.load_scenario(write_scenario(data)))
    imp = r.flows[:, r.port_role == "grid_import"].sum(axis=1)  # MW
    assert imp.max() > 0
    assert r.kpis["demand_charge_cny"] == pytest.approx(imp.max() * 40_000 * 7 / 31)


def test_annual_operation_and_prices():
    op = AnnualOperation(fuel_cny=100, electricity_bill_cny=200, green_power_premium_cny=10,
                         certificates_cny=5, carbon_cny=carbon_cost_cny(10, 100, 4),
                         variable_om_cny=3, export_revenue_cny=50)
    assert op.carbon_cny == 600
    assert op.net_cost_cny == pytest.approx(100 + 200 + 10 + 5 + 600 + 3 - 50)
    assert market_price("carbon_price") > 0
    with pytest.raises(InputError, match="tulip_price"):
        market_price("tulip_price")
