"""Park Twin in the browser: the planner's front door (``streamlit run app.py``).

Scenario (choose, upload, edit, download; retrofit measures), Results (key
figures, the indicator panel from twin.assess, charts, accounts, events, exports)
and Compare (two to four scenarios via twin.appraisal.compare, pathway and MAC curve, HTML
report), in Chinese or English. The pages live in the ``parkapp`` package and only call the
``twin`` library; user data stays in ``st.session_state``.
"""

from __future__ import annotations

import streamlit as st

from parkapp import page_calibration, page_compare, page_explore, page_results, page_scenario, state, widgets
from twin.present.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, t

# The page registry, in sidebar order: key -> function drawing the page. To add a page, write
# parkapp/page_<key>.py with a page() function, add it here, and give ui.page_<key> a zh and en
# label in twin/data/i18n.yaml.
PAGES = {"scenario": page_scenario.page, "results": page_results.page, "compare": page_compare.page,
         "explore": page_explore.page, "calibration": page_calibration.page}


def sidebar() -> str:
    """Language switch and page choice; returns the page to show."""
    with st.sidebar:
        lang = st.radio(t("ui.language", state.lang()), LANGS, index=LANGS.index(DEFAULT_LANG), key="lang",
                        format_func=LANG_NAMES.get, horizontal=True)
        page = widgets.sticky_choice(st.radio, t("ui.page", lang), list(PAGES), "page", lang,
                                     format_func=lambda p: t(f"ui.page_{p}", lang))
        st.divider()
        st.caption(t("ui.app_subtitle", lang))
    return page


def main() -> None:
    """Draw the sidebar and the chosen page."""
    st.set_page_config(page_title="Park Twin · 零碳园区", page_icon="🏭", layout="wide")
    page = sidebar()
    widgets.streamlit_strings(state.lang())
    st.title(t("ui.app_title", state.lang()))
    PAGES[page]()


main()
