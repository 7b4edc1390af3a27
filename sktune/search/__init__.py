"""The scikit-learn search estimators."""

from sktune.search._bayes import BayesSearchCV

__all__ = ["BayesSearchCV"]
