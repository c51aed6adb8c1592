"""The ``park-twin`` command line: validate, run, assess, compare, pathway, mac, report, yardstick, sweep,
sensitivity, optimise, bench.

Bad input prints one line per problem (file, field, id, expectation) on stderr
and exits with code 2; nothing is written.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

from twin.errors import InputError, Problem
from twin.kernel.outputs import OUTPUT_FILES

EXIT_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``park-twin`` console script."""
    args = _parser().parse_args(argv)
    # Planners should see results, not the libraries' notices about their own future APIs.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", FutureWarning)
    try:
        return args.handler(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="park-twin", description="Digital twin of a zero-carbon industrial park.")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    _command(sub, "validate", "check scenario files", _validate,
             [("files", {"nargs": "+", "metavar": "FILE"})])
    _command(sub, "run", "simulate a scenario and print its KPIs", _run, [
        ("file", {"metavar": "FILE"}),
        ("--out", {"metavar": "DIR", "help": "write " + "; ".join(f"{k} ({v})" for k, v in OUTPUT_FILES.items())}),
        ("--seed", {"type": int, "help": "override the scenario seed"}),
        ("--json", {"action": "store_true", "help": "print the KPIs as one JSON object"}),
        ("--weather", {"metavar": "FILE", "help": "weather file to use (may lie outside the scenario folder)"}),
        ("--year", {"type": int, "help": "apply the measures commissioned by YEAR (default: all)"}),
    ])
    _command(sub, "assess", "simulate and print carbon accounts, indicators and economics", _assess, [
        ("file", {"metavar": "FILE"}),
        ("--year", {"type": int, "help": "measures in service and grid factors of YEAR "
                                         "(default: all measures, the accounting year's factors)"}),
        ("--json", {"action": "store_true", "help": "print everything as one JSON object"}),
    ])
    _command(sub, "compare", "KPIs, accounts, indicators and economics side by side", _compare, [
        ("files", {"nargs": "+", "metavar": "FILE"}),
        ("--year", {"type": int, "help": "measures in service and grid factors of YEAR"}),
        ("--json", {"action": "store_true", "help": "print one JSON object"}),
    ])
    _command(sub, "pathway", "simulate each year as measures come into service", _pathway, [
        ("file", {"metavar": "FILE"}),
        ("--from", {"dest": "start", "type": int, "required": True, "metavar": "YEAR"}),
        ("--to", {"dest": "stop", "type": int, "required": True, "metavar": "YEAR"}),
        ("--json", {"action": "store_true", "help": "print one JSON object"}),
    ])
    _command(sub, "mac", "marginal abatement cost curve of a scenario's measures", _mac, [
        ("file", {"metavar": "FILE"}),
        ("--year", {"type": int, "help": "grid factors of YEAR (default: the accounting year's)"}),
        ("--json", {"action": "store_true", "help": "print one JSON object"}),
    ])
    _command(sub, "report", "write a one-file HTML comparison report", _report, [
        ("files", {"nargs": "+", "metavar": "FILE"}),
        ("--out", {"required": True, "metavar": "HTML"}),
        ("--lang", {"choices": ["zh", "en"], "default": "zh"}),
    ])
    _command(sub, "yardstick", "the dispatch rules' cost against the perfect-foresight optimum (an LP)", _yardstick, [
        ("file", {"metavar": "FILE"}),
        ("--days", {"type": int, "metavar": "N", "help": "simulate only the first N days of the period"}),
        ("--json", {"action": "store_true", "help": "print one JSON object"}),
    ])
    for plugin in entry_points(group="park_twin.commands"):  # e.g. calibrate (calibration/)
        plugin.load()(sub)
    _command(sub, "sweep", "run the cross product of varied inputs (and Monte Carlo draws) on Dask",
             _sweep, [("file", {"metavar": "FILE"}), *_EXPLORE_ARGS,
                      ("--vary", {"action": "append", "required": True, "metavar": "FIELD=VALUES",
                                  "help": "assets[pv_roof].p_dc_mw=4,8,12 | 4:16:4 | normal(8,1); repeatable"}),
                      ("--seeds", {"type": int, "default": 1, "help": "seeds per combination (failures, weather)"}),
                      ("--draws", {"type": int, "default": 0, "help": "Monte Carlo draws of the distributions"}),
                      ("--sample-seed", {"type": int, "help": "seed of the draws (default: the file's)"}),
                      ("--paired-seeds", {"action": "store_true",
                                          "help": "draw d runs with seed file+d (instead of crossing --seeds)"})])
    _command(sub, "optimise", "least-cost sizing that meets the core indicator (differential evolution on Dask)",
             _optimise, [("file", {"metavar": "FILE"}), *_EXPLORE_ARGS,
                         ("--size", {"action": "append", "required": True, "metavar": "FIELD=LOW:HIGH[:STEP]"}),
                         ("--generations", {"type": int, "default": 20}),
                         ("--population", {"type": int, "default": 6, "help": "per size searched"}),
                         ("--seed", {"type": int, "default": 0, "help": "seed of the search"})])
    _command(sub, "sensitivity", "Morris screening or Sobol indices of the core indicator, NPV and cost",
             _sensitivity, [("file", {"metavar": "FILE"}), *_EXPLORE_ARGS,
                            ("--vary", {"action": "append", "required": True, "metavar": "FIELD=DISTRIBUTION",
                                        "help": "e.g. grid.emission_factor.t_co2_per_mwh=uniform(0.4,0.6)"}),
                            ("--method", {"choices": ["morris", "sobol"], "default": "morris"}),
                            ("--n", {"type": int, "default": 10, "help": "Morris trajectories or Sobol base samples"})])
    _command(sub, "bench", "time a full-year run against one pvlib ModelChain year", _bench, [
        ("--scenario", {"default": None, "metavar": "FILE"}),
        ("--repeat", {"type": int, "default": 5}),
        # x12 is the largest copy of the reference park (41 firms) the scenario limits accept
        ("--scales", {"default": "1,4,12", "help": "park scale factors to time"}),
    ])
    return parser


