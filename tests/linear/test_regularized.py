"""Penalised solutions: ridge LSS, soft-thresholded MRNS and weight-decay MWNS."""

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge

from sklearn_dln import LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.linear._regions import weights_from_free_parameters

PENALISED = [LSSRegressor, MRNSRegressor, MWNSRegressor]


@pytest.fixture
def rng():
    return np.random.default_rng(20251204)


@pytest.fixture
def task(rng):
    X = rng.normal(size=(40, 5)) @ rng.normal(size=(5, 5)) + 1.5
    Y = X @ rng.normal(size=(5, 3)) + 0.5 * rng.normal(size=(40, 3))
    return X, Y


def _weights(model):
    return model.coefs_[0].T, model.coefs_[1].T


def _tight(cls, **params):
    """Build an estimator, with a tight solver tolerance for the MWNS."""
    if cls is MWNSRegressor:
        params.setdefault("tol", 1e-12)
        params.setdefault("max_iter", 200_000)
    return cls(**params)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_lss_alpha_matches_ridge(task, rng, fit_intercept):
    """LSS(alpha=a) has the end-to-end map of Ridge(alpha=P * a)."""
    X, Y = task
    alpha = 0.07
    model = LSSRegressor(alpha=alpha, fit_intercept=fit_intercept, random_state=0)
    model.fit(X, Y)
    ridge = Ridge(alpha=X.shape[0] * alpha, fit_intercept=fit_intercept).fit(X, Y)

    np.testing.assert_allclose(model.coef_, ridge.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(model.intercept_, ridge.intercept_, atol=1e-10)
    np.testing.assert_allclose(model.predict(X), ridge.predict(X), atol=1e-10)


def test_lss_alpha_weighted_matches_ridge(task, rng):
    """With sample weights, P is the weight sum: Ridge(alpha=sum(w) * a)."""
    X, Y = task
    weights = rng.uniform(0.0, 3.0, size=X.shape[0])
    alpha = 0.02
    model = LSSRegressor(alpha=alpha, random_state=0)
    model.fit(X, Y, sample_weight=weights)
    ridge = Ridge(alpha=weights.sum() * alpha).fit(X, Y, sample_weight=weights)

    np.testing.assert_allclose(model.coef_, ridge.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(model.intercept_, ridge.intercept_, atol=1e-10)


def test_lss_alpha_keeps_free_parameters(task):
    """The ridge LSS draws the same free parameters as the unpenalised LSS."""
    X, Y = task
    plain = LSSRegressor(n_hidden=4, random_state=3).fit(X, Y)
    ridge = LSSRegressor(n_hidden=4, alpha=0.1, random_state=3).fit(X, Y)
    assert plain.free_parameters_.keys() == ridge.free_parameters_.keys()
    for name, value in plain.free_parameters_.items():
        np.testing.assert_array_equal(ridge.free_parameters_[name], value)


@pytest.mark.parametrize("cls", PENALISED)
def test_alpha_zero_is_the_closed_form(cls, task):
    """alpha=0.0 gives bit-identical weights and free parameters."""
    X, Y = task
    default = cls(n_hidden=4, random_state=1).fit(X, Y)
    explicit = cls(n_hidden=4, alpha=0.0, random_state=1).fit(X, Y)
    arrays = zip(
        default.coefs_ + default.intercepts_, explicit.coefs_ + explicit.intercepts_
    )
    for a, b in arrays:
        np.testing.assert_array_equal(a, b)
    for name, value in default.free_parameters_.items():
        np.testing.assert_array_equal(explicit.free_parameters_[name], value)
    assert explicit.regularized_decomposition_ is explicit.decomposition_


@pytest.mark.parametrize("cls", PENALISED)
def test_tiny_alpha_approaches_closed_form(cls, task):
    """The end-to-end map is continuous at alpha=0."""
    X, Y = task
    closed = cls(random_state=0).fit(X, Y)
    penalised = _tight(cls, alpha=1e-9, random_state=0).fit(X, Y)
    np.testing.assert_allclose(penalised.coef_, closed.coef_, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("cls", PENALISED)
def test_negative_alpha_raises(cls, task):
    """A negative alpha is rejected with a ValueError naming the parameter."""
    X, Y = task
    with pytest.raises(ValueError, match="'alpha' parameter"):
        cls(alpha=-0.1).fit(X, Y)


@pytest.mark.parametrize("cls", PENALISED)
def test_regularized_decomposition_rebuilds_weights(cls, task):
    """The free parameters and the regularised decomposition give the weights."""
    X, Y = task
    model = _tight(cls, n_hidden=4, alpha=0.05, random_state=2).fit(X, Y)
    W1, W2 = weights_from_free_parameters(
        model._region, model.regularized_decomposition_, model.free_parameters_
    )
    np.testing.assert_allclose(W1, _weights(model)[0], atol=1e-12)
    np.testing.assert_allclose(W2, _weights(model)[1], atol=1e-12)


def test_mrns_alpha_soft_thresholds_fitted_outputs(task):
    """The MRNS outputs have the singular values max(N - P alpha, 0)."""
    X, Y = task
    P = X.shape[0]
    plain = MRNSRegressor(random_state=0).fit(X, Y)
    N = np.linalg.svd(plain.predict(X) - Y.mean(axis=0), compute_uv=False)
    alpha = 0.6 * N[1] / P

    model = MRNSRegressor(alpha=alpha, random_state=0).fit(X, Y)
    outputs = model.predict(X) - Y.mean(axis=0)
    expected = np.maximum(N - P * alpha, 0.0)
    np.testing.assert_allclose(
        np.linalg.svd(outputs, compute_uv=False), expected, atol=1e-10 * N[0]
    )
    assert model.rank_ == np.count_nonzero(expected > 0)

    H = model.hidden_representation_
    np.testing.assert_allclose(
        np.linalg.svd(H, compute_uv=False)[: model.rank_] ** 2,
        expected[: model.rank_],
        rtol=1e-10,
    )


def test_mrns_alpha_width_is_thresholded_rank(task):
    """n_hidden may be as small as the rank left after thresholding."""
    X, Y = task
    P = X.shape[0]
    N = np.linalg.svd(
        MRNSRegressor().fit(X, Y).predict(X) - Y.mean(axis=0), compute_uv=False
    )
    alpha = 0.5 * (N[0] + N[1]) / P
    model = MRNSRegressor(n_hidden=1, alpha=alpha, random_state=0).fit(X, Y)
    assert model.rank_ == 1
    assert model.n_hidden_ == 1
    with pytest.raises(ValueError, match="n_hidden=1 is smaller than the rank"):
        MRNSRegressor(n_hidden=1).fit(X, Y)


@pytest.mark.parametrize("cls", [MRNSRegressor, MWNSRegressor])
def test_large_alpha_gives_zero_network(cls, task):
    """A penalty above every singular value leaves the constant predictor."""
    X, Y = task
    model = cls(alpha=1e6, random_state=0).fit(X, Y)
    assert model.rank_ == 0
    np.testing.assert_array_equal(model.coef_, 0.0)
    np.testing.assert_allclose(model.predict(X), np.tile(Y.mean(axis=0), (40, 1)))


def _expected_noise_loss(W1, W2, X, Y, s2):
    """Return the exact expected loss under scaled parameter noise of size s2.

    Entries of W1 get variance s2 / ||X||_F^2 and entries of W2 get variance
    s2 / n_outputs (Braun, Grant & Saxe, 2025, Section 5).
    """
    P, n_outputs, n_hidden = X.shape[0], Y.shape[1], W1.shape[0]
    var1 = s2 / np.sum(X**2)
    var2 = s2 / n_outputs
    fit = np.sum((X @ W1.T @ W2.T - Y) ** 2)
    return (
        fit
        + var1 * np.sum(X**2) * np.sum(W2**2)
        + var2 * n_outputs * np.sum((X @ W1.T) ** 2)
        + var1 * var2 * n_outputs * n_hidden * np.sum(X**2)
    ) / (2 * P)


def test_mrns_alpha_expected_noise_loss_monte_carlo(task, rng):
    """Monte Carlo parameter noise agrees with the closed-form expected loss."""
    X, Y = task
    P = X.shape[0]
    alpha = 0.05
    s2 = P * alpha
    model = MRNSRegressor(alpha=alpha, fit_intercept=False, random_state=0)
    W1, W2 = _weights(model.fit(X, Y))

    n_draws = 20_000
    noise1 = rng.normal(size=(n_draws,) + W1.shape) * np.sqrt(s2 / np.sum(X**2))
    noise2 = rng.normal(size=(n_draws,) + W2.shape) * np.sqrt(s2 / Y.shape[1])
    hidden = np.einsum("pi,thi->tph", X, W1 + noise1)
    outputs = np.einsum("tph,toh->tpo", hidden, W2 + noise2)
    losses = np.sum((outputs - Y) ** 2, axis=(1, 2)) / (2 * P)

    standard_error = losses.std(ddof=1) / np.sqrt(n_draws)
    expected = _expected_noise_loss(W1, W2, X, Y, s2)
    assert abs(losses.mean() - expected) < 4 * standard_error


def test_mrns_alpha_minimises_expected_noise_loss(task, rng):
    """The MRNS with alpha = s^2 / P minimises the expected noisy loss."""
    X, Y = task
    P = X.shape[0]
    alpha = 0.05
    s2 = P * alpha
    model = MRNSRegressor(alpha=alpha, fit_intercept=False, random_state=0)
    W1, W2 = _weights(model.fit(X, Y))
    best = _expected_noise_loss(W1, W2, X, Y, s2)

    others = {
        "unpenalised MRNS": MRNSRegressor(fit_intercept=False),
        "MRNS, half alpha": MRNSRegressor(alpha=alpha / 2, fit_intercept=False),
        "MRNS, double alpha": MRNSRegressor(alpha=2 * alpha, fit_intercept=False),
        "MWNS, same alpha": MWNSRegressor(alpha=alpha, fit_intercept=False),
    }
    for name, other in others.items():
        V1, V2 = _weights(other.set_params(n_hidden=W1.shape[0]).fit(X, Y))
        assert best < _expected_noise_loss(V1, V2, X, Y, s2), name

    for _ in range(20):
        D1, D2 = rng.normal(size=W1.shape), rng.normal(size=W2.shape)
        for step in (1e-3, -1e-3):
            perturbed = _expected_noise_loss(W1 + step * D1, W2 + step * D2, X, Y, s2)
            assert best <= perturbed

    # An independent optimiser over all weights of the same width. With the
    # scaled variances both noise terms of the gradient carry the factor s2.
    def objective(theta):
        V1 = theta[: W1.size].reshape(W1.shape)
        V2 = theta[W1.size :].reshape(W2.shape)
        H = X @ V1.T
        E = H @ V2.T - Y
        grad1 = (V2.T @ E.T @ X + s2 * H.T @ X) / P
        grad2 = (E.T @ H + s2 * V2) / P
        value = _expected_noise_loss(V1, V2, X, Y, s2)
        return value, np.concatenate([grad1.ravel(), grad2.ravel()])

    start = rng.normal(size=W1.size + W2.size)
    result = minimize(
        objective, start, jac=True, method="L-BFGS-B", options={"ftol": 1e-15}
    )
    assert best <= result.fun + 1e-10
    assert result.fun == pytest.approx(best, rel=1e-6)


def test_mwns_alpha_whitened_inputs_closed_form(rng):
    """With X.T X = P I the MWNS map soft-thresholds the singular values of M."""
    P = 60
    Q, _ = np.linalg.qr(rng.normal(size=(P, 4)))
    X = np.sqrt(P) * Q
    Y = X @ rng.normal(size=(4, 3)) + 0.3 * rng.normal(size=(P, 3))
    alpha = 0.4

    model = _tight(MWNSRegressor, alpha=alpha, fit_intercept=False, random_state=0)
    model.fit(X, Y)
    M = np.linalg.lstsq(X, Y, rcond=None)[0].T
    u, values, vt = np.linalg.svd(M, full_matrices=False)
    expected = (u * np.maximum(values - alpha, 0.0)) @ vt
    np.testing.assert_allclose(model.coef_, expected, atol=1e-10)


def test_mwns_alpha_satisfies_optimality_conditions(task):
    """The MWNS map satisfies the subgradient conditions of the nuclear norm."""
    X, Y = task
    # This penalty removes one of the three directions of the map, so both
    # parts of the condition are exercised.
    P, alpha = X.shape[0], 2.0
    model = _tight(MWNSRegressor, alpha=alpha, fit_intercept=False, random_state=0)
    M = model.fit(X, Y).coef_

    # 0 in X.T (X M.T - Y) / P + alpha * subdifferential of ||M.T||_*.
    Z = -(X.T @ (X @ M.T - Y)) / (P * alpha)
    u, values, vt = np.linalg.svd(M.T, full_matrices=False)
    rank = int(np.count_nonzero(values > 1e-9 * values[0]))
    assert 0 < rank < min(M.shape)
    U, V = u[:, :rank], vt[:rank].T
    np.testing.assert_allclose(U.T @ Z @ V, np.eye(rank), atol=1e-7)
    rest = (np.eye(U.shape[0]) - U @ U.T) @ Z @ (np.eye(V.shape[0]) - V @ V.T)
    assert np.linalg.norm(rest, 2) <= 1 + 1e-7


def test_mwns_alpha_matches_factored_optimum(task, rng):
    """No pair of weights of that width has a lower weight-decay loss."""
    X, Y = task
    P, alpha = X.shape[0], 0.3
    model = _tight(MWNSRegressor, alpha=alpha, fit_intercept=False, random_state=0)
    W1, W2 = _weights(model.fit(X, Y))

    def objective(V1, V2):
        fit = np.sum((X @ V1.T @ V2.T - Y) ** 2) / (2 * P)
        return fit + alpha / 2 * (np.sum(V1**2) + np.sum(V2**2))

    def flat_objective(theta):
        V1 = theta[: W1.size].reshape(W1.shape)
        V2 = theta[W1.size :].reshape(W2.shape)
        H = X @ V1.T
        E = H @ V2.T - Y
        grad1 = V2.T @ E.T @ X / P + alpha * V1
        grad2 = E.T @ H / P + alpha * V2
        return objective(V1, V2), np.concatenate([grad1.ravel(), grad2.ravel()])

    best = objective(W1, W2)
    start = rng.normal(size=W1.size + W2.size)
    result = minimize(
        flat_objective, start, jac=True, method="L-BFGS-B", options={"ftol": 1e-15}
    )
    assert best <= result.fun + 1e-10
    assert result.fun == pytest.approx(best, rel=1e-6)
    np.testing.assert_allclose(W1 @ W1.T, W2.T @ W2, atol=1e-10)


def test_mwns_alpha_max_iter_warns(task):
    """Stopping at max_iter warns, names the knobs and still sets n_iter_."""
    X, Y = task
    model = MWNSRegressor(alpha=0.3, max_iter=2, tol=0.0)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        model.fit(X, Y)
    assert model.n_iter_ == 2
    assert np.all(np.isfinite(model.coef_))


def test_mwns_n_iter_zero_without_penalty(task):
    """The closed form runs no iteration; the penalised fit runs at least one."""
    X, Y = task
    assert MWNSRegressor().fit(X, Y).n_iter_ == 0
    assert MWNSRegressor(alpha=0.1).fit(X, Y).n_iter_ >= 1
