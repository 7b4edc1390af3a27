"""BayesSearchCV(asynchronous=True): a new candidate as soon as a worker is free."""

import json
import threading
import time

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktune import BayesSearchCV, Real


class TimedRegressor(RegressorMixin, BaseEstimator):
    """Sleeps in ``fit`` (ten times longer for ``x > 0.5``), records when
    each fit ran, and can raise: at ``x > fail_above``, or a
    KeyboardInterrupt at the ``stop_at``-th fit of the process."""

    lock = threading.Lock()
    fits = []  # (x, start, end)
    in_flight = most_in_flight = 0
    stop_at = None

    def __init__(self, x=0.0, delay=0.01, fail_above=None):
        self.x = x
        self.delay = delay
        self.fail_above = fail_above

    @classmethod
    def reset(cls, stop_at=None):
        with cls.lock:
            cls.fits = []
            cls.in_flight = cls.most_in_flight = 0
            cls.stop_at = stop_at

    def fit(self, X, y=None):
        cls = type(self)
        with cls.lock:
            if cls.stop_at is not None and len(cls.fits) + 1 >= cls.stop_at:
                raise KeyboardInterrupt
            cls.in_flight += 1
            cls.most_in_flight = max(cls.most_in_flight, cls.in_flight)
        start = time.perf_counter()
        try:
            if self.fail_above is not None and self.x > self.fail_above:
                raise ValueError("x is too large")
            time.sleep(self.delay * (10 if self.x > 0.5 else 1))
        finally:
            with cls.lock:
                cls.in_flight -= 1
                cls.fits.append((self.x, start, time.perf_counter()))
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        return -((self.x - 0.3) ** 2)


X = np.zeros((20, 1))
SPACE = {"x": Real(-1.0, 1.0)}


def timed_search(**kwargs):
    estimator = TimedRegressor(
        delay=kwargs.pop("delay", 0.01), fail_above=kwargs.pop("fail_above", None)
    )
    settings = {"n_iter": 10, "n_initial_points": 4, "cv": 2, "random_state": 0}
    return BayesSearchCV(estimator, SPACE, asynchronous=True, **{**settings, **kwargs})


def assert_same_results(expected, got):
    assert list(expected) == list(got)
    for key, value in expected.items():
        if key.endswith("_time"):
            continue
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            np.testing.assert_allclose(got[key], value, err_msg=key)
        else:
            assert [repr(v) for v in value] == [repr(v) for v in got[key]], key


def logistic_search(**kwargs):
    return BayesSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=200)),
        {"logisticregression__C": Real(1e-4, 1e2, log=True)},
        n_iter=8,
        n_initial_points=3,
        cv=3,
        random_state=0,
        **kwargs,
    )


def test_one_worker_asks_and_tells_as_batches_of_one_would(cancer):
    # With one worker a candidate is told before the next is asked: the same
    # sequence as n_points=1, so the same results, in scikit-learn's format.
    X, y = cancer
    scoring = {"acc": "accuracy", "auc": "roc_auc"}
    kwargs = {"scoring": scoring, "refit": "auc", "return_train_score": True}
    batches = logistic_search(n_points=1, **kwargs).fit(X, y)
    asynchronous = logistic_search(asynchronous=True, **kwargs).fit(X, y)
    assert_same_results(batches.cv_results_, asynchronous.cv_results_)
    assert asynchronous.best_params_ == batches.best_params_
    assert asynchronous.best_estimator_.score(X, y) == batches.best_estimator_.score(
        X, y
    )
    assert asynchronous.n_iter_ == 8
    assert clone(asynchronous).get_params()["asynchronous"] is True


def test_free_workers_take_new_candidates_while_slow_ones_run():
    TimedRegressor.reset()
    search = timed_search(n_iter=16)
    with joblib.parallel_config(backend="threading", n_jobs=4):
        search.fit(X)
    assert TimedRegressor.most_in_flight == 4
    results = search.cv_results_
    assert len(results["params"]) == 16
    assert np.isfinite(results["mean_test_score"]).all()
    # a candidate asked after a slow one (x > 0.5) finished before it
    spans = {}
    for x, start, end in TimedRegressor.fits:
        first, last = spans.get(x, (start, end))
        spans[x] = (min(first, start), max(last, end))
    order = sorted(spans, key=lambda x: spans[x][0])
    overtaken = [
        (a, b)
        for i, a in enumerate(order)
        for b in order[i + 1 :]
        if a > 0.5 and spans[b][1] < spans[a][1]
    ]
    assert overtaken


