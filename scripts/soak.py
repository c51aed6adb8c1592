"""Soak the reference park over many seeds: no failure, balances hold, memory stays flat.

    nice -n 10 .venv/bin/python scripts/soak.py                  # 1,000 seeds of the full year
    nice -n 10 .venv/bin/python scripts/soak.py --seeds 100      # a shorter soak

Each seed is a full run (``twin.run``): new weather year, new failures, new agent choices.
Every run must finish, keep every bus balanced every hour, and give finite KPIs. The
resident memory (RSS) is read after the first runs (the caches are full by then) and at the
end; it must not grow by more than ``--max-growth-mb``. Prints the figures; exit 1 on a
failure or on growth. Not a test (it runs for many minutes): issue 14 reports its figures.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import numpy as np

import twin
from twin.network import inputs

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 10  # runs before the baseline RSS: the input cache is full by then (see CACHE_MB)
CACHE_MB = 64
"""The soak caps the cache of exogenous arrays (``twin.network.inputs.CACHE_BYTES``, 2 GB by
default for calibration's many variants) at a few runs' worth: every seed brings a new
weather year, so the default cache would grow to its bound and hide a leak below it."""


def rss_mb() -> float:
    """Resident memory of this process now [MB] (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def check(r: twin.Results) -> None:
    """Every bus balances every hour and every KPI is finite (raises AssertionError)."""
    for bus in set(r.port_bus):
        cols = r.flows[:, r.port_bus == bus]
        off = float(np.abs(cols.sum(axis=1)).max())
        assert off <= 1e-6 * max(1.0, float(np.abs(cols).max())), f"bus {bus} off by {off}"
    assert all(np.isfinite(v) for v in r.kpis.values()), "a KPI is not finite"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "reference_baseline.yaml"))
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--max-growth-mb", type=float, default=50.0)
    args = parser.parse_args(argv)
    inputs.CACHE_BYTES = CACHE_MB * 2**20
    scenario = twin.load_scenario(args.scenario)
    started, failures, base = time.perf_counter(), [], None
    print(f"soak of {Path(args.scenario).name}, {args.seeds} seeds, input cache {CACHE_MB} MB; "
          f"RSS at start {rss_mb():.0f} MB", flush=True)
    for seed in range(args.seeds):
        try:
            check(twin.run(scenario, seed=seed))
        except Exception as exc:  # noqa: BLE001 (a soak counts every failure and goes on)
            failures.append((seed, f"{exc.__class__.__name__}: {exc}"))
        gc.collect()
        if seed + 1 == min(WARM_UP, args.seeds):
            base = rss_mb()
        if (seed + 1) % 50 == 0:
            print(f"  {seed + 1} runs, {time.perf_counter() - started:.0f} s, RSS {rss_mb():.0f} MB", flush=True)
    end, seconds = rss_mb(), time.perf_counter() - started
    growth = end - (base or end)
    print(f"{args.seeds} runs in {seconds:.0f} s ({seconds / args.seeds:.2f} s each); RSS after "
          f"{min(WARM_UP, args.seeds)} runs {base:.0f} MB, at the end {end:.0f} MB (growth {growth:+.0f} MB); "
          f"{len(failures)} failure(s)")
    for seed, text in failures[:20]:
        print(f"  seed {seed}: {text}")
    return 1 if failures or growth > args.max_growth_mb else 0


if __name__ == "__main__":
    sys.exit(main())
