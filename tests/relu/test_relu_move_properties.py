"""Property tests: every move keeps the outputs of random small MLPs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from relu_networks import build_random_mlp, network_outputs

from sklearn_dln.relu import apply_relu_move

# Largest output change allowed, relative to the largest absolute output.
RTOL = 1e-10
N_TRAIN = 20
N_FEATURES = 5


@st.composite
def mlp_cases(draw):
    """Draw a random fitted MLP, its rank-deficient training inputs and a layer."""
    n_hidden_layers = draw(st.integers(1, 3))
    widths = draw(st.lists(st.integers(1, 6), min_size=n_hidden_layers, max_size=n_hidden_layers))
    kind = draw(st.sampled_from(["classifier", "regressor"]))
    n_outputs = draw(st.integers(2, 4)) if kind == "classifier" else draw(st.integers(1, 3))
    rank = draw(st.integers(1, N_FEATURES - 1))
    seed = draw(st.integers(0, 2**32 - 1))
    wrapped = draw(st.booleans())
    layer = draw(st.integers(-n_hidden_layers, n_hidden_layers - 1))

    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((rank, N_FEATURES))
    X = rng.standard_normal((N_TRAIN, rank)) @ basis
    mlp, X = build_random_mlp(
        kind, widths, n_outputs=n_outputs, X=X, seed=seed, wrapped=wrapped
    )
    # New inputs inside the span of the training inputs, and with a component
    # outside it.
    in_span = rng.standard_normal((15, rank)) @ basis
    return mlp, X, in_span, layer, rng


def _max_change(moved, original, X):
    expected = network_outputs(original, X)
    change = np.abs(network_outputs(moved, X) - expected).max()
    return change, np.abs(expected).max()


def _check_outputs_kept(moved, original, inputs):
    for X in inputs:
        change, scale = _max_change(moved, original, X)
        assert change <= RTOL * scale
    if hasattr(original, "classes_"):
        X = inputs[0]
        proba = np.sort(original.predict_proba(X), axis=1)
        clear = proba[:, -1] - proba[:, -2] > 1e-8
        assert np.array_equal(moved.predict(X)[clear], original.predict(X)[clear])


@settings(max_examples=40, deadline=None)
@given(case=mlp_cases())
def test_apply_relu_move_permute_keeps_outputs(case):
    """Permuting the units of any hidden layer keeps every output."""
    mlp, X, in_span, layer, rng = case
    off_span = rng.standard_normal((15, N_FEATURES))
    moved, _ = apply_relu_move(mlp, "permute", X=X, layer=layer, random_state=rng.integers(1000))
    _check_outputs_kept(moved, mlp, [X, off_span])


@settings(max_examples=40, deadline=None)
@given(case=mlp_cases(), spread=st.floats(0.0, 2.0))
def test_apply_relu_move_scale_keeps_outputs(case, spread):
    """Log-normal positive rescaling of any hidden layer keeps every output."""
    mlp, X, in_span, layer, rng = case
    off_span = rng.standard_normal((15, N_FEATURES))
    moved, _ = apply_relu_move(
        mlp, "scale", X=X, layer=layer, scale=spread, random_state=rng.integers(1000)
    )
    _check_outputs_kept(moved, mlp, [X, off_span])


@settings(max_examples=40, deadline=None)
@given(case=mlp_cases(), n_units=st.integers(1, 4), std=st.floats(0.0, 5.0))
def test_apply_relu_move_nuisance_keeps_outputs(case, n_units, std):
    """Nuisance units with zero outgoing weights keep every output."""
    mlp, X, in_span, layer, rng = case
    off_span = rng.standard_normal((15, N_FEATURES))
    moved, _ = apply_relu_move(
        mlp, "nuisance", X=X, layer=layer, n_units=n_units, scale=std,
        random_state=rng.integers(1000),
    )
    _check_outputs_kept(moved, mlp, [X, off_span])


@settings(max_examples=40, deadline=None)
@given(case=mlp_cases(), n_copies=st.integers(1, 4), data=st.data())
def test_apply_relu_move_duplicate_keeps_outputs(case, n_copies, data):
    """Duplicating any subset of units keeps every output."""
    mlp, X, in_span, layer, rng = case
    width = mlp.coefs_[:-1][layer].shape[1]
    units = data.draw(
        st.lists(st.integers(0, width - 1), min_size=1, max_size=width, unique=True)
    )
    off_span = rng.standard_normal((15, N_FEATURES))
    moved, _ = apply_relu_move(
        mlp, "duplicate", X=X, layer=layer, units=units, n_copies=n_copies
    )
    _check_outputs_kept(moved, mlp, [X, off_span])


@settings(max_examples=40, deadline=None)
@given(case=mlp_cases(), std=st.floats(0.1, 5.0))
def test_apply_relu_move_input_null_on_span(case, std):
    """Input-null weights keep the outputs on the span of the training inputs."""
    mlp, X, in_span, layer, rng = case
    moved, info = apply_relu_move(
        mlp, "input_null", X=X, layer=layer, scale=std, random_state=rng.integers(1000)
    )
    assert info["null_space_dim"] == N_FEATURES - info["rank"]
    _check_outputs_kept(moved, mlp, [X, in_span])


@settings(max_examples=30, deadline=None)
@given(case=mlp_cases(), n_target_units=st.integers(1, 3), use_rsm=st.booleans())
def test_apply_relu_move_target_keeps_outputs(case, n_target_units, use_rsm):
    """Units fitted to a target activity, and RSM rescaling, keep every output."""
    mlp, X, in_span, layer, rng = case
    activity = np.abs(rng.standard_normal((N_TRAIN, n_target_units)))
    target = {"activity": activity}
    if use_rsm:
        pattern = rng.standard_normal((N_TRAIN, 3))
        target["rsm"] = pattern @ pattern.T
    off_span = rng.standard_normal((15, N_FEATURES))
    moved, info = apply_relu_move(mlp, "target", X=X, layer=layer, target=target)
    assert np.isfinite(info["residual"])
    _check_outputs_kept(moved, mlp, [X, off_span])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_apply_relu_move_input_null_off_span(seed, kind):
    """Inputs with a component outside the training span get other outputs."""
    rng = np.random.default_rng(seed)
    n_hidden_layers = 1 + seed % 3
    rank = 2
    basis = rng.standard_normal((rank, N_FEATURES))
    X = rng.standard_normal((N_TRAIN, rank)) @ basis
    mlp, X = build_random_mlp(kind, (6,) * n_hidden_layers, X=X, seed=seed)
    moved, _ = apply_relu_move(mlp, "input_null", X=X, scale=2.0, random_state=seed)

    off_span = rng.standard_normal((50, N_FEATURES))
    change, scale = _max_change(moved, mlp, off_span)
    assert change > 1e-3 * scale
    change, scale = _max_change(moved, mlp, X)
    assert change <= RTOL * scale
