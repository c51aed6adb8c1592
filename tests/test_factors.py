"""Factor tables and look-ups: published values, overrides, and errors naming the item."""

from __future__ import annotations

import pytest

from twin.catalog.factors import (
    FactorBook,
    factor_sources,
    grid_factor,
    grid_factor_exists,
    grid_factor_t_per_mwh,
    process_factor,
    provinces,
)
from twin.errors import InputError
from twin.units import data_table


@pytest.mark.parametrize(("basis", "year", "value"), [
    ("national_average", 2021, 0.5568), ("national_average", 2023, 0.5306),
    ("national_residual", 2022, 0.5856), ("national_residual", 2023, 0.6096),
    ("national_fossil", 2021, 0.8426), ("national_fossil", 2023, 0.8273),
])
def test_national_factors_as_published(basis, year, value):
    assert grid_factor(basis, "national", year) == value


def test_regional_factor_by_grid_or_province():
    assert grid_factor("regional", "east", 2023) == 0.5500
    assert grid_factor("regional", "jiangsu", 2023) == 0.5500  # Jiangsu is in the East grid
    assert grid_factor("regional", "江苏", 2023) == 0.5500
    assert grid_factor("regional", "sichuan", 2023) == 0.2472
    assert grid_factor_exists("regional", "jiangsu", 2023)


def test_legacy_api_unchanged():
    assert grid_factor_t_per_mwh("regional", "east", 2023) == 0.5500
    assert grid_factor_t_per_mwh("national_fossil", "east", 2023) == 0.8273  # area ignored
    with pytest.raises(KeyError):
        grid_factor_t_per_mwh("regional", "east", 2019)


def test_unknown_year_names_it_and_lists_years():
    with pytest.raises(InputError) as err:
        grid_factor("national_fossil", "national", 2019, file="park.yaml")
    text = str(err.value)
    assert "park.yaml" in text and "2019" in text and "2021, 2022, 2023" in text


def test_unknown_province_names_it():
    with pytest.raises(InputError) as err:
        grid_factor("provincial", "atlantis", 2023)
    assert "atlantis" in str(err.value) and "jiangsu" in str(err.value)
    with pytest.raises(InputError, match="atlantis"):
        grid_factor("regional", "atlantis", 2023)


def test_province_without_provincial_data_points_to_regional():
    with pytest.raises(InputError, match="regional"):
        grid_factor("provincial", "jiangsu", 2023)


def test_unknown_basis():
    with pytest.raises(InputError, match="marginal"):
        grid_factor("marginal", "national", 2023)


def test_overrides_win_on_lookup():
    assert grid_factor("national_fossil", "national", 2019,
                       overrides={"grid:national_fossil": 0.8}) == 0.8
    book = FactorBook(2023, {"grid:provincial:jiangsu": 0.52, "process:cement_clinker": 0.50,
                             "fuel:coal": 2.0, "heat:default": 0.3})
    assert book.grid("provincial", "江苏") == 0.52
    assert book.process("cement_clinker") == 0.50
    assert book.fuel_co2("coal") == 2.0
    assert book.heat() == 0.3


def test_process_factors():
    assert process_factor("cement_clinker") == 0.52
    assert process_factor("steel_eaf") == 0.08
    assert process_factor("my_kiln", overrides={"process:my_kiln": 0.4}) == 0.4
    with pytest.raises(InputError) as err:
        process_factor("unobtainium_smelting")
    assert "unobtainium_smelting" in str(err.value) and "cement_clinker" in str(err.value)


def test_fuel_and_standard_coal():
    book = FactorBook()
    coal_co2 = 20.908e-3 * 26.0 * 0.94 * 44 / 12  # NCV [TJ/t] x tC/TJ x oxidation x CO2/C
    assert book.fuel_co2("coal") == pytest.approx(coal_co2)
    assert book.fuel_tce("coal") == 0.7143
    assert book.tce_per_mwh("electricity") == 0.1229
    assert book.tce_per_mwh("electricity", "equal_value") == 0.30
    with pytest.raises(InputError, match="calorific"):
        book.tce_per_mwh("electricity", "calorific")
    with pytest.raises(InputError, match="peat"):
        book.fuel_co2("peat")


def test_every_province_maps_to_a_published_region():
    regions = set(data_table("grid_factors.csv").query("basis == 'regional'")["region"])
    assert len(provinces()) == 31
    assert set(provinces()["regional_grid"]) <= regions


@pytest.mark.parametrize("name", ["grid_factors.csv", "process_factors.csv", "heat_factors.csv",
                                  "indicator_thresholds.csv", "market_prices.csv"])
def test_every_row_has_a_source_and_year(name):
    table = data_table(name)
    assert table["source"].str.len().min() > 10
    if "year" in table:
        assert table["year"].between(2000, 2030).all()


def test_factor_sources_lists_everything():
    frame = factor_sources()
    assert {"grid", "process", "heat"} == set(frame["table"])
    assert (frame["value"] >= 0).all()
