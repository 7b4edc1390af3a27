"""BayesSearchCV(warm_start=...): a search starts from earlier results."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from sktune import BayesSearchCV, Categorical, Integer, Real

SPACE = {"C": Real(1e-3, 1e2, log=True)}


class CountingLogisticRegression(LogisticRegression):
    """Counts its fits on the class, across clones."""

    n_fits = 0

    def fit(self, X, y, **params):
        type(self).n_fits += 1
        return super().fit(X, y, **params)


@pytest.fixture
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X[::2]), y[::2]


def _search(warm_start=None, estimator=None, space=None, **kwargs):
    kwargs = {"n_iter": 4, "n_initial_points": 3, "cv": 3, "random_state": 0, **kwargs}
    estimator = LogisticRegression(max_iter=500) if estimator is None else estimator
    return BayesSearchCV(
        estimator, SPACE if space is None else space, warm_start=warm_start, **kwargs
    )


PAIRS = [({"C": 0.01}, 0.8), ({"C": 1.0}, 0.95), ({"C": 10.0}, 0.9)]


def test_warm_start_pairs_rows_come_first_and_are_marked(iris):
    search = _search(PAIRS).fit(*iris)
    results = search.cv_results_
    assert len(results["params"]) == len(PAIRS) + 4
    assert results["inherited"].tolist() == [True] * 3 + [False] * 4
    assert results["params"][:3] == [p for p, _ in PAIRS]
    np.testing.assert_allclose(results["mean_test_score"][:3], [0.8, 0.95, 0.9])
    assert np.isnan(results["std_test_score"][:3]).all()
    assert np.isnan(results["split0_test_score"][:3]).all()
    assert np.isnan(results["mean_fit_time"][:3]).all()
    assert np.isfinite(results["mean_test_score"][3:]).all()
    assert search.n_iter_ == 4


def test_warm_start_inherited_rows_are_not_refitted(iris):
    estimator = CountingLogisticRegression(max_iter=500)
    CountingLogisticRegression.n_fits = 0
    _search(PAIRS, estimator=estimator, refit=False).fit(*iris)
    assert CountingLogisticRegression.n_fits == 4 * 3


def test_warm_start_ranks_cover_every_row(iris):
    results = _search(PAIRS).fit(*iris).cv_results_
    means = results["mean_test_score"]
    order = np.argsort(-means, kind="stable")
    assert results["rank_test_score"][order[0]] == 1
    assert sorted(results["rank_test_score"]) == sorted(
        [1 + int(np.sum(means > m)) for m in means]
    )


def test_warm_start_best_may_be_an_inherited_row(iris):
    # an (impossible) perfect score: the inherited row is the best one
    search = _search([({"C": 3.0}, 1.5)]).fit(*iris)
    assert search.best_index_ == 0
    assert search.best_params_ == {"C": 3.0}
    assert search.best_score_ == 1.5
    assert search.best_estimator_.C == 3.0


def test_warm_start_true_continues_the_last_fit(iris):
    search = _search(True)
    search.fit(*iris)
    first = {k: np.copy(v) for k, v in search.cv_results_.items() if k != "params"}
    first_params = list(search.cv_results_["params"])
    assert not search.cv_results_["inherited"].any()
    search.fit(*iris)
    results = search.cv_results_
    assert search.n_iter_ == 4
    assert len(results["params"]) == 8
    assert results["params"][:4] == first_params
    assert results["inherited"].tolist() == [True] * 4 + [False] * 4
    # the same search: every column of the first fit is copied
    for key in ("split0_test_score", "split2_test_score", "mean_test_score"):
        np.testing.assert_array_equal(results[key][:4], first[key])
    for key in ("std_test_score", "mean_fit_time", "std_score_time"):
        np.testing.assert_array_equal(results[key][:4], first[key])
    # a third fit continues all eight
    search.fit(*iris)
    assert len(search.cv_results_["params"]) == 12
    assert search.cv_results_["inherited"].sum() == 8


def test_warm_start_true_first_fit_equals_a_fresh_search(iris):
    warm = _search(True).fit(*iris)
    fresh = _search(None).fit(*iris)
    assert warm.cv_results_["params"] == fresh.cv_results_["params"]
    assert "inherited" not in fresh.cv_results_


def test_warm_start_from_a_fitted_grid_search_copies_its_columns(iris):
    grid = GridSearchCV(
        LogisticRegression(max_iter=500),
        {"C": [0.01, 0.1, 1.0]},
        cv=3,
        return_train_score=True,
    ).fit(*iris)
    search = _search(grid, return_train_score=True).fit(*iris)
    results = search.cv_results_
    for key in (
        "split1_test_score",
        "mean_test_score",
        "std_test_score",
        "split2_train_score",
        "mean_train_score",
        "mean_fit_time",
        "std_score_time",
    ):
        np.testing.assert_array_equal(results[key][:3], grid.cv_results_[key])
    assert results["params"][:3] == grid.cv_results_["params"]


def test_warm_start_with_other_splits_keeps_only_the_means(iris):
    grid = GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.01, 1.0]}, cv=5).fit(
        *iris
    )
    results = _search(grid).fit(*iris).cv_results_
    np.testing.assert_array_equal(
        results["mean_test_score"][:2], grid.cv_results_["mean_test_score"]
    )
    assert np.isnan(results["split0_test_score"][:2]).all()
    assert "split3_test_score" not in results


def test_warm_start_dict_equals_the_search_object(iris):
    randomized = RandomizedSearchCV(
        LogisticRegression(max_iter=500),
        {"C": Real(1e-3, 1e2, log=True)},
        n_iter=5,
        cv=3,
        random_state=0,
    ).fit(*iris)
    from_object = _search(randomized).fit(*iris)
    from_dict = _search(dict(randomized.cv_results_)).fit(*iris)
    assert from_object.cv_results_["params"] == from_dict.cv_results_["params"]
    np.testing.assert_array_equal(
        from_object.cv_results_["mean_test_score"],
        from_dict.cv_results_["mean_test_score"],
    )


def test_warm_start_multimetric_reads_the_refit_metric(iris):
    grid = GridSearchCV(
        LogisticRegression(max_iter=500),
        {"C": [0.01, 1.0]},
        scoring=["accuracy", "f1_macro"],
        refit="f1_macro",
        cv=3,
    ).fit(*iris)
    search = _search(grid, scoring=["accuracy", "f1_macro"], refit="f1_macro")
    search.fit(*iris)
    np.testing.assert_array_equal(
        search.optimizer_.scores[:2], grid.cv_results_["mean_test_f1_macro"]
    )
    np.testing.assert_array_equal(
        search.cv_results_["split0_test_accuracy"][:2],
        grid.cv_results_["split0_test_accuracy"],
    )
    # a single-metric search reads the metric the source refitted on
    single = _search(grid).fit(*iris)
    np.testing.assert_array_equal(
        single.optimizer_.scores[:2], grid.cv_results_["mean_test_f1_macro"]
    )


@pytest.mark.parametrize(
    "warm_start, error, match",
    [
        (3, ValueError, "'warm_start' parameter"),
        ("results.json", ValueError, "'warm_start' parameter"),
        ([({"C": 1.0},)], TypeError, "\\(params, score\\) pairs"),
        ([("C", 1.0)], TypeError, "\\(params, score\\) pairs"),
        ([({"C": 1.0}, "high")], TypeError, "\\(params, score\\) pairs"),
        ({"mean_test_score": [0.9]}, ValueError, "no 'params' key"),
        ({"params": [{"C": 1.0}]}, ValueError, "no 'mean_test_score' column"),
        (
            {"params": [{"C": 1.0}], "mean_test_score": [0.9, 0.8]},
            ValueError,
            "1 'params' but 2 values",
        ),
        ({"params": [3], "mean_test_score": [0.9]}, TypeError, "list of dicts"),
    ],
)
def test_warm_start_bad_input_fails_before_any_fit(iris, warm_start, error, match):
    CountingLogisticRegression.n_fits = 0
    search = _search(warm_start, estimator=CountingLogisticRegression(max_iter=500))
    with pytest.raises(error, match=match):
        search.fit(*iris)
    assert CountingLogisticRegression.n_fits == 0


def test_warm_start_unfitted_search_is_refused_before_any_fit(iris):
    grid = GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.1, 1.0]}, cv=3)
    grid.fit(*iris)
    CountingLogisticRegression.n_fits = 0
    search = _search(grid, estimator=CountingLogisticRegression(max_iter=500))
    stripped = clone(search)  # clones the grid search too: unfitted
    assert not hasattr(stripped.warm_start, "cv_results_")
    with pytest.raises(ValueError, match="not fitted.*cv_results_ instead"):
        stripped.fit(*iris)
    assert CountingLogisticRegression.n_fits == 0


def test_warm_start_points_outside_the_space_are_skipped_with_a_warning(iris):
    pairs = [
        ({"C": 1.0}, 0.9),
        ({"C": 1e4}, 0.5),  # above the bounds
        ({"C": 1.0, "penalty": "l1"}, 0.7),  # another estimator
        ({"tol": 0.1}, 0.6),  # lacks C
    ]
    with pytest.warns(UserWarning, match="3 of the 4 'warm_start' results were skip"):
        search = _search(pairs).fit(*iris)
    assert search.cv_results_["inherited"].sum() == 1
    assert search.cv_results_["params"][0] == {"C": 1.0}
    assert len(search.optimizer_.points) == 1 + 4


def test_warm_start_unsearched_parameter_with_the_estimators_value_is_kept(iris):
    pairs = [({"C": 1.0, "max_iter": 500}, 0.9)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        search = _search(pairs).fit(*iris)
    assert search.cv_results_["params"][0] == {"C": 1.0}


def test_warm_start_failed_scores_are_told_as_nan(iris):
    pairs = [({"C": 0.01}, np.nan), ({"C": 1.0}, None), ({"C": 10.0}, 0.9)]
    search = _search(pairs).fit(*iris)
    assert np.isnan(search.optimizer_.scores[:2]).all()
    # tied with the worst, as BaseSearchCV ranks failed candidates
    assert search.cv_results_["rank_test_score"][:2].tolist() == [6, 6]


def test_warm_start_conditions_the_optimizer(iris):
    pairs = [({"C": c}, 0.9 - 0.01 * abs(np.log10(c))) for c in np.logspace(-3, 2, 6)]
    fresh = _search(None).fit(*iris)
    warm = _search(pairs).fit(*iris)
    first_new = warm.cv_results_["params"][len(pairs)]
    assert first_new != fresh.cv_results_["params"][0]
    # the inherited points count towards the initial design: the first new
    # point comes from the surrogate, not the design's first draw
    told = [p["C"] for p in warm.optimizer_.points]
    assert told[: len(pairs)] == [p["C"] for p, _ in pairs]


def test_warm_start_finite_space_never_proposes_an_inherited_point(iris):
    space = {"max_depth": Integer(1, 4), "criterion": Categorical(["gini", "entropy"])}
    pairs = [({"max_depth": d, "criterion": "gini"}, 0.9) for d in (1, 2, 3)]
    with pytest.warns(UserWarning, match="smaller than n_iter=8"):
        search = _search(
            pairs,
            estimator=DecisionTreeClassifier(random_state=0),
            space=space,
            n_iter=8,
        ).fit(*iris)
    params = search.cv_results_["params"]
    assert search.n_iter_ == 5
    assert search.stopping_reason_ == "the search space is exhausted"
    keys = [(p["max_depth"], p["criterion"]) for p in params]
    assert len(set(keys)) == len(keys) == 8


def test_warm_start_with_every_point_inherited_is_refused(iris):
    pairs = [({"C": c}, 0.9) for c in (0.1, 1.0)]
    with pytest.raises(ValueError, match="nothing left to evaluate"):
        _search(pairs, space={"C": [0.1, 1.0]}).fit(*iris)


def test_warm_start_batches_and_jobs(cancer):
    search = _search(PAIRS, n_iter=6, n_points=3, n_jobs=2).fit(*cancer)
    results = search.cv_results_
    assert len(results["params"]) == 9
    assert results["inherited"].tolist() == [True] * 3 + [False] * 6
    assert search.n_iter_ == 6


def test_warm_start_in_a_pipeline(cancer):
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    pairs = [({"logisticregression__C": 1.0}, 0.95)]
    search = _search(
        pairs,
        estimator=pipe,
        space={"logisticregression__C": Real(1e-3, 1e2, log=True)},
    ).fit(*cancer)
    assert search.cv_results_["inherited"].sum() == 1


def test_warm_start_clone_and_get_params_keep_it_as_given(iris):
    pairs = list(PAIRS)
    search = _search(pairs)
    assert search.get_params()["warm_start"] is pairs
    search.fit(*iris)
    assert pairs == PAIRS  # nothing modified
    cloned = clone(search)
    assert cloned.get_params()["warm_start"] == PAIRS
    assert cloned.fit(*iris).cv_results_["params"] == search.cv_results_["params"]


def test_warm_start_pickles(iris):
    grid = GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.1, 1.0]}, cv=3)
    search = _search(grid.fit(*iris))
    restored = pickle.loads(pickle.dumps(search.fit(*iris)))
    assert restored.cv_results_["params"] == search.cv_results_["params"]
    np.testing.assert_array_equal(restored.predict(iris[0]), search.predict(iris[0]))
    # a pickled unfitted search with warm_start=True continues once fitted
    continued = pickle.loads(pickle.dumps(_search(True)))
    continued.fit(*iris).fit(*iris)
    assert continued.cv_results_["inherited"].sum() == 4


def test_warm_start_with_a_checkpoint_resumes(iris, tmp_path):
    path = tmp_path / "journal.jsonl"
    estimator = CountingLogisticRegression(max_iter=500)
    first = _search(PAIRS, estimator=estimator, checkpoint=path, refit=False)
    first.fit(*iris)
    CountingLogisticRegression.n_fits = 0
    again = _search(PAIRS, estimator=estimator, checkpoint=path, refit=False)
    again.fit(*iris)
    # read back from the journal: only its last batch is evaluated again
    assert CountingLogisticRegression.n_fits == 3
    assert again.cv_results_["params"] == first.cv_results_["params"]
    np.testing.assert_array_equal(
        again.cv_results_["inherited"], first.cv_results_["inherited"]
    )
    other = [(p, s - 0.1) for p, s in PAIRS]
    with pytest.raises(ValueError, match="different warm_start results"):
        _search(other, estimator=estimator, checkpoint=path, refit=False).fit(*iris)
