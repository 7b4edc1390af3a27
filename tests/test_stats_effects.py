"""Effect sizes and intervals of sktune.stats' results: known answers by hand,
from the papers' formulas, and against scipy."""

import numpy as np
import pytest
from scipy import stats as st

from sktune.stats import (
    ConfidenceInterval,
    bayesian_correlated_ttest,
    combined_ftest_5x2cv,
    corrected_ttest,
    friedman_test,
    mcnemar,
    paired_ttest_5x2cv,
    wilcoxon_test,
)

A = np.array([0.91, 0.93, 0.90, 0.94, 0.92])
B = np.array([0.89, 0.92, 0.88, 0.91, 0.90])
A52 = np.array([[0.90, 0.92], [0.91, 0.89], [0.93, 0.90], [0.90, 0.91], [0.92, 0.92]])
B52 = np.array([[0.88, 0.91], [0.90, 0.89], [0.90, 0.89], [0.90, 0.88], [0.89, 0.91]])


def random_scores(seed, shape, shift=0.0):
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.7, 0.9, size=shape)
    return base + rng.normal(shift, 0.02, size=shape), base


# ------------------------------------------------------------ effect sizes


def test_corrected_d_z_by_hand():
    # d = (.02, .01, .02, .03, .02): mean .02, var 5e-5; a split's corrected
    # variance 5e-5 * (1 + 100/400) = 6.25e-5, so d_z = .02 / .0079057.
    result = corrected_ttest(A, B, n_train=400, n_test=100)
    assert result.effect_size == pytest.approx(0.02 / np.sqrt(6.25e-5), rel=1e-9)
    assert result.effect_size == pytest.approx(2.5298221, rel=1e-7)
    assert result.effect_size_name == "corrected d_z"
    # the sign follows a - b
    assert corrected_ttest(B, A, n_train=400, n_test=100).effect_size < 0


def test_corrected_d_z_does_not_shrink_with_more_repetitions():
    # the same differences repeated ten times: the same per-split spread
    diff = np.tile([0.02, 0.01, 0.02, 0.03, 0.02], 10)
    long = corrected_ttest(diff, np.zeros(50), n_train=400, n_test=100)
    assert long.effect_size == pytest.approx(
        np.mean(diff) / (np.std(diff, ddof=1) * np.sqrt(1.25)), rel=1e-12
    )
    short = corrected_ttest(A, B, n_train=400, n_test=100)
    # only var(ddof=1) changes: sum of squares / 4 against 10 x it / 49
    assert long.effect_size == pytest.approx(
        short.effect_size * np.sqrt(49 / 40), rel=1e-9
    )
    # while t / sqrt(J) would fall from 1.9 to 0.85
    assert long.statistic / np.sqrt(50) < 0.9


def test_corrected_effect_size_of_equal_differences():
    assert corrected_ttest(A, A, n_train=4, n_test=1).effect_size == 0.0
    assert corrected_ttest(A + 0.01, A, n_train=4, n_test=1).effect_size == np.inf


def test_5x2cv_effect_size_by_hand():
    # differences [[.02,.01],[.01,0],[.03,.01],[0,.03],[.03,.01]]: mean .015;
    # s_i^2 = (d_i1 - d_i2)^2 / 2 = 5e-5, 5e-5, 2e-4, 4.5e-4, 2e-4 (mean 1.9e-4)
    result = paired_ttest_5x2cv(A52, B52)
    assert result.effect_size == pytest.approx(0.015 / np.sqrt(1.9e-4), rel=1e-9)
    assert result.effect_size_name == "5x2cv d"
    assert combined_ftest_5x2cv(A52, B52).effect_size == pytest.approx(
        result.effect_size
    )


def test_rank_biserial_by_hand():
    # |d| = .02 .02 .01 .03 .04 .01 .03 .07, one negative (.01): ranks of the
    # ties .01 are 1.5, so T- = 1.5, T+ = 36 - 1.5, r = 33 / 36.
    a = [0.81, 0.92, 0.75, 0.88, 0.69, 0.95, 0.83, 0.77]
    b = [0.79, 0.90, 0.76, 0.85, 0.65, 0.94, 0.80, 0.70]
    result = wilcoxon_test(a, b)
    assert result.effect_size == pytest.approx(33 / 36)
    assert result.effect_size_name == "rank-biserial"
    assert wilcoxon_test(b, a).effect_size == pytest.approx(-33 / 36)


