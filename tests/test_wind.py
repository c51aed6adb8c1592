"""Wind turbine output: hand values and windpowerlib's own ModelChain."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from windpowerlib import ModelChain, WindTurbine

from twin.physics import wind

TYPE = "E-101/3050"  # Enercon E-101, curve 0-3.0 MW, cut-out after 25 m/s
HOURS = 8760


def _weather(seed: int = 1, pressure_pa: float = 101325.0) -> pd.DataFrame:
    """A synthetic year in windpowerlib's weather format (10 m wind, 2 m temperature)."""
    rng = np.random.default_rng(seed)
    hours = np.arange(HOURS)
    speed = rng.weibull(2.0, HOURS) * 7.0
    temp_c = 12.0 + 15.0 * np.sin(2 * np.pi * (hours / HOURS - 0.3)) + rng.normal(0, 3, HOURS)
    columns = pd.MultiIndex.from_tuples(
        [("wind_speed", 10), ("temperature", 2), ("pressure", 0), ("roughness_length", 0)],
        names=["variable_name", "height"],
    )
    data = np.column_stack(
        [speed, temp_c + 273.15, np.full(HOURS, pressure_pa), np.full(HOURS, 0.1)]
    )
    index = pd.date_range("2023-01-01", periods=HOURS, freq="h")
    return pd.DataFrame(data, index=index, columns=columns)


def test_library_ships_offline():
    types = wind.turbine_types()
    assert len(types) > 50
    assert {"E-101/3050", "V90/2000", "VS112/2500"} <= set(types)
    speed, power = wind.power_curve("V90/2000")
    assert np.all(np.diff(speed) > 0)
    assert power.max() == pytest.approx(2.0, rel=0.01)  # W converted to MW (oedb: 2.0077)


def test_unknown_type_lists_close_matches():
    with pytest.raises(ValueError, match="V90/2000"):
        wind.power_curve("V90-2000")


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # inside windpowerlib 0.2.2 on pandas 3
@pytest.mark.parametrize(
    "hub_height_m, pressure_pa, density_correction",
    [
        (99.0, 101325.0, False),
        (135.0, 101325.0, True),
        (99.0, 86000.0, True),  # a 1,400 m plateau site
    ],
)
def test_against_windpowerlib_modelchain(hub_height_m, pressure_pa, density_correction):
    weather = _weather(pressure_pa=pressure_pa)
    turbine = WindTurbine(hub_height=hub_height_m, turbine_type=TYPE)
    chain = ModelChain(turbine, density_correction=density_correction).run_model(weather)
    reference_mw = chain.power_output.to_numpy() / 1e6
    ours_mw = wind.wind_ac_mw(
        weather[("wind_speed", 10)].to_numpy(),
        weather[("temperature", 2)].to_numpy() - 273.15,
        TYPE,
        hub_height_m,
        losses_frac=0.0,
        density_correction=density_correction,
        pressure_pa=pressure_pa,
    )
    assert ours_mw.sum() == pytest.approx(reference_mw.sum(), rel=0.01)
    np.testing.assert_allclose(ours_mw, reference_mw, rtol=1e-6, atol=1e-9)


def test_log_profile_hand_value():
    # 5 m/s at 10 m, z0 = 0.1 m, hub 100 m: 5 * ln(1000) / ln(100) = 7.5 m/s
    got = wind.hub_wind_speed(np.array([5.0]), 10.0, 100.0, 0.1)
    assert got[0] == pytest.approx(5.0 * math.log(1000.0) / math.log(100.0), rel=1e-12)
    assert got[0] == pytest.approx(7.5, rel=1e-12)
    same = wind.hub_wind_speed(np.array([0.0, 3.0]), 80.0, 80.0, 0.5)
    np.testing.assert_allclose(same, [0.0, 3.0])


def test_hand_values_cut_in_rated_cut_out():
    speed, power = wind.power_curve(TYPE)
    rated_mw = power.max()
    rated_speed = speed[np.argmax(power)]  # first speed at rated power
    losses = 0.1
    at_hub = np.array([1.0, rated_speed, 20.0, 26.0, 40.0])  # measured at hub height
    got = wind.wind_ac_mw(
        at_hub, np.zeros(5), TYPE, 99.0, measured_height_m=99.0, losses_frac=losses
    )
    np.testing.assert_allclose(
        got, [0.0, rated_mw * (1 - losses), rated_mw * (1 - losses), 0.0, 0.0]
    )


