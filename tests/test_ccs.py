"""CO2 sent to geological storage is not emitted; converters' electricity by purpose.

Issue 14, finding 5: a carbon price on scope 1 charged the captured CO2 too, and
``ghg_scope1_co2_t`` counted it. CO2 transferred to geological storage is not emitted
(EU MRR 2018/2066, Art. 49); the GHG Protocol reports it separately. Finding 8: in the
CCUS case ``electricity_for_heat_mwh`` held the capture plant's electricity.

The small park of ``test_assessment``: a coal boiler, process CO2 into a flue, an amine
unit capturing 90 % of it for storage; one week of June 2025.

The CCUS operator (``twin.kernel.agents.ccus``) on a CO2 tank emptied by trucks: each
morning it stops capture when the tank is at least 98 % full, resumes when trucks have made
room, and reports yesterday's vented CO2; every figure is worked out by hand below.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from test_assessment import COAL_CO2, flow, small

import twin
from twin.kernel.kpis import converter_electricity
from twin.units import HOURS_PER_DAY

PRICED = {"carbon_basis": "scope1", "carbon_price_cny_per_t": 100, "free_allocation_t": 0}


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    import yaml

    path = tmp_path_factory.mktemp("ccs") / "priced.yaml"
    path.write_text(yaml.safe_dump(small(economics=PRICED), sort_keys=False), encoding="utf-8")
    return twin.run(twin.load_scenario(path))


def test_stored_co2_is_outside_scope_1_and_reported_beside_it(priced):
    """Scope 1 = coal x 2.0435 tCO2/t + process CO2 - CO2 stored; stored listed separately."""
    r = priced
    coal_t, process = -flow(r, "boiler@coal"), flow(r, "firm@flue")
    stored = -flow(r, "co2_storage@captured")
    assert stored == pytest.approx(0.9 * process) and stored > 0
    s = twin.assess(r).summary()
    assert s["ghg_scope1_co2_t"] == pytest.approx(coal_t * COAL_CO2 + process - stored)
    assert s["ccs_stored_co2_t"] == pytest.approx(stored)
    a = twin.assess(r)
    loc = a.accounts["ghg_location"]
    assert not [ln for ln in loc.lines if ln.item == "deduction:ccus_stored"]  # not subtracted twice
    assert loc.net_co2_t == pytest.approx(coal_t * COAL_CO2 + process - stored + loc.scope_co2_t(2))


def test_carbon_price_on_scope_1_spares_the_stored_co2(priced):
    """Carbon cost [CNY/yr] = (coal CO2 + process - stored) x 8,760 / 168 x 100 CNY/t.

    Before the fix it was (coal CO2 + process) x 8,760 / 168 x 100: the stored tonnes paid.
    """
    r = priced
    coal_t, process = -flow(r, "boiler@coal"), flow(r, "firm@flue")
    stored = -flow(r, "co2_storage@captured")
    expected = (coal_t * COAL_CO2 + process - stored) * 8760 / 168 * 100
    assert twin.assess(r).economics.carbon_cny == pytest.approx(expected)


def test_capture_electricity_is_not_heat(priced):
    """The capture unit's 0.30 MWh per t captured is ``electricity_for_capture_mwh``."""
    k = priced.kpis
    capture_el = -flow(priced, "ccus@el")
    assert capture_el == pytest.approx(0.30 * k["co2_captured_t"]) and capture_el > 0
    assert k["electricity_for_capture_mwh"] == pytest.approx(capture_el)
    assert k["electricity_for_heat_mwh"] == 0.0
    assert k["electricity_to_converters_mwh"] == pytest.approx(capture_el)


