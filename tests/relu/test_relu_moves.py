"""Tests of apply_relu_move: results, bookkeeping and bad input."""

import copy
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from relu_networks import build_random_mlp, network_outputs
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sklearn_dln.relu import RELU_MOVES, apply_relu_move, hidden_activity

RTOL = 1e-10


def _rank_deficient_inputs(rng, n_samples=30, n_features=6, rank=4):
    return rng.standard_normal((n_samples, rank)) @ rng.standard_normal(
        (rank, n_features)
    )


def _move_kwargs(method, X):
    if method == "target":
        return {"target": np.abs(X[:, :2]) + 1.0}
    return {}


def _assert_same_outputs(moved, original, X):
    expected = network_outputs(original, X)
    scale = np.abs(expected).max()
    assert np.abs(network_outputs(moved, X) - expected).max() <= RTOL * scale


@pytest.mark.parametrize("method", RELU_MOVES)
def test_apply_relu_move_returns_consistent_copy(method):
    """Each move returns a consistent fitted copy and leaves the input alone."""
    rng = np.random.default_rng(0)
    X = _rank_deficient_inputs(rng)
    mlp, X = build_random_mlp("classifier", (5, 4), X=X, seed=1)
    before = copy.deepcopy(mlp)

    moved, info = apply_relu_move(mlp, method, X=X, random_state=0, **_move_kwargs(method, X))

    assert type(moved) is MLPClassifier
    assert moved is not mlp
    for old, kept in zip(before.coefs_ + before.intercepts_, mlp.coefs_ + mlp.intercepts_):
        assert_array_equal(old, kept)
    assert moved.n_layers_ == mlp.n_layers_
    widths = tuple(coef.shape[1] for coef in moved.coefs_[:-1])
    assert moved.hidden_layer_sizes == widths
    for coef, next_coef in zip(moved.coefs_[:-1], moved.coefs_[1:]):
        assert coef.shape[1] == next_coef.shape[0]
    for coef, intercept in zip(moved.coefs_, moved.intercepts_):
        assert intercept.shape == (coef.shape[1],)
    assert not any(np.shares_memory(a, b) for a in moved.coefs_ for b in mlp.coefs_)
    assert info["method"] == method
    assert info["layer"] == (0 if method == "input_null" else 1)
    _assert_same_outputs(moved, mlp, X)


def test_apply_relu_move_widths():
    """Nuisance, duplicate and target moves widen only the chosen layer."""
    mlp, X = build_random_mlp("regressor", (5, 4, 3), seed=2)
    moved, info = apply_relu_move(mlp, "nuisance", X=X, layer=1, n_units=3)
    assert moved.hidden_layer_sizes == (5, 7, 3)
    assert info["n_units_added"] == 3
    moved, _ = apply_relu_move(mlp, "nuisance", X=X, layer=0)
    assert moved.hidden_layer_sizes == (10, 4, 3)
    moved, info = apply_relu_move(mlp, "duplicate", X=X, layer=-1, units=[0, 2], n_copies=3)
    assert moved.hidden_layer_sizes == (5, 4, 7)
    assert_array_equal(info["units"], [0, 2])
    moved, info = apply_relu_move(mlp, "target", X=X, layer=0, target=np.ones((20, 2)))
    assert moved.hidden_layer_sizes == (7, 4, 3)
    assert info["n_units_added"] == 2


def test_apply_relu_move_permute_reorders_units():
    """A given permutation reorders the hidden activity columns."""
    mlp, X = build_random_mlp("regressor", (4, 3), seed=3)
    permutation = np.array([2, 0, 3, 1])
    moved, info = apply_relu_move(mlp, "permute", X=X, layer=0, units=permutation)
    assert_allclose(
        hidden_activity(moved, X, layer=0),
        hidden_activity(mlp, X, layer=0)[:, permutation],
    )
    assert_array_equal(info["permutation"], permutation)
    with pytest.raises(ValueError, match="must not repeat"):
        apply_relu_move(mlp, "permute", X=X, layer=0, units=[0, 0, 1, 2])
    with pytest.raises(ValueError, match="permutation of 0..3"):
        apply_relu_move(mlp, "permute", X=X, layer=0, units=[0, 1, 2])


def test_apply_relu_move_scale_multiplies_activity():
    """Given factors multiply each unit's activity and keep the outputs."""
    mlp, X = build_random_mlp("classifier", (3,), seed=4)
    factors = np.array([0.5, 2.0, 10.0])
    moved, info = apply_relu_move(mlp, "scale", X=X, scale=factors)
    assert_allclose(hidden_activity(moved, X), hidden_activity(mlp, X) * factors)
    assert_array_equal(info["factors"], factors)
    _assert_same_outputs(moved, mlp, X)
    for bad in ([1.0, -1.0, 2.0], [1.0, 2.0]):
        with pytest.raises(ValueError, match="scale"):
            apply_relu_move(mlp, "scale", X=X, scale=bad)
    with pytest.raises(ValueError, match="must be a number"):
        apply_relu_move(mlp, "nuisance", X=X, scale=factors)


