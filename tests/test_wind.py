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
