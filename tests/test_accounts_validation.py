"""Validation of hand-entered accounting activity: every problem is one line naming file, field and id.

The twin's own bridge never builds negative or unknown activity, but the accounts are a public
API (notebooks, other tools): each check is exercised here with its whole message.
"""

from __future__ import annotations

import csv

import pytest
from conftest import ROOT

from twin.accounts.inputs import AccountingOptions, EnterpriseActivity, ParkActivity
from twin.accounts.methods import national_account
from twin.catalog.factors import FactorBook
from twin.errors import InputError

BOOK = FactorBook(2023, file="acts.yaml")


def _problems(park: ParkActivity, opt: AccountingOptions | None = None) -> list[tuple]:
    with pytest.raises(InputError) as err:
        national_account(park, BOOK, opt or AccountingOptions())
    return [(p.file, p.field, p.message, p.id) for p in err.value.problems]


def _known_fuels() -> str:
    """The carriers of fuels.csv, read with the csv module."""
    with (ROOT / "twin" / "data" / "fuels.csv").open(encoding="utf-8") as f:
        return ", ".join(row["carrier"] for row in csv.DictReader(f))


NON_NEGATIVE = ("process_co2_t", "grid_electricity_mwh", "inpark_renewable_mwh", "direct_green_mwh",
                "green_trade_mwh", "certificates_mwh", "heat_bought_mwh", "ccus_stored_t", "ccus_utilised_t")


@pytest.mark.parametrize("name", NON_NEGATIVE)
def test_a_negative_annual_quantity_is_named_with_its_value(name):
    firm = EnterpriseActivity("firm", **{"grid_electricity_mwh": 5.0, name: -2.5})
    want = [("acts.yaml", f"enterprises[1].{name}", "must be >= 0, got -2.5", "firm")]
    if name == "grid_electricity_mwh":  # then even no green trade is more than the grid
        want.append(("acts.yaml", "enterprises[1].green_trade_mwh",
                     "green trades (0.0 MWh) exceed grid electricity (-2.5 MWh)", "firm"))
    assert _problems(ParkActivity((EnterpriseActivity("ok"), firm))) == want


@pytest.mark.parametrize("mapping", ["fuel_use", "process_output_t", "products_t"])
def test_a_negative_entry_of_a_mapping_is_named_by_its_key(mapping):
    firm = EnterpriseActivity("firm", **{mapping: {"coal": 1.0, "natural_gas": -3.0}})
    assert _problems(ParkActivity((firm,))) == [
        ("acts.yaml", f"enterprises[0].{mapping}.natural_gas", "must be >= 0, got -3.0", "firm")]


def test_an_unknown_fuel_lists_the_known_ones():
    firm = EnterpriseActivity("firm", fuel_use={"coal": 1.0, "peat": 2.0})
    assert _problems(ParkActivity((firm,))) == [
        ("acts.yaml", "enterprises[0].fuel_use.peat", f"unknown fuel 'peat'; known: {_known_fuels()}", "firm")]


def test_green_trades_may_equal_the_grid_but_not_exceed_it():
    equal = EnterpriseActivity("firm", grid_electricity_mwh=100.0, green_trade_mwh=100.0)
    national_account(ParkActivity((equal,)), BOOK)  # no error
    rounded = EnterpriseActivity("firm", grid_electricity_mwh=100.0, green_trade_mwh=100.0 + 1e-9)
    national_account(ParkActivity((rounded,)), BOOK)  # within the 1e-9 MWh rounding allowance
    over = EnterpriseActivity("firm", grid_electricity_mwh=100.0, green_trade_mwh=100.001)
    assert _problems(ParkActivity((over,))) == [
        ("acts.yaml", "enterprises[0].green_trade_mwh",
         "green trades (100.001 MWh) exceed grid electricity (100.0 MWh)", "firm")]


@pytest.mark.parametrize(("shares", "total"), [({"x": 0.5, "y": 0.6}, "1.1"), ({"x": 1.2, "y": -0.2}, "1")])
def test_product_shares_must_be_non_negative_and_sum_to_one(shares, total):
    firm = EnterpriseActivity("firm", products_t={"x": 1.0, "y": 1.0}, product_shares=shares)
    assert _problems(ParkActivity((firm,))) == [
        ("acts.yaml", "enterprises[0].product_shares", f"shares must be >= 0 and sum to 1, got sum {total}",
         "firm")]


def test_shares_summing_to_one_within_rounding_are_accepted():
    firm = EnterpriseActivity("firm", products_t={"x": 1.0, "y": 1.0, "z": 1.0},
                              product_shares={"x": 1 / 3, "y": 1 / 3, "z": 1 / 3 + 5e-7})
    national_account(ParkActivity((firm,)), BOOK)  # 1 + 5e-7 is within the 1e-6 rounding allowance
    by_product = EnterpriseActivity("firm", products_t={"x": 1.0, "slag": 1.0}, product_shares={"x": 1.0, "slag": 0.0})
    national_account(ParkActivity((by_product,)), BOOK)  # ">= 0": a share of zero is allowed


@pytest.mark.parametrize("name", ["exported_mwh", "exported_fuel_fired_mwh", "ccus_stored_t", "ccus_utilised_t",
                                  "sinks_t", "offsets_t", "bunker_co2_t"])
def test_a_negative_park_quantity_is_named(name):
    park = ParkActivity((EnterpriseActivity("firm"),), **{name: -1.0})
    assert _problems(park) == [("acts.yaml", f"park.{name}", "must be >= 0, got -1.0", None)]


def test_every_problem_of_the_activity_is_listed_at_once():
    firm = EnterpriseActivity("firm", heat_bought_mwh=-1.0, fuel_use={"peat": 1.0})
    problems = _problems(ParkActivity((firm, firm), sinks_t=-2.0))
    assert [p[1] for p in problems] == [
        "enterprises[0].heat_bought_mwh", "enterprises[0].fuel_use.peat", "enterprises[1].id",
        "enterprises[1].heat_bought_mwh", "enterprises[1].fuel_use.peat", "park.sinks_t"]


def test_an_unknown_deduction_lists_the_known_ones():
    assert _problems(ParkActivity((EnterpriseActivity("firm"),)), AccountingOptions(deductions=("tree",))) == [
        ("acts.yaml", "accounting.deductions", "unknown deduction 'tree'; known: ccus_stored, ccus_utilised, "
         "sinks, offsets", "tree")]
