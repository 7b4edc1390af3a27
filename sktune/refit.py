"""Refit rules: prefer the simplest configuration that is as good as the best.

The candidate with the highest mean CV score is often only the luckiest. These
rules pick, among the candidates statistically indistinguishable from the
best, the simplest one by a parameter you name. Pass one as ``refit=`` to any
search, scikit-learn's included: a search calls it with ``cv_results_`` and
refits the row it returns.

For Hyperband and PBT (and scikit-learn's halving searches) only the
evaluations at the largest budget are considered.
"""

import warnings

import numpy as np

from sktune._comparisons import (
    comparable_rows,
    pick_metric,
    resolve_sizes,
    simplest,
    split_scores,
)
from sktune._validation import check_alpha, check_sizes
from sktune.stats import corrected_ttest

__all__ = ["not_significantly_worse", "one_standard_error"]


class _Rule:
    """A picklable ``refit`` callable (closures would not pickle)."""

    def __init__(self, param, prefer, scoring):
        if not isinstance(param, str) or not param:
            raise TypeError(
                f"The 'param' parameter must be a parameter name such as 'C' or "
                f"'clf__alpha'; got {param!r}."
            )
        if not (callable(prefer) or prefer in ("min", "max")):
            raise ValueError(
                "The 'prefer' parameter must be 'min', 'max' or a function mapping "
                f"a value to its complexity (lower is simpler); got {prefer!r}."
            )
        if scoring is not None and not isinstance(scoring, str):
            raise TypeError(
                f"The 'scoring' parameter must be a metric name or None; got "
                f"{scoring!r}."
            )
        self.param = param[len("param_") :] if param.startswith("param_") else param
        self.prefer = prefer
        self.scoring = scoring

    def _metric(self, results):
        return pick_metric(results, self.scoring)

    def _values(self, results):
        key = f"param_{self.param}"
        if key not in results:
            names = sorted(
                k[len("param_") :] for k in results if k.startswith("param_")
            )
            raise ValueError(
                f"The 'param' parameter {self.param!r} is not a searched parameter; "
                f"expected one of {names!r}."
            )
        column = results[key]
        mask = np.ma.getmaskarray(column)
        return [None if m else v for v, m in zip(np.ma.getdata(column), mask)]

    def __call__(self, cv_results):
        metric = self._metric(cv_results)
        values = self._values(cv_results)
        rows, best = comparable_rows(cv_results, metric)
        means = np.asarray(cv_results[f"mean_test_{metric}"], dtype=float)
        eligible = [
            row
            for row in self._eligible(cv_results, metric, rows, best)
            if values[row] is not None
        ]
        if not eligible:
            return best
        return simplest(eligible, values, means, self.prefer, self.param)

    def __repr__(self):
        args = [repr(self.param)] + [
            f"{name}={value!r}" for name, value in self._repr_args().items()
        ]
        return f"{self._name}({', '.join(args)})"


class _OneStandardError(_Rule):
    _name = "one_standard_error"

    def __init__(self, param, prefer, scoring):
        super().__init__(param, prefer, scoring)

    def _repr_args(self):
        return {"prefer": self.prefer, "scoring": self.scoring}

    def _eligible(self, results, metric, rows, best):
        scores = split_scores(results, metric)[best]
        se = np.std(scores, ddof=1) / np.sqrt(scores.size) if scores.size > 1 else 0.0
        means = np.asarray(results[f"mean_test_{metric}"], dtype=float)
        return [row for row in rows if means[row] >= means[best] - se]


class _NotSignificantlyWorse(_Rule):
    _name = "not_significantly_worse"

    def __init__(self, param, prefer, alpha, scoring, n_train, n_test):
        super().__init__(param, prefer, scoring)
        check_alpha(alpha)
        resolve_sizes(n_train, n_test, "k-fold", 2, "not_significantly_worse")
        if n_train is not None:
            check_sizes(n_train, n_test)
        self.alpha = alpha
        self.n_train = n_train
        self.n_test = n_test

    def _repr_args(self):
        return {
            "prefer": self.prefer,
            "alpha": self.alpha,
            "scoring": self.scoring,
            "n_train": self.n_train,
            "n_test": self.n_test,
        }

    def _eligible(self, results, metric, rows, best):
        scores = split_scores(results, metric)
        if self.n_train is None:
            k = scores.shape[1]
            warnings.warn(
                "not_significantly_worse sees only cv_results_, which does not say "
                f"how large the training and test sets were: it assumes {k}-fold "
                f"splits (n_test / n_train = 1 / {k - 1}). With repeated or "
                "shuffled splits that is wrong and changes the choice: pass "
                "n_train= and n_test= (rows per split) to the rule.",
                UserWarning,
                stacklevel=4,
            )
        n_train, n_test = resolve_sizes(
            self.n_train,
            self.n_test,
            "k-fold",
            scores.shape[1],
            "not_significantly_worse",
        )
        eligible = []
        for row in rows:
            if row == best:
                eligible.append(row)
                continue
            test = corrected_ttest(
                scores[row],
                scores[best],
                n_train=n_train,
                n_test=n_test,
                alternative="less",
            )
            if test.pvalue >= self.alpha:
                eligible.append(row)
        return eligible


