"""Simulated meter readings for given field values, and pairing them with the readings."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from calibration.cleaning import INTERVALS, aggregate
from calibration.fields import apply_values
from calibration.setup import FitProblem
from calibration.targets import meter_series
from twin.economics.run import run
from twin.scenario.load import validate


def simulate(problem: FitProblem, values: dict[str, float], first: dt.date,
             last: dt.date, raw: dict | None = None) -> pd.DataFrame:
    """Simulated reading of every meter at the native interval, days first..last.

    ``raw``: the scenario mapping to set ``values`` in (default ``problem.raw``).
    """
    raw = apply_values(problem.raw if raw is None else raw, values)
    raw["period"] = {"year": problem.year, "start": first.isoformat(),
                     "days": (last - first).days + 1}
    sc = validate(raw, problem.source, problem.base_dir, allow_outside=True)
    hourly = meter_series(run(sc).flows_frame(), problem.targets)  # the kernel frees its mesa model
    return hourly if problem.native == "h" else hourly.resample(problem.native).sum()


def paired(measured: pd.DataFrame, simulated: pd.DataFrame, native: str,
           interval: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Measured and simulated at ``interval``, the simulation masked where readings miss.

    Sums over coarser periods keep only periods whose readings cover 90 % (see
    ``cleaning.aggregate``), and the simulation is summed over the same native intervals.
    """
    simulated = simulated.reindex(measured.index).where(measured.notna())
    if INTERVALS[interval] == native:
        return measured, simulated
    m, _ = aggregate(measured, interval, native)
    s = simulated.resample(INTERVALS[interval]).sum(min_count=1)
    return m, s.reindex(m.index).where(m.notna())


