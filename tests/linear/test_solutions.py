"""Behaviour of the four closed-form solution estimators."""

import pickle
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import linalg, sparse
from sklearn.base import clone
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor

ESTIMATORS = [GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor]
# Estimators whose end-to-end map equals the least-squares map everywhere,
# not only on the span of the training inputs (MRNS with its default
# null_scale=0 is one of them).
LEAST_SQUARES_MAPS = [LSSRegressor, MRNSRegressor, MWNSRegressor]
REFERENCE = Path(__file__).parents[1] / "data" / "paper_code_outputs.npz"


@pytest.fixture
def rng():
    return np.random.default_rng(20250712)


@pytest.fixture
def task(rng):
    X = rng.normal(size=(30, 6))
    Y = X @ rng.normal(size=(6, 3)) + 0.1 * rng.normal(size=(30, 3))
    return X, Y


def _weights(model):
    return model.coefs_[0].T, model.coefs_[1].T


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_predicts_like_linear_regression(cls, task):
    """Every region fits the training data exactly as least squares does."""
    X, Y = task
    model = cls(n_hidden=5, random_state=0).fit(X, Y)
    reference = LinearRegression().fit(X, Y)
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-12)
    assert model.score(X, Y) == pytest.approx(reference.score(X, Y), abs=1e-12)


@pytest.mark.parametrize("cls", LEAST_SQUARES_MAPS)
def test_estimator_end_to_end_map_is_least_squares(cls, task):
    """LSS, MWNS and the default MRNS have the least-squares map as coef_."""
    X, Y = task
    model = cls(random_state=0).fit(X, Y)
    reference = LinearRegression().fit(X, Y)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-12)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, atol=1e-12)


def test_gls_map_differs_off_span(rng):
    """With fewer samples than features, a GLS map is free on unseen inputs."""
    X, Y = rng.normal(size=(4, 9)), rng.normal(size=(4, 2))
    gls = GLSRegressor(n_hidden=2, random_state=0).fit(X, Y)
    reference = LinearRegression().fit(X, Y)
    np.testing.assert_allclose(gls.predict(X), reference.predict(X), atol=1e-12)
    X_new = rng.normal(size=(5, 9))
    assert np.abs(gls.predict(X_new) - reference.predict(X_new)).max() > 1e-3


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_layout_of_fitted_attributes(cls, task):
    """coefs_, intercepts_, coef_ and the hidden activity have the MLP layout."""
    X, Y = task
    model = cls(n_hidden=4, random_state=0).fit(X, Y)
    W1, W2 = _weights(model)
    assert model.coefs_[0].shape == (6, 4)
    assert model.coefs_[1].shape == (4, 3)
    assert model.intercepts_[0].shape == (4,)
    assert model.intercepts_[1].shape == (3,)
    assert model.coef_.shape == (3, 6)
    assert model.hidden_representation_.shape == (30, 4)
    assert model.rank_ == 3
    assert model.n_hidden_ == 4
    np.testing.assert_allclose(model.coef_, W2 @ W1, atol=1e-12)
    np.testing.assert_allclose(model.transform(X), model.hidden_representation_)
    np.testing.assert_allclose(
        model.transform(X) @ model.coefs_[1] + model.intercepts_[1],
        model.predict(X),
        atol=1e-10,
    )


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_hidden_activity_is_centred(cls, task, rng):
    """With an intercept, the weighted mean of the training hidden activity is 0."""
    X, Y = task
    weights = rng.uniform(0.5, 2.0, size=X.shape[0])
    model = cls(random_state=0).fit(X + 5.0, Y, sample_weight=weights)
    mean = np.average(model.hidden_representation_, axis=0, weights=weights)
    np.testing.assert_allclose(mean, 0.0, atol=1e-12)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_one_dimensional_target(cls, task):
    """A 1-D y gives 1-D predictions, a 1-D coef_ and a float intercept_."""
    X, Y = task
    model = cls(random_state=0).fit(X, Y[:, 0])
    assert model.predict(X).shape == (30,)
    assert model.coef_.shape == (6,)
    assert isinstance(model.intercept_, float)
    reference = LinearRegression().fit(X, Y[:, 0])
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-12)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_float32_input(cls, task):
    """float32 inputs fit and predict like their float64 values."""
    X, Y = task
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    model = cls(random_state=0).fit(X32, Y32)
    reference = cls(random_state=0).fit(X32.astype(np.float64), Y32.astype(np.float64))
    np.testing.assert_allclose(model.predict(X32), reference.predict(X32), rtol=1e-10)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_zero_weight_removes_row(cls, task):
    """A zero sample weight gives the fit without that row."""
    X, Y = task
    weights = np.ones(X.shape[0])
    weights[[2, 7]] = 0.0
    weighted = cls(random_state=0).fit(X, Y, sample_weight=weights)
    removed = cls(random_state=0).fit(np.delete(X, [2, 7], 0), np.delete(Y, [2, 7], 0))
    np.testing.assert_allclose(weighted.coef_, removed.coef_, atol=1e-12)
    np.testing.assert_allclose(weighted.intercept_, removed.intercept_, atol=1e-12)
    np.testing.assert_allclose(weighted.coefs_[0], removed.coefs_[0], atol=1e-10)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_integer_weight_repeats_row(cls, task):
    """An integer weight equals repeating the row that many times."""
    X, Y = task
    weights = np.ones(X.shape[0], dtype=int)
    weights[[0, 5]] = [3, 2]
    weighted = cls(random_state=0).fit(X, Y, sample_weight=weights)
    repeated = cls(random_state=0).fit(np.repeat(X, weights, 0), np.repeat(Y, weights, 0))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-12)
    np.testing.assert_allclose(weighted.coefs_[0], repeated.coefs_[0], atol=1e-10)
    np.testing.assert_allclose(weighted.coefs_[1], repeated.coefs_[1], atol=1e-10)


