"""Panel D of Figure 4: expected loss under input and parameter noise along walks.

The closed forms of Braun, Grant & Saxe (ICML 2025, Theorems 5.2 and 5.4)
are evaluated along the GLS, LSS, MRNS and MWNS walks of the main task and
checked against Monte Carlo estimates at a few steps. The minima that the
claims compare with are computed here independently of the library, from
numpy's least-squares solution:

- input noise of standard deviation sigma on every input entry:
  ``c + sigma^2 / 2 ||M||_F^2``, with c the irreducible error
  ``||X M - Y||_F^2 / (2P)`` and M the minimum-norm least-squares map;
- parameter noise with variances ``s^2 / ||X||_F^2`` on W1 and
  ``s^2 / n_outputs`` on W2: ``c + s^2 ||X M||_* / P + s^4 n_hidden / (2P)``,
  because on the solution manifold ``||H||_F^2 + ||W2||_F^2`` is at least
  twice the nuclear norm of the fitted outputs, with equality exactly at
  the MRNS.
"""

import numpy as np

from ..analysis import expected_loss_input_noise, expected_loss_parameter_noise, rsa
from ..linear import MRNSRegressor, MWNSRegressor
from ._figure4_walks import ESTIMATORS, N_HIDDEN, WHITENINGS
from ._rules import (
    all_at_least,
    all_at_most,
    make_claim,
    relative_excess,
    standardised_errors,
    within_standard_errors,
)

# Noise levels, in the units of the inputs (whose largest standard deviation
# along a principal direction is 1): the noise terms are then of the order of
# the irreducible error, so differences between solutions are visible.
INPUT_NOISE_STD = 0.3
PARAMETER_NOISE_SCALE = 0.5

NOISES = ("input", "parameter")

# "Equal", "at the minimum" and "constant" mean within a relative 1e-9
# (roundoff of the closed forms is near 1e-15). "Higher" means at least a
# relative 1e-3 above. Monte Carlo estimates must lie within 4 standard
# errors of the closed form.
EXACT_RTOL = 1e-9
HIGHER_MIN = 1e-3
N_STANDARD_ERRORS = 4.0

# Walks that are least-squares solutions: the MRNS walk keeps its weights on
# never-observed input directions at zero (null_scale=0), so it stays an LSS.
LEAST_SQUARES_TYPES = ("lss", "mrns", "mwns")


def parameter_noise_stds(X, n_outputs):
    """Return (sigma1, sigma2) of the scaled parameter noise for inputs ``X``."""
    return (
        PARAMETER_NOISE_SCALE / np.linalg.norm(X),
        PARAMETER_NOISE_SCALE / np.sqrt(n_outputs),
    )


def expected_loss(weights, X, Y, noise, **kwargs):
    """Return the expected loss of ``weights = (W1, W2)`` under one kind of noise."""
    if noise == "input":
        return expected_loss_input_noise(weights, X, Y, sigma=INPUT_NOISE_STD, **kwargs)
    sigma1, sigma2 = parameter_noise_stds(X, Y.shape[1])
    return expected_loss_parameter_noise(
        weights, X, Y, sigma1=sigma1, sigma2=sigma2, **kwargs
    )


def minimum_losses(X, Y):
    """Return the minimum expected loss on the solution manifold for each noise."""
    ls_map, *_ = np.linalg.lstsq(X, Y, rcond=None)
    fitted = X @ ls_map
    n_samples = X.shape[0]
    irreducible = np.sum((fitted - Y) ** 2) / (2.0 * n_samples)
    nuclear = np.sum(np.linalg.svd(fitted, compute_uv=False))
    s = PARAMETER_NOISE_SCALE
    return {
        "input": irreducible + INPUT_NOISE_STD**2 / 2.0 * np.sum(ls_map**2),
        "parameter": irreducible
        + s**2 * nuclear / n_samples
        + s**4 * N_HIDDEN / (2.0 * n_samples),
    }


def _weights_at(walker, step):
    """Return (W1, W2) in the paper's orientation at one step of a weights walk."""
    W1T_path, W2T_path = walker.coefs_path_
    return W1T_path[step].T, W2T_path[step].T


def _output_change(walker, X, steps):
    W1T_path, W2T_path = walker.coefs_path_
    outputs = X @ W1T_path[steps] @ W2T_path[steps]
    scale = np.linalg.norm(outputs[0])
    return float(np.max(np.linalg.norm(outputs - outputs[0], axis=(1, 2))) / scale)


