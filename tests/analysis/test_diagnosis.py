"""Tests of the region diagnosis, the task RSMs and task specificity."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.analysis import (
    LinearNetwork,
    compute_task_rsm,
    diagnose_solution,
    task_specificity,
)

REFERENCE = Path(__file__).parents[1] / "data" / "paper_code_outputs.npz"


@st.composite
def tasks(draw):
    """Draw a task, possibly rank-deficient and with fewer samples than features."""
    n_samples = draw(st.integers(3, 14))
    n_features = draw(st.integers(1, 9))
    n_outputs = draw(st.integers(1, 5))
    rank = draw(st.integers(1, min(n_samples - 1, n_features)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x_scale = 2.0 ** draw(st.integers(-10, 10))
    X = rng.normal(size=(n_samples, rank)) @ rng.normal(size=(rank, n_features))
    X = x_scale * X
    Y = rng.normal(size=(n_samples, n_outputs)) * 2.0 ** draw(st.integers(-10, 10))
    if draw(st.booleans()):
        # Targets of rank one: the least-squares map has rank at most 1.
        Y = np.outer(Y[:, 0], rng.normal(size=n_outputs))
    fit_intercept = draw(st.booleans())
    n_hidden = min(n_features, n_outputs) + draw(st.integers(0, 3))
    return X, Y, fit_intercept, n_hidden, draw(st.integers(0, 2**16))


def _fit(cls, task, **params):
    X, Y, fit_intercept, n_hidden, seed = task
    return cls(
        n_hidden=n_hidden, fit_intercept=fit_intercept, random_state=seed, **params
    ).fit(X, Y)


def _has_unobserved_directions(model):
    task = model.decomposition_
    return task.input_rank < task.n_features


@settings(max_examples=40, deadline=None)
@given(task=tasks())
def test_diagnose_solution_recognises_each_region(task):
    """Each estimator's weights pass the tests of its region and its supersets."""
    X, Y = task[0], task[1]

    gls = diagnose_solution(_fit(GLSRegressor, task), X, Y)
    assert "gls" in gls.regions
    assert "mrns" not in gls.regions
    assert "mwns" not in gls.regions

    lss = diagnose_solution(_fit(LSSRegressor, task), X, Y)
    assert {"gls", "lss"} <= set(lss.regions)

    mrns = diagnose_solution(_fit(MRNSRegressor, task), X, Y)
    assert {"gls", "lss", "mrns"} <= set(mrns.regions)
    assert abs(mrns.representation_excess) < 1e-9

    mwns = diagnose_solution(_fit(MWNSRegressor, task), X, Y)
    assert {"gls", "lss", "mwns"} <= set(mwns.regions)
    assert abs(mwns.weight_excess) < 1e-9


@settings(max_examples=30, deadline=None)
@given(task=tasks())
def test_diagnose_solution_mrns_off_lss_with_null_weights(task):
    """An MRNS with weights on unobserved inputs stays MRNS but leaves the LSS."""
    X, Y = task[0], task[1]
    model = _fit(MRNSRegressor, task, null_scale=1.0)
    diagnosis = diagnose_solution(model, X, Y)
    assert {"gls", "mrns"} <= set(diagnosis.regions)
    if _has_unobserved_directions(model):
        assert "lss" not in diagnosis.regions
        assert "mwns" not in diagnosis.regions


@settings(max_examples=30, deadline=None)
@given(
    task=tasks(),
    cls=st.sampled_from([GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor]),
    layer=st.sampled_from([0, 1]),
)
def test_diagnose_solution_rejects_perturbed_weights(task, cls, layer):
    """Weights perturbed by a relative 1e-3 are in no region."""
    X, Y, fit_intercept, _, seed = task
    model = _fit(cls, task)
    W1, W2 = model.coefs_[0].T.copy(), model.coefs_[1].T.copy()
    rng = np.random.default_rng(seed)
    weight = (W1, W2)[layer]
    weight += 1e-3 * np.linalg.norm(weight) * rng.normal(size=weight.shape) / np.sqrt(
        weight.size
    )
    b1 = -(W1 @ model.decomposition_.x_mean)
    perturbed = LinearNetwork(
        W1, W2, b1, model.intercepts_[1], fit_intercept=fit_intercept
    )
    assert diagnose_solution(perturbed, X, Y).regions == ()


def test_diagnose_solution_weight_pair_without_intercept():
    """A weight pair is diagnosed against the uncentred task."""
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(10, 4)) + 3.0, rng.normal(size=(10, 2))
    mwns = MWNSRegressor(fit_intercept=False, random_state=0).fit(X, Y)
    pair = (mwns.coefs_[0].T, mwns.coefs_[1].T)
    assert diagnose_solution(pair, X, Y).regions == ("gls", "lss", "mwns")
    centred = MWNSRegressor(random_state=0).fit(X, Y)
    wrong_task = diagnose_solution((centred.coefs_[0].T, centred.coefs_[1].T), X, Y)
    assert "gls" not in wrong_task.regions


