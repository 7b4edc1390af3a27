"""fANOVA importance and Sobol' indices (sktune.importance, sktune._surrogate).

Sobol' indices are checked against the analytic values of the Ishigami and
g-functions; fANOVA against functions whose variance shares are known, and
against a brute-force Sobol' estimate of the same tree; both on real searches
of every kind (sktune's and scikit-learn's, conditional spaces included) and
against Optuna's fANOVA.
"""

import warnings

import numpy as np
import pytest
from scipy.stats import loguniform, randint, spearmanr, uniform
from sklearn.datasets import load_breast_cancer, load_digits, load_iris
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import (
    GridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sktune import HyperbandSearchCV
from sktune._surrogate import evaluated_points, fit_forest
from sktune.importance import (
    _domains,
    _tree_variances,
    fanova_importance,
    sobol_indices,
)

# --------------------------------------------------------------- analytic


def ishigami(x, a=7.0, b=0.1):
    return (
        np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])
    )


def ishigami_indices(a=7.0, b=0.1):
    """Analytic S1 and ST of the Ishigami function on [-pi, pi]^3."""
    pi = np.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0]) / v, np.array([v1 + v13, v2, v13]) / v


G_A = np.array([0.0, 1.0, 4.5, 9.0, 99.0, 99.0])


def g_function(x):
    return np.prod((np.abs(4 * x - 2) + G_A) / (1 + G_A), axis=1)


def g_indices():
    """Analytic S1 and ST of Sobol's g-function on [0, 1]^6."""
    vi = 1 / (3 * (1 + G_A) ** 2)
    v = np.prod(1 + vi) - 1
    return vi / v, vi * np.prod(1 + vi) / (1 + vi) / v


def by_name(names, values):
    """Values in the order x0, x1, ... from a result sorted by importance."""
    lookup = dict(zip(names, values))
    return np.array([lookup[f"x{j}"] for j in range(len(names))])


def test_ishigami_analytic_values():
    s1, st = ishigami_indices()
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(st, [0.5576, 0.4424, 0.2437], atol=1e-4)


def test_sobol_indices_ishigami():
    result = sobol_indices(
        ishigami, [(-np.pi, np.pi)] * 3, n_samples=2**13, random_state=0
    )
    s1, st = ishigami_indices()
    first = by_name(result.names, result.first_order)
    total = by_name(result.names, result.total)
    np.testing.assert_allclose(first, s1, atol=0.03)
    np.testing.assert_allclose(total, st, atol=0.02)
    assert result.names == ["x0", "x1", "x2"]  # largest total index first
    assert result.n_samples == 2**13


@pytest.mark.parametrize(
    "func, bounds, indices",
    [
        (ishigami, [(-np.pi, np.pi)] * 3, ishigami_indices()),
        (g_function, [(0, 1)] * 6, g_indices()),
    ],
    ids=["ishigami", "g-function"],
)
def test_sobol_intervals_cover_analytic_values(func, bounds, indices):
    # 95% intervals over 20 independent scramblings: each index covered at
    # least 15 times (P < 0.001 at the nominal level), 90% of all overall
    s1, st = indices
    covered = []
    for seed in range(20):
        result = sobol_indices(func, bounds, n_samples=512, random_state=seed)
        first = by_name(result.names, result.first_order_interval)
        total = by_name(result.names, result.total_interval)
        covered.append(
            np.r_[
                (first[:, 0] <= s1) & (s1 <= first[:, 1]),
                (total[:, 0] <= st) & (st <= total[:, 1]),
            ]
        )
    assert np.all(np.sum(covered, axis=0) >= 15)
    assert np.mean(covered) >= 0.9


