"""Thresholds of the zero-carbon-park indicators (NDRC 发改环资〔2025〕910号) as data."""

from __future__ import annotations

from functools import cache

import pandas as pd

from twin.units import data_table


@cache
def thresholds_table() -> pd.DataFrame:
    """Indicator thresholds and parameters (``indicator_thresholds.csv``, each row with its source)."""
    return data_table("indicator_thresholds.csv")
