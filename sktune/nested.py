"""Nested cross-validation: an honest estimate of a tuned model's score.

A search's ``best_score_`` is optimistic: it is the maximum of many noisy
estimates on the same folds. Nested cross-validation tunes on the training
part of each outer fold and scores the tuned model on the outer test part,
which the search never saw.
"""

import numbers
import os
import warnings
from collections import Counter

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import (
    RepeatedKFold,
    RepeatedStratifiedKFold,
    check_cv,
    cross_val_score,
)

from sktune.utils._sklearn_compat import _num_samples, _safe_indexing

__all__ = [
    "NestedCVResult",
    "NestedComparison",
    "nested_cross_validate",
    "scores_5x2cv",
]


class NestedComparison:
    """Two nested CV results compared on the same outer folds.

    Attributes
    ----------
    mean_difference : float
        Mean outer score of the first minus the second.
    ttest : sktune.stats.TestResult
        The corrected resampled t-test (two-sided unless asked otherwise).
    bayesian : sktune.stats.BayesianResult
        The correlated Bayesian t-test: ``p_a_better`` is the probability
        that the first is better by more than ``rope``.
    """

    def __init__(self, mean_difference, ttest, bayesian):
        self.mean_difference = mean_difference
        self.ttest = ttest
        self.bayesian = bayesian

    @property
    def statistic(self):
        """The corrected t statistic."""
        return self.ttest.statistic

    @property
    def pvalue(self):
        """The corrected t-test's p-value."""
        return self.ttest.pvalue

    @property
    def p_a_better(self):
        """Posterior probability that the first result's model is better."""
        return self.bayesian.p_a_better

    @property
    def p_rope(self):
        """Posterior probability that both are practically equivalent."""
        return self.bayesian.p_rope

    @property
    def p_b_better(self):
        """Posterior probability that the second result's model is better."""
        return self.bayesian.p_b_better

    def __repr__(self):
        return (
            f"NestedComparison(mean_difference={self.mean_difference:.4g}, "
            f"pvalue={self.ttest.pvalue:.4g}, "
            f"p_a_better={self.bayesian.p_a_better:.3f}, "
            f"p_rope={self.bayesian.p_rope:.3f}, "
            f"p_b_better={self.bayesian.p_b_better:.3f})"
        )


