"""Carbon accounts of a small park against hand calculations, method by method.

The park: one enterprise burning 1,000 t coal and 1,000,000 m3 gas, drawing 10,000 MWh
from the grid, 2,000 MWh from in-park PV, holding 3,000 MWh of green certificates,
making 100 t of product x and 300 t of product y; a park CCUS unit stores 500 t.
Factors (2023): fossil 0.8273, average 0.5306, residual 0.6096 tCO2/MWh.
"""

from __future__ import annotations

import dataclasses

import pytest

from twin.accounts.inputs import (
    AccountingOptions,
    EnterpriseActivity,
    InternalSupply,
    ParkActivity,
)
from twin.accounts.methods import (
    compare_frame,
    ghg_accounts,
    ghg_park_accounts,
    national_account,
    park_accounts,
    product_footprints,
)
from twin.catalog.factors import FactorBook
from twin.errors import InputError

COAL_T_CO2 = 1000 * 20.908e-3 * 26.0 * 0.94 * 44 / 12  # NCV x C content x oxidation x 44/12
GAS_T_CO2 = 1e6 * 0.038931e-3 * 15.3 * 0.99 * 44 / 12
DIRECT = COAL_T_CO2 + GAS_T_CO2
BOOK = FactorBook(2023, file="park.yaml")

FIRM = EnterpriseActivity("firm", fuel_use={"coal": 1000.0, "natural_gas": 1e6},
                          grid_electricity_mwh=10_000.0, inpark_renewable_mwh=2_000.0,
                          certificates_mwh=3_000.0, products_t={"x": 100.0, "y": 300.0})
PARK = ParkActivity((FIRM,), ccus_stored_t=500.0)


def test_hand_computed_direct_emissions():
    assert COAL_T_CO2 == pytest.approx(1873.6356, abs=1e-3)
    assert GAS_T_CO2 == pytest.approx(2162.1888, abs=1e-3)


def test_national_method():
    acc = national_account(PARK, BOOK)
    assert acc.line("electricity:grid_net_inflow").co2_t == pytest.approx(7_000 * 0.8273)
    assert acc.line("electricity:certificates").activity == 3_000
    assert acc.line("electricity:inpark_renewable").co2_t == 0.0
    assert acc.gross_co2_t == pytest.approx(DIRECT + 7_000 * 0.8273)
    assert acc.line("deduction:ccus_stored").co2_t == 500.0
    assert acc.net_co2_t == pytest.approx(acc.gross_co2_t - 500.0)


def test_national_method_certificates_not_recognised():
    acc = national_account(PARK, BOOK, AccountingOptions(certificates="not_recognised"))
    assert acc.gross_co2_t == pytest.approx(DIRECT + 10_000 * 0.8273)
    assert acc.line("memo:certificates_not_recognised").activity == 3_000


def test_national_method_factor_is_configurable():
    opt = AccountingOptions(national_grid_basis="regional", national_grid_area="jiangsu")
    acc = national_account(PARK, BOOK, opt)
    assert acc.line("electricity:grid_net_inflow").factor == 0.5500


def test_ghg_protocol_location_and_market():
    loc, mkt = ghg_accounts(FIRM, BOOK)
    assert loc.scope_co2_t(1) == pytest.approx(DIRECT)
    assert loc.scope_co2_t(2) == pytest.approx(10_000 * 0.5306)
    assert mkt.scope_co2_t(2) == pytest.approx(7_000 * 0.6096)  # certificates at zero
    assert mkt.line("electricity:certificates").co2_t == 0.0
    park_loc, park_mkt = ghg_park_accounts(PARK, BOOK)
    assert park_mkt.scope_co2_t(2) == pytest.approx(mkt.scope_co2_t(2))
    assert park_loc.net_co2_t == pytest.approx(DIRECT + 5_306 - 500)


def test_certificates_lower_market_scope2_but_not_product_footprint():
    without = dataclasses.replace(FIRM, certificates_mwh=0.0)
    market = ghg_accounts(FIRM, BOOK)[1].scope_co2_t(2)
    assert market < ghg_accounts(without, BOOK)[1].scope_co2_t(2)
    with_certs = {f.product: f.t_co2_per_t for f in product_footprints(FIRM, BOOK)}
    no_certs = {f.product: f.t_co2_per_t for f in product_footprints(without, BOOK)}
    assert with_certs == pytest.approx(no_certs)


def test_product_footprint_by_tonnes():
    fx, fy = product_footprints(FIRM, BOOK)
    assert fx.share_frac == 0.25 and fy.share_frac == 0.75
    per_t = (DIRECT + 10_000 * 0.5306) / 400  # same intensity when allocated by tonnes
    assert fx.t_co2_per_t == pytest.approx(per_t)
    assert fx.indirect_co2_t == pytest.approx(0.25 * 10_000 * 0.5306)


def test_product_footprint_by_shares_and_direct_green():
    firm = dataclasses.replace(FIRM, product_shares={"x": 0.5, "y": 0.5}, grid_electricity_mwh=0.0,
                               certificates_mwh=0.0, direct_green_mwh=10_000.0, ccus_stored_t=100.0)
    fx, _ = product_footprints(firm, BOOK)
    assert fx.indirect_co2_t == 0.0  # direct connection is physically green
    assert fx.t_co2_per_t == pytest.approx(0.5 * (DIRECT - 100.0) / 100)


def test_green_trade_zero_in_market_and_national_not_in_location():
    firm = dataclasses.replace(FIRM, certificates_mwh=0.0, green_trade_mwh=4_000.0)
    loc, mkt = ghg_accounts(firm, BOOK)
    assert loc.scope_co2_t(2) == pytest.approx(10_000 * 0.5306)
    assert mkt.scope_co2_t(2) == pytest.approx(6_000 * 0.6096)
    acc = national_account(ParkActivity((firm,)), BOOK)
    assert acc.line("electricity:grid_net_inflow").activity == pytest.approx(6_000)