def test_apply_relu_move_random_factors_are_log_normal():
    """Random factors are positive with log-standard-deviation close to scale."""
    mlp, X = build_random_mlp("regressor", (400,), seed=5)
    _, info = apply_relu_move(mlp, "scale", X=X, scale=0.7, random_state=0)
    assert np.all(info["factors"] > 0)
    assert abs(np.log(info["factors"]).std() - 0.7) < 0.1


def test_apply_relu_move_duplicate_shares_sum_to_original():
    """The copies' outgoing weights sum to the original unit's."""
    mlp, X = build_random_mlp("regressor", (4,), seed=6)
    moved, _ = apply_relu_move(mlp, "duplicate", X=X, units=[1, 3], n_copies=3)
    W_out = moved.coefs_[1]
    original = mlp.coefs_[1]
    assert_allclose(W_out[1] + W_out[4] + W_out[6], original[1], rtol=1e-14)
    assert_allclose(W_out[3] + W_out[5] + W_out[7], original[3], rtol=1e-14)
    assert_array_equal(moved.coefs_[0][:, 4], mlp.coefs_[0][:, 1])
    with pytest.raises(ValueError, match="must not repeat"):
        apply_relu_move(mlp, "duplicate", X=X, units=[1, 1])
    with pytest.raises(ValueError, match="unit indices from -4 to 3"):
        apply_relu_move(mlp, "duplicate", X=X, units=[4])


def test_apply_relu_move_input_null_orthogonal():
    """The added first-layer weights are orthogonal to every training input."""
    rng = np.random.default_rng(7)
    X = _rank_deficient_inputs(rng, n_features=6, rank=4)
    mlp, X = build_random_mlp("regressor", (5, 3), X=X, seed=7)
    moved, info = apply_relu_move(mlp, "input_null", X=X, scale=3.0, random_state=0)
    added = moved.coefs_[0] - mlp.coefs_[0]
    assert info["rank"] == 4
    assert info["null_space_dim"] == 2
    assert np.abs(added).max() > 0.1
    assert np.abs(X @ added).max() < 1e-12 * np.abs(X).max() * np.abs(added).max() * 6
    assert_array_equal(moved.coefs_[1], mlp.coefs_[1])


def test_apply_relu_move_input_null_full_rank_warns():
    """With full-rank inputs input_null warns and changes nothing."""
    mlp, X = build_random_mlp("regressor", (3,), seed=8)
    with pytest.warns(UserWarning, match="span all 4 input dimensions"):
        moved, info = apply_relu_move(mlp, "input_null", X=X)
    assert info["null_space_dim"] == 0
    assert_array_equal(moved.coefs_[0], mlp.coefs_[0])


def test_apply_relu_move_target_activity_exact_when_reachable():
    """A positive affine target of the layer input is reproduced exactly."""
    rng = np.random.default_rng(9)
    mlp, X = build_random_mlp("regressor", (4,), seed=9)
    target = X @ rng.standard_normal((4, 2)) + 20.0
    moved, info = apply_relu_move(mlp, "target", X=X, target=target)
    assert info["residual"] < 1e-10
    assert_allclose(hidden_activity(moved, X)[:, 4:], target, rtol=1e-10)
    _assert_same_outputs(moved, mlp, X)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_apply_relu_move_target_activity_rank_deficient(dtype):
    """On a rank-deficient layer input the reported residual is that of the stored weights."""
    rng = np.random.default_rng(23)
    X = rng.standard_normal((30, 3)).astype(dtype)
    mlp, X = build_random_mlp("regressor", (20, 5), X=X, activation="identity", seed=23)
    mlp.coefs_ = [coef.astype(dtype) for coef in mlp.coefs_]
    mlp.intercepts_ = [intercept.astype(dtype) for intercept in mlp.intercepts_]
    target = rng.random((30, 2))

    moved, info = apply_relu_move(mlp, "target", X=X, layer=1, target=target)

    added = hidden_activity(moved, X, layer=1)[:, -2:].astype(np.float64)
    actual = np.linalg.norm(added - target) / np.linalg.norm(target)
    assert info["residual"] == pytest.approx(actual, rel=1e-4)
    assert np.abs(moved.coefs_[1][:, -2:]).max() < 1e3


