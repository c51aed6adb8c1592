"""Run every real-data worked example of docs/calibration.md and print its tables.

::

    .venv/bin/python calibration/examples/run_all.py                 # everything (~7 min)
    .venv/bin/python calibration/examples/run_all.py cambridge pv    # some groups
    .venv/bin/python calibration/examples/run_all.py yangzhong --cases e1262,e1124

Groups: ``cambridge`` (3 buildings, heating scheduled separately), ``cambridge_coupled``
(one enterprise per building), ``yangzhong`` (20 largest enterprises, one fit each),
``pv`` (the 50 MW plant). Data are read from ``../shared/data`` (``--data``); every fit
writes its folder (metrics.json, calibrated.yaml, fit.csv, report.html) under ``--out``
(default ``out/calibration``). The markdown printed on stdout is what docs/calibration.md
quotes.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from calibration.examples.pv.prepare import prepare  # noqa: E402
from calibration.fit import calibrate  # noqa: E402
from calibration.spec import load_spec, spec_from_dict  # noqa: E402
from twin.errors import InputError  # noqa: E402

BUILDINGS = ("b0", "b2", "b19")
GROUPS = ("cambridge", "cambridge_coupled", "yangzhong", "pv")
# Where each group's real data comes from (../shared/data/README.md has the licences); the
# files are never copied into this repository.
SOURCES = {
    "cambridge": ("meters/cambridge", "Cambridge University Estates Building Energy Archive, "
                  "Zenodo 10.5281/zenodo.10708693 (hourly meters; Met Office MIDAS weather at Bedford)"),
    "yangzhong": ("meters/yangzhong", "Alibaba Tianchi / State Grid Jiangsu power-consumption prediction "
                  "competition 2017 (daily kWh of 1,454 Yangzhong firms, 2015)"),
    "pv": ("pv", "State Grid renewable forecasting dataset, Chen & Xu, Sci. Data 9, 577 (2022), site 1 (50 MW)"),
}
SOURCES["cambridge_coupled"] = SOURCES["cambridge"]


def missing_data(data: Path, groups: list[str]) -> list[str]:
    """One line per group whose data folder is absent, saying where the data comes from."""
    return [f"{data / SOURCES[g][0]}: not found; group {g!r} needs the real data of {SOURCES[g][1]} "
            f"(see ../shared/data/README.md; --data names another folder)"
            for g in groups if not (data / SOURCES[g][0]).is_dir()]


def cambridge(data: Path, split: bool) -> Iterator[tuple[str, dict]]:
    """One calibration per building (electricity and gas meters)."""
    folder = data / "meters" / "cambridge"
    weather = folder / "metoffice_bedford_weather_2019.csv"
    for b in BUILDINGS:
        spec = load_spec(HERE / "cambridge" / f"spec_{'split_' if split else ''}{b}.yaml")
        spec = _with_weather(spec, weather)
        yield b, {"scenario_path": HERE / "cambridge" / ("scenario_split.yaml" if split
                                                         else "scenario.yaml"),
                  "meters_path": folder, "map_path": HERE / "cambridge" / f"map_{b}.yaml",
                  "free": spec}


def yangzhong(data: Path) -> Iterator[tuple[str, dict]]:
    """One calibration per enterprise: spec_e1416.yaml with the id replaced (+ spec_extra.yaml)."""
    folder = data / "meters" / "yangzhong"
    template = (HERE / "yangzhong" / "spec_e1416.yaml").read_text(encoding="utf-8")
    extra = yaml.safe_load((HERE / "yangzhong" / "spec_extra.yaml").read_text(encoding="utf-8"))
    ids = list(yaml.safe_load((HERE / "yangzhong" / "map.yaml").read_text())["meters"])
    for ent in ids:
        raw = yaml.safe_load(template.replace("e1416", ent))
        raw["free"].update(extra.get(ent) or {})
        spec = spec_from_dict(raw, f"spec_{ent}.yaml")
        spec = _with_weather(spec, folder / "yangzhong_daily_weather_2015.csv")
        yield ent, {"scenario_path": HERE / "yangzhong" / "scenario.yaml",
                    "meters_path": folder / "yangzhong_enterprise_daily_kwh_2015.csv.gz",
                    "map_path": HERE / "yangzhong" / "map.yaml", "free": spec}


def pv(data: Path, out: Path) -> Iterator[tuple[str, dict]]:
    """The PV plant: 15-min power made energy first (prepare.py)."""
    source = data / "pv" / "sgcc_site1_50mw_15min_2019.csv.gz"
    meters = prepare(source, out / "pv_energy_15min.csv")
    spec = _with_weather(load_spec(HERE / "pv" / "spec.yaml"), source)
    yield "pv_plant", {"scenario_path": HERE / "pv" / "scenario.yaml", "meters_path": meters,
                       "map_path": HERE / "pv" / "map.yaml", "free": spec}


def _with_weather(spec, path: Path):
    """The spec with its weather file set (what --weather does on the command line)."""
    from dataclasses import replace

    return replace(spec, weather=replace(spec.weather, path=path.resolve()))


def run_group(name: str, cases: Iterator[tuple[str, dict]], out: Path,
              only: set[str] | None = None) -> list[dict]:
    """Calibrate every case of a group (or those in ``only``); write its folder; return one row per metric."""
    rows = []
    for case, kwargs in cases:
        if only and case not in only:
            continue
        started = time.perf_counter()
        try:
            result = calibrate(**kwargs)
        except InputError as exc:  # e.g. every reading screened (a duplicated series)
            print(f"  {name}/{case}: not fitted: {exc}", file=sys.stderr)
            continue
        seconds = time.perf_counter() - started
        result.write(out / name / case, plotlyjs="cdn")
        rows += _rows(case, result, seconds)
        print(f"  {name}/{case}: {seconds:.1f} s, {result.summary['evaluations']} runs, "
              f"{'converged' if result.converged else 'NOT converged'}", file=sys.stderr)
    return rows


def _rows(case: str, result, seconds: float) -> list[dict]:
    rows = []
    for meter, entry in result.metrics["meters"].items():
        for period in result.metrics["periods"]:
            for interval, stats in entry.get(period, {}).items():
                after, before = stats["after"], stats["before"]
                rows.append({"case": case, "meter": meter, "period": period,
                             "interval": interval, "n": after.get("n"),
                             "cv_before": before.get("cv_rmse"), "cv": after.get("cv_rmse"),
                             "nmbe_before": before.get("nmbe"), "nmbe": after.get("nmbe"),
                             "pass": (after["standards"]["ashrae14"]["pass"]
                                      if "standards" in after else None),
                             "seconds": seconds, "runs": result.summary["evaluations"],
                             "converged": result.converged})
    return rows


def markdown(rows: list[dict], title: str) -> str:
    """A markdown table: one line per meter, period and interval."""
    head = ("| case | meter | period | interval | n | CV(RMSE) before → after | "
            "NMBE before → after | ASHRAE 14 | fit time [s] (runs) |\n"
            "|---|---|---|---|---:|---:|---:|---|---:|")
    lines = [f"### {title}", "", head]
    for r in rows:
        verdict = {True: "pass", False: "**fail**", None: "–"}[r["pass"]]
        conv = "" if r["converged"] else ", not converged"
        lines.append(f"| {r['case']} | {r['meter']} | {r['period']} | {r['interval']} | "
                     f"{r['n']} | {_pct(r['cv_before'])} → {_pct(r['cv'])} | "
                     f"{_pct(r['nmbe_before'])} → {_pct(r['nmbe'])} | {verdict} | "
                     f"{r['seconds']:.1f} ({r['runs']}{conv}) |")
    return "\n".join(lines) + "\n"


def _pct(value) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", metavar="GROUP", help=f"any of {GROUPS}")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "calibration")
    parser.add_argument("--cases", help="comma-separated cases to run (default: all), e.g. e1262,e1124")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.groups) - set(GROUPS))
    if unknown:
        parser.error(f"unknown groups {unknown}; choose from {GROUPS}")
    makers = {"cambridge": lambda: cambridge(args.data, split=True),
              "cambridge_coupled": lambda: cambridge(args.data, split=False),
              "yangzhong": lambda: yangzhong(args.data), "pv": lambda: pv(args.data, args.out)}
    groups = args.groups or list(GROUPS)
    missing = missing_data(args.data, groups)
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return 2
    for group in groups:
        only = set(args.cases.split(",")) if args.cases else None
        try:
            rows = run_group(group, makers[group](), args.out, only)
        except InputError as exc:
            print("\n".join(str(p) for p in exc.problems), file=sys.stderr)
            return 2
        print(markdown(rows, group))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
