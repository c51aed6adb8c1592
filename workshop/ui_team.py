"""Participant pages: join, pick a role, predict, move, undo/reset, snapshots, submit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from twin.errors import InputError
from workshop.activities import Activity, activity, clean_controls
from workshop.charts import chart
from workshop.engine import outcome
from workshop.i18n import t
from workshop.rounds import answer, explanation, role_controls, shared_values
from workshop.security import WorkshopError
from workshop.store.repo import TeamRef
from workshop.ui_common import ACTIONS, JOINS, MOVES, limited, store

STEP = "main"  # one prediction per activity and round


def join_form(lang: str) -> None:
    """Join code and team name; on success the team token goes into the URL."""
    st.subheader(t("ui.join", lang))
    with st.form("join"):
        code = st.text_input(t("ui.code", lang), value=st.query_params.get("code", ""), max_chars=8)
        name = st.text_input(t("ui.team_name", lang), max_chars=40)
        if st.form_submit_button(t("ui.join_button", lang)):
            limited(JOINS, f"join:{code.strip().upper()}")
            token = store().join(code, name)
            st.query_params.clear()
            st.query_params.update({"team": token, "lang": lang})
            st.rerun()


def team_page(token: str, lang: str) -> None:
    """The team's page for its session's activity and round."""
    ref = store().team(token)
    a = activity(ref.activity)
    st.title(a.title(lang))
    st.caption(f"{t('ui.team', lang)}: {ref.name} · {ref.code} · {t('ui.round', lang, n=ref.round_no)} · "
               f"{t('ui.state_' + ref.round_state, lang)}")
    st.info(a.question(lang))
    if a.kind == "roleplay" and ref.role is None:
        _pick_role(a, token, lang)
        return
    predicted = store().prediction(token, STEP) if a.prediction else None
    if a.prediction and predicted is None:
        _predict(a, token, lang)
        return
    state = store().current(token)
    values = state[0] if state else a.defaults()
    _controls(a, ref, token, values, lang)
    _buttons(a, token, lang)
    if state is None:
        return
    out = state[1]
    snaps = store().snapshots(token)
    _figures(out, lang, a)
    st.plotly_chart(chart(a, out, lang, {name: o for name, _, o in snaps}), key="chart")
    if a.prediction:
        shown = answer(a, out) if (ref.round_state == "revealed" or _at(a, values)) else None
        st.write(t("ui.your_prediction", lang, p=f"{predicted:,.3g}"))
        if shown is not None:
            st.success(t("ui.twin_answer", lang, v=f"{shown:,.3g}"))
    st.markdown(f"**{t('ui.explanation', lang)}** · {explanation(a, out, lang)}")
    if snaps:
        _snapshot_table(out, snaps, lang)


def _at(a: Activity, values: dict) -> bool:
    at = a.prediction.at if a.prediction else {}
    return bool(at) and all(abs(values.get(k, 0) - v) < 1e-9 for k, v in at.items())


def _pick_role(a: Activity, token: str, lang: str) -> None:
    with st.form("role"):
        labels = {r.id: r.label(lang) for r in a.roles}
        role = st.radio(t("ui.role", lang), list(labels), format_func=labels.get)
        if st.form_submit_button(t("ui.join_button", lang)):
            limited(ACTIONS, token)
            store().set_role(token, role)
            st.rerun()


def _predict(a: Activity, token: str, lang: str) -> None:
    p = a.prediction
    st.warning(t("ui.predict_first", lang))
    with st.form("predict"):
        value = st.number_input(p.label(lang), min_value=float(p.min), max_value=float(p.max), value=None,
                                format="%.3f")
        if st.form_submit_button(t("ui.predict_button", lang)) and value is not None:
            limited(ACTIONS, token)
            try:
                store().predict(token, STEP, float(value))
            except WorkshopError as exc:  # a double submit: the first prediction counts
                if exc.key != "err.predicted":
                    raise
            st.rerun()


def _controls(a: Activity, ref: TeamRef, token: str, values: dict, lang: str) -> None:
    stamp = abs(hash(tuple(sorted(values.items())))) % 10**8  # new widgets when undo/reset change the values
    new = dict(values)
    with st.form("move"):
        st.subheader(t("ui.controls", lang))
        for c in role_controls(a, ref.role):
            joint = f" ({t('ui.waiting_partners', lang, roles=', '.join(c.joint))})" if c.joint else ""
            label = c.label(lang) + joint
            if c.kind == "toggle":
                new[c.id] = float(st.toggle(label, value=bool(values[c.id]), key=f"c_{c.id}_{stamp}"))
            else:
                new[c.id] = st.slider(label, float(c.min), float(c.max), float(values[c.id]), float(c.step),
                                      key=f"c_{c.id}_{stamp}")
        if st.form_submit_button(t("ui.apply", lang), type="primary"):
            limited(MOVES, token)
            _move(a, ref, token, new, lang)


def _move(a: Activity, ref: TeamRef, token: str, values: dict, lang: str) -> None:
    own = clean_controls(a, values)
    run_values = own
    if a.kind == "roleplay":  # others' levers as they submitted them; never their unsaved work
        by_role = {team.role: controls for team, controls, _ in store().plans(ref.session_id, ref.round_no)
                   if team.role and team.id != ref.team_id}
        run_values = shared_values(a, {**by_role, ref.role: own})
    with st.spinner(t("ui.computing", lang)):
        try:
            out = outcome(a, run_values)
        except InputError as exc:
            raise WorkshopError("err.model", msg=str(exc).splitlines()[0][:200]) from None
    store().move(token, own, out)
    st.rerun()


def _buttons(a: Activity, token: str, lang: str) -> None:
    cols = st.columns(5)
    if cols[0].button(t("ui.undo", lang)):
        limited(ACTIONS, token)
        store().undo(token)
        st.rerun()
    if cols[1].button(t("ui.reset", lang)):
        limited(MOVES, token)
        store().move(token, a.defaults(), outcome(a, a.defaults()))
        st.rerun()
    name = cols[2].text_input(t("ui.snapshot_name", lang), max_chars=40, label_visibility="collapsed",
                              placeholder=t("ui.snapshot_name", lang))
    if cols[3].button(t("ui.keep", lang)) and name:
        limited(ACTIONS, token)
        store().snapshot(token, name)
        st.rerun()
    if cols[4].button(t("ui.submit_plan", lang), type="primary"):
        limited(ACTIONS, token)
        store().submit(token)
        st.success(t("ui.submitted", lang))


def _figures(out: dict, lang: str, a: Activity) -> None:
    cols = st.columns(4)
    cols[0].metric(t("ui.core", lang), f"{out['core_t_per_tce']:.3f}",
                   f"{out['core_t_per_tce'] - out['baseline']['core_t_per_tce']:+.3f}", delta_color="inverse")
    cols[1].metric(t("ui.co2", lang), f"{out['co2_t']:,.0f}", f"{out['co2_t'] - out['co2_base_t']:+,.0f}",
                   delta_color="inverse")
    cols[2].metric(t("ui.capex", lang), f"{out['capex_cny'] / 1e6:,.1f} M")
    cols[3].metric(t("ui.npv", lang), f"{out['npv_cny'] / 1e6:,.1f} M")
    if a.budget_cny is not None:
        over = out["capex_cny"] > a.budget_cny
        (st.error if over else st.caption)(t("ui.budget", lang, b=f"{a.budget_cny:,.0f}")
                                           + (f" · {t('ui.over_budget', lang)}" if over else ""))


def _snapshot_table(out: dict, snaps: list, lang: str) -> None:
    st.subheader(t("ui.snapshots", lang))
    rows = {t("ui.current", lang): out, **{name: o for name, _, o in snaps}}
    frame = pd.DataFrame({k: {t("ui.core", lang): o["core_t_per_tce"], t("ui.co2", lang): o["co2_t"],
                              t("ui.capex", lang): o["capex_cny"], t("ui.npv", lang): o["npv_cny"]}
                          for k, o in rows.items()})
    st.dataframe(frame, key="snapshots")
