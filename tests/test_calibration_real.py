"""Calibration against real meters from ../shared/data (skipped where that folder is absent).

Short versions of the worked examples of docs/calibration.md (fewer free fields, smaller
evaluation budgets); calibration/examples/run_all.py runs the full ones.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT

from calibration.examples.pv.prepare import prepare
from calibration.fit import calibrate
from calibration.spec import load_spec, spec_from_dict
from calibration.weather import build_weather
from twin.scenario.load import load_scenario

EXAMPLES = ROOT / "calibration" / "examples"


def _spec(path: Path, weather: Path, **changes):
    """An example spec with its weather file set and some keys changed."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc.update(changes)
    spec = spec_from_dict(doc, str(path), path.parent)
    return replace(spec, weather=replace(spec.weather, path=weather))


def _stats(result, meter: str, period: str, interval: str) -> dict:
    return result.metrics["meters"][meter][period][interval]["after"]


def test_bedford_weather_is_the_measured_year(shared_data):
    folder = shared_data / "meters" / "cambridge"
    spec = _spec(EXAMPLES / "cambridge" / "spec_b2.yaml",
                 folder / "metoffice_bedford_weather_2019.csv").weather
    site = load_scenario(EXAMPLES / "cambridge" / "scenario.yaml").site
    wx = build_weather(spec, site, 2019)
    raw = pd.read_csv(folder / "metoffice_bedford_weather_2019.csv")
    # label: end - each value covers the hour before its stamp, so the year's last hour
    # (31 Dec 23:00-24:00 GMT, reported at 1 January 2020 00:00) is interpolated
    assert len(wx) == 8760 and wx.attrs["interpolated_hours"] == 1
    assert (wx["temp_air_c"].to_numpy()[:-1] == raw["air_temperature [degC]"].to_numpy()[1:]).all()
    ghi = wx["ghi_w_m2"].sum()  # the measured global irradiance, split into beam and diffuse
    assert ghi == pytest.approx(raw["glbl_irad_amt [W/m2]"].clip(lower=0).sum(), rel=0.02)


def test_cambridge_b2_electricity_validates_hourly(shared_data):
    folder = shared_data / "meters" / "cambridge"
    free = {f"enterprises[b2].{k}": v for k, v in {
        "demand.electricity_mwh": None, "base_load_frac": None,
        "calendar.weekend_load_frac": None, "calendar.holiday_load_frac": None,
        "shift_hours.start": [8, 10], "shift_hours.end": [19, 21]}.items()}
    spec = _spec(EXAMPLES / "cambridge" / "spec_split_b2.yaml",
                 folder / "metoffice_bedford_weather_2019.csv", free=free, meters=["b2_el"],
                 fit={"max_evals": 150})
    result = calibrate(EXAMPLES / "cambridge" / "scenario_split.yaml", folder,
                       EXAMPLES / "cambridge" / "map_b2.yaml", spec)
    hourly = _stats(result, "b2_el", "validation", "hourly")
    assert hourly["cv_rmse"] <= 0.30 and abs(hourly["nmbe"]) <= 0.10, hourly
    monthly = _stats(result, "b2_el", "validation", "monthly")
    assert monthly["standards"]["ashrae14"]["pass"], monthly
    before = result.metrics["meters"]["b2_el"]["validation"]["hourly"]["before"]
    assert before["cv_rmse"] > 0.4  # the office sector's default shape is far off


def test_yangzhong_steady_enterprise_validates_daily(shared_data):
    folder = shared_data / "meters" / "yangzhong"
    path = EXAMPLES / "yangzhong" / "spec_e1416.yaml"  # run for e1070, a steady firm
    doc = yaml.safe_load(path.read_text(encoding="utf-8").replace("e1416", "e1070"))
    doc["fit"]["max_evals"] = 150
    spec = spec_from_dict(doc, str(path), path.parent)
    spec = replace(spec, weather=replace(spec.weather,
                                         path=folder / "yangzhong_daily_weather_2015.csv"))
    result = calibrate(EXAMPLES / "yangzhong" / "scenario.yaml",
                       folder / "yangzhong_enterprise_daily_kwh_2015.csv.gz",
                       EXAMPLES / "yangzhong" / "map.yaml", spec)
    daily = _stats(result, "e1070", "validation", "daily")
    assert daily["cv_rmse"] <= 0.30 and abs(daily["nmbe"]) <= 0.10, daily
    assert result.metrics["cleaning"]["meters"]["e1070"]["outliers"] >= 1  # 1-kWh days


