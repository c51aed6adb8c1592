"""Simulated meter readings for given field values, and pairing them with the readings."""

from __future__ import annotations

import datetime as dt

import mesa
import pandas as pd

from calibration.cleaning import INTERVALS, aggregate
from calibration.fields import apply_values
from calibration.setup import FitProblem
from calibration.targets import meter_series
from twin.scenario import validate
from twin.simulation import run


def simulate(problem: FitProblem, values: dict[str, float], first: dt.date,
             last: dt.date, raw: dict | None = None) -> pd.DataFrame:
    """Simulated reading of every meter at the native interval, days first..last.

    ``raw``: the scenario mapping to set ``values`` in (default ``problem.raw``).
    """
    raw = apply_values(problem.raw if raw is None else raw, values)
    raw["period"] = {"year": problem.year, "start": first.isoformat(),
                     "days": (last - first).days + 1}
    sc = validate(raw, problem.source, problem.base_dir, allow_outside=True)
    before = set(_agent_ids())
    try:
        hourly = meter_series(run(sc).flows_frame(), problem.targets)
    finally:
        _forget_models(before)
    return hourly if problem.native == "h" else hourly.resample(problem.native).sum()


def _agent_ids() -> dict:
    """mesa's class-level registry of models (``Agent._ids``; {} where mesa has none)."""
    ids = getattr(mesa.Agent, "_ids", None)
    return ids if isinstance(ids, dict) else {}


def _forget_models(before: set) -> None:
    """Drop the models this run registered with mesa, so they can be freed.

    mesa < 3.4 keys ``Agent._ids`` by model and never releases it (mesa issue #3179, fixed
    by PR #3180): every run's model, network and ledger stay in memory, ~11 MB per run of
    the 20-enterprise Yangzhong scenario, 20 GB over its 20 fits. The run has finished, so
    its entry is no longer needed. (Better fixed in the twin or by a newer mesa.)
    """
    ids = _agent_ids()
    for model in [m for m in ids if m not in before]:
        ids.pop(model, None)


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


