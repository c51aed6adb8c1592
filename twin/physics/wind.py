"""Wind turbine output from weather, through windpowerlib.

One turbine, one hour per array element. The chain is windpowerlib's own
(``windpowerlib.modelchain.ModelChain`` with ``wind_speed_model='logarithmic'``,
``temperature_model='linear_gradient'``, ``density_model='barometric'`` and
``power_output_model='power_curve'``), called as pure functions on numpy arrays
and converted to MW once at the end.

Turbine data
------------
The power curves are the oedb wind turbine library (Open Energy Platform,
``supply.wind_turbine_library``) as shipped inside the windpowerlib package
(``windpowerlib/oedb/power_curves.csv``, power in W; the per-turbine source
URLs are in ``windpowerlib/oedb/turbine_data.csv``, column ``source``). The
file is read from the installed package; nothing is downloaded. The library
holds European and American makes (Vestas, Siemens, Enercon, Nordex, GE,
Senvion, Vensys); Chinese makes (Goldwind, Envision, Mingyang, Windey) are not
in it, so a scenario for them gives its own power curve points.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import windpowerlib
from windpowerlib import density, power_output, temperature, wind_speed

W_PER_MW = 1e6
KELVIN_OFFSET_K = 273.15
TEMPERATURE_HEIGHT_M = 2.0  # screen height of air temperature (WMO-No. 8: 1.25-2 m; EPW files)
PRESSURE_HEIGHT_M = 0.0  # station pressure is taken at ground level
STANDARD_PRESSURE_PA = 101325.0  # ISO 2533 standard atmosphere, sea level

OEDB_POWER_CURVES = Path(windpowerlib.__file__).parent / "oedb" / "power_curves.csv"


@lru_cache(maxsize=1)
def _curve_table() -> pd.DataFrame:
    """oedb power curves in windpowerlib: rows types, columns speeds [m/s], values [W]."""
    return pd.read_csv(OEDB_POWER_CURVES, index_col=0)


def turbine_types() -> list[str]:
    """Turbine types with a power curve in windpowerlib's shipped oedb library.

    Returns
    -------
    list of str
        Sorted type names as the library spells them, e.g. ``'V90/2000'``
        (rotor diameter [m] / nominal power [kW]).
    """
    return sorted(_curve_table().index)


def power_curve(turbine_type: str) -> tuple[np.ndarray, np.ndarray]:
    """Power curve of one turbine type from the oedb library.

    Parameters
    ----------
    turbine_type : str
        Name as in :func:`turbine_types`, e.g. ``'E-101/3050'``.

    Returns
    -------
    wind_speed_m_s : numpy.ndarray
        Hub-height wind speeds of the curve points [m/s], increasing.
    power_mw : numpy.ndarray
        Electrical output at those speeds [MW], at standard air density
        (1.225 kg/m³).

    Raises
    ------
    ValueError
        If the type is not in the library; the message lists close matches.
    """
    table = _curve_table()
    if turbine_type not in table.index:
        close = difflib.get_close_matches(str(turbine_type), table.index, n=5, cutoff=0.4)
        hint = f"close matches: {', '.join(close)}" if close else "see turbine_types()"
        raise ValueError(f"unknown wind turbine type {turbine_type!r}; {hint}")
    row = table.loc[turbine_type].dropna()
    speed_m_s = row.index.astype(float).to_numpy()
    power_mw = row.to_numpy(dtype=float) / W_PER_MW
    return speed_m_s, power_mw


def check_power_curve(speed_m_s: np.ndarray, power_mw: np.ndarray) -> list[str]:
    """Problems with user-given power curve points (empty list when valid).

    Parameters
    ----------
    speed_m_s : numpy.ndarray
        Wind speeds of the points [m/s]; strictly increasing, ≥ 0.
    power_mw : numpy.ndarray
        Output at those speeds [MW]; ≥ 0, same length, at least two points.

    Returns
    -------
    list of str
        One message per problem, for the scenario loader to wrap in ``Problem``.
    """
    speed = np.asarray(speed_m_s, dtype=float)
    power = np.asarray(power_mw, dtype=float)
    problems = []
    if speed.ndim != 1 or speed.shape != power.shape or speed.size < 2:
        return ["power curve needs two or more points with as many speeds as powers"]
    if not np.all(np.isfinite(speed)) or not np.all(np.isfinite(power)):
        problems.append("power curve points must be finite numbers")
    if np.any(np.diff(speed) <= 0) or speed[0] < 0:
        problems.append("curve wind speeds [m/s] must be ≥ 0 and strictly increasing")
    if np.any(power < 0):
        problems.append("curve powers [MW] must be ≥ 0")
    return problems


def hub_wind_speed(
    wind_speed_m_s: np.ndarray,
    measured_height_m: float,
    hub_height_m: float,
    roughness_length_m: float = 0.1,
) -> np.ndarray:
    """Wind speed at hub height by the logarithmic profile (no obstacles).

    ``v_hub = v · ln(h_hub / z0) / ln(h_meas / z0)``
    (windpowerlib.wind_speed.logarithmic_profile, after Hau 2008, p. 515).

    Parameters
    ----------
    wind_speed_m_s : numpy.ndarray
        Measured wind speed [m/s].
    measured_height_m : float
        Height of the measurement above ground [m] (10 m at weather stations).
    hub_height_m : float
        Hub height [m].
    roughness_length_m : float, default 0.1
        Surface roughness length z0 [m] (0.1 m: farmland with few buildings;
        0.5–1 m: industrial park).

    Returns
    -------
    numpy.ndarray
        Wind speed at hub height [m/s].
    """
    return np.asarray(
        wind_speed.logarithmic_profile(
            np.asarray(wind_speed_m_s, dtype=float),
            measured_height_m,
            hub_height_m,
            roughness_length_m,
        ),
        dtype=float,
    )


def air_density_kg_m3(
    temp_air_c: np.ndarray,
    hub_height_m: float,
    pressure_pa: np.ndarray | float = STANDARD_PRESSURE_PA,
) -> np.ndarray:
    """Air density at hub height from 2 m temperature and ground pressure.

    Temperature falls by 6.5 K/km (windpowerlib.temperature.linear_gradient);
    pressure by 1/8 hPa/m (windpowerlib.density.barometric).

    Parameters
    ----------
    temp_air_c : numpy.ndarray
        Air temperature at 2 m [°C].
    hub_height_m : float
        Hub height [m].
    pressure_pa : numpy.ndarray or float, default 101325
        Air pressure at ground level [Pa]; give the station pressure at
        high-altitude sites (about 85 kPa at 1,500 m).

    Returns
    -------
    numpy.ndarray
        Air density at hub height [kg/m³].
    """
    temp_air_k = np.asarray(temp_air_c, dtype=float) + KELVIN_OFFSET_K
    temp_hub_k = temperature.linear_gradient(temp_air_k, TEMPERATURE_HEIGHT_M, hub_height_m)
    pressure = np.asarray(pressure_pa, dtype=float)
    return np.asarray(density.barometric(pressure, PRESSURE_HEIGHT_M, hub_height_m, temp_hub_k))


def _curve(
    turbine_type: str | None, speed_m_s: np.ndarray | None, power_mw: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Power curve from the library or from user points, exactly one of the two."""
    given_points = speed_m_s is not None or power_mw is not None
    if turbine_type is not None and given_points:
        raise ValueError("give either turbine_type or curve_speed_m_s/curve_power_mw, not both")
    if turbine_type is not None:
        return power_curve(turbine_type)
    if speed_m_s is None or power_mw is None:
        raise ValueError("give turbine_type or both curve_speed_m_s and curve_power_mw")
    problems = check_power_curve(speed_m_s, power_mw)
    if problems:
        raise ValueError("; ".join(problems))
    return np.asarray(speed_m_s, dtype=float), np.asarray(power_mw, dtype=float)