def test_runs_on_processes(cancer):
    X, y = cancer
    search = logistic_search(asynchronous=True, n_jobs=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_score_ == search.cv_results_["mean_test_score"].max()


def test_failed_fits_follow_error_score():
    TimedRegressor.reset()
    search = timed_search(fail_above=0.5, delay=0.0, n_iter=12)
    with pytest.warns(FitFailedWarning):
        search.fit(X)
    scores = search.cv_results_["mean_test_score"]
    xs = np.array([p["x"] for p in search.cv_results_["params"]])
    assert np.isnan(scores[xs > 0.5]).all() and (xs > 0.5).any()
    assert np.isfinite(scores[xs <= 0.5]).all()
    assert search.best_params_["x"] <= 0.5
    with pytest.raises(ValueError, match="x is too large"):
        timed_search(fail_above=-2.0, delay=0.0, error_score="raise").fit(X)
    with pytest.warns(FitFailedWarning), pytest.raises(ValueError, match="failed"):
        timed_search(fail_above=-2.0, delay=0.0).fit(X)


def test_a_callback_stops_the_search_and_keeps_what_finished():
    TimedRegressor.reset()
    search = timed_search(delay=0.0, callbacks=lambda r: len(r["params"]) >= 5)
    search.fit(X)
    assert len(search.cv_results_["params"]) == 5
    assert search.stopping_reason_ == "a callback stopped the search"


def test_resumes_from_its_checkpoint_redoing_only_the_candidate_in_flight(tmp_path):
    TimedRegressor.reset()
    reference = timed_search(delay=0.0).fit(X)
    total = len(TimedRegressor.fits)
    path = tmp_path / "search.jsonl"
    TimedRegressor.reset(stop_at=total // 2)
    with pytest.raises(KeyboardInterrupt):
        timed_search(delay=0.0, checkpoint=path).fit(X)
    done = len(TimedRegressor.fits)
    kinds = [json.loads(line)["kind"] for line in path.read_text().splitlines()[1:]]
    assert set(kinds) == {"start", "batch"}
    TimedRegressor.reset()
    resumed = timed_search(delay=0.0, checkpoint=path).fit(X)
    # the splits of the candidate in flight that had ended (cv=2: at most 1)
    assert 0 <= done + len(TimedRegressor.fits) - total <= 1
    assert_same_results(reference.cv_results_, resumed.cv_results_)
    assert resumed.best_params_ == reference.best_params_


def test_a_resumed_search_replays_the_order_candidates_ended_in(tmp_path):
    path = tmp_path / "search.jsonl"
    TimedRegressor.reset(stop_at=12)
    with joblib.parallel_config(backend="threading", n_jobs=4):
        with pytest.raises(KeyboardInterrupt):
            timed_search(n_iter=16, checkpoint=path).fit(X)
    lines = [json.loads(line) for line in path.read_text().splitlines()[1:]]
    ended = [line for line in lines if line["kind"] == "batch"]
    assert ended
    TimedRegressor.reset()
    with joblib.parallel_config(backend="threading", n_jobs=4):
        resumed = timed_search(n_iter=16, checkpoint=path).fit(X)
    results = resumed.cv_results_
    assert len(results["params"]) == 16
    for row, line in enumerate(ended):
        scores = [out["test_scores"] for out in line["outs"]]
        assert results["mean_test_score"][row] == pytest.approx(np.mean(scores))
    # the candidates that were running when it stopped were asked again
    # (the same points) and evaluated: every row is finite
    assert np.isfinite(results["mean_test_score"]).all()


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_scikit_learn_callbacks_fire_for_every_candidate_and_split(cancer, n_jobs):
    import re

    import sklearn

    version = tuple(int(v) for v in re.findall(r"\d+", sklearn.__version__)[:2])
    if version < (1, 9):
        pytest.skip("sklearn.callback needs scikit-learn >= 1.9")
    utils = pytest.importorskip("sklearn.callback.tests._utils")
    callback = utils.RecordingCallback()
    X, y = cancer
    search = logistic_search(asynchronous=True, refit=False).set_callbacks(callback)
    with joblib.parallel_config(backend="threading", n_jobs=n_jobs):
        search.fit(X, y)
    assert callback.count_hooks("setup") == 1 == callback.count_hooks("teardown")
    assert callback.count_hooks("on_fit_task_begin") == callback.count_hooks(
        "on_fit_task_end"
    )
    assert all(entry["estimator"] is search for entry in callback.record)
    leaves = [
        entry
        for entry in callback.record
        if entry["name"] == "on_fit_task_end"
        and entry["context"].max_subtasks == 0
        and entry["context"].parent is not None
    ]
    assert len(leaves) == len(search.cv_results_["params"]) * search.n_splits_


@pytest.mark.dask
def test_runs_on_a_dask_cluster(cancer):
    distributed = pytest.importorskip("distributed")
    X, y = cancer
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=4, dashboard_address=None
    ):
        with joblib.parallel_config(backend="dask"):
            search = logistic_search(asynchronous=True).fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_early_stopping_checks_after_each_candidate_as_after_batches_of_one(iris):
    from sklearn.svm import SVC

    X, y = iris
    kwargs = {"n_iter": 60, "cv": 3, "random_state": 0, "early_stopping": True}
    space = {"C": Real(1e-2, 1e2, log=True)}
    batches = BayesSearchCV(SVC(), space, n_points=1, **kwargs).fit(X, y)
    asynchronous = BayesSearchCV(SVC(), space, asynchronous=True, **kwargs).fit(X, y)
    assert batches.stopping_reason_.startswith("early stopping")
    assert asynchronous.stopping_reason_ == batches.stopping_reason_
    assert asynchronous.n_iter_ == batches.n_iter_ < 60
    np.testing.assert_array_equal(asynchronous.regret_bounds_, batches.regret_bounds_)
    assert_same_results(batches.cv_results_, asynchronous.cv_results_)


def test_a_non_boolean_asynchronous_is_refused_before_any_fit():
    TimedRegressor.reset()
    with pytest.raises(ValueError, match="'asynchronous' parameter"):
        timed_search().set_params(asynchronous="yes").fit(X)
    assert TimedRegressor.fits == []