def test_excess_certificates_are_a_memo_not_negative():
    firm = dataclasses.replace(FIRM, certificates_mwh=15_000.0)
    _, mkt = ghg_accounts(firm, BOOK)
    assert mkt.scope_co2_t(2) == 0.0
    assert mkt.line("memo:contracts_exceeding_grid").activity == pytest.approx(5_000)


def test_exports_net_the_inflow_and_floor_at_zero():
    acc = national_account(dataclasses.replace(PARK, exported_mwh=1_000.0), BOOK)
    assert acc.line("electricity:grid_net_inflow").activity == pytest.approx(6_000)
    big = dataclasses.replace(PARK, exported_mwh=20_000.0)
    assert national_account(big, BOOK).line("electricity:grid_net_inflow").co2_t == 0.0
    credit = national_account(big, BOOK, AccountingOptions(credit_net_export=True))
    assert credit.line("electricity:grid_net_inflow").activity == pytest.approx(-10_000)


def test_in_park_transfers_cancel_in_park_accounts():
    chp = EnterpriseActivity("chp", fuel_use={"natural_gas": 1e6})
    buyer = EnterpriseActivity("buyer", internal=(InternalSupply("heat", 5_000.0, 0.4, "chp"),),
                               heat_bought_mwh=1_000.0, heat_factor_t_per_mwh=0.35)
    park = ParkActivity((chp, buyer))
    loc, _ = ghg_accounts(buyer, BOOK)
    assert loc.scope_co2_t(2) == pytest.approx(5_000 * 0.4 + 1_000 * 0.35)
    park_loc, _ = ghg_park_accounts(park, BOOK)
    assert park_loc.gross_co2_t == pytest.approx(GAS_T_CO2 + 350.0)
    assert national_account(park, BOOK).gross_co2_t == pytest.approx(GAS_T_CO2 + 350.0)


def test_default_heat_factor_and_process_lines():
    firm = EnterpriseActivity("kiln", heat_bought_mwh=100.0, process_co2_t=10.0,
                              process_output_t={"cement_clinker": 1_000.0})
    loc, _ = ghg_accounts(firm, BOOK)
    assert loc.line("heat:bought").co2_t == pytest.approx(100 * 0.396)
    assert loc.scope_co2_t(1) == pytest.approx(10.0 + 1_000 * 0.52)


def test_deductions_are_visible_and_chosen():
    park = dataclasses.replace(PARK, sinks_t=50.0, offsets_t=200.0, ccus_utilised_t=30.0)
    acc = national_account(park, BOOK)
    assert acc.deductions_co2_t == pytest.approx(500 + 50 + 200)  # utilised not subtracted
    assert not acc.line("deduction:ccus_utilised").deducted
    only_ccs = national_account(park, BOOK, AccountingOptions(deductions=("ccus_stored",)))
    assert only_ccs.net_co2_t == pytest.approx(acc.gross_co2_t - 500)


def test_compare_frame_side_by_side():
    frame = compare_frame(park_accounts(PARK, BOOK).values())
    assert list(frame.columns) == ["national_park/park", "ghg_location/park", "ghg_market/park"]
    assert frame.index[-3:].tolist() == ["total:gross", "total:deductions", "total:net"]
    assert frame.loc["total:net", "ghg_market/park"] == pytest.approx(DIRECT + 4_267.2 - 500)
    assert national_account(PARK, BOOK).to_dict()["net_co2_t"] == pytest.approx(
        DIRECT + 5_791.1 - 500)


@pytest.mark.parametrize(("change", "field"), [
    ({"grid_electricity_mwh": -1.0}, "grid_electricity_mwh"),
    ({"fuel_use": {"peat": 1.0}}, "fuel_use.peat"),
    ({"green_trade_mwh": 20_000.0}, "green_trade_mwh"),
    ({"product_shares": {"x": 0.5, "y": 0.4}}, "product_shares"),
])
def test_bad_activity_names_field_and_enterprise(change, field):
    park = ParkActivity((dataclasses.replace(FIRM, **change),))
    with pytest.raises(InputError) as err:
        national_account(park, BOOK)
    text = str(err.value)
    assert "park.yaml" in text and field in text and "firm" in text


def test_bad_options_and_duplicates():
    with pytest.raises(InputError, match="half"):
        national_account(PARK, BOOK, AccountingOptions(certificates="half"))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="duplicate"):
        national_account(ParkActivity((FIRM, FIRM)), BOOK)
    with pytest.raises(InputError, match="2030"):
        national_account(PARK, FactorBook(2030))


def test_certificates_are_netted_against_green_trades():
    """Trades first, then certificates, never more than the grid MWh between them.

    10,000 MWh from the grid, 6,000 MWh traded green, 6,000 MWh of certificates: trades
    cover 6,000, certificates the remaining 4,000, and 2,000 MWh of certificates go unused.
    """
    firm = dataclasses.replace(FIRM, green_trade_mwh=6_000.0, certificates_mwh=6_000.0)
    nat = national_account(ParkActivity((firm,)), BOOK)
    assert nat.line("electricity:green_trade").activity == 6_000
    assert nat.line("electricity:certificates").activity == 4_000
    assert nat.line("electricity:grid_net_inflow").activity == 0
    assert nat.gross_co2_t == pytest.approx(DIRECT)  # nothing negative from double-counted contracts
    _, mkt = ghg_accounts(firm, BOOK)
    assert mkt.scope_co2_t(2) == pytest.approx(0.0, abs=1e-9)
