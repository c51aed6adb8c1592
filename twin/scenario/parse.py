"""Parse merged scenario data: pydantic validation, then the cross-reference checks.

Every problem becomes a :class:`twin.errors.Problem` naming the file, the field
path with ids (``assets[bess_1].p_max_mw``) and what is expected. Measures are checked
one level up (:func:`twin.scenario.load.validate` applies each in turn).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from twin.errors import InputError, Problem
from twin.scenario.bounds import bound_problems
from twin.scenario.checks import check_references
from twin.schema.scenario import Scenario


def parse(raw: dict, source: str, base_dir: Path, allow_outside: bool = False) -> Scenario:
    """Validate merged scenario data (pydantic, then cross-references; measures are not applied)."""
    problems = bound_problems(raw, source)  # limits first: a refused file builds no model
    if problems:
        raise InputError(problems)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        found = [_problem(source, err, raw) for err in exc.errors()]
        raise InputError([p for p in found if p is not None] or _fallback(source, exc)) from None
    scenario._base_dir = base_dir
    scenario._source = source
    scenario._allow_outside = allow_outside
    problems = check_references(scenario, source)
    if problems:
        raise InputError(problems)
    return scenario


# Steps pydantic adds to an error's location that are not keys of the file: a validator
# (``function-after[_complete(), Tariff]``), a member of a union (``str``, ``Tariff``,
# ``list[...]``).
_TAG = re.compile(r"^[a-z][a-z-]*\[.*\]$|^[A-Z]\w*$")
_SCALAR_TAGS = {"str", "int", "float", "bool", "none"}


def _problem(source: str, err: dict, raw: dict) -> Problem | None:
    """One pydantic error as a Problem with the file's own field path (``seasons[0].hours``).

    None for the error of a union member the input plainly is not (a mapping given where the
    field takes a name or a mapping: pydantic also says it is no valid name).
    """
    parts: list[str] = []
    node: Any = raw
    item_id = None
    for key in err["loc"]:
        if isinstance(key, int) and isinstance(node, list):
            node = node[key] if key < len(node) else None
            item_id = node.get("id") if isinstance(node, dict) else None
            parts.append(f"[{item_id}]" if item_id else f"[{key}]")
            continue
        if isinstance(node, dict) and key not in node:
            if key == node.get("type") or _TAG.match(str(key)):
                continue  # discriminator tag or validator step, not a key of the file
            if key in _SCALAR_TAGS:
                return None  # the str branch of ``str | Tariff`` given a mapping
        node = node.get(key) if isinstance(node, dict) else None
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    field = "".join(parts).lstrip(".") or "file"
    return Problem(source, field, _message(err), item_id)


def _fallback(source: str, exc: ValidationError) -> list[Problem]:
    """Every error kept (were all dropped as union noise) under its plain location."""
    return [Problem(source, ".".join(str(k) for k in err["loc"] if not _TAG.match(str(k))) or "file",
                    _message(err)) for err in exc.errors()]


def _message(err: dict) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key (check spelling; units belong in the name, e.g. p_max_mw)"
    if kind == "missing":
        return "required but missing"
    text = err["msg"].removeprefix("Value error, ")
    if kind not in ("value_error",) and "input" in err and not isinstance(err["input"], dict | list):
        text += f" (got {err['input']!r})"
    return text
