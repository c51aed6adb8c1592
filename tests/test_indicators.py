"""Park indicators (发改环资〔2025〕910号) and R-ACES scores against hand calculations."""

from __future__ import annotations

import csv
import dataclasses

import pytest
from conftest import ROOT

from twin.accounts.indicators import (
    ProductEnergy,
    ResourceActivity,
    clean_energy_share,
    core_indicator,
    direct_green_share,
    energy_consumption,
    indicator_co2_t,
    product_energy_indicator,
    races_assessment,
    races_score,
    resource_indicators,
    threshold,
)
from twin.accounts.inputs import AccountingOptions, EnterpriseActivity, ParkActivity
from twin.accounts.methods import national_account
from twin.catalog.factors import FactorBook
from twin.errors import InputError

BOOK = FactorBook(2023)
FIRM = EnterpriseActivity("firm", fuel_use={"coal": 1000.0, "natural_gas": 1e6},
                          grid_electricity_mwh=10_000.0, inpark_renewable_mwh=2_000.0,
                          certificates_mwh=3_000.0)
PARK = ParkActivity((FIRM,), ccus_stored_t=500.0, offsets_t=100.0)
ENERGY_TCE = 1000 * 0.7143 + 1e6 * 0.00133 + 12_000 * 0.1229  # coal + gas + electricity


@pytest.mark.parametrize(("energy_tce", "expected"), [
    (199_999, None), (200_000, 0.2), (999_999, 0.2), (1_000_000, 0.3), (5e6, 0.3)])
def test_core_threshold_switches_with_park_size(energy_tce, expected):
    res = core_indicator(0.1 * energy_tce, energy_tce)
    assert res.threshold == expected
    assert res.value == pytest.approx(0.1)
    assert res.passed is (None if expected is None else True)
    if expected is None:
        assert res.note == "threshold not set"


def test_core_fails_above_threshold_and_reports_inputs():
    res = core_indicator(100_000.0, 300_000.0)
    assert res.passed is False and res.value == pytest.approx(1 / 3)
    assert res.inputs == {"co2_t": 100_000.0, "energy_tce": 300_000.0}
    assert core_indicator(1.0, 0.0).value is None


def test_threshold_override():
    assert core_indicator(1.0, 100.0, overrides={"carbon_per_energy": 0.05}).passed is True
    assert threshold("clean_energy_share", overrides={"clean_energy_share": 0.8}).value == 0.8
    with pytest.raises(InputError, match="happiness"):
        threshold("happiness")


def test_energy_consumption_equivalent_and_equal_value():
    assert energy_consumption(PARK, BOOK).total_tce == pytest.approx(ENERGY_TCE)
    equal = energy_consumption(PARK, BOOK, "equal_value").total_tce
    assert equal == pytest.approx(1000 * 0.7143 + 1e6 * 0.00133 + 12_000 * 0.30)
    exporting = dataclasses.replace(PARK, exported_fuel_fired_mwh=1_000.0)
    assert energy_consumption(exporting, BOOK).total_tce == pytest.approx(ENERGY_TCE - 122.9)


def test_core_indicator_on_the_national_account():
    acc = national_account(PARK, BOOK)
    co2 = indicator_co2_t(acc)  # gross - CCUS stored; offsets do not count
    assert co2 == pytest.approx(acc.gross_co2_t - 500)
    res = core_indicator(co2, energy_consumption(PARK, BOOK).total_tce)
    assert res.value == pytest.approx(co2 / ENERGY_TCE)
    assert res.passed is None  # a 3,500 tce park has no threshold


def test_clean_energy_share():
    res = clean_energy_share(PARK, energy_consumption(PARK, BOOK), BOOK)
    assert res.value == pytest.approx((2_000 + 3_000) * 0.1229 / ENERGY_TCE)
    assert res.threshold == 0.9 and res.passed is False
    strict = clean_energy_share(PARK, energy_consumption(PARK, BOOK), BOOK,
                                AccountingOptions(certificates="not_recognised"), gas_is_clean=True)
    assert strict.value == pytest.approx((2_000 * 0.1229 + 1330) / ENERGY_TCE)


def test_direct_green_share():
    res = direct_green_share(PARK)
    assert res.value == pytest.approx(2_000 / 12_000)
    assert res.passed is False


