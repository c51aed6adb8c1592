"""Lists of scenario items (assets, enterprises) to editable tables and back. No streamlit.

A row keeps, in the hidden column ``ROW``, the position of the item it came
from, so fields the table does not show (calendars, power curves, maintenance)
survive an edit; rows without it are new items. Cells the file leaves out show the schema default and are
left out again unless changed.
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from parkapp.schema_ui import FieldSpec, coerce

_MISSING = object()
ROW = "_row"  # hidden column: position of the item a row came from


def get_path(item: dict, path: str, default: Any = _MISSING) -> Any:
    """Value at dotted ``path`` of a nested mapping (``default`` when absent)."""
    node: Any = item
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def set_path(item: dict, path: str, value: Any) -> None:
    """Set dotted ``path`` of a nested mapping, creating mappings on the way."""
    *parents, last = path.split(".")
    node = item
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def del_path(item: dict, path: str) -> None:
    """Remove dotted ``path`` of a nested mapping if present."""
    *parents, last = path.split(".")
    node = get_path(item, ".".join(parents), None) if parents else item
    if isinstance(node, dict):
        node.pop(last, None)


def items_frame(items: list[dict], specs: list[FieldSpec]) -> pd.DataFrame:
    """One row per item, one column per field path; absent fields show their default."""
    rows = [{ROW: i, **{s.path: get_path(item, s.path, s.default) for s in specs}} for i, item in enumerate(items)]
    frame = pd.DataFrame(rows, columns=[ROW, *[s.path for s in specs]])
    frame[ROW] = frame[ROW].astype("float64")
    for s in specs:
        if s.kind in ("float", "int"):
            frame[s.path] = pd.to_numeric(frame[s.path], errors="coerce").astype("float64")
        elif s.kind == "bool":
            frame[s.path] = frame[s.path].astype("object")
        else:
            frame[s.path] = frame[s.path].astype("object").where(frame[s.path].notna(), None)
    return frame


def _cell(item: dict, spec: FieldSpec, value: Any, had: bool) -> None:
    """Write one edited cell into ``item`` (see module docstring for blanks and defaults)."""
    if value is None:
        if spec.nullable and (had or spec.default is not None):
            set_path(item, spec.path, None)
        elif had and spec.default is not None:
            set_path(item, spec.path, spec.default)
        elif had:
            del_path(item, spec.path)
        return
    if not had and value == spec.default:
        return
    set_path(item, spec.path, value)


def frame_items(frame: pd.DataFrame, specs: list[FieldSpec], base_items: list[dict],
                new_item: dict | None = None) -> list[dict]:
    """Edited table rows back to scenario items, merged over the items they came from."""
    out = []
    for _, row in frame.iterrows():
        position = row.get(ROW)
        known = position is not None and not pd.isna(position) and 0 <= int(position) < len(base_items)
        base = base_items[int(position)] if known else {}
        item = copy.deepcopy(base) if known else copy.deepcopy(new_item or {})
        for spec in specs:
            had = get_path(base, spec.path) is not _MISSING
            _cell(item, spec, coerce(spec, row.get(spec.path)), had)
        if any(v not in (None, {}) for k, v in item.items() if k != "type"):
            out.append(item)
    return out


def problem_rows(problems: list, ids: set[str], prefix: str) -> list:
    """Problems about the items ``ids`` of a table (by id, or by path ``prefix[id]``)."""
    return [p for p in problems
            if (p.id is not None and p.id in ids) or any(p.field.startswith(f"{prefix}[{i}]") for i in ids)]