def test_sobol_indices_g_function():
    result = sobol_indices(g_function, [(0, 1)] * 6, n_samples=2**13, random_state=0)
    s1, st = g_indices()
    first = by_name(result.names, result.first_order)
    total = by_name(result.names, result.total)
    np.testing.assert_allclose(first, s1, atol=0.03)
    np.testing.assert_allclose(total, st, atol=0.02, rtol=0.05)
    for values, interval in (
        (s1, by_name(result.names, result.first_order_interval)),
        (st, by_name(result.names, result.total_interval)),
    ):
        assert np.all(interval[:, 0] <= values) and np.all(values <= interval[:, 1])


def test_sobol_indices_names_and_repr():
    result = sobol_indices(
        lambda x: x[:, 1], [(0, 1), (0, 2)], names=["a", "b"], random_state=0
    )
    assert result.names == ["b", "a"]
    np.testing.assert_allclose(result.first_order, [1, 0], atol=1e-6)
    assert "S1" in repr(result) and "b" in repr(result)


def test_sobol_indices_constant_function_is_all_zero():
    result = sobol_indices(lambda x: np.ones(len(x)), [(0, 1)] * 2, random_state=0)
    assert np.all(result.first_order == 0) and np.all(result.total == 0)


def test_sobol_indices_reproducible():
    a = sobol_indices(ishigami, [(-np.pi, np.pi)] * 3, n_samples=256, random_state=3)
    b = sobol_indices(ishigami, [(-np.pi, np.pi)] * 3, n_samples=256, random_state=3)
    np.testing.assert_array_equal(a.total, b.total)
    np.testing.assert_array_equal(a.first_order_interval, b.first_order_interval)


# ------------------------------------------------------- fANOVA, known shares


def results_from(f, n=300, d=3, low=0.0, high=1.0, seed=0):
    """A cv_results_ dict of ``n`` uniform points scored by ``f``."""
    x = np.random.RandomState(seed).uniform(low, high, size=(n, d))
    results = {f"param_x{j}": np.ma.masked_array(x[:, j]) for j in range(d)}
    results["mean_test_score"] = f(x)
    return results


def test_fanova_additive_function_recovers_variance_shares():
    # Var(3 x0) = 9/12, Var(x1) = 1/12: shares 0.9, 0.1, 0.
    result = fanova_importance(
        results_from(lambda x: 3 * x[:, 0] + x[:, 1]), random_state=0
    )
    assert result.names == ["x0", "x1", "x2"]
    np.testing.assert_allclose(result.importances, [0.9, 0.1, 0.0], atol=0.04)
    assert np.all(result.std >= 0) and result.n_trees == 64


def test_fanova_detects_an_interaction():
    # x0 * x1 on [-1, 1]^2 is a pure interaction: no main effect at all.
    results = results_from(lambda x: x[:, 0] * x[:, 1], n=400, low=-1, high=1)
    result = fanova_importance(results, pairs=True, random_state=0)
    assert result.pairs[0] == ("x0", "x1")
    assert result.pair_importances[0] > 0.6
    assert np.all(result.pair_importances[1:] < 0.05)
    assert np.all(result.importances < 0.2)
    assert "x0 x x1" in repr(result)


def test_fanova_main_effects_and_pairs_add_up_to_at_most_one():
    results = results_from(lambda x: x[:, 0] + 2 * x[:, 1] * x[:, 2], n=200)
    result = fanova_importance(results, pairs=True, random_state=0)
    explained = result.importances.sum() + result.pair_importances.sum()
    assert 0.8 < explained <= 1 + 1e-9  # three-way effects are what is left


def test_fanova_tree_decomposition_matches_sobol_of_the_tree():
    # Two independent computations of a tree's main effects: exact over its
    # leaves, and the quasi-Monte Carlo estimate of its first-order indices.
    results = results_from(lambda x: x[:, 0] + np.sin(6 * x[:, 1]) * x[:, 2], n=150)
    evaluated = evaluated_points(results)
    tree = fit_forest(evaluated, n_estimators=1, random_state=0).estimators_[0]
    total, main, inter = _tree_variances(tree, _domains(evaluated), [(1, 2)])
    sobol = sobol_indices(
        tree.predict, evaluated.bounds, n_samples=2**13, random_state=0
    )
    np.testing.assert_allclose(
        main / total, by_name(sobol.names, sobol.first_order), atol=0.02
    )
    assert inter[0] / total > 0.05