def _losses_along_walks(context, walks, line_steps, mc_steps):
    """Evaluate the expected losses of every walk of ``walks.source``.

    Returns a dict of dicts keyed by ``(region, noise)``: ``"closed"`` (closed
    form at ``line_steps``), ``"exact_at_mc"`` (closed form at ``mc_steps``),
    ``"estimate"`` and ``"standard_error"`` (Monte Carlo at ``mc_steps``).
    """
    X, Y = walks.tasks.X, walks.tasks.Y
    n_draws = walks.settings["n_draws"]
    keys = [(region, noise) for region in walks.source for noise in NOISES]
    seeds = iter(
        np.random.SeedSequence([context.random_state, 4]).generate_state(
            len(keys) * mc_steps.size
        )
    )
    losses = {"closed": {}, "exact_at_mc": {}, "estimate": {}, "standard_error": {}}
    for done, (region, noise) in enumerate(keys):
        context.progress.bar("noise losses", done, len(keys))
        walker = walks.source[region]
        for name, steps in (("closed", line_steps), ("exact_at_mc", mc_steps)):
            losses[name][region, noise] = np.array(
                [expected_loss(_weights_at(walker, t), X, Y, noise) for t in steps]
            )
        draws = np.array(
            [
                expected_loss(
                    _weights_at(walker, t),
                    X,
                    Y,
                    noise,
                    method="monte_carlo",
                    n_draws=n_draws,
                    random_state=int(next(seeds)),
                )
                for t in mc_steps
            ]
        )
        losses["estimate"][region, noise] = draws[:, 0]
        losses["standard_error"][region, noise] = draws[:, 1]
    context.progress.bar("noise losses", len(keys), len(keys))
    return losses


def compute_panel_d(context, walks):
    """Compute closed-form and Monte Carlo expected losses along the walks."""
    settings, X, Y = walks.settings, walks.tasks.X, walks.tasks.Y
    line_steps = np.arange(0, settings["n_steps"] + 1, settings["noise_stride"])
    mc_steps = np.linspace(0, settings["n_steps"], settings["n_mc_steps"])
    mc_steps = mc_steps.round().astype(int)
    losses = _losses_along_walks(context, walks, line_steps, mc_steps)

    minimum = minimum_losses(X, Y)
    closed = losses["closed"]
    excess = {
        key: relative_excess(values, minimum[key[1]]) for key, values in closed.items()
    }
    output_changes = {
        region: _output_change(walker, X, line_steps)
        for region, walker in walks.source.items()
    }
    claims = _noise_claims(excess, closed, output_changes)
    mc_claim, largest_z = _monte_carlo_claim(losses, settings["n_draws"])
    claims.append(mc_claim)

    numbers = {
        "input_noise_std": INPUT_NOISE_STD,
        "parameter_noise_scale": PARAMETER_NOISE_SCALE,
        "n_draws": settings["n_draws"],
        "monte_carlo_steps": mc_steps.tolist(),
        "minimum": {noise: float(minimum[noise]) for noise in NOISES},
        "closed_form": {
            noise: {
                region: {
                    "min": float(closed[region, noise].min()),
                    "max": float(closed[region, noise].max()),
                }
                for region in ESTIMATORS
            }
            for noise in NOISES
        },
        "largest_standardised_error": largest_z,
        "output_change": output_changes,
        "whitened": {},
    }
    for whitening in WHITENINGS:
        claim, numbers["whitened"][whitening] = _whitened_claim(
            walks, whitening, context.random_state
        )
        claims.append(claim)
    arrays = {
        "line_steps": line_steps,
        "mc_steps": mc_steps,
        "closed": closed,
        "estimates": losses["estimate"],
        "errors": losses["standard_error"],
        "minimum": minimum,
    }
    return {"numbers": numbers, "claims": claims, "arrays": arrays}


def _monte_carlo_claim(losses, n_draws):
    """Return the claim that Monte Carlo agrees with the closed forms, and the largest z."""
    keys = list(losses["estimate"])
    args = [
        (
            losses["estimate"][key],
            losses["standard_error"][key],
            losses["exact_at_mc"][key],
        )
        for key in keys
    ]
    z_scores = np.concatenate([standardised_errors(*arg) for arg in args])
    claim = make_claim(
        "Monte Carlo estimates agree with the closed forms within "
        f"{N_STANDARD_ERRORS:g} standard errors",
        f"largest |estimate - closed form| / standard error {z_scores.max():.2f} "
        f"over {z_scores.size} estimates of {n_draws} draws "
        f"(rule: every one <= {N_STANDARD_ERRORS:g})",
        all(within_standard_errors(*arg, N_STANDARD_ERRORS) for arg in args),
        panel="D",
    )
    return claim, float(z_scores.max())


def _largest_abs(excess, regions, noise):
    return max(float(np.max(np.abs(excess[region, noise]))) for region in regions)


def _relative_range(values):
    return float(np.ptp(values) / abs(np.mean(values)))


