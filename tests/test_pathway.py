"""Measures, grid-factor trajectory, pathways, the MAC curve and compare, on a small park.

The plan park: one firm heated by a coal boiler, on the grid; its size is declared as
300,000 tce (indicators.size_tce) so the 0.2 tCO2/tce threshold applies. Measures: half of
the grid purchases covered by certificates in 2026; in 2028 the coal boiler gives way to an
electric boiler and certificates cover everything -> CO2 0, the threshold is met in 2028.
"""

from __future__ import annotations

import copy
import csv
import json

import pytest
from conftest import ROOT, SCENARIOS

import twin
from twin.accounts.grid_path import factor_in_year, year_overrides
from twin.appraisal.pathway import mac_curve, run_pathway
from twin.cli import main
from twin.errors import InputError
from twin.scenario.measures import apply_measures

PLAN = {
    "name": "Plan park", "seed": 1,
    "period": {"year": 2025, "start": "2025-03-03", "days": 7},
    "site": {"name": "Plan", "latitude_deg": 31.3, "longitude_deg": 120.62,
             "weather": {"source": "synthetic", "site": "suzhou"}},
    "grid": {"import_max_mw": 60, "tariff": "jiangsu_2024_industrial"},
    "reliability": {"failures": False},
    "enterprises": [{"id": "firm", "sector": "chemicals",
                     "demand": {"electricity_mwh": 50000, "heat_mwh": 80000}}],
    "assets": [{"id": "coal", "type": "boiler", "bus": "heat", "fuel": "coal", "p_th_max_mw": 25,
                "efficiency_frac": 0.8},
               {"id": "pv", "type": "pv", "owner": "firm", "p_dc_mw": 1}],
    "indicators": {"size_tce": 300000},
    "economics": {"existing_assets": "all", "horizon_yr": 10},
    "measures": [
        {"id": "certs_half", "year": 2026, "change": {"green_power": {"certificates_frac": 0.5}},
         "capex_cny": 0},
        {"id": "electric_heat", "year": 2028, "requires": ["certs_half"],
         "change": {"assets": [{"id": "coal", "remove": True},
                               {"id": "eboiler", "type": "boiler", "bus": "heat", "fuel": "electricity",
                                "p_th_max_mw": 30, "efficiency_frac": 0.99}],
                    "green_power": {"certificates_frac": 1.0}}},
        {"id": "bigger_pv", "year": 2030, "change": {"assets": [{"id": "pv", "p_dc_mw": 4}]}},
    ],
}


def plan(**changes) -> dict:
    data = copy.deepcopy(PLAN)
    data.update(changes)
    return data


@pytest.fixture
def plan_file(write_scenario):
    return write_scenario(plan(), "plan.yaml")


def test_measures_apply_in_year_with_their_costs(plan_file):
    sc = twin.load_scenario(plan_file)
    assert [a.id for a in apply_measures(sc, year=2027).assets] == ["coal", "pv"]
    end = apply_measures(sc)
    assert sorted(a.id for a in end.assets) == ["eboiler", "pv"] and end.measures == []
    assert end.green_power.certificates_frac == 1.0
    assert end.economics.existing_assets == ["pv"]  # the removed coal boiler is gone, "all" resolved
    inv = {i.id: i for i in end.economics.investments}
    assert inv["electric_heat.eboiler"].capex_cny == pytest.approx(30 * 250_000)  # electric boiler preset
    assert inv["bigger_pv.pv"].capex_cny == pytest.approx(3 * 3_000_000)  # only the 3 MWp added
    assert inv["certs_half"].capex_cny == 0 and inv["bigger_pv.pv"].year == 2030


def test_demand_scale_and_motor_classes(write_scenario):
    motors = {"motor_share_frac": 0.7, "motor_class_before": "IE2", "motor_class": "IE4"}
    data = plan(measures=[{"id": "motors", "year": 2025, "capex_cny": 1e6,
                           "demand_scale": {"sector:chemicals": {"electricity_frac": 0.9}},
                           "motor_systems": {"firm": motors}}])
    sc = twin.load_scenario(write_scenario(data))
    end = apply_measures(sc)
    assert end.enterprises[0].demand.electricity_mwh == pytest.approx(45000)
    assert end.enterprises[0].demand.heat_mwh == pytest.approx(80000)
    assert end.enterprises[0].motor_systems.motor_class == "IE4"
    factor = 1 + 0.7 * (0.898 / 0.926 - 1)  # IE2 -> IE4 on 70 % of the electricity
    before, after = twin.run(sc), twin.run(end)
    assert after.kpis["electricity_demand_mwh"] == pytest.approx(before.kpis["electricity_demand_mwh"] * 0.9 * factor)