def test_own_curve_and_validation():
    speed = np.array([0.0, 3.0, 12.0, 25.0])
    power = np.array([0.0, 0.0, 2.5, 2.5])
    got = wind.wind_ac_mw(
        np.array([2.0, 7.5, 12.0, 25.0, 25.1]),
        np.zeros(5),
        None,
        90.0,
        curve_speed_m_s=speed,
        curve_power_mw=power,
        measured_height_m=90.0,
        losses_frac=0.0,
    )
    np.testing.assert_allclose(got, [0.0, 1.25, 2.5, 2.5, 0.0])
    with pytest.raises(ValueError, match="not both"):
        wind.wind_ac_mw(
            np.ones(2), np.zeros(2), TYPE, 90.0, curve_speed_m_s=speed, curve_power_mw=power
        )
    with pytest.raises(ValueError, match="either|both"):
        wind.wind_ac_mw(np.ones(2), np.zeros(2), None, 90.0)
    with pytest.raises(ValueError, match="increasing"):
        wind.wind_ac_mw(
            np.ones(2), np.zeros(2), None, 90.0, curve_speed_m_s=speed[::-1], curve_power_mw=power
        )
    with pytest.raises(ValueError, match="losses_frac"):
        wind.wind_ac_mw(np.ones(2), np.zeros(2), TYPE, 90.0, losses_frac=10.0)


def test_density_lowers_output_at_altitude():
    weather = _weather()
    args = (
        weather[("wind_speed", 10)].to_numpy(),
        weather[("temperature", 2)].to_numpy() - 273.15,
        TYPE,
        99.0,
    )
    sea = wind.wind_ac_mw(*args, density_correction=True).sum()
    plateau = wind.wind_ac_mw(*args, density_correction=True, pressure_pa=86000.0).sum()
    assert plateau < sea
    rho = wind.air_density_kg_m3(np.array([15.0]), 0.0)
    assert rho[0] == pytest.approx(1.225, rel=0.002)  # ISA sea level, 15 °C


# --- the user-facing messages, the curve checks, and the arguments the chain must honour ---


def _hint(turbine_type: str) -> str:
    """The message of an unknown turbine type."""
    with pytest.raises(ValueError) as err:
        wind.power_curve(turbine_type)
    return str(err.value)


def test_unknown_type_message_names_the_type_and_its_near_spellings():
    # "V90" is how a user shortens the Vestas V90: both V90 ratings must be offered (their
    # similarity to "V90" is below difflib's default cutoff of 0.6), in one line
    assert _hint("V90") == (
        "unknown wind turbine type 'V90'; close matches: V90/3000, V90/2000, V164/9500, V90/2000/GS"
    )
    # "E-82" has four ratings in the library: all four are listed, and no more than five names
    # in all, so the message stays one readable line
    names = _hint("E-82").split("; close matches: ")[1].split(", ")
    assert {"E-82/2000", "E-82/2300", "E-82/2350", "E-82/3000"} <= set(names)
    assert len(names) == 5
    # nothing close: point to the list rather than an empty "close matches:"
    assert _hint("Goldwind GW121") == (
        "unknown wind turbine type 'Goldwind GW121'; see turbine_types()"
    )


def test_every_library_curve_passes_the_curve_check():
    # the published oedb curves (0.5 m/s steps) are valid curves by definition
    for turbine_type in wind.turbine_types():
        assert wind.check_power_curve(*wind.power_curve(turbine_type)) == [], turbine_type


SHAPE_MSG = "power curve needs two or more points with as many speeds as powers"
FINITE_MSG = "power curve points must be finite numbers"
SPEED_MSG = "curve wind speeds [m/s] must be ≥ 0 and strictly increasing"
POWER_MSG = "curve powers [MW] must be ≥ 0"


@pytest.mark.parametrize(
    "speed, power, problems",
    [
        ([0.0, 25.0], [0.0, 2.0], []),  # two points are enough
        ([0.0, 3.0, 25.0], [0.0, 2.0], [SHAPE_MSG]),  # one power missing
        ([[0.0, 3.0], [12.0, 25.0]], [[0.0, 0.0], [2.0, 2.0]], [SHAPE_MSG]),  # a table, not a list
        ([5.0], [1.0], [SHAPE_MSG]),
        ([0.0, np.nan, 25.0], [0.0, 1.0, 2.0], [FINITE_MSG]),  # a bad speed alone is enough
        ([0.0, 3.0, 25.0], [0.0, np.inf, 2.0], [FINITE_MSG]),
        ([0.0, None, 25.0], [0.0, 1.0, None], [FINITE_MSG]),  # blanks: reported, not a crash
        ([0.0, 3.0, 3.0, 25.0], [0.0, 0.0, 1.0, 2.0], [SPEED_MSG]),  # a repeated speed
        ([-1.0, 3.0, 25.0], [0.0, 1.0, 2.0], [SPEED_MSG]),  # below zero at the first point
        ([0.0, 3.0, 25.0], [0.0, -0.1, 2.0], [POWER_MSG]),
        ([0.0, 3.0, 2.0], [0.0, -0.1, 2.0], [SPEED_MSG, POWER_MSG]),  # every problem, in order
    ],
)
def test_check_power_curve_messages(speed, power, problems):
    # the scenario loader shows these lines to the user, one Problem each: assert the text
    assert wind.check_power_curve(speed, power) == problems


