"""The peers' search test suites, ported onto sktune.

What a user of a peer's search relies on, checked on sktune's searches:

- scikit-optimize ``skopt/tests/test_searchcv.py`` (``BayesSearchCV``) ->
  ``test_skopt_*``, on :class:`sktune.BayesSearchCV` (and the other searches where
  the point is general);
- dask-ml ``tests/model_selection/test_hyperband.py``, ``test_successive_halving.py``
  and ``test_incremental.py`` -> ``test_dask_*``, on :class:`sktune.HyperbandSearchCV`
  with numpy arrays and ``partial_fit`` estimators instead of dask arrays;
- optuna-integration ``tests/sklearn/test_sklearn.py`` (``OptunaSearchCV``) ->
  ``test_optuna_*``, on all three searches where the point applies;
- ``test_target_*``: what those users additionally rely on when they switch (their
  spaces, their keyword for the space, ``n_iter``).

The peers' internals (their optimiser objects, dask arrays and clusters, Optuna
studies, logging formats, plateau ``patience``) are not ported; docs/ lists them
under "differences from the peers".
"""

import numbers
import warnings

import numpy as np
import pytest
from scipy.stats import randint, rankdata, uniform
from sklearn.base import BaseEstimator, ClassifierMixin, clone, is_classifier
from sklearn.cluster import MiniBatchKMeans
from sklearn.datasets import load_iris, make_blobs, make_classification, make_regression
from sklearn.decomposition import PCA
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
)
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import KFold, train_test_split
from sklearn.neighbors import KernelDensity, KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier

from sktune import (
    BayesSearchCV,
    Categorical,
    HyperbandSearchCV,
    Integer,
    PBTSearchCV,
    Real,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SEARCHES = ["bayes", "hyperband", "pbt"]


# ----------------------------------------------------------------- helpers
def _make(kind, estimator, space, **kwargs):
    """A small search of ``kind`` with the space given positionally."""
    if kind == "bayes":
        defaults = {"n_iter": 6, "n_initial_points": 3}
        cls = BayesSearchCV
    elif kind == "hyperband":
        defaults = {}
        cls = HyperbandSearchCV
    elif kind == "pbt":
        # n_iter is PBT's population size: never give both.
        defaults = {} if "n_iter" in kwargs else {"population_size": 4}
        defaults["n_steps"] = 3
        cls = PBTSearchCV
    else:
        raise AssertionError(kind)
    options = {"cv": 3, "random_state": 0, **defaults, **kwargs}
    return cls(estimator, space, **options)


def _sgd(**kwargs):
    """A continuing classifier every search can tune (max_iter is the budget)."""
    options = {"max_iter": 3, "tol": None, "random_state": 0, **kwargs}
    return SGDClassifier(**options)


def _iris():
    return load_iris(return_X_y=True)


def _blobs(n_samples=30):
    return make_blobs(n_samples=n_samples, centers=3, random_state=0)


def _first_configurations(search, kind):
    """The configurations a search started from (without the resource parameter).

    Bayes: every row; Hyperband: the rows of each bracket's first rung; PBT: the
    rows of the first step.
    """
    results = search.cv_results_
    if kind == "bayes":
        rows = range(len(results["params"]))
    elif kind == "hyperband":
        rows = np.flatnonzero(np.asarray(results["rung"]) == 0)
    else:
        rows = np.flatnonzero(np.asarray(results["step"]) == 0)
    resource = getattr(search, "resource_", None)
    return [
        {k: v for k, v in results["params"][i].items() if k != resource} for i in rows
    ]


def _hyperparameters(params, search):
    resource = getattr(search, "resource_", None)
    return {k: v for k, v in params.items() if k != resource}


def _user_warnings(record):
    """Warnings a search itself raised: UserWarnings that are not sklearn's
    ConvergenceWarning (also a UserWarning)."""
    return [
        w
        for w in record
        if issubclass(w.category, UserWarning)
        and not issubclass(w.category, ConvergenceWarning)
    ]


class ConstantFunction(BaseEstimator):
    """dask-ml's ConstantFunction: scores ``value`` whatever the data.

    It has ``max_iter`` and ``partial_fit``, so the Hyperband/PBT budget is
    ``max_iter`` passes.
    """

    def __init__(self, value=0.0, max_iter=9):
        self.value = value
        self.max_iter = max_iter

    def partial_fit(self, X, y=None, **kwargs):
        self.n_passes_ = getattr(self, "n_passes_", 0) + 1
        return self

    def fit(self, X, y=None, **kwargs):
        self.n_passes_ = self.max_iter
        return self

    def score(self, X, y=None):
        return self.value


class TypeCheckEstimator(ClassifierMixin, BaseEstimator):
    """skopt's type check: every parameter set on it is a plain Python value."""

    def __init__(self, float_param=0.0, int_param=0, str_param="", max_iter=3):
        self.float_param = float_param
        self.int_param = int_param
        self.str_param = str_param
        self.max_iter = max_iter

    def _check(self):
        assert type(self.float_param) is float, type(self.float_param)
        assert type(self.int_param) is int, type(self.int_param)
        assert type(self.str_param) is str, type(self.str_param)

    def fit(self, X, y):
        self._check()
        self.classes_ = np.unique(y)
        return self

    def partial_fit(self, X, y, classes=None):
        self._check()
        self.classes_ = np.unique(y) if classes is None else np.asarray(classes)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y):
        return self.float_param + self.int_param / 100.0


class Recorder(ClassifierMixin, BaseEstimator):
    """Records the values set on it (its score ignores them)."""

    def __init__(self, a=1.0, b=1, c="x", d=1.0, e=1, max_iter=9):
        self.a, self.b, self.c, self.d, self.e = a, b, c, d, e
        self.max_iter = max_iter

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def partial_fit(self, X, y, classes=None):
        self.classes_ = np.unique(y) if classes is None else np.asarray(classes)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y):
        return 0.5