@pytest.mark.parametrize("cls", [GLSRegressor, LSSRegressor, MWNSRegressor])
def test_estimator_weight_scale_changes_nothing(cls, task, rng):
    """Multiplying all sample weights by a constant leaves the fit unchanged."""
    X, Y = task
    weights = rng.uniform(0.1, 3.0, size=X.shape[0])
    a = cls(random_state=0).fit(X, Y, sample_weight=weights)
    b = cls(random_state=0).fit(X, Y, sample_weight=1e6 * weights)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-12)
    np.testing.assert_allclose(a.coefs_[0], b.coefs_[0], atol=1e-10)


def test_mrns_weight_scale_rescales_representation(task, rng):
    """Scaling MRNS weights by c keeps the function and scales H by c**-0.25.

    The MRNS minimises a representation norm summed over (weighted) samples,
    so weights act as repetitions and the balance between the layers moves.
    """
    X, Y = task
    weights = rng.uniform(0.1, 3.0, size=X.shape[0])
    a = MRNSRegressor(random_state=0).fit(X, Y, sample_weight=weights)
    b = MRNSRegressor(random_state=0).fit(X, Y, sample_weight=16.0 * weights)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-12)
    np.testing.assert_allclose(
        b.hidden_representation_, a.hidden_representation_ / 2.0, atol=1e-12
    )


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_weighted_centring_matches_linear_regression(cls, task, rng):
    """Weighted fits use weighted means, as LinearRegression does."""
    X, Y = task
    weights = rng.uniform(0.1, 3.0, size=X.shape[0])
    model = cls(random_state=0).fit(X + 3.0, Y, sample_weight=weights)
    reference = LinearRegression().fit(X + 3.0, Y, sample_weight=weights)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-10)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, atol=1e-10)


def _badly_scaled_task(rng, column_scale):
    X = rng.normal(size=(200, 5))
    y = X @ rng.normal(size=5) + 0.01 * rng.normal(size=200)
    X[:, 2] *= column_scale
    return X, y


@pytest.mark.parametrize("cls", LEAST_SQUARES_MAPS)
def test_estimator_matches_linear_regression_on_near_collinear_columns(cls, rng):
    """Two columns 3e-6 apart get LinearRegression's coefficients to 1e-8.

    Through the eigenvalues of X.T @ X that direction sits at 1e-11 of the
    largest one and its coefficients carry relative errors near 1e-4.
    """
    X = rng.normal(size=(200, 5))
    X[:, 2] = X[:, 1] + 3e-6 * rng.normal(size=200)
    y = X @ rng.normal(size=5) + 0.01 * rng.normal(size=200)
    model = cls(random_state=0).fit(X, y)
    reference = LinearRegression().fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8)


