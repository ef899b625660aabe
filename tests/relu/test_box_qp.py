"""Tests of the box-constrained quadratic program solver behind the RSM fit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.optimize import lsq_linear

from sklearn_dln.relu import _box_qp
from sklearn_dln.relu._box_qp import solve_box_qp


def _problem(rng, n, n_rows, dtype=np.float64):
    """Return ``M = A^T A`` (upper triangle only), ``q = A^T b``, ``A`` and ``b``."""
    A = rng.standard_normal((n_rows, n))
    b = rng.standard_normal(n_rows) + A @ rng.uniform(-1.0, 2.0, n)
    M = np.asfortranarray(np.triu(A.T @ A), dtype=dtype)
    return M, A.T @ b, A, b


def _objective(A, b, x):
    return float(np.sum((A @ x - b) ** 2))


def _oracle(A, b, low, high):
    return lsq_linear(A, b, bounds=(low, high), method="bvls", tol=1e-14).x


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 12),
    extra_rows=st.integers(0, 10),
    bounds=st.sampled_from([(0.0, 1.0), (-0.5, 0.5), (1e-6, 1e6), (0.2, 0.3)]),
)
def test_solve_box_qp_matches_bounded_least_squares(seed, n, extra_rows, bounds):
    """The minimiser equals scipy's bounded least squares in float64."""
    rng = np.random.default_rng(seed)
    M, q, A, b = _problem(rng, n, n + extra_rows)
    low, high = bounds

    x, n_steps = solve_box_qp(M, q, low, high)

    assert n_steps >= 1
    assert np.all(x >= low)
    assert np.all(x <= high)
    expected = _oracle(A, b, low, high)
    scale = max(_objective(A, b, expected), np.sum(b**2), 1.0)
    assert _objective(A, b, x) <= _objective(A, b, expected) + 1e-9 * scale


@pytest.mark.parametrize("seed", range(5))
def test_solve_box_qp_float32_is_near_optimal(seed):
    """In float32 the objective is within the rounding of M of the optimum."""
    rng = np.random.default_rng(seed)
    M, q, A, b = _problem(rng, 40, 80, dtype=np.float32)

    x, _ = solve_box_qp(M, q, 0.0, 1.0)

    expected = _oracle(A, b, 0.0, 1.0)
    assert _objective(A, b, x) <= _objective(A, b, expected) * (1 + 1e-5) + 1e-6


def test_solve_box_qp_interior_minimiser():
    """An unconstrained minimiser inside the box needs no pivoting."""
    M = np.asfortranarray(np.diag([2.0, 4.0]))
    x, n_steps = solve_box_qp(M, np.array([1.0, 2.0]), 0.0, 1.0)
    assert n_steps == 1
    assert_allclose(x, [0.5, 0.5])


def test_solve_box_qp_uses_both_bounds():
    """Coordinates whose unconstrained minimiser lies outside go to the nearer bound."""
    M = np.asfortranarray(np.eye(3))
    x, _ = solve_box_qp(M, np.array([-1.0, 0.5, 3.0]), 0.0, 1.0)
    assert_allclose(x, [0.0, 0.5, 1.0])


def test_solve_box_qp_singular_matrix():
    """A singular M (two equal columns of A) still gives a minimiser."""
    rng = np.random.default_rng(3)
    A = rng.standard_normal((10, 4))
    A[:, 3] = A[:, 2]
    b = rng.standard_normal(10)
    M = np.asfortranarray(np.triu(A.T @ A))

    x, _ = solve_box_qp(M, A.T @ b, 0.0, 10.0)

    expected = _oracle(A, b, 0.0, 10.0)
    assert _objective(A, b, x) <= _objective(A, b, expected) + 1e-8


def test_solve_box_qp_reads_upper_triangle_only():
    """Entries below the diagonal do not change the result."""
    rng = np.random.default_rng(4)
    M, q, _, _ = _problem(rng, 6, 9)
    garbage = M.copy(order="F")
    garbage[np.tril_indices(6, -1)] = 1e30

    x, _ = solve_box_qp(M, q, 0.0, 1.0)
    x_garbage, _ = solve_box_qp(garbage, q, 0.0, 1.0)

    assert_allclose(x_garbage, x, rtol=1e-12)


def test_solve_box_qp_keeps_matrix():
    """The solver does not write into M."""
    rng = np.random.default_rng(5)
    M, q, _, _ = _problem(rng, 8, 12, dtype=np.float32)
    before = M.copy()
    solve_box_qp(M, q, 0.0, 1.0)
    np.testing.assert_array_equal(M, before)


