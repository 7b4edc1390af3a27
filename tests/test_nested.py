"""nested_cross_validate and NestedCVResult.compare."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sktune import BayesSearchCV, Integer, NestedCVResult, Real, nested_cross_validate
from sktune.stats import bayesian_correlated_ttest, corrected_ttest


@pytest.fixture(scope="module")
def wine():
    return load_wine(return_X_y=True)


@pytest.fixture(scope="module")
def svm_search():
    model = make_pipeline(StandardScaler(), SVC())
    return GridSearchCV(
        model, {"svc__C": [0.01, 0.1, 1, 10], "svc__gamma": [0.01, 0.1]}, cv=3
    )


@pytest.fixture(scope="module")
def svm_result(wine, svm_search):
    X, y = wine
    return nested_cross_validate(svm_search, X, y, outer_cv=5)


def test_outer_scores_equal_cross_val_score_of_the_search(wine, svm_search, svm_result):
    X, y = wine
    expected = cross_val_score(clone(svm_search), X, y, cv=5)
    np.testing.assert_allclose(svm_result.outer_scores_, expected)
    assert isinstance(svm_result, NestedCVResult)


def test_inner_scores_params_and_optimism(wine, svm_search, svm_result):
    X, y = wine
    splits = list(StratifiedKFold(5).split(X, y))
    for k, (train, test) in enumerate(splits):
        np.testing.assert_array_equal(svm_result.splits_[k][1], test)
        search = clone(svm_search).fit(X[train], y[train])
        assert svm_result.inner_best_scores_[k] == pytest.approx(search.best_score_)
        assert svm_result.best_params_per_fold_[k] == search.best_params_
    assert svm_result.optimism_ == pytest.approx(
        svm_result.inner_best_scores_.mean() - svm_result.outer_scores_.mean()
    )
    for params in svm_result.best_params_per_fold_:
        assert type(params) is dict
        assert all(type(v) in (int, float, str) for v in params.values())
    np.testing.assert_array_equal(
        svm_result.n_train_ + svm_result.n_test_, np.full(5, len(y))
    )
    assert svm_result.estimators_ is None
    assert svm_result.scoring_ == "score"


def test_param_stability_summary(svm_result):
    stability = svm_result.param_stability_
    assert set(stability) == {"svc__C", "svc__gamma"}
    chosen = [p["svc__C"] for p in svm_result.best_params_per_fold_]
    entry = stability["svc__C"]
    assert entry["values"] == chosen
    assert entry["n_unique"] == len(set(chosen))
    assert entry["most_common_share"] == max(chosen.count(v) for v in chosen) / 5
    assert entry["min"] == min(chosen) and entry["max"] == max(chosen)


def test_compare_two_model_families_on_the_same_folds(wine, svm_result):
    X, y = wine
    forest = GridSearchCV(
        RandomForestClassifier(n_estimators=20, random_state=0),
        {"max_depth": [2, None]},
        cv=3,
    )
    forest_result = nested_cross_validate(forest, X, y, outer_cv=5)
    comparison = svm_result.compare(forest_result)
    n_train, n_test = svm_result.n_train_.mean(), svm_result.n_test_.mean()
    expected = corrected_ttest(
        svm_result.outer_scores_,
        forest_result.outer_scores_,
        n_train=n_train,
        n_test=n_test,
    )
    assert comparison.ttest == expected
    assert comparison.pvalue == expected.pvalue
    assert comparison.statistic == expected.statistic
    assert comparison.p_a_better == comparison.bayesian.p_a_better
    total = comparison.p_a_better + comparison.p_rope + comparison.p_b_better
    assert total == pytest.approx(1.0)
    bayes = bayesian_correlated_ttest(
        svm_result.outer_scores_,
        forest_result.outer_scores_,
        n_train=n_train,
        n_test=n_test,
        rope=0.01,
    )
    assert svm_result.compare(forest_result, rope=0.01).bayesian == bayes
    assert comparison.mean_difference == pytest.approx(
        svm_result.outer_scores_.mean() - forest_result.outer_scores_.mean()
    )
    assert "pvalue" in repr(comparison)


def test_compare_refuses_different_folds(wine, svm_search, svm_result):
    X, y = wine
    other = nested_cross_validate(
        svm_search, X, y, outer_cv=KFold(5, shuffle=True, random_state=1)
    )
    with pytest.raises(ValueError, match="different outer folds"):
        svm_result.compare(other)
    three = nested_cross_validate(svm_search, X, y, outer_cv=3)
    with pytest.raises(ValueError, match="different outer folds"):
        svm_result.compare(three)
    with pytest.raises(TypeError, match="NestedCVResult"):
        svm_result.compare(svm_result.outer_scores_)


def test_sktune_search_inside_and_parallel_outer_folds():
    X, y = load_iris(return_X_y=True)
    search = BayesSearchCV(
        SVC(),
        {"C": Real(1e-2, 1e2, log=True), "gamma": Real(1e-3, 1e0, log=True)},
        n_iter=5,
        n_initial_points=3,
        cv=3,
        random_state=0,
    )
    serial = nested_cross_validate(search, X, y, outer_cv=3, return_estimators=True)
    parallel = nested_cross_validate(search, X, y, outer_cv=3, n_jobs=2)
    np.testing.assert_array_equal(serial.outer_scores_, parallel.outer_scores_)
    assert serial.best_params_per_fold_ == parallel.best_params_per_fold_
    assert len(serial.estimators_) == 3
    assert all(est is not search for est in serial.estimators_)
    assert not hasattr(search, "cv_results_")  # the given search is not fitted


def test_groups_reach_the_outer_split_and_the_inner_search():
    X, y = load_iris(return_X_y=True)
    groups = np.arange(len(y)) % 10
    search = GridSearchCV(SVC(), {"C": [0.1, 1]}, cv=GroupKFold(3))
    result = nested_cross_validate(search, X, y, outer_cv=GroupKFold(5), groups=groups)
    for train, test in result.splits_:
        assert not set(groups[train]) & set(groups[test])
    assert len(result.outer_scores_) == 5


def test_scoring_refit_callable_and_multimetric(wine):
    X, y = wine
    model = make_pipeline(StandardScaler(), SVC())
    grid = {"svc__C": [0.1, 1]}
    search = GridSearchCV(
        model,
        grid,
        scoring=["accuracy", "balanced_accuracy"],
        refit="balanced_accuracy",
        cv=3,
    )
    result = nested_cross_validate(search, X, y, outer_cv=3)
    assert result.scoring_ == "balanced_accuracy"
    explicit = nested_cross_validate(search, X, y, outer_cv=3, scoring="accuracy")
    assert explicit.scoring_ == "accuracy"
    callable_refit = GridSearchCV(model, grid, refit=lambda r: 0, cv=3)
    result = nested_cross_validate(callable_refit, X, y, outer_cv=3)
    assert all(p == {"svc__C": 0.1} for p in result.best_params_per_fold_)
    assert np.all(np.isfinite(result.inner_best_scores_))


def test_fit_params_are_sliced_to_the_outer_training_rows():
    X, y = load_iris(return_X_y=True)
    weights = np.ones(len(y))
    search = GridSearchCV(SVC(), {"C": [0.1, 1]}, cv=3)
    weighted = nested_cross_validate(
        search, X, y, outer_cv=3, fit_params={"sample_weight": weights}
    )
    plain = nested_cross_validate(search, X, y, outer_cv=3)
    np.testing.assert_allclose(weighted.outer_scores_, plain.outer_scores_)


def test_bad_input(wine, svm_search):
    X, y = wine
    with pytest.raises(ValueError, match="refit=False"):
        nested_cross_validate(clone(svm_search).set_params(refit=False), X, y)
    with pytest.raises(TypeError, match="search"):
        nested_cross_validate("GridSearchCV", X, y)
    with pytest.raises(TypeError, match="fit_params"):
        nested_cross_validate(svm_search, X, y, fit_params=[1])
    with pytest.warns(UserWarning, match="random_state"):
        nested_cross_validate(svm_search, X, y, outer_cv=KFold(3, shuffle=True))


def test_integer_space_params_are_plain_python():
    X, y = load_iris(return_X_y=True)
    search = BayesSearchCV(
        RandomForestClassifier(n_estimators=5, random_state=0),
        {"max_depth": Integer(1, 4)},
        n_iter=3,
        n_initial_points=3,
        cv=2,
        random_state=0,
    )
    result = nested_cross_validate(search, X, y, outer_cv=2)
    assert all(type(p["max_depth"]) is int for p in result.best_params_per_fold_)
