"""Random regression tasks and manifold walks shared by panels A, B and D of Figure 4.

Two random linear regression tasks share their inputs and differ in their
targets, so that networks can be compared "within a function" (two walks on
the same task) and "across functions" (walks on different tasks) over the
same stimuli. The sizes are chosen so that every region of the solution
manifold shows its freedom:

- the inputs span a 10-dimensional subspace of 16 features, so a general
  solution (GLS) has 6 never-observed input directions on which its
  end-to-end map is free (what input noise penalises);
- the 12 hidden units exceed the rank 4 of the least-squares map, so a
  least-squares solution (LSS) has 8 free hidden directions, and they are at
  least as many as the 10 observed input dimensions;
- the input variances differ between directions (standard deviations from 1
  down to 0.2), so the inputs are not whitened and the minimum
  representation-norm (MRNS) and minimum weight-norm (MWNS) solutions differ.

Panel D also uses whitened versions of the inputs, in the coordinates of
their observed subspace, with two normalisations: the input covariance
``X.T @ X / n_samples`` equal to the identity, or the Gram matrix
``X.T @ X`` equal to the identity.

Every network has no biases (``fit_intercept=False``), the network of
Braun, Grant & Saxe (ICML 2025).
"""

from dataclasses import dataclass, field

import numpy as np

from ..linear import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor
from ..transformers import ManifoldWalker

N_SAMPLES = 60
N_FEATURES = 16
INPUT_RANK = 10
N_OUTPUTS = 4
N_HIDDEN = 12
INPUT_STDS = np.geomspace(1.0, 0.2, INPUT_RANK)
TARGET_NOISE_STD = 0.5

# Normalisations of the whitened inputs: name -> the identity that holds.
WHITENINGS = {
    "covariance": "X^T X / P = I",
    "gram": "X^T X = I",
}

ESTIMATORS = {
    "gls": GLSRegressor,
    "lss": LSSRegressor,
    "mrns": MRNSRegressor,
    "mwns": MWNSRegressor,
}

# Solution types compared in panels A and B. On training inputs a GLS has the
# same hidden activity as an LSS (its extra freedom acts on never-observed
# input directions only), so the LSS stands for the task-agnostic types.
COMPARED_TYPES = ("lss", "mrns", "mwns")

# Update theta <- (1 - a) theta + a s xi of the walk. The step size a is
# that of Braun, Grant & Saxe (ICML 2025). The noise scale s makes the
# stationary standard deviation s sqrt(a / (2 - a)) of every free parameter
# equal to that of the estimator's starting draws, so the walk starts in its
# stationary distribution. The paper's s = 5 gives a quarter of it, and the
# free parameters of GLS and LSS would shrink by a factor 4 over the first
# few hundred steps, a transient that results would then depend on.
STEP_SIZE = 5e-3
NOISE_SCALE = float(np.sqrt((2.0 - STEP_SIZE) / STEP_SIZE))

# Walk lengths and sampling. The walk's update has step size 5e-3, so its
# free parameters decorrelate over about 200 steps; the full walk covers 15
# such times. Panels A and B are evaluated every ``eval_stride`` steps, the
# closed-form noise losses of panel D every ``noise_stride`` steps, and the
# Monte Carlo estimates at ``n_mc_steps`` evenly spaced steps.
FULL_SETTINGS = {
    "n_steps": 3000,
    "eval_stride": 30,
    "noise_stride": 10,
    "n_mc_steps": 5,
    "n_draws": 2000,
}
QUICK_SETTINGS = {
    "n_steps": 300,
    "eval_stride": 30,
    "noise_stride": 10,
    "n_mc_steps": 5,
    "n_draws": 200,
}


@dataclass
class WalkTasks:
    """The two regression tasks of panels A, B and D.

    Attributes
    ----------
    X : ndarray of shape (N_SAMPLES, N_FEATURES)
        Inputs shared by both tasks.
    Y : ndarray of shape (N_SAMPLES, N_OUTPUTS)
        Targets of the main task.
    Y_other : ndarray of shape (N_SAMPLES, N_OUTPUTS)
        Targets of the second task, for comparisons across functions.
    X_whitened : dict of str to ndarray of shape (N_SAMPLES, INPUT_RANK)
        The inputs in coordinates of their observed subspace, whitened with
        each normalisation of ``WHITENINGS``.
    """

    X: np.ndarray
    Y: np.ndarray
    Y_other: np.ndarray
    X_whitened: dict


