"""pareto_front and the refit rules that pick from it (fastest_within, knee):
hand-made fronts, a brute-force property check, real searches."""

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV
from sklearn.tree import DecisionTreeClassifier

from sktune import BayesSearchCV, Integer
from sktune._pareto import non_dominated, pareto_front
from sktune.refit import fastest_within, knee


def fake_results(columns, budgets=None):
    """A cv_results_ dict with the given numeric columns, one param ``k``."""
    n = len(next(iter(columns.values())))
    results = {
        "params": [{"k": i} for i in range(n)],
        "param_k": np.ma.MaskedArray(np.arange(n, dtype=object)),
    }
    for name, values in columns.items():
        results[name] = np.asarray(values, dtype=float)
    if budgets is not None:
        results["budget"] = np.asarray(budgets)
    return results


def brute_force(costs):
    """Rows no other row dominates (every column minimised), O(n^2)."""
    costs = np.asarray(costs, dtype=float)
    keep = []
    for i, point in enumerate(costs):
        dominated = any(
            np.all(other <= point) and np.any(other < point) for other in costs
        )
        if not dominated:
            keep.append(i)
    return np.asarray(keep, dtype=int)


# accuracy (max) against fit time (min): rows 0, 2, 3 trade off; 1 and 4 lose
TWO = {
    "mean_test_accuracy": [0.90, 0.85, 0.95, 0.80, 0.80],
    "mean_fit_time": [2.0, 3.0, 5.0, 1.0, 4.0],
}


def test_pareto_front_two_objectives_by_hand():
    front = pareto_front(fake_results(TWO), ["accuracy", "fit_time"])
    assert list(front) == ["index", "params", "mean_test_accuracy", "mean_fit_time"]
    assert front["index"].tolist() == [2, 0, 3]
    assert [p["k"] for p in front["params"]] == [2, 0, 3]
    assert front["mean_test_accuracy"].tolist() == [0.95, 0.90, 0.80]
    assert front["mean_fit_time"].tolist() == [5.0, 2.0, 1.0]


def test_pareto_front_sorts_by_the_first_objective():
    front = pareto_front(fake_results(TWO), {"fit_time": "min", "accuracy": "max"})
    assert front["index"].tolist() == [3, 0, 2]
    assert list(front)[2:] == ["mean_fit_time", "mean_test_accuracy"]


def test_pareto_front_minimises_both():
    results = fake_results({"a": [1, 2, 3, 2], "b": [3, 2, 1, 3]})
    front = pareto_front(results, {"a": "min", "b": "min"})
    assert front["index"].tolist() == [0, 1, 2]


def test_pareto_front_keeps_every_copy_of_equal_points():
    results = fake_results(
        {"mean_test_score": [0.9, 0.9, 0.8, 0.9], "mean_fit_time": [1, 1, 1, 2]}
    )
    front = pareto_front(results, ["score", "fit_time"])
    assert front["index"].tolist() == [0, 1]


def test_pareto_front_tie_on_one_objective_keeps_the_better_other():
    # rows 0 and 1 share the accuracy; 1 is faster, so 0 is dominated
    results = fake_results(
        {"mean_test_score": [0.9, 0.9, 0.95], "mean_fit_time": [2, 1, 3]}
    )
    front = pareto_front(results, ["score", "fit_time"])
    assert front["index"].tolist() == [2, 1]


def test_pareto_front_three_objectives_by_hand():
    results = fake_results(
        {
            "mean_test_precision": [0.9, 0.8, 0.9, 0.7, 0.9],
            "mean_test_recall": [0.7, 0.9, 0.7, 0.6, 0.8],
            "mean_fit_time": [1.0, 2.0, 0.5, 0.4, 3.0],
        }
    )
    front = pareto_front(results, ["precision", "recall", "fit_time"])
    # 0 is beaten by 2 (same scores, faster); 3 is on it (fastest)
    assert front["index"].tolist() == [4, 2, 1, 3]


def test_pareto_front_defaults_to_every_test_metric():
    results = fake_results(
        {
            "mean_test_precision": [0.9, 0.8, 0.7],
            "mean_test_recall": [0.7, 0.9, 0.6],
            "mean_fit_time": [9.0, 9.0, 0.1],
        }
    )
    front = pareto_front(results)
    assert list(front) == ["index", "params", "mean_test_precision", "mean_test_recall"]
    assert front["index"].tolist() == [0, 1]


def test_pareto_front_single_objective_is_the_best_rows():
    results = fake_results({"mean_test_score": [0.8, 0.9, 0.9]})
    assert pareto_front(results)["index"].tolist() == [1, 2]


def test_pareto_front_leaves_out_failed_fits():
    results = fake_results(
        {"mean_test_score": [np.nan, 0.8, 0.7], "mean_fit_time": [0.1, 1.0, np.inf]}
    )
    front = pareto_front(results, ["score", "fit_time"])
    assert front["index"].tolist() == [1]