def test_grid_factor_trajectory():
    assert factor_in_year("national_fossil", "national", 2023) == 0.8273  # published
    assert factor_in_year("national_fossil", "national", 2030) == pytest.approx(0.7738)  # projection
    assert factor_in_year("national_fossil", "national", 2030, "flat") == 0.8273
    east = factor_in_year("regional", "jiangsu", 2030)
    assert east == pytest.approx(0.55 * 0.4389 / 0.5306)  # follows the national average
    with pytest.raises(InputError, match="2040"):
        factor_in_year("national_fossil", "national", 2040)


def test_pathway_meets_the_threshold_when_the_measures_imply(plan_file):
    result = run_pathway(twin.load_scenario(plan_file), 2025, 2030)
    verdicts = {y.year: y.assessment.core.passed for y in result.years}
    assert verdicts == {2025: False, 2026: False, 2027: False, 2028: True, 2029: True, 2030: True}
    assert result.first_met == 2028
    y2026 = result.years[1]
    assert y2026.commissioned == ["certs_half"]
    # the grid factor of each year follows the projection (national method: fossil power)
    assert y2026.assessment.grid_factors["national_grid"] == pytest.approx(0.8044)
    assert y2026.assessment.core.value < result.years[0].assessment.core.value
    assert result.economics["co2_avoided_t"] > 0
    assert "first met in 2028" in result.verdict()


def test_mac_certificates_cost_their_price_per_tonne(plan_file):
    points = {p.id: p for p in mac_curve(twin.load_scenario(plan_file))}
    certs = points["certs_half"]
    assert certs.capex_cny == 0 and certs.co2_avoided_t_per_yr > 0
    assert certs.abatement_cost_cny_per_t == pytest.approx(5.0 / 0.8273)  # GEC price / fossil factor
    assert points["bigger_pv"].co2_avoided_t_per_yr > 0  # measured against the same baseline
    assert points["bigger_pv"].capex_cny == pytest.approx(9_000_000)


@pytest.mark.parametrize(("change", "expected"), [
    ({"accounting": {"year": 2019}}, "2019"),
    ({"accounting": {"province": "atlantis"}}, "unknown province 'atlantis'"),
    ({"measures": [{"id": "m", "year": 2026, "change": {"assets": [{"id": "ghost", "p_dc_mw": 3}]}}]},
     "references missing asset 'ghost'"),
    ({"measures": [{"id": "m", "year": 2026, "change": {"assets": [{"id": "ghost", "remove": True}]}}]},
     "measures[m].change.assets[ghost]"),
    ({"measures": [{"id": "m", "year": 2026, "demand_scale": {"nobody": {"electricity_frac": 0.9}}}]},
     "missing enterprise or sector 'nobody'"),
    ({"measures": [{"id": "m", "year": 2026, "change": {"assets": [{"id": "pv", "p_dc_mw": -1}]}}]},
     "measures[m] -> assets[pv].p_dc_mw"),
    ({"green_power": {"direct_assets": ["coal"]}}, "unknown asset 'coal' (a PV or wind asset id)"),
])
def test_bad_plans_name_the_item(write_scenario, capsys, change, expected):
    path = write_scenario(plan(**change))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(path) in err


@pytest.mark.parametrize(("args", "expected"), [
    (["--from", "2030", "--to", "2025"], "empty pathway range"),
    (["--from", "2034", "--to", "2040"], "no grid factor for 2036"),
])
def test_bad_pathway_range_exits_2(plan_file, capsys, args, expected):
    assert main(["pathway", str(plan_file), *args]) == 2
    assert expected in capsys.readouterr().err


