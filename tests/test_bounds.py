"""Issue 14, finding 3: work bounded by what a park can be; errors in the file's own words.

Each case once cost minutes or gigabytes (a tariff hour range of 3*10^7 took 1.2 GB, 3,180
enterprises 4.3 GB) or passed silently (10^12 MW of PV); now each is one line, exit 2, at
once. Validation errors name the field as the file does, not pydantic's internals.
"""

from __future__ import annotations

import copy
import time

import pytest
from conftest import mini_dict

from parkapp.schema_ui import field_spec
from twin.cli import main
from twin.schema.assets import PV
from twin.schema.limits import LIST_LIMITS, SUFFIX_LIMITS

TARIFF = {"name": "x", "source": "s", "year": 2024, "energy_cny_per_mwh": {"flat": 500.0},
          "seasons": [{"months": list(range(1, 13)), "hours": {"flat": [[0, 24]]}}]}


def refused(capsys, write_scenario, data: dict) -> list[str]:
    started = time.perf_counter()
    code = main(["validate", str(write_scenario(data))])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    assert time.perf_counter() - started < 5.0  # refused before any large work
    return [line for line in err.splitlines() if line.strip()]


def with_tariff(**season) -> dict:
    data = mini_dict()
    data["grid"]["tariff"] = copy.deepcopy(TARIFF)
    data["grid"]["tariff"]["seasons"][0].update(season)
    return data


def test_a_tariff_hour_beyond_24_is_one_line_at_its_field(capsys, write_scenario):
    (line,) = refused(capsys, write_scenario, with_tariff(hours={"flat": [[0, 3_000_000]]}))
    assert "grid.tariff.seasons[0].hours.flat[0][1]: Input should be less than or equal to 24" in line


def test_error_paths_carry_no_pydantic_internals(capsys, write_scenario):
    (line,) = refused(capsys, write_scenario, with_tariff(months=list(range(1, 12))))
    assert "grid.tariff: seasons must cover each month 1-12 exactly once" in line
    (line,) = refused(capsys, write_scenario, with_tariff(months=[13, *range(2, 13)]))
    assert ": grid.tariff.seasons[0].months[0]: Input should be less than or equal to 12" in line
    assert "function-after" not in line and "Tariff]" not in line


def test_pv_beyond_any_power_plant_is_refused_with_its_reason(capsys, write_scenario):
    data = mini_dict()
    pv = next(a for a in data["assets"] if a["type"] == "pv")
    pv["p_dc_mw"] = 1e12
    (line,) = refused(capsys, write_scenario, data)
    assert f"assets[{pv['id']}].p_dc_mw: 1e+12 MW is beyond what any park reaches" in line
    assert f"at most {SUFFIX_LIMITS['_mw'].most:,.0f} MW: the Three Gorges" in line


def test_thousands_of_enterprises_are_refused_before_validation(capsys, write_scenario):
    data = mini_dict()
    one = data["enterprises"][0]
    data["enterprises"] = [{**one, "id": f"e{i}"} for i in range(3180)]
    (line,) = refused(capsys, write_scenario, data)
    assert "enterprises: 3,180 items is beyond what any park reaches" in line
    assert f"at most {LIST_LIMITS['enterprises'].most:,.0f} enterprises" in line


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_non_finite_numbers_are_refused(capsys, write_scenario, value):
    data = mini_dict()
    data["grid"]["import_max_mw"] = value
    (line,) = refused(capsys, write_scenario, data)
    assert "grid.import_max_mw: " in line and "is not a finite number" in line


def test_the_app_caps_capacity_fields_at_the_same_limit():
    assert field_spec(PV, "p_dc_mw").hi == SUFFIX_LIMITS["_mw"].most
