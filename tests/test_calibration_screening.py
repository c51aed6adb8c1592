"""Data-quality screens on planted faults: each finds its fault and leaves a clean series be.

Also: a weather file that covers only the fit's periods is accepted.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from calibration import screening
from calibration.cleaning import MeterCounts
from calibration.meters import load_meters
from calibration.pv_screening import outage_mask, plateau_masks
from calibration.spec import spec_from_dict
from calibration.weather import build_weather
from twin.errors import InputError
from twin.schema.scenario import Site

RNG = np.random.default_rng(7)


def hourly(days: int = 28, level: float = 10.0) -> pd.Series:
    """A noisy office-like hourly load (never two equal readings)."""
    idx = pd.date_range("2025-01-01", periods=days * 24, freq="h", tz="UTC")
    shape = 1 + ((idx.hour >= 8) & (idx.hour < 18))
    return pd.Series(level * shape * (1 + 0.1 * RNG.random(len(idx))), idx)


def no_negatives(series: pd.Series) -> pd.Series:
    return pd.Series(False, index=series.index)


def test_placeholder_constant_days_are_found():
    idx = pd.date_range("2015-01-01", periods=120, freq="D", tz="Asia/Shanghai")
    clean = pd.Series(30000 * (1 + 0.2 * RNG.random(120)), idx)
    assert not screening.placeholder_mask(clean).any()
    planted = clean.copy()
    planted.iloc[[10, 40, 41, 90]] = 1.0  # the Yangzhong file's 1-kWh days
    assert list(np.flatnonzero(screening.placeholder_mask(planted))) == [10, 40, 41, 90]
    quantised = pd.Series(np.r_[np.full(50, 0.1), np.full(30, 0.2), np.full(200, 9.0)])
    assert not screening.placeholder_mask(quantised).any()  # low readings with neighbours


def test_stuck_register_is_found_but_not_a_zero_run():
    clean = hourly()
    assert not screening.stuck_mask(clean, "h").any()
    planted = clean.copy()
    planted.iloc[100:130] = 7.3  # 30 hours frozen
    planted.iloc[300:400] = 0.0  # a plant off for 100 hours reads zero legitimately
    planted.iloc[500:520] = 8.1  # 20 hours: shorter than a day, not screened
    assert list(np.flatnonzero(screening.stuck_mask(planted, "h"))) == list(range(100, 130))


def test_reset_catch_up_after_a_gap_is_found():
    clean = hourly()
    clean.iloc[50:55] = np.nan  # a gap alone is no reset
    assert not screening.reset_mask(clean, no_negatives(clean)).any()
    planted = clean.copy()
    planted.iloc[55] = 400.0  # the register dumps the gap's energy into one reading
    assert list(np.flatnonzero(screening.reset_mask(planted, no_negatives(clean)))) == [55]


def test_duplicated_series_under_two_ids():
    a, c = hourly(), hourly()
    frame = pd.DataFrame({"a": a, "b": a.copy(), "c": c})
    assert screening.duplicate_pairs(frame) == {"b": "a"}
    frame["b"] = a * (1 + 0.01 * RNG.standard_normal(len(a)))
    assert screening.duplicate_pairs(frame) == {}


def test_screens_are_counted_excluded_and_kept_on_request(tmp_path):
    series = hourly()
    series.iloc[100:130] = 7.3
    stamps = series.index.tz_convert("UTC").strftime("%Y-%m-%d %H:%M")
    table = pd.DataFrame({"timestamp": stamps, "a": series.to_numpy(), "b": series.to_numpy()})
    table.to_csv(tmp_path / "m.csv", index=False)
    mapping = {"timezone": "UTC", "layout": "wide", "outlier_k": None, "meters": {
        m: {"target": "grid.import", "unit": "MWh"} for m in ("a", "b")}}
    (tmp_path / "map.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    data = load_meters(tmp_path / "m.csv", tmp_path / "map.yaml", "UTC")
    a, b = data.report.meters["a"], data.report.meters["b"]
    assert a.screened == {"stuck": 30} and a.kept == len(series) - 30 == a.rows_read - a.excluded
    assert b.duplicate_of == "a" and b.screened == {"stuck": 30, "duplicate_series": a.kept}
    assert data.frame["a"].iloc[100:130].isna().all() and data.frame["b"].isna().all()
    kept = load_meters(tmp_path / "m.csv", tmp_path / "map.yaml", "UTC", keep=("stuck",))
    assert kept.report.meters["a"].kept_screened == {"stuck": 30}
    assert kept.report.meters["a"].screened == {} and kept.frame["a"].notna().all()


def test_keep_names_are_checked():
    assert screening.keep_screens("all", "s", "keep") == screening.SCREENS
    with pytest.raises(InputError, match=r"s: keep: unknown screen 'sticky'"):
        spec_from_dict({"keep": ["stuck", "sticky"]}, "s")
    assert spec_from_dict({"keep": ["stuck"]}).keep == ("stuck",)


def pv_day_curves(days: int = 20) -> tuple[pd.Series, pd.Series]:
    """15-min PV energy [MWh] of a 50 MW plant on sunny days and the simulated hourly energy."""
    idx = pd.date_range("2019-06-01", periods=days * 96, freq="15min", tz="Asia/Shanghai")
    hour = idx.hour + idx.minute / 60
    peak = np.repeat(50 * RNG.uniform(0.9, 1.0, days), 96)
    power = pd.Series(np.clip(np.sin(np.pi * (hour - 6) / 14), 0, None) * peak, idx)
    expected = power.resample("h").mean()  # MWh in each hour
    return 0.25 * 0.9 * power, expected  # the plant delivers 90 % of the simulation


def test_pv_outage_days_are_found():
    energy, expected = pv_day_curves()
    hours = energy.resample("h").sum()
    assert not outage_mask(hours, expected, energy.index).any()
    planted = energy.copy()
    out = planted.index.normalize().isin(pd.to_datetime(["2019-06-05", "2019-06-12"]).tz_localize(
        "Asia/Shanghai"))
    planted[out] *= 0.5  # half the inverters off on two days
    mask = outage_mask(planted.resample("h").sum(), expected, energy.index)
    assert sorted({d.isoformat() for d in mask[mask].index.date}) == ["2019-06-05", "2019-06-12"]
    assert mask.sum() == 2 * 96


def test_pv_clipping_and_curtailment_are_told_apart():
    energy, expected = pv_day_curves()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clean = plateau_masks(energy, "15min", expected)
        assert not clean["pv_clipping"].any() and not clean["pv_curtailment"].any()
        clipped = energy.clip(upper=0.25 * 36)  # the inverters' limit, every day
        day = clipped.index.normalize() == pd.Timestamp("2019-06-10", tz="Asia/Shanghai")
        clipped[day] = clipped[day].clip(upper=0.25 * 20)  # a grid operator's set-point
        masks = plateau_masks(clipped, "15min", expected)
    curtailed = {d.isoformat() for d in masks["pv_curtailment"][masks["pv_curtailment"]].index.date}
    clipping = {d.isoformat() for d in masks["pv_clipping"][masks["pv_clipping"]].index.date}
    assert curtailed == {"2019-06-10"}
    assert len(clipping) >= 15 and "2019-06-10" not in clipping


def test_weather_covering_only_the_periods_is_accepted(tmp_path):
    """A file of January-September (75 % of the year) serves a fit of Jan-Jun and Jul-Aug."""
    days = pd.date_range("2016-01-01", "2016-09-30", freq="D")
    path = tmp_path / "daily.csv"
    pd.DataFrame({"d": days.strftime("%Y-%m-%d"), "hi": 20.0, "lo": 10.0}).to_csv(path, index=False)
    spec = spec_from_dict({"weather": {"path": str(path), "timezone": "Asia/Shanghai", "columns": {
        "timestamp": "d", "temp_max_c": "hi", "temp_min_c": "lo"}}}).weather
    site = Site(name="t", latitude_deg=32.2, longitude_deg=119.4)
    with pytest.raises(InputError, match=r"covers only 75% of the hours of 2016"):
        build_weather(spec, site, 2016)
    windows = [(pd.Timestamp("2016-01-01").date(), pd.Timestamp("2016-06-30").date()),
               (pd.Timestamp("2016-07-01").date(), pd.Timestamp("2016-08-31").date())]
    wx = build_weather(spec, site, 2016, windows)
    assert len(wx) == 8784 and wx["temp_air_c"].notna().all()
    with pytest.raises(InputError, match=r"covers only 75% of the hours of the periods "
                       r"2016-01-01..2016-06-30, 2016-07-01..2016-12-31"):
        build_weather(spec, site, 2016, [windows[0], (windows[1][0], pd.Timestamp("2016-12-31").date())])


def test_counts_start_empty():
    counts = MeterCounts()
    assert counts.screened == {} and counts.kept_screened == {} and counts.duplicate_of is None


def test_synthetic_year_spread_is_carried_as_pv_uncertainty(shared_data):
    """The table's figures come from the files; the uncertainty is their root sum of squares."""
    import pvlib

    from calibration.weather_spread import spread_table, synthetic_spread

    table = spread_table()
    for _, row in table.iterrows():
        epw = pvlib.iotools.read_epw(shared_data / "weather" / "epw" / row["cswd_file"])[0]
        assert epw["ghi"].sum() / 1000 == pytest.approx(row["ghi_typical_kwh_m2"], abs=0.06)
        assert row["pv_synthetic_vs_typical_frac"] == pytest.approx(
            row["pv_yield_synthetic_kwh_kwp"] / row["pv_yield_typical_kwh_kwp"] - 1, abs=1e-3)
    beijing = Site(name="b", latitude_deg=39.9, longitude_deg=116.4, weather={"source": "synthetic"})
    found = synthetic_spread(beijing)
    row = table.loc["beijing"]
    assert found["site"] == "beijing" and found["pv_yield_uncertainty_frac"] == pytest.approx(
        np.hypot(row["pv_synthetic_vs_typical_frac"], row["ghi_station_vs_typical_frac"]), abs=1e-4)
    suzhou = Site(name="s", latitude_deg=31.3, longitude_deg=120.62,
                  weather={"source": "synthetic", "site": "suzhou"})
    assert synthetic_spread(suzhou)["pv_yield_uncertainty_frac"] is None


