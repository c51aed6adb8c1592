"""Cleaning meter readings: units, time stamps, masks, duplicates, gaps, outliers, aggregation.

The rules, in the order they are applied to each meter (``calibration.meters`` calls them):

1. **Units** - every reading is multiplied by the factor of ``calibration/units.csv`` that
   turns its unit into the unit the model produces for the meter's target (MWh for
   electricity and heat, m3 for natural gas, ...). Gas volumes become MWh through the
   natural-gas NCV of that table when the target is an energy.
2. **Masks** - an empty reading is missing; a negative reading is flagged and excluded
   (a consumption or export meter counts up); with ``zeros_are_missing`` a zero is a missing
   reading (some publishers write 0 where the meter said nothing).
3. **Duplicates** - readings with the same time stamp (after time-zone conversion) are merged
   by the mean of their valid values, or the first valid value; each merged row is counted.
4. **Screens** - placeholder constants, stuck readings, register resets (and, across
   meters, duplicated series; PV outage, curtailment and clipping once the weather is
   known): counted per screen and excluded unless kept, see ``calibration.screening``.
5. **Outliers** - Hampel-type rule on the series put on its regular grid: a reading is flagged
   and excluded when ``|x - rolling median| > k * 1.4826 * spread``. The window is centred
   and spans 7 days (at least 15 readings). ``spread`` is the rolling MAD (rolling median of
   the absolute deviations from the rolling median, a cheap standard approximation) but
   never less than the MAD of the whole meter: a purely local spread collapses in quiet
   weeks and then flags ordinary intermittent use (the summer hot-water runs of Cambridge
   building 19's gas meter, 104 hours at k = 10). ``k`` defaults to 10. On the real data this
   flags nothing in the Cambridge 2019 hourly meters and, in the 20 largest Yangzhong 2015
   enterprises, mostly readings of exactly 1 kWh (the file's placeholder: 18 % of its rows,
   clustered on holidays and on 5-6 March when over 380 enterprises show it) plus a few
   deep shutdown days: read the report, or set ``outlier_k: null`` to switch screening off.
   Monthly data are not screened (12 readings cannot define a local spread).
6. **Off-grid readings** - a time stamp between two grid points (e.g. 10:07 in 15-min
   data) is counted and excluded, never moved.
7. **Gaps** - time stamps of the regular grid (first to last reading of the whole data set)
   without any row are counted and left missing. Nothing is ever filled.

Per meter, ``rows_read = kept + duplicates + excluded``; the reasons (missing values,
negatives, zeros, outliers, off-grid) explain ``excluded`` and may overlap with
``duplicates`` when merged rows were masked. ``screened`` counts the readings each screen
excluded (part of ``excluded``), ``kept_screened`` those it flagged but kept.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from calibration.screening import screen_meter

INTERVALS = {"hourly": "h", "daily": "D", "monthly": "MS"}
"""Comparison intervals (names used by ``aggregate`` and ``metrics.evaluate``) -> pandas rule."""

MAD_TO_SIGMA = 1.4826  # MAD of a normal distribution times this is its standard deviation
OUTLIER_WINDOW = pd.Timedelta(days=7)
OUTLIER_MIN_READINGS = 15
DUPLICATE_POLICIES = ("mean", "first")


@dataclass
class MeterCounts:
    """What cleaning did to one meter (counts of rows or grid time stamps)."""

    rows_read: int = 0
    missing_values: int = 0
    negatives: int = 0
    zeros_masked: int = 0
    duplicates: int = 0
    outliers: int = 0
    off_grid: int = 0
    gaps: int = 0
    excluded: int = 0
    kept: int = 0
    unit_conversions: dict[str, int] = field(default_factory=dict)
    screened: dict[str, int] = field(default_factory=dict)
    kept_screened: dict[str, int] = field(default_factory=dict)
    screened_days: dict[str, list[str]] = field(default_factory=dict)
    duplicate_of: str | None = None


@dataclass
class CleaningReport:
    """Counts per meter plus the rules used, so nothing is dropped silently.

    ``ignored_meters`` lists, per data file, meters of the file that the mapping does not
    name (only allowed with ``ignore_unmapped: true``).
    """

    files: list[str]
    timezone_in: str
    timezone_out: str
    interval: str
    duplicate_policy: str
    outlier_k: float | None
    keep: list[str] = field(default_factory=list)
    meters: dict[str, MeterCounts] = field(default_factory=dict)
    ignored_meters: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain dict (JSON-serialisable) of the whole report."""
        return asdict(self)


