"""The README's explore examples on the new-build reference park: one sweep, one Monte Carlo, one sizing.

    .venv/bin/python scripts/explore_examples.py [--workers 2]

Prints the figures the README quotes and writes docs/screenshots/explore_grid.png,
explore_mc.png and explore_sizing.png (PNG through kaleido and the system Chromium).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from twin.explore.optimise import CARBON, COST, optimise
from twin.explore.pool import Pool
from twin.explore.stats import pass_probability, percentiles
from twin.explore.sweep import sweep
from twin.present import charts_explore

ROOT = Path(__file__).resolve().parents[1]
FILE = str(ROOT / "scenarios" / "reference_newbuild.yaml")
OUT = ROOT / "docs" / "screenshots"
PV, BESS = "assets[pv_direct_fishery].p_dc_mw", "assets[bess_park].e_max_mwh"
CORE = "carbon_per_energy_t_co2_per_tce"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with Pool(workers=a.workers, bar=True) as pool:
        grid = sweep(FILE, [f"{PV}=10,30,50,75,100,150", f"{BESS}=40,160,320"], pool=pool).table
        print(grid.pivot(index=BESS, columns=PV, values=CORE).round(3).to_string())
        fig = charts_explore.grid_heatmap(grid, PV, BESS, CORE, 0.2, "en")
        fig.write_image(OUT / "explore_grid.png", width=900, height=450, scale=2)

        mc = sweep(FILE, ["enterprises[*].demand.electricity_mwh*=normal(1,0.05)",
                          "grid.emission_factor.t_co2_per_mwh=uniform(0.45,0.6)"], draws=40, paired_seeds=True,
                   pool=pool, monthly=True).table
        print(percentiles(mc, [CORE, COST, "grid_import_mwh"])[["p10", "p50", "p90"]].to_string())
        print(pass_probability(mc).to_string())
        fig = charts_explore.monthly_bands(mc, "grid_import_mwh", "en")
        fig.write_image(OUT / "explore_mc.png", width=900, height=400, scale=2)

        opt = optimise(FILE, [f"{PV}=10:150:10", f"{BESS}=40:320:40"], generations=6, population=5, pool=pool)
        best = opt.best
        print(f"{len(opt.trials)} plans; best: {PV} = {best[PV]:g}, {BESS} = {best[BESS]:g}, "
              f"{COST} = {best[COST]:,.0f}, core = {best[CORE]:.3f}" if best else "no plan meets the core indicator")
        fig = charts_explore.front_chart(opt.trials, opt.front, best, COST, CARBON, "en")
        fig.write_image(OUT / "explore_sizing.png", width=900, height=450, scale=2)


if __name__ == "__main__":
    main()
