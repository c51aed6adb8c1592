"""Limits a real park never reaches, so a run's work stays bounded by what a park can be.

A scenario is checked against these before pydantic builds it (``twin.scenario.bounds``):
an input beyond one is refused with one line naming the field, the limit and its reason.
They are deliberately generous: each sits well above the largest real case named beside it,
so no real park meets them, while a hostile or mistyped file (10^12 MW of PV, 3,180
enterprises in the browser) is stopped before it costs minutes and gigabytes. The YAML
document's own limits (size, alias expansion) are in ``twin.scenario.yaml_reader``;
``docs/security.md`` lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """Largest accepted value (``most``, in ``unit``) and why no park passes it."""

    most: float
    unit: str
    reason: str


# Numbers whose key ends with a unit suffix (any section: assets, grid, enterprises, measures).
SUFFIX_LIMITS = {
    "_mw": Limit(20_000, "MW", "the Three Gorges plant, the largest power plant on Earth, is "
                 "22.5 GW; no park asset or grid connection comes near"),
    "_mwh": Limit(1e8, "MWh", "100 TWh is about 1 % of China's yearly electricity use "
                  "(9,400 TWh in 2023); no park's yearly demand or store comes near"),
}

# Items of a list under this key (at any depth).
LIST_LIMITS = {
    "enterprises": Limit(500, "enterprises", "a national-level park lists a few hundred "
                         "enterprises above the statistics threshold; smaller firms are "
                         "modelled as sector aggregates (3,180 took 4.3 GB in the app)"),
    "assets": Limit(500, "assets", "a park's PV arrays, stores, boilers and converters number "
                    "tens; group identical units with a capacity or count"),
    "fleets": Limit(100, "fleets", "one fleet per vehicle type and owner; a park has a handful"),
    "buses": Limit(100, "buses", "one bus per carrier and network; the reference park has 14"),
    "measures": Limit(300, "measures", "a retrofit plan lists tens of measures"),
}
MAX_LIST_ITEMS = Limit(5_000, "items", "any other list (holidays, maintenance days, power "
                       "curve points) holds at most a few hundred entries a year")

# Whole numbers that multiply simulated units.
KEY_LIMITS = {
    "count": Limit(5_000, "units", "trucks of one fleet or turbines of one wind farm; the "
                   "largest wind farms have a few hundred turbines"),
}

MAX_DATA_FILE_BYTES = 64 * 2**20
"""Weather and profile files: an hourly year is under 2 MB (an EPW ~1.6 MB), minute data of a
year ~40 MB."""


def limit_of(key: str) -> Limit | None:
    """The limit on a number under ``key`` (by name, else by unit suffix), if any."""
    return KEY_LIMITS.get(key) or next((lim for suffix, lim in SUFFIX_LIMITS.items()
                                        if key.endswith(suffix)), None)
