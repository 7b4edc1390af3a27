"""sktune.plot: what each view draws (the data behind its artists), on tiny
real searches of sktune's and scikit-learn's, and how it refuses bad input."""

import sys
import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from scipy.stats import loguniform, randint  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits, load_iris  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.experimental import enable_halving_search_cv  # noqa: E402, F401
from sklearn.linear_model import SGDClassifier  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
)
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from sktune import (  # noqa: E402
    BayesSearchCV,
    Categorical,
    HyperbandSearchCV,
    PBTSearchCV,
    Real,
    lr_range_test,
    nested_cross_validate,
    pareto_front,
)
from sktune._surrogate import evaluated_points, filled, fit_forest  # noqa: E402
from sktune.plot import (  # noqa: E402
    plot_convergence,
    plot_critical_difference,
    plot_hyperband,
    plot_lr_range,
    plot_nested,
    plot_objective,
    plot_parallel_coordinates,
    plot_pareto,
    plot_pbt,
    plot_slices,
)
from sktune.stats import corrected_ttest, posthoc_friedman  # noqa: E402

SVC_SPACE = {
    "C": Real(1e-3, 1e2, log=True),
    "gamma": Real(1e-4, 1e1, log=True),
    "kernel": Categorical(["rbf", "sigmoid"]),
}
DIST_SPACE = {"C": loguniform(1e-3, 1e2), "gamma": loguniform(1e-4, 1e1)}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def iris_data():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


@pytest.fixture(scope="module")
def bayes(iris_data):
    search = BayesSearchCV(SVC(), SVC_SPACE, n_iter=10, cv=3, random_state=0)
    return search.fit(*iris_data)


@pytest.fixture(scope="module")
def random_search(iris_data):
    search = RandomizedSearchCV(SVC(), DIST_SPACE, n_iter=12, cv=3, random_state=0)
    return search.fit(*iris_data)


@pytest.fixture(scope="module")
def random_seeds(iris_data):
    return [
        RandomizedSearchCV(SVC(), DIST_SPACE, n_iter=6, cv=3, random_state=seed).fit(
            *iris_data
        )
        for seed in range(3)
    ]


@pytest.fixture(scope="module")
def multimetric():
    X, y = load_breast_cancer(return_X_y=True)
    search = GridSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [1, 2, 3, 4, 6, 8], "min_samples_leaf": [1, 20]},
        scoring=["precision", "recall"],
        refit=False,
        cv=3,
    )
    return search.fit(X, y)


@pytest.fixture(scope="module")
def hyperband(digits):
    search = HyperbandSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": Real(1e-6, 1e-1, log=True)},
        n_iter=20,
        max_resource=9,
        n_brackets="all",
        cv=3,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return search.fit(*digits)


@pytest.fixture(scope="module")
def pbt(digits):
    search = PBTSearchCV(
        SGDClassifier(learning_rate="constant", random_state=0),
        {"alpha": Real(1e-6, 1e-2, log=True), "eta0": Real(1e-3, 1.0, log=True)},
        population_size=6,
        n_steps=5,
        cv=3,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return search.fit(*digits)


@pytest.fixture(scope="module")
def posthoc():
    scores = np.random.default_rng(0).normal(size=(15, 5)) + [0, 0.3, 1, 1.3, 0.5]
    return posthoc_friedman(scores)


# --------------------------------------------------------------------------
# plot_convergence
# --------------------------------------------------------------------------


def test_plot_convergence_line_is_the_running_best_score(random_search):
    ax = plot_convergence(random_search)
    (line,) = ax.get_lines()
    scores = random_search.cv_results_["mean_test_score"]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(scores) + 1))
    np.testing.assert_array_equal(line.get_ydata(), np.maximum.accumulate(scores))
    assert line.get_drawstyle() == "steps-post"
    assert line.get_label() == "RandomizedSearchCV"
    assert ax.get_ylabel() == "best mean CV score so far"


