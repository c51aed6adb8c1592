"""Enterprise demand model: heating timer, calendar-following space heat, capacity changes."""

from __future__ import annotations

import numpy as np
import pytest

import twin
from twin.physics.demand import DemandParams, Drivers, demand_parts, felt_temperature, profile_parts

HOURS = np.tile(np.arange(24), 2)  # two days


def params(**over) -> DemandParams:
    """One enterprise whose heat is all space heat, no temperature effect on electricity."""
    base = dict(electricity_mwh=48.0, heat_mwh=100.0, base_load_frac=0.0, shift_start_h=0, shift_end_h=24,
                space_heat_frac=1.0, heating_balance_c=15.0, cooling_balance_c=22.0, cooling_frac_per_k=0.0,
                el_heating_frac_per_k=0.0, space_heat_start_h=0, space_heat_end_h=24,
                space_heat_follows_calendar=0.0, thermal_time_constant_h=0.0, solar_gain_k_per_kw_m2=0.0)
    base.update(over)
    months = base.pop("heating_months", range(1, 13))
    p = {k: np.array([v], dtype=float) for k, v in base.items()}
    return DemandParams(**p, heating_months=np.array([[m in months] for m in range(1, 13)], dtype=float))


def drivers(temp_c, level_day=(1.0, 1.0), capacity_day=(1.0, 1.0), ghi=None, month=(1, 1)) -> Drivers:
    """Two days of drivers: the given temperatures and daily levels, sizes and months."""
    per_day = lambda v: np.repeat(np.array(v, dtype=float), 24)  # noqa: E731
    return Drivers(HOURS, per_day(month).astype(int), temp_c, np.zeros(48) if ghi is None else ghi,
                   per_day(level_day)[:, None], per_day(capacity_day)[:, None])


def heat(p: DemandParams, temp_c: np.ndarray, level_day: tuple[float, float]) -> np.ndarray:
    d = drivers(temp_c, level_day)
    return demand_parts(d, p).heat(d.level_h)[:, 0]


def test_space_heat_runs_only_in_the_timer_hours():
    temp = np.full(48, 5.0)  # 10 K below the balance point every hour
    h = heat(params(space_heat_start_h=6, space_heat_end_h=18), temp, (1.0, 1.0))
    on = (HOURS >= 6) & (HOURS < 18)
    assert h[~on] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(h[on], 100.0 / on.sum())  # same degree-hours in every timer hour
    # a colder timer hour gets more heat in proportion to its degree-hours
    temp[8] = 0.0
    h = heat(params(space_heat_start_h=6, space_heat_end_h=18), temp, (1.0, 1.0))
    assert h[8] / h[9] == pytest.approx(15.0 / 10.0)
    assert h.sum() == pytest.approx(100.0)


def test_space_heat_following_the_calendar_is_off_on_a_holiday():
    temp = np.full(48, 5.0)
    h = heat(params(space_heat_follows_calendar=1.0), temp, (1.0, 0.0))
    assert h[24:] == pytest.approx(0.0, abs=1e-12)
    assert h.sum() == pytest.approx(100.0)  # the plan still delivers the annual heat
    half = heat(params(space_heat_follows_calendar=1.0), temp, (1.0, 0.5))
    assert half[30] / half[6] == pytest.approx(0.5)
    plain = heat(params(), temp, (1.0, 0.0))  # not following: heats the closed day too
    np.testing.assert_allclose(plain, 100.0 / 48)


def test_electricity_follows_the_level_above_its_base():
    """Base 25 %: each hour is 0.25 fixed + 0.75 x level, scaled to the year at the plan
    (levels 1 then 0.5): 24 x 1 + 24 x 0.625 = 39 units hold 48 MWh."""
    d = drivers(np.full(48, 18.0), level_day=(1.0, 0.5))
    parts = demand_parts(d, params(base_load_frac=0.25))
    el = parts.electricity(d.level_h)[:, 0]
    np.testing.assert_allclose(el[:24], 48.0 / 39)
    np.testing.assert_allclose(el[24:], 0.625 * 48.0 / 39)
    # the agent stopping the second day leaves the base running
    stopped = parts.electricity(np.r_[np.ones(24), np.zeros(24)][:, None])[:, 0]
    np.testing.assert_allclose(stopped[24:], 0.25 * 48.0 / 39)


