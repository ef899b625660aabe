"""Tests of FunctionPreservingReshaper: sculpting, pipelines, MLPs and bad input."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline

from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.datasets import load_elephant, make_semantic_hierarchy
from sklearn_dln.transformers import FunctionPreservingReshaper


@pytest.fixture
def task():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((10, 6))
    Y = X @ rng.standard_normal((6, 3)) + 0.1 * rng.standard_normal((10, 3))
    return X, Y


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reshaper_target_holds_elephant_exactly(fit_intercept, seed):
    """A 16-unit GLS on the 16-item hierarchy reproduces the elephant to 1e-10."""
    hierarchy = make_semantic_hierarchy(random_state=seed)
    X, Y = hierarchy.data, hierarchy.target
    picture = load_elephant((16, 16))
    gls = GLSRegressor(n_hidden=16, fit_intercept=fit_intercept, random_state=seed)
    reshaper = FunctionPreservingReshaper(gls, method="target", target=picture)
    hidden = reshaper.fit_transform(X, Y)
    error = np.linalg.norm(hidden - picture) / np.linalg.norm(picture)
    assert error <= 1e-10
    assert reshaper.residual_ <= 1e-10
    assert reshaper.repair_["added_directions"] == 0
    reference = gls.fit(X, Y).predict(X)
    change = np.linalg.norm(reshaper.predict(X) - reference) / np.linalg.norm(reference)
    assert change <= 1e-10


@pytest.mark.parametrize("seed", range(5))
def test_reshaper_target_holds_any_full_rank_picture(seed):
    """Random full-rank pictures are held exactly on the 16-item hierarchy."""
    rng = np.random.default_rng(seed)
    hierarchy = make_semantic_hierarchy(random_state=seed)
    picture = rng.uniform(size=(16, 16))
    reshaper = FunctionPreservingReshaper(
        LSSRegressor(n_hidden=16, fit_intercept=False), method="target", target=picture
    ).fit(hierarchy.data, hierarchy.target)
    assert reshaper.residual_ <= 1e-10


def test_reshaper_target_repairs_infeasible_target(task):
    """A rank-one target is completed, with a warning, a residual and the same function."""
    X, Y = task
    rng = np.random.default_rng(1)
    target = np.outer(rng.standard_normal(10), np.ones(4))
    lss = LSSRegressor(n_hidden=4, random_state=0).fit(X, Y)
    reshaper = FunctionPreservingReshaper(lss, method="target", target=target)
    with pytest.warns(UserWarning, match="direction"):
        reshaper.fit(X)
    assert reshaper.repair_["added_directions"] == 3
    assert 0 < reshaper.residual_ < np.inf
    np.testing.assert_allclose(reshaper.predict(X), lss.predict(X), rtol=1e-10)


def test_reshaper_target_truncates_for_narrow_network(task):
    """With fewer hidden units than input directions the irrelevant part is truncated."""
    X, Y = task
    lss = LSSRegressor(n_hidden=4, random_state=0).fit(X, Y)
    target = np.random.default_rng(2).standard_normal((10, 4))
    reshaper = FunctionPreservingReshaper(lss, method="target", target=target)
    with pytest.warns(UserWarning, match="truncated to rank 1"):
        reshaper.fit(X)
    np.testing.assert_allclose(reshaper.predict(X), lss.predict(X), rtol=1e-10)


def test_reshaper_target_projection_is_closest(task):
    """A wide network reproduces the projection of the target onto the reachable set."""
    X, Y = task
    gls = GLSRegressor(n_hidden=8, fit_intercept=False, random_state=0).fit(X, Y)
    target = np.random.default_rng(3).standard_normal((10, 8))
    reshaper = FunctionPreservingReshaper(gls, method="target", target=target).fit(X)
    projection = X @ np.linalg.lstsq(X, target, rcond=None)[0]
    np.testing.assert_allclose(reshaper.hidden_representation_, projection, atol=1e-12)


def test_reshaper_orthogonal_keeps_mrns_rsm(task):
    """A rotation of an MRNS keeps its RSM and changes its activity."""
    X, Y = task
    mrns = MRNSRegressor(n_hidden=5, random_state=0).fit(X, Y)
    reshaper = FunctionPreservingReshaper(
        mrns, method="orthogonal", random_state=0
    ).fit(X)
    H0, H1 = mrns.hidden_representation_, reshaper.hidden_representation_
    np.testing.assert_allclose(H1 @ H1.T, H0 @ H0.T, atol=1e-12)
    assert not np.allclose(H1, H0)


def test_reshaper_invertible_condition_bounded(task):
    """The invertible move's Q has condition number at most exp(2 scale)."""
    X, Y = task
    gls = GLSRegressor(n_hidden=6, random_state=0).fit(X, Y)
    reshaper = FunctionPreservingReshaper(
        gls, method="invertible", scale=0.5, random_state=0
    ).fit(X)
    W1, W1_moved = gls.coefs_[0].T, reshaper.coefs_[0].T
    Q = W1_moved @ np.linalg.pinv(W1)
    singular_values = np.linalg.svd(Q, compute_uv=False)
    assert singular_values[0] / singular_values[-1] <= np.exp(1.0) * (1 + 1e-9)


