"""Time the closed-form fits against LinearRegression and measure their memory.

Run from the repository root::

    python benchmarks/bench_fit.py                # 60,000 x 784 inputs, 10 outputs
    python benchmarks/bench_fit.py --n-samples 20000 --repeats 3

For each estimator it prints the median fit time over ``--repeats`` runs and
its ratio to the median of scikit-learn's LinearRegression on the same data.
The target ratio is at most 1.0, i.e. the whole two-layer network in no more
time than the end-to-end map alone. It also prints the peak memory traced by
``tracemalloc`` while the data and the fit are alive, as a multiple of the
size of X (target: under 3). Each estimator is measured in a fresh subprocess so one fit's freed
buffers do not hide another's peak.
"""

import argparse
import json
import subprocess
import sys
import time
import tracemalloc

import numpy as np

ESTIMATORS = ["LinearRegression", "GLSRegressor", "LSSRegressor", "MRNSRegressor", "MWNSRegressor"]


def _make_data(n_samples, n_features, n_outputs, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    B = rng.standard_normal((n_features, n_outputs)) / np.sqrt(n_features)
    Y = X @ B + 0.1 * rng.standard_normal((n_samples, n_outputs))
    return X, Y


def _estimator(name):
    if name == "LinearRegression":
        from sklearn.linear_model import LinearRegression

        return LinearRegression()
    import sklearn_dln

    return getattr(sklearn_dln, name)(random_state=0)


def measure(name, n_samples, n_features, n_outputs, repeats):
    """Return the fit times and the traced peak memory of one estimator."""
    estimator = _estimator(name)
    # A first fit on tiny data imports every module the fit uses, so the
    # traced peak below counts only the data and the fit's buffers.
    estimator.fit(*_make_data(50, 5, 2))

    tracemalloc.start()
    X, Y = _make_data(n_samples, n_features, n_outputs)

    tracemalloc.reset_peak()
    estimator.fit(X, Y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        estimator.fit(X, Y)
        seconds.append(time.perf_counter() - start)
    return {"seconds": seconds, "peak_bytes": peak, "x_bytes": X.nbytes}


def _run_in_subprocess(name, args):
    command = [
        sys.executable, __file__, "--worker", name,
        "--n-samples", str(args.n_samples), "--n-features", str(args.n_features),
        "--n-outputs", str(args.n_outputs), "--repeats", str(args.repeats),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(completed.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-samples", type=int, default=60_000)
    parser.add_argument("--n-features", type=int, default=784)
    parser.add_argument("--n-outputs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        result = measure(args.worker, args.n_samples, args.n_features, args.n_outputs, args.repeats)
        print(json.dumps(result))
        return

    print(
        f"fit on {args.n_samples:,} x {args.n_features} float64 inputs, "
        f"{args.n_outputs} outputs, median of {args.repeats} runs"
    )
    results = {name: _run_in_subprocess(name, args) for name in ESTIMATORS}
    baseline = float(np.median(results["LinearRegression"]["seconds"]))
    print(f"{'estimator':<18} {'median s':>9} {'ratio':>7} {'peak / size of X':>17}")
    for name, result in results.items():
        median = float(np.median(result["seconds"]))
        memory = result["peak_bytes"] / result["x_bytes"]
        print(f"{name:<18} {median:9.3f} {median / baseline:7.2f} {memory:17.2f}")


if __name__ == "__main__":
    main()