@dataclass(frozen=True)
class CleanOptions:
    """Cleaning rules for one meter (``interval`` is the native pandas rule, e.g. ``h``)."""

    interval: str
    zeros_are_missing: bool = False
    duplicates: str = "mean"
    outlier_k: float | None = 10.0
    keep: tuple[str, ...] = ()


@cache
def unit_table() -> pd.DataFrame:
    """Unit conversion factors (``calibration/units.csv``: unit, to_unit, factor, source)."""
    with resources.files("calibration").joinpath("units.csv").open("rb") as fh:
        table = pd.read_csv(fh)
    table["key"] = table["unit"].map(_unit_key)
    return table


def _unit_key(unit: str) -> str:
    """Normalised spelling used to look a unit up (case-insensitive, ``m³`` = ``m3``)."""
    return str(unit).strip().replace("³", "3").lower()


def is_known_unit(unit: str) -> bool:
    """True if ``unit`` appears in the unit table."""
    return _unit_key(unit) in set(unit_table()["key"])


def known_units() -> list[str]:
    """Units a meter may be given in."""
    return sorted(set(unit_table()["unit"]))


def unit_factor(unit: str, to_unit: str) -> float | None:
    """Factor turning a reading in ``unit`` into ``to_unit`` (None if no conversion exists)."""
    table = unit_table()
    row = table[(table["key"] == _unit_key(unit)) & (table["to_unit"] == to_unit)]
    return float(row["factor"].iloc[0]) if len(row) else None


def infer_interval(stamps: pd.Series | pd.DatetimeIndex) -> str | None:
    """Native interval of time stamps as a pandas rule (``15min``, ``h``, ``D``, ``MS``).

    The most common step between distinct sorted stamps decides; sub-daily steps must divide
    a day, 28 to 31 days means monthly. None where no supported interval fits.
    """
    unique = pd.DatetimeIndex(pd.unique(pd.Series(stamps).dropna())).sort_values()
    if len(unique) < 2:
        return None
    step = pd.Series(unique[1:] - unique[:-1]).mode().iloc[0]
    if pd.Timedelta(days=28) <= step <= pd.Timedelta(days=31):
        return "MS"
    if step == pd.Timedelta(days=1):
        return "D"
    if step < pd.Timedelta(days=1) and pd.Timedelta(days=1) % step == pd.Timedelta(0):
        return pd.tseries.frequencies.to_offset(step).freqstr
    return None


def is_calendar(interval: str) -> bool:
    """True for daily and monthly data (calendar periods, not instants)."""
    return interval in ("D", "MS")


def mask_values(values: pd.Series, counts: MeterCounts, zeros_are_missing: bool) -> pd.Series:
    """Set missing, negative and (optionally) zero readings to NaN and count them."""
    counts.missing_values += int(values.isna().sum())
    negative = values < 0
    counts.negatives += int(negative.sum())
    masked = values.mask(negative)
    if zeros_are_missing:
        zero = masked == 0
        counts.zeros_masked += int(zero.sum())
        masked = masked.mask(zero)
    return masked


def merge_duplicates(values: pd.Series, policy: str, counts: MeterCounts) -> pd.Series:
    """Merge readings sharing a time stamp (index) by ``mean`` or ``first`` valid value."""
    grouped = values.groupby(level=0, sort=True)
    merged = grouped.mean() if policy == "mean" else grouped.first()
    counts.duplicates += len(values) - len(merged)
    return merged


