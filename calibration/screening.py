"""Data-quality screens: readings that are not what the meter measured, counted and excluded.

Every screened reading is counted per meter and screen in the cleaning report
(``MeterCounts.screened``) and excluded from fitting and from the metrics, unless the spec's
``keep: [...]`` (or ``--keep``) names the screen: then it is still counted
(``MeterCounts.kept_screened``) but left in. The screens, applied after the masks and the
merging of duplicate time stamps and before the outlier rule:

- ``placeholder``: one exact non-zero value written again and again far from the meter's
  level: it occurs on at least :data:`PLACEHOLDER_MIN_COUNT` readings, lies below
  :data:`PLACEHOLDER_LOW` or above :data:`PLACEHOLDER_HIGH` times the median of the meter's
  positive readings, and stands alone: no other reading lies within a factor
  :data:`PLACEHOLDER_ISOLATION` of it (the 1-kWh days of the Yangzhong file, among days of
  tens of MWh). A quantised meter's low readings (a gas meter reading 0.1, 0.2, 0.3 kWh at
  night) have neighbours, so they are no placeholder;
- ``stuck``: the same non-zero value on :data:`STUCK_MIN_HOURS` hours in a row (sub-daily
  data) or :data:`STUCK_MIN_DAYS` days (daily data): a frozen register or a value carried
  forward (equal within a relative 1e-5, the tolerance of pvanalytics'
  ``stale_values_diff``, counted as run lengths: the rolling version takes seconds per
  meter). Zero runs are not screened: a boiler off all summer, or a PV plant at night,
  reads zero legitimately;
- ``reset``: a reading right after missing or negative readings that exceeds
  :data:`RESET_FACTOR` times the median positive reading: a register reset or an outage
  dumping its catch-up into one interval (the negative readings themselves are ``negatives``);
- ``duplicate_series``: a meter whose readings equal another meter's on at least
  :data:`DUPLICATE_SHARE` of their common non-zero readings (at least
  :data:`DUPLICATE_MIN_READINGS`): the same series published under two ids. The later
  meter of the mapping loses its equal readings; the report names the first
  (``duplicate_of``);
- ``pv_outage``, ``pv_curtailment``, ``pv_clipping``: see ``calibration.pv_screening``
  (they need the weather, so they run when the fit is set up).

Thresholds are project choices (no standard fixes them), stated here and in
docs/calibration.md; monthly data are not screened (12 readings say too little).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from twin.errors import InputError, Problem

SCREENS = ("placeholder", "stuck", "reset", "duplicate_series", "pv_outage",
           "pv_curtailment", "pv_clipping")
PLACEHOLDER_MIN_COUNT = 3
PLACEHOLDER_LOW = 0.05
PLACEHOLDER_HIGH = 20.0
PLACEHOLDER_ISOLATION = 2.0
STUCK_MIN_HOURS = 24
STUCK_MIN_DAYS = 7
RESET_FACTOR = 10.0
DUPLICATE_SHARE = 0.99
DUPLICATE_MIN_READINGS = 48


def keep_screens(names, source: str, field: str,
                 problems: list[Problem] | None = None) -> tuple[str, ...]:
    """Validated screen names to keep (``all`` = every screen); problems appended or raised."""
    names = [names] if isinstance(names, str) else names
    if not isinstance(names, list | tuple):
        names = [names]
    names = [str(n).strip() for n in names if str(n).strip()]
    if "all" in names:
        return SCREENS
    found = [Problem(source, field, f"unknown screen {n!r}; expected some of "
                     f"{', '.join(SCREENS)} or all") for n in names if n not in SCREENS]
    if found and problems is None:
        raise InputError(found)
    (problems if problems is not None else []).extend(found)
    return tuple(n for n in names if n in SCREENS)


def _positive_median(series: pd.Series) -> float:
    positive = series[series > 0]
    return float(positive.median()) if len(positive) else float("nan")


def placeholder_mask(series: pd.Series) -> pd.Series:
    """Readings equal to a repeated, isolated value far from the meter's level."""
    level = _positive_median(series)
    counts = series[series != 0].value_counts()
    far = (counts.index < PLACEHOLDER_LOW * level) | (counts.index > PLACEHOLDER_HIGH * level)
    values = np.sort(counts.index.to_numpy(dtype=float))
    suspects = [c for c in counts.index[far & (counts >= PLACEHOLDER_MIN_COUNT)]
                if _alone(values, float(c))]
    return series.isin(suspects)


def _alone(values: np.ndarray, c: float) -> bool:
    """True when no other value of the sorted ``values`` lies within the isolation factor."""
    low, high = sorted((c / PLACEHOLDER_ISOLATION, c * PLACEHOLDER_ISOLATION))
    inside = values[(values >= low) & (values <= high)]
    return len(inside) == 1


