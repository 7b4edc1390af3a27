"""Two models on one data set: corrected and 5x2cv t-tests, the Bayesian
correlated t-test, McNemar."""

import numbers

import numpy as np
from scipy import stats as _st

from sktune._validation import (
    check_alternative,
    check_sizes,
    has_missing,
    paired,
)
from sktune.stats._results import BayesianResult, McNemarResult, TestResult


def _t_pvalue(t, df, alternative):
    if alternative == "greater":
        return float(_st.t.sf(t, df))
    if alternative == "less":
        return float(_st.t.cdf(t, df))
    return float(min(1.0, 2 * _st.t.sf(abs(t), df)))


def _ratio(numerator, denominator):
    """``numerator / denominator`` where 0/0 is 0 and x/0 is +-inf."""
    if denominator > 0:
        return numerator / denominator
    if numerator == 0:
        return 0.0
    return float(np.copysign(np.inf, numerator))


def _corrected_moments(scores_a, scores_b, n_train, n_test):
    a, b = paired(scores_a, scores_b)
    n_train, n_test = check_sizes(n_train, n_test)
    diff = (a - b).ravel()
    n_splits = diff.size
    mean = float(np.mean(diff))
    variance = float(np.var(diff, ddof=1))
    scale = float(np.sqrt(variance * (1 / n_splits + n_test / n_train)))
    return mean, scale, n_splits - 1


def _corrected_effect_size(scores_a, scores_b, n_train, n_test):
    """``mean(d) / (sd(d) * sqrt(1 + n_test / n_train))``: see corrected_ttest."""
    a, b = paired(scores_a, scores_b)
    diff = (a - b).ravel()
    sd = float(np.sqrt(np.var(diff, ddof=1) * (1 + n_test / n_train)))
    return float(_ratio(float(np.mean(diff)), sd))


def corrected_ttest(scores_a, scores_b, *, n_train, n_test, alternative="two-sided"):
    """Nadeau and Bengio's corrected resampled t-test on paired CV scores.

    The differences ``d_j = scores_a[j] - scores_b[j]`` over the J splits of a
    (repeated) cross-validation are correlated because training sets
    overlap. The test inflates their variance accordingly:
    ``t = mean(d) / sqrt((1/J + n_test/n_train) * var(d, ddof=1))`` with
    ``J - 1`` degrees of freedom. With J = r x k splits of r-times repeated
    k-fold CV it is Bouckaert and Frank's corrected repeated k-fold test.

    Null hypothesis: the two models have the same expected score.

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (n_splits,) or (n_repeats, n_folds)
        Scores of the two models on the same splits (same order).
    n_train : float
        Training rows per split (the mean, if they differ).
    n_test : float
        Test rows per split.
    alternative : {"two-sided", "greater", "less"}, default="two-sided"
        ``"greater"``: model A's expected score is higher than B's.

    Returns
    -------
    result : TestResult
        ``statistic`` (t), ``pvalue``, ``df`` (J - 1), ``mean_difference``,
        ``effect_size`` (``effect_size_name="corrected d_z"``, see Notes) and
        ``confidence_interval(confidence_level=0.95)``, the interval for the
        expected difference ``mean(d) +- t_{J-1, (1+c)/2} * SE`` with the
        corrected standard error ``SE = sqrt((1/J + n_test/n_train) var(d))``,
        as scikit-learn's example computes it (one-sided with a one-sided
        ``alternative``). When every difference is equal, the variance is 0:
        t is 0 if they are all 0 (p = 1) and +-inf otherwise (p = 0 in that
        direction), and the interval is that difference.

    Notes
    -----
    scikit-learn's example "Statistical comparison of models using grid
    search" computes the same t but reports ``t.sf(abs(t), df)``: a one-sided
    p-value whatever the sign of t. Here ``alternative`` says which tail.

    Identical scores (every difference 0) give ``t = 0``: p = 1 two-sided
    and p = 0.5 one-sided, the value of the t distribution's tail at its
    centre; neither model is better.

    The effect size is Cohen's d_z for paired data, the mean difference over
    the standard deviation of one split's difference, with that standard
    deviation corrected as the test corrects the variance: under Nadeau and
    Bengio's model the splits' differences are correlated with
    ``rho = n_test / (n_train + n_test)``, so ``var(d, ddof=1)``
    underestimates a split's variance by the factor ``1 - rho``, and
    ``d_z = mean(d) / (sd(d) * sqrt(1 + n_test / n_train))``. Unlike
    ``t / sqrt(J)`` it does not shrink as more repetitions are run. It is
    0 when every difference is 0 and +-inf when they are equal but not 0.

    References
    ----------
    Nadeau & Bengio (2003); Bouckaert & Frank (2004).

    Examples
    --------
    >>> from sktune.stats import corrected_ttest
    >>> a = [0.91, 0.93, 0.90, 0.94, 0.92]
    >>> b = [0.89, 0.92, 0.88, 0.91, 0.90]
    >>> result = corrected_ttest(a, b, n_train=400, n_test=100)
    >>> round(result.statistic, 3), round(result.pvalue, 4), result.df
    (4.216, 0.0135, 4)
    >>> round(result.effect_size, 3)
    2.53
    >>> low, high = result.confidence_interval(0.95)
    >>> round(low, 4), round(high, 4)
    (0.0068, 0.0332)
    """
    check_alternative(alternative)
    mean, scale, df = _corrected_moments(scores_a, scores_b, n_train, n_test)
    t = _ratio(mean, scale)
    n_train, n_test = check_sizes(n_train, n_test)
    return TestResult(
        statistic=float(t),
        pvalue=_t_pvalue(t, df, alternative),
        df=df,
        mean_difference=mean,
        alternative=alternative,
        effect_size=_corrected_effect_size(scores_a, scores_b, n_train, n_test),
        effect_size_name="corrected d_z",
        _interval=(mean, scale),
    )


