"""Scenario sources for the app: shipped files, safe uploads, overlays. No streamlit.

An upload is size-limited, read with ``yaml.safe_load`` (through
``twin.scenario.load.read_yaml``, so problems read as on the command line) and may only
``extends`` a shipped scenario by name, resolved here from the shipped folder.
Uploaded scenarios are validated and run with a fresh, empty temporary folder as
their base, so they cannot make the server read any other file.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from twin.errors import InputError, Problem
from twin.present.i18n import local_name, t
from twin.scenario.load import SHIPPED, read_yaml, shipped_names, validate
from twin.scenario.merge import REMOVE_KEY, deep_merge
from twin.schema.scenario import Scenario

MAX_UPLOAD_BYTES = 256 * 1024


def shipped_raw(name: str, chain: tuple[str, ...] = ()) -> dict:
    """A shipped scenario as a mapping, its ``extends`` chain merged (shipped files only)."""
    if name not in shipped_names():
        raise InputError(Problem(name, "extends", t("ui.upload_extends", "en", names=", ".join(shipped_names()))))
    if name in chain:
        raise InputError(Problem(name, "extends", f"extends cycle: {' -> '.join((*chain, name))}"))
    data = read_yaml(SHIPPED / name)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    return deep_merge(shipped_raw(str(parent), (*chain, name)), data)


@functools.cache
def shipped_title(name: str, lang: str) -> str:
    """Pick-list label of a shipped scenario: its name in ``lang``, then the file name."""
    return f"{local_name(shipped_raw(name), lang)} · {name}"


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.\-]", "_", Path(name).name)[:80] or "upload.yaml"
    return stem if stem.endswith((".yaml", ".yml")) else f"{stem}.yaml"


def _renamed(exc: InputError, shown: str) -> InputError:
    return InputError([dataclasses.replace(p, file=shown) for p in exc.problems])


def upload_raw(name: str, data: bytes, lang: str = "en") -> dict:
    """The mapping of an uploaded scenario, merged over the shipped file it extends.

    Raises InputError (file named as uploaded) for an oversized, non-UTF-8,
    malformed or non-mapping file, or an ``extends`` other than a shipped name.
    """
    shown = Path(name).name or "upload.yaml"
    if len(data) > MAX_UPLOAD_BYTES:
        message = t("ui.upload_too_big", lang, size=len(data) // 1024, kb=MAX_UPLOAD_BYTES // 1024)
        raise InputError(Problem(shown, "file", message))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(Problem(shown, "file", t("ui.upload_encoding", lang))) from None
    with tempfile.TemporaryDirectory(prefix="parktwin-upload-") as tmp:
        path = Path(tmp) / _safe_name(name)
        path.write_bytes(data)
        try:
            raw = read_yaml(path)
        except InputError as exc:
            raise _renamed(exc, shown) from None
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    if not isinstance(parent, str) or parent not in shipped_names():
        names = ", ".join(shipped_names())
        raise InputError(Problem(shown, "extends", t("ui.upload_extends", lang, names=names)))
    return deep_merge(shipped_raw(parent), raw)


def check(raw: dict, source: str, origin: str) -> Scenario:
    """Validate a scenario mapping; shipped content resolves files in the shipped folder only.

    ``origin`` is ``shipped`` or ``upload``; an upload gets a fresh empty folder as its
    base, so weather or profile paths in it can name no file on the server.
    """
    if origin == "shipped":
        return validate(copy.deepcopy(raw), source=source, base_dir=SHIPPED)
    with tempfile.TemporaryDirectory(prefix="parktwin-check-") as tmp:
        return validate(copy.deepcopy(raw), source=source, base_dir=Path(tmp))


def canonical(raw: dict) -> str:
    """Stable text of a scenario mapping (the cache key of its results)."""
    return json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False)


def _id_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "id" in i for i in value)


def overlay(base: Any, edited: Any) -> Any:
    """The smallest overlay that ``twin.scenario.merge.deep_merge`` turns ``base`` into ``edited``.

    Mappings recurse; lists of items with ids are diffed by id (removed items
    become ``{id: x, remove: true}``); anything else is replaced when changed.
    Returns None when nothing changed.
    """
    if base == edited:
        return None
    if isinstance(base, dict) and isinstance(edited, dict):
        out = {}
        for key, value in edited.items():
            diff = overlay(base[key], value) if key in base else copy.deepcopy(value)
            if diff is not None or key not in base:
                out[key] = diff
        return out or None
    if _id_list(base) and (_id_list(edited) or edited == []):
        return _overlay_items(base, edited)
    return copy.deepcopy(edited)


def _overlay_items(base: list[dict], edited: list[dict]) -> list[dict] | None:
    old = {item["id"]: item for item in base}
    new_ids = {item["id"] for item in edited}
    out = [{"id": i, REMOVE_KEY: True} for i in old if i not in new_ids]
    for item in edited:
        if item["id"] not in old:
            out.append(copy.deepcopy(item))
            continue
        diff = overlay(old[item["id"]], item)
        if diff:
            out.append({"id": item["id"], **diff})
    return out or None


def count_changes(over: Any) -> int:
    """Number of changed leaves and items in an overlay."""
    if isinstance(over, dict):
        return sum(count_changes(v) for k, v in over.items() if k != "id") or 1
    if isinstance(over, list) and _id_list(over):
        return sum(count_changes(i) for i in over)
    return 0 if over is None else 1
