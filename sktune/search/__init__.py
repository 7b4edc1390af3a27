"""The scikit-learn search estimators."""

from sktune.search._bayes import BayesSearchCV
from sktune.search._hyperband import HyperbandSearchCV

__all__ = ["BayesSearchCV", "HyperbandSearchCV"]
