"""Grid factors of later years: published, scaled by the national average, projected or held flat."""

from __future__ import annotations

import csv

import pytest
from conftest import ROOT, SCENARIOS

import twin
from twin.accounts.grid_path import area_is_national, factor_in_year, year_overrides
from twin.errors import InputError


def _published(basis: str, area: str) -> dict[int, float]:
    """grid_factors.csv read with the csv module: year -> factor of one basis and area."""
    with (ROOT / "twin" / "data" / "grid_factors.csv").open(encoding="utf-8") as f:
        return {int(r["year"]): float(r["t_co2_per_mwh"]) for r in csv.DictReader(f)
                if r["basis"] == basis and r["region"] == area}


def test_a_provincial_factor_follows_the_national_average_from_its_own_last_year():
    """Yunnan is published for 2022 only: 2023 = 0.1073 x 0.5306 / 0.5366 (national average 2023 / 2022)."""
    yunnan, national = _published("provincial", "yunnan"), _published("national_average", "national")
    assert list(yunnan) == [2022]
    assert factor_in_year("provincial", "yunnan", 2022) == pytest.approx(yunnan[2022])
    assert factor_in_year("provincial", "yunnan", 2023) == pytest.approx(yunnan[2022] * national[2023] / national[2022])
    assert factor_in_year("provincial", "yunnan", 2023, trajectory="flat") == pytest.approx(yunnan[2022])


def test_a_published_year_is_that_years_factor():
    national = _published("national_average", "national")
    assert [factor_in_year("national_average", "national", y) for y in national] == pytest.approx(list(national.values()))


def test_a_year_before_the_first_published_one_names_file_field_and_the_years_with_data():
    with pytest.raises(InputError) as err:
        factor_in_year("provincial", "yunnan", 2021, file="park.yaml")
    (p,) = err.value.problems
    assert (p.file, p.field, p.id) == ("park.yaml", "accounting.factor_year", "yunnan:2021")
    assert p.message == ("no provincial grid factor for yunnan in 2021; years with data: 2022 "
                         "(twin/data/grid_factors.csv), or give an override 'grid:provincial:yunnan'")


def test_a_basis_is_national_when_grid_factors_csv_gives_it_only_the_national_area():
    with (ROOT / "twin" / "data" / "grid_factors.csv").open(encoding="utf-8") as f:
        regions: dict[str, set[str]] = {}
        for r in csv.DictReader(f):
            regions.setdefault(r["basis"], set()).add(r["region"])
    assert {b: area_is_national(b) for b in regions} == {b: r == {"national"} for b, r in regions.items()}


def test_year_overrides_of_a_regional_scenario_follow_its_trajectory_and_its_own_factors():
    """archetype_green_direct accounts in Inner Mongolia; 2030 national average 0.4389 (projection CSV).

    Regional and residual follow the national average from 2023 (0.5306); the national fossil factor has its own
    projection (0.7738). ``flat`` holds the 2023 values; ``pathway.grid_factors`` of the year are added on top.
    """
    sc = twin.load_scenario(SCENARIOS / "archetype_green_direct.yaml")
    ratio = 0.4389 / 0.5306
    assert year_overrides(sc, 2030) == pytest.approx({
        "grid:national_fossil:inner_mongolia": 0.7738, "grid:regional:inner_mongolia": 0.6361 * ratio,
        "grid:national_residual:inner_mongolia": 0.6096 * ratio, "grid:national_average:inner_mongolia": 0.4389})
    flat = sc.model_copy(update={"pathway": sc.pathway.model_copy(update={
        "grid_trajectory": "flat", "grid_factors": {2030: {"grid:national_fossil": 0.7}}})})
    assert year_overrides(flat, 2030) == pytest.approx({
        "grid:national_fossil:inner_mongolia": 0.8273, "grid:regional:inner_mongolia": 0.6361,
        "grid:national_residual:inner_mongolia": 0.6096, "grid:national_average:inner_mongolia": 0.5306,
        "grid:national_fossil": 0.7})
    with pytest.raises(InputError) as err:
        year_overrides(sc, 2040)
    assert err.value.problems[0].file == sc._source  # the scenario file is named
