"""Fits and predictions on dask arrays, for data larger than one machine's memory.

Each row chunk of the data is reduced to its :class:`SufficientStatistics`
(means and one triangular matrix of side n_features + n_outputs), and the
chunk statistics are merged pairwise in a tree, so each task reads at most
one chunk of the data. The merged statistics give the same network as
a numpy fit on the concatenated data, up to roundoff. Predictions and hidden
activity are lazy dask arrays with the row chunks of the input.

Works with any dask scheduler: the default threads, or a
``dask.distributed`` client when one is active.
"""

try:
    import dask
    import dask.array as da
except ImportError as error:
    raise ImportError(
        "Fitting on dask arrays needs the optional dependency dask. Install it "
        "with: pip install 'sklearn-dln[dask]'"
    ) from error

import numpy as np

from ._streaming import SufficientStatistics

__all__ = ["apply_affine_map", "dask_statistics"]


def dask_statistics(estimator, X, y, sample_weight, *, centred, reset):
    """Reduce dask training data to its sufficient statistics.

    Parameters
    ----------
    estimator : estimator
        Receives ``n_features_in_`` when ``reset`` is true; otherwise the
        number of features of X is checked against it.
    X : dask array of shape (n_samples, n_features)
    y : dask array or array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : dask array, array-like of shape (n_samples,) or None
    centred : bool
        Whether to centre the data (``fit_intercept``).
    reset : bool
        Whether this is the first data passed to the estimator.

    Returns
    -------
    statistics : SufficientStatistics or None
        None when every sample weight is zero.
    y_is_1d : bool

    Raises
    ------
    TypeError
        If X is a dask collection other than a dask array.
    ValueError
        If the shapes are invalid or unknown, the feature count differs from
        the fitted one, or a chunk contains non-finite values.
    """
    X = _check_dask_inputs(X)
    n_features = X.shape[1]
    if reset:
        estimator.n_features_in_ = n_features
        estimator.__dict__.pop("feature_names_in_", None)
    elif n_features != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_features} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input."
        )

    Y = da.asarray(y)
    if Y.ndim not in (1, 2):
        raise ValueError(f"y must be 1-D or 2-D, got an array of shape {Y.shape}.")
    y_is_1d = Y.ndim == 1
    if y_is_1d:
        Y = Y[:, np.newaxis]
    row_chunks = X.chunks[0]
    if Y.shape[0] != X.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} samples but y has {Y.shape[0]}; pass one target "
            f"row per sample."
        )
    Y = Y.rechunk((row_chunks, -1))

    if sample_weight is None:
        weight_blocks = [None] * len(row_chunks)
    else:
        weights = da.asarray(sample_weight)
        if weights.shape != (X.shape[0],):
            raise ValueError(
                f"sample_weight has shape {weights.shape}, expected "
                f"({X.shape[0]},): one weight per sample."
            )
        weight_blocks = list(weights.rechunk((row_chunks,)).to_delayed().ravel())

    x_blocks = X.to_delayed().ravel()
    y_blocks = Y.to_delayed().ravel()
    chunk_statistics = dask.delayed(_chunk_statistics, pure=True)
    merge = dask.delayed(_merge_statistics, pure=True)
    level = [
        chunk_statistics(x_block, y_block, w_block, centred)
        for x_block, y_block, w_block in zip(x_blocks, y_blocks, weight_blocks)
    ]
    while len(level) > 1:
        pairs = [merge(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            pairs.append(level[-1])
        level = pairs
    (statistics,) = dask.compute(level[0])
    return statistics, y_is_1d


def apply_affine_map(estimator, X, weight, offset):
    """Return the lazy dask array ``X @ weight + offset``, chunked like X's rows.

    ``weight`` has shape (n_features,) for a 1-D result or
    (n_features, n_columns).
    """
    X = _check_dask_inputs(X)
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input."
        )
    if weight.ndim == 1:
        return X.map_blocks(
            _affine_block, weight=weight, offset=offset, dtype=np.float64, drop_axis=1
        )
    return X.map_blocks(
        _affine_block,
        weight=weight,
        offset=offset,
        dtype=np.float64,
        chunks=(X.chunks[0], (weight.shape[1],)),
    )


def _check_dask_inputs(X):
    if not isinstance(X, da.Array):
        raise TypeError(
            f"Only dask arrays are supported among dask collections, got "
            f"{type(X).__name__}. Convert a dask DataFrame with "
            f".to_dask_array(lengths=True)."
        )
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got a dask array of shape {X.shape}.")
    if any(np.isnan(size) for sizes in X.chunks for size in sizes):
        raise ValueError(
            "X has unknown chunk sizes; call X.compute_chunk_sizes() first."
        )
    if not np.issubdtype(X.dtype, np.number):
        raise ValueError(f"X must be numeric, got dtype {X.dtype}.")
    # One chunk across the features, so each block contains whole rows.
    return X.rechunk({1: -1})


def _chunk_statistics(X, Y, sample_weight, centred):
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
        raise ValueError("X or y contains NaN or infinity in a dask chunk.")
    if X.dtype != np.float32:
        X = X.astype(np.float64, copy=False)
    Y = Y.astype(np.float64, copy=False)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        if np.any(sample_weight < 0):
            raise ValueError("sample_weight contains negative values.")
        if not np.any(sample_weight > 0):
            return None
    return SufficientStatistics.from_arrays(
        X, Y, sample_weight, centred=centred, single_thread=True
    )


def _merge_statistics(left, right):
    # A chunk whose weights are all zero contributes nothing.
    if left is None:
        return right
    if right is None:
        return left
    return left.merge(right)


def _affine_block(X_block, *, weight, offset):
    return X_block @ weight + offset