def bayesian_correlated_ttest(scores_a, scores_b, *, n_train, n_test, rope=0.0):
    """Benavoli et al.'s correlated Bayesian t-test on paired CV scores.

    The posterior of the expected difference ``a - b`` is a Student t with
    ``J - 1`` degrees of freedom, located at the mean difference and scaled by
    the Nadeau-Bengio corrected standard error (Corani & Benavoli 2015). It
    answers the question users ask: how probable is it that A is better, that
    both are practically equivalent (within ``rope``), that B is better?

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (n_splits,) or (n_repeats, n_folds)
        Scores of the two models on the same splits.
    n_train, n_test : float
        Training and test rows per split.
    rope : float, default=0.0
        Half-width of the region of practical equivalence, in score units
        (0.01 = one point of accuracy).

    Returns
    -------
    result : BayesianResult
        ``p_a_better``, ``p_rope``, ``p_b_better`` (summing to 1), the
        posterior ``mean``, ``scale`` and ``df``. When every difference is
        equal the posterior is a point mass at that difference.

    Notes
    -----
    Matches ``baycomp.two_on_single(a, b, rope=rope, runs=r)`` for r-times
    repeated k-fold scores, where baycomp takes ``rho = 1/k``; here the
    correlation comes from the row counts, ``rho = n_test / (n_train +
    n_test)``, so any resampling scheme is covered.

    Examples
    --------
    >>> from sktune.stats import bayesian_correlated_ttest
    >>> a = [0.91, 0.93, 0.90, 0.94, 0.92]
    >>> b = [0.89, 0.92, 0.88, 0.91, 0.90]
    >>> post = bayesian_correlated_ttest(a, b, n_train=400, n_test=100, rope=0.01)
    >>> round(post.p_a_better, 3), round(post.p_rope, 3), round(post.p_b_better, 3)
    (0.949, 0.05, 0.002)
    """
    if isinstance(rope, bool) or not isinstance(rope, numbers.Real):
        raise TypeError(f"The 'rope' parameter must be a number >= 0; got {rope!r}.")
    if not np.isfinite(rope) or rope < 0:
        raise ValueError(f"The 'rope' parameter must be a number >= 0; got {rope!r}.")
    mean, scale, df = _corrected_moments(scores_a, scores_b, n_train, n_test)
    t = _ratio(mean, scale)
    if scale > 0:
        posterior = _st.t(df, loc=mean, scale=scale)
        p_b = float(posterior.cdf(-rope))
        p_a = float(posterior.sf(rope))
    else:
        p_b, p_a = float(mean < -rope), float(mean > rope)
    return BayesianResult(
        p_a_better=p_a,
        p_rope=max(0.0, 1.0 - p_a - p_b),
        p_b_better=p_b,
        mean=mean,
        scale=scale,
        df=float(df),
        statistic=float(t),
        pvalue=_t_pvalue(t, df, "two-sided"),
    )


def _5x2_differences(scores_a, scores_b):
    a, b = paired(scores_a, scores_b, shape=(5, 2))
    diff = a - b
    variances = np.sum((diff - diff.mean(axis=1, keepdims=True)) ** 2, axis=1)
    return diff, variances