def one_standard_error(param, *, prefer="min", scoring=None):
    """Refit the simplest candidate within one standard error of the best.

    Breiman et al.'s one-standard-error rule: take the best mean CV score,
    subtract the standard error of the best candidate's split scores,
    ``std(split scores, ddof=1) / sqrt(n_splits)``, and among the candidates
    whose mean reaches that threshold choose the simplest by ``param``.

    Parameters
    ----------
    param : str
        The searched parameter that measures complexity (``"C"``,
        ``"clf__max_depth"``; ``"param_C"`` is accepted too).
    prefer : {"min", "max"} or callable, default="min"
        ``"min"``: smaller values are simpler (``C``, ``max_depth``,
        ``n_estimators``); ``"max"``: larger values are simpler (``alpha``,
        ``min_samples_leaf``); a function maps a value to its complexity,
        lower being simpler (``lambda sizes: sum(sizes)``). Ties go to the
        higher mean score.
    scoring : str, default=None
        The metric of a multi-metric search to use.

    Returns
    -------
    rule : callable
        ``rule(cv_results) -> int``, for ``refit=``. Picklable.

    Notes
    -----
    scikit-learn's example "Balance model complexity and cross-validated
    score" subtracts ``std_test_score`` (one standard *deviation* of the split
    scores, ``ddof=0``), which is ``sqrt(n_splits)`` times wider with 5 folds
    and so prefers far simpler models. The standard error of the mean is
    what the rule of Breiman et al. (1984) and Hastie et al. (2009, 7.10)
    uses. Candidates without ``param`` (another branch of a conditional
    space) are not chosen unless they are the best.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sktune.refit import one_standard_error
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), LogisticRegression())
    >>> grid = {"logisticregression__C": [0.001, 0.01, 0.1, 1, 10, 100]}
    >>> search = GridSearchCV(
    ...     model, grid, refit=one_standard_error("logisticregression__C")
    ... ).fit(X, y)
    >>> search.best_params_
    {'logisticregression__C': 1}
    """
    return _OneStandardError(param, prefer, scoring)


def not_significantly_worse(
    param, *, prefer="min", alpha=0.05, scoring=None, n_train=None, n_test=None
):
    """Refit the simplest candidate not significantly worse than the best.

    Each candidate's split scores are tested against the best's with the
    one-sided corrected resampled t-test
    (:func:`sktune.stats.corrected_ttest`, ``alternative="less"``); among
    those whose p-value is at least ``alpha``, the simplest by ``param`` is
    chosen.

    Parameters
    ----------
    param : str
        The searched parameter that measures complexity.
    prefer : {"min", "max"} or callable, default="min"
        As in :func:`one_standard_error`.
    alpha : float, default=0.05
        Significance level.
    scoring : str, default=None
        The metric of a multi-metric search to use.
    n_train, n_test : float, default=None
        Training and test rows per split. By default the splits are taken to
        be k-fold (``n_test / n_train = 1 / (k - 1)`` with k the number of
        split columns), with a warning that says so: ``cv_results_`` does not
        record the sizes. Pass them for shuffle splits or repeated k-fold.

    Returns
    -------
    rule : callable
        ``rule(cv_results) -> int``, for ``refit=``. Picklable.

    Notes
    -----
    The p-values are not adjusted for multiple comparisons: the rule asks of
    each candidate whether the evidence against it is strong, and adjusting
    would only admit more candidates. The uncorrected fold t-test would
    admit far fewer (it is over-confident with overlapping training sets).

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sktune.refit import not_significantly_worse
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), LogisticRegression())
    >>> grid = {"logisticregression__C": [0.001, 0.01, 0.1, 1, 10, 100]}
    >>> rule = not_significantly_worse("logisticregression__C")
    >>> search = GridSearchCV(model, grid, refit=rule).fit(X, y)
    >>> search.best_params_
    {'logisticregression__C': 0.1}
    """
    return _NotSignificantlyWorse(param, prefer, alpha, scoring, n_train, n_test)
