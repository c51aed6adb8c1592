"""Issue 14, finding 4: a run that misses its demand, or wastes what it built a path for,
says so in the CLI (run, assess, compare), the HTML report and the app.

A park short of grid capacity imports less and so "saves" CO2 and money; the warning is what
keeps that from reading as an improvement.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import mini_dict

import twin
from twin.cli import main
from twin.kernel.results import Results
from twin.kernel.warnings import run_warnings
from twin.present.report import html_report


@pytest.fixture(scope="module")
def starved_raw() -> dict:
    data = mini_dict()
    data["name"] = "starved"
    data["grid"]["import_max_mw"] = 1.0  # far below the mini park's load
    return data


@pytest.fixture(scope="module")
def starved(starved_raw, tmp_path_factory):
    import yaml

    folder = tmp_path_factory.mktemp("warn")
    (folder / "starved.yaml").write_text(yaml.safe_dump(starved_raw), encoding="utf-8")
    (folder / "mini.yaml").write_text(yaml.safe_dump(mini_dict()), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def starved_run(starved):
    return twin.run(twin.load_scenario(starved / "starved.yaml"))


def test_unserved_electricity_is_an_unmet_warning_of_the_unserved_amount(starved_run):
    (w, *_) = run_warnings(starved_run)
    assert w.kind == "unmet" and w.bus == "el" and w.unit == "MWh" and w.key == "warnings.unmet"
    assert w.amount == pytest.approx(starved_run.kpis["unserved_mwh"], rel=1e-9)
    assert w.amount > 100 and 0 < w.hours <= 168


def test_a_park_that_meets_its_demand_has_no_unmet_warning(starved):
    r = twin.run(twin.load_scenario(starved / "mini.yaml"))
    assert not [w for w in run_warnings(r) if w.kind == "unmet"]


def _results(roles: list[str], buses: list[str], carriers: list[str], flows: list[list[float]]) -> Results:
    """A hand-made run: ports with roles on buses, hourly flows (+ into the bus)."""
    n = len(flows)
    return Results(scenario=None, index=pd.date_range("2025-01-01", periods=n, freq="h"),
                   port_names=[f"{r}@{b}" for r, b in zip(roles, buses, strict=True)],
                   port_bus=np.array(buses, dtype=object), port_role=np.array(roles, dtype=object),
                   port_carrier=np.array(carriers, dtype=object), flows=np.array(flows, dtype=float),
                   store_ids=[], soc_mwh=np.zeros((n, 0)), soc0_mwh=np.zeros(0), events=pd.DataFrame(),
                   import_price=np.zeros(n), fuel_price={})


def test_vent_and_dump_warn_only_where_a_path_was_built():
    r = _results(
        ["converter_out", "vent", "co2_storage", "vent", "converter_out", "vent", "dump", "dump", "converter_in"],
        ["captured", "captured", "captured", "atmosphere", "atmosphere", "flue", "heat", "waste_heat", "waste_heat"],
        ["co2", "co2", "co2", "co2", "co2", "co2", "heat", "waste_heat", "waste_heat"],
        [[5, -2, -3, -4, 4, -1, -7, -2, -1], [5, -1, -4, -4, 4, -1, 0, -3, -1]])
    got = {(w.bus, w.role): w.amount for w in run_warnings(r)}
    # captured CO2 vented beside its pipeline (3 t), waste heat dumped beside its recovery (5 MWh);
    # the atmosphere's vent (emissions), a flue without capture and a heat bus without a path are design
    assert got == {("captured", "vent"): 3.0, ("waste_heat", "dump"): 5.0}


def test_unmet_demand_comes_before_waste_whatever_the_amounts():
    """1 MWh unserved on el and 5 MWh of waste heat dumped beside its recovery: the shortfall
    is listed first; within a kind the biggest first."""
    r = _results(["unserved", "demand", "unserved", "demand", "dump", "converter_in"],
                 ["el", "el", "heat", "heat", "waste_heat", "waste_heat"],
                 ["electricity", "electricity", "heat", "heat", "waste_heat", "waste_heat"],
                 [[0.5, -0.5, 0.2, -0.2, -3, -1], [0.5, -0.5, 0.1, -0.1, -2, -1]])
    assert [(w.kind, w.bus, w.amount) for w in run_warnings(r)] == [
        ("unmet", "el", pytest.approx(1.0)), ("unmet", "heat", pytest.approx(0.3)),
        ("wasted", "waste_heat", pytest.approx(5.0))]


def test_cli_run_and_assess_warn_on_stderr(starved, capsys):
    assert main(["run", str(starved / "starved.yaml")]) == 0
    err = capsys.readouterr().err
    assert "WARNING: Demand not met: bus el went" in err and "not real improvements" in err
    assert main(["assess", "--json", str(starved / "starved.yaml")]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["meets_demand"] is False and doc["warnings"][0]["kind"] == "unmet"
    assert "WARNING: Demand not met" in err


def test_cli_compare_flags_the_scenario_that_misses_its_demand(starved, capsys):
    assert main(["compare", str(starved / "mini.yaml"), str(starved / "starved.yaml")]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if line.startswith("WARNING")]
    assert "WARNING: DEMAND NOT MET: starved.yaml" in warned
    assert not any("mini.yaml" in line for line in warned)


def test_report_shows_the_warning(starved, starved_run):
    ok = twin.run(twin.load_scenario(starved / "mini.yaml"))
    page = html_report({"mini": ok, "starved": starved_run}, lang="en")
    block = page.split("<div class='warn' role='alert'>", 1)[1].split("</div>", 1)[0]
    assert "DEMAND NOT MET: starved" in block and "Demand not met: bus el" in block


def test_app_results_page_shows_the_warning():
    from test_app import goto, start, upload

    text = b"extends: mini.yaml\nname: starved\ngrid: {import_max_mw: 1}\n"
    at = goto(upload(start(), "starved.yaml", text), "results")
    shown = " ".join(e.value for e in at.error)
    assert "未满足需求" in shown and "母线 el" in shown and at.metric  # the figures, and the warning


@pytest.mark.parametrize(("amount", "shown"), [(15155.4, "15,155"), (10.0, "10"), (9.87654, "9.88"),
                                               (0.0123456, "0.0123"), (10.6, "11")])
def test_warning_amount_reads_in_thousands_or_three_significant_digits(amount, shown):
    """Ten units and more in whole units with thousands separators ("15,155 MWh unserved"),
    less to three significant digits, so a small shortfall does not read as "0"."""
    from twin.kernel.warnings import RunWarning

    w = RunWarning("unmet", "el", "electricity", amount, "MWh", 3, "unserved")
    assert w.values() == {"kind": "unmet", "bus": "el", "carrier": "electricity", "amount": shown,
                          "unit": "MWh", "hours": 3, "role": "unserved"}