def test_diagnose_solution_rejects_wrong_output_offset():
    """A network whose output bias misses the mean of y is not a solution."""
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(12, 3)), rng.normal(size=(12, 2)) + 5.0
    model = LSSRegressor(random_state=0).fit(X, Y)
    shifted = LinearNetwork(
        model.coefs_[0].T,
        model.coefs_[1].T,
        model.intercepts_[0],
        model.intercepts_[1] + 0.01,
        fit_intercept=True,
    )
    diagnosis = diagnose_solution(shifted, X, Y)
    assert diagnosis.regions == ()
    assert diagnosis.gls_residual > 1e-3


@pytest.mark.parametrize("task", ["small", "tall"])
@pytest.mark.parametrize("region", ["mrns", "mwns"])
def test_diagnose_solution_paper_code_weights(task, region):
    """Weights from the authors' code are recognised as their region."""
    data = np.load(REFERENCE)
    X, Y = data[f"{task}_X"], data[f"{task}_Y"]
    weights = (data[f"{task}_{region}_W1"], data[f"{task}_{region}_W2"])
    assert region in diagnose_solution(weights, X, Y).regions


def test_diagnose_solution_rejects_task_without_signal():
    """Zero targets leave nothing to diagnose and raise."""
    X, Y = np.random.default_rng(2).normal(size=(6, 3)), np.zeros((6, 2))
    model = (np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="least-squares fit of y on X is zero"):
        diagnose_solution(model, X, Y)


@pytest.mark.parametrize("task", ["small", "tall"])
@pytest.mark.parametrize("region", ["mrns", "mwns"])
def test_compute_task_rsm_matches_paper_code(task, region):
    """The task RSM equals H.T H of the authors' solution."""
    data = np.load(REFERENCE)
    rsm = compute_task_rsm(
        data[f"{task}_X"], data[f"{task}_Y"], region=region, fit_intercept=False
    )
    expected = data[f"{task}_{region}_rsm"]
    atol = 1e-10 * np.abs(expected).max()
    np.testing.assert_allclose(rsm, expected, rtol=0, atol=atol)


@settings(max_examples=30, deadline=None)
@given(task=tasks(), cls=st.sampled_from([MRNSRegressor, MWNSRegressor]))
def test_compute_task_rsm_matches_estimators(task, cls):
    """Every fitted MRNS (MWNS) has the task's RSM as its Gram matrix."""
    X, Y, fit_intercept = task[0], task[1], task[2]
    H = _fit(cls, task).hidden_representation_
    region = "mrns" if cls is MRNSRegressor else "mwns"
    rsm = compute_task_rsm(X, Y, region=region, fit_intercept=fit_intercept)
    scale = np.abs(H @ H.T).max()
    np.testing.assert_allclose(rsm, H @ H.T, rtol=0, atol=1e-9 * scale)


@settings(max_examples=30, deadline=None)
@given(task=tasks(), cls=st.sampled_from([MRNSRegressor, MWNSRegressor]))
def test_task_specificity_is_one_for_task_specific_solutions(task, cls):
    """MRNS and MWNS representations score 1 against their own region."""
    X, Y, fit_intercept = task[0], task[1], task[2]
    H = _fit(cls, task).hidden_representation_
    region = "mrns" if cls is MRNSRegressor else "mwns"
    rsm = compute_task_rsm(X, Y, region=region, fit_intercept=fit_intercept)
    rows, cols = np.triu_indices(X.shape[0], k=1)
    squared = np.diag(rsm)[rows] + np.diag(rsm)[cols] - 2 * rsm[rows, cols]
    if np.ptp(squared) <= 1e-9 * np.abs(squared).max():
        # All stimuli equidistant: the correlation is undefined.
        with pytest.raises(ValueError, match="undefined"):
            task_specificity(H, X, Y, fit_intercept=fit_intercept)
        return
    scores = task_specificity(H, X, Y, fit_intercept=fit_intercept)
    assert scores[region] == pytest.approx(1.0, abs=1e-8)


def test_task_specificity_is_low_for_random_gls():
    """A wide random GLS representation is far from both task RSMs."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 10)) * np.linspace(3.0, 0.2, 10)
    Y = X[:, :2] @ rng.normal(size=(2, 3))
    gls = GLSRegressor(n_hidden=30, scale=3.0, random_state=0).fit(X, Y)
    H = gls.hidden_representation_
    scores = task_specificity(H, X, Y)
    assert set(scores) == {"mrns", "mwns"}
    assert scores["mrns"] < 0.9
    assert scores["mwns"] < 0.9


def test_task_specificity_rejects_rotation_dependent_metric():
    """Correlation distance depends on the rotation of units and is rejected."""
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    with pytest.raises(ValueError, match="rdm_metric"):
        task_specificity(X, X, Y, rdm_metric="correlation")


def test_task_specificity_rejects_mismatched_stimuli():
    """H with a different number of rows than X raises."""
    rng = np.random.default_rng(5)
    X, Y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    with pytest.raises(ValueError, match="H describes 7 stimuli and X 8"):
        task_specificity(rng.normal(size=(7, 4)), X, Y)
