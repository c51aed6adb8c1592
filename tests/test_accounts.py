"""Carbon accounts of a small park against hand calculations, method by method.

The park: one enterprise burning 1,000 t coal and 1,000,000 m3 gas, drawing 10,000 MWh
from the grid, 2,000 MWh from in-park PV, holding 3,000 MWh of green certificates,
making 100 t of product x and 300 t of product y; a park CCUS unit stores 500 t.
Factors (2023): fossil 0.8273, average 0.5306, residual 0.6096 tCO2/MWh.
"""

from __future__ import annotations

import dataclasses
import json

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


# Mutation testing (issue 15): what the assessment's JSON, the text report and the compare
# table carry from an account, and the error a caller reads for a missing line.
def test_totals_split_gross_into_scopes_by_hand():
    """Park location account: scope 1 = fuels - 500 t stored, scope 2 = 10,000 MWh x 0.5306."""
    loc, _ = ghg_park_accounts(PARK, BOOK)
    assert loc.totals() == pytest.approx({
        "gross_co2_t": DIRECT - 500 + 5_306, "deductions_co2_t": 0.0, "net_co2_t": DIRECT - 500 + 5_306,
        "scope1_co2_t": DIRECT - 500, "scope2_co2_t": 5_306})


def test_account_to_dict_carries_method_entity_lines_and_totals():
    acc = national_account(PARK, BOOK)
    data = json.loads(json.dumps(acc.to_dict()))  # JSON-ready, as the assessment writes it
    assert set(data) == {"method", "entity", "lines", "gross_co2_t", "deductions_co2_t", "net_co2_t",
                         "scope1_co2_t", "scope2_co2_t"}
    assert (data["method"], data["entity"]) == ("national_park", "park")
    grid = next(ln for ln in data["lines"] if ln["item"] == "electricity:grid_net_inflow")
    assert grid == {"item": "electricity:grid_net_inflow", "kind": "emission", "activity": 7_000.0,
                    "activity_unit": "MWh", "factor": 0.8273, "factor_unit": "t_co2_per_mwh",
                    "co2_t": pytest.approx(7_000 * 0.8273), "scope": None, "deducted": False,
                    "note": "net inflow = grid import - export"}
    assert len(data["lines"]) == len(acc.lines)


def test_missing_line_error_names_account_and_item():
    acc = national_account(PARK, BOOK)
    with pytest.raises(KeyError) as err:
        acc.line("electricity:nowhere")
    assert err.value.args == ("national_park/park has no line 'electricity:nowhere'",)


def test_product_footprint_to_dict_by_hand():
    """Product x: a quarter (100 of 400 t) of the direct and of 10,000 MWh x 0.5306."""
    fx, _ = product_footprints(FIRM, BOOK)
    assert fx.to_dict() == {"enterprise": "firm", "product": "x", "output_t": 100.0, "share_frac": 0.25,
                            "direct_co2_t": pytest.approx(DIRECT / 4),
                            "indirect_co2_t": pytest.approx(10_000 * 0.5306 / 4),
                            "t_co2_per_t": pytest.approx((DIRECT + 5_306) / 400)}


def test_compare_frame_shows_a_line_absent_from_a_method_as_zero():
    frame = compare_frame(park_accounts(PARK, BOOK).values())
    # the national method nets the grid inflow; the GHG accounts have no such line (and vice versa)
    assert frame.loc["electricity:grid_net_inflow"].tolist() == pytest.approx([7_000 * 0.8273, 0.0, 0.0])
    assert frame.loc["ccs:stored"].tolist() == [0.0, -500.0, -500.0]
    assert not frame.isna().any().any()
    assert compare_frame([]).empty  # nothing to compare: an empty table, not an error


