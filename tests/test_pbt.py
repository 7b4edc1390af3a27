"""PBTSearchCV and its exploit/explore schedule."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.base import clone
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import SGDClassifier

from sktune import Categorical, Integer, PBTSearchCV, Real
from sktune.schedules._pbt import perturb, truncation_selection
from sktune.search._incremental import _Candidate
from sktune.space import Space


class FragileSGD(SGDClassifier):
    """Diverges (raises) when alpha exceeds 0.01."""

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        if self.alpha > 0.01:
            raise FloatingPointError("diverged")
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


def _search(**kwargs):
    kwargs = {"population_size": 4, "n_steps": 4, "cv": 3, "random_state": 0, **kwargs}
    return PBTSearchCV(
        SGDClassifier(random_state=0),
        {
            "alpha": Real(1e-6, 1e-1, log=True),
            "eta0": Real(1e-3, 1.0, log=True),
            "learning_rate": ["constant"],
        },
        **kwargs,
    )


# --------------------------------------------------------------- schedule
def test_truncation_selection_replaces_the_bottom_by_the_top():
    rng = np.random.RandomState(0)
    scores = np.array([0.5, 0.9, 0.1, 0.7, np.nan, 0.8, 0.3, 0.6])
    pairs = truncation_selection(scores, 0.25, rng)
    assert sorted(loser for loser, _ in pairs) == [2, 4]
    assert all(winner in (1, 5) for _, winner in pairs)
    assert truncation_selection([1.0], 0.25, rng) == []
    assert len(truncation_selection([1.0, 2.0], 0.25, rng)) == 1


SPACE = Space(
    {
        "lr": Real(1e-4, 1.0, log=True),
        "frac": Real(0.0, 1.0),
        "n": Integer(1, 64, log=True),
        "k": Integer(0, 5),
        "c": ["a", "b", "c"],
        "d": stats.uniform(2, 3),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31 - 1), st.floats(0.0, 1.0))
def test_perturb_always_stays_within_bounds(seed, resample):
    rng = np.random.RandomState(seed)
    point = SPACE.rvs(1, rng)[0]
    for _ in range(5):
        point = perturb(SPACE, point, SPACE.names, rng, (0.5, 2.0), resample)
        assert point in SPACE
        assert type(point["n"]) is int and type(point["k"]) is int


def test_perturb_is_multiplicative_for_log_scales_and_neighbourly_for_choices():
    rng = np.random.RandomState(0)
    point = {"lr": 0.01, "frac": 0.5, "n": 10, "k": 2, "c": "b", "d": 3.5}
    new = perturb(SPACE, point, ["lr", "n", "c", "frac"], rng, (1.2,), 0.0)
    assert new["lr"] == pytest.approx(0.012)
    assert new["n"] == 12 and new["c"] == "c"
    assert new["frac"] == pytest.approx(0.7)
    assert new["k"] == 2 and new["d"] == 3.5  # not named: untouched
    low = perturb(SPACE, {**point, "lr": 1e-4}, ["lr"], rng, (0.8,), 0.0)
    assert low["lr"] == 1e-4  # clipped at the bound


def test_perturb_moves_an_integer_even_when_the_factor_rounds_away():
    new = perturb(
        Space({"n": Integer(1, 10, log=True)}),
        {"n": 2},
        ["n"],
        np.random.RandomState(0),
        (1.2,),
        0.0,
    )
    assert new["n"] == 3


# ----------------------------------------------------------------- search
def test_pbt_search_rows_lineage_and_schedule(iris):
    X, y = iris
    search = _search().fit(X, y)
    results = search.cv_results_
    assert len(results["params"]) == 16
    np.testing.assert_array_equal(results["step"], np.repeat(np.arange(4), 4))
    np.testing.assert_array_equal(results["budget"], np.repeat(np.arange(1, 5), 4))
    np.testing.assert_array_equal(results["member"], np.tile(np.arange(4), 4))
    assert np.all(results["parent"][:4] == -1)
    assert (results["parent"][4:] >= 0).any()  # someone exploited someone
    assert results["step"][search.best_index_] == 3
    assert len(search.best_schedule_) == 4
    assert search.best_params_ == {**search.best_schedule_[-1], "max_iter": 4}
    # the refit replays the schedule: four passes over all the data
    assert search.best_estimator_.t_ == 4 * len(y) + 1


def test_pbt_search_explore_perturbs_what_exploit_inherited(iris):
    X, y = iris
    search = _search(n_steps=3, quantile=0.5, resample_probability=0.0).fit(X, y)
    results = search.cv_results_
    exploited = np.flatnonzero(results["parent"] >= 0)
    assert len(exploited) > 0
    for row in exploited:
        parent_row = (results["step"][row] - 1) * 4 + results["parent"][row]
        child, parent = results["params"][row], results["params"][parent_row]
        assert child["learning_rate"] == parent["learning_rate"]
        for name in ("alpha", "eta0"):
            ratio = child[name] / parent[name]
            assert (
                ratio == pytest.approx(0.8)
                or ratio == pytest.approx(1.2)
                or (
                    child[name] in (1e-6, 1e-1, 1e-3, 1.0)  # clipped at a bound
                )
            )


def test_exploit_copies_fold_models_independently_and_explore_sets_them_live(iris):
    X, y = iris
    search = _search(resample_probability=0.0)
    space = Space(search.param_distributions)

    params = {"alpha": 1e-3, "eta0": 0.1, "learning_rate": "constant"}
    winner, loser = _Candidate(params, 2, seed=0), _Candidate({}, 2, seed=1)
    winner.models = [SGDClassifier(**winner.params).fit(X, y) for _ in range(2)]
    winner.done, winner.space, winner.schedule, winner.slot = (
        1,
        space,
        [dict(winner.params)],
        3,
    )
    winner.trail = [(dict(winner.params), 1, 0)]
    search._exploit_and_explore(
        loser, winner, {"alpha"}, (1.2,), np.random.RandomState(0)
    )
    assert loser.parent == 3 and loser.done == 1
    assert loser.params["alpha"] == pytest.approx(1.2e-3)
    for mine, theirs in zip(loser.models, winner.models):
        assert mine is not theirs and mine.coef_ is not theirs.coef_
        np.testing.assert_array_equal(mine.coef_, theirs.coef_)
        assert mine.alpha == pytest.approx(1.2e-3) and theirs.alpha == 1e-3
    loser.schedule.append("changed")
    loser.trail.append("changed")
    assert winner.schedule == [winner.params] and len(winner.trail) == 1


def test_pbt_search_fixed_parameters_are_only_inherited(iris):
    X, y = iris
    search = _search(mutable=["alpha"], quantile=0.5, n_steps=5).fit(X, y)
    results = search.cv_results_
    eta0_by_member = {}
    for params, member, parent in zip(
        results["params"], results["member"], results["parent"]
    ):
        if parent >= 0:
            eta0_by_member[member] = eta0_by_member[parent]
        eta0_by_member.setdefault(member, params["eta0"])
        assert params["eta0"] == eta0_by_member[member]


def test_pbt_search_replaces_diverged_members(iris):
    X, y = iris
    search = PBTSearchCV(
        FragileSGD(random_state=0),
        {"alpha": Real(1e-5, 1.0, log=True)},
        population_size=6,
        n_steps=4,
        quantile=0.5,
        cv=3,
        random_state=0,
    )
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isnan(scores[:6]).any()
    assert np.isfinite(search.best_score_)
    assert search.best_params_["alpha"] <= 0.01


def test_pbt_search_warm_started_gradient_boosting(cancer):
    X, y = cancer
    search = PBTSearchCV(
        GradientBoostingClassifier(random_state=0),
        {"learning_rate": Real(0.01, 1.0, log=True), "subsample": Real(0.5, 1.0)},
        population_size=4,
        n_steps=3,
        step_size=5,
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert search.resource_ == "n_estimators"
    assert search.best_estimator_.n_estimators == 15
    assert len(search.best_estimator_.estimators_) == 15
    assert search.best_score_ > 0.9


def test_pbt_search_is_reproducible_across_n_jobs(iris):
    X, y = iris
    one = _search().fit(X, y)
    two = _search(n_jobs=2).fit(X, y)
    assert one.cv_results_["params"] == two.cv_results_["params"]
    assert one.best_schedule_ == two.best_schedule_


def test_pbt_search_multimetric_and_refit_false(iris):
    X, y = iris
    search = _search(scoring={"acc": "accuracy", "f1": "f1_macro"}, refit="f1").fit(
        X, y
    )
    assert search.best_score_ == search.cv_results_["mean_test_f1"][search.best_index_]
    search = clone(search).set_params(refit=False, scoring=None).fit(X, y)
    assert not hasattr(search, "best_estimator_")


@pytest.mark.parametrize(
    "params, match",
    [
        ({"mutable": ["gamma"]}, "'gamma' is not in the search space"),
        ({"population_size": 1}, "population_size"),
        ({"quantile": 0.75}, "quantile"),
        ({"perturb_factors": (0.8, -1.0)}, "perturb_factors"),
    ],
)
def test_pbt_search_bad_parameters_name_themselves(iris, params, match):
    with pytest.raises(ValueError, match=match):
        _search(**params).fit(*iris)


def test_pbt_search_categorical_space(iris):
    search = PBTSearchCV(
        SGDClassifier(random_state=0),
        {
            "loss": Categorical(["hinge", "log_loss", "modified_huber"]),
            "alpha": Real(1e-6, 1e-2, log=True),
        },
        population_size=4,
        n_steps=3,
        cv=3,
        random_state=0,
    ).fit(*iris)
    assert search.best_params_["loss"] in ("hinge", "log_loss", "modified_huber")


def test_pbt_search_starts_from_the_given_population(iris):
    start = [
        {"alpha": 1e-4, "eta0": 0.01, "learning_rate": "constant"},
        {"alpha": 1e-3, "eta0": 0.1, "learning_rate": "constant"},
    ]
    search = _search(population_size=2, n_steps=2, initial_population=start).fit(*iris)
    first = [{k: p[k] for k in start[0]} for p in search.cv_results_["params"][:2]]
    assert first == start
    with pytest.raises(ValueError, match="has 1 members"):
        _search(population_size=2, initial_population=start[:1]).fit(*iris)
    with pytest.raises(ValueError, match="not in the search space"):
        _search(
            population_size=2, initial_population=[start[0], {**start[1], "alpha": 5.0}]
        ).fit(*iris)


def test_pbt_search_mlp_learning_rate_and_alpha(cancer):
    from sklearn.neural_network import MLPClassifier

    search = PBTSearchCV(
        MLPClassifier(hidden_layer_sizes=16, batch_size=32, random_state=0),
        {
            "learning_rate_init": Real(1e-4, 1e-1, log=True),
            "alpha": Real(1e-6, 1e-1, log=True),
        },
        population_size=4,
        n_steps=4,
        step_size=2,
        cv=3,
        random_state=0,
    ).fit(*cancer)
    assert search.resource_ == "max_iter"
    assert search.best_estimator_.max_iter == 8
    assert search.best_score_ > 0.9


def test_pbt_search_refit_callable_replays_the_chosen_rows_schedule(iris):
    def second_step_of_member_0(results):
        return int(np.flatnonzero((results["member"] == 0) & (results["step"] == 1))[0])

    search = _search(refit=second_step_of_member_0).fit(*iris)
    assert search.cv_results_["step"][search.best_index_] == 1
    assert len(search.best_schedule_) == 2
    assert search.best_estimator_.t_ == 2 * len(iris[1]) + 1


def test_pbt_search_refit_of_a_row_whose_member_later_exploited_keeps_its_lineage(
    iris,
):
    # A slot that loses later takes the winner's schedule; a row recorded
    # before that must still replay its own hyperparameters.
    def first_row_of_a_later_loser(results):
        losers = set(results["member"][results["parent"] >= 0])
        first = (results["step"] == 0) & np.isin(results["member"], list(losers))
        return int(np.flatnonzero(first)[0])

    search = _search(quantile=0.5, refit=first_row_of_a_later_loser).fit(*iris)
    chosen = search.best_params_
    assert search.cv_results_["step"][search.best_index_] == 0
    assert search.best_schedule_ == [
        {k: v for k, v in chosen.items() if k != "max_iter"}
    ]
    model = search.best_estimator_
    assert model.alpha == chosen["alpha"] and model.eta0 == chosen["eta0"]