def test_converter_electricity_follows_what_each_converter_makes():
    """Five converters drawing 1, 2, 3, 4 and 5 MWh: each lands in its purpose's key."""
    ports = [("boiler@el", "converter_in", "electricity", -1.0), ("boiler@heat", "converter_out", "heat", 1.0),
             ("chiller@el", "converter_in", "electricity", -2.0), ("chiller@cool", "converter_out", "cooling", 9.0),
             ("ely@el", "converter_in", "electricity", -3.0), ("ely@h2", "converter_out", "hydrogen", 0.05),
             ("cc@flue", "converter_absorb", "co2", -9.0), ("cc@el", "converter_in", "electricity", -4.0),
             ("cc@steam", "converter_in", "steam", -8.0), ("cc@captured", "converter_out", "co2", 9.0),
             ("ro@el", "converter_in", "electricity", -5.0), ("ro@water", "converter_out", "water", 50.0)]
    r = SimpleNamespace(port_names=[p[0] for p in ports], port_role=np.array([p[1] for p in ports]),
                        port_carrier=np.array([p[2] for p in ports]))
    k = converter_electricity(r, np.array([p[3] for p in ports]))
    assert k == {"electricity_for_capture_mwh": 4.0, "electricity_for_hydrogen_mwh": 3.0,
                 "electricity_for_heat_mwh": 1.0, "electricity_for_cooling_mwh": 2.0,
                 "electricity_for_other_mwh": 5.0, "electricity_to_converters_mwh": 15.0}


def tank_park(write_scenario, soc_init_frac: float, process_co2_t_per_h: float = 1.0,
              capture_rate_frac: float = 0.9, pipeline_t_per_h: float = 0.0,
              delivers_to: str | None = None) -> twin.Results:
    """A plant's flue CO2 captured into a 40 t tank (no pipeline), emptied by one 30 t truck.

    The plant runs every hour (1 t of product an hour), the capture unit takes
    ``capture_rate_frac`` of the flue; the captured bus vents what the tank cannot take,
    or first sends up to ``pipeline_t_per_h`` to storage by pipeline. The truck takes its
    loads to storage unless ``delivers_to`` says otherwise.
    """
    data = {
        "name": "tank", "period": {"year": 2025, "start": "2025-07-07", "days": 7},
        "site": {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.6,
                 "weather": {"source": "synthetic", "site": "suzhou"}},
        "reliability": {"failures": False}, "grid": {"import_max_mw": 100},
        "buses": [{"id": "el", "carrier": "electricity"}, {"id": "steam", "carrier": "steam"},
                  {"id": "flue", "carrier": "co2"},
                  {"id": "captured", "carrier": "co2", **({"offtake": {"kind": "co2_storage", "max_per_h": pipeline_t_per_h}}
                                                          if pipeline_t_per_h else {})}],
        "enterprises": [{"id": "plant", "sector": "chemicals", "heat_bus": None, "base_load_frac": 0.0,
                         "calendar": {"public_holidays": "none", "weekend_load_frac": 1.0},
                         "demand": {"electricity_mwh": 8760},
                         "production": {"t_per_year": 8760, "process_co2_t_per_t": process_co2_t_per_h,
                                        "flue_bus": "flue"}}],
        "assets": [{"id": "boiler", "type": "boiler", "bus": "steam", "fuel": "natural_gas",
                    "p_th_max_mw": 10, "efficiency_frac": 0.9},
                   {"id": "capture", "type": "converter", "preset": "ccus_amine", "owner": "plant",
                    "capacity": 5, "capture_rate_frac": capture_rate_frac,
                    "buses": {"flue": "flue", "captured": "captured", "steam": "steam"}},
                   {"id": "tank", "type": "storage", "preset": "co2_tank", "owner": "plant",
                    "bus": "captured", "p_max": 40, "e_max": 40, "soc_init_frac": soc_init_frac}],
        "fleets": [{"id": "trucks", "vehicle": "diesel_truck", "count": 1, "distance_km": 50,
                    "cargo_bus": "captured", **({"delivers_to": delivers_to} if delivers_to else {})}]}
    return twin.run(twin.load_scenario(write_scenario(data)))


def events_of(r: twin.Results, *kinds: str) -> list[tuple]:
    """(hour of the period, asset, agent, event, detail) of the events of ``kinds``."""
    hours = ((r.events.time - r.index[0]) / pd.Timedelta(hours=1)).astype(int)
    rows = zip(hours, r.events.asset, r.events.agent, r.events.event, r.events.detail, strict=True)
    return [row for row in rows if row[3] in kinds]