def test_apply_relu_move_target_rsm_recovers_rescaled_rsm():
    """An RSM reachable by rescaling units is matched almost exactly."""
    mlp, X = build_random_mlp("classifier", (6,), n_samples=40, seed=10)
    H = hidden_activity(mlp, X)
    factors = np.array([0.5, 1.0, 2.0, 3.0, 0.2, 1.5])
    target_rsm = (H * factors**2) @ H.T
    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": target_rsm})
    assert info["rsm_match"] > 0.9999
    assert info["rsm_match"] >= info["rsm_match_before"]
    assert info["rsm_residual"] < 1e-3
    achieved = hidden_activity(moved, X)
    assert_allclose(achieved @ achieved.T, target_rsm, rtol=1e-3, atol=1e-3)
    _assert_same_outputs(moved, mlp, X)


def test_apply_relu_move_target_activity_and_rsm():
    """Both targets together add units and then rescale every unit."""
    mlp, X = build_random_mlp("regressor", (5, 4), seed=11)
    labels = np.arange(20) % 3
    one_hot = np.eye(3)[labels]
    moved, info = apply_relu_move(
        mlp, "target", X=X, layer=-1, target={"activity": one_hot, "rsm": one_hot @ one_hot.T}
    )
    assert moved.hidden_layer_sizes == (5, 7)
    assert {"residual", "rsm_match", "rsm_match_before", "factors"} <= set(info)
    assert info["factors"].shape == (7,)
    assert info["rsm_match"] >= info["rsm_match_before"] - 1e-12
    _assert_same_outputs(moved, mlp, X)


def test_apply_relu_move_target_rejects_bad_targets():
    """Missing, misshaped, constant and unknown targets raise."""
    mlp, X = build_random_mlp("regressor", (4,), seed=12)
    with pytest.raises(ValueError, match="needs target"):
        apply_relu_move(mlp, "target", X=X)
    with pytest.raises(ValueError, match="n_samples=20"):
        apply_relu_move(mlp, "target", X=X, target=np.ones((19, 2)))
    with pytest.raises(ValueError, match=r"shape \(20, 20\)"):
        apply_relu_move(mlp, "target", X=X, target={"rsm": np.ones((20, 19))})
    with pytest.raises(ValueError, match="constant or nearly so"):
        apply_relu_move(mlp, "target", X=X, target={"rsm": np.ones((20, 20))})
    nearly_constant = np.eye(20)[np.arange(20) % 2] @ np.eye(20)[np.arange(20) % 2].T
    with pytest.raises(ValueError, match=r"is \d\.\de[-+]\d+ of their mean square.*offset"):
        apply_relu_move(mlp, "target", X=X, target={"rsm": nearly_constant + 1e8})
    with pytest.raises(ValueError, match="unknown keys"):
        apply_relu_move(mlp, "target", X=X, target={"pattern": np.ones((20, 2))})


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_apply_relu_move_non_homogeneous_activation(activation):
    """Rescaling moves reject tanh and logistic; the others keep the function."""
    rng = np.random.default_rng(13)
    X = _rank_deficient_inputs(rng, n_features=5, rank=3)
    mlp, X = build_random_mlp("regressor", (4, 3), X=X, activation=activation, seed=13)
    with pytest.raises(ValueError, match="positively homogeneous"):
        apply_relu_move(mlp, "scale", X=X)
    with pytest.raises(ValueError, match="positively homogeneous"):
        apply_relu_move(mlp, "target", X=X, target={"rsm": X @ X.T})
    for method in ("permute", "nuisance", "duplicate", "input_null", "target"):
        moved, _ = apply_relu_move(mlp, method, X=X, **_move_kwargs(method, X))
        _assert_same_outputs(moved, mlp, X)


def test_apply_relu_move_identity_activation_accepts_scale():
    """Linear MLPs are positively homogeneous, so rescaling is accepted."""
    mlp, X = build_random_mlp("regressor", (4,), activation="identity", seed=14)
    moved, _ = apply_relu_move(mlp, "scale", X=X, scale=2.0, random_state=0)
    _assert_same_outputs(moved, mlp, X)


def test_apply_relu_move_rejects_unfitted_and_bad_layer():
    """Unfitted networks raise NotFittedError; bad layers name the depth."""
    with pytest.raises(NotFittedError):
        apply_relu_move(MLPRegressor(), "permute", X=np.zeros((3, 2)))
    mlp, X = build_random_mlp("classifier", (3, 3), seed=15)
    for method in RELU_MOVES:
        with pytest.raises(ValueError, match="the MLP has 2 hidden layers"):
            apply_relu_move(mlp, method, X=X, layer=2, **_move_kwargs(method, X))
    with pytest.raises(ValueError, match="from -2 to 1"):
        apply_relu_move(mlp, "nuisance", X=X, layer=-3)
    with pytest.raises(ValueError, match="method"):
        apply_relu_move(mlp, "rotate", X=X)
    with pytest.raises(ValueError, match="features"):
        apply_relu_move(mlp, "permute", X=X[:, :2])


