"""
=====================================================
Representational drift of a fixed decoder
=====================================================

If a network drifts along its solution manifold, its behaviour stays the
same, but a downstream decoder fitted once to its hidden activity does not:
the decoder's error grows as the representation moves. This example measures
that error with :func:`~sklearn_dln.analysis.decoder_drift` along walks on
the least-squares (LSS), minimum representation-norm (MRNS) and minimum
weight-norm (MWNS) solutions of the semantic hierarchy task (Braun, Grant &
Saxe, ICML 2025, Figure 4C).
"""

# %%
# Three walks on one task
# -----------------------

import numpy as np

from sklearn_dln import LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.analysis import decoder_drift
from sklearn_dln.datasets import make_semantic_hierarchy
from sklearn_dln.transformers import ManifoldWalker

hierarchy = make_semantic_hierarchy(random_state=0)
X, Y = hierarchy.data, hierarchy.target

errors = {}
for name, estimator in {
    "LSS": LSSRegressor(random_state=0),
    "MRNS": MRNSRegressor(random_state=0),
    "MWNS": MWNSRegressor(random_state=0),
}.items():
    walker = ManifoldWalker(estimator, n_steps=2000, random_state=0).fit(X, Y)
    errors[name] = decoder_drift(walker, X, Y)
    network_change = np.abs(walker.predict(X) - walker.estimator_.predict(X)).max()
    print(
        f"{name}: network output change {network_change:.1e}, "
        f"decoder MSE {errors[name][0]:.1e} -> {errors[name][-1]:.3f}"
    )

# %%
# The decoder degrades, the network does not
# ------------------------------------------

import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 4))
for name, mse in errors.items():
    ax.plot(np.arange(mse.size), mse, label=name)
ax.set_xlabel("walk step")
ax.set_ylabel("MSE of the decoder fitted at step 0")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# Interpretation and limits
# -------------------------
#
# At step 0 the decoder is exact, because the hidden layer carries the whole
# least-squares fit. Along every walk the network's outputs stay fixed, yet
# the decoder's error grows: drift of a representation need not affect the
# behaviour it supports, only readouts that are not updated with it. The
# rate of growth depends on the walk's step size and noise scale and on how
# many free parameters each region has, so comparisons of rates across
# regions depend on those choices.
