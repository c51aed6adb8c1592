"""Photovoltaic output per MW of DC nameplate, from hourly weather.

Pure functions on full-year arrays (no per-hour loops), built from pvlib's own
models so that the result agrees with a pvlib ``ModelChain`` configured the
same way (PVWatts DC and inverter, Perez transposition, physical IAM, SAPM
cell temperature, no spectral loss). The kernel calls
:func:`pv_ac_per_mw_dc` once per distinct array orientation and caches it.

Time convention: weather rows are labelled by the hour-BEGINNING local time and
hold averages over ``[t, t + 1 h)``; the sun is therefore placed at the middle
of each hour (:func:`solar_position`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib

#: Mounting -> pvlib SAPM cell-temperature parameter set (King et al. 2004,
#: Sandia report SAND2004-3535, as tabulated in
#: ``pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS['sapm']``). A roof array
#: is mounted close to the roof with little rear ventilation; a ground array
#: stands on an open rack.
MOUNTING_TEMPERATURE_MODEL: dict[str, str] = {
    "roof": "close_mount_glass_glass",
    "ground": "open_rack_glass_glass",
}

_SAPM = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]


def solar_position(
    index: pd.DatetimeIndex, latitude_deg: float, longitude_deg: float, altitude_m: float
) -> pd.DataFrame:
    """Solar position at the middle of each interval.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Tz-aware hour-beginning labels (any regular step; hourly in the twin).
    latitude_deg, longitude_deg : float
        Site position [degrees north, degrees east].
    altitude_m : float
        Site altitude [m], used for the pressure in the refraction correction.

    Returns
    -------
    pandas.DataFrame
        pvlib's columns (``apparent_zenith``, ``zenith``, ``azimuth``,
        ``apparent_elevation`` ... [degrees]) computed at ``t + step/2`` and
        labelled with the original ``index``.
    """
    step = index[1] - index[0] if len(index) > 1 else pd.Timedelta(hours=1)
    position = pvlib.solarposition.get_solarposition(
        index + step / 2, latitude_deg, longitude_deg, altitude=altitude_m
    )
    position.index = index
    return position


def utc_day_of_year(index: pd.DatetimeIndex) -> np.ndarray:
    """Day of year [1-366] of each time in UTC (a naive index is taken as UTC).

    The day pvlib itself derives from a DatetimeIndex; passing it as numbers
    keeps pvlib off ``DatetimeIndex.dayofyear``, deprecated in pandas 3.
    """
    utc = index.tz_convert("UTC") if index.tz is not None else index
    return utc.day_of_year.to_numpy()


def plane_of_array(
    weather: pd.DataFrame,
    solpos: pd.DataFrame,
    tilt_deg: float,
    azimuth_deg: float,
    albedo: float = 0.2,
) -> dict[str, np.ndarray]:
    """Irradiance on a tilted plane with the Perez (1990) sky model.

    Parameters
    ----------
    weather : pandas.DataFrame
        Columns ``ghi_w_m2``, ``dni_w_m2``, ``dhi_w_m2`` [W/m2].
    solpos : pandas.DataFrame
        Output of :func:`solar_position` for the same index.
    tilt_deg, azimuth_deg : float
        Plane tilt from horizontal and azimuth clockwise from north
        (180 = south) [degrees].
    albedo : float
        Ground reflectance [fraction].

    Returns
    -------
    dict of numpy.ndarray
        ``poa_global``, ``poa_direct``, ``poa_diffuse`` [W/m2] and ``aoi``
        [degrees]; NaN (sun below the horizon) replaced by 0.
    """
    zenith = solpos["apparent_zenith"].to_numpy(dtype=float)
    sun_azimuth = solpos["azimuth"].to_numpy(dtype=float)
    dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(utc_day_of_year(solpos.index)),
                           dtype=float)
    airmass = pvlib.atmosphere.get_relative_airmass(zenith)
    total = pvlib.irradiance.get_total_irradiance(
        tilt_deg, azimuth_deg, zenith, sun_azimuth,
        weather["dni_w_m2"].to_numpy(dtype=float),
        weather["ghi_w_m2"].to_numpy(dtype=float),
        weather["dhi_w_m2"].to_numpy(dtype=float),
        dni_extra=dni_extra, airmass=airmass, albedo=albedo, model="perez",
    )
    out = {k: np.nan_to_num(np.asarray(total[k], dtype=float)) for k in
           ("poa_global", "poa_direct", "poa_diffuse")}
    out["aoi"] = np.asarray(pvlib.irradiance.aoi(tilt_deg, azimuth_deg, zenith, sun_azimuth))
    return out


def pv_ac_per_mw_dc(
    weather: pd.DataFrame,
    solpos: pd.DataFrame,
    tilt_deg: float,
    azimuth_deg: float,
    losses_frac: float = 0.14,
    dc_ac_ratio: float = 1.2,
    gamma_pdc_per_k: float = -0.0035,
    albedo: float = 0.2,
    mounting: str = "roof",
) -> np.ndarray:
    """AC output per MW of DC nameplate for each hour.

    Steps (all pvlib): Perez transposition with extraterrestrial DNI and
    Kasten-Young relative airmass; physical incidence-angle modifier on the
    beam component; SAPM cell temperature from plane-of-array irradiance,
    air temperature and wind; PVWatts DC model; system losses; PVWatts
    inverter with a DC input rating of ``1 / dc_ac_ratio``.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly ``ghi_w_m2``, ``dni_w_m2``, ``dhi_w_m2`` [W/m2],
        ``temp_air_c`` [degC] and ``wind_speed_m_s`` [m/s].
    solpos : pandas.DataFrame
        :func:`solar_position` of the same index.
    tilt_deg, azimuth_deg : float
        Tilt from horizontal and azimuth clockwise from north [degrees].
    losses_frac : float
        DC system losses (soiling, wiring, mismatch, availability ...)
        [fraction of DC output].
    dc_ac_ratio : float
        DC nameplate over inverter AC rating [-].
    gamma_pdc_per_k : float
        Temperature coefficient of DC power [1/K].
    albedo : float
        Ground reflectance [fraction].
    mounting : str
        ``"roof"`` or ``"ground"``; selects the SAPM thermal parameters
        (:data:`MOUNTING_TEMPERATURE_MODEL`).

    Returns
    -------
    numpy.ndarray
        float64 AC power [MW per MW DC], one value per row, no NaN, >= 0.
    """
    if mounting not in MOUNTING_TEMPERATURE_MODEL:
        raise ValueError(
            f"mounting {mounting!r} unknown; use one of {sorted(MOUNTING_TEMPERATURE_MODEL)}"
        )
    poa = plane_of_array(weather, solpos, tilt_deg, azimuth_deg, albedo)
    iam = np.nan_to_num(pvlib.iam.physical(poa["aoi"]))
    effective_w_m2 = poa["poa_direct"] * iam + poa["poa_diffuse"]
    params = _SAPM[MOUNTING_TEMPERATURE_MODEL[mounting]]
    temp_cell_c = pvlib.temperature.sapm_cell(
        poa["poa_global"],
        weather["temp_air_c"].to_numpy(dtype=float),
        weather["wind_speed_m_s"].to_numpy(dtype=float),
        params["a"], params["b"], params["deltaT"],
    )
    pdc_mw = pvlib.pvsystem.pvwatts_dc(effective_w_m2, temp_cell_c, 1.0, gamma_pdc_per_k)
    pdc_mw = pdc_mw * (1.0 - losses_frac)
    pac_mw = pvlib.inverter.pvwatts(pdc_mw, 1.0 / dc_ac_ratio)
    return np.clip(np.nan_to_num(np.asarray(pac_mw, dtype=np.float64)), 0.0, None)