# ========================================================== scikit-optimize
@pytest.mark.parametrize(
    "space, error",
    [
        ({"C": "1 ... 100.0"}, (TypeError, ValueError)),
        (["C", (1.0, 1)], TypeError),
    ],
)
def test_skopt_invalid_spaces_raise(space, error):
    X, y = _iris()
    search = BayesSearchCV(SVC(), space)  # sklearn style: nothing checked here
    with pytest.raises(error):
        search.fit(X, y)


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("n_points", [1, 3])
def test_skopt_searchcv_runs(n_jobs, n_points):
    # skopt's spelling of a log scale, prior="log-uniform", on sktune's dimensions
    X, y = _iris()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=0.75, random_state=0
    )
    search = BayesSearchCV(
        SVC(),
        {
            "C": Real(1e-3, 1e3, prior="log-uniform"),
            "gamma": Real(1e-4, 1e0, prior="log-uniform"),
            "degree": Integer(1, 3),
            "kernel": Categorical(["linear", "poly", "rbf"]),
        },
        n_jobs=n_jobs,
        n_iter=11,
        n_points=n_points,
        cv=3,
        random_state=0,
    )
    search.fit(X_train, y_train)
    assert len(search.cv_results_["params"]) == 11
    assert search.score(X_test, y_test) > 0.9


def test_skopt_parallel_search_is_the_same_search():
    X, y = make_classification(
        n_samples=200, n_features=8, n_informative=6, n_redundant=0, random_state=1
    )
    space = {
        "C": Real(1e-3, 1e3, prior="log-uniform"),
        "gamma": Real(1e-3, 1e1, prior="log-uniform"),
    }
    runs = [
        BayesSearchCV(SVC(), space, n_iter=8, cv=3, n_jobs=n_jobs, random_state=42).fit(
            X, y
        )
        for n_jobs in (1, 1, 2)
    ]
    for other in runs[1:]:
        assert other.cv_results_["params"] == runs[0].cv_results_["params"]
        assert other.score(X, y) == runs[0].score(X, y)


def _model_subspaces():
    lin = {
        "model": Categorical([LinearSVC()]),
        "model__C": Real(1e-2, 1e2, prior="log-uniform"),
    }
    dtc = {
        "model": Categorical([DecisionTreeClassifier()]),
        "model__max_depth": Integer(1, 32),
        "model__min_samples_split": Real(1e-3, 1.0, prior="log-uniform"),
    }
    svc = {
        "model": Categorical([SVC()]),
        "model__C": Real(1e-2, 1e2, prior="log-uniform"),
        "model__gamma": Real(1e-3, 1e1, prior="log-uniform"),
        "model__degree": Integer(1, 3),
        "model__kernel": Categorical(["linear", "poly", "rbf"]),
    }
    return lin, dtc, svc


def test_skopt_runs_multiple_subspaces():
    X, y = _iris()
    lin, dtc, svc = _model_subspaces()
    search = BayesSearchCV(
        Pipeline([("model", SVC())]),
        [lin, dtc, svc],
        n_iter=6,
        n_initial_points=3,
        cv=3,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    # n_iter counts candidates over all subspaces (skopt: per subspace)
    assert len(results["params"]) == 6
    # every subspace explored, each row holding only its own subspace's names
    assert set(results["subspace"]) == {0, 1, 2}
    kinds = {0: LinearSVC, 1: DecisionTreeClassifier, 2: SVC}
    for params, s in zip(results["params"], results["subspace"]):
        assert set(params) == set([lin, dtc, svc][s])
        assert isinstance(params["model"], kinds[s])
    best_model = search.best_estimator_.named_steps["model"]
    assert isinstance(best_model, type(search.best_params_["model"]))


def test_skopt_clone_get_params_set_params():
    X, y = _iris()
    lin, dtc, svc = _model_subspaces()
    search = BayesSearchCV(
        Pipeline([("model", SVC())]),
        [lin, svc],
        n_iter=3,
        n_initial_points=2,
        cv=3,
        random_state=0,
    )
    copy = clone(search)
    params, copy_params = search.get_params(), copy.get_params()
    assert params.keys() == copy_params.keys()
    for key in params:
        assert isinstance(copy_params[key], type(params[key]))

    search.set_params(search_spaces=[dtc])
    search.fit(X, y)
    copy.fit(X, y)
    assert len(search.cv_results_["params"]) == 3
    assert all(
        isinstance(p["model"], DecisionTreeClassifier)
        for p in search.cv_results_["params"]
    )
    assert {type(p["model"]) for p in copy.cv_results_["params"]} <= {LinearSVC, SVC}


def _svc_space():
    return {
        "C": Real(1e-3, 1e3, prior="log-uniform"),
        "gamma": Real(1e-4, 1e0, prior="log-uniform"),
        "degree": Integer(1, 3),
        "kernel": Categorical(["linear", "poly", "rbf"]),
    }


def test_skopt_reproducibility_and_optimizer_view():
    X, y = _iris()
    search = BayesSearchCV(
        SVC(random_state=0), _svc_space(), n_iter=8, cv=3, random_state=42
    ).fit(X, y)
    again = clone(search).fit(X, y)
    assert again.best_params_ == search.best_params_
    for name, value in search.best_params_.items():
        assert getattr(search.best_estimator_, name) == value
        assert getattr(again.best_estimator_, name) == value
    # skopt's optimizer_results_[0].x: sktune's optimiser saw the same best point
    optimizer = search.optimizer_
    assert len(optimizer.points) == 8
    assert optimizer.points[int(np.nanargmax(optimizer.scores))] == search.best_params_


def test_skopt_rank_columns():
    X, y = _iris()
    search = BayesSearchCV(
        SVC(random_state=0),
        _svc_space(),
        n_iter=8,
        cv=3,
        random_state=42,
        return_train_score=True,
    ).fit(X, y)
    results = search.cv_results_
    expected = rankdata(-np.asarray(results["mean_test_score"]), method="min")
    np.testing.assert_array_equal(results["rank_test_score"], expected)
    # skopt also adds rank_train_score (its own back-compat column); sklearn's
    # BaseSearchCV, and so sktune, gives the train scores unranked
    assert len(results["mean_train_score"]) == 8


def test_skopt_refit_replaces_a_previous_best_estimator():
    X, y = _iris()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=0.75, random_state=0
    )
    search = BayesSearchCV(
        SVC(random_state=0), _svc_space(), n_iter=8, cv=3, random_state=42, refit=True
    )
    stale = SVC(C=1e-3).fit(X_train, y_train)
    search.best_estimator_ = stale
    search.fit(X_train, y_train)
    assert search.best_estimator_ is not stale
    for name, value in search.best_params_.items():
        assert getattr(search.best_estimator_, name) == value
    assert search.score(X_test, y_test) == search.best_estimator_.score(X_test, y_test)
    assert search.score(X_test, y_test) > 0.9


