"""Sweeps: field paths, the table against single runs, failed runs, bad input, determinism on Dask."""

from __future__ import annotations

import importlib
import json

import pandas as pd
import pytest
import yaml
from conftest import SCENARIOS

import twin
from twin.cli import main
from twin.explore.fields import parse_values, parse_vary
from twin.explore.sweep import sweep

MINI = str(SCENARIOS / "mini.yaml")
PV = "assets[pv_roof].p_dc_mw"


def _mini_with(**changes) -> dict:
    data = yaml.safe_load((SCENARIOS / "mini.yaml").read_text(encoding="utf-8"))
    for key, value in changes.items():
        data[key] = value
    return data


def test_ranges_are_inclusive_and_lists_parse_as_yaml():
    assert parse_values("4:12:4", PV, MINI) == (4, 8, 12)
    assert parse_values("0.1:0.3:0.1", PV, MINI) == (0.1, 0.2, 0.3)
    assert parse_values("8, 12.5,self_consumption", PV, MINI) == (8, 12.5, "self_consumption")


def test_field_paths_resolve_ids_wildcards_and_scaling():
    sc = twin.load_scenario(MINI)
    spec = parse_vary("enterprises[*].demand.electricity_mwh*=0.5,1", sc, MINI)
    assert [t[0][1] for t in spec.field.targets] == ["textile_a", "electronics_b", "office_c"]
    overlay = spec.field.overlay(0.5)
    assert [e["demand"]["electricity_mwh"] for e in overlay["enterprises"]] == [20000, 30000, 1500]
    assert parse_vary(f"{PV}=3", sc, MINI).field.overlay(3) == {"assets": [{"id": "pv_roof", "p_dc_mw": 3}]}


def test_sweep_rows_equal_single_runs(write_scenario):
    s = sweep(MINI, [f"{PV}=4,12", "grid.import_max_mw=25"], workers=0)
    assert list(s.table[PV]) == [4, 12] and s.table["error"].isna().all()
    for _, row in s.table.iterrows():
        data = _mini_with()
        data["assets"][2]["p_dc_mw"] = row[PV]
        data["grid"]["import_max_mw"] = 25
        a = twin.assess(twin.run(twin.load_scenario(write_scenario(data))))
        assert row["co2_net_t"] == a.kpis["co2_net_t"]
        assert row["pv_generation_mwh"] == a.kpis["pv_generation_mwh"]
        assert row["pv_cost_cny"] == a.economics.pv_cost_cny
        assert row["carbon_per_energy_t_co2_per_tce"] == a.core.value
    # more PV: more PV energy and less CO2
    assert s.table["pv_generation_mwh"].iloc[1] == pytest.approx(3 * s.table["pv_generation_mwh"].iloc[0], rel=0.02)
    assert s.table["co2_net_t"].iloc[1] < s.table["co2_net_t"].iloc[0]


def test_seeds_follow_the_file_seed():
    s = sweep(MINI, [f"{PV}=8"], seeds=2, workers=0)
    assert list(s.table["seed"]) == [7, 8]
    single = twin.assess(twin.run(twin.load_scenario(MINI), seed=8))
    assert s.table["co2_net_t"].iloc[1] == single.kpis["co2_net_t"]


def test_a_failed_run_is_recorded_and_the_sweep_goes_on(monkeypatch):
    module = importlib.import_module("twin.explore.sweep")  # the package exports its function sweep
    real = module.run

    def flaky(scenario, seed=None):
        if next(a for a in scenario.assets if a.id == "pv_roof").p_dc_mw == 6:
            raise RuntimeError("solver fell over")
        return real(scenario, seed=seed)

    monkeypatch.setattr(module, "run", flaky)
    t = sweep(MINI, [f"{PV}=4,6,8"], workers=0).table
    assert t["error"].tolist()[1] == "RuntimeError: solver fell over"
    assert t["error"].isna().tolist() == [True, False, True]
    assert pd.isna(t["co2_net_t"].iloc[1]) and t["co2_net_t"].iloc[[0, 2]].notna().all()


@pytest.mark.parametrize("vary, field", [
    ("assets[pv_x].p_dc_mw=4", "assets[pv_x].p_dc_mw (id pv_x)"),
    (f"{PV}=-1,4", f"{PV} (id pv_roof)"),
    ("grid.import_mw=1,2", "grid.import_mw"),
    ("grid.import_max_mw=normal(1,-1)", "grid.import_max_mw"),
])
def test_bad_field_or_value_is_one_line_and_exit_2(tmp_path, capsys, vary, field):
    out = tmp_path / "out"
    assert main(["sweep", MINI, "--vary", vary, "--workers", "0", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{MINI}: {field}: ")
    assert not out.exists()


def test_cli_writes_table_and_summary(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sweep", MINI, "--vary", f"{PV}=4,8", "--workers", "0", "--out", str(out)]) == 0
    t = pd.read_parquet(out / "runs.parquet")
    assert len(t) == 2 and {PV, "seed", "co2_net_t", "pv_cost_cny", "clean_energy_share_passed", "error"} <= set(t)
    assert {p.name for p in out.iterdir()} >= {"runs.parquet", "summary.json", "percentiles.csv", "indicators.csv"}
    text = (out / "summary.json").read_text(encoding="utf-8")
    summary = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in summary.json"))  # strict JSON
    assert summary["runs"] == 2 and summary["errors"] == 0
    assert summary["percentiles"]["co2_net_t"]["p50"] == pytest.approx(t["co2_net_t"].median())


def test_two_dask_workers_give_the_table_of_one_process():
    args = (MINI, [f"{PV}=4,8", "grid.emission_factor.t_co2_per_mwh=uniform(0.4,0.6)"])
    here = sweep(*args, seeds=2, draws=2, workers=0).table
    dask = sweep(*args, seeds=2, draws=2, workers=2).table
    assert len(here) == 8
    pd.testing.assert_frame_equal(here, dask, check_exact=True)
