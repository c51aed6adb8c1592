"""Free scenario fields: their path syntax, default bounds, start values, and setting them.

A field path names one number of a scenario, with list items picked by id::

    enterprises[b0].demand.electricity_mwh
    enterprises[b0].shift_hours.start          # or .0; .end or .1
    enterprises[e1416].calendar.spring_festival_days_after
    enterprises[b0].temperature.space_heat_hours.start
    enterprises[e1262].calendar.capacity_changes.0.capacity_frac   # list items by position
    assets[pv_plant].losses_frac

Fields known to the enterprise demand model and the assets have default bounds
(:data:`DEFAULT_BOUNDS`); any other numeric field needs explicit bounds. Hours of a shift
and days of the Spring Festival window are integers (the model works on whole hours and
days), so the fit searches them on a grid instead of by gradient.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from twin.catalog.sectors import sector_table
from twin.physics.demand import SHIFT_HOURS

PATH = re.compile(r"^(?P<list>enterprises|assets)\[(?P<id>[A-Za-z0-9_\-]+)\]\.(?P<field>[\w.]+)$")
#: [start, end) hour pairs: a field ``<pair>.start``/``.end`` (or ``.0``/``.1``) sets one hour,
#: the other kept (from the shift pattern, or all day, when the pair is empty).
PAIRS = ("shift_hours", "temperature.space_heat_hours")
ALIASES = {f"{pair}.{name}": f"{pair}.{i}" for pair in PAIRS for i, name in enumerate(("start", "end"))}

#: field (relative to its enterprise or asset) -> (lower, upper, integer, relative).
#: ``relative`` bounds are multiples of the start value (annual demand: 0.1x to 10x).
DEFAULT_BOUNDS: dict[str, tuple[float, float, bool, bool]] = {
    "demand.electricity_mwh": (0.1, 10.0, False, True),
    "demand.heat_mwh": (0.1, 10.0, False, True),
    "base_load_frac": (0.0, 1.0, False, False),
    "shift_hours.0": (0, 23, True, False),
    "shift_hours.1": (1, 24, True, False),
    "temperature.space_heat_hours.0": (0, 23, True, False),
    "temperature.space_heat_hours.1": (1, 24, True, False),
    "calendar.capacity_changes.*.capacity_frac": (0.0, 3.0, False, False),
    "calendar.weekend_load_frac": (0.0, 1.0, False, False),
    "calendar.holiday_load_frac": (0.0, 1.0, False, False),
    "calendar.spring_festival_load_frac": (0.0, 1.0, False, False),
    "calendar.spring_festival_days_before": (0, 30, True, False),
    "calendar.spring_festival_days_after": (0, 45, True, False),
    "temperature.heating_balance_c": (5.0, 22.0, False, False),
    "temperature.space_heat_frac": (0.0, 1.0, False, False),
    "temperature.cooling_balance_c": (10.0, 30.0, False, False),
    "temperature.cooling_frac_per_k": (0.0, 0.2, False, False),
    "temperature.el_heating_frac_per_k": (0.0, 0.2, False, False),
    "temperature.thermal_time_constant_h": (0.0, 96.0, False, False),
    "temperature.solar_gain_k_per_kw_m2": (0.0, 30.0, False, False),
    "losses_frac": (0.0, 0.6, False, False),
    "efficiency_frac": (0.5, 1.05, False, False),
    "dc_ac_ratio": (0.8, 2.0, False, False),
}
INTEGER_FIELDS = {k for k, v in DEFAULT_BOUNDS.items() if v[2]}


def bounds_key(field: str) -> str:
    """The DEFAULT_BOUNDS key of a field: list positions inside it become ``*``."""
    return re.sub(r"\.\d+\.", ".*.", field)
#: enterprise fields whose ``None`` means "the sector's default" (twin/data/sectors.csv).
SECTOR_DEFAULTS = {"base_load_frac": "base_load_frac",
                   "calendar.weekend_load_frac": "weekend_load_frac",
                   "calendar.holiday_load_frac": "holiday_load_frac",
                   "calendar.spring_festival_load_frac": "spring_festival_load_frac",
                   "temperature.space_heat_frac": "space_heat_frac",
                   "temperature.cooling_frac_per_k": "cooling_frac_per_k"}


@dataclass(frozen=True)
class FreeField:
    """One free scenario field and its bounds (``integer``: searched on whole numbers)."""

    path: str
    lower: float
    upper: float
    integer: bool = False


@dataclass(frozen=True)
class FieldRef:
    """A parsed field path: list (``enterprises``/``assets``), item id, field keys."""

    list: str
    id: str
    keys: tuple[str, ...]

    @property
    def field(self) -> str:
        """The field relative to its item (``demand.electricity_mwh``)."""
        return ".".join(self.keys)

    @property
    def pair(self) -> str | None:
        """The hour pair the field is one end of (``shift_hours``), or None."""
        parent = ".".join(self.keys[:-1])
        return parent if parent in PAIRS else None


def parse_path(path: str) -> FieldRef:
    """Parse ``enterprises[id].a.b`` (raises ValueError with the expected syntax)."""
    match = PATH.match(str(path).strip())
    if match is None:
        raise ValueError(f"{path!r} is not a field path such as "
                         "enterprises[<id>].demand.electricity_mwh or assets[<id>].losses_frac")
    field = ALIASES.get(match.group("field"), match.group("field"))
    return FieldRef(match.group("list"), match.group("id"), tuple(field.split(".")))


def canonical(path: str) -> str:
    """The path with aliases resolved (``shift_hours.start`` -> ``shift_hours.0``)."""
    ref = parse_path(path)
    return f"{ref.list}[{ref.id}].{ref.field}"


def item(raw: dict, ref: FieldRef) -> dict:
    """The enterprise or asset ``ref`` points to in a scenario mapping (KeyError if absent)."""
    for entry in raw.get(ref.list) or []:
        if isinstance(entry, dict) and entry.get("id") == ref.id:
            return entry
    raise KeyError(f"no {ref.list[:-1]} with id {ref.id!r} in the scenario")


def _default(entry: dict, ref: FieldRef):
    """Start value of a field left empty (None) in the scenario: the sector's default."""
    if ref.list != "enterprises":
        return None
    sector = sector_table().get(entry.get("sector"), {})
    if ref.field in SECTOR_DEFAULTS:
        return sector.get(SECTOR_DEFAULTS[ref.field])
    if ref.pair:
        return default_pair(entry, ref.pair)[int(ref.keys[-1])]
    return None


