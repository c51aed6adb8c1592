"""Compare page: two to four scenarios side by side, differences against the first, report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from parkapp import state, widgets
from parkapp.page_results import plot_config, styled_status
from parkapp.scenarios import shipped_names, shipped_raw
from twin import charts
from twin.i18n import format_number, t
from twin.report import HEADLINE, html_report, indicator_frame, indicator_rows, kpi_frame, unique_names
from twin.results import Results

CURRENT = "__current__"


def _defaults(ws: state.Workspace) -> list[str]:
    names = shipped_names()
    if ws.changes or ws.origin == "upload":
        first = ws.name if ws.origin == "shipped" else names[0]
        return [first, CURRENT]
    return names[:2]


def _source(choice: str, ws: state.Workspace) -> tuple[dict, str, str, str]:
    """Scenario mapping, source name, origin and display name of a choice."""
    if choice == CURRENT:
        return ws.edited, ws.name, ws.origin, f"✎ {ws.label}"
    raw = shipped_raw(choice)
    return raw, choice, "shipped", str(raw.get("name") or choice)


def _run_all(choices: list[str], ws: state.Workspace, lang: str) -> dict[str, Results]:
    """Simulate the chosen scenarios (cached), with a progress bar."""
    bar = st.progress(0.0)
    out: dict[str, Results] = {}
    names = unique_names([_source(c, ws)[3] for c in choices])
    for i, (choice, name) in enumerate(zip(choices, names, strict=True), start=1):
        bar.progress((i - 1) / len(choices), text=t("ui.compare_progress", lang, i=i, n=len(choices), name=name))
        raw, source, origin, _ = _source(choice, ws)
        run = state.simulate(raw, source, origin)
        if run.results is None:
            st.warning(t("ui.compare_invalid", lang, name=name))
            continue
        out[name] = run.results
    bar.empty()
    return out


def _indicator_table(results: dict[str, Results], lang: str) -> pd.DataFrame:
    """The core indicator of each scenario: value, threshold, status."""
    rows = []
    for name, r in results.items():
        core = indicator_frame(indicator_rows(r.kpis), lang).iloc[[0]]
        rows.append(core.drop(columns=[t("ui.col_kind", lang)]).assign(**{t("ui.scenario", lang): name}))
    frame = pd.concat(rows, ignore_index=True)
    return frame[[frame.columns[-1], *frame.columns[:-1]]]


def page() -> None:
    """The Compare page."""
    lang = state.lang()
    ws = state.workspace()
    st.header(t("ui.page_compare", lang))
    options = [CURRENT, *shipped_names()]
    label = {CURRENT: t("ui.compare_current", lang, name=ws.label)}
    chosen = [c for c in st.session_state.get("compare_pick", _defaults(ws)) if c in options]
    choices = st.multiselect(t("ui.compare_pick", lang), options, default=chosen, max_selections=4,
                             key=widgets.lang_key("compare_pick", lang), format_func=lambda c: label.get(c, c))
    st.session_state["compare_pick"] = choices
    if len(choices) < 2:
        st.info(t("ui.compare_need_two", lang))
        return
    results = _run_all(choices, ws, lang)
    if len(results) < 2:
        return
    kpis = {name: r.kpis for name, r in results.items()}
    st.subheader(t("ui.compare_indicators", lang))
    st.dataframe(styled_status(_indicator_table(results, lang), t("ui.col_status", lang)), hide_index=True,
                 width="stretch", key="compare_indicators")
    st.subheader(t("ui.compare_kpis", lang))
    every = st.toggle(t("ui.all_kpis", lang), key="compare_all")
    frame = kpi_frame(kpis, lang, None if every else HEADLINE)
    st.dataframe(frame.style.format(format_number), width="stretch", key="compare_table")
    st.plotly_chart(charts.compare_bars(kpis, HEADLINE, lang), width="stretch",
                    config=plot_config("compare"), key="chart_compare")
    st.download_button(t("ui.compare_report", lang), lambda: html_report(results, lang).encode("utf-8"),
                       "park_twin_comparison.html", "text/html", key="dl_report", on_click="ignore",
                       type="primary")