def test_skopt_callback_can_stop_the_search():
    X, y = _iris()
    calls = []

    def stop_at_third(results):
        calls.append(len(results["params"]))
        return len(calls) > 2  # True stops

    search = BayesSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [3], "min_samples_split": Real(0.1, 0.9)},  # a one-value dim
        n_iter=5,
        cv=3,
        random_state=0,
        callbacks=stop_at_third,
    ).fit(X, y)
    assert calls == [1, 2, 3]
    assert len(search.cv_results_["params"]) == 3
    assert all(p["max_depth"] == 3 for p in search.cv_results_["params"])
    search.score(X, y)  # the final model was fitted


@pytest.mark.parametrize("kind", SEARCHES)
def test_skopt_parameters_reach_the_estimator_as_python_types(kind):
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    space = {
        "float_param": [0.0, 1.0],
        "int_param": [0, 10],
        "str_param": ["one", "two", "three"],
    }
    kwargs = {"n_iter": 11} if kind == "bayes" else {}
    _make(kind, TypeCheckEstimator(), space, error_score="raise", **kwargs).fit(X, y)
    # and numpy-typed choices and scipy distributions are handed over as Python values
    space = {
        "float_param": np.linspace(0.0, 1.0, 5),
        "int_param": randint(0, 10),
        "str_param": np.array(["one", "two"]),
    }
    search = _make(kind, TypeCheckEstimator(), space, error_score="raise").fit(X, y)
    for params in search.cv_results_["params"]:
        assert type(params["float_param"]) is float
        assert type(params["int_param"]) is int
        assert type(params["str_param"]) is str


@pytest.mark.parametrize("kind", SEARCHES)
def test_skopt_dimensions_in_a_space(kind):
    space_module = pytest.importorskip("skopt.space")
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    space = {
        "a": space_module.Real(1e-6, 1.0, prior="log-uniform"),
        "b": space_module.Integer(1, 8),
        "c": space_module.Categorical(["x", "y"]),
        "d": space_module.Real(0.0, 1.0),
        "e": space_module.Integer(1, 1024, prior="log-uniform"),
    }
    search = _make(kind, Recorder(), space, error_score="raise", **_eight(kind)).fit(
        X, y
    )
    _check_recorded_values(search, kind, b_high=8)


def _eight(kind):
    """Settings under which a search starts from 8 configurations."""
    if kind == "bayes":
        return {"n_iter": 8, "n_initial_points": 8}
    if kind == "hyperband":
        return {"n_brackets": 1, "factor": 3}  # max_iter=9: 9 first-rung configs
    return {"population_size": 8}


def _check_recorded_values(search, kind, b_high):
    first = _first_configurations(search, kind)
    assert len(first) >= 8
    for params in search.cv_results_["params"]:
        assert type(params["a"]) is float and 1e-6 <= params["a"] <= 1.0
        assert type(params["b"]) is int and 1 <= params["b"] <= b_high
        assert params["c"] in ("x", "y") and type(params["c"]) is str
        assert type(params["d"]) is float and 0.0 <= params["d"] <= 1.0
        assert type(params["e"]) is int and 1 <= params["e"] <= 1024
    # log scale: half the draws of a log-uniform on [1e-6, 1] are below 1e-3
    # (one in a thousand of a uniform's), and a third of those on [1, 1024] below 10
    assert sum(p["a"] < 1e-3 for p in first) >= 1
    assert sum(p["e"] < 10 for p in first) >= 1


@pytest.mark.parametrize("dim", ["Real", "Integer"])
def test_skopt_prior_log_uniform_is_log_true(dim):
    if dim == "Real":
        prior, log = Real(1e-3, 1e3, prior="log-uniform"), Real(1e-3, 1e3, log=True)
        linear = Real(1e-3, 1e3, prior="uniform")
    else:
        prior, log = Integer(1, 1000, prior="log-uniform"), Integer(1, 1000, log=True)
        linear = Integer(1, 1000, prior="uniform")
    assert prior.rvs(50, random_state=0) == log.rvs(50, random_state=0)
    assert linear.rvs(50, random_state=0) == type(log)(log.low, log.high).rvs(
        50, random_state=0
    )
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    name = "a" if dim == "Real" else "e"
    runs = [
        BayesSearchCV(
            Recorder(), {name: d}, n_iter=5, n_initial_points=3, cv=2, random_state=0
        ).fit(X, y)
        for d in (prior, log)
    ]
    assert runs[0].cv_results_["params"] == runs[1].cv_results_["params"]


# =================================================================== dask-ml
@pytest.mark.parametrize(
    "library, max_iter", [("sklearn", 9), ("constant", 15), ("constant", 20)]
)
def test_dask_basic(library, max_iter):
    rng = np.random.RandomState(42)
    X = rng.normal(size=(60, 2))
    y = np.sign(X @ rng.uniform(size=2)).astype(int)
    if library == "sklearn":
        model = SGDClassifier(
            tol=10, penalty="elasticnet", random_state=42, eta0=0.1, max_iter=max_iter
        )
        params = {
            "loss": [
                "hinge",
                "log_loss",
                "modified_huber",
                "squared_hinge",
                "perceptron",
            ],
            "average": [True, False],
            "learning_rate": ["constant", "invscaling", "optimal"],
            "eta0": np.logspace(-2, 0, num=10),  # dask-ml: 1000 (see below)
        }
    else:
        model = ConstantFunction(max_iter=max_iter)
        params = {"value": np.linspace(0, 1, num=50)}
    # dask-ml runs every bracket
    search = HyperbandSearchCV(model, params, n_brackets="all", cv=3, random_state=42)
    # dask-ml's idiom: classes for partial_fit (SGDClassifier.fit has no classes=)
    search.fit(X, y, classes=np.unique(y))

    score = search.best_estimator_.score(X, y)
    assert score == search.score(X, y)
    if library == "constant":
        assert score == pytest.approx(search.best_score_, rel=1e-12)
    else:
        assert 0 <= score <= 1
        assert abs(score - search.best_score_) < 0.1
    assert type(search.best_estimator_) is type(model)
    assert isinstance(search.best_params_, dict)
    assert search.resource_ == "max_iter"
    # as many configurations as dask-ml's Hyperband tries for these max_iter
    first = _first_configurations(search, "hyperband")
    assert len(first) == 17
    assert "bracket" in search.cv_results_