def stuck_mask(series: pd.Series, interval: str) -> pd.Series:
    """Readings inside runs of one unchanged non-zero value (see module docstring)."""
    if interval == "D":
        window = STUCK_MIN_DAYS
    else:
        step = pd.Timedelta(pd.tseries.frequencies.to_offset(interval))
        window = max(2, int(round(pd.Timedelta(hours=STUCK_MIN_HOURS) / step)))
    values = series.to_numpy(dtype=float)
    # a run continues while a reading equals the previous one (relative 1e-5, as
    # pvanalytics' stale_values_diff); a gap (NaN) breaks it
    same = np.zeros(len(values), dtype=bool)
    same[1:] = np.isclose(values[1:], values[:-1], rtol=1e-5, atol=1e-8)
    run = np.cumsum(~same)
    length = pd.Series(run).map(pd.Series(run).value_counts()).to_numpy()
    return pd.Series((length >= window) & np.isfinite(values) & (values != 0), series.index)


def reset_mask(series: pd.Series, raw_negative: pd.Series) -> pd.Series:
    """Catch-up readings after a gap or a negative reading (see module docstring)."""
    after_gap = (series.isna() | raw_negative.reindex(series.index, fill_value=False)).shift(
        1, fill_value=False)
    return after_gap & (series > RESET_FACTOR * _positive_median(series))


def screen_meter(series: pd.Series, interval: str, raw_negative: pd.Series,
                 keep: tuple[str, ...], counts) -> pd.Series:
    """Apply the per-meter screens to a cleaned series on its grid; count in ``counts``.

    Parameters
    ----------
    series : pandas.Series
        One meter's readings on its regular grid (NaN = missing), in the model unit.
    interval : str
        Native interval (pandas rule); monthly data are returned unchanged.
    raw_negative : pandas.Series
        True where the meter read a negative value (masked before), same grid.
    keep : tuple of str
        Screens whose readings stay in the series (still counted).
    counts : calibration.cleaning.MeterCounts
        ``screened`` / ``kept_screened`` filled in place.
    """
    if interval == "MS":
        return series
    masks = {"placeholder": placeholder_mask(series)}
    rest = series.mask(masks["placeholder"])
    masks["reset"] = reset_mask(rest, raw_negative)
    masks["stuck"] = stuck_mask(rest.mask(masks["reset"]), interval) & ~masks["reset"]
    return apply_masks(series, masks, keep, counts)


def apply_masks(series: pd.Series, masks: dict[str, pd.Series], keep: tuple[str, ...],
                counts) -> pd.Series:
    """Count each screen's readings (valid ones only) and exclude those not kept."""
    for name, mask in masks.items():
        hit = mask.reindex(series.index, fill_value=False) & series.notna()
        n = int(hit.sum())
        if n == 0:
            continue
        if name in keep:
            counts.kept_screened[name] = counts.kept_screened.get(name, 0) + n
        else:
            counts.screened[name] = counts.screened.get(name, 0) + n
            series = series.mask(hit)
    return series


def duplicate_pairs(frame: pd.DataFrame) -> dict[str, str]:
    """Later meter id -> earlier meter id whose series it repeats (see module docstring)."""
    out: dict[str, str] = {}
    columns = list(frame.columns)
    for i, later in enumerate(columns):
        for first in columns[:i]:
            if first in out:
                continue
            a, b = frame[first], frame[later]
            common = a.notna() & b.notna() & ((a != 0) | (b != 0))
            if common.sum() < DUPLICATE_MIN_READINGS:
                continue
            equal = np.isclose(a[common], b[common], rtol=1e-6, atol=0)
            if equal.mean() >= DUPLICATE_SHARE:
                out[later] = first
                break
    return out


def screen_duplicates(frame: pd.DataFrame, counts: dict, keep: tuple[str, ...]) -> pd.DataFrame:
    """Exclude (or count as kept) a later meter's readings equal to the series it repeats.

    ``counts``: meter id -> ``MeterCounts``, updated in place (``duplicate_of``, ``kept``,
    ``excluded``).
    """
    for later, first in duplicate_pairs(frame).items():
        c = counts[later]
        c.duplicate_of = first
        same = pd.Series(np.isclose(frame[later], frame[first], rtol=1e-6, atol=0), frame.index)
        frame[later] = apply_masks(frame[later], {"duplicate_series": same}, keep, c)
        c.kept = int(frame[later].notna().sum())
        c.excluded = c.rows_read - c.duplicates - c.kept
    return frame
