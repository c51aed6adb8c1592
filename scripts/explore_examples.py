"""The README's explore examples on the new-build reference park: one sweep, one Monte Carlo, one sizing.

    .venv/bin/python scripts/explore_examples.py [--workers 2]

Prints the figures the README quotes and writes docs/screenshots/explore_grid.png,
explore_mc.png and explore_sizing.png (the figure's HTML screenshotted by the system Chromium,
headless and offline).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

import plotly.graph_objects as go

from twin.explore.optimise import CARBON, COST, optimise
from twin.explore.pool import Pool
from twin.explore.stats import convergence, pass_probability, percentiles
from twin.explore.sweep import sweep
from twin.present import charts_explore

ROOT = Path(__file__).resolve().parents[1]
FILE = str(ROOT / "scenarios" / "reference_newbuild.yaml")
OUT = ROOT / "docs" / "screenshots"
PV, SHARE = "assets[pv_direct_fishery].p_dc_mw", "green_power.trade_frac"
CORE = "carbon_per_energy_t_co2_per_tce"
CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--parts", default="grid,mc,sizing", help="which examples to run")
    a = p.parse_args()
    parts = set(a.parts.split(","))
    OUT.mkdir(parents=True, exist_ok=True)
    with Pool(workers=a.workers, bar=True) as pool:
        if "grid" in parts:
            _grid(pool)
        if "mc" in parts:
            _monte_carlo(pool)
        if "sizing" in parts:
            _sizing(pool)


def _grid(pool: Pool) -> None:
    grid = sweep(FILE, [f"{PV}=50,100,150,200", f"{SHARE}=0:1:0.2"], pool=pool).table
    print(grid.pivot(index=SHARE, columns=PV, values=CORE).round(3).to_string())
    fig = charts_explore.grid_heatmap(grid, PV, SHARE, CORE, 0.2, "en")
    _png(fig, OUT / "explore_grid.png")


def _monte_carlo(pool: Pool) -> None:
    mc = sweep(FILE, [f"{SHARE}=0.965", "enterprises[*].demand.electricity_mwh*=normal(1,0.05)",
                      "accounting.factor_overrides.grid:national_fossil=uniform(0.70,0.85)"], draws=30,
               paired_seeds=True,
               pool=pool, monthly=True).table
    print(percentiles(mc, [CORE, COST, "grid_import_mwh"])[["p10", "p50", "p90"]].to_string())
    print(pass_probability(mc).to_string())
    print(convergence(mc, [CORE], points=6).to_string(index=False))
    fig = charts_explore.monthly_bands(mc, "grid_import_mwh", "en")
    _png(fig, OUT / "explore_mc.png")


def _sizing(pool: Pool) -> None:
    opt = optimise(FILE, [f"{PV}=50:250:25", f"{SHARE}=0.9:1:0.01"], generations=5, population=4, pool=pool)
    best = opt.best
    print(f"{len(opt.trials)} plans; best: {PV} = {best[PV]:g}, {SHARE} = {best[SHARE]:g}, "
          f"{COST} = {best[COST]:,.0f}, core = {best[CORE]:.3f}" if best else "no plan meets the core indicator")
    fig = charts_explore.front_chart(opt.trials, opt.front, best, COST, CARBON, "en")
    _png(fig, OUT / "explore_sizing.png")


def _png(fig: go.Figure, path: Path, width: int = 900, height: int = 480) -> None:
    """Screenshot of the figure's stand-alone HTML (plotly.js inline: no network)."""
    fig.update_layout(width=width - 20, height=height - 20)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "figure.html"
        fig.write_html(page, include_plotlyjs=True, full_html=True, config={"displayModeBar": False})
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={tmp}/profile", f"--window-size={width},{height}",
                        "--virtual-time-budget=5000", f"--screenshot={path}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)


if __name__ == "__main__":
    main()