def test_resource_indicators():
    r = ResourceActivity(solid_waste_generated_t=900, solid_waste_utilised_t=850,
                         solid_waste_legacy_t=100, waste_heat_available_mwh=1_000,
                         waste_heat_recovered_mwh=400, water_fresh_m3=100, water_repeated_m3=900,
                         products=(ProductEnergy("clinker", 110.0, 1_000.0, 0.105),))
    waste, heat, water, product = resource_indicators(r)
    assert (waste.value, waste.passed) == (pytest.approx(0.85), True)
    assert (heat.value, heat.passed) == (pytest.approx(0.4), False)
    assert (water.value, water.passed) == (pytest.approx(0.9), True)
    assert product.value == pytest.approx(0.110 / 0.105) and product.passed is False


def test_missing_data_gives_none():
    results = resource_indicators(ResourceActivity())
    assert all(r.value is None and r.passed is None for r in results)
    assert all(r.note == "no data" for r in results)


@pytest.mark.parametrize(("supply", "demand", "score"), [
    (100.0, 50.0, 0.5),          # surplus: max x demand / supply
    (50.0, 100.0, 0.5 * 0.75),   # shortage: max x supply / demand x 0.75
    (80.0, 80.0, 1.0),
    (0.0, 10.0, 0.0),
    (10.0, 0.0, 0.0),
])
def test_races_score(supply, demand, score):
    assert races_score(supply, demand) == pytest.approx(score)
    assert races_score(supply, demand, max_score=10.0) == pytest.approx(10 * score)


def test_races_assessment_per_carrier():
    scores = races_assessment({"electricity": (100, 50), "heat": (50, 100), "cooling": (0, 0)})
    assert scores == {"electricity": pytest.approx(0.5), "heat": pytest.approx(0.375),
                      "cooling": None}


# The numbers behind each indicator are shown in the panel: they are asserted whole here
# (mutation testing found them unchecked; docs/testing.md).
FIRM2 = EnterpriseActivity("firm2", fuel_use={"coal": 500.0, "biomass": 200.0}, grid_electricity_mwh=4_000.0,
                           direct_green_mwh=1_000.0, green_trade_mwh=1_500.0, certificates_mwh=5_000.0,
                           heat_bought_mwh=800.0)
TWO = ParkActivity((FIRM, FIRM2))


def test_energy_lines_of_two_firms():
    lines = energy_consumption(TWO, BOOK).lines_tce
    assert lines["fuel:coal"] == pytest.approx(1_500 * 0.7143)  # both firms' coal on one line
    assert lines["fuel:biomass"] == pytest.approx(200 * 0.5459)
    assert lines["heat:bought"] == pytest.approx(800 * 0.12283)
    assert lines["electricity:direct_green"] == pytest.approx(1_000 * 0.1229)


@pytest.mark.parametrize(("basis", "el"), [("equivalent", 0.1229), ("equal_value", 0.3000)])
def test_clean_energy_share_inputs(basis, el):
    energy = energy_consumption(TWO, BOOK, basis)
    res = clean_energy_share(TWO, energy, BOOK, gas_is_clean=True)
    # grid 14,000 MWh; trades 1,500 first, then certificates 8,000 of the 12,500 left
    want = {"inpark_renewable_tce": 2_000 * el, "direct_green_tce": 1_000 * el, "green_trade_tce": 1_500 * el,
            "certificates_tce": 8_000 * el, "biomass_tce": 200 * 0.5459, "natural_gas_tce": 1e6 * 0.00133,
            "energy_tce": energy.total_tce}
    assert res.inputs == pytest.approx(want) and res.inputs.keys() == want.keys()
    assert res.value == pytest.approx((sum(want.values()) - energy.total_tce) / energy.total_tce)
    not_counted = clean_energy_share(TWO, energy, BOOK, AccountingOptions(green_trade="not_recognised"))
    assert not_counted.inputs["green_trade_tce"] == 0 and not_counted.inputs["natural_gas_tce"] == 0


def test_direct_green_share_inputs():
    res = direct_green_share(TWO)
    assert res.inputs == {"green_mwh": 3_000.0, "electricity_mwh": 17_000.0}
    assert res.value == pytest.approx(3_000 / 17_000)


