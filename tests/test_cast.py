"""The whole cast: each agent type against a hand calculation, mass balances, events."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS

import twin

WEEK = {"year": 2025, "start": "2025-07-07", "days": 7}
SITE = {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.6, "weather": {"source": "synthetic", "site": "suzhou"}}
STEADY = {"public_holidays": "none", "weekend_load_frac": 1.0}  # production every hour of the week


def plant(**production) -> dict:
    """One continuous chemical plant producing 8,760 t a year (1 t/h)."""
    return {"id": "plant", "sector": "chemicals", "heat_bus": None, "base_load_frac": 0.0,
            "calendar": STEADY, "demand": {"electricity_mwh": 8760},
            "production": {"t_per_year": 8760, **production}}


def scenario(write_scenario, **parts) -> twin.Results:
    data = {"name": "cast", "period": WEEK, "site": SITE, "reliability": {"failures": False},
            "grid": {"import_max_mw": 100}, **parts}
    return twin.run(twin.load_scenario(write_scenario(data)))


def test_ccus_captures_its_rate_and_pays_its_penalty(write_scenario):
    r = scenario(
        write_scenario,
        buses=[{"id": "el", "carrier": "electricity"}, {"id": "steam", "carrier": "steam"},
               {"id": "flue", "carrier": "co2"},
               {"id": "co2", "carrier": "co2", "offtake": {"kind": "co2_storage", "max_per_h": 100}}],
        enterprises=[plant(process_co2_t_per_t=1.0, flue_bus="flue")],
        assets=[{"id": "boiler", "type": "boiler", "bus": "steam", "fuel": "natural_gas", "p_th_max_mw": 10, "efficiency_frac": 0.9},
                {"id": "capture", "type": "converter", "preset": "ccus_amine", "capacity": 5, "capture_rate_frac": 0.9,
                 "buses": {"flue": "flue", "captured": "co2", "steam": "steam"}}])
    f = r.flows_frame().sum()
    emitted = 168.0  # 1 t CO2 per t product, 1 t/h for a week
    assert r.kpis["co2_process_t"] == pytest.approx(emitted)
    assert r.kpis["co2_captured_t"] == pytest.approx(0.9 * emitted)
    assert r.kpis["co2_stored_t"] == pytest.approx(0.9 * emitted)
    assert -f["capture@el"] == pytest.approx(0.30 * 0.9 * emitted)  # 0.30 MWh per t captured
    assert -f["capture@steam"] == pytest.approx(0.90 * 0.9 * emitted)  # 0.90 MWh steam per t
    assert f["boiler@steam"] == pytest.approx(0.90 * 0.9 * emitted)
    # the boiler's own CO2 goes to the atmosphere; the flue vents what is not captured
    assert -f["vent@flue"] == pytest.approx(0.1 * emitted)


@pytest.mark.parametrize("vehicle,carrier_bus,per_km", [("bev_truck", "el", 0.0015), ("diesel_truck", "diesel", 0.000292)])
def test_truck_fleet_kilometres_and_energy(write_scenario, vehicle, carrier_bus, per_km):
    fleet = {"id": "fleet", "vehicle": vehicle, "count": 5, "distance_km": 100, "trips_per_day": 10}
    if vehicle == "bev_truck":
        fleet["depot_bus"] = "el"
    r = scenario(write_scenario, buses=[{"id": "el", "carrier": "electricity"}],
                 enterprises=[plant()], fleets=[fleet])
    km = 7 * 10 * 100  # ten 100 km trips a day, every day (the plant works every day)
    assert r.kpis["truck_km"] == pytest.approx(km)
    drawn = -r.flows_frame()[f"fleet@{carrier_bus}"].sum()
    assert drawn == pytest.approx(km * per_km)
    if vehicle == "diesel_truck":
        assert r.kpis["truck_energy_mwh"] == pytest.approx(km * per_km * 42.652 / 3.6)
        co2 = r.flows_frame()["fleet@atmosphere"].sum()
        assert co2 == pytest.approx(km * per_km * 42.652e-3 * 20.2 * 0.98 * 44 / 12)
    assert len(r.events[r.events.event == "trucks_arrived"]) == 7


@pytest.mark.parametrize("charging", ["immediate", "smart"])
def test_battery_trucks_charge_on_return_or_in_the_night_valley(write_scenario, charging):
    """Ten 100 km trips a day by five trucks at 50 km/h: two 2 h waves from 08:00, back at 12:00.

    1.5 MWh a day (1,000 km x 1.5 kWh/km): on return it is drawn over 12:00-14:00; smart, over
    the eight 280 CNY/MWh hours of the following night (00:00-08:00).
    """
    fleet = {"id": "fleet", "vehicle": "bev_truck", "count": 5, "distance_km": 100, "speed_km_h": 50,
             "trips_per_day": 10, "depot_bus": "el", "charging": charging}
    r = scenario(write_scenario, buses=[{"id": "el", "carrier": "electricity"}], enterprises=[plant()], fleets=[fleet])
    drawn = -r.flows_frame()["fleet@el"].to_numpy().reshape(7, 24)
    want = np.zeros((7, 24))
    if charging == "immediate":
        want[:, 12:14] = 0.75
    else:
        want[1:, 0:8] = 1.5 / 8  # the night after each of the first six days
    # (the last day's smart charge falls in its own evening: the period ends before the night)
    np.testing.assert_allclose(drawn[:6], want[:6], atol=1e-12)


def test_heat_pump_on_waste_heat_and_water_recycling_by_hand(write_scenario):
    r = scenario(
        write_scenario,
        buses=[{"id": "el", "carrier": "electricity"}, {"id": "heat", "carrier": "heat"},
               {"id": "wh", "carrier": "waste_heat"}, {"id": "water", "carrier": "water"},
               {"id": "ww", "carrier": "wastewater"}, {"id": "waste", "carrier": "solid_waste"}],
        enterprises=[plant(waste_heat_mwh_per_t=2.0, water_m3_per_t=10, wastewater_m3_per_t=8,
                           waste_heat_bus="wh", water_bus="water", wastewater_bus="ww")],
        assets=[{"id": "whp", "type": "converter", "preset": "waste_heat_pump", "capacity": 1.5,
                 "buses": {"waste_heat": "wh", "heat": "heat"}},
                {"id": "recycler", "type": "converter", "preset": "water_recycling", "capacity": 100,
                 "buses": {"wastewater": "ww", "water": "water"}}])
    k, f = r.kpis, r.flows_frame().sum()
    assert k["waste_heat_available_mwh"] == pytest.approx(2 * 168)
    assert k["waste_heat_recovered_mwh"] == pytest.approx(1.5 * 168)  # capacity binds
    assert f["whp@heat"] == pytest.approx(1.5 * 168 * 1.333)
    assert k["water_reused_m3"] == pytest.approx(0.9 * 8 * 168)
    assert k["water_fresh_m3"] == pytest.approx(10 * 168 - 0.9 * 8 * 168)
    # the recycler leaves 0.5 kg of sludge per m3 treated: the park's only solid waste, landfilled
    assert k["solid_waste_generated_t"] == pytest.approx(0.0005 * 8 * 168)
    assert k["solid_waste_landfilled_t"] == pytest.approx(0.0005 * 8 * 168)


@pytest.fixture(scope="module")
def symbiosis() -> twin.Results:
    return twin.run(twin.load_scenario(SCENARIOS / "heavy_industry_symbiosis.yaml"))


@pytest.fixture(scope="module")
def reference() -> twin.Results:
    return twin.run(twin.load_scenario(SCENARIOS / "reference_baseline.yaml"))


def _balance(r: twin.Results) -> float:
    buses = sorted(set(r.port_bus))
    frame = r.flows_frame()
    return max(float(np.abs(frame[[p for p, b in zip(r.port_names, r.port_bus, strict=True) if b == bus]]
                            .sum(axis=1)).max()) for bus in buses)


@pytest.mark.parametrize("name", ["symbiosis", "reference"])
def test_every_bus_balances_every_hour(name, request):
    assert _balance(request.getfixturevalue(name)) < 1e-9


def _sum(r: twin.Results, roles: tuple, carrier: str) -> float:
    total = r.flows.sum(axis=0)
    return float(total[np.isin(r.port_role, roles) & (r.port_carrier == carrier)].sum())


def _co2_tank_change(r: twin.Results) -> float:
    tanks = [i for i, port in enumerate(r.port_names) if r.port_role[i] == "storage" and r.port_carrier[i] == "co2"]
    ids = [r.port_names[i].split("@")[0] for i in tanks]
    cols = [r.store_ids.index(x) for x in ids]
    return float(r.soc_mwh[-1, cols].sum() - r.soc0_mwh[cols].sum()) if cols else 0.0


@pytest.mark.parametrize("name", ["symbiosis", "reference"])
def test_annual_co2_water_and_waste_mass_balances(name, request):
    r = request.getfixturevalue(name)
    k = r.kpis
    # CO2: what processes, burners and trucks emit = vented + stored + utilised + tank change
    burnt = sum(float(r.flows[:, i].sum()) for i in range(len(r.port_names))
                if r.port_carrier[i] == "co2" and r.port_role[i] == "converter_out"
                and r.port_names[i].split("@")[0] not in {"ccus_kiln", "capture"})
    generated = k["co2_process_t"] + burnt + _sum(r, ("fleet_co2",), "co2")
    assert generated == pytest.approx(
        k["co2_vented_t"] + k["co2_stored_t"] + k["co2_utilised_t"] + _co2_tank_change(r), rel=1e-9)
    assert _sum(r, ("unserved",), "co2") == pytest.approx(0, abs=1e-9)
    # water: fresh + reused = used by enterprises and converters + discharged surplus
    used = -_sum(r, ("enterprise_water", "converter_in"), "water")
    discharged = -_sum(r, ("discharge",), "water")
    assert k["water_fresh_m3"] + k["water_reused_m3"] == pytest.approx(used + discharged, rel=1e-9)
    # wastewater: generated = recycled + discharged
    generated_ww = _sum(r, ("enterprise_wastewater",), "wastewater")
    assert generated_ww == pytest.approx(-_sum(r, ("converter_absorb", "discharge"), "wastewater"), rel=1e-9)
    # solid waste: generated = utilised + landfilled
    assert k["solid_waste_generated_t"] == pytest.approx(
        k["solid_waste_utilised_t"] + k["solid_waste_landfilled_t"], rel=1e-9)


def test_symbiosis_recovers_waste_heat_the_baseline_wastes(symbiosis, write_scenario):
    baseline = twin.run(twin.load_scenario(
        SCENARIOS / "heavy_industry_symbiosis.yaml",
        overrides={"assets": [{"id": "whr_steel", "remove": True}, {"id": "steam_highway", "remove": True}]}))
    assert baseline.kpis["waste_heat_recovered_mwh"] == 0
    offered = baseline.flows_frame()["steel_eaf@waste_heat_steel"].sum()
    wasted = -baseline.flows_frame()["dump@waste_heat_steel"].sum()
    assert wasted == pytest.approx(offered)  # the baseline releases all of it
    assert symbiosis.kpis["waste_heat_recovered_mwh"] > 0.9 * wasted
    assert symbiosis.kpis["coal_t"] < baseline.kpis["coal_t"]


def test_full_co2_tank_is_reported_not_a_crash(symbiosis):
    events = symbiosis.events
    assert (events.event == "tank_overflow").any()
    assert symbiosis.kpis["co2_utilised_t"] > 0 and symbiosis.kpis["co2_stored_t"] > 0


def test_undersupplied_heat_network_is_reported(write_scenario):
    r = scenario(write_scenario,
                 enterprises=[{"id": "dyer", "sector": "textile", "demand": {"electricity_mwh": 1000, "heat_mwh": 50000}}],
                 assets=[{"id": "small", "type": "boiler", "bus": "heat", "fuel": "natural_gas", "p_th_max_mw": 1, "efficiency_frac": 0.9}])
    assert r.kpis["unserved_heat_mwh"] > 0
    assert _balance(r) < 1e-9


def _boiler_park(write_scenario, seed: int, extra: list | None = None) -> twin.Results:
    data = {"name": "mtbf", "seed": seed, "period": {"year": 2025}, "site": SITE, "grid": {"import_max_mw": 100},
            "enterprises": [plant()],
            "assets": [{"id": "boiler", "type": "boiler", "bus": "heat", "fuel": "natural_gas", "p_th_max_mw": 5,
                        "efficiency_frac": 0.9, "mtbf_h": 500, "mttr_h": 10}, *(extra or [])]}
    return twin.run(twin.load_scenario(write_scenario(data, f"s{seed}.yaml")))


def test_failures_follow_their_mtbf_over_many_seeds(write_scenario):
    counts = [(_boiler_park(write_scenario, seed).events.query("asset == 'boiler' and event == 'failure'")).shape[0]
              for seed in range(20)]
    expected = 8760 / (500 + 10)  # renewal process: one cycle per MTBF + MTTR
    assert np.mean(counts) == pytest.approx(expected, rel=0.12)


def test_an_unrelated_asset_leaves_other_failure_times_unchanged(write_scenario):
    a = _boiler_park(write_scenario, 3)
    b = _boiler_park(write_scenario, 3, extra=[{"id": "other", "type": "boiler", "bus": "heat", "fuel": "coal",
                                                  "p_th_max_mw": 5, "efficiency_frac": 0.8, "mtbf_h": 300, "mttr_h": 20}])
    times = lambda r: list(r.events.query("asset == 'boiler'")["time"])  # noqa: E731
    assert times(a) == times(b)


def _maintained(write_scenario, window: dict) -> twin.Results:
    """A steady 2.3 MW heat load; the cheap coal boiler ``b1`` has ``window`` planned, gas ``b2`` backs it up."""
    return scenario(write_scenario, enterprises=[{"id": "dyer", "sector": "textile", "calendar": STEADY,
                                                  "demand": {"heat_mwh": 20000}}],
                    assets=[{"id": "b1", "type": "boiler", "bus": "heat", "fuel": "coal", "p_th_max_mw": 5,
                             "efficiency_frac": 0.8, "maintenance": [window]},
                            {"id": "b2", "type": "boiler", "bus": "heat", "fuel": "natural_gas", "p_th_max_mw": 5,
                             "efficiency_frac": 0.9}])


def _outage_events(r: twin.Results) -> list[tuple]:
    hours = ((r.events.time - r.index[0]) / pd.Timedelta(hours=1)).astype(int)
    return list(zip(hours, r.events.asset, r.events.agent, r.events.event, r.events.detail, strict=True))


def _dated_events(r: twin.Results) -> list[tuple]:
    """(date, hour of day, asset, agent, event, detail) of every event of a run."""
    return [(str(t.date()), t.hour, a, g, e, d) for t, a, g, e, d in
            zip(r.events.time, r.events.asset, r.events.agent, r.events.event, r.events.detail, strict=True)]


def test_planned_maintenance_takes_the_asset_out(write_scenario):
    """Thursday and Friday out (hours 72-119 of the week): the gas boiler carries the load then."""
    r = _maintained(write_scenario, {"start": "2025-07-10", "days": 2})
    b1, b2 = r.flows_frame()["b1@heat"].to_numpy(), r.flows_frame()["b2@heat"].to_numpy()
    out = np.zeros(168, bool)
    out[72:120] = True
    assert (b1[out] == 0).all() and (b1[~out] > 0).all()  # the cheaper coal boiler runs whenever it can
    assert (b2[~out] == 0).all() and (b2[out] > 0).all()
    assert _outage_events(r) == [(72, "b1", "park", "maintenance_start", "2 days planned"),
                                 (120, "b1", "park", "maintenance_end", "back in service")]


@pytest.mark.parametrize(("window", "out", "events"), [
    # started two days before the week: out on its first day only
    ({"start": "2025-07-05", "days": 3}, (0, 24), [(0, "maintenance_start", "3 days planned"),
                                                   (24, "maintenance_end", "back in service")]),
    ({"start": "2025-07-07", "days": 1}, (0, 24), [(0, "maintenance_start", "1 days planned"),
                                                   (24, "maintenance_end", "back in service")]),
    # runs past the week: out to its end, no return to service inside it
    ({"start": "2025-07-12", "days": 5}, (120, 168), [(120, "maintenance_start", "5 days planned")]),
    # over before the week or after it: nothing out, nothing logged (these used to crash
    # the run with "Negative delay" or log a start and an end at the last hour)
    ({"start": "2025-07-01", "days": 2}, (0, 0), []),
    ({"start": "2025-03-01", "days": 2}, (0, 0), []),
    ({"start": "2025-07-05", "days": 2}, (0, 0), []),
    ({"start": "2025-07-14", "days": 2}, (0, 0), []),
])
def test_maintenance_counts_only_inside_the_period(write_scenario, window, out, events):
    r = _maintained(write_scenario, window)
    b1 = r.flows_frame()["b1@heat"].to_numpy()
    down = np.zeros(168, bool)
    down[out[0]:out[1]] = True
    assert (b1[down] == 0).all() and (b1[~down] > 0).all()
    assert _outage_events(r) == [(h, "b1", "park", event, detail) for h, event, detail in events]


def test_motor_upgrade_scales_electricity_by_hand(write_scenario):
    before = scenario(write_scenario, enterprises=[plant()])
    upgraded = plant()
    upgraded["motor_systems"] = {"motor_share_frac": 0.6, "motor_class_before": "IE1", "motor_class": "IE4",
                                 "compressor_share_frac": 0.1, "compressor_grade_before": "grade3",
                                 "compressor_grade": "grade1"}
    after = scenario(write_scenario, enterprises=[upgraded])
    factor = 1 + 0.6 * (0.876 / 0.926 - 1) + 0.1 * (0.80 / 1.00 - 1)
    assert after.kpis["electricity_demand_mwh"] == pytest.approx(before.kpis["electricity_demand_mwh"] * factor)


def test_thermal_store_shifts_electric_heat_to_valley_hours(write_scenario):
    parts = dict(enterprises=[{"id": "dyer", "sector": "chemicals", "calendar": STEADY, "demand": {"heat_mwh": 26280}}],
                 assets=[{"id": "eboiler", "type": "boiler", "bus": "heat", "fuel": "electricity", "p_th_max_mw": 10,
                          "efficiency_frac": 0.99}])
    plain = scenario(write_scenario, **parts)
    parts["assets"] = parts["assets"] + [{"id": "tank", "type": "storage", "preset": "thermal_storage", "bus": "heat",
                                          "p_max": 3, "e_max": 20, "soc_init_frac": 0.0, "strategy": "tou_arbitrage"}]
    stored = scenario(write_scenario, **parts)
    assert stored.kpis["unserved_heat_mwh"] == pytest.approx(0, abs=1e-9)
    assert stored.kpis["electricity_energy_cost_cny"] < plain.kpis["electricity_energy_cost_cny"]
    f = stored.flows_frame()
    valley = stored.import_price <= stored.import_price.min() + 1e-9
    assert (f["tank@heat"][valley] <= 1e-9).all() and f["tank@heat"][valley].sum() < 0  # charges in the valley
    assert _balance(stored) < 1e-9


def test_electric_heating_term_by_hand(write_scenario):
    flat = plant()
    flat["temperature"] = {"heating_balance_c": 15.0, "el_heating_frac_per_k": 0.05, "cooling_frac_per_k": 0.0}
    data = {"name": "winter", "period": {"year": 2025, "start": "2025-01-06", "days": 7}, "site": SITE,
            "reliability": {"failures": False}, "grid": {"import_max_mw": 100}, "enterprises": [flat]}
    r = twin.run(twin.load_scenario(write_scenario(data)))
    el = -r.flows_frame()["plant@el"].to_numpy()
    temp = twin.network.inputs.site_weather(r.scenario)["temp_air_c"].loc[r.index].to_numpy()
    factor = 1 + 0.05 * np.maximum(15.0 - temp, 0.0)  # the same production every hour: load follows the factor
    np.testing.assert_allclose(el / el.mean(), factor / factor.mean(), rtol=1e-12)


def test_random_failures_follow_the_asset_stream_and_are_logged_by_the_park(write_scenario):
    """A renewal process walked by hand on the asset's own random stream.

    The stream of an asset is seeded by (scenario seed, CRC-32 of its id), so the draws are
    known without running the park: time to failure ~ Exp(MTBF), then repair ~ Exp(MTTR),
    again and again. The boiler is out from the hour it fails (rounded up) to the hour it is
    back (rounded up); both events are the park's, not the boiler operator's.
    """
    data = {"name": "cast", "seed": 11, "period": WEEK, "site": SITE, "reliability": {"failures": True},
            "grid": {"import_max_mw": 100},
            "enterprises": [{"id": "dyer", "sector": "textile", "calendar": STEADY, "demand": {"heat_mwh": 20000}}],
            "assets": [{"id": "b1", "type": "boiler", "bus": "heat", "fuel": "coal", "p_th_max_mw": 5,
                        "efficiency_frac": 0.8, "mtbf_h": 30, "mttr_h": 6},
                       {"id": "b2", "type": "boiler", "bus": "heat", "fuel": "natural_gas", "p_th_max_mw": 5,
                        "efficiency_frac": 0.9}]}
    r = twin.run(twin.load_scenario(write_scenario(data)))
    rng = np.random.default_rng([11, zlib.crc32(b"b1")])
    t, out, want = 0.0, np.zeros(168, bool), []
    while True:
        t += rng.exponential(30)
        down, repair = math.ceil(t), rng.exponential(6)
        up = math.ceil(t + repair)
        if down >= 168:
            break
        out[down:up] = True
        want.append((down, "b1", "park", "failure", f"out of service for {repair:.1f} h"))
        if up < 168:
            want.append((up, "b1", "park", "repaired", "back in service"))
        t += repair
    assert len(want) >= 4  # this seed fails the boiler more than once in the week
    assert _outage_events(r) == want
    assert r.kpis["equipment_failures"] == sum(w[3] == "failure" for w in want)
    b1 = r.flows_frame()["b1@heat"].to_numpy()
    assert (b1[out] == 0).all() and (b1[~out] > 0).all()  # the cheaper coal boiler runs whenever it can


def test_daily_decisions_are_written_one_row_per_date(write_scenario, tmp_path):
    """daily.csv: a ``date`` column, one row per simulated day, the plant's level per day."""
    r = scenario(write_scenario, enterprises=[plant()])
    r.write(tmp_path / "out")
    daily = pd.read_csv(tmp_path / "out" / "daily.csv")
    assert list(daily.columns) == ["date", "plant.level"]
    assert list(daily["date"]) == [f"2025-07-{d:02d}" for d in range(7, 14)]