def test_plot_convergence_time_is_the_summed_fit_and_score_time(random_search):
    ax = plot_convergence(random_search, x="time")
    results = random_search.cv_results_
    seconds = (results["mean_fit_time"] + results["mean_score_time"]) * 3
    np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), np.cumsum(seconds))
    assert "time" in ax.get_xlabel()


def test_plot_convergence_counts_only_the_largest_budget(hyperband):
    ax = plot_convergence(hyperband)
    y = ax.get_lines()[0].get_ydata()
    budgets = hyperband.cv_results_["budget"]
    first = np.flatnonzero(budgets == budgets.max())[0]
    assert np.all(np.isnan(y[:first])) and np.all(np.isfinite(y[first:]))
    assert y[-1] == hyperband.best_score_
    assert len(y) == len(budgets)  # every row takes its place on the x axis


def test_plot_convergence_seeds_draw_the_median_and_interquartile_band(random_seeds):
    ax = plot_convergence({"random": random_seeds})
    (line,) = ax.get_lines()
    curves = np.array(
        [np.maximum.accumulate(s.cv_results_["mean_test_score"]) for s in random_seeds]
    )
    np.testing.assert_allclose(line.get_ydata(), np.median(curves, axis=0))
    assert line.get_label() == "random (median of 3)"
    (band,) = ax.collections
    low, high = np.percentile(curves, [25, 75], axis=0)
    corners = band.get_paths()[0].vertices
    assert np.isclose(corners[:, 1].min(), low.min())
    assert np.isclose(corners[:, 1].max(), high.max())


def test_plot_convergence_several_searches_one_line_each(random_search, bayes):
    _, ax = plt.subplots()
    returned = plot_convergence([random_search, bayes], labels=["rs", "bo"], ax=ax)
    assert returned is ax
    assert [line.get_label() for line in ax.get_lines()] == ["rs", "bo"]
    assert ax.get_lines()[1].get_ydata()[-1] == bayes.best_score_


