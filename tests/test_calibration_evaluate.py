"""``park-twin evaluate``: a calibrated scenario judged on another year's meters, no fitting.

The hand case: the scenario draws a flat 1 MWh every hour (8760 MWh a year, no schedule, no
weather response); its fitted overlay doubles the annual demand, so the calibrated scenario
draws 2 MWh every hour of 2026. The meters read 2.4 and 1.8 MWh in turn (+20 %, -10 %).
With p = 0 (the readings fitted nothing), over n hours:

- mean(m) = 2.1; NMBE = sum(m - s) / (n mean(m)) = 0.1 / 2.1 = 0.047619;
- CV(RMSE) = sqrt(mean((m - s)^2)) / mean(m) = sqrt((0.16 + 0.04) / 2) / 2.1 = 0.150585;
- per day both are 0.1 / 2.1 (every day is 24 x 2.1 against 24 x 2).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from calibration.cli import main as cli_main
from calibration.evaluate import evaluate_scenario
from calibration.regime import compare

HAND_NMBE = 0.1 / 2.1
HAND_CV_HOURLY = np.sqrt(0.1) / 2.1


def flat_scenario() -> dict:
    return {"name": "flat", "period": {"year": 2025},
            "site": {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.62,
                     "timezone": "Asia/Shanghai", "weather": {"source": "synthetic", "site": "suzhou"}},
            "grid": {"import_max_mw": 50}, "buses": [{"id": "el", "carrier": "electricity"}],
            "enterprises": [{"id": "f1", "sector": "machinery", "heat_bus": None, "base_load_frac": 1.0,
                             "demand": {"electricity_mwh": 8760.0},
                             "temperature": {"cooling_frac_per_k": 0.0},
                             "calendar": {"public_holidays": "none", "weekend_load_frac": 1.0,
                                          "holiday_load_frac": 1.0}}]}


def _meters(first: str, hours: int, level_kwh: float) -> pd.DataFrame:
    stamps = pd.date_range(first, periods=hours, freq="h")
    factor = np.where(np.arange(hours) % 2 == 0, 1.2, 0.9)
    return pd.DataFrame({"timestamp": stamps.strftime("%Y-%m-%d %H:%M"), "meter": "f1_el",
                         "value": level_kwh * factor})


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evaluate")
    (folder / "scenario.yaml").write_text(yaml.safe_dump(flat_scenario()), encoding="utf-8")
    fitted = folder / "fit2025"
    fitted.mkdir()
    (fitted / "calibrated.yaml").write_text(yaml.safe_dump(
        {"enterprises": [{"id": "f1", "demand": {"electricity_mwh": 17520.0}}]}), encoding="utf-8")
    _meters("2026-03-01", 4 * 24, 2000.0).to_csv(folder / "meters.csv", index=False)
    mapping = {"timezone": "Asia/Shanghai", "meters": {
        "f1_el": {"target": "enterprise.f1.electricity", "unit": "kWh"}}}
    (folder / "map.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    return folder


def test_metrics_match_the_hand_computed_case(case):
    result = evaluate_scenario(case / "scenario.yaml", case / "meters.csv", case / "map.yaml",
                               calibrated=case / "fit2025" / "calibrated.yaml")
    entry = result.metrics["meters"]["f1_el"]["evaluation"]
    hourly, day = entry["hourly"]["after"], entry["daily"]["after"]
    assert hourly["n"] == 96 and hourly["n_params"] == 0
    assert hourly["nmbe"] == pytest.approx(HAND_NMBE, rel=1e-9)
    assert hourly["cv_rmse"] == pytest.approx(HAND_CV_HOURLY, rel=1e-9)
    assert hourly["standards"]["ashrae14"]["pass"] is True
    assert day["n"] == 4 and day["nmbe"] == pytest.approx(HAND_NMBE, rel=1e-9)
    assert day["cv_rmse"] == pytest.approx(HAND_NMBE, rel=1e-9)
    assert "error" in entry["monthly"]["after"]  # 4 days do not cover March
    assert result.metrics["periods"] == {"evaluation": ["2026-03-01", "2026-03-04"]}
    assert set(result.series["simulated_after"]) == {2.0}  # moved to 2026, overlay applied
    assert "simulated_before" not in result.series


def test_without_the_overlay_the_base_scenario_is_judged(case):
    result = evaluate_scenario(case / "scenario.yaml", case / "meters.csv", case / "map.yaml")
    hourly = result.metrics["meters"]["f1_el"]["evaluation"]["hourly"]["after"]
    assert hourly["nmbe"] == pytest.approx(1.1 / 2.1, rel=1e-9)  # 1 MWh against 2.1


def _args(case, tmp_path, *extra: str) -> list[str]:
    return ["evaluate", str(case / "scenario.yaml"), "--meters", str(case / "meters.csv"),
            "--map", str(case / "map.yaml"), "--out", str(tmp_path / "out"),
            "--report-js", "cdn", *extra]


def test_cli_writes_metrics_fit_and_report(case, tmp_path, capsys):
    assert cli_main(_args(case, tmp_path, "--calibrated", str(case / "fit2025" / "calibrated.yaml"),
                          "--period", "2026-03-02:2026-03-03")) == 0
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["fit.csv", "metrics.json", "report.html"]
    metrics = json.loads((out / "metrics.json").read_text())
    hourly = metrics["meters"]["f1_el"]["evaluation"]["hourly"]["after"]
    assert hourly["n"] == 48 and hourly["nmbe"] == pytest.approx(HAND_NMBE, rel=1e-9)
    table = pd.read_csv(out / "fit.csv")
    assert list(table.columns) == ["timestamp", "meter", "measured", "simulated_after", "period"]
    assert table["timestamp"].iloc[0] == "2026-03-02T00:00:00+08:00"
    assert "Evaluation of" in (out / "report.html").read_text()
    assert re.search(r"f1_el\s+hourly\s+48\s+0\.151\s+0\.048\s+pass", capsys.readouterr().out)


BAD = {
    "missing meters": (["--meters", "nowhere.csv"], r"map.yaml: meters \(id f1_el\): data file not found: nowhere.csv"),
    "wrong period": (["--period", "2026-05-01:2026-05-10"], r"--period: 2026-05-01..2026-05-10 "
                     r"has no overlap with the meter readings \(2026-03-01..2026-03-04\)"),
    "two years": (["--period", "2025-12-01:2026-03-04"], r"--period: .* spans two calendar years"),
    "bad period": (["--period", "2026-03-01"], r"--period: expected FIRST:LAST"),
    "no overlay": (["--calibrated", "nowhere/calibrated.yaml"], r"--calibrated: file not found"),
    "bad keep": (["--keep", "stuck,sticky"], r"--keep: unknown screen 'sticky'"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_input_one_line_exit_2(kind, case, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(case)
    extra, expected = BAD[kind]
    args = _args(case, tmp_path)
    if extra[0] in args:
        args[args.index(extra[0]) + 1] = extra[1]
    else:
        args += extra
    assert cli_main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.search(expected, err[0]), err
    assert not (tmp_path / "out").exists()


def test_regime_change_is_reported_from_the_fitted_readings(case, tmp_path):
    """A 2025 fit.csv at 1.5x the 2026 level: the evaluation says the level changed."""
    folder = tmp_path / "fit2025"
    folder.mkdir()
    (folder / "calibrated.yaml").write_text((case / "fit2025" / "calibrated.yaml").read_text())
    ref = _meters("2025-03-01", 14 * 24, 3000.0)
    stamps = pd.DatetimeIndex(pd.to_datetime(ref["timestamp"])).tz_localize("Asia/Shanghai")
    pd.DataFrame({"timestamp": stamps.map(lambda t: t.isoformat()), "meter": "f1_el",
                  "measured": ref["value"] / 1000, "simulated_before": 3.0, "simulated_after": 3.0,
                  "period": "calibration"}).to_csv(folder / "fit.csv", index=False)
    result = evaluate_scenario(case / "scenario.yaml", case / "meters.csv", case / "map.yaml",
                               calibrated=folder)
    found = result.metrics["regime"]["f1_el"]
    assert found["changed"] == ["level"]
    assert found["level"]["change_frac"] == pytest.approx(2 / 3 - 1)
    assert found["verdict"].startswith("change of regime: level -33%")


def test_regime_compare_finds_each_planted_change_and_nothing_in_a_clean_pair():
    rng = np.random.default_rng(1)
    hours = pd.date_range("2025-01-01", periods=180 * 24, freq="h", tz="UTC")
    days = np.arange(len(hours)) / 24
    temp = pd.Series(10 + 12 * np.sin(2 * np.pi * (days - 100) / 365) + 3 * np.sin(2 * np.pi * days),
                     hours)

    def load(level=1.0, slope=0.08, start=8, noise=0.03):
        office = ((hours.hour >= start) & (hours.hour < start + 9) & (hours.dayofweek < 5)).astype(float)
        heating = slope * np.clip(14 - temp.to_numpy(), 0, None)
        value = level * (1 + office) + heating
        return pd.Series(value * (1 + noise * rng.standard_normal(len(hours))), hours)

    base = load()
    assert compare(base, load(), temp, temp)["changed"] == []
    assert compare(base, load(level=1.3), temp, temp)["changed"] == ["level"]
    assert compare(base, load(start=14), temp, temp)["changed"] == ["schedule"]
    assert compare(base, load(slope=0.16), temp, temp)["changed"] == ["temperature"]
