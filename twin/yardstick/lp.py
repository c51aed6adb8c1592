"""The perfect-foresight dispatch LP of a :class:`DispatchProblem`, solved on HiGHS.

Columns, hour-major within each block: converter output ``x[t, u]``, store
charge ``c[t, s]``, discharge ``d[t, s]`` and stored energy at the end of the
hour ``e[t, s]``, slack values ``z[t, j]`` (all >= 0), and the month's peak
import ``p[m]``. Rows: every bus balances every hour; every store's energy
follows ``e[t] = e[t-1] + eta_c c[t] - d[t] / eta_d``; the grid import stays
under its month's peak. The objective is the dispatch cost of
:mod:`twin.yardstick.cost` less its constant part (the fixed ports).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from twin.physics.lp import INF, LinearProgram, solve
from twin.yardstick.problem import SLACK_SIGN, DispatchProblem


@dataclass
class Dispatch:
    """The optimal dispatch: full flows [H, P] and stored energy [H, S]."""

    flows: np.ndarray
    soc_mwh: np.ndarray
    objective_cny: float
    rows: int
    cols: int


class _Cols:
    """Column offsets of the variable blocks."""

    def __init__(self, q: DispatchProblem):
        h, u, s, j = q.hours, len(q.conv_ref_port), len(q.store_port), len(q.slack_port)
        self.x, self.c = 0, h * u
        self.d = self.c + h * s
        self.e = self.d + h * s
        self.z = self.e + h * s
        self.p = self.z + h * j
        self.n = self.p + len(q.peak_cny_per_mw)


def optimal_dispatch(q: DispatchProblem) -> Dispatch:
    """Solve the LP of ``q`` and return its dispatch as the run's flows."""
    lp = dispatch_program(q)
    v, objective = solve(lp)
    return _flows(q, v, objective, lp.a.shape)


def dispatch_program(q: DispatchProblem) -> LinearProgram:
    """The LP of ``q`` in matrix form."""
    col = _Cols(q)
    h, b = q.hours, q.n_bus
    t = np.arange(h)
    triplets = [_balance(q, col, t), _storage(q, col, t, h * b)]
    rows = h * b + h * len(q.store_port)
    if q.grid_import >= 0 and q.peak_cny_per_mw.any():
        j = len(q.slack_port)
        triplets.append((np.r_[rows + t, rows + t], np.r_[col.z + t * j + q.grid_import, col.p + q.month],
                         np.r_[np.ones(h), -np.ones(h)]))
        rows += h
    r, c, v = (np.concatenate(x) for x in zip(*triplets, strict=True))
    a = sp.csc_matrix((v, (r, c)), shape=(rows, col.n))
    lo, hi = _row_bounds(q, rows)
    return LinearProgram(_cost(q), a, lo, hi, *_col_bounds(q))


