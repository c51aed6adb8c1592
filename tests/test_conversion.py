"""Heat pump COP (:func:`twin.physics.conversion.heat_pump_cop`) by hand, at the edges of its lift."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from twin.physics.conversion import heat_pump_cop


def test_cop_follows_carnot_for_any_positive_lift():
    # sink 55 degC = 328.15 K; sources 54.5, 50, 7 degC: lifts 0.5, 5, 48 K; 45 % of Carnot,
    # with a bound of 1000 that is never reached: 0.45 x 328.15 / lift
    got = heat_pump_cop(np.array([54.5, 50.0, 7.0]), 55.0, 0.45, 1000.0)
    np.testing.assert_allclose(got, 0.45 * 328.15 / np.array([0.5, 5.0, 48.0]), rtol=1e-12)


def test_no_lift_gives_the_bound_without_dividing_by_zero():
    # a source as warm as the sink (or warmer) needs no lift: the COP is cop_max, and the
    # guard keeps numpy from warning "divide by zero" into the run's output
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = heat_pump_cop(np.array([55.0, 60.0, 7.0]), 55.0, 0.45, 6.0)
    np.testing.assert_allclose(got, [6.0, 6.0, 0.45 * 328.15 / 48.0], rtol=1e-12)
    assert heat_pump_cop(55.0, 55.0, 0.45, 6.0) == pytest.approx(6.0)


def test_cop_never_below_one():
    # -30 -> 90 degC at 30 % of Carnot: 0.3 x 363.15 / 120 = 0.908; a heat pump gives at least
    # the electricity it draws as heat, so the COP is bounded at 1
    assert heat_pump_cop(-30.0, 90.0, 0.3, 6.0) == pytest.approx(1.0)
