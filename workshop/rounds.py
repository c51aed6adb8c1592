"""Round logic without a screen: predictions' answers, explanations, challenge scores, role play.

Score of a challenge plan (0-100): half for the carbon cut, a quarter for the share of
judged indicators met, a quarter for NPV relative to the capital spent (clipped to
[-1, 1] and mapped to 0-1); a plan over the budget or missing the core threshold in the
challenge year is flagged, and an over-budget plan scores 0. A teaching weighting,
stated on the class view.
"""

from __future__ import annotations

from workshop.activities import Activity
from workshop.engine import metric, outcome
from workshop.i18n import t

WEIGHTS = {"carbon": 0.5, "indicators": 0.25, "npv": 0.25}


def answer(a: Activity, own: dict | None) -> float | None:
    """The twin's answer to the activity's prediction: at its fixed controls, or the team's own outcome."""
    if a.prediction is None:
        return None
    if a.prediction.at:
        return metric(outcome(a, a.prediction.at), a.prediction.metric)
    return None if own is None else metric(own, a.prediction.metric)


def explanation(a: Activity, out: dict, lang: str) -> str:
    """The explanation with the figures of this outcome and its baseline filled in."""
    return a.explanation(lang).format(now=out, base=out["baseline"])


def score(a: Activity, out: dict) -> dict:
    """Score of a plan and its flags (``over_budget``, ``core_met``)."""
    over = a.budget_cny is not None and out["capex_cny"] > a.budget_cny
    judged = max(out["indicators_judged"], 1)
    spent = max(abs(out["capex_cny"]), 1.0)
    npv_term = (max(-1.0, min(1.0, out["npv_cny"] / spent)) + 1) / 2
    value = 100 * (WEIGHTS["carbon"] * max(0.0, out["co2_cut_frac"])
                   + WEIGHTS["indicators"] * out["indicators_met"] / judged + WEIGHTS["npv"] * npv_term)
    return {"score": 0.0 if over else round(value, 1), "over_budget": over, "core_met": out["core_met"]}


def role_controls(a: Activity, role: str | None) -> list:
    """The controls a team may move: a role's own and joint levers, or all of them outside a role play."""
    if a.kind != "roleplay":
        return list(a.controls)
    return [c for c in a.controls if c.role == role or role in c.joint]


def shared_values(a: Activity, by_role: dict[str, dict]) -> dict[str, float]:
    """The shared park's controls from each role's values: a joint lever takes the least any partner set."""
    out = a.defaults()
    for c in a.controls:
        if c.joint:
            out[c.id] = min(by_role.get(r, {}).get(c.id, c.default) for r in c.joint)
        elif c.role is not None:
            out[c.id] = by_role.get(c.role, {}).get(c.id, c.default)
    return out


def firm_gains(a: Activity, out: dict) -> dict[str, float]:
    """Each role's firm: change of its CO2 against the baseline [tCO2/yr] (negative is a cut)."""
    base = out["baseline"]["enterprise_co2_t"]
    return {r.id: out["enterprise_co2_t"][r.enterprise] - base[r.enterprise] for r in a.roles if r.enterprise}


def state_label(state: str, lang: str) -> str:
    """The round state in words."""
    return t(f"ui.state_{state}", lang)