def test_product_footprint_lines_by_hand():
    """Every line behind a footprint: heat and in-park heat direct, in-park power indirect, once each.

    The mill: 100 t coal, 1,000 MWh heat bought at the default 0.396 tCO2/MWh
    (heat_factors.csv), 500 MWh in-park heat at 0.2, 50 t CO2 geologically stored; 5,000 MWh
    from the grid at the Jiangsu regional factor 0.55 (the footprint's chosen area), 2,000
    MWh in-park power at 0.3, 1,000 MWh in-park PV and 500 MWh direct green at zero.
    """
    mill = EnterpriseActivity("mill", fuel_use={"coal": 100.0}, heat_bought_mwh=1_000.0,
                              internal=(InternalSupply("heat", 500.0, 0.2, "chp"),
                                        InternalSupply("electricity", 2_000.0, 0.3, "chp")),
                              grid_electricity_mwh=5_000.0, inpark_renewable_mwh=1_000.0,
                              direct_green_mwh=500.0, ccus_stored_t=50.0, products_t={"x": 400.0})
    opt = AccountingOptions(footprint_basis="regional", footprint_area="jiangsu")
    (fx,) = product_footprints(mill, BOOK, opt)
    transfer = "in-park transfer: cancels in the park account"
    coal = COAL_T_CO2 / 10
    want = [
        ("fuel:coal", "emission", 100.0, "t", coal / 100, "t_co2_per_t", coal, 1, ""),
        ("heat:bought", "emission", 1_000.0, "MWh", 0.396, "t_co2_per_mwh", 396.0, 2, ""),
        ("internal:heat:chp", "emission", 500.0, "MWh", 0.2, "t_co2_per_mwh", 100.0, 2, transfer),
        ("deduction:ccus_stored", "emission", -50.0, "t_co2", 1.0, "t_co2_per_t_co2", -50.0, None,
         "CO2 transferred for geological storage is subtracted"),
        ("electricity:grid", "emission", 5_000.0, "MWh", 0.55, "t_co2_per_mwh", 2_750.0, None, ""),
        ("internal:electricity:chp", "emission", 2_000.0, "MWh", 0.3, "t_co2_per_mwh", 600.0, 2, transfer),
        ("electricity:inpark_renewable", "zero", 1_000.0, "MWh", 0.0, "t_co2_per_mwh", 0.0, None, ""),
        ("electricity:direct_green", "zero", 500.0, "MWh", 0.0, "t_co2_per_mwh", 0.0, None, ""),
    ]
    got = [(ln.item, ln.kind, ln.activity, ln.activity_unit, ln.factor, ln.factor_unit, ln.co2_t, ln.scope,
            ln.note) for ln in fx.lines]
    assert got == [pytest.approx(w) for w in want]
    assert not any(ln.deducted for ln in fx.lines)
    assert fx.direct_co2_t == pytest.approx(coal + 396 + 100 - 50)
    assert fx.indirect_co2_t == pytest.approx(2_750 + 600)


def test_product_shares_by_tonnes_at_the_edges():
    """Half a tonne is still the whole output; products of zero tonnes have no footprint."""
    half = EnterpriseActivity("lab", grid_electricity_mwh=10.0, products_t={"sample": 0.5})
    assert half.allocation_shares() == {"sample": 1.0}
    assert [f.indirect_co2_t for f in product_footprints(half, BOOK)] == pytest.approx([10 * 0.5306])
    idle = EnterpriseActivity("idle", grid_electricity_mwh=10.0, products_t={"x": 0.0, "y": 0.0})
    assert idle.allocation_shares() == {}
    assert product_footprints(idle, BOOK) == []


# Whole accounts line by line: what the assessment's JSON and the app's account panels show.
KILN = EnterpriseActivity("kiln", fuel_use={"coal": 500.0}, process_co2_t=10.0,
                          process_output_t={"cement_clinker": 1_000.0}, grid_electricity_mwh=2_000.0,
                          heat_bought_mwh=100.0, internal=(InternalSupply("heat", 50.0, 0.4, "firm"),),
                          green_trade_mwh=1_500.0)
TWO = ParkActivity((FIRM, KILN), ccus_stored_t=500.0, sinks_t=50.0, bunker_co2_t=70.0)
COAL_PER_T = COAL_T_CO2 / 1000
GAS_PER_M3 = GAS_T_CO2 / 1e6
CCS_NOTE = ("transferred to geological storage: not emitted (EU MRR 2018/2066 Art. 49); reported "
            "separately, as the GHG Protocol asks")


def _rows(account) -> list[tuple]:
    return [(ln.item, ln.kind, ln.activity, ln.activity_unit, ln.factor, ln.factor_unit, ln.co2_t, ln.scope,
             ln.deducted, ln.note) for ln in account.lines]


