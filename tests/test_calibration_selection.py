"""Demand models selected from data: change points, shapes, level steps, and the physics.

Synthetic meters with known change points: the selector must find the true model family and
its balance points within one grid step either side (0.5 K: tolerance 1 K), the slopes
within 10 %, and must choose the intercept-only model where the data hold no temperature
response. The learned model must then run in the twin as scenario data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from calibration.fit import calibrate
from calibration.selection import GROUPS, Days, hour_shapes, level_step, select
from twin import run
from twin.physics.learned import Calendar, LearnedModel, hourly_parts
from twin.scenario.load import load_scenario

BALANCE_TOL_C = 1.0
RNG_SEED = 11


def synthetic_days(truth, noise: float = 0.3, n: int = 365, seed: int = RNG_SEED) -> Days:
    """A year of days: temperatures -4..28 degC (a seasonal cosine plus weather noise),
    weekday groups, energy from ``truth(group, temp)`` plus Gaussian noise [MWh]."""
    rng = np.random.default_rng(seed)
    day = np.arange(n)
    temp = 12.0 - 11.0 * np.cos(2 * np.pi * (day - 15) / 365) + rng.normal(0, 3.0, n)
    group = day % 7
    y = truth(group, temp) + rng.normal(0, noise, n)
    return Days(y, group, temp, np.ones(n))


def weekday_base(group: np.ndarray, temp_c: np.ndarray | None = None) -> np.ndarray:
    return np.where(group >= 5, 6.0, 10.0)  # weekends lower


def test_five_parameter_model_is_recovered():
    days = synthetic_days(lambda g, t: weekday_base(g) + 0.8 * np.maximum(14.0 - t, 0)
                          + 0.5 * np.maximum(t - 20.0, 0))
    chosen = select(days)
    assert chosen.name == "heating+cooling" and chosen.label == "5P"
    assert chosen.heating_balance_c == pytest.approx(14.0, abs=BALANCE_TOL_C)
    assert chosen.cooling_balance_c == pytest.approx(20.0, abs=BALANCE_TOL_C)
    assert chosen.heating_mwh_per_k == pytest.approx(0.8, rel=0.1)
    assert chosen.cooling_mwh_per_k == pytest.approx(0.5, rel=0.1)
    assert chosen.intercepts["sat"] == pytest.approx(6.0, abs=0.5)
    assert chosen.intercepts["wed"] == pytest.approx(10.0, abs=0.5)


def test_heating_only_model_is_recovered():
    days = synthetic_days(lambda g, t: weekday_base(g) + 1.2 * np.maximum(16.0 - t, 0))
    chosen = select(days)
    assert chosen.label == "3P heating" and chosen.cooling_balance_c is None
    assert chosen.heating_balance_c == pytest.approx(16.0, abs=BALANCE_TOL_C)
    assert chosen.heating_mwh_per_k == pytest.approx(1.2, rel=0.1)
    assert chosen.candidates["heating"] < chosen.candidates["none"]


def test_no_temperature_response_picks_the_mean_only_model():
    for seed in range(5):  # BIC must not buy a spurious slope on any of these draws
        chosen = select(synthetic_days(weekday_base, noise=1.0, seed=seed))
        assert chosen.name == "none", (seed, chosen.candidates)
        assert chosen.heating_mwh_per_k == 0 and chosen.cooling_mwh_per_k == 0


def test_terms_narrow_the_search():
    days = synthetic_days(lambda g, t: weekday_base(g) + 0.5 * np.maximum(t - 20.0, 0))
    assert select(days).label == "3P cooling"
    assert select(days, terms=("heating",)).cooling_mwh_per_k == 0
    assert select(days, terms=()).name == "none"


def test_level_step_found_and_refused():
    rng = np.random.default_rng(RNG_SEED)
    pred = np.full(300, 10.0)
    day = np.arange(300)
    stepped = pred * np.where(day >= 200, 1.5, 1.0) + rng.normal(0, 0.3, 300)
    found = level_step(stepped, pred, day)
    assert found is not None and abs(found[0] - 200) <= 2 and found[1] == pytest.approx(1.5, rel=0.03)
    assert level_step(pred + rng.normal(0, 0.3, 300), pred, day) is None
    small = pred * np.where(day >= 200, 1.1, 1.0) + rng.normal(0, 0.1, 300)
    assert level_step(small, pred, day) is None  # BIC would take it; below the 20 % floor


def test_hour_shapes_separate_the_timer_from_the_base():
    rng = np.random.default_rng(RNG_SEED)
    n = 140
    base_shape = np.full(24, 1 / 24)
    timer = np.zeros(24)
    timer[6:10] = 0.25  # heating only 06-10
    base, weather = np.full(n, 24.0), rng.uniform(0, 40, n)
    hourly = base[:, None] * base_shape + weather[:, None] * timer
    shape, wshape = hour_shapes(hourly, np.arange(n) % 7, base, weather)
    np.testing.assert_allclose(shape, np.tile(base_shape, (7, 1)), atol=1e-9)
    np.testing.assert_allclose(wshape, np.tile(timer, (7, 1)), atol=1e-9)


def model(**over) -> LearnedModel:
    shape = np.tile(np.r_[np.full(8, 0.02), np.full(10, 0.068), np.full(6, 0.02)], (7, 1))
    base = dict(day_mwh=np.array([10, 10, 10, 10, 10, 4, 4.0]), holiday_mwh=2.0, spring_festival_mwh=1.0,
                heating_balance_c=15.0, heating_mwh_per_k=0.5, cooling_balance_c=22.0, cooling_mwh_per_k=0.0,
                shape=shape / shape.sum(axis=1, keepdims=True), reference_mwh=100.0)
    return LearnedModel(**{**base, **over})


def calendar(kinds: list[str], temp_c: list[float], weekday: list[int], level=1.0, capacity=1.0) -> Calendar:
    per_hour = lambda v: np.repeat(np.asarray(v), 24)  # noqa: E731
    n = len(kinds)
    return Calendar(per_hour(weekday), np.tile(np.arange(24), n), per_hour(kinds), per_hour(temp_c).astype(float),
                    np.full(24 * n, level), np.full(24 * n, capacity))


def test_learned_days_hand_computed():
    """Monday at 5 degC: 10 + 0.5 x (15 - 5) = 15 MWh; a holiday at 20 degC: 2 MWh; a
    Spring Festival day 1 MWh; scale 120/100; capacity 0.5 halves all."""
    cal = calendar(["workday", "holiday", "spring_festival"], [5, 20, 20], [0, 2, 3])
    fixed, per_level = hourly_parts(model(), cal, 100.0)
    day = (fixed + per_level * cal.level).reshape(3, 24).sum(axis=1)
    np.testing.assert_allclose(day, [15.0, 2.0, 1.0])
    fixed2, per2 = hourly_parts(model(), calendar(["workday"], [5], [0], capacity=0.5), 120.0)
    assert (fixed2 + per2).sum() == pytest.approx(15.0 * 0.5 * 1.2)
    # the always-on base (the lowest hour of a week or a holiday: 2 MWh x 0.02 / 0.96 per
    # hour) and the weather part (5 MWh) do not follow the level
    low = hourly_parts(model(), calendar(["workday"], [5], [0], level=0.5), 100.0)
    at_plan = low[0] + low[1] * 0.5
    assert at_plan.sum() == pytest.approx(15.0)  # following the plan reproduces the model
    assert (low[0] + low[1] * 0.0).sum() == pytest.approx(24 * 2.0 * 0.02 / 0.96 + 5.0)


def test_learned_days_take_sundays_shape_and_the_weather_shape_by_hand():
    """Holidays, maintenance and Spring Festival days take Sunday's hour shape; the weather
    term (heating and cooling) follows the weather shape; the always-on floor is the lowest
    hour of the week (here a Sunday morning, below the holiday's); a day planned at level 0
    runs all its energy as fixed."""
    flat = np.full(24, 1 / 24)
    sunday = np.r_[np.full(12, 1 / 36), np.full(12, 2 / 36)]
    morning, evening = np.zeros(24), np.zeros(24)
    morning[6:10] = evening[18:22] = 0.25
    m = model(day_mwh=np.array([10, 10, 10, 10, 10, 4, 4.0]), holiday_mwh=8.0, cooling_mwh_per_k=0.4,
              shape=np.vstack([flat] * 6 + [sunday]), weather_shape=np.vstack([morning] * 6 + [evening]))

    def hours(kind, temp_c, weekday, level=1.0):
        fixed, per_level = hourly_parts(m, calendar([kind], [temp_c], [weekday], level=level), 100.0)
        return fixed, per_level, fixed + per_level * level

    # Wednesday at 30 degC: 10 MWh flat, cooling 0.4 x (30 - 22) = 3.2 MWh over 06-10
    np.testing.assert_allclose(hours("workday", 30.0, 2)[2], 10 / 24 + 3.2 * morning)
    # a Thursday holiday at 10 degC: 8 MWh on Sunday's shape, heating 0.5 x 5 over 18-22
    np.testing.assert_allclose(hours("holiday", 10.0, 3)[2], 8 * sunday + 2.5 * evening)
    # a Friday of the Spring Festival at 26 degC: 1 MWh, cooling 0.4 x 4, both Sunday's
    np.testing.assert_allclose(hours("spring_festival", 26.0, 4)[2], sunday + 1.6 * evening)
    # a Monday at 18 degC (between the balance points: no weather) planned at half level:
    # the floor 4 x 1/36 (Sunday before noon) runs whatever the plan, the rest follows it
    fixed, per_level, _ = hours("workday", 18.0, 0, level=0.5)
    np.testing.assert_allclose(fixed, np.full(24, 4 / 36))
    np.testing.assert_allclose(per_level, np.full(24, (10 / 24 - 4 / 36) / 0.5))
    # maintenance planned at level 0: the holiday energy on Sunday's shape, all of it fixed
    fixed, per_level, _ = hours("maintenance", 18.0, 0, level=0.0)
    np.testing.assert_allclose(fixed, 8 * sunday)
    np.testing.assert_array_equal(per_level, np.zeros(24))


@pytest.fixture(scope="module")
def learned_case(tmp_path_factory):
    """Hourly meters made by the twin from a known learned model (3P heating at 14 degC)."""
    folder = tmp_path_factory.mktemp("learn")
    shape = np.r_[np.full(7, 0.02), np.full(11, 0.07), np.full(6, 0.02)]
    shape = (shape / shape.sum()).round(6)
    shape[-1] += 1 - shape.sum()
    truth_model = {"day_mwh": [3, 3, 3, 3, 3, 1.5, 1.2], "holiday_mwh": 1.0, "heating_balance_c": 14.0,
                   "heating_mwh_per_k": 0.25, "hour_shape": [shape.tolist()] * 7, "reference_mwh": 1.0}
    base = {"name": "learn", "period": {"year": 2025},
            "site": {"name": "t", "latitude_deg": 40.0, "longitude_deg": 116.4, "timezone": "Asia/Shanghai",
                     "weather": {"source": "synthetic", "site": "beijing"}},
            "grid": {"import_max_mw": 50}, "buses": [{"id": "el", "carrier": "electricity"}],
            "enterprises": [{"id": "f1", "sector": "machinery", "heat_bus": None,
                             "demand": {"electricity_mwh": 900.0}}]}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(base), encoding="utf-8")
    truth = yaml.safe_load(yaml.safe_dump(base))
    truth["enterprises"][0]["learned"] = {"electricity": truth_model}
    truth["enterprises"][0]["demand"]["electricity_mwh"] = 1.0  # scale 1: the model as is
    (folder / "truth.yaml").write_text(yaml.safe_dump(truth), encoding="utf-8")
    flows = run(load_scenario(folder / "truth.yaml")).flows_frame()
    pd.DataFrame({"timestamp": flows.index.strftime("%Y-%m-%d %H:%M"), "meter": "f1_el",
                  "value": -flows["f1@el"].to_numpy() * 1000}).to_csv(folder / "meters.csv", index=False)
    mapping = {"timezone": "Asia/Shanghai", "meters": {"f1_el": {"target": "enterprise.f1.electricity", "unit": "kWh"}}}
    (folder / "map.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    return folder


def test_calibrate_without_a_spec_learns_the_model(learned_case):
    folder = learned_case
    periods = {"calibration": ["2025-01-01", "2025-09-30"], "validation": ["2025-10-01", "2025-12-31"]}
    result = calibrate(folder / "scenario.yaml", folder / "meters.csv", folder / "map.yaml", None, periods)
    chosen = result.summary["models"]["f1_el"]
    assert chosen["model"] == "3P heating"
    assert chosen["heating_balance_c"] == pytest.approx(14.0, abs=BALANCE_TOL_C)
    val = result.metrics["meters"]["f1_el"]["validation"]
    assert val["hourly"]["before"]["cv_rmse"] > 0.2  # the sector shape was far off
    assert val["hourly"]["after"]["cv_rmse"] < 0.05 and abs(val["monthly"]["after"]["nmbe"]) < 0.02
    learned = result.overlay["enterprises"][0]["learned"]["electricity"]
    assert learned["heating_mwh_per_k"] == pytest.approx(0.25, rel=0.1)
    assert learned["day_mwh"][2] == pytest.approx(3.0, rel=0.05)


def test_learned_model_still_answers_what_ifs(learned_case, write_scenario):
    """Efficiency (annual demand -20 %) and an extra holiday act on the learned model."""
    folder = learned_case
    truth = yaml.safe_load((folder / "truth.yaml").read_text())
    truth["period"] = {"year": 2025, "start": "2025-03-03", "days": 7}  # Mon 3 - Sun 9 March
    base = run(load_scenario(write_scenario(truth, "a.yaml"))).flows_frame()["f1@el"]
    truth["enterprises"][0]["demand"]["electricity_mwh"] = 0.8
    truth["enterprises"][0]["calendar"] = {"extra_holidays": ["2025-03-05"]}
    what_if = run(load_scenario(write_scenario(truth, "b.yaml"))).flows_frame()["f1@el"]
    daily_base, daily_new = -base.resample("D").sum(), -what_if.resample("D").sum()
    assert daily_new.iloc[0] == pytest.approx(0.8 * daily_base.iloc[0])
    weather_wed = daily_base.iloc[2] - 3.0  # Wednesday: 3 MWh plus the day's heating
    assert weather_wed > 0  # a cold March day in Beijing
    assert daily_new.iloc[2] == pytest.approx(0.8 * (1.0 + weather_wed))  # now a holiday
    assert list(GROUPS[:7]) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