def paired_ttest_5x2cv(scores_a, scores_b, *, alternative="two-sided"):
    """Dietterich's 5x2cv paired t-test.

    Five replications of 2-fold cross-validation; with ``p[i, j]`` the score
    difference on fold j of replication i and ``s_i^2`` the variance of
    replication i's two differences, ``t = p[0, 0] / sqrt(mean(s_i^2))`` has
    5 degrees of freedom.

    Null hypothesis: both models have the same expected score.

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (5, 2)
        Scores by (replication, fold), e.g. from :func:`scores_5x2cv`.
    alternative : {"two-sided", "greater", "less"}, default="two-sided"

    Returns
    -------
    result : TestResult
        ``statistic`` (t), ``pvalue``, ``df`` = 5, ``mean_difference`` (of
        the ten differences), ``effect_size`` (``"5x2cv d"``, see Notes) and
        ``confidence_interval(confidence_level=0.95)``.

    Notes
    -----
    When all ten differences are equal the variance is 0; ``mlxtend``'s
    ``paired_ttest_5x2cv`` then divides by zero (nan or inf with a warning).
    Here t is 0 (p = 1) if the differences are all 0 and +-inf otherwise.

    The effect size is ``mean(p) / sqrt(mean(s_i^2))``: the mean of the ten
    differences over the pooled within-replication standard deviation, the
    standardiser the test itself uses.

    The confidence interval inverts the test: ``p[0, 0] +- t_{5, (1+c)/2} *
    sqrt(mean(s_i^2))``. It is centred on the first difference, the test's
    numerator, not on ``mean_difference``, and excludes 0 exactly when the
    test rejects at level ``1 - c``.

    References
    ----------
    Dietterich (1998).

    Examples
    --------
    >>> import numpy as np
    >>> from sktune.stats import paired_ttest_5x2cv
    >>> a = np.array([[.90, .92], [.91, .89], [.93, .90], [.90, .91], [.92, .92]])
    >>> b = np.array([[.88, .91], [.90, .89], [.90, .89], [.90, .88], [.89, .91]])
    >>> result = paired_ttest_5x2cv(a, b)
    >>> round(result.pvalue, 4), round(result.effect_size, 3)
    (0.2065, 1.088)
    >>> [round(bound, 4) for bound in result.confidence_interval()]
    [-0.0154, 0.0554]
    """
    check_alternative(alternative)
    diff, variances = _5x2_differences(scores_a, scores_b)
    scale = float(np.sqrt(np.mean(variances)))
    t = _ratio(float(diff[0, 0]), scale)
    return TestResult(
        statistic=float(t),
        pvalue=_t_pvalue(t, 5, alternative),
        df=5,
        mean_difference=float(diff.mean()),
        alternative=alternative,
        effect_size=float(_ratio(float(diff.mean()), scale)),
        effect_size_name="5x2cv d",
        _interval=(float(diff[0, 0]), scale),
    )


def combined_ftest_5x2cv(scores_a, scores_b):
    """Alpaydin's combined 5x2cv F-test.

    ``F = sum(p[i, j]^2) / (2 * sum(s_i^2))`` with (10, 5) degrees of
    freedom: it uses all ten differences instead of Dietterich's one
    numerator, and has lower type I error and higher power.

    Null hypothesis: both models have the same expected score (two-sided by
    construction).

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (5, 2)
        Scores by (replication, fold), e.g. from :func:`scores_5x2cv`.

    Returns
    -------
    result : TestResult
        ``statistic`` (F), ``pvalue``, ``df`` = (10, 5), and the effect size
        of :func:`paired_ttest_5x2cv` (no confidence interval).
        When every replication's two differences are equal the denominator
        is 0: F is 0 if all differences are 0 (p = 1) and inf otherwise.

    References
    ----------
    Alpaydin (1999).

    Examples
    --------
    >>> import numpy as np
    >>> from sktune.stats import combined_ftest_5x2cv
    >>> a = np.array([[.90, .92], [.91, .89], [.93, .90], [.90, .91], [.92, .92]])
    >>> b = np.array([[.88, .91], [.90, .89], [.90, .89], [.90, .88], [.89, .91]])
    >>> round(combined_ftest_5x2cv(a, b).pvalue, 4)
    0.2594
    """
    diff, variances = _5x2_differences(scores_a, scores_b)
    f = _ratio(float(np.sum(diff**2)), float(2 * np.sum(variances)))
    scale = float(np.sqrt(np.mean(variances)))
    return TestResult(
        statistic=float(f),
        pvalue=float(_st.f.sf(f, 10, 5)) if f > 0 else 1.0,
        df=(10, 5),
        mean_difference=float(diff.mean()),
        alternative="two-sided",
        effect_size=float(_ratio(float(diff.mean()), scale)),
        effect_size_name="5x2cv d",
    )


