"""Verdict rules of the report's claims, on numbers that meet and violate them."""

import numpy as np
import pytest

from sklearn_dln.report._rules import (
    all_at_least,
    all_at_most,
    depends_mostly_on_rows,
    exceeds_by,
    fluctuates,
    is_constant,
    make_claim,
    relative_excess,
    standardised_errors,
    variance_shares,
    within_standard_errors,
)


def test_make_claim_verdict_is_bool():
    """A claim stores a Python bool and its panel only when given."""
    claim = make_claim("c", "e", np.bool_(True), panel="A")
    assert claim == {"claim": "c", "evidence": "e", "holds": True, "panel": "A"}
    assert type(claim["holds"]) is bool
    assert "panel" not in make_claim("c", "e", False)


def test_is_constant_rejects_range_above_tolerance():
    """A range just above the tolerance is not constant."""
    assert is_constant([0.5, 0.5 + 1e-10], atol=1e-9)
    assert not is_constant([0.5, 0.5 + 2e-9], atol=1e-9)


def test_is_constant_rejects_nan():
    """NaN values never count as constant."""
    assert not is_constant([0.5, np.nan], atol=1.0)


def test_fluctuates_rejects_small_range():
    """A range below the minimum does not count as fluctuating."""
    assert fluctuates([0.9, 0.96, 0.92], min_range=0.05)
    assert not fluctuates([0.9, 0.94, 0.92], min_range=0.05)
    assert not fluctuates([0.9, np.nan], min_range=0.05)


def test_all_at_least_rejects_one_low_value():
    """One value below the minimum makes the rule fail."""
    assert all_at_least([0.81, 0.9, 0.99], 0.8)
    assert not all_at_least([0.79, 0.9, 0.99], 0.8)
    assert not all_at_least([0.9, np.nan], 0.8)


def test_all_at_most_rejects_one_high_value():
    """One value above the maximum makes the rule fail."""
    assert all_at_most([0.97, 0.98], 0.999)
    assert not all_at_most([0.97, 0.9995], 0.999)
    assert not all_at_most([np.inf], 0.999)


def test_exceeds_by_checks_every_step():
    """The gap must hold at every matched step, not only on average."""
    forward = np.array([0.99, 0.98, 0.97])
    assert exceeds_by(forward, np.array([0.5, 0.6, 0.7]), 0.2)
    assert not exceeds_by(forward, np.array([0.5, 0.6, 0.8]), 0.2)


def test_exceeds_by_rejects_mismatched_shapes():
    """Scores of different lengths cannot be matched step by step."""
    with pytest.raises(ValueError, match="same shape"):
        exceeds_by([1.0, 1.0], [0.0], 0.1)


def test_variance_shares_of_pure_row_effect():
    """A table that varies only between rows gives a row share of 1."""
    table = np.array([[1.0, 1.0], [0.5, 0.5], [0.2, 0.2]])
    row_share, column_share = variance_shares(table)
    assert row_share == pytest.approx(1.0)
    assert column_share == pytest.approx(0.0)
    assert depends_mostly_on_rows(table, 0.5)


def test_variance_shares_of_pure_column_effect():
    """A table that varies only between columns fails the row rule."""
    table = np.array([[1.0, 0.4], [1.0, 0.4], [1.0, 0.4]])
    row_share, column_share = variance_shares(table)
    assert row_share == pytest.approx(0.0)
    assert column_share == pytest.approx(1.0)
    assert not depends_mostly_on_rows(table, 0.5)


def test_variance_shares_match_two_way_anova():
    """The shares add up with the interaction to the total sum of squares."""
    rng = np.random.default_rng(0)
    table = rng.normal(size=(9, 2))
    row_share, column_share = variance_shares(table)
    grand = table.mean()
    fitted = table.mean(axis=1, keepdims=True) + table.mean(axis=0) - grand
    interaction = np.sum((table - fitted) ** 2) / np.sum((table - grand) ** 2)
    assert row_share + column_share + interaction == pytest.approx(1.0)


def test_variance_shares_of_constant_table():
    """A constant table has undefined shares, and the row rule fails."""
    table = np.full((3, 2), 0.7)
    assert all(np.isnan(variance_shares(table)))
    assert not depends_mostly_on_rows(table, 0.5)


def test_variance_shares_rejects_single_column():
    """One column gives no second factor to compare with."""
    with pytest.raises(ValueError, match="at least 2 rows and 2 columns"):
        variance_shares(np.ones((3, 1)))


def test_relative_excess_rejects_zero_minimum():
    """A zero minimum has no relative excess."""
    np.testing.assert_allclose(relative_excess([2.0, 3.0], 2.0), [0.0, 0.5])
    with pytest.raises(ValueError, match="minimum is zero"):
        relative_excess([1.0], 0.0)


def test_within_standard_errors_rejects_far_estimate():
    """An estimate 5 standard errors away fails the 4-standard-error rule."""
    exact = np.array([1.0, 2.0])
    errors = np.array([0.1, 0.1])
    assert within_standard_errors([1.39, 1.61], errors, exact, 4)
    assert not within_standard_errors([1.0, 2.5], errors, exact, 4)


def test_standardised_errors_with_zero_standard_error():
    """A zero standard error is exact only when the estimate is exact."""
    ratio = standardised_errors([1.0, 1.5], [0.0, 0.0], [1.0, 1.0])
    assert ratio[0] == 0.0
    assert np.isinf(ratio[1])
    assert not within_standard_errors([1.5], [0.0], [1.0], 4)


def _whitening_numbers(rsa_value=1.0, rsm=6.7, parameter=0.89, input_noise=1e-15):
    differences = {"rsm": rsm, "input": input_noise, "parameter": abs(parameter)}
    lss_excess = {"input": 0.0, "parameter": 2.0}
    mwns_excess = {"input": input_noise, "parameter": parameter}
    return differences, rsa_value, lss_excess, mwns_excess


def test_covariance_whitening_claim_rule():
    """The covariance-whitening claim fails when its measured numbers do not fit."""
    from sklearn_dln.report._figure4_noise import _proportional_claim

    assert _proportional_claim(*_whitening_numbers())["holds"]
    assert not _proportional_claim(*_whitening_numbers(rsa_value=0.98))["holds"]
    assert not _proportional_claim(*_whitening_numbers(rsm=1e-12))["holds"]
    assert not _proportional_claim(*_whitening_numbers(parameter=-0.89))["holds"]
    assert not _proportional_claim(*_whitening_numbers(input_noise=1e-3))["holds"]
