"""Results page: key figures, the indicator panel (twin.assess), dispatch, monthly, Sankey,
carbon waterfall and accounts, R-ACES, events, exports."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from parkapp import exports, state, widgets
from twin.appraisal.assessment import Assessment
from twin.kernel.results import Results
from twin.present import charts, charts_assess
from twin.present.i18n import format_kpi, format_kpi_value, kpi_display, kpi_label, kpi_name, kpi_short_label, option, t
from twin.present.panels import (
    HEADLINE,
    accounts_frame,
    figures,
    indicator_frame,
    park_size_text,
    verdict,
    verdict_text,
)

LOWER_IS_BETTER = ("co2", "cost", "carbon", "energy_tce", "consumption_tce", "import", "unserved", "curtailment")


def plot_config(name: str) -> dict[str, Any]:
    """Plotly settings: PNG download from the browser (offline), no logo."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2, "filename": name}}


def kpi_cards(kpis: dict, base: dict | None, lang: str) -> None:
    """Headline KPIs as metric cards, with the change against the base scenario."""
    for start in range(0, len(HEADLINE), 4):
        for col, key in zip(st.columns(4), HEADLINE[start:start + 4], strict=False):
            delta = None
            if base is not None and key in base:
                new, old = kpi_display(key, kpis.get(key, 0.0), lang), kpi_display(key, base[key], lang)
                diff = new - old
                if abs(diff) > 1e-9 * max(1.0, abs(old)):
                    delta = f"{diff:+,.3g}" if abs(diff) < 1000 else f"{diff:+,.0f}"
            worse = "inverse" if any(w in key for w in LOWER_IS_BETTER) else "normal"
            col.metric(kpi_short_label(key, lang), format_kpi_value(key, kpis.get(key, 0.0), lang), delta=delta,
                       delta_color=worse, border=True, help=kpi_label(key, lang))


def indicator_panel(a: Assessment, lang: str) -> None:
    """Verdict on the core indicator, the park's size band, and the table of core, guiding and
    reference indicators with the numbers behind each (all from ``twin.assess``)."""
    st.subheader(t("ui.indicator_panel", lang))
    show = {"pass": st.success, "fail": st.error, "not_set": st.info}[verdict(a)]
    show(verdict_text(a, lang))
    st.caption(park_size_text(a, lang))
    st.table(styled_status(indicator_frame(a, lang), t("ui.col_status", lang)), hide_index=True)
    st.caption(t("ui.indicator_note", lang))


def styled_status(frame: pd.DataFrame, column: str) -> Any:
    """Status column in green (pass) or red (fail)."""
    def color(value: str) -> str:
        return "color: #1a7f37" if value.startswith("✔") else "color: #c62828" if value.startswith("✘") else ""
    return frame.style.map(color, subset=[column])


def _dispatch(r: Results, lang: str) -> Any:
    buses = charts.buses(r)
    carrier = dict(zip(r.port_bus, r.port_carrier, strict=True))
    cols = st.columns([1, 3])
    with cols[0]:
        bus = widgets.sticky_choice(st.selectbox, t("ui.bus", lang), buses, "dispatch_bus", lang,
                                    format_func=lambda b: f"{b} · {option('carrier', carrier[b], lang)}")
    week = 1
    if charts.weeks(r) > 1:
        week = cols[1].slider(t("ui.week", lang), 1, charts.weeks(r), 1, key="dispatch_week")
    fig = charts.dispatch_week(r, bus, week, lang)
    st.plotly_chart(fig, width="stretch", config=plot_config("dispatch"), key="chart_dispatch")
    return fig


def _events(r: Results, lang: str) -> None:
    events = r.events
    if events.empty:
        st.info(t("ui.no_events", lang))
        return
    cols = st.columns(3)
    kinds = cols[0].multiselect(t("ui.events_filter_event", lang), sorted(events["event"].unique()), key="ev_kind",
                                format_func=lambda e: option("event", e, lang), placeholder=t("ui.st_choose", lang))
    assets = cols[1].multiselect(t("ui.events_filter_asset", lang), sorted(events["asset"].astype(str).unique()),
                                 key="ev_asset", placeholder=t("ui.st_choose", lang))
    text = cols[2].text_input(t("ui.events_search", lang), key="ev_text")
    shown = events
    if kinds:
        shown = shown[shown["event"].isin(kinds)]
    if assets:
        shown = shown[shown["asset"].astype(str).isin(assets)]
    if text:
        shown = shown[shown["detail"].astype(str).str.contains(text, case=False, regex=False)]
    st.caption(t("ui.events_count", lang, n=len(shown), total=len(events)))
    shown = shown.assign(event=shown["event"].map(lambda e: option("event", e, lang)))
    st.dataframe(shown.rename(columns={c: t(f"ui.events_col_{c}", lang) for c in shown.columns}),
                 hide_index=True, width="stretch", key="events_table")


