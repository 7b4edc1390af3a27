"""Defects an independent audit of sktune.stats, nested CV and the refit
rules found, each a regression test."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, make_scorer
from sklearn.model_selection import GridSearchCV, ShuffleSplit

from sktune import nested_cross_validate
from sktune.refit import not_significantly_worse
from sktune.stats import corrected_ttest, friedman_test, mcnemar, multipletests

X, Y = load_iris(return_X_y=True)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="sklearn")
        yield


def _grid(**params):
    return GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.1, 1.0]}, **params)


def test_nested_cv_slices_sample_weight_when_outer_splits_leave_rows_out():
    outer = ShuffleSplit(3, train_size=0.5, test_size=0.2, random_state=0)
    weight = np.ones(len(Y))
    result = nested_cross_validate(
        _grid(cv=3), X, Y, outer_cv=outer, fit_params={"sample_weight": weight}
    )
    assert np.all(np.isfinite(result.outer_scores_))


def test_optimism_compares_the_search_metric_with_itself():
    result = nested_cross_validate(
        _grid(cv=3, scoring="accuracy"), X, Y, outer_cv=3, scoring="neg_log_loss"
    )
    assert np.all(result.outer_scores_ < 0)  # the requested outer metric
    # accuracy against accuracy: a few points, not accuracy minus a log-loss
    assert abs(result.optimism_) < 0.2


def test_compare_refuses_different_metrics_behind_scorer_objects():
    accuracy = make_scorer(accuracy_score)
    loss = make_scorer(
        log_loss, greater_is_better=False, response_method="predict_proba"
    )
    a = nested_cross_validate(_grid(cv=3, scoring=accuracy), X, Y, outer_cv=3)
    b = nested_cross_validate(_grid(cv=3, scoring=loss), X, Y, outer_cv=3)
    with pytest.raises(ValueError, match="different scores"):
        a.compare(b)
    same = nested_cross_validate(_grid(cv=3, scoring=accuracy), X, Y, outer_cv=3)
    assert np.isfinite(a.compare(same).pvalue)


def test_refit_rule_says_when_it_assumes_k_fold_sizes():
    rule = not_significantly_worse("C")
    with pytest.warns(UserWarning, match="assumes 3-fold"):
        _grid(cv=3, refit=rule).fit(X, Y)
    sized = not_significantly_worse("C", n_train=0.5, n_test=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        _grid(cv=ShuffleSplit(4, test_size=0.5, random_state=0), refit=sized).fit(X, Y)


def test_iman_davenport_exact_p_value_when_every_data_set_agrees():
    # N=2 data sets, k=3 models, identical rankings: the exact permutation p
    # is 1/3! = 1/6, not 0
    result = friedman_test([[0.9, 0.8, 0.7], [0.6, 0.5, 0.4]])
    assert result.f_pvalue == pytest.approx(1 / 6)
    result = friedman_test([[3, 2, 1]] * 3)
    assert result.f_pvalue == pytest.approx(1 / 36)


@pytest.mark.parametrize(
    "y_pred_a",
    [[0, 1, np.nan, 1], np.array([0, 1, None, 1], dtype=object)],
    ids=["nan", "none"],
)
def test_mcnemar_refuses_missing_labels(y_pred_a):
    with pytest.raises(ValueError, match="missing"):
        mcnemar([0, 1, 1, 1], y_pred_a, [0, 1, 1, 0])


def test_three_dimensional_scores_are_refused_not_flattened():
    scores = np.random.RandomState(0).uniform(size=(2, 3, 4))
    with pytest.raises(ValueError, match="shape"):
        corrected_ttest(scores, scores + 0.01, n_train=4, n_test=1)


def test_identical_scores_give_one_half_one_sided():
    same = [0.9, 0.8, 0.85, 0.7]
    assert corrected_ttest(same, same, n_train=3, n_test=1).pvalue == 1.0
    one_sided = corrected_ttest(same, same, n_train=3, n_test=1, alternative="less")
    assert one_sided.pvalue == 0.5


METHODS = [
    "bonferroni",
    "sidak",
    "holm",
    "holm-sidak",
    "simes-hochberg",
    "hommel",
    "fdr_bh",
    "fdr_by",
]


@pytest.mark.parametrize("method", METHODS)
def test_multipletests_matches_statsmodels(method):
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    rng = np.random.RandomState(0)
    for rep in range(100):
        m = rng.randint(1, 12)
        p = rng.uniform(size=m) ** rng.choice([1, 3, 6])
        if rep % 7 == 0:
            p[rng.randint(m)] = 1.0
        if rep % 11 == 0:
            p[:] = p[0]  # ties
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            reject, expected, _, _ = multitest.multipletests(p, 0.05, method=method)
        got_reject, got = multipletests(p, method=method, alpha=0.05)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(got_reject, reject)


def test_multipletests_aliases_and_missing_values():
    p = [0.01, np.nan, 0.04, 0.03]
    np.testing.assert_array_equal(
        multipletests(p, method="bh"), multipletests(p, method="fdr_bh")
    )
    reject, adjusted = multipletests(p, method="hochberg", alpha=0.05)
    assert np.isnan(adjusted[1]) and not reject[1]
    with pytest.raises(ValueError, match="method"):
        multipletests(p, method="fdr")