def test_plot_convergence_multimetric_search_needs_scoring(multimetric):
    with pytest.raises(ValueError, match="several metrics"):
        plot_convergence(multimetric)
    ax = plot_convergence(multimetric, scoring="recall")
    recall = multimetric.cv_results_["mean_test_recall"]
    np.testing.assert_array_equal(
        ax.get_lines()[0].get_ydata(), np.maximum.accumulate(recall)
    )
    assert ax.get_ylabel() == "best mean CV recall so far"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"x": "budget"}, ValueError, "The 'x' parameter must be one of"),
        ({"labels": ["one", "two"]}, ValueError, "The 'labels' parameter"),
        ({"scoring": 3}, TypeError, "The 'scoring' parameter"),
        ({"scoring": "f1"}, ValueError, "not a metric of the search"),
        ({"ax": "axes"}, TypeError, "The 'ax' parameter must be a matplotlib Axes"),
    ],
)
def test_plot_convergence_rejects_bad_arguments(random_search, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_convergence(random_search, **kwargs)


def test_plot_convergence_rejects_unfitted_searches_and_empty_input(random_search):
    with pytest.raises(TypeError, match=r"fitted search .* got SVC \(not fitted\)"):
        plot_convergence(SVC())
    with pytest.raises(ValueError, match="empty list"):
        plot_convergence([])
    with pytest.raises(ValueError, match="'labels' parameter must be None"):
        plot_convergence({"a": random_search}, labels=["a"])


def test_plot_functions_validate_before_drawing():
    before = plt.get_fignums()
    with pytest.raises(ValueError):
        plot_convergence(SVC(), x="nope")
    with pytest.raises(TypeError):
        plot_nested("not a result")
    assert plt.get_fignums() == before


# --------------------------------------------------------------------------
# plot_hyperband
# --------------------------------------------------------------------------


def test_plot_hyperband_one_line_per_configuration_through_its_rungs(hyperband):
    ax = plot_hyperband(hyperband)
    results = hyperband.cv_results_
    lines = ax.get_lines()
    assert len(lines) == np.sum(results["rung"] == 0)
    points = sorted(
        (x, y) for line in lines for x, y in zip(line.get_xdata(), line.get_ydata())
    )
    assert points == sorted(zip(results["budget"], results["mean_test_score"]))
    for line in lines:
        assert np.all(np.diff(line.get_xdata()) > 0)  # rung after rung
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "budget (max_iter)"
    assert len({line.get_color() for line in lines}) == len(set(results["bracket"]))


def test_plot_hyperband_links_a_promoted_configuration_by_its_params(hyperband):
    ax = plot_hyperband(hyperband)
    results = hyperband.cv_results_
    top = int(np.flatnonzero(results["rung"] == results["rung"].max())[0])
    alpha, bracket = results["params"][top]["alpha"], results["bracket"][top]
    rows = [
        i
        for i, p in enumerate(results["params"])
        if p["alpha"] == alpha and results["bracket"][i] == bracket
    ]
    longest = max(ax.get_lines(), key=lambda line: len(line.get_xdata()))
    np.testing.assert_array_equal(longest.get_xdata(), results["budget"][rows])
    np.testing.assert_array_equal(longest.get_ydata(), results["mean_test_score"][rows])
    (star,) = ax.collections  # the best evaluation
    assert tuple(star.get_offsets()[0]) == (
        results["budget"][hyperband.best_index_],
        hyperband.best_score_,
    )


def test_plot_hyperband_reads_scikit_learn_halving_searches(digits):
    search = HalvingRandomSearchCV(
        RandomForestClassifier(random_state=0),
        {"max_depth": randint(1, 20)},
        resource="n_estimators",
        min_resources=1,
        max_resources=9,
        factor=3,
        cv=3,
        random_state=0,
    ).fit(*digits)
    ax = plot_hyperband(search)
    results = search.cv_results_
    assert len(ax.get_lines()) == np.sum(results["iter"] == 0)
    lengths = sorted(len(line.get_xdata()) for line in ax.get_lines())
    assert lengths[-1] == results["iter"].max() + 1
    assert ax.get_xlabel() == "budget (n_estimators)"


def test_plot_hyperband_rejects_a_single_fidelity_search(random_search):
    with pytest.raises(ValueError, match="HyperbandSearchCV or a scikit-learn halving"):
        plot_hyperband(random_search)


# --------------------------------------------------------------------------
# plot_pbt
# --------------------------------------------------------------------------


def test_plot_pbt_panels_members_and_exploits(pbt):
    fig, axes = plot_pbt(pbt)
    results = pbt.cv_results_
    assert [ax.get_ylabel() for ax in axes] == ["mean CV score", "alpha", "eta0"]
    assert axes[1].get_yscale() == "log" and axes[2].get_yscale() == "log"
    score = axes[0]
    (jumps,) = score.collections
    n_exploits = int(np.sum(results["parent"] >= 0))
    assert n_exploits > 0
    assert len(jumps.get_segments()) == n_exploits
    members = [line for line in score.get_lines() if "member" in line.get_label()]
    # a member's line breaks at each exploit
    assert len(members) == pbt.population_size_ + n_exploits
    drawn = sorted(y for line in members for y in line.get_ydata())
    np.testing.assert_allclose(drawn, np.sort(results["mean_test_score"]))


def test_plot_pbt_highlights_the_winning_lineage(pbt):
    fig, axes = plot_pbt(pbt)
    lineage = [
        line for line in axes[2].get_lines() if line.get_label() == "winning lineage"
    ]
    (line,) = lineage
    schedule = [step["eta0"] for step in pbt.best_schedule_]
    np.testing.assert_allclose(line.get_ydata(), schedule)
    (scores,) = [
        line for line in axes[0].get_lines() if line.get_label() == "winning lineage"
    ]
    assert scores.get_ydata()[-1] == pbt.best_score_
    np.testing.assert_array_equal(scores.get_xdata(), np.arange(len(schedule)))


def test_plot_pbt_rejects_other_searches(hyperband):
    with pytest.raises(ValueError, match="must be a fitted PBTSearchCV"):
        plot_pbt(hyperband)


# --------------------------------------------------------------------------
# plot_nested and plot_critical_difference
# --------------------------------------------------------------------------


def test_plot_nested_scores_interval_and_optimism(iris_data):
    search = GridSearchCV(SVC(), {"C": [0.01, 0.1, 1]}, cv=3)
    result = nested_cross_validate(search, *iris_data, outer_cv=5)
    _, ax = plt.subplots()
    assert plot_nested(result, ax=ax, confidence_level=0.9) is ax
    outer, inner = (line for line in ax.get_lines() if line.get_linestyle() == "None")
    np.testing.assert_array_equal(outer.get_xdata(), np.arange(1, 6))
    np.testing.assert_array_equal(outer.get_ydata(), result.outer_scores_)
    np.testing.assert_array_equal(inner.get_ydata(), result.inner_best_scores_)
    interval = corrected_ttest(
        result.outer_scores_,
        np.zeros(5),
        n_train=np.mean(result.n_train_),
        n_test=np.mean(result.n_test_),
    ).confidence_interval(0.9)
    band = next(p for p in ax.patches if "interval" in p.get_label())
    ys = band.get_path().transformed(band.get_patch_transform()).vertices[:, 1]
    assert np.isclose(min(ys), interval.low) and np.isclose(max(ys), interval.high)
    assert f"{result.optimism_:+.3f}" in ax.get_title()
    with pytest.raises(ValueError, match="'confidence_level' parameter"):
        plot_nested(result, confidence_level=95)


def test_plot_critical_difference_places_each_name_at_its_rank(posthoc):
    names = ["a", "b", "c", "d", "e"]
    ax = plot_critical_difference(posthoc, names=names)
    starts = {line.get_label(): line.get_xdata()[0] for line in ax.get_lines()}
    assert starts == dict(zip(names, posthoc.average_ranks))
    texts = [t.get_text() for t in ax.texts]
    assert f"CD = {posthoc.critical_difference:.2f}" in texts
    assert all(any(t.startswith(f"{n} (") for t in texts) for n in names)
    bars = [
        s for c in ax.collections for s in c.get_segments() if c.get_linewidth()[0] == 3
    ]
    assert len(bars) == len([c for c in posthoc.cliques if len(c) > 1])
    scale = next(c for c in ax.collections if c.get_linewidth()[0] == 1)
    (segment,) = scale.get_segments()[:1]
    assert np.isclose(np.ptp(segment[:, 0]), posthoc.critical_difference)
    np.testing.assert_array_equal(ax.get_xticks(), np.arange(1, 6))


def test_plot_critical_difference_without_a_critical_difference():
    scores = np.random.default_rng(1).normal(size=(10, 3)) + [0, 1, 2]
    result = posthoc_friedman(scores, method="holm", control=2)
    ax = plot_critical_difference(result)
    assert not any(t.get_text().startswith("CD") for t in ax.texts)
    bold = [t.get_text() for t in ax.texts if t.get_fontweight() == "bold"]
    assert len(bold) == 1 and bold[0].startswith("model 2")


def test_plot_critical_difference_rejects_bad_input(posthoc):
    with pytest.raises(TypeError, match="must be a PosthocResult"):
        plot_critical_difference(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="list of 5 names"):
        plot_critical_difference(posthoc, names=["a", "b"])


# --------------------------------------------------------------------------
# plot_slices and plot_parallel_coordinates
# --------------------------------------------------------------------------


def test_plot_slices_one_panel_per_parameter(bayes):
    fig, axes = plot_slices(bayes)
    evaluated = evaluated_points(bayes)
    assert [ax.get_xlabel() for ax in axes] == evaluated.names
    c = axes[0].collections[0].get_offsets()
    np.testing.assert_allclose(c[:, 0], bayes.cv_results_["param_C"][evaluated.rows])
    np.testing.assert_allclose(c[:, 1], evaluated.y)
    assert axes[0].get_xscale() == "log" and axes[1].get_xscale() == "log"
    kernel = axes[2]
    assert [t.get_text() for t in kernel.get_xticklabels()] == ["rbf", "sigmoid"]
    jittered = kernel.collections[0].get_offsets()[:, 0]
    assert np.all(np.abs(jittered - np.round(jittered)) < 0.25)


def test_plot_slices_chooses_and_orders_params(bayes):
    fig, axes = plot_slices(bayes, params=["kernel", "C"])
    assert [ax.get_xlabel() for ax in axes] == ["kernel", "C"]
    with pytest.raises(ValueError, match="The 'params' parameter must name"):
        plot_slices(bayes, params=["degree"])
    with pytest.raises(TypeError, match="The 'params' parameter must be a list"):
        plot_slices(bayes, params="C")


def test_plot_parallel_coordinates_one_line_per_point_coloured_by_score(bayes):
    ax = plot_parallel_coordinates(bayes)
    lines = ax.collections[0]
    evaluated = evaluated_points(bayes)
    assert len(lines.get_segments()) == len(evaluated.y)
    np.testing.assert_array_equal(lines.get_array(), np.sort(evaluated.y))
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["C", "gamma", "kernel", "mean CV score"]
    best = lines.get_segments()[-1]  # drawn last, on top
    assert best[-1, 1] == pytest.approx(1.0)
    low, high = np.log10(1e-3), np.log10(1e2)
    C = bayes.cv_results_["param_C"][evaluated.rows[np.argmax(evaluated.y)]]
    assert best[0, 1] == pytest.approx((np.log10(C) - low) / (high - low))


def test_plot_parallel_coordinates_breaks_lines_at_inactive_parameters(iris_data):
    grid = [
        {"kernel": ["linear"], "C": [0.1, 1, 10]},
        {"kernel": ["rbf"], "gamma": [0.1, 1]},
    ]
    search = GridSearchCV(SVC(), grid, cv=3).fit(*iris_data)
    ax = plot_parallel_coordinates(search)
    segments = ax.collections[0].get_segments()
    # linear rows: C, kernel, score joined but gamma missing -> C | kernel-score
    assert len(segments) > len(search.cv_results_["params"])
    assert all(np.all(np.isfinite(s)) for s in segments)


# --------------------------------------------------------------------------
# plot_objective
# --------------------------------------------------------------------------


def test_plot_objective_forest_partial_dependence(random_search):
    fig, axes = plot_objective(random_search, n_points=8, n_samples=100, random_state=0)
    assert axes.shape == (2, 2) and not axes[0, 1].get_visible()
    evaluated = evaluated_points(random_search)
    rng = np.random.RandomState(0)
    forest = fit_forest(evaluated, random_state=rng.randint(2**31 - 1))
    grid = np.linspace(*evaluated.bounds[0], 8)
    expected = []
    for value in grid:
        X = evaluated.X.copy()
        X[:, 0] = value
        expected.append(forest.predict(filled(evaluated, X)).mean())
    line = axes[0, 0].get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), 10.0**grid)
    np.testing.assert_allclose(line.get_ydata(), expected)
    assert axes[0, 0].get_xscale() == "log"
    pair = axes[1, 0]
    assert pair.get_xscale() == "log" and pair.get_yscale() == "log"
    assert (pair.get_xlabel(), pair.get_ylabel()) == ("C", "gamma")
    points = pair.collections[-2].get_offsets()
    np.testing.assert_allclose(points[:, 0], 10.0 ** evaluated.X[:, 0])
    assert "random forest" in fig._suptitle.get_text()


