"""Result objects of :mod:`sktune.stats`: frozen dataclasses, never bare tuples."""

from collections import namedtuple
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as _st

from sktune._validation import check_level

ConfidenceInterval = namedtuple("ConfidenceInterval", ["low", "high"])
ConfidenceInterval.__doc__ = (
    """An interval ``(low, high)``, as scipy.stats returns one."""
)


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
        level = check_level(confidence_level, "confidence_level")
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
        level = check_level(probability, "probability")
        half = float(_st.t.ppf((1 + level) / 2, self.df)) * self.scale
        return ConfidenceInterval(self.mean - half, self.mean + half)


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