def test_apply_relu_move_refreshes_wrapper_representation():
    """A wrapper's hidden_representation_ is recomputed on the given inputs."""
    mlp, X = build_random_mlp("classifier", (4,), seed=16, wrapped=True)
    moved, _ = apply_relu_move(mlp, "nuisance", X=X, n_units=2)
    assert moved.hidden_representation_.shape == (20, 6)
    assert_allclose(moved.hidden_representation_, moved.transform(X))
    assert mlp.hidden_representation_.shape == (20, 4)


def test_apply_relu_move_result_can_keep_training():
    """A moved network trains on with partial_fit and a new optimizer."""
    rng = np.random.default_rng(17)
    X = rng.standard_normal((30, 3))
    y = X[:, 0] - X[:, 1]
    mlp = MLPRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y)
    moved, _ = apply_relu_move(mlp, "duplicate", X=X)
    assert not hasattr(moved, "_optimizer")
    moved.partial_fit(X, y)
    assert moved.coefs_[0].shape == (3, 8)
    assert len(moved.loss_curve_) == len(mlp.loss_curve_) + 1


def test_apply_relu_move_random_state_reproducible():
    """The same random_state gives the same moved weights."""
    mlp, X = build_random_mlp("regressor", (5,), seed=18)
    first, _ = apply_relu_move(mlp, "nuisance", X=X, random_state=3)
    second, _ = apply_relu_move(mlp, "nuisance", X=X, random_state=3)
    assert_array_equal(first.coefs_[0], second.coefs_[0])


def _inputs_with_blank_features(seed, dependent=False):
    """Inputs whose features 0 and 3 are zero in every sample."""
    rng = np.random.default_rng(seed)
    X = rng.random((40, 7))
    X[:, [0, 3]] = 0.0
    if dependent:
        X[:, 6] = X[:, 1] + 2.0 * X[:, 2]
    return X


@pytest.mark.parametrize("dependent", [False, True])
def test_apply_relu_move_input_null_blank_features(dependent):
    """Blank features, and dependent inked ones, give the exact null space."""
    X = _inputs_with_blank_features(19, dependent=dependent)
    mlp, X = build_random_mlp("regressor", (5,), X=X, seed=19)
    moved, info = apply_relu_move(mlp, "input_null", X=X, random_state=0)
    added = moved.coefs_[0] - mlp.coefs_[0]
    assert info["rank"] == np.linalg.matrix_rank(X)
    assert info["null_space_dim"] == 7 - info["rank"]
    assert np.abs(X @ added).max() < 1e-12
    if not dependent:
        assert np.all(added[[1, 2, 4, 5, 6]] == 0.0)
        assert np.all(added[[0, 3]] != 0.0)


@pytest.mark.parametrize("dependent", [False, True])
def test_apply_relu_move_target_activity_is_least_squares(dependent):
    """The added units' weights are the minimum-norm least-squares fit."""
    rng = np.random.default_rng(20)
    X = _inputs_with_blank_features(20, dependent=dependent)
    mlp, X = build_random_mlp("regressor", (4,), X=X, seed=20)
    target = rng.random((40, 3))
    moved, _ = apply_relu_move(mlp, "target", X=X, layer=0, target=target)
    design = np.hstack([X, np.ones((40, 1))])
    expected = np.linalg.lstsq(design, target, rcond=None)[0]
    assert_allclose(moved.coefs_[0][:, 4:], expected[:-1], atol=1e-8)
    assert_allclose(moved.intercepts_[0][4:], expected[-1], atol=1e-8)


def test_apply_relu_move_target_rsm_statistics_match_direct():
    """rsm_match and rsm_residual equal their direct n x n computation."""
    rng = np.random.default_rng(21)
    mlp, X = build_random_mlp("classifier", (6,), n_samples=30, seed=21)
    pattern = rng.random((30, 2))
    target_rsm = pattern @ pattern.T
    target_rsm[np.tril_indices(30, -1)] = 99.0  # only the upper triangle is read
    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": target_rsm})

    symmetric = np.triu(target_rsm) + np.triu(target_rsm, 1).T
    upper = np.triu_indices(30, 1)
    for H, key in ((hidden_activity(mlp, X), "rsm_match_before"),
                   (hidden_activity(moved, X), "rsm_match")):
        rsm = H @ H.T
        direct = np.corrcoef(rsm[upper], symmetric[upper])[0, 1]
        assert info[key] == pytest.approx(direct, abs=1e-9)
    achieved = hidden_activity(moved, X) @ hidden_activity(moved, X).T
    direct_residual = np.linalg.norm(achieved - symmetric) / np.linalg.norm(symmetric)
    assert info["rsm_residual"] == pytest.approx(direct_residual, rel=1e-7)
