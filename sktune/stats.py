"""Significance tests for comparing models: is the better score real or luck?

Cross-validated scores are noisy and correlated: the training sets of two folds
overlap, so the fold scores are not independent and a plain paired t-test on
them is far too confident (Dietterich 1998; Nadeau & Bengio 2003). The tests
here account for that.

Which test when
---------------
Two models, one data set, scores from (repeated) k-fold CV
    :func:`corrected_ttest` (frequentist) or :func:`bayesian_correlated_ttest`
    (probabilities of "A better", "practically equal", "B better").
Two models, one data set, and you can afford 5 x 2-fold CV
    :func:`paired_ttest_5x2cv` or the more robust :func:`combined_ftest_5x2cv`
    (scores from :func:`scores_5x2cv`).
Two classifiers, one test set, one prediction each
    :func:`mcnemar`.
Two models over several data sets
    :func:`wilcoxon_test`, or :func:`bayesian_signed_rank` for probabilities.
Several models over several data sets
    :func:`friedman_test`, then :func:`posthoc_friedman` for which pairs
    differ, or which models differ from a control (Demšar 2006).
Many p-values at once
    :func:`multipletests` (Holm, Bonferroni, Hochberg, Benjamini-Hochberg...).
Candidates of a fitted search against its best
    :func:`compare_candidates`.

Every function validates its input first and returns a result object with
``statistic`` and ``pvalue`` (and ``df`` where defined), never a bare tuple.
The results carry an effect size (``effect_size``, named by
``effect_size_name``); the t-tests' results have ``confidence_interval()``
and the Bayesian t-test's ``credible_interval()``.

References
----------
.. [1] Dietterich, T. G. (1998). Approximate statistical tests for comparing
   supervised classification learning algorithms. Neural Computation 10(7).
.. [2] Nadeau, C. & Bengio, Y. (2003). Inference for the generalization
   error. Machine Learning 52(3).
.. [3] Bouckaert, R. R. & Frank, E. (2004). Evaluating the replicability of
   significance tests for comparing learning algorithms. PAKDD.
.. [4] Alpaydin, E. (1999). Combined 5 x 2 cv F test for comparing supervised
   classification learning algorithms. Neural Computation 11(8).
.. [5] Demšar, J. (2006). Statistical comparisons of classifiers over
   multiple data sets. JMLR 7.
.. [6] Benavoli, A., Corani, G., Demšar, J. & Zaffalon, M. (2017). Time for a
   change: a tutorial for comparing multiple classifiers through Bayesian
   analysis. JMLR 18.
.. [7] McNemar, Q. (1947). Note on the sampling error of the difference
   between correlated proportions or percentages. Psychometrika 12(2).
.. [8] Holm, S. (1979). A simple sequentially rejective multiple test
   procedure. Scandinavian Journal of Statistics 6(2).
.. [9] Benavoli, A., Corani, G., Mangili, F., Zaffalon, M. & Ruggeri, F.
   (2014). A Bayesian Wilcoxon signed-rank test based on the Dirichlet
   process. ICML.
"""

import math
import numbers
from collections import namedtuple
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as _st

__all__ = [
    "BayesianResult",
    "BayesianSignedRankResult",
    "ConfidenceInterval",
    "McNemarResult",
    "PosthocResult",
    "RankTestResult",
    "TestResult",
    "bayesian_correlated_ttest",
    "bayesian_signed_rank",
    "bonferroni_dunn_critical_difference",
    "combined_ftest_5x2cv",
    "compare_candidates",
    "corrected_ttest",
    "friedman_test",
    "mcnemar",
    "multipletests",
    "nemenyi_critical_difference",
    "paired_ttest_5x2cv",
    "posthoc_friedman",
    "scores_5x2cv",
    "wilcoxon_test",
]

_ALTERNATIVES = ("two-sided", "greater", "less")


# --------------------------------------------------------------------------
# Result objects

ConfidenceInterval = namedtuple("ConfidenceInterval", ["low", "high"])
ConfidenceInterval.__doc__ = (
    """An interval ``(low, high)``, as scipy.stats returns one."""
)


def _check_level(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"The '{name}' parameter must be a number in (0, 1); got {value!r}."
        )
    if not 0 < value < 1:
        raise ValueError(
            f"The '{name}' parameter must be a number in (0, 1); got {value!r}."
        )
    return float(value)


@dataclass(frozen=True)
class TestResult:
    """The outcome of a t- or F-test.

    Attributes
    ----------
    statistic : float
        The test statistic (t or F).
    pvalue : float
        The p-value under the test's null hypothesis.
    df : float or tuple of float
        Degrees of freedom (a pair for an F statistic).
    mean_difference : float or None
        Mean of ``scores_a - scores_b`` where the test is on differences.
    alternative : str or None
        The alternative hypothesis the p-value is for.
    effect_size : float or None
        A standardised mean difference (positive when A scores higher):
        :func:`corrected_ttest` divides the mean difference by the
        correlation-corrected standard deviation of one split's difference,
        :func:`paired_ttest_5x2cv` and :func:`combined_ftest_5x2cv` by the
        pooled within-replication standard deviation; see their Notes.
    effect_size_name : str or None
        What ``effect_size`` is: ``"corrected d_z"`` or ``"5x2cv d"``.

    Methods
    -------
    confidence_interval(confidence_level=0.95)
        Interval for the expected difference ``a - b`` (t-tests only).
    """

    __test__ = False  # not a pytest test class

    statistic: float
    pvalue: float
    df: float | tuple
    mean_difference: float | None = None
    alternative: str | None = None
    effect_size: float | None = None
    effect_size_name: str | None = None
    # (estimate, standard error) of the t statistic, or None for an F test
    _interval: tuple | None = field(default=None, repr=False, compare=False)

    def confidence_interval(self, confidence_level=0.95):
        """The confidence interval for the expected score difference ``a - b``.

        The interval that inverts the t-test: ``estimate +- t_{df, q} *
        standard_error`` with ``q = (1 + confidence_level) / 2``, one-sided
        (an infinite bound) when the test's ``alternative`` is. It excludes 0
        exactly when the test rejects at level ``1 - confidence_level``.

        Parameters
        ----------
        confidence_level : float, default=0.95
            In (0, 1).

        Returns
        -------
        ci : ConfidenceInterval
            Named tuple ``(low, high)``.

        Raises
        ------
        ValueError
            For the combined 5x2cv F-test, which has no interval.
        """
        level = _check_level(confidence_level, "confidence_level")
        if self._interval is None:
            raise ValueError(
                "This result has no confidence interval: it is an F test; use "
                "paired_ttest_5x2cv or corrected_ttest for an interval."
            )
        estimate, scale = self._interval
        if self.alternative == "two-sided":
            half = float(_st.t.ppf((1 + level) / 2, self.df)) * scale
            return ConfidenceInterval(estimate - half, estimate + half)
        half = float(_st.t.ppf(level, self.df)) * scale
        if self.alternative == "greater":
            return ConfidenceInterval(estimate - half, np.inf)
        return ConfidenceInterval(-np.inf, estimate + half)


