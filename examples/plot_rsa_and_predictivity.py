"""
=====================================================
RSA and linear predictivity across solution types
=====================================================

Four two-layer linear networks fitted to the same task compute the same
function on the training data, but they sit in different regions of the
solution manifold. A general (GLS) and a least-squares (LSS) solution have
task-agnostic representations. The minimum representation-norm (MRNS) and
minimum weight-norm (MWNS) solutions have representations fixed by the task. This example compares their hidden representations with
representational similarity analysis and with linear predictivity, and shows
that both measures track the solution type rather than the function
(Braun, Grant & Saxe, ICML 2025).
"""

# %%
# Four networks with one function
# -------------------------------
#
# We fit each solution type with 32 hidden units to 600 of scikit-learn's
# bundled handwritten digits, regressing the pixels onto one-hot labels.

import numpy as np

from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.datasets import load_digits_regression

digits = load_digits_regression()
X, Y = digits.data[:600], digits.target[:600]

solution_types = {
    "GLS": GLSRegressor,
    "LSS": LSSRegressor,
    "MRNS": MRNSRegressor,
    "MWNS": MWNSRegressor,
}
networks = {
    name: cls(n_hidden=32, random_state=0).fit(X, Y)
    for name, cls in solution_types.items()
}
hidden = {name: net.hidden_representation_ for name, net in networks.items()}

reference = networks["MWNS"].predict(X)
for name, net in networks.items():
    gap = np.max(np.abs(net.predict(X) - reference))
    print(f"{name}: largest difference from the MWNS predictions {gap:.1e}")

# %%
# Representational similarity
# ---------------------------
#
# RSA with Euclidean RDMs compared by Pearson r, the setting of the paper's
# Figure 4. Euclidean distances do not depend on the arbitrary rotation of
# the hidden units, so every MRNS (or MWNS) of the task has the same RDM.

import matplotlib.pyplot as plt

from sklearn_dln.analysis import linear_predictivity, rsa

names = list(hidden)
rsa_matrix = np.zeros((len(names), len(names)))
for i, a in enumerate(names):
    for j, b in enumerate(names):
        rsa_matrix[i, j] = rsa(
            hidden[a], hidden[b], rdm_metric="euclidean", compare="pearson"
        )

# %%
# Linear predictivity
# -------------------
#
# Cross-validated R^2 of a ridge regression (alpha = 1) from the source
# representation (rows) to the target representation (columns), with
# shuffled folds because the digits are stored in a structured order.

from sklearn.model_selection import KFold

folds = KFold(5, shuffle=True, random_state=0)
predictivity = np.zeros((len(names), len(names)))
for i, source in enumerate(names):
    for j, target in enumerate(names):
        predictivity[i, j] = linear_predictivity(
            hidden[source], hidden[target], cv=folds
        )

fig, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
for ax, values, title in [
    (axes[0], rsa_matrix, "RSA (Euclidean RDM, Pearson r)"),
    (axes[1], predictivity, "Linear predictivity (CV R^2)"),
]:
    image = ax.imshow(values, vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    ax.set_title(title)
    for i in range(len(names)):
        for j in range(len(names)):
            ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", color="w")
axes[1].set_xlabel("target")
axes[1].set_ylabel("source")
fig.colorbar(image, ax=axes, shrink=0.8)
plt.show()

# %%
# The RSA matrix is symmetric and its off-diagonal entries are well below
# one, although the four networks compute the same function. The
# predictivity matrix is not symmetric: the task-agnostic GLS and LSS
# representations predict the task-specific MRNS and MWNS ones with R^2 above
# 0.9, while the MRNS and MWNS predict the GLS and LSS ones with R^2 near 0.6.
# The diagonal is below one because the scores are cross-validated.
#
# Task specificity
# ----------------
#
# ``task_specificity`` compares a representation with the two RSMs that the
# task fixes. The MRNS and MWNS score 1 on their own region; the GLS and LSS
# scores depend on their random free parameters.

from sklearn_dln.analysis import task_specificity

for name in names:
    scores = task_specificity(hidden[name], X, Y)
    print(f"{name}: MRNS {scores['mrns']:.3f}, MWNS {scores['mwns']:.3f}")

# %%
# Interpretation and limitations
# ------------------------------
#
# Neither RSA nor predictivity separates networks by function here: all four
# have identical training predictions. What they measure is the position on
# the solution manifold, which the learning rule, the initialisation and the
# regularisation decide. The GLS and LSS numbers change with
# ``random_state``, so a single draw, as shown here, is one sample of their
# spread. The networks are linear, and 600 stimuli with 32 units is a small
# setting. In-sample predictivity (``in_sample=True``), which the paper
# reports, is higher than the cross-validated values above.
