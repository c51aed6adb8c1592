"""The command line: run, --json, --out files, validate shipped scenarios."""

from __future__ import annotations

import json

import pandas as pd
from conftest import SCENARIOS

from twin.cli import main


def test_shipped_scenarios_validate(capsys):
    files = sorted(str(p) for p in SCENARIOS.glob("*.yaml"))
    assert main(["validate", *files]) == 0, capsys.readouterr().err


def test_run_json_prints_one_object(capsys):
    assert main(["run", str(SCENARIOS / "mini.yaml"), "--json"]) == 0
    kpis = json.loads(capsys.readouterr().out)
    assert kpis["hours"] == 168
    for key in ("electricity_demand_mwh", "co2_net_t", "carbon_per_energy_t_per_tce", "energy_cost_cny"):
        assert key in kpis


def test_run_writes_results(tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", str(SCENARIOS / "mini.yaml"), "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {"kpis.json", "flows.parquet", "events.csv", "scenario.yaml", "daily.csv"}
    flows = pd.read_parquet(out / "flows.parquet")
    assert len(flows) == 168
    assert all("@" in c for c in flows.columns if c != "time")
    assert "grid_import@el" in flows.columns
    # the resolved scenario runs again to the same KPIs
    assert main(["run", str(out / "scenario.yaml"), "--json"]) == 0
    again = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert again == json.loads((out / "kpis.json").read_text())


def test_rerun_replaces_previous_results(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    assert main(["run", str(SCENARIOS / "mini.yaml"), "--out", str(out)]) == 0
    assert not (out / "stale.txt").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
