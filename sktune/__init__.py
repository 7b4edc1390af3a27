"""sktune: drop-in scikit-learn hyperparameter searches."""

from sktune import importance, plot, refit, stats
from sktune._lr_range import LRRangeResult, lr_range_test
from sktune._pareto import pareto_front
from sktune.nested import NestedCVResult, nested_cross_validate
from sktune.search import BayesSearchCV, HyperbandSearchCV, PBTSearchCV
from sktune.space import Categorical, Integer, Real

__version__ = "0.1.0"

__all__ = [
    "BayesSearchCV",
    "Categorical",
    "HyperbandSearchCV",
    "Integer",
    "LRRangeResult",
    "NestedCVResult",
    "PBTSearchCV",
    "Real",
    "importance",
    "lr_range_test",
    "nested_cross_validate",
    "pareto_front",
    "plot",
    "refit",
    "stats",
    "__version__",
]