def test_cli_pathway_mac_assess_and_compare(plan_file, write_scenario, capsys):
    assert main(["pathway", str(plan_file), "--from", "2027", "--to", "2028", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["first_met"] == 2028 and [y["year"] for y in out["years"]] == [2027, 2028]
    assert main(["mac", str(plan_file), "--json"]) == 0
    assert {p["id"] for p in json.loads(capsys.readouterr().out)} == {"certs_half", "electric_heat", "bigger_pv"}
    assert main(["assess", str(plan_file), "--year", "2027"]) == 0
    text = capsys.readouterr().out
    assert "national_park" in text and "carbon_per_energy" in text
    other = write_scenario(plan(measures=[]), "asis.yaml")
    assert main(["compare", str(other), str(plan_file), "--json"]) == 0
    cmp = json.loads(capsys.readouterr().out)
    nets = cmp["sections"]["accounts"]["national_net_co2_t"]
    assert cmp["differences_vs_first"]["accounts"]["national_net_co2_t"][1] == pytest.approx(nets[1] - nets[0])
    assert cmp["sections"]["versus_first"]["co2_avoided_t_per_yr"][1] > 0
    assert main(["compare", str(other), str(plan_file)]) == 0
    assert "Δ vs first" in capsys.readouterr().out


def test_reference_retrofit_stops_at_the_tile_kilns_in_2032():
    """The shipped retrofit: the last green power contract (2032) leaves only direct CO2.

    Left in 2032: process CO2 of 80,000 + 55,000 t fine chemicals x 0.05 and 150,000 t tiles x
    0.06 = 15,750 t, plus the tile kilns' gas x 0.038931 GJ/m3 x 15.3 kgC/GJ x 0.99 x 44/12
    (~50,000 t): ~0.23 tCO2/tce, above the 0.2 of a 200,000-1,000,000 tce park.
    """
    result = run_pathway(twin.load_scenario(SCENARIOS / "reference_retrofit.yaml"), 2031, 2032)
    (y31, y32) = result.years
    core = y32.assessment.core
    gas_co2_t = y32.assessment.kpis["natural_gas_m3"] * 0.038931e-3 * 15.3 * 0.99 * 44 / 12
    assert core.inputs["co2_t"] == pytest.approx(15_750 + gas_co2_t)
    assert y31.assessment.core.value > 1.0 > core.value > core.threshold == 0.2
    assert core.passed is False and result.first_met is None


def test_selected_measures_switch_off_one_and_what_requires_it():
    """Switching a measure off also switches off the measures that require it, transitively."""
    from twin.scenario.measures import in_service, selected

    sc = twin.load_scenario(SCENARIOS / "reference_retrofit.yaml")
    every = [m.id for m in in_service(sc)]
    assert [m.id for m in selected(sc)] == every
    needs = {m.id: set(m.requires) for m in sc.measures}
    root = next(i for i in every if any(i in r for r in needs.values()))
    dependants = {i for i, r in needs.items() if root in r}
    kept = [m.id for m in selected(sc, off=[root])]
    assert root not in kept and not dependants & set(kept)
    assert set(every) - set(kept) >= {root} | dependants
    assert [m.id for m in selected(sc, year=2026, off=[])] == [m.id for m in in_service(sc, 2026)]


def test_a_year_beyond_the_projection_names_file_field_year_and_the_data_ends():
    """The error says where published data end and what the projection covers (read from the files)."""
    data = ROOT / "twin" / "data"
    with (data / "grid_factors.csv").open(encoding="utf-8") as f:
        published = max(int(r["year"]) for r in csv.DictReader(f)
                        if (r["basis"], r["region"]) == ("national_average", "national"))
    with (data / "grid_factor_projection.csv").open(encoding="utf-8") as f:
        projected = [int(r["year"]) for r in csv.DictReader(f)]
    for basis, area in (("national_fossil", "national"), ("regional", "jiangsu")):
        with pytest.raises(InputError) as err:
            factor_in_year(basis, area, 2040, file="plan.yaml")
        (problem,) = err.value.problems
        assert (problem.file, problem.field, problem.id) == ("plan.yaml", "pathway", "2040")
        assert problem.message == (
            f"no grid factor for 2040: published data end in {published}, the projection covers "
            f"{min(projected)}-{max(projected)} (twin/data/grid_factor_projection.csv); "
            "give pathway.grid_factors for 2040")


def test_a_factor_the_scenario_overrides_is_held_and_the_others_still_follow_the_year(write_scenario):
    """The national method's fossil factor is fixed by the scenario; the GHG factors of 2030 are not.

    2030: national average 0.4389 (projection); residual mix 0.6096 (2023) x 0.4389 / 0.5306.
    """
    sc = twin.load_scenario(write_scenario(plan(accounting={"factor_overrides": {"grid:national_fossil": 0.7}})))
    assert year_overrides(sc, 2030) == pytest.approx({
        "grid:national_average:national": 0.4389,
        "grid:national_residual:national": 0.6096 * 0.4389 / 0.5306})
