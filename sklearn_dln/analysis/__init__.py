"""Comparison of hidden representations, and regions of the solution manifold."""

from ._diagnosis import (
    SolutionDiagnosis,
    compute_task_rsm,
    diagnose_solution,
    task_specificity,
)
from ._drift import decoder_drift
from ._network import LinearNetwork
from ._noise import expected_loss_input_noise, expected_loss_parameter_noise
from ._predictivity import linear_predictivity
from ._relu_robustness import ROBUSTNESS_VARIANTS, measure_relu_robustness
from ._rsa import compute_rdm, compute_rsm, rsa
from ._secondary import SecondaryErrorSolution, minimize_secondary_error

__all__ = [
    "LinearNetwork",
    "ROBUSTNESS_VARIANTS",
    "SecondaryErrorSolution",
    "SolutionDiagnosis",
    "compute_rdm",
    "compute_rsm",
    "compute_task_rsm",
    "decoder_drift",
    "diagnose_solution",
    "expected_loss_input_noise",
    "expected_loss_parameter_noise",
    "linear_predictivity",
    "measure_relu_robustness",
    "minimize_secondary_error",
    "rsa",
    "task_specificity",
]