def test_resource_indicator_inputs_and_overrides():
    r = ResourceActivity(solid_waste_generated_t=900, solid_waste_utilised_t=850, solid_waste_legacy_t=100,
                         waste_heat_available_mwh=1_000, waste_heat_recovered_mwh=400, water_fresh_m3=100,
                         water_repeated_m3=900)
    waste, heat, water, _ = resource_indicators(r, overrides={"solid_waste_utilisation": 0.9})
    assert waste.inputs == {"utilised_t": 850, "generated_plus_legacy_t": 1_000}
    assert (waste.threshold, waste.passed) == (0.9, False)  # the override reaches the ratio
    assert heat.inputs == {"recovered_mwh": 400, "available_mwh": 1_000}
    assert water.inputs == {"repeated_m3": 900, "fresh_plus_repeated_m3": 1_000}
    assert waste.to_dict()["inputs"] == dict(waste.inputs) and waste.to_dict()["key"] == "solid_waste_utilisation"


def test_core_indicator_inputs_override_and_file():
    res = core_indicator(60_000.0, 300_000.0, overrides={"carbon_per_energy": 0.25})
    assert res.inputs == {"co2_t": 60_000.0, "energy_tce": 300_000.0}
    assert (res.value, res.threshold, res.passed) == (0.2, 0.25, True)
    assert core_indicator(1.0, 0.0).value is None
    with pytest.raises(InputError, match="park.yaml"):
        threshold("no_such_indicator", file="park.yaml")


