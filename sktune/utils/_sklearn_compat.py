"""The only module that imports private scikit-learn names.

scikit-learn's search machinery (``BaseSearchCV`` and its ``_run_search``
hook), its declarative parameter validation and a few array helpers live in
private modules. A scikit-learn upgrade that moves them is fixed here, in one
place.
"""

from contextlib import contextmanager

from sklearn.base import _fit_context, is_classifier
from sklearn.model_selection import check_cv
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils._indexing import _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.validation import _check_method_params, _num_samples


def checked_cv(search, y):
    """The cross-validator ``BaseSearchCV.fit`` checked before ``_run_search``
    (scikit-learn >= 1.8 keeps it), else ``search.cv`` checked again."""
    checked = getattr(search, "_checked_cv_orig", None)
    if checked is None:
        checked = check_cv(search.cv, y, classifier=is_classifier(search.estimator))
    return checked


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
    "checked_cv",
    "init_callback_context",
    "BaseSearchCV",
    "HasMethods",
    "Interval",
    "StrOptions",
    "_check_method_params",
    "_fit_context",
    "_num_samples",
    "_safe_indexing",
    "_safe_split",
]
