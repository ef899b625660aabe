"""Streamed fits: partial_fit on chunks equals fit on the concatenated data."""

import numpy as np
import pytest

from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.linear import SufficientStatistics

ESTIMATORS = [GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor]
RTOL = 1e-9


@pytest.fixture
def rng():
    return np.random.default_rng(4061)


@pytest.fixture
def task(rng):
    X = rng.normal(size=(230, 7)) @ rng.normal(size=(7, 7)) + 4.0
    Y = X @ rng.normal(size=(7, 3)) + 0.2 * rng.normal(size=(230, 3)) - 2.0
    weights = rng.uniform(0.0, 2.0, size=230)
    weights[::17] = 0.0
    return X, Y, weights


def _chunks(n_samples, sizes):
    """Yield slices of consecutive chunks with the given sizes, cycling."""
    start, i = 0, 0
    while start < n_samples:
        stop = min(start + sizes[i % len(sizes)], n_samples)
        yield slice(start, stop)
        start, i = stop, i + 1


def _stream(model, X, Y, weights=None, sizes=(31, 1, 64, 9)):
    for rows in _chunks(X.shape[0], sizes):
        w = None if weights is None else weights[rows]
        model.partial_fit(X[rows], Y[rows], sample_weight=w)
    return model


def _assert_same_network(streamed, batch):
    arrays = zip(
        streamed.coefs_ + streamed.intercepts_ + [streamed.coef_],
        batch.coefs_ + batch.intercepts_ + [batch.coef_],
    )
    for got, expected in arrays:
        scale = max(np.linalg.norm(expected), np.finfo(float).tiny)
        assert np.linalg.norm(got - expected) / scale <= RTOL
    np.testing.assert_allclose(streamed.intercept_, batch.intercept_, rtol=RTOL)
    assert streamed.rank_ == batch.rank_


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_partial_fit_matches_batch_fit(cls, fit_intercept, task):
    """Chunks of uneven size with weights give the batch network to 1e-9."""
    X, Y, weights = task
    params = {"n_hidden": 5, "fit_intercept": fit_intercept, "random_state": 7}
    batch = cls(**params).fit(X, Y, sample_weight=weights)
    streamed = _stream(cls(**params), X, Y, weights)
    _assert_same_network(streamed, batch)


@pytest.mark.parametrize("cls", [LSSRegressor, MRNSRegressor, MWNSRegressor])
def test_partial_fit_alpha_matches_batch_fit(cls, task):
    """The penalised solutions are streamed too."""
    X, Y, _ = task
    params = {"alpha": 0.5, "random_state": 7}
    if cls is MWNSRegressor:
        params.update(tol=1e-13, max_iter=100_000)
    batch = cls(**params).fit(X, Y)
    streamed = _stream(cls(**params), X, Y)
    _assert_same_network(streamed, batch)


def test_partial_fit_ill_conditioned_data(rng):
    """Columns scaled over eight decades around a large mean still agree."""
    scales = np.logspace(-4, 4, 6)
    X = 1e4 + rng.normal(size=(300, 6)) * scales
    Y = (X - 1e4) @ (rng.normal(size=(6, 2)) / scales[:, np.newaxis])
    Y += 0.01 * rng.normal(size=Y.shape)
    batch = MRNSRegressor(random_state=0).fit(X, Y)
    streamed = _stream(MRNSRegressor(random_state=0), X, Y, sizes=(50,))
    _assert_same_network(streamed, batch)


def test_partial_fit_after_fit_adds_data(task):
    """partial_fit after fit continues from the data of that fit."""
    X, Y, _ = task
    batch = MWNSRegressor(random_state=0).fit(X, Y)
    model = MWNSRegressor(random_state=0).fit(X[:100], Y[:100])
    model.partial_fit(X[100:], Y[100:])
    _assert_same_network(model, batch)


def test_partial_fit_one_dimensional_target(task):
    """A 1-D target gives a 1-D coef_ and a float intercept_, as fit does."""
    X, Y, _ = task
    batch = LSSRegressor(random_state=0).fit(X, Y[:, 0])
    streamed = _stream(LSSRegressor(random_state=0), X, Y[:, 0])
    assert streamed.coef_.shape == (X.shape[1],)
    assert isinstance(streamed.intercept_, float)
    np.testing.assert_allclose(streamed.coef_, batch.coef_, rtol=RTOL)


