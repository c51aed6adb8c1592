"""Physics and KPIs against hand calculations."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SCENARIOS

import twin
from twin.physics.conversion import heat_pump_cop
from twin.physics.storage import DayContext, StorageParams, apply_requests, tou_arbitrage

BATTERY = StorageParams(p_max_mw=2.0, e_min_mwh=0.5, e_max_mwh=4.5, eta_charge_frac=0.9, eta_discharge_frac=0.8)


def test_storage_by_hand():
    # start 1.0 MWh: charge 2 MW -> +1.8; ask 3 MW charge, limited to 2 MW -> 4.6 capped at 4.5:
    # room 4.5-2.8=1.7 MWh stored = 1.888.. MW drawn; discharge 5 MW -> limited to 2 MW -> -2.5 MWh
    power, soc = apply_requests(np.array([-2.0, -3.0, 5.0, 0.0]), 1.0, BATTERY)
    np.testing.assert_allclose(power, [-2.0, -1.7 / 0.9, 2.0, 0.0])
    np.testing.assert_allclose(soc, [2.8, 4.5, 2.0, 2.0])
    # empty it: only (2.0 - 0.5) * 0.8 = 1.2 MWh can come out
    power, soc = apply_requests(np.array([2.0]), 2.0, BATTERY)
    np.testing.assert_allclose(power, [1.2])
    np.testing.assert_allclose(soc, [0.5])


def test_tou_strategy_charges_only_what_the_peak_needs():
    price = np.array([280.0] * 8 + [1080.0] * 3 + [650.0] * 13)
    deficit = np.full(24, 1.0)
    ctx = DayContext(deficit, price, soc_mwh=0.5, params=BATTERY)
    request = tou_arbitrage(ctx)
    # the store can deliver (4.5 - 0.5) x 0.8 = 3.2 MWh: 3 to the peak hours, 0.2 to the
    # first flat hour (650 x 0.72 > 280, still worth it); to store 4 MWh it draws 4 / 0.9
    # over the 8 valley hours
    np.testing.assert_allclose(request[:8], -4.0 / 0.9 / 8)
    np.testing.assert_allclose(request[8:11], 1.0)
    np.testing.assert_allclose(request[11], 0.2)
    np.testing.assert_allclose(request[12:], 0.0)


def test_heat_pump_cop_by_hand():
    # Carnot COP at 7 -> 55 degC: 328.15 / 48 = 6.8365; x 0.45 = 3.0764
    assert heat_pump_cop(7.0, 55.0, 0.45, 6.0) == pytest.approx(0.45 * 328.15 / 48.0)
    assert heat_pump_cop(60.0, 55.0, 0.45, 6.0) == 6.0  # no lift: bounded
    assert heat_pump_cop(-30.0, 90.0, 0.3, 6.0) == pytest.approx(max(1.0, 0.3 * 363.15 / 120.0))


@pytest.fixture(scope="module")
def mini() -> twin.Results:
    return twin.run(twin.load_scenario(SCENARIOS / "mini.yaml"))


def test_converter_flows_by_hand(mini):
    f = mini.flows_frame()
    gas_m3_per_mwh = 1 / (0.92 * 0.038931 / 3.6)  # NCV 389.31 GJ per 10^4 m3, efficiency 0.92
    np.testing.assert_allclose(-f["gas_boiler@natural_gas"], f["gas_boiler@heat"] * gas_m3_per_mwh, rtol=1e-12)
    temp = twin.network.inputs.site_weather(mini.scenario)["temp_air_c"].loc[mini.index].to_numpy()
    cop = np.clip(0.45 * (70 + 273.15) / (70 - temp), 1, 6)
    np.testing.assert_allclose(-f["heat_pump@el"], f["heat_pump@heat"] / cop, rtol=1e-12)


def test_heat_pump_runs_before_gas_when_cheaper(mini):
    f = mini.flows_frame()
    gas_running = f["gas_boiler@heat"] > 1e-9
    # whenever gas burns, the heat pump is at full output unless electricity is dearer per MWh of heat
    price = mini.import_price
    temp = twin.network.inputs.site_weather(mini.scenario)["temp_air_c"].loc[mini.index].to_numpy()
    hp_cost = price / np.clip(0.45 * 343.15 / (70 - temp), 1, 6)
    gas_cost = 3.6 / (0.92 * 0.038931 / 3.6)
    cheaper = hp_cost < gas_cost
    assert np.allclose(f["heat_pump@heat"][gas_running & cheaper], 2.0)


def test_carbon_and_energy_kpis_by_hand(mini):
    k = mini.kpis
    co2_per_m3 = 0.038931e-3 * 15.3 * 0.99 * 44 / 12
    assert k["co2_generated_t"] == pytest.approx(k["natural_gas_m3"] * co2_per_m3, rel=1e-12)
    assert k["co2_grid_t"] == pytest.approx(k["grid_import_mwh"] * 0.5500, rel=1e-12)
    assert k["co2_net_t"] == pytest.approx(k["co2_generated_t"] + k["co2_grid_t"], rel=1e-12)
    used_renewable = k["pv_generation_mwh"] - k["curtailment_mwh"] - k["grid_export_mwh"]
    tce = (k["grid_import_mwh"] + used_renewable) * 0.1229 + k["natural_gas_m3"] * 0.00133
    assert k["energy_tce"] == pytest.approx(tce, rel=1e-12)
    assert k["carbon_per_energy_t_per_tce"] == pytest.approx(k["co2_net_t"] / tce, rel=1e-12)


def test_energy_cost_by_hand(mini):
    f = mini.flows_frame()
    imp = f["grid_import@el"].to_numpy()
    energy = float(imp @ mini.import_price)
    demand = imp.max() * 40000.0 * 7 / 31  # July, 7 of 31 days
    gas = mini.kpis["natural_gas_m3"] * 3.6
    export = -f["grid_export@el"].sum() * 391.0
    assert mini.kpis["energy_cost_cny"] == pytest.approx(energy + demand + gas - export, rel=1e-12)


def test_tou_strategy_nets_what_is_already_stored():
    """Starting at 2.5 MWh (2.0 above the floor), the valley charge only tops up.

    The peak and first flat hour still want 3.2 MWh out = 4.0 MWh stored; 2.0 MWh are
    there, so the valley hours draw (4.0 - 2.0) / 0.9 MWh, not 4.0 / 0.9.
    """
    price = np.array([280.0] * 8 + [1080.0] * 3 + [650.0] * 13)
    ctx = DayContext(np.full(24, 1.0), price, soc_mwh=2.5, params=BATTERY)
    request = tou_arbitrage(ctx)
    np.testing.assert_allclose(request[:8], -(4.0 - 2.0) / 0.9 / 8)
    np.testing.assert_allclose(request[8:11], 1.0)
    full = tou_arbitrage(DayContext(np.full(24, 1.0), price, soc_mwh=4.5, params=BATTERY))
    np.testing.assert_allclose(full[:8], 0.0)  # already full: no grid charging at all


def test_tou_rule_at_its_edges():
    """The TOU rule hour by hour where mutation testing found it unchecked (docs/testing.md).

    Valley 280 in hours 0-5 and 7, 280.5 in hour 6 (not the cheapest: no charging), peak 1080
    in 8-10, 350 after (350 x 0.9 x 0.8 = 252 < 280: not worth discharging). Deficit 1 MW
    except 0 in hours 0 and 8, 0.5 in hour 1, and a 0.7 MW surplus in hour 20.
    """
    price = np.array([280.0] * 6 + [280.5, 280.0] + [1080.0] * 3 + [350.0] * 13)
    deficit = np.ones(24)
    deficit[[0, 8]], deficit[1], deficit[20] = 0.0, 0.5, -0.7
    want = np.zeros(24)
    want[[9, 10]] = 1.0  # the peak hours with a deficit
    want[20] = -0.7  # surplus is absorbed at any hour
    valley = [0, 1, 2, 3, 4, 5, 7]  # cheapest hours with no surplus, zero deficit included
    for soc, need_mwh in ((0.5, 2.0 / 0.8), (2.5, 2.0 / 0.8 - 2.0)):  # the second: 0.5 MWh short
        want[valley] = -need_mwh / 0.9 / len(valley)
        got = tou_arbitrage(DayContext(deficit, price, soc_mwh=soc, params=BATTERY))
        np.testing.assert_allclose(got, want, atol=1e-12)
    # a dear hour barely worth it (389.6 x 0.72 = 280.5 > 280) is served
    price[11] = 389.6
    got = tou_arbitrage(DayContext(deficit, price, soc_mwh=0.5, params=BATTERY))
    assert got[11] == pytest.approx(1.0)


@pytest.mark.parametrize(("price", "expected"), [
    # mean 0.62: the 0.9 and 1.0 hours are dearer (0.6, within a cent of the mean, is not);
    # their 1+1 (firm a) and 2+4 (firm b) go half and half to the two 0.3 hours
    ([0.3, 0.3, 0.6, 0.9, 1.0], [[2.0, 4.0], [2.0, 5.0], [1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]),
    # one cheapest hour takes all of it; 0.62 (the mean itself) is not dearer than the mean
    ([0.2, 0.3, 0.62, 0.9, 1.08], [[3.0, 7.0], [1.0, 2.0], [1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]),
])
def test_flexible_electricity_moves_from_dear_hours_to_the_cheapest(price, expected):
    """``_moved``: flexible energy of the dearer-than-average hours is spread evenly over the
    cheapest hours of the block; every firm keeps its own energy."""
    from twin.kernel.dispatch import _moved

    flex = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 1.0], [1.0, 2.0], [1.0, 4.0]])
    moved = _moved(flex, np.array(price))
    np.testing.assert_allclose(moved, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(moved.sum(axis=0), flex.sum(axis=0))


def test_flexible_production_leaves_the_peak_on_working_days_only(write_scenario):
    """A plant with half its electricity flexible, all of it production load (no base load):
    on the five working days the dearer-than-average tariff hours keep half their load and
    the 280 CNY/MWh valley hours share the other half evenly; the weekend is untouched."""

    def run(flexible_frac: float) -> tuple[np.ndarray, np.ndarray]:
        data = {"name": "flex", "period": {"year": 2025, "start": "2025-07-07", "days": 7},
                "site": {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.6,
                         "weather": {"source": "synthetic", "site": "suzhou"}},
                "reliability": {"failures": False}, "grid": {"import_max_mw": 100},
                "enterprises": [{"id": "plant", "sector": "chemicals", "heat_bus": None, "base_load_frac": 0.0,
                                 "calendar": {"public_holidays": "none", "weekend_load_frac": 1.0},
                                 "demand": {"electricity_mwh": 8760}, "flexible_frac": flexible_frac,
                                 "production": {"t_per_year": 8760}}]}
        r = twin.run(twin.load_scenario(write_scenario(data, f"flex{flexible_frac}.yaml")))
        return -r.flows_frame()["plant@el"].to_numpy().reshape(7, 24), r.import_price.reshape(7, 24)

    rigid, price = run(0.0)
    flexible, _ = run(0.5)
    for day in range(5):  # Monday to Friday
        p = price[day]
        dear, valley = p > p.mean() + 1e-9, p == p.min()
        assert dear.sum() == 9 and valley.sum() == 8 and p.min() == 280.0  # 1080 and 1300 hours
        want = rigid[day].copy()
        want[dear] *= 0.5
        want[valley] += 0.5 * rigid[day][dear].sum() / valley.sum()
        np.testing.assert_allclose(flexible[day], want, rtol=1e-12)
    np.testing.assert_array_equal(flexible[5:], rigid[5:])  # Saturday and Sunday: no flexibility


FLAT = {"name": "flat", "source": "test: one price all day", "year": 2025, "energy_cny_per_mwh": {"flat": 100.0},
        "seasons": [{"months": list(range(1, 13)), "hours": {"flat": [[0, 24]]}}]}


def plant_park(write_scenario, days: int, grid: dict, assets: list[dict]) -> twin.Results:
    """A flat 1 MW plant (8,760 MWh a year, every hour) in Suzhou from Monday 7 July 2025,
    with ``assets`` beside it and ``grid`` on top of a 100 MW import limit."""
    data = {"name": "plant", "period": {"year": 2025, "start": "2025-07-07", "days": days},
            "site": {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.6,
                     "weather": {"source": "synthetic", "site": "suzhou"}},
            "reliability": {"failures": False}, "grid": {"import_max_mw": 100, **grid},
            "enterprises": [{"id": "plant", "sector": "chemicals", "heat_bus": None, "base_load_frac": 1.0,
                             "calendar": {"public_holidays": "none", "weekend_load_frac": 1.0},
                             "demand": {"electricity_mwh": 8760}}],
            "assets": assets}
    return twin.run(twin.load_scenario(write_scenario(data)))


@pytest.mark.parametrize(("export_cny_per_mwh", "stores"), [(90.0, False), (70.0, True)])
def test_lookahead_battery_weighs_the_export_price_against_storing(write_scenario, export_cny_per_mwh, stores):
    """A midday PV surplus on a flat 100 CNY/MWh tariff, an empty battery at 90 % each way.

    A stored MWh comes back as 0.81 MWh in the evening, saving 81 CNY of import; exported, it
    earns the export price. At 90 CNY/MWh the battery stays idle and the surplus is exported;
    at 70 it stores (the same trade-off as the yardstick's two-hour case, now through a run).
    """
    r = plant_park(write_scenario, 2, {"export_max_mw": 100, "tariff": {**FLAT, "export_cny_per_mwh": export_cny_per_mwh}},
                   [{"id": "pv", "type": "pv", "p_dc_mw": 5},
                    {"id": "bat", "type": "battery", "p_max_mw": 1, "e_max_mwh": 2, "eta_charge_frac": 0.9,
                     "eta_discharge_frac": 0.9, "soc_min_frac": 0.0, "soc_init_frac": 0.0, "soc_max_frac": 1.0,
                     "strategy": "lookahead"}])
    f = r.flows_frame()
    assert -f["grid_export@el"].sum() > 5  # there is a surplus to sell or store
    charged = -f["bat@el"].clip(upper=0).sum()
    if stores:
        assert charged > 1.0
    else:
        assert np.abs(f["bat@el"]).max() < 1e-6


def test_wind_self_sufficiency_and_a_stated_grid_factor_by_hand(write_scenario):
    """Wind turbines beside a plant of about 1 MW for two days, export allowed.

    What the park uses of its own wind is its demand less what it imports (no store, no
    loss), so self-sufficiency is 1 - import / demand whatever was exported. A grid factor
    stated in the scenario (0.123 t/MWh) is the one scope 2 uses.
    """
    r = plant_park(write_scenario, 2, {"export_max_mw": 100, "emission_factor": {"t_co2_per_mwh": 0.123}},
                   [{"id": "wt", "type": "wind", "turbine_type": "V90/2000", "count": 3, "hub_height_m": 100}])
    f, k = r.flows_frame(), r.kpis
    wind, imported, exported = f["wt@el"].sum(), f["grid_import@el"].sum(), -f["grid_export@el"].sum()
    assert wind > 1 and imported > 1 and exported > 1  # some hours short of wind, some with wind to spare
    demand = -f["plant@el"].sum()
    assert k["wind_generation_mwh"] == pytest.approx(wind)
    assert k["pv_generation_mwh"] == 0
    assert k["self_sufficiency_frac"] == pytest.approx(1 - imported / demand)
    assert k["co2_grid_t"] == pytest.approx(0.123 * imported)


def test_electricity_kpis_from_the_flows_by_hand(write_scenario):
    """A 1 MW plant with 5 MWp of PV, a 0.5 MW export limit and an 8 MWh battery (90 % each
    way) storing the midday surplus for the night, a summer week. From the hourly flows by
    role: renewable used = PV - curtailed - exported; self-sufficiency = used / (imported +
    used); the battery's losses = 10 % of what it took in + (1/0.9 - 1) of what it gave back."""
    r = plant_park(write_scenario, 7, {"export_max_mw": 0.5},
                   [{"id": "pv", "type": "pv", "p_dc_mw": 5},
                    {"id": "bat", "type": "battery", "p_max_mw": 1, "e_max_mwh": 8, "eta_charge_frac": 0.9,
                     "eta_discharge_frac": 0.9, "soc_min_frac": 0.0, "soc_init_frac": 0.5, "soc_max_frac": 1.0,
                     "strategy": "self_consumption"}])
    f, k = r.flows_frame(), r.kpis
    pv, imported = f["pv@el"].sum(), f["grid_import@el"].sum()
    curtailed, exported = -f.filter(like="curtail").sum().sum(), -f["grid_export@el"].sum()
    assert curtailed > 1 and exported > 1  # both limits matter this week
    used = pv - curtailed - exported
    assert k["self_sufficiency_frac"] == pytest.approx(used / (imported + used), rel=1e-9)
    bat = f["bat@el"].to_numpy()
    assert abs(bat[-1]) > 1e-3  # the battery still moves in the last hour
    losses = -bat[bat < 0].sum() * (1 - 0.9) + bat[bat > 0].sum() * (1 / 0.9 - 1)
    assert k["storage_losses_mwh"] == pytest.approx(losses, rel=1e-9)