def default_pair(entry: dict, pair: str) -> list[float]:
    """The current [start, end) of an hour pair of an enterprise mapping."""
    node = entry
    for key in pair.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    if node:
        return list(node)
    return default_shift(entry) if pair == "shift_hours" else [0, 24]


def default_shift(entry: dict) -> list[float]:
    """Production hours [start, end) of an enterprise mapping (its shift or its sector's)."""
    if entry.get("shift_hours"):
        return list(entry["shift_hours"])
    shift = entry.get("shift") or sector_table().get(entry.get("sector"), {}).get("shift")
    return list(SHIFT_HOURS.get(shift, (0, 24)))


def get_value(raw: dict, path: str) -> float | None:
    """Current value of a field in a (dumped) scenario mapping; sector default if None."""
    ref = parse_path(path)
    entry = item(raw, ref)
    node = entry
    for key in ref.keys:
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            raise KeyError(f"{ref.field!r} is not a field of {ref.list}[{ref.id}]")
        if node is None:
            return _default(entry, ref)
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise KeyError(f"{ref.field!r} of {ref.list}[{ref.id}] is not a number")
    return float(node)


def default_bounds(path: str, start: float | None) -> tuple[float, float, bool]:
    """Default (lower, upper, integer) of a known field (ValueError for other fields)."""
    ref = parse_path(path)
    key = bounds_key(ref.field)
    if key not in DEFAULT_BOUNDS:
        raise ValueError(f"no default bounds for {ref.field!r}: give [lower, upper]")
    lower, upper, integer, relative = DEFAULT_BOUNDS[key]
    if relative:
        if not start:
            raise ValueError(f"bounds relative to the start value need a start value > 0 "
                           f"({path} is {start}); give [lower, upper]")
        return lower * start, upper * start, integer
    return float(lower), float(upper), integer


def is_integer(path: str) -> bool:
    """True for whole-number fields (shift hours, Spring Festival days)."""
    return bounds_key(parse_path(path).field) in INTEGER_FIELDS


def apply_values(raw: dict, values: dict[str, float]) -> dict:
    """A copy of a scenario mapping with ``values`` (path -> number) set."""
    out = copy.deepcopy(raw)
    for path, value in values.items():
        ref = parse_path(path)
        entry = item(out, ref)
        number = int(round(value)) if is_integer(path) else float(value)
        keys = ref.keys
        if ref.pair:  # set one end, keep the other
            pair = default_pair(entry, ref.pair)
            pair[int(keys[-1])] = number
            keys, number = keys[:-1], pair
        node = entry
        for key in keys[:-1]:
            node = _child(node, key)
        node[int(keys[-1]) if isinstance(node, list) else keys[-1]] = number
    return out


def _child(node: dict | list, key: str) -> dict | list:
    """A mapping's sub-mapping (created when empty) or a list's item by position."""
    if isinstance(node, list):
        return node[int(key)]
    if node.get(key) is None:
        node[key] = {}
    return node[key]


def overlay(calibrated: dict, paths: list[str]) -> dict:
    """The fitted fields of a calibrated scenario mapping as a variant (items by id).

    The result holds only the ``paths`` in the form ``twin.scenario.merge.deep_merge`` and
    ``extends`` merge onto the original scenario. A field inside a list (an hour pair's
    end, a capacity change's size) carries the whole list, which replaces the original.
    """
    lists: dict[str, dict[str, dict]] = {}
    for path in paths:
        ref = parse_path(path)
        source = item(calibrated, ref)
        entry = lists.setdefault(ref.list, {}).setdefault(ref.id, {"id": ref.id})
        keys = ref.keys[:-1] if ref.pair else ref.keys
        keys = next((keys[:i] for i, k in enumerate(keys) if k.isdigit()), keys)
        node, value = entry, source
        for key in keys:
            value = value[key]
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = copy.deepcopy(list(value) if isinstance(value, tuple) else value)
    return {name: list(items.values()) for name, items in lists.items()}
