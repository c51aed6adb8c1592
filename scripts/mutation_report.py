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
import random
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


Sample = dict[str, tuple[str, int]]  # mutant -> (module, unchecked mutants it was drawn from)


def read_sample(path: Path) -> Sample:
    """The sample drawn by ``--draw``: mutant -> (module, size of the stratum it stands for)."""
    with path.open(encoding="utf-8") as f:
        return {r["mutant"]: (r["module"], int(r["unchecked"])) for r in csv.DictReader(f)}


def estimate(status: dict[str, str], sample: Sample, group=lambda module: module,
             unchecked_survive: bool = False, equivalent: frozenset[str] = frozenset()) -> dict[str, tuple]:
    """Estimated killed share per group: (mutants, census, sampled, score, half-width of 95 %).

    Each module is two strata: the mutants checked outside the sample, counted whole (the
    census), and all its other mutants, estimated from the checked members of the random
    sample with the finite-population correction. A module whose rest has no checked sample
    member adds its census only (the mutants column shows what is covered). ``group`` maps
    a module to the row it is added to. ``unchecked_survive`` counts sample members not yet
    checked as survivors (a lower bound when a run stopped before the sample's dearest ones).
    Mutants in ``equivalent`` (no test can kill them) leave the population: those of the
    census by name, those of the rest in the proportion the sample shows.
    """
    total, census, killed = Counter(), Counter(), Counter()
    drawn: dict[str, list[str]] = defaultdict(list)  # "k" killed, "s" survived, "e" equivalent
    for name, s in status.items():
        module = module_of(name)
        total[module] += 1
        if name in sample:
            if s != "not checked" or unchecked_survive:
                drawn[module].append("k" if s in KILLED else "e" if name in equivalent else "s")
        elif s != "not checked":
            census[module] += 1
            killed[module] += s in KILLED
            total[module] -= name in equivalent  # out of the population, not in the rest either
            census[module] -= name in equivalent
    acc: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0, 0.0])
    for module in total:
        a, rest, d = acc[group(module)], total[module] - census[module], drawn[module]
        a[0] += census[module]
        a[1] += census[module]
        a[3] += killed[module]
        kept = len(d) - d.count("e")
        if rest and kept:
            n, p, real = len(d), d.count("k") / kept, rest * kept / len(d)
            a[0] += real
            a[2] += n
            a[3] += real * p
            a[4] += real**2 * p * (1 - p) / max(kept - 1, 1) * (1 - n / rest)
    return {g: (round(a[0]), int(a[1]), int(a[2]), a[3] / a[0], 1.96 * a[4] ** 0.5 / a[0])
            for g, a in acc.items() if a[0]}


def _estimate_lines(status: dict[str, str], sample: Sample, equivalent: frozenset[str]) -> list[str]:
    lines = ["", "## Estimated over every mutant (census + random sample)", "",
             "The score counts every mutant; the last but one column counts the sample members no run "
             "reached as survivors; the last leaves the equivalent mutants out (census by name, the rest "
             "in the sample's proportion).", "",
             "| | mutants | checked in the full run | random sample of the rest (checked) | score "
             "| 95 % interval | score if the unchecked sample survived | score leaving equivalents out "
             "(95 % interval) |", "|---|---|---|---|---|---|---|---|"]
    for group in (package_of, lambda m: "**all**"):
        rows, low = estimate(status, sample, group), estimate(status, sample, group, True)
        net = estimate(status, sample, group, equivalent=equivalent)
        for g, (n, census, sampled, score, half) in sorted(rows.items()):
            e = net.get(g)  # absent when every mutant of the group is equivalent
            e_text = f"{e[3]:.1%} ({e[3] - e[4]:.1%} – {min(e[3] + e[4], 1):.1%})" if e else "-"
            lines.append(f"| {g} | {n} | {census} | {sampled} | {score:.1%} | "
                         f"{score - half:.1%} – {min(score + half, 1):.1%} | {low[g][3]:.1%} | {e_text} |")
    return lines