def test_curve_source_errors_say_what_to_give():
    speed = np.array([0.0, 3.0, 12.0, 25.0])
    power = np.array([0.0, 0.0, 2.5, 2.5])
    ones, zeros = np.ones(2), np.zeros(2)
    # a type and one half of a curve is still "both": the curve must not be silently dropped
    with pytest.raises(ValueError) as err:
        wind.wind_ac_mw(ones, zeros, TYPE, 90.0, curve_speed_m_s=speed)
    assert str(err.value) == "give either turbine_type or curve_speed_m_s/curve_power_mw, not both"
    # half a curve and no type: ask for the missing half, not a curve-shape complaint
    for half in ({"curve_speed_m_s": speed}, {"curve_power_mw": power}):
        with pytest.raises(ValueError) as err:
            wind.wind_ac_mw(ones, zeros, None, 90.0, **half)
        assert str(err.value) == "give turbine_type or both curve_speed_m_s and curve_power_mw"
    # every problem of a bad curve, joined on one line
    with pytest.raises(ValueError) as err:
        wind.wind_ac_mw(ones, zeros, None, 90.0, curve_speed_m_s=speed[::-1], curve_power_mw=-power)
    assert str(err.value) == f"{SPEED_MSG}; {POWER_MSG}"


@pytest.mark.parametrize("losses_frac", [1.0, 1.5, -0.1])
def test_losses_must_be_a_fraction_below_one(losses_frac):
    # losses of 100 % or more would make a turbine that never produces (or consumes)
    with pytest.raises(ValueError, match=r"losses_frac must be a fraction in \[0, 1\)"):
        wind.wind_ac_mw(np.ones(2), np.zeros(2), TYPE, 90.0, losses_frac=losses_frac)


LINEAR = {"curve_speed_m_s": np.array([0.0, 20.0]), "curve_power_mw": np.array([0.0, 2.0])}  # 0.1 MW per m/s


def test_roughness_length_reaches_the_profile():
    # 5 m/s at 10 m over an industrial park (z0 = 0.5 m), hub at 100 m:
    # v_hub = 5 ln(100 / 0.5) / ln(10 / 0.5) = 8.843 m/s, on a 0.1 MW per m/s curve
    v_hub = 5.0 * math.log(200.0) / math.log(20.0)
    got = wind.wind_ac_mw(
        np.array([5.0]), np.zeros(1), None, 100.0, roughness_length_m=0.5, losses_frac=0.0, **LINEAR
    )
    assert got[0] == pytest.approx(0.1 * v_hub, rel=1e-12)
    # the profile's documented default z0 is 0.1 m (farmland): 5 ln(1000) / ln(100) = 7.5 m/s
    assert wind.hub_wind_speed(np.array([5.0]), 10.0, 100.0)[0] == pytest.approx(7.5, rel=1e-12)


def test_output_keeps_the_shape_of_the_wind_speeds():
    # a (days, hours) table of hub-height speeds gives the same table of MW
    speeds = np.array([[0.0, 5.0, 10.0], [15.0, 20.0, 25.0]])
    got = wind.wind_ac_mw(speeds, np.zeros((2, 3)), None, 90.0, measured_height_m=90.0,
                          losses_frac=0.5, **LINEAR)
    np.testing.assert_allclose(got, [[0.0, 0.25, 0.5], [0.75, 1.0, 0.0]])


def test_density_correction_with_one_temperature_for_every_hour():
    # a single site temperature stands for every hour: the same output as the temperature repeated
    speeds = np.array([5.0, 8.0, 11.0, 14.0])
    args = (TYPE, 99.0)
    kw = {"density_correction": True, "pressure_pa": 86000.0}
    one = wind.wind_ac_mw(speeds, 15.0, *args, **kw)
    every = wind.wind_ac_mw(speeds, np.full(4, 15.0), *args, **kw)
    np.testing.assert_allclose(one, every, rtol=1e-15)
    assert one[0] < wind.wind_ac_mw(speeds, 15.0, *args)[0]  # thin air: less output below rated

