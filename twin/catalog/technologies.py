"""The technology library (``twin/data/technologies.yaml``): presets as data."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml


@cache
def library() -> dict:
    """All presets: ``converters``, ``stores`` and ``vehicles``, each name -> fields."""
    text = resources.files("twin.data").joinpath("technologies.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def preset(kind: str, name: str) -> dict:
    """One preset of ``kind`` (converters, stores, vehicles); KeyError lists the known ones."""
    table = library()[kind]
    if name not in table:
        raise KeyError(f"unknown {kind[:-1]} preset {name!r} (known: {', '.join(sorted(table))})")
    return table[name]
