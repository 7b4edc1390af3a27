"""Refit rules: prefer the simplest or cheapest configuration that is as good
as the best.

The candidate with the highest mean CV score is often only the luckiest. Two
rules pick, among the candidates statistically indistinguishable from the
best, the simplest one by a parameter you name (:func:`one_standard_error`,
:func:`not_significantly_worse`); two pick from the Pareto front of score and
cost (:func:`fastest_within`, :func:`knee`). Pass one as ``refit=`` to any
search, scikit-learn's included: a search calls it with ``cv_results_`` and
refits the row it returns.

For Hyperband and PBT (and scikit-learn's halving searches) only the
evaluations at the largest budget are considered.
"""

import numbers
import warnings
from collections.abc import Mapping

import numpy as np

from sktune._comparisons import (
    comparable_rows,
    pick_metric,
    resolve_sizes,
    simplest,
    split_scores,
)
from sktune._pareto import (
    column_of,
    objective_values,
    pareto_front,
    resolve_objectives,
)
from sktune._validation import check_alpha, check_sizes
from sktune.stats import corrected_ttest

__all__ = ["fastest_within", "knee", "not_significantly_worse", "one_standard_error"]


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


class _FrontRule:
    """A picklable ``refit`` callable that picks from a Pareto front."""

    def __repr__(self):
        args = [f"{name}={value!r}" for name, value in self._repr_args().items()]
        return f"{self._name}({', '.join(args)})"


class _FastestWithin(_FrontRule):
    _name = "fastest_within"

    def __init__(self, tolerance, relative, scoring, cost):
        if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real):
            raise TypeError(
                "The 'tolerance' parameter must be a non-negative number (score "
                f"points, or a fraction of the best with relative=True); got "
                f"{tolerance!r}."
            )
        if not np.isfinite(tolerance) or tolerance < 0:
            raise ValueError(
                "The 'tolerance' parameter must be a non-negative number (score "
                f"points, or a fraction of the best with relative=True); got "
                f"{tolerance!r}."
            )
        if not isinstance(relative, bool):
            raise TypeError(
                f"The 'relative' parameter must be True or False; got {relative!r}."
            )
        if scoring is not None and not isinstance(scoring, str):
            raise TypeError(
                f"The 'scoring' parameter must be a metric name or None; got "
                f"{scoring!r}."
            )
        if not isinstance(cost, str) or not cost:
            raise TypeError(
                "The 'cost' parameter must be a cv_results_ column such as "
                f"'mean_fit_time' or 'mean_score_time'; got {cost!r}."
            )
        self.tolerance = tolerance
        self.relative = relative
        self.scoring = scoring
        self.cost = cost

    def _repr_args(self):
        return {
            "tolerance": self.tolerance,
            "relative": self.relative,
            "scoring": self.scoring,
            "cost": self.cost,
        }

    def __call__(self, cv_results):
        score = f"mean_test_{pick_metric(cv_results, self.scoring)}"
        cost = column_of(cv_results, self.cost, "cost")
        if cost == score:
            raise ValueError(
                f"The 'cost' parameter {self.cost!r} is the score itself; name a "
                "time or another column to minimise."
            )
        rows, values = objective_values(cv_results, [score, cost], ["scoring", "cost"])
        scores, costs = values[:, 0], values[:, 1]
        best = scores.max()
        margin = self.tolerance * abs(best) if self.relative else self.tolerance
        # a hair of slack so that 0.9 - 0.005 admits a score of 0.895
        near = scores >= best - margin - 1e-12 * max(1.0, abs(best))
        # cheapest, then higher score, then first row: a point of the front
        order = np.lexsort((rows, -scores, costs))
        return int(rows[order[near[order]][0]])


class _Knee(_FrontRule):
    _name = "knee"

    def __init__(self, objectives):
        if isinstance(objectives, Mapping):
            names, directions = list(objectives), list(objectives.values())
        elif isinstance(objectives, (list, tuple)):
            names, directions = list(objectives), []
        else:
            raise TypeError(
                "The 'objectives' parameter must be a dict of two names -> "
                f"'max'/'min' or a list of two names; got {objectives!r}."
            )
        if len(names) != 2:
            raise ValueError(
                "The 'objectives' parameter must name exactly two objectives "
                f"(a knee is a point of a two-objective front); got {names!r}."
            )
        for name in names:
            if not isinstance(name, str):
                raise TypeError(
                    "The 'objectives' parameter must name columns by strings; "
                    f"got {name!r}."
                )
        for name, direction in zip(names, directions):
            if direction not in ("max", "min"):
                raise ValueError(
                    f"The 'objectives' parameter's direction for {name!r} must be "
                    f"'max' or 'min'; got {direction!r}."
                )
        self.objectives = objectives

    def _repr_args(self):
        return {"objectives": self.objectives}

    def __call__(self, cv_results):
        columns, directions = resolve_objectives(cv_results, self.objectives)
        front = pareto_front(cv_results, dict(zip(columns, directions)))
        # min-max normalise on the front, 1 = best: the extremes become (1, 0)
        # and (0, 1), and the distance to the line through them grows with
        # x + y.
        goodness = []
        for column, direction in zip(columns, directions):
            values = front[column]
            low, high = values.min(), values.max()
            if high == low:
                goodness.append(np.ones_like(values))
                continue
            scaled = (values - low) / (high - low)
            goodness.append(scaled if direction == "max" else 1.0 - scaled)
        return int(front["index"][np.argmax(goodness[0] + goodness[1])])


