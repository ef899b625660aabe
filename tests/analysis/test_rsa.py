"""Tests of RDMs, RSMs and RSA against scipy applied pair by pair."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import distance
from scipy.stats import kendalltau, pearsonr, spearmanr

from sklearn_dln.analysis import compute_rdm, compute_rsm, rsa

METRICS = ["correlation", "euclidean", "sqeuclidean", "cosine", "cityblock"]
COMPARE = {
    "pearson": lambda a, b: pearsonr(a, b).statistic,
    "spearman": lambda a, b: spearmanr(a, b).statistic,
    "kendall": lambda a, b: kendalltau(a, b).statistic,
    "cosine": lambda a, b: 1.0 - distance.cosine(a, b),
}


def _upper_triangle_by_hand(H, metric):
    """Return [d(h_i, h_j) for i < j] with scipy's per-pair distance function."""
    function = getattr(distance, metric)
    n_stimuli = H.shape[0]
    values = []
    for i in range(n_stimuli):
        for j in range(i + 1, n_stimuli):
            values.append(function(H[i], H[j]))
    return np.array(values)


@st.composite
def representation_pairs(draw):
    """Draw two Gaussian representations of the same stimuli, any scale.

    At least three units: with two, correlation distances are exactly 0 or 2,
    ties that roundoff in the pair-by-pair oracle breaks at random.
    """
    n_stimuli = draw(st.integers(3, 12))
    units_a = draw(st.integers(3, 8))
    units_b = draw(st.integers(3, 8))
    scale = 2.0 ** draw(st.integers(-20, 20))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    A = scale * rng.normal(size=(n_stimuli, units_a))
    B = rng.normal(size=(n_stimuli, units_b)) + rng.normal()
    return A, B


@settings(max_examples=60, deadline=None)
@given(
    pair=representation_pairs(),
    metric=st.sampled_from(METRICS),
    compare=st.sampled_from(sorted(COMPARE)),
)
def test_rsa_matches_scipy_by_hand(pair, metric, compare):
    """RSA equals scipy.stats applied to upper triangles built pair by pair."""
    A, B = pair
    a = _upper_triangle_by_hand(A, metric)
    b = _upper_triangle_by_hand(B, metric)
    if compare == "cosine":
        degenerate = not (np.any(a) and np.any(b))
    else:
        degenerate = any(np.ptp(v) <= 1e-9 * np.max(np.abs(v)) for v in (a, b))
    if degenerate:
        # A correlation of a constant vector is undefined.
        with pytest.raises(ValueError, match="undefined"):
            rsa(A, B, rdm_metric=metric, compare=compare)
        return
    expected = COMPARE[compare](a, b)
    result = rsa(A, B, rdm_metric=metric, compare=compare)
    assert result == pytest.approx(expected, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    n_stimuli=st.integers(3, 30),
    n_levels=st.integers(2, 4),
    seed=st.integers(0, 2**32 - 1),
    compare=st.sampled_from(["spearman", "kendall"]),
)
def test_rsa_rank_comparisons_with_ties(n_stimuli, n_levels, seed, compare):
    """Rank comparisons of RDMs with exact ties match scipy's tie handling."""
    rng = np.random.default_rng(seed)
    n_pairs = n_stimuli * (n_stimuli - 1) // 2
    a = rng.integers(0, n_levels, size=n_pairs).astype(float)
    b = rng.integers(0, n_levels, size=n_pairs).astype(float)
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        with pytest.raises(ValueError, match="undefined"):
            rsa(a, b, rdm_metric="precomputed", compare=compare)
        return
    expected = COMPARE[compare](a, b)
    assert rsa(a, b, rdm_metric="precomputed", compare=compare) == pytest.approx(
        expected, abs=1e-12
    )