def test_fanova_constant_scores_give_zero_importance():
    results = results_from(lambda x: np.zeros(len(x)))
    result = fanova_importance(results, random_state=0)
    assert np.all(result.importances == 0) and result.n_trees == 0


def test_sobol_indices_of_a_search_agree_with_fanova_on_an_additive_function():
    results = results_from(lambda x: 3 * x[:, 0] + x[:, 1])
    result = sobol_indices(results, n_samples=1024, random_state=0)
    np.testing.assert_allclose(
        by_name(result.names, result.first_order), [0.9, 0.1, 0.0], atol=0.05
    )
    np.testing.assert_allclose(
        by_name(result.names, result.total), [0.9, 0.1, 0.0], atol=0.05
    )
    assert result.metric == "score"


# ------------------------------------------------------ evaluated_points


def test_evaluated_points_infers_kinds_without_a_space():
    results = {
        "param_lr": np.ma.masked_array([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 3e-3]),
        "param_depth": np.ma.masked_array([1, 2, 3, 4, 5, 6], dtype=object),
        "param_frac": np.ma.masked_array([0.1, 0.5, 0.3, 0.9, 0.7, 0.2]),
        "param_mode": np.ma.masked_array(["a", "b", "a", "b", "a", "b"], dtype=object),
        "param_cap": np.ma.masked_array([None, 5, 10, None, 5, 10], dtype=object),
        "param_flag": np.ma.masked_array([True, False] * 3, dtype=object),
        "param_fixed": np.ma.masked_array([7] * 6),
        "mean_test_score": np.arange(6.0),
    }
    points = evaluated_points(results)
    assert points.names == ["lr", "depth", "frac", "mode", "cap", "flag"]
    assert points.kinds == ["log", "int", "real", "cat", "cat", "cat"]
    np.testing.assert_allclose(points.X[:, 0], np.log10(results["param_lr"]))
    assert points.bounds[0] == (-4.0, 0.0) and points.bounds[1] == (1.0, 6.0)
    assert points.categories["cap"] == [None, 5, 10]
    assert points.categories["flag"] == [True, False]
    np.testing.assert_array_equal(points.X[:, 4], [0, 1, 2, 0, 1, 2])
    assert points.metric == "score" and points.grids == {}


