"""Models over several data sets: Wilcoxon, the Bayesian signed-rank test,
Friedman and its post-hoc tests (Demšar 2006)."""

import math
import numbers

import numpy as np
from scipy import stats as _st

from sktune._validation import (
    as_scores,
    check_alpha,
    check_alternative,
    check_counts,
    paired,
)
from sktune.stats._multitest import adjust
from sktune.stats._results import (
    BayesianSignedRankResult,
    PosthocResult,
    RankTestResult,
)
from sktune.stats._two_models import _ratio


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
    check_alternative(alternative)
    if zero_method not in ("wilcox", "pratt", "zsplit"):
        raise ValueError(
            "The 'zero_method' parameter must be 'wilcox', 'pratt' or 'zsplit'; "
            f"got {zero_method!r}."
        )
    a, b = paired(scores_a, scores_b)
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
    a, b = paired(scores_a, scores_b)
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
    table = as_scores(scores, "scores", ndim=2, min_size=1)
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
    check_counts(n_models, n_datasets)
    check_alpha(alpha)
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
    check_counts(n_models, n_datasets)
    check_alpha(alpha)
    q = _st.norm.isf(alpha / (2 * (n_models - 1)))
    return float(q * np.sqrt(n_models * (n_models + 1) / (6 * n_datasets)))


_POSTHOC_METHODS = ("nemenyi", "holm", "bonferroni-dunn")


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
    check_alpha(alpha)
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
    adjusted[others] = adjust(
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
