"""Gallery-shaped scripts with only the class name swapped.

Each script is written as scikit-learn's gallery (and skorch's README) write
it for ``GridSearchCV`` or ``RandomizedSearchCV``, as a function of the search
class; the test runs it for that class first, then for each sktune search,
and checks what a user of the script reads from the result.
"""

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.datasets import load_digits, load_iris
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
    train_test_split,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sktune import BayesSearchCV, HyperbandSearchCV, PBTSearchCV

SKTUNE = [BayesSearchCV, HyperbandSearchCV, PBTSearchCV]


@pytest.fixture(autouse=True)
def _quiet():
    # the scripts' own estimators warn (convergence); the contract is the point
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _digits(n=400):
    X, y = load_digits(return_X_y=True)
    return X[:n], y[:n]


# --------------------------------------------------------------------- scripts
def multi_metric_script(Search):
    """plot_multi_metric_evaluation: two metrics, refit on one, train scores."""
    X, y = _digits()
    scoring = {"AUC": "roc_auc_ovr", "Accuracy": make_scorer(accuracy_score)}
    gs = Search(
        RandomForestClassifier(n_estimators=9, random_state=42),
        param_grid={"min_samples_split": range(2, 103, 20)},
        scoring=scoring,
        refit="AUC",
        n_jobs=2,
        return_train_score=True,
        cv=3,
    )
    gs.fit(X, y)
    results = gs.cv_results_
    for scorer in sorted(scoring):
        for sample in ("train", "test"):
            mean = results[f"mean_{sample}_{scorer}"]
            std = results[f"std_{sample}_{scorer}"]
            assert mean.shape == std.shape == (len(results["params"]),)
        best_index = np.nonzero(results[f"rank_test_{scorer}"] == 1)[0][0]
        assert 0 <= results[f"mean_test_{scorer}"][best_index] <= 1
    return gs


def lower_bound(cv_results):
    best = np.argmax(cv_results["mean_test_score"])
    return cv_results["mean_test_score"][best] - cv_results["std_test_score"][best]


def best_low_complexity(cv_results):
    """plot_grid_search_refit_callable's rule: the fewest PCA components
    within one standard deviation of the best score."""
    threshold = lower_bound(cv_results)
    candidates = np.flatnonzero(cv_results["mean_test_score"] >= threshold)
    components = np.asarray(cv_results["param_reduce_dim__n_components"])
    return int(candidates[components[candidates].argmin()])


def refit_callable_script(Search):
    X, y = _digits()
    pipe = Pipeline(
        [
            ("reduce_dim", PCA(random_state=42)),
            ("classify", SGDClassifier(loss="hinge", max_iter=20, random_state=42)),
        ]
    )
    grid = Search(
        pipe,
        cv=3,
        n_jobs=1,
        param_grid={"reduce_dim__n_components": [6, 8, 10, 12, 14]},
        scoring="accuracy",
        refit=best_low_complexity,
    )
    grid.fit(X, y)
    results = grid.cv_results_
    assert grid.best_index_ == best_low_complexity(results)
    assert not hasattr(grid, "best_score_")
    n_components = grid.best_params_["reduce_dim__n_components"]
    assert grid.best_estimator_.named_steps["reduce_dim"].n_components_ == (
        n_components
    )
    assert results["mean_test_score"][grid.best_index_] >= lower_bound(results)
    return grid


def compare_reduction_script(Search):
    """plot_compare_reduction: a pipeline whose steps are searched choices."""
    X, y = _digits()
    pipe = Pipeline(
        [
            ("scaling", MinMaxScaler()),
            ("reduce_dim", "passthrough"),
            ("classify", SGDClassifier(max_iter=20, random_state=0)),
        ]
    )
    n_features_options = [4, 8, 16]
    alpha_options = [1e-4, 1e-2]
    param_grid = [
        {
            "reduce_dim": [PCA(iterated_power=7)],
            "reduce_dim__n_components": n_features_options,
            "classify__alpha": alpha_options,
        },
        {
            "reduce_dim": [SelectKBest(f_classif)],
            "reduce_dim__k": n_features_options,
            "classify__alpha": alpha_options,
        },
    ]
    grid = Search(pipe, n_jobs=1, param_grid=param_grid, cv=3)
    grid.fit(X, y)
    reducers = {type(p["reduce_dim"]).__name__ for p in grid.cv_results_["params"]}
    assert reducers <= {"PCA", "SelectKBest"}
    chosen = grid.best_estimator_.named_steps["reduce_dim"]
    assert type(chosen) is type(grid.best_params_["reduce_dim"])
    assert chosen is not grid.best_params_["reduce_dim"]  # a fitted clone
    assert grid.score(X, y) > 0.5
    return grid