def test_a_run_without_events_writes_the_event_columns(write_scenario, tmp_path):
    """No failures, no maintenance, no tank: no events, yet events.csv keeps its header
    (a reader of the files finds the same five columns whether anything happened or not)."""
    r = scenario(write_scenario, enterprises=[plant()])
    assert r.events.empty
    assert list(r.events.columns) == ["time", "asset", "agent", "event", "detail"]
    r.write(tmp_path / "out")
    assert (tmp_path / "out" / "events.csv").read_text(encoding="utf-8").splitlines() == ["time,asset,agent,event,detail"]


def test_smart_charging_takes_only_the_cheapest_hours_even_if_the_next_are_close(write_scenario):
    """A night priced 280.0 CNY/MWh from 00:00 to 04:00 and 280.5 from 04:00 to 08:00.

    Smart charging goes to the cheapest hours of the night: the four at 280.0, not the four
    half a yuan dearer. 1.5 MWh a day (the fleet of the test above) over four hours.
    """
    tariff = {"name": "close", "source": "test: two night prices half a yuan apart", "year": 2025,
              "energy_cny_per_mwh": {"valley": 280.0, "low": 280.5, "flat": 600.0},
              "seasons": [{"months": list(range(1, 13)), "hours": {"valley": [[0, 4]], "low": [[4, 8]],
                                                                   "flat": [[8, 24]]}}]}
    fleet = {"id": "fleet", "vehicle": "bev_truck", "count": 5, "distance_km": 100, "speed_km_h": 50,
             "trips_per_day": 10, "depot_bus": "el", "charging": "smart"}
    r = scenario(write_scenario, buses=[{"id": "el", "carrier": "electricity"}], enterprises=[plant()],
                 fleets=[fleet], grid={"import_max_mw": 100, "tariff": tariff})
    drawn = -r.flows_frame()["fleet@el"].to_numpy().reshape(7, 24)
    want = np.zeros((7, 24))
    want[1:, 0:4] = 1.5 / 4
    np.testing.assert_allclose(drawn[:6], want[:6], atol=1e-12)


