"""Linear programs on HiGHS (highspy): one small wrapper shared by the lookahead
storage strategy and the optimal-dispatch yardstick.

minimise ``cost @ x`` subject to ``row_lo <= a @ x <= row_hi`` and ``col_lo <= x <= col_hi``.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

INF = highspy.kHighsInf


@dataclass
class LinearProgram:
    """An LP in matrix form (``a`` sparse, one row per constraint)."""

    cost: np.ndarray  # [n]
    a: sp.spmatrix  # [m, n]
    row_lo: np.ndarray  # [m]
    row_hi: np.ndarray  # [m]
    col_lo: np.ndarray  # [n]
    col_hi: np.ndarray  # [n]


class LPError(RuntimeError):
    """HiGHS found no optimum (infeasible or unbounded program)."""


def solve(lp: LinearProgram) -> tuple[np.ndarray, float]:
    """Optimal ``x`` and the objective ``cost @ x``.

    Raises
    ------
    LPError
        When HiGHS ends with any status other than optimal.
    """
    a = sp.csc_matrix(lp.a)
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = a.shape[1], a.shape[0]
    model.col_cost_ = np.asarray(lp.cost, dtype=float)
    model.col_lower_ = _finite(lp.col_lo)
    model.col_upper_ = _finite(lp.col_hi)
    model.row_lower_ = _finite(lp.row_lo)
    model.row_upper_ = _finite(lp.row_hi)
    m = model.a_matrix_
    m.format_ = highspy.MatrixFormat.kColwise
    m.num_col_, m.num_row_ = a.shape[1], a.shape[0]
    m.start_, m.index_, m.value_ = a.indptr, a.indices, a.data
    # the core class: highspy.Highs() prints HiGHS' banner on C stdout, which would
    # break `--json` output; the core object with output off prints nothing
    h = highspy._Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(model)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise LPError(f"HiGHS: {h.modelStatusToString(status)}")
    return np.array(h.getSolution().col_value), float(h.getInfo().objective_function_value)


def _finite(v: np.ndarray) -> np.ndarray:
    """numpy infinities as HiGHS' infinity."""
    return np.clip(np.asarray(v, dtype=float), -INF, INF)