_DASK_BASIC_SCRIPT = """
import numpy as np
from sklearn.linear_model import SGDClassifier
from sktune import HyperbandSearchCV
rng = np.random.RandomState(42)
X = rng.normal(size=(50, 2))
y = np.sign(X @ rng.uniform(size=2)).astype(int)
params = {
    "loss": ["hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron"],
    "average": [True, False],
    "learning_rate": ["constant", "invscaling", "optimal"],
    "eta0": np.logspace(-2, 0, num=1000),
}
model = SGDClassifier(tol=10, penalty="elasticnet", random_state=42, eta0=0.1,
                      max_iter=9)
search = HyperbandSearchCV(model, params, n_brackets="all", cv=3, random_state=42)
search.fit(X, y, classes=np.unique(y))
print(len(search.cv_results_["params"]))
"""


def test_dask_basic_space_of_30000_grid_points_in_seconds():
    # dask-ml's test_basic space as is: 17 configurations from a 30 000-point grid
    # cost next to nothing in dask-ml and RandomizedSearchCV; run in a child
    # process so that a slow search is stopped at the limit
    import os
    import subprocess
    import sys

    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", _DASK_BASIC_SCRIPT],
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("Hyperband on dask-ml's 30 000-point grid took over 30 s")
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) == 22  # 17 configurations, 22 evaluations