class NestedCVResult:
    """What :func:`nested_cross_validate` found.

    Attributes
    ----------
    outer_scores_ : ndarray of shape (n_outer_splits,)
        Score of each outer fold's tuned model on that fold's test rows.
    inner_best_scores_ : ndarray of shape (n_outer_splits,)
        Each inner search's best mean CV score (its ``best_score_``).
    optimism_ : float
        ``mean(inner_best_scores_) - mean(outer scores)``: how much the
        search's own estimate flatters the tuned model, both on the search's
        own metric (scored on the outer folds besides ``scoring`` when that
        differs); nan when the search has several metrics and no refit name.
    best_params_per_fold_ : list of dict
        Each outer fold's chosen hyperparameters, plain Python values.
    param_stability_ : dict
        For each hyperparameter: ``values`` (fold order), ``n_unique``,
        ``most_common``, ``most_common_share`` (fraction of folds) and for
        numbers ``min``, ``median``, ``max``. One value chosen in every fold
        means a stable choice; a spread means the data do not pin it down.
    splits_ : list of (ndarray, ndarray)
        The outer (train, test) row indices.
    n_train_, n_test_ : ndarray of shape (n_outer_splits,)
        Rows per outer training and test set.
    estimators_ : list of fitted searches or None
        With ``return_estimators=True``.
    scoring_ : str
        What ``outer_scores_`` measure.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn.svm import SVC
    >>> from sktune import nested_cross_validate
    >>> X, y = load_iris(return_X_y=True)
    >>> svm = nested_cross_validate(GridSearchCV(SVC(), {"C": [0.1, 1]}, cv=3), X, y)
    >>> knn = nested_cross_validate(
    ...     GridSearchCV(KNeighborsClassifier(), {"n_neighbors": [3, 9]}, cv=3), X, y
    ... )
    >>> comparison = svm.compare(knn)
    >>> 0.0 <= comparison.pvalue <= 1.0
    True
    """

    def __init__(self, **attributes):
        for name, value in attributes.items():
            setattr(self, name, value)

    def __repr__(self):
        return (
            f"NestedCVResult(outer={np.mean(self.outer_scores_):.4f} "
            f"+/- {np.std(self.outer_scores_):.4f}, "
            f"inner_best={np.mean(self.inner_best_scores_):.4f}, "
            f"optimism={self.optimism_:.4f}, n_splits={len(self.splits_)})"
        )

    def compare(self, other, *, alternative="two-sided", rope=0.0):
        """Test this result's outer scores against ``other``'s, fold by fold.

        Both must come from the same outer splits (pass the same ``outer_cv``,
        a fixed int or a splitter with a fixed ``random_state``, and the same
        data); the scores are then paired and their correlation through
        overlapping training sets is corrected for (Nadeau and Bengio).

        Parameters
        ----------
        other : NestedCVResult
        alternative : {"two-sided", "greater", "less"}, default="two-sided"
            ``"greater"``: this result's model scores higher.
        rope : float, default=0.0
            Region of practical equivalence for the Bayesian probabilities.

        Returns
        -------
        comparison : NestedComparison
        """
        from sktune.stats import bayesian_correlated_ttest, corrected_ttest

        if not isinstance(other, NestedCVResult):
            raise TypeError(
                "The 'other' parameter must be a NestedCVResult; got "
                f"{type(other).__name__}."
            )
        if len(self.splits_) != len(other.splits_) or not all(
            np.array_equal(a_test, b_test) and np.array_equal(a_train, b_train)
            for (a_train, a_test), (b_train, b_test) in zip(self.splits_, other.splits_)
        ):
            raise ValueError(
                "The two nested CV results were computed on different outer folds, "
                "so their scores are not paired; run both with the same outer_cv "
                "(an int, or a splitter with a fixed random_state) on the same data."
            )
        if self.scoring_ != other.scoring_:
            raise ValueError(
                f"The two nested CV results measure different scores "
                f"({self.scoring_!r} and {other.scoring_!r})."
            )
        n_train = float(np.mean(self.n_train_))
        n_test = float(np.mean(self.n_test_))
        a, b = self.outer_scores_, other.outer_scores_
        return NestedComparison(
            mean_difference=float(np.mean(a) - np.mean(b)),
            ttest=corrected_ttest(
                a, b, n_train=n_train, n_test=n_test, alternative=alternative
            ),
            bayesian=bayesian_correlated_ttest(
                a, b, n_train=n_train, n_test=n_test, rope=rope
            ),
        )


