"""Check a scenario mapping against the limits of ``twin.schema.limits`` before pydantic.

Runs on the merged mapping, so a refused file costs a walk over its values and nothing
more: no model is built, no list of 10^6 enterprises validated. Every number must also be
finite (``.inf`` and ``.nan`` are valid YAML but no quantity of a park).
"""

from __future__ import annotations

import math
from typing import Any

from twin.errors import Problem
from twin.schema.limits import LIST_LIMITS, MAX_LIST_ITEMS, Limit, limit_of

MAX_LISTED = 10  # problems listed before the walk stops (one file, one screen)


def bound_problems(raw: Any, source: str) -> list[Problem]:
    """Every value of ``raw`` beyond its limit, as problems with id-aware field paths."""
    problems: list[Problem] = []
    _walk(raw, "", None, source, problems)
    return problems[:MAX_LISTED]


def _walk(node: Any, path: str, key: str | None, source: str, problems: list[Problem]) -> None:
    if len(problems) >= MAX_LISTED:
        return
    if isinstance(node, dict):
        for k, value in node.items():
            name = str(k)
            _walk(value, f"{path}.{name}" if path else name, name, source, problems)
    elif isinstance(node, list):
        limit = LIST_LIMITS.get(key or "", MAX_LIST_ITEMS)
        if len(node) > limit.most:
            problems.append(_beyond(source, path, f"{len(node):,} items", limit))
            return
        for i, item in enumerate(node):
            ident = item.get("id") if isinstance(item, dict) else None
            _walk(item, f"{path}[{ident if isinstance(ident, str) else i}]", None, source, problems)
    elif isinstance(node, float | int) and not isinstance(node, bool):
        _number(node, path, key or "", source, problems)


def _number(value: float, path: str, key: str, source: str, problems: list[Problem]) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(Problem(source, path, f"{value} is not a finite number"))
        return
    limit = limit_of(key)
    if limit is not None and value > limit.most:
        problems.append(_beyond(source, path, f"{value:g} {limit.unit}", limit))


def _beyond(source: str, path: str, got: str, limit: Limit) -> Problem:
    return Problem(source, path or "file", f"{got} is beyond what any park reaches "
                   f"(at most {limit.most:,.0f} {limit.unit}: {limit.reason})")
