"""Regenerate the golden files of the one-week mini scenario, on purpose.

Run after a deliberate change of the physics or the mini scenario:

    .venv/bin/python scripts/regenerate_golden.py

and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

import twin

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"


def golden_tables(results: twin.Results) -> tuple[dict, object]:
    """KPIs and the daily sum of every port (what the golden test compares)."""
    daily = results.flows_frame().resample("D").sum()
    daily.index = daily.index.strftime("%Y-%m-%d")
    return results.kpis, daily.rename_axis("date")


def main() -> None:
    results = twin.run(twin.load_scenario(ROOT / "scenarios" / "mini.yaml"))
    kpis, daily = golden_tables(results)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    (GOLDEN / "mini_kpis.json").write_text(json.dumps(kpis, indent=2) + "\n", encoding="utf-8")
    daily.to_csv(GOLDEN / "mini_daily.csv", float_format="%.9g")
    print(f"wrote {GOLDEN}/mini_kpis.json and mini_daily.csv")


if __name__ == "__main__":
    main()