def _noise_claims(excess, closed, output_changes):
    others = [region for region in ESTIMATORS if region != "mrns"]
    lss_at_minimum = _largest_abs(excess, LEAST_SQUARES_TYPES, "input")
    gls_input = float(excess["gls", "input"].min())
    mrns_at_minimum = _largest_abs(excess, ("mrns",), "parameter")
    others_parameter = {
        region: float(excess[region, "parameter"].min()) for region in others
    }
    input_range = _relative_range(closed["lss", "input"])
    parameter_range = _relative_range(closed["mrns", "parameter"])
    largest_change = max(output_changes.values())
    return [
        make_claim(
            "every walk keeps the network's outputs on the training inputs",
            f"largest relative change of the outputs over the GLS, LSS, MRNS "
            f"and MWNS walks {largest_change:.1e} (rule: <= {EXACT_RTOL:.0e})",
            all_at_most(largest_change, EXACT_RTOL),
            panel="D",
        ),
        make_claim(
            "under input noise every LSS minimises the expected loss, "
            "task-agnostic ones included",
            f"largest relative distance to the minimum along the LSS, MRNS and "
            f"MWNS walks {lss_at_minimum:.1e}; lowest relative excess of the GLS "
            f"walk {gls_input:.2e} (rule: distance <= {EXACT_RTOL:.0e} and no "
            f"walk below the minimum by more than that)",
            all_at_most(lss_at_minimum, EXACT_RTOL)
            and all_at_least(gls_input, -EXACT_RTOL),
            panel="D",
        ),
        make_claim(
            "under input noise the expected loss is constant along LSS walks",
            f"relative range along the LSS walk {input_range:.1e} "
            f"(rule: <= {EXACT_RTOL:.0e})",
            all_at_most(input_range, EXACT_RTOL),
            panel="D",
        ),
        make_claim(
            "under input noise a GLS with weights on never-observed input "
            "directions has a higher expected loss than the LSS",
            f"lowest relative excess along the GLS walk {gls_input:.2e} "
            f"(rule: >= {HIGHER_MIN:.0e})",
            all_at_least(gls_input, HIGHER_MIN),
            panel="D",
        ),
        make_claim(
            "under scaled parameter noise the MRNS has the lowest expected loss "
            "among the solutions",
            f"largest relative distance of the MRNS walk to the minimum "
            f"{mrns_at_minimum:.1e}; lowest relative excess "
            + ", ".join(f"{r.upper()} {v:.2e}" for r, v in others_parameter.items())
            + f" (rule: distance <= {EXACT_RTOL:.0e} and no walk below the "
            f"minimum by more than that)",
            all_at_most(mrns_at_minimum, EXACT_RTOL)
            and all_at_least(list(others_parameter.values()), -EXACT_RTOL),
            panel="D",
        ),
        make_claim(
            "under scaled parameter noise the expected loss is constant along "
            "MRNS walks",
            f"relative range along the MRNS walk {parameter_range:.1e} "
            f"(rule: <= {EXACT_RTOL:.0e})",
            all_at_most(parameter_range, EXACT_RTOL),
            panel="D",
        ),
    ]


def _whitened_claim(walks, whitening, random_state):
    """Check how the MRNS and MWNS relate on whitened inputs.

    With ``X^T X = I`` the two coincide and minimise both expected losses.
    With covariance-whitened inputs, ``X^T X = P I``, the MRNS representation
    norm sums over the P samples, so the two RSMs are only proportional and
    the MRNS alone minimises the loss under scaled parameter noise.

    Returns the claim and its JSON-ready numbers.
    """
    X, Y = walks.tasks.X_whitened[whitening], walks.tasks.Y
    common = {
        "n_hidden": N_HIDDEN,
        "fit_intercept": False,
        "random_state": random_state,
    }
    networks = {
        "mrns": MRNSRegressor(**common).fit(X, Y),
        "mwns": MWNSRegressor(**common).fit(X, Y),
    }
    hidden = {name: model.hidden_representation_ for name, model in networks.items()}
    rsm = {name: H @ H.T for name, H in hidden.items()}
    differences = {
        "rsm": float(
            np.linalg.norm(rsm["mrns"] - rsm["mwns"]) / np.linalg.norm(rsm["mrns"])
        )
    }
    # Scale-free comparison, shown beside the rule: an RSA of 1 with a nonzero
    # RSM difference means the two representations differ by a scale factor.
    similarity = rsa(
        hidden["mrns"], hidden["mwns"], rdm_metric="euclidean", compare="pearson"
    )
    walker = walks.whitened_lss[whitening]
    steps = np.arange(0, walks.settings["n_steps"] + 1, walks.settings["noise_stride"])
    lss_excess, mwns_excess = {}, {}
    for noise in NOISES:
        loss = {
            name: expected_loss(model, X, Y, noise) for name, model in networks.items()
        }
        walk = np.array(
            [expected_loss(_weights_at(walker, t), X, Y, noise) for t in steps]
        )
        differences[noise] = abs(loss["mrns"] - loss["mwns"]) / loss["mrns"]
        mwns_excess[noise] = (loss["mwns"] - loss["mrns"]) / loss["mrns"]
        lss_excess[noise] = float(walk.min() - loss["mrns"]) / loss["mrns"]
    numbers = {
        "relative_difference_mrns_mwns": differences,
        "rsa_mrns_mwns": similarity,
        "lss_walk_excess": lss_excess,
    }
    numbers["mwns_excess"] = mwns_excess
    if whitening == "gram":
        claim = _coinciding_claim(differences, similarity, lss_excess)
    else:
        claim = _proportional_claim(differences, similarity, lss_excess, mwns_excess)
    return claim, numbers


