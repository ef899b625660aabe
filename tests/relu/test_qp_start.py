"""Tests of the projected-gradient guess that starts the box QP's pivoting."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import lsq_linear

from sklearn_dln.relu._box_qp import solve_box_qp
from sklearn_dln.relu._qp_start import (
    _largest_eigenvalue_bound,
    _ScaledMatrix,
    guess_bound_sets,
)


def _squared_gram_problem(rng, n, n_samples, share_suppressed):
    """Return ``M = (H^T H)**2`` (upper triangle), ``q`` and the least-squares form.

    ``q`` comes from a target RSM built from the units with a negative
    weight for ``share_suppressed`` of them, so those end at the lower bound.
    """
    H = rng.random((n_samples, n))
    weights = rng.uniform(0.5, 2.0, n)
    weights[: int(share_suppressed * n)] = -0.3
    columns = np.stack([np.outer(H[:, j], H[:, j]).ravel() for j in range(n)], axis=1)
    rsm = (columns @ weights).reshape(n_samples, n_samples)
    M = np.asfortranarray(np.triu(columns.T @ columns))
    return M, columns.T @ rsm.ravel(), columns, rsm.ravel()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 12), power=st.integers(0, 3))
def test_eigenvalue_bound_above_largest(seed, n, power):
    """The Collatz-Wielandt bound is at least the largest eigenvalue of the scaled matrix."""
    rng = np.random.default_rng(seed)
    A = rng.random((n + 3, n)) * 10.0 ** rng.uniform(-power, power, n)
    M = np.asfortranarray((A.T @ A) ** 2)
    root = np.sqrt(np.diag(M))

    bound = _largest_eigenvalue_bound(_ScaledMatrix(M, root), n)

    largest = np.linalg.eigvalsh(M / np.outer(root, root))[-1]
    assert bound >= largest * (1 - 1e-12)


def test_guess_finds_suppressed_units():
    """At least half of the units that end at the lower bound are guessed, and none wrongly."""
    rng = np.random.default_rng(0)
    M, q, columns, target = _squared_gram_problem(rng, 150, 40, 0.7)
    low, high = 1e-6, 1e6

    lower, upper = guess_bound_sets(M, q, low, high, np.ones(150))

    exact = lsq_linear(columns, target, bounds=(low, high), method="bvls", tol=1e-14).x
    at_low = exact <= low * (1 + 1e-6)
    assert at_low.sum() >= 100
    assert lower.sum() >= 0.5 * at_low.sum()
    assert not np.any(lower & ~at_low)
    assert not upper.any()


@pytest.mark.parametrize(
    "n, share_suppressed",
    [
        # An interior minimiser: few coordinates reach a bound early.
        (150, 0.0),
        # Below the size threshold, even where most units end bound.
        (60, 0.7),
    ],
)
def test_guess_empty(n, share_suppressed):
    """Programs with an interior minimiser, and small programs, get no guess."""
    rng = np.random.default_rng(1)
    M, q, _, _ = _squared_gram_problem(rng, n, 40, share_suppressed)

    lower, upper = guess_bound_sets(M, q, 1e-6, 1e6, np.ones(n))

    assert not lower.any()
    assert not upper.any()


def test_guess_empty_for_zero_diagonal():
    """A zero diagonal entry, where the scaling is undefined, gives no guess."""
    diagonal = np.ones(200)
    diagonal[1] = 0.0
    M = np.asfortranarray(np.diag(diagonal))

    lower, upper = guess_bound_sets(M, np.ones(200), 0.0, 1.0, np.ones(200))

    assert not lower.any()
    assert not upper.any()


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 15),
    share=st.sampled_from([0.0, 0.5, 0.9]),
)
def test_any_start_reaches_same_optimum(seed, n, share):
    """Pivoting from a random start, right or wrong, reaches the optimum."""
    rng = np.random.default_rng(seed)
    M, q, columns, target = _squared_gram_problem(rng, n, n + 5, share)
    low, high = 1e-3, 1e3
    lower = rng.random(n) < 0.4
    upper = ~lower & (rng.random(n) < 0.3)

    x, _ = solve_box_qp(M, q, low, high, start=(lower, upper))

    exact = lsq_linear(columns, target, bounds=(low, high), method="bvls", tol=1e-14).x
    objective = np.sum((columns @ x - target) ** 2)
    optimum = np.sum((columns @ exact - target) ** 2)
    assert objective <= optimum + 1e-9 * np.sum(target**2)
