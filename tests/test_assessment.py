"""Accounts, indicators and economics through twin.run, against hand calculations.

The small park: one chemical firm with a coal boiler, 2 MWp of PV on its roof, process CO2
into a flue stream that an amine unit captures (90 %) for geological storage, 300 MWh of
green certificates; one summer week, failures off. Every expected value is computed here
from the run's own flows with the published factors, independently of the bridge.
"""

from __future__ import annotations

import copy
import dataclasses

import pytest

import twin
from twin.economics.run_economics import against

COAL_CO2 = 20.908e-3 * 26.0 * 0.94 * 44 / 12  # tCO2 per t coal: NCV x C content x oxidation x 44/12
FOSSIL, AVERAGE, RESIDUAL = 0.8273, 0.5306, 0.6096  # MEE & NBS 2023 [tCO2/MWh]

SMALL = {
    "name": "Small park", "seed": 3,
    "period": {"year": 2025, "start": "2025-06-02", "days": 7},
    "site": {"name": "Small", "latitude_deg": 31.3, "longitude_deg": 120.62,
             "weather": {"source": "synthetic", "site": "suzhou"}},
    "grid": {"import_max_mw": 50, "export_max_mw": 0, "tariff": "jiangsu_2024_industrial"},
    "reliability": {"failures": False},
    "buses": [{"id": "el", "carrier": "electricity"}, {"id": "heat", "carrier": "heat"},
              {"id": "flue", "carrier": "co2"},
              {"id": "captured", "carrier": "co2",
               "offtake": {"kind": "co2_storage", "max_per_h": 100, "price_cny_per_unit": -60}}],
    "enterprises": [{"id": "firm", "sector": "chemicals",
                     "demand": {"electricity_mwh": 40000, "heat_mwh": 60000},
                     "production": {"product": "resin", "t_per_year": 52000,
                                    "process_co2_t_per_t": 0.1, "flue_bus": "flue"}}],
    "assets": [{"id": "boiler", "type": "boiler", "owner": "firm", "bus": "heat", "fuel": "coal",
                "p_th_max_mw": 20, "efficiency_frac": 0.8},
               {"id": "pv", "type": "pv", "owner": "firm", "p_dc_mw": 2},
               {"id": "ccus", "type": "converter", "preset": "ccus_amine", "owner": "firm", "capacity": 3,
                "buses": {"flue": "flue", "captured": "captured", "steam": "heat"}}],
    "green_power": {"certificates_mwh": {"firm": 300}},
}


def small(**changes) -> dict:
    data = copy.deepcopy(SMALL)
    data.update(changes)
    return data


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "small.yaml"
    import yaml

    path.write_text(yaml.safe_dump(SMALL, sort_keys=False), encoding="utf-8")
    return twin.run(twin.load_scenario(path))


def flow(r, port: str) -> float:
    return float(r.flows[:, r.port_names.index(port)].sum())


def test_every_account_matches_the_hand_calculation(small_run):
    r = small_run
    coal_t = -flow(r, "boiler@coal")
    grid = flow(r, "grid_import@el")
    pv_used = flow(r, "pv@el")
    process = flow(r, "firm@flue")
    stored = -flow(r, "co2_storage@captured")
    assert coal_t > 0 and grid > 300 and pv_used > 0 and stored == pytest.approx(0.9 * process)
    a = twin.assess(r)
    nat, loc, mkt = (a.accounts[k] for k in ("national_park", "ghg_location", "ghg_market"))
    direct = coal_t * COAL_CO2 + process
    certs = 300 * 168 / 8760  # 300 MWh/yr of certificates, one week of them
    # national park method: fossil-power factor, certificates at zero, CCS stored deducted
    assert nat.gross_co2_t == pytest.approx(direct + (grid - certs) * FOSSIL)
    assert nat.line("electricity:certificates").activity == pytest.approx(certs)
    assert nat.line("electricity:inpark_renewable").activity == pytest.approx(pv_used)
    assert nat.net_co2_t == pytest.approx(nat.gross_co2_t - stored)
    # GHG Protocol: location (grid average) and market (residual mix on what certificates leave);
    # CO2 sent to storage is not emitted: outside scope 1, reported beside it
    assert loc.scope_co2_t(1) == pytest.approx(direct - stored)
    assert loc.ccs_stored_co2_t == pytest.approx(stored)
    assert loc.scope_co2_t(2) == pytest.approx(grid * AVERAGE)
    assert mkt.scope_co2_t(2) == pytest.approx((grid - certs) * RESIDUAL)
    assert loc.net_co2_t == pytest.approx(direct + grid * AVERAGE - stored)
    # product footprint (CBAM-style): stored CO2 subtracted, all grid power at the average factor
    (fp,) = a.footprints
    resin_t = 52000 * 168 / 8760
    assert fp.output_t == pytest.approx(resin_t)
    assert fp.t_co2_per_t == pytest.approx((direct - stored + grid * AVERAGE) / resin_t)
    # indicators: comprehensive energy and the core ratio
    energy = coal_t * 0.7143 + (grid + pv_used) * 0.1229
    assert a.energy.total_tce == pytest.approx(energy)
    assert a.core.value == pytest.approx((nat.gross_co2_t - stored) / energy)
    assert a.core.threshold is None and a.core.passed is None  # a small park: threshold not set
    assert a.indicators["clean_energy_share"].value == pytest.approx((pv_used + certs) * 0.1229 / energy)