def test_rsa_categorical_model_ties_survive_roundoff():
    """Correlation RDMs of one-hot patterns compare as exactly tied values."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 6, size=60)
    model = np.eye(6)[labels] * rng.choice([1.0, 3.0], size=(60, 1))
    H = rng.normal(size=(60, 5))
    exact = (labels[:, None] != labels[None, :]).astype(float)
    rows, cols = np.triu_indices(60, k=1)
    expected = spearmanr(exact[rows, cols], compute_rdm(H, condensed=True)).statistic
    assert rsa(model, H) == pytest.approx(expected, abs=1e-12)


def test_rsa_accepts_square_and_condensed_rdms():
    """Square RDMs, condensed RDMs and representations give one result."""
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(9, 4)), rng.normal(size=(9, 6))
    square_a, square_b = compute_rdm(A), compute_rdm(B)
    condensed_a = compute_rdm(A, condensed=True)
    direct = rsa(A, B)
    assert rsa(square_a, square_b, rdm_metric="precomputed") == pytest.approx(direct)
    assert rsa(condensed_a, square_b, rdm_metric="precomputed") == pytest.approx(direct)


def test_rsa_rotation_invariant_for_euclidean():
    """Rotating the units leaves a Euclidean RSA at one."""
    rng = np.random.default_rng(2)
    H = rng.normal(size=(15, 5))
    Q, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    result = rsa(H, H @ Q, rdm_metric="euclidean", compare="pearson")
    assert result == pytest.approx(1.0, abs=1e-12)


def test_rsa_shared_nan_pairs_are_dropped():
    """Pairs that are NaN in both RDMs are left out of the comparison."""
    rng = np.random.default_rng(3)
    a, b = rng.random(10), rng.random(10)
    a_nan, b_nan = a.copy(), b.copy()
    a_nan[[2, 7]] = np.nan
    b_nan[[2, 7]] = np.nan
    keep = np.ones(10, dtype=bool)
    keep[[2, 7]] = False
    expected = pearsonr(a[keep], b[keep]).statistic
    result = rsa(a_nan, b_nan, rdm_metric="precomputed", compare="pearson")
    assert result == pytest.approx(expected)


def test_rsa_rejects_nan_in_different_positions():
    """RDMs with NaN in different pairs raise and name the first pair."""
    a, b = np.arange(1.0, 11.0), np.arange(1.0, 11.0) ** 2
    a[1] = np.nan
    b[4] = np.nan
    with pytest.raises(ValueError, match=r"NaN entries in different .*\(0, 2\)"):
        rsa(a, b, rdm_metric="precomputed")


def test_rsa_rejects_different_numbers_of_stimuli():
    """Representations of 6 and 7 stimuli raise."""
    rng = np.random.default_rng(4)
    with pytest.raises(ValueError, match="A describes 6 stimuli and B describes 7"):
        rsa(rng.normal(size=(6, 3)), rng.normal(size=(7, 3)))


def test_rsa_rejects_precomputed_of_different_sizes():
    """Precomputed RDMs over 5 and 4 stimuli raise."""
    with pytest.raises(ValueError, match="A describes 5 stimuli and B describes 4"):
        rsa(np.arange(10.0), np.arange(6.0), rdm_metric="precomputed")


def test_rsa_rejects_constant_pattern_with_correlation():
    """A silent stimulus (all units zero) raises under correlation distance."""
    rng = np.random.default_rng(5)
    A, B = rng.normal(size=(8, 4)), rng.normal(size=(8, 4))
    A[3] = 0.0
    with pytest.raises(ValueError, match=r"constant across units.*rows 3\b"):
        rsa(A, B)


def test_rsa_rejects_equal_nonzero_pattern_with_correlation():
    """A pattern with the same nonzero value in every unit raises too."""
    rng = np.random.default_rng(6)
    A = rng.normal(size=(8, 7))
    A[5] = 0.1
    with pytest.raises(ValueError, match="rdm_metric='euclidean'"):
        compute_rdm(A, metric="correlation")


def test_rsa_constant_pattern_allowed_with_euclidean():
    """Euclidean distance is defined for a silent stimulus."""
    rng = np.random.default_rng(7)
    A, B = rng.normal(size=(8, 4)), rng.normal(size=(8, 4))
    A[3] = 0.0
    result = rsa(A, B, rdm_metric="euclidean")
    assert np.isfinite(result)


def test_rsa_rejects_zero_pattern_with_cosine():
    """A zero pattern raises under cosine distance."""
    rng = np.random.default_rng(8)
    A = rng.normal(size=(8, 4))
    A[0] = 0.0
    with pytest.raises(ValueError, match="zero in every unit"):
        compute_rdm(A, metric="cosine")


def test_rsa_rejects_equidistant_stimuli():
    """All-equal dissimilarities make a correlation undefined and raise."""
    rng = np.random.default_rng(9)
    with pytest.raises(ValueError, match="undefined \\(zero variance\\)"):
        rsa(np.eye(5), rng.normal(size=(5, 3)), rdm_metric="euclidean")


def test_rsa_rejects_two_stimuli():
    """Two stimuli give one pair, too few to correlate."""
    with pytest.raises(ValueError, match="Only 1 stimulus pair"):
        rsa(np.eye(2), np.eye(2), rdm_metric="euclidean")


def test_rsa_rejects_asymmetric_rdm():
    """A square precomputed RDM that is not symmetric raises."""
    D = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.5, 3.0, 0.0]])
    with pytest.raises(ValueError, match=r"not symmetric: entry \(0, 2\)"):
        rsa(D, D.T.copy(), rdm_metric="precomputed")


def test_rsa_rejects_bad_condensed_length():
    """A vector whose length is not n (n - 1) / 2 raises."""
    with pytest.raises(ValueError, match="7 entries"):
        rsa(np.arange(7.0), np.arange(7.0), rdm_metric="precomputed")


def test_rsa_rejects_unknown_comparison():
    """An unknown compare option raises and lists the valid ones."""
    with pytest.raises(ValueError, match="'spearman'"):
        rsa(np.eye(3), np.eye(3), compare="mutual_information")


def test_compute_rdm_matches_pdist():
    """The Gram-matrix route agrees with scipy's pdist for its four metrics."""
    rng = np.random.default_rng(10)
    H = rng.normal(size=(30, 12)) * 1e3
    for metric in ["correlation", "cosine", "euclidean", "sqeuclidean"]:
        expected = distance.pdist(H, metric)
        result = compute_rdm(H, metric=metric, condensed=True)
        scale = np.max(np.abs(expected))
        np.testing.assert_allclose(result, expected, rtol=0, atol=1e-12 * scale)


