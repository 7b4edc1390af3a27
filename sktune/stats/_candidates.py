"""Candidates of a fitted search against its best."""

import numpy as np

from sktune._comparisons import (
    comparable_rows,
    pick_metric,
    resolve_sizes,
    split_scores,
)
from sktune._validation import check_alpha, check_alternative
from sktune.stats._multitest import METHOD_ALIASES, multipletests
from sktune.stats._two_models import bayesian_correlated_ttest, corrected_ttest


def compare_candidates(
    search,
    *,
    alternative="less",
    correction="holm",
    scoring=None,
    n_train=None,
    n_test=None,
    rope=0.0,
    alpha=0.05,
):
    """Test every candidate of a fitted search against the best, fold by fold.

    Works with any fitted search whose ``cv_results_`` has per-split test
    scores: sktune's three searches and scikit-learn's ``GridSearchCV``,
    ``RandomizedSearchCV`` and halving searches. For each candidate it runs
    :func:`corrected_ttest` of its split scores against the best's (same
    folds, paired), adjusts the p-values for the number of candidates, and
    gives :func:`bayesian_correlated_ttest`'s probability that the candidate
    is worse than the best. Candidates whose adjusted p-value is at least
    ``alpha`` are statistically tied with the best.

    For Hyperband, PBT and halving searches only evaluations at the best's
    budget (``budget`` or ``n_resources``) are compared.

    Parameters
    ----------
    search : fitted search estimator
    alternative : {"less", "two-sided", "greater"}, default="less"
        Alternative hypothesis for the candidate against the best: ``"less"``
        asks whether the candidate scores lower.
    correction : str or None, default="holm"
        Multiple-comparison adjustment over the candidates tested: any
        method of :func:`multipletests` (``"holm"``, ``"bonferroni"``,
        ``"hommel"``, ``"bh"``, ...). They treat the best as named in
        advance; see docs/benchmarks.md for the family-wise rate this gives
        when the best is chosen from the scores.
    scoring : str, default=None
        Which metric of a multi-metric search; defaults to ``search.refit``
        when it names one, otherwise the only (or first) metric.
    n_train, n_test : float, default=None
        Training and test rows per split, for the correction of the variance.
        When omitted they are read from ``search.cv``: k-fold splitters (an
        int, ``KFold``, ``StratifiedKFold``, ``GroupKFold``, their repeated
        variants) give ``n_test / n_train = 1 / (k - 1)``; shuffle splitters
        with fractional sizes give their fractions. Anything else needs them.
    rope : float, default=0.0
        Region of practical equivalence for the Bayesian probability.
    alpha : float, default=0.05
        Level for the ``tied`` column.

    Returns
    -------
    table : dict of ndarray
        One entry per compared candidate, best first then by rank:
        ``index`` (row of ``cv_results_``), ``params``, ``mean_test_<metric>``,
        ``std_test_<metric>``, ``mean_difference`` (candidate - best),
        ``statistic``, ``pvalue``, ``pvalue_adjusted``, ``p_worse`` (posterior
        probability that the candidate is worse than the best by more than
        ``rope``) and ``tied`` (adjusted p-value >= alpha). The best's own
        row has NaN statistics and ``tied=True``. ``pandas.DataFrame(table)``
        shows it as a table.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.svm import SVC
    >>> from sktune.stats import compare_candidates
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(SVC(), {"C": [0.01, 0.1, 1, 10]}, cv=5).fit(X, y)
    >>> table = compare_candidates(search)
    >>> [p["C"] for p in table["params"]]
    [10, 1, 0.01, 0.1]
    >>> table["pvalue_adjusted"].round(3).tolist()
    [nan, 0.169, 0.084, 0.084]
    """
    check_alternative(alternative)
    if correction is not None and correction not in METHOD_ALIASES:
        raise ValueError(
            f"The 'correction' parameter must be one of {sorted(METHOD_ALIASES)} "
            f"or None; got {correction!r}."
        )
    check_alpha(alpha)
    return _candidate_table(
        search,
        alternative=alternative,
        correction=correction,
        scoring=scoring,
        n_train=n_train,
        n_test=n_test,
        rope=rope,
        alpha=alpha,
    )


def _candidate_table(
    search, *, alternative, correction, scoring, n_train, n_test, rope, alpha
):
    """The body of :func:`compare_candidates`, after its argument checks."""
    results = getattr(search, "cv_results_", None)
    if results is None:
        raise ValueError(
            "The 'search' parameter must be a fitted search (with cv_results_); "
            f"got an unfitted {type(search).__name__}."
        )
    refit = getattr(search, "refit", None)
    metric = pick_metric(results, scoring, refit)
    scores = split_scores(results, metric)
    refit_metric = refit if isinstance(refit, str) else "score"
    best = None
    if (refit is True or isinstance(refit, str)) and metric == refit_metric:
        best = getattr(search, "best_index_", None)
    rows, best = comparable_rows(results, metric, best)
    n_train, n_test = resolve_sizes(
        n_train,
        n_test,
        getattr(search, "cv", None),
        scores.shape[1],
        "compare_candidates",
    )
    means = np.asarray(results[f"mean_test_{metric}"], dtype=float)
    stds = np.asarray(results[f"std_test_{metric}"], dtype=float)
    others = [
        row for row in rows[np.argsort(-means[rows], kind="stable")] if row != best
    ]
    order = [best, *others]
    statistic = np.full(len(order), np.nan)
    pvalue = np.full(len(order), np.nan)
    p_worse = np.full(len(order), np.nan)
    for i, row in enumerate(order[1:], start=1):
        if not np.all(np.isfinite(scores[row])):
            continue
        test = corrected_ttest(
            scores[row],
            scores[best],
            n_train=n_train,
            n_test=n_test,
            alternative=alternative,
        )
        statistic[i], pvalue[i] = test.statistic, test.pvalue
        posterior = bayesian_correlated_ttest(
            scores[best], scores[row], n_train=n_train, n_test=n_test, rope=rope
        )
        p_worse[i] = posterior.p_a_better
    adjusted = pvalue.copy()
    if correction is not None:
        adjusted[1:] = multipletests(pvalue[1:], method=correction)
    tied = np.ones(len(order), dtype=bool)
    tied[1:] = ~(adjusted[1:] < alpha)
    params = np.empty(len(order), dtype=object)
    params[:] = [results["params"][row] for row in order]
    return {
        "index": np.asarray(order, dtype=int),
        "params": params,
        f"mean_test_{metric}": means[order],
        f"std_test_{metric}": stds[order],
        "mean_difference": means[order] - means[best],
        "statistic": statistic,
        "pvalue": pvalue,
        "pvalue_adjusted": adjusted,
        "p_worse": p_worse,
        "tied": tied,
    }
