"""Learn each enterprise meter's demand model and write it into the scenario as data.

For every meter that reads an enterprise's electricity, or the gas of a boiler that alone
serves one enterprise's heat bus, the calibration period's readings are summed to local
days and a change-point model is selected (``calibration.selection``: by BIC, over the
intercept-only, 3P, 4P and 5P candidates); with hourly readings the time-of-week shape is
learned from them too. The result becomes the enterprise's ``learned.<carrier>`` section
(``twin.schema.enterprise.LearnedLoad``), its annual demand the model's total in the
simulated year, and the sizes of its dated capacity changes are re-estimated. All of it is
scenario data: shifts, holidays, capacity changes, efficiency measures still act on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from calibration.selection import GROUPS, Days, Selected, hour_shapes, level_step, select
from twin.catalog.motors import electricity_factor
from twin.network.enterprises import capacity_levels, day_kinds, learned_model, profile_day
from twin.network.inputs import site_weather, time_axis
from twin.physics.learned import day_terms
from twin.scenario.load import validate
from twin.schema.enterprise import CapacityChange, LearnedLoad
from twin.schema.scenario import Scenario
from twin.units import fuels

CAPACITY_ROUNDS = 5  # alternations of model fit and capacity sizes
STOP_FRAC = 0.1  # a working day below this share of the median is an unplanned stop
GROUP_OF_KIND = {"holiday": 7, "maintenance": 7, "spring_festival": 8}


@dataclass
class Learned:
    """What the learning changed: scenario field paths and the selection per meter."""

    paths: list[str] = field(default_factory=list)
    models: dict[str, dict] = field(default_factory=dict)
    meters: set[str] = field(default_factory=set)  # meters whose model was learned


def learn(problem: Any) -> Learned:
    """Learn every enterprise meter's model into ``problem.raw`` (in place).

    ``problem`` is a ``calibration.setup.FitProblem`` (not imported: setup calls this).
    """
    out = Learned()
    sc = validate(problem.raw, problem.source, problem.base_dir, allow_outside=True)
    calendar = _Year(sc)
    for meter in problem.targets:
        found = _enterprise_of(sc, problem, meter)
        if found is None:
            continue
        ent_index, carrier, to_draw = found
        series = problem.window(*problem.periods.calibration)[meter] * to_draw
        model, info = _learn_one(problem, sc, calendar, ent_index, carrier, series)
        ent = problem.raw["enterprises"][ent_index]
        _store(ent, sc.enterprises[ent_index], carrier, model, info, calendar)
        prefix = f"enterprises[{ent['id']}]."
        out.paths += [prefix + "learned", prefix + f"demand.{carrier}_mwh"]
        if ent.get("calendar", {}).get("capacity_changes"):
            out.paths.append(prefix + "calendar.capacity_changes")
        out.models[meter] = {"enterprise": ent["id"], "carrier": carrier, **info["summary"]}
        out.meters.add(meter)
    return out


@dataclass
class _Year:
    """The simulated year's local days and their mean air temperature."""

    sc: Scenario

    def __post_init__(self) -> None:
        idx = time_axis(self.sc).index
        day = idx.day_of_year.to_numpy() - 1
        temp = site_weather(self.sc)["temp_air_c"].to_numpy()
        self.temp_c = np.bincount(day, temp) / np.bincount(day)
        self.dates = pd.date_range(f"{self.sc.period.year}-01-01", periods=len(self.temp_c), freq="D")


def _enterprise_of(sc: Scenario, problem: Any, meter: str) -> tuple[int, str, float] | None:
    """(enterprise index, carrier, factor from reading to the draw) of a meter, or None."""
    kind, _, rest = problem.data.targets[meter].partition(".")
    unit = problem.data.units[meter]
    ids = [e.id for e in sc.enterprises]
    if kind == "enterprise":
        ent_id, carrier = rest.rsplit(".", 1)
        return (ids.index(ent_id), carrier, 1.0) if unit == "MWh" else None
    boiler = next((a for a in sc.assets if a.id == rest and a.type == "boiler"), None)
    if boiler is None or boiler.fuel == "electricity":
        return None
    served = [i for i, e in enumerate(sc.enterprises) if e.heat_bus == boiler.bus]
    others = [a for a in sc.assets if a.id != boiler.id and getattr(a, "bus", None) == boiler.bus]
    if len(served) != 1 or others:
        return None  # the gas reading is not one enterprise's heat
    per_unit = 1.0 if unit == "MWh" else fuels()[boiler.fuel].mwh_per_unit
    return served[0], "heat", per_unit * boiler.efficiency_frac