def test_compute_rdm_passes_metric_params():
    """metric_params reach scipy, for instance the order of a Minkowski metric."""
    rng = np.random.default_rng(11)
    H = rng.normal(size=(6, 4))
    expected = distance.squareform(distance.pdist(H, "minkowski", p=3))
    result = compute_rdm(H, metric="minkowski", metric_params={"p": 3})
    np.testing.assert_allclose(result, expected)


def test_compute_rdm_rejects_nan_from_metric():
    """A metric that returns NaN (Bray-Curtis of two zero patterns) raises."""
    H = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.5]])
    with pytest.raises(ValueError, match=r"NaN or infinite for 1 pairs.*\(0, 1\)"):
        compute_rdm(H, metric="braycurtis")


def test_compute_rdm_rejects_infinite_from_metric():
    """A metric that returns infinity (Jensen-Shannon of a zero pattern) raises."""
    H = np.array([[0.2, 0.8], [0.0, 0.0], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"NaN or infinite for 2 pairs.*\(0, 1\)"):
        compute_rdm(H, metric="jensenshannon")


def test_compute_rsm_gram_and_correlation():
    """The Gram RSM is H H.T and the correlation RSM is numpy's corrcoef."""
    rng = np.random.default_rng(12)
    H = rng.normal(size=(7, 5))
    np.testing.assert_allclose(compute_rsm(H), H @ H.T)
    np.testing.assert_allclose(
        compute_rsm(H, similarity="correlation"), np.corrcoef(H), atol=1e-12
    )
    norms = np.linalg.norm(H, axis=1)
    cosine = H @ H.T / np.outer(norms, norms)
    np.testing.assert_allclose(compute_rsm(H, similarity="cosine"), cosine, atol=1e-12)