@dataclass
class Figure4Walks:
    """Walks shared by panels A, B and D.

    Attributes
    ----------
    tasks : WalkTasks
    settings : dict
        ``FULL_SETTINGS`` or ``QUICK_SETTINGS``.
    source : dict of str to ManifoldWalker
        One walk per type of ``ESTIMATORS`` on the main task, recorded with
        weights. They are the sources of panels A and B and the networks of
        panel D.
    same_function : dict of str to ManifoldWalker
        Independent walks on the main task, one per type of
        ``COMPARED_TYPES``: the targets within a function.
    other_function : dict of str to ManifoldWalker
        Walks on the second task: the targets across functions.
    whitened_lss : dict of str to ManifoldWalker
        An LSS walk on the inputs of each whitening, recorded with weights.
    eval_steps : ndarray of int
        Steps at which panels A and B compare representations.
    """

    tasks: WalkTasks
    settings: dict
    source: dict = field(default_factory=dict)
    same_function: dict = field(default_factory=dict)
    other_function: dict = field(default_factory=dict)
    whitened_lss: dict = field(default_factory=dict)
    eval_steps: np.ndarray = None


def make_walk_tasks(random_state):
    """Draw the two random regression tasks of panels A, B and D."""
    rng = np.random.default_rng(random_state)
    basis, _ = np.linalg.qr(rng.standard_normal((N_FEATURES, INPUT_RANK)))
    coordinates = rng.standard_normal((N_SAMPLES, INPUT_RANK)) * INPUT_STDS
    X = coordinates @ basis.T

    def draw_targets():
        true_map = rng.standard_normal((N_FEATURES, N_OUTPUTS))
        noise = TARGET_NOISE_STD * rng.standard_normal((N_SAMPLES, N_OUTPUTS))
        return X @ true_map + noise

    Y = draw_targets()
    Y_other = draw_targets()
    orthonormal, _ = np.linalg.qr(coordinates)
    X_whitened = {"covariance": np.sqrt(N_SAMPLES) * orthonormal, "gram": orthonormal}
    return WalkTasks(X=X, Y=Y, Y_other=Y_other, X_whitened=X_whitened)


def walk_region(region, X, Y, *, seed, n_steps, record="hidden"):
    """Fit the closed-form solution of ``region`` and walk it for ``n_steps``."""
    estimator = ESTIMATORS[region](
        n_hidden=N_HIDDEN, fit_intercept=False, random_state=seed
    )
    return ManifoldWalker(
        estimator,
        n_steps=n_steps,
        step_size=STEP_SIZE,
        noise_scale=NOISE_SCALE,
        record=record,
        random_state=seed,
    ).fit(X, Y)


def compute_walks(context):
    """Draw the tasks and run every walk of panels A, B and D."""
    settings = QUICK_SETTINGS if context.quick else FULL_SETTINGS
    tasks = make_walk_tasks(context.random_state)
    n_steps = settings["n_steps"]
    # Seeds of the walks, derived from the report's seed so that every walk
    # is independent of the others.
    seeds = iter(
        int(seed)
        for seed in np.random.SeedSequence(context.random_state).generate_state(16)
    )
    walks = Figure4Walks(
        tasks=tasks,
        settings=settings,
        eval_steps=np.arange(0, n_steps + 1, settings["eval_stride"]),
    )

    jobs = [("source", region, tasks.X, tasks.Y, "weights") for region in ESTIMATORS]
    jobs += [
        ("same_function", region, tasks.X, tasks.Y, "hidden")
        for region in COMPARED_TYPES
    ]
    jobs += [
        ("other_function", region, tasks.X, tasks.Y_other, "hidden")
        for region in COMPARED_TYPES
    ]
    for name, X_whitened in tasks.X_whitened.items():
        jobs.append(("whitened_lss", name, X_whitened, tasks.Y, "weights"))
    for done, (group, key, X, Y, record) in enumerate(jobs):
        context.progress.bar("walks", done, len(jobs))
        region = "lss" if group == "whitened_lss" else key
        getattr(walks, group)[key] = walk_region(
            region, X, Y, seed=next(seeds), n_steps=n_steps, record=record
        )
    context.progress.bar("walks", len(jobs), len(jobs))
    return walks


def describe_tasks(settings):
    """Return a JSON-ready description of the tasks and walk settings."""
    return {
        "n_samples": N_SAMPLES,
        "n_features": N_FEATURES,
        "input_rank": INPUT_RANK,
        "n_outputs": N_OUTPUTS,
        "n_hidden": N_HIDDEN,
        "input_stds": [float(INPUT_STDS[0]), float(INPUT_STDS[-1])],
        "target_noise_std": TARGET_NOISE_STD,
        "fit_intercept": False,
        "step_size": STEP_SIZE,
        "noise_scale": NOISE_SCALE,
        **settings,
    }