_EXPLORE_ARGS = [
    ("--out", {"required": True, "metavar": "DIR"}),
    ("--year", {"type": int, "help": "measures in service and grid factors of YEAR"}),
    ("--workers", {"type": int, "help": "local Dask workers (default: one per core; 0: this process)"}),
    ("--scheduler", {"metavar": "ADDRESS", "help": "an existing Dask scheduler, e.g. tcp://host:8786"}),
]


def _command(sub, name: str, help_text: str, handler: Callable, args: list) -> None:
    p = sub.add_parser(name, help=help_text, description=help_text)
    for flag, opts in args:
        p.add_argument(flag, **opts)
    p.set_defaults(handler=handler)


def _validate(args: argparse.Namespace) -> int:
    from twin.scenario.load import load_scenario

    problems: list[Problem] = []
    for name in args.files:
        try:
            load_scenario(name)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    print(f"{len(args.files)} scenario file(s) valid")
    return 0


def _run(args: argparse.Namespace) -> int:
    from twin.economics.run import run
    from twin.kernel.warnings import run_warnings
    from twin.scenario.load import load_scenario
    from twin.scenario.measures import apply_measures

    overrides = _weather_override(args.weather)
    scenario = load_scenario(args.file, overrides=overrides, allow_outside=bool(overrides))
    _note_year(args.file, scenario, args.year)
    if scenario.measures:
        scenario = apply_measures(scenario, year=args.year)
    results = run(scenario, seed=args.seed)
    if args.out:
        results.write(args.out)
    if args.json:
        print(json.dumps(results.kpis))
    else:
        print(format_kpis(results.kpis, title=scenario.name))
        if args.out:
            print(f"\nresults written to {args.out}/")
    _warn(run_warnings(results))
    return 0


def _warn(warnings) -> None:
    """Run warnings on stderr, one line each (stdout stays the table or the JSON)."""
    from twin.present.warnings_text import warning_lines

    for line in warning_lines(warnings, "en"):  # the CLI speaks English, as its tables
        print(f"WARNING: {line}", file=sys.stderr)


def _weather_override(path: str | None) -> dict | None:
    if path is None:
        return None
    p = Path(path)
    if not p.is_file():
        raise InputError(Problem(path, "--weather", "file not found"))
    fmt = {".epw": "epw", ".csv": "csv"}.get(p.suffix.lower())
    if fmt is None:
        raise InputError(Problem(path, "--weather", "expected an .epw or .csv file "
                                 "(other formats: set site.weather in the scenario)"))
    return {"site": {"weather": {"source": fmt, "path": str(p.resolve())}}}


def format_kpis(kpis: dict[str, float], title: str = "") -> str:
    """KPI table as aligned text, key then value."""
    width = max(len(k) for k in kpis)
    lines = [title, "-" * max(len(title), width + 16)] if title else []
    for key, value in kpis.items():
        text = "0" if value == 0 else f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"
        lines.append(f"{key:<{width}}  {text:>14}")
    return "\n".join(lines)


def _report(args: argparse.Namespace) -> int:
    from twin.present.report import report

    print(f"report written to {report(args.files, args.out, lang=args.lang)}")
    return 0


def _assess(args: argparse.Namespace) -> int:
    from twin.accounts.grid_path import year_overrides
    from twin.appraisal.assessment import assess
    from twin.economics.run import run
    from twin.present.assessment_text import format_assessment
    from twin.scenario.load import load_scenario
    from twin.scenario.measures import apply_measures

    scenario = load_scenario(args.file)
    _note_year(args.file, scenario, args.year)
    factors = year_overrides(scenario, args.year) if args.year is not None else None
    a = assess(run(apply_measures(scenario, year=args.year)), factor_overrides=factors, year=args.year)
    print(json.dumps(a.to_dict()) if args.json else format_assessment(a))
    _warn(a.warnings)
    return 0


