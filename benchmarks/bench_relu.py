"""Time each function-preserving ReLU move on a 784-1024-10 network.

The network is a scikit-learn MLPClassifier with Gaussian random weights
(variance 2 / fan_in) and ten classes. The training inputs are
``--n-samples`` random 28 x 28 images whose ink lies in the central 24 x 24
square. So 208 of the 784 pixels are blank in every image, and the
input-null move has a 208-dimensional subspace to act on. Each move is applied
once untimed and then ``--repeats`` times with
:func:`~sklearn_dln.relu.apply_relu_move`. The first call of a process pays
one-time costs (OpenBLAS's buffers, the first page faults of new memory), so
its time is printed in a column of its own. The script prints the median
wall time of the timed calls and the largest change of any class
probability on the training inputs, and, for every move but input-null
(which keeps the function on the span of the training inputs only), on
random full 28 x 28 images as well. For the RSM target it also prints the
precision of the fit's products and how far the reported match and
residual lie from a direct float64 computation on the moved network. The
RSM target is timed twice, first with the RSM of the class labels. The
second target is the RSM of 1,000 random Gaussian patterns of 1,000
features. It is unrelated to the layer and drives most units to the lower
bound of their factor.

Run with ``python benchmarks/bench_relu.py``; the machine should be otherwise
idle, because other processes on the same cores inflate the times.
"""

import argparse
import os
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sklearn_dln.relu import apply_relu_move, hidden_activity

TARGET_MS = 50.0
N_FEATURES = 784
N_HIDDEN = 1024
N_CLASSES = 10


def make_inputs(n_samples, rng):
    """Return images with ink only in the central 24 x 24 pixels, and full images."""
    images = np.zeros((n_samples, 28, 28))
    images[:, 2:26, 2:26] = rng.random((n_samples, 24, 24))
    full = rng.random((200, N_FEATURES))
    return images.reshape(n_samples, N_FEATURES), full


def make_network(X, rng):
    """Return a fitted 784-1024-10 MLPClassifier with Gaussian random weights."""
    labels = np.arange(X.shape[0]) % N_CLASSES
    mlp = MLPClassifier((N_HIDDEN,), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X[:100], labels[:100])
    for i, coef in enumerate(mlp.coefs_):
        mlp.coefs_[i] = rng.standard_normal(coef.shape) * np.sqrt(2.0 / coef.shape[0])
        mlp.intercepts_[i] = 0.1 * rng.standard_normal(coef.shape[1])
    return mlp, labels


def move_settings(X, labels):
    """Return the keyword arguments of each timed move."""
    one_hot = np.eye(N_CLASSES)[labels]
    patterns = np.random.default_rng(1).standard_normal((X.shape[0], 1000))
    return {
        "permute": {"method": "permute"},
        "scale": {"method": "scale", "scale": 0.5},
        "nuisance": {"method": "nuisance", "n_units": N_HIDDEN},
        "duplicate": {"method": "duplicate", "n_copies": 2},
        "input_null": {"method": "input_null"},
        "target (activity)": {"method": "target", "target": one_hot},
        "target (RSM)": {"method": "target", "target": {"rsm": one_hot @ one_hot.T}},
        "target (RSM, random)": {
            "method": "target",
            "target": {"rsm": patterns @ patterns.T},
        },
    }


def bench_move(mlp, X, full, settings, repeats):
    """Return the seconds of the first call, the median seconds of the timed calls,
    and the largest probability change on X and on full images."""
    start = time.perf_counter()
    apply_relu_move(mlp, X=X, random_state=repeats, **settings)
    first = time.perf_counter() - start

    seconds = []
    for repeat in range(repeats):
        start = time.perf_counter()
        moved, _ = apply_relu_move(mlp, X=X, random_state=repeat, **settings)
        seconds.append(time.perf_counter() - start)
    change_train = np.abs(moved.predict_proba(X) - mlp.predict_proba(X)).max()
    change_full = np.abs(moved.predict_proba(full) - mlp.predict_proba(full)).max()
    return first, float(np.median(seconds)), float(change_train), float(change_full)


def rsm_check(mlp, X, rsm):
    """Return the fit's dtype and the errors of its reported match and residual."""
    moved, info = apply_relu_move(mlp, X=X, method="target", target={"rsm": rsm})
    H = hidden_activity(moved, X)
    achieved = H @ H.T
    upper = np.triu_indices(X.shape[0], 1)
    match = np.corrcoef(achieved[upper], rsm[upper])[0, 1]
    residual = np.linalg.norm(achieved - rsm) / np.linalg.norm(rsm)
    return (
        info["rsm_dtype"],
        abs(info["rsm_match"] - match),
        abs(info["rsm_residual"] - residual) / residual,
    )


def time_after_matmul(mlp, X, settings, repeats):
    """Return the median seconds of a move started right after a numpy matrix product.

    numpy's and scipy's bundled OpenBLAS copies keep their own worker
    threads. After numpy's product its workers spin for a while and compete
    with the scipy products of the move.
    """
    A = np.random.default_rng(0).random((1000, 1000))
    seconds = []
    for repeat in range(repeats):
        A @ A
        start = time.perf_counter()
        apply_relu_move(mlp, X=X, random_state=repeat, **settings)
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds))


def time_reference_product(repeats):
    """Return the median seconds of a float32 1000 x 784 by 784 x 1024 product.

    This is the size of the forward pass in the RSM target. On a shared
    machine its time shows how fast the machine runs at the moment.
    """
    rng = np.random.default_rng(0)
    A = rng.random((1000, N_FEATURES), dtype=np.float32)
    B = rng.random((N_FEATURES, N_HIDDEN), dtype=np.float32)
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        A @ B
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=1000,
                        help="number of training images (default: 1000)")
    parser.add_argument("--repeats", type=int, default=7,
                        help="timed applications of each move (default: 7)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    X, full = make_inputs(args.n_samples, rng)
    mlp, labels = make_network(X, rng)
    print(
        f"{N_FEATURES}-{N_HIDDEN}-{N_CLASSES} MLPClassifier, {args.n_samples} training "
        f"images, {args.repeats} repeats, {os.cpu_count()} CPUs; a float32 "
        f"1000x{N_FEATURES} by {N_FEATURES}x{N_HIDDEN} product takes "
        f"{time_reference_product(5 * args.repeats) * 1e3:.1f} ms"
    )
    print(f"{'move':<21} {'first ms':>9} {'median ms':>10} {'target ms':>10} "
          f"{'max change (train)':>19} {'max change (full)':>18}")
    for name, settings in move_settings(X, labels).items():
        first, median, change_train, change_full = bench_move(
            mlp, X, full, settings, args.repeats
        )
        verdict = "ok" if median * 1e3 <= TARGET_MS else "SLOW"
        full_text = "off span" if name == "input_null" else f"{change_full:.1e}"
        print(f"{name:<21} {first * 1e3:9.1f} {median * 1e3:10.1f} {TARGET_MS:10.0f} "
              f"{change_train:19.1e} {full_text:>18}  {verdict}")

    dtype, match_error, residual_error = rsm_check(
        mlp, X, move_settings(X, labels)["target (RSM)"]["target"]["rsm"]
    )
    print(f"RSM target: {dtype} products; reported match off by {match_error:.1e}, "
          f"residual by a relative {residual_error:.1e} from float64 on the moved network")
    after = time_after_matmul(mlp, X, move_settings(X, labels)["target (RSM)"], args.repeats)
    print(f"RSM target started right after a 1000 x 1000 numpy product: "
          f"{after * 1e3:.1f} ms (median)")


if __name__ == "__main__":
    main()
