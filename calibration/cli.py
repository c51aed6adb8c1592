"""``park-twin calibrate``: fit a scenario to meters and write metrics, overlay and report.

::

    park-twin calibrate SCENARIO --meters FILE_OR_DIR --map MAP.yaml --out DIR
                        [--spec SPEC.yaml] [--weather FILE] [--max-evals N]
                        [--calibration FIRST:LAST] [--validation FIRST:LAST]

The ``twin`` package never imports ``calibration``; the console script finds this command
through :func:`register` (an entry point, see the lead's wiring) and ``python -m
calibration.cli calibrate ...`` runs it directly. Bad input prints one line per problem and
exits with 2; a fit that does not converge says so, still writes everything and exits 0.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from calibration.screening import keep_screens
from twin.errors import InputError, Problem

EXIT_INPUT = 2
HELP = "fit a scenario's free fields to meter data; write metrics, overlay, fit.csv and report"
ARGS: list[tuple[str, dict]] = [
    ("scenario", {"metavar": "SCENARIO", "help": "scenario YAML"}),
    ("--meters", {"required": True, "metavar": "FILE",
                  "help": "meter data file, or the folder the mapping's files are in"}),
    ("--map", {"required": True, "metavar": "MAP", "help": "meter mapping YAML"}),
    ("--out", {"required": True, "metavar": "DIR", "help": "output folder (replaced)"}),
    ("--spec", {"metavar": "SPEC", "help": "calibration spec YAML (free fields, periods, "
                "weather, fit options); default: demand models learned from the meters"}),
    ("--weather", {"metavar": "FILE", "help": "measured weather file (columns as in the "
                   "spec's weather section; overrides its path)"}),
    ("--max-evals", {"type": int, "metavar": "N", "help": "model runs the fit may use"}),
    ("--calibration", {"metavar": "FIRST:LAST", "help": "calibration days, e.g. "
                       "2019-01-01:2019-09-30 (overrides the spec)"}),
    ("--validation", {"metavar": "FIRST:LAST", "help": "validation days (overrides the spec)"}),
    ("--keep", {"metavar": "SCREENS", "help": "comma-separated data-quality screens whose "
                "values are kept for fitting (placeholder, stuck, reset, duplicate_series, "
                "pv_outage, pv_curtailment, pv_clipping, or all); default: all excluded"}),
    ("--report-js", {"choices": ["embed", "cdn"], "default": "embed",
                     "help": "plotly.js inside report.html (offline) or from the CDN"}),
]


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``calibrate`` command to a ``park-twin`` subparser set."""
    parser = sub.add_parser("calibrate", help=HELP, description=HELP)
    for flag, opts in ARGS:
        parser.add_argument(flag, **opts)
    parser.set_defaults(handler=calibrate_command)
    return parser


def calibrate_command(args: argparse.Namespace) -> int:
    """Run a calibration from parsed arguments; print a summary; return the exit code."""
    from calibration.fit import calibrate
    from calibration.spec import load_spec

    spec = load_spec(args.spec)
    spec = _with_overrides(spec, args)
    periods = _periods(args)
    result = calibrate(args.scenario, args.meters, args.map, spec, periods)
    result.write(args.out, plotlyjs=args.report_js)
    print(summary_text(result))
    print(f"\nwritten to {args.out}/ (metrics.json, calibrated.yaml, fit.csv, report.html)")
    return 0


def _with_overrides(spec, args: argparse.Namespace):
    """The spec with --weather, --max-evals and --keep applied."""
    if args.weather:
        if not Path(args.weather).is_file():
            raise InputError(Problem(args.weather, "--weather", "file not found"))
        if spec.weather is None:
            raise InputError(Problem(args.spec or "(no --spec)", "weather", "--weather needs "
                                     "a weather section in the spec (time zone and columns)"))
        spec = replace(spec, weather=replace(spec.weather, path=Path(args.weather).resolve()))
    if args.max_evals is not None:
        if args.max_evals < 1:
            raise InputError(Problem("(command line)", "--max-evals", "must be >= 1"))
        spec = replace(spec, fit=replace(spec.fit, max_evals=args.max_evals))
    if args.keep:
        spec = replace(spec, keep=keep_screens(args.keep.split(","), "(command line)", "--keep"))
    return spec


def _periods(args: argparse.Namespace) -> dict | None:
    """``--calibration``/``--validation`` as a periods mapping (None if not given)."""
    if not args.calibration:
        if args.validation:
            raise InputError(Problem("(command line)", "--validation", "needs --calibration"))
        return None
    out = {}
    for name in ("calibration", "validation"):
        text = getattr(args, name)
        if text is None:
            continue
        parts = text.split(":")
        if len(parts) != 2:
            raise InputError(Problem("(command line)", f"--{name}", f"expected FIRST:LAST "
                                     f"dates such as 2019-01-01:2019-09-30, got {text!r}"))
        out[name] = parts
    return out


def summary_text(result) -> str:
    """One line per meter, period and interval: CV(RMSE) and NMBE before -> after."""
    s = result.summary
    lines = [f"fit {'converged' if s['converged'] else 'DID NOT CONVERGE'}: {s['message']} "
             f"({s['evaluations']} runs, {s.get('seconds', 0):.1f} s)"]
    lines += [f"  {p} = {v['fitted']:.4g}  (start {v['start']:.4g})" for p, v in s["free"].items()]
    lines.append(f"{'meter':<14}{'period':<12}{'interval':<9}{'CV(RMSE)':>19}{'NMBE':>19}"
                 "  ASHRAE 14")
    for meter, entry in result.metrics["meters"].items():
        for period in result.metrics["periods"]:
            for interval, st in entry.get(period, {}).items():
                b, a = st["before"], st["after"]
                if "error" in a:
                    lines.append(f"{meter:<14}{period:<12}{interval:<9}  {a['error']}")
                    continue
                verdict = "pass" if a["standards"]["ashrae14"]["pass"] else "fail"
                lines.append(f"{meter:<14}{period:<12}{interval:<9}"
                             f"{_arrow(b.get('cv_rmse'), a['cv_rmse']):>19}"
                             f"{_arrow(b.get('nmbe'), a['nmbe']):>19}  {verdict}")
    return "\n".join(lines)


def _arrow(before, after) -> str:
    text = "-" if before is None else f"{before:.3f}"
    return f"{text} -> {after:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m calibration.cli calibrate ...``: the same as ``park-twin calibrate``."""
    from twin.cli import main as park_twin

    return park_twin(list(argv) if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
