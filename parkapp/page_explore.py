"""Explore page: many runs of the current scenario through twin.explore. A 2-D grid of two sizes
as a heatmap with the threshold contour; Monte Carlo of demand growth, the grid factor and the
failure/weather seed (P10/P50/P90, probability of meeting each indicator, monthly bands,
convergence); a tornado of the same inputs; least-cost sizing with its cost-carbon front.

The work is bounded (caps on grid size, draws and generations) because the app runs on shared
servers. Runs are evaluated in the app's process, or on the Dask cluster named by the
environment variable ``PARK_TWIN_SCHEDULER``. Every table downloads as Parquet and CSV.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
import yaml

from parkapp import state
from parkapp.page_results import plot_config
from twin.errors import InputError
from twin.explore.fields import size_paths
from twin.explore.optimise import CARBON, COST, optimise
from twin.explore.pool import Pool
from twin.explore.sensitivity import scenario_evaluator, tornado
from twin.explore.stats import convergence, pass_probability, percentiles
from twin.explore.sweep import sweep
from twin.present import charts_explore
from twin.present.i18n import kpi_display, kpi_label, t

MAX_AXIS = 5  # values per grid axis (25 runs at most)
MAX_DRAWS = 40
MAX_GENERATIONS = 4
CORE = "carbon_per_energy_t_co2_per_tce"
MC_KPIS = [CORE, COST, "operating_cost_cny_per_yr", "national_net_co2_t", "grid_import_mwh"]


def page() -> None:
    """Draw the Explore page."""
    lang = state.lang()
    ws = state.workspace()
    st.caption(t("ui.explore_intro", lang, name=ws.label))
    scenario, problems = state.validated(ws.edited, ws.name, ws.origin)
    if scenario is None:
        st.error("\n".join(str(p) for p in problems))
        return
    file = _scenario_file(ws.edited, ws.key)
    tabs = st.tabs([t(f"ui.explore_tab_{k}", lang) for k in ("grid", "mc", "tornado", "sizing")])
    with tabs[0]:
        _grid(file, size_paths(scenario), ws.year, lang)
    with tabs[1]:
        _monte_carlo(file, scenario.accounting.national_grid_basis, ws.year, lang)
    with tabs[2]:
        _tornado(file, scenario.seed, scenario.accounting.national_grid_basis, ws.year, lang)
    with tabs[3]:
        _sizing(file, size_paths(scenario), ws.year, lang)


def _scenario_file(raw: dict, key: str) -> str:
    """The edited scenario as a YAML file in a fresh folder (so it can name no server file)."""
    folder = Path(tempfile.gettempdir()) / f"parktwin-explore-{os.getpid()}" / key.replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(path)


def _pool() -> Pool:
    return Pool(workers=0, scheduler=os.environ.get("PARK_TWIN_SCHEDULER"))


def _progress(lang: str):
    bar = st.progress(0.0, text=t("ui.explore_running", lang, done=0, total="…"))

    def tick(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=t("ui.explore_running", lang, done=done, total=total))

    return bar, tick


def _axis(sizes: dict[str, float], label: str, default: int, key: str) -> list[float]:
    path = st.selectbox(label, list(sizes), index=min(default, len(sizes) - 1), key=f"{key}_field")
    base = sizes[path]
    c = st.columns(3)
    low = c[0].number_input("min", value=round(base * 0.5, 3), min_value=0.001, key=f"{key}_low_{path}")
    high = c[1].number_input("max", value=round(base * 2.0, 3), min_value=0.001, key=f"{key}_high_{path}")
    n = c[2].slider("n", 2, MAX_AXIS, 3, key=f"{key}_n")
    return path, [float(f"{v:.4g}") for v in np.linspace(low, max(high, low), n)]


def _grid(file: str, sizes: dict[str, float], year: int | None, lang: str) -> None:
    names = list(sizes)
    pv = next((i for i, n in enumerate(names) if n.endswith("p_dc_mw")), 0)
    store = next((i for i, n in enumerate(names) if n.endswith("e_max_mwh")), min(1, len(names) - 1))
    left, right = st.columns(2)
    with left:
        x, xs = _axis(sizes, t("ui.explore_x", lang), pv, "gx")
    with right:
        y, ys = _axis(sizes, t("ui.explore_y", lang), store, "gy")
    z = st.radio(t("ui.explore_metric", lang), [CORE, COST], format_func=lambda k: kpi_label(k, lang),
                 horizontal=True, key="explore_z")
    if x == y:
        st.warning(t("ui.explore_same_axes", lang))
        return
    if st.button(t("ui.explore_run_grid", lang, n=len(xs) * len(ys)), key="run_grid"):
        vary = [f"{x}={','.join(map(str, xs))}", f"{y}={','.join(map(str, ys))}"]
        table = _run(lang, lambda pool, tick: sweep(file, vary, year=year, pool=pool, progress=tick).table)
        if table is not None:
            st.session_state["explore_grid"] = (x, y, table)
    if "explore_grid" in st.session_state:
        gx, gy, table = st.session_state["explore_grid"]
        limit = table["carbon_per_energy_threshold"].dropna()
        threshold = float(limit.iloc[0]) if z == CORE and len(limit) else None
        fig = charts_explore.grid_heatmap(table, gx, gy, z, threshold, lang)
        st.plotly_chart(fig, config=plot_config("grid_heatmap"), key="grid_heatmap")
        _downloads(table, "grid", lang)


def _uncertain(growth_sd: float, factor_low: float, factor_high: float, basis: str) -> list[str]:
    """Demand growth (a factor on every enterprise's electricity) and the grid factor, as --vary items."""
    vary = []
    if growth_sd > 0:
        vary.append(f"enterprises[*].demand.electricity_mwh*=normal(1,{growth_sd})")
    if factor_high > factor_low:
        # the national method's grid factor (the core indicator's), as a factor override
        vary.append(f"accounting.factor_overrides.grid:{basis}=uniform({factor_low},{factor_high})")
    return vary


def _mc_inputs(basis: str, lang: str) -> tuple[list[str], int, bool]:
    c = st.columns(4)
    growth = c[0].number_input(t("ui.explore_growth_sd", lang), 0.0, 0.5, 0.05, step=0.01, key="mc_growth")
    lo = c[1].number_input(t("ui.explore_factor_low", lang), 0.0, 2.0, 0.70, step=0.01, key="mc_flo")
    hi = c[2].number_input(t("ui.explore_factor_high", lang), 0.0, 2.0, 0.85, step=0.01, key="mc_fhi")
    draws = c[3].slider(t("ui.explore_draws", lang), 5, MAX_DRAWS, 10, key="mc_draws")
    seeds = st.checkbox(t("ui.explore_seeds", lang), value=True, key="mc_seeds")
    return _uncertain(growth, lo, hi, basis), draws, seeds


def _monte_carlo(file: str, basis: str, year: int | None, lang: str) -> None:
    vary, draws, seeds = _mc_inputs(basis, lang)
    if not vary:
        st.info(t("ui.explore_no_inputs", lang))
        return
    if st.button(t("ui.explore_run_mc", lang, n=draws), key="run_mc"):
        table = _run(lang, lambda pool, tick: sweep(file, vary, draws=draws, year=year, pool=pool, progress=tick,
                                                    monthly=True, paired_seeds=seeds).table)
        if table is not None:
            st.session_state["explore_mc"] = table
    if "explore_mc" not in st.session_state:
        return
    table = st.session_state["explore_mc"]
    cols = [c for c in MC_KPIS if c in table]
    p = percentiles(table, cols)
    shown = ["p10", "p50", "p90", "mean"]
    p[shown] = p[shown].mul([kpi_display(c, 1.0, lang) for c in p.index], axis=0)
    p.index = [kpi_label(c, lang) for c in p.index]
    st.dataframe(p[["p10", "p50", "p90", "mean", "n"]], key="mc_percentiles")
    st.dataframe(pass_probability(table), key="mc_pass")
    band = charts_explore.monthly_bands(table, "grid_import_mwh", lang)
    st.plotly_chart(band, config=plot_config("mc_band"), key="mc_band")
    conv = charts_explore.convergence_chart(convergence(table, [CORE]), CORE, lang)
    st.plotly_chart(conv, config=plot_config("mc_conv"), key="mc_conv")
    _downloads(table, "monte_carlo", lang)


def _tornado(file: str, seed: int, basis: str, year: int | None, lang: str) -> None:
    """One input at a time at its P10 and P90: the Monte Carlo tab's inputs."""
    st.caption(t("ui.explore_tornado_note", lang))
    vary = _uncertain(st.session_state.get("mc_growth", 0.05), st.session_state.get("mc_flo", 0.70),
                      st.session_state.get("mc_fhi", 0.85), basis)
    if not vary:
        st.info(t("ui.explore_no_inputs", lang))
        return
    if st.button(t("ui.explore_run_tornado", lang, n=2 * len(vary) + 1), key="run_tornado"):
        from twin.explore.fields import parse_vary
        from twin.scenario.load import load_scenario

        sc = load_scenario(file)
        specs = [parse_vary(v, sc, file) for v in vary]

        def work(pool: Pool, tick) -> pd.DataFrame:
            evaluate = scenario_evaluator(file, specs, seed, year, pool)
            return tornado({s.field.path: s.dist for s in specs}, evaluate, [CORE, COST])

        st.session_state["explore_tornado"] = _run(lang, work)
    torn = st.session_state.get("explore_tornado")
    if torn is not None:
        for out in (CORE, COST):
            fig = charts_explore.tornado_chart(torn, out, lang)
            st.plotly_chart(fig, config=plot_config(f"tornado_{out}"), key=f"tornado_{out}")
        _downloads(torn, "tornado", lang)


def _sizing(file: str, sizes: dict[str, float], year: int | None, lang: str) -> None:
    chosen = st.multiselect(t("ui.explore_sizes", lang), list(sizes), max_selections=2,
                            default=[n for n in sizes if n.endswith(("p_dc_mw", "e_max_mwh"))][:2], key="opt_sizes")
    ranges = []
    for path in chosen:
        c = st.columns(3)
        base = sizes[path]
        lo = c[0].number_input(f"{path} min", value=round(base * 0.5, 3), min_value=0.001, key=f"opt_lo_{path}")
        hi = c[1].number_input(f"{path} max", value=round(base * 2, 3), min_value=0.002, key=f"opt_hi_{path}")
        step = c[2].number_input(f"{path} step", value=round(max(hi - lo, 0.002) / 4, 3), min_value=0.001,
                                 key=f"opt_step_{path}")
        ranges.append(f"{path}={lo}:{hi}:{step}")
    gens = st.slider(t("ui.explore_generations", lang), 1, MAX_GENERATIONS, 2, key="opt_gens")
    if chosen and st.button(t("ui.explore_run_sizing", lang), key="run_sizing"):
        st.session_state["explore_opt"] = _run(lang, lambda pool, tick: optimise(
            file, ranges, year=year, generations=gens, population=3, pool=pool, progress=tick))
    opt = st.session_state.get("explore_opt")
    if opt is None:
        return
    if opt.best is None:
        st.warning(t("ui.explore_no_plan", lang))
    else:
        st.success(t("ui.explore_best_plan", lang, plan=", ".join(f"{k} = {opt.best[k]:g}" for k in opt.sizes),
                     cost=f"{opt.best[COST] / 1e8:,.2f}"))
    st.plotly_chart(charts_explore.front_chart(opt.trials, opt.front, opt.best, COST, CARBON, lang),
                    config=plot_config("opt_front"), key="opt_front")
    _downloads(opt.trials, "sizing_trials", lang)


def _run(lang: str, work):
    """Do ``work(pool, tick)`` with a progress bar; input problems as an error, not a traceback."""
    bar, tick = _progress(lang)
    try:
        with _pool() as pool:
            return work(pool, tick)
    except InputError as exc:
        st.error("\n".join(str(p) for p in exc.problems))
        return None
    finally:
        bar.empty()


def _downloads(table: pd.DataFrame | None, name: str, lang: str) -> None:
    if table is None:
        return
    buf = io.BytesIO()
    table.to_parquet(buf, index=False)
    c = st.columns(2)
    c[0].download_button(t("ui.explore_download_parquet", lang), buf.getvalue(), f"{name}.parquet",
                         key=f"dl_{name}_parquet")
    c[1].download_button(t("ui.explore_download_csv", lang), table.to_csv(index=False).encode("utf-8"),
                         f"{name}.csv", key=f"dl_{name}_csv")
