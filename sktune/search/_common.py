"""Pieces shared by the search estimators."""

import gc
import sys

import numpy as np
from sklearn.base import is_classifier
from sklearn.model_selection import check_cv


class _FrozenCV:
    """A cross-validator that splits once and then repeats those splits.

    ``BaseSearchCV`` calls ``cv.split`` on every ``evaluate_candidates`` call,
    so a shuffling splitter without a fixed seed would score each batch of a
    sequential search on different folds: scores would not be comparable and
    paired statistics on ``split<k>_test_*`` would be invalid. Wrapping the
    user's ``cv`` in this object for one ``fit`` freezes the first split.
    """

    def __init__(self, cv, estimator):
        self.cv = cv
        self.classifier = is_classifier(estimator)
        self.splits_ = None

    def _checked(self, y):
        return check_cv(self.cv, y, classifier=self.classifier)

    def get_n_splits(self, X=None, y=None, groups=None, **split_params):
        if self.splits_ is not None:
            return len(self.splits_)
        return self._checked(y).get_n_splits(X, y, groups, **split_params)

    def split(self, X, y=None, groups=None, **split_params):
        if self.splits_ is None:
            self.splits_ = list(self._checked(y).split(X, y, groups, **split_params))
        yield from self.splits_


def _routes_prefix(owner, part):
    """Whether ``owner`` (a skorch net) routes ``part__*`` parameters itself.

    skorch declares routed prefixes in ``prefixes_`` and also routes
    ``module__*``, ``criterion__*`` and ``optimizer__*`` to the objects its
    own parameters of those names build.
    """
    prefixes = getattr(owner, "prefixes_", None)
    if prefixes is None:
        return False
    return part in prefixes or part in owner.get_params(deep=False)


def check_param_names(estimator, spaces):
    """Raise a ValueError naming any searched parameter the estimator lacks.

    A name is valid when ``estimator.get_params(deep=True)`` has it, when a
    prefix of it is searched in the same subspace (swapping a pipeline step
    together with that step's parameters, as ``GridSearchCV`` allows), or
    when the owning object routes it (skorch's ``module__``, ``optimizer__``,
    ``callbacks__``, ...).
    """
    params = estimator.get_params(deep=True)
    for space in spaces:
        for name in space.names:
            if name in params:
                continue
            parts = name.split("__")
            prefixes = ["__".join(parts[:i]) for i in range(1, len(parts))]
            if any(p in space.names for p in prefixes):
                continue
            owners = [estimator] + [params.get(p) for p in prefixes]
            if any(
                _routes_prefix(owner, part) for owner, part in zip(owners, parts[:-1])
            ):
                continue
            raise ValueError(
                f"Invalid parameter {name!r} in the search space for estimator "
                f"{type(estimator).__name__}. Valid parameters are: "
                f"{sorted(params)!r}."
            )


def score_key(results, refit):
    """The ``cv_results_`` key of the mean score a sequential search maximises.

    The metric named by ``refit`` when it names one; otherwise the single
    metric, or the first of several (``refit`` callable or False).
    """
    if isinstance(refit, str) and f"mean_test_{refit}" in results:
        return f"mean_test_{refit}"
    if "mean_test_score" in results:
        return "mean_test_score"
    return next(k for k in results if k.startswith("mean_test_"))


def finite_or_error_score(scores, error_score):
    """``(scores, replaced)``: NaN or infinite scores become ``error_score``.

    A diverged model (a net whose loss blew up, a regressor predicting inf)
    often scores NaN or inf without raising; the search records it like a
    failed fit, with the user's ``error_score`` (only when that is a number).
    """
    if isinstance(error_score, str) or not np.isfinite(error_score):
        return scores, False
    if isinstance(scores, dict):
        fixed = {k: finite_or_error_score(v, error_score)[0] for k, v in scores.items()}
        return fixed, fixed != scores
    if scores is not None and not np.isfinite(scores):
        return error_score, True
    return scores, False


def release_cuda():
    """Return cached CUDA memory of finished, dropped or failed nets."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        gc.collect()
        torch.cuda.empty_cache()


def mean_test_scores(outs, n_candidates, refit):
    """Mean test score of each candidate from its per-fold records.

    ``outs`` are ``_fit_and_score``-style records, fold by fold within each
    candidate (None: every fit of the batch failed). The metric is the one
    named by ``refit`` when the scores are a dict, else the first.
    """
    if outs is None:
        return np.full(n_candidates, np.nan)
    names = next(
        (list(o["test_scores"]) for o in outs if isinstance(o["test_scores"], dict)),
        None,
    )
    key = None
    if names is not None:
        key = refit if isinstance(refit, str) and refit in names else names[0]
    values = []
    for out in outs:
        value = out["test_scores"]
        if isinstance(value, dict):
            value = value.get(key, np.nan)
        values.append(np.nan if value is None else value)
    values = np.asarray(values, dtype=float).reshape(n_candidates, -1)
    with np.errstate(invalid="ignore"):
        return values.mean(axis=1)
