"""Sector defaults for enterprise demand shapes (``twin/data/sectors.csv``)."""

from __future__ import annotations

from functools import cache

from twin.units import data_table


@cache
def sector_table() -> dict[str, dict]:
    """Sector name -> its default shape parameters (shift, fractions, reasoning)."""
    table = data_table("sectors.csv").set_index("sector")
    return {name: row.to_dict() for name, row in table.iterrows()}


def sector_names() -> list[str]:
    """Known sector names."""
    return list(sector_table())
