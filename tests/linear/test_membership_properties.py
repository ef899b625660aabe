"""Property tests: each estimator lands in its region on random tasks.

Tasks include fewer samples than features, rank-deficient inputs, data
scaled by 2**-20 to 2**20 (about 1e-6 to 1e6) and float32 inputs. The oracle is a pseudo-inverse
with the same relative rank tolerance, computed independently with numpy.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg

from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor

ESTIMATORS = [GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor]
RTOL = 1e-9


@st.composite
def tasks(draw):
    """Draw a regression task and fit settings.

    Rank-deficient float64 inputs are products of Gaussian factors. float32
    inputs are products of small integer factors times a power of two, which
    float32 represents exactly. Rounding a Gaussian product to float32 would
    make it full rank with a condition number near 1e8, where no method can
    keep 1e-9 relative accuracy.
    """
    n_samples = draw(st.integers(2, 12))
    n_features = draw(st.integers(1, 9))
    n_outputs = draw(st.integers(1, 5))
    rank = draw(st.integers(1, min(n_samples, n_features)))
    seed = draw(st.integers(0, 2**32 - 1))
    x_scale = 2.0 ** draw(st.integers(-20, 20))
    y_scale = 2.0 ** draw(st.integers(-20, 20))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    fit_intercept = draw(st.booleans())

    rng = np.random.default_rng(seed)
    if dtype == np.float32:
        left = rng.integers(-3, 4, size=(n_samples, rank))
        right = rng.integers(-3, 4, size=(rank, n_features))
    else:
        left = rng.normal(size=(n_samples, rank))
        right = rng.normal(size=(rank, n_features))
    X = (x_scale * (left @ right)).astype(dtype)
    Y = (y_scale * rng.normal(size=(n_samples, n_outputs))).astype(dtype)
    return X, Y, fit_intercept, seed


def _oracle(X, Y, fit_intercept):
    """Return centred data, the least-squares map and the fitted outputs."""
    X, Y = X.astype(np.float64), Y.astype(np.float64)
    mean = X.mean(0) if fit_intercept else np.zeros(X.shape[1])
    X, Y = X - mean, (Y - Y.mean(0) if fit_intercept else Y)

    # Subtracting the mean leaves roundoff of order eps * sqrt(n) * ||mean||,
    # so singular values are judged against that as well as against s_max.
    singular_values = np.linalg.svd(X, compute_uv=False)
    reference = max(singular_values[0], np.sqrt(X.shape[0]) * np.linalg.norm(mean))
    cutoff = max(X.shape) * np.finfo(np.float64).eps * reference
    ls_map = (linalg.pinv(X, atol=cutoff, rtol=0.0) @ Y).T
    return X, ls_map, X @ ls_map.T


def _fit(cls, X, Y, fit_intercept, seed, n_hidden=None):
    model = cls(n_hidden=n_hidden, fit_intercept=fit_intercept, random_state=seed % 1000)
    model.fit(X, Y)
    return model, model.coefs_[0].T, model.coefs_[1].T


def _relative(a, b):
    scale = max(np.linalg.norm(b), np.finfo(np.float64).tiny)
    return np.linalg.norm(a - b) / scale


@settings(max_examples=40, deadline=None)
@given(task=tasks())
def test_gls_residual_is_zero(task):
    """A GLS reaches the least-squares fitted outputs on the training inputs."""
    X, Y, fit_intercept, seed = task
    Xc, _, Yhat = _oracle(X, Y, fit_intercept)
    model, W1, W2 = _fit(GLSRegressor, X, Y, fit_intercept, seed, n_hidden=6)
    assert _relative(Xc @ (W2 @ W1).T, Yhat) <= RTOL


@settings(max_examples=40, deadline=None)
@given(task=tasks())
def test_lss_map_equals_least_squares_map(task):
    """An LSS has exactly the minimum-norm least-squares end-to-end map."""
    X, Y, fit_intercept, seed = task
    _, ls_map, _ = _oracle(X, Y, fit_intercept)
    model, W1, W2 = _fit(LSSRegressor, X, Y, fit_intercept, seed, n_hidden=6)
    assert _relative(W2 @ W1, ls_map) <= RTOL


@settings(max_examples=40, deadline=None)
@given(task=tasks())
def test_mrns_objective_is_twice_nuclear_norm_of_fit(task):
    """An MRNS has ||H||^2 + ||W2||^2 = 2 ||Yhat||_* on the training data."""
    X, Y, fit_intercept, seed = task
    Xc, _, Yhat = _oracle(X, Y, fit_intercept)
    model, W1, W2 = _fit(MRNSRegressor, X, Y, fit_intercept, seed)
    objective = np.sum((Xc @ W1.T) ** 2) + np.sum(W2**2)
    expected = 2 * np.linalg.norm(Yhat, "nuc")
    assert abs(objective - expected) <= RTOL * max(expected, np.finfo(float).tiny)
    assert _relative(Xc @ (W2 @ W1).T, Yhat) <= RTOL


@settings(max_examples=40, deadline=None)
@given(task=tasks())
def test_mwns_objective_is_twice_nuclear_norm_of_map(task):
    """An MWNS has ||W1||^2 + ||W2||^2 = 2 ||M_ls||_* and is an LSS."""
    X, Y, fit_intercept, seed = task
    _, ls_map, _ = _oracle(X, Y, fit_intercept)
    model, W1, W2 = _fit(MWNSRegressor, X, Y, fit_intercept, seed)
    objective = np.sum(W1**2) + np.sum(W2**2)
    expected = 2 * np.linalg.norm(ls_map, "nuc")
    assert abs(objective - expected) <= RTOL * max(expected, np.finfo(float).tiny)
    assert _relative(W2 @ W1, ls_map) <= RTOL


@settings(max_examples=25, deadline=None)
@given(task=tasks())
def test_predictions_equal_least_squares(task):
    """Every region predicts the least-squares fit on the training inputs."""
    X, Y, fit_intercept, seed = task
    _, _, Yhat = _oracle(X, Y, fit_intercept)
    offset = Y.astype(np.float64).mean(0) if fit_intercept else 0.0
    for cls in ESTIMATORS:
        model, _, _ = _fit(cls, X, Y, fit_intercept, seed)
        assert _relative(model.predict(X), Yhat + offset) <= RTOL


def _rsm(model):
    H = model.hidden_representation_
    return H @ H.T


@settings(max_examples=25, deadline=None)
@given(task=tasks())
def test_task_specific_rsm_ignores_random_state(task):
    """MRNS and MWNS RSMs are the same for every random_state."""
    X, Y, fit_intercept, seed = task
    for cls in (MRNSRegressor, MWNSRegressor):
        a, _, _ = _fit(cls, X, Y, fit_intercept, seed, n_hidden=6)
        b, _, _ = _fit(cls, X, Y, fit_intercept, seed + 1, n_hidden=6)
        assert _relative(_rsm(b), _rsm(a)) <= RTOL


@settings(max_examples=25, deadline=None)
@given(task=tasks())
def test_task_agnostic_rsm_depends_on_random_state(task):
    """GLS and LSS RSMs change with random_state when the task is not trivial."""
    X, Y, fit_intercept, seed = task
    Xc, _, Yhat = _oracle(X, Y, fit_intercept)
    if np.linalg.norm(Yhat) == 0 or np.linalg.matrix_rank(Xc) == 0:
        return
    for cls in (GLSRegressor, LSSRegressor):
        a, _, _ = _fit(cls, X, Y, fit_intercept, seed, n_hidden=6)
        b, _, _ = _fit(cls, X, Y, fit_intercept, seed + 1, n_hidden=6)
        assert _relative(_rsm(b), _rsm(a)) > 1e-3