@dataclass(frozen=True)
class McNemarResult:
    """The outcome of :func:`mcnemar`.

    Attributes
    ----------
    statistic : float
        The chi-square statistic, or for the exact test the smaller of the two
        discordant counts (the binomial statistic).
    pvalue : float
    df : int or None
        1 for the chi-square test, None for the exact test.
    n_a_only : int
        Samples model A classified right and model B wrong.
    n_b_only : int
        Samples model B classified right and model A wrong.
    exact : bool
        Whether the exact binomial test was used.
    effect_size : float
        The odds ratio ``n_a_only / n_b_only`` of the discordant pairs
        (above 1 when A is right more often), with the Haldane-Anscombe
        correction (0.5 added to both counts) when either count is 0; 1 when
        both are.
    effect_size_name : str
        ``"odds ratio"``.
    """

    statistic: float
    pvalue: float
    df: int | None
    n_a_only: int
    n_b_only: int
    exact: bool
    effect_size: float | None = None
    effect_size_name: str | None = None


@dataclass(frozen=True)
class RankTestResult:
    """The outcome of :func:`friedman_test` or :func:`wilcoxon_test`.

    Attributes
    ----------
    statistic : float
        Friedman's chi-square (tie-corrected), or Wilcoxon's W.
    pvalue : float
    df : float or None
        ``n_models - 1`` for Friedman's chi-square; None for Wilcoxon.
    average_ranks : ndarray or None
        Friedman: each model's average rank over the data sets, rank 1 being
        the best (highest score).
    f_statistic, f_pvalue : float or None
        Friedman: Iman and Davenport's F statistic and its p-value, which
        Demšar (2006) recommends over the more conservative chi-square.
    f_df : tuple or None
        Its degrees of freedom ``(k - 1, (k - 1)(N - 1))``.
    effect_size : float or None
        Wilcoxon: the matched-pairs rank-biserial correlation in [-1, 1]
        (positive when A tends to score higher). Friedman: Kendall's W in
        [0, 1], the agreement of the data sets' rankings.
    effect_size_name : str or None
        ``"rank-biserial"`` or ``"Kendall's W"``.
    """

    statistic: float
    pvalue: float
    df: float | None = None
    average_ranks: np.ndarray | None = field(default=None, repr=False)
    f_statistic: float | None = None
    f_pvalue: float | None = None
    f_df: tuple | None = None
    effect_size: float | None = None
    effect_size_name: str | None = None


@dataclass(frozen=True)
class BayesianResult:
    """The posterior of :func:`bayesian_correlated_ttest`.

    Attributes
    ----------
    p_a_better : float
        Posterior probability that the mean difference ``a - b`` exceeds
        ``rope``.
    p_rope : float
        Posterior probability that it lies within ``[-rope, rope]``
        (practically equivalent).
    p_b_better : float
        Posterior probability that it is below ``-rope``.
    mean : float
        Posterior location: the mean difference ``a - b``.
    scale : float
        Posterior scale (the corrected standard error).
    df : float
        Degrees of freedom of the Student posterior.
    statistic : float
        ``mean / scale``, the corrected t statistic.
    pvalue : float
        The two-sided p-value of :func:`corrected_ttest` on the same scores,
        for reference: with ``rope=0`` the posterior tail
        ``min(p_a_better, p_b_better)`` is its one-sided p-value.

    Methods
    -------
    credible_interval(probability=0.95)
        Equal-tailed credible interval of the mean difference.
    """

    p_a_better: float
    p_rope: float
    p_b_better: float
    mean: float
    scale: float
    df: float
    statistic: float
    pvalue: float

    def credible_interval(self, probability=0.95):
        """Equal-tailed credible interval of the expected difference ``a - b``.

        The central ``probability`` mass of the Student posterior
        ``t(df, loc=mean, scale=scale)``: with a flat prior it coincides
        with :meth:`TestResult.confidence_interval` of
        :func:`corrected_ttest` on the same scores.

        Parameters
        ----------
        probability : float, default=0.95
            Posterior mass inside the interval, in (0, 1).

        Returns
        -------
        ci : ConfidenceInterval
            Named tuple ``(low, high)``; ``(mean, mean)`` for a point mass.
        """
        level = _check_level(probability, "probability")
        half = float(_st.t.ppf((1 + level) / 2, self.df)) * self.scale
        return ConfidenceInterval(self.mean - half, self.mean + half)


# --------------------------------------------------------------------------
# Input validation


def _check_alternative(alternative):
    if alternative not in _ALTERNATIVES:
        raise ValueError(
            "The 'alternative' parameter must be one of "
            f"{_ALTERNATIVES!r}; got {alternative!r}."
        )


def _has_missing(array):
    """Whether a label array holds NaN or None."""
    if array.dtype.kind == "f":
        return bool(np.isnan(array).any())
    if array.dtype.kind == "O":
        return any(v is None or (isinstance(v, float) and np.isnan(v)) for v in array)
    return False