def test_calibrate_excludes_pv_outage_days_and_carries_the_yield_uncertainty(tmp_path):
    """A PV plant simulated at losses 0.20 with two half-output days: the fit finds 0.20 again
    only because the two days are screened, names them, and carries Beijing's spread."""
    from calibration.fit import calibrate
    from twin.economics.run import run
    from twin.scenario.load import load_scenario

    scenario = {"name": "pv", "period": {"year": 2025},
                "site": {"name": "b", "latitude_deg": 39.9, "longitude_deg": 116.4, "timezone": "Asia/Shanghai",
                         "weather": {"source": "synthetic", "site": "beijing"}},
                "grid": {"import_max_mw": 1, "export_max_mw": 20}, "buses": [{"id": "el", "carrier": "electricity"}],
                "assets": [{"id": "pv", "type": "pv", "p_dc_mw": 10, "tilt_deg": 30, "azimuth_deg": 180,
                            "losses_frac": 0.14}]}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    truth = {**scenario, "period": {"year": 2025, "start": "2025-06-01", "days": 30}}
    truth["assets"] = [{**scenario["assets"][0], "losses_frac": 0.20}]
    (tmp_path / "truth.yaml").write_text(yaml.safe_dump(truth), encoding="utf-8")
    flows = run(load_scenario(tmp_path / "truth.yaml")).flows_frame()["pv@el"]
    planted = flows.index.normalize().isin(pd.to_datetime(["2025-06-06", "2025-06-12"]).tz_localize(
        "Asia/Shanghai"))
    energy = flows.where(~planted, flows * 0.5)
    pd.DataFrame({"timestamp": flows.index.strftime("%Y-%m-%d %H:%M"), "meter": "pv_m",
                  "value": energy.to_numpy()}).to_csv(tmp_path / "m.csv", index=False)
    mapping = {"timezone": "Asia/Shanghai", "outlier_k": None,
               "meters": {"pv_m": {"target": "asset.pv", "unit": "MWh"}}}
    (tmp_path / "map.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    spec = {"free": ["assets[pv].losses_frac"],
            "periods": {"calibration": ["2025-06-01", "2025-06-20"], "validation": ["2025-06-21", "2025-06-30"]}}
    result = calibrate(tmp_path / "s.yaml", tmp_path / "m.csv", tmp_path / "map.yaml", spec)
    counts = result.metrics["cleaning"]["meters"]["pv_m"]
    assert counts["screened_days"]["pv_outage"] == ["2025-06-06", "2025-06-12"]
    assert counts["screened"]["pv_outage"] == 48
    assert result.fitted["assets[pv].losses_frac"] == pytest.approx(0.20, abs=0.005)
    assert result.metrics["weather"]["spread"]["site"] == "beijing"
    assert result.metrics["meters"]["pv_m"]["pv_yield_uncertainty_frac"] == pytest.approx(0.1039, abs=1e-3)
    kept = calibrate(tmp_path / "s.yaml", tmp_path / "m.csv", tmp_path / "map.yaml", {**spec, "keep": ["all"]})
    assert kept.fitted["assets[pv].losses_frac"] > 0.22  # the outages read as a larger derate
