"""Fits and predictions on dask arrays, with threads and a local cluster."""

import importlib
import sys
import tracemalloc

import numpy as np
import pytest

from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor

ESTIMATORS = [GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor]
RTOL = 1e-9
DASK_MISSING = "dask is an optional dependency: pip install 'sklearn-dln[dask]'"


@pytest.fixture
def da():
    pytest.importorskip("dask", reason=DASK_MISSING)
    return pytest.importorskip("dask.array", reason=DASK_MISSING)


@pytest.fixture
def task():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(600, 6)) @ rng.normal(size=(6, 6)) + 3.0
    Y = X @ rng.normal(size=(6, 4)) + 0.3 * rng.normal(size=(600, 4))
    weights = rng.uniform(0.0, 2.0, size=600)
    return X, Y, weights


def _relative_error(got, expected):
    return np.linalg.norm(got - expected) / np.linalg.norm(expected)


def _assert_same_network(model, reference):
    for got, expected in zip(
        model.coefs_ + model.intercepts_ + [model.coef_],
        reference.coefs_ + reference.intercepts_ + [reference.coef_],
    ):
        assert _relative_error(got, expected) <= RTOL


@pytest.mark.slow
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_dask_fit_matches_numpy_threads(cls, task, da):
    """A threaded dask fit with uneven chunks equals the numpy fit."""
    import dask

    X, Y, weights = task
    params = {"n_hidden": 5, "random_state": 3}
    reference = cls(**params).fit(X, Y, sample_weight=weights)
    with dask.config.set(scheduler="threads"):
        model = cls(**params).fit(
            da.from_array(X, chunks=(70, 6)),
            da.from_array(Y, chunks=(110, 4)),
            sample_weight=da.from_array(weights, chunks=250),
        )
    _assert_same_network(model, reference)
    assert model.n_features_in_ == X.shape[1]


@pytest.mark.slow
def test_dask_predict_and_transform_are_lazy(task, da):
    """predict and transform return dask arrays chunked like the input rows."""
    X, Y, _ = task
    model = MRNSRegressor(random_state=0).fit(X, Y)
    X_dask = da.from_array(X, chunks=(100, 3))

    predictions = model.predict(X_dask)
    hidden = model.transform(X_dask)
    assert isinstance(predictions, da.Array)
    assert isinstance(hidden, da.Array)
    assert predictions.chunks[0] == X_dask.chunks[0]
    np.testing.assert_allclose(predictions.compute(), model.predict(X), rtol=1e-12)
    np.testing.assert_allclose(hidden.compute(), model.transform(X), rtol=1e-12)

    one_output = LSSRegressor().fit(X, Y[:, 0])
    predictions = one_output.predict(X_dask)
    assert predictions.shape == (X.shape[0],)
    np.testing.assert_allclose(predictions.compute(), one_output.predict(X))


@pytest.mark.slow
def test_dask_fit_hidden_representation_is_lazy(task, da):
    """A dask fit stores the hidden activity of X as a lazy dask array."""
    X, Y, _ = task
    model = MWNSRegressor(random_state=0).fit(da.from_array(X, chunks=200), Y)
    assert isinstance(model.hidden_representation_, da.Array)
    reference = MWNSRegressor(random_state=0).fit(X, Y)
    np.testing.assert_allclose(
        model.hidden_representation_.compute(),
        reference.hidden_representation_,
        atol=1e-10,
    )


@pytest.mark.slow
def test_dask_partial_fit_adds_chunks(task, da):
    """partial_fit accepts dask chunks and merges them with numpy chunks."""
    X, Y, _ = task
    reference = LSSRegressor(random_state=0).fit(X, Y)
    model = LSSRegressor(random_state=0).partial_fit(X[:200], Y[:200])
    model.partial_fit(da.from_array(X[200:], chunks=150), da.from_array(Y[200:]))
    _assert_same_network(model, reference)


@pytest.mark.slow
def test_dask_fit_reads_one_chunk_at_a_time(da):
    """The fit never materialises the whole array: peak memory stays small."""
    n_rows, n_features, chunk_rows = 200_000, 40, 5_000
    rows_per_block = [chunk_rows] * (n_rows // chunk_rows)

    def make_block(block_info=None):
        index = block_info[None]["chunk-location"][0]
        rng = np.random.default_rng(index)
        return rng.normal(size=(chunk_rows, n_features))

    X = da.map_blocks(
        make_block, chunks=(tuple(rows_per_block), (n_features,)), dtype=np.float64
    )
    y = X[:, 0] - 2.0 * X[:, 1]
    full_size = n_rows * n_features * 8

    import dask

    tracemalloc.start()
    try:
        with dask.config.set(scheduler="synchronous"):
            model = LSSRegressor().fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < full_size / 4
    np.testing.assert_allclose(model.coef_[:2], [1.0, -2.0], atol=1e-10)


@pytest.mark.slow
def test_dask_fit_feature_mismatch_raises(task, da):
    """Predicting on a dask array with other features raises ValueError."""
    X, Y, _ = task
    model = GLSRegressor().fit(da.from_array(X), Y)
    with pytest.raises(ValueError, match="expecting 6 features"):
        model.predict(da.from_array(X[:, :-1]))
    with pytest.raises(ValueError, match="expecting 6 features"):
        model.partial_fit(da.from_array(X[:, :-1]), Y)


@pytest.mark.slow
def test_dask_fit_on_local_cluster(task, da):
    """A two-worker LocalCluster on loopback gives the numpy network."""
    distributed = pytest.importorskip("distributed", reason=DASK_MISSING)

    X, Y, weights = task
    reference = MRNSRegressor(random_state=1, alpha=0.01).fit(
        X, Y, sample_weight=weights
    )
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster):
        model = MRNSRegressor(random_state=1, alpha=0.01).fit(
            da.from_array(X, chunks=(90, 6)),
            da.from_array(Y, chunks=(90, 4)),
            sample_weight=da.from_array(weights, chunks=90),
        )
        predictions = model.predict(da.from_array(X, chunks=(90, 6))).compute()
    _assert_same_network(model, reference)
    np.testing.assert_allclose(predictions, reference.predict(X), rtol=1e-9)


def test_dask_module_without_dask_raises(monkeypatch):
    """Without dask, importing the dask path raises ImportError naming the extra."""
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.array", None)
    monkeypatch.delitem(sys.modules, "sklearn_dln.linear._dask", raising=False)
    with pytest.raises(ImportError, match=r"sklearn-dln\[dask\]"):
        importlib.import_module("sklearn_dln.linear._dask")


def test_discovery_without_dask(monkeypatch):
    """Estimator discovery works when dask is missing."""
    from sklearn_dln.utils import all_estimators

    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.array", None)
    monkeypatch.delitem(sys.modules, "sklearn_dln.linear._dask", raising=False)
    names = {name for name, _ in all_estimators()}
    assert {"GLSRegressor", "LSSRegressor", "MRNSRegressor", "MWNSRegressor"} <= names
