"""Known answers for sktune.stats: from the papers, by hand, and against the
reference implementations (scipy, statsmodels, baycomp, mlxtend) where they
are installed."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra.numpy import arrays
from scipy import stats as st
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeClassifier

from sktune.stats import (
    bayesian_correlated_ttest,
    combined_ftest_5x2cv,
    corrected_ttest,
    friedman_test,
    mcnemar,
    multipletests,
    nemenyi_critical_difference,
    paired_ttest_5x2cv,
    scores_5x2cv,
    wilcoxon_test,
)

A = np.array([0.91, 0.93, 0.90, 0.94, 0.92])
B = np.array([0.89, 0.92, 0.88, 0.91, 0.90])


def random_scores(seed, shape, shift=0.0):
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.7, 0.9, size=shape)
    return base + rng.normal(shift, 0.02, size=shape), base


# ---------------------------------------------------------------- corrected t


def test_corrected_ttest_known_answer_by_hand():
    # d = (.02, .01, .02, .03, .02): mean .02, var(ddof=1) 5e-5,
    # factor 1/5 + 100/400 = .45, t = .02 / sqrt(2.25e-5) = 4.2164, df 4.
    result = corrected_ttest(A, B, n_train=400, n_test=100)
    assert result.statistic == pytest.approx(0.02 / np.sqrt(5e-5 * 0.45), rel=1e-9)
    assert result.df == 4
    assert result.mean_difference == pytest.approx(0.02)
    assert result.pvalue == pytest.approx(2 * st.t.sf(4.216370213557839, 4), rel=1e-9)


def test_corrected_ttest_matches_sklearn_example_formula():
    # scikit-learn's "Statistical comparison of models using grid search".
    a, b = random_scores(0, 30, shift=0.01)
    differences = a - b
    n_train, n_test = 90, 10
    kr = len(differences)
    corrected_std = np.sqrt(np.var(differences, ddof=1) * (1 / kr + n_test / n_train))
    t_stat = np.mean(differences) / corrected_std
    one_sided = st.t.sf(np.abs(t_stat), kr - 1)  # the example's (right tail of |t|)
    result = corrected_ttest(
        a, b, n_train=n_train, n_test=n_test, alternative="greater"
    )
    assert result.statistic == pytest.approx(t_stat, rel=1e-12)
    assert t_stat > 0 and result.pvalue == pytest.approx(one_sided, rel=1e-12)
    two = corrected_ttest(a, b, n_train=n_train, n_test=n_test)
    assert two.pvalue == pytest.approx(2 * one_sided, rel=1e-12)


def test_corrected_ttest_alternatives_are_consistent():
    a, b = random_scores(1, 10, shift=0.02)
    kwargs = dict(n_train=90, n_test=10)
    greater = corrected_ttest(a, b, alternative="greater", **kwargs).pvalue
    less = corrected_ttest(a, b, alternative="less", **kwargs).pvalue
    two = corrected_ttest(a, b, **kwargs).pvalue
    assert greater + less == pytest.approx(1.0)
    assert two == pytest.approx(2 * min(greater, less))
    # Swapping the models mirrors the statistic.
    swapped = corrected_ttest(b, a, alternative="less", **kwargs)
    assert swapped.pvalue == pytest.approx(greater)


def test_corrected_ttest_is_less_confident_than_the_naive_ttest():
    a, b = random_scores(2, 10, shift=0.01)
    naive = st.ttest_rel(a, b).pvalue
    corrected = corrected_ttest(a, b, n_train=90, n_test=10).pvalue
    assert corrected > naive


def test_corrected_ttest_accepts_repeated_kfold_matrix():
    a, b = random_scores(3, (10, 10))
    flat = corrected_ttest(a.ravel(), b.ravel(), n_train=90, n_test=10)
    matrix = corrected_ttest(a, b, n_train=90, n_test=10)
    assert matrix == flat
    assert matrix.df == 99


def test_corrected_ttest_zero_variance():
    same = corrected_ttest(A, A, n_train=4, n_test=1)
    assert (same.statistic, same.pvalue) == (0.0, 1.0)
    shifted = corrected_ttest(A + 0.01, A, n_train=4, n_test=1)
    assert shifted.statistic == np.inf and shifted.pvalue == 0.0
    less = corrected_ttest(A + 0.01, A, n_train=4, n_test=1, alternative="less")
    assert less.pvalue == 1.0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(scores_a=[0.1, 0.2], scores_b=[0.1, 0.2, 0.3]), ValueError, "same shape"),
        (dict(scores_a=[0.1], scores_b=[0.2]), ValueError, "at least 2"),
        (dict(scores_a=[0.1, np.nan], scores_b=[0.1, 0.2]), ValueError, "NaN"),
        (dict(scores_a=["a", "b"], scores_b=[0.1, 0.2]), TypeError, "scores_a"),
        (dict(n_train=0), ValueError, "n_train"),
        (dict(n_test="10"), TypeError, "n_test"),
        (dict(alternative="bigger"), ValueError, "alternative"),
    ],
)
def test_corrected_ttest_rejects_bad_input(kwargs, error, match):
    args = dict(scores_a=A, scores_b=B, n_train=90, n_test=10, **{})
    args.update(kwargs)
    a, b = args.pop("scores_a"), args.pop("scores_b")
    with pytest.raises(error, match=match):
        corrected_ttest(a, b, **args)


# ---------------------------------------------------------------- Bayesian


def test_bayesian_correlated_ttest_known_answer():
    post = bayesian_correlated_ttest(A, B, n_train=400, n_test=100, rope=0.01)
    scale = np.sqrt(5e-5 * 0.45)
    assert post.mean == pytest.approx(0.02)
    assert post.scale == pytest.approx(scale)
    assert post.df == 4
    assert post.p_b_better == pytest.approx(st.t.cdf(-0.01, 4, loc=0.02, scale=scale))
    assert post.p_a_better == pytest.approx(st.t.sf(0.01, 4, loc=0.02, scale=scale))
    assert post.p_a_better + post.p_rope + post.p_b_better == pytest.approx(1.0)


def test_bayesian_without_rope_tail_is_the_one_sided_pvalue():
    a, b = random_scores(4, 10, shift=0.01)
    post = bayesian_correlated_ttest(a, b, n_train=90, n_test=10)
    test = corrected_ttest(a, b, n_train=90, n_test=10, alternative="greater")
    assert post.p_b_better == pytest.approx(test.pvalue)
    assert post.p_rope == pytest.approx(0.0)


@pytest.mark.parametrize("rope", [0.0, 0.01])
@pytest.mark.parametrize("runs", [1, 3])
def test_bayesian_correlated_ttest_matches_baycomp(rope, runs):
    baycomp = pytest.importorskip("baycomp")
    a, b = random_scores(5, 10 * runs, shift=0.005)
    expected = baycomp.two_on_single(a, b, rope=rope, runs=runs)
    post = bayesian_correlated_ttest(a, b, n_train=9, n_test=1, rope=rope)
    got = (
        (post.p_a_better, post.p_rope, post.p_b_better)
        if rope
        else (
            post.p_a_better,
            post.p_b_better,
        )
    )
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


def test_bayesian_zero_variance_is_a_point_mass():
    post = bayesian_correlated_ttest(A + 0.02, A, n_train=4, n_test=1, rope=0.01)
    assert (post.p_a_better, post.p_rope, post.p_b_better) == (1.0, 0.0, 0.0)
    tie = bayesian_correlated_ttest(A, A, n_train=4, n_test=1, rope=0.01)
    assert (tie.p_a_better, tie.p_rope, tie.p_b_better) == (0.0, 1.0, 0.0)


@pytest.mark.parametrize("rope, error", [(-0.1, ValueError), ("0", TypeError)])
def test_bayesian_rejects_bad_rope(rope, error):
    with pytest.raises(error, match="rope"):
        bayesian_correlated_ttest(A, B, n_train=4, n_test=1, rope=rope)


# ---------------------------------------------------------------- 5x2cv


def mlxtend_splits_scores(est_a, est_b, X, y, seed):
    """Scores on the very splits mlxtend's 5x2cv functions draw."""
    rng = np.random.RandomState(seed)
    scorer = get_scorer("accuracy")
    scores = np.zeros((2, 5, 2))
    for i in range(5):
        randint = rng.randint(low=0, high=32767)
        X_1, X_2, y_1, y_2 = train_test_split(X, y, test_size=0.5, random_state=randint)
        for j, (X_fit, y_fit, X_eval, y_eval) in enumerate(
            [(X_1, y_1, X_2, y_2), (X_2, y_2, X_1, y_1)]
        ):
            for m, est in enumerate((est_a, est_b)):
                scores[m, i, j] = scorer(est.fit(X_fit, y_fit), X_eval, y_eval)
    return scores[0], scores[1]


