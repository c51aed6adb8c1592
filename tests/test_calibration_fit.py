"""Fitting a scenario to meters: field paths, spec, targets, weather, the fit, outputs, CLI.

Synthetic meters are made by the twin itself from known field values, so a fit must find
those values again; bad inputs must give one clear line each and exit code 2.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from calibration import fields
from calibration.cli import main as cli_main
from calibration.fit import calibrate
from calibration.spec import spec_from_dict
from calibration.weather import build_weather
from twin.economics.run import run
from twin.errors import InputError
from twin.scenario.load import load_scenario
from twin.scenario.merge import deep_merge
from twin.schema.scenario import Scenario, Site

TRUTH = {"enterprises[f1].demand.electricity_mwh": 1200.0,
         "enterprises[f1].base_load_frac": 0.35,
         "enterprises[f1].shift_hours.0": 7,
         "enterprises[f1].calendar.weekend_load_frac": 0.5}
FREE = {"enterprises[f1].demand.electricity_mwh": None, "enterprises[f1].base_load_frac": None,
        "enterprises[f1].shift_hours.start": [5, 9],
        "enterprises[f1].calendar.weekend_load_frac": None}
PERIODS = {"calibration": ["2025-01-01", "2025-02-28"], "validation": ["2025-03-01", "2025-03-31"]}


def scenario_dict() -> dict:
    return {"name": "fit test", "period": {"year": 2025},
            "site": {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.62,
                     "timezone": "Asia/Shanghai", "weather": {"source": "synthetic",
                                                              "site": "suzhou"}},
            "grid": {"import_max_mw": 50}, "buses": [{"id": "el", "carrier": "electricity"}],
            "enterprises": [{"id": "f1", "sector": "machinery", "heat_bus": None,
                             "demand": {"electricity_mwh": 1000.0}}]}


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    """Scenario, mapping and hourly meters (kWh) simulated from TRUTH for Jan-Mar 2025."""
    folder = tmp_path_factory.mktemp("fit")
    scen = folder / "scenario.yaml"
    scen.write_text(yaml.safe_dump(scenario_dict()), encoding="utf-8")
    truth = fields.apply_values(load_scenario(scen).model_dump(mode="json"), TRUTH)
    truth["period"] = {"year": 2025, "start": "2025-01-01", "days": 90}
    truth_path = folder / "truth.yaml"
    truth_path.write_text(yaml.safe_dump(truth), encoding="utf-8")
    flows = run(load_scenario(truth_path)).flows_frame()
    meters = pd.DataFrame({"timestamp": flows.index.strftime("%Y-%m-%d %H:%M"),
                           "meter": "f1_el", "value": -flows["f1@el"].to_numpy() * 1000})
    meters.to_csv(folder / "meters.csv", index=False)
    mapping = {"timezone": "Asia/Shanghai", "meters": {
        "f1_el": {"target": "enterprise.f1.electricity", "unit": "kWh"}}}
    (folder / "map.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    spec = {"free": FREE, "periods": PERIODS, "fit": {"max_evals": 300}}
    (folder / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def result(case):
    return calibrate(case / "scenario.yaml", case / "meters.csv", case / "map.yaml",
                     case / "spec.yaml")


# ---------------------------------------------------------------- field paths and spec


def test_field_paths_defaults_and_overlay():
    raw = Scenario.model_validate(scenario_dict()).model_dump(mode="json")
    assert fields.canonical("enterprises[f1].shift_hours.end") == "enterprises[f1].shift_hours.1"
    assert fields.get_value(raw, "enterprises[f1].base_load_frac") == 0.2  # machinery default
    assert fields.get_value(raw, "enterprises[f1].shift_hours.1") == 22  # 2x8: 06-22
    assert fields.default_bounds("enterprises[f1].demand.electricity_mwh", 1000) == (
        100.0, 10000.0, False)
    assert fields.is_integer("enterprises[f1].calendar.spring_festival_days_after")
    new = fields.apply_values(raw, {"enterprises[f1].shift_hours.0": 6.6,
                                    "enterprises[f1].temperature.cooling_frac_per_k": 0.02})
    assert new["enterprises"][0]["shift_hours"] == [7, 22]
    assert raw["enterprises"][0].get("shift_hours") is None  # the input is not changed
    over = fields.overlay(new, ["enterprises[f1].shift_hours.0"])
    assert over == {"enterprises": [{"id": "f1", "shift_hours": [7, 22]}]}
    with pytest.raises(ValueError, match="not a field path"):
        fields.parse_path("f1.base_load_frac")
    with pytest.raises(KeyError, match="no enterprise with id 'zz'"):
        fields.get_value(raw, "enterprises[zz].base_load_frac")
    with pytest.raises(ValueError, match="no default bounds"):
        fields.default_bounds("enterprises[f1].demand.water_m3", 1.0)


def test_heating_timer_and_capacity_change_paths():
    data = scenario_dict()
    data["enterprises"][0]["calendar"] = {"capacity_changes": [{"date": "2025-07-01", "capacity_frac": 0.8}]}
    raw = Scenario.model_validate(data).model_dump(mode="json")
    timer_end = "enterprises[f1].temperature.space_heat_hours.end"
    size = "enterprises[f1].calendar.capacity_changes.0.capacity_frac"
    assert fields.get_value(raw, timer_end) == 24  # no timer: all day
    assert fields.default_bounds(timer_end, 24) == (1.0, 24.0, True) and fields.is_integer(timer_end)
    assert fields.get_value(raw, size) == 0.8
    assert fields.default_bounds(size, 0.8) == (0.0, 3.0, False) and not fields.is_integer(size)
    new = fields.apply_values(raw, {timer_end: 20.7, size: 0.45})
    assert new["enterprises"][0]["temperature"]["space_heat_hours"] == [0, 21]
    over = fields.overlay(new, [timer_end, size])
    assert over == {"enterprises": [{"id": "f1", "temperature": {"space_heat_hours": [0, 21]},
                                     "calendar": {"capacity_changes": [
                                         {"date": "2025-07-01", "capacity_frac": 0.45}]}}]}
    merged = Scenario.model_validate(deep_merge(raw, over))
    assert merged.enterprises[0].calendar.capacity_changes[0].capacity_frac == 0.45
    assert merged.enterprises[0].temperature.space_heat_hours == (0, 21)


def test_spec_problems_are_listed_together():
    doc = {"free": {"enterprises[f1].base_load_frac": [0.9, 0.1], "nonsense": None},
           "periods": {"calibration": ["2025-03-01", "2025-01-01"]},
           "fit": {"max_evals": 0, "interval": "weekly"}, "extra": 1}
    with pytest.raises(InputError) as err:
        spec_from_dict(doc, "spec.yaml")
    text = str(err.value)
    assert len(err.value.problems) == 6
    for part in ("spec.yaml: extra: unknown key", "free.enterprises[f1].base_load_frac: "
                 "expected [lower, upper]", "free.nonsense", "last day 2025-01-01 before",
                 "fit.interval: 'weekly'", "fit.max_evals: expected a whole number"):
        assert part in text
    spec = spec_from_dict({"free": ["enterprises[f1].shift_hours.start"], "periods": PERIODS})
    assert spec.free == {"enterprises[f1].shift_hours.0": None}
    assert str(spec.periods.validation[1]) == "2025-03-31"


# ---------------------------------------------------------------- weather


def test_daily_temperature_becomes_a_cosine(tmp_path):
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    path = tmp_path / "daily.csv"
    pd.DataFrame({"d": days.strftime("%Y-%m-%d"), "hi": 20.0, "lo": 10.0}).to_csv(path,
                                                                                index=False)
    spec = spec_from_dict({"weather": {"path": str(path), "timezone": "Asia/Shanghai",
                                       "columns": {"timestamp": "d", "temp_max_c": "hi",
                                                   "temp_min_c": "lo"}}}).weather
    site = Site(name="t", latitude_deg=31.3, longitude_deg=120.6)
    wx = build_weather(spec, site, 2025)
    local = wx["temp_air_c"].tz_convert("Asia/Shanghai")
    assert len(wx) == 8760 and local.iloc[15] == pytest.approx(20.0)
    assert local.iloc[3] == pytest.approx(10.0) and local.mean() == pytest.approx(15.0)
    sun_up = wx["ghi_w_m2"] > 0  # no irradiance given: a clear sky, split consistently
    assert sun_up.mean() == pytest.approx(0.5, abs=0.05)
    spec = spec_from_dict({"weather": {"path": str(path), "timezone": "UTC", "columns": {
        "timestamp": "d", "temp_air_c": "hi"}}}).weather
    with pytest.raises(InputError, match=r"covers only 4%"):  # daily rows read as hourly
        build_weather(spec, site, 2025)


# ---------------------------------------------------------------- the fit


def test_fit_recovers_the_truth(result):
    assert result.converged, result.summary["message"]
    fitted = result.fitted
    assert fitted["enterprises[f1].demand.electricity_mwh"] == pytest.approx(1200, rel=1e-3)
    assert fitted["enterprises[f1].base_load_frac"] == pytest.approx(0.35, abs=1e-3)
    assert fitted["enterprises[f1].shift_hours.0"] == 7
    assert fitted["enterprises[f1].calendar.weekend_load_frac"] == pytest.approx(0.5, abs=1e-3)
    val = result.metrics["meters"]["f1_el"]["validation"]
    assert val["hourly"]["before"]["cv_rmse"] > 0.2
    assert val["hourly"]["after"]["cv_rmse"] < 1e-3 and val["monthly"]["after"]["n"] == 1
    assert val["hourly"]["after"]["standards"]["ashrae14"]["pass"] is True
    assert val["hourly"]["after"]["n_params"] == 0  # validation readings fitted nothing
    assert result.metrics["meters"]["f1_el"]["calibration"]["daily"]["after"]["n_params"] == 1


def test_outputs_are_written_and_the_overlay_reproduces_the_fit(result, case, tmp_path):
    out = result.write(tmp_path / "out", plotlyjs="cdn")
    assert sorted(p.name for p in out.iterdir()) == ["calibrated.yaml", "fit.csv",
                                                     "metrics.json", "report.html"]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["fit"]["free"]["enterprises[f1].shift_hours.0"]["fitted"] == 7
    table = pd.read_csv(out / "fit.csv")
    assert list(table.columns) == ["timestamp", "meter", "measured", "simulated_before",
                                   "simulated_after", "period"]
    assert len(table) == 90 * 24 and table["timestamp"].iloc[0] == "2025-01-01T00:00:00+08:00"
    assert "Plotly.newPlot" in (out / "report.html").read_text()
    overlay = yaml.safe_load((out / "calibrated.yaml").read_text())
    variant = deep_merge(scenario_dict(), overlay)
    variant["period"] = {"year": 2025, "start": "2025-03-01", "days": 31}
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(variant), encoding="utf-8")
    sim = -run(load_scenario(path)).flows_frame()["f1@el"].to_numpy() * 1000
    measured = pd.read_csv(case / "meters.csv")["value"].to_numpy()[59 * 24:]
    np.testing.assert_allclose(sim, measured, rtol=2e-3, atol=1e-6)
    result.write(out, plotlyjs="cdn")  # replacing an existing folder works
    assert not list(tmp_path.glob(".out-*"))


# ---------------------------------------------------------------- command line


def _cli(case, tmp_path, *extra: str) -> list[str]:
    return ["calibrate", str(case / "scenario.yaml"), "--meters", str(case / "meters.csv"),
            "--map", str(case / "map.yaml"), "--spec", str(case / "spec.yaml"),
            "--out", str(tmp_path / "out"), "--report-js", "cdn", *extra]


def test_cli_not_converged_still_writes(case, tmp_path, capsys):
    assert cli_main(_cli(case, tmp_path, "--max-evals", "3")) == 0
    assert "DID NOT CONVERGE: stopped: evaluation budget" in capsys.readouterr().out
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["fit"]["converged"] is False and metrics["fit"]["evaluations"] == 3


def _edit(case, tmp_path, name: str, change) -> str:
    """Copy of a case file (mapping, meters or spec) with ``change`` applied to its text."""
    path = tmp_path / name
    path.write_text(change((case / name).read_text()), encoding="utf-8")
    return str(path)


BAD = {
    "timestamp": ("meters.csv", lambda t: t.replace("2025-01-02 05:00", "2025-01-02 5 pm", 1),
                  r"meters.csv: timestamp \(id f1_el\): row 31: cannot parse '2025-01-02 5 pm'"),
    "meter missing": ("map.yaml", lambda t: t.replace("meters:", "meters:\n  f1_gas: {target: "
                                                      "enterprise.f1.electricity, unit: kWh}"),
                      r"meter 'f1_gas' of the mapping is not in the file"),
    "meter unmapped": ("meters.csv", lambda t: t + "2025-01-01 00:00,f2_el,1.0\n",
                       r"meters.csv: meter \(id f2_el\): meter of the file is not in the mapping"),
    "unit": ("map.yaml", lambda t: t.replace("kWh", "kcal"), r"unknown unit 'kcal'"),
    "few points": ("spec.yaml", lambda t: t.replace("2025-02-28", "2025-01-01").replace(
        "max_evals", "interval: monthly\n  max_evals"),
        r"periods.calibration: 0 monthly readings in 2025-01-01..2025-01-01 are too few"),
    "no overlap": ("spec.yaml", lambda t: t.replace("2025-01-01", "2024-01-01").replace(
        "2025-02-28", "2024-02-28"), r"periods.calibration: 2024-01-01..2024-02-28 has no "
        r"overlap with the simulation \(year 2025\)"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_cli_bad_input_one_line_exit_2(kind, case, tmp_path, capsys):
    name, change, expected = BAD[kind]
    args = _cli(case, tmp_path)
    flag = {"meters.csv": "--meters", "map.yaml": "--map", "spec.yaml": "--spec"}[name]
    args[args.index(flag) + 1] = _edit(case, tmp_path, name, change)
    assert cli_main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.search(expected, err[0]), err
    assert not (tmp_path / "out").exists()


def test_targets_resolve_boiler_gas_and_refuse_unknown(tmp_path):
    from calibration.mapping import load_mapping
    from calibration.targets import resolve_targets

    raw = deep_merge(scenario_dict(), {"buses": [{"id": "el", "carrier": "electricity"},
                                                 {"id": "heat", "carrier": "heat"}],
                                       "assets": [{"id": "boil", "type": "boiler",
                                                   "fuel": "natural_gas", "p_th_max_mw": 1,
                                                   "efficiency_frac": 0.9}]})
    scen = tmp_path / "s.yaml"
    scen.write_text(yaml.safe_dump(raw), encoding="utf-8")
    doc = {"timezone": "UTC", "meters": {
        "gas": {"target": "asset.boil", "unit": "kWh"},
        "vol": {"target": "asset.boil", "unit": "m3", "model_unit": "m3"},
        "nope": {"target": "asset.ghost", "unit": "kWh"},
        "heat": {"target": "enterprise.f1.heat", "unit": "kWh"}}}
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(InputError) as err:
        resolve_targets(load_scenario(scen), load_mapping(tmp_path / "m.yaml"))
    assert len(err.value.problems) == 2
    assert "no asset 'ghost'" in str(err.value) and "has no heat bus" in str(err.value)
    del doc["meters"]["nope"], doc["meters"]["heat"]
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    targets = resolve_targets(load_scenario(scen), load_mapping(tmp_path / "m.yaml"))
    assert targets["gas"].column == "boil@natural_gas"
    assert targets["gas"].factor == pytest.approx(-0.038931 / 3.6)  # m3 -> MWh (NCV)
    assert targets["vol"].factor == -1.0


def problem_free(problem) -> list[str]:
    return [f.path for f in problem.free]


def test_default_free_fields_and_period_flags(case, tmp_path, capsys):
    from calibration.setup import prepare

    learning = prepare(case / "scenario.yaml", case / "meters.csv", case / "map.yaml",
                       spec_from_dict({"periods": PERIODS}))
    assert problem_free(learning) == [] and learning.learned.meters == {"f1_el"}  # the default
    spec = spec_from_dict({"periods": PERIODS, "model": {"learn": False}})
    problem = prepare(case / "scenario.yaml", case / "meters.csv", case / "map.yaml", spec)
    assert problem_free(problem) == [
        "enterprises[f1].demand.electricity_mwh", "enterprises[f1].calendar.weekend_load_frac",
        "enterprises[f1].calendar.holiday_load_frac", "enterprises[f1].base_load_frac",
        "enterprises[f1].shift_hours.0", "enterprises[f1].shift_hours.1"]
    assert problem.start["enterprises[f1].shift_hours.1"] == 22  # machinery: two shifts
    default = prepare(case / "scenario.yaml", case / "meters.csv", case / "map.yaml",
                      spec_from_dict({}))
    assert [str(d) for d in default.periods.calibration] == ["2025-01-01", "2025-03-08"]
    args = _cli(case, tmp_path, "--calibration", "2025-01-01", "--max-evals", "5")
    assert cli_main(args) == 2
    assert "--calibration: expected FIRST:LAST" in capsys.readouterr().err
    args = _cli(case, tmp_path, "--calibration", "2025-01-01:2025-01-31", "--validation",
                "2025-02-01:2025-02-28", "--max-evals", "5")
    assert cli_main(args) == 0
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["periods"] == {"calibration": ["2025-01-01", "2025-01-31"],
                                  "validation": ["2025-02-01", "2025-02-28"]}


def test_progress_is_told_each_model_run_within_the_budget(case):
    """The app's progress bar: one call per model run, counting up, never past the budget."""
    calls = []
    spec = {"free": FREE, "periods": PERIODS, "fit": {"max_evals": 6}}
    out = calibrate(case / "scenario.yaml", case / "meters.csv", case / "map.yaml", spec,
                    progress=lambda done, budget: calls.append((done, budget)))
    assert calls and [d for d, _ in calls] == list(range(1, len(calls) + 1))
    assert all(budget == 6 for _, budget in calls[:-1]) and calls[-1][0] <= 7  # the final cost may take one more
    assert out.summary["evaluations"] == len([c for c in calls if c[1] == 6])