def test_national_account_line_by_line():
    """Two firms: coal merged (1,500 t), process CO2 measured and per tonne of clinker (0.52 t/t),
    12,000 MWh from the grid less 1,500 traded and 3,000 certified at the fossil factor 0.8273,
    100 MWh heat bought at 0.396 (the 50 MWh from the firm is in-park, not counted again)."""
    want = [
        ("fuel:coal", "emission", 1_500.0, "t", COAL_PER_T, "t_co2_per_t", 1_500 * COAL_PER_T, None, False, ""),
        ("fuel:natural_gas", "emission", 1e6, "m3", GAS_PER_M3, "t_co2_per_m3", GAS_T_CO2, None, False, ""),
        ("process:measured", "emission", 10.0, "t_co2", 1.0, "t_co2_per_t_co2", 10.0, None, False, ""),
        ("process:cement_clinker", "emission", 1_000.0, "t", 0.52, "t_co2_per_t", 520.0, None, False, ""),
        ("electricity:grid_net_inflow", "emission", 7_500.0, "MWh", 0.8273, "t_co2_per_mwh", 7_500 * 0.8273,
         None, False, "net inflow = grid import - export"),
        ("electricity:green_trade", "zero", 1_500.0, "MWh", 0.0, "t_co2_per_mwh", 0.0, None, False, ""),
        ("electricity:certificates", "zero", 3_000.0, "MWh", 0.0, "t_co2_per_mwh", 0.0, None, False, ""),
        ("electricity:inpark_renewable", "zero", 2_000.0, "MWh", 0.0, "t_co2_per_mwh", 0.0, None, False, ""),
        ("heat:bought", "emission", 100.0, "MWh", 0.396, "t_co2_per_mwh", 39.6, None, False, ""),
        ("deduction:ccus_stored", "deduction", 500.0, "t_co2", 1.0, "t_co2_per_t_co2", 500.0, None, True, ""),
        ("deduction:sinks", "deduction", 50.0, "t_co2", 1.0, "t_co2_per_t_co2", 50.0, None, True, ""),
        ("memo:international_bunkers", "memo", 70.0, "t_co2", 1.0, "t_co2_per_t_co2", 70.0, None, False,
         "listed separately, not deducted"),
    ]
    assert _rows(national_account(TWO, BOOK)) == [pytest.approx(w) for w in want]
    # trades not recognised: a memo line, and the 1,500 MWh back at the fossil factor
    acc = national_account(TWO, BOOK, AccountingOptions(green_trade="not_recognised"))
    assert _rows(acc)[4][2] == 9_000.0
    memo = acc.line("memo:green_trade_not_recognised")
    assert (memo.kind, memo.activity, memo.activity_unit, memo.co2_t) == ("memo", 1_500.0, "MWh", 0.0)


def test_contracts_beyond_the_inflow_are_a_memo_line():
    """Exports of 11,000 MWh leave 1,000 of inflow: trades cover it, 3,500 MWh of contracts are unused."""
    acc = national_account(dataclasses.replace(TWO, exported_mwh=11_000.0), BOOK)
    memo = acc.line("memo:contracts_exceeding_grid")
    assert (memo.kind, memo.activity, memo.activity_unit, memo.factor, memo.co2_t) == ("memo", 3_500.0, "MWh", 0.0, 0.0)
    assert memo not in [ln for ln in acc.lines if ln.kind == "emission"]
    _, mkt = ghg_accounts(dataclasses.replace(FIRM, certificates_mwh=15_000.0), BOOK)
    memo = mkt.line("memo:contracts_exceeding_grid")
    assert (memo.kind, memo.activity, memo.activity_unit) == ("memo", 5_000.0, "MWh")


