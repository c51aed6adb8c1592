"""The workshop app (Streamlit): ``park-twin workshop`` runs this file.

The URL carries who you are: ``?fac=TOKEN`` opens the class view, ``?team=TOKEN`` a team's
page (a reload brings its state back from the store), ``?code=XXXXXX`` pre-fills the join
form; ``lang`` is ``zh`` or ``en``. No uploads, no server paths: every input is a form field
checked against the activity's bounds.
"""

from __future__ import annotations

import streamlit as st

from workshop.i18n import LANG_NAMES, LANGS, check_lang, t
from workshop.security import WorkshopError
from workshop.ui_class import class_page, create_form
from workshop.ui_team import join_form, team_page


def main() -> None:
    """Route by the tokens in the URL."""
    lang = check_lang(st.query_params.get("lang", "zh"))
    st.set_page_config(page_title=t("ui.app_title", lang), layout="wide")
    picked = st.sidebar.radio(t("ui.language", lang), LANGS, index=LANGS.index(lang), format_func=LANG_NAMES.get)
    if picked != lang:
        st.query_params["lang"] = picked
        st.rerun()
    try:
        if st.query_params.get("fac"):
            class_page(st.query_params["fac"], lang)
        elif st.query_params.get("team"):
            team_page(st.query_params["team"], lang)
        else:
            st.title(t("ui.app_title", lang))
            left, right = st.columns(2)
            with left:
                join_form(lang)
            with right:
                create_form(lang)
    except WorkshopError as exc:
        st.error(t(exc.key, lang, **exc.values))
        st.link_button(t("ui.leave", lang), f"/?lang={lang}")


main()
