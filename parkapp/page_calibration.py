"""Calibration page: fit a scenario to meter data and judge it by ASHRAE Guideline 14.

The planner uploads a scenario, a meter file, the mapping of meters to what the twin
produces, and optionally a spec of free fields and periods (``docs/calibration.md``);
where the real data of the worked examples sit beside the project, a Cambridge building
can be calibrated in one click. Everything is computed by ``calibration.fit.calibrate``.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import streamlit as st

from calibration.fit import calibrate
from calibration.report import figure, metrics_frame, render
from parkapp import state, widgets
from parkapp.uploads import calibrate_uploads
from twin.errors import InputError
from twin.present.i18n import t

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "calibration" / "examples" / "cambridge"
SHARED = ROOT.parent / "shared" / "data" / "meters" / "cambridge"
# What each upload holds and its size limit [MB]: a year of 15-min meters for a park fits in 25 MB
# (the project's own Yangzhong file, 1,454 firms a day for a year, is 2.2 MB gzipped); text files
# are small, so their limits stay small (a bounded YAML read, docs/security.md).
KINDS = {"scenario": ["yaml", "yml"], "meters": ["csv", "gz"], "mapping": ["yaml", "yml"],
         "spec": ["yaml", "yml"], "weather": ["csv", "epw"]}
LIMITS_MB = {"scenario": 0.25, "meters": 25, "mapping": 0.25, "spec": 0.25, "weather": 10}
SEVERAL = {"meters"}  # kinds that take several files (the mapping names each meter's file)
REQUIRED = ("scenario", "meters", "mapping")


def page() -> None:
    """Draw the page: inputs, the fit on a button press (with its progress), and its results."""
    lang = state.lang()
    st.header(t("ui.page_calibration", lang))
    st.caption(t("ui.calib_intro", lang))
    example = _example_choice(lang)
    files = None if example else _uploads(lang)
    missing = [] if example else [k for k in REQUIRED if k not in (files or {})]
    clicked = st.button(t("ui.calib_run", lang), type="primary", disabled=bool(missing))
    if missing:  # a disabled button says why
        st.caption(t("ui.calib_needs", lang, files=", ".join(t(f"ui.calib_{k}", lang) for k in missing)))
    if clicked:
        try:
            st.session_state["calibration"] = _run_with_progress(example, files, lang)
        except InputError as exc:
            widgets.show_problems(st, exc.problems)
            return
    result = st.session_state.get("calibration")
    if result is not None:
        _show(result, lang)


def _run_with_progress(example: str | None, files: dict | None, lang: str):
    """Run the fit in a worker thread and show its model runs, elapsed time and an honest bound."""
    seen = {"done": 0, "budget": 0}
    bar = st.progress(0.0, text=t("ui.calib_started", lang))
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(_run, example, files, lambda done, budget: seen.update(done=done, budget=budget))
        start = time.monotonic()
        while not future.done():
            time.sleep(0.5)
            elapsed, done, budget = time.monotonic() - start, seen["done"], seen["budget"]
            if done and budget:  # the budget bounds the runs: most fits converge before it
                left = elapsed / done * (budget - done)
                bar.progress(min(done / budget, 0.99), text=t("ui.calib_progress", lang, done=done, budget=budget,
                                                              s=f"{elapsed:.0f}", left=f"{left:.0f}"))
            else:
                bar.progress(0.0, text=t("ui.calib_elapsed", lang, s=f"{elapsed:.0f}"))
        bar.empty()
        return future.result()


def _example_choice(lang: str) -> str | None:
    """A Cambridge building of the worked examples, where its meters are on the server."""
    if not SHARED.is_dir():
        return None
    options = ["", "b0", "b2", "b19"]
    choice = st.selectbox(t("ui.calib_example", lang), options, key="calib_example",  # kept across languages
                          format_func=lambda b: t("ui.calib_own_data", lang) if not b else f"Cambridge {b}")
    return choice or None


def _uploads(lang: str) -> dict:
    """Scenario, meter files, mapping, (optional) spec and weather uploaded by the user, each within its limit."""
    cols = st.columns(len(KINDS))
    files: dict = {}
    for col, (kind, types) in zip(cols, KINDS.items(), strict=True):
        limit = LIMITS_MB[kind]
        uploads = col.file_uploader(t(f"ui.calib_{kind}", lang), type=types, key=f"calib_{kind}",
                                    accept_multiple_files=kind in SEVERAL, max_upload_size=int(math.ceil(limit)),
                                    help=t("ui.calib_limit", lang, mb=limit))
        taken = []
        for upload in uploads if isinstance(uploads, list) else [uploads] if uploads is not None else []:
            if upload.size <= limit * 2**20:
                taken.append((upload.name, upload.getvalue()))
            else:
                col.error(t("ui.calib_too_big", lang, mb=limit))
        taken = list(dict(taken).items())  # a file uploaded again under the same name replaces the earlier one
        if taken:
            files[kind] = taken if kind in SEVERAL else taken[-1]
    return files


def _run(example: str | None, files: dict | None, progress=None):
    """Calibrate a worked example, or the uploads written to a fresh private folder."""
    if example:
        from calibration.examples.run_all import cambridge

        args = dict(next(x for b, x in cambridge(ROOT.parent / "shared" / "data", split=True) if b == example))
        return calibrate(**args, progress=progress)
    return calibrate_uploads(files, progress)


def _show(result, lang: str) -> None:
    """Summary, fitted fields, goodness of fit with verdicts, plots, downloads."""
    s = result.summary
    status = t("ui.calib_converged" if s["converged"] else "ui.calib_not_converged", lang)
    st.info(f"{status} · {s['evaluations']} {t('ui.calib_runs', lang)} · {s.get('seconds', 0):.1f} s")
    st.subheader(t("ui.calib_fitted", lang))
    col = {k: t(f"ui.calib_col_{k}", lang) for k in ("field", "start", "fitted", "bounds")}
    st.dataframe([{col["field"]: k, col["start"]: v["start"], col["fitted"]: v["fitted"],
                   col["bounds"]: f"[{v['lower']}, {v['upper']}]"} for k, v in s["free"].items()], hide_index=True)
    st.subheader(t("ui.calib_metrics", lang))
    frame = metrics_frame(result)
    st.dataframe(frame.rename(columns={c: t(f"ui.calib_col_{c}", lang) for c in frame.columns}), hide_index=True)
    meters = list(result.series["meter"].unique())
    meter = st.selectbox(t("ui.calib_meter", lang), meters)
    series = result.series[result.series["meter"] == meter]
    fig = figure(meter, series, result.units.get(meter, ""))
    fig.update_layout(title=t("ui.calib_chart", lang, meter=meter, unit=result.units.get(meter, "")))
    st.plotly_chart(fig, width="stretch")
    cols = st.columns(3)
    cols[0].download_button("calibrated.yaml", result.overlay_yaml(), "calibrated.yaml")
    cols[1].download_button("fit.csv", result.series.to_csv(index=False), "fit.csv")
    cols[2].download_button("report.html", render(result, "cdn"), "calibration_report.html")
