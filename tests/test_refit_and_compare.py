"""compare_candidates and the refit rules, on synthetic cv_results_ with known
answers and on real searches (scikit-learn's and sktune's)."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    RepeatedKFold,
    ShuffleSplit,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktune import BayesSearchCV, HyperbandSearchCV, PBTSearchCV, Real
from sktune.refit import not_significantly_worse, one_standard_error
from sktune.stats import compare_candidates, corrected_ttest, multipletests


def fake_results(split_scores, values, name="C", budgets=None):
    """A cv_results_ dict as a search writes it."""
    scores = np.asarray(split_scores, dtype=float)
    results = {
        "params": [{name: v} for v in values],
        f"param_{name}": np.ma.MaskedArray(np.array(values, dtype=object)),
        "mean_test_score": scores.mean(axis=1),
        "std_test_score": scores.std(axis=1),
    }
    for k in range(scores.shape[1]):
        results[f"split{k}_test_score"] = scores[:, k]
    if budgets is not None:
        results["budget"] = np.asarray(budgets)
    return results


# Best is row 2 (mean .90, SE = std([.88,.92,.90,.89,.91], ddof=1)/sqrt(5) ~ .00707).
SPLITS = [
    [0.80, 0.82, 0.81, 0.79, 0.83],  # C=0.01, mean .81: far below
    [0.90, 0.89, 0.89, 0.90, 0.89],  # C=0.1,  mean .894: within one SE
    [0.88, 0.92, 0.90, 0.89, 0.91],  # C=1,    mean .90: best
    [0.89, 0.90, 0.88, 0.90, 0.90],  # C=10,   mean .894: within one SE
]
VALUES = [0.01, 0.1, 1, 10]


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X, y


@pytest.fixture(scope="module")
def grid_search(cancer):
    X, y = cancer
    model = make_pipeline(StandardScaler(), LogisticRegression())
    grid = {"logisticregression__C": [0.001, 0.01, 0.1, 1, 10]}
    return GridSearchCV(model, grid, cv=5).fit(X, y)


# ---------------------------------------------------------------- refit rules


def test_one_standard_error_known_answer():
    results = fake_results(SPLITS, VALUES)
    assert one_standard_error("C")(results) == 1  # simplest within .90 - .00707
    assert one_standard_error("C", prefer="max")(results) == 3
    assert one_standard_error("param_C")(results) == 1


def test_one_standard_error_uses_standard_error_not_deviation():
    # One standard deviation (scikit-learn's example) would admit C=0.1 here
    # too; one standard error (std / sqrt(5)) does not.
    splits = [[0.85, 0.89, 0.86, 0.88, 0.87], [0.84, 0.96, 0.88, 0.92, 0.90]]
    results = fake_results(splits, [0.1, 1])
    best_std = results["std_test_score"][1]
    assert results["mean_test_score"][0] >= results["mean_test_score"][1] - best_std
    assert one_standard_error("C")(results) == 1


def test_one_standard_error_prefer_callable():
    splits = [[0.90, 0.89, 0.89, 0.90, 0.89], [0.88, 0.92, 0.90, 0.89, 0.91]]
    results = fake_results(splits, [(64, 64), (16,)], name="hidden_layer_sizes")
    rule = one_standard_error("hidden_layer_sizes", prefer=sum)
    assert rule(results) == 1  # the best is also the smallest net
    rule = one_standard_error("hidden_layer_sizes", prefer=lambda sizes: -sum(sizes))
    assert rule(results) == 0


def test_not_significantly_worse_known_answer():
    results = fake_results(SPLITS, VALUES)
    scores = np.asarray(SPLITS)
    p = [
        corrected_ttest(
            scores[i], scores[2], n_train=4, n_test=1, alternative="less"
        ).pvalue
        for i in (0, 1, 3)
    ]
    assert p[0] < 0.05 and p[1] > 0.05 and p[2] > 0.05
    assert not_significantly_worse("C")(results) == 1
    assert not_significantly_worse("C", prefer="max")(results) == 3
    # A stricter test (tiny alpha) admits C=0.01 too.
    assert not_significantly_worse("C", alpha=p[0] / 2)(results) == 0


def test_not_significantly_worse_uses_given_sizes():
    results = fake_results(SPLITS, VALUES)
    scores = np.asarray(SPLITS)
    p = corrected_ttest(scores[0], scores[2], n_train=1, n_test=99, alternative="less")
    assert p.pvalue > 0.05  # a huge correction: nothing is significant
    assert not_significantly_worse("C", n_train=1, n_test=99)(results) == 0


def test_rules_only_compare_the_largest_budget():
    splits = SPLITS + [[0.99, 0.99, 0.98, 0.99, 0.99]]
    results = fake_results(splits, VALUES + [0.001], budgets=[9, 9, 9, 9, 3])
    assert one_standard_error("C")(results) == 1
    assert not_significantly_worse("C")(results) == 1


def test_rules_skip_candidates_without_the_parameter():
    results = fake_results(SPLITS, VALUES)
    results["param_C"] = np.ma.MaskedArray(
        np.array(VALUES, dtype=object), mask=[False, True, False, False]
    )
    assert one_standard_error("C")(results) == 2  # C=0.1's row has no C
    assert one_standard_error("C", prefer="max")(results) == 3


def test_rules_reject_bad_input():
    results = fake_results(SPLITS, VALUES)
    with pytest.raises(ValueError, match="'gamma' is not a searched parameter"):
        one_standard_error("gamma")(results)
    with pytest.raises(ValueError, match="prefer"):
        one_standard_error("C", prefer="smallest")
    with pytest.raises(TypeError, match="param"):
        one_standard_error(3)
    with pytest.raises(ValueError, match="alpha"):
        not_significantly_worse("C", alpha=1.5)
    with pytest.raises(ValueError, match="n_train"):
        not_significantly_worse("C", n_train=10)
    with pytest.raises(TypeError, match="not numbers"):
        one_standard_error("C")(fake_results(SPLITS, ["a", "b", "c", "d"]))
    multi = fake_results(SPLITS, VALUES)
    multi["mean_test_other"] = multi["mean_test_score"]
    with pytest.raises(ValueError, match="several metrics"):
        one_standard_error("C")(multi)


def test_rules_as_refit_in_grid_search(cancer, grid_search):
    X, y = cancer
    rule = one_standard_error("logisticregression__C")
    search = clone(grid_search).set_params(refit=rule).fit(X, y)
    assert search.best_index_ == rule(search.cv_results_)
    best = np.argmax(search.cv_results_["mean_test_score"])
    chosen = search.best_params_["logisticregression__C"]
    assert chosen <= search.cv_results_["params"][best]["logisticregression__C"]
    assert search.best_estimator_[-1].C == chosen
    restored = pickle.loads(pickle.dumps(search))
    assert restored.refit.param == "logisticregression__C"


@pytest.mark.parametrize("rule", [one_standard_error, not_significantly_worse])
def test_rules_as_refit_in_sktune_searches(cancer, rule):
    X, y = cancer
    model = make_pipeline(StandardScaler(), SGDClassifier(random_state=0))
    space = {"sgdclassifier__alpha": Real(1e-6, 1e1, log=True)}
    refit = rule("sgdclassifier__alpha", prefer="max")
    bayes = BayesSearchCV(
        model, space, n_iter=6, n_initial_points=4, cv=3, refit=refit, random_state=0
    ).fit(X, y)
    assert bayes.best_index_ == refit(bayes.cv_results_)
    hyperband = HyperbandSearchCV(
        model, space, max_resource=9, cv=3, refit=refit, random_state=0
    ).fit(X, y)
    budgets = hyperband.cv_results_["budget"]
    assert budgets[hyperband.best_index_] == budgets.max()
    assert (
        hyperband.best_estimator_[-1].alpha
        == hyperband.best_params_["sgdclassifier__alpha"]
    )


def test_rules_clone_and_repr():
    rule = not_significantly_worse("C", prefer="max", alpha=0.1)
    search = GridSearchCV(LogisticRegression(), {"C": [1, 2]}, refit=rule)
    cloned = clone(search)
    assert cloned.refit is not rule and cloned.refit.alpha == 0.1
    assert repr(rule).startswith("not_significantly_worse('C', prefer='max', alpha=0.1")


# ---------------------------------------------------------------- compare_candidates


def test_compare_candidates_matches_the_tests_by_hand(grid_search):
    table = compare_candidates(grid_search, correction="holm")
    results = grid_search.cv_results_
    best = grid_search.best_index_
    assert table["index"][0] == best and table["tied"][0]
    assert np.isnan(table["pvalue"][0])
    splits = np.column_stack([results[f"split{k}_test_score"] for k in range(5)])
    for i, row in enumerate(table["index"][1:], start=1):
        expected = corrected_ttest(
            splits[row], splits[best], n_train=4, n_test=1, alternative="less"
        )
        assert table["pvalue"][i] == pytest.approx(expected.pvalue)
        assert table["statistic"][i] == pytest.approx(expected.statistic)
        assert table["mean_difference"][i] <= 0
    np.testing.assert_allclose(
        table["pvalue_adjusted"][1:], multipletests(table["pvalue"][1:])
    )
    assert sorted(table["index"]) == list(range(5))
    # C=0.001 is far worse (0.89 against 0.98): significant even after Holm.
    worst = list(table["index"]).index(0)
    assert not table["tied"][worst] and table["p_worse"][worst] > 0.95


def test_compare_candidates_correction_and_alternative(grid_search):
    holm = compare_candidates(grid_search, correction="holm")
    bonferroni = compare_candidates(grid_search, correction="bonferroni")
    none = compare_candidates(grid_search, correction=None)
    assert np.all(bonferroni["pvalue_adjusted"][1:] >= holm["pvalue_adjusted"][1:])
    np.testing.assert_array_equal(none["pvalue_adjusted"], none["pvalue"])
    two = compare_candidates(grid_search, alternative="two-sided", correction=None)
    np.testing.assert_allclose(two["pvalue"][1:], 2 * none["pvalue"][1:])


class _Fitted:
    """The attributes compare_candidates reads from a fitted search."""

    def __init__(self, results, cv=5):
        self.cv_results_ = results
        self.cv = cv
        self.refit = True
        self.best_index_ = int(np.nanargmax(results["mean_test_score"]))


def test_max_t_of_two_candidates_is_the_two_sided_corrected_test():
    # One pair: the largest |t| over all pairs is that pair's |t|, whose null
    # is Student's t with J - 1 df, so the adjusted p is the two-sided p.
    scores = np.array([[0.81, 0.84, 0.80, 0.86, 0.83], [0.85, 0.86, 0.84, 0.87, 0.83]])
    search = _Fitted(fake_results(scores, [1, 2]))
    table = compare_candidates(search, n_resamples=40_000, random_state=0)
    exact = corrected_ttest(scores[0], scores[1], n_train=4, n_test=1).pvalue
    assert table["pvalue"][1] == pytest.approx(exact / 2)
    assert table["pvalue_adjusted"][1] == pytest.approx(exact, abs=0.006)


def test_max_t_of_independent_candidates_follows_the_studentized_range():
    # k independent candidates with equal variances and many splits: the
    # largest pairwise |t| is the studentized range over sqrt(2) (Tukey).
    from scipy.stats import studentized_range

    rng = np.random.default_rng(3)
    k, J = 4, 400
    scores = 0.8 + 0.05 * rng.standard_normal((k, J))
    scores[0] -= 0.008
    search = _Fitted(fake_results(scores, list(range(k))), cv=J)
    table = compare_candidates(search, n_resamples=20_000, random_state=1)
    for t, p in zip(table["statistic"][1:], table["pvalue_adjusted"][1:]):
        assert p == pytest.approx(
            studentized_range.sf(-t * np.sqrt(2), k, J - 1), abs=0.015
        )


def test_max_t_is_reproducible_and_skips_failed_rows():
    scores = np.array(SPLITS)
    with_nan = np.vstack([scores, [np.nan, 0.8, 0.8, 0.8, 0.8]])
    search = _Fitted(fake_results(with_nan, [*VALUES, 100]))
    first = compare_candidates(search, random_state=0)
    again = compare_candidates(search, random_state=0)
    np.testing.assert_array_equal(first["pvalue_adjusted"], again["pvalue_adjusted"])
    clean = compare_candidates(_Fitted(fake_results(scores, VALUES)), random_state=0)
    assert 4 not in first["index"]  # the failed candidate takes no part
    np.testing.assert_array_equal(first["pvalue_adjusted"], clean["pvalue_adjusted"])
    # C=0.01 is 9 points below the best on every split: worse after max-t.
    assert not clean["tied"][list(clean["index"]).index(0)]
    assert np.all(clean["pvalue_adjusted"][1:] >= clean["pvalue"][1:])
    with pytest.raises(ValueError, match="n_resamples"):
        compare_candidates(search, n_resamples=0)


def test_compare_candidates_holds_its_family_wise_rate_under_a_true_null():
    # Five trees that differ only in random_state: none is really better, yet
    # the best is chosen from the same scores. Holm, which treats the best as
    # named in advance, flags one of them more often than max-t. The larger
    # simulation (2,100 data sets) is benchmarks/compare_candidates_null.py.
    from sklearn.datasets import make_classification
    from sklearn.model_selection import cross_val_score
    from sklearn.tree import DecisionTreeClassifier

    n_datasets, alpha = 240, 0.05
    flagged = {"max-t": 0, "holm": 0}
    for seed in range(n_datasets):
        rng = np.random.RandomState(seed)
        X, y = make_classification(
            n_samples=int(rng.randint(100, 400)),
            n_features=int(rng.randint(5, 20)),
            n_informative=3,
            flip_y=0.1,
            random_state=seed,
        )
        scores = [
            cross_val_score(
                DecisionTreeClassifier(max_features=0.5, max_depth=4, random_state=r),
                X,
                y,
                cv=5,
            )
            for r in range(5)
        ]
        search = _Fitted(fake_results(scores, list(range(5)), name="random_state"))
        for correction in flagged:
            table = compare_candidates(
                search, correction=correction, n_resamples=1999, random_state=seed
            )
            flagged[correction] += bool(np.any(~table["tied"]))
    rate = flagged["max-t"] / n_datasets
    se = np.sqrt(alpha * (1 - alpha) / n_datasets)
    assert rate <= alpha + se
    assert flagged["holm"] > flagged["max-t"]


def test_compare_candidates_sizes_from_cv(cancer):
    X, y = cancer
    X = StandardScaler().fit_transform(X)
    model = LogisticRegression()
    cv = ShuffleSplit(n_splits=6, test_size=0.25, random_state=0)
    search = GridSearchCV(model, {"C": [0.01, 1]}, cv=cv).fit(X, y)
    table = compare_candidates(search, correction=None)
    splits = np.column_stack(
        [search.cv_results_[f"split{k}_test_score"] for k in range(6)]
    )
    other = table["index"][1]
    expected = corrected_ttest(
        splits[other],
        splits[search.best_index_],
        n_train=0.75,
        n_test=0.25,
        alternative="less",
    )
    assert table["pvalue"][1] == pytest.approx(expected.pvalue)
    repeated = RepeatedKFold(n_splits=3, n_repeats=2, random_state=0)
    search = GridSearchCV(model, {"C": [0.01, 1]}, cv=repeated).fit(X, y)
    splits = np.column_stack(
        [search.cv_results_[f"split{k}_test_score"] for k in range(6)]
    )
    table = compare_candidates(search, correction=None)
    expected = corrected_ttest(
        splits[table["index"][1]],
        splits[search.best_index_],
        n_train=2,
        n_test=1,
        alternative="less",
    )
    assert table["pvalue"][1] == pytest.approx(expected.pvalue)
    listed = GridSearchCV(model, {"C": [0.01, 1]}, cv=list(KFold(3).split(X))).fit(X, y)
    with pytest.raises(ValueError, match="n_train= and n_test="):
        compare_candidates(listed)
    assert len(compare_candidates(listed, n_train=2, n_test=1)["index"]) == 2


def test_compare_candidates_multimetric(cancer):
    X, y = cancer
    X = StandardScaler().fit_transform(X)
    search = RandomizedSearchCV(
        LogisticRegression(),
        {"C": [0.001, 0.01, 0.1, 1]},
        n_iter=4,
        scoring=["accuracy", "roc_auc"],
        refit="roc_auc",
        cv=3,
        random_state=0,
    ).fit(X, y)
    table = compare_candidates(search)
    assert "mean_test_roc_auc" in table
    assert table["index"][0] == search.best_index_
    accuracy = compare_candidates(search, scoring="accuracy")
    best = np.argmax(search.cv_results_["mean_test_accuracy"])
    assert accuracy["index"][0] == best
    with pytest.raises(ValueError, match="'f1' is not a metric"):
        compare_candidates(search, scoring="f1")


def test_compare_candidates_in_multifidelity_and_pbt_searches(cancer):
    X, y = cancer
    model = make_pipeline(StandardScaler(), SGDClassifier(random_state=0))
    space = {"sgdclassifier__alpha": Real(1e-6, 1e1, log=True)}
    hyperband = HyperbandSearchCV(model, space, max_resource=9, cv=3, random_state=0)
    hyperband.fit(X, y)
    table = compare_candidates(hyperband)
    budgets = hyperband.cv_results_["budget"]
    assert np.all(budgets[table["index"]] == budgets.max())
    assert len(table["index"]) == np.sum(budgets == budgets.max())
    pbt = PBTSearchCV(
        model, space, population_size=4, n_steps=3, cv=3, random_state=0
    ).fit(X, y)
    table = compare_candidates(pbt)
    assert len(table["index"]) == 4  # the population at the last step
    assert table["index"][0] == pbt.best_index_


def test_compare_candidates_rejects_bad_input(grid_search):
    with pytest.raises(ValueError, match="fitted search"):
        compare_candidates(GridSearchCV(LogisticRegression(), {"C": [1]}))
    with pytest.raises(ValueError, match="correction"):
        compare_candidates(grid_search, correction="fdr")
    with pytest.raises(ValueError, match="alternative"):
        compare_candidates(grid_search, alternative="worse")
    with pytest.raises(ValueError, match="go together"):
        compare_candidates(grid_search, n_train=10)
