"""BayesSearchCV honours the scikit-learn search contract."""

import pickle
import warnings

import numpy as np
import pytest
from scipy.stats import loguniform, randint
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from sktune import BayesSearchCV, Integer, Real


def _search(estimator=None, spaces=None, **kwargs):
    kwargs = {"n_iter": 6, "n_initial_points": 3, "cv": 3, "random_state": 0, **kwargs}
    estimator = LogisticRegression(max_iter=500) if estimator is None else estimator
    spaces = {"C": Real(1e-3, 1e2, log=True)} if spaces is None else spaces
    return BayesSearchCV(estimator, spaces, **kwargs)


class FailingClassifier(ClassifierMixin, BaseEstimator):
    """Fails to fit when ``c`` exceeds ``threshold``, or when trained on a
    set whose first row starts with ``fail_value``."""

    def __init__(self, c=1.0, threshold=np.inf, fail_value=None):
        self.c = c
        self.threshold = threshold
        self.fail_value = fail_value

    def fit(self, X, y):
        if self.c > self.threshold:
            raise ValueError("c is too large")
        if self.fail_value is not None and X[0, 0] == self.fail_value:
            raise ValueError("this fold fails")
        self.classes_ = np.unique(y)
        self.model_ = LogisticRegression(C=self.c, max_iter=500).fit(X, y)
        return self

    def predict(self, X):
        return self.model_.predict(X)


class FoldFingerprint(ClassifierMixin, BaseEstimator):
    """Its score identifies the test fold, whatever its parameter."""

    def __init__(self, c=1.0):
        self.c = c

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)
        self.n_weights_ = None if sample_weight is None else len(sample_weight)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y, sample_weight=None):
        return float(np.sum(X[:, 0]) + len(X))


def test_bayes_search_finds_good_params_in_a_pipeline(cancer):
    X, y = cancer
    pipe = Pipeline([("scale", StandardScaler()), ("clf", SVC())])
    search = _search(
        pipe,
        {"clf__C": Real(1e-3, 1e3, log=True), "clf__gamma": Real(1e-5, 1, log=True)},
        n_iter=12,
    )
    search.fit(X, y)
    assert search.best_score_ > 0.95
    assert set(search.best_params_) == {"clf__C", "clf__gamma"}
    assert type(search.best_params_) is dict
    assert all(type(v) is float for v in search.best_params_.values())
    assert search.best_estimator_.named_steps["clf"].C == search.best_params_["clf__C"]
    assert len(search.cv_results_["params"]) == 12
    assert search.score(X, y) > 0.95


def test_bayes_search_cv_results_have_sklearn_keys(iris):
    X, y = iris
    search = _search(return_train_score=True).fit(*iris)
    results = search.cv_results_
    for key in [
        "params",
        "param_C",
        "mean_test_score",
        "std_test_score",
        "rank_test_score",
        "split0_test_score",
        "split2_test_score",
        "mean_fit_time",
        "std_fit_time",
        "mean_score_time",
        "mean_train_score",
        "split1_train_score",
        "subspace",
    ]:
        assert key in results, key
    assert isinstance(results["param_C"], np.ma.MaskedArray)
    assert results["rank_test_score"][search.best_index_] == 1
    assert search.best_score_ == results["mean_test_score"].max()
    assert search.n_splits_ == 3
    assert search.multimetric_ is False
    assert search.refit_time_ >= 0


def test_bayes_search_multimetric_optimises_the_refit_metric(iris):
    search = _search(
        scoring={"acc": "accuracy", "nll": "neg_log_loss"}, refit="nll", n_iter=7
    ).fit(*iris)
    results = search.cv_results_
    assert search.multimetric_
    np.testing.assert_allclose(search.optimizer_.scores, results["mean_test_nll"])
    assert search.best_index_ == np.argmax(results["mean_test_nll"])
    assert search.best_score_ == results["mean_test_nll"].max()
    assert "mean_test_acc" in results


def test_bayes_search_multimetric_without_refit_name_raises_before_fitting(iris):
    search = _search(
        FailingClassifier(threshold=-1),
        {"c": Real(0.1, 1.0)},
        scoring=["accuracy", "f1_macro"],
        refit=True,
    )
    with pytest.raises(ValueError, match="refit must be set to a scorer key"):
        search.fit(*iris)


def test_bayes_search_refit_callable_picks_its_index(iris):
    def lowest_score(results):
        return int(np.argmin(results["mean_test_score"]))

    search = _search(refit=lowest_score).fit(*iris)
    assert search.best_index_ == np.argmin(search.cv_results_["mean_test_score"])
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    assert hasattr(search, "best_estimator_")
    assert not hasattr(search, "best_score_")


def test_bayes_search_refit_false_keeps_results_without_estimator(iris):
    search = _search(refit=False).fit(*iris)
    assert len(search.cv_results_["params"]) == 6
    assert not hasattr(search, "best_estimator_")
    with pytest.raises((AttributeError, NotFittedError)):
        search.predict(iris[0])


