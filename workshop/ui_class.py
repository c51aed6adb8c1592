"""Facilitator pages: create a session, and the class view for the projector."""

from __future__ import annotations

import threading
from datetime import datetime

import streamlit as st

from workshop.activities import Activity, activities, activity
from workshop.charts import cost_carbon_chart, firms_chart
from workshop.engine import outcome
from workshop.exports import class_table, csv_bytes, debrief_html, excel_bytes
from workshop.i18n import t
from workshop.rounds import WEIGHTS, answer, shared_values
from workshop.store.repo import now_utc
from workshop.ui_common import ACTIONS, JOINS, join_url, limited, qr_png, store

REFRESH_S = 5  # the class view polls the store this often


def create_form(lang: str) -> None:
    """Pick an activity; a new session's code and facilitator link appear."""
    st.subheader(t("ui.facilitator", lang))
    acts = activities()
    with st.form("create"):
        aid = st.selectbox(t("ui.activity", lang), list(acts), format_func=lambda k: acts[k].title(lang))
        if st.form_submit_button(t("ui.create", lang)):
            limited(JOINS, "create")
            code, token = store().create_session(aid, lang)
            # the baseline run every first move needs, computed while the room joins
            threading.Thread(target=outcome, args=(acts[aid],), daemon=True).start()
            st.query_params.clear()
            st.query_params.update({"fac": token, "lang": lang})
            st.rerun()


def class_page(token: str, lang: str) -> None:
    """The class view: join code and QR, round controls, leaderboard, scatter, predictions, exports."""
    s = store().facilitated(token)
    a = activity(s.activity)
    st.title(a.title(lang))
    url = f"{join_url()}/?code={s.code}&lang={lang}"
    left, right = st.columns([3, 1])
    left.markdown(f"## {t('ui.code', lang)}: `{s.code}`")
    left.caption(t("ui.scan", lang, url=join_url()))
    left.info(a.question(lang))
    right.image(qr_png(url), width=180)
    _round_controls(token, lang)
    _live(token, lang)


def _round_controls(token: str, lang: str) -> None:
    cols = st.columns(6)
    actions = [("lock", {"state": "locked"}), ("reveal", {"state": "revealed"}), ("reopen", {"state": "open"}),
               ("next_round", {"next_round": True})]
    for col, (key, kwargs) in zip(cols, actions, strict=False):
        if col.button(t(f"ui.{key}", lang), key=f"round_{key}"):
            limited(ACTIONS, token)
            store().set_round(token, **kwargs)
            st.rerun()
    minutes = cols[4].number_input(t("ui.timer_min", lang), 1, 120, 10, label_visibility="collapsed")
    if cols[5].button(t("ui.start_timer", lang)):
        limited(ACTIONS, token)
        store().set_round(token, timer_min=float(minutes))
        st.rerun()


@st.fragment(run_every=REFRESH_S)
def _live(token: str, lang: str) -> None:
    s = store().facilitated(token)
    a = activity(s.activity)
    teams = store().teams(s.id)
    timer = ""
    if s.timer_end is not None:
        left = max(0, int((s.timer_end - now_utc()).total_seconds()))
        timer = " · " + t("ui.time_left", lang, m=left // 60, s=left % 60)
    st.markdown(f"**{t('ui.round', lang, n=s.round_no)} · {t('ui.state_' + s.round_state, lang)}**{timer} · "
                f"{t('ui.teams_joined', lang, n=len(teams))}: " + ", ".join(tm.name for tm in teams))
    plans = store().plans(s.id, s.round_no)
    preds = {tm.name: v for tm, _, v in store().predictions(s.id, s.round_no)}
    frame = class_table(a, plans, preds)
    revealed = s.round_state == "revealed"  # the projector shows no answer before the reveal
    if a.prediction is not None:
        _predictions(a, plans, preds, revealed, lang)
    st.subheader(t("ui.leaderboard", lang))
    if not plans:
        st.caption(t("ui.no_plans", lang))
    else:
        st.dataframe(frame if revealed else frame.drop(columns=["answer"]), key="leaderboard", hide_index=True)
        st.caption(f"{t('ui.score', lang)}: " + ", ".join(f"{k} {v:.0%}" for k, v in WEIGHTS.items()))
        points = {t("ui.baseline", lang): plans[0][2]["baseline"], **{tm.name: out for tm, _, out in plans}}
        st.plotly_chart(cost_carbon_chart(points, lang, plans[0][2]), key="scatter")
        _open_plan(plans, lang)
    if a.kind == "roleplay":
        _shared_park(a, plans, lang)
    _exports(a, frame, plans, lang, s.round_no)


def _predictions(a: Activity, plans: list, preds: dict[str, float], revealed: bool, lang: str) -> None:
    st.subheader(t("ui.predictions", lang))
    own = {tm.name: out for tm, _, out in plans}
    rows = [{t("ui.team", lang): name, a.prediction.label(lang): value,
             t("ui.outcome", lang): answer(a, own.get(name)) if revealed else None}
            for name, value in sorted(preds.items())]
    st.dataframe(rows, key="predictions", hide_index=True)


def _open_plan(plans: list, lang: str) -> None:
    names = [tm.name for tm, _, _ in plans]
    pick = st.selectbox(t("ui.open_plan", lang), names, key="open_plan")
    for tm, controls, out in plans:
        if tm.name == pick:
            st.json({"role": tm.role, "controls": controls,
                     "outcome": {k: out[k] for k in ("core_t_per_tce", "co2_t", "capex_cny", "npv_cny")}},
                    expanded=False)


def _shared_park(a: Activity, plans: list, lang: str) -> None:
    st.subheader(t("ui.shared_park", lang))
    values = shared_values(a, {tm.role: controls for tm, controls, _ in plans if tm.role})
    st.plotly_chart(firms_chart(a, outcome(a, values), lang), key="firms")


def _exports(a: Activity, frame, plans: list, lang: str, round_no: int) -> None:
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    name = f"{a.id}-round{round_no}-{stamp}"
    cols = st.columns(3)
    cols[0].download_button(t("ui.export_csv", lang), csv_bytes(frame), f"{name}.csv", "text/csv", key="csv")
    cols[1].download_button(t("ui.export_xlsx", lang), excel_bytes(frame), f"{name}.xlsx", key="xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    cols[2].download_button(t("ui.export_html", lang), debrief_html(a, frame, plans, lang), f"{name}.html",
                            "text/html", key="html")
