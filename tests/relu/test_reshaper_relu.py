"""FunctionPreservingReshaper on scikit-learn MLPs and the ReLU wrappers."""

import copy
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from relu_networks import build_random_mlp, network_outputs
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline

from sklearn_dln.relu import RELU_MOVES, ReLUMLPRegressor
from sklearn_dln.transformers import FunctionPreservingReshaper

RTOL = 1e-10


def _rank_deficient_inputs(seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((30, 3)) @ rng.standard_normal((3, 5))


def _target_for(method, X):
    return np.abs(X[:, :2]) + 1.0 if method == "target" else None


@pytest.mark.parametrize("method", RELU_MOVES)
@pytest.mark.parametrize("wrapped", [False, True])
def test_reshaper_relu_keeps_mlp_outputs(method, wrapped):
    """Every ReLU move through the reshaper keeps the MLP's outputs."""
    X = _rank_deficient_inputs(0)
    mlp, X = build_random_mlp("classifier", (5, 4), X=X, seed=0, wrapped=wrapped)
    before = copy.deepcopy(mlp.coefs_)

    reshaper = FunctionPreservingReshaper(
        mlp, method=method, target=_target_for(method, X), random_state=0
    ).fit(X)

    assert type(reshaper.estimator_) is type(mlp)
    expected = network_outputs(mlp, X)
    assert np.abs(reshaper.predict_proba(X) - expected).max() <= RTOL
    assert_array_equal(reshaper.predict(X), mlp.predict(X))
    widths = tuple(coef.shape[1] for coef in reshaper.coefs_[:-1])
    assert reshaper.estimator_.hidden_layer_sizes == widths
    assert reshaper.transform(X).shape == (30, widths[-1])
    assert_allclose(reshaper.hidden_representation_, reshaper.transform(X))
    for old, kept in zip(before, mlp.coefs_):
        assert_array_equal(old, kept)


def test_reshaper_relu_fits_unfitted_wrapper_in_pipeline():
    """An unfitted ReLU wrapper is fitted, widened and used as features."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 4))
    y = X[:, 0] - 2 * X[:, 1]
    reshaper = FunctionPreservingReshaper(
        ReLUMLPRegressor(8, solver="lbfgs", max_iter=200, random_state=0),
        method="nuisance",
        n_units=3,
        random_state=0,
    )
    pipe = make_pipeline(reshaper, Ridge()).fit(X, y)
    assert pipe[:-1].transform(X).shape == (60, 11)
    assert pipe.predict(X).shape == (60,)
    inner = pipe[0].estimator_
    assert inner.hidden_layer_sizes == (11,)
    assert_allclose(pipe[0].predict(X), inner.predict(X))


def test_reshaper_relu_target_reports_match():
    """A target move reports its activity residual and RSM match."""
    mlp, X = build_random_mlp("regressor", (6,), seed=2)
    H = mlp.predict(X).reshape(len(X), -1)
    reshaper = FunctionPreservingReshaper(
        mlp, method="target", target={"activity": np.abs(H), "rsm": X @ X.T}
    ).fit(X)
    assert np.isfinite(reshaper.residual_)
    assert -1.0 <= reshaper.rsm_match_ <= 1.0
    assert np.abs(reshaper.predict(X) - mlp.predict(X)).max() <= RTOL * np.abs(
        mlp.predict(X)
    ).max()


def test_reshaper_relu_rejects_bad_input():
    """Non-ReLU rescaling, unfitted prefit networks and bad layers raise."""
    mlp, X = build_random_mlp("regressor", (4, 3), activation="tanh", seed=3)
    with pytest.raises(ValueError, match="positively homogeneous"):
        FunctionPreservingReshaper(mlp, method="scale").fit(X)
    reshaper = FunctionPreservingReshaper(mlp, method="permute").fit(X)
    assert_allclose(reshaper.predict(X), mlp.predict(X), rtol=1e-12)
    with pytest.raises(ValueError, match="2 hidden layers"):
        FunctionPreservingReshaper(mlp, method="nuisance", layer=5).fit(X)
    with pytest.raises(NotFittedError):
        FunctionPreservingReshaper(MLPClassifier(), method="permute", prefit=True).fit(X)


def test_reshaper_mlp_fitted_on_dataframe_warns_nothing():
    """An MLP fitted on a DataFrame is moved and used without warnings.

    Passing the validated array instead of the DataFrame to the MLP used to
    raise scikit-learn's "X does not have valid feature names" warning.
    """
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(40, 4)), columns=list("abcd"))
    y = rng.normal(size=40)
    mlp = MLPRegressor(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=5000, random_state=0)
    mlp.fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reshaper = FunctionPreservingReshaper(mlp, method="permute", random_state=0).fit(X)
        moved = reshaper.predict(X)
        hidden = reshaper.transform(X)
    np.testing.assert_allclose(moved, mlp.predict(X), atol=1e-12)
    assert hidden.shape == (40, 8)
