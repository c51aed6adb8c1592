"""Score a mutmut run per module and list its survivors (issue 15, docs/testing.md).

Reads ``mutmut results --all true`` (run in the project folder after ``make mutation``),
counts each mutant's status per module and per package, and writes a Markdown report:
the scores, then every survivor with the reason from ``docs/mutation_equivalents.csv``
where one is recorded (an equivalent mutant), else "unexplained".

Usage::

    .venv/bin/python scripts/mutation_report.py [--results FILE] [--out docs/mutation.md]

A mutant counts as killed when a test failed, timed out or the type checker caught it;
"no tests" (no selected test calls the function) counts as not killed.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "docs" / "mutation_equivalents.csv"
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
PACKAGES = ("twin.kernel", "twin.physics", "twin.accounts", "calibration.metrics")


def parse(text: str) -> dict[str, str]:
    """Mutant name -> status, from the lines ``    name: status``."""
    out = {}
    for line in text.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            out[name] = status
    return out


def module_of(mutant: str) -> str:
    """``twin.physics.wind.x_power_curve__mutmut_3`` -> ``twin.physics.wind``."""
    parts = mutant.split(".")
    for i, part in enumerate(parts):
        if part.startswith(("x_", "xǁ")):
            return ".".join(parts[:i])
    raise ValueError(f"not a mutmut mutant name: {mutant}")


def package_of(module: str) -> str:
    return next((p for p in PACKAGES if module == p or module.startswith(p + ".")), module)


def equivalents() -> dict[str, str]:
    """Mutant name -> why no test can tell it apart (docs/mutation_equivalents.csv)."""
    if not EQUIVALENTS.exists():
        return {}
    with EQUIVALENTS.open(encoding="utf-8") as f:
        return {row["mutant"]: row["reason"] for row in csv.DictReader(f)}


def _row(name: str, counts: Counter) -> str:
    total = sum(counts.values())
    killed = sum(counts[s] for s in KILLED)
    checked = total - counts["not checked"] - counts["skipped"]
    score = f"{killed / checked:.1%}" if checked else "-"
    return (f"| {name} | {total} | {killed} | {counts['survived']} | {counts['no tests']} | "
            f"{counts['not checked']} | {score} |")


def report(status: dict[str, str], reasons: dict[str, str]) -> str:
    """The Markdown report: scores per package and module, then the survivors."""
    by_module: dict[str, Counter] = defaultdict(Counter)
    for name, s in status.items():
        by_module[module_of(name)][s] += 1
    by_package: dict[str, Counter] = defaultdict(Counter)
    for module, counts in by_module.items():
        by_package[package_of(module)].update(counts)
    head = ["| | mutants | killed | survived | no tests | not checked | score |",
            "|---|---|---|---|---|---|---|"]
    lines = ["# Mutation testing: scores and survivors", "",
             "Written by `scripts/mutation_report.py` from `mutmut results --all true`.", "",
             "## By package", "", *head]
    lines += [_row(p, by_package[p]) for p in sorted(by_package)]
    lines.append(_row("**all**", sum(by_package.values(), Counter())))
    lines += ["", "## By module", "", *head]
    lines += [_row(m, by_module[m]) for m in sorted(by_module)]
    left = sorted(n for n, s in status.items() if s in ("survived", "no tests"))
    explained = [n for n in left if n in reasons]
    lines += ["", f"## Survivors ({len(left)}: {len(explained)} explained as equivalent, "
              f"{len(left) - len(explained)} not yet)", "",
              "| mutant | status | why it survives |", "|---|---|---|"]
    lines += [f"| `{n}` | {status[n]} | {reasons.get(n, 'unexplained')} |" for n in left]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, help="saved output of `mutmut results --all true`")
    ap.add_argument("--out", type=Path, help="write the report here (default: print it)")
    args = ap.parse_args(argv)
    if args.results:
        text = args.results.read_text(encoding="utf-8")
    else:
        mutmut = Path(sys.executable).with_name("mutmut")
        text = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
    md = report(parse(text), equivalents())
    if args.out:
        args.out.write_text(md, encoding="utf-8")
    else:
        print(md, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