@pytest.mark.parametrize("cls", LEAST_SQUARES_MAPS)
def test_estimator_keeps_column_scaled_by_1e7(cls, rng):
    """A column at 1e-7 of the others is kept, as by LAPACK's least squares."""
    X, y = _badly_scaled_task(rng, 1e-7)
    Xc, yc = X - X.mean(0), y - y.mean()
    expected, *_ = linalg.lstsq(Xc, yc, cond=max(Xc.shape) * np.finfo(float).eps)
    model = cls(random_state=0).fit(X, y)
    np.testing.assert_allclose(model.coef_, expected, rtol=1e-7)
    assert abs(model.coef_[2]) > 1e5


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("factor", [1e-8, 1e-3, 1e3, 1e8])
def test_estimator_equivariant_under_rescaling(cls, factor, task):
    """Scaling X or y by 1e-8 to 1e8 scales the fit and keeps the rank."""
    X, Y = task
    base = cls(random_state=0).fit(X, Y)
    scaled_x = cls(random_state=0).fit(factor * X, Y)
    scaled_y = cls(random_state=0).fit(X, factor * Y)
    assert scaled_x.rank_ == scaled_y.rank_ == base.rank_
    np.testing.assert_allclose(scaled_x.predict(factor * X), base.predict(X), rtol=1e-9)
    np.testing.assert_allclose(
        scaled_y.predict(X), factor * base.predict(X), rtol=1e-9
    )
    H, H_x = base.hidden_representation_, scaled_x.hidden_representation_
    rsm, rsm_x = H @ H.T, H_x @ H_x.T
    np.testing.assert_allclose(
        rsm_x / np.abs(rsm_x).max(), rsm / np.abs(rsm).max(), atol=1e-9
    )


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_awkward_designs(cls, rng):
    """Duplicated rows and columns, rank deficiency and n < p all fit."""
    base = rng.normal(size=(8, 3))
    X = np.hstack([base, base[:, :2], base @ rng.normal(size=(3, 4))])
    X = np.vstack([X, X[:3]])
    Y = rng.normal(size=(X.shape[0], 4))
    model = cls(random_state=0).fit(X, Y)
    oracle = _least_squares_predictions(X, Y)
    np.testing.assert_allclose(model.predict(X), oracle, atol=1e-10)
    assert model.rank_ == 3

    X_wide, Y_wide = rng.normal(size=(3, 10)), rng.normal(size=(3, 2))
    wide = cls(random_state=0).fit(X_wide, Y_wide)
    np.testing.assert_allclose(wide.predict(X_wide), Y_wide, atol=1e-10)


