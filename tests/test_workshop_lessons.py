"""Workshop activities: every claim an explanation makes holds in the twin; controls map to
scenario overlays checked like scenario files; scores and the role play's sharing rule."""

from __future__ import annotations

import operator
from importlib import resources

import pytest
import yaml

from workshop.activities import activities, activity, clean_controls
from workshop.engine import fill, measure, metric, outcome, scenario
from workshop.rounds import explanation, score, shared_values
from workshop.security import WorkshopError

OPS = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}
LESSONS = ("pv_not_enough", "heat_is_hard", "ccus_penalty", "certificates_vs_direct", "retrofit_vs_newbuild",
           "what_02_demands")
CLAIMS = [(a.id, i) for a in activities().values() for i in range(len(a.claims))]


def test_the_six_lessons_a_challenge_and_a_role_play_ship():
    kinds = {a.id: a.kind for a in activities().values()}
    assert set(LESSONS) <= {k for k, v in kinds.items() if v == "lesson"}
    assert "challenge" in kinds.values()
    roleplay = next(a for a in activities().values() if a.kind == "roleplay")
    assert 6 <= len(roleplay.roles) <= 8 and sum(bool(c.joint) for c in roleplay.controls) >= 3
    for a in activities().values():
        assert a.claims, f"{a.id}: an explanation needs claims the tests check"


@pytest.mark.parametrize(("aid", "i"), CLAIMS)
def test_claim_holds_in_the_twin(aid, i):
    a = activity(aid)
    c = a.claims[i]
    value = metric(outcome(a, c.at), c.metric)
    ref = c.value if c.value is not None else metric(outcome(a, c.than), c.metric)
    assert OPS[c.op](value, ref), f"{aid} claim {i}: {c.metric} {value} {c.op} {ref}"


def test_explanations_fill_in_both_languages():
    a = activity("pv_not_enough")
    out = outcome(a, {"pv_mwp": 200})
    for lang in ("zh", "en"):
        text = explanation(a, out, lang)
        assert f"{out['core_t_per_tce']:.2f}" in text and "{" not in text


def test_pv_control_adds_its_capacity_and_library_capex():
    a = activity("pv_not_enough")
    sc = scenario(a, clean_controls(a, {"pv_mwp": 50}))
    assert {x.id: x for x in sc.assets}["ws_pv_roof"].p_dc_mw == 50
    base, now = outcome(a, {}), outcome(a, {"pv_mwp": 50})
    assert now["capex_cny"] > 0 and base["capex_cny"] == 0
    assert now["pv_generation_mwh"] > base["pv_generation_mwh"] * 1.5  # 15 MWp -> 65 MWp


def test_ccus_capex_follows_the_library_preset():
    for aid in ("ccus_penalty", "roleplay_symbiosis"):
        c = activity(aid).control("capture_t_h")
        lib = yaml.safe_load(resources.files("twin.data").joinpath("technologies.yaml").read_text("utf-8"))
        assert c.capex_cny == lib["converters"]["ccus_amine"]["capex_cny_per_unit"]


def test_controls_are_checked_like_scenario_input():
    a = activity("pv_not_enough")
    for bad in ({"pv_mwp": 210}, {"pv_mwp": 30}, {"pv_mwp": "x"}, {"nope": 1}):
        with pytest.raises(WorkshopError, match="err.control"):
            clean_controls(a, bad)
    assert clean_controls(a, {"pv_mwp": "75"}) == {"pv_mwp": 75.0}


def test_fill_and_off_change():
    assert fill({"a": ["$value", "$value*2", "$value/4", "x"]}, 8.0) == {"a": [8.0, 16.0, 2.0, "x"]}
    c = activity("ccus_penalty").control("capture_t_h")
    assert measure(c, 0, 2025)["change"] == {"assets": [{"id": "ccus_kiln", "remove": True}]}
    assert measure(c, 20, 2025)["capex_cny"] == 20 * c.capex_cny


def test_joint_levers_need_every_partner():
    a = activity("roleplay_symbiosis")
    half = shared_values(a, {"steel": {"shared_waste_heat": 1}})
    both = shared_values(a, {"steel": {"shared_waste_heat": 1}, "chemicals": {"shared_waste_heat": 1}})
    assert half["shared_waste_heat"] == 0 and both["shared_waste_heat"] == 1
    own = shared_values(a, {"cement": {"capture_t_h": 20}, "steel": {"capture_t_h": 30}})
    assert own["capture_t_h"] == 20  # only the cement firm moves its kiln's capture


def test_score_rewards_carbon_and_zeroes_over_budget():
    a = activity("challenge_2030")
    out = {"co2_cut_frac": 0.5, "indicators_met": 2, "indicators_judged": 4, "npv_cny": 0.0,
           "capex_cny": 1e8, "core_met": False}
    assert score(a, out)["score"] == pytest.approx(100 * (0.25 + 0.125 + 0.125))
    assert score(a, {**out, "capex_cny": 2 * a.budget_cny})["score"] == 0


def test_activity_files_refuse_unknown_keys(tmp_path):
    from workshop.activities import Activity
    raw = yaml.safe_load(yaml.safe_dump(activity("pv_not_enough").model_dump(mode="json")))
    raw["surprise"] = 1
    with pytest.raises(ValueError, match="surprise"):
        Activity.model_validate(raw)
