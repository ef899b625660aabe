"""Representational similarity and dissimilarity matrices, and their comparison.

A representation is an array of shape (n_stimuli, n_units): one activity
pattern per row. Its representational dissimilarity matrix (RDM) contains a
distance between every pair of patterns. Representational similarity analysis
(RSA) correlates the strict upper triangles of two RDMs.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.spatial import distance
from scipy.spatial.distance import pdist, squareform
from scipy.stats import kendalltau, pearsonr
from sklearn.metrics.pairwise import cosine_distances, euclidean_distances
from sklearn.utils import check_array

from ..utils._validation import StrOptions, validate_params

__all__ = ["COMPARISONS", "RDM_METRICS", "compute_rdm", "compute_rsm", "rsa"]

# Metrics that scipy.spatial.distance.pdist accepts by name. Each has a
# function of the same name in scipy.spatial.distance, which filters out the
# names a given scipy release has removed.
_PDIST_CANDIDATES = (
    "braycurtis",
    "canberra",
    "chebyshev",
    "cityblock",
    "correlation",
    "cosine",
    "dice",
    "euclidean",
    "hamming",
    "jaccard",
    "jensenshannon",
    "mahalanobis",
    "minkowski",
    "rogerstanimoto",
    "russellrao",
    "seuclidean",
    "sokalsneath",
    "sqeuclidean",
    "yule",
)
RDM_METRICS = tuple(
    name for name in _PDIST_CANDIDATES if callable(getattr(distance, name, None))
)

# These four go through BLAS (Gram-matrix identity) in scikit-learn's pairwise
# functions, several times faster than pdist on wide representations.
_GRAM_METRICS = frozenset({"euclidean", "sqeuclidean", "cosine", "correlation"})

COMPARISONS = ("pearson", "spearman", "kendall", "cosine")

# Relative tolerance below which two dissimilarities count as equal: the
# Spearman and Kendall comparisons treat them as ties, and a vector whose
# range is below it counts as constant. Distances computed in float64 carry
# relative errors near 1e-15; genuinely different values of a continuous
# representation are rarely closer than 1e-12, and merging such a pair
# changes a correlation by far less than that.
_TIE_RTOL = 1e-12

# Vectors at least this long are ranked in two threads (one per vector).
_THREADED_RANKING_SIZE = 2**16
SIMILARITIES = ("gram", "cosine", "correlation")


def _check_representation(H, name):
    return check_array(H, dtype=np.float64, ensure_min_samples=2, input_name=name)


def _degenerate_patterns(H, metric):
    """Return the rows of ``H`` on which ``metric`` is undefined.

    Correlation distance divides by the standard deviation of each pattern and
    cosine distance by its norm. A pattern counts as constant (or zero) when
    that quantity is below ``n_units * eps`` times the pattern's own norm, so
    that roundoff in the mean of identical values is not mistaken for signal.
    """
    norms = np.linalg.norm(H, axis=1)
    if metric == "correlation":
        spread = np.linalg.norm(H - H.mean(axis=1, keepdims=True), axis=1)
        return np.flatnonzero(spread <= H.shape[1] * np.finfo(np.float64).eps * norms)
    return np.flatnonzero(norms <= H.shape[1] * np.finfo(np.float64).eps * norms.max())


def _reject_degenerate_patterns(H, metric, name):
    if metric not in ("correlation", "cosine"):
        return
    rows = _degenerate_patterns(H, metric)
    if rows.size == 0:
        return
    shown = ", ".join(str(i) for i in rows[:10]) + (", ..." if rows.size > 10 else "")
    if metric == "correlation":
        what = "constant across units (for instance all units silent)"
        why = "correlation distance divides by the pattern's standard deviation"
    else:
        what = "zero in every unit"
        why = "cosine distance divides by the pattern's norm"
    raise ValueError(
        f"{name} has {rows.size} stimuli whose activity pattern is {what}: rows "
        f"{shown}. The {metric} distance to such a pattern is undefined because "
        f"{why}. Drop those stimuli, or use rdm_metric='euclidean', which is "
        f"defined for every pattern."
    )


def _condensed_rdm(H, metric, metric_params, name):
    """Return the condensed RDM of ``H`` (pairs i < j in row-major order)."""
    _reject_degenerate_patterns(H, metric, name)
    if metric in _GRAM_METRICS and not metric_params:
        if metric == "correlation":
            # Correlation distance is the cosine distance of the patterns after
            # each is centred across its units.
            D = cosine_distances(H - H.mean(axis=1, keepdims=True))
        elif metric == "cosine":
            D = cosine_distances(H)
        else:
            D = euclidean_distances(H, squared=metric == "sqeuclidean")
        return squareform(D, checks=False)

    condensed = pdist(H, metric=metric, **(metric_params or {}))
    invalid = ~np.isfinite(condensed)
    if invalid.any():
        i, j = _pair_of_condensed_index(np.flatnonzero(invalid)[0], len(H))
        raise ValueError(
            f"The {metric} distance of {name} is NaN or infinite for "
            f"{invalid.sum()} pairs of stimuli, first ({i}, {j}): those patterns "
            f"lie outside the domain of the metric. Drop them or choose another "
            f"rdm_metric."
        )
    return condensed


def _pair_of_condensed_index(index, n_stimuli):
    rows, cols = np.triu_indices(n_stimuli, k=1)
    return int(rows[index]), int(cols[index])


@validate_params(
    {
        "H": ["array-like"],
        "metric": [StrOptions(set(RDM_METRICS)), callable],
        "metric_params": [dict, None],
        "condensed": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def compute_rdm(H, *, metric="correlation", metric_params=None, condensed=False):
    """Compute the representational dissimilarity matrix of a representation.

    Parameters
    ----------
    H : array-like of shape (n_stimuli, n_units)
        One activity pattern per row, for instance the hidden activity
        ``hidden_representation_`` of a fitted network or recorded responses.
    metric : str or callable, default="correlation"
        Any metric of :func:`scipy.spatial.distance.pdist`. ``"correlation"``
        (one minus the Pearson correlation between two patterns) is the usual
        choice in neuroscience. Braun, Grant & Saxe (ICML 2025, Figure 4) used
        ``"euclidean"``.
    metric_params : dict or None, default=None
        Extra keyword arguments for the metric, such as ``{"p": 3}`` for
        ``"minkowski"``.
    condensed : bool, default=False
        Return the strict upper triangle as a vector of length
        ``n_stimuli * (n_stimuli - 1) / 2`` (the layout of ``pdist``) instead
        of the square matrix.

    Returns
    -------
    rdm : ndarray of shape (n_stimuli, n_stimuli) or (n_pairs,)
        Symmetric, with a zero diagonal.

    Raises
    ------
    ValueError
        If ``metric="correlation"`` and a pattern is constant across units
        (correlation distance is undefined there), if ``metric="cosine"`` and
        a pattern is zero, or if the metric returns NaN or infinity for any
        pair.

    See Also
    --------
    compute_rsm : Similarity matrix of a representation.
    rsa : Compare two representations through their RDMs.

    Notes
    -----
    With patterns :math:`h_i` as the rows of H, the correlation distance is

    .. math::

        d_{ij} = 1 - \\frac{(h_i - \\bar h_i)^\\top (h_j - \\bar h_j)}
                 {\\lVert h_i - \\bar h_i \\rVert \\, \\lVert h_j - \\bar h_j \\rVert},

    with :math:`\\bar h_i` the mean of pattern i across units. Euclidean,
    squared Euclidean, cosine and correlation distances are computed through
    the Gram matrix :math:`H H^\\top` with scikit-learn's
    :func:`~sklearn.metrics.pairwise.euclidean_distances` and
    :func:`~sklearn.metrics.pairwise.cosine_distances`; every other metric,
    and any metric with ``metric_params``, goes through ``pdist``. The Gram
    route has an absolute error of order ``eps`` times the squared pattern
    norms, so distances much smaller than the patterns themselves lose
    relative accuracy. When near-duplicate patterns must be resolved, compute
    the RDM with :func:`scipy.spatial.distance.pdist` and pass it to
    :func:`rsa` with ``rdm_metric="precomputed"``.

    Euclidean and cosine distances do not change when the units are rotated
    (``H -> H Q`` with Q orthogonal). Correlation distance does change,
    because it centres each pattern across units. Hidden units of a linear network are
    defined only up to such a rotation, so only rotation-invariant metrics
    give an RDM that is unique for the MRNS and MWNS of a task.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln.analysis import compute_rdm
    >>> H = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
    >>> compute_rdm(H, metric="euclidean", condensed=True).round(3)
    array([1.414, 2.236, 2.236])
    """
    H = _check_representation(H, "H")
    rdm = _condensed_rdm(H, metric, metric_params, "H")
    return rdm if condensed else squareform(rdm, checks=False)


@validate_params(
    {"H": ["array-like"], "similarity": [StrOptions(set(SIMILARITIES))]},
    prefer_skip_nested_validation=True,
)
def compute_rsm(H, *, similarity="gram"):
    """Compute the representational similarity matrix of a representation.

    Parameters
    ----------
    H : array-like of shape (n_stimuli, n_units)
        One activity pattern per row.
    similarity : {"gram", "cosine", "correlation"}, default="gram"
        ``"gram"`` is the uncentred Gram matrix ``H @ H.T``, the RSM of Braun,
        Grant & Saxe (2025), which is fixed by the task for the MRNS and MWNS.
        ``"cosine"`` and ``"correlation"`` are one minus the cosine and
        correlation distances of :func:`compute_rdm`, with ones on the
        diagonal.

    Returns
    -------
    rsm : ndarray of shape (n_stimuli, n_stimuli)
        Symmetric similarity matrix.

    Raises
    ------
    ValueError
        For ``"correlation"`` when a pattern is constant across units, and for
        ``"cosine"`` when a pattern is zero.

    See Also
    --------
    compute_rdm : Dissimilarity matrix of a representation.

    Notes
    -----
    The Gram matrix is not centred: with ``fit_intercept=True`` the
    estimators of this library centre the hidden activity of the training
    data, so ``H @ H.T`` of ``hidden_representation_`` is the RSM of the
    centred activity. The Gram RSM is invariant under rotations of the units
    but not under a shift of all patterns.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln.analysis import compute_rsm
    >>> H = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> compute_rsm(H)
    array([[1., 0.],
           [0., 4.]])
    """
    H = _check_representation(H, "H")
    if similarity == "gram":
        return H @ H.T
    rsm = 1.0 - squareform(_condensed_rdm(H, similarity, None, "H"), checks=False)
    np.fill_diagonal(rsm, 1.0)
    return rsm


def _check_precomputed(D, name):
    """Return the condensed vector of a square or condensed RDM (NaN allowed)."""
    D = check_array(
        D, dtype=np.float64, ensure_2d=False, ensure_all_finite="allow-nan",
        input_name=name,
    )
    if D.ndim == 1:
        n_stimuli = int(round((1 + np.sqrt(1 + 8 * D.shape[0])) / 2))
        if n_stimuli * (n_stimuli - 1) // 2 != D.shape[0]:
            raise ValueError(
                f"{name} is one-dimensional with {D.shape[0]} entries, which is "
                f"not n * (n - 1) / 2 for any number of stimuli n. Pass the "
                f"condensed upper triangle of an RDM (the layout of pdist) or "
                f"the square matrix."
            )
        return D, n_stimuli
    if D.ndim != 2 or D.shape[0] != D.shape[1]:
        raise ValueError(
            f"{name} has shape {D.shape}; with rdm_metric='precomputed' pass "
            f"square (n_stimuli, n_stimuli) matrices or condensed vectors."
        )
    both_nan = np.isnan(D) & np.isnan(D.T)
    asymmetric = ~both_nan & ~np.isclose(D, D.T, rtol=1e-10, atol=0.0)
    if asymmetric.any():
        i, j = np.argwhere(asymmetric)[0]
        raise ValueError(
            f"{name} is not symmetric: entry ({i}, {j}) is {D[i, j]!r} but "
            f"({j}, {i}) is {D[j, i]!r}. Pass a symmetric RDM, or the condensed "
            f"vector of the triangle you mean to compare."
        )
    return squareform(D, checks=False), D.shape[0]


def _drop_shared_nan(a, b, n_stimuli):
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    if np.array_equal(nan_a, nan_b):
        keep = ~nan_a
        return a[keep], b[keep]
    index = np.flatnonzero(nan_a != nan_b)[0]
    i, j = _pair_of_condensed_index(index, n_stimuli)
    raise ValueError(
        f"The two RDMs have NaN entries in different positions ({nan_a.sum()} "
        f"in the first, {nan_b.sum()} in the second; they first differ at "
        f"stimulus pair ({i}, {j})). Comparing them would use different pairs "
        f"for each. Set the same pairs to NaN in both, or drop the stimuli "
        f"involved."
    )


def _tied_ranks(values):
    """Return average ranks (1-based), counting near-equal values as ties.

    Values whose sorted neighbours differ by at most ``_TIE_RTOL`` times the
    largest magnitude join one tie group. Roundoff in computing distances
    otherwise breaks ties that are exact in exact arithmetic, for instance
    between the patterns of a categorical model, and changes rank statistics
    in the third or fourth digit.
    """
    order = np.argsort(values)
    ordered = values[order]
    tol = _TIE_RTOL * max(abs(ordered[0]), abs(ordered[-1]))
    starts = np.flatnonzero(np.r_[True, np.diff(ordered) > tol])
    stops = np.r_[starts[1:], values.shape[0]]
    ranks = np.empty(values.shape[0])
    ranks[order] = np.repeat((starts + stops + 1) / 2.0, stops - starts)
    return ranks


def _reject_constant(values, label, compare):
    if compare == "cosine":
        if not np.any(values):
            raise ValueError(
                f"All dissimilarities of the {label} input are zero, so their "
                f"cosine similarity with anything is undefined."
            )
        return
    if np.ptp(values) <= _TIE_RTOL * np.max(np.abs(values)):
        raise ValueError(
            f"All {values.shape[0]} dissimilarities of the {label} input equal "
            f"{float(values[0]):g} (to a relative {_TIE_RTOL:.0e}), so their {compare} "
            f"correlation is undefined (zero variance). This happens when every "
            f"stimulus has the same representation or all stimuli are "
            f"equidistant; use compare='cosine' if a comparison is still needed."
        )


def _compare_vectors(a, b, compare):
    """Compare two dissimilarity vectors, raising where the result is undefined."""
    if a.shape[0] < 2:
        raise ValueError(
            f"Only {a.shape[0]} stimulus pair is left to compare, so a "
            f"correlation is undefined. Use at least three stimuli, with fewer "
            f"NaN entries."
        )
    _reject_constant(a, "first", compare)
    _reject_constant(b, "second", compare)
    if compare == "pearson":
        return float(pearsonr(a, b).statistic)
    if compare == "cosine":
        return float(1.0 - distance.cosine(a, b))
    # Spearman's rho is the Pearson r of the average ranks; Kendall's tau-b
    # depends only on the order and the ties, which the ranks keep.
    if a.shape[0] >= _THREADED_RANKING_SIZE:
        # np.argsort releases the GIL, so two threads sort the vectors at once.
        with ThreadPoolExecutor(max_workers=2) as pool:
            ranks_a, ranks_b = pool.map(_tied_ranks, (a, b))
    else:
        ranks_a, ranks_b = _tied_ranks(a), _tied_ranks(b)
    if compare == "spearman":
        return float(pearsonr(ranks_a, ranks_b).statistic)
    # NOTE: scipy offers tau-b and tau-c only, so the tau-a that Nili et al.
    # (2014) recommend for model RDMs with many ties is not available.
    return float(kendalltau(ranks_a, ranks_b).statistic)


@validate_params(
    {
        "A": ["array-like"],
        "B": ["array-like"],
        "rdm_metric": [StrOptions(set(RDM_METRICS) | {"precomputed"}), callable],
        "compare": [StrOptions(set(COMPARISONS))],
        "metric_params": [dict, None],
    },
    prefer_skip_nested_validation=True,
)
def rsa(A, B, *, rdm_metric="correlation", compare="spearman", metric_params=None):
    """Compare two representations with representational similarity analysis.

    Builds the RDM of each representation over the same stimuli and compares
    their strict upper triangles.

    Parameters
    ----------
    A, B : array-like
        With a ``rdm_metric`` other than ``"precomputed"``: representations of
        shape (n_stimuli, n_units_A) and (n_stimuli, n_units_B), with rows in
        the same stimulus order. The numbers of units may differ. With
        ``rdm_metric="precomputed"``: two RDMs, each a symmetric square
        matrix of shape (n_stimuli, n_stimuli) or its condensed upper
        triangle. Two similarity matrices (RSMs) work too, as long as both
        inputs are of the same kind.
    rdm_metric : str or callable, default="correlation"
        Metric of :func:`compute_rdm`, or ``"precomputed"``. The default,
        correlation distance, follows Kriegeskorte, Mur & Bandettini (2008).
    compare : {"pearson", "spearman", "kendall", "cosine"}, default="spearman"
        How to compare the two vectors of dissimilarities:

        - ``"spearman"``: Spearman rank correlation, the usual choice when
          the two RDMs need only agree in the order of their dissimilarities.
        - ``"pearson"``: Pearson correlation, which assumes a linear relation;
          with ``rdm_metric="euclidean"`` this is the setting of the paper's
          Figure 4.
        - ``"kendall"``: Kendall's tau-b (:func:`scipy.stats.kendalltau`),
          which handles ties. Nili et al. (2014) recommend tau-a for model
          RDMs with many ties; tau-b is not the same statistic.
        - ``"cosine"``: cosine similarity of the uncentred vectors, which
          is defined for constant vectors too, as long as they are not zero.
    metric_params : dict or None, default=None
        Extra keyword arguments for the metric; see :func:`compute_rdm`.

    Returns
    -------
    similarity : float
        In [-1, 1].

    Raises
    ------
    ValueError
        If the inputs describe different numbers of stimuli, or if a pattern
        is constant (correlation distance) or zero (cosine distance). Also if
        precomputed RDMs have NaN entries in different positions or are not
        symmetric, and if all dissimilarities of one input are equal, so
        that a correlation is undefined.

    See Also
    --------
    compute_rdm : The RDM of one representation.
    linear_predictivity : Compare representations by linear regression.

    Notes
    -----
    With :math:`d^A, d^B` the vectors of dissimilarities of the pairs
    :math:`i < j` (the strict upper triangles), the Pearson comparison is

    .. math::

        r = \\frac{(d^A - \\bar d^A)^\\top (d^B - \\bar d^B)}
            {\\lVert d^A - \\bar d^A \\rVert \\, \\lVert d^B - \\bar d^B \\rVert},

    Spearman's rho is the Pearson r of the ranks (ties get their average
    rank), and the cosine comparison omits the centring. The diagonal never
    enters. Spearman and Kendall count dissimilarities that agree to a
    relative 1e-12 of the largest one as ties: roundoff in computing
    distances would otherwise break ties that are exact in exact arithmetic,
    as between the patterns of a categorical model. For the same reason a
    vector whose range is below that tolerance counts as constant.

    Precomputed RDMs may contain NaN for pairs that were not measured. Pairs
    that are NaN in both inputs are left out; NaN in different positions
    raise, because each vector would then be compared on a different set of
    pairs.

    RSA compares geometry, not function. Braun, Grant & Saxe (2025) show that
    networks computing the same function can have RDMs with low RSA (general
    and least-squares solutions can have almost any representation), and
    that even the two task-specific solutions (MRNS and MWNS) of one task
    have RSA below one unless the inputs are whitened. Only rotation-invariant
    metrics (Euclidean, squared Euclidean, cosine) make the RDM of a linear
    network independent of the arbitrary rotation of its hidden units.

    References
    ----------
    .. [1] N. Kriegeskorte, M. Mur and P. Bandettini, "Representational
       similarity analysis - connecting the branches of systems
       neuroscience", Frontiers in Systems Neuroscience 2:4, 2008.
    .. [2] H. Nili et al., "A toolbox for representational similarity
       analysis", PLoS Computational Biology 10(4):e1003553, 2014.
    .. [3] L. Braun, E. Grant and A. M. Saxe, "Not all solutions are created
       equal: An analytical dissociation of functional and representational
       similarity in deep linear neural networks", ICML 2025.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln.analysis import rsa
    >>> rng = np.random.default_rng(0)
    >>> H = rng.normal(size=(10, 4))
    >>> Q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    >>> round(rsa(H, H @ Q, rdm_metric="euclidean", compare="pearson"), 6)
    1.0

    For RSA between the four solution types of one task, see
    :ref:`sphx_glr_auto_examples_plot_rsa_and_predictivity.py`.
    """
    if rdm_metric == "precomputed":
        a, n_a = _check_precomputed(A, "A")
        b, n_b = _check_precomputed(B, "B")
    else:
        A = _check_representation(A, "A")
        B = _check_representation(B, "B")
        n_a, n_b = A.shape[0], B.shape[0]
    if n_a != n_b:
        raise ValueError(
            f"A describes {n_a} stimuli and B describes {n_b}; RSA compares "
            f"representations of the same stimuli. Pass rows for the same "
            f"stimuli, in the same order, in both."
        )
    if rdm_metric != "precomputed":
        a = _condensed_rdm(A, rdm_metric, metric_params, "A")
        b = _condensed_rdm(B, rdm_metric, metric_params, "B")
    a, b = _drop_shared_nan(a, b, n_a)
    return _compare_vectors(a, b, compare)

