"""Scenario page: choose a shipped scenario or upload one, edit it, download the edits;
see its retrofit measures (read-only) and choose the year whose measures the app runs."""

from __future__ import annotations

import copy
import hashlib
import json

import pandas as pd
import streamlit as st
import yaml

from parkapp import editors, state, widgets
from parkapp.scenarios import MAX_UPLOAD_BYTES, canonical, check, shipped_names, shipped_title
from twin.errors import InputError
from twin.present.i18n import t
from twin.present.panels_plan import measure_years, measures_frame


def _pick_source(lang: str) -> None:
    """Source choice: a shipped scenario or an uploaded YAML file."""
    ws = state.workspace()
    kinds = ["shipped", "upload"]
    kind = widgets.sticky_choice(st.radio, t("ui.source", lang), kinds, "source_kind", lang, default=ws.origin,
                                 horizontal=True, format_func=lambda k: t(f"ui.source_{k}", lang))
    if kind == "shipped":
        names = shipped_names()
        current = ws.name if ws.origin == "shipped" else names[0]
        name = st.selectbox(t("ui.shipped_pick", lang), names, index=names.index(current), key="shipped_pick",
                            format_func=lambda n: shipped_title(n, lang))
        if ws.origin != "shipped" or ws.name != name:
            state.set_workspace(state.shipped_workspace(name))
        return
    _upload(lang)


def _upload(lang: str) -> None:
    """File uploader; a good file replaces the workspace, a bad one shows its problems."""
    kb = MAX_UPLOAD_BYTES // 1024
    file = st.file_uploader(t("ui.upload_label", lang, kb=kb), type=["yaml", "yml"], key="upload",
                            help=t("ui.upload_help", lang), max_upload_size=1)
    if file is None:
        st.info(t("ui.upload_waiting", lang))
        return
    data = file.getvalue()
    digest = hashlib.sha1(data).hexdigest()[:10]
    ws = state.workspace()
    if ws.key == f"upload-{digest}":
        ok = not state.validated(ws.base, file.name, "upload")[1]
        (st.success if ok else st.error)(t("ui.upload_loaded" if ok else "ui.upload_cannot_run", lang,
                                           name=file.name, n=0))
        return
    try:
        ws = state.upload_workspace(file.name, data)
    except InputError as exc:
        state.reject_upload(file.name)
        st.error(t("ui.upload_errors", lang))
        widgets.show_problems(st, exc.problems)
        return
    _, problems = state.validated(ws.base, file.name, "upload")
    state.set_workspace(ws)
    if problems:  # it reads, but cannot run: the editors show each problem beside its field
        st.error(t("ui.upload_cannot_run", lang, name=file.name, n=len(problems)))
    else:
        st.success(t("ui.upload_loaded", lang, name=file.name))


def _reset() -> None:
    ws = state.workspace()
    ws.edited = copy.deepcopy(ws.base)
    st.session_state.pop("_editor_origin", None)
    st.session_state["edit_generation"] = st.session_state.get("edit_generation", 0) + 1


def _go_results() -> None:
    widgets.set_sticky("page", "results", state.lang())


def overlay_yaml(ws: state.Workspace) -> str:
    """The edits as a YAML overlay that extends the base file."""
    header = f"# Edits made in the Park Twin app on top of {ws.name}\n"
    body = {"extends": ws.name, **ws.overlay}
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True)


def _editors(ws: state.Workspace, lang: str, router: editors.Router) -> dict:
    """All editors; returns the edited scenario mapping."""
    key = f"{ws.key}-{st.session_state.get('edit_generation', 0)}"
    edited = copy.deepcopy(ws.edited)
    st.subheader(t("ui.grid_section", lang))
    edited["grid"] = editors.grid_form(ws.edited, lang, key, router)
    st.subheader(t("ui.assets_section", lang))
    st.caption(t("ui.table_help", lang))
    edited["assets"] = editors.asset_tables(ws.edited, lang, key, router)
    st.subheader(t("ui.enterprises_section", lang))
    edited["enterprises"] = editors.enterprise_table(ws.edited, lang, key, router)
    fleets = editors.fleet_table(ws.edited, lang, key, router)
    if fleets is not None and (fleets or "fleets" in ws.edited):
        edited["fleets"] = fleets
    return edited


@st.cache_data(max_entries=16, show_spinner=False)
def _measures(content: str, source: str, origin: str, lang: str) -> tuple[pd.DataFrame, list[int]]:
    """The measures table and the years a slider offers (cached by content)."""
    sc = check(json.loads(content), source, origin)
    return measures_frame(sc, lang), measure_years(sc)


def _measures_section(ws: state.Workspace, lang: str) -> None:
    """The scenario's measures (read-only) and the year whose measures Results and Compare run."""
    if not ws.edited.get("measures"):
        ws.year = None
        return
    try:
        frame, years = _measures(canonical(ws.edited), ws.name, ws.origin, lang)
    except InputError:
        return  # the problems show beside the fields that cause them
    st.subheader(t("ui.measures_section", lang))
    st.caption(t("ui.measures_help", lang))
    st.dataframe(frame, hide_index=True, width="stretch", key="measures_table")
    labels = {years[0]: t("ui.measures_year_none", lang, year=years[0]),
              years[-1]: t("ui.measures_year_all", lang, year=years[-1])}
    chosen = st.select_slider(t("ui.measures_year", lang), years, value=ws.year if ws.year in years else years[-1],
                              format_func=lambda y: labels.get(y, str(y)),
                              key=widgets.lang_key(f"{ws.key}-measures_year", lang))
    ws.year = None if chosen == years[-1] else chosen
    ids = [str(i) for i in frame["id"]]
    off = st.multiselect(t("ui.measures_off", lang), ids, default=[i for i in ws.off if i in ids],
                         placeholder=t("ui.st_choose", lang),
                         help=t("ui.measures_off_help", lang), key=widgets.lang_key(f"{ws.key}-measures_off", lang))
    ws.off = tuple(off)


def page() -> None:
    """The Scenario page."""
    lang = state.lang()
    st.header(t("ui.page_scenario", lang))
    _pick_source(lang)
    if state.rejected_upload():
        return  # nothing below may edit or run the scenario that was loaded before
    ws = state.workspace()
    summary, status = st.container(), st.container()
    router = editors.Router()
    ws.edited = _editors(ws, lang, router)
    _, problems = state.validated(ws.edited, ws.name, ws.origin)
    if not problems:
        _measures_section(ws, lang)
    with summary:
        cols = st.columns([3, 2, 2])
        cols[0].markdown(f"**{t('ui.base', lang)}:** {ws.name} · {ws.label}")
        cols[1].markdown(t("ui.n_edits", lang, n=ws.changes) if ws.changes else t("ui.no_edits", lang))
        cols[2].button(t("ui.reset", lang), on_click=_reset, disabled=not ws.changes, key="reset")
    with status:
        if problems:
            st.error(t("ui.invalid", lang))
        else:
            cols = st.columns(2)
            cols[0].download_button(t("ui.download_yaml", lang), overlay_yaml(ws), file_name=f"edited_{ws.name}",
                                    mime="application/x-yaml", key="download_yaml", on_click="ignore")
            cols[1].button(t("ui.go_results", lang), on_click=_go_results, type="primary", key="go_results")
    router.show(problems, status)
