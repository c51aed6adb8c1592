"""Field paths of a scenario (``assets[pv_roof].p_dc_mw``) and the values a sweep gives them.

A path is the scenario's own, with item ids in brackets: ``grid.import_max_mw``,
``enterprises[steel].demand.electricity_mwh``, ``indicators.thresholds.carbon_per_energy``.
``[*]`` stands for every item of a list. A path ending in ``*=`` scales the file's value
instead of replacing it (``enterprises[*].demand.electricity_mwh*=normal(1.02,0.03)``: demand
growth). The values are a list (``8,12,16``), an inclusive range (``4:16:4``) or a scipy.stats
distribution for Monte Carlo (``normal(mean,sd)``, ``uniform(low,high)``,
``triangular(low,mode,high)``, ``lognormal(median,sigma)``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel
from scipy import stats

from twin.errors import InputError, Problem
from twin.scenario.merge import deep_merge

# a name (a mapping key may hold colons: accounting.factor_overrides.grid:national_fossil), then [id]
_SEGMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_:]*)(?:\[([A-Za-z0-9_.\-*]+)\])?$")
_DIST = re.compile(r"^(normal|uniform|triangular|lognormal)\((.*)\)$")
_ARITY = {"normal": 2, "uniform": 2, "triangular": 3, "lognormal": 2}


@dataclass(frozen=True)
class Field:
    """One varied input: its path as written, the concrete paths it stands for, how it is set.

    Attributes
    ----------
    path : str
        The path as written (the column name in the runs table).
    targets : tuple of tuple
        Concrete paths, one per item when the path has ``[*]``; each a tuple of
        ``(name, id or None)`` segments.
    scale : bool
        Values multiply the file's value (``*=``) instead of replacing it.
    bases : tuple
        The file's value at each target (used when ``scale``).
    """

    path: str
    targets: tuple[tuple[tuple[str, str | None], ...], ...]
    scale: bool = False
    bases: tuple[Any, ...] = ()

    def overlay(self, value: Any) -> dict:
        """Changes that give this field ``value``, as a mapping to deep-merge over the file."""
        out: dict = {}
        for target, base in zip(self.targets, self.bases or (None,) * len(self.targets), strict=True):
            v = float(base) * float(value) if self.scale else plain(value)
            out = _merge(out, _nest(target, v))
        return out


@dataclass(frozen=True)
class Spec:
    """A field and its values: a fixed list, or a distribution to draw from."""

    field: Field
    values: tuple[Any, ...] = ()
    dist: Any = None  # a frozen scipy.stats distribution
    text: str = ""

    @property
    def random(self) -> bool:
        return self.dist is not None


def parse_vary(text: str, scenario, file: str) -> Spec:
    """Parse one ``--vary FIELD=VALUES`` against a loaded scenario; InputError names the field."""
    if "=" not in text:
        raise InputError(Problem(file, text, "expected FIELD=VALUES (e.g. assets[pv_roof].p_dc_mw=4,8,12)"))
    path, _, values = text.partition("=")
    scale = path.endswith("*")
    path = path.removesuffix("*").strip()
    field = resolve(path, scenario, file, scale)
    values = values.strip()
    dist = _distribution(values, path, file)
    if dist is not None:
        return Spec(field, dist=dist, text=values)
    return Spec(field, values=parse_values(values, path, file), text=values)


def parse_values(text: str, path: str, file: str) -> tuple:
    """``a,b,c`` or the inclusive range ``start:stop:step`` as a tuple of values."""
    if text.count(":") == 2 and "," not in text:
        try:
            start, stop, step = (float(x) for x in text.split(":"))
        except ValueError:
            raise InputError(Problem(file, path, f"range {text!r}: expected numbers start:stop:step")) from None
        if step <= 0 or stop < start:
            raise InputError(Problem(file, path, f"range {text!r}: expected start <= stop and step > 0"))
        n = int(math.floor((stop - start) / step + 1e-9)) + 1
        return tuple(tidy(start + i * step) for i in range(n))
    items = [s.strip() for s in text.split(",")]
    if not text or any(not s for s in items):
        raise InputError(Problem(file, path, f"values {text!r}: expected V1,V2,... or start:stop:step"))
    return tuple(yaml.safe_load(s) for s in items)


def resolve(path: str, scenario, file: str, scale: bool = False) -> Field:
    """Check ``path`` against the scenario's fields and items; expand ``[*]``."""
    segments = [_SEGMENT.match(s) for s in path.split(".")]
    if not path or not all(segments):
        raise InputError(Problem(file, path, "expected a field path like assets[pv_roof].p_dc_mw"))
    targets: list[tuple[tuple, Any]] = [((), scenario)]
    for m in segments:
        name, item = m.group(1), m.group(2)
        targets = [(t + ((name, i),), node) for t, here in targets for i, node in _step(here, name, item, path, file)]
    bases = tuple(node for _, node in targets)
    if scale and not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bases):
        raise InputError(Problem(file, path, "*= scales a number, but the file has no number here"))
    return Field(path, tuple(t for t, _ in targets), scale, bases if scale else ())


