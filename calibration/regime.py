"""Change of regime between the readings a model was fitted on and those it must predict.

A meter that cannot be predicted is often one whose behaviour changed. From the data alone
(no model of the twin), per meter, the two periods are compared on three counts:

- **level**: a daily change-point regression fitted to each period,
  ``E_d = a + w workday_d + h max(Tb - T_d, 0) + c max(T_d - Tc, 0)`` (``T_d`` the day's mean
  air temperature; Tb and Tc chosen on both periods together, on a 1 K grid, by least
  squares; at least :data:`MIN_DAYS` days per period), evaluated on a mild day (no heating
  or cooling) with the reference period's share of workdays; its change is expressed over
  the reference period's mean daily energy (so a heating meter's small summer base does not
  inflate it). Changed when it moves by more than :data:`LEVEL_TOL` (Guideline 14's hourly
  NMBE limit: a shift that large fails the verdict by itself). Without temperatures (or
  with fewer days) the median daily energy is compared.
- **temperature response**: the heating and cooling slopes of the same regression. Their
  change is judged by its effect, ``(h_new - h_ref) x mean degree-days of the reference
  period`` (plus the cooling term) over the reference's mean daily energy; changed beyond
  :data:`TEMPERATURE_TOL`. A term is only compared when both periods have at least
  :data:`MIN_DEGREE_DAYS` days needing it.
- **schedule**: the mean profile over the week (168 hours, or 7 days for daily data), each
  normalised by its period's mean; changed when the RMS difference exceeds
  :data:`SCHEDULE_TOL` (half Guideline 14's hourly CV(RMSE) limit).

PV meters are not compared (their output follows the sun, not a schedule or the
temperature; ``calibration.pv_screening`` judges them). Workdays are Monday to Friday. The
tolerances are project choices stated here and in docs/calibration.md, not fitted to any
building.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from calibration.pv_screening import pv_meters

LEVEL_TOL = 0.10
TEMPERATURE_TOL = 0.10
SCHEDULE_TOL = 0.15
MIN_DEGREE_DAYS = 10
MIN_HOURS_PER_DAY = 20
MIN_DAYS = 14  # fewer days per period: no regression, the median daily energy is compared
BALANCE_GRID = np.arange(8.0, 27.0)


def daily(series: pd.Series) -> pd.Series:
    """Daily energy: hourly readings summed on days with enough of them, or daily as is."""
    step = pd.Series(series.index).diff().median()
    if step >= pd.Timedelta(days=1):
        return series.dropna()
    per_hour = series.resample("h").sum(min_count=1)
    count = per_hour.resample("D").count()
    return (per_hour.resample("D").mean() * 24).where(count >= MIN_HOURS_PER_DAY).dropna()


def _design(days: pd.DatetimeIndex, temp: np.ndarray, tb: float, tc: float) -> np.ndarray:
    workday = (days.dayofweek < 5).astype(float)
    return np.column_stack([np.ones(len(days)), workday, np.clip(tb - temp, 0, None),
                            np.clip(temp - tc, 0, None)])


def _fit(energy: pd.Series, temp: pd.Series, tb: float, tc: float) -> tuple[np.ndarray, float]:
    x = _design(energy.index, temp.to_numpy(), tb, tc)
    coef, *_ = np.linalg.lstsq(x, energy.to_numpy(), rcond=None)
    return coef, float(((x @ coef - energy.to_numpy()) ** 2).sum())


def _balance(periods: list[tuple[pd.Series, pd.Series]]) -> tuple[float, float]:
    """Heating and cooling balance points minimising the summed squared error of both fits."""
    best = (np.inf, 15.0, 22.0)
    for tb in BALANCE_GRID:
        for tc in BALANCE_GRID[BALANCE_GRID >= tb]:
            sse = sum(_fit(e, t, tb, tc)[1] for e, t in periods)
            best = min(best, (sse, float(tb), float(tc)))
    return best[1], best[2]


def _profile(series: pd.Series) -> pd.Series:
    """Mean reading per hour of the week (or day of the week), over the period's mean."""
    hourly = (pd.Series(series.index).diff().median() < pd.Timedelta(days=1))
    slot = series.index.dayofweek * 24 + series.index.hour if hourly else series.index.dayofweek
    profile = series.groupby(slot).mean()
    return profile / series.mean()


