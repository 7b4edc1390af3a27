"""Asynchronous successive halving: HyperbandSearchCV(asynchronous=True)."""

import joblib
import numpy as np
import pytest
from _sleepy import Sleepy
from sklearn.linear_model import SGDClassifier

from sktune import Categorical, HyperbandSearchCV, Real
from sktune.schedules._asha import ASHABracket


def _sgd_search(**kwargs):
    return HyperbandSearchCV(
        SGDClassifier(max_iter=27, tol=None, random_state=0),
        {"alpha": Real(1e-5, 1e-1, log=True), "penalty": Categorical(["l2", "l1"])},
        asynchronous=True,
        n_iter=27,
        cv=3,
        random_state=0,
        **kwargs,
    )


def test_asha_search_valid_results_and_refit(iris):
    X, y = iris
    search = _sgd_search().fit(X, y)
    results = search.cv_results_
    n = len(results["params"])
    for key in (
        "mean_test_score",
        "rank_test_score",
        "split2_test_score",
        "mean_fit_time",
        "budget",
        "budget_used",
        "bracket",
        "rung",
        "param_alpha",
        "param_max_iter",
    ):
        assert len(results[key]) == n, key
    assert set(np.unique(results["budget"])) == {1, 3, 9, 27}
    assert results["budget"][search.best_index_] == 27
    assert search.best_params_["max_iter"] == 27
    assert search.best_estimator_.max_iter == 27
    assert search.score(X, y) > 0.5
    # every bracket's rung 0 started its 27 configurations, once each
    assert np.sum(results["rung"] == 0) == 27
    assert search.n_candidates_[0] == 27
    assert search.n_resources_ == [1, 3, 9, 27]


def test_asha_search_reproducible_with_one_job(iris):
    X, y = iris
    one, two = _sgd_search(n_jobs=1).fit(X, y), _sgd_search(n_jobs=1).fit(X, y)
    assert one.cv_results_["params"] == two.cv_results_["params"]
    np.testing.assert_array_equal(
        one.cv_results_["mean_test_score"], two.cv_results_["mean_test_score"]
    )
    assert one.best_params_ == two.best_params_


def test_asha_search_promotes_only_top_fraction_of_finished(iris):
    # Replay the rows in the order they were recorded (n_jobs=1: a job ends
    # before the next starts): each promotion to rung r+1 is of a
    # configuration in the top 1/factor of those finished at rung r then.
    X, y = iris
    search = _sgd_search(n_jobs=1).fit(X, y)
    results = search.cv_results_
    finished = {}  # rung -> {alpha/penalty key: score}
    for params, rung, score in zip(
        results["params"], results["rung"], results["mean_test_score"]
    ):
        key = (params["alpha"], params["penalty"])
        if rung > 0:
            below = finished[rung - 1]
            n_top = len(below) // 3
            top = sorted(below, key=lambda k: -below[k])[:n_top]
            assert key in top
        finished.setdefault(rung, {})[key] = score


def test_asha_search_promotes_fast_configurations_before_slow_ones_finish():
    # 4 threads; a third of the configurations train 5 times slower. ASHA
    # starts rung-1 jobs of fast configurations while slow rung-0 jobs still
    # train; synchronous halving waits for the whole rung.
    X, y = np.zeros((20, 1)), np.zeros(20)

    def run(asynchronous):
        Sleepy.log = []
        with joblib.parallel_config(backend="threading", n_jobs=4):
            HyperbandSearchCV(
                Sleepy(),
                {"x": Real(0.0, 1.0), "slow": [1, 5]},
                resource="max_iter",
                min_resource=1,
                max_resource=9,
                n_iter=12,
                cv=2,
                random_state=0,
                asynchronous=asynchronous,
                refit=False,  # the refit's passes would be logged too
            ).fit(X, y)
        log = Sleepy.log
        first_promoted = min(start for start, _, _, _, n in log if n == 2)
        last_slow_first_rung = max(end for _, end, _, s, n in log if n == 1 and s == 5)
        return first_promoted, last_slow_first_rung

    promoted, slow_done = run(asynchronous=True)
    assert promoted < slow_done
    promoted, slow_done = run(asynchronous=False)
    assert promoted >= slow_done


def test_asha_search_runs_on_loky(iris):
    X, y = iris
    search = _sgd_search(n_jobs=2).fit(X, y)
    assert np.sum(search.cv_results_["rung"] == 0) == 27
    assert search.best_params_["max_iter"] == 27


