"""Time large batch, streamed and dask fits, and the memory of a streamed fit.

Run from the repository root::

    python benchmarks/bench_scale.py                 # all three parts
    python benchmarks/bench_scale.py --part a --repeats 5
    python benchmarks/bench_scale.py --part b --part c

Part a fits the four solution types, and the MRNS and MWNS with a penalty,
on 60,000 x 784 inputs with 10 outputs (the shape of MNIST). It prints each
median fit time and its ratio to the median of scikit-learn's
LinearRegression on the same data. The targets are a ratio of at most 1.0,
and at most 3.0 for the penalised MWNS, whose solver iterates.

Part b streams 1,000,000 x 200 inputs with 10 outputs through
``MWNSRegressor.partial_fit`` in chunks of 10,000 rows, in a fresh
subprocess. It prints the time and the peak resident memory of that process,
interpreter and libraries included (target: at most 300 MB).

Part c fits the same data as a dask array on a ``dask.distributed``
LocalCluster with 2 worker processes bound to 127.0.0.1, and prints the time
and the relative difference to the network of part b.

The data are generated chunk by chunk from a seed per chunk, so no part ever
has the million-row matrix in memory and parts b and c see identical numbers. The
inputs of part a have a power-law spectrum (singular values proportional to
1/i, like natural images), which makes the penalised MWNS solver take
hundreds of iterations where white noise would take a dozen.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc

import numpy as np

SEED = 0


def make_image_like_task(n_samples, n_features, n_outputs, seed=SEED):
    """Return inputs with singular values ~ 1/i and one-hot class targets."""
    rng = np.random.default_rng(seed)
    rotation, _ = np.linalg.qr(rng.standard_normal((n_features, n_features)))
    scales = 1.0 / np.arange(1, n_features + 1)
    X = (rng.standard_normal((n_samples, n_features)) * scales) @ rotation.T
    readout = rng.standard_normal((n_features, n_outputs))
    scores = X @ readout
    scores += 0.5 * scores.std() * rng.standard_normal(scores.shape)
    Y = np.eye(n_outputs)[np.argmax(scores, axis=1)]
    return X, Y


def make_stream_chunk(index, n_rows, n_features, n_outputs, seed=SEED):
    """Return chunk ``index`` of the streamed task: inputs and noisy targets.

    Every chunk is drawn from its own generator, so a chunk is the same
    whichever process makes it and in whatever order.
    """
    shared = np.random.default_rng(seed)
    offsets = shared.normal(scale=5.0, size=n_features)
    scales = shared.uniform(0.1, 10.0, size=n_features)
    readout = shared.standard_normal((n_features, n_outputs)) / np.sqrt(n_features)

    rng = np.random.default_rng([seed, index])
    # In place, so the generator adds no temporaries of the chunk's size.
    X = rng.standard_normal((n_rows, n_features))
    X *= scales
    X += offsets
    Y = X @ readout + 0.1 * rng.standard_normal((n_rows, n_outputs))
    return X, Y


def _estimator_factories(alpha_mrns, alpha_mwns):
    from sklearn.linear_model import LinearRegression

    from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor

    return {
        "LinearRegression": LinearRegression,
        "GLSRegressor": lambda: GLSRegressor(random_state=0),
        "LSSRegressor": lambda: LSSRegressor(random_state=0),
        "MRNSRegressor": lambda: MRNSRegressor(random_state=0),
        "MWNSRegressor": lambda: MWNSRegressor(random_state=0),
        f"MRNSRegressor(alpha={alpha_mrns:g})": lambda: MRNSRegressor(
            alpha=alpha_mrns, random_state=0
        ),
        f"MWNSRegressor(alpha={alpha_mwns:g})": lambda: MWNSRegressor(
            alpha=alpha_mwns, random_state=0
        ),
    }


def run_batch(args):
    """Part a: median fit times of every estimator and their ratio to OLS."""
    X, Y = make_image_like_task(
        args.batch_samples, args.batch_features, args.n_outputs
    )
    factories = _estimator_factories(args.alpha_mrns, args.alpha_mwns)
    seconds = {name: [] for name in factories}
    details = {}
    # Rounds interleave the estimators, so a slow spell of the machine
    # spreads over all of them instead of hitting one.
    for _ in range(args.repeats):
        for name, factory in factories.items():
            model = factory()
            start = time.perf_counter()
            model.fit(X, Y)
            seconds[name].append(time.perf_counter() - start)
            if name != "LinearRegression":
                details[name] = {
                    "n_iter": getattr(model, "n_iter_", ""),
                    "rank": model.rank_,
                }

    baseline = float(np.median(seconds["LinearRegression"]))
    print(
        f"a) batch fit, {args.batch_samples:,} x {args.batch_features} inputs "
        f"(singular values ~ 1/i), {args.n_outputs} one-hot outputs, "
        f"median of {args.repeats}"
    )
    print(
        f"   {'estimator':<28} {'median s':>9} {'ratio':>6} {'rank_':>6} "
        f"{'n_iter_':>8}"
    )
    for name, values in seconds.items():
        median = float(np.median(values))
        detail = details.get(name, {"rank": "", "n_iter": ""})
        print(
            f"   {name:<28} {median:9.2f} {median / baseline:6.2f} "
            f"{detail['rank']:>6} {detail['n_iter']:>8}"
        )


def peak_rss_bytes():
    """Return the peak resident set size of this process.

    Linux's ``VmHWM`` starts afresh at ``exec``, whereas ``ru_maxrss`` keeps
    the peak of the parent process, which would count part a's data here.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    # Elsewhere fall back to ru_maxrss, in kilobytes on Linux and bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def stream_worker(args):
    """Part b body, run in a fresh subprocess: stream chunks through partial_fit."""
    from sklearn_dln import MWNSRegressor

    baseline_rss = peak_rss_bytes()
    n_chunks = args.stream_samples // args.chunk_rows
    tracemalloc.start()

    generation = 0.0
    start = time.perf_counter()
    model = MWNSRegressor(random_state=0)
    for index in range(n_chunks):
        tick = time.perf_counter()
        X, Y = make_stream_chunk(
            index, args.chunk_rows, args.stream_features, args.n_outputs
        )
        generation += time.perf_counter() - tick
        model.partial_fit(X, Y)
    elapsed = time.perf_counter() - start

    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_rss = peak_rss_bytes()
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "generation_seconds": generation,
                "peak_rss_bytes": peak_rss,
                "rss_after_imports_bytes": baseline_rss,
                "traced_peak_bytes": traced_peak,
                "coef": model.coef_.tolist(),
                "intercept": model.intercept_.tolist(),
            }
        )
    )


