"""Solution manifolds and hidden representations of two-layer networks.

``sklearn_dln`` builds, in closed form, the four regions of global minima of a
two-layer linear network described by Braun, Grant & Saxe (ICML 2025), and
gives scikit-learn estimators, transformers and analysis functions for
comparing the hidden representations of such networks.
"""

from .analysis import (
    compute_rdm,
    compute_rsm,
    compute_task_rsm,
    diagnose_solution,
    expected_loss_input_noise,
    expected_loss_parameter_noise,
    linear_predictivity,
    measure_relu_robustness,
    minimize_secondary_error,
    rsa,
    task_specificity,
)
from .linear import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor
from .relu import ReLUMLPClassifier, ReLUMLPRegressor, apply_relu_move, hidden_activity
from .transformers import FunctionPreservingReshaper, ManifoldWalker

__version__ = "0.1.0"

__all__ = [
    "FunctionPreservingReshaper",
    "GLSRegressor",
    "LSSRegressor",
    "MRNSRegressor",
    "MWNSRegressor",
    "ManifoldWalker",
    "ReLUMLPClassifier",
    "ReLUMLPRegressor",
    "apply_relu_move",
    "hidden_activity",
    "__version__",
    "compute_rdm",
    "compute_rsm",
    "compute_task_rsm",
    "diagnose_solution",
    "expected_loss_input_noise",
    "expected_loss_parameter_noise",
    "linear_predictivity",
    "measure_relu_robustness",
    "minimize_secondary_error",
    "rsa",
    "task_specificity",
]
