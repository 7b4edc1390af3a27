"""Boosting libraries' own continuation: XGBoost, LightGBM and CatBoost.

Their scikit-learn classes have no ``warm_start``; each continues a trained
booster through its own ``fit`` argument:

- XGBoost: ``fit(..., xgb_model=previous.get_booster())`` adds
  ``n_estimators`` rounds to the previous ones;
- LightGBM: ``fit(..., init_model=previous.booster_)``, the same;
- CatBoost: a fitted model refuses ``set_params``, so a fresh copy with
  ``iterations`` set to the increment is fitted with
  ``init_model=previous``.

Early stopping (XGBoost's ``early_stopping_rounds``, LightGBM's
``early_stopping_round`` and its aliases, CatBoost's
``early_stopping_rounds`` / ``od_*``) needs an evaluation set. Unless the
user passes ``eval_set`` to ``fit``, the search holds out
:data:`VALIDATION_FRACTION` of each *training* fold (stratified for
classifiers, the same rows at every rung) and passes it as ``eval_set``:
the CV test fold is never seen before it is scored.

The libraries are imported by nobody here: a model is recognised by the
package its class comes from.
"""

import inspect

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from sktune.utils._sklearn_compat import _check_method_params, _safe_indexing

#: Share of each training fold held out for a booster's own early stopping.
VALIDATION_FRACTION = 0.1

# The parameter counting boosting rounds, first the one scikit-learn users
# know; CatBoost accepts four names for it.
_ROUNDS = {
    "xgboost": ("n_estimators",),
    "lightgbm": ("n_estimators",),
    "catboost": ("iterations", "n_estimators", "num_boost_round", "num_trees"),
}
# The libraries' own defaults, for a model whose parameter is unset (None).
_DEFAULT_ROUNDS = {"xgboost": 100, "lightgbm": 100, "catboost": 1000}
_LGBM_EARLY_STOPPING = (
    "early_stopping_round",
    "early_stopping_rounds",
    "early_stopping",
    "n_iter_no_change",
)


def _accepts(method, name):
    """Whether ``method`` names the keyword ``name`` itself. Unlike
    ``_resources._accepts``, ``**kwargs`` does not count: a user's subclass
    with ``fit(self, X, y, **kwargs)`` hands them to a parent that may not
    take ``eval_X``."""
    try:
        return name in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def library(est):
    """``"xgboost"``, ``"lightgbm"``, ``"catboost"`` or None (also for a
    user's subclass of their scikit-learn classes)."""
    if not hasattr(est, "fit"):
        return None
    for cls in type(est).__mro__:
        root = cls.__module__.split(".", 1)[0]
        if root in _ROUNDS:
            return root
    return None


def rounds_param(est):
    """The name of ``est``'s boosting-rounds parameter."""
    names = _ROUNDS[library(est)]
    params = est.get_params(deep=False)
    return next((name for name in names if name in params), names[0])


def is_rounds_param(est, name):
    lib = library(est)
    return lib is not None and name in _ROUNDS[lib]


def default_rounds(est):
    """The number of rounds ``est`` trains by itself."""
    value = est.get_params(deep=False).get(rounds_param(est))
    return _DEFAULT_ROUNDS[library(est)] if value is None else int(value)


def wants_early_stopping(est):
    """Whether ``est`` stops on an evaluation set (and needs one)."""
    params = est.get_params(deep=False)
    lib = library(est)
    if lib == "xgboost":
        return params.get("early_stopping_rounds") is not None
    if lib == "lightgbm":
        return any(
            params.get(name) is not None
            and params.get(name) is not False
            and params.get(name) > 0
            for name in _LGBM_EARLY_STOPPING
        )
    if lib == "catboost":
        return any(
            params.get(name) is not None
            for name in ("early_stopping_rounds", "od_wait", "od_type")
        )
    return False


def trained_rounds(est):
    """Rounds the fitted booster holds (fewer than asked: it stopped early)."""
    lib = library(est)
    if lib == "xgboost":
        return int(est.get_booster().num_boosted_rounds())
    if lib == "lightgbm":
        return int(est.booster_.current_iteration())
    return int(est.tree_count_)


def validation_split(y, classifier):
    """``(fit, validation)`` positions of one training fold, always the same
    for the same labels (stratified for a classifier when every class has
    two rows)."""
    n = len(y)
    positions = np.arange(n)
    stratify = None
    if classifier and y is not None:
        _, counts = np.unique(y, return_counts=True)
        n_val = int(np.ceil(VALIDATION_FRACTION * n))
        if counts.min() >= 2 and n_val >= len(counts):
            stratify = y
    fit, val = train_test_split(
        positions, test_size=VALIDATION_FRACTION, random_state=0, stratify=stratify
    )
    return np.sort(fit), np.sort(val)


def advance_booster(model, X, y, fit_params, done, budget, head_fit_params):
    """Train ``model`` (a booster, or a pipeline ending in one) from ``done``
    to ``budget`` rounds; returns ``(model, rounds it holds)``.

    ``fit_params`` are the booster's own (already routed); ``head_fit_params``
    those of a pipeline's earlier steps, which are fitted on the first call
    and only transform afterwards.
    """
    pipeline = isinstance(model, Pipeline)
    final = model[-1] if pipeline else model
    head = model[:-1] if pipeline and len(model.steps) > 1 else None
    extra = {}
    X_fit, y_fit = X, y
    given = {"eval_set", "eval_X"} & set(fit_params)
    if wants_early_stopping(final) and not given:
        fit_rows, val_rows = validation_split(y, is_classifier(final))
        X_fit, y_fit = _safe_indexing(X, fit_rows), _safe_indexing(y, fit_rows)
        X_val, y_val = _safe_indexing(X, val_rows), _safe_indexing(y, val_rows)
        fit_params = _check_method_params(X, params=fit_params, indices=fit_rows)
        head_fit_params = _check_method_params(
            X, params=head_fit_params, indices=fit_rows
        )
        if head is not None:
            if done == 0:
                head.fit(X_fit, y_fit, **head_fit_params)
            X_val = head.transform(X_val)
        if _accepts(final.fit, "eval_X"):  # LightGBM >= 4.7
            extra.update(eval_X=(X_val,), eval_y=(y_val,))
        else:
            extra["eval_set"] = [(X_val, y_val)]
        if library(final) == "xgboost" and "verbose" not in fit_params:
            extra["verbose"] = False
    if head is not None:
        if done == 0 and not extra:
            X_fit = head.fit_transform(X_fit, y_fit, **head_fit_params)
        else:
            X_fit = head.transform(X_fit)
    name = rounds_param(final)
    lib = library(final)
    if done == 0:
        final.set_params(**{name: budget})
        final.fit(X_fit, y_fit, **fit_params, **extra)
    elif lib == "catboost":
        # a fitted CatBoost model refuses set_params: a fresh copy continues it
        fresh = clone(final).set_params(**{name: budget - done})
        fresh.fit(X_fit, y_fit, init_model=final, **fit_params, **extra)
        final = fresh
        if pipeline:
            model.steps[-1] = (model.steps[-1][0], final)
        else:
            model = final
    else:
        previous = final.get_booster() if lib == "xgboost" else final.booster_
        key = "xgb_model" if lib == "xgboost" else "init_model"
        final.set_params(**{name: budget - done})
        final.fit(X_fit, y_fit, **{key: previous}, **fit_params, **extra)
    if lib != "catboost":
        final.set_params(**{name: budget})  # the model shows the rounds it has
    return model, min(budget, trained_rounds(final))
