"""Proposal strategies: the Gaussian-process optimiser, usable on its own.

This package imports no estimator and no joblib: it proposes points and
learns from their scores, nothing more.
"""

from sktune.optimize.optimizer import Optimizer

__all__ = ["Optimizer"]
