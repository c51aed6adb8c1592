"""Pathway and abatement cost curve on the Compare page: slow, so run on a button press.

Each computation simulates the park year by year (``twin.appraisal.pathway.run_pathway``) or measure
by measure (``twin.appraisal.pathway.mac_curve``): several seconds. It runs in the script thread with
a progress bar; every progress update is a point where Streamlit stops the script when a
widget changes, so changing an input cancels a computation under way. Results go to a
shared cache keyed by the scenario content and the inputs, and a session only shows the
result of the inputs on screen, once it pressed the button for them: a result for other
inputs is never shown.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from parkapp import widgets
from parkapp.scenarios import canonical, check
from twin.accounts.grid_path import projection_years
from twin.appraisal.pathway import mac_curve, run_pathway
from twin.errors import InputError
from twin.present import charts_assess
from twin.present.i18n import t
from twin.present.panels_plan import mac_frame, pathway_economics_text, pathway_frame, pathway_text
from twin.scenario.measures import in_service, with_requirements
from twin.schema.scenario import Scenario

MAX_RESULTS = 16
FIRST_YEAR = 2023  # the latest published grid factors (regional ones exist for 2023 only)
REQUESTED = "plans_requested"  # session: keys of the computations this session asked for


@dataclass(frozen=True)
class Candidate:
    """A compared scenario that has measures."""

    name: str
    raw: dict
    source: str
    origin: str


class _Store:
    """A small thread-safe LRU of finished computations (shared by sessions, keyed by content)."""

    def __init__(self) -> None:
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > MAX_RESULTS:
                self.items.popitem(last=False)


@st.cache_resource
def _store() -> _Store:
    return _Store()


def content_key(kind: str, c: Candidate, *params: Any) -> str:
    """Cache key: the computation, the scenario's content and the inputs."""
    text = "|".join([kind, canonical(c.raw), c.source, c.origin, *map(str, params)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pathway_steps(sc: Scenario, start: int, stop: int) -> int:
    """Progress messages of a pathway: one per distinct set of measures simulated, one per year."""
    sets = {(), *(tuple(m.id for m in in_service(sc, y)) for y in range(start, stop + 1))}
    return len(sets) + (stop - start + 1)


def mac_steps(sc: Scenario) -> int:
    """Progress messages of a MAC curve: one per distinct set of measures simulated."""
    sets = set()
    for m in sc.measures:
        ids = tuple(x.id for x in with_requirements(sc, [m.id]))
        sets |= {ids, tuple(i for i in ids if i != m.id)}
    return len(sets)


def _computed(key: str, pressed: bool, compute: Callable[[Callable[[str], None]], Any], steps: int,
              label: str, lang: str) -> Any:
    """The result for ``key`` if this session asked for it: from the cache, or computed now."""
    requested: set[str] = st.session_state.setdefault(REQUESTED, set())
    if pressed:
        requested.add(key)
    if key not in requested:
        return None
    found = _store().get(key)
    if found is not None:
        return found
    bar = st.progress(0.0, text=t(label, lang, step=0, n=steps, message="…"))
    count = [0]

    def progress(message: str) -> None:  # a Streamlit call: the script stops here when inputs change
        count[0] += 1
        bar.progress(min(count[0] / max(steps, 1), 1.0), text=t(label, lang, step=count[0], n=steps, message=message))

    result = compute(progress)
    bar.empty()
    _store().put(key, result)
    return result


def _failed(exc: InputError, lang: str) -> None:
    st.error(t("ui.plans_failed", lang))
    widgets.show_problems(st, exc.problems)


def _scenario(c: Candidate, lang: str) -> Scenario | None:
    try:
        return check(c.raw, c.source, c.origin)
    except InputError as exc:
        _failed(exc, lang)
        return None


def section(candidates: list[Candidate], lang: str, plot_config: Callable[[str], dict]) -> None:
    """Choose a scenario with measures and years; pathway chart and MAC curve on button presses."""
    st.subheader(t("ui.plans_section", lang))
    if not candidates:
        st.info(t("ui.plans_none", lang))
        return
    names = [c.name for c in candidates]
    cols = st.columns([2, 2])
    name = widgets.sticky_choice(cols[0].selectbox, t("ui.plans_pick", lang), names, "plans_pick", lang)
    c = candidates[names.index(name)]
    sc = _scenario(c, lang)
    if sc is None:
        return
    first, last = min(m.year for m in sc.measures), max(m.year for m in sc.measures)
    lo, hi = FIRST_YEAR, projection_years()[1]
    default = (max(lo, min(first, hi)), max(lo, min(last + 3, hi)))
    start, stop = cols[1].slider(t("ui.plans_years", lang), lo, hi, default, key=f"plans_years-{c.source}-{c.origin}")
    st.caption(t("ui.plans_hint", lang))
    buttons = st.columns(2)
    run_path = buttons[0].button(t("ui.run_pathway", lang), key="run_pathway", type="primary")
    run_mac = buttons[1].button(t("ui.run_mac", lang), key="run_mac")
    try:
        path = _computed(content_key("pathway", c, start, stop), run_path,
                         lambda progress: run_pathway(sc, start, stop, progress),
                         pathway_steps(sc, start, stop), "ui.pathway_progress", lang)
    except InputError as exc:
        _failed(exc, lang)
        path = None
    if path is not None:
        (st.success if path.first_met is not None else st.warning)(pathway_text(path, lang))
        st.plotly_chart(charts_assess.pathway_chart(path, lang), width="stretch", config=plot_config("pathway"),
                        key="chart_pathway")
        st.caption(f"{pathway_economics_text(path, lang)}. {t('ui.pathway_projection', lang)}")
        with st.expander(t("ui.chart_pathway", lang)):
            st.dataframe(pathway_frame(path, lang), hide_index=True, width="stretch", key="pathway_table")
    try:
        points = _computed(content_key("mac", c), run_mac, lambda progress: mac_curve(sc, None, progress),
                           mac_steps(sc), "ui.mac_progress", lang)
    except InputError as exc:
        _failed(exc, lang)
        points = None
    if points is not None:
        st.plotly_chart(charts_assess.mac_chart(points, lang), width="stretch", config=plot_config("mac"),
                        key="chart_mac")
        off = [p.id for p in points if p.abatement_cost_cny_per_t is None or p.co2_avoided_t_per_yr <= 0]
        st.caption(t("ui.mac_note", lang) + (" " + t("ui.mac_off_curve", lang, ids=", ".join(off)) if off else ""))
        with st.expander(t("ui.chart_mac", lang)):
            st.dataframe(mac_frame(points, lang), hide_index=True, width="stretch", key="mac_table")
