"""Compare page: two to four scenarios side by side (twin.appraisal.compare): indicators, the three
carbon accounts, economics against the first, key figures; the pathway and abatement cost
curve of a scenario with measures (on a button press); the HTML report."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from parkapp import plans, state, widgets
from parkapp.page_results import plot_config
from parkapp.scenarios import shipped_names, shipped_raw, shipped_title
from twin.appraisal.assessment import Assessment
from twin.appraisal.compare import Comparison, compare_assessments, same_period
from twin.errors import InputError
from twin.kernel.results import Results
from twin.present import charts_assess, charts_compare
from twin.present.i18n import format_number, local_name, t
from twin.present.panels import HEADLINE, figures, indicators_side_by_side, kpi_frame, section_frame, unique_names
from twin.present.report import html_report

CURRENT = "__current__"
DEFAULTS = ("reference_baseline.yaml", "reference_retrofit.yaml", "reference_newbuild.yaml")


@dataclass
class Compared:
    """The scenarios that ran: results, assessments, sources, and their comparison."""

    results: dict[str, Results]
    assessments: dict[str, Assessment]
    sources: dict[str, plans.Candidate]
    comparison: Comparison

    @property
    def names(self) -> list[str]:
        return list(self.results)


def _defaults(ws: state.Workspace) -> list[str]:
    """Baseline, retrofit and new-build (those shipped), and the current edit when there is one."""
    names = shipped_names()
    chosen = [n for n in DEFAULTS if n in names] or names[:2]
    if ws.changes or ws.origin == "upload":
        chosen = [*chosen[:3], CURRENT]
    return chosen


def _source(choice: str, ws: state.Workspace) -> tuple[dict, str, str, str, int | None, tuple[str, ...]]:
    """Scenario mapping, source name, origin, display name, measures year and measures off of a choice."""
    if choice == CURRENT:
        return ws.edited, ws.name, ws.origin, f"✎ {ws.label}", ws.year, ws.off
    raw = shipped_raw(choice)
    return raw, choice, "shipped", local_name(raw, state.lang()) or choice, None, ()


def _run_all(choices: list[str], ws: state.Workspace, lang: str) -> Compared | None:
    """Simulate and assess the chosen scenarios (cached by content), with a progress bar."""
    bar = st.progress(0.0)
    results, assessed, sources = {}, {}, {}
    names = unique_names([_source(c, ws)[3] for c in choices])
    for i, (choice, name) in enumerate(zip(choices, names, strict=True), start=1):
        bar.progress((i - 1) / len(choices), text=t("ui.compare_progress", lang, i=i, n=len(choices), name=name))
        raw, source, origin, _, year, off = _source(choice, ws)
        run = state.simulate(raw, source, origin, year, off)
        if run.results is None or run.assessment is None:
            st.warning(t("ui.compare_invalid", lang, name=name))
            continue
        results[name], assessed[name] = run.results, run.assessment
        sources[name] = plans.Candidate(name, raw, source, origin)
    bar.empty()
    if len(results) < 2:
        return None
    try:
        same_period([r.scenario for r in results.values()], list(results))
    except InputError as exc:
        st.error(t("ui.compare_periods", lang))
        widgets.show_problems(st, exc.problems)
        return None
    return Compared(results, assessed, sources, compare_assessments(list(assessed.values()), list(assessed)))


def _indicators(done: Compared, lang: str) -> None:
    st.subheader(t("ui.compare_indicators", lang))
    frame = indicators_side_by_side(done.comparison, list(done.assessments.values()), done.names, lang, races=False)
    st.table(frame.style.map(_mark))
    st.caption(t("ui.indicator_note", lang))


def _mark(value: object) -> str:
    text = str(value)
    return "color: #1a7f37" if "✔" in text else "color: #c62828" if "✘" in text else ""


def _tabs(done: Compared, lang: str) -> None:
    names = done.names
    tabs = st.tabs([t("ui.tab_accounts", lang), t("ui.tab_economics", lang), t("ui.tab_kpis", lang),
                    t("ui.tab_races_compare", lang)])
    with tabs[0]:
        st.markdown(f"**{t('ui.compare_accounts', lang)}**")
        st.table(section_frame(done.comparison, "accounts", names, lang))
        st.caption(t("ui.accounts_note", lang))
    with tabs[1]:
        st.markdown(f"**{t('ui.compare_economics', lang)}**")
        st.table(section_frame(done.comparison, "economics", names, lang))
        st.table(section_frame(done.comparison, "versus_first", names, lang))
    with tabs[2]:
        figs = {n: figures(done.results[n].kpis, done.assessments[n]) for n in names}
        every = st.toggle(t("ui.all_kpis", lang), key="compare_all")
        keys = None if every else [*HEADLINE, *done.comparison.sections["kpis"]]
        frame = kpi_frame(figs, lang, keys)
        st.dataframe(frame.style.format(format_number), width="stretch", key="compare_table")
        st.plotly_chart(charts_compare.compare_bars(figs, HEADLINE, lang), width="stretch",
                        config=plot_config("compare"), key="chart_compare")
    with tabs[3]:
        cols = st.columns(2)
        cols[0].plotly_chart(charts_assess.accounts_chart(done.assessments, lang), width="stretch",
                             config=plot_config("accounts"), key="chart_accounts")
        cols[1].plotly_chart(charts_assess.races_spider(done.assessments, lang), width="stretch",
                             config=plot_config("races"), key="chart_races_compare")
        st.dataframe(section_frame(done.comparison, "indicators", names, lang).filter(like="R-ACES", axis=0),
                     width="stretch", key="compare_races")
        st.caption(t("ui.races_note", lang))


def page() -> None:
    """The Compare page."""
    lang = state.lang()
    ws = state.workspace()
    st.header(t("ui.page_compare", lang))
    options = [*([] if state.rejected_upload() else [CURRENT]), *shipped_names()]
    label = {CURRENT: t("ui.compare_current", lang, name=ws.label),
             **{n: shipped_title(n, lang) for n in shipped_names()}}
    chosen = [c for c in st.session_state.get("compare_pick", _defaults(ws)) if c in options]
    choices = st.multiselect(t("ui.compare_pick", lang), options, default=chosen, max_selections=4,
                             placeholder=t("ui.st_choose", lang),
                             key=widgets.lang_key("compare_pick", lang), format_func=lambda c: label.get(c, c))
    st.session_state["compare_pick"] = choices
    if len(choices) < 2:
        st.info(t("ui.compare_need_two", lang))
        return
    done = _run_all(choices, ws, lang)
    if done is None:
        return
    st.caption(t("ui.compare_end_state", lang))
    _indicators(done, lang)
    _tabs(done, lang)
    candidates = [done.sources[n] for n in done.names if done.sources[n].raw.get("measures")]
    plans.section(candidates, lang, plot_config)
    st.download_button(t("ui.compare_report", lang),
                       lambda: html_report(done.results, lang, done.assessments).encode("utf-8"),
                       "park_twin_comparison.html", "text/html", key="dl_report", on_click="ignore",
                       type="primary")
