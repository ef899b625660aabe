"""Tests of the RSM fit behind the "target" move: sums, precision and optimality."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from relu_networks import build_random_mlp, network_outputs
from scipy.optimize import lsq_linear

from sklearn_dln.relu import _rsm_fit, apply_relu_move, hidden_activity
from sklearn_dln.relu._activity import _HIDDEN_ACTIVATIONS
from sklearn_dln.relu._rsm_terms import TargetRSM
from sklearn_dln.relu._workspace import Workspace, store_result


def _symmetric(rsm):
    return np.triu(rsm) + np.triu(rsm, 1).T


def _direct_statistics(H, rsm):
    """Return the match and relative residual of ``H H^T`` against the target, directly."""
    achieved, target = H @ H.T, _symmetric(rsm)
    upper = np.triu_indices(H.shape[0], 1)
    match = np.corrcoef(achieved[upper], target[upper])[0, 1]
    residual = np.linalg.norm(achieved - target) / np.linalg.norm(target)
    return match, residual


def _assert_same_outputs(moved, mlp, X):
    expected = network_outputs(mlp, X)
    assert np.abs(network_outputs(moved, X) - expected).max() <= 1e-10 * np.abs(expected).max()


@pytest.fixture
def single_precision(monkeypatch):
    """Run every RSM fit in float32, whatever the layer's size."""
    monkeypatch.setattr(_rsm_fit, "_SINGLE_PRECISION_WORK", 0)


def _random_rsm(rng, n):
    pattern = rng.standard_normal((n, 3))
    return pattern @ pattern.T


@pytest.mark.parametrize(
    "kind", ["random", "diagonal_heavy", "tiny", "huge", "lower_garbage", "offset"]
)
def test_target_rsm_sums_match_direct(kind):
    """The sums of the target equal their direct values, read from the upper triangle."""
    rng = np.random.default_rng(0)
    n = 30
    rsm = _random_rsm(rng, n)
    if kind == "diagonal_heavy":
        rsm[np.diag_indices(n)] = 1e7
    elif kind == "tiny":
        rsm *= 1e-150
    elif kind == "huge":
        rsm *= 1e150
    elif kind == "lower_garbage":
        rsm[np.tril_indices(n, -1)] = 1e300
    elif kind == "offset":
        rsm += 1e6

    target = TargetRSM(np.ascontiguousarray(rsm))

    symmetric = _symmetric(rsm) / target.scale
    pairs = symmetric[np.triu_indices(n, 1)]
    assert target.pair_sum == pytest.approx(pairs.sum(), rel=1e-12)
    assert target.pair_sum_sq == pytest.approx(np.sum(pairs**2), rel=1e-9)
    assert target.norm_sq == pytest.approx(np.sum(symmetric**2), rel=1e-12)
    off_diagonal = symmetric - np.diag(np.diag(symmetric))
    assert_allclose(target.off_diagonal_row_sums, off_diagonal.sum(axis=1), rtol=1e-12)
    assert not target.is_constant()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("factor", [1.0, 1e-150, 1e150])
def test_target_rsm_centred_triangle_upper(dtype, factor):
    """The upper triangle of the centred target is R minus the pair mean, with a zero
    diagonal, divided by a unit that keeps it within float32's range."""
    n = 150
    rsm = np.ascontiguousarray(_random_rsm(np.random.default_rng(2), n) * factor)
    target = TargetRSM(rsm)
    out = np.full((n, n), 7.0, dtype=dtype)

    unit = target.centred_triangle(out)

    centred = (rsm / target.scale - target.pair_mean) / unit
    np.fill_diagonal(centred, 0.0)
    upper = np.triu_indices(n)
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    assert_allclose(out[upper], centred[upper], rtol=rtol, atol=rtol * np.abs(centred).max())
    assert 1e-10 <= np.abs(out[upper]).max() <= 1e10


