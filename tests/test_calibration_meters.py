"""Meter data in: long and wide readers, mapping checks, cleaning report, aggregation.

Synthetic files check each rule by hand; the real Cambridge (hourly) and Yangzhong (daily)
meters from ../shared/data check the readers end to end (skipped where that folder is absent).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from calibration.cleaning import aggregate, unit_factor
from calibration.meters import load_meters
from calibration.screening import SCREENS
from twin.errors import InputError
from twin.units import fuels

CAMBRIDGE = ("b0", "b2", "b19")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _map(tmp_path: Path, doc: dict, name: str = "map.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _counts(data, meter: str) -> dict:
    return data.report.to_dict()["meters"][meter]


def _csv(rows: list[str], header: str = "timestamp,meter,value") -> str:
    return "\n".join([header, *rows]) + "\n"


# ---------------------------------------------------------------- readers and units


def test_long_form_units_and_report(tmp_path):
    rows = [f"2024-01-01 0{h}:00,{m},{v}" for h in range(4)
            for m, v in (("el", 1000 * (h + 1)), ("grid", 0.5))]
    data_path = _write(tmp_path, "long.csv", _csv(rows))
    map_path = _map(tmp_path, {"timezone": "+08:00", "meters": {
        "el": {"target": "enterprise.e01.electricity", "unit": "kWh"},
        "grid": {"target": "grid.import", "unit": "MWh"}}})
    data = load_meters(data_path, map_path, "Asia/Shanghai")
    assert data.interval == "h"
    assert list(data.frame.columns) == ["el", "grid"]
    np.testing.assert_allclose(data.frame["el"], [1.0, 2.0, 3.0, 4.0])  # kWh -> MWh
    assert str(data.frame.index.tz) == "Asia/Shanghai" and data.frame.index[0].hour == 0
    assert data.units == {"el": "MWh", "grid": "MWh"}
    assert data.targets["grid"] == "grid.import"
    counts = _counts(data, "el")
    assert json.loads(json.dumps(data.report.to_dict()))["meters"]["el"] == counts
    assert counts["unit_conversions"] == {"kWh->MWh": 4}
    assert (counts["rows_read"], counts["kept"], counts["excluded"]) == (4, 4, 0)


def test_long_unit_column_and_gas(tmp_path):
    rows = ["2024-01-01,gas,100,m3", "2024-01-02,gas,50,Nm3", "2024-01-03,gas,3.6,GJ",
            "2024-01-01,boiler,100,m3", "2024-01-02,boiler,100,m³", "2024-01-03,boiler,1,MWh"]
    data_path = _write(tmp_path, "gas.csv", _csv(rows, "timestamp,meter,value,unit"))
    map_path = _map(tmp_path, {"timezone": "UTC", "meters": {
        "gas": {"target": "enterprise.e03.natural_gas"},
        "boiler": {"target": "enterprise.e03.heat"}}})
    with pytest.raises(InputError, match=r"gas.csv: unit \(id gas\): cannot convert 'GJ'"):
        load_meters(data_path, map_path, "UTC")  # an energy cannot become m3 of gas
    data_path.write_text(data_path.read_text().replace("3.6,GJ", "30,m3"))
    data = load_meters(data_path, map_path, "UTC")
    assert data.interval == "D" and data.units["gas"] == "m3"
    np.testing.assert_allclose(data.frame["gas"], [100.0, 50.0, 30.0])  # m3 stays m3
    ncv_mwh = 389.31e3 / 1e4 / 3.6 / 1e3  # 389.31 GJ per 10^4 Nm3 -> MWh per m3
    np.testing.assert_allclose(data.frame["boiler"], [100 * ncv_mwh, 100 * ncv_mwh, 1.0])
    assert _counts(data, "boiler")["unit_conversions"] == {
        "m3->MWh": 1, "m³->MWh": 1, "MWh->MWh": 1}


def test_gas_factor_agrees_with_twin_fuel_table():
    assert unit_factor("m3", "MWh") == pytest.approx(fuels()["natural_gas"].mwh_per_unit,
                                                     rel=1e-9)
    assert unit_factor("therm", "MWh") == pytest.approx(105.505585262 / 3600, rel=1e-9)
    assert unit_factor("KWH", "MWh") == 1e-3  # unit names are case-insensitive


def test_wide_form_cleaning_counts(tmp_path):
    """Zeros, a negative, an empty cell, a duplicate pair and a missing hour, counted."""
    text = _csv([
        "2024-03-01 00:00,10,1",
        "2024-03-01 01:00,0,2",          # zero in a: masked
        "2024-03-01 02:00,-5,",          # negative in a, empty in b
        "2024-03-01 03:00,12,4",
        "2024-03-01 03:00,14,6",         # duplicate stamp: mean -> a 13, b 5
        "2024-03-01 05:00,16,0",         # 04:00 missing: a gap for both
    ], header="time,a [kWh],b [MWh]")
    data_path = _write(tmp_path, "wide.csv", text)
    doc = {"timezone": "UTC", "columns": {"timestamp": "time"}, "zeros_are_missing": True,
           "meters": {"a": {"target": "asset.pv_roof", "unit": "kWh", "source": "a [kWh]"},
                      "b": {"target": "grid.export", "unit": "MWh", "source": "b [MWh]",
                            "zeros_are_missing": False}}}
    data = load_meters(data_path, _map(tmp_path, doc), "UTC")
    assert len(data.frame) == 6
    np.testing.assert_allclose(data.frame["a"], [0.010, np.nan, np.nan, 0.013, np.nan, 0.016])
    np.testing.assert_allclose(data.frame["b"], [1, 2, np.nan, 5, np.nan, 0])
    a, b = _counts(data, "a"), _counts(data, "b")
    assert (a["zeros_masked"], a["negatives"], a["duplicates"], a["gaps"]) == (1, 1, 1, 1)
    assert (b["zeros_masked"], b["missing_values"], b["duplicates"], b["gaps"]) == (0, 1, 1, 1)
    for c in (a, b):
        assert c["rows_read"] == 6 == c["kept"] + c["duplicates"] + c["excluded"]
    doc["duplicates"] = "first"
    first = load_meters(data_path, _map(tmp_path, doc), "UTC").frame
    assert first.loc[first.index[3], "a"] == pytest.approx(0.012)


def test_outlier_flagged_and_switchable(tmp_path):
    hours = pd.date_range("2024-01-01", periods=24 * 20, freq="h")
    values = 100 + 20 * np.sin(np.arange(len(hours)) * 2 * np.pi / 24)
    values[200] = 5000.0  # a meter glitch
    pd.DataFrame({"timestamp": hours, "load": values}).to_csv(tmp_path / "o.csv", index=False)
    doc = {"timezone": "UTC", "meters": {"load": {"target": "grid.import", "unit": "kWh"}}}
    data = load_meters(tmp_path / "o.csv", _map(tmp_path, doc), "UTC")
    assert _counts(data, "load")["outliers"] == 1 and np.isnan(data.frame["load"].iloc[200])
    doc["outlier_k"] = None
    data = load_meters(tmp_path / "o.csv", _map(tmp_path, doc), "UTC")
    assert _counts(data, "load")["outliers"] == 0 and data.frame["load"].iloc[200] == 5.0


# ---------------------------------------------------------------- time


def test_dst_repeated_hour_is_not_a_duplicate(tmp_path):
    """Europe/London wall clock, 27 Oct 2019: 01:00 twice (BST then GMT), 25 readings."""
    stamps = [f"2019-10-27 {h:02d}:00" for h in range(24)]
    stamps.insert(2, "2019-10-27 01:00")
    rows = [f"{t},m,1" for t in stamps] + ["2019-10-27 05:00,m,3"]  # one true duplicate
    data_path = _write(tmp_path, "dst.csv", _csv(rows))
    map_path = _map(tmp_path, {"timezone": "Europe/London",
                               "meters": {"m": {"target": "grid.import", "unit": "MWh"}}})
    data = load_meters(data_path, map_path, "UTC")
    counts = _counts(data, "m")
    assert (counts["duplicates"], counts["gaps"], counts["kept"]) == (1, 0, 25)
    assert data.frame.index[0] == pd.Timestamp("2019-10-26 23:00", tz="UTC")
    assert data.frame["m"].iloc[6] == 2.0  # 05:00 GMT merged by the mean of 1 and 3
    local = load_meters(data_path, map_path, "Europe/London")
    values, coverage = local.aggregate("daily")
    assert len(values) == 1 and coverage.iloc[0, 0] == 1.0 and values.iloc[0, 0] == 26.0


def test_dst_missing_hour(tmp_path):
    """31 Mar 2019: 01:00 does not exist in London; a file holding it is not wall-clock time."""
    stamps = [f"2019-03-31 {h:02d}:00" for h in range(24) if h != 1]
    map_path = _map(tmp_path, {"timezone": "Europe/London",
                               "meters": {"m": {"target": "grid.import", "unit": "MWh"}}})
    data_path = _write(tmp_path, "spring.csv", _csv([f"{t},m,1" for t in stamps]))
    data = load_meters(data_path, map_path, "Europe/London")
    assert _counts(data, "m")["gaps"] == 0 and len(data.frame) == 23
    assert data.aggregate("daily")[1].iloc[0, 0] == 1.0  # 23 of 23 hours
    data_path = _write(tmp_path, "spring.csv", _csv([f"2019-03-31 0{h}:00,m,1" for h in range(4)]))
    with pytest.raises(InputError, match=r"spring.csv: timestamp \(id m\): row 3: "
                                         r"2019-03-31 01:00 does not exist in Europe/London"):
        load_meters(data_path, map_path, "UTC")


def test_label_end_and_offsets(tmp_path):
    rows = ["2024-01-01T01:00:00+08:00,m,1", "2024-01-01T02:00:00+08:00,m,2"]
    map_path = _map(tmp_path, {"timezone": "UTC", "label": "end",
                               "meters": {"m": {"target": "grid.import", "unit": "MWh"}}})
    data = load_meters(_write(tmp_path, "end.csv", _csv(rows)), map_path, "UTC")
    assert data.frame.index[0] == pd.Timestamp("2023-12-31 16:00", tz="UTC")  # 00:00 +08


def test_calendar_data_keep_their_date(tmp_path):
    rows = ["2024-01-31,m,31", "2024-02-29,m,29", "2024-04-30,m,30"]  # bills at month end
    map_path = _map(tmp_path, {"timezone": "Asia/Shanghai",
                               "meters": {"m": {"target": "grid.import", "unit": "MWh"}}})
    data = load_meters(_write(tmp_path, "bills.csv", _csv(rows)), map_path, "Europe/London")
    assert data.interval == "MS" and _counts(data, "m")["gaps"] == 1  # March missing
    assert list(data.frame.index.month) == [1, 2, 3, 4] and data.frame.index[0].hour == 0
    with pytest.raises(ValueError, match="finer"):
        data.aggregate("daily")


def test_aggregate_coverage_rule():
    idx = pd.date_range("2024-01-01", periods=96 * 2, freq="15min", tz="Asia/Shanghai")
    frame = pd.DataFrame({"m": np.ones(len(idx))}, index=idx)
    frame.iloc[:10, 0] = np.nan  # day 1: 86 of 96 quarter-hours
    values, coverage = aggregate(frame, "daily")
    np.testing.assert_allclose(coverage["m"], [86 / 96, 1.0])
    assert np.isnan(values["m"].iloc[0]) and values["m"].iloc[1] == 96.0
    values, _ = aggregate(frame, "daily", min_coverage=0.8)
    assert values["m"].iloc[0] == 86.0  # the sum of what was kept, never scaled up
    hourly, cov_h = aggregate(frame, "hourly", native="15min")
    assert cov_h["m"].iloc[2] == 0.5 and np.isnan(hourly["m"].iloc[2])


# ---------------------------------------------------------------- bad input


@pytest.fixture
def simple(tmp_path):
    rows = [f"2024-01-01 0{h}:00,m1,1" for h in range(3)]
    return tmp_path, _write(tmp_path, "d.csv", _csv(rows))


def _meters(**extra) -> dict:
    return {"timezone": "UTC", "meters": {"m1": {"target": "grid.import", "unit": "kWh",
                                                 **extra}}}


def test_unparseable_timestamp_names_file_row_column_meter(simple):
    tmp_path, data_path = simple
    data_path.write_text(data_path.read_text().replace("2024-01-01 01:00", "2024-13-45 99:00"))
    with pytest.raises(InputError) as err:
        load_meters(data_path, _map(tmp_path, _meters()), "UTC")
    assert str(err.value) == (f"{data_path}: timestamp (id m1): row 3: cannot parse "
                              "'2024-13-45 99:00' as a time stamp")


def test_non_numeric_value(simple):
    tmp_path, data_path = simple
    data_path.write_text(data_path.read_text().replace("02:00,m1,1", "02:00,m1,twelve"))
    with pytest.raises(InputError, match=r"d.csv: value \(id m1\): row 4: 'twelve' is not a"):
        load_meters(data_path, _map(tmp_path, _meters()), "UTC")


def test_missing_meter_and_unmapped_meter(simple):
    tmp_path, data_path = simple
    doc = _meters()
    doc["meters"]["m2"] = {"target": "enterprise.e9.electricity", "unit": "kWh"}
    with pytest.raises(InputError, match=r"d.csv: meter \(id m2\): meter 'm2' of the mapping "
                                         "is not in the file"):
        load_meters(data_path, _map(tmp_path, doc), "UTC")
    data_path.write_text(data_path.read_text() + "2024-01-01 00:00,extra,5\n")
    with pytest.raises(InputError, match=r"meter \(id extra\): meter of the file is not in"):
        load_meters(data_path, _map(tmp_path, _meters()), "UTC")
    doc = {**_meters(), "ignore_unmapped": True}
    data = load_meters(data_path, _map(tmp_path, doc), "UTC")
    assert data.report.ignored_meters == {str(data_path): ["extra"]}


def test_data_file_and_time_zone_problems(simple):
    tmp_path, data_path = simple
    doc = _meters(file="nowhere.csv")
    with pytest.raises(InputError, match=r"map.yaml: meters.m1.file \(id m1\): data file not"):
        load_meters(tmp_path, _map(tmp_path, doc), "UTC")
    doc = _meters()
    doc["meters"]["m2"] = {"target": "grid.export", "unit": "kWh", "source": "m1"}
    with pytest.raises(InputError, match=r"\(id m2\): meter 'm1' of the file is mapped more"):
        load_meters(data_path, _map(tmp_path, doc), "UTC")
    with pytest.raises(InputError, match="tz_out: unknown time zone 'Mars/Olympus'"):
        load_meters(data_path, _map(tmp_path, _meters()), "Mars/Olympus")


def test_wide_column_missing(tmp_path):
    data_path = _write(tmp_path, "w.csv", "timestamp,a\n2024-01-01,1\n2024-01-02,2\n")
    doc = {"timezone": "UTC", "meters": {"b": {"target": "grid.import", "unit": "kWh"}}}
    with pytest.raises(InputError) as err:
        load_meters(data_path, _map(tmp_path, doc), "UTC")
    lines = str(err.value).splitlines()
    assert f"{data_path}: (columns) (id b): meter 'b' of the mapping is not in the file" in lines
    assert any("(id a): meter of the file is not in the mapping" in line for line in lines)


@pytest.mark.parametrize("change, expected", [
    ({"unit": "kWhh"}, "map.yaml: meters.m1.unit (id m1): unknown unit 'kWhh'"),
    ({"unit": "t"}, "map.yaml: meters.m1.unit (id m1): cannot convert 't' to the model unit"),
    ({"target": "enterprise.e1"}, "map.yaml: meters.m1.target (id m1): expected enterprise."),
    ({"target": "enterprise.e1.plasma"}, "meters.m1.target (id m1): unknown carrier 'plasma'"),
    ({"colour": "red"}, "map.yaml: meters.m1.colour (id m1): unknown key"),
])
def test_mapping_problems_name_key_and_meter(simple, change, expected):
    tmp_path, data_path = simple
    with pytest.raises(InputError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        load_meters(data_path, _map(tmp_path, _meters(**change)), "UTC")


def test_mapping_top_level_problems_all_reported(simple):
    tmp_path, data_path = simple
    doc = {"meters": {"m1": {"target": "grid.import", "unit": "kWh"}}, "duplicates": "max",
           "interval": "weekly"}
    with pytest.raises(InputError) as err:
        load_meters(data_path, _map(tmp_path, doc), "UTC")
    fields = [p.field for p in err.value.problems]
    assert fields == ["timezone", "interval", "duplicates"]


def test_unknown_unit_in_file_column(tmp_path):
    rows = ["2024-01-01,m,1,kWh", "2024-01-02,m,1,furlongs"]
    data_path = _write(tmp_path, "u.csv", _csv(rows, "timestamp,meter,value,unit"))
    doc = {"timezone": "UTC", "meters": {"m": {"target": "grid.import"}}}
    with pytest.raises(InputError, match=r"u.csv: unit \(id m\): unknown unit 'furlongs'"):
        load_meters(data_path, _map(tmp_path, doc), "UTC")


# ---------------------------------------------------------------- real data


def _cambridge_map(tmp_path: Path, timezone: str = "UTC") -> Path:
    meters = {}
    for b in CAMBRIDGE:
        meters[f"{b}_el"] = {"target": f"enterprise.{b}.electricity", "unit": "kWh",
                             "source": "equipment load [kWh]",
                             "file": f"UCam_Building_{b}_electricity_2019.csv"}
        meters[f"{b}_gas"] = {"target": f"enterprise.{b}.heat", "unit": "kWh",
                              "source": "heating load [kWh]",
                              "file": f"UCam_Building_{b}_gas_2019.csv"}
    return _map(tmp_path, {"timezone": timezone, "columns": {"timestamp": "datetime"},
                           "zeros_are_missing": True, "meters": meters}, "cambridge.yaml")


@pytest.fixture(scope="module")
def cambridge(shared_data, tmp_path_factory):
    folder = shared_data / "meters" / "cambridge"
    tmp_path = tmp_path_factory.mktemp("cambridge")
    return folder, load_meters(folder, _cambridge_map(tmp_path), "Europe/London"), tmp_path


def test_cambridge_report_counts_zeros(cambridge):
    folder, data, _ = cambridge
    assert data.interval == "h" and data.frame.shape == (8760, 6)
    for meter in data.frame:
        b, kind = meter.split("_")
        kind = "electricity" if kind == "el" else "gas"
        raw = pd.read_csv(folder / f"UCam_Building_{b}_{kind}_2019.csv").iloc[:, 1]
        counts = _counts(data, meter)
        assert counts["rows_read"] == 8760 and counts["zeros_masked"] == int((raw == 0).sum())
        # the file is a regular grid (GMT all year), so no DST duplicates or gaps
        assert counts["duplicates"] == 0 and counts["gaps"] == 0
        assert counts["kept"] + counts["excluded"] == 8760
        kept = data.frame[meter].dropna()
        assert kept.sum() <= raw.sum() / 1000 + 1e-9
    assert _counts(data, "b0_gas")["zeros_masked"] == 4900  # boiler off: publisher wrote 0


def test_cambridge_is_not_london_wall_clock(shared_data, tmp_path):
    folder = shared_data / "meters" / "cambridge"
    with pytest.raises(InputError, match=r"row 2139: 2019-03-31 01:00:00 does not exist"):
        load_meters(folder, _cambridge_map(tmp_path, "Europe/London"), "UTC")


def test_cambridge_aggregation_conserves_energy(cambridge):
    _, data, _ = cambridge
    monthly, coverage = data.aggregate("monthly")
    daily, _ = data.aggregate("daily", min_coverage=0.0)
    full = coverage == 1.0
    assert full["b2_gas"].all() and not full["b0_gas"].any()
    by_month = data.frame.groupby(data.frame.index.month).sum()
    np.testing.assert_allclose(monthly.where(full).to_numpy(),
                               by_month.where(full.to_numpy()).to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(daily.sum(), data.frame.sum(), rtol=1e-12)
    assert monthly["b0_gas"].isna().all()  # a third of its hours are zeros: never compared
    assert coverage.index[3] == pd.Timestamp("2019-04-01", tz="Europe/London")


def test_cambridge_long_form_matches_wide(cambridge):
    folder, data, tmp_path = cambridge
    frames = []
    for b in CAMBRIDGE:
        raw = pd.read_csv(folder / f"UCam_Building_{b}_electricity_2019.csv")
        frames.append(pd.DataFrame({"timestamp": raw["datetime"], "meter": f"{b}_el",
                                    "value": raw.iloc[:, 1], "unit": "kWh"}))
    data_path = tmp_path / "long.csv"
    pd.concat(frames).to_csv(data_path, index=False)
    meters = {f"{b}_el": {"target": f"enterprise.{b}.electricity"} for b in CAMBRIDGE}
    doc = {"timezone": "UTC", "zeros_are_missing": True, "meters": meters}
    long = load_meters(data_path, _map(tmp_path, doc, "long.yaml"), "Europe/London")
    pd.testing.assert_frame_equal(long.frame, data.frame[list(meters)])


@pytest.fixture(scope="module")
def yangzhong(shared_data):
    path = shared_data / "meters" / "yangzhong" / "yangzhong_enterprise_daily_kwh_2015.csv.gz"
    raw = pd.read_csv(path)
    top = raw.groupby("user_id")["kwh"].sum().nlargest(20)
    return path, raw, top


def _yangzhong_map(tmp_path: Path, top: pd.Series, **options) -> Path:
    meters = {f"e{u}": {"target": f"enterprise.e{u}.electricity", "unit": "kWh",
                        "source": str(u)} for u in top.index}
    doc = {"timezone": "Asia/Shanghai", "meters": meters, **options,
           "columns": {"timestamp": "date", "meter": "user_id", "value": "kwh"}}
    return _map(tmp_path, doc, "yangzhong.yaml")


def test_yangzhong_unmapped_meters_are_an_error(yangzhong, tmp_path):
    path, _, top = yangzhong
    with pytest.raises(InputError) as err:
        load_meters(path, _yangzhong_map(tmp_path, top), "Asia/Shanghai")
    assert len(err.value.problems) == 11  # 10 listed, then a summary line
    assert "... and 1424 more meters of the file not in the mapping" in str(err.value)


def test_yangzhong_daily_largest_twenty(yangzhong, tmp_path):
    path, raw, top = yangzhong
    map_path = _yangzhong_map(tmp_path, top, ignore_unmapped=True, outlier_k=None)
    data = load_meters(path, map_path, "Asia/Shanghai", keep=SCREENS)  # every reading kept
    assert data.interval == "D" and data.frame.shape == (365, 20)
    assert len(data.report.ignored_meters[str(path)]) == 1434
    np.testing.assert_allclose(data.frame.sum().to_numpy(), top.to_numpy() / 1000, rtol=1e-12)
    assert data.frame.index[0] == pd.Timestamp("2015-01-01", tz="Asia/Shanghai")
    monthly, coverage = data.aggregate("monthly")
    assert (coverage == 1.0).all().all()
    np.testing.assert_allclose(monthly.sum(), data.frame.sum(), rtol=1e-12)
    screened = load_meters(path, _yangzhong_map(tmp_path, top, ignore_unmapped=True),
                           "Asia/Shanghai")
    outliers = {m: c.outliers for m, c in screened.report.meters.items()}
    assert 0 < sum(outliers.values()) < 0.02 * 365 * 20
    flagged = screened.frame.isna() & data.frame.notna()
    assert data.frame.where(flagged).stack().min() == 1e-3  # the 1-kWh placeholder days
    counts = screened.report.meters
    assert counts["e1416"].screened == {"placeholder": 3}  # 1 kWh on three days
    assert counts["e1310"].duplicate_of == "e1307"  # one series published under two ids
    assert counts["e1310"].screened["duplicate_series"] == screened.frame["e1307"].notna().sum()
    assert screened.frame["e1310"].isna().all() and counts["e1310"].kept == 0
    assert data.report.meters["e1416"].kept_screened == {"placeholder": 3}