def test_rank_biserial_matches_the_wilcoxon_statistic():
    # with no zeros and a two-sided test, scipy's statistic is min(T+, T-):
    # r = (T+ - T-) / (n (n + 1) / 2)
    rng = np.random.default_rng(3)
    a = rng.uniform(size=15)
    b = a + rng.normal(0.05, 0.1, size=15)
    d = a - b
    ranks = st.rankdata(np.abs(d))
    t_plus, t_minus = ranks[d > 0].sum(), ranks[d < 0].sum()
    expected = (t_plus - t_minus) / (15 * 16 / 2)
    result = wilcoxon_test(a, b)
    assert result.effect_size == pytest.approx(expected, rel=1e-12)
    assert result.statistic == pytest.approx(min(t_plus, t_minus))


@pytest.mark.parametrize(
    "zero_method, expected",
    [
        # d = (.3, .1, 0, -.2): wilcox ranks .1->1 .2->2 .3->3: (4 - 2) / 6;
        # pratt/zsplit rank the zero first: .1->2 .2->3 .3->4.
        ("wilcox", 2 / 6),
        ("pratt", (6 - 3) / 9),
        ("zsplit", (6.5 - 3.5) / 10),
    ],
)
def test_rank_biserial_counts_zeros_as_the_test_does(zero_method, expected):
    a = np.array([1.3, 1.1, 1.0, 0.8])
    b = np.ones(4)
    result = wilcoxon_test(a, b, zero_method=zero_method)
    assert result.effect_size == pytest.approx(expected)


def test_rank_biserial_of_identical_scores_is_zero():
    assert wilcoxon_test(A, A).effect_size == 0.0


def test_kendalls_w_demsar_example():
    # Demšar (2006): chi2_F = 9.28 with N = 14, k = 4: W = 9.28 / 42.
    ranks = np.array(
        [[4, 2, 3, 1]] * 8
        + [[1, 2, 3.5, 3.5], [1, 2, 3, 4], [2, 1, 3, 4], [3, 2, 1, 4], [1, 2, 4, 3]]
        + [[4, 3, 2, 1]]
    )
    result = friedman_test(-ranks)
    assert result.effect_size == pytest.approx(result.statistic / 42)
    assert result.effect_size == pytest.approx(0.221, abs=5e-4)
    assert result.effect_size_name == "Kendall's W"


def kendall_w(ranks, tie_correction):
    """Kendall & Babington Smith's W from rank sums, with the tie term."""
    n, k = ranks.shape
    sums = ranks.sum(axis=0)
    s = np.sum((sums - n * (k + 1) / 2) ** 2)
    ties = 0.0
    if tie_correction:
        for row in ranks:
            _, counts = np.unique(row, return_counts=True)
            ties += np.sum(counts**3 - counts)
    return 12 * s / (n**2 * (k**3 - k) - n * ties)


@pytest.mark.parametrize("tie_correction", [False, True])
def test_kendalls_w_matches_its_definition(tie_correction):
    scores = np.array(
        [[0.8, 0.8, 0.7, 0.6], [0.9, 0.85, 0.85, 0.7], [0.7, 0.6, 0.5, 0.6]]
        + [[0.6, 0.6, 0.6, 0.5], [0.75, 0.7, 0.72, 0.71]]
    )
    ranks = np.apply_along_axis(st.rankdata, 1, -scores)
    result = friedman_test(scores, tie_correction=tie_correction)
    assert result.effect_size == pytest.approx(kendall_w(ranks, tie_correction))


def test_kendalls_w_is_one_when_every_data_set_agrees():
    scores = np.array([[0.9, 0.8, 0.7]] * 4)
    assert friedman_test(scores).effect_size == pytest.approx(1.0)


def test_mcnemar_odds_ratio():
    y = np.array([1] * 40)
    # A right, B wrong on 10; B right, A wrong on 4; both right on 26
    a = np.array([1] * 10 + [0] * 4 + [1] * 26)
    b = np.array([0] * 10 + [1] * 4 + [1] * 26)
    result = mcnemar(y, a, b)
    assert (result.n_a_only, result.n_b_only) == (10, 4)
    assert result.effect_size == pytest.approx(2.5)
    assert result.effect_size_name == "odds ratio"
    assert mcnemar(y, a, b, exact=False).effect_size == pytest.approx(2.5)
    assert mcnemar(y, b, a).effect_size == pytest.approx(0.4)


def test_mcnemar_odds_ratio_haldane_anscombe():
    y = np.ones(10, dtype=int)
    a = np.array([1] * 3 + [1] * 7)
    b = np.array([0] * 3 + [1] * 7)
    assert mcnemar(y, a, b).effect_size == pytest.approx(3.5 / 0.5)
    assert mcnemar(y, b, a).effect_size == pytest.approx(0.5 / 3.5)
    assert mcnemar(y, a, a).effect_size == 1.0