def test_profile_parts_scales_the_shape_to_the_annual_total():
    np.testing.assert_allclose(profile_parts(np.array([1.0, 3.0]), 8.0), [2.0, 6.0])
    np.testing.assert_allclose(profile_parts(np.array([0.1, 0.4]), 10.0), [2.0, 8.0])  # total < 1
    # an all-zero profile (allowed: values >= 0) is no demand, not NaN
    none = profile_parts(np.zeros(3), 5.0)
    assert none.shape == (3,) and none.dtype == np.float64 and not none.any()  # one per hour


def test_space_heat_of_a_site_that_never_needs_it_follows_the_process():
    """No heating degree-hours (20 degC, balance 15): the space-heat share follows the process
    shape, per level, so the plan still delivers the annual heat (half level, half heat)."""
    h = heat(params(space_heat_frac=0.5), np.full(48, 20.0), (1.0, 0.5))
    assert h.sum() == pytest.approx(100.0)
    np.testing.assert_allclose(h[24:], h[:24] * 0.5)
    # all heat as space heat: no process shape to follow; spread evenly, per level
    h = heat(params(), np.full(48, 20.0), (1.0, 0.5))
    assert h.sum() == pytest.approx(100.0)
    np.testing.assert_allclose(h[:24], 100.0 / 36)
    np.testing.assert_allclose(h[24:], 50.0 / 36)


def test_space_heat_of_a_site_that_never_needs_it_follows_a_small_day_shift():
    """The same with a small day-shift plant (20 MWh, heat only 08:00-20:00, under 1 MWh/h):
    the space-heat share follows the process into the shift hours, none at night."""
    h = heat(params(space_heat_frac=0.5, heat_mwh=20.0, shift_start_h=8, shift_end_h=20), np.full(48, 20.0),
             (1.0, 1.0))
    assert h.sum() == pytest.approx(20.0)
    night = (HOURS < 8) | (HOURS >= 20)
    assert (h[night] == 0).all() and (h[~night] > 0).all()


def test_space_heat_only_in_the_heating_season():
    temp = np.full(48, 5.0)
    d = drivers(temp, month=(5, 6))  # the season ends with May
    h = demand_parts(d, params(heating_months=[1, 2, 3, 4, 5, 10, 11, 12])).heat(d.level_h)[:, 0]
    assert h[24:] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(h[:24], 100.0 / 24)


def test_felt_temperature_sun_and_inertia():
    p = params(solar_gain_k_per_kw_m2=10.0)
    ghi = np.r_[np.zeros(12), np.full(12, 500.0), np.zeros(24)]
    felt = felt_temperature(np.full(48, 5.0), ghi, p)[:, 0]
    np.testing.assert_allclose(felt[12:24], 10.0)  # 5 degC + 10 K per kW/m2 x 0.5 kW/m2
    # a first-order lag: a step reaches 1 - 1/e of its height after one time constant
    step = np.r_[np.zeros(200), np.full(48, 10.0)]  # (the year is cyclic: 200 h let the 10s fade)
    lag = felt_temperature(step, np.zeros(248), params(thermal_time_constant_h=6.0))[:, 0]
    a = np.exp(-1 / 6)
    assert lag[199 + 6] == pytest.approx(10.0 * (1 - a**6), rel=1e-6)
    steady = felt_temperature(np.full(48, 7.0), np.zeros(48), params(thermal_time_constant_h=30.0))
    np.testing.assert_allclose(steady, 7.0)  # cyclic warm-up: no start-up transient
    # space heat from the felt temperature: no heat while the sun lifts it above the balance point
    d = drivers(np.full(48, 5.0), ghi=np.r_[np.zeros(12), np.full(12, 1200.0), np.zeros(24)])
    h = demand_parts(d, p).heat(d.level_h)[:, 0]
    assert h[12:24] == pytest.approx(0.0, abs=1e-12)
    assert h.sum() == pytest.approx(100.0)