@pytest.mark.parametrize("max_iter, factor", [(27, 3), (30, 4)])
def test_dask_hyperband_mirrors_paper_and_metadata(max_iter, factor):
    X, y = make_classification(n_samples=30, n_features=4, random_state=0)
    search = HyperbandSearchCV(
        ConstantFunction(max_iter=max_iter),
        {"value": uniform(0, 1)},
        factor=factor,
        n_brackets="all",
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert search.max_resource_ == max_iter and search.min_resource_ == 1
    assert isinstance(search.brackets_, list)
    results = search.cv_results_
    flat_n, flat_r = [], []
    for b in search.brackets_:
        assert {"bracket", "n_candidates", "budgets"} <= set(b)
        assert b["budgets"][-1] == max_iter
        assert list(b["budgets"]) == sorted(b["budgets"])
        assert list(b["n_candidates"]) == sorted(b["n_candidates"], reverse=True)
        flat_n += list(b["n_candidates"])
        flat_r += list(b["budgets"])
        for rung, (n, r) in enumerate(zip(b["n_candidates"], b["budgets"])):
            rows = (np.asarray(results["bracket"]) == b["bracket"]) & (
                np.asarray(results["rung"]) == rung
            )
            assert rows.sum() == n
            assert set(np.asarray(results["budget"])[rows]) == {r}
    assert search.n_candidates_ == flat_n and search.n_resources_ == flat_r
    assert len(results["params"]) == sum(flat_n)
    if factor == 3:
        # Li et al.'s table for R=27, eta=3
        assert search.n_candidates_ == [27, 9, 3, 1, 12, 4, 1, 6, 2, 4]
        assert search.n_resources_ == [1, 3, 9, 27, 3, 9, 27, 9, 27, 27]


def test_dask_hyperband_finds_the_best_of_a_list():
    # dask-ml: with 27 values and R=27, the best value is trained to the end
    # (sktune runs a space smaller than Hyperband's 49 draws as one bracket
    # starting each value once; dask-ml draws 49 with repeats)
    X, y = make_classification(n_samples=30, n_features=4, random_state=0)
    values = list(np.random.RandomState(0).rand(27))
    search = HyperbandSearchCV(
        ConstantFunction(max_iter=27), {"value": values}, cv=2, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X, y)
    assert search.best_score_ == pytest.approx(max(values), rel=1e-12)
    assert search.best_params_["value"] == max(values)


def test_dask_cv_results_rows_match_their_params():
    X, y = make_classification(n_samples=30, n_features=4, random_state=0)
    search = HyperbandSearchCV(
        ConstantFunction(max_iter=9), {"value": uniform(0, 1)}, cv=2, random_state=42
    ).fit(X, y)
    results = search.cv_results_
    budgets = {b["bracket"]: b["budgets"] for b in search.brackets_}
    for i, params in enumerate(results["params"]):
        assert results["param_value"][i] == params["value"]
        assert results["mean_test_score"][i] == pytest.approx(params["value"])
        assert (
            results["budget"][i] == budgets[results["bracket"][i]][results["rung"][i]]
        )
        assert params["max_iter"] == results["budget"][i]


def test_dask_rows_are_in_training_order_and_survivors_continue():
    X, y = make_classification(n_samples=30, n_features=4, random_state=0)
    search = HyperbandSearchCV(
        ConstantFunction(max_iter=27), {"value": uniform(0, 1)}, cv=2, random_state=0
    ).fit(X, y)
    results = search.cv_results_
    brackets = np.asarray(results["bracket"])
    rungs = np.asarray(results["rung"])
    for b in np.unique(brackets):
        rows = np.flatnonzero(brackets == b)
        assert (np.diff(rows) == 1).all()  # a bracket's rows are contiguous
        assert (np.diff(rungs[rows]) >= 0).all()
        by_rung = {}
        for i in rows:
            by_rung.setdefault(rungs[i], []).append(results["params"][i]["value"])
        for rung in range(1, len(by_rung)):
            # a survivor is one of the previous rung's, the best of them
            assert set(by_rung[rung]) <= set(by_rung[rung - 1])
            assert min(by_rung[rung]) >= sorted(by_rung[rung - 1])[-len(by_rung[rung])]


def test_dask_constructor_parameters_are_kept():
    kwargs = {
        "factor": 3.5,
        "max_resource": 253,
        "min_resource": 2,
        "random_state": 42,
        "scoring": "accuracy",
        "cv": 4,
    }
    search = HyperbandSearchCV(
        ConstantFunction(value=0.4), {"value": uniform()}, **kwargs
    )
    for key, value in kwargs.items():
        assert getattr(search, key) == value
        assert search.get_params()[key] == value
    copy = clone(search)
    for key, value in kwargs.items():
        assert getattr(copy, key) == value


def test_dask_random_state_decides_the_configurations():
    X, y = make_classification(n_samples=30, n_features=4, random_state=0)

    def values(random_state):
        search = HyperbandSearchCV(
            ConstantFunction(),
            {"value": uniform(0, 1)},
            cv=2,
            random_state=random_state,
        ).fit(X, y)
        return list(search.cv_results_["param_value"])

    assert values(0) == values(0)
    assert values(None) != values(None)


def test_dask_max_iter_one():
    X, y = make_classification(n_samples=30, n_features=4, random_state=0)
    search = HyperbandSearchCV(
        ConstantFunction(max_iter=1), {"value": uniform(0.5, 0.5)}, cv=2
    ).fit(X, y)
    assert search.best_score_ > 0
    assert set(search.cv_results_["budget"]) == {1}


@pytest.mark.parametrize("max_resource", [0, -1])
def test_dask_max_iter_below_one_raises(max_resource):
    X, y = _iris()
    search = HyperbandSearchCV(
        _sgd(), {"alpha": np.logspace(-3, 0)}, max_resource=max_resource, cv=3
    )
    with pytest.raises(ValueError):
        search.fit(X, y, classes=np.unique(y))


@pytest.mark.parametrize("min_resource", [2, 3])
def test_dask_successive_halving(min_resource):
    # dask-ml's SuccessiveHalvingSearchCV(n_initial_iter=r) is one bracket here
    X, y = make_classification(n_samples=100, n_features=5, random_state=0)
    search = HyperbandSearchCV(
        SGDClassifier(tol=1e-3, max_iter=27, random_state=0),
        {"alpha": np.logspace(-3, 0, num=50)},
        n_brackets=1,
        min_resource=min_resource,
        cv=3,
        random_state=0,
    ).fit(X, y, classes=np.unique(y))
    budgets = np.asarray(search.cv_results_["budget"])
    assert budgets.min() == min_resource
    assert budgets.max() == search.max_resource_ == 27
    assert (budgets == budgets.max()).sum() < search.factor  # one trained to the end
    assert isinstance(search.best_estimator_, SGDClassifier)
    assert search.best_score_ > 0


@pytest.mark.parametrize("kind", ["hyperband", "pbt"])
def test_dask_search_basic(kind):
    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    model = SGDClassifier(
        tol=1e-3, loss="log_loss", penalty="elasticnet", max_iter=9, random_state=0
    )
    params = {"alpha": np.logspace(-2, 2, 10), "l1_ratio": np.linspace(0.01, 1, 20)}
    search = _make(kind, model, params).fit(X, y)
    results = search.cv_results_
    extra = (
        {"budget", "bracket", "rung"}
        if kind == "hyperband"
        else {"budget", "member", "step", "parent"}
    )
    assert {
        "mean_fit_time",
        "std_fit_time",
        "mean_score_time",
        "std_score_time",
        "mean_test_score",
        "std_test_score",
        "rank_test_score",
        "params",
        "param_alpha",
        "param_l1_ratio",
        "split0_test_score",
    } | extra <= set(results)
    n_rows = len(results["params"])
    # every column an array of one value per row; "params" is a list, as in sklearn
    assert all(
        isinstance(v, np.ndarray) and len(v) == n_rows
        for k, v in results.items()
        if k != "params"
    )
    assert len(results["params"]) == n_rows
    assert results["mean_test_score"].dtype.kind == "f"
    for key in {"rank_test_score"} | extra:
        assert results[key].dtype.kind == "i", key
    assert all(isinstance(p, dict) for p in results["params"])
    # the best at the full budget; ranks are over all rows, as in HalvingRandomSearchCV
    budgets = np.asarray(results["budget"])
    full = budgets == budgets.max()
    assert full[search.best_index_]
    assert results["mean_test_score"][search.best_index_] == np.max(
        results["mean_test_score"][full]
    )
    assert isinstance(search.best_estimator_, SGDClassifier)
    assert search.best_score_ > 0 and search.best_params_
    assert search.predict_proba(X).shape == (120, 2)
    assert search.predict_log_proba(X).shape == (120, 2)
    assert search.decision_function(X).shape == (120,)


@pytest.mark.parametrize("values", [[0.1, 0.5, 0.75, 1.0], [0.1, 0.5]])
def test_dask_small_grids(values):
    # dask-ml: "infinite loop" with a grid smaller than the first rung
    X, y = make_classification(n_samples=100, n_features=5, random_state=0)
    search = HyperbandSearchCV(
        SGDClassifier(tol=1e-3, penalty="elasticnet", max_iter=9, random_state=0),
        {"alpha": values},
        cv=3,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X, y, classes=[0, 1])
    results = search.cv_results_
    for b in np.unique(results["bracket"]):
        for r in np.unique(results["rung"]):
            rows = np.flatnonzero((results["bracket"] == b) & (results["rung"] == r))
            alphas = [results["params"][i]["alpha"] for i in rows]
            assert len(alphas) == len(set(alphas)) <= len(values)
    first = results["bracket"] == max(results["bracket"])
    assert ((results["rung"] == 0) & first).sum() == len(values)
    search.predict(X)


def test_dask_transform():
    X, _ = make_classification(n_samples=100, n_features=5, random_state=0)
    search = HyperbandSearchCV(
        MiniBatchKMeans(max_iter=9, n_init=1, random_state=0),
        {"n_clusters": [3, 4, 5], "batch_size": [16, 32]},
        cv=3,
        random_state=0,
    ).fit(X)
    assert search.resource_ == "max_iter"
    assert search.transform(X).shape == (100, search.best_estimator_.n_clusters)


@pytest.mark.parametrize("kind", SEARCHES)
def test_dask_user_estimator_is_not_fitted(kind):
    # dask-ml: partial_fit does not mutate its inputs
    X, y = _iris()
    model = _sgd()
    _make(kind, model, {"alpha": Real(1e-5, 1e-1, log=True)}).fit(X, y)
    with pytest.raises(NotFittedError):
        model.predict(X)


@pytest.mark.parametrize("kind", SEARCHES)
def test_dask_dataframe_inputs(kind):
    pd = pytest.importorskip("pandas")
    X, y = make_classification(
        n_samples=60, n_features=3, n_informative=2, n_redundant=0, random_state=0
    )
    X = pd.DataFrame(X, columns=["x", "y", "z"])
    y = pd.Series(y.astype(bool))
    search = _make(kind, _sgd(), {"alpha": uniform(1e-4, 1e-2)}).fit(X, y)
    assert list(search.feature_names_in_) == ["x", "y", "z"]
    assert search.predict(X).dtype == bool


@pytest.mark.parametrize("kind", SEARCHES)
def test_dask_verbose_zero_is_silent(kind, capsys):
    X, y = _iris()
    _make(kind, _sgd(), {"alpha": Real(1e-5, 1e-1, log=True)}, verbose=0).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == ""


# ======================================================= optuna-integration
@pytest.mark.parametrize("kind", SEARCHES)
@pytest.mark.parametrize("fit_params", ["", "sample_weight"])
def test_optuna_search(kind, fit_params):
    distributions = pytest.importorskip("optuna.distributions")
    X, y = _blobs()
    search = _make(
        kind,
        SGDClassifier(max_iter=5, tol=1e-3, random_state=0),
        {"alpha": distributions.FloatDistribution(1e-4, 1e3, log=True)},
        error_score="raise",
        return_train_score=True,
    )
    with pytest.raises(NotFittedError):
        search.predict(X)
    kwargs = {"sample_weight": np.linspace(0.5, 1.5, len(y))} if fit_params else {}
    search.fit(X, y, **kwargs)
    search.decision_function(X)
    search.predict(X)
    search.score(X, y)
    for params in search.cv_results_["params"]:
        assert 1e-4 <= params["alpha"] <= 1e3


def test_optuna_search_fit_params_reach_fit():
    distributions = pytest.importorskip("optuna.distributions")
    X, y = _blobs()
    search = _make(
        "bayes",
        SGDClassifier(max_iter=5, tol=1e-3, random_state=0),
        {"alpha": distributions.FloatDistribution(1e-4, 1e3, log=True)},
        error_score="raise",
    )
    search.fit(X, y, coef_init=np.ones((3, 2), dtype=np.float64))
    search.predict(X)


def _classifier_for(kind):
    return LogisticRegression(max_iter=9, tol=1e-3)


@pytest.mark.parametrize("kind", SEARCHES)
def test_optuna_search_properties(kind):
    distributions = pytest.importorskip("optuna.distributions")
    X, y = _blobs()
    kwargs = {"n_iter": 10} if kind == "bayes" else {}
    search = _make(
        kind,
        _classifier_for(kind),
        {"C": distributions.FloatDistribution(1e-4, 1e3, log=True)},
        error_score="raise",
        return_train_score=True,
        **kwargs,
    ).fit(X, y)
    assert is_classifier(search)
    assert isinstance(search.best_index_, numbers.Integral)
    assert isinstance(search.best_params_, dict)
    assert isinstance(search.cv_results_, dict)
    n_rows = len(search.cv_results_["params"])
    if kind == "bayes":
        assert n_rows == 10  # optuna: n_trials_ == n_trials
    for column in search.cv_results_.values():
        assert len(column) == n_rows
    assert search.best_score_ is not None
    np.testing.assert_array_equal(search.classes_, [0, 1, 2])
    assert isinstance(search.predict_log_proba(X), np.ndarray)
    assert isinstance(search.predict_proba(X), np.ndarray)


def _unsupervised_for(kind, method):
    if kind == "pbt":  # PBT needs an estimator that continues training
        if method == "score_samples":
            return GaussianMixture(n_components=1, max_iter=3, random_state=0)
        return MiniBatchKMeans(n_clusters=2, max_iter=3, n_init=1, random_state=0)
    return KernelDensity() if method == "score_samples" else PCA()


@pytest.mark.parametrize("kind", SEARCHES)
def test_optuna_search_score_samples(kind):
    X, _ = _blobs()
    search = _make(
        kind,
        _unsupervised_for(kind, "score_samples"),
        {},
        error_score="raise",
        return_train_score=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a 1-point space, n_iter larger
        search.fit(X)
    assert search.score_samples(X) is not None


@pytest.mark.parametrize("kind", SEARCHES)
def test_optuna_search_transforms(kind):
    X, _ = _blobs()
    search = _make(
        kind,
        _unsupervised_for(kind, "transform"),
        {},
        error_score="raise",
        return_train_score=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X)
    assert isinstance(search.transform(X), np.ndarray)
    if hasattr(search.best_estimator_, "inverse_transform"):
        assert isinstance(search.inverse_transform(search.transform(X)), np.ndarray)


@pytest.mark.parametrize("kind", SEARCHES)
def test_optuna_search_invalid_estimator(kind):
    X, y = _blobs()
    search = _make(
        kind,
        "not an estimator",
        {"alpha": Real(1e-5, 1e-1, log=True)},
        error_score="raise",
    )
    with pytest.raises(ValueError):
        search.fit(X, y)


def test_optuna_pbt_without_a_continuing_estimator_raises():
    # optuna: enable_pruning=True needs partial_fit; PBT needs continued training
    X, y = _iris()
    search = _make("pbt", SVC(), {"C": Real(1e-2, 1e2, log=True)})
    with pytest.raises(ValueError):
        search.fit(X, y)


@pytest.mark.parametrize("kind", SEARCHES)
@pytest.mark.parametrize("n_iter", [0, -1])
def test_optuna_search_n_iter_below_one_raises(kind, n_iter):
    X, y = _iris()
    search = _make(kind, _sgd(), {"alpha": Real(1e-5, 1e-1, log=True)}, n_iter=n_iter)
    with pytest.raises(ValueError):
        search.fit(X, y)


@pytest.mark.parametrize("kind", SEARCHES)
@pytest.mark.parametrize("error_score", ["raise", np.nan])
def test_optuna_classifier_without_y_raises(kind, error_score):
    X, _ = _blobs()
    search = _make(
        kind,
        SGDClassifier(max_iter=5, tol=1e-3),
        {"alpha": Real(1e-5, 1e-1, log=True)},
        error_score=error_score,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # optuna: ValueError from fit(X, y=None); BaseSearchCV (so GridSearchCV too)
        # calls fit(X) without y, which is a TypeError for SGDClassifier.fit
        with pytest.raises((TypeError, ValueError)):
            search.fit(X)


@pytest.mark.parametrize("kind", SEARCHES)
def test_optuna_invalid_error_score_raises(kind):
    X, y = _blobs()
    search = _make(
        kind,
        _sgd(),
        {"alpha": Real(1e-5, 1e-1, log=True)},
        error_score="invalid error score",
    )
    with pytest.raises(ValueError):
        search.fit(X, y)


@pytest.mark.parametrize("kind", SEARCHES)
def test_optuna_no_halt_when_some_candidates_fail(kind):
    distributions = pytest.importorskip("optuna.distributions")
    X, y = make_regression(n_samples=60, n_features=5, random_state=0)
    # max_depth=0 makes GradientBoostingRegressor.fit raise
    search = _make(
        kind,
        GradientBoostingRegressor(n_estimators=3, random_state=0),
        {"max_depth": distributions.IntDistribution(0, 1)},
        **({"n_iter": 2} if kind == "bayes" else {}),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    tried = {p["max_depth"] for p in search.cv_results_["params"]}
    assert tried == {0, 1}
    assert search.best_params_["max_depth"] == 1
    assert np.isfinite(search.best_score_)


def test_optuna_callbacks_are_called_after_each_candidate():
    X, y = _blobs()
    calls = [[], []]

    def make_callback(i):
        def callback(results):
            calls[i].append(len(results["params"]))
            assert "mean_test_score" in results
            return None

        return callback

    search = _make(
        "bayes",
        SGDClassifier(max_iter=5, tol=1e-3, random_state=0),
        {"alpha": Real(1e-4, 1e3, log=True)},
        n_iter=5,
        callbacks=[make_callback(0), make_callback(1)],
    ).fit(X, y)
    assert calls == [[1, 2, 3, 4, 5]] * 2
    assert len(search.cv_results_["params"]) == 5


@pytest.mark.parametrize("kind", SEARCHES)
def test_optuna_distributions_in_a_space(kind):
    distributions = pytest.importorskip("optuna.distributions")
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    space = {
        "a": distributions.FloatDistribution(1e-6, 1.0, log=True),
        "b": distributions.IntDistribution(2, 10, step=2),
        "c": distributions.CategoricalDistribution(["x", "y"]),
        "d": distributions.FloatDistribution(0.0, 1.0, step=0.25),
        "e": distributions.IntDistribution(1, 1024, log=True),
    }
    search = _make(kind, Recorder(), space, error_score="raise", **_eight(kind)).fit(
        X, y
    )
    _check_recorded_values(search, kind, b_high=10)
    for params in search.cv_results_["params"]:
        assert params["b"] % 2 == 0
        assert params["d"] in (0.0, 0.25, 0.5, 0.75, 1.0)


@pytest.mark.parametrize("kind", SEARCHES)
def test_log_scale_control_with_sktune_dimensions(kind):
    # the same checks on sktune's own log=True dimensions: the seeds are not unlucky
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    space = {
        "a": Real(1e-6, 1.0, log=True),
        "b": Integer(1, 8),
        "c": Categorical(["x", "y"]),
        "d": Real(0.0, 1.0),
        "e": Integer(1, 1024, log=True),
    }
    search = _make(kind, Recorder(), space, error_score="raise", **_eight(kind)).fit(
        X, y
    )
    _check_recorded_values(search, kind, b_high=8)


@pytest.mark.parametrize("kind", SEARCHES)
@pytest.mark.parametrize("verbose", [1, 2])
def test_optuna_verbosity_with_parallel_jobs(kind, verbose):
    X, y = _iris()
    search = _make(
        kind, _sgd(), {"alpha": Real(1e-5, 1e-1, log=True)}, verbose=verbose, n_jobs=2
    ).fit(X, y)
    assert search.best_score_ > 0.5


# ============================================ what switching users rely on
_SPACE_KEYWORDS = ("param_grid", "param_distributions", "search_spaces")
_CLASSES = {"bayes": BayesSearchCV, "hyperband": HyperbandSearchCV, "pbt": PBTSearchCV}
_REFERENCE = {}


def _reference_params(kind):
    """cv_results_["params"] of the small search with its space given positionally."""
    if kind not in _REFERENCE:
        X, y = _iris()
        search = _make(kind, _sgd(), {"alpha": Real(1e-5, 1e-1, log=True)}).fit(X, y)
        _REFERENCE[kind] = search.cv_results_["params"]
    return _REFERENCE[kind]


@pytest.mark.parametrize("kind", SEARCHES)
@pytest.mark.parametrize("keyword", _SPACE_KEYWORDS)
def test_target_space_under_any_keyword(kind, keyword):
    # skopt users write search_spaces=, optuna's param_distributions=, sklearn's
    # GridSearchCV users param_grid=
    X, y = _iris()
    space = {"alpha": Real(1e-5, 1e-1, log=True)}
    options = _make(kind, _sgd(), space).get_params(deep=False)
    options = {
        k: v for k, v in options.items() if k not in ("estimator",) + _SPACE_KEYWORDS
    }
    search = _CLASSES[kind](_sgd(), **{keyword: space}, **options)
    search.fit(X, y)
    assert search.cv_results_["params"] == _reference_params(kind)
    again = clone(search).fit(X, y)
    assert again.cv_results_["params"] == _reference_params(kind)


@pytest.mark.parametrize("kind", SEARCHES)
@pytest.mark.parametrize(
    "keywords",
    [
        ("param_grid", "param_distributions"),
        ("param_distributions", "search_spaces"),
        ("param_grid", "search_spaces"),
    ],
)
def test_target_two_space_keywords_raise(kind, keywords):
    X, y = _iris()
    cls = _CLASSES[kind]
    space = {"alpha": Real(1e-5, 1e-1, log=True)}
    with pytest.raises((TypeError, ValueError)):
        cls(_sgd(), **{k: space for k in keywords}, cv=3).fit(X, y)


@pytest.mark.parametrize("kind", SEARCHES)
def test_target_space_given_positionally_and_by_keyword_raises(kind):
    X, y = _iris()
    cls = _CLASSES[kind]
    space = {"alpha": Real(1e-5, 1e-1, log=True)}
    other = "param_grid"
    with pytest.raises((TypeError, ValueError)):
        cls(_sgd(), space, **{other: space}, cv=3).fit(X, y)


@pytest.mark.parametrize("kind", SEARCHES)
def test_target_finite_space_smaller_than_n_iter_runs_each_point_once(kind):
    X, y = _iris()
    space = {"alpha": [1e-4, 1e-3], "penalty": ["l2", "l1"]}  # 4 points
    search = _make(kind, _sgd(), space, n_iter=10)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        search.fit(X, y)
    assert _user_warnings(record)
    first = _first_configurations(search, kind)
    keys = [tuple(sorted(p.items())) for p in first]
    if kind == "bayes":
        assert len(keys) == 4 and len(set(keys)) == 4
    elif kind == "hyperband":
        results = search.cv_results_
        for b in np.unique(results["bracket"]):
            rows = np.flatnonzero((results["bracket"] == b) & (results["rung"] == 0))
            in_rung = [
                tuple(sorted(_hyperparameters(results["params"][i], search).items()))
                for i in rows
            ]
            assert len(in_rung) == len(set(in_rung)) <= 4
    else:
        assert len(keys) == len(set(keys)) <= 4


def test_target_bayes_no_warning_when_n_iter_fits_the_space():
    X, y = _iris()
    space = {"alpha": [1e-4, 1e-3], "penalty": ["l2", "l1"]}
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        _make("bayes", _sgd(), space, n_iter=4).fit(X, y)
    assert not _user_warnings(record)


@pytest.mark.parametrize("n_points", [1, 3])
def test_target_bayes_never_reproposes_a_point_of_a_finite_space(n_points):
    X, y = _iris()
    space = {"alpha": [1e-4, 1e-3, 1e-2], "penalty": ["l2", "l1"]}  # 6 points
    search = _make("bayes", _sgd(), space, n_iter=6, n_points=n_points).fit(X, y)
    keys = [tuple(sorted(p.items())) for p in search.cv_results_["params"]]
    assert len(keys) == 6 and len(set(keys)) == 6


def test_target_hyperband_two_point_space_first_rung_has_two_rows():
    X, y = _iris()
    search = _make("hyperband", _sgd(), {"alpha": [1e-4, 1e-2]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X, y)
    results = search.cv_results_
    first = (results["bracket"] == results["bracket"][0]) & (results["rung"] == 0)
    assert first.sum() == 2


@pytest.mark.parametrize("kind", SEARCHES)
def test_target_empty_space_evaluates_the_estimator_once(kind):
    # skopt raises on {}; optuna (and GridSearchCV) evaluate the estimator
    X, y = _iris()
    search = _make(kind, _sgd(), {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X, y)
    results = search.cv_results_
    configs = {
        tuple(sorted(_hyperparameters(p, search).items())) for p in results["params"]
    }
    assert configs == {()}
    budgets = (
        list(results["budget"])
        if "budget" in results
        else [None] * len(results["params"])
    )
    assert len(budgets) == len(set(budgets))  # never the same evaluation twice
    assert _hyperparameters(search.best_params_, search) == {}
    search.predict(X)


def test_target_hyperband_n_iter_is_about_the_number_of_configurations():
    X, y = _iris()
    counts = {}
    for n_iter in (8, 30):
        search = HyperbandSearchCV(
            _sgd(max_iter=27),
            {"alpha": Real(1e-5, 1e-1, log=True)},
            n_iter=n_iter,
            cv=2,
            random_state=0,
        ).fit(X, y)
        counts[n_iter] = len(_first_configurations(search, "hyperband"))
        assert n_iter / 2 <= counts[n_iter] <= 2 * n_iter, counts
    assert counts[8] < counts[30]


def test_target_pbt_n_iter_is_the_population_size():
    X, y = _iris()
    search = PBTSearchCV(
        _sgd(),
        {"alpha": Real(1e-5, 1e-1, log=True)},
        n_iter=5,
        n_steps=2,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert len(np.unique(search.cv_results_["member"])) == 5


@pytest.mark.parametrize("kind", SEARCHES)
def test_target_cv_as_a_generator_of_splits(kind):
    X, y = _iris()
    splits = KFold(3, shuffle=True, random_state=0).split(X, y)
    search = _make(kind, _sgd(), {"alpha": Real(1e-5, 1e-1, log=True)}, cv=splits)
    search.fit(X, y)
    assert search.n_splits_ == 3
    assert search.best_score_ > 0.5


@pytest.mark.parametrize("kind", ["hyperband", "pbt"])
def test_target_classes_goes_to_partial_fit_not_to_the_refit(kind):
    X, y = _iris()
    # SGDClassifier.fit has no classes=: the refit would raise if it got it
    search = _make(kind, _sgd(), {"alpha": Real(1e-5, 1e-1, log=True)}, refit=True)
    search.fit(X, y, classes=np.unique(y))
    np.testing.assert_array_equal(search.best_estimator_.classes_, [0, 1, 2])
    search.predict(X)


@pytest.mark.parametrize(
    "estimator, resource",
    [
        (_sgd(), "max_iter"),
        (RandomForestClassifier(n_estimators=9, random_state=0), "n_estimators"),
        (GradientBoostingClassifier(n_estimators=9, random_state=0), "n_estimators"),
        (KNeighborsClassifier(), "n_samples"),
    ],
)
def test_target_hyperband_resource_auto_and_attributes(estimator, resource):
    X, y = _iris()
    name = (
        "n_neighbors"
        if resource == "n_samples"
        else ("alpha" if resource == "max_iter" else "max_depth")
    )
    space = {
        "n_neighbors": Integer(1, 10),
        "alpha": Real(1e-5, 1e-1, log=True),
        "max_depth": Integer(1, 4),
    }
    search = HyperbandSearchCV(
        estimator, {name: space[name]}, cv=3, random_state=0
    ).fit(X, y)
    assert search.resource_ == resource
    assert 1 <= search.min_resource_ <= search.max_resource_
    assert isinstance(search.brackets_, list) and search.brackets_
    assert len(search.n_resources_) == len(search.n_candidates_)
    assert sum(search.n_candidates_) == len(search.cv_results_["params"])
    budgets = np.asarray(search.cv_results_["budget"])
    assert budgets.max() == search.max_resource_
    assert budgets[search.best_index_] == search.max_resource_


def test_target_pbt_columns_and_best_schedule():
    X, y = _iris()
    search = PBTSearchCV(
        _sgd(),
        {"alpha": Real(1e-5, 1e-1, log=True)},
        population_size=4,
        n_steps=3,
        cv=2,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    assert {"member", "step", "parent", "budget"} <= set(results)
    assert len(results["params"]) == 4 * 3
    assert results["step"][search.best_index_] == 2
    assert len(search.best_schedule_) == 3
    assert all(isinstance(p, dict) for p in search.best_schedule_)


def test_target_bayes_options(tmp_path):
    X, y = _iris()
    path = tmp_path / "journal"
    search = BayesSearchCV(
        _sgd(),
        {"alpha": Real(1e-5, 1e-1, log=True)},
        n_iter=6,
        n_initial_points=2,
        n_points=2,
        cv=2,
        random_state=0,
        checkpoint=path,
    ).fit(X, y)
    assert len(search.optimizer_.points) == 6
    assert path.exists()
    resumed = clone(search).fit(X, y)
    assert resumed.cv_results_["params"] == search.cv_results_["params"]


@pytest.mark.parametrize("kind", SEARCHES)
def test_target_same_random_state_same_search(kind):
    # dask-ml test_model_random_determinism, for every search
    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    params = {
        "loss": ["hinge", "log_loss", "modified_huber"],
        "average": [True, False],
        "eta0": np.logspace(-2, 0, num=10),
        "learning_rate": ["constant", "invscaling"],
    }
    runs = [
        _make(
            kind, SGDClassifier(random_state=1, max_iter=9), params, random_state=2
        ).fit(X, y)
        for _ in range(2)
    ]
    assert runs[0].best_score_ == runs[1].best_score_
    assert runs[0].best_params_ == runs[1].best_params_
    np.testing.assert_allclose(
        runs[0].best_estimator_.coef_, runs[1].best_estimator_.coef_
    )