def test_spring_festival_shutdown_is_logged_on_its_first_and_last_day(write_scenario):
    """Spring Festival 2025 fell on 29 January (published calendar); with the default three
    days before and ten after, the plant is shut from 26 January to 8 February and resumes
    on 9 February, at the production level its calendar states."""
    r = scenario(write_scenario, period={"year": 2025, "start": "2025-01-20", "days": 28},
                 enterprises=[{**plant(), "calendar": {"public_holidays": "cn", "spring_festival_load_frac": 0.2}}])
    events = _dated_events(r)
    assert events == [
        ("2025-01-26", 0, "plant", "plant", "shutdown_start", "Spring Festival shutdown, production level 0.20"),
        ("2025-02-09", 0, "plant", "plant", "shutdown_end", "production resumes after Spring Festival")]


@pytest.mark.parametrize(("start", "logged"), [
    # the run starts on the last shutdown day: the plant resumes on its second day
    ("2025-02-08", [("2025-02-09", 0, "plant", "plant", "shutdown_end", "production resumes after Spring Festival")]),
    # the run starts on the day production resumes: nothing ended inside the run
    ("2025-02-09", []),
])
def test_a_shutdown_ends_inside_the_run_only_after_its_first_day(write_scenario, start, logged):
    r = scenario(write_scenario, period={"year": 2025, "start": start, "days": 3},
                 enterprises=[{**plant(), "calendar": {"public_holidays": "cn", "spring_festival_load_frac": 0.2}}])
    events = _dated_events(r)
    assert events == logged


