"""The mutation report (scripts/mutation_report.py): scores counted by hand on a small result list."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import ROOT

RESULTS = """\
    twin.physics.wind.x_power_curve__mutmut_1: killed
    twin.physics.wind.x_power_curve__mutmut_2: survived
    twin.physics.wind.x_power_curve__mutmut_3: timeout
    twin.physics.wind.x_hub_wind_speed__mutmut_1: no tests
    twin.kernel.agents.ccus.xǁCCUSOperatorǁplan_day__mutmut_4: killed
    twin.kernel.agents.ccus.xǁCCUSOperatorǁplan_day__mutmut_5: not checked
    calibration.metrics.x_r2__mutmut_8: survived
"""


def _script():
    spec = importlib.util.spec_from_file_location("mutation_report", ROOT / "scripts" / "mutation_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_module_and_package_of_a_mutant():
    m = _script()
    assert m.module_of("twin.kernel.agents.ccus.xǁCCUSOperatorǁplan_day__mutmut_4") == "twin.kernel.agents.ccus"
    assert m.package_of("twin.kernel.agents.ccus") == "twin.kernel"
    assert m.package_of("calibration.metrics") == "calibration.metrics"
    with pytest.raises(ValueError, match="not a mutmut mutant"):
        m.module_of("twin.physics.wind")


def test_scores_count_timeouts_as_killed_and_untested_as_not():
    m = _script()
    md = m.report(m.parse(RESULTS), {"calibration.metrics.x_r2__mutmut_8": "NaN either way"})
    # wind: 4 mutants, killed 2 (killed + timeout) of 4 checked
    assert "| twin.physics.wind | 4 | 2 | 1 | 1 | 0 | 50.0% |" in md
    # kernel: 1 killed of 1 checked; the unchecked one is not in the score
    assert "| twin.kernel | 2 | 1 | 0 | 0 | 1 | 100.0% |" in md
    assert "| **all** | 7 | 3 | 2 | 1 | 1 | 50.0% |" in md  # 3 killed of 6 checked
    assert "## Survivors (3: 1 explained as equivalent, 0 killed since, 2 not yet)" in md
    assert "| `calibration.metrics.x_r2__mutmut_8` | survived | NaN either way |" in md
    assert "| `twin.physics.wind.x_hub_wind_speed__mutmut_1` | no tests | unexplained |" in md
    # 3 killed of the 6 checked, less the 1 equivalent
    assert "Leaving the 1 equivalent mutants out, 3 of the 5 other checked mutants are killed: 60.0%." in md


def test_every_recorded_equivalent_names_a_mutant_and_a_reason():
    for name, reason in _script().equivalents().items():
        assert "__mutmut_" in name and reason.strip(), name


def test_estimate_adds_the_census_to_the_sampled_rest():
    m = _script()
    status = {f"twin.physics.pv.x_f__mutmut_{i}": s for i, s in
              enumerate(["killed", "killed", "killed", "survived", "not checked"], start=1)}
    # mutants 1-2 were checked in the full run; 3-5, the rest, were sampled; 5 is not checked yet
    sample = {f"twin.physics.pv.x_f__mutmut_{i}": ("twin.physics.pv", 3) for i in (3, 4, 5)}
    (n, census, sampled, score, half), = m.estimate(status, sample).values()
    assert (n, census, sampled) == (5, 2, 2)
    assert score == pytest.approx((2 + 3 * 0.5) / 5)
    # variance 3^2 x 0.5 x 0.5 / (2 - 1) x (1 - 2/3) = 0.75
    assert half == pytest.approx(1.96 * 0.75**0.5 / 5)
    # counting the unchecked sample member 5 as a survivor: 1 killed of 3 sampled
    low = m.estimate(status, sample, unchecked_survive=True)["twin.physics.pv"]
    assert low[3] == pytest.approx((2 + 3 * 1 / 3) / 5)
    # a module whose rest was not sampled adds its census only
    other = {**status, "twin.physics.wind.x_g__mutmut_1": "killed", "twin.physics.wind.x_g__mutmut_2": "not checked"}
    assert m.estimate(other, sample, lambda module: "all")["all"][:3] == (6, 3, 2)


def test_estimate_leaving_equivalents_out():
    """Census 1, 2 killed and 6 equivalent; the rest (3, 4, 5) sampled whole: 3 killed,
    4 survived, 5 equivalent. Without equivalents: (2 + 3 x 1/3) / 6 = 0.5. Leaving them out:
    the census is 1-2 (2 killed), the rest holds 3 x 2/3 = 2 real mutants, half killed:
    (2 + 1) / 4 = 0.75, exact (the whole rest was sampled)."""
    m = _script()
    status = {f"twin.physics.pv.x_f__mutmut_{i}": s for i, s in
              enumerate(["killed", "killed", "killed", "survived", "survived", "survived"], start=1)}
    sample = {f"twin.physics.pv.x_f__mutmut_{i}": ("twin.physics.pv", 3) for i in (3, 4, 5)}
    assert m.estimate(status, sample)["twin.physics.pv"][3] == pytest.approx(0.5)
    eq = frozenset({"twin.physics.pv.x_f__mutmut_5", "twin.physics.pv.x_f__mutmut_6"})
    n, census, sampled, score, half = m.estimate(status, sample, equivalent=eq)["twin.physics.pv"]
    assert (n, census, sampled, score, half) == (4, 2, 3, pytest.approx(0.75), pytest.approx(0.0))


def test_survivors_killed_by_a_later_run_are_marked_but_not_scored():
    m = _script()
    status = m.parse(RESULTS)
    md = m.report(status, {}, killed_since=frozenset({"twin.physics.wind.x_power_curve__mutmut_2"}))
    assert "## Survivors (3: 0 explained as equivalent, 1 killed since, 2 not yet)" in md
    assert "| `twin.physics.wind.x_power_curve__mutmut_2` | survived | killed since by a test" in md
    assert "| twin.physics.wind | 4 | 2 | 1 | 1 | 0 | 50.0% |" in md  # still scored as a survivor