def fastest_within(tolerance, *, relative=False, scoring=None, cost="mean_fit_time"):
    """Refit the cheapest candidate whose score is within a tolerance of the best.

    Among the candidates whose mean test score is at least ``best -
    tolerance`` (or ``best - tolerance * |best|`` with ``relative=True``),
    the one with the lowest ``cost`` is refitted; ties go to the higher
    score, then to the earlier row. The chosen candidate is a point of the
    Pareto front of (score, cost) (:func:`sktune.pareto_front`).

    Parameters
    ----------
    tolerance : float
        How much score to give up. Absolute by default, in the score's own
        units: ``0.005`` with accuracy admits candidates within half a
        percentage point of the best. With ``relative=True`` a fraction of
        the best score: ``0.005`` admits candidates within 0.5% of it.
    relative : bool, default=False
        Whether ``tolerance`` is a fraction of the best score's magnitude.
    scoring : str, default=None
        The metric of a multi-metric search to use; needed when the search
        has several.
    cost : str, default="mean_fit_time"
        The ``cv_results_`` column to minimise: ``"mean_fit_time"``,
        ``"mean_score_time"`` (prediction time, for a model that must answer
        fast), or any numeric column such as ``"param_n_estimators"``
        (``"fit_time"`` and ``"score_time"`` are accepted too).

    Returns
    -------
    rule : callable
        ``rule(cv_results) -> int``, for ``refit=``. Picklable.

    See Also
    --------
    knee : the knee of a two-objective front.
    one_standard_error : a statistical rather than a fixed tolerance.

    Notes
    -----
    For Hyperband, PBT and halving searches only the evaluations at the
    largest budget are considered; failed fits (NaN scores) never are. CV
    times are noisy, more so on a busy machine: candidates whose times
    differ by a few percent are not reliably ordered.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sktune.refit import fastest_within
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> rule = fastest_within(0.005, scoring="accuracy", cost="param_n_estimators")
    >>> search = GridSearchCV(
    ...     RandomForestClassifier(random_state=0),
    ...     {"n_estimators": [5, 10, 20, 50, 100]},
    ...     scoring={"accuracy": "accuracy", "f1": "f1"},
    ...     refit=rule,
    ... ).fit(X, y)
    >>> search.best_params_
    {'n_estimators': 50}
    """
    return _FastestWithin(tolerance, relative, scoring, cost)


def knee(objectives):
    """Refit the knee of a two-objective Pareto front.

    The front of the two objectives (:func:`sktune.pareto_front`) is
    min-max normalised so that each objective runs from 0 (worst on the
    front) to 1 (best); the two extremes of the front then sit at (1, 0)
    and (0, 1), and the knee is the candidate farthest from the line
    through them on the side of the ideal point (1, 1): where trading one
    objective for the other stops paying. Ties, and fronts with no point
    beyond the line (concave or with two points), go to the candidate best
    at the first objective.

    Parameters
    ----------
    objectives : dict or list of two str
        The two objectives, as in :func:`sktune.pareto_front`:
        ``{"accuracy": "max", "mean_fit_time": "min"}``, or
        ``["accuracy", "fit_time"]`` with scores maximised and times
        minimised.

    Returns
    -------
    rule : callable
        ``rule(cv_results) -> int``, for ``refit=``. Picklable.

    See Also
    --------
    fastest_within : the cheapest candidate within a tolerance of the best.

    Notes
    -----
    The knee depends on the candidates' spread: it is a point of the front
    the search happened to find, normalised by that front's own range. For
    Hyperband, PBT and halving searches only the evaluations at the largest
    budget are considered.

    References
    ----------
    Satopaa, V., Albrecht, J., Irwin, D. and Raghavan, B. (2011). Finding a
    "kneedle" in a haystack: detecting knee points in system behavior. ICDCS
    Workshops, 166-171.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from sktune.refit import knee
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> rule = knee({"precision": "max", "recall": "max"})
    >>> search = GridSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": [1, 2, 3, 4, 6, 8]},
    ...     scoring=["precision", "recall"],
    ...     refit=rule,
    ... ).fit(X, y)
    >>> search.best_params_
    {'max_depth': 2}
    """
    return _Knee(objectives)