def report(status: dict[str, str], reasons: dict[str, str], sample: Sample | None = None,
           killed_since: frozenset[str] = frozenset()) -> str:
    """The Markdown report: scores per package and module, then the survivors.

    ``killed_since``: survivors that a later run (after new tests) killed; the scores keep
    the verdict of ``status`` (for sample members, the run before any test targeted them).
    """
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
    if sample:
        lines += _estimate_lines(status, sample, frozenset(reasons))
    lines += ["", "## By module", "", *head]
    lines += [_row(m, by_module[m]) for m in sorted(by_module)]
    left = sorted(n for n, s in status.items() if s in ("survived", "no tests"))
    explained = [n for n in left if n in reasons]
    since = [n for n in left if n in killed_since and n not in reasons]
    lines += ["", f"## Survivors ({len(left)}: {len(explained)} explained as equivalent, {len(since)} killed "
              f"since, {len(left) - len(explained) - len(since)} not yet)", "",
              _without_equivalents(status, explained), "",
              "| mutant | status | why it survives |", "|---|---|---|"]
    why = {**{n: "killed since by a test written after this run (the scores keep this run's verdict)"
              for n in since}, **reasons}
    lines += [f"| `{n}` | {status[n]} | {why.get(n, 'unexplained')} |" for n in left]
    return "\n".join(lines) + "\n"


def _without_equivalents(status: dict[str, str], explained: list[str]) -> str:
    """The checked mutants' score once the equivalent ones (no test can kill) are left out."""
    checked = [s for s in status.values() if s not in ("not checked", "skipped")]
    killed, kept = sum(s in KILLED for s in checked), len(checked) - len(explained)
    score = f"{killed / kept:.1%}" if kept else "-"
    return (f"Leaving the {len(explained)} equivalent mutants out, {killed} of the {kept} other checked "
            f"mutants are killed: {score}.")


def draw_sample(status: dict[str, str], fraction: float, seed: int) -> list[tuple[str, str, int]]:
    """A random share of each module's unchecked mutants: (mutant, module, unchecked count).

    When a full run cannot finish (each mutant runs simulations), the rest of every module
    is sampled at random and its score estimated from the sample; the count is what the
    sample stands for.
    """
    rng = random.Random(seed)
    left: dict[str, list[str]] = defaultdict(list)
    for name, s in sorted(status.items()):
        if s == "not checked":
            left[module_of(name)].append(name)
    out = []
    for module, names in sorted(left.items()):
        k = max(1, round(fraction * len(names)))
        out += [(n, module, len(names)) for n in sorted(rng.sample(names, k))]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, help="saved output of `mutmut results --all true`")
    ap.add_argument("--out", type=Path, help="write the report here (default: print it)")
    ap.add_argument("--sample", type=Path, help="CSV of a random sample (estimate the rest from it)")
    ap.add_argument("--draw", type=float, metavar="FRACTION",
                    help="draw a random FRACTION of each module's unchecked mutants into --sample")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--since", type=Path, metavar="RESULTS",
                    help="results of a later run: survivors it killed are marked, the scores keep --results")
    args = ap.parse_args(argv)
    if args.results:
        text = args.results.read_text(encoding="utf-8")
    else:
        mutmut = Path(sys.executable).with_name("mutmut")
        text = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
    status = parse(text)
    if args.draw:
        if not args.sample:
            ap.error("--draw needs --sample FILE to write the sample to")
        with args.sample.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["mutant", "module", "unchecked"])
            w.writerows(draw_sample(status, args.draw, args.seed))
        print(f"run: mutmut run $(cut -d, -f1 {args.sample} | tail -n +2)")
        return 0
    later = parse(args.since.read_text(encoding="utf-8")) if args.since else {}
    md = report(status, equivalents(), read_sample(args.sample) if args.sample else None,
                frozenset(n for n, s in later.items() if s in KILLED))
    if args.out:
        args.out.write_text(md, encoding="utf-8")
    else:
        print(md, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
