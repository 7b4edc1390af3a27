"""BayesSearchCV(early_stopping=True) and the rule in sktune.optimize._stopping."""

import math

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from sktune import BayesSearchCV, Categorical, Integer, Real
from sktune.optimize import Optimizer
from sktune.optimize._stopping import (
    MIN_EVALUATIONS,
    confidence_beta,
    cv_noise,
    regret_bound,
)

SPACE = {"C": Real(1e-2, 1e2, log=True)}


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def _search(early_stopping=True, **kwargs):
    kwargs = {"n_iter": 40, "cv": 3, "random_state": 0, **kwargs}
    return BayesSearchCV(SVC(), SPACE, early_stopping=early_stopping, **kwargs)


# ---------------------------------------------------------------- the rule
def test_cv_noise_is_the_corrected_standard_error():
    scores = np.array([0.9, 0.8, 0.85, 0.95, 0.7])
    expected = math.sqrt((1 / 5 + 1 / 4) * np.var(scores))
    assert cv_noise(scores) == pytest.approx(expected)
    assert np.isnan(cv_noise([0.9]))
    assert np.isnan(cv_noise([0.9, np.nan, 0.8]))


def test_confidence_beta_matches_optuna():
    evaluator = pytest.importorskip("optuna.terminator.improvement.evaluator")
    for n_dims, n_points in [(1, 20), (4, 37), (10, 100)]:
        assert confidence_beta(n_dims, n_points) == pytest.approx(
            evaluator._get_beta(n_dims, n_points)
        )