@pytest.fixture(scope="module")
def five_by_two():
    X, y = load_iris(return_X_y=True)
    est_a = LogisticRegression(max_iter=1000)
    est_b = DecisionTreeClassifier(random_state=0, max_depth=1)
    return est_a, est_b, X, y


def test_paired_ttest_5x2cv_matches_mlxtend(five_by_two):
    evaluate = pytest.importorskip("mlxtend.evaluate")
    est_a, est_b, X, y = five_by_two
    a, b = mlxtend_splits_scores(est_a, est_b, X, y, seed=1)
    t, p = evaluate.paired_ttest_5x2cv(est_a, est_b, X, y, random_seed=1)
    result = paired_ttest_5x2cv(a, b)
    assert result.statistic == pytest.approx(t, rel=1e-12)
    assert result.pvalue == pytest.approx(p, rel=1e-12)
    assert result.df == 5


def test_combined_ftest_5x2cv_matches_mlxtend(five_by_two):
    evaluate = pytest.importorskip("mlxtend.evaluate")
    est_a, est_b, X, y = five_by_two
    a, b = mlxtend_splits_scores(est_a, est_b, X, y, seed=2)
    f, p = evaluate.combined_ftest_5x2cv(est_a, est_b, X, y, random_seed=2)
    result = combined_ftest_5x2cv(a, b)
    assert result.statistic == pytest.approx(f, rel=1e-12)
    assert result.pvalue == pytest.approx(p, rel=1e-12)
    assert result.df == (10, 5)