def _evidence(differences, similarity, lss_excess):
    return (
        f"relative difference between MRNS and MWNS: RSM "
        f"{differences['rsm']:.1e}, input-noise loss {differences['input']:.1e}, "
        f"parameter-noise loss {differences['parameter']:.1e} (RSA "
        f"{similarity:.4f}); lowest relative excess of an LSS walk over the "
        f"MRNS: input noise {lss_excess['input']:.1e}, parameter noise "
        f"{lss_excess['parameter']:.2e}"
    )


def _coinciding_claim(differences, similarity, lss_excess):
    largest_difference = max(differences.values())
    return make_claim(
        f"with whitened inputs ({WHITENINGS['gram']}) the MRNS and MWNS "
        f"coincide and minimise the expected loss under input noise and under "
        f"scaled parameter noise",
        _evidence(differences, similarity, lss_excess)
        + f" (rule: every difference <= {EXACT_RTOL:.0e} and every excess >= "
        f"-{EXACT_RTOL:.0e})",
        all_at_most(largest_difference, EXACT_RTOL)
        and all_at_least(list(lss_excess.values()), -EXACT_RTOL),
        panel="D",
    )


def _proportional_claim(differences, similarity, lss_excess, mwns_excess):
    return make_claim(
        f"with covariance-whitened inputs ({WHITENINGS['covariance']}) the MRNS "
        f"and MWNS RSMs are proportional (RSA 1) but the solutions differ, "
        f"because the MRNS representation norm sums over the P samples: both "
        f"minimise the loss under input noise, the MRNS alone the loss under "
        f"scaled parameter noise",
        _evidence(differences, similarity, lss_excess)
        + f"; relative excess of the MWNS over the MRNS under parameter noise "
        f"{mwns_excess['parameter']:.2e} (rule: RSA >= 1 - {EXACT_RTOL:.0e}, "
        f"RSM difference and MWNS excess >= {HIGHER_MIN:.0e}, input-noise "
        f"difference <= {EXACT_RTOL:.0e}, every LSS excess >= -{EXACT_RTOL:.0e})",
        all_at_least(similarity, 1 - EXACT_RTOL)
        and all_at_least([differences["rsm"], mwns_excess["parameter"]], HIGHER_MIN)
        and all_at_most(differences["input"], EXACT_RTOL)
        and all_at_least(list(lss_excess.values()), -EXACT_RTOL),
        panel="D",
    )


# Matplotlib line styles that keep coinciding curves (the three least-squares
# walks under input noise) distinguishable.
_STYLES = {"gls": "-", "lss": "--", "mrns": ":", "mwns": "-."}


def draw_panel_d(axes, result, walks):
    """Draw closed-form lines and Monte Carlo points of both noises."""
    arrays = result["arrays"]
    for ax, noise in zip(axes, NOISES):
        for index, region in enumerate(ESTIMATORS):
            color = f"C{index}"
            ax.plot(
                arrays["line_steps"],
                arrays["closed"][region, noise],
                _STYLES[region],
                color=color,
                label=f"{region.upper()} closed form",
            )
            ax.errorbar(
                arrays["mc_steps"],
                arrays["estimates"][region, noise],
                yerr=arrays["errors"][region, noise],
                fmt="o",
                color=color,
                markersize=3,
                capsize=2,
            )
        ax.axhline(arrays["minimum"][noise], color="grey", linewidth=0.5)
        ax.set_xlabel("walk step")
        ax.set_ylabel("expected loss")
        ax.set_title(
            f"D: {noise} noise (lines: closed form;\npoints: Monte Carlo +- 1 s.e.)"
        )
        ax.legend(fontsize=6)
