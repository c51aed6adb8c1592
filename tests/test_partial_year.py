"""Runs shorter than a year: yearly declarations count pro rata, demand charges per month.

Issue 15 (item 9): offsets declared per year (sinks, CCER) were deducted in full from a
one-week run. Issue 14 (finding 6): a February run's demand charge was scaled by
8,760/672 h instead of billed per calendar month. Each figure is computed by hand here.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_assessment import small

import twin

WEEK_SHARE = 168 / 8760  # 7 days of 2025 (not a leap year) [-]


def assess_dict(write_scenario, data: dict, name: str = "s.yaml"):
    return twin.assess(twin.run(twin.load_scenario(write_scenario(data, name))))


def test_yearly_sinks_and_offsets_count_for_the_week_simulated(write_scenario):
    """1,000 t/yr of sinks and 500 t/yr of CCER over one week of 2025.

    Deductions: 1,000 x 168 / 8,760 = 19.178 t of sinks, 500 x 168 / 8,760 = 9.589 t of
    offsets (before the fix: 1,000 t and 500 t against a week's gross). The offsets bought
    still cost 500 t x 80 CNY/t = 40,000 CNY per year (ccer_price, market_prices.csv).
    """
    a = assess_dict(write_scenario, small(offsets={"sinks_t": 1000, "ccer_t": 500}))
    nat = a.accounts["national_park"]
    assert nat.line("deduction:sinks").co2_t == pytest.approx(1000 * WEEK_SHARE)  # 19.178 t
    assert nat.line("deduction:offsets").co2_t == pytest.approx(500 * WEEK_SHARE)  # 9.589 t
    stored = nat.line("deduction:ccus_stored").co2_t
    assert nat.net_co2_t == pytest.approx(nat.gross_co2_t - stored - 1500 * WEEK_SHARE)
    assert a.economics.operating_cny["offsets_cny"] == pytest.approx(500 * 80.0)
    # the yearly CO2 of the economics is the week's net x 8,760 / 168: offsets once a year
    assert a.economics.co2_t == pytest.approx(nat.net_co2_t / WEEK_SHARE)


def test_yearly_certificates_count_for_the_week_simulated(write_scenario):
    """300 MWh/yr of certificates over one week: 300 x 168 / 8,760 = 5.753 MWh this week.

    Market-based scope 2 = (grid - 5.753) x 0.6096 (national residual mix); the certificates
    cost 300 MWh x 5 CNY/MWh = 1,500 CNY a year (gec_price), not 300 x 5 x 8,760 / 168.
    """
    a = assess_dict(write_scenario, small())
    grid = sum(e.grid_electricity_mwh for e in a.activity.park.enterprises)
    assert a.accounts["national_park"].line("electricity:certificates").activity == pytest.approx(300 * WEEK_SHARE)
    assert a.accounts["ghg_market"].scope_co2_t(2) == pytest.approx((grid - 300 * WEEK_SHARE) * 0.6096)
    assert a.economics.operating_cny["certificates_cny"] == pytest.approx(300 * 5.0)


FIRM = {"site": {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.6,
                 "weather": {"source": "synthetic", "site": "suzhou"}},
        "reliability": {"failures": False},
        "grid": {"import_max_mw": 100, "tariff": "jiangsu_2024_industrial"},
        "enterprises": [{"id": "f", "sector": "chemicals", "heat_bus": None,
                         "demand": {"electricity_mwh": 8760}}]}


def test_february_pays_twelve_monthly_demand_charges_a_year(write_scenario):
    """February 2025 (28 days = 672 h): the run bills one month's demand charge.

    Jiangsu 2024 tariff: 40,000 CNY/MW-month on the month's peak import. Yearly: peak x
    40,000 x 12 months. Before the fix: peak x 40,000 x 8,760 / 672 = 13.04 months (+8.6 %).
    """
    data = {"name": "feb", "period": {"year": 2025, "start": "2025-02-01", "days": 28}, **FIRM}
    a = assess_dict(write_scenario, data)
    r_peak = a.kpis["peak_import_mw"]
    assert a.kpis["demand_charge_cny"] == pytest.approx(r_peak * 40_000)
    assert a.economics.operating_cny["demand_charge_cny"] == pytest.approx(r_peak * 40_000 * 12)
    assert any(n.startswith("partial year: 672 h") for n in a.economics.notes)
    from twin.present.assessment_text import format_assessment

    assert "note: partial year: 672 h" in format_assessment(a)  # what `park-twin assess` prints


def test_a_run_across_two_months_averages_their_demand_charges(write_scenario):
    """28 Jan - 3 Feb 2025: 4 of January's 31 days and 3 of February's 28 are billed.

    Run KPI: (peak_jan x 4/31 + peak_feb x 3/28) x 40,000; months billed = 4/31 + 3/28;
    yearly = run KPI / months billed x 12 (the mean month's charge, twelve times).
    """
    data = {"name": "jan-feb", "period": {"year": 2025, "start": "2025-01-28", "days": 7}, **FIRM}
    r = twin.run(twin.load_scenario(write_scenario(data)))
    imp = r.flows[:, r.port_role == "grid_import"].sum(axis=1)
    jan, feb = imp[r.index.month == 1].max(), imp[r.index.month == 2].max()
    months = 4 / 31 + 3 / 28
    assert r.kpis["demand_charge_cny"] == pytest.approx((jan * 4 / 31 + feb * 3 / 28) * 40_000)
    yearly = twin.assess(r).economics.operating_cny["demand_charge_cny"]
    assert yearly == pytest.approx((jan * 4 / 31 + feb * 3 / 28) * 40_000 / months * 12)


def test_a_full_year_has_no_partial_year_note(write_scenario):
    data = {"name": "year", "period": {"year": 2025}, **FIRM}
    a = assess_dict(write_scenario, data)
    assert a.economics.notes == []
    assert a.economics.operating_cny["demand_charge_cny"] == pytest.approx(a.kpis["demand_charge_cny"])


@pytest.mark.parametrize(("start", "hours", "share"), [
    ("2024-01-01", 8784, 1.0),  # a whole leap year is the whole year, not 8,784 / 8,760
    ("2024-02-26", 168, 168 / 8784),  # a week of 2024 (leap year)
    ("2025-02-24", 168, 168 / 8760),
])
def test_year_share_counts_the_hours_of_the_runs_own_year(start, hours, share):
    """Yearly declarations are pro-rated over the hours of the calendar year the run is in."""
    import numpy as np
    import pandas as pd

    from twin.accounts.bridge import year_share

    run = SimpleNamespace(index=pd.date_range(start, periods=hours, freq="h"), flows=np.zeros((hours, 2)))
    assert year_share(run) == pytest.approx(share, rel=1e-12)
