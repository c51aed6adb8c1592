"""Time-of-use tariffs as data: shipped tariffs and hourly price arrays."""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from twin.schema.scenario import Tariff


def tariff_names() -> list[str]:
    """Names of the tariffs shipped in ``twin/data/tariffs``."""
    folder = resources.files("twin.data").joinpath("tariffs")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def shipped_tariff(name: str) -> Tariff:
    """Load a shipped tariff by name."""
    text = resources.files("twin.data").joinpath("tariffs").joinpath(f"{name}.yaml").read_text("utf-8")
    return Tariff.model_validate(yaml.safe_load(text))


def resolve_tariff(tariff: str | Tariff) -> Tariff:
    """A tariff given by name or inline."""
    return shipped_tariff(tariff) if isinstance(tariff, str) else tariff


def period_table(tariff: Tariff) -> tuple[list[str], np.ndarray]:
    """Period names and a [12, 24] table of period indices by month and hour."""
    names = list(tariff.energy_cny_per_mwh)
    table = np.zeros((12, 24), dtype=np.int64)
    for season in tariff.seasons:
        for name, ranges in season.hours.items():
            for start, end in ranges:
                for month in season.months:
                    table[month - 1, start:end] = names.index(name)
    return names, table


def hourly_periods(tariff: Tariff, index: pd.DatetimeIndex) -> tuple[list[str], np.ndarray]:
    """Period names and the period index of every hour of ``index``."""
    names, table = period_table(tariff)
    return names, table[index.month.to_numpy() - 1, index.hour.to_numpy()]


def hourly_prices(tariff: Tariff, index: pd.DatetimeIndex) -> np.ndarray:
    """Energy price of every hour [CNY/MWh]."""
    names, periods = hourly_periods(tariff, index)
    prices = np.array([tariff.energy_cny_per_mwh[n] for n in names])
    return prices[periods]