def test_pareto_front_keeps_only_the_largest_budget():
    results = fake_results(
        {"mean_test_score": [0.99, 0.8, 0.9], "mean_fit_time": [0.1, 1.0, 2.0]},
        budgets=[1, 9, 9],
    )
    front = pareto_front(results, ["score", "fit_time"])
    assert front["index"].tolist() == [2, 1]


def test_pareto_front_reads_masked_param_columns():
    results = fake_results({"mean_test_score": [0.9, 0.8, 0.95]})
    results["param_depth"] = np.ma.MaskedArray(
        np.array([3, 1, 5], dtype=object), mask=[False, False, True]
    )
    front = pareto_front(results, {"score": "max", "param_depth": "min"})
    assert front["index"].tolist() == [0, 1]


@pytest.mark.parametrize("n_obj", [2, 3, 4])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_non_dominated_matches_brute_force(n_obj, data):
    n = data.draw(st.integers(1, 40))
    # few distinct values: many ties and duplicates
    costs = data.draw(
        st.lists(
            st.lists(st.integers(0, 4), min_size=n_obj, max_size=n_obj),
            min_size=n,
            max_size=n,
        )
    )
    np.testing.assert_array_equal(non_dominated(np.array(costs)), brute_force(costs))


@settings(max_examples=40, deadline=None)
@given(
    points=st.lists(
        st.tuples(
            st.floats(-1e3, 1e3, allow_nan=False), st.floats(0, 10, allow_nan=False)
        ),
        min_size=1,
        max_size=30,
    ),
    directions=st.tuples(
        st.sampled_from(["max", "min"]), st.sampled_from(["max", "min"])
    ),
)
def test_pareto_front_matches_brute_force_with_directions(points, directions):
    a, b = np.array(points).T
    results = fake_results({"a": a, "b": b})
    front = pareto_front(results, dict(zip(["a", "b"], directions)))
    signs = np.array([1.0 if d == "min" else -1.0 for d in directions])
    expected = brute_force(np.column_stack([a, b]) * signs)
    assert sorted(front["index"].tolist()) == expected.tolist()


def test_non_dominated_two_objectives_is_fast():
    rng = np.random.default_rng(0)
    x = rng.random(200_000)
    costs = np.column_stack([x, 1 - x + 0.01 * rng.random(x.size)])
    front = non_dominated(costs)
    assert 0 < front.size < x.size


@pytest.mark.parametrize(
    "objectives, match",
    [
        (["nope"], "neither a column nor a metric.*'accuracy'"),
        ({"accuracy": "maximise"}, "must be 'max' or 'min'; got 'maximise'"),
        (["accuracy", "mean_test_accuracy"], "twice"),
        (["param_k"], "cannot be guessed"),
        ([], "at least one"),
        (["params"], "neither a column"),
    ],
)
def test_pareto_front_rejects_bad_objectives(objectives, match):
    with pytest.raises(ValueError, match=match):
        pareto_front(fake_results(TWO), objectives)


def test_pareto_front_rejects_bad_types():
    with pytest.raises(TypeError, match="'objectives' parameter must be a dict"):
        pareto_front(fake_results(TWO), 3)
    with pytest.raises(TypeError, match="'search' parameter must be a fitted"):
        pareto_front(DecisionTreeClassifier())


def test_pareto_front_rejects_all_failed():
    results = fake_results({"mean_test_score": [np.nan, np.nan]})
    with pytest.raises(ValueError, match="No candidate"):
        pareto_front(results)


# ---- refit rules -----------------------------------------------------------


def test_fastest_within_absolute_and_relative():
    results = fake_results(
        {
            "mean_test_score": [0.90, 0.897, 0.80, 0.904, 0.8999],
            "mean_fit_time": [2.0, 1.0, 0.1, 5.0, 1.0],
        }
    )
    # best .904; absolute .005 admits .899 and up: rows 0, 3 and 4
    assert fastest_within(0.005)(results) == 4
    # .01 admits row 1 too; rows 1 and 4 tie on time, 4 scores higher
    assert fastest_within(0.01)(results) == 4
    assert fastest_within(0.0)(results) == 3
    assert fastest_within(0.2)(results) == 2
    # relative: 0.5% of .904 = .00452
    assert fastest_within(0.005, relative=True)(results) == 4
    assert fastest_within(0.0001, relative=True)(results) == 3


def test_fastest_within_relative_uses_the_magnitude_of_negative_scores():
    results = fake_results(
        {"mean_test_score": [-10.0, -10.4, -11.0], "mean_fit_time": [3, 2, 1]}
    )
    assert fastest_within(0.05, relative=True)(results) == 1
    assert fastest_within(0.5)(results) == 1


def test_fastest_within_other_cost_columns():
    results = fake_results(
        {
            "mean_test_score": [0.9, 0.9, 0.85],
            "mean_fit_time": [1.0, 2.0, 0.1],
            "mean_score_time": [0.5, 0.1, 0.01],
        }
    )
    assert fastest_within(0.01, cost="score_time")(results) == 1
    assert fastest_within(0.01, cost="param_k")(results) == 0


