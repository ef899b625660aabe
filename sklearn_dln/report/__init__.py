"""The ``sklearn-dln report`` command: fit, compare and summarise."""

from ._cli import main

__all__ = ["main"]