def wind_ac_mw(
    wind_speed_m_s: np.ndarray,
    temp_air_c: np.ndarray,
    turbine_type: str | None,
    hub_height_m: float,
    *,
    curve_speed_m_s: np.ndarray | None = None,
    curve_power_mw: np.ndarray | None = None,
    measured_height_m: float = 10.0,
    roughness_length_m: float = 0.1,
    losses_frac: float = 0.1,
    density_correction: bool = False,
    pressure_pa: np.ndarray | float = STANDARD_PRESSURE_PA,
) -> np.ndarray:
    """AC output of one wind turbine per time step.

    Hub-height speed by the logarithmic profile, then the power curve
    (``windpowerlib.power_output.power_curve``: linear interpolation, zero
    below the first and above the last curve point, so above cut-out), then
    one loss factor for wake, electrical and availability losses.

    Parameters
    ----------
    wind_speed_m_s : numpy.ndarray
        Measured wind speed [m/s].
    temp_air_c : numpy.ndarray
        Air temperature at 2 m [°C]; used only with ``density_correction``.
    turbine_type : str or None
        oedb library type (see :func:`turbine_types`); None when the curve
        points are given.
    hub_height_m : float
        Hub height [m].
    curve_speed_m_s, curve_power_mw : numpy.ndarray, optional
        Own power curve: speeds [m/s] and output [MW] at 1.225 kg/m³.
    measured_height_m : float, default 10.0
        Height of the wind measurement [m].
    roughness_length_m : float, default 0.1
        Roughness length [m].
    losses_frac : float, default 0.1
        Wake, electrical and availability losses [fraction of curve output].
    density_correction : bool, default False
        Shift the curve for air density at hub height (windpowerlib's
        Svenningsen correction); matters at high or hot sites.
    pressure_pa : numpy.ndarray or float, default 101325
        Ground-level air pressure [Pa], used with ``density_correction``.

    Returns
    -------
    numpy.ndarray
        AC output of one turbine [MW], same shape as ``wind_speed_m_s``.

    Raises
    ------
    ValueError
        Unknown type, both or neither of type and curve, bad curve points, or
        ``losses_frac`` outside [0, 1).
    """
    if not 0.0 <= losses_frac < 1.0:
        raise ValueError(f"losses_frac must be a fraction in [0, 1), got {losses_frac}")
    curve_speed, curve_power = _curve(turbine_type, curve_speed_m_s, curve_power_mw)
    speed_hub = hub_wind_speed(wind_speed_m_s, measured_height_m, hub_height_m, roughness_length_m)
    rho_hub = (
        air_density_kg_m3(temp_air_c, hub_height_m, pressure_pa) if density_correction else None
    )
    if rho_hub is not None:
        rho_hub = np.broadcast_to(rho_hub, speed_hub.shape)
    out_mw = power_output.power_curve(
        speed_hub.ravel(),
        curve_speed,
        curve_power,
        density=None if rho_hub is None else rho_hub.ravel(),
        density_correction=density_correction,
    )
    return np.asarray(out_mw, dtype=float).reshape(speed_hub.shape) * (1.0 - losses_frac)