@pytest.mark.parametrize("share_bound", [0.2, 0.8])
def test_solve_box_qp_picks_cheaper_solver(monkeypatch, share_bound):
    """Few bound coordinates use inverse columns, many use the free block, and
    both reach the optimum."""
    calls = {"inverse": 0, "free": 0}
    solvers = (("_InverseColumnSolver", "inverse"), ("_FreeBlockSolver", "free"))
    for name, key in solvers:
        cls = getattr(_box_qp, name)
        original = cls.solve

        def counted(self, bound, values, original=original, key=key):
            calls[key] += 1
            return original(self, bound, values)

        monkeypatch.setattr(cls, "solve", counted)
    rng = np.random.default_rng(6)
    n = 80
    A = rng.standard_normal((120, n))
    # Coordinates with a negative generating value end at the lower bound 0.
    x_true = rng.uniform(0.1, 0.9, n)
    x_true[: int(share_bound * n)] = -1.0
    b = A @ x_true
    M = np.asfortranarray(np.triu(A.T @ A))

    x, _ = solve_box_qp(M, A.T @ b, 0.0, 1.0)

    expected = _oracle(A, b, 0.0, 1.0)
    assert _objective(A, b, x) <= _objective(A, b, expected) + 1e-9 * np.sum(b**2)
    if share_bound < 0.5:
        assert calls["inverse"] >= 2
    else:
        assert calls["free"] >= 1


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(8))
def test_solve_box_qp_columns_of_mixed_scale(seed, dtype):
    """Coordinates with a small diagonal do not stop at the wrong bound."""
    rng = np.random.default_rng(seed)
    n = 40
    A = rng.standard_normal((60, n)) * 10.0 ** rng.uniform(-3, 3, n)
    # Most generating values lie outside [0, 1], so most coordinates end bound.
    x_true = rng.uniform(-2.0, 3.0, n)
    b = A @ x_true + 0.01 * np.abs(A @ x_true).max() * rng.standard_normal(60)
    M = np.asfortranarray(np.triu(A.T @ A), dtype=dtype)

    x, _ = solve_box_qp(M, A.T @ b, 0.0, 1.0)

    expected = _oracle(A, b, 0.0, 1.0)
    gap = (_objective(A, b, x) - _objective(A, b, expected)) / np.sum(b**2)
    assert gap <= (1e-12 if dtype == np.float64 else 1e-5)


@pytest.mark.parametrize("seed", range(10))
def test_bounded_least_squares_fallback_small_columns(seed):
    """The fallback keeps the directions of columns with a tiny norm."""
    rng = np.random.default_rng(seed)
    column_scale = 10.0 ** rng.uniform(-9, 0, 12)
    A = rng.standard_normal((30, 12)) * column_scale
    # Two equal columns make M singular, as copies of a unit do.
    A[:, 11] = A[:, 10]
    # Every column contributes about equally to b, the tiny ones through
    # large coefficients.
    x_true = rng.uniform(0.5, 2.0, 12) / column_scale
    b = A @ x_true + 1e-3 * rng.standard_normal(30)
    M = np.asfortranarray(np.triu(A.T @ A))

    x = _box_qp._solve_bounded_least_squares(M, A.T @ b, 1e-6, 1e6)

    expected = _oracle(A, b, 1e-6, 1e6)
    assert np.all((x >= 1e-6) & (x <= 1e6))
    assert _objective(A, b, x) <= _objective(A, b, expected) + 1e-9 * np.sum(b**2)


@settings(max_examples=40, deadline=None)
@given(mask=st.lists(st.booleans(), min_size=1, max_size=30))
def test_principal_block_matches_ix(mask):
    """The principal block of a Fortran-ordered matrix is Fortran-ordered and exact."""
    n = len(mask)
    matrix = np.asfortranarray(np.arange(n * n, dtype=np.float32).reshape(n, n))
    index = np.flatnonzero(mask)

    block = _box_qp._principal_block(matrix, index)

    assert block.flags.f_contiguous
    assert np.array_equal(block, matrix[np.ix_(index, index)])


def _free_block_base(M, q, bound, values):
    """Return an inverse-column solver based on the free block of ``bound``."""
    solver = _box_qp._FreeBlockSolver(M, q)
    solver.solve(bound, values)
    factor, free, x = solver.last_base
    return _box_qp._InverseColumnSolver(M, q, factor, free, x)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_inverse_columns_from_free_block_base(dtype):
    """Steps from a free-block base equal fresh free-block solves, gradient included."""
    rng = np.random.default_rng(11)
    M, q, _, _ = _problem(rng, 30, 40, dtype=dtype)
    base_bound = np.zeros(30, dtype=bool)
    base_bound[:8] = True
    base_values = np.where(np.arange(8) % 2 == 0, 0.0, 1.0)
    inverse = _free_block_base(M, q, base_bound, base_values)
    reference = _box_qp._FreeBlockSolver(M, q)
    tolerance = 1e-9 if dtype == np.float64 else 2e-3

    for extra in ([], [10, 20], [10, 20, 25, 29]):
        bound = base_bound.copy()
        bound[extra] = True
        values = np.zeros(int(bound.sum()))
        values[:8] = base_values
        assert np.isfinite(inverse.cost(bound, values))

        x, gradient = inverse.solve(bound, values)

        x_ref, gradient_ref = reference.solve(bound, values)
        scale = np.abs(x_ref).max()
        assert_allclose(x, x_ref, atol=tolerance * scale)
        assert_allclose(gradient, gradient_ref, atol=tolerance * np.abs(gradient_ref).max())


def test_inverse_columns_base_rejects_released():
    """A base does not apply once a coordinate outside its free set is released or
    moves to the other bound."""
    rng = np.random.default_rng(12)
    M, q, _, _ = _problem(rng, 10, 15)
    bound = np.zeros(10, dtype=bool)
    bound[:3] = True
    inverse = _free_block_base(M, q, bound, np.zeros(3))

    released = bound.copy()
    released[0] = False
    assert inverse.cost(released, np.zeros(2)) == np.inf
    assert inverse.cost(bound, np.array([0.0, 1.0, 0.0])) == np.inf
    assert np.isfinite(inverse.cost(bound, np.zeros(3)))