def test_ghg_accounts_of_an_enterprise_line_by_line():
    loc, mkt = ghg_accounts(KILN, BOOK)
    assert (loc.method, loc.entity, mkt.method, mkt.entity) == ("ghg_location", "kiln", "ghg_market", "kiln")
    scope1 = [
        ("fuel:coal", "emission", 500.0, "t", COAL_PER_T, "t_co2_per_t", 500 * COAL_PER_T, 1, False, ""),
        ("process:measured", "emission", 10.0, "t_co2", 1.0, "t_co2_per_t_co2", 10.0, 1, False, ""),
        ("process:cement_clinker", "emission", 1_000.0, "t", 0.52, "t_co2_per_t", 520.0, 1, False, ""),
    ]
    common = [
        ("heat:bought", "emission", 100.0, "MWh", 0.396, "t_co2_per_mwh", 39.6, 2, False, ""),
        ("internal:heat:firm", "emission", 50.0, "MWh", 0.4, "t_co2_per_mwh", 20.0, 2, False,
         "in-park transfer: cancels in the park account"),
    ]
    assert _rows(loc) == [pytest.approx(w) for w in [
        *scope1, ("electricity:grid", "emission", 2_000.0, "MWh", 0.5306, "t_co2_per_mwh", 1_061.2, 2, False, ""),
        *common]]
    assert _rows(mkt) == [pytest.approx(w) for w in [
        *scope1, ("electricity:residual", "emission", 500.0, "MWh", 0.6096, "t_co2_per_mwh", 304.8, 2, False, ""),
        ("electricity:green_trade", "zero", 1_500.0, "MWh", 0.0, "t_co2_per_mwh", 0.0, 2, False, ""), *common]]


def test_park_ghg_account_carries_the_stored_co2_with_its_note():
    _, mkt = ghg_park_accounts(TWO, BOOK)
    stored = mkt.line("ccs:stored")
    assert (stored.kind, stored.activity, stored.activity_unit, stored.factor, stored.factor_unit, stored.co2_t,
            stored.scope, stored.note) == ("emission", 500.0, "t_co2", -1.0, "t_co2_per_t_co2", -500.0, 1, CCS_NOTE)
    coal = mkt.line("fuel:coal")
    assert (coal.activity, coal.factor, coal.scope) == (1_500.0, pytest.approx(COAL_PER_T), 1)  # merged per tonne
    assert mkt.line("electricity:certificates").scope == 2 and mkt.line("electricity:certificates").kind == "zero"


def test_activity_errors_name_file_field_and_enterprise():
    def problems(park, opt=None):
        with pytest.raises(InputError) as err:
            national_account(park, BOOK, opt or AccountingOptions())
        return [(p.file, p.field, p.message, p.id) for p in err.value.problems]

    assert problems(ParkActivity((FIRM, FIRM))) == [
        ("park.yaml", "enterprises[1].id", "duplicate enterprise id 'firm'", "firm")]
    over = dataclasses.replace(KILN, green_trade_mwh=2_000.5)  # half a MWh more than drawn from the grid
    assert problems(ParkActivity((over,))) == [
        ("park.yaml", "enterprises[0].green_trade_mwh",
         "green trades (2000.5 MWh) exceed grid electricity (2000.0 MWh)", "kiln")]
    unknown = dataclasses.replace(FIRM, product_shares={"x": 0.5, "z": 0.5})
    assert problems(ParkActivity((unknown,))) == [
        ("park.yaml", "enterprises[0].product_shares.z", "product 'z' has no tonnes in products_t", "firm")]
    assert problems(PARK, AccountingOptions(certificates="half")) == [  # type: ignore[arg-type]
        ("park.yaml", "accounting.certificates", "must be 'zero' or 'not_recognised', got 'half'", None)]


def test_contracts_cover_at_most_an_inflow_under_one_mwh():
    """Exports leave 0.5 MWh of net inflow: 0.5 of the 0.8 MWh of trades cover it, 0.3 are unused."""
    firm = EnterpriseActivity("f", grid_electricity_mwh=10.0, green_trade_mwh=0.8)
    acc = national_account(ParkActivity((firm,), exported_mwh=9.5), BOOK)
    assert acc.line("electricity:grid_net_inflow").activity == pytest.approx(0.0)
    assert acc.line("electricity:green_trade").activity == pytest.approx(0.5)
    assert acc.line("memo:contracts_exceeding_grid").activity == pytest.approx(0.3)


def test_a_net_exporter_is_floored_at_zero_and_says_so():
    firm = EnterpriseActivity("f", grid_electricity_mwh=10.0)
    exporter = national_account(ParkActivity((firm,), exported_mwh=12.0), BOOK).line("electricity:grid_net_inflow")
    assert (exporter.activity, exporter.co2_t, exporter.note) == (
        0.0, 0.0, "net exporter: inflow floored at 0 (credit_net_export=False)")
    balanced = national_account(ParkActivity((firm,), exported_mwh=10.0), BOOK).line("electricity:grid_net_inflow")
    assert (balanced.activity, balanced.note) == (0.0, "net inflow = grid import - export")  # not an exporter