def outlier_mask(series: pd.Series, interval: str, k: float | None) -> pd.Series:
    """Boolean mask of outliers of a series on its regular grid (see module docstring)."""
    if k is None or interval == "MS":
        return pd.Series(False, index=series.index)
    step = pd.Timedelta(pd.tseries.frequencies.to_offset(interval))
    window = max(OUTLIER_MIN_READINGS, int(round(OUTLIER_WINDOW / step)))
    window += 1 - window % 2  # odd, so the window is centred on the reading
    roll = {"window": window, "center": True, "min_periods": window // 2}
    median = series.rolling(**roll).median()
    deviation = (series - median).abs()
    overall = (series - series.median()).abs().median()
    spread = MAD_TO_SIGMA * deviation.rolling(**roll).median().clip(lower=overall)
    return (deviation > k * spread) & (spread > 0)


def clean_meter(
    values: pd.Series, grid: pd.DatetimeIndex, options: CleanOptions, counts: MeterCounts
) -> pd.Series:
    """Clean one meter's readings (indexed by time stamp, in model units) onto ``grid``.

    Parameters
    ----------
    values : pandas.Series
        Readings in the model unit, index tz-aware time stamps (may repeat).
    grid : pandas.DatetimeIndex
        Regular grid of the whole data set at the native interval.
    options : CleanOptions
        Rules for this meter.
    counts : MeterCounts
        Filled in place (``rows_read`` and ``unit_conversions`` are set by the reader).

    Returns
    -------
    pandas.Series
        Cleaned readings on ``grid``; NaN where missing, masked or flagged.
    """
    masked = mask_values(values, counts, options.zeros_are_missing)
    merged = merge_duplicates(masked, options.duplicates, counts)
    counts.off_grid += int((~merged.index.isin(grid)).sum())
    counts.gaps += int((~grid.isin(merged.index)).sum())
    series = merged.reindex(grid)
    negative = (values < 0).groupby(level=0).any().reindex(grid, fill_value=False)
    series = screen_meter(series, options.interval, negative, options.keep, counts)
    flagged = outlier_mask(series, options.interval, options.outlier_k)
    counts.outliers += int(flagged.sum())
    series = series.mask(flagged)
    counts.kept = int(series.notna().sum())
    counts.excluded = counts.rows_read - counts.duplicates - counts.kept
    return series


def aggregate(
    frame: pd.DataFrame, freq: str, native: str | None = None, min_coverage: float = 0.9
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sum readings to hourly, daily or monthly periods, with the coverage of each period.

    Parameters
    ----------
    frame : pandas.DataFrame
        Energy (or volume) per native interval, tz-aware regular index, NaN = missing.
    freq : str
        ``hourly``, ``daily`` or ``monthly``; periods follow the calendar of the index's
        time zone (a DST day has 23 or 25 hours).
    native : str, optional
        Native interval of ``frame`` as a pandas rule; inferred from the index if omitted.
    min_coverage : float
        Fraction (0-1) of a period's native intervals that must hold a kept reading;
        periods below it are NaN so half-empty periods are not compared. 0.9 by default
        (a project choice; no standard fixes it).

    Returns
    -------
    values, coverage : pandas.DataFrame
        Sum of the kept readings per period (same unit as ``frame``; not scaled up for
        missing intervals, so mask the simulated series with ``measured.notna()`` before
        aggregating it), and the coverage fraction per period.
    """
    if freq not in INTERVALS:
        raise ValueError(f"freq must be one of {sorted(INTERVALS)}, not {freq!r}")
    native = native or infer_interval(frame.index)
    if native is None:
        raise ValueError("cannot infer the native interval of the frame; pass native=")
    rule = INTERVALS[freq]
    if _step_days(native) > _step_days(rule):
        raise ValueError(f"cannot aggregate {native} readings to a finer interval ({freq})")
    values = frame.resample(rule).sum(min_count=1)
    kept = frame.notna().resample(rule).sum()
    expected = _expected_counts(values.index, rule, native)
    coverage = kept.div(expected, axis=0).clip(upper=1.0)
    return values.where(coverage >= min_coverage), coverage


def _step_days(rule: str) -> float:
    """Approximate length of an interval in days (for ordering intervals only)."""
    if rule == "MS":
        return 30.0
    return pd.Timedelta(pd.tseries.frequencies.to_offset(rule)) / pd.Timedelta(days=1)


def _expected_counts(periods: pd.DatetimeIndex, rule: str, native: str) -> np.ndarray:
    """Number of native intervals in each period (respects DST and month lengths)."""
    if len(periods) == 0:
        return np.zeros(0)
    end = periods[-1] + pd.tseries.frequencies.to_offset(rule)
    native_grid = pd.date_range(periods[0], end, freq=native, inclusive="left")
    counts = pd.Series(1, index=native_grid).resample(rule).sum()
    return counts.reindex(periods, fill_value=0).to_numpy(dtype=float)