def test_capacity_change_scales_electricity_and_process_heat_not_space_heat():
    temp = np.full(48, 5.0)
    p = params(space_heat_frac=0.6)
    level_h = np.ones((48, 1))
    parts = demand_parts(drivers(temp, capacity_day=(1.0, 0.5)), p)
    el = parts.electricity(level_h)[:, 0]
    np.testing.assert_allclose(el[:24], 48.0 / 36)  # 48 MWh over 24 h + 24 h at half size
    np.testing.assert_allclose(el[24:], 24.0 / 36)
    total_heat = parts.heat(level_h)[:, 0]
    space = 60.0 / 48  # space heat: the same every hour
    np.testing.assert_allclose(total_heat[:24] - space, 40.0 / 36)
    np.testing.assert_allclose(total_heat[24:] - space, 20.0 / 36)
    np.testing.assert_allclose(parts.prod_per_level[:, 0].sum(), 1.0)
    assert parts.prod_per_level[30, 0] / parts.prod_per_level[6, 0] == pytest.approx(0.5)


def test_capacity_change_in_a_full_year_run(write_scenario):
    plant = {"id": "plant", "sector": "chemicals", "heat_bus": None, "base_load_frac": 0.2,
             "calendar": {"public_holidays": "none", "weekend_load_frac": 1.0,
                          "capacity_changes": [{"date": "2025-07-01", "capacity_frac": 0.5}]},
             "temperature": {"cooling_frac_per_k": 0.0},
             "demand": {"electricity_mwh": 8760}, "production": {"t_per_year": 1000}}
    data = {"name": "step", "period": {"year": 2025}, "reliability": {"failures": False},
            "site": {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.6,
                     "weather": {"source": "synthetic", "site": "suzhou"}},
            "grid": {"import_max_mw": 100}, "enterprises": [plant]}
    r = twin.run(twin.load_scenario(write_scenario(data)))
    el = -r.flows_frame()["plant@el"]
    before, after = el[:"2025-06-30"], el["2025-07-01":]
    assert after.mean() / before.mean() == pytest.approx(0.5)
    assert el.sum() == pytest.approx(8760.0)  # the annual total is the year as it runs
    days_before, days_after = len(before) / 24, len(after) / 24
    assert before.sum() == pytest.approx(8760.0 * days_before / (days_before + 0.5 * days_after))
    ev = r.events[r.events.event == "capacity_change"]
    assert list(ev.asset) == ["plant"] and "0.50" in ev.detail.iloc[0]


def test_capacity_changes_on_one_date_are_refused(write_scenario):
    data = {"name": "bad", "period": {"year": 2025, "days": 7}, "site": {"name": "t", "latitude_deg": 31.3,
            "longitude_deg": 120.6, "weather": {"source": "synthetic", "site": "suzhou"}},
            "enterprises": [{"id": "p", "sector": "chemicals", "calendar": {"capacity_changes": [
                {"date": "2025-03-01", "capacity_frac": 0.5}, {"date": "2025-03-01", "capacity_frac": 0.7}]}}]}
    with pytest.raises(twin.InputError, match="same date"):
        twin.load_scenario(write_scenario(data))


def test_capacity_change_on_the_second_day_of_the_year_is_logged(write_scenario):
    """A change from 2 January is the calendar's day 1: logged once, at its midnight."""
    plant = {"id": "plant", "sector": "chemicals", "heat_bus": None, "base_load_frac": 0.2,
             "calendar": {"public_holidays": "none", "weekend_load_frac": 1.0,
                          "capacity_changes": [{"date": "2025-01-02", "capacity_frac": 0.5}]},
             "demand": {"electricity_mwh": 8760}, "production": {"t_per_year": 1000}}
    data = {"name": "step", "period": {"year": 2025, "start": "2025-01-01", "days": 3},
            "reliability": {"failures": False},
            "site": {"name": "t", "latitude_deg": 31.3, "longitude_deg": 120.6,
                     "weather": {"source": "synthetic", "site": "suzhou"}},
            "grid": {"import_max_mw": 100}, "enterprises": [plant]}
    r = twin.run(twin.load_scenario(write_scenario(data)))
    ev = r.events[r.events.event == "capacity_change"]
    assert [str(t) for t in ev.time] == ["2025-01-02 00:00:00+08:00"] and "0.50" in ev.detail.iloc[0]