def test_certificates_lower_market_scope2_but_not_the_footprint(small_run):
    without = dataclasses.replace(small_run, scenario=small_run.scenario.model_copy(
        update={"green_power": small_run.scenario.green_power.model_copy(update={"certificates_mwh": {}})}))
    with_certs, no_certs = twin.assess(small_run), twin.assess(without)
    assert with_certs.accounts["ghg_market"].scope_co2_t(2) < no_certs.accounts["ghg_market"].scope_co2_t(2)
    assert with_certs.accounts["national_park"].net_co2_t < no_certs.accounts["national_park"].net_co2_t
    assert with_certs.accounts["ghg_location"].net_co2_t == pytest.approx(no_certs.accounts["ghg_location"].net_co2_t)
    assert with_certs.footprints[0].t_co2_per_t == pytest.approx(no_certs.footprints[0].t_co2_per_t)
    assert with_certs.economics.operating_cny["certificates_cny"] == pytest.approx(300 * 5.0)  # 300 MWh/yr at 5 CNY/MWh


@pytest.mark.parametrize(("size_tce", "threshold"), [(150_000, None), (200_000, 0.2), (999_999, 0.2),
                                                     (1_000_000, 0.3)])
def test_core_threshold_switches_with_park_size(small_run, size_tce, threshold):
    sc = small_run.scenario
    sized = sc.model_copy(update={"indicators": sc.indicators.model_copy(update={"size_tce": size_tce})})
    core = twin.assess(dataclasses.replace(small_run, scenario=sized)).core
    assert core.threshold == threshold
    assert core.passed is (None if threshold is None else False)
    assert core.inputs["size_tce"] == size_tce


def test_direct_connection_is_green_in_the_footprint(write_scenario):
    data = small(green_power={"direct_assets": ["pv"]})
    a = twin.assess(twin.run(twin.load_scenario(write_scenario(data))))
    ent = a.activity.park.enterprises[0]
    assert ent.inpark_renewable_mwh == 0 and ent.direct_green_mwh > 0
    assert a.accounts["national_park"].line("electricity:direct_green").co2_t == 0
    assert a.indicators["direct_green_share"].inputs["green_mwh"] == pytest.approx(ent.direct_green_mwh)


def test_allocation_closes_the_electricity_balance(small_run):
    a = twin.assess(small_run)
    ents = a.activity.park.enterprises
    assert sum(e.grid_electricity_mwh for e in ents) == pytest.approx(small_run.kpis["grid_import_mwh"])
    assert sum(e.inpark_renewable_mwh for e in ents) == pytest.approx(small_run.kpis["pv_generation_mwh"])
    assert {e.id for e in ents} == {"firm"}  # all equipment belongs to the firm: nothing internal


def test_heat_from_a_park_boiler_is_an_internal_supply(write_scenario):
    data = small()
    data["assets"][0]["owner"] = "park"
    data["assets"] = data["assets"][:2]
    data["enterprises"][0]["production"].pop("flue_bus")
    a = twin.assess(twin.run(twin.load_scenario(write_scenario(data))))
    firm = next(e for e in a.activity.park.enterprises if e.id == "firm")
    (heat,) = [s for s in firm.internal if s.carrier == "heat"]
    assert heat.supplier_id == "park"
    assert heat.t_co2_per_mwh == pytest.approx(COAL_CO2 / (20.908 / 3.6 * 0.8), rel=1e-6)  # coal CO2 per MWh heat
    loc_firm = a.enterprise_accounts["firm"][0]
    assert loc_firm.line("internal:heat:park").co2_t == pytest.approx(heat.mwh * heat.t_co2_per_mwh)
    park_loc = a.accounts["ghg_location"]
    assert not [ln for ln in park_loc.lines if ln.item.startswith("internal:")]  # cancels in the park


