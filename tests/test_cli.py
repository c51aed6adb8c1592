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


def test_run_help_lists_every_file_run_writes(tmp_path, capsys):
    """`run --help` names each output file, and the folder holds exactly those."""
    from twin.kernel.outputs import OUTPUT_FILES

    out = tmp_path / "res"
    assert main(["run", str(SCENARIOS / "mini.yaml"), "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == set(OUTPUT_FILES)
    capsys.readouterr()
    try:
        main(["run", "--help"])
    except SystemExit:
        pass
    text = " ".join(capsys.readouterr().out.split())
    assert all(name in text for name in OUTPUT_FILES)


def _variant(tmp_path, text: str):
    path = tmp_path / "variant.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_extends_a_shipped_scenario_by_name_in_the_cli(tmp_path, capsys):
    """A file outside the scenarios folder may extend a shipped scenario by its bare name."""
    path = _variant(tmp_path, "extends: mini.yaml\nname: mini with a bigger battery\n")
    assert main(["run", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hours"] == 168


def test_extends_an_unknown_name_lists_the_shipped_ones(tmp_path, capsys):
    path = _variant(tmp_path, "extends: no_such_park.yaml\n")
    assert main(["validate", path]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no_such_park.yaml not found" in err and "mini.yaml" in err


def test_compare_refuses_scenarios_of_different_periods(capsys):
    """A one-week file against a full year gave a meaningless NPV: refuse before simulating."""
    code = main(["compare", str(SCENARIOS / "mini.yaml"), str(SCENARIOS / "reference_baseline.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert "different periods" in err and "7 days from 2025-07-07" in err and "365 days from 2025-01-01" in err


def test_report_refuses_scenarios_of_different_periods(tmp_path, capsys):
    out = tmp_path / "r.html"
    code = main(["report", str(SCENARIOS / "mini.yaml"), str(SCENARIOS / "reference_baseline.yaml"),
                 "--out", str(out)])
    assert code == 2 and "different periods" in capsys.readouterr().err
    assert not out.exists()


MEASURE = """extends: mini.yaml
measures:
  - {id: more_pv, year: 2027, change: {assets: [{id: pv_roof, p_dc_mw: 2.0}]}}
"""


def test_year_before_the_first_measure_says_so(tmp_path, capsys):
    path = _variant(tmp_path, MEASURE)
    assert main(["run", path, "--year", "2020", "--json"]) == 0
    err = capsys.readouterr().err
    assert "no measure is in service in 2020" in err and "2027" in err


def test_year_after_the_last_measure_says_so(tmp_path, capsys):
    path = _variant(tmp_path, MEASURE)
    assert main(["run", path, "--year", "2040", "--json"]) == 0
    assert "every measure is in service by 2027" in capsys.readouterr().err


def test_year_within_the_measures_is_quiet(tmp_path, capsys):
    path = _variant(tmp_path, MEASURE)
    assert main(["run", path, "--year", "2027", "--json"]) == 0
    assert capsys.readouterr().err == ""
