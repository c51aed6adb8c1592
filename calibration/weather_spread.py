"""How far a synthetic year may be from the site's real sun: an uncertainty on PV yield.

When a scenario runs on the twin's synthetic typical year (``site.weather.source:
synthetic``), its PV yield inherits two spreads, measured where a site has both its
long-term station means and a CSWD typical-year file (``calibration/typical_year_spread.csv``,
written by ``scripts/typical_year_spread.py`` from the files in ``../shared/data/weather``):

- ``pv_synthetic_vs_typical_frac``: the yield of a fixed array under the synthetic year
  against the same array under the site's typical-year file (same monthly GHI, different
  days, hours and beam/diffuse split);
- ``ghi_station_vs_typical_frac``: the site's CDSRD long-term (1991-2017) annual GHI against
  its typical-year file (how representative one typical year is; PV yield follows GHI
  roughly one to one).

The uncertainty carried on PV yield is their root sum of squares (independent sources).
It appears in ``metrics.json`` (``weather.spread`` and, per PV meter,
``pv_yield_uncertainty_frac``), in ``report.html`` and in the command's summary. Sites
without a typical-year file get no figure (``null``), said so rather than guessed.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources

import pandas as pd

from twin.physics.sites import climate_at


@cache
def spread_table() -> pd.DataFrame:
    """``calibration/typical_year_spread.csv`` indexed by site id."""
    with resources.files("calibration").joinpath("typical_year_spread.csv").open("rb") as fh:
        return pd.read_csv(fh).set_index("site")


def synthetic_spread(site) -> dict:
    """Spread figures and PV-yield uncertainty [fraction] for a scenario site (``twin.schema.Site``)."""
    name = climate_at(site.latitude_deg, site.longitude_deg, site.altitude_m,
                      site.weather.site).get("id")
    table = spread_table()
    if name not in table.index:
        return {"site": name, "pv_yield_uncertainty_frac": None,
                "note": "no typical-year file to compare this site's synthetic year with"}
    row = table.loc[name]
    parts = (float(row["pv_synthetic_vs_typical_frac"]), float(row["ghi_station_vs_typical_frac"]))
    return {"site": name, "pv_synthetic_vs_typical_frac": parts[0],
            "ghi_station_vs_typical_frac": parts[1],
            "pv_yield_uncertainty_frac": round(math.hypot(*parts), 4),
            "source": str(row["source"])}


def weather_info(problem) -> dict:
    """What weather a run used: the measured file, or the scenario's, with the spread."""
    if problem.weather is not None:
        return {"source": "measured", "path": str(problem.spec.weather.path),
                "interpolated_hours": int(problem.weather.attrs.get("interpolated_hours", 0))}
    weather = problem.scenario.site.weather
    out = {"source": weather.source, "path": weather.path}
    if weather.source == "synthetic":
        out["spread"] = synthetic_spread(problem.scenario.site)
    return out


def add_pv_uncertainty(metrics: dict, problem) -> None:
    """Per PV meter, ``pv_yield_uncertainty_frac`` from the synthetic year's spread."""
    from calibration.pv_screening import pv_meters

    spread = metrics["weather"].get("spread")
    if spread is None:
        return
    for meter in pv_meters(problem):
        metrics["meters"][meter]["pv_yield_uncertainty_frac"] = spread["pv_yield_uncertainty_frac"]