def test_npv_and_payback_against_a_hand_calculation(write_scenario):
    fin = {"discount_rate_frac": 0.08, "horizon_yr": 10, "residual": "none", "existing_assets": "all"}
    base = twin.assess(twin.run(twin.load_scenario(write_scenario(small(economics=fin), "a.yaml"))))
    more = small(economics={**fin, "existing_assets": ["boiler", "pv", "ccus"]})  # the new PV is not sunk
    more["assets"] = [*more["assets"], {"id": "pv_more", "type": "pv", "owner": "firm", "p_dc_mw": 5}]
    proj = twin.assess(twin.run(twin.load_scenario(write_scenario(more, "b.yaml"))))
    assert proj.economics.capex_cny == pytest.approx(5 * 3_000_000)  # 3.0 CNY/Wp, asset_costs.csv
    assert proj.economics.operating_cny["fixed_om_cny"] - base.economics.operating_cny["fixed_om_cny"] == \
        pytest.approx(5 * 45_000)
    saving = base.economics.annual_cost_cny - proj.economics.annual_cost_cny
    assert saving > 0
    annuity = (1 - 1.08 ** -10) / 0.08
    got = against(proj.economics, base.economics)
    assert got["npv_cny"] == pytest.approx(-15_000_000 + saving * annuity)
    assert got["simple_payback_yr"] == pytest.approx(15_000_000 / saving)
    avoided = base.economics.co2_t - proj.economics.co2_t
    assert got["abatement_cost_cny_per_t"] == pytest.approx((15_000_000 - saving * annuity) / (avoided * annuity))


def test_assessment_is_plain_data(small_run):
    import json

    data = twin.assess(small_run).to_dict()
    text = json.dumps(data)
    assert "national_park" in text and data["summary"]["national_net_co2_t"] > 0
    assert data["indicators"]["carbon_per_energy"]["note"].startswith("threshold not set")


def test_owner_first_pv_and_storage_keep_the_balance():
    """Mini park: PV on one firm's roof, a park battery, exports allowed."""
    from conftest import SCENARIOS

    r = twin.run(twin.load_scenario(SCENARIOS / "mini.yaml"))
    a = twin.assess(r)
    ents = {e.id: e for e in a.activity.park.enterprises}
    k = r.kpis
    assert sum(e.grid_electricity_mwh for e in ents.values()) == pytest.approx(k["grid_import_mwh"])
    used = k["pv_generation_mwh"] - k["curtailment_mwh"] - k["grid_export_mwh"]
    assert sum(e.inpark_renewable_mwh for e in ents.values()) == pytest.approx(used)
    own = ents["electronics_b"].inpark_renewable_mwh
    assert own / ents["electronics_b"].electricity_use_mwh > ents["textile_a"].inpark_renewable_mwh / \
        ents["textile_a"].electricity_use_mwh  # the roof's owner uses its PV first
    total_use = sum(e.electricity_use_mwh for e in ents.values())
    assert total_use == pytest.approx(k["grid_import_mwh"] + used)  # battery losses stay with its owner


def test_core_indicator_counts_ccus_but_not_sinks_or_offsets(write_scenario):
    """On a park with sinks and offsets the core indicator is (gross - CCUS stored) / tce.

    The net figure (which also subtracts sinks and offsets) would read lower.
    """
    a = twin.assess(twin.run(twin.load_scenario(write_scenario(small(offsets={"sinks_t": 20_000, "ccer_t": 10_000})))))
    nat = a.accounts["national_park"]
    stored = nat.line("deduction:ccus_stored").co2_t
    assert stored > 0 and nat.line("deduction:sinks").co2_t > 0  # the case bites
    want = nat.gross_co2_t - stored
    assert nat.net_co2_t < want - 1.0
    assert a.core.inputs["co2_t"] == pytest.approx(want, rel=1e-12)
    assert a.core.value == pytest.approx(want / a.core.inputs["energy_tce"], rel=1e-12)


def test_a_single_firms_energy_is_the_parks(small_run):
    """A park of one firm that exports nothing: the firm's energy (GB/T 2589) is the park's.

    The firm's coal boiler feeds its own process and capture steam; counting the steam on
    top of the coal counted the boiler twice (432 instead of 283 tce in this week).
    """
    from twin.accounts.bridge import accounting_options, factor_book, park_activity
    from twin.accounts.indicators import energy_consumption

    book = factor_book(small_run.scenario)
    act = park_activity(small_run, book, accounting_options(small_run.scenario))
    assert act.entity_energy_tce["firm"] == pytest.approx(energy_consumption(act.park, book).total_tce, rel=1e-9)