def mcnemar(y_true, y_pred_a, y_pred_b, *, exact=None, correction=True):
    """McNemar's test of two classifiers' predictions on the same test set.

    Only the discordant samples count: ``n_a_only`` that A gets right and B
    wrong, ``n_b_only`` the reverse. Under the null hypothesis (equal error
    rates) each discordant sample is a fair coin.

    Parameters
    ----------
    y_true, y_pred_a, y_pred_b : array-like of shape (n_samples,)
        True labels and the two models' predicted labels.
    exact : bool or None, default=None
        True: the exact binomial test, ``p = min(1, 2 * P(Bin(n, 1/2) <=
        min(n_a_only, n_b_only)))`` with ``n = n_a_only + n_b_only``. False:
        the chi-square approximation with one degree of freedom. None: exact
        when ``n < 25`` (the usual rule, where the approximation is poor).
    correction : bool, default=True
        Edwards' continuity correction of the chi-square statistic,
        ``(|n_a_only - n_b_only| - 1)^2 / n``; the ``- 1`` is clipped at 0 so
        that equal counts give 0, not ``1/n``.

    Returns
    -------
    result : McNemarResult
        ``statistic``, ``pvalue``, ``df``, ``n_a_only``, ``n_b_only``,
        ``exact`` and ``effect_size``, the odds ratio ``n_a_only /
        n_b_only`` (``effect_size_name="odds ratio"``). No discordant sample
        gives statistic 0, p = 1 and odds ratio 1.

    Notes
    -----
    statsmodels' ``mcnemar`` and mlxtend's ``mcnemar`` return nan (0/0) when
    there is no discordant sample with the chi-square test, and ``1/n``
    instead of 0 when the counts are equal with the continuity correction.

    The odds ratio of paired data is the ratio of the discordant counts.
    When one of them is 0 it would be 0 or infinite; the Haldane-Anscombe
    correction adds 0.5 to both, ``(n_a_only + 0.5) / (n_b_only + 0.5)``.

    References
    ----------
    McNemar (1947); Dietterich (1998); Fagerland, M. W., Lydersen, S. &
    Laake, P. (2013). The McNemar test for binary matched-pairs data:
    mid-p and asymptotic are better than exact conditional. BMC Medical
    Research Methodology 13.

    Examples
    --------
    >>> from sktune.stats import mcnemar
    >>> y = [0, 1, 1, 0, 1, 1, 0, 1]
    >>> a = [0, 1, 1, 0, 1, 1, 0, 0]
    >>> b = [1, 0, 1, 1, 0, 1, 0, 0]
    >>> result = mcnemar(y, a, b)
    >>> result.n_a_only, result.n_b_only, result.exact, round(result.pvalue, 3)
    (4, 0, True, 0.125)
    >>> result.effect_size  # (4 + 0.5) / (0 + 0.5)
    9.0
    """
    if exact is not None and not isinstance(exact, (bool, np.bool_)):
        raise TypeError(f"The 'exact' parameter must be a bool or None; got {exact!r}.")
    if not isinstance(correction, (bool, np.bool_)):
        raise TypeError(
            f"The 'correction' parameter must be a bool; got {correction!r}."
        )
    arrays = []
    for name, values in (
        ("y_true", y_true),
        ("y_pred_a", y_pred_a),
        ("y_pred_b", y_pred_b),
    ):
        array = np.asarray(values)
        if array.ndim != 1 or array.size == 0:
            raise ValueError(
                f"The '{name}' parameter must be a non-empty 1-dimensional array "
                f"of labels; got shape {array.shape}."
            )
        if has_missing(array):
            # a missing label or prediction is not a wrong one
            raise ValueError(
                f"The '{name}' parameter contains missing labels (NaN or None); "
                "drop those samples from all three arrays first."
            )
        arrays.append(array)
    if len({a.size for a in arrays}) != 1:
        raise ValueError(
            "The 'y_true', 'y_pred_a' and 'y_pred_b' parameters must have the same "
            f"length; got {[a.size for a in arrays]}."
        )
    truth, pred_a, pred_b = arrays
    right_a, right_b = pred_a == truth, pred_b == truth
    n_a_only = int(np.sum(right_a & ~right_b))
    n_b_only = int(np.sum(~right_a & right_b))
    n = n_a_only + n_b_only
    use_exact = n < 25 if exact is None else bool(exact)
    shift = 0.5 if min(n_a_only, n_b_only) == 0 else 0.0
    odds = {
        "effect_size": float((n_a_only + shift) / (n_b_only + shift)),
        "effect_size_name": "odds ratio",
    }
    if use_exact:
        low = min(n_a_only, n_b_only)
        pvalue = 1.0 if n == 0 else float(min(1.0, 2 * _st.binom.cdf(low, n, 0.5)))
        return McNemarResult(float(low), pvalue, None, n_a_only, n_b_only, True, **odds)
    if n == 0:
        return McNemarResult(0.0, 1.0, 1, n_a_only, n_b_only, False, **odds)
    gap = abs(n_a_only - n_b_only)
    if correction:
        gap = max(gap - 1, 0)
    chi2 = gap**2 / n
    return McNemarResult(
        float(chi2), float(_st.chi2.sf(chi2, 1)), 1, n_a_only, n_b_only, False, **odds
    )