def nested_cv_script(Search):
    """plot_nested_cross_validation_iris: the search inside cross_val_score."""
    X_iris, y_iris = load_iris(return_X_y=True)
    X_iris = StandardScaler().fit_transform(X_iris)
    p_grid = {"alpha": [1e-4, 1e-3, 1e-2, 1e-1], "penalty": ["l2", "l1"]}
    svm = SGDClassifier(loss="hinge", max_iter=20, random_state=0)
    inner_cv = KFold(n_splits=3, shuffle=True, random_state=1)
    outer_cv = KFold(n_splits=3, shuffle=True, random_state=1)
    clf = Search(estimator=svm, param_grid=p_grid, cv=inner_cv)
    clf.fit(X_iris, y_iris)
    non_nested = clf.best_score_
    nested = cross_val_score(clf, X=X_iris, y=y_iris, cv=outer_cv)
    assert nested.shape == (3,) and np.all((0 <= nested) & (nested <= 1))
    assert 0 <= non_nested <= 1
    return clf


def randomized_search_script(Search):
    """plot_randomized_search: scipy.stats distributions and n_iter."""
    X, y = _digits()
    clf = SGDClassifier(loss="hinge", penalty="elasticnet", fit_intercept=True)
    param_dist = {
        "average": [True, False],
        "l1_ratio": stats.uniform(0, 1),
        "alpha": stats.loguniform(1e-2, 1e0),
    }
    n_iter_search = 8
    random_search = Search(
        clf, param_distributions=param_dist, n_iter=n_iter_search, random_state=0
    )
    random_search.fit(X, y)
    results = random_search.cv_results_
    for i in np.flatnonzero(results["rank_test_score"] == 1):
        assert 0 <= results["mean_test_score"][i] <= 1
        assert set(results["params"][i]) >= set(param_dist)
    return random_search


SCRIPTS = [
    multi_metric_script,
    refit_callable_script,
    compare_reduction_script,
    nested_cv_script,
    randomized_search_script,
]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.__name__)
@pytest.mark.parametrize("Search", SKTUNE, ids=lambda c: c.__name__)
def test_gallery_script_runs_with_the_class_name_swapped(script, Search):
    search = script(Search)
    assert isinstance(search, Search)
    n = len(search.cv_results_["params"])
    for key, value in search.cv_results_.items():
        assert len(value) == n, key
    assert np.all(np.isfinite(search.cv_results_["mean_fit_time"]))


@pytest.mark.parametrize(
    "script", [refit_callable_script, nested_cv_script], ids=lambda s: s.__name__
)
def test_gallery_script_runs_with_scikit_learns_own_search(script):
    # the scripts themselves are right: GridSearchCV runs them as written
    script(GridSearchCV)


def test_randomized_search_script_runs_with_randomized_search_cv():
    randomized_search_script(RandomizedSearchCV)


def test_bayes_search_of_a_grid_evaluates_each_point_once_like_grid_search():
    grid = nested_cv_script(GridSearchCV)
    with pytest.warns(UserWarning, match="total space of parameters 8"):
        bayes = nested_cv_script(BayesSearchCV)
    key = [tuple(sorted(p.items())) for p in grid.cv_results_["params"]]
    assert sorted(key) == sorted(
        tuple(sorted(p.items())) for p in bayes.cv_results_["params"]
    )
    by_params = dict(zip(key, grid.cv_results_["mean_test_score"]))
    for params, score in zip(
        bayes.cv_results_["params"], bayes.cv_results_["mean_test_score"]
    ):
        assert score == pytest.approx(by_params[tuple(sorted(params.items()))])


# ---------------------------------------------------------------------- skorch
_MODULE = None


def _readme_module():
    """skorch README's module, made once at module level (PBT copies nets,
    and a class local to a test function cannot be pickled)."""
    global _MODULE
    if _MODULE is None:
        from torch import nn

        class MyModule(nn.Module):
            def __init__(self, num_units=10, nonlin=None):
                super().__init__()
                nonlin = nn.ReLU() if nonlin is None else nonlin
                self.dense0 = nn.Linear(20, num_units)
                self.nonlin = nonlin
                self.dropout = nn.Dropout(0.5)
                self.dense1 = nn.Linear(num_units, num_units)
                self.output = nn.Linear(num_units, 2)

            def forward(self, X, **kwargs):
                X = self.nonlin(self.dense0(X))
                X = self.dropout(X)
                X = self.nonlin(self.dense1(X))
                return self.output(X)

        MyModule.__qualname__ = "MyModule"
        globals()["MyModule"] = MyModule
        _MODULE = MyModule
    return _MODULE


