"""
=====================================================
Same function, other ReLU representations
=====================================================

A ReLU network's function survives several changes of its weights. Hidden
units can be permuted. A unit's incoming weights can be multiplied by
``a > 0`` and its outgoing weights by ``1 / a``. Units with zero outgoing
weights can be added, a unit can be split into copies that share its
outgoing weights, and first-layer weights can be added along input
directions that no training input has. Each move changes the hidden
representation but not the outputs.

Braun, Grant & Saxe (ICML 2025, Figure 5) train a network from small initial
weights and show that these expansions, although they compute the same
function, lose accuracy faster under noise. This example reproduces the
experiment on scikit-learn's bundled handwritten digits.
"""

# %%
# Train a minimal network and expand it
# -------------------------------------
#
# :func:`~sklearn_dln.analysis.measure_relu_robustness` trains a network with
# 1,024 ReLU units by SGD from Gaussian initial weights of standard deviation
# 1e-3, about 40 times smaller than scikit-learn's default initialisation.
# It then builds the four expansions with
# :func:`~sklearn_dln.relu.apply_relu_move` and measures the test error under
# Gaussian noise on every parameter and, separately, on every input pixel.

from sklearn_dln.analysis import measure_relu_robustness

result = measure_relu_robustness(n_hidden=1024, n_repeats=10, random_state=0)
for name, network in result.networks.items():
    print(
        f"{name:>10}: {network.coefs_[0].shape[1]:4d} hidden units, "
        f"test error {result.clean_error[name]:.4f}, largest change of a class "
        f"probability {result.max_output_change[name]:.1e}"
    )

# %%
# Hidden activity and RSM
# -----------------------
#
# The test images are sorted by digit. The rescaled network has the same
# units as the minimal one, each multiplied by its own positive factor, so its
# representational similarity matrix (RSM) weights the units differently.
# The nuisance network has 1,024 extra units whose activity the readout
# ignores.

import matplotlib.pyplot as plt
import numpy as np

from sklearn_dln.analysis import compute_rsm

order = np.argsort(result.y_test, kind="stable")
X_sorted = result.X_test[order]
shown = ("minimal", "scale", "nuisance")

fig, axes = plt.subplots(2, 3, figsize=(12, 7))
for column, name in enumerate(shown):
    hidden = result.networks[name].transform(X_sorted)
    axes[0, column].imshow(hidden, aspect="auto", cmap="viridis", interpolation="nearest")
    axes[0, column].set_title(f"{name}: hidden activity")
    axes[0, column].set_xlabel("hidden unit")
    axes[1, column].imshow(compute_rsm(hidden), cmap="viridis", interpolation="nearest")
    axes[1, column].set_title(f"{name}: RSM")
    axes[1, column].set_xlabel("test image (by digit)")
axes[0, 0].set_ylabel("test image (by digit)")
axes[1, 0].set_ylabel("test image (by digit)")
fig.tight_layout()

# %%
# Robustness to noise
# -------------------
#
# Under parameter noise the minimal network keeps its accuracy longest. The
# input-null network has the same curve: its extra weights respond only to
# pixels that are blank in every training image, and the test images have
# (almost) no ink there either. Under input noise every
# network except the input-null one computes the same function on the noisy
# inputs, so their curves coincide, while the input-null weights turn noise
# on never-observed pixels into hidden activity.

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, noise, levels in (
    (axes[0], "parameter", result.parameter_noise),
    (axes[1], "input", result.input_noise),
):
    for name, errors in result.errors[noise].items():
        sem = errors.std(axis=1, ddof=1) / np.sqrt(errors.shape[1])
        ax.errorbar(levels, errors.mean(axis=1), yerr=sem, marker="o", capsize=2,
                    label=name)
    ax.set_xlabel(f"{noise} noise (standard deviation)")
    ax.set_ylabel("test error")
    ax.legend()
fig.tight_layout()

for claim in result.claims:
    verdict = "holds" if claim["holds"] else "does not hold"
    print(f"{claim['claim']} -> {verdict}\n    {claim['evidence']}")

# %%
# What this shows, and its limits
# -------------------------------
#
# Every move leaves the test error unchanged and the outputs equal to
# rounding, yet the expanded networks differ in representation and in
# robustness: rescaling and extra units add weight norm that noise can act
# on, and weights along unobserved input directions amplify input noise.
# Representations and robustness are therefore properties of where a network
# sits among the networks that compute its function, not of the function.
#
# The digits have only 64 pixels, and the training images leave only three or
# four of them always blank, so the input-null weights act on a small
# subspace. Larger images with empty borders leave more room for them. Whether
# duplicated networks lose less accuracy than nuisance networks depends on
# the size of the nuisance weights (``nuisance_scale``): with nuisance units
# as strongly driven as the trained ones, the two are about equally fragile
# here. The curves come from one trained network and ``n_repeats`` noise
# draws per level, so differences of a few standard errors are not
# significant.