@pytest.mark.parametrize("offset", [0.0, 10.0, 1e6])
def test_target_rsm_pair_variance(offset):
    """The float64 variance of the strict upper triangle is exact enough, or None
    when a large mean would cancel its digits."""
    n = 30
    rsm = np.ascontiguousarray(_random_rsm(np.random.default_rng(3), n) + offset)
    target = TargetRSM(rsm)
    pairs = rsm[np.triu_indices(n, 1)]
    expected = np.sum((pairs - pairs.mean()) ** 2)

    variance = target.pair_variance(float(np.finfo(np.float32).eps))

    if offset < 1e6:
        assert variance == pytest.approx(expected, rel=1e-9)
    else:
        assert variance is None
    assert target.pair_variance(float(np.finfo(np.float64).eps)) is None


def test_target_rsm_scale_only_for_extreme_magnitudes():
    """Targets of ordinary size are not divided, and extreme ones by a power of two."""
    rsm = np.ascontiguousarray(_random_rsm(np.random.default_rng(1), 10))
    assert TargetRSM(rsm).scale == 1.0
    scale = TargetRSM(rsm * 1e150).scale
    assert scale > 1e140
    assert np.frexp(scale)[0] == 0.5


def test_workspace_arrays_are_disjoint_views():
    """Each named array has its shape and order and shares no memory with the others."""
    workspace = Workspace(
        np.float32, [{"a": ((3, 5), "C"), "b": ((4, 2), "F"), "c": ((7,), "C")}]
    )
    assert workspace["a"].shape == (3, 5)
    assert workspace["a"].flags.c_contiguous
    assert workspace["b"].shape == (4, 2)
    assert workspace["b"].flags.f_contiguous
    names = ["a", "b", "c"]
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            assert not np.shares_memory(workspace[first], workspace[second])
    stored = store_result(workspace["b"], np.arange(8.0).reshape(4, 2))
    assert np.shares_memory(stored, workspace["b"])
    assert_allclose(workspace["b"], np.arange(8.0).reshape(4, 2))


def test_workspace_view_of_smaller_shape():
    """A view takes the leading entries of an array's memory, and no more."""
    workspace = Workspace(np.float64, [{"a": ((4, 4), "F"), "b": ((3,), "C")}])
    view = workspace.view("a", (3, 3), "F")
    assert view.shape == (3, 3)
    assert view.flags.f_contiguous
    assert np.shares_memory(view, workspace["a"])
    assert not np.shares_memory(view, workspace["b"])
    with pytest.raises(ValueError, match="needs 25 entries"):
        workspace.view("a", (5, 5), "F")


def test_workspace_turns_share_memory():
    """Dicts of one region overlap each other and no other region."""
    workspace = Workspace(
        np.float64,
        [
            {"first_region": ((10,), "C")},
            ({"first": ((6,), "C"), "second": ((20,), "C")}, {"third": ((30,), "C")}),
            {"last": ((4,), "C")},
        ],
    )
    assert np.shares_memory(workspace["third"], workspace["first"])
    assert np.shares_memory(workspace["third"], workspace["second"])
    assert not np.shares_memory(workspace["first"], workspace["second"])
    for name in ("first", "second", "third"):
        assert not np.shares_memory(workspace[name], workspace["first_region"])
        assert not np.shares_memory(workspace[name], workspace["last"])
    # 64-byte steps: 16 + max(8 + 24, 32) + 8 float64 entries.
    assert workspace.nbytes == (16 + 32 + 8) * 8


@pytest.mark.parametrize("target_kind", ["pattern", "labels"])
def test_single_precision_statistics_match_direct(single_precision, target_kind):
    """The float32 products give the match and residual to float32's accuracy."""
    rng = np.random.default_rng(2)
    mlp, X = build_random_mlp("classifier", (40,), n_features=8, n_samples=60, seed=2)
    if target_kind == "pattern":
        rsm = _random_rsm(rng, 60)
    else:
        one_hot = np.eye(4)[np.arange(60) % 4]
        rsm = one_hot @ one_hot.T

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    assert info["rsm_dtype"] == "float32"
    match, residual = _direct_statistics(hidden_activity(moved, X), rsm)
    match_before, _ = _direct_statistics(hidden_activity(mlp, X), rsm)
    assert info["rsm_match"] == pytest.approx(match, abs=1e-6)
    assert info["rsm_match_before"] == pytest.approx(match_before, abs=1e-6)
    assert info["rsm_residual"] == pytest.approx(residual, rel=1e-5)
    _assert_same_outputs(moved, mlp, X)


