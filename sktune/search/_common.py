"""Pieces shared by the search estimators."""

import gc
import sys
from contextlib import contextmanager

import numpy as np
from sklearn.base import clone

from sktune.search._resources import _final_step, _is_skorch
from sktune.space import check_search_spaces


class _FrozenCV:
    """A cross-validator that splits once and then repeats those splits.

    ``BaseSearchCV`` calls ``cv.split`` on every ``evaluate_candidates`` call,
    so a shuffling splitter without a fixed seed would score each batch of a
    sequential search on different folds: scores would not be comparable and
    paired statistics on ``split<k>_test_*`` would be invalid. Wrapping the
    cross-validator ``BaseSearchCV.fit`` checked (a generator of splits is
    already a list there) for one ``fit`` freezes the first split.
    """

    def __init__(self, checked_cv):
        self.cv = checked_cv
        self.splits_ = None

    def get_n_splits(self, X=None, y=None, groups=None, **split_params):
        if self.splits_ is not None:
            return len(self.splits_)
        return self.cv.get_n_splits(X, y, groups, **split_params)

    def split(self, X, y=None, groups=None, **split_params):
        if self.splits_ is None:
            self.splits_ = list(self.cv.split(X, y, groups, **split_params))
        yield from self.splits_


# The names existing code gives a search space under: scikit-optimize's,
# RandomizedSearchCV's (and Optuna's) and GridSearchCV's.
SPACE_NAMES = ("search_spaces", "param_distributions", "param_grid")


def resolve_space(search):
    """``(spaces, name)``: the search space, given under exactly one name.

    Every search takes its space second, or by keyword as ``search_spaces=``,
    ``param_distributions=`` or ``param_grid=``, so that a call written for
    scikit-optimize, RandomizedSearchCV, Optuna or GridSearchCV runs as is.
    """
    given = [n for n in SPACE_NAMES if getattr(search, n, None) is not None]
    if not given:
        raise ValueError(
            f"{type(search).__name__} needs a search space: pass it as the second "
            "argument, or as param_grid=, param_distributions= or search_spaces=."
        )
    if len(given) > 1:
        raise ValueError(
            f"{type(search).__name__} got a search space under several names "
            f"({', '.join(given)}); give it once."
        )
    name = given[0]
    return check_search_spaces(getattr(search, name), name), name


def check_param_names(estimator, spaces, param_name="search_spaces"):
    """Raise a ValueError if the estimator's ``set_params`` rejects a name.

    Each subspace's names are set, with a value drawn from the subspace, on a
    clone: whatever ``set_params`` accepts is valid (a pipeline step swapped
    with its parameters, skorch's routed ``module__*``, an estimator whose
    ``set_params`` takes more than ``get_params`` lists), and a typo fails
    here, before any fit, with scikit-learn's own message.
    """
    rng = np.random.RandomState(0)
    for space in spaces:
        if not space.names:
            continue
        point = space.rvs(1, rng)[0]
        try:
            trial = clone(estimator).set_params(**clone(point, safe=False))
            _check_skorch_names(trial, space.names)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise ValueError(
                f"The {param_name!r} parameter names parameters that "
                f"{type(estimator).__name__}.set_params rejects: {exc}"
            ) from exc


def _check_skorch_names(estimator, names):
    """skorch's ``set_params`` takes any ``x__y`` and checks it only when the
    net is initialised: check the routed prefix (``module__``, ``optimizer__``,
    ``callbacks__``, or one of the net's own parameters) here."""
    prefix, net = _final_step(estimator)
    if not _is_skorch(net):
        return
    own = net.get_params(deep=False)
    routed = set(getattr(net, "prefixes_", ())) | set(own)
    for name in names:
        if not name.startswith(prefix) or "__" not in name[len(prefix) :]:
            continue
        if name[len(prefix) :].split("__", 1)[0] not in routed:
            raise ValueError(
                f"Invalid parameter {name!r} for {type(net).__name__}: its prefix "
                f"routes to none of {sorted(routed)!r}."
            )


def fit_failure_message(n_fits, error_score, summary):
    """scikit-learn's FitFailedWarning text for a batch whose ``n_fits`` all
    failed, which ``BaseSearchCV`` raises as an error instead (``summary``:
    the failures as its error listed them)."""
    return (
        f"\n{n_fits} fits failed out of a total of {n_fits}.\n"
        "The score on these train-test partitions for these parameters"
        f" will be set to {error_score}.\n"
        "If these failures are not expected, you can try to debug them "
        "by setting error_score='raise'.\n\n"
        f"Below are more details about the failures:\n{summary}"
    )


def set_changed(model, before, after):
    """Set on a live ``model`` the parameters of ``after`` that are not the
    very objects ``before`` has. Setting a pipeline step, or a skorch
    ``module__*`` parameter, again (even to its value) would replace the
    fitted step or re-initialise the net."""
    changed = {k: v for k, v in after.items() if k not in before or before[k] is not v}
    if changed:
        model.set_params(**clone(changed, safe=False))


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


@contextmanager
def _torch_seeded(seed):
    """Seed torch for one task without touching the caller's RNG state.

    skorch has no random_state: weight init, dropout and shuffling draw from
    torch's global RNG. Seeding every (candidate, fold, budget) task makes a
    search reproducible and independent of n_jobs and of task order.
    BayesSearchCV seeds each batch, in the process that runs it.
    """
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


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
