"""Tests of decoder_drift along walks on the solution manifold."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge

from sklearn_dln import LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.analysis import decoder_drift
from sklearn_dln.transformers import ManifoldWalker


@pytest.fixture
def task():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 6))
    Y = X @ rng.standard_normal((6, 3)) + 0.1 * rng.standard_normal((20, 3))
    return X, Y


@pytest.mark.parametrize("estimator", [LSSRegressor, MRNSRegressor, MWNSRegressor])
def test_decoder_drift_grows_along_walk(task, estimator):
    """The fixed readout's error grows although the network's output does not."""
    X, Y = task
    walker = ManifoldWalker(estimator(random_state=0), n_steps=300, random_state=0)
    mse = decoder_drift(walker.fit(X, Y), X, Y)
    assert mse.shape == (301,)
    assert mse[-1] > 2 * mse[0]


def test_decoder_drift_matches_manual_loop(task):
    """The errors equal a readout fitted on step 0 and applied step by step."""
    X, Y = task
    walker = ManifoldWalker(MWNSRegressor(random_state=0), n_steps=10, random_state=1)
    path = walker.fit(X, Y).hidden_representations_
    readout = LinearRegression().fit(path[0], Y)
    expected = [np.mean((readout.predict(H) - Y) ** 2) for H in path]
    np.testing.assert_allclose(decoder_drift(path, None, Y), expected, rtol=1e-12)
    np.testing.assert_allclose(decoder_drift(walker, X, Y), expected, rtol=1e-12)


def test_decoder_drift_weights_record_decodes_new_inputs(task):
    """A walker with recorded weights decodes the activity of other inputs."""
    X, Y = task
    walker = ManifoldWalker(
        MRNSRegressor(random_state=0), n_steps=10, record="weights", random_state=1
    ).fit(X, Y)
    X_new, Y_new = X[:8] + 0.01, Y[:8]
    mse = decoder_drift(walker, X_new, Y_new, readout=Ridge(alpha=1e-6))
    assert mse.shape == (11,)
    assert np.all(np.isfinite(mse))


def test_decoder_drift_rejects_other_inputs_without_weights(task):
    """Hidden-only walks decode their training inputs only."""
    X, Y = task
    walker = ManifoldWalker(MRNSRegressor(random_state=0), n_steps=5).fit(X, Y)
    with pytest.raises(ValueError, match="record='weights'"):
        decoder_drift(walker, X[:5] + 1.0, Y[:5])


def test_decoder_drift_rejects_bad_path(task):
    """A path that is not three-dimensional, or X with a path, raises ValueError."""
    X, Y = task
    with pytest.raises(ValueError, match=r"\(n_steps \+ 1, n_samples, n_hidden\)"):
        decoder_drift(np.zeros((20, 3)), None, Y)
    with pytest.raises(ValueError, match="X must be None"):
        decoder_drift(np.zeros((2, 20, 3)), X, Y)