def test_plot_objective_uses_the_bayes_search_own_gaussian_process(bayes):
    fig, axes = plot_objective(bayes, n_points=6, n_samples=100)
    assert "Gaussian process" in fig._suptitle.get_text()
    evaluated = evaluated_points(bayes)
    params = [bayes.cv_results_["params"][row] for row in evaluated.rows]
    line = axes[0, 0].get_lines()[0]
    expected = []
    for C in line.get_xdata():
        mean, _ = bayes.optimizer_.predict([dict(p, C=C) for p in params])
        expected.append(np.clip(mean, evaluated.y.min(), evaluated.y.max()).mean())
    np.testing.assert_allclose(line.get_ydata(), expected)
    kernel = axes[2, 2]
    assert [t.get_text() for t in kernel.get_xticklabels()] == ["rbf", "sigmoid"]
    assert kernel.get_lines()[0].get_linestyle() == "None"  # categories: points


def test_plot_objective_bayes_search_over_listed_numbers(iris_data):
    # lists of numbers are Categorical dimensions of the optimiser's space:
    # the Gaussian process is asked about those exact values
    space = {"C": [0.01, 0.1, 1, 10, 100], "gamma": [0.001, 0.01, 0.1, 1]}
    search = BayesSearchCV(SVC(), space, n_iter=10, cv=3, random_state=0)
    fig, axes = plot_objective(search.fit(*iris_data), n_points=5)
    assert "Gaussian process" in fig._suptitle.get_text()
    line = axes[0, 0].get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), space["C"])
    assert axes[0, 0].get_xscale() == "log"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_points": 1}, ValueError, "The 'n_points' parameter must be an integer"),
        ({"n_samples": 2.5}, TypeError, "The 'n_samples' parameter must be an integer"),
        ({"params": ["C", "nope"]}, ValueError, "The 'params' parameter must name"),
    ],
)
def test_plot_objective_rejects_bad_arguments(random_search, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_objective(random_search, **kwargs)


# --------------------------------------------------------------------------
# plot_pareto and plot_lr_range
# --------------------------------------------------------------------------


def test_plot_pareto_step_line_passes_through_the_front(multimetric):
    ax = plot_pareto(multimetric)
    front = pareto_front(multimetric)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), front["mean_test_precision"])
    np.testing.assert_array_equal(line.get_ydata(), front["mean_test_recall"])
    assert line.get_drawstyle() == "steps-post"
    (cloud,) = ax.collections
    assert len(cloud.get_offsets()) == len(multimetric.cv_results_["params"])
    assert ax.get_xlabel() == "mean_test_precision (max)"