def _as_scores(values, name, *, ndim=None, min_size=2):
    """A float array without NaN or inf, with at least ``min_size`` values."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"The '{name}' parameter must be an array of numbers; got {values!r}."
        ) from exc
    if ndim is not None and array.ndim != ndim:
        raise ValueError(
            f"The '{name}' parameter must be {ndim}-dimensional; got shape "
            f"{array.shape}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"The '{name}' parameter contains NaN or infinite values; a failed "
            "fit's score cannot be compared."
        )
    if array.size < min_size:
        raise ValueError(
            f"The '{name}' parameter needs at least {min_size} values; got "
            f"{array.size}."
        )
    return array


def _paired(scores_a, scores_b, *, min_size=2, shape=None):
    a = _as_scores(scores_a, "scores_a", min_size=min_size)
    b = _as_scores(scores_b, "scores_b", min_size=min_size)
    for name, array in (("scores_a", a), ("scores_b", b)):
        if array.ndim > 2:
            # never flattened: a third axis (metrics? data sets?) is a mistake
            raise ValueError(
                f"The '{name}' parameter must be 1-dimensional (one score per "
                f"split) or 2-dimensional (repeat, fold); got shape {array.shape}."
            )
    if a.shape != b.shape:
        raise ValueError(
            "The 'scores_a' and 'scores_b' parameters must have the same shape "
            f"(paired scores on the same splits); got {a.shape} and {b.shape}."
        )
    if shape is not None and a.shape != shape:
        raise ValueError(
            f"The 'scores_a' and 'scores_b' parameters must have shape {shape} "
            f"(repeat, fold); got {a.shape}."
        )
    return a, b


def _check_sizes(n_train, n_test):
    for name, value in (("n_train", n_train), ("n_test", n_test)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"The '{name}' parameter must be a positive number (rows per "
                f"split); got {value!r}."
            )
        if not np.isfinite(value) or value <= 0:
            raise ValueError(
                f"The '{name}' parameter must be a positive number (rows per "
                f"split); got {value!r}."
            )
    return float(n_train), float(n_test)


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


# --------------------------------------------------------------------------
# Two models on one data set


def _corrected_moments(scores_a, scores_b, n_train, n_test):
    a, b = _paired(scores_a, scores_b)
    n_train, n_test = _check_sizes(n_train, n_test)
    diff = (a - b).ravel()
    n_splits = diff.size
    mean = float(np.mean(diff))
    variance = float(np.var(diff, ddof=1))
    scale = float(np.sqrt(variance * (1 / n_splits + n_test / n_train)))
    return mean, scale, n_splits - 1


def _corrected_effect_size(scores_a, scores_b, n_train, n_test):
    """``mean(d) / (sd(d) * sqrt(1 + n_test / n_train))``: see corrected_ttest."""
    a, b = _paired(scores_a, scores_b)
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
    _check_alternative(alternative)
    mean, scale, df = _corrected_moments(scores_a, scores_b, n_train, n_test)
    t = _ratio(mean, scale)
    n_train, n_test = _check_sizes(n_train, n_test)
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
    a, b = _paired(scores_a, scores_b, shape=(5, 2))
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
    _check_alternative(alternative)
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
    from sklearn.base import is_classifier
    from sklearn.model_selection import (
        RepeatedKFold,
        RepeatedStratifiedKFold,
        cross_val_score,
    )

    both_classifiers = is_classifier(estimator_a) and is_classifier(estimator_b)
    splitter = RepeatedStratifiedKFold if both_classifiers else RepeatedKFold
    cv = splitter(n_splits=2, n_repeats=5, random_state=random_state)
    splits = list(cv.split(X, y))
    scores = [
        cross_val_score(est, X, y, cv=splits, scoring=scoring, n_jobs=n_jobs)
        for est in (estimator_a, estimator_b)
    ]
    return scores[0].reshape(5, 2), scores[1].reshape(5, 2)


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
        if _has_missing(array):
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


# --------------------------------------------------------------------------
# Several data sets


def wilcoxon_test(scores_a, scores_b, *, alternative="two-sided", zero_method="wilcox"):
    """Wilcoxon's signed-rank test of two models over several data sets.

    Demšar (2006) recommends it over the paired t-test for comparing two
    models across data sets: it assumes neither normality nor commensurable
    differences, and outliers weigh less.

    Null hypothesis: the differences ``a - b`` are symmetric around 0.

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (n_datasets,)
        Each model's score (e.g. mean CV score) on each data set.
    alternative : {"two-sided", "greater", "less"}, default="two-sided"
        ``"greater"``: A tends to score higher.
    zero_method : {"wilcox", "pratt", "zsplit"}, default="wilcox"
        How zero differences count, as in :func:`scipy.stats.wilcoxon`:
        ``"wilcox"`` (scipy's default) drops them; Demšar (2006) suggests
        ``"zsplit"``, which splits their ranks between both sides.

    Returns
    -------
    result : RankTestResult
        ``statistic`` and ``pvalue`` of :func:`scipy.stats.wilcoxon`, and
        ``effect_size``, the matched-pairs rank-biserial correlation
        (``effect_size_name="rank-biserial"``, see Notes).

    Notes
    -----
    The rank-biserial correlation is ``r = (T+ - T-) / (T+ + T-)``, with
    ``T+`` and ``T-`` the sums of the ranks of ``|a - b|`` where A, resp. B,
    scores higher (Kerby 2014), as pingouin's ``wilcoxon`` reports it: 1
    when A wins on every data set, -1 when B does. Zero differences count
    as the test counts them: dropped (``"wilcox"``), ranked then dropped
    (``"pratt"``), or their ranks split between ``T+`` and ``T-``
    (``"zsplit"``). It is 0 when every difference is 0.

    References
    ----------
    Wilcoxon (1945); Demšar (2006); Kerby, D. S. (2014). The simple
    difference formula: an approach to teaching nonparametric correlation.
    Comprehensive Psychology 3.

    Examples
    --------
    >>> from sktune.stats import wilcoxon_test
    >>> a = [0.81, 0.92, 0.75, 0.88, 0.69, 0.95, 0.83, 0.77]
    >>> b = [0.79, 0.90, 0.76, 0.85, 0.65, 0.94, 0.80, 0.70]
    >>> result = wilcoxon_test(a, b)
    >>> round(result.pvalue, 4), round(result.effect_size, 3)
    (0.0234, 0.917)
    """
    _check_alternative(alternative)
    if zero_method not in ("wilcox", "pratt", "zsplit"):
        raise ValueError(
            "The 'zero_method' parameter must be 'wilcox', 'pratt' or 'zsplit'; "
            f"got {zero_method!r}."
        )
    a, b = _paired(scores_a, scores_b)
    if a.ndim != 1:
        raise ValueError(
            "The 'scores_a' and 'scores_b' parameters must be 1-dimensional (one "
            f"score per data set); got shape {a.shape}."
        )
    name = "rank-biserial"
    if np.all(a == b):
        return RankTestResult(
            statistic=0.0, pvalue=1.0, effect_size=0.0, effect_size_name=name
        )
    result = _st.wilcoxon(a, b, alternative=alternative, zero_method=zero_method)
    return RankTestResult(
        statistic=float(result.statistic),
        pvalue=float(result.pvalue),
        effect_size=_rank_biserial(a - b, zero_method),
        effect_size_name=name,
    )


def _rank_biserial(diff, zero_method):
    """``(T+ - T-) / (T+ + T-)`` with zeros counted as the Wilcoxon test does."""
    if zero_method == "wilcox":
        diff = diff[diff != 0]
    ranks = _st.rankdata(np.abs(diff))
    t_plus = float(np.sum(ranks[diff > 0]))
    t_minus = float(np.sum(ranks[diff < 0]))
    if zero_method == "zsplit":
        zeros = float(np.sum(ranks[diff == 0])) / 2
        t_plus, t_minus = t_plus + zeros, t_minus + zeros
    total = t_plus + t_minus
    return (t_plus - t_minus) / total if total > 0 else 0.0


@dataclass(frozen=True)
class BayesianSignedRankResult:
    """The posterior of :func:`bayesian_signed_rank`.

    Attributes
    ----------
    p_a_better : float
        Posterior probability that "A is better by more than ``rope``" is
        the most probable of the three regions, as baycomp reports it.
    p_rope : float
        The same for "practically equivalent"; 0 when ``rope=0``.
    p_b_better : float
        The same for "B is better by more than ``rope``".
    rope, prior : float
        The region of practical equivalence and the prior's strength used.
    samples : ndarray of shape (n_samples, 3)
        Draws of the posterior probabilities of the three regions (A
        better, rope, B better), each row summing to 1: the data of a
        simplex plot.
    """

    p_a_better: float
    p_rope: float
    p_b_better: float
    rope: float
    prior: float
    samples: np.ndarray = field(repr=False, compare=False)


_SIGNED_RANK_CHUNK = 4096  # posterior draws per matrix product


def bayesian_signed_rank(
    scores_a, scores_b, *, rope=0.0, prior=0.5, n_samples=50000, random_state=None
):
    """Benavoli et al.'s Bayesian signed-rank test over several data sets.

    The Bayesian counterpart of :func:`wilcoxon_test`. The differences
    ``z_i = a_i - b_i`` over the N data sets get a Dirichlet-process
    posterior whose base measure puts a pseudo-observation of weight
    ``prior`` at 0. For each draw of Dirichlet weights ``w`` (``prior`` for
    the pseudo-observation, 1 for each data set), the probabilities of the
    three regions are sums over pairs of the Walsh averages, as in the
    signed-rank statistic: ``theta_a = sum_ij w_i w_j H(z_i + z_j - 2
    rope)``, ``theta_b = sum_ij w_i w_j H(-z_i - z_j - 2 rope)`` and
    ``theta_rope = 1 - theta_a - theta_b``, with H the Heaviside step
    (1/2 at 0). The returned probabilities are the fractions of draws in
    which each region is the most probable, as baycomp reports them.

    Parameters
    ----------
    scores_a, scores_b : array-like of shape (n_datasets,)
        Each model's score (e.g. mean CV score) on each data set.
    rope : float, default=0.0
        Half-width of the region of practical equivalence, in score units.
    prior : float, default=0.5
        Strength of the prior pseudo-observation at 0 (> 0), baycomp's
        default.
    n_samples : int, default=50000
        Monte-Carlo draws from the posterior. The probabilities' standard
        error is at most ``0.5 / sqrt(n_samples)``.
    random_state : int, RandomState instance or None, default=None
        Seeds the draws. With an int the draws equal baycomp's
        ``SignedRankTest`` with ``random_state`` of the same value.

    Returns
    -------
    result : BayesianSignedRankResult
        ``p_a_better``, ``p_rope``, ``p_b_better`` (summing to 1) and the
        posterior ``samples``.

    Notes
    -----
    Matches ``baycomp.two_on_multiple(a, b, rope=rope, prior=prior,
    nsamples=n_samples, random_state=seed)``, whose left model is A; with
    ``rope=0`` the rope's probability is 0.

    References
    ----------
    Benavoli, A., Corani, G., Mangili, F., Zaffalon, M. & Ruggeri, F.
    (2014). A Bayesian Wilcoxon signed-rank test based on the Dirichlet
    process. ICML. Benavoli, Corani, Demšar & Zaffalon (2017), section 4.

    Examples
    --------
    >>> from sktune.stats import bayesian_signed_rank
    >>> a = [0.81, 0.92, 0.75, 0.88, 0.69, 0.95, 0.83, 0.77]
    >>> b = [0.79, 0.90, 0.76, 0.85, 0.65, 0.94, 0.80, 0.70]
    >>> post = bayesian_signed_rank(a, b, rope=0.01, n_samples=2000,
    ...                             random_state=0)
    >>> post.p_a_better + post.p_rope + post.p_b_better
    1.0
    >>> post.p_a_better > 0.9
    True
    """
    from sklearn.utils import check_random_state

    if isinstance(rope, bool) or not isinstance(rope, numbers.Real):
        raise TypeError(f"The 'rope' parameter must be a number >= 0; got {rope!r}.")
    if not np.isfinite(rope) or rope < 0:
        raise ValueError(f"The 'rope' parameter must be a number >= 0; got {rope!r}.")
    if isinstance(prior, bool) or not isinstance(prior, numbers.Real):
        raise TypeError(f"The 'prior' parameter must be a number > 0; got {prior!r}.")
    if not np.isfinite(prior) or prior <= 0:
        raise ValueError(f"The 'prior' parameter must be a number > 0; got {prior!r}.")
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(
            f"The 'n_samples' parameter must be an integer >= 1; got {n_samples!r}."
        )
    if n_samples < 1:
        raise ValueError(
            f"The 'n_samples' parameter must be an integer >= 1; got {n_samples!r}."
        )
    a, b = _paired(scores_a, scores_b)
    if a.ndim != 1:
        raise ValueError(
            "The 'scores_a' and 'scores_b' parameters must be 1-dimensional (one "
            f"score per data set); got shape {a.shape}."
        )
    diff = np.concatenate([[0.0], a - b])  # the prior's pseudo-observation first
    sums = diff[:, None] + diff[None, :]
    threshold = 2 * float(rope)
    above = (sums > threshold) + 0.5 * (sums == threshold)
    below = (-sums > threshold) + 0.5 * (-sums == threshold)
    weights = np.ones(diff.size)
    weights[0] = prior
    draws = check_random_state(random_state).dirichlet(weights, int(n_samples))
    samples = np.empty((int(n_samples), 3))
    for start in range(0, int(n_samples), _SIGNED_RANK_CHUNK):
        w = draws[start : start + _SIGNED_RANK_CHUNK]
        samples[start : start + len(w), 0] = np.sum((w @ above) * w, axis=1)
        samples[start : start + len(w), 2] = np.sum((w @ below) * w, axis=1)
    if rope > 0:
        samples[:, 1] = 1 - samples[:, 0] - samples[:, 2]
    else:
        samples[:, 0] = 1 - samples[:, 2]
        samples[:, 1] = 0.0
    winners = np.bincount(np.argmax(samples, axis=1), minlength=3) / len(samples)
    return BayesianSignedRankResult(
        p_a_better=float(winners[0]),
        p_rope=float(winners[1]),
        p_b_better=float(winners[2]),
        rope=float(rope),
        prior=float(prior),
        samples=samples,
    )


def friedman_test(scores, *, tie_correction=False):
    """Friedman's test of several models over several data sets.

    Models are ranked on each data set (rank 1 = highest score, ties share
    the average rank); under the null hypothesis every model has the same
    expected rank. Returns Friedman's chi-square, Demšar's (2006) formula
    ``12N / (k(k+1)) * (sum R_j^2 - k(k+1)^2 / 4)`` of the average ranks
    ``R_j``, and Iman and Davenport's less conservative
    ``F = (N-1) chi2 / (N(k-1) - chi2)``, which Demšar recommends.

    Null hypothesis: all models perform equally (equal expected ranks).

    Parameters
    ----------
    scores : array-like of shape (n_datasets, n_models)
        Higher is better; negate losses first.
    tie_correction : bool, default=False
        Divide chi-square by ``1 - sum(t^3 - t) / (N k (k^2 - 1))`` over the
        groups of t tied models, as :func:`scipy.stats.friedmanchisquare` and
        R's ``friedman.test`` do. Without ties both agree; with ties the
        default reproduces Demšar's worked example (chi2 = 9.28, F = 3.69)
        and is slightly conservative.

    Returns
    -------
    result : RankTestResult
        ``statistic`` (chi-square), ``pvalue``, ``df`` (k - 1),
        ``average_ranks``, ``f_statistic``, ``f_pvalue``, ``f_df``, and
        ``effect_size``, Kendall's coefficient of concordance
        ``W = chi2 / (N (k - 1))`` (``effect_size_name="Kendall's W"``):
        0 when the data sets' rankings show no agreement, 1 when every data
        set ranks the models the same way. It is tie-corrected exactly when
        chi-square is (``tie_correction=True``), and then equals Kendall's
        tie-corrected W.

    References
    ----------
    Friedman (1937); Iman & Davenport (1980); Demšar (2006); Kendall, M. G.
    & Babington Smith, B. (1939). The problem of m rankings. Annals of
    Mathematical Statistics 10(3).

    Examples
    --------
    >>> import numpy as np
    >>> from sktune.stats import friedman_test
    >>> scores = np.array([[.80, .82, .79], [.91, .93, .90], [.70, .74, .72],
    ...                    [.85, .86, .80], [.66, .69, .67], [.95, .96, .94]])
    >>> result = friedman_test(scores)
    >>> result.average_ranks
    array([2.33333333, 1.        , 2.66666667])
    >>> round(result.statistic, 3), round(result.f_statistic, 3)
    (9.333, 17.5)
    >>> round(result.effect_size, 3)  # Kendall's W = 9.333 / (6 * 2)
    0.778
    """
    ranks = _rank_table(scores)
    average_ranks = ranks.mean(axis=0)
    n, k = ranks.shape
    chi2 = 12 * n / (k * (k + 1)) * (np.sum(average_ranks**2) - k * (k + 1) ** 2 / 4)
    ties = 0.0
    for row in ranks:
        _, counts = np.unique(row, return_counts=True)
        ties += np.sum(counts**3 - counts)
    tie_factor = 1 - ties / (n * k * (k**2 - 1)) if tie_correction else 1.0
    if tie_factor <= 0 or chi2 <= 0:  # every data set ties every model
        return RankTestResult(
            statistic=0.0,
            pvalue=1.0,
            df=float(k - 1),
            average_ranks=average_ranks,
            f_statistic=0.0,
            f_pvalue=1.0,
            f_df=(float(k - 1), float((k - 1) * (n - 1))),
            effect_size=0.0,
            effect_size_name="Kendall's W",
        )
    chi2 = float(chi2 / tie_factor)
    f_df = (float(k - 1), float((k - 1) * (n - 1)))
    f_stat = _ratio((n - 1) * chi2, n * (k - 1) - chi2)
    if np.isfinite(f_stat):
        f_pvalue = float(_st.f.sf(f_stat, *f_df))
    else:
        # Every data set ranks the models the same way (the F statistic's
        # denominator is 0): the F approximation breaks down, and the exact
        # permutation p-value is the chance that N - 1 data sets all repeat
        # the first one's ranking, 1 / k! ** (N - 1) without ties.
        f_pvalue = float(math.factorial(k) ** -(n - 1))
    return RankTestResult(
        statistic=chi2,
        pvalue=float(_st.chi2.sf(chi2, k - 1)),
        df=float(k - 1),
        average_ranks=average_ranks,
        f_statistic=float(f_stat),
        f_pvalue=f_pvalue,
        f_df=f_df,
        effect_size=float(min(1.0, chi2 / (n * (k - 1)))),
        effect_size_name="Kendall's W",
    )


def _rank_table(scores):
    """Ranks of the models (columns) on each data set (row), 1 = best."""
    table = _as_scores(scores, "scores", ndim=2, min_size=1)
    n_datasets, n_models = table.shape
    if n_models < 3:
        raise ValueError(
            "The 'scores' parameter needs at least 3 models (columns) for Friedman's "
            f"test; got {n_models}. Compare two models with wilcoxon_test."
        )
    if n_datasets < 2:
        raise ValueError(
            "The 'scores' parameter needs at least 2 data sets (rows); got "
            f"{n_datasets}."
        )
    return np.apply_along_axis(_st.rankdata, 1, -table)


def _check_counts(n_models, n_datasets):
    for name, value, low in (("n_models", n_models, 2), ("n_datasets", n_datasets, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(
                f"The '{name}' parameter must be an integer >= {low}; got {value!r}."
            )
        if value < low:
            raise ValueError(
                f"The '{name}' parameter must be an integer >= {low}; got {value!r}."
            )


def nemenyi_critical_difference(n_models, n_datasets, alpha=0.05):
    """The Nemenyi critical difference of average ranks (Demšar 2006).

    Two models whose average ranks (from :func:`friedman_test`) differ by at
    least ``CD = q_alpha * sqrt(k (k + 1) / (6 N))`` perform significantly
    differently, where ``q_alpha`` is the studentized range quantile for k
    groups and infinite degrees of freedom divided by sqrt(2).

    Parameters
    ----------
    n_models : int
        k >= 2.
    n_datasets : int
        N >= 1.
    alpha : float, default=0.05
        Family-wise significance level, in (0, 1).

    Returns
    -------
    cd : float

    Examples
    --------
    Demšar's example, four models on fourteen data sets:

    >>> from sktune.stats import nemenyi_critical_difference
    >>> round(nemenyi_critical_difference(4, 14), 3)
    1.254
    """
    _check_counts(n_models, n_datasets)
    _check_alpha(alpha)
    q = _st.studentized_range.ppf(1 - alpha, n_models, np.inf) / np.sqrt(2)
    return float(q * np.sqrt(n_models * (n_models + 1) / (6 * n_datasets)))


def bonferroni_dunn_critical_difference(n_models, n_datasets, alpha=0.05):
    """The Bonferroni-Dunn critical difference of average ranks (Demšar 2006).

    When every model is compared with one control only (k - 1 comparisons
    instead of Nemenyi's k (k - 1) / 2), a model whose average rank differs
    from the control's by at least ``CD = q_alpha * sqrt(k (k + 1) / (6 N))``
    differs significantly, with ``q_alpha`` the normal quantile at
    ``1 - alpha / (2 (k - 1))``.

    Parameters
    ----------
    n_models : int
        k >= 2, the control included.
    n_datasets : int
        N >= 1.
    alpha : float, default=0.05
        Family-wise significance level, in (0, 1).

    Returns
    -------
    cd : float

    See Also
    --------
    posthoc_friedman : the comparisons themselves.

    References
    ----------
    Dunn, O. J. (1961). Multiple comparisons among means. JASA 56;
    Demšar (2006), Table 5(b).

    Examples
    --------
    Demšar's example, four models on fourteen data sets (q_0.05 = 2.394):

    >>> from sktune.stats import bonferroni_dunn_critical_difference
    >>> round(bonferroni_dunn_critical_difference(4, 14), 3)
    1.168
    """
    _check_counts(n_models, n_datasets)
    _check_alpha(alpha)
    q = _st.norm.isf(alpha / (2 * (n_models - 1)))
    return float(q * np.sqrt(n_models * (n_models + 1) / (6 * n_datasets)))


_POSTHOC_METHODS = ("nemenyi", "holm", "bonferroni-dunn")


@dataclass(frozen=True)
class PosthocResult:
    """The outcome of :func:`posthoc_friedman`.

    k is the number of models. With ``method="nemenyi"`` the arrays are
    (k, k) matrices over all pairs; with a control they are (k,) vectors of
    each model against the control, NaN (and ``reject`` False) at the
    control itself.

    Attributes
    ----------
    method : str
        ``"nemenyi"``, ``"holm"`` or ``"bonferroni-dunn"``.
    alpha : float
        The family-wise level of ``reject``, ``critical_difference`` and
        ``cliques``.
    control : int or None
        Column of the control model, None for Nemenyi.
    average_ranks : ndarray of shape (k,)
        Rank 1 is the best (highest score).
    statistic : ndarray
        ``z = (R_i - R_j) / sqrt(k (k + 1) / (6 N))``, positive when model j
        ranks better than model i: ``statistic[i, j]`` for Nemenyi,
        ``statistic[j]`` with i the control.
    pvalue : ndarray
        Nemenyi: the studentized-range p-values of ``|z| sqrt(2)`` (already
        family-wise, as scikit-posthocs' ``posthoc_nemenyi_friedman``; 1 on
        the diagonal). Control: the unadjusted two-sided normal p-values.
    pvalue_adjusted : ndarray
        Nemenyi: ``pvalue`` again. Control: adjusted over the k - 1
        comparisons by Holm's step-down or Bonferroni (``(k - 1) p``).
    reject : ndarray of bool
        ``pvalue_adjusted <= alpha``: the pairs (or models against the
        control) that differ significantly.
    critical_difference : float or None
        The difference of average ranks needed at ``alpha``: Nemenyi's or
        Bonferroni-Dunn's; None for Holm, whose threshold changes step by
        step.
    cliques : list of tuple of int
        For a critical-difference diagram: groups of models not
        significantly different from each other, each ordered best rank
        first. Nemenyi: the maximal runs of models, in rank order, among
        which no pair is rejected (runs of one model left out). Control:
        one group, the control and every model not rejected against it.
    """

    method: str
    alpha: float
    control: int | None
    average_ranks: np.ndarray = field(repr=False)
    statistic: np.ndarray = field(repr=False)
    pvalue: np.ndarray = field(repr=False)
    pvalue_adjusted: np.ndarray = field(repr=False)
    reject: np.ndarray = field(repr=False)
    critical_difference: float | None
    cliques: list


def _nemenyi_cliques(average_ranks, reject):
    """Maximal runs, in rank order, of models with no rejected pair."""
    order = np.argsort(average_ranks, kind="stable")
    cliques, last_end = [], -1
    for start in range(order.size):
        end = start
        while end + 1 < order.size and not reject[order[start], order[end + 1]]:
            end += 1
        if end > start and end > last_end:
            cliques.append(tuple(int(i) for i in order[start : end + 1]))
        last_end = max(last_end, end)
    return cliques


def posthoc_friedman(scores, *, method="nemenyi", control=None, alpha=0.05):
    """Post-hoc tests after Friedman's: which models differ (Demšar 2006).

    Models are ranked on each data set (rank 1 = highest score, ties share
    the average rank) and compared by their average ranks ``R``: under the
    null hypothesis that models i and j perform equally,
    ``z = (R_i - R_j) / sqrt(k (k + 1) / (6 N))`` is approximately standard
    normal.

    - ``"nemenyi"`` compares all k (k - 1) / 2 pairs; the p-values come
      from the studentized range distribution of ``|z| sqrt(2)``, so they
      hold the family-wise rate over all pairs (the two models differ when
      ``|R_i - R_j|`` reaches :func:`nemenyi_critical_difference`).
    - ``"holm"`` and ``"bonferroni-dunn"`` compare every model with one
      ``control`` (e.g. a new method against existing ones): k - 1 two-sided
      normal p-values, adjusted by Holm's step-down procedure (more
      powerful) or by Bonferroni, which is a fixed critical difference,
      :func:`bonferroni_dunn_critical_difference`.

    Run them after :func:`friedman_test` rejects its null hypothesis.

    Parameters
    ----------
    scores : array-like of shape (n_datasets, n_models)
        Higher is better; negate losses first.
    method : {"nemenyi", "holm", "bonferroni-dunn"}, default="nemenyi"
    control : int or None, default=None
        Column of the control model; required by ``"holm"`` and
        ``"bonferroni-dunn"``, refused by ``"nemenyi"``.
    alpha : float, default=0.05
        Family-wise significance level of ``reject``, the critical
        difference and the cliques.

    Returns
    -------
    result : PosthocResult
        ``average_ranks``, ``statistic``, ``pvalue``, ``pvalue_adjusted``,
        ``reject``, ``critical_difference`` and ``cliques``: everything a
        critical-difference diagram draws.

    See Also
    --------
    friedman_test, nemenyi_critical_difference,
    bonferroni_dunn_critical_difference, multipletests

    References
    ----------
    Nemenyi, P. (1963). Distribution-free multiple comparisons. PhD thesis,
    Princeton University; Dunn (1961); Holm (1979); Demšar (2006),
    section 3.2.2.

    Examples
    --------
    Demšar's (2006) example: average ranks 3.143, 2.000, 2.893, 1.964 of
    C4.5 and three variants over fourteen data sets, C4.5 the control.

    >>> import numpy as np
    >>> from sktune.stats import posthoc_friedman
    >>> ranks = np.array([[4, 2, 3, 1]] * 8 + [[1, 2, 3.5, 3.5], [1, 2, 3, 4],
    ...                   [2, 1, 3, 4], [3, 2, 1, 4], [1, 2, 4, 3], [4, 3, 2, 1]])
    >>> holm = posthoc_friedman(-ranks, method="holm", control=0)
    >>> holm.statistic.round(3)
    array([  nan, 2.342, 0.512, 2.415])
    >>> holm.pvalue.round(3)
    array([  nan, 0.019, 0.608, 0.016])
    >>> holm.reject
    array([False,  True, False,  True])
    >>> nemenyi = posthoc_friedman(-ranks, alpha=0.10)
    >>> round(nemenyi.critical_difference, 3), nemenyi.cliques
    (1.118, [(3, 1, 2), (2, 0)])
    """
    if method not in _POSTHOC_METHODS:
        raise ValueError(
            f"The 'method' parameter must be one of {_POSTHOC_METHODS!r}; got "
            f"{method!r}."
        )
    _check_alpha(alpha)
    ranks = _rank_table(scores)
    n, k = ranks.shape
    if method == "nemenyi":
        if control is not None:
            raise ValueError(
                "The 'control' parameter must be None with method='nemenyi', "
                "which compares all pairs; compare with a control by "
                f"method='holm' or 'bonferroni-dunn'. Got {control!r}."
            )
    else:
        if isinstance(control, bool) or not isinstance(control, numbers.Integral):
            raise TypeError(
                f"The 'control' parameter must be the column (int) of the control "
                f"model with method={method!r}; got {control!r}."
            )
        if not 0 <= control < k:
            raise ValueError(
                f"The 'control' parameter must be a column in [0, {k}); got "
                f"{control!r}."
            )
        control = int(control)
    average_ranks = ranks.mean(axis=0)
    se = np.sqrt(k * (k + 1) / (6 * n))
    z = (average_ranks[:, None] - average_ranks[None, :]) / se
    if method == "nemenyi":
        pvalue = _st.studentized_range.sf(np.abs(z) * np.sqrt(2), k, np.inf)
        pvalue = np.minimum(1.0, pvalue)
        np.fill_diagonal(pvalue, 1.0)
        reject = pvalue <= alpha
        return PosthocResult(
            method=method,
            alpha=float(alpha),
            control=None,
            average_ranks=average_ranks,
            statistic=z,
            pvalue=pvalue,
            pvalue_adjusted=pvalue.copy(),
            reject=reject,
            critical_difference=nemenyi_critical_difference(k, n, alpha),
            cliques=_nemenyi_cliques(average_ranks, reject),
        )
    others = np.arange(k) != control
    statistic = np.full(k, np.nan)
    statistic[others] = z[control, others]
    pvalue = 2 * _st.norm.sf(np.abs(statistic))
    adjusted = np.full(k, np.nan)
    adjusted[others] = _adjust(
        pvalue[others], "holm" if method == "holm" else "bonferroni"
    )
    reject = np.zeros(k, dtype=bool)
    reject[others] = adjusted[others] <= alpha
    tied = np.flatnonzero(~reject)
    clique = tuple(int(i) for i in tied[np.argsort(average_ranks[tied], kind="stable")])
    return PosthocResult(
        method=method,
        alpha=float(alpha),
        control=control,
        average_ranks=average_ranks,
        statistic=statistic,
        pvalue=pvalue,
        pvalue_adjusted=adjusted,
        reject=reject,
        critical_difference=(
            bonferroni_dunn_critical_difference(k, n, alpha)
            if method == "bonferroni-dunn"
            else None
        ),
        cliques=[clique],
    )


def _check_alpha(alpha):
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(
            f"The 'alpha' parameter must be a number in (0, 1); got {alpha!r}."
        )
    if not 0 < alpha < 1:
        raise ValueError(
            f"The 'alpha' parameter must be a number in (0, 1); got {alpha!r}."
        )


# statsmodels' names of the methods, and the names sktune also accepts
_METHOD_ALIASES = {
    "bonferroni": "bonferroni",
    "sidak": "sidak",
    "holm": "holm",
    "holm-sidak": "holm-sidak",
    "hochberg": "simes-hochberg",
    "simes-hochberg": "simes-hochberg",
    "hommel": "hommel",
    "bh": "fdr_bh",
    "fdr_bh": "fdr_bh",
    "by": "fdr_by",
    "fdr_by": "fdr_by",
}


def _adjust(p, method):
    """Adjusted p-values of the finite ``p`` (1-D), in their order."""
    m = p.size
    order = np.argsort(p, kind="stable")
    sorted_p = p[order]
    rank = np.arange(1, m + 1)
    if method == "bonferroni":
        adjusted = m * sorted_p
    elif method == "sidak":
        adjusted = -np.expm1(m * np.log1p(-np.minimum(sorted_p, 1 - 1e-16)))
        adjusted = np.where(sorted_p >= 1, 1.0, adjusted)
    elif method == "holm":
        adjusted = np.maximum.accumulate((m - rank + 1) * sorted_p)
    elif method == "holm-sidak":
        step = -np.expm1((m - rank + 1) * np.log1p(-np.minimum(sorted_p, 1 - 1e-16)))
        adjusted = np.maximum.accumulate(np.where(sorted_p >= 1, 1.0, step))
    elif method == "simes-hochberg":
        adjusted = np.minimum.accumulate(((m - rank + 1) * sorted_p)[::-1])[::-1]
    elif method in ("fdr_bh", "fdr_by"):
        factor = np.sum(1.0 / rank) if method == "fdr_by" else 1.0
        scaled = sorted_p * m * factor / rank
        adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    else:  # hommel (Hommel 1988), as statsmodels computes it
        adjusted = np.repeat(np.min(m * sorted_p / rank), m)
        for k in range(m - 1, 1, -1):
            low, high = np.arange(0, m - k + 1), np.arange(m - k + 1, m)
            q_high = np.min(k * sorted_p[high] / np.arange(2, k + 1))
            q = np.empty(m)
            q[low] = np.minimum(k * sorted_p[low], q_high)
            q[high] = q[m - k]
            adjusted = np.maximum(adjusted, q)
        adjusted = np.maximum(adjusted, sorted_p)
    out = np.empty(m)
    out[order] = np.minimum(1.0, adjusted)
    return out


def multipletests(pvalues, method="holm", *, alpha=None):
    """Adjust p-values for multiple comparisons.

    Parameters
    ----------
    pvalues : array-like of shape (n_tests,)
        Values in [0, 1]; NaN entries (tests that could not run) stay NaN and
        do not count.
    method : str, default="holm"
        Family-wise error rate: ``"bonferroni"`` (``min(1, m p)``),
        ``"sidak"`` (``1 - (1 - p) ** m``), ``"holm"`` (Holm's step-down:
        the i-th smallest p-value becomes ``max over j <= i of
        min(1, (m - j + 1) p_(j))``), ``"holm-sidak"``, ``"hochberg"``
        (``"simes-hochberg"``, step-up; assumes independent or positively
        dependent tests) and ``"hommel"``. False discovery rate: ``"bh"``
        (``"fdr_bh"``, Benjamini-Hochberg) and ``"by"`` (``"fdr_by"``,
        Benjamini-Yekutieli, valid under any dependence). statsmodels'
        names are accepted, and the values agree with
        ``statsmodels.stats.multitest.multipletests``.
    alpha : float or None, default=None
        When given, also return the reject mask, ``adjusted <= alpha``.

    Returns
    -------
    adjusted : ndarray of shape (n_tests,)
        In the input's order. With ``alpha``, ``(reject, adjusted)``, as
        statsmodels returns them first.

    Examples
    --------
    >>> from sktune.stats import multipletests
    >>> multipletests([0.01, 0.04, 0.03, 0.005])
    array([0.03, 0.06, 0.06, 0.02])
    >>> multipletests([0.01, 0.04, 0.03, 0.005], method="bh")
    array([0.02, 0.04, 0.04, 0.02])
    >>> reject, adjusted = multipletests([0.01, 0.04, 0.03, 0.005], alpha=0.05)
    >>> reject.tolist()
    [True, False, False, True]
    """
    if method not in _METHOD_ALIASES:
        raise ValueError(
            f"The 'method' parameter must be one of {sorted(_METHOD_ALIASES)}; got "
            f"{method!r}."
        )
    if alpha is not None:
        _check_alpha(alpha)
    try:
        p = np.asarray(pvalues, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"The 'pvalues' parameter must be an array of numbers; got {pvalues!r}."
        ) from exc
    if p.ndim != 1:
        raise ValueError(
            f"The 'pvalues' parameter must be 1-dimensional; got shape {p.shape}."
        )
    valid = ~np.isnan(p)
    if np.any((p[valid] < 0) | (p[valid] > 1)):
        raise ValueError("The 'pvalues' parameter must hold values in [0, 1].")
    adjusted = np.full_like(p, np.nan)
    if valid.any():
        adjusted[valid] = _adjust(p[valid], _METHOD_ALIASES[method])
    if alpha is None:
        return adjusted
    return np.where(valid, adjusted <= alpha, False), adjusted


# --------------------------------------------------------------------------
# Candidates of a fitted search


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
    from sktune._comparisons import candidate_table

    _check_alternative(alternative)
    if correction is not None and correction not in _METHOD_ALIASES:
        raise ValueError(
            f"The 'correction' parameter must be one of {sorted(_METHOD_ALIASES)} "
            f"or None; got {correction!r}."
        )
    _check_alpha(alpha)
    return candidate_table(
        search,
        alternative=alternative,
        correction=correction,
        scoring=scoring,
        n_train=n_train,
        n_test=n_test,
        rope=rope,
        alpha=alpha,
    )
