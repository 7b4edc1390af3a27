"""The only module that imports private scikit-learn names.

scikit-learn's search machinery (``BaseSearchCV`` and its ``_run_search``
hook), its declarative parameter validation and a few array helpers live in
private modules. A scikit-learn upgrade that moves them is fixed here, in one
place.
"""

from sklearn.base import _fit_context
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils._indexing import _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import _check_method_params, _num_samples

__all__ = [
    "BaseSearchCV",
    "HasMethods",
    "Interval",
    "StrOptions",
    "_check_method_params",
    "_fit_context",
    "_num_samples",
    "_safe_indexing",
]
