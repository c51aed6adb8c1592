"""Sweeps: the cross product of varied inputs, seeds and Monte Carlo draws, one table row per run.

>>> from twin.explore.sweep import sweep
>>> s = sweep("scenarios/mini.yaml", ["assets[pv_roof].p_dc_mw=4,8"], workers=0)  # doctest: +SKIP
>>> s.table[["assets[pv_roof].p_dc_mw", "seed", "co2_net_t", "error"]]  # doctest: +SKIP

Each run loads the file with its overlay through the scenario's own merge and validation
(:func:`twin.scenario.load.load_scenario` with ``overrides``), applies the measures in service by ``year``
(all when None), simulates and assesses it. A run that fails keeps its row, with the error.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from twin.accounts.grid_path import year_overrides
from twin.appraisal.assessment import Assessment, assess
from twin.economics.run import run
from twin.errors import InputError
from twin.explore.fields import Field, Spec, parse_vary, plain
from twin.explore.pool import Pool, Progress, using
from twin.kernel.results import Results
from twin.scenario.load import load_scenario
from twin.scenario.measures import apply_measures
from twin.scenario.merge import deep_merge


@dataclass(frozen=True)
class Case:
    """One run: its number, the value of each varied field, its seed."""

    run: int
    values: tuple[tuple[str, Any], ...]
    seed: int


@dataclass(frozen=True)
class Evaluator:
    """Run and assess one :class:`Case` of ``file`` into a flat row (picklable for the workers)."""

    file: str
    fields: tuple[Field, ...]
    year: int | None = None
    monthly: bool = False  # add monthly grid import and renewable generation (for Monte Carlo bands)

    def overlay(self, values: dict[str, Any]) -> dict:
        """The scenario changes that set every field to its value."""
        out: dict = {}
        for f in self.fields:
            out = deep_merge(out, f.overlay(values[f.path]))
        return out

    def __call__(self, case: Case) -> dict[str, Any]:
        row: dict[str, Any] = {"run": case.run, **dict(case.values), "seed": case.seed}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # library notices, as the command line does
                r, a = run_case(self.file, self.overlay(dict(case.values)), case.seed, self.year)
        except Exception as exc:  # noqa: BLE001 - a failed run is a row of the table, the sweep goes on
            row["error"] = _error_text(exc)
            return row
        row.update(a.kpis)
        row.update(a.summary())
        if self.monthly:
            row.update(monthly_columns(r))
        row["error"] = None
        return row


def run_case(file: str, overlay: dict, seed: int, year: int | None) -> tuple[Results, Assessment]:
    """Load ``file`` with ``overlay``, apply the measures in service by ``year``, run and assess."""
    sc = load_scenario(file, overrides=overlay or None)
    factors = year_overrides(sc, year) if year is not None else None
    end = apply_measures(sc, year=year) if sc.measures else sc
    r = run(end, seed=seed)
    return r, assess(r, factor_overrides=factors, year=year)


def assess_case(file: str, overlay: dict, seed: int, year: int | None) -> Assessment:
    """The assessment of :func:`run_case`."""
    return run_case(file, overlay, seed, year)[1]


MONTHLY = {"grid_import_mwh": ("grid_import",), "renewable_generation_mwh": ("pv", "wind")}


def monthly_columns(r: Results) -> dict[str, float]:
    """Monthly sums of grid import and on-site PV and wind [MWh], as ``monthly.NAME.YYYY-MM`` columns."""
    months = r.index.strftime("%Y-%m")
    out = {}
    for name, roles in MONTHLY.items():
        ports = np.isin(r.port_role, roles)
        hourly = np.abs(r.flows[:, ports]).sum(axis=1)
        for m, v in pd.Series(hourly).groupby(months.to_numpy(), sort=True).sum().items():
            out[f"monthly.{name}.{m}"] = float(v)
    return out


@dataclass
class Sweep:
    """A finished sweep: the runs table and what was varied."""

    file: str
    specs: list[Spec]
    table: pd.DataFrame
    worker_memory_mb: dict[str, float] = field(default_factory=dict)

    @property
    def inputs(self) -> list[str]:
        """Column names of the varied inputs (their field paths)."""
        return [s.field.path for s in self.specs]


def plan(file: str, vary: Sequence[str], seeds: int = 1, draws: int = 0, sample_seed: int | None = None,
         paired_seeds: bool = False) -> tuple[list[Spec], list[Case], Evaluator]:
    """Parse and check everything before anything runs; InputError names file and field.

    Parameters
    ----------
    file : str
        Scenario file.
    vary : list of str
        ``FIELD=VALUES`` items (see :mod:`twin.explore.fields`).
    seeds : int
        Seeds per combination: the file's seed, then the next ones (failures and weather year).
    draws : int
        Monte Carlo draws of the distribution fields (required when there are any).
    sample_seed : int, optional
        Seed of the draws (default: the file's seed).
    paired_seeds : bool
        Give draw d the seed file + d instead of crossing draws with ``seeds``.
    """
    sc = load_scenario(file)
    specs = [parse_vary(v, sc, file) for v in vary]
    _check_plan(file, specs, seeds, draws)
    draws_of = _draws(specs, draws, sc.seed if sample_seed is None else sample_seed)
    fixed = [s for s in specs if not s.random]
    # paired: draw d runs with seed file+d (failures and weather drawn with the inputs)
    seed_list = [None] if paired_seeds else range(sc.seed, sc.seed + seeds)
    combos = itertools.product(*(s.values for s in fixed), seed_list, range(max(draws, 1)))
    cases = []
    for n, combo in enumerate(combos):
        *vals, seed, d = combo
        seed = sc.seed + d if seed is None else seed
        values = {s.field.path: v for s, v in zip(fixed, vals, strict=True)}
        values.update({path: float(column[d]) for path, column in draws_of.items()})
        cases.append(Case(n, tuple((s.field.path, values[s.field.path]) for s in specs), seed))
    evaluator = Evaluator(file, tuple(s.field for s in specs))
    _check_values(file, specs, cases, evaluator)
    return specs, cases, evaluator


def sweep(file: str, vary: Sequence[str], seeds: int = 1, draws: int = 0, sample_seed: int | None = None,
          year: int | None = None, pool: Pool | None = None, workers: int | None = None,
          progress: Progress = None, monthly: bool = False, paired_seeds: bool = False) -> Sweep:
    """Run every case of :func:`plan` on ``pool`` (or a new one of ``workers``)."""
    specs, cases, evaluator = plan(file, vary, seeds, draws, sample_seed, paired_seeds)
    with using(pool, workers) as p:
        rows = p.map(Evaluator(file, evaluator.fields, year, monthly), cases, progress)
        memory = p.worker_memory_mb()
    return Sweep(file, specs, pd.DataFrame(rows), memory)


def run_inputs(file: str, fields: Sequence[Field], inputs: pd.DataFrame, seed: int, year: int | None = None,
               pool: Pool | None = None, progress: Progress = None) -> pd.DataFrame:
    """Run each row of ``inputs`` (one column per field path) with ``seed``: a table as a sweep's."""
    cases = [Case(n, tuple((f.path, plain(row[f.path])) for f in fields), seed)
             for n, (_, row) in enumerate(inputs.iterrows())]
    with using(pool) as p:
        return pd.DataFrame(p.map(Evaluator(file, tuple(fields), year), cases, progress))


def _check_plan(file: str, specs: list[Spec], seeds: int, draws: int) -> None:
    from twin.errors import Problem

    paths = [s.field.path for s in specs]
    if len(set(paths)) != len(paths):
        raise InputError(Problem(file, "--vary", "a field is varied twice"))
    if seeds < 1:
        raise InputError(Problem(file, "--seeds", "expected at least 1"))
    if any(s.random for s in specs) and draws < 1:
        raise InputError(Problem(file, "--draws", "distributions need a number of draws (e.g. --draws 200)"))


def _draws(specs: list[Spec], draws: int, seed: int) -> dict[str, np.ndarray]:
    """Seeded draws of every distribution field, in the order given."""
    rng = np.random.default_rng(seed)
    return {s.field.path: s.dist.rvs(size=draws, random_state=rng) for s in specs if s.random}


def _check_values(file: str, specs: list[Spec], cases: list[Case], ev: Evaluator) -> None:
    """Load the file once with each field's extreme (or every distinct) value: bad values fail here."""
    for s in specs:
        seen = [dict(c.values)[s.field.path] for c in cases]
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in seen)
        for v in sorted({min(seen), max(seen)}) if numeric else list(dict.fromkeys(map(repr, seen))):
            value = v if numeric else seen[[repr(x) for x in seen].index(v)]
            load_scenario(file, overrides=s.field.overlay(value))


def _error_text(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return "; ".join(str(p) for p in exc.problems)
    return f"{type(exc).__name__}: {exc}"
