"""Results: the per-bus balance, the long table, and the files a run writes.

Built by hand (four hours, three ports on two buses), so every expected value is read
off the arrays below; the files are checked against what the README and
``twin/kernel/outputs.py`` promise (columns, header, the resolved scenario).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import ROOT, SCENARIOS

import twin
from twin.kernel.results import EVENT_COLUMNS, Results
from twin.schema.scenario import Scenario

PORTS = ["grid_import@el", "firm@el", "boiler@heat"]
# two hours on Monday evening, two on Tuesday morning (local time); el deliberately off by 0.5 in hour 1
FLOWS = np.array([[3.0, -3.0, 1.0],
                  [2.0, -1.5, 2.0],
                  [1.0, -1.0, 3.0],
                  [4.0, -4.0, 4.0]])


def hand_results(scenario: Scenario | None = None) -> Results:
    sc = scenario or twin.load_scenario(SCENARIOS / "mini.yaml")
    index = pd.date_range("2025-07-07 22:00", periods=4, freq="h", tz="Asia/Shanghai")
    events = pd.DataFrame({"time": index[[1]], "asset": ["boiler"], "agent": ["park"],
                           "event": ["failure"], "detail": ["out of service for 2.0 h"]}, columns=EVENT_COLUMNS)
    return Results(scenario=sc, index=index, port_names=list(PORTS),
                   port_bus=np.array(["el", "el", "heat"], dtype=object),
                   port_role=np.array(["grid_import", "demand", "converter_out"], dtype=object),
                   port_carrier=np.array(["electricity", "electricity", "heat"], dtype=object),
                   flows=FLOWS, store_ids=["battery"], soc_mwh=np.array([[1.0], [2.0], [3.0], [2.5]]),
                   soc0_mwh=np.array([0.5]), events=events, import_price=np.full(4, 600.0),
                   fuel_price={}, kpis={"hours": 4, "grid_import_mwh": 10.0},
                   daily=pd.DataFrame({"firm.level": [1.0, 1.0]},
                                      index=pd.Index(["2025-07-07", "2025-07-08"], name="date")))


def test_balance_of_a_bus_lists_its_ports_and_their_sum():
    b = hand_results().balance("el")
    assert list(b.columns) == ["grid_import@el", "firm@el", "imbalance"]
    np.testing.assert_array_equal(b["imbalance"].to_numpy(), [0.0, 0.5, 0.0, 0.0])
    heat = hand_results().balance("heat")
    assert list(heat.columns) == ["boiler@heat", "imbalance"]


def test_daily_balance_sums_each_local_day():
    b = hand_results().balance("el", "D")
    assert [str(d.date()) for d in b.index] == ["2025-07-07", "2025-07-08"]
    np.testing.assert_array_equal(b["grid_import@el"].to_numpy(), [5.0, 5.0])
    np.testing.assert_array_equal(b["firm@el"].to_numpy(), [-4.5, -5.0])
    np.testing.assert_array_equal(b["imbalance"].to_numpy(), [0.5, 0.0])


def test_tidy_is_one_row_per_hour_and_port_with_its_bus_role_and_asset():
    r = hand_results()
    long = r.tidy()
    assert sorted(long.columns) == ["asset", "bus", "carrier", "port", "role", "time", "value"]
    assert len(long) == 4 * 3
    row = long[(long.port == "firm@el") & (long.time == r.index[1])].iloc[0]
    assert (row.asset, row.bus, row.role, row.carrier, row.value) == ("firm", "el", "demand", "electricity", -1.5)
    boiler = long[long.port == "boiler@heat"].sort_values("time")
    assert list(boiler.value) == [1.0, 2.0, 3.0, 4.0] and set(boiler.asset) == {"boiler"}
    assert set(boiler.bus) == {"heat"} and set(boiler.carrier) == {"heat"}


def test_written_files_hold_the_columns_the_readme_names(tmp_path):
    r = hand_results()
    out = r.write(tmp_path / "res")
    # flows.parquet: `time` and one column per port asset@bus, nothing else for any reader
    assert pq.read_table(out / "flows.parquet").column_names == ["time", *PORTS]
    flows = pd.read_parquet(out / "flows.parquet")
    np.testing.assert_array_equal(flows[PORTS].to_numpy(), FLOWS)
    assert pq.read_table(out / "storage.parquet").column_names == ["time", "battery"]
    assert list(pd.read_parquet(out / "storage.parquet")["battery"]) == [1.0, 2.0, 3.0, 2.5]
    # events.csv: the event columns, no index column
    assert (out / "events.csv").read_text(encoding="utf-8").splitlines()[0] == ",".join(EVENT_COLUMNS)
    # kpis.json: every KPI, one per line (readable, diffable)
    text = (out / "kpis.json").read_text(encoding="utf-8")
    assert json.loads(text) == r.kpis
    assert len(text.splitlines()) == len(r.kpis) + 2
    assert list(pd.read_csv(out / "daily.csv")["date"]) == ["2025-07-07", "2025-07-08"]


def test_resolved_scenario_reads_like_the_input_and_loads_back(tmp_path):
    r = hand_results()
    out = r.write(tmp_path / "res")
    text = (out / "scenario.yaml").read_text(encoding="utf-8")
    # fields in the schema's order (name first), as a user writes a scenario, not sorted
    assert list(yaml.safe_load(text)) == list(Scenario.model_fields)
    assert "name_zh: 迷你园区（一周，三家企业）" in text  # Chinese as text, not \\u escapes
    again = twin.load_scenario(out / "scenario.yaml")
    assert again.model_dump(mode="json") == r.scenario.model_dump(mode="json")


def test_resolved_scenario_is_utf_8_whatever_the_locale(tmp_path):
    """Under an ASCII locale (as a GBK or Latin-1 one would) scenario.yaml is still UTF-8."""
    script = ("import sys; sys.path.insert(0, 'tests'); from test_results import hand_results; "
              f"hand_results().write({str(tmp_path / 'res')!r})")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
           "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "迷你园区" in (tmp_path / "res" / "scenario.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["flows.parquet", "storage.parquet", "events.csv", "daily.csv",
                                  "kpis.json", "scenario.yaml"])
def test_every_output_file_is_written(tmp_path, name):
    out = hand_results().write(tmp_path / "res")
    assert (out / name).is_file()
