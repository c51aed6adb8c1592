"""PV screens: outage, curtailment and clipping, judged against the weather of the fit.

Run when a fit (``calibration.fit.calibrate``) or an evaluation is set up, after its
weather is attached, on every meter whose target is a PV asset (``asset.<pv id>``):

- ``pv_outage``: whole days whose **performance index** - metered energy over the energy the
  scenario (start values) simulates from the same weather - falls more than
  :data:`OUTAGE_DROP` below the meter's median index. Only days with enough sun are judged
  (simulated energy at least :data:`DARK_FRAC` of the median day): on dark days a small
  absolute error is a large ratio. A day-by-day performance index is the usual PV
  monitoring screen (IEC 61724-1 calls the ratio of measured to expected energy a
  performance index); the median makes it insensitive to the scenario's derate.
- ``pv_clipping`` / ``pv_curtailment``: flat tops of the day's power curve found by
  pvanalytics' ``features.clipping.geometric`` (low-slope periods at high output) where the
  output is capped: its ratio to the simulated output falls more than :data:`CAP_DROP`
  below the day's median ratio (a clear day's natural, rounded peak keeps the ratio). A cap
  at :data:`CLIP_LEVEL` or more of the meter's 99.9th-percentile reading is the plant's own
  limit (inverter clipping); a lower one is a set-point from outside (curtailment).

The screened readings are counted and excluded like the others
(``calibration.screening.apply_masks``); the hourly (or coarser) readings the fit compares
are re-aggregated from the screened native readings.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pvanalytics.features.clipping import geometric

from calibration.screening import apply_masks

OUTAGE_DROP = 0.25
DARK_FRAC = 0.2
CLIP_LEVEL = 0.95
CAP_DROP = 0.05
TOP_QUANTILE = 0.999


def pv_meters(problem) -> list[str]:
    """Meters of the problem that read a PV asset's output."""
    pv = {f"asset.{a.id}" for a in problem.scenario.assets if a.type == "pv"}
    return [m for m in problem.targets if problem.data.targets[m] in pv]


def screen_pv(problem) -> None:
    """Apply the PV screens to the problem's meters in place (data, measured, report)."""
    from calibration.compare import simulate
    from calibration.setup import _native

    meters = pv_meters(problem)
    if not meters or problem.native == "MS":
        return
    have = problem.measured[meters].dropna(how="all").index.tz_localize(None).normalize()
    days = have[have.year == problem.year]
    if len(days) == 0:
        return
    expected = simulate(problem, problem.start, days.min().date(), days.max().date())
    keep = tuple(problem.data.report.keep)
    for meter in meters:
        native = problem.data.frame[meter]
        masks = {"pv_outage": outage_mask(problem.measured[meter], expected[meter], native.index)}
        masks.update(plateau_masks(native.mask(masks["pv_outage"]), problem.data.interval,
                                   expected[meter]))
        counts = problem.data.report.meters[meter]
        problem.data.frame[meter] = apply_masks(native, masks, keep, counts)
        counts.kept = int(problem.data.frame[meter].notna().sum())
        counts.excluded = counts.rows_read - counts.duplicates - counts.kept
        counts.screened_days = screened_days(native, masks)
    problem.measured, problem.native = _native(problem.data)


def outage_mask(measured: pd.Series, expected: pd.Series, grid: pd.DatetimeIndex) -> pd.Series:
    """Native readings of days whose performance index drops (see module docstring)."""
    both = pd.concat([measured.rename("m"), expected.rename("e")], axis=1, join="inner")
    both = both[both["m"].notna()]
    daily = both.resample("D").sum(min_count=1)
    complete = both["m"].resample("D").count() >= both["e"].resample("D").count().max() * 0.9
    sunny = daily["e"] >= DARK_FRAC * daily["e"][daily["e"] > 0].median()
    judged = daily[sunny & complete]
    index = judged["m"] / judged["e"]
    bad = index.index[index < (1 - OUTAGE_DROP) * index.median()]
    return pd.Series(grid.normalize().isin(bad), index=grid)


def plateau_masks(native: pd.Series, interval: str, expected: pd.Series) -> dict[str, pd.Series]:
    """Clipping and curtailment readings: capped flat tops by level (see module docstring)."""
    none = pd.Series(False, index=native.index)
    if interval in ("D", "MS") or native.notna().sum() < 96:
        return {"pv_clipping": none, "pv_curtailment": none}
    flat = geometric(native.fillna(0.0), freq=interval) & native.notna() & (native > 0)
    step = pd.Timedelta(pd.tseries.frequencies.to_offset(interval)) / pd.Timedelta(hours=1)
    wanted = expected.reindex(native.index, method="ffill") * step  # hourly energy -> reading
    ratio = native / wanted.where(wanted > DARK_FRAC * wanted.max())
    day = native.index.normalize()
    capped = flat & (ratio < (1 - CAP_DROP) * ratio.groupby(day).transform("median"))
    level = native.where(capped).groupby(day).transform("max")
    clipping = capped & (level >= CLIP_LEVEL * native.quantile(TOP_QUANTILE))
    return {"pv_clipping": clipping, "pv_curtailment": capped & ~clipping}


def screened_days(native: pd.Series, masks: dict[str, pd.Series]) -> dict[str, list[str]]:
    """Dates (ISO) with readings flagged by each screen, for the report."""
    out = {}
    for name, mask in masks.items():
        hit = mask & native.notna()
        dates = sorted({d.date() for d in native.index[hit.to_numpy()]})
        if dates:
            out[name] = [dt.date.isoformat(d) for d in dates]
    return out