def compare(ref: pd.Series, new: pd.Series, ref_temp: pd.Series | None = None,
            new_temp: pd.Series | None = None) -> dict:
    """Level, schedule and temperature response of ``new`` against ``ref`` (module docstring).

    ``ref``/``new``: readings (energy per interval, tz-aware index, hourly or daily);
    ``*_temp``: hourly air temperature [degC] on any tz-aware index, or None.
    """
    e_ref, e_new = daily(ref), daily(new)
    out: dict = {"days": [int(len(e_ref)), int(len(e_new))]}
    shape = (_profile(new.dropna()) - _profile(ref.dropna())).dropna()
    out["schedule"] = _judged(float(np.sqrt((shape ** 2).mean())), SCHEDULE_TOL, "profile_rms")
    if ref_temp is None or new_temp is None or min(len(e_ref), len(e_new)) < MIN_DAYS:
        change = float(e_new.median() / e_ref.median() - 1)
        out["level"] = _judged(change, LEVEL_TOL, "change_frac")
    else:
        out.update(_temperature_model(e_ref, e_new, ref_temp, new_temp))
    out["changed"] = [k for k in ("level", "schedule", "temperature") if out.get(k, {}).get(
        "changed")]
    out["verdict"] = verdict(out)
    return out


def _temperature_model(e_ref, e_new, ref_temp, new_temp) -> dict:
    """Level and temperature response from the daily change-point regressions."""
    tz = e_ref.index.tz
    pairs = []
    for e, t in ((e_ref, ref_temp), (e_new, new_temp)):
        td = t.tz_convert(tz).resample("D").mean().reindex(e.index)
        ok = td.notna()
        pairs.append((e[ok], td[ok]))
    tb, tc = _balance(pairs)
    (c_ref, _), (c_new, _) = (_fit(e, t, tb, tc) for e, t in pairs)
    share = float((pairs[0][0].index.dayofweek < 5).mean())
    base = [c[0] + c[1] * share for c in (c_ref, c_new)]
    mean_ref = float(pairs[0][0].mean())
    effect = 0.0
    for i, need in ((2, lambda t: np.clip(tb - t, 0, None)), (3, lambda t: np.clip(t - tc, 0, None))):
        needs = [need(t.to_numpy()) for _, t in pairs]
        if min((n > 2).sum() for n in needs) >= MIN_DEGREE_DAYS:
            effect += (c_new[i] - c_ref[i]) * needs[0].mean() / mean_ref
    temp = _judged(float(effect), TEMPERATURE_TOL, "effect_frac")
    temp.update(balance_c=[tb, tc], heating_slope=[float(c_ref[2]), float(c_new[2])],
                cooling_slope=[float(c_ref[3]), float(c_new[3])])
    return {"level": _judged(float((base[1] - base[0]) / mean_ref), LEVEL_TOL, "change_frac"),
            "temperature": temp}


def _judged(value: float, tol: float, name: str) -> dict:
    return {name: value, "tolerance": tol, "changed": bool(abs(value) > tol)}


LABELS = {"level": lambda f: f"level {f['change_frac']:+.0%}",
          "schedule": lambda f: f"schedule (week-profile RMS {f['profile_rms']:.2f})",
          "temperature": lambda f: f"temperature response ({f['effect_frac']:+.0%} of the energy)"}


def verdict(found: dict) -> str:
    """One line: which counts changed, with their figures."""
    parts = {k: label(found[k]) for k, label in LABELS.items() if k in found}
    changed = [parts[k] for k in found["changed"]]
    if changed:
        return "change of regime: " + ", ".join(changed)
    return "no change of regime detected: " + ", ".join(parts.values())


def regimes_from_folder(folder: Path, problem) -> dict:
    """Per meter, the fitted readings of ``folder/fit.csv`` against the problem's period."""
    table = pd.read_csv(folder / "fit.csv")
    table = table[table["period"] == "calibration"]
    tz = problem.measured.index.tz
    ref_temp = _weather_temp(folder / "weather.csv")
    new_temp = None if problem.weather is None else problem.weather["temp_air_c"]
    (first, last), = [w for _, w in problem.periods.items()]
    window = problem.window(first, last)
    out = {}
    for meter, rows in table.groupby("meter", sort=False):
        if meter not in window or meter in pv_meters(problem):
            continue
        ref = pd.Series(rows["measured"].to_numpy(), pd.DatetimeIndex(
            pd.to_datetime(rows["timestamp"], utc=True)).tz_convert(tz))
        both = ref_temp is not None and new_temp is not None
        out[meter] = compare(ref, window[meter], ref_temp if both else None,
                             new_temp if both else None)
    return out


def regimes_within(problem) -> dict:
    """Per meter, the calibration period's readings against the validation period's."""
    if problem.periods.validation is None:
        return {}
    ref, new = (problem.window(*w) for w in (problem.periods.calibration,
                                              problem.periods.validation))
    temp = None if problem.weather is None else problem.weather["temp_air_c"]
    return {m: compare(ref[m], new[m], temp, temp) for m in problem.targets
            if ref[m].notna().any() and new[m].notna().any() and m not in pv_meters(problem)}


def _weather_temp(path: Path) -> pd.Series | None:
    if not path.is_file():
        return None
    table = pd.read_csv(path)
    return pd.Series(table["temp_air_c"].to_numpy(),
                     pd.DatetimeIndex(pd.to_datetime(table["timestamp"], utc=True)))
