"""Goodness of fit of simulated to measured series: ASHRAE Guideline 14 / FEMP / IPMVP.

With m measured, s simulated, n the number of paired readings and p the number of model
parameters (ASHRAE Guideline 14-2014, Annex B; p = 1 is common):

- NMBE = sum(m - s) / ((n - p) * mean(m)). **Positive means the model under-predicts**
  (measured above simulated).
- CV(RMSE) = sqrt(sum((m - s)^2) / (n - p)) / mean(m).
- R^2 = 1 - sum((m - s)^2) / sum((m - mean(m))^2), the share of the measured variance the
  simulation explains (NaN when the measured series is constant; no standard limit is
  judged on it here).

All three are fractions (0.05, not 5 %). Series are paired on their common non-missing time
stamps only. Limits per standard and interval are data (``calibration/standards.csv``);
daily data are judged with the hourly limits (see that file's ``basis`` and ``source``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

STANDARDS = ("ashrae14", "femp", "ipmvp")
LIMITS = ("nmbe_abs_max", "cv_rmse_max")


@cache
def standards() -> pd.DataFrame:
    """Calibration limits (``calibration/standards.csv``), indexed by (standard, interval)."""
    with resources.files("calibration").joinpath("standards.csv").open("rb") as fh:
        return pd.read_csv(fh).set_index(["standard", "interval"])


def paired(measured, simulated) -> tuple[np.ndarray, np.ndarray]:
    """Measured and simulated values on their common non-missing points.

    Two Series are aligned on their index (inner join); anything else must have equal
    length and is paired by position.
    """
    if isinstance(measured, pd.Series) and isinstance(simulated, pd.Series):
        both = pd.concat([measured.rename("m"), simulated.rename("s")], axis=1, join="inner")
        m, s = both["m"].to_numpy(dtype=float), both["s"].to_numpy(dtype=float)
    else:
        m, s = np.asarray(measured, dtype=float), np.asarray(simulated, dtype=float)
        if m.shape != s.shape:
            raise ValueError(f"measured {m.shape} and simulated {s.shape} differ in shape")
    keep = np.isfinite(m) & np.isfinite(s)
    return m[keep], s[keep]


def _checked(m: np.ndarray, n_params: int) -> float:
    """Mean of the measured values, after guarding n > p and mean != 0."""
    if n_params < 0:
        raise ValueError(f"n_params must be >= 0, got {n_params}")
    if len(m) <= n_params:
        raise ValueError(f"{len(m)} paired readings are too few for {n_params} parameters "
                         "(need n > p); check the overlap of measured and simulated series")
    mean = float(m.mean())
    if mean == 0.0:
        raise ValueError("the measured mean is 0, so NMBE and CV(RMSE) are undefined")
    return mean


def nmbe(measured, simulated, n_params: int = 1) -> float:
    """Normalised mean bias error [fraction]; positive = model under-predicts."""
    m, s = paired(measured, simulated)
    mean = _checked(m, n_params)
    return float((m - s).sum() / ((len(m) - n_params) * mean))


def cv_rmse(measured, simulated, n_params: int = 1) -> float:
    """Coefficient of variation of the root-mean-square error [fraction]."""
    m, s = paired(measured, simulated)
    mean = _checked(m, n_params)
    return float(np.sqrt(((m - s) ** 2).sum() / (len(m) - n_params)) / mean)


def r2(measured, simulated) -> float:
    """Coefficient of determination 1 - SSE/SST [-] (NaN if the measured series is flat)."""
    m, s = paired(measured, simulated)
    total = float(((m - m.mean()) ** 2).sum()) if len(m) else 0.0
    return float(1.0 - ((m - s) ** 2).sum() / total) if total > 0 else float("nan")


def verdicts(nmbe_value: float, cv_value: float, interval: str) -> dict[str, dict]:
    """Limits and pass/fail per standard for one interval (``pass`` None if no limit)."""
    table = standards()
    out = {}
    for name in STANDARDS:
        row = table.loc[(name, interval)]
        limits = {k: (None if pd.isna(row[k]) else float(row[k])) for k in LIMITS}
        values = {"nmbe_abs_max": abs(nmbe_value), "cv_rmse_max": cv_value}
        checks = [values[k] <= v for k, v in limits.items() if v is not None]
        out[name] = {**limits, "pass": all(checks) if checks else None,
                     "basis": str(row["basis"]), "source": str(row["source"])}
    return out


def evaluate(measured: pd.Series, simulated: pd.Series, interval: str,
             n_params: int = 1) -> dict:
    """Fit statistics and the verdict of each standard.

    Parameters
    ----------
    measured, simulated : pandas.Series
        Energy per period, same unit, same interval, aligned on their index (only common
        non-missing periods count). Aggregate first (``cleaning.aggregate``).
    interval : str
        ``hourly``, ``daily`` or ``monthly`` (selects the limits).
    n_params : int
        Number of model parameters p (Guideline 14 Annex B); 1 by default.

    Returns
    -------
    dict
        ``interval``, ``n``, ``n_params``, ``mean_measured`` (unit of the series),
        ``nmbe``, ``cv_rmse``, ``r2`` (fractions) and ``standards``: per standard
        ``nmbe_abs_max``, ``cv_rmse_max`` (None where it sets none), ``pass`` (bool, or
        None where it sets no limit for the interval), ``basis`` and ``source``.
    """
    if interval not in standards().index.get_level_values("interval"):
        raise ValueError(f"interval must be hourly, daily or monthly, not {interval!r}")
    m, s = paired(measured, simulated)
    stats = {"nmbe": nmbe(m, s, n_params), "cv_rmse": cv_rmse(m, s, n_params), "r2": r2(m, s)}
    return {"interval": interval, "n": int(len(m)), "n_params": int(n_params),
            "mean_measured": float(m.mean()), **stats,
            "standards": verdicts(stats["nmbe"], stats["cv_rmse"], interval)}