@pytest.mark.skorch
@pytest.mark.parametrize("Search", SKTUNE, ids=lambda c: c.__name__)
def test_skorch_readme_grid_search_runs_with_the_class_name_swapped(Search):
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    from torch import nn

    torch.set_num_threads(1)
    torch.manual_seed(0)
    MyModule = _readme_module()

    from sklearn.datasets import make_classification

    X, y = make_classification(200, 20, n_informative=10, random_state=0)
    X, y = X.astype(np.float32), y.astype(np.int64)
    net = skorch.NeuralNetClassifier(
        MyModule,
        max_epochs=4,
        criterion=nn.CrossEntropyLoss(),
        lr=0.1,
        iterator_train__shuffle=True,
        train_split=None,
        verbose=0,
    )
    params = {
        "lr": [0.01, 0.1],
        "max_epochs": [2, 4],
        "module__num_units": [10, 20],
    }
    gs = Search(net, params, refit=False, cv=3, scoring="accuracy", verbose=0)
    if Search is PBTSearchCV:
        # PBT budgets the training length itself: searching it is refused,
        # clearly and before any fit, rather than silently overridden
        with pytest.raises(ValueError, match="max_epochs"):
            gs.fit(X, y)
        params.pop("max_epochs")
        gs = Search(net, params, refit=False, cv=3, scoring="accuracy", verbose=0)
    gs.fit(X, y)
    assert not hasattr(gs, "best_estimator_")
    assert 0 <= np.nanmax(gs.cv_results_["mean_test_score"]) <= 1
    if Search is not PBTSearchCV:
        # the searched training length stays searched (the budget is rows)
        assert set(gs.cv_results_["param_max_epochs"]) <= {2, 4}


# ------------------------------------------------------------- training length
@pytest.mark.skorch
def test_pbt_trains_a_skorch_net_as_long_as_its_max_epochs_says():
    pytest.importorskip("skorch")
    torch = pytest.importorskip("torch")
    from skorch import NeuralNetClassifier
    from torch import nn

    torch.set_num_threads(1)
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    net = NeuralNetClassifier(
        nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)),
        criterion=nn.CrossEntropyLoss,
        max_epochs=20,
        train_split=None,
        verbose=0,
    )
    search = PBTSearchCV(
        net, {"lr": stats.loguniform(1e-3, 1e-1)}, population_size=2, cv=2
    ).fit(X, y)
    assert search.budgets_[-1] == 20 and len(search.budgets_) == 10
    assert len(search.best_estimator_.history) == 20


ALPHA = {"alpha": stats.loguniform(1e-5, 1e-1)}


@pytest.mark.parametrize(
    "estimator, space, expected",
    [
        (SGDClassifier(max_iter=30), ALPHA, 30),  # the user's training length
        (SGDClassifier(), ALPHA, 10),  # a cap for early stopping: 10 steps of 1
        (RandomForestClassifier(n_estimators=40), {"max_depth": [2, 4]}, 40),
    ],
)
def test_pbt_budget_follows_the_estimator(estimator, space, expected):
    X, y = load_iris(return_X_y=True)
    search = PBTSearchCV(estimator, space, population_size=2, cv=2, random_state=0)
    search.fit(X, y)
    assert search.budgets_[-1] == expected
    assert len(search.budgets_) == 10
    assert np.all(np.diff(search.budgets_) > 0)
    # n_steps / step_size given: as given
    search = PBTSearchCV(estimator, space, population_size=2, n_steps=3, cv=2)
    assert search.fit(X, y).budgets_ == [1, 2, 3]


# --------------------------------------------------------------- fit parameters
@pytest.mark.parametrize("Search", [HyperbandSearchCV, PBTSearchCV])
def test_classes_fit_parameter_goes_to_partial_fit_only(Search):
    # dask-ml's idiom: fit(X, y, classes=...), classes may list unseen labels
    X, y = load_iris(return_X_y=True)
    mask = y < 2
    classes = np.array([0, 1, 2])
    search = Search(
        SGDClassifier(max_iter=9, random_state=0),
        {"alpha": stats.loguniform(1e-5, 1e-1)},
        n_iter=4,
        cv=2,
        random_state=0,
    ).fit(X[mask], y[mask], classes=classes)
    # Hyperband's refit is a plain fit (classes of y); PBT's replays the
    # schedule by partial_fit (the classes given)
    assert set(search.best_estimator_.classes_) >= {0, 1}
    assert set(search.best_estimator_.predict(X[mask])) <= {0, 1, 2}
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


@pytest.mark.parametrize("Search", [HyperbandSearchCV, PBTSearchCV])
def test_pipeline_step_fit_params_reach_the_steps(Search):
    # sample_weight routed by name to both steps of a partial_fit pipeline:
    # zero weight on class 2 means the model never predicts it
    X, y = load_iris(return_X_y=True)
    weight = np.where(y == 2, 0.0, 1.0)
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("clf", SGDClassifier(max_iter=9, random_state=0)),
        ]
    )
    search = Search(
        pipe, {"clf__alpha": [1e-4, 1e-3]}, cv=StratifiedKFold(2), random_state=0
    )
    search.fit(X, y, clf__sample_weight=weight, scale__sample_weight=weight)
    assert 2 not in search.best_estimator_.predict(X)
    scale = search.best_estimator_.named_steps["scale"]
    np.testing.assert_allclose(scale.mean_, X[y < 2].mean(axis=0))


def test_pipeline_train_test_split_roundtrip():
    X, y = _digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    search = BayesSearchCV(
        SGDClassifier(random_state=0),
        param_distributions={"alpha": stats.loguniform(1e-5, 1e-1)},
        n_iter=4,
        cv=3,
        random_state=0,
    ).fit(X_train, y_train)
    assert search.score(X_test, y_test) > 0.8
