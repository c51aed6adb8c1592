"""Named Chinese sites and their monthly climate figures (``twin/data/sites_cn.csv``).

Each row of the table (documented in ``sites_cn.md``) holds a city's coordinates
and the monthly figures the synthetic year is built from: mean daily GHI and
DHI [kWh/m2/day], mean air temperature [degC], the annual mean diurnal
temperature range [K] and mean 10 m wind speed [m/s]. The irradiation comes
from the source named in the row's ``ghi_source``:

- ``cswd``: the China Standard Weather Data typical year of the city's station
  (Beijing, Shanghai, Chengdu: the cities with a CSWD file in ``shared/data``);
  temperature, diurnal range and wind come from the same typical year;
- ``cdsrd``: the 1991-2017 CDSRD station mean of the nearest station
  (every other site); temperatures are provisional (``sites_cn.md``).

:func:`climate_at` blends the nearest named sites for coordinates that are not
a named site.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from twin.units import data_table

SITES_FILE = "sites_cn.csv"
GHI_SOURCES = ("cswd", "cdsrd")  # values of the ghi_source column
CHINA_BOX_DEG = (17.0, 54.0, 73.0, 136.0)  # lat min, lat max, lon min, lon max
IDW_NEIGHBOURS = 3  # sites blended for coordinates that are not a named site
SAME_SITE_KM = 1.0  # closer than this to a named site: use that site alone
LAPSE_RATE_K_PER_M = 0.0065  # ICAO standard atmosphere, for blending temperatures


@cache
def _sites() -> pd.DataFrame:
    table = data_table(SITES_FILE).set_index("id")
    unknown = set(table["ghi_source"]) - set(GHI_SOURCES)
    if unknown:  # a packaging error, not a user's
        raise ValueError(f"{SITES_FILE}: ghi_source {sorted(unknown)} not in {GHI_SOURCES}")
    return table


def _monthly(row: pd.Series, prefix: str) -> np.ndarray:
    return row[[f"{prefix}_{m:02d}" for m in range(1, 13)]].to_numpy(dtype=float)


def known_sites() -> list[str]:
    """Ids of the named sites in ``sites_cn.csv`` (lower-case English, e.g. ``suzhou``)."""
    return sorted(_sites().index)


def site_info(name: str) -> dict:
    """Coordinates and monthly climate figures of a named site.

    Parameters
    ----------
    name : str
        Site id (case-insensitive), one of :func:`known_sites`.

    Returns
    -------
    dict
        ``id``, ``name_zh``, ``latitude_deg``, ``longitude_deg``, ``altitude_m``,
        ``timezone``, ``ghi_source`` (``'cswd'`` or ``'cdsrd'``),
        ``ghi_station_id`` (CMA station whose figures the row holds),
        ``cdsrd_station_id`` and ``cdsrd_distance_km`` (nearest CDSRD station),
        12-element arrays ``ghi_kwh_m2_day`` [kWh/m2/day], ``dhi_kwh_m2_day``
        [kWh/m2/day], ``temp_c`` [degC], and ``dtr_k`` [K], ``wind_m_s`` [m/s].

    Raises
    ------
    ValueError
        For an unknown site, listing the known ones.
    """
    key = str(name).strip().lower()
    table = _sites()
    if key not in table.index:
        raise ValueError(f"unknown site {name!r}; known sites: {', '.join(known_sites())}")
    row = table.loc[key]
    info = {"name_zh": str(row["name_zh"]), "timezone": str(row["timezone"]),
            "ghi_source": str(row["ghi_source"]), "ghi_station_id": int(row["ghi_station_id"]),
            "cdsrd_station_id": int(row["cdsrd_station_id"])}
    info |= {k: float(row[k]) for k in ("latitude_deg", "longitude_deg", "altitude_m",
                                        "cdsrd_distance_km", "dtr_k", "wind_m_s")}
    info |= {"ghi_kwh_m2_day": _monthly(row, "ghi_kwh_m2_day"),
             "dhi_kwh_m2_day": _monthly(row, "dhi_kwh_m2_day"),
             "temp_c": _monthly(row, "temp_c")}
    return {"id": key, **info}


def distance_km(lat_deg: float, lon_deg: float, lats_deg, lons_deg) -> np.ndarray:
    """Great-circle distance [km] from one point to many (haversine, R = 6371 km)."""
    la1, lo1, la2, lo2 = map(np.radians, (lat_deg, lon_deg, np.asarray(lats_deg),
                                          np.asarray(lons_deg)))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


def climate_at(latitude_deg: float, longitude_deg: float, altitude_m: float,
               site: str | None = None) -> dict:
    """Monthly climate figures for a named site, or blended for any point in China.

    Without ``site``, the ``IDW_NEIGHBOURS`` nearest named sites are blended with
    inverse-distance weights (a site closer than ``SAME_SITE_KM`` is used alone);
    temperatures are first brought to ``altitude_m`` with the standard lapse rate.
    Returns the keys of :func:`site_info` that the generator uses.

    Raises
    ------
    ValueError
        For an unknown ``site``, or coordinates outside China.
    """
    if site is not None:
        return site_info(site)
    lat_lo, lat_hi, lon_lo, lon_hi = CHINA_BOX_DEG
    if not (lat_lo <= latitude_deg <= lat_hi and lon_lo <= longitude_deg <= lon_hi):
        raise ValueError(f"({latitude_deg}, {longitude_deg}) is outside China: give a "
                         "weather file instead of the synthetic year")
    table = _sites()
    dist = distance_km(latitude_deg, longitude_deg, table["latitude_deg"], table["longitude_deg"])
    order = np.argsort(dist)[:IDW_NEIGHBOURS]
    if dist[order[0]] < SAME_SITE_KM:
        return site_info(table.index[order[0]])
    weights = 1.0 / dist[order]
    weights /= weights.sum()
    infos = [site_info(table.index[i]) for i in order]
    blend = {k: sum(w * info[k] for w, info in zip(weights, infos, strict=True))
             for k in ("ghi_kwh_m2_day", "dhi_kwh_m2_day", "dtr_k", "wind_m_s")}
    blend["temp_c"] = sum(w * (info["temp_c"] + LAPSE_RATE_K_PER_M * (info["altitude_m"]
                                                                      - altitude_m))
                          for w, info in zip(weights, infos, strict=True))
    blend["timezone"] = infos[0]["timezone"]
    blend["id"] = "+".join(info["id"] for info in infos)
    return blend