def run_stream(args):
    """Part b: run the streaming worker in a fresh process and report it."""
    command = [sys.executable, __file__, "--stream-worker", *_size_arguments(args)]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    result = json.loads(completed.stdout)
    megabyte = 1e6
    print(
        f"b) partial_fit, {args.stream_samples:,} x {args.stream_features} inputs, "
        f"{args.n_outputs} outputs, chunks of {args.chunk_rows:,} rows, fresh process"
    )
    print(
        f"   time {result['seconds']:.1f} s (of which generating the data "
        f"{result['generation_seconds']:.1f} s)"
    )
    print(
        f"   peak RSS {result['peak_rss_bytes'] / megabyte:.0f} MB "
        f"(after imports {result['rss_after_imports_bytes'] / megabyte:.0f} MB), "
        f"peak traced by tracemalloc {result['traced_peak_bytes'] / megabyte:.0f} MB; "
        f"the whole X would be "
        f"{args.stream_samples * args.stream_features * 8 / megabyte:.0f} MB"
    )
    return result


def run_dask(args, streamed):
    """Part c: fit the streamed data as a dask array on a two-worker cluster."""
    import dask
    import dask.array as da
    from distributed import Client, LocalCluster

    from sklearn_dln import MWNSRegressor

    n_chunks = args.stream_samples // args.chunk_rows
    chunk_shape_x = (args.chunk_rows, args.stream_features)
    chunk_shape_y = (args.chunk_rows, args.n_outputs)
    make_chunk = dask.delayed(make_stream_chunk, nout=2, pure=True)
    x_blocks, y_blocks = [], []
    for index in range(n_chunks):
        X_chunk, Y_chunk = make_chunk(
            index, args.chunk_rows, args.stream_features, args.n_outputs
        )
        x_blocks.append(da.from_delayed(X_chunk, chunk_shape_x, dtype=np.float64))
        y_blocks.append(da.from_delayed(Y_chunk, chunk_shape_y, dtype=np.float64))
    X = da.concatenate(x_blocks)
    Y = da.concatenate(y_blocks)

    with LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, Client(cluster):
        start = time.perf_counter()
        model = MWNSRegressor(random_state=0).fit(X, Y)
        elapsed = time.perf_counter() - start

    print(
        f"c) dask fit of the same data on a LocalCluster with {args.workers} "
        f"worker processes (1 thread each, 127.0.0.1)"
    )
    print(f"   time {elapsed:.1f} s, data generated inside the workers")
    if streamed is not None:
        coef = np.asarray(streamed["coef"])
        intercept = np.asarray(streamed["intercept"])
        coef_error = np.linalg.norm(model.coef_ - coef) / np.linalg.norm(coef)
        intercept_error = np.linalg.norm(model.intercept_ - intercept)
        intercept_error /= np.linalg.norm(intercept)
        print(
            f"   relative difference to b: coef_ {coef_error:.1e}, "
            f"intercept_ {intercept_error:.1e} (target at most 1e-9)"
        )


def _size_arguments(args):
    return [
        f"--stream-samples={args.stream_samples}",
        f"--stream-features={args.stream_features}",
        f"--chunk-rows={args.chunk_rows}",
        f"--n-outputs={args.n_outputs}",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--part",
        action="append",
        choices=["a", "b", "c"],
        help="part to run; repeat the option for several (default: all)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs per estimator in part a"
    )
    parser.add_argument("--batch-samples", type=int, default=60_000)
    parser.add_argument("--batch-features", type=int, default=784)
    parser.add_argument("--n-outputs", type=int, default=10)
    parser.add_argument(
        "--alpha-mrns", type=float, default=1e-4, help="MRNS penalty in part a"
    )
    parser.add_argument(
        "--alpha-mwns", type=float, default=1e-4, help="MWNS penalty in part a"
    )
    parser.add_argument("--stream-samples", type=int, default=1_000_000)
    parser.add_argument("--stream-features", type=int, default=200)
    parser.add_argument("--chunk-rows", type=int, default=10_000)
    parser.add_argument(
        "--workers", type=int, default=2, help="dask workers in part c"
    )
    parser.add_argument("--stream-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.stream_worker:
        stream_worker(args)
        return

    parts = args.part or ["a", "b", "c"]
    print("reproduce: python " + " ".join(sys.argv))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"numpy {np.__version__}; 1-minute load average at start "
        f"{os.getloadavg()[0]:.2f}"
    )
    if "a" in parts:
        run_batch(args)
    streamed = run_stream(args) if "b" in parts else None
    if "c" in parts:
        run_dask(args, streamed)
    print(f"1-minute load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
