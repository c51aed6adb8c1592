"""The deep merge behind ``extends``, measures and overlays.

Mappings merge recursively; lists of items with ids merge by id, and an item
``{id: x, remove: true}`` deletes item ``x``.
"""

from __future__ import annotations

import copy
from typing import Any

REMOVE_KEY = "remove"  # an item {id: x, remove: true} in a variant deletes item x


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