def test_single_precision_falls_back_for_close_fit(single_precision):
    """A target reachable by rescaling is fitted in float64, whose residual is exact."""
    mlp, X = build_random_mlp("classifier", (6,), n_samples=40, seed=10)
    H = hidden_activity(mlp, X)
    rsm = (H * np.array([0.5, 1.0, 2.0, 3.0, 0.2, 1.5]) ** 2) @ H.T

    _, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    assert info["rsm_dtype"] == "float64"
    assert info["rsm_residual"] < 1e-6


def test_single_precision_falls_back_for_large_offset(single_precision):
    """Activity that is a large constant plus a small spread is fitted in float64."""
    rng = np.random.default_rng(3)
    mlp, X = build_random_mlp("regressor", (8,), activation="identity", n_samples=30, seed=3)
    mlp.intercepts_[0] = np.full(8, 1e4)
    rsm = _random_rsm(rng, 30)

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    assert info["rsm_dtype"] == "float64"
    match, _ = _direct_statistics(hidden_activity(moved, X), rsm)
    assert info["rsm_match"] == pytest.approx(match, abs=1e-8)
    _assert_same_outputs(moved, mlp, X)


def test_single_precision_falls_back_for_extreme_inputs(single_precision):
    """Inputs beyond float32's safe range are fitted in float64."""
    rng = np.random.default_rng(4)
    mlp, X = build_random_mlp("regressor", (5,), n_samples=25, seed=4)
    X = X * 1e30
    mlp.coefs_[0] = mlp.coefs_[0] * 1e-30
    rsm = _random_rsm(rng, 25)

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    assert info["rsm_dtype"] == "float64"
    assert np.all(np.isfinite(info["factors"]))
    _assert_same_outputs(moved, mlp, X)


def _optimal_residual(H, rsm):
    """Return the smallest relative residual over the factor bounds, by bounded least squares.

    The bounds are those of the fit: ``c`` in [1e-6, 1e6] times the best
    common value. The design has one column ``vec(h_j h_j^T)`` per active
    unit.
    """
    active = np.any(H != 0, axis=0)
    H = H[:, active]
    target = _symmetric(rsm)
    design = np.stack([np.outer(h, h).ravel() for h in H.T], axis=1)
    gram_sq = (H.T @ H) ** 2
    q = np.einsum("ij,ik,kj->j", H, target, H)
    common = q.sum() / gram_sq.sum()
    fit = lsq_linear(design, target.ravel(), bounds=(1e-6 * common, 1e6 * common),
                     method="bvls", tol=1e-14)
    return np.linalg.norm(design @ fit.x - target.ravel()) / np.linalg.norm(target)


@pytest.mark.parametrize("seed", range(6))
def test_rsm_fit_reaches_bounded_optimum(seed):
    """The fitted factors reach the optimum that bounded least squares finds."""
    rng = np.random.default_rng(seed)
    mlp, X = build_random_mlp("regressor", (12,), n_samples=15, seed=seed)
    rsm = _random_rsm(rng, 15)

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    optimum = _optimal_residual(hidden_activity(mlp, X), rsm)
    _, achieved = _direct_statistics(hidden_activity(moved, X), rsm)
    assert achieved <= optimum + 1e-7
    assert info["rsm_residual"] == pytest.approx(achieved, abs=1e-7)


