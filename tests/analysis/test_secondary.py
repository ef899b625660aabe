"""Tests of the primary-task solutions that minimise a secondary error."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import lstsq, null_space

from sklearn_dln import GLSRegressor
from sklearn_dln.analysis import diagnose_solution, minimize_secondary_error


@st.composite
def task_pairs(draw):
    """Draw primary data that miss some input directions, and secondary data."""
    n_features = draw(st.integers(2, 8))
    observed = draw(st.integers(1, n_features - 1))
    n_samples = draw(st.integers(observed + 2, observed + 10))
    n_secondary = draw(st.integers(1, 12))
    n_outputs = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    basis, _ = np.linalg.qr(rng.normal(size=(n_features, n_features)))
    X = rng.normal(size=(n_samples, observed)) @ basis[:, :observed].T
    X = X + rng.normal(size=n_features)
    Y = rng.normal(size=(n_samples, n_outputs))
    Xs = rng.normal(size=(n_secondary, n_features))
    Ys = rng.normal(size=(n_secondary, n_outputs))
    return X, Y, Xs, Ys, draw(st.booleans())


def _oracle(X, Y, Xs, Ys, fit_intercept):
    """Minimise the secondary loss over maps M + G N.T, N spanning unobserved inputs.

    N comes from scipy's null_space of the centred primary inputs and G from
    scipy's least squares, independently of the library's SVD route. Centring
    leaves roundoff of order 1e-16 on the unobserved directions. The relative
    cutoff 1e-10 treats it as zero, because the drawn data have no singular
    values that small.
    """
    cutoff = 1e-10
    x_mean = X.mean(0) if fit_intercept else np.zeros(X.shape[1])
    y_mean = Y.mean(0) if fit_intercept else np.zeros(Y.shape[1])
    Xc, Yc = X - x_mean, Y - y_mean
    M = lstsq(Xc, Yc, cond=cutoff)[0].T
    N = null_space(Xc, rcond=cutoff)
    Xs_c, Ys_c = Xs - x_mean, Ys - y_mean
    G = lstsq(Xs_c @ N, Ys_c - Xs_c @ M.T, cond=cutoff)[0].T
    return M + G @ N.T, M, N


@settings(max_examples=40, deadline=None)
@given(pair=task_pairs())
def test_secondary_minimiser_matches_least_squares_oracle(pair):
    """The minimum-norm minimiser equals an independent least-squares solve."""
    X, Y, Xs, Ys, fit_intercept = pair
    expected, _, _ = _oracle(X, Y, Xs, Ys, fit_intercept)
    solution = minimize_secondary_error(X, Y, Xs, Ys, fit_intercept=fit_intercept)
    scale = np.linalg.norm(expected)
    np.testing.assert_allclose(solution.coef, expected, rtol=0, atol=1e-8 * scale)


@settings(max_examples=30, deadline=None)
@given(pair=task_pairs(), seed=st.integers(0, 2**16))
def test_secondary_solution_is_a_primary_solution(pair, seed):
    """The returned network is a GLS of the primary task and realises coef."""
    X, Y, Xs, Ys, fit_intercept = pair
    solution = minimize_secondary_error(
        X, Y, Xs, Ys, fit_intercept=fit_intercept, random_state=seed
    )
    network = solution.network
    np.testing.assert_allclose(
        network.coef_, solution.coef, atol=1e-10 * np.linalg.norm(solution.coef)
    )
    assert "gls" in diagnose_solution(network, X, Y).regions
    predictions = network.predict(Xs)
    expected = (Xs - (X.mean(0) if fit_intercept else 0)) @ solution.coef.T
    expected = expected + (Y.mean(0) if fit_intercept else 0)
    atol = 1e-9 * np.abs(expected).max()
    np.testing.assert_allclose(predictions, expected, atol=atol)


@settings(max_examples=30, deadline=None)
@given(pair=task_pairs(), seed=st.integers(0, 2**16))
def test_secondary_loss_no_gls_does_better(pair, seed):
    """Random GLS networks of the primary task never have a lower secondary loss."""
    X, Y, Xs, Ys, fit_intercept = pair
    solution = minimize_secondary_error(X, Y, Xs, Ys, fit_intercept=fit_intercept)
    gls = GLSRegressor(fit_intercept=fit_intercept, random_state=seed).fit(X, Y)
    gls_loss = np.sum((gls.predict(Xs) - Ys) ** 2) / (2 * Xs.shape[0])
    assert solution.secondary_loss <= gls_loss * (1 + 1e-9) + 1e-12


@settings(max_examples=30, deadline=None)
@given(pair=task_pairs(), seed=st.integers(0, 2**16))
def test_secondary_free_directions_change_no_loss(pair, seed):
    """Moving along the free directions keeps both losses."""
    X, Y, Xs, Ys, fit_intercept = pair
    solution = minimize_secondary_error(X, Y, Xs, Ys, fit_intercept=fit_intercept)
    rng = np.random.default_rng(seed)
    G = rng.normal(size=(Y.shape[1], solution.free_directions.shape[1]))
    other = solution.end_to_end_map(G)
    x_mean = X.mean(0) if fit_intercept else 0.0
    y_mean = Y.mean(0) if fit_intercept else 0.0
    loss = np.sum((Ys - y_mean - (Xs - x_mean) @ other.T) ** 2) / (2 * Xs.shape[0])
    assert loss == pytest.approx(solution.secondary_loss, rel=1e-8, abs=1e-12)
    np.testing.assert_allclose(
        solution.free_directions.T @ solution.free_directions,
        np.eye(solution.free_directions.shape[1]),
        atol=1e-10,
    )


def test_secondary_recovers_true_map():
    """Secondary data that reach every direction pin down the true map."""
    rng = np.random.default_rng(0)
    X = np.hstack([rng.normal(size=(20, 3)), np.zeros((20, 2))])
    true_map = rng.normal(size=(2, 5))
    Xs = rng.normal(size=(30, 5))
    solution = minimize_secondary_error(
        X, X @ true_map.T, Xs, Xs @ true_map.T, fit_intercept=False
    )
    np.testing.assert_allclose(solution.coef, true_map, atol=1e-10)
    assert solution.free_directions.shape == (5, 0)
    assert solution.secondary_loss == pytest.approx(0.0, abs=1e-20)


def test_secondary_rejects_feature_mismatch():
    """Secondary inputs with another number of features raise."""
    with pytest.raises(ValueError, match="3 features and 1 outputs, the secondary"):
        minimize_secondary_error(
            np.ones((5, 3)), np.ones(5), np.ones((4, 4)), np.ones(4)
        )


def test_secondary_rejects_narrow_network():
    """A network narrower than the minimiser's rank raises and gives the rank."""
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(10, 4)), rng.normal(size=(10, 3))
    with pytest.raises(ValueError, match="smaller than the rank .* 3"):
        minimize_secondary_error(X, Y, X, Y, n_hidden=2)


def test_secondary_full_rank_primary_is_least_squares():
    """Primary inputs that observe every direction leave only the LSS map.

    Subtracting the observed part of the secondary inputs once left roundoff,
    which the pseudo-inverse turned into a map about 1e14 times too large.
    The minimiser must be the least-squares map itself.
    """
    rng = np.random.default_rng(2)
    X = rng.normal(size=(4, 2)) + rng.normal(size=2)
    Y = rng.normal(size=(4, 3))
    Xs, Ys = rng.normal(size=(2, 2)), rng.normal(size=(2, 3))
    solution = minimize_secondary_error(X, Y, Xs, Ys, fit_intercept=False)
    expected = lstsq(X, Y)[0].T
    np.testing.assert_allclose(solution.coef, expected, rtol=1e-10)
    assert solution.free_directions.shape == (2, 0)
