"""Parse merged scenario data: pydantic validation, then the cross-reference checks.

Every problem becomes a :class:`twin.errors.Problem` naming the file, the field
path with ids (``assets[bess_1].p_max_mw``) and what is expected. Measures are checked
one level up (:func:`twin.scenario.load.validate` applies each in turn).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from twin.errors import InputError, Problem
from twin.scenario.checks import check_references
from twin.schema.scenario import Scenario


def parse(raw: dict, source: str, base_dir: Path, allow_outside: bool = False) -> Scenario:
    """Validate merged scenario data (pydantic, then cross-references; measures are not applied)."""
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise InputError([_problem(source, err, raw) for err in exc.errors()]) from None
    scenario._base_dir = base_dir
    scenario._source = source
    scenario._allow_outside = allow_outside
    problems = check_references(scenario, source)
    if problems:
        raise InputError(problems)
    return scenario


def _problem(source: str, err: dict, raw: dict) -> Problem:
    """Turn one pydantic error into a Problem with an id-aware field path."""
    parts: list[str] = []
    node: Any = raw
    item_id = None
    for key in err["loc"]:
        if isinstance(key, int) and isinstance(node, list):
            node = node[key] if key < len(node) else None
            item_id = node.get("id") if isinstance(node, dict) else None
            parts.append(f"[{item_id}]" if item_id else f"[{key}]")
            continue
        if isinstance(node, dict) and key not in node and key == node.get("type"):
            continue  # discriminator tag that pydantic puts in the location
        node = node.get(key) if isinstance(node, dict) else None
        parts.append(f".{key}")
    field = "".join(parts).lstrip(".") or "file"
    return Problem(source, field, _message(err), item_id)


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
