"""BayesSearchCV sizes its batches from the workers it is given (n_points="auto")."""

import threading
import time

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin

from sktune import BayesSearchCV, Real


class SleepingRegressor(RegressorMixin, BaseEstimator):
    """Sleeps ``delay`` seconds in ``fit`` and counts the fits in flight.

    Its score is a smooth function of ``x``, so the search has something to
    optimise. The counter is shared by every clone (a class attribute), and
    guarded by a lock: the threading backend runs fits concurrently.
    """

    lock = threading.Lock()
    in_flight = 0
    most_in_flight = 0

    def __init__(self, x=0.0, delay=0.05):
        self.x = x
        self.delay = delay

    @classmethod
    def reset(cls):
        with cls.lock:
            cls.in_flight = cls.most_in_flight = 0

    def fit(self, X, y=None):
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.most_in_flight = max(cls.most_in_flight, cls.in_flight)
        try:
            time.sleep(self.delay)
        finally:
            with cls.lock:
                cls.in_flight -= 1
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        return -((self.x - 0.3) ** 2)


X = np.zeros((20, 1))
SPACE = {"x": Real(-1.0, 1.0)}


def _search(delay=0.05, **kwargs):
    kwargs = {"n_iter": 8, "n_initial_points": 4, "cv": 2, "random_state": 0, **kwargs}
    return BayesSearchCV(SleepingRegressor(delay=delay), SPACE, **kwargs)


def _batch_sizes(search):
    """The search with a callback that records the size of each batch."""
    sizes = []

    def record(results):
        sizes.append(len(results["params"]) - sum(sizes))

    search.set_params(callbacks=record)
    return sizes


def test_bayes_search_auto_batch_gives_every_worker_a_fit():
    SleepingRegressor.reset()
    search = _search()
    sizes = _batch_sizes(search)
    with joblib.parallel_config(backend="threading", n_jobs=8):
        search.fit(X)
    assert sizes == [4, 4]  # ceil(8 workers / 2 splits)
    assert SleepingRegressor.most_in_flight >= 6


@pytest.mark.parametrize(
    "n_jobs, cv, expected",
    [(1, 2, 1), (None, 3, 1), (4, 2, 2), (4, 3, 2), (6, 3, 2), (2, 5, 1)],
)
def test_bayes_search_auto_batch_size_is_workers_over_splits(n_jobs, cv, expected):
    search = _search(n_jobs=n_jobs, cv=cv, n_iter=expected, delay=0.0)
    sizes = _batch_sizes(search)
    with joblib.parallel_config(backend="threading"):
        search.fit(X)
    assert sizes == [expected]


def test_bayes_search_auto_batch_counts_the_backend_workers_for_n_jobs_none():
    search = _search(n_iter=3)
    sizes = _batch_sizes(search)
    with joblib.parallel_config(backend="threading", n_jobs=6):
        search.fit(X)
    assert sizes == [3]
    # an explicit n_jobs wins over the backend's default
    sizes = _batch_sizes(search.set_params(n_jobs=1))
    with joblib.parallel_config(backend="threading", n_jobs=6):
        search.fit(X)
    assert sizes == [1, 1, 1]


def test_bayes_search_auto_is_one_candidate_at_a_time_with_one_job():
    auto = _search(n_jobs=1, n_iter=6, delay=0.0).fit(X)
    one = _search(n_jobs=1, n_iter=6, n_points=1, delay=0.0).fit(X)
    assert auto.cv_results_["params"] == one.cv_results_["params"]
    np.testing.assert_array_equal(
        auto.cv_results_["mean_test_score"], one.cv_results_["mean_test_score"]
    )
    assert auto.best_params_ == one.best_params_


def test_bayes_search_auto_batch_is_capped_by_the_iterations_left():
    search = _search(n_iter=3)
    sizes = _batch_sizes(search)
    with joblib.parallel_config(backend="threading", n_jobs=16):
        search.fit(X)
    assert sizes == [3]
    assert search.n_iter_ == 3
    search = _search(n_iter=10)
    sizes = _batch_sizes(search)
    with joblib.parallel_config(backend="threading", n_jobs=8):
        search.fit(X)
    assert sizes == [4, 4, 2]


def test_bayes_search_integer_n_points_ignores_the_workers():
    search = _search(n_points=3, n_iter=6)
    sizes = _batch_sizes(search)
    with joblib.parallel_config(backend="threading", n_jobs=8):
        search.fit(X)
    assert sizes == [3, 3]


def test_bayes_search_auto_is_reproducible_for_a_number_of_workers():
    runs = []
    for _ in range(2):
        with joblib.parallel_config(backend="threading", n_jobs=4):
            runs.append(_search(delay=0.0).fit(X).cv_results_["params"])
    assert runs[0] == runs[1]


@pytest.mark.parametrize("n_points", [0, -1, 1.5, "all", None])
def test_bayes_search_rejects_a_bad_n_points(n_points):
    with pytest.raises(ValueError, match="The 'n_points' parameter of BayesSearchCV"):
        _search(n_points=n_points).fit(X)


def test_bayes_search_checkpoint_refuses_another_auto_batch_size(tmp_path):
    path = tmp_path / "search.jsonl"
    with joblib.parallel_config(backend="threading", n_jobs=4):
        _search(checkpoint=path, delay=0.0).fit(X)
    with pytest.raises(ValueError, match="another batch size"):
        _search(checkpoint=path, n_jobs=1, delay=0.0).fit(X)
    # the same workers resume it
    with joblib.parallel_config(backend="threading", n_jobs=4):
        _search(checkpoint=path, n_iter=10, delay=0.0).fit(X)


@pytest.mark.dask
def test_bayes_search_auto_counts_the_threads_of_a_dask_cluster():
    distributed = pytest.importorskip("distributed")
    search = _search(n_iter=3, delay=0.0)
    sizes = _batch_sizes(search)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=3,
        processes=False,
        dashboard_address=":0",
    ) as cluster:
        with distributed.Client(cluster), joblib.parallel_backend("dask"):
            search.fit(X)
    assert sizes == [3]  # ceil(6 threads / 2 splits)