def test_bayes_search_nested_in_cross_validate(iris):
    outer = cross_validate(_search(n_iter=4), *iris, cv=3, return_estimator=True)
    assert outer["test_score"].shape == (3,)
    assert np.all(outer["test_score"] > 0.8)
    assert all(hasattr(est, "best_params_") for est in outer["estimator"])


def test_bayes_search_clone_and_params_roundtrip(iris):
    search = _search()
    cloned = clone(search)
    assert cloned.get_params()["n_iter"] == 6
    assert cloned.search_spaces is not search.search_spaces
    search.fit(*iris)
    assert not hasattr(clone(search), "cv_results_")
    search.set_params(n_iter=3, estimator__C=2.0)
    assert search.n_iter == 3 and search.estimator.C == 2.0


def test_bayes_search_pickles_after_fit(iris):
    X, y = iris
    search = _search().fit(X, y)
    restored = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(restored.predict(X), search.predict(X))
    assert restored.best_params_ == search.best_params_


def test_bayes_search_is_reproducible_and_independent_of_n_jobs(iris):
    first = _search(random_state=3).fit(*iris).cv_results_
    again = _search(random_state=3, n_jobs=2).fit(*iris).cv_results_
    other = _search(random_state=4).fit(*iris).cv_results_
    assert first["params"] == again["params"]
    np.testing.assert_allclose(first["mean_test_score"], again["mean_test_score"])
    assert first["params"] != other["params"]


def test_bayes_search_batches_of_n_points_are_distinct(iris):
    search = _search(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": Integer(1, 8), "criterion": ["gini", "entropy"]},
        n_points=3,
        n_iter=9,
        n_initial_points=3,
    ).fit(*iris)
    params = search.cv_results_["params"]
    assert len(params) == 9
    keys = [(p["max_depth"], p["criterion"]) for p in params]
    assert len(set(keys)) == 9


def test_bayes_search_records_candidates_failing_on_every_fold(iris):
    search = _search(FailingClassifier(threshold=0.5), {"c": Real(0.01, 1.0)}, n_iter=8)
    with pytest.warns(FitFailedWarning):
        search.fit(*iris)
    results = search.cv_results_
    params = results["params"]
    assert len(params) == 8
    failed = np.array([p["c"] > 0.5 for p in params])
    assert failed.any() and (~failed).any()
    assert np.all(np.isnan(results["mean_test_score"][failed]))
    assert np.all(np.isfinite(results["mean_test_score"][~failed]))
    assert np.all(np.isnan(results["split0_test_score"][failed]))
    assert search.best_params_["c"] <= 0.5
    # the surrogate saw failures as the worst score, never as nan
    assert np.isnan(search.optimizer_.scores).sum() == failed.sum()


def test_bayes_search_records_candidates_failing_on_some_folds(iris):
    X, y = iris
    est = FailingClassifier(fail_value=X[0, 0])
    # KFold without shuffling: row 0 is in the training set of folds 1 and 2
    search = _search(est, {"c": Real(0.1, 1.0)}, cv=KFold(3), n_iter=4, refit=False)
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    assert np.all(np.isnan(search.cv_results_["mean_test_score"]))
    assert np.all(np.isfinite(search.cv_results_["split0_test_score"]))


def test_bayes_search_error_score_raise_raises(iris):
    search = _search(
        FailingClassifier(threshold=0.0), {"c": Real(0.1, 1.0)}, error_score="raise"
    )
    with pytest.raises(ValueError, match="c is too large"):
        search.fit(*iris)


