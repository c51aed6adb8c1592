"""Synthetic typical-year weather for Chinese sites.

The year is built from the monthly climate figures of a named site, or a blend
of the nearest ones (:mod:`twin.physics.sites`, table ``twin/data/sites_cn.csv``
documented in ``sites_cn.md``): monthly mean daily GHI (CSWD typical year where
the city has one, else the nearest CDSRD station's 1991-2017 mean), monthly mean
air temperature, mean diurnal temperature range and mean wind speed. Steps:

1. clear-sky irradiance (pvlib Ineichen, Linke turbidity climatology shipped
   with pvlib) at the middle of each hour;
2. daily clearness index ``KT`` drawn from the Bendt et al. (1981) distribution
   for the month's mean ``KT``, with day-to-day persistence (AR(1) Gaussian
   copula, lag-1 correlation ``DAILY_KT_LAG1``);
3. the clear-sky day scaled by the day's clear-sky index, with hourly
   fluctuations on partly cloudy days, then each month rescaled so its mean
   daily GHI equals the target exactly;
4. GHI split into DNI and DHI with Erbs et al. (1982) (pvlib);
5. air temperature = monthly normal (interpolated through the year, each
   month's mean kept exact) + AR(1) daily anomaly + diurnal cycle whose range
   grows with the day's clearness; wind speed with a Rayleigh distribution,
   hour-to-hour persistence and an afternoon peak, scaled to the site mean.

Rows are labelled by hour-BEGINNING local standard time of the label year
``TYPICAL_YEAR`` (a non-leap year) and hold averages over ``[t, t + 1 h)``.
The model's own free parameters are the module constants below; they are
choices (documented in ``sites_cn.md``), never fitted to a validation file.
"""

from __future__ import annotations

import warnings
import zlib

import numpy as np
import pandas as pd
import pvlib
from scipy import optimize, signal, special

from twin.physics.pv import solar_position, utc_day_of_year
from twin.physics.sites import climate_at, known_sites, site_info

__all__ = ["TYPICAL_YEAR", "climate_at", "known_sites", "site_info", "synthetic_weather"]

TYPICAL_YEAR = 2019  # label year of the synthetic typical year (non-leap)
DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
KT_MIN = 0.05  # lowest daily clearness index (Bendt et al. 1981)
BENDT_KT_MAX = (0.6313, 0.267, 11.9, 0.75)  # kt_max = a + b K - c (K - d)^8 (Bendt et al. 1981)
DAILY_KT_LAG1 = 0.3  # lag-1 autocorrelation of daily KT (Aguiar et al. 1988: ~0.3)
KC_DAY_MAX = 1.0  # a day is at most as bright as the Ineichen clear sky
KC_HOUR_MAX = 1.1  # cloud enhancement allowance for one hour
HOURLY_SIGMA = 0.4  # log-sd of hourly fluctuation on a half-cloudy day (choice)
HOURLY_LAG1 = 0.6  # hour-to-hour persistence of that fluctuation (choice)
TEMP_DAY_SIGMA_K = 2.0  # sd of daily mean temperature anomaly (choice)
TEMP_DAY_LAG1 = 0.7  # day-to-day persistence of that anomaly (choice)
TEMP_MIN_SOLAR_H = 5.5  # solar hour of the daily minimum (about sunrise)
TEMP_MAX_SOLAR_H = 14.5  # solar hour of the daily maximum
WIND_WEIBULL_K = 2.0  # Rayleigh wind-speed distribution (IEC 61400-1 default)
WIND_HOUR_LAG1 = 0.93  # hour-to-hour persistence of wind speed (choice)
WIND_DIURNAL_AMP = 0.25  # relative amplitude of the diurnal wind cycle, peak 14 h solar