def test_5x2cv_known_answer_by_hand():
    diff = np.array(
        [[0.02, 0.01], [0.01, 0.0], [0.03, 0.01], [0.0, 0.03], [0.03, 0.01]]
    )
    b = np.full((5, 2), 0.8)
    s2 = np.sum((diff - diff.mean(axis=1, keepdims=True)) ** 2, axis=1)
    t = 0.02 / np.sqrt(s2.mean())
    f = np.sum(diff**2) / (2 * s2.sum())
    assert paired_ttest_5x2cv(b + diff, b).statistic == pytest.approx(t)
    assert paired_ttest_5x2cv(b + diff, b, alternative="greater").pvalue == (
        pytest.approx(st.t.sf(t, 5))
    )
    assert combined_ftest_5x2cv(b + diff, b).statistic == pytest.approx(f)
    assert combined_ftest_5x2cv(b + diff, b).pvalue == pytest.approx(st.f.sf(f, 10, 5))


def test_5x2cv_identical_scores_give_p_one_not_nan():
    a = np.full((5, 2), 0.9)
    assert paired_ttest_5x2cv(a, a).pvalue == 1.0
    assert combined_ftest_5x2cv(a, a).pvalue == 1.0


def test_5x2cv_rejects_other_shapes():
    with pytest.raises(ValueError, match=r"\(5, 2\)"):
        paired_ttest_5x2cv(np.zeros((2, 5)), np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"\(5, 2\)"):
        combined_ftest_5x2cv(np.zeros(10), np.zeros(10))


def test_scores_5x2cv_pairs_the_splits():
    X, y = load_breast_cancer(return_X_y=True)
    a, b = scores_5x2cv(GaussianNB(), GaussianNB(), X, y, random_state=0)
    assert a.shape == (5, 2)
    np.testing.assert_array_equal(a, b)  # same model, same splits: same scores
    again, _ = scores_5x2cv(GaussianNB(), GaussianNB(), X, y, random_state=0)
    np.testing.assert_array_equal(a, again)
    other, _ = scores_5x2cv(GaussianNB(), GaussianNB(), X, y, random_state=1)
    assert not np.array_equal(a, other)


# ---------------------------------------------------------------- McNemar


def predictions(n_both, n_a_only, n_b_only, n_neither):
    y = np.zeros(n_both + n_a_only + n_b_only + n_neither, dtype=int)
    a = np.concatenate(
        [np.zeros(n_both + n_a_only), np.ones(n_b_only + n_neither)]
    ).astype(int)
    b = np.concatenate(
        [
            np.zeros(n_both),
            np.ones(n_a_only),
            np.zeros(n_b_only),
            np.ones(n_neither),
        ]
    ).astype(int)
    return y, a, b


@pytest.mark.parametrize("counts", [(50, 10, 3, 7), (80, 30, 15, 5), (5, 40, 38, 2)])
@pytest.mark.parametrize(
    "exact, correction", [(True, True), (False, True), (False, False)]
)
def test_mcnemar_matches_statsmodels(counts, exact, correction):
    tables = pytest.importorskip("statsmodels.stats.contingency_tables")
    y, a, b = predictions(*counts)
    result = mcnemar(y, a, b, exact=exact, correction=correction)
    n_both, n_a_only, n_b_only, n_neither = counts
    table = [[n_both, n_a_only], [n_b_only, n_neither]]
    expected = tables.mcnemar(table, exact=exact, correction=correction)
    assert (result.n_a_only, result.n_b_only) == (n_a_only, n_b_only)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.pvalue == pytest.approx(expected.pvalue, rel=1e-12)


