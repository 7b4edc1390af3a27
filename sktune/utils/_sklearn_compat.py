"""The only module that imports private scikit-learn names.

scikit-learn's search machinery (``BaseSearchCV`` and its ``_run_search``
hook), its declarative parameter validation and a few array helpers live in
private modules. A scikit-learn upgrade that moves them is fixed here, in one
place.
"""

from contextlib import contextmanager

from sklearn.base import _fit_context
from sklearn.model_selection._search import BaseSearchCV
from sklearn.model_selection._validation import (
    _fit_and_score,
    _insert_error_scores,
    _warn_or_raise_about_fit_failures,
)
from sklearn.utils._indexing import _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.validation import _check_method_params, _num_samples


class _NoCallbacks:
    """Stands for a scikit-learn callback context where there is none
    (scikit-learn < 1.9): every hook does nothing."""

    def subcontext(self, **kwargs):
        return self

    def call_on_fit_task_begin(self, **kwargs):
        return self

    def call_on_fit_task_end(self, **kwargs):
        return False

    @contextmanager
    def propagate_callback_context(self, sub_estimator):
        yield


def init_callback_context(search, max_subtasks):
    """The root callback context of ``search.fit`` (scikit-learn >= 1.9)."""
    if not hasattr(search, "_init_callback_context"):
        return _NoCallbacks()
    return search._init_callback_context(max_subtasks=max_subtasks)


__all__ = [
    "init_callback_context",
    "BaseSearchCV",
    "HasMethods",
    "Interval",
    "StrOptions",
    "_check_method_params",
    "_fit_and_score",
    "_fit_context",
    "_insert_error_scores",
    "_num_samples",
    "_safe_indexing",
    "_safe_split",
    "_warn_or_raise_about_fit_failures",
]