# ---------------------------------------------------------------- generator
def synthetic_weather(latitude_deg: float, longitude_deg: float, altitude_m: float,
                      seed: int, site: str | None = None) -> pd.DataFrame:
    """A synthetic typical year of hourly weather for a point in China.

    Parameters
    ----------
    latitude_deg, longitude_deg : float
        Position of the park [degrees north, degrees east]; sets the sun path.
    altitude_m : float
        Altitude [m] (clear-sky model, temperature of blended sites).
    seed : int
        Non-negative scenario seed; the same seed gives the same year.
    site : str, optional
        Named site whose climate figures to use (:func:`known_sites`); default:
        blend of the nearest named sites (:func:`climate_at`).

    Returns
    -------
    pandas.DataFrame
        8760 rows of ``ghi_w_m2``, ``dni_w_m2``, ``dhi_w_m2`` [W/m2],
        ``temp_air_c`` [degC], ``wind_speed_m_s`` [m/s], on hour-beginning
        labels of ``TYPICAL_YEAR`` in the site's time zone
        (``attrs['time_label'] == 'beginning'``).
    """
    clim = climate_at(latitude_deg, longitude_deg, altitude_m, site)
    index = pd.date_range(f"{TYPICAL_YEAR}-01-01", periods=8760, freq="h", tz=clim["timezone"])
    solpos = solar_position(index, latitude_deg, longitude_deg, altitude_m)
    sky = _clear_sky(index, solpos, latitude_deg, longitude_deg, altitude_m)
    ghi, kc_day = _all_sky_ghi(sky, clim["ghi_kwh_m2_day"], seed)
    dni, dhi = _split_erbs(ghi, solpos["zenith"].to_numpy(), index)
    solar_hour = _solar_hour(index, longitude_deg)
    frame = pd.DataFrame({
        "ghi_w_m2": ghi, "dni_w_m2": dni, "dhi_w_m2": dhi,
        "temp_air_c": _temperature(clim["temp_c"], clim["dtr_k"], kc_day, solar_hour, seed),
        "wind_speed_m_s": _wind(clim["wind_m_s"], solar_hour, seed),
    }, index=index)
    frame.attrs.update(time_label="beginning", source=f"synthetic:{clim['id']}")
    return frame


def _rng(seed: int, stream: str) -> np.random.Generator:
    """Random stream keyed by name, so that one component never shifts another."""
    return np.random.default_rng([seed, zlib.crc32(f"weather.{stream}".encode())])


def _ar1(rng: np.random.Generator, n: int, lag1: float) -> np.ndarray:
    """Stationary AR(1) series with unit variance."""
    noise = rng.standard_normal(n)
    scaled = np.concatenate([[noise[0]], np.sqrt(1.0 - lag1**2) * noise[1:]])
    return signal.lfilter([1.0], [1.0, -lag1], scaled)


def _clear_sky(index: pd.DatetimeIndex, solpos: pd.DataFrame, lat: float, lon: float,
               alt: float) -> dict[str, np.ndarray]:
    """Ineichen clear-sky GHI and extraterrestrial horizontal irradiance [W/m2], (365, 24)."""
    mid = index + pd.Timedelta(minutes=30)
    with warnings.catch_warnings():  # pvlib 0.16 reads DatetimeIndex.dayofyear (pandas 3)
        warnings.filterwarnings("ignore", message=r".*dayofyear is deprecated")
        linke = pvlib.clearsky.lookup_linke_turbidity(mid, lat, lon).to_numpy()
    zenith = solpos["apparent_zenith"].to_numpy()
    am_abs = pvlib.atmosphere.get_absolute_airmass(
        pvlib.atmosphere.get_relative_airmass(zenith), pvlib.atmosphere.alt2pres(alt))
    dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(utc_day_of_year(mid)))
    with np.errstate(divide="ignore", invalid="ignore"):  # night rows give NaN, set to 0
        cs = pvlib.clearsky.ineichen(zenith, am_abs, linke, altitude=alt, dni_extra=dni_extra)
    cos_z = np.cos(np.radians(solpos["zenith"].to_numpy()))
    extra = dni_extra * np.clip(cos_z, 0.0, None)
    ghi_cs = np.nan_to_num(np.asarray(cs["ghi"], dtype=float))
    return {"ghi_cs": ghi_cs.reshape(365, 24), "extra": extra.reshape(365, 24)}


def _bendt_gamma(kt_mean: float, kt_max: float) -> float:
    """Shape of the Bendt et al. (1981) daily KT distribution with mean ``kt_mean``."""
    def mean_minus_target(g: float) -> float:
        if abs(g) < 1e-6:
            return (KT_MIN + kt_max) / 2 - kt_mean
        e0, e1 = np.exp(g * KT_MIN), np.exp(g * kt_max)
        return ((KT_MIN - 1 / g) * e0 - (kt_max - 1 / g) * e1) / (e0 - e1) - kt_mean
    return optimize.brentq(mean_minus_target, -80.0, 80.0)