def _balance(q: DispatchProblem, col: _Cols, t: np.ndarray):
    """Bus rows ``t * B + bus``: converters, stores and slack; fixed ports on the right."""
    b, u, s, j = q.n_bus, len(q.conv_ref_port), len(q.store_port), len(q.slack_port)
    tt = lambda n: np.repeat(t, n)  # noqa: E731  hour of each entry, hour-major
    rep = lambda a: np.tile(a, len(t))  # noqa: E731
    sbus = q.port_bus[q.store_port]
    jbus = q.port_bus[q.slack_port]
    sign = np.array([SLACK_SIGN[k] for k in q.slack_kind])
    rows = [tt(u) * b + rep(q.conv_ref_bus), tt(len(q.oth_port)) * b + rep(q.port_bus[q.oth_port]),
            tt(s) * b + rep(sbus), tt(s) * b + rep(sbus), tt(j) * b + rep(jbus)]
    cols = [col.x + tt(u) * u + rep(np.arange(u)), col.x + tt(len(q.oth_port)) * u + rep(q.oth_col),
            col.d + tt(s) * s + rep(np.arange(s)), col.c + tt(s) * s + rep(np.arange(s)),
            col.z + tt(j) * j + rep(np.arange(j))]
    vals = [np.ones(len(t) * u), q.oth_coef.ravel(), np.ones(len(t) * s), -np.ones(len(t) * s), np.tile(sign, len(t))]
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def _storage(q: DispatchProblem, col: _Cols, t: np.ndarray, row0: int):
    """Store rows ``row0 + t * S + s``: e[t] - e[t-1] - eta_c c[t] + d[t] / eta_d = 0."""
    s = len(q.store_port)
    if not s:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    k = np.tile(np.arange(s), len(t))
    th = np.repeat(t, s)
    eta_c = np.array([p.eta_charge_frac for p in q.store_params])[k]
    eta_d = np.array([p.eta_discharge_frac for p in q.store_params])[k]
    row = row0 + th * s + k
    later = th > 0
    rows = [row, row[later], row, row]
    cols = [col.e + th * s + k, col.e + (th[later] - 1) * s + k[later], col.c + th * s + k, col.d + th * s + k]
    vals = [np.ones(len(row)), -np.ones(later.sum()), -eta_c, 1.0 / eta_d]
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def _row_bounds(q: DispatchProblem, rows: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.zeros(rows), np.zeros(rows)
    nb = q.hours * q.n_bus
    lo[:nb] = hi[:nb] = -q.fixed_mw.ravel()
    s = len(q.store_port)
    lo[nb:nb + s] = hi[nb:nb + s] = q.soc0_mwh  # the first hour starts from soc0
    lo[nb + q.hours * s:] = -INF  # peak rows: import - peak <= 0
    return lo, hi


def _col_bounds(q: DispatchProblem) -> tuple[np.ndarray, np.ndarray]:
    col = _Cols(q)
    lo, hi = np.zeros(col.n), np.full(col.n, INF)
    hi[col.x:col.c] = q.conv_max.ravel()
    hi[col.c:col.d] = hi[col.d:col.e] = q.store_max_mw.ravel()
    e_min = np.tile([p.e_min_mwh for p in q.store_params], q.hours)
    e_max = np.tile([p.e_max_mwh for p in q.store_params], q.hours)
    s = len(q.store_port)
    if s:  # end no emptier than the rules did
        e_min[-s:] = np.clip(q.soc_end_min_mwh, e_min[-s:], e_max[-s:])
    lo[col.e:col.z], hi[col.e:col.z] = e_min, e_max
    hi[col.z:col.p] = q.slack_max.ravel()
    return lo, hi


def _cost(q: DispatchProblem) -> np.ndarray:
    col = _Cols(q)
    cost = np.zeros(col.n)
    cost[col.x:col.c] = np.tile(q.conv_om_cny, q.hours)
    cost[col.z:col.p] = q.slack_cost.ravel()
    cost[col.p:] = q.peak_cny_per_mw
    return cost


def _flows(q: DispatchProblem, v: np.ndarray, objective: float, shape: tuple[int, int]) -> Dispatch:
    """Write the solution into the run's port columns; net the grid's import against export."""
    col, h = _Cols(q), q.hours
    u, s, j = len(q.conv_ref_port), len(q.store_port), len(q.slack_port)
    x = v[col.x:col.c].reshape(h, u)
    f = q.fixed_flows.copy()
    f[:, q.conv_ref_port] = x
    f[:, q.oth_port] = x[:, q.oth_col] * q.oth_coef
    f[:, q.store_port] = v[col.d:col.e].reshape(h, s) - v[col.c:col.d].reshape(h, s)
    f[:, q.slack_port] = v[col.z:col.p].reshape(h, j) * np.array([SLACK_SIGN[k] for k in q.slack_kind])
    _net_metering(q, f)
    return Dispatch(f, v[col.e:col.z].reshape(h, s), objective, *shape)


def _net_metering(q: DispatchProblem, f: np.ndarray) -> None:
    """Where a bus both imports and exports in one hour (ties at equal prices), keep the net."""
    kinds = np.array(q.slack_kind)
    bus = q.port_bus[q.slack_port]
    for imp in q.slack_port[kinds == "import"]:
        for exp in q.slack_port[(kinds == "export") & (bus == q.port_bus[imp])]:
            both = np.minimum(f[:, imp], -f[:, exp])
            f[:, imp] -= both
            f[:, exp] += both
