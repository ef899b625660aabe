"""ReLU multilayer perceptrons: hidden activity and function-preserving moves.

:class:`ReLUMLPClassifier` and :class:`ReLUMLPRegressor` are scikit-learn's
MLPs with ReLU hidden layers and a ``transform`` that returns hidden
activity. :func:`hidden_activity` reads the activity of any fitted
scikit-learn MLP, and :func:`apply_relu_move` changes its hidden layers
without changing its function (Braun, Grant & Saxe, ICML 2025, Section 6).
"""

from ._activity import hidden_activity
from ._mlp import ReLUMLPClassifier, ReLUMLPRegressor
from ._moves import RELU_MOVES, apply_relu_move

__all__ = [
    "RELU_MOVES",
    "ReLUMLPClassifier",
    "ReLUMLPRegressor",
    "apply_relu_move",
    "hidden_activity",
]