def test_mcnemar_known_answer_by_hand():
    # b = 10, c = 3: chi2 = (|10 - 3| - 1)^2 / 13 = 36 / 13.
    y, a, b = predictions(50, 10, 3, 7)
    chi = mcnemar(y, a, b, exact=False)
    assert chi.statistic == pytest.approx(36 / 13)
    assert chi.pvalue == pytest.approx(st.chi2.sf(36 / 13, 1))
    assert chi.df == 1
    exact = mcnemar(y, a, b)  # n = 13 < 25: exact by default
    assert exact.exact and exact.df is None
    assert exact.pvalue == pytest.approx(
        2 * sum(st.binom.pmf(k, 13, 0.5) for k in range(4))
    )


def test_mcnemar_chooses_exact_by_discordant_count():
    assert mcnemar(*predictions(10, 12, 12, 1)).exact is True  # 24
    assert mcnemar(*predictions(10, 13, 12, 1)).exact is False  # 25


def test_mcnemar_without_disagreement_gives_p_one():
    y, a, b = predictions(20, 0, 0, 5)
    for exact in (True, False, None):
        result = mcnemar(y, a, b, exact=exact)
        assert result.pvalue == 1.0
        assert np.isfinite(result.statistic)


def test_mcnemar_equal_counts_with_correction_is_zero():
    # statsmodels and mlxtend give (0 - 1)^2 / n here.
    result = mcnemar(*predictions(10, 20, 20, 3), exact=False)
    assert result.statistic == 0.0 and result.pvalue == 1.0


def test_mcnemar_rejects_bad_input():
    with pytest.raises(ValueError, match="same length"):
        mcnemar([0, 1], [0, 1], [0])
    with pytest.raises(ValueError, match="y_true"):
        mcnemar([], [], [])
    with pytest.raises(TypeError, match="exact"):
        mcnemar([0, 1], [0, 1], [1, 0], exact="yes")


# ---------------------------------------------------------------- across data sets


def test_wilcoxon_matches_scipy():
    a, b = random_scores(6, 12, shift=0.02)
    for alternative in ("two-sided", "greater", "less"):
        expected = st.wilcoxon(a, b, alternative=alternative)
        result = wilcoxon_test(a, b, alternative=alternative)
        assert result.statistic == pytest.approx(expected.statistic)
        assert result.pvalue == pytest.approx(expected.pvalue)


def test_wilcoxon_zsplit_and_identical_scores():
    a = np.array([0.8, 0.7, 0.9, 0.6, 0.75, 0.85, 0.65])
    b = a - np.array([0.0, 0.01, 0.02, -0.01, 0.03, 0.04, 0.05])
    expected = st.wilcoxon(a, b, zero_method="zsplit")
    assert wilcoxon_test(a, b, zero_method="zsplit").pvalue == pytest.approx(
        expected.pvalue
    )
    assert wilcoxon_test(a, a).pvalue == 1.0


def test_friedman_demsar_example():
    # Demšar (2006), section 3.2.2: four models on fourteen data sets with
    # average ranks 3.143, 2.000, 2.893, 1.964 give chi2_F = 9.28 and
    # F_F = 3.69; Nemenyi's CD at 0.05 is 1.25.
    ranks = np.array(
        [[4, 2, 3, 1]] * 8
        + [[1, 2, 3.5, 3.5], [1, 2, 3, 4], [2, 1, 3, 4], [3, 2, 1, 4], [1, 2, 4, 3]]
        + [[4, 3, 2, 1]]
    )
    np.testing.assert_array_equal(ranks.sum(axis=0), [44, 28, 40.5, 27.5])
    result = friedman_test(-ranks)  # lower rank = better = higher score
    np.testing.assert_allclose(
        result.average_ranks, [3.143, 2.0, 2.893, 1.964], atol=1e-3
    )
    assert result.statistic == pytest.approx(9.28, abs=0.005)
    assert result.f_statistic == pytest.approx(3.69, abs=0.005)
    assert result.f_df == (3.0, 39.0)
    assert nemenyi_critical_difference(4, 14) == pytest.approx(1.25, abs=0.005)


def test_friedman_matches_scipy():
    rng = np.random.default_rng(7)
    scores = rng.uniform(size=(10, 4)) + np.array([0, 0.1, 0.2, 0.3])
    expected = st.friedmanchisquare(*scores.T)
    result = friedman_test(scores)
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.pvalue == pytest.approx(expected.pvalue)
    assert result.df == 3
    n, k = scores.shape
    chi2 = expected.statistic
    f = (n - 1) * chi2 / (n * (k - 1) - chi2)
    assert result.f_statistic == pytest.approx(f)
    assert result.f_pvalue == pytest.approx(st.f.sf(f, k - 1, (k - 1) * (n - 1)))