# Round 3 of mutation testing: what the panel and the error show, the edges of each branch.
def _csv_rows() -> list[dict]:
    """The thresholds file read with the csv module, independently of the twin's reader."""
    with (ROOT / "twin" / "data" / "indicator_thresholds.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_unknown_indicator_error_names_file_field_id_and_the_known_keys():
    with pytest.raises(InputError) as err:
        threshold("happiness", file="park.yaml")
    (problem,) = err.value.problems
    known = ", ".join(dict.fromkeys(row["key"] for row in _csv_rows()))
    assert (problem.file, problem.field, problem.id) == ("park.yaml", "indicators.thresholds", "happiness")
    assert problem.message == f"unknown indicator 'happiness'; known: {known}"


@pytest.mark.parametrize("row", _csv_rows(), ids=lambda row: f"{row['key']}-{row['size_min_tce']}")
def test_threshold_carries_the_row_of_the_file(row):
    energy = float(row["size_min_tce"]) if row["size_min_tce"] else None
    th = threshold(row["key"], energy)
    value = float(row["threshold"]) if row["threshold"] else None
    assert (th.key, th.name_zh, th.comparison, th.value, th.unit, th.source) == (
        row["key"], row["name_zh"], row["comparison"], value, row["unit"], row["source"])


def test_an_override_says_so_and_keeps_the_name_and_unit():
    th = threshold("water_reuse", overrides={"water_reuse": 0.95, "other": 1.0})
    assert (th.value, th.source, th.name_zh, th.unit) == (0.95, "scenario override", "工业用水重复利用率", "frac")


def test_pass_exactly_at_the_threshold_and_fail_just_beyond():
    at = core_indicator(60_000.0, 300_000.0, overrides={"carbon_per_energy": 0.2})  # <=: 0.2 passes
    above = core_indicator(60_000.0, 300_000.0, overrides={"carbon_per_energy": 0.2 - 1e-9})
    assert (at.passed, above.passed) == (True, False)
    water = ResourceActivity(water_fresh_m3=100.0, water_repeated_m3=900.0)  # >=: 0.9 passes
    assert resource_indicators(water, {"water_reuse": 0.9})[2].passed is True
    assert resource_indicators(water, {"water_reuse": 0.9 + 1e-9})[2].passed is False


def test_core_indicator_result_carries_name_unit_and_comparison():
    res = core_indicator(50_000.0, 300_000.0)
    assert (res.key, res.name_zh, res.unit, res.comparison, res.note) == (
        "carbon_per_energy", "单位能耗碳排放", "t_co2_per_tce", "<=", "")
    d = res.to_dict()
    assert d == {"key": "carbon_per_energy", "name_zh": "单位能耗碳排放", "value": pytest.approx(1 / 6),
                 "unit": "t_co2_per_tce", "threshold": 0.2, "comparison": "<=", "passed": True,
                 "inputs": {"co2_t": 50_000.0, "energy_tce": 300_000.0}, "note": ""}
    assert type(d["inputs"]) is dict


def test_every_energy_line_by_name():
    park = dataclasses.replace(TWO, exported_fuel_fired_mwh=300.0)
    lines = energy_consumption(park, BOOK).lines_tce
    want = {"fuel:coal": 1_500 * 0.7143, "fuel:natural_gas": 1e6 * 0.00133, "fuel:biomass": 200 * 0.5459,
            "electricity:grid": 14_000 * 0.1229, "electricity:inpark_renewable": 2_000 * 0.1229,
            "electricity:direct_green": 1_000 * 0.1229, "heat:bought": 800 * 0.12283,
            "electricity:exported_fuel_fired": -300 * 0.1229}
    assert lines == pytest.approx(want) and set(lines) == set(want)


def test_certificates_beyond_the_grid_left_after_trades_count_only_up_to_it():
    firm = EnterpriseActivity("f", grid_electricity_mwh=1_000.0, green_trade_mwh=600.0, certificates_mwh=900.0)
    park = ParkActivity((firm,))
    res = clean_energy_share(park, energy_consumption(park, BOOK), BOOK)
    assert res.inputs["certificates_tce"] == pytest.approx(400 * 0.1229)  # 1,000 - 600 left for certificates
    assert res.inputs["green_trade_tce"] == pytest.approx(600 * 0.1229)
    assert res.inputs["natural_gas_tce"] == 0.0 and res.inputs["biomass_tce"] == 0.0  # no gas, no biomass
    assert res.value == pytest.approx(1.0)


def test_shares_of_a_park_that_uses_no_energy_are_none():
    park = ParkActivity((EnterpriseActivity("idle"),))
    clean = clean_energy_share(park, energy_consumption(park, BOOK), BOOK)
    assert clean.value is None and clean.passed is None and clean.inputs["energy_tce"] == 0
    green = direct_green_share(park)
    assert (green.value, green.passed, green.inputs) == (None, None, {"green_mwh": 0.0, "electricity_mwh": 0.0})


@pytest.mark.parametrize("activity", [
    ResourceActivity(solid_waste_generated_t=0.0, solid_waste_utilised_t=0.0),      # nothing generated
    ResourceActivity(solid_waste_generated_t=-5.0, solid_waste_utilised_t=1.0),     # a negative total
    ResourceActivity(solid_waste_generated_t=100.0),                                # utilised unknown
])
def test_a_ratio_without_a_positive_denominator_is_no_data(activity):
    waste = resource_indicators(activity)[0]
    assert (waste.value, waste.passed, waste.inputs, waste.note) == (None, None, {}, "no data")
    assert waste.threshold == 0.8  # the threshold is still shown


def test_water_reuse_needs_both_volumes_and_legacy_waste_counts():
    only_fresh = resource_indicators(ResourceActivity(water_fresh_m3=100.0))[2]
    assert only_fresh.value is None and only_fresh.note == "no data"
    only_repeated = resource_indicators(ResourceActivity(water_repeated_m3=100.0))[2]
    assert only_repeated.value is None
    waste = resource_indicators(ResourceActivity(solid_waste_generated_t=300.0, solid_waste_utilised_t=300.0,
                                                 solid_waste_legacy_t=100.0))[0]
    assert waste.value == pytest.approx(0.75)


def test_product_energy_skips_products_without_output_or_limit():
    products = (ProductEnergy("idle", 10.0, 0.0, 0.1), ProductEnergy("unlisted", 10.0, 100.0, 0.0),
                ProductEnergy("cement", 9.0, 100.0, 0.1), ProductEnergy("glass", 8.0, 100.0, 0.1))
    res = product_energy_indicator(products)
    assert res.inputs == {"cement_ratio": pytest.approx(0.9), "glass_ratio": pytest.approx(0.8)}
    assert (res.value, res.passed, res.key) == (pytest.approx(0.9), True, "product_energy_vs_grade2")
    none = product_energy_indicator(products[:2], overrides={"product_energy_vs_grade2": 0.5})
    assert (none.value, none.inputs, none.note, none.threshold) == (None, {}, "no data", 0.5)


def test_races_shortage_factor_is_the_files():
    factor = next(float(r["threshold"]) for r in _csv_rows() if r["key"] == "races_shortage_factor")
    assert races_score(40.0, 100.0) == pytest.approx(0.4 * factor)
    assert races_score(40.0, 100.0, 2.0) == pytest.approx(0.8 * factor)
    assert races_assessment({"heat": (40.0, 100.0)}) == {"heat": pytest.approx(0.4 * factor)}
    assert races_assessment({"heat": (40.0, 100.0)}, 3.0) == {"heat": pytest.approx(1.2 * factor)}


def test_core_indicator_of_a_park_under_one_tce():
    """A tiny but positive energy use still gives a ratio (only zero energy has none)."""
    res = core_indicator(0.1, 0.5)
    assert res.value == pytest.approx(0.2) and res.inputs == {"co2_t": 0.1, "energy_tce": 0.5}


def test_resource_indicators_pass_the_overrides_on_to_product_energy():
    r = ResourceActivity(products=(ProductEnergy("cement", 9.0, 100.0, 0.1),))  # 0.09 / 0.1 = 0.9
    product = resource_indicators(r, overrides={"product_energy_vs_grade2": 0.8})[3]
    assert (product.value, product.threshold, product.passed) == (pytest.approx(0.9), 0.8, False)


# Round 4 of mutation testing (unchecked mutants screened by hand): a caller may ask for the
# core indicator's name and unit without a park size, and the 1e-12 tolerance is inclusive.
def test_core_threshold_without_a_size_still_names_the_indicator():
    """Without a size no band is picked, but the name, unit and comparison (the same in every band) are known."""
    th = threshold("carbon_per_energy")
    assert (th.key, th.name_zh, th.comparison, th.unit) == ("carbon_per_energy", "单位能耗碳排放", "<=",
                                                            "t_co2_per_tce")


def test_a_value_within_the_rounding_tolerance_of_the_threshold_passes():
    # The tolerance absorbs float noise in the ratio: a value exactly 1e-12 beyond still passes.
    limit = 0.5
    just_above = limit + 1e-12
    assert core_indicator(just_above, 1.0, overrides={"carbon_per_energy": limit}).passed is True
    just_below = 0.9 - 1e-12  # '>=' indicators: 1e-12 short of the threshold still passes
    waste = ResourceActivity(solid_waste_generated_t=1.0, solid_waste_utilised_t=just_below)
    assert resource_indicators(waste, {"solid_waste_utilisation": 0.9})[0].passed is True


def test_shares_of_a_tiny_park_are_ratios_and_gas_counts_only_if_burned():
    """Only zero is 'no data': a park using under 1 tce or 1 MWh still gets its shares."""
    firm = EnterpriseActivity("tiny", grid_electricity_mwh=0.3, inpark_renewable_mwh=0.2)  # 0.5 MWh = 0.06 tce
    park = ParkActivity((firm,))
    clean = clean_energy_share(park, energy_consumption(park, BOOK), BOOK, gas_is_clean=True)
    assert clean.value == pytest.approx(0.2 / 0.5)
    assert clean.inputs["natural_gas_tce"] == 0.0  # gas counted as clean, but none is burned
    assert direct_green_share(park).value == pytest.approx(0.2 / 0.5)
    waste = ResourceActivity(solid_waste_generated_t=0.5, solid_waste_utilised_t=0.4)
    assert resource_indicators(waste)[0].value == pytest.approx(0.8)


def test_every_resource_ratio_takes_its_scenario_override():
    r = ResourceActivity(solid_waste_generated_t=100.0, solid_waste_utilised_t=50.0, waste_heat_available_mwh=100.0,
                         waste_heat_recovered_mwh=50.0, water_fresh_m3=50.0, water_repeated_m3=50.0)
    keys = ("solid_waste_utilisation", "waste_heat_utilisation", "water_reuse")
    results = resource_indicators(r, overrides=dict.fromkeys(keys, 0.4))
    # each ratio is 0.5; the overridden threshold 0.4 reaches every one of them
    assert [(x.key, x.value, x.threshold, x.passed) for x in results[:3]] == [(k, 0.5, 0.4, True) for k in keys]


def test_races_score_of_flows_under_one_mwh():
    assert races_score(0.5, 0.25) == pytest.approx(0.5)  # only (0, 0) has no score