def _step(node: Any, name: str, item: str | None, path: str, file: str) -> list[tuple[str | None, Any]]:
    """Children of ``node`` named ``name`` (one per item for ``[*]``)."""
    if isinstance(node, BaseModel):
        fields = type(node).model_fields
        if name not in fields:
            raise InputError(Problem(file, path, f"no field {name!r} here (fields: {', '.join(fields)})"))
        child = getattr(node, name)
    elif isinstance(node, dict):
        child = node.get(name)
    else:
        raise InputError(Problem(file, path, f"{name!r} is below a value, not a section"))
    if item is None:
        return [(None, child)]
    if not isinstance(child, list):
        raise InputError(Problem(file, path, f"{name} is not a list of items with ids"))
    ids = [getattr(c, "id", None) for c in child]
    if item == "*":
        return [(i, c) for i, c in zip(ids, child, strict=True)]
    if item not in ids:
        raise InputError(Problem(file, path, f"no item with this id in {name} (ids: {', '.join(map(str, ids))})",
                                 item))
    return [(item, child[ids.index(item)])]


def _nest(target: tuple[tuple[str, str | None], ...], value: Any) -> dict:
    out: Any = value
    for name, item in reversed(target):
        out = {name: [{"id": item, **out}]} if item is not None else {name: out}
    return out


def _merge(a: dict, b: dict) -> dict:
    """Merge two overlays (lists of items by id), as the scenario's own merge does."""
    return deep_merge(a, b)


def _distribution(text: str, path: str, file: str):
    m = _DIST.match(text.replace(" ", ""))
    if m is None:
        return None
    kind = m.group(1)
    try:
        args = [float(x) for x in m.group(2).split(",")]
    except ValueError:
        args = []
    if len(args) != _ARITY[kind]:
        raise InputError(Problem(file, path, f"{kind}() takes {_ARITY[kind]} numbers, got {m.group(2)!r}"))
    try:
        return _frozen(kind, *args)
    except ValueError as exc:
        raise InputError(Problem(file, path, f"{text}: {exc}")) from None


def _frozen(kind: str, *a: float):
    """The scipy.stats distribution a planner means by ``kind(a...)``."""
    if kind == "normal":
        _positive(a[1], "standard deviation")
        return stats.norm(loc=a[0], scale=a[1])
    if kind == "uniform":
        _positive(a[1] - a[0], "high - low")
        return stats.uniform(loc=a[0], scale=a[1] - a[0])
    if kind == "lognormal":  # median and sigma of the log
        _positive(a[0], "median")
        _positive(a[1], "sigma")
        return stats.lognorm(s=a[1], scale=a[0])
    low, mode, high = a
    _positive(high - low, "high - low")
    if not low <= mode <= high:
        raise ValueError("expected low <= mode <= high")
    return stats.triang(c=(mode - low) / (high - low), loc=low, scale=high - low)


def _positive(x: float, what: str) -> None:
    if not x > 0:
        raise ValueError(f"{what} must be > 0")


def tidy(x: float) -> float | int:
    """Range values without float dust (0.1 * 3 -> 0.3), integers as int."""
    r = round(x, 12)
    return int(r) if r == int(r) and abs(r) < 2**53 else r


def plain(value: Any) -> Any:
    """numpy scalars as Python ones, so overlays validate and pickle plainly."""
    return value.item() if isinstance(value, np.generic) else value


SIZE_SUFFIXES = ("_mw", "_mwh", "_mwp")


def size_paths(scenario) -> dict[str, float]:
    """Numeric size fields of the assets (``assets[id].p_dc_mw``...) and the grid link, with their values."""
    out = {f"grid.{k}": float(v) for k, v in scenario.grid if k.endswith(SIZE_SUFFIXES) and _number(v)}
    for a in scenario.assets:
        out.update({f"assets[{a.id}].{k}": float(v) for k, v in a if k.endswith(SIZE_SUFFIXES) and _number(v)})
    return out


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v > 0