def _compare(args: argparse.Namespace) -> int:
    from twin.appraisal.compare import compare_files, format_comparison
    from twin.present.warnings_text import demand_flags

    c = compare_files(args.files, year=args.year, progress=None if args.json else _progress)
    print(json.dumps(c.to_dict()) if args.json else format_comparison(c))
    for line in demand_flags(c.files, c.warnings, "en"):
        print(f"WARNING: {line}", file=sys.stderr)
    return 0


def _pathway(args: argparse.Namespace) -> int:
    from twin.appraisal.pathway import check_range, run_pathway
    from twin.present.assessment_text import format_pathway
    from twin.scenario.load import load_scenario

    check_range(args.file, args.start, args.stop)
    scenario = load_scenario(args.file)
    result = run_pathway(scenario, args.start, args.stop, progress=None if args.json else _progress)
    print(json.dumps(result.to_dict()) if args.json else format_pathway(result))
    return 0


def _mac(args: argparse.Namespace) -> int:
    from twin.appraisal.pathway import mac_curve
    from twin.present.assessment_text import format_mac
    from twin.scenario.load import load_scenario

    points = mac_curve(load_scenario(args.file), year=args.year, progress=None if args.json else _progress)
    print(json.dumps([p.to_dict() for p in points]) if args.json else format_mac(points))
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from twin.explore.output import format_summary, write_sweep
    from twin.explore.pool import Pool
    from twin.explore.sweep import plan, sweep

    plan(args.file, args.vary, args.seeds, args.draws, args.sample_seed, args.paired_seeds)  # exit 2 before runs
    with Pool(args.workers, args.scheduler, bar=True) as pool:
        s = sweep(args.file, args.vary, args.seeds, args.draws, args.sample_seed, args.year, pool,
                  paired_seeds=args.paired_seeds)
    print(format_summary(s))
    print(f"runs written to {write_sweep(s, args.out)}/runs.parquet")
    return 0


def _optimise(args: argparse.Namespace) -> int:
    from twin.explore.output import format_optimum, write_optimum
    from twin.explore.pool import Pool

    with Pool(args.workers, args.scheduler) as pool:
        from twin.explore.optimise import optimise

        opt = optimise(args.file, args.size, args.year, args.generations, args.population, args.seed, pool,
                       progress=lambda n, _: _progress(f"{n} plans run"))
    print(format_optimum(opt))
    print(f"trials written to {write_optimum(opt, args.out)}/trials.parquet")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    from twin.explore.output import write_sensitivity
    from twin.explore.pool import Pool
    from twin.explore.sensitivity import run_sensitivity

    with Pool(args.workers, args.scheduler, bar=True) as pool:
        s, torn = run_sensitivity(args.file, args.vary, args.method, args.n, args.year, pool)
    print(s.long().to_string(index=False))
    print(f"indices written to {write_sensitivity(s, torn, args.out)}/indices.csv")
    return 0


def _yardstick(args: argparse.Namespace) -> int:
    from twin.physics.lp import LPError
    from twin.scenario.load import load_scenario
    from twin.scenario.measures import apply_measures
    from twin.yardstick.yardstick import format_yardstick, yardstick

    scenario = load_scenario(args.file, overrides={"period": {"days": args.days}} if args.days is not None else None)
    try:
        y = yardstick(apply_measures(scenario) if scenario.measures else scenario)
    except LPError as exc:
        print(f"{args.file}: the dispatch LP found no optimum ({exc})", file=sys.stderr)
        return 1
    print(json.dumps(y.to_dict()) if args.json else format_yardstick(y))
    return 0


def _note_year(file: str, scenario, year: int | None) -> None:
    """Say on stderr when ``--year`` lies outside the years the file's measures come into service."""
    if year is None:
        return
    years = sorted(m.year for m in scenario.measures)
    if not years:
        _progress(f"{file}: no measures; --year {year} picks only that year's grid factors (where used)")
    elif year < years[0]:
        _progress(f"{file}: no measure is in service in {year} (the first is commissioned in {years[0]}): "
                  "running the park as it is")
    elif year > years[-1]:
        _progress(f"{file}: every measure is in service by {years[-1]}; {year} is past the last one")


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _bench(args: argparse.Namespace) -> int:
    from twin.kernel.bench import bench

    scales = [int(s) for s in args.scales.split(",") if s]
    print(bench(args.scenario, args.repeat, scales))
    return 0


if __name__ == "__main__":
    sys.exit(main())
