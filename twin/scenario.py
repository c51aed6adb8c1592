"""Load scenario files: YAML, ``extends`` with a deep merge, validation, checks.

Every problem becomes a :class:`twin.errors.Problem` naming the file, the field
path with ids (``assets[bess_1].p_max_mw``) and what is expected.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from twin.checks import check_references
from twin.errors import InputError, Problem
from twin.schema import Scenario

REMOVE_KEY = "remove"  # an item {id: x, remove: true} in a variant deletes item x


def load_scenario(path: str | Path, overrides: dict | None = None,
                  allow_outside: bool = False) -> Scenario:
    """Load, merge, validate and check a scenario file.

    Parameters
    ----------
    path : str or Path
        Scenario YAML file.
    overrides : dict, optional
        Extra changes deep-merged on top (as if from a variant file).
    allow_outside : bool
        Let referenced files (weather, profiles, extends) lie outside the
        scenario's folder. Only for paths the user gave on the command line.

    Raises
    ------
    InputError
        One problem per line (file, field path and id, expectation).
    """
    path = Path(path)
    raw = _resolve(path, root=path.resolve().parent, chain=(), allow_outside=allow_outside)
    if overrides:
        raw = deep_merge(raw, overrides)
    return validate(raw, source=str(path), base_dir=path.resolve().parent, allow_outside=allow_outside)


def validate(raw: dict, source: str, base_dir: Path, allow_outside: bool = False) -> Scenario:
    """Validate merged scenario data (pydantic, then cross-references)."""
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


def read_yaml(path: Path) -> dict:
    """Read one YAML mapping with ``yaml.safe_load``; problems as InputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise InputError(Problem(str(path), "file", f"cannot read: {exc.__class__.__name__}")) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        reason = getattr(exc, "problem", None) or "malformed YAML"
        raise InputError(Problem(str(path), where, f"malformed YAML: {reason}")) from None
    if not isinstance(data, dict):
        raise InputError(Problem(str(path), "file", "expected a mapping of sections (site, grid, ...)"))
    return data


def inside(path: Path, root: Path) -> bool:
    """True when ``path`` (resolved) lies in folder ``root``."""
    return path.resolve().is_relative_to(root.resolve())


def _resolve(path: Path, root: Path, chain: tuple[Path, ...], allow_outside: bool) -> dict:
    """Read ``path`` and merge it over the file it ``extends`` (recursively)."""
    key = path.resolve()
    if key in chain:
        names = " -> ".join(p.name for p in (*chain, key))
        raise InputError(Problem(str(path), "extends", f"extends cycle: {names}"))
    data = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise InputError(Problem(str(path), "extends", "expected the path of one scenario file"))
    base = (path.parent / parent)
    if not allow_outside and not inside(base, root):
        raise InputError(Problem(str(path), "extends", f"{parent} lies outside the scenario folder"))
    if not base.exists():
        raise InputError(Problem(str(path), "extends", f"file {parent} not found"))
    return deep_merge(_resolve(base, root, (*chain, key), allow_outside), data)


def deep_merge(base: Any, over: Any) -> Any:
    """Merge ``over`` into ``base``: mappings recursively, lists of items with ids by id."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = copy.deepcopy(base)
        for k, v in over.items():
            out[k] = deep_merge(out[k], v) if k in out else copy.deepcopy(v)
        return out
    if _id_list(base) and _id_list(over):
        return _merge_by_id(base, over)
    return copy.deepcopy(over)


def _id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and "id" in i for i in value)


def _merge_by_id(base: list[dict], over: list[dict]) -> list[dict]:
    items = {item["id"]: copy.deepcopy(item) for item in base}
    for item in over:
        if item.get(REMOVE_KEY) is True:
            items.pop(item["id"], None)
        elif item["id"] in items:
            items[item["id"]] = deep_merge(items[item["id"]], item)
        else:
            items[item["id"]] = copy.deepcopy(item)
    return list(items.values())


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