def _quadratic(n, seed=0):
    spaces = Optimizer({"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)}).spaces
    points = spaces[0].rvs(n, np.random.RandomState(seed))
    scores = np.array([-((p["x"] - 0.3) ** 2) - (p["y"] - 0.6) ** 2 for p in points])
    return spaces, points, scores


def test_regret_bound_shrinks_with_evaluations():
    bounds = [
        regret_bound(*_quadratic(n), random_state=0) for n in (MIN_EVALUATIONS, 120)
    ]
    assert 0.0 <= bounds[1] < bounds[0]


def test_regret_bound_is_deterministic_and_ignores_failures():
    spaces, points, scores = _quadratic(30)
    bound = regret_bound(spaces, points, scores, random_state=1)
    assert regret_bound(spaces, points, scores, random_state=1) == bound
    failed = np.append(scores, np.nan)
    assert (
        regret_bound(spaces, points + [{"x": 0.5, "y": 0.5}], failed, random_state=1)
        == bound
    )


def test_regret_bound_is_infinite_while_a_subspace_has_no_score():
    spaces = Optimizer([{"x": Real(0.0, 1.0)}, {"z": Integer(1, 9)}]).spaces
    points = [{"x": x} for x in np.linspace(0, 1, 25)]
    scores = -((np.linspace(0, 1, 25) - 0.5) ** 2)
    assert regret_bound(spaces, points, scores) == np.inf
    points += [{"z": 3}]
    assert np.isfinite(regret_bound(spaces, points, np.append(scores, -1.0)))


def test_regret_bound_of_an_empty_subspace_is_its_score():
    spaces = Optimizer([{"x": Real(0.0, 1.0)}, {}]).spaces
    xs = np.linspace(0, 1, 25)
    points = [{"x": x} for x in xs] + [{}]
    # the estimator as given beats every point of the other subspace by far
    scores = np.append(-((xs - 0.5) ** 2), 10.0)
    assert regret_bound(spaces, points, scores, random_state=0) == 0.0


# ------------------------------------------------------------- the search
def test_early_stopping_stops_an_easy_search_well_before_n_iter(iris):
    search = _search(n_iter=60).fit(*iris)
    assert MIN_EVALUATIONS <= search.n_iter_ < 30
    assert len(search.cv_results_["params"]) == search.n_iter_
    assert search.stopping_reason_.startswith("early stopping: the regret bound")
    assert f"after {search.n_iter_} evaluations" in search.stopping_reason_
    bounds = search.regret_bounds_
    assert len(bounds) == search.n_iter_
    assert np.isnan(bounds[: MIN_EVALUATIONS - 1]).all()
    # stopped at the second check in a row below the noise
    assert np.sum(np.isfinite(bounds)) >= 2
    assert np.isfinite(bounds[-1])


def test_without_early_stopping_the_search_runs_n_iter(iris):
    search = _search(early_stopping=False, n_iter=25).fit(*iris)
    assert search.n_iter_ == 25
    assert len(search.cv_results_["params"]) == 25
    assert search.stopping_reason_ == "n_iter reached"
    assert len(search.regret_bounds_) == 25
    assert np.isnan(search.regret_bounds_).all()


def test_early_stopping_does_not_change_the_proposals(iris):
    stopped = _search(n_iter=60).fit(*iris)
    full = _search(early_stopping=False, n_iter=stopped.n_iter_ + 5).fit(*iris)
    n = stopped.n_iter_
    assert stopped.cv_results_["params"] == full.cv_results_["params"][:n]


def test_early_stopping_is_deterministic(iris):
    first = _search(n_iter=60, n_points=2).fit(*iris)
    second = _search(n_iter=60, n_points=2).fit(*iris)
    assert first.n_iter_ == second.n_iter_
    assert first.n_iter_ % 2 == 0
    assert len(first.regret_bounds_) == first.n_iter_ // 2
    np.testing.assert_array_equal(first.regret_bounds_, second.regret_bounds_)
    assert first.stopping_reason_ == second.stopping_reason_


def test_early_stopping_waits_for_the_minimum(iris):
    search = _search(n_iter=MIN_EVALUATIONS - 1).fit(*iris)
    assert search.n_iter_ == MIN_EVALUATIONS - 1
    assert search.stopping_reason_ == "n_iter reached"
    assert np.isnan(search.regret_bounds_).all()


def test_early_stopping_counts_inherited_evaluations(iris):
    first = _search(early_stopping=False, n_iter=MIN_EVALUATIONS).fit(*iris)
    search = _search(n_iter=30, warm_start=first).fit(*iris)
    # the first batch already has MIN_EVALUATIONS results to judge from
    assert np.isfinite(search.regret_bounds_[0])
    assert search.n_iter_ < 30


def test_stopping_reason_when_the_space_is_exhausted(iris):
    space = {"max_depth": Integer(1, 3), "criterion": Categorical(["gini", "entropy"])}
    with pytest.warns(UserWarning, match="smaller than n_iter"):
        search = BayesSearchCV(
            DecisionTreeClassifier(random_state=0),
            space,
            n_iter=10,
            cv=3,
            random_state=0,
            early_stopping=True,
        ).fit(*iris)
    assert search.n_iter_ == 6
    assert search.stopping_reason_ == "the search space is exhausted"


def test_stopping_reason_when_a_callback_stops(iris):
    search = _search(n_iter=30, callbacks=lambda r: len(r["params"]) >= 5).fit(*iris)
    assert search.n_iter_ == 5
    assert search.stopping_reason_ == "a callback stopped the search"


def test_early_stopping_must_be_a_bool(iris):
    with pytest.raises(ValueError, match="'early_stopping' parameter"):
        _search(early_stopping="yes").fit(*iris)


def test_early_stopping_waits_longer_in_larger_spaces(iris):
    # six hyperparameters: the rule waits for 5 evaluations per dimension
    space = {
        "max_depth": Integer(1, 10),
        "min_samples_split": Integer(2, 20),
        "min_samples_leaf": Integer(1, 20),
        "max_features": Real(0.1, 1.0),
        "criterion": Categorical(["gini", "entropy"]),
        "splitter": Categorical(["best", "random"]),
    }
    search = BayesSearchCV(
        DecisionTreeClassifier(random_state=0),
        space,
        n_iter=34,
        cv=3,
        early_stopping=True,
        random_state=0,
    ).fit(*iris)
    bounds = search.regret_bounds_
    assert np.isnan(bounds[:29]).all()
    assert np.isfinite(bounds[29:]).all()