def test_rsm_fit_with_duplicated_units():
    """Duplicated units make the system singular, and the fit still reaches the optimum."""
    rng = np.random.default_rng(7)
    mlp, X = build_random_mlp("classifier", (6,), n_samples=20, seed=7)
    wider, _ = apply_relu_move(mlp, "duplicate", X=X, n_copies=2)
    rsm = _random_rsm(rng, 20)

    moved, info = apply_relu_move(wider, "target", X=X, target={"rsm": rsm})

    assert np.all(np.isfinite(info["factors"]))
    optimum = _optimal_residual(hidden_activity(wider, X), rsm)
    _, achieved = _direct_statistics(hidden_activity(moved, X), rsm)
    assert achieved <= optimum + 1e-6
    _assert_same_outputs(moved, mlp, X)


def test_rsm_fit_keeps_silent_units():
    """Units silent on every sample keep the factor 1."""
    rng = np.random.default_rng(8)
    mlp, X = build_random_mlp("classifier", (6,), n_samples=20, seed=8)
    mlp.intercepts_[0][:2] = -1e3

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": _random_rsm(rng, 20)})

    assert_allclose(info["factors"][:2], 1.0)
    assert np.all(info["factors"] > 0)
    _assert_same_outputs(moved, mlp, X)


def test_rsm_fit_unit_active_only_in_float64(single_precision):
    """A unit that float32 rounding silences, but that is active in float64, sends
    the fit to float64, so the reported residual is that of the moved network."""
    rng = np.random.default_rng(0)
    mlp, X = build_random_mlp("regressor", (8,), n_samples=20, seed=0)
    W, b = mlp.coefs_[0], mlp.intercepts_[0]
    W[:, 0] *= 30.0
    pre_activations = X @ W + b
    for margin in 10.0 ** -np.arange(6.0, 12.0, 0.5):
        b[0] += margin * np.abs(pre_activations).max() - (X @ W + b)[:, 0].max()
        single = X.astype(np.float32) @ W.astype(np.float32) + b.astype(np.float32)
        if (X @ W + b)[:, 0].max() > 0 and single[:, 0].max() <= 0:
            break
    assert (X @ W + b)[:, 0].max() > 0
    assert single[:, 0].max() <= 0
    rsm = _random_rsm(rng, 20) * 1e-20

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    assert info["rsm_dtype"] == "float64"
    _, residual = _direct_statistics(hidden_activity(moved, X), rsm)
    assert info["rsm_residual"] == pytest.approx(residual, rel=1e-6)
    assert info["factors"][0] < 1e-3


