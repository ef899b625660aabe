"""Time exact random walks on the four regions of the solution manifold.

For each network size (n_features, n_hidden, n_outputs, n_samples) and each
region, fit the region's closed-form estimator once on Gaussian data, then
run ``--walks`` walks of ``--steps`` steps with
:class:`~sklearn_dln.transformers.ManifoldWalker` on the fitted estimator
(``prefit=True``, default ``record="hidden"``) and print the median wall time
per step. A second, untimed run of every walk with ``record="weights"``
checks that every step lies on its region: the residuals and excess norms of
:func:`~sklearn_dln.linear._moves.region_residuals` must stay at most
``--tolerance``.

Run with ``python benchmarks/bench_walk.py``; the machine should be otherwise
idle, because other processes on the same cores inflate the times.
"""

import argparse
import os
import time

import numpy as np

from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.linear._moves import region_residuals
from sklearn_dln.transformers import ManifoldWalker

ESTIMATORS = {
    "gls": GLSRegressor,
    "lss": LSSRegressor,
    "mrns": MRNSRegressor,
    "mwns": MWNSRegressor,
}

# (n_features, n_hidden, n_outputs, n_samples) -> microseconds per step allowed.
TARGETS = {
    (6, 16, 2, 4): {"gls": 10, "lss": 10, "mrns": 10, "mwns": 10},
    (50, 100, 10, 200): {"gls": 200, "lss": 200, "mrns": 100, "mwns": 100},
}

# Regions whose membership a walk on the given region must keep.
KEPT_REGIONS = {
    "gls": ("gls",),
    "lss": ("gls", "lss"),
    "mrns": ("gls", "lss", "mrns"),
    "mwns": ("gls", "lss", "mwns"),
}


def _task(size, seed):
    n_features, _, n_outputs, n_samples = size
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    Y = X @ rng.standard_normal((n_features, n_outputs))
    Y += 0.1 * rng.standard_normal((n_samples, n_outputs))
    return X, Y


def _worst_residual(walker, region):
    task = walker.estimator_.decomposition_
    W1 = np.swapaxes(walker.coefs_path_[0], -1, -2)
    W2 = np.swapaxes(walker.coefs_path_[1], -1, -2)
    residuals = region_residuals(task, W1, W2)
    return max(float(np.max(np.abs(residuals[name]))) for name in KEPT_REGIONS[region])


def bench_region(size, region, n_walks, n_steps, seed):
    """Return (median seconds per step, worst residual over all steps)."""
    X, Y = _task(size, seed)
    estimator = ESTIMATORS[region](n_hidden=size[1], random_state=seed).fit(X, Y)
    seconds, worst = [], 0.0
    for walk in range(n_walks):
        walker = ManifoldWalker(
            estimator, n_steps=n_steps, prefit=True, random_state=seed + walk
        )
        start = time.perf_counter()
        walker.fit(X)
        seconds.append((time.perf_counter() - start) / n_steps)

        checked = ManifoldWalker(
            estimator,
            n_steps=n_steps,
            record="weights",
            prefit=True,
            random_state=seed + walk,
        ).fit(X)
        worst = max(worst, _worst_residual(checked, region))
    return float(np.median(seconds)), worst


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--walks", type=int, default=10, help="walks per region (default: 10)"
    )
    parser.add_argument(
        "--steps", type=int, default=101, help="steps per walk (default: 101)"
    )
    parser.add_argument("--seed", type=int, default=0, help="base seed (default: 0)")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=1e-10,
        help="largest residual allowed on any step (default: 1e-10)",
    )
    args = parser.parse_args(argv)

    # Other processes on the same cores inflate the times, so the load
    # average is printed with them.
    print(f"load average before: {os.getloadavg()[0]:.2f} (on {os.cpu_count()} CPUs)")
    print(
        f"{'n_features, n_hidden, n_outputs, n_samples':>44}  region  "
        f"us/step (median)  target  worst residual"
    )
    failures = 0
    for size, targets in TARGETS.items():
        for region in ESTIMATORS:
            per_step, worst = bench_region(
                size, region, args.walks, args.steps, args.seed
            )
            micro = per_step * 1e6
            ok = micro <= targets[region] and worst <= args.tolerance
            failures += not ok
            print(
                f"{size!s:>44}  {region:>6}  {micro:16.2f}  {targets[region]:6d}  "
                f"{worst:14.1e}{'' if ok else '  MISSED'}"
            )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
