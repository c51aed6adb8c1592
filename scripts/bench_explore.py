"""Sweep throughput and worker memory: scenario-years of the reference park per 10 minutes.

    .venv/bin/python scripts/bench_explore.py [--runs 60] [--workers 2] [--scenario FILE]

Runs ``--runs`` sizes of one PV array (or, with ``--seeds``, seeds: failures and a new synthetic
weather year each, so the weather, PV and demand caches miss) of the scenario (a full year
each: load, simulate and assess) through
:func:`twin.explore.sweep.sweep` on a Dask LocalCluster of ``--workers`` processes, after one
warm-up run per worker, and prints runs per 10 minutes and each worker's resident memory.
A benchmark, not a test: the machine it runs on (and who else uses it) sets the figure.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from twin.explore.pool import Pool
from twin.explore.sweep import sweep

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=60)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--scenario", default=str(ROOT / "scenarios" / "reference_baseline.yaml"))
    p.add_argument("--field", default="assets[pv_roof_electronics].p_dc_mw")
    p.add_argument("--seeds", action="store_true", help="vary the seed instead of the PV size")
    a = p.parse_args()
    vary = [f"{a.field}=6"] if a.seeds else [f"{a.field}=1:{a.runs / 2 + 0.5}:0.5"]
    with Pool(workers=a.workers) as pool:
        sweep(a.scenario, [f"{a.field}=6"], seeds=pool.size, pool=pool)  # warm the workers
        cpu0 = _worker_cpu_s(pool)
        start = time.perf_counter()
        s = sweep(a.scenario, vary, seeds=a.runs if a.seeds else 1, pool=pool)
        wall = time.perf_counter() - start
        cpu = (_worker_cpu_s(pool) - cpu0) / a.runs
        memory = pool.worker_memory_mb()
    hours = s.table["hours"].iloc[0]
    errors = int(s.table["error"].notna().sum())
    what = "seeds" if a.seeds else a.field
    print(f"{len(s.table)} runs ({what}) of {Path(a.scenario).name} ({hours:.0f} h each) "
          f"on {a.workers} workers: {wall:.1f} s, {errors} failed")
    print(f"{a.runs * 600 / wall:,.0f} scenario-years per 10 minutes ({wall / a.runs:.2f} s per run per cluster)")
    cores = os.cpu_count() or 1
    print(f"CPU per run in the workers: {cpu:.2f} s; on {cores} cores to ourselves: "
          f"{cores * 600 / cpu:,.0f} scenario-years per 10 minutes")
    print("worker memory [MB]: " + ", ".join(f"{v:,.0f}" for v in memory.values()))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def _worker_cpu_s(pool: Pool) -> float:
    """CPU seconds (user + system) the workers have used so far."""
    return sum(pool.client.run(_cpu_s).values())


def _cpu_s() -> float:
    import psutil

    t = psutil.Process().cpu_times()
    return t.user + t.system


if __name__ == "__main__":
    main()