def test_knee_picks_the_bulge():
    # a convex front: (score, time) = (1, 10), (.95, 2), (.9, 1.5), (.5, 1)
    results = fake_results(
        {
            "mean_test_score": [1.0, 0.95, 0.9, 0.5, 0.6],
            "mean_fit_time": [10.0, 2.0, 1.5, 1.0, 8.0],
        }
    )
    assert knee(["score", "fit_time"])(results) == 1
    assert knee({"fit_time": "min", "score": "max"})(results) == 1


def test_knee_of_two_points_is_the_best_at_the_first_objective():
    results = fake_results({"mean_test_score": [0.9, 0.8], "mean_fit_time": [2, 1]})
    assert knee(["score", "fit_time"])(results) == 0
    assert knee(["fit_time", "score"])(results) == 1


@pytest.mark.parametrize(
    "make, err, match",
    [
        (lambda: fastest_within("0.01"), TypeError, "'tolerance' parameter"),
        (lambda: fastest_within(-0.1), ValueError, "'tolerance' parameter"),
        (lambda: fastest_within(0.1, relative=1), TypeError, "'relative' parameter"),
        (lambda: fastest_within(0.1, scoring=3), TypeError, "'scoring' parameter"),
        (lambda: fastest_within(0.1, cost=None), TypeError, "'cost' parameter"),
        (lambda: knee("score"), TypeError, "'objectives' parameter"),
        (lambda: knee(["a", "b", "c"]), ValueError, "exactly two"),
        (lambda: knee({"a": "max", "b": "up"}), ValueError, "'max' or 'min'"),
    ],
)
def test_front_rules_reject_bad_arguments(make, err, match):
    with pytest.raises(err, match=match):
        make()


def test_fastest_within_names_unknown_columns():
    results = fake_results(TWO)
    with pytest.raises(ValueError, match="'cost' parameter names 'nope'"):
        fastest_within(0.1, cost="nope")(results)
    with pytest.raises(ValueError, match="'scoring' parameter 'f1'"):
        fastest_within(0.1, scoring="f1")(results)
    with pytest.raises(ValueError, match="is the score itself"):
        fastest_within(0.1, cost="accuracy")(results)


def test_front_rules_repr_and_pickle():
    rule = fastest_within(0.005, relative=True, scoring="accuracy")
    assert repr(rule) == (
        "fastest_within(tolerance=0.005, relative=True, scoring='accuracy', "
        "cost='mean_fit_time')"
    )
    assert repr(knee(["accuracy", "fit_time"])) == (
        "knee(objectives=['accuracy', 'fit_time'])"
    )
    results = fake_results(TWO)
    assert pickle.loads(pickle.dumps(rule))(results) == rule(results)


@pytest.fixture(scope="module")
def cancer_tree_search():
    X, y = load_breast_cancer(return_X_y=True)
    return X, y


def test_fastest_within_refits_gridsearchcv_multimetric(cancer_tree_search):
    X, y = cancer_tree_search
    rule = fastest_within(0.02, scoring="accuracy", cost="param_max_depth")
    search = GridSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [1, 2, 3, 4, 6, 8]},
        scoring={"accuracy": "accuracy", "f1": "f1"},
        refit=rule,
    ).fit(X, y)
    results = search.cv_results_
    accuracy = results["mean_test_accuracy"]
    near = np.flatnonzero(accuracy >= accuracy.max() - 0.02)
    expected = near[np.argmin(results["param_max_depth"][near].astype(float))]
    assert search.best_index_ == expected
    assert search.best_estimator_.max_depth == results["params"][expected]["max_depth"]


def test_knee_refits_gridsearchcv_on_the_front(cancer_tree_search):
    X, y = cancer_tree_search
    search = GridSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [1, 2, 3, 4, 6, 8]},
        scoring=["precision", "recall"],
        refit=knee(["precision", "recall"]),
    ).fit(X, y)
    assert search.best_index_ in pareto_front(search)["index"]
    assert search.best_params_ == {"max_depth": 2}


def test_fastest_within_refits_bayes_search(cancer_tree_search):
    X, y = cancer_tree_search
    search = BayesSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": Integer(1, 10)},
        n_iter=6,
        n_initial_points=4,
        cv=3,
        random_state=0,
        scoring={"accuracy": "accuracy", "f1": "f1"},
        refit=fastest_within(0.03, scoring="accuracy", cost="param_max_depth"),
    ).fit(X, y)
    results = search.cv_results_
    accuracy = results["mean_test_accuracy"]
    depths = results["param_max_depth"].astype(float)
    near = accuracy >= accuracy.max() - 0.03
    assert depths[search.best_index_] == depths[near].min()
    assert search.best_estimator_.max_depth == depths[search.best_index_]
    front = pareto_front(search, {"accuracy": "max", "param_max_depth": "min"})
    assert search.best_index_ in front["index"]
