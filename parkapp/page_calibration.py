"""Calibration page: fit a scenario to meter data and judge it by ASHRAE Guideline 14.

The planner uploads a scenario, a meter file, the mapping of meters to what the twin
produces, and optionally a spec of free fields and periods (``docs/calibration.md``);
where the real data of the worked examples sit beside the project, a Cambridge building
can be calibrated in one click. Everything is computed by ``calibration.fit.calibrate``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from calibration.fit import calibrate
from calibration.report import figure, metrics_frame, render
from parkapp import state, widgets
from twin.errors import InputError
from twin.present.i18n import t

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "calibration" / "examples" / "cambridge"
SHARED = ROOT.parent / "shared" / "data" / "meters" / "cambridge"
MAX_UPLOAD_BYTES = 20 * 2**20  # meter files of a year at 15 min stay well below


def page() -> None:
    """Draw the page: inputs, the fit on a button press, and its results."""
    lang = state.lang()
    st.header(t("ui.page_calibration", lang))
    st.caption(t("ui.calib_intro", lang))
    example = _example_choice(lang)
    files = None if example else _uploads(lang)
    if st.button(t("ui.calib_run", lang), type="primary", disabled=not (example or files)):
        with st.spinner(t("ui.calib_running", lang)):
            try:
                st.session_state["calibration"] = _run(example, files)
            except InputError as exc:
                widgets.show_problems(st, exc.problems)
                return
    result = st.session_state.get("calibration")
    if result is not None:
        _show(result, lang)


def _example_choice(lang: str) -> str | None:
    """A Cambridge building of the worked examples, where its meters are on the server."""
    if not SHARED.is_dir():
        return None
    options = ["", "b0", "b2", "b19"]
    choice = st.selectbox(t("ui.calib_example", lang), options,
                          format_func=lambda b: t("ui.calib_own_data", lang) if not b else f"Cambridge {b}")
    return choice or None


def _uploads(lang: str) -> dict[str, bytes] | None:
    """Scenario, meters, mapping and (optional) spec uploaded by the user."""
    cols = st.columns(4)
    kinds = [("scenario", ["yaml", "yml"]), ("meters", ["csv", "gz"]), ("mapping", ["yaml", "yml"]),
             ("spec", ["yaml", "yml"])]
    files = {}
    for col, (kind, types) in zip(cols, kinds, strict=True):
        upload = col.file_uploader(t(f"ui.calib_{kind}", lang), type=types, key=f"calib_{kind}")
        if upload is not None and upload.size <= MAX_UPLOAD_BYTES:
            files[kind] = (upload.name, upload.getvalue())
    return files if {"scenario", "meters", "mapping"} <= set(files) else None


def _run(example: str | None, files: dict | None):
    """Calibrate a worked example, or the uploads written to a fresh private folder."""
    if example:
        from calibration.examples.run_all import cambridge

        args = dict(next(x for b, x in cambridge(ROOT.parent / "shared" / "data", split=True) if b == example))
        return calibrate(**args)
    folder = Path(tempfile.mkdtemp(prefix="calibration-"))
    paths = {}
    for kind, (name, data) in files.items():
        paths[kind] = folder / f"{kind}{Path(name).suffix}" if kind != "meters" else folder / Path(name).name
        paths[kind].write_bytes(data)
    return calibrate(paths["scenario"], paths["meters"], paths["mapping"], paths.get("spec"))


def _show(result, lang: str) -> None:
    """Summary, fitted fields, goodness of fit with verdicts, plots, downloads."""
    s = result.summary
    status = t("ui.calib_converged" if s["converged"] else "ui.calib_not_converged", lang)
    st.info(f"{status} · {s['evaluations']} {t('ui.calib_runs', lang)} · {s.get('seconds', 0):.1f} s")
    st.subheader(t("ui.calib_fitted", lang))
    st.dataframe([{"field": k, "start": v["start"], "fitted": v["fitted"], "bounds": f"[{v['lower']}, {v['upper']}]"}
                  for k, v in s["free"].items()], hide_index=True)
    st.subheader(t("ui.calib_metrics", lang))
    st.dataframe(metrics_frame(result), hide_index=True)
    meters = list(result.series["meter"].unique())
    meter = st.selectbox(t("ui.calib_meter", lang), meters)
    frame = result.series[result.series["meter"] == meter]
    st.plotly_chart(figure(meter, frame, result.units.get(meter, "")), width="stretch")
    cols = st.columns(3)
    cols[0].download_button("calibrated.yaml", result.overlay_yaml(), "calibrated.yaml")
    cols[1].download_button("fit.csv", result.series.to_csv(index=False), "fit.csv")
    cols[2].download_button("report.html", render(result, "cdn"), "calibration_report.html")
