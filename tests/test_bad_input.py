"""Bad input: one clear line per problem (file, field, id), exit code 2, nothing written."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, mini_dict

from twin.cli import main


def fails(capsys, argv: list[str]) -> list[str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines
    return lines


def test_malformed_yaml(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nsite: [unclosed\n", encoding="utf-8")
    (line,) = fails(capsys, ["validate", str(path)])
    assert str(path) in line and "malformed YAML" in line and "line" in line


def test_unknown_key_names_field_and_id(write_scenario, capsys):
    data = mini_dict()
    data["assets"][0]["p_max_kw"] = 3
    (line,) = fails(capsys, ["validate", str(write_scenario(data))])
    assert "assets[gas_boiler].p_max_kw" in line and "unknown key" in line and "gas_boiler" in line


@pytest.mark.parametrize("value", [-1, 0])
def test_negative_or_zero_capacity(write_scenario, capsys, value):
    data = mini_dict()
    data["assets"][3]["p_max_mw"] = value
    (line,) = fails(capsys, ["validate", str(write_scenario(data))])
    assert "assets[battery].p_max_mw" in line and "greater than 0" in line


def test_missing_capacity(write_scenario, capsys):
    data = mini_dict()
    del data["assets"][2]["p_dc_mw"]
    (line,) = fails(capsys, ["validate", str(write_scenario(data))])
    assert "assets[pv_roof].p_dc_mw" in line and "missing" in line


def test_unknown_bus_and_owner(write_scenario, capsys):
    data = mini_dict()
    data["assets"][0]["bus"] = "steam_hp"
    data["assets"][2]["owner"] = "nobody"
    lines = fails(capsys, ["validate", str(write_scenario(data))])
    assert any("assets[gas_boiler].bus" in x and "unknown bus 'steam_hp'" in x for x in lines)
    assert any("assets[pv_roof].owner" in x and "unknown owner 'nobody'" in x for x in lines)


def test_bus_of_the_wrong_carrier(write_scenario, capsys):
    data = mini_dict()
    data["assets"][0]["bus"] = "el"
    (line,) = fails(capsys, ["validate", str(write_scenario(data))])
    assert "carries electricity, expected heat" in line


def test_duplicate_ids(write_scenario, capsys):
    data = mini_dict()
    data["assets"][1]["id"] = "gas_boiler"
    lines = fails(capsys, ["validate", str(write_scenario(data))])
    assert any("duplicate id 'gas_boiler'" in x for x in lines)


def test_extends_cycle(write_scenario, capsys):
    write_scenario({"extends": "b.yaml", "name": "a"}, "a.yaml")
    b = write_scenario({"extends": "a.yaml", "name": "b"}, "b.yaml")
    (line,) = fails(capsys, ["validate", str(b)])
    assert "extends cycle" in line


def test_extends_outside_folder_refused(write_scenario, capsys):
    path = write_scenario({"extends": "../elsewhere.yaml", "name": "a"})
    (line,) = fails(capsys, ["validate", str(path)])
    assert "outside the scenario folder" in line


def weather_csv(path, hours=8760, drop=None, nan=False):
    idx = pd.date_range("2025-01-01", periods=hours, freq="h")
    ghi = np.clip(800 * np.sin(np.pi * (idx.hour.to_numpy() - 6) / 12), 0, None)
    frame = pd.DataFrame({"timestamp": idx, "ghi_w_m2": ghi, "dni_w_m2": ghi * 0.7,
                          "dhi_w_m2": ghi * 0.3, "temp_air_c": 20.0, "wind_speed_m_s": 3.0})
    if drop:
        frame = frame.drop(columns=[drop])
    if nan:
        frame.loc[100, "temp_air_c"] = np.nan
    frame.to_csv(path, index=False)


@pytest.mark.parametrize("case,expect", [
    ("missing", "not found"), ("short", "8760"), ("nan", "NaN"), ("columns", "temp_air_c"),
])
def test_bad_weather_file(write_scenario, tmp_path, capsys, case, expect):
    path = tmp_path / "wx.csv"
    if case != "missing":
        weather_csv(path, hours=100 if case == "short" else 8760, nan=case == "nan",
                    drop="temp_air_c" if case == "columns" else None)
    data = mini_dict()
    data["site"]["weather"] = {"source": "csv", "path": "wx.csv"}
    out = tmp_path / "out"
    lines = fails(capsys, ["run", str(write_scenario(data)), "--out", str(out)])
    assert any(expect in x for x in lines), lines
    assert not out.exists()


def test_good_weather_csv_runs(write_scenario, tmp_path, capsys):
    weather_csv(tmp_path / "wx.csv")
    data = mini_dict()
    data["site"]["weather"] = {"source": "csv", "path": "wx.csv"}
    assert main(["run", str(write_scenario(data)), "--json"]) == 0


def test_profile_of_the_wrong_length(write_scenario, tmp_path, capsys):
    pd.DataFrame({"shape": np.ones(100)}).to_csv(tmp_path / "shape.csv", index=False)
    data = mini_dict()
    data["enterprises"][0]["profile"] = "shape.csv"
    (line,) = fails(capsys, ["run", str(write_scenario(data))])
    assert "enterprises[textile_a].profile" in line and "expected 8760" in line and "textile_a" in line


def test_several_files_report_all_problems(write_scenario, capsys):
    a = mini_dict()
    a["seed"] = -1
    b = mini_dict()
    b["grid"]["import_max_mw"] = -5
    lines = fails(capsys, ["validate", str(write_scenario(a, "a.yaml")), str(write_scenario(b, "b.yaml"))])
    assert any("a.yaml: seed" in x for x in lines) and any("b.yaml: grid.import_max_mw" in x for x in lines)


def test_weather_path_may_not_escape_the_scenario_folder(write_scenario, tmp_path, capsys):
    outside = tmp_path.parent / "wx_outside.csv"
    weather_csv(outside)
    data = mini_dict()
    data["site"]["weather"] = {"source": "csv", "path": "../wx_outside.csv"}
    (line,) = fails(capsys, ["run", str(write_scenario(data))])
    assert "site.weather.path" in line and "outside the scenario folder" in line


def test_weather_on_the_command_line_may_lie_elsewhere(tmp_path, capsys):
    outside = tmp_path / "wx.csv"
    weather_csv(outside)
    assert main(["run", str(SCENARIOS / "mini.yaml"), "--weather", str(outside), "--json"]) == 0


def _cast_scenario(**parts) -> dict:
    data = mini_dict()
    data["buses"] = [{"id": "el", "carrier": "electricity"}, {"id": "heat", "carrier": "heat"},
                     {"id": "flue", "carrier": "co2"}, {"id": "co2", "carrier": "co2"},
                     {"id": "water", "carrier": "water"}]
    for key, value in parts.items():
        data[key] = data.get(key, []) + value
    return data


@pytest.mark.parametrize("parts,expect", [
    ({"assets": [{"id": "pipe", "type": "link", "from_bus": "heat", "to_bus": "water", "capacity": 5}]},
     "assets[pipe].to_bus (id pipe): link between buses of different carriers (heat -> water)"),
    ({"assets": [{"id": "gb2", "type": "converter", "preset": "gas_boiler", "capacity": 5, "efficiency_frac": 0.9,
                  "coefficients": {"fuel": -50.0}}]},
     "assets[gb2].coefficients.fuel (id gb2): -50.0 does not match efficiency_frac 0.9"),
    ({"assets": [{"id": "cc", "type": "converter", "preset": "ccus_amine", "capacity": 5,
                  "buses": {"flue": "flue", "captured": "co2", "steam": "heat"}}]},
     "assets[cc].buses (id cc): capture unit draws from 'flue', a CO2 stream nothing emits into"),
    ({"fleets": [{"id": "evs", "vehicle": "bev_truck", "count": 3, "distance_km": 50, "trips_per_day": 4}]},
     "fleets[evs].depot_bus (id evs): a bev_truck fleet needs a depot"),
    ({"assets": [{"id": "gb3", "type": "boiler", "fuel": "coal", "p_th_max_mw": 3, "efficiency_frac": 0.8, "mtbf_h": -10}]},
     "assets[gb3].mtbf_h (id gb3): Input should be greater than 0"),
])
def test_bad_cast_input(write_scenario, capsys, parts, expect):
    lines = fails(capsys, ["validate", str(write_scenario(_cast_scenario(**parts)))])
    assert any(expect in line for line in lines), lines


@pytest.mark.parametrize("change,expect", [
    (lambda d: d["site"]["weather"].update(site="atlantis"), "site.weather.site: unknown site 'atlantis'"),
    (lambda d: d["site"].update(timezone="Mars/Olympus"), "site.timezone: unknown time zone"),
    (lambda d: d["site"].update(latitude_deg=60, longitude_deg=10, weather={"source": "synthetic"}), "outside China"),
    (lambda d: d["assets"].append({"id": "wt", "type": "wind", "turbine_type": "XYZ/123", "hub_height_m": 100}),
     "assets[wt].turbine_type (id wt): unknown turbine 'XYZ/123'"),
])
def test_bad_site_and_wind(write_scenario, capsys, change, expect):
    data = mini_dict()
    change(data)
    lines = fails(capsys, ["validate", str(write_scenario(data))])
    assert any(expect in line for line in lines), lines