def test_evaluated_points_keeps_a_grid_numeric():
    X, y = load_iris(return_X_y=True)
    grid = {"C": [0.1, 1.0, 10.0], "gamma": [0.01, 0.1], "shrinking": [True, False]}
    search = GridSearchCV(SVC(), grid, cv=3).fit(X, y)
    points = evaluated_points(search)
    assert points.kinds == ["log", "real", "cat"]
    np.testing.assert_allclose(points.grids["C"], [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(points.grids["gamma"], [0.01, 0.1])
    result = fanova_importance(search, random_state=0)
    assert np.all(np.isfinite(result.importances))
    assert sobol_indices(search, n_samples=256, random_state=0).names


def test_evaluated_points_reads_the_space_and_masks_inactive_parameters():
    X, y = load_iris(return_X_y=True)
    space = [
        {"kernel": ["linear"], "C": loguniform(1e-2, 1e2)},
        {
            "kernel": ["rbf"],
            "C": loguniform(1e-2, 1e2),
            "gamma": loguniform(1e-4, 1e1),
            "cache_size": randint(100, 400),
        },
    ]
    search = RandomizedSearchCV(SVC(), space, n_iter=30, cv=3, random_state=0)
    points = evaluated_points(search.fit(X, y))
    assert points.names == ["kernel", "C", "gamma", "cache_size"]
    assert points.kinds == ["cat", "log", "log", "int"]
    assert points.bounds[1] == (-2.0, 2.0) and points.bounds[2] == (-4.0, 1.0)
    assert points.bounds[3] == (100.0, 399.0)
    linear = points.X[:, 0] == points.categories["kernel"].index("linear")
    assert 0 < linear.sum() < len(linear)
    assert np.all(np.isnan(points.X[linear, 2])) and np.all(
        np.isnan(points.X[linear, 3])
    )
    assert not np.isnan(points.X[~linear]).any()
    C = np.array([search.cv_results_["params"][row]["C"] for row in points.rows])
    np.testing.assert_allclose(points.X[:, 1], np.log10(C))
    assert points.decode(1, points.X[:2, 1]) == pytest.approx(list(C[:2]))


def test_fanova_and_sobol_on_a_conditional_space():
    X, y = load_iris(return_X_y=True)
    space = [
        {"kernel": ["linear"], "C": loguniform(1e-3, 1e2)},
        {"kernel": ["rbf"], "C": loguniform(1e-3, 1e2), "gamma": loguniform(1e-4, 1e2)},
    ]
    search = RandomizedSearchCV(SVC(), space, n_iter=40, cv=3, random_state=0)
    search.fit(X, y)
    result = fanova_importance(search, pairs=True, random_state=0)
    assert set(result.names) == {"kernel", "C", "gamma"}
    assert np.all(np.isfinite(result.importances)) and np.all(result.importances >= 0)
    assert result.importances.sum() + result.pair_importances.sum() <= 1 + 1e-9
    assert result.names[0] in ("C", "gamma")  # a small C or a huge gamma fails
    sobol = sobol_indices(search, n_samples=512, random_state=0)
    assert np.all(np.isfinite(sobol.first_order)) and np.all(np.isfinite(sobol.total))


def test_evaluated_points_of_a_multi_fidelity_search_use_one_budget():
    scores = np.r_[np.linspace(0, 1, 9), [0.5, 0.6, 0.7]]
    results = {
        "param_x": np.ma.masked_array(np.r_[np.linspace(0, 1, 9), [0.1, 0.2, 0.3]]),
        "budget": np.r_[[1] * 9, [3] * 3],
        "mean_test_score": scores,
    }
    # three points at the largest budget are too few: the budget with enough
    np.testing.assert_array_equal(evaluated_points(results).rows, np.arange(9))
    results["budget"] = np.r_[[1] * 3, [3] * 9]
    np.testing.assert_array_equal(evaluated_points(results).rows, np.arange(3, 12))


def test_fanova_on_a_hyperband_search():
    X, y = load_breast_cancer(return_X_y=True)
    space = {
        "sgdclassifier__alpha": loguniform(1e-6, 1e1),
        "sgdclassifier__penalty": ["l2", "l1"],
    }
    search = HyperbandSearchCV(
        make_pipeline(StandardScaler(), SGDClassifier(random_state=0)),
        space,
        resource="sgdclassifier__max_iter",
        max_resource=9,
        cv=3,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SGD's ConvergenceWarning
        search.fit(X, y)
    points = evaluated_points(search)
    budgets = search.cv_results_["budget"][points.rows]
    assert len(set(budgets)) == 1 and len(points.rows) >= 6
    assert points.names == list(space)  # the resource is not a searched parameter
    result = fanova_importance(search, random_state=0)
    assert result.names[0] == "sgdclassifier__alpha"


def test_fanova_on_a_halving_search():
    X, y = load_iris(return_X_y=True)
    search = HalvingRandomSearchCV(
        SVC(),
        {"C": loguniform(1e-3, 1e2), "gamma": loguniform(1e-4, 1e1)},
        n_candidates=30,
        factor=3,
        cv=3,
        random_state=0,
    ).fit(X, y)
    points = evaluated_points(search)
    assert len(set(search.cv_results_["n_resources"][points.rows])) == 1
    result = fanova_importance(search, random_state=0)
    assert np.all(np.isfinite(result.importances))


# ----------------------------------------------------------- real searches


@pytest.fixture(scope="module")
def svc_search():
    """SVC on digits: gamma and C matter, cache_size cannot."""
    X, y = load_digits(return_X_y=True)
    space = {
        "C": loguniform(1e-2, 1e3),
        "gamma": loguniform(1e-5, 1e0),
        "cache_size": uniform(100, 400),
    }
    search = RandomizedSearchCV(SVC(), space, n_iter=40, cv=3, random_state=0)
    return search.fit(X[:300], y[:300])


def test_fanova_ranks_an_irrelevant_parameter_last(svc_search):
    result = fanova_importance(svc_search, random_state=0)
    assert result.names[-1] == "cache_size"
    assert result.importances[-1] < 0.05
    assert result.names[0] == "gamma"


def test_sobol_ranks_an_irrelevant_parameter_last(svc_search):
    result = sobol_indices(svc_search, n_samples=1024, random_state=0)
    assert result.names[-1] == "cache_size"
    assert result.total[-1] < 0.05
    assert np.all(result.total >= result.first_order - 0.05)


def test_fanova_reproducible(svc_search):
    a = fanova_importance(svc_search, random_state=5, pairs=True)
    b = fanova_importance(svc_search, random_state=5, pairs=True)
    np.testing.assert_array_equal(a.importances, b.importances)
    np.testing.assert_array_equal(a.pair_std, b.pair_std)


def test_fanova_picks_the_metric_of_a_multi_metric_search():
    X, y = load_iris(return_X_y=True)
    search = RandomizedSearchCV(
        SVC(),
        {"C": loguniform(1e-3, 1e2), "gamma": loguniform(1e-4, 1e1)},
        n_iter=12,
        cv=3,
        scoring=["accuracy", "f1_macro"],
        refit="f1_macro",
        random_state=0,
    ).fit(X, y)
    assert fanova_importance(search, random_state=0).metric == "f1_macro"
    assert fanova_importance(search, scoring="accuracy").metric == "accuracy"
    with pytest.raises(ValueError, match="'scoring'"):
        fanova_importance(search, scoring="recall")
    with pytest.raises(ValueError, match="'scoring'"):
        sobol_indices(search.cv_results_, scoring="recall")
    with pytest.raises(ValueError, match="several metrics"):
        evaluated_points(search.cv_results_)


def optuna_fanova(points, seed):
    """Optuna's fANOVA importances of ``points``, in their encoded units."""
    optuna = pytest.importorskip("optuna")
    from optuna.distributions import CategoricalDistribution, FloatDistribution

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    distributions = {
        name: CategoricalDistribution(list(range(len(points.categories[name]))))
        if kind == "cat"
        else FloatDistribution(*bounds)
        for name, kind, bounds in zip(points.names, points.kinds, points.bounds)
    }
    study = optuna.create_study(direction="maximize")
    for x, score in zip(points.X, points.y):
        params = {
            name: int(v) if kind == "cat" else float(v)
            for name, kind, v in zip(points.names, points.kinds, x)
        }
        study.add_trial(
            optuna.trial.create_trial(
                params=params, distributions=distributions, value=float(score)
            )
        )
    evaluator = optuna.importance.FanovaImportanceEvaluator(seed=seed)
    found = optuna.importance.get_param_importances(study, evaluator=evaluator)
    return np.array([found[name] for name in points.names])


@pytest.mark.slow
def test_fanova_ranking_agrees_with_optuna():
    pytest.importorskip("optuna")
    X, y = load_digits(return_X_y=True)
    space = {
        "C": loguniform(1e-2, 1e3),
        "gamma": loguniform(1e-5, 1e0),
        "tol": loguniform(1e-5, 1e-1),
        "cache_size": uniform(100, 400),
        "shrinking": [True, False],
        "class_weight": [None, "balanced"],
    }
    search = RandomizedSearchCV(SVC(), space, n_iter=40, cv=3, random_state=0)
    points = evaluated_points(search.fit(X[:300], y[:300]))
    result = fanova_importance(points, random_state=0)
    ours = np.array(
        [dict(zip(result.names, result.importances))[n] for n in points.names]
    )
    theirs = optuna_fanova(points, seed=0)
    assert spearmanr(ours, theirs).statistic >= 0.8
    # Optuna's are normalised to add to one; ours are shares of the total
    np.testing.assert_allclose(ours / ours.sum(), theirs, atol=0.1)


# -------------------------------------------------------------- bad input


def test_unfitted_search_raises():
    search = RandomizedSearchCV(SVC(), {"C": loguniform(1e-3, 1e2)})
    with pytest.raises(ValueError, match="'search' parameter must be a fitted"):
        fanova_importance(search)
    with pytest.raises(ValueError, match="'search' parameter must be a fitted"):
        sobol_indices(search)


def test_too_few_finite_scores_raise():
    results = {
        "param_x": np.ma.masked_array([0.1, 0.2, 0.3, 0.4]),
        "mean_test_score": np.array([0.5, np.nan, 0.7, np.inf]),
    }
    with pytest.raises(ValueError, match="'search' parameter must have at least 3"):
        fanova_importance(results)


def test_no_varying_parameter_raises():
    results = {"param_x": np.ma.masked_array([1, 1, 1]), "mean_test_score": np.ones(3)}
    with pytest.raises(ValueError, match="'search' parameter has no hyperparameter"):
        fanova_importance(results)


@pytest.mark.parametrize("n_samples", [0, -8])
def test_sobol_n_samples_not_positive_raises(n_samples):
    with pytest.raises(
        ValueError, match="'n_samples' parameter must be an integer >= 1"
    ):
        sobol_indices(ishigami, [(-np.pi, np.pi)] * 3, n_samples=n_samples)


@pytest.mark.parametrize("n_samples", [2.5, "1024", True])
def test_sobol_n_samples_not_an_int_raises(n_samples):
    with pytest.raises(
        TypeError, match="'n_samples' parameter must be an integer >= 1"
    ):
        sobol_indices(ishigami, [(-np.pi, np.pi)] * 3, n_samples=n_samples)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"bounds": None}, "'bounds'"),
        ({"bounds": [(1, 0)]}, "'bounds'"),
        ({"bounds": [(0, np.inf)]}, "'bounds'"),
        ({"bounds": [0, 1]}, "'bounds'"),
        ({"bounds": [(0, 1)], "names": ["a", "b"]}, "'names'"),
        ({"bounds": [(0, 1)], "confidence_level": 1.5}, "'confidence_level'"),
        ({"bounds": [(0, 1)], "n_bootstrap": 0}, "'n_bootstrap'"),
    ],
)
def test_sobol_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sobol_indices(lambda x: x[:, 0], **kwargs)


def test_sobol_bad_function_output_raises():
    with pytest.raises(ValueError, match="returned shape"):
        sobol_indices(lambda x: x, [(0, 1)] * 2, n_samples=8)
    with pytest.raises(ValueError, match="NaN"):
        sobol_indices(
            lambda x: np.where(x[:, 0] > 0.5, np.inf, 0.0), [(0, 1)], n_samples=8
        )


def test_sobol_bounds_with_a_search_raise():
    with pytest.raises(ValueError, match="'bounds' and 'names'"):
        sobol_indices(results_from(lambda x: x[:, 0]), [(0, 1)] * 3)


def test_sobol_neither_function_nor_search_raises():
    with pytest.raises(ValueError, match="'func_or_search'"):
        sobol_indices(42)


def test_fanova_bad_arguments_raise():
    results = results_from(lambda x: x[:, 0])
    with pytest.raises(ValueError, match="'n_estimators'"):
        fanova_importance(results, n_estimators=0)
    with pytest.raises(TypeError, match="'pairs'"):
        fanova_importance(results, pairs="yes")
