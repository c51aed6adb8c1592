"""Regenerate the golden files of the one-week mini scenario, on purpose and reviewed.

The golden files are regression-only (docs/testing.md says which of their figures are
also checked independently). After a deliberate change of the physics or of the mini
scenario, look at what would change first, then write:

    .venv/bin/python scripts/regenerate_golden.py           # print the differences only
    .venv/bin/python scripts/regenerate_golden.py --write   # and overwrite tests/golden/

and review the diff of tests/golden/ in the commit.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

import twin

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
REL, ABS = 1e-6, 1e-6  # the golden test's tolerance: differences below it are not shown


def golden_tables(results: twin.Results) -> tuple[dict, pd.DataFrame]:
    """KPIs and the daily sum of every port (what the golden test compares)."""
    daily = results.flows_frame().resample("D").sum()
    daily.index = daily.index.strftime("%Y-%m-%d")
    return results.kpis, daily.rename_axis("date")


def _differs(old: float, new: float) -> bool:
    return abs(new - old) > ABS + REL * abs(old)


def kpi_diff(old: dict, new: dict) -> list[str]:
    """One line per KPI added, removed or changed beyond the golden tolerance."""
    lines = [f"+ {k} = {new[k]:.9g}" for k in new if k not in old]
    lines += [f"- {k} = {old[k]:.9g}" for k in old if k not in new]
    lines += [f"~ {k}: {old[k]:.9g} -> {new[k]:.9g}" for k in old if k in new and _differs(old[k], new[k])]
    return lines


def daily_diff(old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """Columns added or removed, and each (date, port) that changed beyond the tolerance."""
    lines = [f"+ column {c}" for c in new.columns if c not in old.columns]
    lines += [f"- column {c}" for c in old.columns if c not in new.columns]
    common = [c for c in new.columns if c in old.columns]
    if not old.index.equals(new.index):
        return [*lines, f"~ dates: {list(old.index)} -> {list(new.index)}"]
    for c in common:
        for day, a, b in zip(new.index, old[c], new[c], strict=True):
            if _differs(a, b):
                lines.append(f"~ {day} {c}: {a:.9g} -> {b:.9g}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="overwrite tests/golden/ (default: show the diff only)")
    args = parser.parse_args(argv)
    kpis, daily = golden_tables(twin.run(twin.load_scenario(ROOT / "scenarios" / "mini.yaml")))
    kpi_file, daily_file = GOLDEN / "mini_kpis.json", GOLDEN / "mini_daily.csv"
    old_kpis = json.loads(kpi_file.read_text()) if kpi_file.exists() else {}
    old_daily = pd.read_csv(daily_file, index_col="date") if daily_file.exists() else pd.DataFrame()
    diff = kpi_diff(old_kpis, kpis) + daily_diff(old_daily, daily)
    print("\n".join(diff) if diff else "golden files up to date")
    if args.write and diff:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        kpi_file.write_text(json.dumps(kpis, indent=2) + "\n", encoding="utf-8")
        daily.to_csv(daily_file, float_format="%.9g")
        print(f"wrote {kpi_file} and {daily_file}: review the diff before committing")
    elif diff:
        print(f"{len(diff)} difference(s); nothing written (use --write after review)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