def _daily(series: pd.Series) -> tuple[pd.Series, pd.DataFrame | None]:
    """Daily sums of whole local days, and their hours [days, 24] when readings are hourly."""
    index = series.index
    if len(index) > 1 and (index[1] - index[0]) >= pd.Timedelta(days=1):
        return series.dropna(), None
    local = series.copy()
    local.index = index.tz_localize(None)
    day = local.index.normalize()
    counts = local.notna().groupby(day).sum()
    sizes = local.groupby(day).size()
    whole = counts[(counts == sizes) & (sizes >= 23)].index
    daily = local.groupby(day).sum()[whole]
    table = local[day.isin(whole)].to_frame("v").assign(day=day[day.isin(whole)],
                                                          hour=local.index[day.isin(whole)].hour)
    hours = table.pivot_table(index="day", columns="hour", values="v", aggfunc="sum")
    return daily, hours.reindex(columns=range(24), fill_value=0.0).fillna(0.0)


def _learn_one(problem: Any, sc: Scenario, year: _Year, i: int, carrier: str,
               series: pd.Series) -> tuple[LearnedLoad, dict]:
    """Select and fit one meter's model; returns the model and what was selected."""
    daily, hours = _daily(series)
    e = sc.enterprises[i]
    kinds = day_kinds(sc.period.year, [e])[:, 0]
    capacity = capacity_levels(len(kinds), sc.period.year, [e])[:, 0]
    pos = (daily.index.tz_localize(None) if daily.index.tz else daily.index).normalize()
    pos = np.asarray((pos - year.dates[0]).days)
    pos_ok = (pos >= 0) & (pos < len(kinds))
    daily, pos = daily[pos_ok], pos[pos_ok]
    weekday = profile_day(year.dates.day_of_week.to_numpy(), kinds)
    group = np.array([GROUP_OF_KIND.get(k, w) for k, w in zip(kinds, weekday, strict=True)])
    stopped = _unplanned_stops(daily.to_numpy(), group[pos])
    daily, pos = daily[~stopped], pos[~stopped]
    opts = problem.spec.model
    terms = opts.terms if carrier == "electricity" else tuple(t for t in opts.terms if t == "heating")
    changes = [(c.date, c.capacity_frac) for c in sorted(e.calendar.capacity_changes, key=lambda c: c.date)]
    days = Days(daily.to_numpy(), group[pos], year.temp_c[pos], capacity[pos])
    chosen = select(days, terms, opts.heating_balance_c, opts.cooling_balance_c)
    step = None
    if not changes and opts.level_steps and carrier == "electricity":
        step = level_step(days.y, chosen.predict(days), pos)
        changes = [] if step is None else [(year.dates[step[0]].date(), step[1])]
    for _ in range(CAPACITY_ROUNDS if changes else 0):
        changes, capacity = _sizes(chosen, days, pos, changes, sc.period.year, len(kinds))
        days = Days(days.y, days.group, days.temp_c, capacity[pos])
        chosen = select(days, terms, opts.heating_balance_c, opts.cooling_balance_c)
    shapes = (None, None)
    if hours is not None:
        hpos = np.asarray((hours.index - year.dates[0]).days)
        hours, hpos = hours[np.isin(hpos, pos)], hpos[np.isin(hpos, pos)]  # stops left out
        at = np.searchsorted(pos, hpos)  # whole days are days of the daily series
        base, weather = chosen.parts(Days(days.y[at], days.group[at], days.temp_c[at], days.capacity[at]))
        shapes = tuple(None if s is None else _rows(s) for s in hour_shapes(
            hours.to_numpy(), weekday[hpos], base, weather))
    model = _load(chosen, *shapes)
    info = {"changes": changes, "summary": {"model": chosen.label, "n_days": chosen.n,
                                          "unplanned_stop_days": int(stopped.sum()),
                                          "level_step": None if step is None else {
                                              "date": str(changes[0][0]), "capacity_frac": changes[0][1]},
                                        "bic": round(chosen.bic, 2),
                                        "heating_balance_c": chosen.heating_balance_c,
                                        "cooling_balance_c": chosen.cooling_balance_c,
                                        "candidates_bic": {k: round(v, 2) for k, v in
                                                           chosen.candidates.items()}}}
    return model, info