def test_enterprise_maintenance_stops_production_and_is_logged_once(write_scenario):
    """Two maintenance days (9-10 July 2025) of a plant making 1 t/h: no production and no
    process electricity those 48 hours, one log line on the first morning."""
    r = scenario(write_scenario, enterprises=[{**plant(), "maintenance": ["2025-07-09", "2025-07-10"]}])
    assert _dated_events(r) == [("2025-07-09", 0, "plant", "plant", "maintenance_start",
                                 "planned maintenance: production stops")]
    el = -r.flows_frame()["plant@el"].to_numpy().reshape(7, 24)
    assert (el[2:4] == 0).all() and (el[[0, 1, 4, 5, 6]] > 0).all()


def test_a_store_does_not_charge_from_a_unit_under_maintenance(write_scenario):
    """The thermal store charges in the valley from the electric boiler's spare capacity.
    On the boiler's maintenance day (9 July) there is none: the store may only discharge,
    and the heat it cannot give is unserved, no more."""
    parts = dict(enterprises=[{"id": "dyer", "sector": "chemicals", "calendar": STEADY, "demand": {"heat_mwh": 26280}}],
                 assets=[{"id": "eboiler", "type": "boiler", "bus": "heat", "fuel": "electricity", "p_th_max_mw": 10,
                          "efficiency_frac": 0.99, "maintenance": [{"start": "2025-07-09", "days": 1}]},
                         {"id": "tank", "type": "storage", "preset": "thermal_storage", "bus": "heat",
                          "p_max": 3, "e_max": 20, "soc_init_frac": 0.0, "strategy": "tou_arbitrage"}])
    r = scenario(write_scenario, **parts)
    f = r.flows_frame()
    down = slice(48, 72)
    tank = f["tank@heat"].to_numpy()
    assert (f["eboiler@heat"].to_numpy()[down] == 0).all()
    assert (tank[down] >= -1e-9).all()  # no charging from a boiler that is out
    assert tank[:48].min() < -1.0  # while it charges in the valleys of the days before
    unserved = f.filter(like="unserved").sum(axis=1).to_numpy()[down]
    demand = -f["dyer@heat"].to_numpy()[down]
    np.testing.assert_allclose(unserved, demand - tank[down], atol=1e-9)