@pytest.mark.parametrize("n_inputs", [1, 30, 600])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rounding_bounds_cover_float32_error(n_inputs, seed):
    """Float32 pre-activations lie within the bound of their float64 values."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((50, n_inputs)) * 10.0 ** rng.uniform(-3, 3, n_inputs)
    W = rng.standard_normal((n_inputs, 20)) * 10.0 ** rng.uniform(-3, 3, 20)
    b = rng.standard_normal(20) * 100.0
    A32, W32, b32 = A.astype(np.float32), W.astype(np.float32), b.astype(np.float32)

    bounds = _rsm_fit._rounding_bounds(A32, W32, b32)

    single = (A32 @ W32 + b32).astype(np.float64)
    error = np.abs(single - (A @ W + b)).max(axis=0)
    assert np.all(error <= bounds)
    assert np.all(bounds < 1e-3 * (np.abs(A).sum(axis=1).max() * np.abs(W).max(axis=0) + np.abs(b)))


def test_rsm_fit_clearly_silent_units_skip_check(single_precision, monkeypatch):
    """Units far below zero in float32 are not recomputed in float64."""
    checked = []
    original = _rsm_fit._active_in_float64

    def recording(A_prev, W_in, b, activation, silent):
        checked.append(silent)
        return original(A_prev, W_in, b, activation, silent)

    monkeypatch.setattr(_rsm_fit, "_active_in_float64", recording)
    rng = np.random.default_rng(8)
    mlp, X = build_random_mlp("regressor", (6,), n_samples=20, seed=8)
    mlp.intercepts_[0][:2] = -1e3

    _, info = apply_relu_move(mlp, "target", X=X, target={"rsm": _random_rsm(rng, 20)})

    assert info["rsm_dtype"] == "float32"
    assert len(checked) == 1
    assert checked[0].shape == (0,)


@pytest.mark.parametrize("precision", ["default", "single"])
@pytest.mark.parametrize("blank", ["some", "all"])
def test_rsm_fit_skips_blank_inputs(monkeypatch, precision, blank):
    """Dropping input columns that are zero on every sample leaves the fit unchanged."""
    if precision == "single":
        monkeypatch.setattr(_rsm_fit, "_SINGLE_PRECISION_WORK", 0)
    rng = np.random.default_rng(11)
    X = rng.standard_normal((30, 12))
    X[:, [0, 3, 4, 9]] = 0.0
    if blank == "all":
        X[:] = 0.0
    mlp, X = build_random_mlp("classifier", (10,), X=X, seed=11)
    rsm = _random_rsm(rng, 30)

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})
    monkeypatch.setattr(_rsm_fit, "_used_inputs", lambda A_prev: None)
    _, dense = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    rtol = 1e-4 if precision == "single" else 1e-10
    assert_allclose(info["factors"], dense["factors"], rtol=rtol)
    match, residual = _direct_statistics(hidden_activity(moved, X), rsm)
    if blank == "some":
        assert info["rsm_match"] == pytest.approx(match, abs=1e-6)
    assert info["rsm_residual"] == pytest.approx(residual, rel=1e-5)
    _assert_same_outputs(moved, mlp, X)


def test_forward_ignores_old_workspace_contents():
    """Gathering the non-blank columns ignores what the workspace held before."""
    rng = np.random.default_rng(13)
    A_prev = rng.standard_normal((6, 8))
    A_prev[:, [1, 5]] = 0.0
    W_in = rng.standard_normal((8, 4))
    b = rng.standard_normal(4)
    used = _rsm_fit._used_inputs(A_prev)
    workspace = _rsm_fit._make_workspace(np.dtype(np.float32), 6, used.shape[0], 4)
    # A signalling NaN raises the "invalid" flag when it is cast.
    signalling_nan = np.array(0x7F800001, dtype=np.uint32).view(np.float32)
    workspace["inputs"][...] = signalling_nan
    workspace["weights"][...] = signalling_nan

    H, _ = _rsm_fit._forward(A_prev, W_in, b, _HIDDEN_ACTIVATIONS["relu"], workspace, used)

    assert_allclose(H, np.maximum(A_prev @ W_in + b, 0.0), rtol=1e-5, atol=1e-6)


def test_used_inputs_only_when_enough_are_blank():
    """Columns are dropped only when at least one in sixteen is blank."""
    A = np.ones((5, 32))
    assert _rsm_fit._used_inputs(A) is None
    A[:, 7] = 0.0
    assert _rsm_fit._used_inputs(A) is None
    A[:, 20] = 0.0
    assert_array_equal(_rsm_fit._used_inputs(A), np.delete(np.arange(32), [7, 20]))
    assert_array_equal(_rsm_fit._used_inputs(np.zeros((5, 32))), [0])


@pytest.mark.parametrize("precision", ["default", "single"])
def test_rsm_fit_drops_silent_units(monkeypatch, precision):
    """Fitting without the silent units gives the factors of the whole layer."""
    if precision == "single":
        monkeypatch.setattr(_rsm_fit, "_SINGLE_PRECISION_WORK", 0)
    rng = np.random.default_rng(12)
    mlp, X = build_random_mlp("regressor", (16,), n_samples=25, seed=12)
    silent = [1, 5, 6, 11]
    mlp.intercepts_[0][silent] = -1e3
    rsm = _random_rsm(rng, 25)

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})
    activity = hidden_activity(mlp, X).astype(np.float64, order="F")
    active_columns, _, units = _rsm_fit._drop_silent_units(
        activity,
        activity.any(axis=0),
        _rsm_fit._make_workspace(np.dtype(np.float64), 25, 4, 16),
    )

    def keep_all(H, active, workspace):
        return H, workspace["product"], None

    monkeypatch.setattr(_rsm_fit, "_drop_silent_units", keep_all)
    _, whole = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    assert_array_equal(units, np.delete(np.arange(16), silent))
    assert active_columns.shape == (25, 12)
    assert_allclose(info["factors"][silent], 1.0)
    rtol = 1e-4 if precision == "single" else 1e-10
    assert_allclose(info["factors"], whole["factors"], rtol=rtol)
    match, residual = _direct_statistics(hidden_activity(moved, X), rsm)
    assert info["rsm_match"] == pytest.approx(match, abs=1e-6)
    assert info["rsm_residual"] == pytest.approx(residual, rel=1e-5)
    _assert_same_outputs(moved, mlp, X)


@pytest.mark.parametrize("scale", [1.0, 1e-60])
def test_rsm_fit_tiny_target_with_silent_unit(single_precision, scale):
    """A silent unit kept in the fit does not spoil the statistics of a tiny target."""
    rng = np.random.default_rng(14)
    mlp, X = build_random_mlp("regressor", (40,), n_samples=12, seed=14)
    # One silent unit in 40 is below the share at which silent units are dropped.
    mlp.intercepts_[0][3] = -1e3
    rsm = _random_rsm(rng, 12) * scale

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    assert info["rsm_dtype"] == "float32"
    assert info["factors"][3] == 1.0
    match, residual = _direct_statistics(hidden_activity(moved, X), rsm)
    assert info["rsm_match"] == pytest.approx(match, abs=1e-5)
    assert info["rsm_residual"] == pytest.approx(residual, rel=1e-4)
    _assert_same_outputs(moved, mlp, X)


@pytest.mark.parametrize("scale", [1.0, 1e-72, 1e72])
def test_rsm_fit_all_units_silent(single_precision, scale):
    """A layer with no active unit keeps every factor 1 and skips the solver."""
    rng = np.random.default_rng(15)
    mlp, X = build_random_mlp("classifier", (8,), n_samples=20, seed=15)
    mlp.intercepts_[0][:] = -1e3
    rsm = _random_rsm(rng, 20) * scale

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    assert_array_equal(info["factors"], np.ones(8))
    assert info["rsm_n_iter"] == 0
    assert info["rsm_match"] is None
    assert info["rsm_residual"] == pytest.approx(1.0)
    _assert_same_outputs(moved, mlp, X)


@pytest.mark.parametrize("diagonal", [1e8, 1e14])
@pytest.mark.parametrize("precision", ["default", "single"])
def test_rsm_fit_diagonal_heavy_target(monkeypatch, diagonal, precision):
    """A target with a large diagonal still gives the match of its off-diagonal entries."""
    if precision == "single":
        monkeypatch.setattr(_rsm_fit, "_SINGLE_PRECISION_WORK", 0)
    rng = np.random.default_rng(11)
    mlp, X = build_random_mlp("classifier", (8,), n_features=10, n_samples=20, seed=11)
    rsm = diagonal * np.eye(20) + _random_rsm(rng, 20)

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    match, _ = _direct_statistics(hidden_activity(moved, X), rsm)
    assert info["rsm_match"] == pytest.approx(match, abs=1e-6)


def test_rsm_fit_offset_target():
    """A target that is a large constant plus a small spread gives an accurate match."""
    rng = np.random.default_rng(12)
    mlp, X = build_random_mlp("classifier", (8,), n_features=10, n_samples=20, seed=12)
    rsm = 1e6 + _random_rsm(rng, 20)

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    match, _ = _direct_statistics(hidden_activity(moved, X), rsm)
    assert info["rsm_match"] == pytest.approx(match, abs=1e-8)


@pytest.mark.parametrize("scale", [1e-60, 1e60, 1.7e308])
def test_rsm_fit_target_scales_without_warnings(monkeypatch, scale):
    """Targets far from the activity's scale, up to float64's maximum, fit without warnings."""
    monkeypatch.setattr(_rsm_fit, "_SINGLE_PRECISION_WORK", 0)
    rng = np.random.default_rng(13)
    mlp, X = build_random_mlp("classifier", (8,), n_features=10, n_samples=20, seed=13)
    rsm = _random_rsm(rng, 20)
    rsm = rsm / np.abs(rsm).max() * scale

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    assert np.all(np.isfinite(info["factors"]))
    # Both RSMs divided by scale, so that their squares stay finite.
    match, _ = _direct_statistics(hidden_activity(moved, X) / np.sqrt(scale), rsm / scale)
    assert info["rsm_match"] == pytest.approx(match, abs=1e-5)
    _assert_same_outputs(moved, mlp, X)


@pytest.mark.parametrize("scale", [1e-90, 1e100])
def test_rsm_fit_float32_network_rejects_extreme_factors(scale):
    """Factors that float32 weights cannot hold raise instead of breaking the network."""
    rng = np.random.default_rng(14)
    mlp, X = build_random_mlp(
        "classifier", (8,), X=rng.standard_normal((20, 10)).astype(np.float32), seed=14
    )
    mlp.coefs_ = [coef.astype(np.float32) for coef in mlp.coefs_]
    mlp.intercepts_ = [intercept.astype(np.float32) for intercept in mlp.intercepts_]
    rsm = scale * _random_rsm(rng, 20)

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="Divide the target RSM by about"):
            apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})


def test_rsm_fit_stalled_pivoting_reaches_optimum():
    """Nearly singular systems, where pivoting stalls, still reach the bounded optimum."""
    rng = np.random.default_rng(15)
    mlp, X = build_random_mlp(
        "regressor", (18,), activation="identity", n_features=2, n_samples=26, seed=15
    )
    mlp.intercepts_[0][:6] = -1e4
    noise = rng.standard_normal((26, 26))
    rsm = noise + noise.T

    moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    _, achieved = _direct_statistics(hidden_activity(moved, X), rsm)
    assert achieved <= _optimal_residual(hidden_activity(mlp, X), rsm) + 1e-4
    assert achieved <= 1.0


def test_rsm_fit_duplicates_of_collinear_units():
    """Copies of units driven by one input reach the bounded optimum."""
    rng = np.random.default_rng(16)
    mlp, X = build_random_mlp("classifier", (1, 5), n_features=2, n_samples=20, seed=16)
    wider, _ = apply_relu_move(mlp, "duplicate", X=X, layer=1)
    rsm = 1e3 + _random_rsm(rng, 20)

    moved, _ = apply_relu_move(wider, "target", X=X, layer=1, target={"rsm": rsm})

    _, achieved = _direct_statistics(hidden_activity(moved, X, layer=1), rsm)
    assert achieved <= _optimal_residual(hidden_activity(wider, X, layer=1), rsm) + 1e-7


def test_rsm_fit_constant_achieved_triangle():
    """Activity that leaves every off-diagonal entry of the RSM zero gives no match."""
    rng = np.random.default_rng(17)
    mlp, X = build_random_mlp("classifier", (4,), n_features=4, n_samples=4, seed=17)
    mlp.coefs_[0] = np.eye(4)
    mlp.intercepts_[0] = np.zeros(4)
    X = np.eye(4)

    _, info = apply_relu_move(mlp, "target", X=X, target={"rsm": _random_rsm(rng, 4)})

    assert info["rsm_match_before"] is None
    assert info["rsm_match"] is None


@pytest.mark.parametrize("scale", [1e-120, 1.0, 1e120])
def test_rsm_fit_anticorrelated_target(scale):
    """A target opposite to the layer's RSM, at any scale, fits without warnings."""
    mlp, X = build_random_mlp("classifier", (8,), n_features=10, n_samples=20, seed=18)
    H = hidden_activity(mlp, X)
    rsm = -scale * (H @ H.T)

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        moved, info = apply_relu_move(mlp, "target", X=X, target={"rsm": rsm})

    assert np.all(np.isfinite(info["factors"]))
    assert info["rsm_match"] < -0.99
    assert info["rsm_residual"] == pytest.approx(1.0, abs=1e-3)
    _assert_same_outputs(moved, mlp, X)
