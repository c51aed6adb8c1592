"""Yangzhong's 20 largest firms: the twin's defaults against OpenDSM's daily model.

January-October 2015 fitted, November-December predicted, daily readings cleaned as the
shipped mapping says (calibration/examples/yangzhong/map.yaml), the 2015 daily weather
made hourly as ``park-twin calibrate`` does. The twin runs ``calibrate`` with no free
fields (the learned demand models); OpenDSM's ``DailyModel`` is fitted on the same
cleaned days. Verdicts: daily CV(RMSE) <= 30 %, NMBE +-10 % on the predicted days
(p = 0). Used by scripts/bench_opendsm.py --yangzhong; not a test.

The method was tuned on the first ten firms of the mapping (TUNING); the other ten are
reported apart.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import yaml

from calibration.compare import paired
from calibration.fit import calibrate
from calibration.metrics import evaluate
from calibration.setup import prepare
from calibration.spec import spec_from_dict

EXAMPLE = Path(__file__).resolve().parents[1] / "calibration" / "examples" / "yangzhong"
TUNING = ("e1416", "e175", "e174", "e90", "e1262", "e129", "e1307", "e1310", "e1124", "e275")
FIT = ("2015-01-01", "2015-10-31")
PREDICT = ("2015-11-01", "2015-12-31")


def _spec(data: Path, ent: str) -> dict:
    folder = data / "meters" / "yangzhong"
    return {"meters": [ent], "periods": {"calibration": list(FIT), "validation": list(PREDICT)},
            "weather": {"path": str(folder / "yangzhong_daily_weather_2015.csv"),
                        "timezone": "Asia/Shanghai",
                        "columns": {"timestamp": "record_date", "temp_max_c": "t_max",
                                    "temp_min_c": "t_min"}},
            "fit": {"interval": "daily"}}


def _args(data: Path, ent: str) -> tuple:
    folder = data / "meters" / "yangzhong"
    return (EXAMPLE / "scenario.yaml", folder / "yangzhong_enterprise_daily_kwh_2015.csv.gz",
            EXAMPLE / "map.yaml", spec_from_dict(_spec(data, ent)))


def opendsm_daily(data: Path, ent: str) -> dict:
    """OpenDSM's daily model on the cleaned readings of one firm: predicted-days stats."""
    from bench_opendsm import opendsm_predict

    problem = prepare(*_args(data, ent))
    tz = problem.measured.index.tz
    temp = problem.weather["temp_air_c"].tz_convert(tz)
    fit = problem.window(*(dt.date.fromisoformat(d) for d in FIT))[ent]
    target = problem.window(*(dt.date.fromisoformat(d) for d in PREDICT))[[ent]]
    pred = opendsm_predict("daily", fit, temp, temp, True)
    sim = pred.reindex(target.index).to_frame(ent)
    m, s = paired(target.where(sim.notna()), sim, "D", "daily")
    return evaluate(m[ent], s[ent], "daily", 0)


def twin_daily(data: Path, ent: str) -> tuple[dict, float, str]:
    """The twin's defaults on one firm: predicted-days stats, seconds, the model chosen."""
    started = time.perf_counter()
    result = calibrate(*_args(data, ent))
    stats = result.metrics["meters"][ent]["validation"]["daily"]["after"]
    return stats, time.perf_counter() - started, result.summary["models"][ent]["model"]


def _cell(st: dict) -> str:
    mark = " ✓" if st["standards"]["ashrae14"]["pass"] else ""
    return f"{st['cv_rmse']:.1%} / {st['nmbe']:+.1%}{mark}"


def yangzhong_table(data: Path, with_opendsm: bool) -> str:
    """Markdown: per firm the twin's and OpenDSM's daily CV(RMSE) / NMBE, Nov-Dec 2015."""
    ids = list(yaml.safe_load((EXAMPLE / "map.yaml").read_text(encoding="utf-8"))["meters"])
    rows = ["| firm | set | twin model | twin daily | twin s | OpenDSM daily model |",
            "|---|---|---|---|---|---|"]
    tally = {"twin": 0, "opendsm": 0}
    for ent in ids:
        stats, seconds, label = twin_daily(data, ent)
        tally["twin"] += stats["standards"]["ashrae14"]["pass"]
        other = "-"
        if with_opendsm:
            o = opendsm_daily(data, ent)
            tally["opendsm"] += o["standards"]["ashrae14"]["pass"]
            other = _cell(o)
        rows.append(f"| {ent} | {'tuning' if ent in TUNING else 'held out'} | {label} | "
                    f"{_cell(stats)} | {seconds:.1f} | {other} |")
    rows.append(f"\nDaily limits (CV(RMSE) ≤ 30 %, NMBE ±10 %) on November-December 2015, ✓: "
                f"twin {tally['twin']} of {len(ids)}"
                + (f", OpenDSM daily model {tally['opendsm']} of {len(ids)}." if with_opendsm else "."))
    return "\n".join(rows)