def daily(r: twin.Results, port: str) -> list[float]:
    return list(np.round(r.flows_frame()[port].to_numpy().reshape(-1, HOURS_PER_DAY).sum(axis=1), 9))


def test_full_tank_stops_capture_for_the_day_and_trucks_make_room(write_scenario):
    """A 40 t tank at 18.8 t; 0.9 t/h captured (21.6 t a day); a 30 t truck when the tank holds 30 t.

    Day 0: 18.8 + 21.6 = 40.4 t: full, 0.4 t vented. Day 1: 40 t >= 98 % of 40 t: capture
    stops (the flue vents all 24 t), the truck takes 30 t -> 10 t. Day 2: room: capture
    resumes, 31.6 t. Day 3: a truck, 31.6 + 21.6 - 30 = 23.2 t. Day 4: 44.8 t: full, 4.8 t
    vented. Day 5: stopped, a truck -> 10 t. Day 6: resumed.
    """
    r = tank_park(write_scenario, soc_init_frac=0.47)
    assert events_of(r, "capture_stopped", "capture_resumed") == [
        (24, "capture", "plant", "capture_stopped", "CO2 tank full"),
        (48, "capture", "plant", "capture_resumed", "room in the CO2 tank"),
        (120, "capture", "plant", "capture_stopped", "CO2 tank full"),
        (144, "capture", "plant", "capture_resumed", "room in the CO2 tank")]
    # a vent under a tonne is reported too, on the morning after, by the tank's owner
    assert events_of(r, "tank_overflow") == [
        (24, "tank", "plant", "tank_overflow", "0.4 t CO2 vented yesterday: tank full"),
        (120, "tank", "plant", "tank_overflow", "4.8 t CO2 vented yesterday: tank full")]
    assert daily(r, "capture@captured") == pytest.approx([21.6, 0, 21.6, 21.6, 21.6, 0, 21.6])
    assert daily(r, "vent@flue") == pytest.approx([-2.4, -24, -2.4, -2.4, -2.4, -24, -2.4])
    assert daily(r, "vent@captured") == pytest.approx([-0.4, 0, 0, 0, -4.8, 0, 0])
    np.testing.assert_allclose(r.soc_mwh[HOURS_PER_DAY - 1::HOURS_PER_DAY, 0],
                               [40, 10, 31.6, 23.2, 40, 10, 31.6], atol=1e-9)
    # the truck leaves at 08:00 and is back 50 km / 40 km/h later, within the 09:00 hour
    assert events_of(r, "trucks_arrived") == [
        (24 * d + 9, "trucks", "park", "trucks_arrived", "1 trips in 1 waves, 30 t, 50 km") for d in (1, 3, 5)]


def test_tank_exactly_98_percent_full_counts_as_full(write_scenario):
    """39.2 t in a 40 t tank is 98 %: "a tank this full cannot take a day's capture"."""
    r = tank_park(write_scenario, soc_init_frac=0.98)
    assert events_of(r, "capture_stopped")[0] == (0, "capture", "plant", "capture_stopped", "CO2 tank full")
    assert daily(r, "capture@captured")[0] == 0


def test_overflow_is_reported_each_morning_for_the_day_before_only(write_scenario):
    """1.5 t/h captured (2 t/h of flue CO2 at 75 %) into a tank at 34 t, a 30 t truck a day.

    Every day: 34 t + 8 h x 1.5 t fills the tank by 08:00 (6 t vented), then the truck
    loads 30 t over 16 h while 24 t more come in: 34 t again, never 98 % full at dawn.
    Each morning reports the 6 t of the day before, not a sum over two days.
    """
    r = tank_park(write_scenario, soc_init_frac=0.85, process_co2_t_per_h=2.0, capture_rate_frac=0.75)
    assert events_of(r, "capture_stopped", "capture_resumed") == []
    assert daily(r, "vent@captured") == pytest.approx([-6.0] * 7)
    assert events_of(r, "tank_overflow") == [
        (24 * d, "tank", "plant", "tank_overflow", "6.0 t CO2 vented yesterday: tank full") for d in range(1, 7)]