def test_national_account_lists_green_supply_at_zero_by_name():
    firm = EnterpriseActivity("f", grid_electricity_mwh=10.0, inpark_renewable_mwh=4.0, direct_green_mwh=6.0)
    acc = national_account(ParkActivity((firm,)), BOOK)
    rows = {ln.item: (ln.kind, ln.activity, ln.co2_t) for ln in acc.lines if ln.kind == "zero"}
    assert rows == {"electricity:inpark_renewable": ("zero", 4.0, 0.0), "electricity:direct_green": ("zero", 6.0, 0.0)}


def test_ghg_accounts_list_green_supply_at_zero_in_scope_2_by_name():
    firm = EnterpriseActivity("f", grid_electricity_mwh=10.0, inpark_renewable_mwh=4.0, direct_green_mwh=6.0)
    for acc in ghg_accounts(firm, BOOK):
        rows = {ln.item: (ln.activity, ln.co2_t, ln.scope) for ln in acc.lines if ln.kind == "zero"}
        assert rows == {"electricity:inpark_renewable": (4.0, 0.0, 2), "electricity:direct_green": (6.0, 0.0, 2)}


def test_ghg_accounts_of_a_capturing_firm_on_a_regional_grid():
    """20 t of CO2 utilised is a deduction line (not deducted by default); 30 t stored is a scope-1 line of -30.

    The grid factors are the chosen area's: Inner Mongolia regional 0.6361 for both methods (grid_factors.csv, 2023).
    """
    firm = EnterpriseActivity("f", grid_electricity_mwh=100.0, ccus_utilised_t=20.0, ccus_stored_t=30.0)
    opt = AccountingOptions(location_basis="regional", location_area="inner_mongolia",
                            residual_basis="regional", residual_area="inner_mongolia")
    loc, mkt = ghg_accounts(firm, BOOK, opt)
    for acc, item in ((loc, "electricity:grid"), (mkt, "electricity:residual")):
        assert acc.line(item).factor == pytest.approx(0.6361)
        used = acc.line("deduction:ccus_utilised")
        assert (used.kind, used.activity, used.co2_t, used.deducted) == ("deduction", 20.0, 20.0, False)
        assert (acc.line("ccs:stored").co2_t, acc.line("ccs:stored").scope) == (-30.0, 1)


def test_an_enterprises_contracts_beyond_its_grid_use_are_a_zero_memo_even_under_one_mwh():
    firm = EnterpriseActivity("f", grid_electricity_mwh=2.0, green_trade_mwh=1.5, certificates_mwh=0.9)
    memo = ghg_accounts(firm, BOOK)[1].line("memo:contracts_exceeding_grid")  # 1.5 + 0.9 - 2.0 = 0.4 MWh
    assert (memo.kind, memo.activity, memo.activity_unit, memo.factor, memo.co2_t) == pytest.approx(
        ("memo", 0.4, "MWh", 0.0, 0.0))


def test_park_ghg_accounts_pass_the_options_on_and_merge_lines_at_their_weighted_factor():
    """Heat bought by two firms at 0.3 and 0.5 t/MWh (100 MWh each) is one line of 200 MWh at 0.4.

    The park's own utilised CO2, sinks and offsets are deduction lines; the grid is at the chosen regional factor.
    """
    a = EnterpriseActivity("a", grid_electricity_mwh=10.0, heat_bought_mwh=100.0, heat_factor_t_per_mwh=0.3)
    b = EnterpriseActivity("b", heat_bought_mwh=100.0, heat_factor_t_per_mwh=0.5)
    park = ParkActivity((a, b), ccus_utilised_t=5.0, sinks_t=6.0, offsets_t=7.0)
    opt = AccountingOptions(location_basis="regional", location_area="inner_mongolia")
    loc, _ = ghg_park_accounts(park, BOOK, opt)
    heat = loc.line("heat:bought")
    assert (heat.activity, heat.factor, heat.co2_t) == pytest.approx((200.0, 0.4, 80.0))
    assert loc.line("electricity:grid").factor == pytest.approx(0.6361)
    assert {ln.item: ln.activity for ln in loc.lines if ln.kind == "deduction"} == {
        "deduction:ccus_utilised": 5.0, "deduction:sinks": 6.0, "deduction:offsets": 7.0}