def _plain(value):
    """numpy scalars to Python scalars, for readable, comparable dicts."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _outer_scorer(search, scoring):
    """``(name, scorer)`` for the outer folds."""
    if scoring is None:
        inner = search.scoring
        if inner is None or isinstance(inner, str) or callable(inner):
            return ("score" if inner is None else _scorer_name(inner)), check_scoring(
                search.estimator, scoring=inner
            )
        refit = search.refit
        if not isinstance(refit, str):
            raise ValueError(
                "The search has several metrics and no refit metric name; pass "
                "scoring= to nested_cross_validate to say what to score the outer "
                "folds with."
            )
        metrics = inner if isinstance(inner, dict) else {name: name for name in inner}
        return refit, check_scoring(search.estimator, scoring=metrics[refit])
    if not (isinstance(scoring, str) or callable(scoring)):
        raise TypeError(
            "The 'scoring' parameter must be a metric name, a scorer or None; got "
            f"{scoring!r}."
        )
    return _scorer_name(scoring), check_scoring(search.estimator, scoring=scoring)


def _scorer_name(scoring):
    """A name that tells metrics apart: two ``make_scorer`` objects (or two
    functions) of different metrics must not compare as the same "score"."""
    if isinstance(scoring, str):
        return scoring
    name = getattr(scoring, "__qualname__", None)
    if name is not None:
        return f"{getattr(scoring, '__module__', '')}.{name}"
    return repr(scoring)


def _fit_fold(search, X, y, train, test, groups, fit_params, scorers, fold):
    X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
    y_train = None if y is None else _safe_indexing(y, train)
    y_test = None if y is None else _safe_indexing(y, test)
    params = {}
    if groups is not None:
        params["groups"] = _safe_indexing(groups, train)
    # sample-aligned parameters are as long as X (outer splits need not
    # cover every row)
    n = _num_samples(X)
    for key, value in fit_params.items():
        if hasattr(value, "__len__") and not isinstance(value, (str, dict)):
            if len(value) == n:
                value = _safe_indexing(value, train)
        params[key] = value
    search = clone(search)
    checkpoint = search.get_params(deep=False).get("checkpoint")
    if checkpoint is not None:
        # each outer fold searches other data: a journal of its own, so that
        # the whole nested run resumes
        search.set_params(checkpoint=f"{os.fspath(checkpoint)}.outer{fold}")
    search.fit(X_train, y_train, **params)
    scorer, own_scorer = scorers
    outer = float(scorer(search, X_test, y_test))
    # the search's own metric on the outer fold, for optimism_ (like with like)
    own = outer if own_scorer is None else float(own_scorer(search, X_test, y_test))
    if hasattr(search, "best_score_"):
        inner = float(search.best_score_)
    else:
        # refit callable: best_score_ is not set, read the chosen row.
        results = search.cv_results_
        key = "mean_test_score"
        if key not in results:
            key = (
                f"mean_test_{search.refit}"
                if isinstance(search.refit, str)
                else [k for k in results if k.startswith("mean_test_")][0]
            )
        inner = float(results[key][search.best_index_])
    best_params = {name: _plain(value) for name, value in search.best_params_.items()}
    return outer, inner, best_params, search, own


def _stability(best_params_per_fold):
    names = []
    for params in best_params_per_fold:
        names.extend(name for name in params if name not in names)
    summary = {}
    for name in names:
        values = [params.get(name) for params in best_params_per_fold]
        # None is a value (class_weight=None, max_depth=None) when the fold's
        # best parameters hold the name; only a name they lack (another
        # subspace of a conditional space) is left out of the counts.
        present = [p[name] for p in best_params_per_fold if name in p]
        counts = Counter(repr(v) for v in present)
        top, top_count = counts.most_common(1)[0] if counts else (None, 0)
        entry = {
            "values": values,
            "n_unique": len(counts),
            "most_common": next((v for v in present if repr(v) == top), None),
            "most_common_share": top_count / len(values),
        }
        if present and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in present
        ):
            entry.update(
                min=float(np.min(present)),
                median=float(np.median(present)),
                max=float(np.max(present)),
            )
        summary[name] = entry
    return summary


def nested_cross_validate(
    search,
    X,
    y=None,
    *,
    outer_cv=5,
    scoring=None,
    n_jobs=None,
    groups=None,
    fit_params=None,
    return_estimators=False,
    verbose=0,
    pre_dispatch="2*n_jobs",
):
    """Run a search inside an outer cross-validation.

    Each outer fold clones ``search``, fits it on the fold's training rows
    (the search runs its own inner CV there) and scores the refitted best
    model on the fold's test rows.

    Parameters
    ----------
    search : search estimator
        Any search with ``refit`` on: sktune's or scikit-learn's
        (``GridSearchCV``, ``RandomizedSearchCV``, halving searches). It is
        cloned, never fitted itself. A search with ``checkpoint="run.jsonl"``
        journals outer fold ``k`` in ``run.jsonl.outer<k>``, so an interrupted
        nested run resumes fold by fold.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), default=None
    outer_cv : int, cross-validation generator or iterable, default=5
        As ``cv`` in :func:`sklearn.model_selection.cross_validate`: an int
        gives (stratified for classifiers) k-fold without shuffling, the same
        folds on every call. Results compared with
        :meth:`NestedCVResult.compare` must share them.
    scoring : str or callable, default=None
        Outer score. None uses the search's own metric (its refit metric if
        it has several).
    n_jobs : int, default=None
        Outer folds in parallel through joblib (leave the search's own
        ``n_jobs`` at 1 then, or split the cores between both).
    groups : array-like of shape (n_samples,), default=None
        Group labels, for the outer split and passed to the inner search's
        ``fit`` (for a group-aware inner ``cv``).
    fit_params : dict, default=None
        Passed to the search's ``fit``; arrays with one entry per sample are
        sliced to the outer training rows.
    return_estimators : bool, default=False
        Keep each outer fold's fitted search in ``estimators_``.
    verbose : int, default=0
        joblib's verbosity over the outer folds.
    pre_dispatch : int or str, default="2*n_jobs"
        joblib's dispatch control.

    Returns
    -------
    result : NestedCVResult

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.svm import SVC
    >>> from sktune import nested_cross_validate
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(SVC(), {"C": [0.1, 1, 10]}, cv=3)
    >>> result = nested_cross_validate(search, X, y, outer_cv=5)
    >>> result.outer_scores_.shape
    (5,)
    >>> bool(result.optimism_ > -0.05)
    True
    """
    if not (hasattr(search, "fit") and hasattr(search, "get_params")):
        raise TypeError(
            f"The 'search' parameter must be a search estimator; got {search!r}."
        )
    if getattr(search, "refit", True) is False:
        raise ValueError(
            "The 'search' parameter has refit=False: nested cross-validation scores "
            "the refitted best model on each outer test fold, so it needs refit."
        )
    if fit_params is not None and not isinstance(fit_params, dict):
        raise TypeError(
            f"The 'fit_params' parameter must be a dict or None; got {fit_params!r}."
        )
    name, scorer = _outer_scorer(search, scoring)
    # optimism_ compares the inner best score with the outer score on the
    # same metric: the search's own, scored separately when scoring= differs
    try:
        own_name, own_scorer = _outer_scorer(search, None)
    except ValueError:  # several metrics and no refit name: no own metric
        own_name, own_scorer = None, None
    if own_name == name:
        own_scorer = None  # the outer score is that metric already
    cv = check_cv(outer_cv, y, classifier=is_classifier(search.estimator))
    if getattr(cv, "shuffle", False) and getattr(cv, "random_state", 0) is None:
        warnings.warn(
            "The 'outer_cv' splitter shuffles without a fixed random_state: its "
            "folds change on every call, so this result cannot be compared with "
            "another. Set random_state to compare.",
            UserWarning,
            stacklevel=2,
        )
    splits = [
        (np.asarray(train), np.asarray(test)) for train, test in cv.split(X, y, groups)
    ]
    parallel = Parallel(n_jobs=n_jobs, verbose=verbose, pre_dispatch=pre_dispatch)
    folds = parallel(
        delayed(_fit_fold)(
            search,
            X,
            y,
            train,
            test,
            groups,
            fit_params or {},
            (scorer, own_scorer),
            fold,
        )
        for fold, (train, test) in enumerate(splits)
    )
    outer = np.array([fold[0] for fold in folds])
    inner = np.array([fold[1] for fold in folds])
    best_params = [fold[2] for fold in folds]
    return NestedCVResult(
        outer_scores_=outer,
        inner_best_scores_=inner,
        optimism_=float(np.mean(inner) - np.mean([fold[4] for fold in folds]))
        if own_name is not None
        else float("nan"),
        best_params_per_fold_=best_params,
        param_stability_=_stability(best_params),
        splits_=splits,
        n_train_=np.array([len(train) for train, _ in splits]),
        n_test_=np.array([len(test) for _, test in splits]),
        estimators_=[fold[3] for fold in folds] if return_estimators else None,
        scoring_=name,
    )


def scores_5x2cv(
    estimator_a, estimator_b, X, y, *, scoring=None, random_state=None, n_jobs=None
):
    """Scores of two estimators on the same 5 replications of 2-fold CV.

    Each replication reshuffles the rows (stratified for classifiers) and
    both estimators are fitted and scored on the same two halves.

    Parameters
    ----------
    estimator_a, estimator_b : estimator
        Unfitted estimators (cloned, never modified).
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    scoring : str or callable, default=None
        One scorer; None uses the estimators' ``score``.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffles; pass an int for reproducible splits.
    n_jobs : int, default=None
        Fits in parallel through joblib.

    Returns
    -------
    scores_a, scores_b : ndarray of shape (5, 2)
        For :func:`paired_ttest_5x2cv` and :func:`combined_ftest_5x2cv`.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from sktune.stats import combined_ftest_5x2cv, scores_5x2cv
    >>> X, y = load_iris(return_X_y=True)
    >>> a, b = scores_5x2cv(LogisticRegression(max_iter=500),
    ...                     DecisionTreeClassifier(random_state=0), X, y,
    ...                     random_state=0)
    >>> a.shape, b.shape
    ((5, 2), (5, 2))
    """
    both_classifiers = is_classifier(estimator_a) and is_classifier(estimator_b)
    splitter = RepeatedStratifiedKFold if both_classifiers else RepeatedKFold
    cv = splitter(n_splits=2, n_repeats=5, random_state=random_state)
    splits = list(cv.split(X, y))
    scores = [
        cross_val_score(est, X, y, cv=splits, scoring=scoring, n_jobs=n_jobs)
        for est in (estimator_a, estimator_b)
    ]
    return scores[0].reshape(5, 2), scores[1].reshape(5, 2)
