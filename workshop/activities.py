"""Lessons, challenges and role plays as data: ``workshop/data/activities/*.yaml`` (zh and en).

Each activity names a shipped scenario, the few big controls it offers (each a scenario
overlay with ``$value`` where the control's value goes), the prediction a participant
enters before the answer shows, the chart that answers it, an explanation whose figures
are ``{placeholders}`` filled from the run, and claims a test checks against the twin.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from workshop.security import WorkshopError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in both languages."""

    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Control(_Strict):
    """One big control: a slider (number) or a toggle (0 or 1) and the overlay it applies."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: Text
    unit: str = ""
    kind: Literal["slider", "toggle"] = "slider"
    min: float = 0.0
    max: float = 1.0
    step: float = 1.0
    default: float = 0.0
    change: dict = {}               # overlay applied when the value is not 0 ($value filled in)
    off_change: dict | None = None  # overlay applied when the value is 0 (e.g. remove a shipped asset)
    capex_cny: float | None = None  # explicit capital when the change adds none of the library's assets
    source: str = ""
    role: str | None = None         # role play: the role whose lever this is
    joint: tuple[str, ...] = ()     # role play: every one of these roles must switch it on
    measures: tuple[str, ...] = ()  # measures of the base scenario the control switches on (value not 0)
    scenarios: tuple[str, ...] = () # a choice of shipped park instead of an overlay: the value is the index

    @model_validator(mode="after")
    def _bounds(self) -> Control:
        if self.scenarios and (self.min, self.max, self.step) != (0, len(self.scenarios) - 1, 1):
            raise ValueError(f"control {self.id}: a choice of scenarios runs 0..n-1 in steps of 1")
        if not self.min <= self.default <= self.max or self.step <= 0:
            raise ValueError(f"control {self.id}: needs min <= default <= max and step > 0")
        return self


class Prediction(_Strict):
    """What the participant predicts before the answer shows: an outcome metric, with bounds."""

    metric: str
    label: Text
    min: float
    max: float
    at: dict[str, float] = {}       # the controls the question asks about (empty: the team's own)


class Claim(_Strict):
    """A statement the explanation makes, checked by the tests against the twin."""

    at: dict[str, float]
    metric: str
    op: Literal["<", ">", "<=", ">="]
    value: float | None = None       # a number, or
    than: dict[str, float] | None = None  # the same metric at other controls


class Role(_Strict):
    """A role in a role play: a name and the enterprise whose carbon it answers for."""

    id: str
    label: Text
    enterprise: str | None = None


class Activity(_Strict):
    """A lesson, a challenge or a role play on one shipped scenario."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    kind: Literal["lesson", "challenge", "roleplay"]
    base: str
    year: int | None = None          # assess with this year's grid factors
    base_measures: Literal["none", "all"] = "none"  # the base scenario's own measures: left out or all in
    title: Text
    question: Text
    prediction: Prediction | None = None
    controls: tuple[Control, ...]
    chart: Literal["core", "co2_split", "cost_carbon", "firms"] = "core"
    explanation: Text
    claims: tuple[Claim, ...] = ()
    budget_cny: float | None = None  # challenge: capital budget
    roles: tuple[Role, ...] = ()
    minutes: int = 15

    def control(self, cid: str) -> Control:
        """The control ``cid`` (KeyError when absent)."""
        return {c.id: c for c in self.controls}[cid]

    def defaults(self) -> dict[str, float]:
        """Every control at its default."""
        return {c.id: c.default for c in self.controls}


@cache
def activities() -> dict[str, Activity]:
    """All shipped activities by id, in file-name order."""
    folder = resources.files("workshop") / "data" / "activities"
    out: dict[str, Activity] = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.endswith(".yaml"):
            a = Activity.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
            out[a.id] = a
    return out


def activity(aid: str) -> Activity:
    """The activity ``aid`` (refused when unknown)."""
    try:
        return activities()[aid]
    except KeyError:
        raise WorkshopError("err.activity") from None


def clean_controls(a: Activity, values: dict) -> dict[str, float]:
    """Control values checked like scenario input: known ids, numbers in bounds on the step grid."""
    out = a.defaults()
    for cid, value in (values or {}).items():
        try:
            c = a.control(cid)
            v = float(value)
        except (KeyError, TypeError, ValueError):
            raise WorkshopError("err.control", control=str(cid)[:40]) from None
        steps = round((v - c.min) / c.step)
        if not c.min <= v <= c.max or abs(c.min + steps * c.step - v) > 1e-6 * max(1.0, abs(v)):
            raise WorkshopError("err.control", control=cid)
        out[cid] = c.min + steps * c.step
    return out
