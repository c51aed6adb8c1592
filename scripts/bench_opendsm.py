"""OpenDSM beside the twin: the same meters and periods, Guideline 14 metrics side by side.

::

    .venv/bin/pip install -e ".[bench]"      # opendsm 1.2.7 (imports only with multimethod<2)
    .venv/bin/python scripts/bench_opendsm.py                      # Cambridge b0 b2 b19, within 2019
    .venv/bin/python scripts/bench_opendsm.py --buildings b27,b31 --cases within,ahead
    .venv/bin/python scripts/bench_opendsm.py --yangzhong          # 20 firms, daily

Cambridge (hourly meters): the twin with the defaults of ``park-twin calibrate`` (see
scripts/cambridge_cases.py), OpenDSM's hourly model (``HourlyModel``) and daily model
(``DailyModel``, its days spread evenly over the hours) fitted on the same cleaned
readings and the same Bedford weather. OpenDSM's hourly model can fail to predict months
it never saw, so it predicts the whole target year from temperature and the target
months are kept. Yangzhong (daily meters): January-October 2015 fitted, November-December
predicted, the twin against OpenDSM's daily model. Every metric is
``calibration.metrics.evaluate`` on the predicted window with p = 0 (nothing in it was
fitted), monthly sums where readings cover 90 % of the month. Not a test: ~1-3 min.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import logging
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cambridge_cases as cc  # noqa: E402

from calibration.compare import paired  # noqa: E402
from calibration.meters import load_meters  # noqa: E402
from calibration.metrics import evaluate  # noqa: E402
from calibration.spec import WeatherSpec  # noqa: E402
from calibration.weather import build_weather  # noqa: E402
from twin.scenario.load import load_scenario  # noqa: E402


def _fahrenheit(celsius: pd.Series) -> pd.Series:
    return celsius * 9.0 / 5.0 + 32.0


def opendsm_predict(kind: str, fit: pd.Series, temp_fit: pd.Series, temp_target: pd.Series,
                    electricity: bool) -> pd.Series:
    """OpenDSM's prediction over ``temp_target``'s hours (or days) after fitting on ``fit``.

    ``kind``: ``hourly`` (HourlyModel on hourly readings) or ``daily`` (DailyModel on daily
    sums, or daily readings). Temperatures in degC, hourly, on the readings' time zone.
    """
    from opendsm import eemeter

    _patch_hour_metrics()
    warnings.filterwarnings("ignore")
    with contextlib.redirect_stdout(io.StringIO()):  # OpenDSM prints its data checks
        if kind == "hourly":
            return _hourly(eemeter, fit, temp_fit, temp_target, electricity)
        return _daily(eemeter, fit, temp_fit, temp_target, electricity)


def _hourly(eemeter, fit: pd.Series, temp_fit: pd.Series, temp_target: pd.Series,
            electricity: bool) -> pd.Series:
    """HourlyModel, in UTC: its hourly features need whole 24-hour days."""
    tz = fit.index.tz
    fit, temp_fit, temp_target = (s.tz_convert("UTC") for s in (fit, temp_fit, temp_target))
    base = pd.DataFrame({"observed": fit, "temperature": _fahrenheit(temp_fit.reindex(fit.index))})
    model = eemeter.HourlyModel().fit(eemeter.HourlyBaselineData(base, electricity),
                                      ignore_disqualification=True)
    _cover_months(model)
    target = pd.DataFrame({"temperature": _fahrenheit(temp_target)})
    out = model.predict(eemeter.HourlyReportingData(target, electricity), ignore_disqualification=True)
    return out["predicted"].tz_convert(tz)


def _daily(eemeter, fit: pd.Series, temp_fit: pd.Series, temp_target: pd.Series,
           electricity: bool) -> pd.Series:
    """DailyModel on daily sums (of whole days where the readings are hourly)."""
    if len(fit) > 1 and fit.index[1] - fit.index[0] < pd.Timedelta(days=1):
        fit = fit.resample("D").sum(min_count=int(fit.resample("D").size().max()))
    base = eemeter.DailyBaselineData.from_series(fit, _fahrenheit(temp_fit), electricity)
    model = eemeter.DailyModel().fit(base, ignore_disqualification=True)
    report = eemeter.DailyReportingData.from_series(None, _fahrenheit(temp_target), tzinfo=fit.index.tz)
    pred = model.predict(report, ignore_disqualification=True)["predicted"]
    pred.index = pred.index.tz_localize(None).tz_localize(fit.index.tz)  # local dates
    return pred


def _patch_hour_metrics() -> None:
    """Let OpenDSM 1.2.7's hourly model fit a meter with an hour of the day always zero.

    Its baseline statistics per hour of day refuse a model with no non-zero coefficient in
    that hour (``num_model_params >= 1``), which a boiler timer's night hours produce; the
    statistics are only reported, so the count is taken as at least 1. Predictions are
    unchanged.
    """
    from opendsm.eemeter.models.hourly import model as hourly

    original = getattr(hourly.BaselineMetrics, "__wrapped_by_bench__", hourly.BaselineMetrics)

    def metrics(df, num_model_params):
        return original(df=df, num_model_params=max(int(num_model_params), 1))

    metrics.__wrapped_by_bench__ = original
    hourly.BaselineMetrics = metrics


def _cover_months(model) -> None:
    """Give months the hourly model never saw the temporal clusters of the nearest month seen.

    OpenDSM 1.2.7 keys its day-shape clusters by (month, weekday) and cannot predict a
    month absent from the fit (it raises in ``correct_missing_temporal_clusters``); the
    weekday's cluster of the nearest fitted month (cyclic distance, the earlier on a tie)
    is the plainest stand-in.
    """
    clusters = model._df_temporal_clusters
    seen = sorted(set(clusters.index.get_level_values(0)))
    extra = {}
    for month in range(1, 13):
        if month in seen:
            continue
        near = min(seen, key=lambda s: (min(abs(s - month), 12 - abs(s - month)), s))
        for (_seen, dow), row in clusters.loc[[near]].iterrows():
            extra[(month, dow)] = row["temporal_cluster"]
    if extra:
        add = pd.DataFrame({"temporal_cluster": list(extra.values())},
                           index=pd.MultiIndex.from_tuples(list(extra), names=clusters.index.names))
        model._df_temporal_clusters = pd.concat([clusters, add]).sort_index()


def _spread(daily: pd.Series, hours: pd.DatetimeIndex) -> pd.Series:
    """A daily series spread evenly over the hours of each day."""
    day = hours.normalize()
    counts = pd.Series(1, index=hours).groupby(day).transform("size").to_numpy()
    return pd.Series(daily.reindex(day).to_numpy() / counts, index=hours)


def opendsm_cambridge(b: str, case: str, data: Path, folder: Path) -> dict:
    """meter -> {"hourly": {interval: stats}, "daily": {...}} of OpenDSM on one case."""
    fit_window, year, target = cc.CASES[case]
    tz = load_scenario(folder / "scenario.yaml").site.timezone
    temps = {}
    for y in {2019, year}:
        wx = build_weather(WeatherSpec(cc.weather_file(data, y), **cc.WEATHER),
                           load_scenario(folder / "scenario.yaml").site, y)
        temps[y] = wx["temp_air_c"].tz_convert(tz)
    fit_frame = cc.window_of(load_meters(data / "meters" / "cambridge", folder / "map_2019.yaml", tz).frame,
                             *fit_window)
    target_frame = cc.window_of(load_meters(data / "meters" / "cambridge", folder / f"map_{year}.yaml",
                                            tz).frame, *target)
    out = {}
    for meter in fit_frame.columns:
        electricity = meter.endswith("_el")
        out[meter] = {}
        for kind in ("hourly", "daily"):
            try:
                pred = opendsm_predict(kind, fit_frame[meter], temps[2019], temps[year], electricity)
            except Exception as exc:  # noqa: BLE001 - OpenDSM's own failures are results here
                out[meter][kind] = {"error": f"{type(exc).__name__}: {exc}"[:80]}
                continue
            if kind == "daily":
                pred = _spread(pred, temps[year].index)
            sim = pred.reindex(target_frame.index).to_frame(meter)
            measured = target_frame[[meter]].where(sim.notna())  # judge the hours it predicts
            out[meter][kind] = {iv: evaluate(*(f[meter] for f in paired(measured, sim, "h", iv)),
                                             iv, 0) for iv in ("hourly", "monthly")}
    return out


def _cell(stats: dict) -> str:
    return f"{stats['cv_rmse']:.1%} / {stats['nmbe']:+.1%}"


def cambridge_table(buildings: list[str], cases: list[str], data: Path, with_opendsm: bool) -> str:
    """Markdown table: per meter and case, hourly and monthly CV(RMSE) / NMBE of each tool."""
    head = ("| meter | case | twin hourly | twin monthly | twin s | OpenDSM hourly model: hourly | "
            "monthly | OpenDSM daily model: monthly |\n|---|---|---|---|---|---|---|---|")
    rows, tally = [head], {"twin": 0, "opendsm_hourly": 0, "opendsm_daily": 0, "n": 0}
    for b in buildings:
        with tempfile.TemporaryDirectory(prefix=f"bench-{b}-") as tmp:
            folder = Path(tmp)
            cc.write_building(b, folder, data)
            for case in cases:
                twin = cc.run_case(b, case, data, folder)
                other = opendsm_cambridge(b, case, data, folder) if with_opendsm else {}
                for meter, st in twin.stats.items():
                    tally["n"] += 1
                    tally["twin"] += cc.passes(st)
                    cells = [_cell(st["hourly"]) + (" ✓" if cc.passes(st) else ""),
                             _cell(st["monthly"]), f"{twin.seconds:.1f}"]
                    if meter in other:
                        h, d = other[meter]["hourly"], other[meter]["daily"]
                        tally["opendsm_hourly"] += "error" not in h and cc.passes(h)
                        tally["opendsm_daily"] += "error" not in d and bool(
                            d["monthly"]["standards"]["ashrae14"]["pass"])
                        cells += ([f"failed ({h['error']})", "-"] if "error" in h else
                                  [_cell(h["hourly"]) + (" ✓" if cc.passes(h) else ""), _cell(h["monthly"])])
                        cells.append(f"failed ({d['error']})" if "error" in d else _cell(d["monthly"]))
                    else:
                        cells += ["-", "-", "-"]
                    rows.append(f"| {meter} | {case} | " + " | ".join(cells) + " |")
    rows.append(f"\nBoth Guideline 14 limits (hourly ≤ 30 % / ±10 %, monthly ≤ 15 % / ±5 %), "
                f"✓: twin {tally['twin']} of {tally['n']}, OpenDSM hourly model "
                f"{tally['opendsm_hourly']} of {tally['n']}; monthly limits alone, OpenDSM daily "
                f"model {tally['opendsm_daily']} of {tally['n']}.")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=cc.ROOT.parent / "shared" / "data")
    parser.add_argument("--buildings", default="b0,b2,b19")
    parser.add_argument("--cases", default="within", help="within, ahead (comma-separated)")
    parser.add_argument("--yangzhong", action="store_true", help="the 20 Yangzhong firms instead")
    parser.add_argument("--no-opendsm", action="store_true", help="the twin's columns only")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # OpenDSM's data warnings and mesa's step log
    started = time.perf_counter()
    if args.yangzhong:
        from yangzhong_cases import yangzhong_table

        print(yangzhong_table(args.data, not args.no_opendsm))
    else:
        print(cambridge_table(args.buildings.split(","), args.cases.split(","), args.data,
                              not args.no_opendsm))
    print(f"\n({time.perf_counter() - started:.0f} s, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
