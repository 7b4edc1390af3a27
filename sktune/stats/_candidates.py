"""Candidates of a fitted search against its best."""

import numpy as np
from sklearn.utils import check_random_state

from sktune._comparisons import (
    comparable_rows,
    pick_metric,
    resolve_sizes,
    split_scores,
)
from sktune._validation import check_alpha, check_alternative, check_int
from sktune.stats._multitest import METHOD_ALIASES, multipletests
from sktune.stats._two_models import bayesian_correlated_ttest, corrected_ttest


def compare_candidates(
    search,
    *,
    alternative="less",
    correction="max-t",
    scoring=None,
    n_train=None,
    n_test=None,
    rope=0.0,
    alpha=0.05,
    n_resamples=9999,
    random_state=None,
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

    The best is chosen from the same scores it is compared with, so the
    default correction covers every pair of candidates at once: whichever
    comes out best, the chance that any candidate is called worse when none
    really is stays within ``alpha`` (see Notes).

    For Hyperband, PBT and halving searches only evaluations at the best's
    budget (``budget`` or ``n_resources``) are compared.

    Parameters
    ----------
    search : fitted search estimator
    alternative : {"less", "two-sided", "greater"}, default="less"
        Alternative hypothesis for the candidate against the best: ``"less"``
        asks whether the candidate scores lower.
    correction : str or None, default="max-t"
        Multiple-comparison adjustment. ``"max-t"``: single-step max-t over
        all pairs of candidates (see Notes), which holds the family-wise
        rate with the best chosen after the fact. Any method of
        :func:`multipletests` (``"holm"``, ``"bonferroni"``, ``"hommel"``,
        ``"bh"``, ...) adjusts over the candidates tested against the best
        as if it had been named in advance; under a true null they call a
        candidate worse more often than ``alpha`` (0.085 for Holm at 0.05
        in docs/benchmarks.md). ``None``: no adjustment.
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
    n_resamples : int, default=9999
        Monte-Carlo draws of the max-t reference distribution
        (``correction="max-t"`` only).
    random_state : int, RandomState instance or None, default=None
        Seeds those draws.

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

    Notes
    -----
    Testing the others against the best *chosen by the scores* is not the
    family that Holm or Bonferroni cover: the best is the candidate that the
    noise favoured, so its differences with the others are biased in its
    favour. ``"max-t"`` covers every pairwise comparison of the candidates
    (Tukey's all-pairs family), which contains the comparisons with the
    best, whichever candidate it is. Each pair's statistic is the corrected
    t of :func:`corrected_ttest`; its joint null distribution over all pairs
    is drawn by Monte Carlo from a Gaussian model of the split scores with
    their estimated covariance, each draw scored by the same paired t
    (``J - 1`` degrees of freedom), as Hothorn, Bretz and Westfall's
    single-step adjustment of multiple contrasts does with an integral. A
    candidate's adjusted p-value is the share of draws whose largest
    ``|t|`` over all pairs reaches its own t, ``(1 + count) / (1 +
    n_resamples)``. Rows with non-finite split scores take no part.

    Under a true null (decision trees differing only in ``random_state``,
    2,100 data sets, docs/benchmarks.md) the family-wise rate is 0.02 at
    ``alpha=0.05``, against 0.085 for Holm.

    References
    ----------
    Hothorn, Bretz & Westfall (2008), "Simultaneous inference in general
    parametric models", Biometrical Journal 50(3); Tukey (1953); Nadeau &
    Bengio (2003).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.svm import SVC
    >>> from sktune.stats import compare_candidates
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(SVC(), {"C": [0.01, 0.1, 1, 10]}, cv=5).fit(X, y)
    >>> table = compare_candidates(search, random_state=0)
    >>> [p["C"] for p in table["params"]]
    [10, 1, 0.01, 0.1]
    >>> table["mean_test_score"].round(3).tolist()
    [0.98, 0.967, 0.927, 0.92]
    >>> table["pvalue_adjusted"].round(3).tolist()
    [nan, 0.674, 0.174, 0.209]
    >>> table["tied"].tolist()  # five folds cannot tell 0.92 from 0.98
    [True, True, True, True]
    """
    check_alternative(alternative)
    if correction is not None and correction not in CORRECTIONS:
        raise ValueError(
            f"The 'correction' parameter must be one of {sorted(CORRECTIONS)} "
            f"or None; got {correction!r}."
        )
    check_alpha(alpha)
    check_int(n_resamples, "n_resamples")
    random_state = check_random_state(random_state)
    return _candidate_table(
        search,
        alternative=alternative,
        correction=correction,
        scoring=scoring,
        n_train=n_train,
        n_test=n_test,
        rope=rope,
        alpha=alpha,
        n_resamples=n_resamples,
        random_state=random_state,
    )


CORRECTIONS = {"max-t", *METHOD_ALIASES}


def _candidate_table(
    search,
    *,
    alternative,
    correction,
    scoring,
    n_train,
    n_test,
    rope,
    alpha,
    n_resamples=9999,
    random_state=None,
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
    if correction == "max-t":
        finite = [row for row in order if np.all(np.isfinite(scores[row]))]
        maxima = _max_t_draws(scores[finite], n_resamples, random_state)
        tail = {"less": -statistic, "greater": statistic}.get(
            alternative, np.abs(statistic)
        )
        tested = np.isfinite(pvalue)
        counts = np.array([np.count_nonzero(maxima >= s) for s in tail[tested]])
        adjusted[tested] = (1.0 + counts) / (1.0 + n_resamples)
    elif correction is not None:
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


def _max_t_draws(scores, n_resamples, random_state):
    """Null draws of the largest ``|t|`` over every pair of candidates.

    ``scores`` is (k candidates, J splits). Each draw is J columns from a
    Gaussian with the split scores' covariance (``U S z`` with ``U S V'``
    the centred scores' singular value decomposition and ``z`` standard
    normal), scored by the paired t of every pair; the corrected t of the
    observed scores has the same Student-t null, so the draws are its joint
    null distribution over the pairs. Pairs whose observed differences do
    not vary are 0 in every draw, as they are in the Gaussian model.
    """
    k, J = scores.shape
    centred = scores - scores.mean(axis=1, keepdims=True)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    keep = s > 1e-12 * max(s.max(initial=0.0), np.finfo(float).tiny)
    factor = u[:, keep] * s[keep]
    pair_sd = np.linalg.norm(factor[:, None, :] - factor[None, :, :], axis=2)
    upper = np.triu(pair_sd > 1e-9 * max(pair_sd.max(), np.finfo(float).tiny), k=1)
    maxima = np.zeros(n_resamples)
    if not upper.any():
        return maxima
    i, j = np.nonzero(upper)
    pair_factor = factor[i] - factor[j]
    chunk = max(1, 2_000_000 // (J * (i.size + factor.shape[1])))
    for start in range(0, n_resamples, chunk):
        stop = min(start + chunk, n_resamples)
        z = random_state.standard_normal((stop - start, factor.shape[1], J))
        diff = pair_factor @ z
        t = diff.mean(axis=2) * np.sqrt(J) / diff.std(axis=2, ddof=1)
        maxima[start:stop] = np.abs(t).max(axis=1)
    return maxima