def _exports(r: Results, a: Assessment, figures: dict[str, Any], lang: str) -> None:
    stem = "park_twin"
    cols = st.columns(3)
    cols[0].download_button(t("ui.export_kpis_csv", lang), exports.kpis_csv(r, lang), f"{stem}_kpis.csv",
                            "text/csv", key="dl_kpis", on_click="ignore")
    cols[1].download_button(t("ui.export_flows_csv", lang), lambda: exports.flows_csv(r), f"{stem}_flows.csv",
                            "text/csv", key="dl_flows", on_click="ignore")
    cols[2].download_button(t("ui.export_excel", lang), lambda: exports.excel_bytes(r, lang, a), f"{stem}_results.xlsx",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            key="dl_excel", on_click="ignore")
    st.caption(t("ui.png_offline_note", lang))
    if not exports.png_available():
        st.info(t("ui.png_unavailable", lang))
        return
    cols = st.columns(len(figures))
    for col, (name, fig) in zip(cols, figures.items(), strict=True):
        col.download_button(t("ui.export_png", lang, chart=t(f"ui.chart_{name}", lang)),
                            lambda fig=fig: exports.png_bytes(fig), f"{stem}_{name}.png", "image/png",
                            key=f"dl_png_{name}", on_click="ignore")


def _carbon(a: Assessment, lang: str) -> Any:
    fig = charts_assess.carbon_waterfall(a, lang)
    st.plotly_chart(fig, width="stretch", config=plot_config("carbon"), key="chart_carbon")
    st.markdown(f"**{t('ui.accounts_title', lang)}**")
    st.dataframe(accounts_frame(a, lang), hide_index=True, width="stretch", key="accounts_table")
    st.caption(t("ui.accounts_note", lang))
    return fig


def _races(a: Assessment, name: str, lang: str) -> Any:
    fig = charts_assess.races_spider({name: a}, lang)
    st.plotly_chart(fig, width="stretch", config=plot_config("races"), key="chart_races")
    st.caption(t("ui.races_note", lang))
    return fig


def _charts(r: Results, a: Assessment, name: str, lang: str) -> None:
    names = ["dispatch", "monthly", "sankey", "carbon", "races", "events", "export"]
    tabs = dict(zip(names, st.tabs([t(f"ui.tab_{n}", lang) for n in names]), strict=True))
    figures: dict[str, Any] = {}
    with tabs["dispatch"]:
        figures["dispatch"] = _dispatch(r, lang)
    with tabs["monthly"]:
        figures["monthly"] = charts.monthly_energy(r, lang)
        st.plotly_chart(figures["monthly"], width="stretch", config=plot_config("monthly"), key="chart_monthly")
    with tabs["sankey"]:
        by = widgets.sticky_choice(st.radio, t("ui.sankey_by", lang), ["enterprise", "sector"], "sankey_by", lang,
                                   horizontal=True, format_func=lambda v: t(f"ui.by_{v}", lang))
        figures["sankey"] = charts.sankey(r, lang, by)
        st.plotly_chart(figures["sankey"], width="stretch", config=plot_config("sankey"), key="chart_sankey")
    with tabs["carbon"]:
        figures["waterfall"] = _carbon(a, lang)
    with tabs["races"]:
        figures["spider"] = _races(a, name, lang)
    with tabs["events"]:
        _events(r, lang)
    with tabs["export"]:
        _exports(r, a, figures, lang)


def _measures_caption(run: state.Run, ws: state.Workspace, lang: str) -> None:
    n, total = len(run.measures), run.measures_total
    if ws.off:
        st.info(t("ui.measures_switched_off", lang, n=n, total=total, off=", ".join(ws.off)))
    elif n == total:
        st.info(t("ui.measures_end_state", lang, total=total))
    else:
        st.info(t("ui.measures_applied", lang, n=n, total=total, year=ws.year))


def page() -> None:
    """The Results page."""
    lang = state.lang()
    if state.rejected_upload():
        st.warning(t("ui.upload_rejected_run", lang, name=state.rejected_upload()))
        return
    ws = state.workspace()
    st.header(f"{t('ui.page_results', lang)} · {ws.label}")
    run = state.simulate(ws.edited, ws.name, ws.origin, ws.year, ws.off)
    if run.results is None or run.assessment is None:
        st.error(t("ui.fix_first", lang))
        widgets.show_problems(st, run.problems)
        return
    st.caption(t("ui.run_time_cached" if run.cached else "ui.run_time", lang, s=run.seconds))
    if run.measures_total:
        _measures_caption(run, ws, lang)
    base = None
    if ws.changes:
        base_run = state.simulate(ws.base, ws.name, ws.origin, ws.year, ws.off)
        if base_run.results is not None and base_run.assessment is not None:
            base = figures(base_run.results.kpis, base_run.assessment)
        st.caption(t("ui.vs_base", lang, name=ws.name))
    kpi_cards(figures(run.results.kpis, run.assessment), base, lang)
    indicator_panel(run.assessment, lang)
    _charts(run.results, run.assessment, ws.label, lang)
    with st.expander(t("ui.all_kpis", lang)):
        table = pd.DataFrame({t("ui.kpi", lang): [kpi_name(k, lang) for k in run.results.kpis],
                              t("ui.col_value", lang): [format_kpi(k, v, lang) for k, v in run.results.kpis.items()]})
        st.dataframe(table, hide_index=True, width="stretch", key="all_kpis")