def test_reshaper_null_moves_change_unobserved_inputs():
    """Null moves keep training predictions but change never-observed directions."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 8))
    Y = rng.standard_normal((3, 2))
    X_new = rng.standard_normal((4, 8))
    gls = GLSRegressor(n_hidden=5, random_state=0).fit(X, Y)
    for method in ("input_null", "readout_null"):
        reshaper = FunctionPreservingReshaper(gls, method=method, random_state=0).fit(X)
        np.testing.assert_allclose(reshaper.predict(X), gls.predict(X), rtol=1e-10)
        assert not np.allclose(reshaper.predict(X_new), gls.predict(X_new))


def test_reshaper_task_specific_mwns_is_balanced(task):
    """The task-specific MWNS has balanced weights, W1 W1.T = W2.T W2."""
    X, Y = task
    gls = GLSRegressor(n_hidden=5, random_state=0).fit(X, Y)
    reshaper = FunctionPreservingReshaper(
        gls, method="task_specific", region="mwns"
    ).fit(X)
    W1, W2 = reshaper.coefs_[0].T, reshaper.coefs_[1].T
    np.testing.assert_allclose(W1 @ W1.T, W2.T @ W2, atol=1e-12)


def test_reshaper_pipeline_with_ridge_readout(task):
    """Reshape then a Ridge readout on the hidden activity, as a Pipeline."""
    X, Y = task
    pipeline = make_pipeline(
        FunctionPreservingReshaper(
            MWNSRegressor(random_state=0), method="orthogonal", random_state=0
        ),
        Ridge(alpha=1e-3),
    )
    pipeline.fit(X, Y)
    assert pipeline.predict(X).shape == Y.shape
    assert pipeline.score(X, Y) > 0.9


def test_reshaper_does_not_modify_prefit_estimator(task):
    """The prefit estimator keeps its weights; the moved copy has new ones."""
    X, Y = task
    gls = GLSRegressor(n_hidden=5, random_state=0).fit(X, Y)
    coefs = gls.coefs_[0].copy()
    reshaper = FunctionPreservingReshaper(gls, method="invertible", random_state=0).fit(
        X
    )
    np.testing.assert_array_equal(gls.coefs_[0], coefs)
    assert reshaper.estimator_ is not gls
    assert not hasattr(reshaper.estimator_, "free_parameters_")


def test_reshaper_clone_and_pickle(task):
    """A fitted reshaper survives pickling, and clone gives an unfitted copy."""
    X, Y = task
    reshaper = FunctionPreservingReshaper(
        GLSRegressor(random_state=0), method="readout_null", random_state=0
    ).fit(X, Y)
    restored = pickle.loads(pickle.dumps(reshaper))
    np.testing.assert_array_equal(restored.predict(X), reshaper.predict(X))
    np.testing.assert_array_equal(restored.transform(X), reshaper.transform(X))
    copy = clone(reshaper)
    assert copy.get_params()["method"] == "readout_null"
    assert not hasattr(copy, "estimator_")


def test_reshaper_rejects_wrong_target_shape(task):
    """A target of the wrong shape raises ValueError naming the expected shape."""
    X, Y = task
    reshaper = FunctionPreservingReshaper(
        GLSRegressor(n_hidden=4), method="target", target=np.zeros((10, 5))
    )
    with pytest.raises(ValueError, match=r"\(10, 4\)"):
        reshaper.fit(X, Y)


def test_reshaper_rejects_missing_target(task):
    """method='target' without a target raises ValueError."""
    X, Y = task
    with pytest.raises(ValueError, match="needs target"):
        FunctionPreservingReshaper(GLSRegressor(), method="target").fit(X, Y)


def test_reshaper_rejects_unknown_linear_method(task):
    """An unknown method raises ValueError listing the linear methods."""
    X, Y = task
    with pytest.raises(ValueError, match="'invertible', 'orthogonal'.*'readout_null'"):
        FunctionPreservingReshaper(GLSRegressor(), method="permute").fit(X, Y)


def test_reshaper_rejects_unknown_mlp_method(task):
    """A linear-only method on an MLP raises ValueError listing the MLP methods."""
    X, Y = task
    with pytest.raises(ValueError, match="'permute', 'scale'.*'target'"):
        FunctionPreservingReshaper(MLPRegressor(), method="orthogonal").fit(X, Y)


def test_reshaper_rejects_unknown_region(task):
    """An unknown region raises ValueError listing the valid ones."""
    X, Y = task
    reshaper = FunctionPreservingReshaper(
        GLSRegressor(), method="task_specific", region="gls"
    )
    with pytest.raises(ValueError, match="mrns"):
        reshaper.fit(X, Y)


def test_reshaper_rejects_missing_region(task):
    """method='task_specific' without a region lists the valid regions."""
    X, Y = task
    with pytest.raises(ValueError, match="'mrns', 'mwns'"):
        FunctionPreservingReshaper(GLSRegressor(), method="task_specific").fit(X, Y)


def test_reshaper_rejects_unfitted_prefit(task):
    """prefit=True with an unfitted estimator raises NotFittedError."""
    X, _ = task
    with pytest.raises(NotFittedError):
        FunctionPreservingReshaper(
            GLSRegressor(), method="orthogonal", prefit=True
        ).fit(X)


def test_reshaper_rejects_regularised_estimator(task):
    """An estimator with alpha > 0 is off the manifold and is rejected."""
    X, Y = task
    with pytest.raises(ValueError, match="alpha=0.5"):
        FunctionPreservingReshaper(MRNSRegressor(alpha=0.5), method="orthogonal").fit(
            X, Y
        )


def test_reshaper_rejects_other_estimators(task):
    """Estimators that are neither linear solutions nor MLPs raise TypeError."""
    X, Y = task
    with pytest.raises(TypeError, match="MLPRegressor"):
        FunctionPreservingReshaper(Ridge(), method="orthogonal").fit(X, Y)


def test_reshaper_rejects_other_inputs_for_target(task):
    """Sculpting a prefit estimator on inputs it was not fitted on raises."""
    X, Y = task
    gls = GLSRegressor(n_hidden=4, random_state=0).fit(X[:4], Y[:4])
    reshaper = FunctionPreservingReshaper(gls, method="target", target=np.ones((10, 4)))
    with pytest.raises(ValueError, match="training inputs"):
        reshaper.fit(X)


def test_reshaper_rejects_sample_weight_with_prefit(task):
    """sample_weight cannot reweight a prefit estimator."""
    X, Y = task
    gls = GLSRegressor().fit(X, Y)
    with pytest.raises(ValueError, match="sample_weight"):
        FunctionPreservingReshaper(gls, method="orthogonal").fit(
            X, sample_weight=np.ones(10)
        )


def test_reshaper_mlp_permutation_keeps_predictions(task):
    """On an MLP the reshaper dispatches to the ReLU moves and keeps the outputs."""
    pytest.importorskip("sklearn_dln.relu._moves")
    X, Y = task
    mlp = MLPRegressor(hidden_layer_sizes=(7,), max_iter=300, random_state=0)
    with pytest.warns(Warning):
        mlp.fit(X, Y)
    reshaper = FunctionPreservingReshaper(mlp, method="permute", random_state=0).fit(X)
    np.testing.assert_allclose(reshaper.predict(X), mlp.predict(X), rtol=1e-12)
    assert reshaper.transform(X).shape == (10, 7)
    assert not hasattr(reshaper, "coef_")


def test_reshaper_mlp_duplicate_widens_layer(task):
    """Duplicating every unit of an MLP doubles the width and keeps the outputs."""
    pytest.importorskip("sklearn_dln.relu._moves")
    X, Y = task
    mlp = MLPRegressor(hidden_layer_sizes=(4,), max_iter=50, random_state=0)
    with pytest.warns(Warning):
        mlp.fit(X, Y)
    reshaper = FunctionPreservingReshaper(mlp, method="duplicate", n_copies=2).fit(X)
    assert reshaper.hidden_representation_.shape == (10, 8)
    np.testing.assert_allclose(reshaper.predict(X), mlp.predict(X), rtol=1e-12)