def _bendt_inverse(u: np.ndarray, gamma: np.ndarray, kt_max: np.ndarray) -> np.ndarray:
    """Daily KT for cumulative probability ``u`` (inverse Bendt et al. 1981 CDF)."""
    flat = np.abs(gamma) < 1e-6
    g = np.where(flat, 1.0, gamma)
    e0, e1 = np.exp(g * KT_MIN), np.exp(g * kt_max)
    return np.where(flat, KT_MIN + u * (kt_max - KT_MIN), np.log(e0 - u * (e0 - e1)) / g)


def _month_kc(z: np.ndarray, gamma: float, kt_max: float, ratio: np.ndarray,
              clear_wh: np.ndarray, target_wh: float) -> np.ndarray:
    """Daily clear-sky index of one month: Bendt draws shifted to hit ``target_wh``."""
    def kc_of(shift: float) -> np.ndarray:
        kt = _bendt_inverse(special.ndtr(z + shift), gamma, kt_max)
        return np.clip(kt * ratio, 0.0, KC_DAY_MAX)

    def excess(shift: float) -> float:
        return float((kc_of(shift) * clear_wh).sum() - target_wh)

    lo, hi = -6.0, 6.0
    shift = lo if excess(lo) > 0 else hi if excess(hi) < 0 else optimize.brentq(excess, lo, hi)
    return kc_of(shift)


def _daily_clear_sky_index(kt_month: np.ndarray, extra_day: np.ndarray, clear_day: np.ndarray,
                           seed: int) -> np.ndarray:
    """Daily clear-sky index (<= KC_DAY_MAX) for 365 days, each month's GHI on target.

    Daily KT follows the Bendt et al. (1981) distribution of the month's mean KT,
    with AR(1) persistence through a Gaussian copula; the copula is shifted per
    month so that the month's GHI equals the target (the draw conditioned on its
    monthly mean).
    """
    month_of_day = np.repeat(np.arange(12), DAYS_IN_MONTH)
    a, b, c, d = BENDT_KT_MAX
    kt_bar = np.clip(kt_month, KT_MIN + 0.02, d)
    kt_max = a + b * kt_bar - c * (kt_bar - d) ** 8
    z = _ar1(_rng(seed, "clearness"), 365, DAILY_KT_LAG1)
    kc = np.empty(365)
    for m in range(12):
        days = month_of_day == m
        ratio = extra_day[days] / np.maximum(clear_day[days], 1e-9)
        kc[days] = _month_kc(z[days], _bendt_gamma(kt_bar[m], kt_max[m]), kt_max[m], ratio,
                             clear_day[days], kt_month[m] * extra_day[days].sum())
    return kc


