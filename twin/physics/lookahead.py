"""The ``lookahead`` storage strategy: each day, a small LP over the coming hours.

The store sees the day's remaining deficit on its bus and the import prices of
the day and of the hours after it (the tariff is known in advance). The deficit
of the hours after the day is forecast by persistence (tomorrow repeats today).
The LP chooses charge and discharge to minimise what the bus pays for the
deficit left after the store: import at the hour's price, surplus sold at the
export price. Only the day's plan is returned; the next day plans again
(receding horizon), and :func:`twin.physics.storage.apply_requests` enforces
the limits as for every strategy.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from twin.physics.lp import INF, LinearProgram, solve
from twin.physics.storage import DayContext

AHEAD_H = 24  # hours planned beyond the block: a 48-hour horizon for a one-day block


def lookahead(ctx: DayContext) -> np.ndarray:
    """Requested power for each hour of the block (+ discharge, - charge) [MW]."""
    block = len(ctx.deficit_mw)
    ahead = ctx.ahead_price_cny_per_mwh[:AHEAD_H]
    deficit = np.concatenate([ctx.deficit_mw, np.resize(ctx.deficit_mw, len(ahead))])
    price = np.concatenate([ctx.price_cny_per_mwh, ahead])
    x, _ = solve(store_program(deficit, price, ctx))
    n = len(deficit)
    charge, discharge = x[:n], x[n:2 * n]
    return (discharge - charge)[:block]


def store_program(deficit_mw: np.ndarray, price: np.ndarray, ctx: DayContext) -> LinearProgram:
    """LP of one store serving a bus's deficit over ``n`` hours.

    Columns, each a block of ``n`` hours: charge ``c``, discharge ``d``, stored
    energy at the end of the hour ``e``, import ``g``, surplus out ``s``.
    Rows: the bus, ``g - s + d - c = deficit``; the store,
    ``e[t] - e[t-1] - eta_c c[t] + d[t] / eta_d = 0`` (``e[-1]`` the stored energy now).
    With a demand charge, one more column: the month's peak import ``P`` above
    the peak so far, at the charge per MW-month.
    A surplus MWh earns the export price, but never more than the hour's import
    price: the bus is metered net, so importing to sell in the same hour earns nothing.
    """
    p = ctx.params
    n = len(deficit_mw)
    t = np.arange(n)
    c, d, e, g, s = (t + k * n for k in range(5))
    ones = np.ones(n)
    rows = np.concatenate([t, t, t, t] + [n + t, n + t, n + t, n + t[1:]])
    cols = np.concatenate([g, s, d, c, e, c, d, e[:-1]])
    vals = np.concatenate([ones, -ones, ones, -ones, ones, -p.eta_charge_frac * ones,
                           ones / p.eta_discharge_frac, -ones[1:]])
    a = sp.csc_matrix((vals, (rows, cols)), shape=(2 * n, 5 * n))
    rhs = np.concatenate([deficit_mw, [ctx.soc_mwh], np.zeros(n - 1)])
    zero, inf = np.zeros(n), np.full(n, INF)
    cost = np.concatenate([zero, zero, zero, price, -np.minimum(ctx.export_price_cny_per_mwh, price)])
    lo = np.concatenate([zero, zero, np.full(n, min(p.e_min_mwh, ctx.soc_mwh)), zero, zero])
    hi = np.concatenate([np.full(n, p.p_max_mw), np.full(n, p.p_max_mw),
                         np.full(n, max(p.e_max_mwh, ctx.soc_mwh)), inf, inf])
    lp = LinearProgram(cost, a, rhs, rhs, lo, hi)
    return _with_peak(lp, n, ctx) if ctx.peak_cny_per_mw > 0 else lp


def _with_peak(lp: LinearProgram, n: int, ctx: DayContext) -> LinearProgram:
    """Add the month's peak ``P >= g[t]``, ``P >= peak so far``, priced at the demand charge."""
    g = 3 * n + np.arange(n)
    rows = sp.csc_matrix((np.r_[np.ones(n), -np.ones(n)], (np.r_[np.arange(n), np.arange(n)],
                                                            np.r_[g, np.full(n, 5 * n)])), shape=(n, 5 * n + 1))
    a = sp.vstack([sp.hstack([lp.a, sp.csc_matrix((lp.a.shape[0], 1))]), rows])
    return LinearProgram(np.r_[lp.cost, ctx.peak_cny_per_mw], a, np.r_[lp.row_lo, np.full(n, -INF)],
                         np.r_[lp.row_hi, np.zeros(n)], np.r_[lp.col_lo, ctx.peak_mw], np.r_[lp.col_hi, INF])