@pytest.fixture
def heeled_tank(monkeypatch):
    """The shipped CO2 tank has no heel: this one keeps 10 % of it (4 t of a 40 t tank)."""
    import twin.network.arrays as arrays

    shipped = arrays.preset

    def with_heel(kind: str, name: str) -> dict:
        p = shipped(kind, name)
        return {**p, "soc_min_frac": 0.1} if name == "co2_tank" else p

    monkeypatch.setattr(arrays, "preset", with_heel)


@pytest.mark.parametrize(("soc_init_frac", "stopped"), [(1.0, True), (0.98, False)])
def test_full_means_98_percent_of_the_room_above_the_heel(write_scenario, heeled_tank, soc_init_frac, stopped):
    """A tank that keeps a 10 % heel (4 t of 40 t) is full from 4 + 0.98 x 36 = 39.28 t.

    The shipped CO2 tank has no heel, so this is a tank with one: 40 t is full; 39.2 t
    (98 % of the whole tank, 97.8 % of its usable room) still takes CO2.
    """
    r = tank_park(write_scenario, soc_init_frac=soc_init_frac)
    day0 = [e for e in events_of(r, "capture_stopped") if e[0] == 0]
    assert bool(day0) is stopped
    assert bool(daily(r, "capture@captured")[0] == 0) is stopped


def test_pipeline_takes_its_share_first_and_the_tank_keeps_the_rest(write_scenario):
    """0.9 t/h captured, a 0.5 t/h pipeline: the tank (empty) keeps 0.4 t/h, 9.6 t a day."""
    r = tank_park(write_scenario, soc_init_frac=0.0, pipeline_t_per_h=0.5)
    assert daily(r, "co2_storage@captured")[:3] == pytest.approx([-12.0] * 3)
    np.testing.assert_allclose(r.soc_mwh[HOURS_PER_DAY - 1:3 * HOURS_PER_DAY:HOURS_PER_DAY, 0], [9.6, 19.2, 28.8],
                               atol=1e-9)


@pytest.mark.parametrize(("delivers_to", "stored", "utilised"), [(None, 90.0, 0.0), ("co2_storage", 90.0, 0.0),
                                                                 ("co2_utilisation", 0.0, 90.0)])
def test_trucked_co2_counts_where_the_trucks_deliver_it(write_scenario, delivers_to, stored, utilised):
    """The week of the full-tank test: three 30 t truck loads (days 1, 3 and 5), 5 x 21.6 t captured.

    Trucks deliver to storage by default; sent to a user instead, the same 90 t are utilised.
    """
    k = tank_park(write_scenario, soc_init_frac=0.47, delivers_to=delivers_to).kpis
    assert k["co2_captured_t"] == pytest.approx(5 * 21.6)
    assert k["co2_stored_t"] == pytest.approx(stored, abs=1e-9)
    assert k["co2_utilised_t"] == pytest.approx(utilised, abs=1e-9)


@pytest.mark.parametrize(("soc_init_frac", "trips"), [(0.8, 0), (0.9, 1)])
def test_trucks_load_only_what_lies_above_the_heel(write_scenario, heeled_tank, soc_init_frac, trips):
    """A 40 t tank keeping a 10 % heel (4 t): at 32 t only 28 t can leave, less than a 30 t
    load, so no truck goes on the first day; at 36 t, 32 t can leave: one truck."""
    r = tank_park(write_scenario, soc_init_frac=soc_init_frac, process_co2_t_per_h=0.001)
    day0 = [e for e in events_of(r, "trucks_arrived") if e[0] < HOURS_PER_DAY]
    assert len(day0) == (1 if trips else 0)
    assert r.soc_mwh[:, 0].min() >= 4.0 - 1e-9