def test_two_fleets_add_their_kilometres_and_energy(write_scenario):
    """A battery fleet (10 trips of 100 km a day) and a diesel fleet (4 trips of 50 km) in one
    week: 7,000 + 1,400 km; energy 7,000 x 1.5 kWh/km + 1,400 x 0.292 kg/km x 42.652 MJ/kg."""
    bev = {"id": "bev", "vehicle": "bev_truck", "count": 5, "distance_km": 100, "trips_per_day": 10,
           "depot_bus": "el"}
    diesel = {"id": "diesel", "vehicle": "diesel_truck", "count": 2, "distance_km": 50, "trips_per_day": 4}
    r = scenario(write_scenario, buses=[{"id": "el", "carrier": "electricity"}],
                 enterprises=[plant()], fleets=[bev, diesel])
    assert r.kpis["truck_km"] == pytest.approx(7 * 10 * 100 + 7 * 4 * 50)
    assert r.kpis["truck_energy_mwh"] == pytest.approx(7000 * 0.0015 + 1400 * 0.000292 * 42.652 / 3.6)


def test_absorbing_units_take_only_what_arrives(write_scenario):
    """0.25 MWh of waste heat an hour (0.25 t/h x 1 MWh/t) against two 1.5 MW recovery pumps:
    together they take exactly what arrives, never more, and nothing is left unserved."""
    r = scenario(
        write_scenario,
        buses=[{"id": "el", "carrier": "electricity"}, {"id": "heat", "carrier": "heat"},
               {"id": "wh", "carrier": "waste_heat"}],
        enterprises=[{**plant(), "production": {"t_per_year": 2190, "waste_heat_mwh_per_t": 1.0,
                                                "waste_heat_bus": "wh"}}],
        assets=[{"id": f"whp{i}", "type": "converter", "preset": "waste_heat_pump", "capacity": 1.5,
                 "buses": {"waste_heat": "wh", "heat": "heat"}} for i in (1, 2)])
    f = r.flows_frame()
    np.testing.assert_allclose(-(f["whp1@wh"] + f["whp2@wh"]).to_numpy(), 0.25, rtol=1e-9)
    assert r.kpis["waste_heat_recovered_mwh"] == pytest.approx(0.25 * 168)
    assert f.filter(like="unserved").abs().to_numpy().max(initial=0.0) < 1e-9