def test_asha_search_bad_asynchronous_raises(iris):
    with pytest.raises(ValueError, match="'asynchronous' parameter"):
        _sgd_search().set_params(asynchronous="yes").fit(*iris)


def test_asha_bracket_promotes_top_fraction_then_starts_new():
    bracket = ASHABracket(budgets=(1, 3, 9), n_configurations=4, factor=3)
    assert [bracket.get_job() for _ in range(2)] == [(0, 0), (1, 0)]
    bracket.report(0, 0, 0.5)
    bracket.report(1, 0, 0.9)
    assert bracket.get_job() == (2, 0)  # two finished: floor(2 / 3) = 0 promote
    bracket.report(2, 0, 0.1)
    assert bracket.get_job() == (1, 1)  # the best of three
    assert bracket.get_job() == (3, 0)
    assert bracket.get_job() is None  # all started, nothing promotable
    assert not bracket.finished
    bracket.report(3, 0, np.nan)  # a NaN never promotes
    bracket.report(1, 1, 0.95)
    assert bracket.get_job() is None
    assert bracket.finished
    assert bracket.n_candidates() == [4, 1, 0]


def test_asha_bracket_starts_new_configurations_before_other_promotions():
    bracket = ASHABracket(budgets=(1, 3), n_configurations=8, factor=3)
    for config in range(6):
        assert bracket.get_job() == (config, 0)
    for config, score in enumerate([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]):
        bracket.report(config, 0, score)
    assert bracket.promotable(0) == [5, 4]
    assert bracket.get_job() == (5, 1)  # the leader at once
    assert [bracket.get_job() for _ in range(3)] == [(6, 0), (7, 0), (4, 1)]
    assert bracket.get_job() is None


def _expected_job(bracket, seen):
    """The job the documented order gives, from the bracket's state; counts
    in ``seen`` the choices that the order decided."""
    leaders, others = [], []
    for rung in range(bracket.n_rungs - 1):
        finished = bracket.scores[rung]
        n_top = len(finished) // bracket.factor
        ranked = sorted(
            (c for c, s in finished.items() if not np.isnan(s)),
            key=lambda c: (-finished[c], c),
        )
        for position, config in enumerate(ranked[:n_top]):
            if config not in bracket.promoted[rung]:
                (leaders if position == 0 else others).append((config, rung + 1))
    new = bracket.n_started < bracket.n_configurations
    if len(leaders) > 1:
        seen["leader of the highest rung"] += 1
    if leaders and (new or others):
        seen["leader first"] += 1
    if leaders:
        return max(leaders, key=lambda job: job[1])
    if new and others:
        seen["new before other promotions"] += 1
    if new:
        return bracket.n_started, 0
    if len({rung for _, rung in others}) > 1:
        seen["lowest rung first"] += 1
    return others[0] if others else None


def test_asha_bracket_follows_its_order_however_results_arrive():
    # Random arrival orders (some NaN): every job is the documented choice,
    # no NaN is promoted, the bracket finishes, and every rule was needed.
    rng = np.random.default_rng(0)
    seen = dict.fromkeys(
        [
            "leader of the highest rung",
            "leader first",
            "new before other promotions",
            "lowest rung first",
        ],
        0,
    )
    for _ in range(20):
        bracket = ASHABracket(budgets=(1, 2, 4, 8), n_configurations=30, factor=2)
        quality = rng.normal(size=30)
        quality[rng.choice(30, size=3, replace=False)] = np.nan
        running = []
        while True:
            for _ in range(rng.integers(1, 5)):  # workers free now
                expected = _expected_job(bracket, seen)
                job = bracket.get_job()
                assert job == expected
                if job is None:
                    break
                assert job[1] == 0 or not np.isnan(quality[job[0]])
                running.append(job)
            if not running:
                break
            n_done = rng.integers(1, len(running) + 1)
            for i in sorted(rng.permutation(len(running))[:n_done], reverse=True):
                config, rung = running.pop(i)
                bracket.report(config, rung, quality[config] + rung)
        assert bracket.finished
        assert bracket.n_candidates()[0] == 30
    assert all(seen.values()), seen


@pytest.mark.dask
@pytest.mark.dask
def test_asha_search_runs_on_dask(iris):
    distributed = pytest.importorskip("distributed")
    X, y = iris
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=4, dashboard_address=None
    ):
        with joblib.parallel_config(backend="dask"):
            search = _sgd_search().fit(X, y)
    assert np.sum(search.cv_results_["rung"] == 0) == 27
    assert search.best_params_["max_iter"] == 27