def _least_squares_predictions(X, Y):
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    tol = max(Xc.shape) * np.finfo(float).eps
    return Xc @ (linalg.pinv(Xc, atol=0.0, rtol=tol) @ Yc) + Y.mean(0)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_single_sample_is_rank_zero(cls):
    """One training sample gives rank 0 and a constant prediction, no warning."""
    X, y = np.array([[1.0, 2.0, 3.0]]), np.array([[4.0, 5.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = cls(random_state=0).fit(X, y)
        prediction = model.predict(np.array([[0.0, -1.0, 7.0], [1.0, 2.0, 3.0]]))
    assert model.rank_ == 0
    np.testing.assert_array_equal(prediction, [[4.0, 5.0], [4.0, 5.0]])
    assert np.all(np.isfinite(model.coefs_[0]))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_same_seed_same_network(cls, task):
    """Two fits with the same integer seed are identical; the seed is stored."""
    X, Y = task
    a = cls(n_hidden=5, random_state=3).fit(X, Y)
    b = cls(n_hidden=5, random_state=3).fit(X, Y)
    assert a.random_state == 3
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    np.testing.assert_array_equal(a.coefs_[1], b.coefs_[1])


def test_estimator_random_state_instance_stored_unchanged(task):
    """A RandomState passed as random_state is stored as the same object."""
    X, Y = task
    state = np.random.RandomState(0)
    model = GLSRegressor(random_state=state)
    model.fit(X, Y)
    assert model.random_state is state


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_clone_pickle_and_cross_validation(cls, task):
    """Clones refit identically, fits pickle, and cross-validation runs."""
    X, Y = task
    model = cls(random_state=0).fit(X, Y)
    again = clone(model).fit(X, Y)
    np.testing.assert_array_equal(again.coefs_[0], model.coefs_[0])
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    scores = cross_val_score(make_pipeline(StandardScaler(), cls(random_state=0)), X, Y, cv=3)
    assert scores.shape == (3,)
    assert np.all(scores > 0.9)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_pandas_output_and_feature_names(cls, task):
    """transform can return a DataFrame named by get_feature_names_out."""
    pd = pytest.importorskip("pandas")
    X, Y = task
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    model = cls(n_hidden=4, random_state=0).set_output(transform="pandas").fit(frame, Y)
    hidden = model.transform(frame)
    name = cls.__name__.lower()
    assert list(hidden.columns) == [f"{name}{i}" for i in range(4)]
    assert list(model.feature_names_in_) == list(frame.columns)
    np.testing.assert_allclose(hidden.to_numpy(), model.hidden_representation_)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_too_narrow_hidden_layer(cls, task):
    """n_hidden below the task's rank raises an error naming both numbers."""
    X, Y = task
    with pytest.raises(ValueError, match=r"n_hidden=2 is smaller than the rank of the task, 3"):
        cls(n_hidden=2).fit(X, Y)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    "make_input, message",
    [
        (lambda X: np.where(np.eye(*X.shape, dtype=bool), np.nan, X), "NaN"),
        (lambda X: np.where(np.eye(*X.shape, dtype=bool), np.inf, X), "infinity"),
        (lambda X: X + 1j, "Complex data not supported"),
        (lambda X: X[:0], "0 sample"),
    ],
    ids=["nan", "inf", "complex", "empty"],
)
def test_estimator_rejects_bad_input(cls, make_input, message, task):
    """NaN, infinity, complex and empty inputs raise scikit-learn's ValueError."""
    X, Y = task
    with pytest.raises(ValueError, match=message):
        cls().fit(make_input(X), Y[: make_input(X).shape[0]])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_rejects_mismatched_lengths(cls, task):
    """X and y of different lengths raise ValueError."""
    X, Y = task
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cls().fit(X, Y[:-1])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_rejects_sparse_input(cls, task):
    """Sparse X raises TypeError asking for a dense array."""
    X, Y = task
    with pytest.raises(TypeError, match="dense data is required"):
        cls().fit(sparse.csr_matrix(X), Y)


@pytest.mark.parametrize("cls", [GLSRegressor, LSSRegressor])
def test_scale_zero_gives_silent_extra_units(cls, task):
    """With scale=0 the first r units read the relevant inputs, the rest are 0."""
    X, Y = task
    model = cls(n_hidden=6, scale=0.0).fit(X, Y)
    H = model.hidden_representation_
    np.testing.assert_allclose(H[:, 3:], 0.0, atol=1e-12)
    V = model.decomposition_.ls_right
    np.testing.assert_allclose(H[:, :3], (X - X.mean(0)) @ V, atol=1e-12)


def test_mrns_null_scale_changes_only_unseen_inputs(rng):
    """The MRNS null component changes predictions off the training span only."""
    X, Y = rng.normal(size=(4, 9)), rng.normal(size=(4, 2))
    plain = MRNSRegressor(random_state=0).fit(X, Y)
    moved = MRNSRegressor(null_scale=1.0, random_state=0).fit(X, Y)
    np.testing.assert_allclose(moved.predict(X), plain.predict(X), atol=1e-12)
    np.testing.assert_allclose(
        moved.hidden_representation_, plain.hidden_representation_, atol=1e-12
    )
    X_new = rng.normal(size=(3, 9))
    assert np.abs(moved.predict(X_new) - plain.predict(X_new)).max() > 1e-3


def test_estimator_fit_never_builds_sample_square_matrix(rng):
    """Fitting 40,000 samples allocates far less than one 40,000^2 matrix."""
    X = rng.normal(size=(40_000, 4))
    Y = X @ rng.normal(size=(4, 2))
    for cls in ESTIMATORS:
        tracemalloc.start()
        cls(random_state=0).fit(X, Y)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 20 * X.nbytes, (cls.__name__, peak)


@pytest.mark.parametrize("task_name", ["small", "tall"])
@pytest.mark.parametrize("cls, region", [(MRNSRegressor, "mrns"), (MWNSRegressor, "mwns")])
def test_task_specific_rsm_matches_paper_code(task_name, cls, region):
    """MRNS and MWNS RSMs equal those of the public code of Braun, Grant & Saxe."""
    reference = np.load(REFERENCE)
    X, Y = reference[f"{task_name}_X"], reference[f"{task_name}_Y"]
    n_hidden = reference[f"{task_name}_{region}_W1"].shape[0]
    model = cls(n_hidden=n_hidden, fit_intercept=False, random_state=0).fit(X, Y)
    H = model.hidden_representation_
    expected = reference[f"{task_name}_{region}_rsm"]
    np.testing.assert_allclose(H @ H.T, expected, rtol=1e-10, atol=1e-12 * np.abs(expected).max())
    W1, W2 = reference[f"{task_name}_{region}_W1"], reference[f"{task_name}_{region}_W2"]
    np.testing.assert_allclose(model.predict(X), X @ (W2 @ W1).T, atol=1e-10)


def test_mrns_equals_mwns_for_orthonormal_inputs(rng):
    """With X.T @ X = I the MRNS and MWNS have the same weights and RSM."""
    X, _ = np.linalg.qr(rng.normal(size=(60, 10)))
    Y = rng.normal(size=(60, 4))
    mrns = MRNSRegressor(fit_intercept=False, random_state=0).fit(X, Y)
    mwns = MWNSRegressor(fit_intercept=False, random_state=0).fit(X, Y)
    for a, b in zip(mrns.coefs_, mwns.coefs_):
        assert np.linalg.norm(a) == pytest.approx(np.linalg.norm(b), rel=1e-12)
    H_mrns, H_mwns = mrns.hidden_representation_, mwns.hidden_representation_
    np.testing.assert_allclose(H_mrns @ H_mrns.T, H_mwns @ H_mwns.T, atol=1e-12)


def test_mrns_and_mwns_differ_for_covariance_whitened_inputs(rng):
    """With X.T @ X = P I the RSMs are proportional but the weights differ.

    The MRNS representation norm sums over the P samples, so covariance
    whitening leaves a factor P between the two objectives.
    """
    n_samples = 60
    Q, _ = np.linalg.qr(rng.normal(size=(n_samples, 10)))
    X, Y = np.sqrt(n_samples) * Q, rng.normal(size=(n_samples, 4))
    mrns = MRNSRegressor(fit_intercept=False, random_state=0).fit(X, Y)
    mwns = MWNSRegressor(fit_intercept=False, random_state=0).fit(X, Y)
    H_mrns, H_mwns = mrns.hidden_representation_, mwns.hidden_representation_
    rsm_mrns, rsm_mwns = H_mrns @ H_mrns.T, H_mwns @ H_mwns.T
    np.testing.assert_allclose(rsm_mrns * np.sqrt(n_samples), rsm_mwns, atol=1e-10)
    norm_ratio = np.linalg.norm(mwns.coefs_[0]) / np.linalg.norm(mrns.coefs_[0])
    assert norm_ratio == pytest.approx(n_samples**0.25, rel=1e-10)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("x_scale, y_scale", [(1e-200, 1.0), (1e200, 1.0), (1.0, 1e200), (1e-300, 1e-200)])
def test_estimator_extreme_scales_stay_finite(cls, x_scale, y_scale, task):
    """Data scaled by 1e-300 to 1e200 give the rescaled fit, with no warning.

    Norms computed by squaring entries used to overflow at 1e200 (rank 0, a
    mean-only network) and underflow at 1e-200 (NaN weights in the MRNS).
    """
    X, Y = task
    base = cls(random_state=0).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaled = cls(random_state=0).fit(x_scale * X, y_scale * Y)
        prediction = scaled.predict(x_scale * X)
    assert scaled.rank_ == base.rank_
    assert np.all(np.isfinite(scaled.hidden_representation_))
    np.testing.assert_allclose(prediction / y_scale, base.predict(X), rtol=1e-9)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_rejects_sparse_target(cls, task):
    """A sparse y raises TypeError asking for a dense array.

    validate_data accepts a sparse multi-output y, which then failed deep in
    numpy with "setting an array element with a sequence".
    """
    X, Y = task
    with pytest.raises(TypeError, match="sparse target y"):
        cls().fit(X, sparse.csr_matrix(Y))
    with pytest.raises(TypeError, match="sparse target y"):
        cls().partial_fit(X, sparse.csr_matrix(Y))
