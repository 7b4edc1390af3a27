"""Asynchronous population-based training: PBTSearchCV(asynchronous=True)."""

import joblib
import numpy as np
import pytest
from _sleepy import Sleepy
from sklearn.linear_model import SGDClassifier

from sktune import PBTSearchCV, Real
from sktune.schedules._pbt import ready_selection


def _sgd_search(**kwargs):
    kwargs = {
        "population_size": 6,
        "n_steps": 5,
        "cv": 3,
        "random_state": 0,
        "asynchronous": True,
        **kwargs,
    }
    return PBTSearchCV(
        SGDClassifier(learning_rate="constant", random_state=0),
        {"alpha": Real(1e-6, 1e-1, log=True), "eta0": Real(1e-3, 1.0, log=True)},
        **kwargs,
    )


def test_pbt_async_search_valid_results_and_refit(iris):
    X, y = iris
    search = _sgd_search(n_jobs=1).fit(X, y)
    results = search.cv_results_
    n = len(results["params"])
    for key in (
        "mean_test_score",
        "rank_test_score",
        "split2_test_score",
        "member",
        "step",
        "parent",
        "budget",
        "budget_used",
        "param_alpha",
    ):
        assert len(results[key]) == n, key
    # every member reaches the last step once, within twice n_steps steps
    last = results["member"][results["step"] == 4]
    assert sorted(last) == list(range(6))
    assert n <= 2 * 6 * 5
    assert results["budget"][search.best_index_] == 5
    assert len(search.best_schedule_) == 5
    best = {k: v for k, v in search.best_params_.items() if k != "max_iter"}
    assert search.best_schedule_[-1] == best
    assert (results["parent"] >= 0).any()  # some member exploited another
    assert search.score(X, y) > 0.5
    # a member's next step is its last one's, or after the one it copied's
    for slot in range(6):
        mine = np.flatnonzero(results["member"] == slot)
        for before, after in zip(mine[:-1], mine[1:]):
            if results["parent"][after] < 0:
                assert results["step"][after] == results["step"][before] + 1
    # the best row's schedule is its lineage's, one entry per step
    assert len(search.best_schedule_) == 5


def test_pbt_async_search_reproducible_with_one_job(iris):
    X, y = iris
    one, two = _sgd_search(n_jobs=1).fit(X, y), _sgd_search(n_jobs=1).fit(X, y)
    assert one.cv_results_["params"] == two.cv_results_["params"]
    np.testing.assert_array_equal(
        one.cv_results_["mean_test_score"], two.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(one.cv_results_["parent"], two.cv_results_["parent"])
    assert one.best_schedule_ == two.best_schedule_


def test_pbt_async_exploit_continues_the_parent_models(iris):
    # No explore (a factor of 1, no resampling): a member that copied
    # another scores, at its next step, what the other scored continuing
    # its own models from the same state (SGD's partial_fit is deterministic).
    X, y = iris
    search = _sgd_search(
        n_jobs=1, perturb_factors=(1.0,), resample_probability=0.0, quantile=0.5
    ).fit(X, y)
    results = search.cv_results_
    member, parent = results["member"], results["parent"]
    value = results["mean_test_score"]
    checked = 0
    for row in np.flatnonzero(parent >= 0):
        # rows are recorded as they finish (n_jobs=1): the member copied the
        # parent at the end of its previous row; the parent's next row after
        # that continued the same models
        exploit = np.flatnonzero(member[:row] == member[row])[-1]
        later = np.flatnonzero(member == parent[row])
        later = later[later > exploit]
        if len(later) and parent[later[0]] == -1:
            assert value[row] == pytest.approx(value[later[0]], abs=1e-12)
            assert results["step"][row] == results["step"][later[0]]
            checked += 1
    assert checked


def test_pbt_async_fast_members_run_ahead_of_slow_ones():
    # 4 threads (2 members of 2 folds at a time); one member trains 5 times
    # slower (and scores worst, so no one copies its slowness). Asynchronously
    # a fast member ends its second step before the slow one ends its first;
    # synchronously every member waits for the whole step.
    X, y = np.zeros((20, 1)), np.zeros(20)
    population = [
        {"x": x, "slow": s} for x, s in zip((0.0, 0.6, 0.7, 0.8), (5, 1, 1, 1))
    ]

    def run(asynchronous):
        Sleepy.log = []
        with joblib.parallel_config(backend="threading", n_jobs=4):
            PBTSearchCV(
                Sleepy(max_iter=4, pass_seconds=0.03),
                {"x": Real(0.0, 1.0), "slow": [1, 5]},
                initial_population=population,
                mutable=["x"],
                population_size=4,
                n_steps=4,
                cv=2,
                random_state=0,
                asynchronous=asynchronous,
                refit=False,  # the refit's passes would be logged too
            ).fit(X, y)
        log = Sleepy.log
        fast_second = min(end for _, end, _, s, n in log if n == 2 and s == 1)
        slow_first = max(end for _, end, _, s, n in log if n == 1 and s == 5)
        return fast_second, slow_first

    fast_second, slow_first = run(asynchronous=True)
    assert fast_second < slow_first
    fast_second, slow_first = run(asynchronous=False)
    assert fast_second > slow_first


def test_pbt_async_search_bad_asynchronous_raises(iris):
    with pytest.raises(ValueError, match="'asynchronous' parameter"):
        _sgd_search().set_params(asynchronous="yes").fit(*iris)


def test_ready_selection_copies_the_top_once_surely_in_the_bottom():
    rng = np.random.RandomState(0)
    eligible = [True] * 8
    scores = [[v] for v in (0.1, 0.9, 0.5, 0.7, 0.3, 0.8, 0.6, 0.4)]
    # the bottom two (ceil(0.25 * 8)) copy the top two, 1 and 5
    assert all(
        ready_selection(0, scores, 0.25, eligible, rng) in (1, 5) for _ in range(10)
    )
    assert ready_selection(4, scores, 0.25, eligible, rng) in (1, 5)
    assert ready_selection(7, scores, 0.25, eligible, rng) is None
    # too few scores to know it is in the bottom
    partial = [[0.1], [0.9], [], [0.7], [], [0.8], [0.6], [0.4]]
    assert ready_selection(0, partial, 0.25, eligible, rng) is None
    # a failed fit is the worst; only eligible donors are copied
    failed = [[np.nan]] + scores[1:]
    only5 = [i != 1 for i in range(8)]
    assert ready_selection(0, failed, 0.25, only5, rng) == 5
    assert ready_selection(0, failed, 0.25, [False] * 8, rng) is None


def test_ready_selection_compares_members_at_the_same_step():
    rng = np.random.RandomState(0)
    eligible = [True] * 4
    # member 0 is at step 2 with the highest latest score, but scored the
    # least at step 0, where the others are: it is the worst, and copies the
    # best at step 0 (behind it)
    scores = [[0.1, 0.5, 0.9], [0.3], [0.4], [0.2]]
    assert ready_selection(0, scores, 0.25, eligible, rng) == 2
    # a laggard at step 0 is not worse than members further on that scored
    # less at step 0
    scores = [[0.5], [0.3, 0.9], [0.4, 0.9], [0.2, 0.9]]
    assert ready_selection(0, scores, 0.25, eligible, rng) is None
