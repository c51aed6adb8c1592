"""Per-user state (st.session_state only) and cached runs keyed by scenario content.

Nothing a user loads or edits is kept in a module global: each browser session
has its own :class:`Workspace`. The run cache is shared, but keyed by the full
scenario content, so a user only gets results of exactly what they submitted.
A scenario with measures runs what the planner means: the measures in service by
the workspace's year, by default all of them (the end state, as ``park-twin run``),
and every run comes with its assessment (:func:`twin.assess`).
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from dataclasses import dataclass, field

import streamlit as st

import twin
from parkapp.scenarios import canonical, check, count_changes, overlay, shipped_names, shipped_raw, upload_raw
from twin.appraisal.assessment import Assessment
from twin.errors import InputError, Problem
from twin.kernel.results import Results
from twin.present.i18n import DEFAULT_LANG, local_name, t
from twin.scenario.measures import apply_measures, selected
from twin.schema.scenario import Scenario

DEFAULT_SCENARIO = "reference_baseline.yaml"


@dataclass
class Workspace:
    """The scenario a user works on: its base and the edited copy."""

    key: str  # unique per loaded base; part of every widget key of the Scenario page
    origin: str  # shipped or upload
    name: str  # file name of the base (the overlay's ``extends``)
    base: dict
    edited: dict = field(default_factory=dict)
    year: int | None = None  # run the measures in service by this year (None: all, the end state)
    off: tuple[str, ...] = ()  # measures switched off by the planner (and what requires them)

    def __post_init__(self) -> None:
        if not self.edited:
            self.edited = copy.deepcopy(self.base)

    @property
    def overlay(self) -> dict:
        """Edits as an overlay on the base (empty when unchanged)."""
        return overlay(self.base, self.edited) or {}

    @property
    def changes(self) -> int:
        """Number of changed fields and items."""
        return count_changes(self.overlay) if self.overlay else 0

    @property
    def label(self) -> str:
        """Scenario name to show."""
        return local_name(self.edited, lang()) or local_name(self.base, lang()) or self.name


def lang() -> str:
    """Interface language of this session."""
    return st.session_state.get("lang", DEFAULT_LANG)


def shipped_workspace(name: str) -> Workspace:
    """A workspace on a shipped scenario."""
    return Workspace(key=f"shipped-{name}", origin="shipped", name=name, base=shipped_raw(name))


def upload_workspace(name: str, data: bytes) -> Workspace:
    """A workspace on an uploaded file (raises InputError for a bad file)."""
    digest = hashlib.sha1(data).hexdigest()[:10]
    raw = upload_raw(name, data, lang())
    return Workspace(key=f"upload-{digest}", origin="upload", name=name, base=raw)


def workspace() -> Workspace:
    """This session's workspace (the reference scenario on first use)."""
    if "workspace" not in st.session_state:
        first = DEFAULT_SCENARIO if DEFAULT_SCENARIO in shipped_names() else shipped_names()[0]
        st.session_state["workspace"] = shipped_workspace(first)
    return st.session_state["workspace"]


def set_workspace(ws: Workspace) -> None:
    """Replace this session's workspace (and forget a rejected upload)."""
    st.session_state["workspace"] = ws
    st.session_state.pop("rejected_upload", None)


def reject_upload(name: str) -> None:
    """Remember that the last upload was refused: no page runs the previous scenario meanwhile."""
    st.session_state["rejected_upload"] = name


def rejected_upload() -> str | None:
    """File name of a refused upload the planner has not replaced yet (None when there is none)."""
    return st.session_state.get("rejected_upload")


def validated(raw: dict, source: str, origin: str) -> tuple[Scenario | None, list[Problem]]:
    """The scenario, or the problems that prevent it."""
    try:
        return check(raw, source, origin), []
    except InputError as exc:
        return None, exc.problems


@dataclass
class Simulated:
    """A run, its assessment, and the measures it includes."""

    results: Results
    assessment: Assessment
    seconds: float  # simulation and assessment
    measures: list[str]  # ids of the measures in service
    measures_total: int  # measures in the scenario


@st.cache_data(max_entries=24, show_spinner=False)
def _simulate(content: str, source: str, origin: str, year: int | None, off: tuple[str, ...]) -> Simulated:
    """Run and assess a scenario given as canonical JSON, with its measures in service by ``year``
    but those switched ``off``."""
    start = time.perf_counter()
    scenario = check(json.loads(content), source, origin)
    chosen, total = selected(scenario, year, off), len(scenario.measures)
    if total:
        scenario = apply_measures(scenario, chosen)
    results = twin.run(scenario)
    assessment = twin.assess(results)
    return Simulated(results, assessment, time.perf_counter() - start, [m.id for m in chosen], total)


@dataclass
class Run:
    """Outcome of :func:`simulate`."""

    results: Results | None
    problems: list[Problem]
    seconds: float  # time of the simulation and assessment (when they ran)
    wall: float  # time this call took (near zero from the cache)
    assessment: Assessment | None = None
    measures: list[str] = field(default_factory=list)
    measures_total: int = 0

    @property
    def cached(self) -> bool:
        """True when the results came from the cache."""
        return self.wall < 0.5 * self.seconds


def simulate(raw: dict, source: str, origin: str, year: int | None = None, off: tuple[str, ...] = ()) -> Run:
    """Results and assessment of a scenario mapping (cached by content, year and measures off), with a spinner."""
    start = time.perf_counter()
    with st.spinner(t("ui.running", lang())):
        try:
            done = _simulate(canonical(raw), source, origin, year, tuple(sorted(off)))
        except InputError as exc:
            return Run(None, exc.problems, 0.0, time.perf_counter() - start)
    return Run(done.results, [], done.seconds, time.perf_counter() - start, done.assessment, done.measures,
               done.measures_total)
