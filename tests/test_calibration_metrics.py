"""ASHRAE Guideline 14 / FEMP / IPMVP metrics: hand values, properties, limits as data."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from calibration.metrics import cv_rmse, evaluate, nmbe, paired, r2, standards, verdicts

M = [10.0, 12.0, 14.0, 16.0]  # mean 13, SST = 9 + 1 + 1 + 9 = 20


def test_hand_example_zero_bias():
    """m - s = (-1, 1, -1, 1): NMBE 0, CV = sqrt(4 / 3) / 13, R2 = 1 - 4 / 20."""
    s = [11.0, 11.0, 15.0, 15.0]
    assert nmbe(M, s) == 0.0
    assert cv_rmse(M, s) == pytest.approx(math.sqrt(4 / 3) / 13, rel=1e-12)
    assert r2(M, s) == pytest.approx(0.8, rel=1e-12)


def test_hand_example_bias_and_parameters():
    """m - s = 1 everywhere: NMBE = 4 / ((4 - p) * 13), CV = sqrt(4 / (4 - p)) / 13."""
    s = [9.0, 11.0, 13.0, 15.0]
    assert nmbe(M, s) == pytest.approx(4 / (3 * 13), rel=1e-12)
    assert nmbe(M, s, n_params=0) == pytest.approx(1 / 13, rel=1e-12)
    assert nmbe(M, s, n_params=2) == pytest.approx(4 / (2 * 13), rel=1e-12)
    assert cv_rmse(M, s, n_params=2) == pytest.approx(math.sqrt(4 / 2) / 13, rel=1e-12)
    assert r2(M, s) == pytest.approx(1 - 4 / 20, rel=1e-12)


def test_perfect_fit_is_zero():
    m = np.random.default_rng(1).uniform(1, 5, 50)
    assert nmbe(m, m) == 0.0 and cv_rmse(m, m) == 0.0 and r2(m, m) == 1.0


def test_sign_convention_under_prediction_is_positive():
    assert nmbe(M, np.array(M) * 0.9) > 0  # model too low
    assert nmbe(M, np.array(M) * 1.1) < 0  # model too high


@pytest.mark.parametrize("k", [1e-3, 7.0, 1e4])
def test_scaling_both_leaves_metrics_unchanged(k):
    rng = np.random.default_rng(2)
    m = rng.uniform(5, 10, 100)
    s = m + rng.normal(0, 1, 100)
    assert cv_rmse(k * m, k * s) == pytest.approx(cv_rmse(m, s), rel=1e-10)
    assert nmbe(k * m, k * s) == pytest.approx(nmbe(m, s), rel=1e-10)
    assert r2(k * m, k * s) == pytest.approx(r2(m, s), rel=1e-10)


def test_series_are_paired_on_common_non_missing_stamps():
    idx = pd.date_range("2024-01-01", periods=6, freq="h", tz="Asia/Shanghai")
    m = pd.Series([10.0, 12.0, np.nan, 14.0, 16.0, 99.0], index=idx)
    s = pd.Series([11.0, 11.0, 5.0, 15.0, 15.0], index=idx[:5])  # no value at the 99
    pm, ps = paired(m, s)
    np.testing.assert_array_equal(pm, M)
    np.testing.assert_array_equal(ps, [11.0, 11.0, 15.0, 15.0])
    assert evaluate(m, s, "hourly")["n"] == 4


def test_guards():
    with pytest.raises(ValueError, match="n > p"):
        nmbe([1.0, 2.0], [1.0, 2.0], n_params=2)
    with pytest.raises(ValueError, match="n > p"):
        evaluate(pd.Series([1.0]), pd.Series([np.nan]), "hourly")
    with pytest.raises(ValueError, match="mean is 0"):
        cv_rmse([1.0, -1.0, 0.0], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="interval"):
        evaluate(pd.Series(M), pd.Series(M), "weekly")
    assert math.isnan(r2([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]))


def _series_with(nmbe_target: float, cv_target: float, n: int = 1000) -> tuple:
    """Measured/simulated pair with the given NMBE and CV(RMSE) (p = 1)."""
    m = pd.Series(np.full(n, 100.0))
    noise = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    bias = nmbe_target * 100.0 * (n - 1) / n
    spread = math.sqrt(max((cv_target * 100.0) ** 2 * (n - 1) / n - bias**2, 0.0))
    return m, m - bias - spread * noise


def test_verdicts_per_standard_and_interval():
    m, s = _series_with(0.08, 0.25)
    hourly = evaluate(m, s, "hourly")
    assert hourly["nmbe"] == pytest.approx(0.08, rel=1e-9)
    assert hourly["cv_rmse"] == pytest.approx(0.25, rel=1e-9)
    verdict = {k: v["pass"] for k, v in hourly["standards"].items()}
    assert verdict == {"ashrae14": True, "femp": True, "ipmvp": False}  # IPMVP CV <= 0.20
    monthly = evaluate(m, s, "monthly")["standards"]
    assert {k: v["pass"] for k, v in monthly.items()} == {
        "ashrae14": False, "femp": None, "ipmvp": None}
    daily = evaluate(m, s, "daily")["standards"]
    assert {k: v["pass"] for k, v in daily.items()} == verdict  # daily uses the hourly limits
    assert daily["ashrae14"]["basis"] == "project"


def test_bias_alone_fails_ashrae_monthly_not_ipmvp_hourly():
    m, s = _series_with(-0.12, 0.12)
    hourly = evaluate(m, s, "hourly")["standards"]
    assert hourly["ashrae14"]["pass"] is False  # |NMBE| 0.12 > 0.10
    assert hourly["ipmvp"]["pass"] is True  # IPMVP sets no NMBE limit


def test_standards_table_is_fractions_with_sources():
    table = standards()
    assert set(table.index) == {(s, i) for s in ("ashrae14", "femp", "ipmvp")
                                for i in ("hourly", "daily", "monthly")}
    limits = table[["nmbe_abs_max", "cv_rmse_max"]].stack().dropna()
    assert ((limits > 0) & (limits < 1)).all()  # fractions, never percent
    assert table["source"].str.len().min() > 20
    assert tuple(table.loc[("ashrae14", "monthly"), ["nmbe_abs_max", "cv_rmse_max"]]) == (
        0.05, 0.15)
    assert tuple(table.loc[("ashrae14", "hourly"), ["nmbe_abs_max", "cv_rmse_max"]]) == (
        0.10, 0.30)
    assert table.loc[("ipmvp", "hourly"), "cv_rmse_max"] == 0.20
    assert set(table["basis"]) == {"standard", "project"}


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_pairing_drops_missing_simulated_values_too(bad):
    """A NaN (or inf) in either series drops that point, by position and by time stamp."""
    m, s = [10.0, 12.0, 13.0, 14.0, 16.0], [11.0, 11.0, bad, 15.0, 15.0]
    pm, ps = paired(m, s)
    np.testing.assert_array_equal(pm, M)
    np.testing.assert_array_equal(ps, [11.0, 11.0, 15.0, 15.0])
    idx = pd.date_range("2024-01-01", periods=5, freq="h")
    pm, ps = paired(pd.Series(m, index=idx), pd.Series(s, index=idx))
    np.testing.assert_array_equal(ps, [11.0, 11.0, 15.0, 15.0])
    assert nmbe(m, s) == pytest.approx(nmbe(M, [11.0, 11.0, 15.0, 15.0]))
    assert math.isfinite(cv_rmse(m, s)) and math.isfinite(r2(m, s))


def test_survivors_of_the_mutation_run():
    """Cases that mutmut showed unchecked (docs/testing.md): each pins one behaviour."""
    # a Series with a plain list is paired by position, not aligned
    pm, ps = paired(pd.Series(M, index=[5, 6, 7, 8]), [11.0, 11.0, 15.0, 15.0])
    np.testing.assert_array_equal(ps, [11.0, 11.0, 15.0, 15.0])
    with pytest.raises(ValueError, match="n_params must be >= 0"):
        nmbe(M, M, n_params=-1)
    # evaluate passes its n_params on: 2 parameters divide by n - 2 (a biased fit, so NMBE != 0)
    s = [9.0, 11.0, 13.0, 13.0]
    res = evaluate(pd.Series(M), pd.Series(s), "hourly", n_params=2)
    assert res["nmbe"] == pytest.approx(nmbe(M, s, n_params=2)) and res["n_params"] == 2
    assert res["cv_rmse"] == pytest.approx(cv_rmse(M, s, n_params=2))
    assert res["mean_measured"] == 13.0
    # a value exactly at a limit passes (limits are maxima, <=)
    row = standards().loc[("ashrae14", "hourly")]
    at = verdicts(float(row["nmbe_abs_max"]), float(row["cv_rmse_max"]), "hourly")["ashrae14"]
    assert at["pass"] is True
    above = verdicts(float(row["nmbe_abs_max"]) * 1.001, float(row["cv_rmse_max"]), "hourly")["ashrae14"]
    assert above["pass"] is False


def test_result_shape_messages_and_types():
    """What a report reads from the metrics: keys, float arrays, messages that name the cause."""
    res = evaluate(pd.Series(M), pd.Series([11.0, 11.0, 15.0, 15.0]), "hourly")
    assert set(res) == {"interval", "n", "n_params", "mean_measured", "nmbe", "cv_rmse", "r2", "standards"}
    assert res["interval"] == "hourly" and res["n"] == 4
    assert set(res["standards"]["femp"]) == {"nmbe_abs_max", "cv_rmse_max", "pass", "basis", "source"}
    assert res["standards"]["femp"]["source"] == str(standards().loc[("femp", "hourly"), "source"])
    for pm, ps in (paired([1, 2, 3], [1, 2, 4]), paired(pd.Series([1, 2, 3]), pd.Series([1, 2, 4]))):
        assert pm.dtype == np.float64 and ps.dtype == np.float64
    with pytest.raises(ValueError, match=r"measured \(3,\) and simulated \(2,\) differ in shape"):
        paired([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"\(need n > p\); check the overlap"):
        nmbe([1.0], [1.0])
    with pytest.raises(ValueError, match="the measured mean is 0, so NMBE and CV"):
        nmbe([1.0, -1.0, 0.0], [0.0, 0.0, 0.0])
    assert math.isnan(r2([], []))


def test_guard_messages_are_whole_sentences():
    """The text a user reads when the overlap is too short or the measured mean is zero."""
    with pytest.raises(ValueError) as err:
        nmbe([1.0], [1.0])
    assert str(err.value) == ("1 paired readings are too few for 1 parameters (need n > p); "
                              "check the overlap of measured and simulated series")
    with pytest.raises(ValueError) as err:
        cv_rmse([1.0, -1.0, 0.0], [0.0, 0.0, 0.0])
    assert str(err.value) == "the measured mean is 0, so NMBE and CV(RMSE) are undefined"


def test_r2_of_no_pairs_is_nan_without_a_numpy_warning():
    """The length guard exists so that an empty pairing gives NaN quietly (no 'Mean of empty slice')."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(r2([], []))
        assert math.isnan(r2([1.0, np.nan], [np.nan, 2.0]))  # nothing left after dropping NaN
