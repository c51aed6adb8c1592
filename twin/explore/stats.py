"""Statistics of a runs table: P10/P50/P90 of each KPI, the probability of meeting each
indicator, and how the Monte Carlo estimates settle as draws are added.

Percentiles are numpy's default (linear interpolation between order statistics, "type 7"),
over the runs without an error. The probability of meeting an indicator counts the runs that
met it among the runs where it was judged (a verdict of None, e.g. no threshold, is left out).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

QUANTILES = (0.10, 0.50, 0.90)
PASSED = "_passed"


def ok_runs(table: pd.DataFrame) -> pd.DataFrame:
    """Rows that ran without an error."""
    return table[table["error"].isna()] if "error" in table else table


def metric_columns(table: pd.DataFrame, exclude: Sequence[str] = ()) -> list[str]:
    """Numeric result columns (not the run number, the seed, the inputs or the verdicts)."""
    skip = {"run", "seed", *exclude}
    return [c for c in table.columns if c not in skip and not c.endswith(PASSED)
            and pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])]


def percentiles(table: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """P10, P50, P90, mean, standard deviation and count of each column, over the good runs."""
    good = ok_runs(table)
    columns = list(columns) if columns is not None else metric_columns(good)
    rows = {}
    for c in columns:
        x = good[c].to_numpy(dtype=float)
        x = x[~np.isnan(x)]
        q = np.quantile(x, QUANTILES) if len(x) else [np.nan] * 3
        rows[c] = {"p10": q[0], "p50": q[1], "p90": q[2], "mean": x.mean() if len(x) else np.nan,
                   "std": x.std(ddof=1) if len(x) > 1 else np.nan, "n": len(x)}
    return pd.DataFrame.from_dict(rows, orient="index")


def pass_probability(table: pd.DataFrame) -> pd.DataFrame:
    """Share of the judged good runs that meet each indicator, with the counts."""
    good = ok_runs(table)
    rows = {}
    for c in (c for c in good.columns if c.endswith(PASSED)):
        judged = good[c].dropna().astype(bool)
        rows[c.removesuffix(PASSED)] = {"probability": judged.mean() if len(judged) else np.nan,
                                        "met": int(judged.sum()), "judged": len(judged)}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["probability", "met", "judged"])


def convergence(table: pd.DataFrame, columns: Sequence[str], points: int = 20) -> pd.DataFrame:
    """P10/P50/P90 of ``columns`` over the first n good runs, for n growing to all of them.

    Returns
    -------
    DataFrame
        Long form: ``n``, ``column``, ``p10``, ``p50``, ``p90``, ``mean``.
    """
    good = ok_runs(table)
    ns = np.unique(np.linspace(2, len(good), num=min(points, max(len(good) - 1, 1))).astype(int))
    out = []
    for c in columns:
        x = good[c].to_numpy(dtype=float)
        for n in ns[ns >= 1]:
            q = np.nanquantile(x[:n], QUANTILES)
            out.append({"n": int(n), "column": c, "p10": q[0], "p50": q[1], "p90": q[2],
                        "mean": float(np.nanmean(x[:n]))})
    return pd.DataFrame(out, columns=["n", "column", "p10", "p50", "p90", "mean"])