def test_plot_pareto_single_metric_trades_score_against_fit_time(random_search):
    ax = plot_pareto(random_search)
    front = pareto_front(random_search, {"score": "max", "fit_time": "min"})
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), front["mean_fit_time"])
    assert ax.get_ylabel() == "mean_fit_time (min)"
    with pytest.raises(ValueError, match="exactly two objectives"):
        plot_pareto(random_search, ["score", "fit_time", "score_time"])


def test_plot_lr_range_curve_suggestion_and_range(digits):
    net = MLPClassifier(hidden_layer_sizes=(8,), solver="sgd", random_state=0)
    result = lr_range_test(net, *digits, min_lr=1e-4, num_iter=30, random_state=0)
    _, ax = plt.subplots()
    assert plot_lr_range(result, ax=ax) is ax
    raw, smoothed, marker, _ = ax.get_lines()
    np.testing.assert_array_equal(raw.get_xdata(), result.learning_rates)
    np.testing.assert_array_equal(smoothed.get_ydata(), result.smoothed_losses)
    assert marker.get_xdata()[0] == result.suggested_lr
    (span,) = ax.patches
    xs = span.get_path().transformed(span.get_patch_transform()).vertices[:, 0]
    assert np.isclose(min(xs), result.suggested_range[0])
    assert np.isclose(max(xs), result.suggested_range[1])
    assert ax.get_xscale() == "log"
    with pytest.raises(TypeError, match="must be an LRRangeResult"):
        plot_lr_range({"learning_rates": [1, 2]})


# --------------------------------------------------------------------------
# matplotlib is optional
# --------------------------------------------------------------------------


def test_missing_matplotlib_names_the_extra_to_install(random_search, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "sktune\[plot\]"'):
        plot_convergence(random_search)