def _all_sky_ghi(sky: dict[str, np.ndarray], ghi_kwh_m2_day: np.ndarray,
                 seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Hourly GHI [W/m2] (8760) matching the monthly means, and the daily clear-sky index."""
    month_of_day = np.repeat(np.arange(12), DAYS_IN_MONTH)
    extra_day = sky["extra"].sum(axis=1)
    clear_day = sky["ghi_cs"].sum(axis=1)
    target_wh = ghi_kwh_m2_day * 1000.0 * DAYS_IN_MONTH
    kt_month = target_wh / np.bincount(month_of_day, extra_day)
    kc_day = _daily_clear_sky_index(kt_month, extra_day, clear_day, seed)
    sigma = (HOURLY_SIGMA * 4 * kc_day * (1 - kc_day))[:, None]
    wiggle = _ar1(_rng(seed, "hourly"), 8760, HOURLY_LAG1).reshape(365, 24)
    kc_hour = np.clip(kc_day[:, None] * np.exp(sigma * wiggle - sigma**2 / 2), 0, KC_HOUR_MAX)
    ghi = sky["ghi_cs"] * kc_hour
    day_sum = ghi.sum(axis=1)
    ghi *= np.divide(kc_day * clear_day, day_sum, out=np.ones(365), where=day_sum > 0)[:, None]
    got_wh = np.bincount(month_of_day, ghi.sum(axis=1))
    ghi *= (target_wh / np.maximum(got_wh, 1e-9))[month_of_day][:, None]
    return np.minimum(ghi, KC_HOUR_MAX * sky["ghi_cs"]).ravel(), kc_day


def _split_erbs(ghi: np.ndarray, zenith_deg: np.ndarray,
                index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """DNI and DHI [W/m2] from GHI with Erbs et al. (1982); closure GHI = DHI + DNI cos z."""
    doy = (index + pd.Timedelta(minutes=30)).day_of_year.to_numpy()
    dni = np.nan_to_num(np.asarray(pvlib.irradiance.erbs(ghi, zenith_deg, doy)["dni"]))
    dhi = np.clip(ghi - dni * np.cos(np.radians(zenith_deg)), 0.0, None)
    return dni, dhi


def _solar_hour(index: pd.DatetimeIndex, longitude_deg: float) -> np.ndarray:
    """Mean solar time at the middle of each hour [h, 0-24]."""
    utc_offset_h = index[0].utcoffset().total_seconds() / 3600
    clock = index.hour.to_numpy() + 0.5
    return (clock + (longitude_deg - 15.0 * utc_offset_h) / 15.0) % 24.0


def _diurnal_shape(solar_hour: np.ndarray) -> np.ndarray:
    """Two half-cosines: -1 at TEMP_MIN_SOLAR_H, +1 at TEMP_MAX_SOLAR_H; daily mean 0."""
    rise = TEMP_MAX_SOLAR_H - TEMP_MIN_SOLAR_H
    since_min = (solar_hour - TEMP_MIN_SOLAR_H) % 24.0
    rising = -np.cos(np.pi * since_min / rise)
    falling = np.cos(np.pi * (since_min - rise) / (24.0 - rise))
    return np.where(since_min <= rise, rising, falling)


def _temperature(temp_c: np.ndarray, dtr_k: float, kc_day: np.ndarray,
                 solar_hour: np.ndarray, seed: int) -> np.ndarray:
    """Hourly air temperature [degC] whose monthly means equal ``temp_c``."""
    month_of_day = np.repeat(np.arange(12), DAYS_IN_MONTH)
    mid_doy = np.cumsum(DAYS_IN_MONTH) - DAYS_IN_MONTH / 2
    doy = np.arange(365) + 0.5
    base = np.interp(doy, np.r_[mid_doy[-1] - 365, mid_doy, mid_doy[0] + 365],
                     np.r_[temp_c[-1], temp_c, temp_c[0]])
    daily = base + TEMP_DAY_SIGMA_K * _ar1(_rng(seed, "temperature"), 365, TEMP_DAY_LAG1)
    range_k = dtr_k * (0.5 + 0.5 * kc_day / kc_day.mean())
    hourly = daily[:, None] + range_k[:, None] / 2 * _diurnal_shape(solar_hour).reshape(365, 24)
    month_mean = np.bincount(month_of_day, hourly.mean(axis=1)) / DAYS_IN_MONTH
    hourly += (temp_c - month_mean)[month_of_day][:, None]
    return hourly.ravel()


def _wind(wind_m_s: float, solar_hour: np.ndarray, seed: int) -> np.ndarray:
    """Hourly 10 m wind speed [m/s]: Rayleigh marginal, AR(1) persistence, diurnal cycle.

    The marginal is a Weibull with shape ``WIND_WEIBULL_K`` (2, the Rayleigh
    distribution IEC 61400-1 assumes when only the mean is known), the hours
    are linked by a Gaussian copula with lag-1 correlation ``WIND_HOUR_LAG1``,
    then a diurnal factor peaking at 14 h solar time; the annual mean is
    ``wind_m_s``.
    """
    u = special.ndtr(_ar1(_rng(seed, "wind"), 8760, WIND_HOUR_LAG1))
    weibull = (-np.log1p(-np.minimum(u, 1 - 1e-12))) ** (1.0 / WIND_WEIBULL_K)
    diurnal = 1.0 + WIND_DIURNAL_AMP * np.cos(2 * np.pi * (solar_hour - 14.0) / 24.0)
    wind = weibull * diurnal
    return wind * wind_m_s / wind.mean()
