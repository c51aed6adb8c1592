"""``park-twin evaluate``: judge a calibrated scenario on another period's meters, no fitting.

::

    park-twin evaluate SCENARIO --meters FILE_OR_DIR --map MAP.yaml --out DIR
                       [--calibrated DIR_OR_FILE] [--spec SPEC.yaml] [--weather FILE]
                       [--period FIRST:LAST] [--keep SCREENS]

Registered like ``calibrate`` (entry point ``park_twin.commands``); see
``calibration.evaluate``. Bad input prints one line per problem and exits with 2, writing
nothing.
"""

from __future__ import annotations

import argparse

from calibration.cli import ARGS as CALIBRATE_ARGS
from calibration.cli import _with_overrides as with_overrides

HELP = ("judge a calibrated scenario on another period's meters and weather, without "
        "fitting; write metrics, fit.csv and report")
SHARED = ("scenario", "--meters", "--map", "--out", "--weather", "--report-js", "--keep")
ARGS: list[tuple[str, dict]] = [a for a in CALIBRATE_ARGS if a[0] in SHARED] + [
    ("--calibrated", {"metavar": "DIR", "help": "the folder park-twin calibrate wrote (or its "
                      "calibrated.yaml): its fitted fields are applied to SCENARIO, and its "
                      "fit.csv is compared with these meters for a change of regime"}),
    ("--spec", {"metavar": "SPEC", "help": "calibration spec YAML: its weather section "
                "(columns, time zone), meters and fit.interval are used"}),
    ("--period", {"metavar": "FIRST:LAST", "help": "days judged, e.g. 2022-01-01:2022-12-31 "
                  "(default: every metered day, within one year)"}),
]


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``evaluate`` command to a ``park-twin`` subparser set."""
    parser = sub.add_parser("evaluate", help=HELP, description=HELP)
    for flag, opts in ARGS:
        parser.add_argument(flag, **opts)
    parser.set_defaults(handler=evaluate_command, max_evals=None)
    return parser


def evaluate_command(args: argparse.Namespace) -> int:
    """Run an evaluation from parsed arguments; print a summary; return the exit code."""
    from calibration.evaluate import evaluate_scenario, parse_period
    from calibration.spec import load_spec

    spec = with_overrides(load_spec(args.spec), args)
    period = parse_period(args.period) if args.period else None
    result = evaluate_scenario(args.scenario, args.meters, args.map, spec, period,
                               args.calibrated)
    result.write(args.out, plotlyjs=args.report_js)
    print(summary_text(result.metrics))
    print(f"\nwritten to {args.out}/ (metrics.json, fit.csv, report.html)")
    return 0


def summary_text(metrics: dict) -> str:
    """One line per meter and interval: CV(RMSE), NMBE, verdict; then the change of regime."""
    (period, (first, last)), = metrics["periods"].items()
    lines = [f"evaluated {first}..{last} without fitting ({metrics['fit']['seconds']:.1f} s)",
             f"{'meter':<14}{'interval':<9}{'n':>6}{'CV(RMSE)':>10}{'NMBE':>9}  ASHRAE 14"]
    for meter, entry in metrics["meters"].items():
        for interval, stats in entry.get(period, {}).items():
            a = stats["after"]
            if "error" in a:
                lines.append(f"{meter:<14}{interval:<9}  {a['error']}")
                continue
            verdict = "pass" if a["standards"]["ashrae14"]["pass"] else "fail"
            lines.append(f"{meter:<14}{interval:<9}{a['n']:>6}{a['cv_rmse']:>10.3f}"
                         f"{a['nmbe']:>9.3f}  {verdict}")
    spread = metrics.get("weather", {}).get("spread")
    if spread and spread["pv_yield_uncertainty_frac"] is not None:
        lines.append(f"synthetic weather ({spread['site']}): PV yield uncertain by "
                     f"+/-{spread['pv_yield_uncertainty_frac']:.1%}")
    for meter, found in metrics.get("regime", {}).items():
        lines.append(f"{meter}: {found['verdict']}")
    return "\n".join(lines)
