"""sktune: drop-in scikit-learn hyperparameter searches."""

from sktune.search import BayesSearchCV, HyperbandSearchCV, PBTSearchCV
from sktune.space import Categorical, Integer, Real

__version__ = "0.1.0"

__all__ = [
    "BayesSearchCV",
    "Categorical",
    "HyperbandSearchCV",
    "Integer",
    "PBTSearchCV",
    "Real",
    "__version__",
]
