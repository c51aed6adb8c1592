"""Write a sweep's folder: runs.parquet, the summary and, for Monte Carlo, the convergence."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from twin.explore.optimise import Optimum
from twin.explore.sensitivity import Sensitivity
from twin.explore.stats import convergence, metric_columns, pass_probability, percentiles
from twin.explore.sweep import Sweep
from twin.files import write_folder

# KPIs whose convergence a Monte Carlo summary shows (when present)
CONVERGE = ("carbon_per_energy_t_co2_per_tce", "pv_cost_cny", "national_net_co2_t", "operating_cost_cny_per_yr")


def summary(s: Sweep) -> dict:
    """Counts, percentiles of every result and the probability of meeting each indicator."""
    t = s.table
    return {"file": s.file, "runs": len(t), "errors": int(t["error"].notna().sum()),
            "varied": {sp.field.path: sp.text for sp in s.specs},
            "seeds": sorted(int(x) for x in t["seed"].unique()),
            "worker_memory_mb": s.worker_memory_mb,
            "percentiles": percentiles(t, metric_columns(t, s.inputs)).to_dict(orient="index"),
            "pass_probability": pass_probability(t).to_dict(orient="index")}


def write_sweep(s: Sweep, out_dir: str | Path) -> Path:
    """runs.parquet (one row per run), summary.json, percentiles.csv, indicators.csv and,
    when inputs were drawn, convergence.csv; written whole or not at all."""

    def fill(folder: Path) -> None:
        t = s.table
        t.to_parquet(folder / "runs.parquet", index=False)
        (folder / "summary.json").write_text(json.dumps(_clean(summary(s)), indent=2, default=_plain) + "\n",
                                             encoding="utf-8")
        percentiles(t, metric_columns(t, s.inputs)).rename_axis("column").to_csv(folder / "percentiles.csv")
        pass_probability(t).rename_axis("indicator").to_csv(folder / "indicators.csv")
        if any(sp.random for sp in s.specs) or t["seed"].nunique() > 1:
            convergence(t, [c for c in CONVERGE if c in t]).to_csv(folder / "convergence.csv", index=False)

    return write_folder(out_dir, fill)


def format_summary(s: Sweep, top: int = 8) -> str:
    """A few lines for the terminal: runs, errors, P10/P50/P90 of headline results."""
    t = s.table
    lines = [f"{len(t)} runs, {int(t['error'].notna().sum())} failed"]
    cols = [c for c in CONVERGE if c in t][:top]
    if cols:
        p = percentiles(t, cols)
        lines += [f"{c:<40} P10 {r.p10:>14,.4g}  P50 {r.p50:>14,.4g}  P90 {r.p90:>14,.4g}" for c, r in p.iterrows()]
    prob = pass_probability(t)
    lines += [f"P(meets {k}) = {r.probability:.2f} ({int(r.met)}/{int(r.judged)})" for k, r in prob.iterrows()
              if r.judged > 0]
    return "\n".join(lines)


def _clean(x):
    """JSON-ready: NaN as null (JSON has no NaN), numpy scalars as Python numbers."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, float | int) or hasattr(x, "item"):
        v = x.item() if hasattr(x, "item") else x
        return None if isinstance(v, float) and v != v else v
    return x


def _plain(x):
    return None if pd.isna(x) else x.item() if hasattr(x, "item") else str(x)


def write_optimum(o: Optimum, out_dir: str | Path) -> Path:
    """best.json (the plan and its results), trials.parquet (every plan run), front.csv."""

    def fill(folder: Path) -> None:
        o.trials.to_parquet(folder / "trials.parquet", index=False)
        o.front.to_csv(folder / "front.csv", index=False)
        best = _clean({"sizes": o.sizes, "best": o.best})
        (folder / "best.json").write_text(json.dumps(best, indent=2, default=_plain) + "\n", encoding="utf-8")

    return write_folder(out_dir, fill)


def format_optimum(o: Optimum) -> str:
    """The best plan, its cost and core indicator, and the size of the search."""
    lines = [f"{len(o.trials)} plans run, {len(o.front)} on the cost-carbon front"]
    if o.best is None:
        return "\n".join([*lines, "no plan in the ranges meets the core indicator"])
    b = o.best
    lines += [f"{k} = {b[k]:g}" for k in o.sizes]
    lines += [f"pv_cost_cny = {b['pv_cost_cny']:,.0f}",
              f"carbon_per_energy = {b['carbon_per_energy_t_co2_per_tce']:.4f} "
              f"(threshold {b['carbon_per_energy_threshold']:.4f})"]
    return "\n".join(lines)


def write_sensitivity(s: Sensitivity, tornado: pd.DataFrame, out_dir: str | Path) -> Path:
    """indices.csv (one row per output and input), tornado.csv and runs.parquet."""

    def fill(folder: Path) -> None:
        s.long().to_csv(folder / "indices.csv", index=False)
        tornado.to_csv(folder / "tornado.csv", index=False)
        s.runs.to_parquet(folder / "runs.parquet", index=False)

    return write_folder(out_dir, fill)