@pytest.mark.parametrize(("distance_km", "logged"), [(400, ["2025-07-07 16:00:00+08:00"]),
                                                     (800, ["2025-07-07 23:00:00+08:00"]), (850, [])])
def test_an_arrival_at_the_end_of_the_run_shows_in_its_last_hour(write_scenario, distance_km, logged):
    """One truck leaves at 08:00 at 50 km/h on a one-day run: back at 16:00 from 400 km; from
    800 km at midnight, the run's end, shown in its last hour (23:00); from 850 km, after the
    run, not at all."""
    fleet = {"id": "fleet", "vehicle": "diesel_truck", "count": 1, "distance_km": distance_km, "speed_km_h": 50,
             "trips_per_day": 1}
    r = scenario(write_scenario, period={"year": 2025, "start": "2025-07-07", "days": 1},
                 buses=[{"id": "el", "carrier": "electricity"}], enterprises=[plant()], fleets=[fleet])
    assert [str(t) for t in r.events.time] == logged


def test_charging_after_the_run_ends_counts_in_its_last_hour(write_scenario):
    """A battery truck back after the one-day run (850 km at 50 km/h from 08:00) charges on
    return, which is after the run: its 850 km x 1.5 kWh/km = 1.275 MWh count in the last hour."""
    fleet = {"id": "fleet", "vehicle": "bev_truck", "count": 1, "distance_km": 850, "speed_km_h": 50,
             "trips_per_day": 1, "depot_bus": "el", "charging": "immediate"}
    r = scenario(write_scenario, period={"year": 2025, "start": "2025-07-07", "days": 1},
                 buses=[{"id": "el", "carrier": "electricity"}], enterprises=[plant()], fleets=[fleet])
    drawn = -r.flows_frame()["fleet@el"].to_numpy()
    np.testing.assert_allclose(drawn, np.r_[np.zeros(23), 850 * 0.0015], atol=1e-12)
