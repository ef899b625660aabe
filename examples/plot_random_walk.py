"""
=====================================================
An exact random walk on the solution manifold
=====================================================

The global minima of a two-layer linear network form a manifold. A network
can drift along it: its weights and hidden activity change while its outputs
and loss stay the same. :class:`~sklearn_dln.transformers.ManifoldWalker`
walks the free parameters of a region with an Ornstein-Uhlenbeck process and
maps every step through the region's closed form, so every step is exactly a
global minimum (Braun, Grant & Saxe, ICML 2025, Figure 1).
"""

# %%
# A walk on the minimum representation-norm solutions
# ---------------------------------------------------
#
# An 8-4-3 network (8 inputs, 4 hidden units, 3 outputs) fitted to 3 random
# samples without biases. The walk rotates the hidden units of the MRNS.

import numpy as np

from sklearn_dln import MRNSRegressor
from sklearn_dln.transformers import ManifoldWalker

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 8))
Y = rng.standard_normal((3, 3))

walker = ManifoldWalker(
    MRNSRegressor(n_hidden=4, fit_intercept=False, random_state=0),
    n_steps=2000,
    record="weights",
    random_state=0,
).fit(X, Y)
W1T, W2T = walker.coefs_path_
hidden = walker.hidden_representations_
outputs = hidden @ W2T
loss = 0.5 * np.mean(np.sum((outputs - Y) ** 2, axis=2), axis=1)

# %%
# Weights drift, the function does not
# ------------------------------------
#
# Each line is one entry of a matrix along the walk.

import matplotlib.pyplot as plt

steps = np.arange(walker.n_steps + 1)
panels = {
    "first-layer weights W1": W1T,
    "readout weights W2": W2T,
    "end-to-end map W2 W1": W1T @ W2T,
    "hidden activity": hidden,
    "outputs": outputs,
    "training loss": loss[:, np.newaxis],
}
fig, axes = plt.subplots(2, 3, figsize=(11, 6), sharex=True)
for ax, (title, path) in zip(axes.ravel(), panels.items()):
    ax.plot(steps, path.reshape(steps.size, -1), linewidth=0.8)
    ax.set_title(title)
for ax in axes[1]:
    ax.set_xlabel("walk step")
fig.tight_layout()
plt.show()

output_change = np.abs(outputs - outputs[0]).max()
weight_change = np.linalg.norm(W1T[-1] - W1T[0]) / np.linalg.norm(W1T[0])
print(f"largest output change along the walk: {output_change:.1e}")
print(f"relative change of W1 from first to last step: {weight_change:.2f}")

# %%
# Interpretation and limits
# -------------------------
#
# Weights and hidden activity wander while outputs, loss and the end-to-end
# map stay fixed to rounding error, because every step is built in closed
# form rather than re-found by gradient descent. For the MRNS the walk only
# rotates the hidden units, so the RSM of the hidden activity is constant
# too. A walk on the general or least-squares solutions would change it. The
# walk is a model of drift on the manifold, not of learning dynamics: its
# step size and noise are free choices.
