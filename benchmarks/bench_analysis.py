"""Time RSA and linear predictivity on 1,797 x 1,024 representations.

Run from the repository root::

    python benchmarks/bench_analysis.py
    python benchmarks/bench_analysis.py --repeats 9

The representations are the hidden activity of two 1,024-unit networks, a
general (GLS) and a least-squares (LSS) solution, fitted to scikit-learn's
bundled handwritten digits (1,797 images). The script prints the median wall
time over ``--repeats`` runs of

- ``rsa`` between the two representations, for the default settings
  (correlation distance, Spearman) and three others, against the target of
  0.5 s;
- 5-fold ``linear_predictivity`` from one representation to the other,
  against the target of 3 s.

The targets apply to the wall time. The CPU time of all threads is printed
too, because it changes less when other processes share the machine. Times
depend on the machine and on its load, which is printed before and after:
rerun when something else was running.
"""

import argparse
import os
import platform
import time

import numpy as np

from sklearn_dln import GLSRegressor, LSSRegressor
from sklearn_dln.analysis import linear_predictivity, rsa
from sklearn_dln.datasets import load_digits_regression

RSA_TARGET_SECONDS = 0.5
PREDICTIVITY_TARGET_SECONDS = 3.0
RSA_SETTINGS = [
    ("correlation", "spearman"),
    ("euclidean", "pearson"),
    ("correlation", "pearson"),
    ("euclidean", "kendall"),
]


def _median_seconds(function, repeats):
    """Return the median wall time and the median CPU time of all threads."""
    wall, cpu = [], []
    for _ in range(repeats):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    return float(np.median(wall)), float(np.median(cpu))


def _representations(n_hidden):
    digits = load_digits_regression()
    X, Y = digits.data, digits.target
    gls = GLSRegressor(n_hidden=n_hidden, random_state=0).fit(X, Y)
    lss = LSSRegressor(n_hidden=n_hidden, random_state=1).fit(X, Y)
    return gls.hidden_representation_, lss.hidden_representation_


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=5, help="timed runs per measurement"
    )
    parser.add_argument(
        "--n-hidden", type=int, default=1024, help="units per representation"
    )
    args = parser.parse_args(argv)

    source, target = _representations(args.n_hidden)
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"representations: {source.shape[0]} stimuli x {source.shape[1]} units")
    print(f"median of {args.repeats} runs")

    for rdm_metric, compare in RSA_SETTINGS:
        seconds, cpu = _median_seconds(
            lambda: rsa(source, target, rdm_metric=rdm_metric, compare=compare),
            args.repeats,
        )
        verdict = "meets" if seconds < RSA_TARGET_SECONDS else "misses"
        print(
            f"rsa rdm_metric={rdm_metric!r} compare={compare!r}: {seconds:.3f} s "
            f"wall, {cpu:.3f} s CPU ({verdict} the {RSA_TARGET_SECONDS} s target)"
        )

    seconds, cpu = _median_seconds(
        lambda: linear_predictivity(source, target, cv=5), args.repeats
    )
    verdict = "meets" if seconds < PREDICTIVITY_TARGET_SECONDS else "misses"
    print(
        f"linear_predictivity cv=5: {seconds:.3f} s wall, {cpu:.3f} s CPU "
        f"({verdict} the {PREDICTIVITY_TARGET_SECONDS} s target)"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
