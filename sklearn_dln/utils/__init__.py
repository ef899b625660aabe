"""Utilities shared by the subpackages of sklearn_dln."""

from .discovery import all_estimators

__all__ = ["all_estimators"]