def test_bayes_search_when_every_fit_fails_raises_with_the_cause(iris):
    search = _search(FailingClassifier(threshold=0.0), {"c": Real(0.1, 1.0)}, n_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        with pytest.raises(ValueError, match="c is too large"):
            search.fit(*iris)


def test_bayes_search_error_score_number_is_recorded(iris):
    search = _search(
        FailingClassifier(threshold=0.5),
        {"c": Real(0.01, 1.0)},
        error_score=-1.0,
        n_iter=8,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        search.fit(*iris)
    failed = np.array([p["c"] > 0.5 for p in search.cv_results_["params"]])
    assert failed.any()
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"][failed], -1.0)


def test_bayes_search_freezes_shuffled_splits(iris):
    X, y = iris
    search = _search(
        FoldFingerprint(), {"c": Real(0.0, 1.0)}, cv=KFold(3, shuffle=True), n_iter=6
    )
    search.fit(X, y)
    for k in range(3):
        scores = search.cv_results_[f"split{k}_test_score"]
        np.testing.assert_allclose(scores, scores[0])


def test_bayes_search_routes_groups_to_the_splitter(iris):
    X, y = iris
    groups = np.arange(len(y)) % 5
    seen = []

    class RecordingGroupKFold(GroupKFold):
        def split(self, X, y=None, groups=None):
            seen.append(groups)
            return super().split(X, y, groups)

    search = _search(
        FoldFingerprint(), {"c": Real(0.0, 1.0)}, cv=RecordingGroupKFold(5), n_iter=4
    )
    search.fit(X, y, groups=groups)
    assert seen and all(g is not None for g in seen)
    assert search.n_splits_ == 5


def test_bayes_search_routes_sample_weight_with_metadata_routing(iris):
    X, y = iris
    with config_context(enable_metadata_routing=True):
        est = FoldFingerprint().set_fit_request(sample_weight=True)
        est = est.set_score_request(sample_weight=False)
        search = _search(est, {"c": Real(0.0, 1.0)}, n_iter=3)
        search.fit(X, y, sample_weight=np.ones(len(y)))
    assert search.best_estimator_.n_weights_ == len(y)


def test_bayes_search_slices_sample_weight_per_fold(iris):
    X, y = iris
    search = _search(FoldFingerprint(), {"c": Real(0.0, 1.0)}, n_iter=3, refit=True)
    search.fit(X, y, sample_weight=np.ones(len(y)))
    assert search.best_estimator_.n_weights_ == len(y)


def test_bayes_search_return_train_score(iris):
    results = _search(return_train_score=True).fit(*iris).cv_results_
    assert np.all(results["mean_train_score"] >= 0.5)
    assert "mean_train_score" not in _search().fit(*iris).cv_results_


def test_bayes_search_conditional_space_keeps_rows_to_their_subspace(cancer):
    X, y = cancer
    spaces = [
        {"kernel": ["linear"], "C": Real(1e-2, 1e1, log=True)},
        {
            "kernel": ["rbf"],
            "C": Real(1e-2, 1e2, log=True),
            "gamma": Real(1e-4, 1e0, log=True),
        },
    ]
    search = _search(SVC(), spaces, n_iter=10, n_initial_points=4).fit(X, y)
    results = search.cv_results_
    for params, subspace, gamma_masked in zip(
        results["params"], results["subspace"], results["param_gamma"].mask
    ):
        assert params["kernel"] == ("linear", "rbf")[subspace]
        assert ("gamma" in params) == (subspace == 1)
        assert gamma_masked == (subspace == 0)
    assert set(results["subspace"]) == {0, 1}


def test_bayes_search_accepts_scipy_distributions_and_lists(cancer):
    X, y = cancer
    spaces = {
        "C": loguniform(1e-2, 1e2),
        "max_iter": randint(50, 200),
        "fit_intercept": [True, False],
    }
    search = _search(LogisticRegression(), spaces, n_iter=6).fit(X, y)
    for params in search.cv_results_["params"]:
        assert 1e-2 <= params["C"] <= 1e2
        assert type(params["max_iter"]) is int and 50 <= params["max_iter"] < 200
        assert params["fit_intercept"] in (True, False)


def test_bayes_search_finite_space_smaller_than_n_iter_runs_each_point_once(iris):
    with pytest.warns(UserWarning, match="total space of parameters 2"):
        search = _search(SVC(), {"kernel": ["linear", "rbf"]}, n_iter=5).fit(*iris)
    kernels = [p["kernel"] for p in search.cv_results_["params"]]
    assert sorted(kernels) == ["linear", "rbf"]


def test_bayes_search_callback_true_stops_and_keeps_results(iris):
    calls = []

    def stop_after_three(results):
        calls.append(len(results["params"]))
        return len(results["params"]) >= 3

    search = _search(callbacks=[stop_after_three], n_iter=10).fit(*iris)
    assert calls == [1, 2, 3]
    assert len(search.cv_results_["params"]) == 3
    assert hasattr(search, "best_estimator_")


@pytest.mark.parametrize(
    "spaces, error, match",
    [
        ({"not_a_param": Real(0.1, 1.0)}, ValueError, "not_a_param"),
        ({"C": "abc"}, TypeError, "'C'"),
        ({"C": []}, ValueError, "'C'"),
        ([], ValueError, "empty"),
    ],
)
def test_bayes_search_bad_space_raises_before_any_fit(iris, spaces, error, match):
    fits = []

    class Counting(LogisticRegression):
        def fit(self, X, y):
            fits.append(1)
            return super().fit(X, y)

    with pytest.raises(error, match=match):
        _search(Counting(), spaces).fit(*iris)
    assert fits == []


def test_bayes_search_swapping_pipeline_steps_is_a_valid_space(iris):
    pipe = make_pipeline(StandardScaler(), SVC())
    spaces = [
        {"svc": [SVC()], "svc__C": Real(0.1, 10.0, log=True)},
        {"svc": [LogisticRegression(max_iter=500)], "svc__C": Real(0.1, 10.0)},
    ]
    search = _search(pipe, spaces, n_iter=4, n_initial_points=2).fit(*iris)
    kinds = {type(p["svc"]).__name__ for p in search.cv_results_["params"]}
    assert kinds == {"SVC", "LogisticRegression"}


@pytest.mark.parametrize(
    "param, value",
    [("n_iter", 0), ("n_points", 0), ("n_initial_points", -1), ("acq_func", "XI")],
)
def test_bayes_search_bad_constructor_value_names_the_parameter(iris, param, value):
    with pytest.raises(ValueError, match=param):
        _search(**{param: value}).fit(*iris)


@pytest.mark.parametrize("acq_func", ["EI", "LCB", "PI", "hedge"])
def test_bayes_search_every_acquisition_runs(iris, acq_func):
    search = _search(acq_func=acq_func, n_iter=6).fit(*iris)
    assert search.best_score_ > 0.9