def test_results_keep_their_old_fields_and_positions():
    result = corrected_ttest(A, B, n_train=400, n_test=100)
    assert (result.statistic, result.pvalue, result.df) == (
        pytest.approx(4.2163702),
        pytest.approx(0.0135, abs=5e-5),
        4,
    )
    assert "_interval" not in repr(result)


# --------------------------------------------------------------- intervals


def test_corrected_interval_is_the_sklearn_example_interval():
    # scikit-learn's gallery: mean +- t.ppf(.975, J - 1) * corrected SE
    a, b = random_scores(0, 30, shift=0.01)
    diff = a - b
    se = np.sqrt(np.var(diff, ddof=1) * (1 / 30 + 10 / 90))
    expected = st.t.interval(0.95, 29, loc=diff.mean(), scale=se)
    ci = corrected_ttest(a, b, n_train=90, n_test=10).confidence_interval()
    assert isinstance(ci, ConfidenceInterval)
    np.testing.assert_allclose(ci, expected, rtol=1e-12)
    assert ci.low < ci.high


def test_corrected_interval_by_hand():
    ci = corrected_ttest(A, B, n_train=400, n_test=100).confidence_interval(0.9)
    half = st.t.ppf(0.95, 4) * np.sqrt(5e-5 * 0.45)
    np.testing.assert_allclose(ci, (0.02 - half, 0.02 + half), rtol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_interval_excludes_zero_exactly_when_the_test_rejects(seed):
    a, b = random_scores(seed, 10, shift=0.01)
    for alternative in ("two-sided", "greater", "less"):
        result = corrected_ttest(a, b, n_train=9, n_test=1, alternative=alternative)
        low, high = result.confidence_interval(0.95)
        assert (result.pvalue < 0.05) == (not low <= 0 <= high)
    a52, b52 = random_scores(seed, (5, 2), shift=0.01)
    result = paired_ttest_5x2cv(a52, b52)
    low, high = result.confidence_interval(0.8)
    assert (result.pvalue < 0.2) == (not low <= 0 <= high)


def test_one_sided_intervals():
    greater = corrected_ttest(A, B, n_train=400, n_test=100, alternative="greater")
    low, high = greater.confidence_interval()
    assert high == np.inf
    assert low == pytest.approx(0.02 - st.t.ppf(0.95, 4) * np.sqrt(2.25e-5))
    less = corrected_ttest(A, B, n_train=400, n_test=100, alternative="less")
    low, high = less.confidence_interval()
    assert low == -np.inf
    assert high == pytest.approx(0.02 + st.t.ppf(0.95, 4) * np.sqrt(2.25e-5))


def test_5x2cv_interval_by_hand():
    # centred on p[0, 0] = .02, scale sqrt(1.9e-4), 5 degrees of freedom
    ci = paired_ttest_5x2cv(A52, B52).confidence_interval(0.95)
    half = st.t.ppf(0.975, 5) * np.sqrt(1.9e-4)
    np.testing.assert_allclose(ci, (0.02 - half, 0.02 + half), rtol=1e-12)


def test_interval_of_zero_variance_is_the_difference():
    ci = corrected_ttest(A + 0.01, A, n_train=4, n_test=1).confidence_interval()
    np.testing.assert_allclose(ci, (0.01, 0.01))


def test_f_test_has_no_interval():
    with pytest.raises(ValueError, match="F test"):
        combined_ftest_5x2cv(A52, B52).confidence_interval()


def test_credible_interval_is_the_posterior_quantiles():
    post = bayesian_correlated_ttest(A, B, n_train=400, n_test=100, rope=0.01)
    ci = post.credible_interval(0.9)
    scale = np.sqrt(5e-5 * 0.45)
    np.testing.assert_allclose(
        ci, st.t.interval(0.9, 4, loc=0.02, scale=scale), rtol=1e-12
    )
    # the flat-prior posterior interval equals the corrected t's interval
    freq = corrected_ttest(A, B, n_train=400, n_test=100).confidence_interval(0.9)
    np.testing.assert_allclose(ci, freq, rtol=1e-12)
    point = bayesian_correlated_ttest(A + 0.02, A, n_train=4, n_test=1)
    np.testing.assert_allclose(point.credible_interval(), (0.02, 0.02))


@pytest.mark.parametrize(
    "level, error",
    [(0, ValueError), (1.5, ValueError), ("0.9", TypeError), (True, TypeError)],
)
def test_interval_levels_are_validated(level, error):
    result = corrected_ttest(A, B, n_train=400, n_test=100)
    with pytest.raises(error, match="'confidence_level'"):
        result.confidence_interval(level)
    post = bayesian_correlated_ttest(A, B, n_train=400, n_test=100)
    with pytest.raises(error, match="'probability'"):
        post.credible_interval(level)
