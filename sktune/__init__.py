"""sktune: drop-in scikit-learn hyperparameter searches."""

from sktune import refit, stats
from sktune.nested import NestedCVResult, nested_cross_validate
from sktune.search import BayesSearchCV, HyperbandSearchCV, PBTSearchCV
from sktune.space import Categorical, Integer, Real

__version__ = "0.1.0"

__all__ = [
    "BayesSearchCV",
    "Categorical",
    "HyperbandSearchCV",
    "Integer",
    "NestedCVResult",
    "PBTSearchCV",
    "Real",
    "nested_cross_validate",
    "refit",
    "stats",
    "__version__",
]
