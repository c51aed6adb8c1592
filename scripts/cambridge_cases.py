"""Cambridge buildings as a new user would set them up: the twin's side of the benchmarks.

Each building gets the shipped template (calibration/examples/cambridge/scenario.yaml),
changing only ids, file names and starting totals (January-September consumption x
365/273, two significant figures; heat = 0.9 x gas), and ``park-twin calibrate`` with its
default settings (no free fields: demand models learned from the meters). Two cases:

- ``within``: 2019 January-September fitted, October-December predicted;
- ``ahead``: all of 2019 fitted, 2022 predicted with the 2022 weather (no fitting).

Used by scripts/heldout_cambridge.py and scripts/bench_opendsm.py; not a test.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calibration.compare import paired  # noqa: E402
from calibration.fit import calibrate  # noqa: E402
from calibration.meters import load_meters  # noqa: E402
from calibration.metrics import evaluate  # noqa: E402
from calibration.spec import WeatherSpec, spec_from_dict  # noqa: E402
from calibration.targets import meter_series, resolve_targets  # noqa: E402
from calibration.weather import build_weather, write_weather_csv  # noqa: E402
from twin import run  # noqa: E402
from twin.scenario.load import load_scenario  # noqa: E402

TEMPLATE = ROOT / "calibration" / "examples" / "cambridge"
WEATHER = {"timezone": "UTC", "label": "end",
           "columns": {"timestamp": "datetime", "temp_air_c": "air_temperature [degC]",
                       "ghi_w_m2": "glbl_irad_amt [W/m2]"}}
CASES = {"within": ((dt.date(2019, 1, 1), dt.date(2019, 9, 30)), 2019,
                    (dt.date(2019, 10, 1), dt.date(2019, 12, 31))),
         "ahead": ((dt.date(2019, 1, 1), dt.date(2019, 12, 31)), 2022,
                   (dt.date(2022, 1, 1), dt.date(2022, 12, 31)))}


@dataclass
class Case:
    """One building and case: files, measured readings and the twin's verdicts."""

    building: str
    case: str
    folder: Path
    seconds: float = 0.0
    stats: dict | None = None  # meter -> interval -> evaluate() of the predicted window
    models: dict | None = None


def weather_file(data: Path, year: int) -> Path:
    return data / "meters" / "cambridge" / f"metoffice_bedford_weather_{year}.csv"


def _two_figures(x: float) -> float:
    return float(f"{x:.2g}")


def write_building(b: str, folder: Path, data: Path) -> None:
    """scenario.yaml and map_<year>.yaml of building ``b`` from the shipped template."""
    raw = yaml.safe_load((TEMPLATE / "scenario.yaml").read_text(encoding="utf-8"))
    ent = copy.deepcopy(raw["enterprises"][0])
    boiler = copy.deepcopy(raw["assets"][0])
    files = data / "meters" / "cambridge"
    total = {}
    for carrier in ("electricity", "gas"):
        table = pd.read_csv(files / f"UCam_Building_{b}_{carrier}_2019.csv", parse_dates=[0])
        jan_sep = table[table.iloc[:, 0] < "2019-10-01"].iloc[:, 1].sum() / 1000.0  # MWh
        total[carrier] = jan_sep * 365 / 273
    ent.update(id=b, heat_bus=f"{b}_heat", demand={"electricity_mwh": _two_figures(total["electricity"]),
                                                  "heat_mwh": _two_figures(0.9 * total["gas"])})
    boiler.update(id=f"{b}_boiler", bus=f"{b}_heat")
    raw.update(name=f"Cambridge building {b}", enterprises=[ent], assets=[boiler],
               buses=[{"id": "el", "carrier": "electricity"}, {"id": f"{b}_heat", "carrier": "heat"}])
    (folder / "scenario.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    template = (TEMPLATE / "map_b0.yaml").read_text(encoding="utf-8").replace("b0", b)
    for year in (2019, 2022):
        if not (files / f"UCam_Building_{b}_gas_{year}.csv").exists():
            continue
        (folder / f"map_{year}.yaml").write_text(template.replace("2019", str(year)), encoding="utf-8")


def run_case(b: str, case: str, data: Path, folder: Path) -> Case:
    """Calibrate with the defaults on the fitted window; verdicts on the predicted one."""
    fit_window, year, target = CASES[case]
    spec = {"periods": {"calibration": [str(d) for d in fit_window]},
            "weather": {**WEATHER, "path": str(weather_file(data, 2019))}}
    if year == 2019:
        spec["periods"]["validation"] = [str(d) for d in target]
    started = time.perf_counter()
    result = calibrate(folder / "scenario.yaml", data / "meters" / "cambridge",
                       folder / "map_2019.yaml", spec_from_dict(spec))
    out = Case(b, case, folder, time.perf_counter() - started, models=result.summary.get("models"))
    if year == 2019:
        out.stats = {m: {iv: e["validation"][iv]["after"] for iv in ("hourly", "monthly")}
                     for m, e in result.metrics["meters"].items()}
    else:
        out.stats = predict_year(folder, result.overlay, data, year, target)
    return out


def predict_year(folder: Path, overlay: dict, data: Path, year: int,
                 window: tuple[dt.date, dt.date]) -> dict:
    """Run the calibrated scenario in ``year`` with that year's weather; verdicts (p = 0)."""
    sc0 = load_scenario(folder / "scenario.yaml")
    wx = build_weather(WeatherSpec(weather_file(data, year), **{k: v for k, v in WEATHER.items()}),
                       sc0.site, year)
    write_weather_csv(wx, folder / f"weather_{year}.csv")
    variant = {"extends": "scenario.yaml", **overlay, "period": {"year": year},
               "site": {"weather": {"source": "csv", "path": f"weather_{year}.csv"}}}
    path = folder / f"calibrated_{year}.yaml"
    path.write_text(yaml.safe_dump(variant, sort_keys=False), encoding="utf-8")
    sc = load_scenario(path)
    meters = load_meters(data / "meters" / "cambridge", folder / f"map_{year}.yaml", sc.site.timezone)
    sim = meter_series(run(sc).flows_frame(), resolve_targets(sc, meters.mapping))
    measured = window_of(meters.frame, *window)
    return {m: {iv: evaluate(*(f[m] for f in paired(measured, sim, "h", iv)), iv, 0)
                for iv in ("hourly", "monthly")} for m in measured.columns}


def window_of(frame: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Rows of the local days first..last."""
    tz = frame.index.tz
    start, stop = pd.Timestamp(first).tz_localize(tz), pd.Timestamp(last + dt.timedelta(days=1)).tz_localize(tz)
    return frame[(frame.index >= start) & (frame.index < stop)]


def passes(stats: dict) -> bool:
    """Both Guideline 14 limits: hourly and monthly."""
    return all(stats[iv]["standards"]["ashrae14"]["pass"] for iv in ("hourly", "monthly"))


def twin_cases(buildings: list[str], data: Path, cases: list[str]) -> list[Case]:
    """Every building and case, each in a temporary folder of its own."""
    out = []
    for b in buildings:
        with tempfile.TemporaryDirectory(prefix=f"cam-{b}-") as tmp:
            write_building(b, Path(tmp), data)
            out += [run_case(b, case, data, Path(tmp)) for case in cases]
    return out