def test_pv_plant_monthly_energy_after_fitting_the_derate(shared_data, tmp_path):
    source = shared_data / "pv" / "sgcc_site1_50mw_15min_2019.csv.gz"
    meters = prepare(source, tmp_path / "pv_energy.csv")
    spec = load_spec(EXAMPLES / "pv" / "spec.yaml")
    spec = replace(spec, weather=replace(spec.weather, path=source))
    result = calibrate(EXAMPLES / "pv" / "scenario.yaml", meters, EXAMPLES / "pv" / "map.yaml",
                       spec)
    assert result.converged
    assert 0.1 < result.fitted["assets[pv_plant].losses_frac"] < 0.3
    for period in ("calibration", "validation"):
        monthly = _stats(result, "pv_plant", period, "monthly")
        assert monthly["n"] >= 3 and monthly["standards"]["ashrae14"]["pass"], monthly


def test_yangzhong_capacity_change_validates_daily(shared_data):
    """e1124 fell by 40 % from 2 September: with the dated change it validates (without: -20 %)."""
    folder = shared_data / "meters" / "yangzhong"
    path = EXAMPLES / "yangzhong" / "spec_e1416.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8").replace("e1416", "e1124"))
    doc["free"].update(yaml.safe_load((EXAMPLES / "yangzhong" / "spec_extra.yaml").read_text())["e1124"])
    doc["fit"]["max_evals"] = 200
    spec = spec_from_dict(doc, str(path), path.parent)
    spec = replace(spec, weather=replace(spec.weather,
                                         path=folder / "yangzhong_daily_weather_2015.csv"))
    result = calibrate(EXAMPLES / "yangzhong" / "scenario.yaml",
                       folder / "yangzhong_enterprise_daily_kwh_2015.csv.gz",
                       EXAMPLES / "yangzhong" / "map.yaml", spec)
    size = result.fitted["enterprises[e1124].calendar.capacity_changes.0.capacity_frac"]
    assert 0.45 < size < 0.75  # the meter's September-October level against January-August
    daily = _stats(result, "e1124", "validation", "daily")
    assert daily["cv_rmse"] <= 0.30 and abs(daily["nmbe"]) <= 0.10, daily


def test_cambridge_b19_gas_with_timer_and_felt_temperature(shared_data):
    """b19's heating: timer hours, thermal lag and solar gains fitted; gas validates hourly."""
    folder = shared_data / "meters" / "cambridge"
    path = EXAMPLES / "cambridge" / "spec_split_b19.yaml"
    free = {k: v for k, v in yaml.safe_load(path.read_text(encoding="utf-8"))["free"].items()
            if k.startswith("enterprises[b19_heating]")}  # the example's heating fields
    spec = _spec(path, folder / "metoffice_bedford_weather_2019.csv", free=free,
                 meters=["b19_gas"], fit={"max_evals": 400})
    result = calibrate(EXAMPLES / "cambridge" / "scenario_split.yaml", folder,
                       EXAMPLES / "cambridge" / "map_b19.yaml", spec)
    assert result.fitted["enterprises[b19_heating].temperature.thermal_time_constant_h"] > 1.0
    hourly = _stats(result, "b19_gas", "validation", "hourly")
    assert hourly["cv_rmse"] <= 0.30 and abs(hourly["nmbe"]) <= 0.10, hourly
    monthly = _stats(result, "b19_gas", "validation", "monthly")
    assert monthly["cv_rmse"] <= 0.15 and abs(monthly["nmbe"]) <= 0.05, monthly


def test_default_learns_b19_and_meets_guideline_14(shared_data):
    """No free fields: both meters' models learned from January-September (a tuning
    building); October-December meets Guideline 14 hourly and monthly (the seconds it
    takes are a benchmark figure: scripts/bench_opendsm.py)."""
    folder = shared_data / "meters" / "cambridge"
    spec = _spec(EXAMPLES / "cambridge" / "spec_b19.yaml", folder / "metoffice_bedford_weather_2019.csv")
    spec = replace(spec, free={})
    result = calibrate(EXAMPLES / "cambridge" / "scenario.yaml", folder,
                       EXAMPLES / "cambridge" / "map_b19.yaml", spec)
    models = result.summary["models"]
    assert models["b19_gas"]["model"] == "3P heating" and models["b19_el"]["model"] != "mean only"
    for meter in ("b19_el", "b19_gas"):
        for interval in ("hourly", "monthly"):
            stats = _stats(result, meter, "validation", interval)
            assert stats["standards"]["ashrae14"]["pass"], (meter, interval, stats)


def test_worked_examples_say_where_their_data_comes_from_when_it_is_absent(tmp_path, capsys):
    """Without the real data, the worked examples print one line per group and exit 2, no traceback."""
    from calibration.examples.run_all import main

    assert main(["pv", "yangzhong", "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert "Sci. Data 9, 577" in err[0] and "Tianchi" in err[1]
