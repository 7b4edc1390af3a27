"""HyperbandSearchCV and its continuation engine, on real estimators."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import load_digits
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.naive_bayes import GaussianNB
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sktune import HyperbandSearchCV, Integer, Real
from sktune.schedules._hyperband import hyperband_brackets
from sktune.search._resources import Resource, advance, resolve_resource

BUILT = []


class CountingForest(RandomForestClassifier):
    """Records how many trees each fit builds."""

    def fit(self, X, y, sample_weight=None):
        before = len(getattr(self, "estimators_", []))
        super().fit(X, y, sample_weight=sample_weight)
        BUILT.append(len(self.estimators_) - before)
        return self


# --------------------------------------------------------------- schedule
def test_hyperband_brackets_match_li_et_al():
    brackets = hyperband_brackets(1, 81, 3)
    assert [b.index for b in brackets] == [4, 3, 2, 1, 0]
    assert [(b.n_candidates[0], b.budgets[0]) for b in brackets] == [
        (81, 1),
        (34, 3),
        (15, 9),
        (8, 27),
        (5, 81),
    ]
    assert all(b.budgets[-1] == 81 for b in brackets)


def test_one_bracket_is_successive_halving():
    [bracket] = hyperband_brackets(1, 27, 3, n_brackets=1)
    assert bracket.n_candidates == (27, 9, 3, 1)
    assert bracket.budgets == (1, 3, 9, 27)


@pytest.mark.parametrize(
    "args, match",
    [((0, 10, 3), "min_resource"), ((5, 4, 3), "min_resource"), ((1, 10, 1), "factor")],
)
def test_hyperband_brackets_reject_bad_budgets(args, match):
    with pytest.raises(ValueError, match=match):
        hyperband_brackets(*args)


# ------------------------------------------------------------- resources
@pytest.mark.parametrize(
    "estimator, resource, kind, param",
    [
        (RandomForestClassifier(), "auto", "warm_start", "n_estimators"),
        (GradientBoostingClassifier(), "auto", "warm_start", "n_estimators"),
        (HistGradientBoostingClassifier(), "auto", "warm_start", "max_iter"),
        (SGDClassifier(), "auto", "partial_fit", "max_iter"),
        (MLPClassifier(), "auto", "warm_start_increment", "max_iter"),
        (LogisticRegression(), "auto", "warm_start_increment", "max_iter"),
        (SVC(), "auto", "n_samples", None),
        (GaussianNB(), "auto", "n_samples", None),
        (SVC(), "max_iter", "restart", "max_iter"),
        (
            Pipeline([("s", StandardScaler()), ("rf", RandomForestClassifier())]),
            "auto",
            "warm_start",
            "rf__n_estimators",
        ),
    ],
)
def test_resolve_resource_detects_how_to_continue(estimator, resource, kind, param):
    resolved = resolve_resource(estimator, resource)
    assert (resolved.kind, resolved.param) == (kind, param)


def test_resolve_resource_refuses_bad_names():
    with pytest.raises(ValueError, match="not a parameter"):
        resolve_resource(RandomForestClassifier(), "n_trees")
    with pytest.raises(ValueError, match="also a searched parameter"):
        resolve_resource(RandomForestClassifier(), "n_estimators", {"n_estimators"})
    pipe = Pipeline([("s", StandardScaler()), ("rf", RandomForestClassifier())])
    with pytest.raises(ValueError, match="final step"):
        resolve_resource(pipe, "s__copy")


def test_advance_warm_start_grows_the_same_forest(iris):
    X, y = iris
    rows = np.arange(len(y))
    model = RandomForestClassifier(random_state=0)
    resource = Resource("warm_start", "n_estimators")
    model, _ = advance(model, resource, X, y, rows, {}, 0, 3, None)
    first_tree = model.estimators_[0]
    model, _ = advance(model, resource, X, y, rows, {}, 3, 9, None)
    assert len(model.estimators_) == 9 and model.estimators_[0] is first_tree
    fresh = RandomForestClassifier(n_estimators=9, random_state=0).fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), fresh.predict_proba(X))


def test_advance_hist_gradient_boosting_continues_iterations(iris):
    X, y = iris
    model = HistGradientBoostingClassifier(early_stopping=False, random_state=0)
    resource = Resource("warm_start", "max_iter")
    model, _ = advance(model, resource, X, y, np.arange(150), {}, 0, 3, None)
    model, _ = advance(model, resource, X, y, np.arange(150), {}, 3, 9, None)
    assert model.n_iter_ == 9


def test_advance_partial_fit_makes_exactly_the_extra_passes(iris):
    X, y = iris
    rows = np.arange(0, 150, 2)
    model = SGDClassifier(random_state=0)
    resource = Resource("partial_fit", "max_iter")
    model, _ = advance(model, resource, X, y, rows, {}, 0, 2, np.unique(y))
    model, _ = advance(model, resource, X, y, rows, {}, 2, 5, np.unique(y))
    assert model.t_ == 5 * len(rows) + 1
    assert model.max_iter == 5


def test_advance_pass_based_in_a_pipeline_fits_the_head_once(iris):
    X, y = iris
    pipe = Pipeline([("s", StandardScaler()), ("mlp", MLPClassifier(random_state=0))])
    resource = Resource("partial_fit", "mlp__max_iter")
    pipe, _ = advance(pipe, resource, X, y, np.arange(150), {}, 0, 1, np.unique(y))
    scaler_mean = pipe[0].mean_.copy()
    pipe, _ = advance(
        pipe, resource, X[::-1], y, np.arange(150), {}, 1, 3, np.unique(y)
    )
    np.testing.assert_array_equal(pipe[0].mean_, scaler_mean)
    assert pipe[-1].t_ == 3 * 150  # samples seen: three passes


def test_advance_mlp_by_warm_started_increments(iris):
    X, y = iris
    rows = np.arange(150)
    model = MLPClassifier(
        learning_rate_init=1e-3, n_iter_no_change=1000, random_state=0
    )
    resource = Resource("warm_start_increment", "max_iter")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, _ = advance(model, resource, X, y, rows, {}, 0, 2, np.unique(y))
        # A learning rate changed between rungs (PBT's explore) takes effect;
        # partial_fit would keep the first optimiser's.
        model.set_params(learning_rate_init=0.05)
        model, _ = advance(model, resource, X, y, rows, {}, 2, 5, np.unique(y))
    assert model.t_ == 5 * 150  # five epochs in total
    assert model._optimizer.learning_rate_init == 0.05


def test_advance_n_samples_fits_on_the_given_rows_only(iris):
    X, y = iris
    rows = np.arange(0, 150, 3)
    model, _ = advance(
        SVC(), Resource("n_samples", None), X, y, rows[:30], {}, 0, 30, None
    )
    assert model.shape_fit_ == (30, 4)


# ----------------------------------------------------------------- search
def test_hyperband_search_continues_forests_instead_of_restarting(iris):
    X, y = iris
    BUILT.clear()
    search = HyperbandSearchCV(
        CountingForest(n_estimators=27, random_state=0),
        {"max_depth": Integer(1, 6)},
        cv=3,
        random_state=0,
        refit=False,
    ).fit(X, y)
    results = search.cv_results_
    restart_total = int(np.sum(results["budget"])) * 3
    # continuing, each candidate's models hold only its last budget's trees
    continued_total = 0
    for bracket in search.brackets_:
        budgets, counts = bracket["budgets"], bracket["n_candidates"]
        for i, (budget, count) in enumerate(zip(budgets, counts)):
            kept = counts[i + 1] if i + 1 < len(counts) else 0
            previous = budgets[i - 1] if i else 0
            continued_total += count * (budget - previous) * 3
            assert kept <= count
    assert sum(BUILT) == continued_total
    assert sum(BUILT) < restart_total


def test_hyperband_search_cv_results_columns_and_best_at_full_budget(iris):
    X, y = iris
    search = HyperbandSearchCV(
        RandomForestClassifier(n_estimators=9, random_state=0),
        {
            "max_depth": Integer(1, 6),
            "criterion": ["gini", "entropy"],
            "max_features": Real(0.5, 1.0),  # an infinite space: all brackets
        },
        n_brackets="all",
        cv=3,
        random_state=0,
        return_train_score=True,
    ).fit(X, y)
    results = search.cv_results_
    n_rows = len(results["params"])
    for key in (
        "budget",
        "bracket",
        "rung",
        "mean_test_score",
        "rank_test_score",
        "split2_test_score",
        "mean_train_score",
        "param_n_estimators",
        "param_max_depth",
        "mean_fit_time",
    ):
        assert len(results[key]) == n_rows, key
    assert search.n_resources_ == [1, 3, 9, 3, 9, 9]
    assert search.n_candidates_ == [9, 3, 1, 5, 1, 3]
    assert results["budget"][search.best_index_] == 9
    assert search.best_params_["n_estimators"] == 9
    assert search.best_estimator_.n_estimators == 9
    assert not search.best_estimator_.warm_start
    assert search.resource_ == "n_estimators" and search.max_resource_ == 9
    full = results["budget"] == 9
    assert search.best_score_ == results["mean_test_score"][full].max()


def test_hyperband_search_in_a_pipeline_with_gradient_boosting(cancer):
    X, y = cancer
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("gb", GradientBoostingClassifier(n_estimators=9, random_state=0)),
        ]
    )
    search = HyperbandSearchCV(
        pipe,
        {"gb__learning_rate": Real(0.01, 1.0, log=True)},
        resource="gb__n_estimators",
        n_brackets=1,
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert search.best_params_["gb__n_estimators"] == 9
    assert search.best_score_ > 0.9


def test_hyperband_search_warm_started_mlp(iris):
    X, y = iris
    search = HyperbandSearchCV(
        MLPClassifier(max_iter=9, random_state=0),
        {
            "alpha": Real(1e-5, 1e-1, log=True),
            "learning_rate_init": Real(1e-3, 1e-1, log=True),
        },
        cv=3,
        random_state=0,
        n_brackets=2,
    ).fit(X, y)
    assert search.resource_ == "max_iter"
    assert set(search.cv_results_["budget"]) == {1, 3, 9}
    assert search.best_estimator_.max_iter == 9


def test_hyperband_search_hist_gradient_boosting_max_iter(cancer):
    X, y = cancer
    search = HyperbandSearchCV(
        HistGradientBoostingClassifier(
            max_iter=9, early_stopping=False, random_state=0
        ),
        {"learning_rate": Real(0.01, 1.0, log=True), "max_leaf_nodes": Integer(2, 31)},
        cv=3,
        random_state=0,
        n_brackets=1,
    ).fit(X, y)
    assert search.best_estimator_.n_iter_ == 9
    assert search.best_score_ > 0.9


def test_hyperband_search_n_samples_with_svc(cancer):
    X, y = cancer
    search = HyperbandSearchCV(
        SVC(),
        {"C": Real(1e-2, 1e2, log=True), "gamma": Real(1e-4, 1, log=True)},
        resource="n_samples",
        min_resource=30,
        factor=3,
        cv=3,
        random_state=0,
    ).fit(X, y)
    folds = StratifiedKFold(3).split(X, y)
    assert search.max_resource_ == max(len(train) for train, _ in folds)
    assert min(search.n_resources_) >= 30
    assert "param_n_samples" not in search.cv_results_
    assert search.best_score_ > 0.9


def test_hyperband_search_refuses_to_search_the_resource(iris):
    search = HyperbandSearchCV(
        RandomForestClassifier(),
        {"n_estimators": Integer(1, 9)},
        resource="n_estimators",
    )
    with pytest.raises(ValueError, match="also a searched parameter"):
        search.fit(*iris)


def test_hyperband_auto_resource_budgets_rows_when_the_length_is_searched(iris):
    # a GridSearchCV over n_estimators, swapped: the grid stays searched
    search = HyperbandSearchCV(
        RandomForestClassifier(random_state=0),
        {"n_estimators": [5, 10]},
        cv=3,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="n_samples"):
        search.fit(*iris)
    assert search.resource_ == "n_samples"
    assert set(search.cv_results_["param_n_estimators"]) == {5, 10}


def test_hyperband_search_rejects_unknown_parameters_before_fitting(iris):
    search = HyperbandSearchCV(RandomForestClassifier(), {"depth": Integer(1, 9)})
    with pytest.raises(ValueError, match="'depth'"):
        search.fit(*iris)


def test_hyperband_search_multimetric_and_refit_callable(iris):
    X, y = iris
    search = HyperbandSearchCV(
        RandomForestClassifier(n_estimators=9, random_state=0),
        {"max_depth": Integer(1, 6)},
        scoring={"acc": "accuracy", "f1": "f1_macro"},
        refit="f1",
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert search.multimetric_ and "mean_test_acc" in search.cv_results_
    assert search.best_score_ == search.cv_results_["mean_test_f1"][search.best_index_]

    def last_row(results):
        return len(results["params"]) - 1

    search = HyperbandSearchCV(
        RandomForestClassifier(n_estimators=9, random_state=0),
        {"max_depth": Integer(1, 6)},
        refit=last_row,
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert search.best_index_ == len(search.cv_results_["params"]) - 1


def test_hyperband_search_records_failures_and_goes_on(iris):
    X, y = iris
    search = HyperbandSearchCV(
        LogisticRegression(max_iter=9),
        {"C": Real(-1.0, 1.0)},
        cv=3,
        random_state=0,
    )
    with pytest.warns(FitFailedWarning, match="fits failed"):
        search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    negative = np.array([p["C"] <= 0 for p in search.cv_results_["params"]])
    assert negative.any() and np.all(np.isnan(scores[negative]))
    assert search.best_params_["C"] > 0
    with pytest.raises(ValueError):
        clone(search).set_params(error_score="raise").fit(X, y)


def test_hyperband_search_reproducible_across_n_jobs_and_picklable(iris):
    X, y = iris
    make = lambda **kw: HyperbandSearchCV(  # noqa: E731
        RandomForestClassifier(n_estimators=9, random_state=0),
        {"max_depth": Integer(1, 8)},
        cv=3,
        random_state=1,
        **kw,
    )
    one = make().fit(X, y)
    two = make(n_jobs=2).fit(X, y)
    assert one.cv_results_["params"] == two.cv_results_["params"]
    np.testing.assert_allclose(
        one.cv_results_["mean_test_score"], two.cv_results_["mean_test_score"]
    )
    restored = pickle.loads(pickle.dumps(one))
    np.testing.assert_array_equal(restored.predict(X), one.predict(X))


def test_hyperband_search_nested_cross_validate(iris):
    search = HyperbandSearchCV(
        RandomForestClassifier(n_estimators=9, random_state=0),
        {"max_depth": Integer(1, 6)},
        cv=3,
        random_state=0,
    )
    scores = cross_validate(search, *iris, cv=3)["test_score"]
    assert scores.shape == (3,) and np.all(scores > 0.8)


def test_hyperband_search_bayes_sampler_uses_earlier_rungs(iris):
    X, y = iris
    search = HyperbandSearchCV(
        SGDClassifier(max_iter=27, random_state=0),
        {"alpha": Real(1e-6, 1.0, log=True)},
        sampler="bayes",
        n_brackets="all",
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert len(search.brackets_) == 4
    assert search.best_score_ > 0.8


class Bowl(BaseEstimator):
    """Scores ``-(x - 0.7) ** 2`` whatever the data and the budget."""

    def __init__(self, x=0.0, steps=1):
        self.x = x
        self.steps = steps

    def fit(self, X, y=None):
        self.fitted_ = True
        return self

    def score(self, X, y=None):
        return -((self.x - 0.7) ** 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hyperband_search_bayes_sampler_proposes_near_the_optimum(iris, seed):
    # After the first bracket, two thirds of each bracket's draws come from
    # the GP fitted to the scores so far, near x = 0.7; the prior (and the
    # remaining third) spreads them over [-5, 5].
    def later_distances(sampler):
        search = HyperbandSearchCV(
            Bowl(),
            {"x": Real(-5.0, 5.0)},
            resource="steps",
            max_resource=27,
            min_resource=1,
            sampler=sampler,
            n_brackets="all",
            cv=3,
            random_state=seed,
        ).fit(*iris)
        results = search.cv_results_
        later = (results["bracket"] < 3) & (results["rung"] == 0)
        return np.abs(results["param_x"].data[later].astype(float) - 0.7)

    assert np.median(later_distances("random")) > 1.0
    bayes = later_distances("bayes")
    assert np.median(bayes) < 0.25
    assert np.mean(bayes > 1.0) > 0.1  # the prior's third still explores


def test_hyperband_search_slices_sample_weight_per_fold(iris):
    X, y = iris
    search = HyperbandSearchCV(
        RandomForestClassifier(n_estimators=9, random_state=0),
        {"max_depth": Integer(1, 6)},
        cv=3,
        random_state=0,
    ).fit(X, y, sample_weight=np.ones(len(y)))
    assert search.best_score_ > 0.8


@pytest.mark.parametrize(
    "params, match",
    [
        ({"factor": 1}, "factor"),
        ({"n_brackets": 0}, "n_brackets"),
        ({"n_brackets": "every"}, "n_brackets"),
        ({"sampler": "grid"}, "sampler"),
        ({"min_resource": 10, "max_resource": 5}, "min_resource"),
    ],
)
def test_hyperband_search_bad_parameters_name_themselves(iris, params, match):
    search = HyperbandSearchCV(
        RandomForestClassifier(n_estimators=9), {"max_depth": Integer(1, 6)}, **params
    )
    with pytest.raises(ValueError, match=match):
        search.fit(*iris)


def test_hyperband_search_digits_restores_accuracy():
    X, y = load_digits(return_X_y=True)
    search = HyperbandSearchCV(
        SGDClassifier(max_iter=9, random_state=0),
        {"alpha": Real(1e-6, 1e-1, log=True)},
        cv=3,
        random_state=0,
        n_brackets=1,
    ).fit(X / 16, y)
    assert search.best_score_ > 0.85


def test_hyperband_auto_min_resource_caps_the_number_of_brackets(iris):
    search = HyperbandSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": Real(1e-5, 1e-1, log=True)},
        n_brackets=1,
        cv=3,
        random_state=0,
    ).fit(*iris)
    assert search.max_resource_ == 1000 and search.min_resource_ == 12
    assert search.n_candidates_ == [81, 27, 9, 3, 1]
    assert len(hyperband_brackets(12, 1000, 3)) == 5


# ------------------------------------------------------------ convergence
@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16, y[:600]


def test_default_runs_one_bracket_and_all_runs_every_bracket(iris):
    X, y = iris
    space = {"max_depth": Integer(1, 6), "max_features": Real(0.5, 1.0)}
    forest = RandomForestClassifier(n_estimators=9, random_state=0)
    default = HyperbandSearchCV(forest, space, cv=3, random_state=0).fit(X, y)
    assert [b["budgets"] for b in default.brackets_] == [[1, 3, 9]]
    every = HyperbandSearchCV(
        forest, space, n_brackets="all", cv=3, random_state=0
    ).fit(X, y)
    assert [b["budgets"] for b in every.brackets_] == [[1, 3, 9], [3, 9], [9]]


def test_a_small_grid_takes_the_bracket_its_points_fill(iris):
    """Two points go straight to max_resource, as in a grid search; nine
    start at max_resource / 9: the single-bracket default is for large spaces."""
    X, y = iris
    forest = RandomForestClassifier(n_estimators=27, random_state=0)
    two = HyperbandSearchCV(forest, {"max_depth": [2, 4]}, cv=3, random_state=0)
    assert [b["budgets"] for b in two.fit(X, y).brackets_] == [[27]]
    nine = HyperbandSearchCV(
        forest, {"max_depth": list(range(1, 10))}, cv=3, random_state=0
    )
    assert [b["budgets"] for b in nine.fit(X, y).brackets_] == [[3, 9, 27]]


def test_a_converged_mlp_stops_consuming_budget(digits):
    """An MLP whose loss stalls (its own tol) keeps its score at later
    rungs without training: no fit time, the same scores, budget_used."""
    X, y = digits
    search = HyperbandSearchCV(
        MLPClassifier(hidden_layer_sizes=(16,), max_iter=81, tol=0.05, random_state=0),
        {"learning_rate_init": Real(1e-3, 1e-1, log=True)},
        min_resource=3,
        n_iter=9,
        cv=3,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    used, budget = results["budget_used"], results["budget"]
    assert (used <= budget).all()
    converged = used < budget
    assert converged.any()
    by_params = {}
    for i, params in enumerate(results["params"]):
        key = params["learning_rate_init"]
        by_params.setdefault(key, []).append(i)
    checked = 0
    for rows in by_params.values():
        for earlier, later in zip(rows, rows[1:]):
            if used[later] == used[earlier] < budget[earlier]:
                # every fold had converged before the later rung
                assert results["mean_fit_time"][later] == 0
                assert (
                    results["mean_test_score"][later]
                    == results["mean_test_score"][earlier]
                )
                checked += 1
    assert checked


def test_sgd_defaults_stop_at_convergence_not_at_max_iter(digits):
    """SGDClassifier's max_iter=1000 is a cap: its own tol ends the fits."""
    X, y = digits
    search = HyperbandSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": Real(1e-5, 1e-1, log=True)},
        n_iter=12,
        cv=3,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    assert search.max_resource_ == 1000
    assert results["budget_used"].max() < 200
    assert search.best_score_ > 0.8