def test_partial_fit_hidden_representation_unavailable(task):
    """After partial_fit, hidden_representation_ raises and names the fix."""
    X, Y, _ = task
    model = MRNSRegressor(random_state=0).fit(X, Y)
    assert hasattr(model, "hidden_representation_")
    model.partial_fit(X[:10], Y[:10])
    assert not hasattr(model, "hidden_representation_")
    with pytest.raises(AttributeError, match="not available after partial_fit"):
        model.hidden_representation_
    assert model.transform(X).shape == (X.shape[0], model.n_hidden_)


def test_partial_fit_different_features_raises(task):
    """A chunk with another number of features raises ValueError."""
    X, Y, _ = task
    model = GLSRegressor().partial_fit(X[:50], Y[:50])
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[50:, :-1], Y[50:])


def test_partial_fit_different_outputs_raises(task):
    """A chunk with another number of outputs raises ValueError."""
    X, Y, _ = task
    model = GLSRegressor().partial_fit(X[:50], Y[:50])
    with pytest.raises(ValueError, match="y has 2 outputs, but earlier chunks had 3"):
        model.partial_fit(X[50:], Y[50:, :2])


def test_partial_fit_changed_fit_intercept_raises(task):
    """Changing fit_intercept between chunks raises ValueError."""
    X, Y, _ = task
    model = LSSRegressor().partial_fit(X[:50], Y[:50])
    model.set_params(fit_intercept=False)
    with pytest.raises(ValueError, match="fit_intercept changed"):
        model.partial_fit(X[50:], Y[50:])


def test_statistics_cross_products_match_numpy(task):
    """The stored factor reproduces the weighted cross-products and means."""
    X, Y, weights = task
    model = _stream(LSSRegressor(), X, Y, weights)
    statistics = model.statistics_
    xx, xy, yy = statistics.cross_products()
    Xw = X * weights[:, np.newaxis]
    np.testing.assert_allclose(xx, X.T @ Xw, rtol=1e-10)
    np.testing.assert_allclose(xy, Xw.T @ Y, rtol=1e-10)
    np.testing.assert_allclose(yy, (Y * weights[:, np.newaxis]).T @ Y, rtol=1e-10)
    x_mean = np.average(X, axis=0, weights=weights)
    np.testing.assert_allclose(statistics.x_mean, x_mean)
    assert statistics.weight_sum == pytest.approx(weights.sum(), rel=1e-12)
    assert statistics.n_samples == np.count_nonzero(weights)


def test_statistics_merge_is_order_free(task):
    """Merging chunk statistics in another order gives the same scatter."""
    X, Y, _ = task
    parts = [
        SufficientStatistics.from_arrays(X[rows], Y[rows])
        for rows in _chunks(X.shape[0], (40, 70))
    ]
    forward = parts[0]
    for part in parts[1:]:
        forward = forward.merge(part)
    backward = parts[-1]
    for part in parts[-2::-1]:
        backward = backward.merge(part)
    np.testing.assert_allclose(
        forward.factor.T @ forward.factor,
        backward.factor.T @ backward.factor,
        rtol=1e-10,
        atol=1e-10 * np.abs(forward.factor).max() ** 2,
    )
    np.testing.assert_allclose(forward.x_mean, backward.x_mean, rtol=1e-12)


def test_partial_fit_zero_weight_chunks(task):
    """A zero-weight chunk changes nothing, but cannot be the first chunk."""
    X, Y, _ = task
    with pytest.raises(ValueError, match="first chunk is zero"):
        LSSRegressor().partial_fit(X[:5], Y[:5], sample_weight=np.zeros(5))

    model = LSSRegressor(random_state=0).partial_fit(X[:50], Y[:50])
    before = model.coef_.copy()
    model.partial_fit(X[50:60], Y[50:60], sample_weight=np.zeros(10))
    np.testing.assert_array_equal(model.coef_, before)


def test_statistics_row_split_matches_one_factor(rng):
    """The threaded row-split QR has the scatter matrix of one QR."""
    from threadpoolctl import threadpool_limits

    X = rng.normal(size=(40_000, 70)) + 3.0
    Y = X[:, :10] + rng.normal(size=(40_000, 10))
    single = SufficientStatistics.from_arrays(X, Y, single_thread=True)
    with threadpool_limits(3, "blas"):
        split = SufficientStatistics.from_arrays(X, Y)

    scatter = single.factor.T @ single.factor
    np.testing.assert_allclose(
        split.factor.T @ split.factor, scatter, rtol=1e-10, atol=1e-10 * scatter.max()
    )
    assert split.factor.shape == single.factor.shape
    assert np.allclose(split.factor, np.triu(split.factor))
