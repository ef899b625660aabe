"""Closed-form solutions of two-layer linear networks and their task pieces."""

from ._decomposition import TaskDecomposition, decompose_task
from ._regions import REGIONS
from ._solutions import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor

__all__ = [
    "REGIONS",
    "GLSRegressor",
    "LSSRegressor",
    "MRNSRegressor",
    "MWNSRegressor",
    "TaskDecomposition",
    "decompose_task",
]