def test_friedman_tie_correction_matches_scipy_with_ties():
    scores = np.array(
        [[0.8, 0.8, 0.7], [0.9, 0.85, 0.85], [0.7, 0.6, 0.5], [0.6, 0.6, 0.6]]
    )
    expected = st.friedmanchisquare(*scores.T)
    result = friedman_test(scores, tie_correction=True)
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.pvalue == pytest.approx(expected.pvalue)
    assert friedman_test(scores).statistic < result.statistic


def test_friedman_ranks_highest_score_first():
    scores = np.array([[0.9, 0.8, 0.7], [0.95, 0.85, 0.75]])
    np.testing.assert_array_equal(friedman_test(scores).average_ranks, [1, 2, 3])


def test_friedman_rejects_bad_shapes():
    with pytest.raises(ValueError, match="at least 3 models"):
        friedman_test(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="2-dimensional"):
        friedman_test(np.zeros(5))


def test_nemenyi_q_values_from_demsar_table():
    # Demšar (2006), Table 5(a): q_0.05 and q_0.10 for k = 2..10.
    q05 = [1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164]
    q10 = [1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920]
    for k, (a, b) in enumerate(zip(q05, q10), start=2):
        unit = np.sqrt(k * (k + 1) / 6)  # CD with N = 1 is q * unit
        assert nemenyi_critical_difference(k, 1) / unit == pytest.approx(a, abs=1.5e-3)
        assert nemenyi_critical_difference(k, 1, alpha=0.10) / unit == pytest.approx(
            b, abs=1.5e-3
        )


@pytest.mark.parametrize(
    "args, error",
    [((1, 10), ValueError), ((3, 0), ValueError), ((3.5, 10), TypeError)],
)
def test_nemenyi_rejects_bad_counts(args, error):
    with pytest.raises(error, match="n_models|n_datasets"):
        nemenyi_critical_difference(*args)


# ---------------------------------------------------------------- multiple tests


@pytest.mark.parametrize("method", ["holm", "bonferroni"])
def test_multipletests_matches_statsmodels(method):
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    p = np.random.default_rng(8).uniform(0, 0.2, size=12)
    expected = multitest.multipletests(p, method=method)[1]
    np.testing.assert_allclose(multipletests(p, method=method), expected, rtol=1e-12)


def test_multipletests_holm_by_hand_and_nan():
    np.testing.assert_allclose(
        multipletests([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02]
    )
    adjusted = multipletests([0.01, np.nan, 0.04])
    assert np.isnan(adjusted[1])
    np.testing.assert_allclose(adjusted[[0, 2]], [0.02, 0.04])


def test_multipletests_rejects_bad_input():
    with pytest.raises(ValueError, match="method"):
        multipletests([0.1], method="fdr")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        multipletests([0.1, 1.5])


# ---------------------------------------------------------------- properties

score_arrays = hs.integers(2, 30).flatmap(
    lambda n: hs.tuples(
        arrays(float, n, elements=hs.floats(0, 1)),
        arrays(float, n, elements=hs.floats(0, 1)),
    )
)


@settings(max_examples=60, deadline=None)
@given(score_arrays, hs.floats(0.05, 20))
def test_corrected_ttest_properties(pair, ratio):
    a, b = pair
    result = corrected_ttest(a, b, n_train=ratio, n_test=1.0)
    swapped = corrected_ttest(b, a, n_train=ratio, n_test=1.0)
    assert 0.0 <= result.pvalue <= 1.0
    assert result.statistic == -swapped.statistic
    assert result.pvalue == pytest.approx(swapped.pvalue)
    post = bayesian_correlated_ttest(a, b, n_train=ratio, n_test=1.0, rope=0.01)
    total = post.p_a_better + post.p_rope + post.p_b_better
    assert total == pytest.approx(1.0)
    assert min(post.p_a_better, post.p_rope, post.p_b_better) >= 0


@settings(max_examples=60, deadline=None)
@given(arrays(float, hs.integers(1, 20), elements=hs.floats(0, 1)))
def test_multipletests_properties(p):
    holm = multipletests(p)
    bonferroni = multipletests(p, method="bonferroni")
    assert np.all(holm >= p - 1e-15) and np.all(holm <= bonferroni + 1e-15)
    assert np.all(holm <= 1)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(holm[order]) >= -1e-15)  # monotone in the raw p-values
