"""Tests of linear predictivity against scikit-learn's own cross-validation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold, cross_val_score

from sklearn_dln import GLSRegressor, MRNSRegressor
from sklearn_dln.analysis import linear_predictivity


@st.composite
def representation_pairs(draw):
    """Draw a source and a partly linear target over the same stimuli."""
    n_stimuli = draw(st.integers(10, 40))
    n_source = draw(st.integers(1, 12))
    n_target = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    source = rng.normal(size=(n_stimuli, n_source)) * 2.0 ** draw(st.integers(-5, 5))
    target = source @ rng.normal(size=(n_source, n_target))
    target = target + draw(st.floats(0.0, 3.0)) * rng.normal(size=target.shape)
    return source, target


@settings(max_examples=30, deadline=None)
@given(
    pair=representation_pairs(),
    alpha=st.sampled_from([1e-3, 1.0, 100.0]),
    n_folds=st.integers(2, 5),
)
def test_predictivity_matches_cross_val_score(pair, alpha, n_folds):
    """Cross-validated R^2 equals cross_val_score with Ridge, averaged."""
    source, target = pair
    expected = cross_val_score(
        Ridge(alpha=alpha), source, target, cv=n_folds, scoring="r2"
    ).mean()
    result = linear_predictivity(source, target, alpha=alpha, cv=n_folds)
    assert result == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=20, deadline=None)
@given(pair=representation_pairs(), alpha=st.sampled_from([1e-3, 1.0, 100.0]))
def test_predictivity_in_sample_matches_ridge_score(pair, alpha):
    """In-sample R^2 equals Ridge fitted and scored on all stimuli."""
    source, target = pair
    expected = Ridge(alpha=alpha).fit(source, target).score(source, target)
    result = linear_predictivity(source, target, alpha=alpha, in_sample=True)
    assert result == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_predictivity_raw_values_per_unit():
    """raw_values returns one R^2 per target unit, averaged over folds."""
    rng = np.random.default_rng(0)
    source = rng.normal(size=(30, 4))
    target = np.column_stack([source[:, 0], rng.normal(size=30)])
    cv = KFold(3, shuffle=True, random_state=0)
    expected = np.mean(
        [
            r2_score(
                target[test],
                Ridge().fit(source[train], target[train]).predict(source[test]),
                multioutput="raw_values",
            )
            for train, test in cv.split(source)
        ],
        axis=0,
    )
    result = linear_predictivity(source, target, cv=cv, multioutput="raw_values")
    assert result.shape == (2,)
    np.testing.assert_allclose(result, expected, rtol=1e-12)


def test_predictivity_accepts_one_dimensional_target():
    """A 1-D target is one unit."""
    rng = np.random.default_rng(1)
    source = rng.normal(size=(20, 3))
    target = source @ [1.0, -2.0, 0.5]
    assert linear_predictivity(source, target, alpha=1e-8) == pytest.approx(1.0)


def test_predictivity_depends_on_solution_type():
    """A GLS representation predicts the MRNS one better than the reverse."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 8))
    Y = X @ rng.normal(size=(8, 2)) + 0.1 * rng.normal(size=(60, 2))
    gls = GLSRegressor(n_hidden=8, random_state=0).fit(X, Y).hidden_representation_
    mrns = MRNSRegressor(n_hidden=8, random_state=0).fit(X, Y).hidden_representation_
    forward = linear_predictivity(gls, mrns, in_sample=True)
    backward = linear_predictivity(mrns, gls, in_sample=True)
    assert forward > 0.99
    assert backward < 0.9


def test_predictivity_rejects_different_numbers_of_stimuli():
    """Source and target over 10 and 9 stimuli raise."""
    with pytest.raises(ValueError, match="source describes 10 stimuli and target"):
        linear_predictivity(np.ones((10, 2)), np.ones((9, 2)))


def test_predictivity_rejects_single_stimulus_folds():
    """Folds with one test stimulus raise, since R^2 needs two."""
    rng = np.random.default_rng(3)
    with pytest.raises(ValueError, match="fold has 1 test stimulus"):
        linear_predictivity(rng.normal(size=(5, 2)), rng.normal(size=(5, 2)), cv=5)


def test_predictivity_rejects_negative_alpha():
    """A negative ridge penalty is an invalid parameter."""
    with pytest.raises(ValueError, match="alpha"):
        linear_predictivity(np.ones((10, 2)), np.ones((10, 2)), alpha=-1.0)
