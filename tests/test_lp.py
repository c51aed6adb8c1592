"""The HiGHS wrapper (:mod:`twin.physics.lp`): small programs solved by hand, its errors, its silence."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from twin.physics.lp import INF, LinearProgram, LPError, solve


def test_two_variables_one_row_by_hand():
    """min x + 2 y, x + y >= 2, 0 <= x <= 1.5, y >= 0: the cheap x to its bound, y the rest,
    x = 1.5, y = 0.5, cost 2.5 (integer data, as one writes it by hand)."""
    lp = LinearProgram(np.array([1, 2]), sp.csr_matrix([[1, 1]]), np.array([2]), np.array([np.inf]),
                       np.array([0, 0]), np.array([1.5, np.inf]))
    x, cost = solve(lp)
    np.testing.assert_allclose(x, [1.5, 0.5], atol=1e-9)
    assert cost == pytest.approx(2.5, abs=1e-9)


def test_more_rows_than_columns_and_free_variables_by_hand():
    """min x - y with x free, y free and three rows: x - y >= -1, x + y = 3, x <= 4 (a row).
    On x + y = 3, x - y = 2 x - 3 >= -1 gives x >= 1: x = 1, y = 2, cost -1."""
    a = sp.csr_matrix([[1.0, -1.0], [1.0, 1.0], [1.0, 0.0]])
    lp = LinearProgram(np.array([1.0, -1.0]), a, np.array([-1.0, 3.0, -np.inf]), np.array([np.inf, 3.0, 4.0]),
                       np.full(2, -np.inf), np.full(2, np.inf))
    x, cost = solve(lp)
    np.testing.assert_allclose(x, [1.0, 2.0], atol=1e-9)
    assert cost == pytest.approx(-1.0, abs=1e-9)
    assert INF == np.inf  # numpy's infinity is HiGHS' infinity: bounds pass through as given


@pytest.mark.parametrize(("row_lo", "row_hi", "cost", "status"), [
    (2.0, 1.0, 1.0, "Infeasible"),  # x >= 2 and x <= 1
    (0.0, np.inf, -1.0, "Unbounded"),  # max x, x >= 0
])
def test_no_optimum_is_an_lp_error_naming_highs_status(row_lo, row_hi, cost, status):
    # the CLI prints this message to the user (twin.cli: yardstick)
    lp = LinearProgram(np.array([cost]), sp.csr_matrix([[1.0]]), np.array([row_lo]), np.array([row_hi]),
                       np.zeros(1), np.full(1, np.inf))
    with pytest.raises(LPError) as err:
        solve(lp)
    assert str(err.value) == f"HiGHS: {status}"


def test_solver_prints_nothing(capfd):
    # HiGHS' banner and log go to C stdout; `park-twin yardstick --json` must print JSON only
    lp = LinearProgram(np.array([1.0]), sp.csr_matrix([[1.0]]), np.array([1.0]), np.array([np.inf]),
                       np.zeros(1), np.full(1, np.inf))
    solve(lp)
    with pytest.raises(LPError):
        solve(LinearProgram(np.array([-1.0]), lp.a, lp.row_lo, lp.row_hi, lp.col_lo, lp.col_hi))
    out, err = capfd.readouterr()
    assert out == "" and err == ""