def _unplanned_stops(y: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Working days and weekends below :data:`STOP_FRAC` of their median: a firm's own
    shutdowns, which no calendar knows; left out of the fit (counted in the summary)."""
    plain = group < 7
    if not plain.any():
        return np.zeros(len(y), dtype=bool)
    return plain & (y < STOP_FRAC * np.median(y[plain]))


def _sizes(chosen: Selected, days: Days, pos: np.ndarray, changes: list[tuple], year: int,
           n_days: int) -> tuple[list[tuple], np.ndarray]:
    """Each capacity change's size by least squares on its days, the model held; the
    changes with their new sizes and the size of every day of the year."""
    unit = chosen.predict(Days(days.y, days.group, days.temp_c, np.ones_like(days.y)))
    first = dt.date(year, 1, 1)
    bounds = [*(max((d - first).days, 0) for d, _ in changes), n_days]
    out, capacity = [], np.ones(n_days)
    for k, (date, size) in enumerate(changes):
        on = (pos >= bounds[k]) & (pos < bounds[k + 1])
        denom = float(unit[on] @ unit[on])
        size = round(float(np.clip(days.y[on] @ unit[on] / denom, 0.0, 5.0)), 4) if denom > 0 else size
        out.append((date, size))
        capacity[bounds[k]:bounds[k + 1]] = size
    return out, capacity


def _rows(shape: np.ndarray) -> list[list[float]]:
    """Shares rounded to 6 decimals, each row summing to 1 again."""
    shape = shape.round(6)
    return (shape / shape.sum(axis=1, keepdims=True)).tolist()


def _load(chosen: Selected, shape: list | None, weather_shape: list | None) -> LearnedLoad:
    """The schema's LearnedLoad of a selection (reference set later, with the year)."""
    a = chosen.intercepts
    weekdays = [a[g] for g in GROUPS[:7] if g in a]
    day = [max(a.get(g, float(np.mean(weekdays))), 0.0) for g in GROUPS[:7]]
    holiday = max(a.get("holiday", day[6]), 0.0)
    return LearnedLoad(day_mwh=[round(v, 6) for v in day], holiday_mwh=round(holiday, 6),
                       spring_festival_mwh=round(max(a.get("spring_festival", holiday), 0.0), 6),
                       heating_balance_c=chosen.heating_balance_c or 15.0,
                       heating_mwh_per_k=round(chosen.heating_mwh_per_k, 6),
                       cooling_balance_c=chosen.cooling_balance_c or 22.0,
                       cooling_mwh_per_k=round(chosen.cooling_mwh_per_k, 6),
                       hour_shape=shape, weather_hour_shape=weather_shape, reference_mwh=1.0)


def _store(ent: dict, e, carrier: str, model: LearnedLoad, info: dict, year: _Year) -> None:
    """Write the model, its annual total and the capacity changes into the raw enterprise."""
    changes = [{"date": d.isoformat(), "capacity_frac": size} for d, size in info["changes"]]
    if changes or ent.get("calendar", {}).get("capacity_changes"):
        ent.setdefault("calendar", {})["capacity_changes"] = changes
    kinds = day_kinds(year.sc.period.year, [e])[:, 0]
    sized = e.model_copy(update={"calendar": e.calendar.model_copy(update={
        "capacity_changes": [CapacityChange(date=d, capacity_frac=s) for d, s in info["changes"]]})})
    capacity = capacity_levels(len(kinds), year.sc.period.year, [sized])[:, 0]
    physics = learned_model(model, 0.0, 0, 24)
    weekday = profile_day(year.dates.day_of_week.to_numpy(), kinds)
    day, weather = day_terms(physics, weekday, kinds, year.temp_c)
    reference = round(max(float(((day + weather) * capacity).sum()), 1e-6), 6)
    ent["learned"] = {**(ent.get("learned") or {}), carrier: {**model.model_dump(mode="json"),
                                                              "reference_mwh": reference}}
    factor = electricity_factor(e.motor_systems) if carrier == "electricity" else 1.0
    ent.setdefault("demand", {})[f"{carrier}_mwh"] = round(reference / factor, 6)
