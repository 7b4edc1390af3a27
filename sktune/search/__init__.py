"""The scikit-learn search estimators."""

from sktune.search._bayes import BayesSearchCV
from sktune.search._hyperband import HyperbandSearchCV
from sktune.search._pbt import PBTSearchCV

__all__ = ["BayesSearchCV", "HyperbandSearchCV", "PBTSearchCV"]