def test_partial_fit_without_warm_start_applies_tol_to_the_training_score(iris):
    """An estimator with partial_fit, tol and n_iter_no_change but no
    warm_start: the search applies tol to its training score."""
    X, y = iris

    class NoWarmSGD(SGDClassifier):
        def get_params(self, deep=True):
            params = super().get_params(deep)
            params.pop("warm_start", None)
            return params

    model = NoWarmSGD(learning_rate="constant", eta0=1e-3, tol=0.5, random_state=0)
    resource = Resource("partial_fit", "max_iter")
    rows = np.arange(150)
    model, reached = advance(
        model, resource, X, y, rows, {}, 0, 50, np.unique(y), converge=True
    )
    # no score after the first improves by 0.5: it stops n_iter_no_change
    # passes later, as SGD's own fit does with its loss
    assert reached == 1 + model.n_iter_no_change
    assert model.t_ == reached * 150 + 1
    # without converge, every pass of the budget is made
    model, reached = advance(
        NoWarmSGD(tol=0.5, random_state=0), resource, X, y, rows, {}, 0, 7, np.unique(y)
    )
    assert (reached, model.t_) == (7, 7 * 150 + 1)


def test_histgradientboosting_early_stopping_ends_its_budget(iris):
    X, y = iris
    search = HyperbandSearchCV(
        HistGradientBoostingClassifier(
            max_iter=81, early_stopping=True, n_iter_no_change=2, random_state=0
        ),
        {"learning_rate": Real(0.3, 1.0, log=True)},
        n_iter=9,
        cv=3,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    assert search.resource_ == "max_iter"
    assert (results["budget_used"] < results["budget"]).any()
    assert results["budget_used"][results["budget"] == 81].max() < 81
