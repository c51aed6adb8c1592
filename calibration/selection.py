"""Select a daily change-point model from meter data by the Bayesian information criterion.

The model of one meter's daily energy ``y[d]`` [MWh]::

    y[d] = cap[d] * (a[group(d)] + b_h * max(T_h - t[d], 0) + b_c * max(t[d] - T_c, 0)) + e[d]

``group`` is the day's weekday (Monday .. Sunday), ``holiday`` or ``spring_festival``;
``t[d]`` the day's mean air temperature; ``cap[d]`` the enterprise's size that day (dated
capacity changes). The candidates are the intercept-only model (no temperature response),
heating only (3P), cooling only (3P), and heating and cooling (4P where ``T_h = T_c``, 5P
with a dead band), each balance point on a 0.5 K grid. Every candidate is fitted by
ordinary least squares; candidates with a slope <= 0, or with fewer than
:data:`MIN_DAYS` days on the sloped side of a balance point, are discarded; of the rest the
one with the lowest BIC wins::

    BIC = n ln(RSS / n) + k ln(n)

with ``k`` the intercepts plus two per temperature term (slope and balance point). BIC
penalises each extra term by ``ln n`` (5.6 for 270 days), so a term is kept only if it
explains clearly more than noise: on a meter without a temperature response the
intercept-only model wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GROUPS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday", "spring_festival")
GRID_STEP_C = 0.5  # balance-point grid [K]
MIN_DAYS = 10  # days needed on the sloped side of a balance point
HEATING_RANGE_C = (0.0, 24.0)  # balance points searched [degC]
COOLING_RANGE_C = (8.0, 30.0)


@dataclass(frozen=True)
class Days:
    """Daily observations of one meter (arrays of one length)."""

    y: np.ndarray  # energy [MWh per day]
    group: np.ndarray  # index into GROUPS
    temp_c: np.ndarray  # mean air temperature [degC]
    capacity: np.ndarray  # size relative to the start of the year [-]


@dataclass(frozen=True)
class Selected:
    """The chosen model: its name, coefficients and criterion."""

    name: str  # "none", "heating", "cooling", "heating+cooling"
    intercepts: dict[str, float]  # group -> MWh per day (groups seen in the data)
    heating_balance_c: float | None
    heating_mwh_per_k: float
    cooling_balance_c: float | None
    cooling_mwh_per_k: float
    bic: float
    rss: float
    n: int
    candidates: dict[str, float] = field(default_factory=dict)  # best BIC of each family

    @property
    def label(self) -> str:
        """3P/4P/5P name of the chosen model (``mean only`` without temperature terms)."""
        if self.name == "none":
            return "mean only"
        if self.name != "heating+cooling":
            return f"3P {self.name}"
        return "4P" if self.heating_balance_c == self.cooling_balance_c else "5P"

    def parts(self, days: Days) -> tuple[np.ndarray, np.ndarray]:
        """(weather-neutral, weather) energy of each day [MWh], sizes applied (groups unseen
        in the fit take Sunday's intercept)."""
        sunday = self.intercepts.get("sun", np.mean(list(self.intercepts.values())))
        a = np.array([self.intercepts.get(g, sunday) for g in GROUPS])[days.group]
        h = 0.0 if self.heating_balance_c is None else self.heating_mwh_per_k * np.maximum(
            self.heating_balance_c - days.temp_c, 0.0)
        c = 0.0 if self.cooling_balance_c is None else self.cooling_mwh_per_k * np.maximum(
            days.temp_c - self.cooling_balance_c, 0.0)
        return days.capacity * a, days.capacity * (h + c)

    def predict(self, days: Days) -> np.ndarray:
        """Modelled daily energy [MWh]."""
        base, weather = self.parts(days)
        return base + weather


def _grid(lo: float, hi: float, temp_c: np.ndarray, side: int) -> np.ndarray:
    """Balance points in [lo, hi] leaving MIN_DAYS on the sloped side (side -1: below)."""
    grid = np.arange(lo, hi + 1e-9, GRID_STEP_C)
    below = (temp_c[None, :] < grid[:, None]).sum(axis=1)
    keep = below >= MIN_DAYS if side < 0 else (len(temp_c) - below) >= MIN_DAYS
    return grid[keep]


def select(days: Days, terms: tuple[str, ...] = ("heating", "cooling"),
           heating_range_c: tuple[float, float] = HEATING_RANGE_C,
           cooling_range_c: tuple[float, float] = COOLING_RANGE_C) -> Selected:
    """Fit every candidate and return the one with the lowest BIC.

    Parameters
    ----------
    days : Days
        Daily energy [MWh], day groups, mean temperatures [degC] and sizes.
    terms : tuple of str
        Temperature terms allowed (``heating``, ``cooling``); ``()`` fits the mean only.
    heating_range_c, cooling_range_c : (float, float)
        Balance points searched [degC].
    """
    present = np.unique(days.group)
    n, t, cap, g = len(days.y), days.temp_c, days.capacity, len(present)
    b = (days.group[:, None] == present[None, :]).astype(float) * cap[:, None]
    hgrid = _grid(*heating_range_c, t, -1) if "heating" in terms else np.array([])
    cgrid = _grid(*cooling_range_c, t, +1) if "cooling" in terms else np.array([])
    h = cap[:, None] * np.maximum(hgrid[None, :] - t[:, None], 0.0)  # [n, heating grid]
    c = cap[:, None] * np.maximum(t[:, None] - cgrid[None, :], 0.0)  # [n, cooling grid]
    pairs = [(i, j) for i in range(len(hgrid)) for j in range(len(cgrid)) if cgrid[j] >= hgrid[i]]
    hi, ci = (np.array([p[k] for p in pairs], dtype=int) for k in (0, 1))
    # every candidate's columns: the levels, then one heating and/or one cooling column
    families = {"none": [np.zeros((1, n, 0))],
                "heating": [h.T[:, :, None]], "cooling": [c.T[:, :, None]],
                "heating+cooling": [np.stack([h[:, hi], c[:, ci]], axis=2).transpose(1, 0, 2)]}
    # residuals below 1e-10 of the variance are rounding: noise-free data must not buy terms
    floor = max(1e-10 * float(np.sum((days.y - days.y.mean()) ** 2)), 1e-300)
    best, scores = None, {}
    for name, (extra,) in families.items():
        if extra.shape[0] == 0:
            continue
        coef, rss = _batch_lstsq(b, extra, days.y)
        k = g + 2 * extra.shape[2]  # levels, slopes, one balance point per slope
        bic = n * np.log(np.maximum(rss, floor) / n) + k * np.log(n)
        bic[(coef[:, g:] <= 0).any(axis=1)] = np.inf  # a slope <= 0 is no such response
        m = int(np.argmin(bic))
        if not np.isfinite(bic[m]):
            continue
        scores[name] = float(bic[m])
        th = {"heating": hgrid[m] if len(hgrid) > m else None, "cooling": None,
              "heating+cooling": hgrid[hi[m]] if pairs else None, "none": None}[name]
        tc = {"cooling": cgrid[m] if len(cgrid) > m else None,
              "heating+cooling": cgrid[ci[m]] if pairs else None}.get(name)
        if best is None or bic[m] < best[0]:
            best = (float(bic[m]), float(rss[m]), name, th, tc, coef[m])
    bic, rss, name, th, tc, coef = best
    slopes = list(coef[g:])
    return Selected(name, {GROUPS[p]: float(v) for p, v in zip(present, coef, strict=False)},
                    None if th is None else float(th), float(slopes.pop(0)) if th is not None else 0.0,
                    None if tc is None else float(tc), float(slopes.pop(0)) if tc is not None else 0.0,
                    bic, rss, n, scores)


def _batch_lstsq(base: np.ndarray, extra: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares of ``y`` on ``[base, extra[m]]`` for every candidate m at once.

    ``base`` [n, g] is shared, ``extra`` [m, n, e] differs; the normal equations are built
    from the shared blocks and solved as one stack (pseudo-inverse where singular).
    Returns the coefficients [m, g + e] and the residual sums of squares [m].
    """
    m, _, e = extra.shape
    g = base.shape[1]
    a = np.empty((m, g + e, g + e))
    a[:, :g, :g] = base.T @ base
    cross = np.einsum("ng,mne->mge", base, extra)
    a[:, :g, g:], a[:, g:, :g] = cross, cross.transpose(0, 2, 1)
    a[:, g:, g:] = np.einsum("mne,mnf->mef", extra, extra)
    rhs = np.concatenate([np.broadcast_to(base.T @ y, (m, g)), np.einsum("mne,n->me", extra, y)], axis=1)
    coef = (np.linalg.pinv(a) @ rhs[:, :, None])[:, :, 0]
    fitted = coef[:, :g] @ base.T + np.einsum("mne,me->mn", extra, coef[:, g:])
    return coef, ((y[None, :] - fitted) ** 2).sum(axis=1)


def hour_shapes(hourly: np.ndarray, weekday: np.ndarray, base: np.ndarray,
                weather: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Shares of each weekday's energy per hour [7, 24]: of the weather-neutral part and
    of the weather term (None without one), from whole days of readings.

    For each weekday and hour, the readings are regressed on the day's two modelled parts
    (``y[d, h] = s_base[h] base[d] + s_weather[h] weather[d]``, least squares), so a
    heating timer's hours carry the heating and the base keeps its own shape; negative
    shares are set to 0 and each row is scaled to sum to 1. A weekday whose days hold
    little weather energy (< 5 % of its total) takes the plain shares of its energy for
    both.

    Parameters
    ----------
    hourly : ndarray [days, 24]
        Hourly energy of whole days (no missing hour) [MWh].
    weekday : ndarray [days]
        0 Monday .. 6 Sunday (the profile day: a worked weekend counts as a Wednesday).
    base, weather : ndarray [days]
        The model's weather-neutral and weather energy of each day [MWh].
    """
    y = np.clip(hourly, 0.0, None)
    week = y.sum(axis=0)
    fallback = week / week.sum() if week.sum() > 0 else np.full(24, 1.0 / 24)
    shape, wshape = np.tile(fallback, (7, 1)), np.tile(fallback, (7, 1))
    for w in range(7):
        on = weekday == w
        if not on.any() or y[on].sum() <= 0:
            continue
        shape[w] = wshape[w] = y[on].sum(axis=0) / y[on].sum()
        if weather[on].sum() < 0.05 * (base[on].sum() + weather[on].sum()):
            continue
        coef, *_ = np.linalg.lstsq(np.column_stack([base[on], weather[on]]), y[on], rcond=None)
        for target, row in ((shape, coef[0]), (wshape, coef[1])):
            row = np.clip(row, 0.0, None)
            if row.sum() > 0:
                target[w] = row / row.sum()
    return shape, (wshape if weather.sum() > 0 else None)


MIN_SEGMENT_DAYS = 30  # days on each side of a detected level step
MIN_STEP = 0.2  # smallest step kept, relative to the level before it [-]


def level_step(y: np.ndarray, pred: np.ndarray, day: np.ndarray) -> tuple[int, float] | None:
    """A step in level of the readings against a model, if BIC prefers one.

    Compares ``y = c * pred`` (one scale) with ``y = c1 * pred`` before day ``s`` and
    ``c2 * pred`` from it, for every ``s`` leaving :data:`MIN_SEGMENT_DAYS` days each side;
    the step costs two parameters (its day and size). Daily residuals are autocorrelated
    (a firm's seasons of production), which makes BIC accept small steps that do not last,
    so a step must also change the level by :data:`MIN_STEP` (20 %). Returns (first day of
    the new level, c2 / c1), or None when the single scale has the lower BIC.

    Parameters
    ----------
    y, pred : ndarray
        Readings and the model's prediction [MWh per day], ordered by ``day``.
    day : ndarray of int
        Day of the year of each reading (increasing).
    """
    n = len(y)
    if n < 2 * MIN_SEGMENT_DAYS + 1:
        return None
    yp, pp, yy = np.cumsum(y * pred), np.cumsum(pred * pred), float(y @ y)

    def rss(sum_yp: np.ndarray, sum_pp: np.ndarray) -> np.ndarray:
        return np.divide(sum_yp ** 2, sum_pp, out=np.zeros_like(sum_yp), where=sum_pp > 0)

    one = yy - rss(yp[-1:], pp[-1:])[0]
    cut = np.arange(MIN_SEGMENT_DAYS, n - MIN_SEGMENT_DAYS + 1)  # first index of the new level
    two = yy - rss(yp[cut - 1], pp[cut - 1]) - rss(yp[-1] - yp[cut - 1], pp[-1] - pp[cut - 1])
    best = int(np.argmin(two))
    gain = n * np.log(max(one, 1e-300) / n) - n * np.log(max(two[best], 1e-300) / n)
    if gain <= 2 * np.log(n):
        return None
    k = cut[best]
    c1, c2 = yp[k - 1] / pp[k - 1], (yp[-1] - yp[k - 1]) / (pp[-1] - pp[k - 1])
    if c1 <= 0 or abs(c2 / c1 - 1.0) < MIN_STEP:
        return None
    return int(day[k]), float(c2 / c1)
