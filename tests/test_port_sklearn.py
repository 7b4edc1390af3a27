"""scikit-learn's search contract, checked on all three sktune searches.

A port of the tests in scikit-learn's
``sklearn/model_selection/tests/test_search.py`` and
``test_successive_halving.py`` that apply to a search which is not an
exhaustive grid. Every contract test runs on ``BayesSearchCV``,
``HyperbandSearchCV`` and ``PBTSearchCV`` through :func:`make_search`, with
estimators that can continue training (``partial_fit``), as the two
multi-fidelity searches need.

Set ``SKTUNE_PORT_REFERENCE=1`` to also run the contract tests on
scikit-learn's ``RandomizedSearchCV`` (the space converted to scipy
distributions): they should pass there, which tells a broken test body from
a broken search.

Not ported (exhaustive-grid order, ParameterGrid/ParameterSampler internals,
the halving schedule, private helpers) is listed in the report that went
with this file and in the "differences from GridSearchCV" documentation.
"""

import os
import pickle
import re
import warnings

import numpy as np
import pytest
import sklearn
from scipy import sparse
from scipy.stats import loguniform, randint, uniform
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.cluster import MiniBatchKMeans
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.exceptions import FitFailedWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import (
    LogisticRegression,
    Perceptron,
    Ridge,
    SGDClassifier,
    SGDRegressor,
)
from sklearn.metrics import (
    accuracy_score,
    euclidean_distances,
    make_scorer,
    r2_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    LeaveOneGroupOut,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils._testing import (
    MinimalClassifier,
    MinimalRegressor,
    MinimalTransformer,
)
from sklearn.utils.validation import validate_data

from sktune import (
    BayesSearchCV,
    Categorical,
    HyperbandSearchCV,
    Integer,
    PBTSearchCV,
    Real,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# ----------------------------------------------------------------- searches
SKTUNE_KINDS = ["bayes", "hyperband", "pbt"]
KINDS = SKTUNE_KINDS + (["random"] if os.environ.get("SKTUNE_PORT_REFERENCE") else [])
MULTI_FIDELITY = ["hyperband", "pbt"]
# Searches that can tune an estimator which cannot continue training (PBT
# cannot); Hyperband then budgets by rows.
BATCH_KINDS = [k for k in KINDS if k != "pbt"]

# Small settings: a handful of candidates, a few resource units, three folds.
_SMALL = {
    "bayes": (BayesSearchCV, {"n_iter": 4, "random_state": 0, "cv": 3}),
    "hyperband": (HyperbandSearchCV, {"factor": 2, "random_state": 0, "cv": 3}),
    "pbt": (
        PBTSearchCV,
        {"population_size": 4, "n_steps": 2, "random_state": 0, "cv": 3},
    ),
}


def _to_scipy(space):
    """An sktune space in RandomizedSearchCV's dialect (reference runs only)."""
    if isinstance(space, list):
        return [_to_scipy(s) for s in space]
    out = {}
    for name, dim in space.items():
        if isinstance(dim, Real):
            lo, hi = dim.low, dim.high
            out[name] = loguniform(lo, hi) if dim.log else uniform(lo, hi - lo)
        elif isinstance(dim, Integer):
            out[name] = randint(dim.low, dim.high + 1)
        elif isinstance(dim, Categorical):
            out[name] = list(dim.choices)
        else:
            out[name] = dim
    return out


def batch_options(kind):
    """Options for an estimator that cannot continue: budget by rows."""
    return {"resource": "n_samples"} if kind == "hyperband" else {}


def make_search(kind, estimator, space, **kwargs):
    """The search ``kind`` on ``estimator`` and ``space``, small by default."""
    if kind == "random":
        params = {"n_iter": 4, "random_state": 0, "cv": 3, **kwargs}
        return RandomizedSearchCV(estimator, _to_scipy(space), **params)
    cls, defaults = _SMALL[kind]
    return cls(estimator, space, **{**defaults, **kwargs})


# --------------------------------------------------------------------- data
X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
X_BIN, Y_BIN = make_classification(
    n_samples=90, n_features=4, n_informative=3, n_redundant=0, random_state=0
)
X_MC, Y_MC = make_classification(
    n_samples=120,
    n_features=4,
    n_informative=3,
    n_redundant=0,
    n_classes=3,
    n_clusters_per_class=1,
    random_state=0,
)
TIME_KEYS = ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time")


def sgd(**params):
    """A classifier every search can continue: one partial_fit is one epoch."""
    return SGDClassifier(**{"max_iter": 4, "tol": None, "random_state": 0, **params})


SGD_SPACE = {"alpha": Real(1e-5, 1e-1, log=True)}


# --------------------------------------------------------------- estimators
class Centroids(ClassifierMixin, BaseEstimator):
    """A tiny deterministic classifier that can continue training.

    Nearest class mean; ``partial_fit`` is one pass (the weighted class sums
    are accumulated, so several passes give the same means as one) and
    ``fit`` runs ``max_iter`` passes. ``shift`` moves class ``k``'s mean by
    ``k * shift`` (a knob that changes the score), ``fail`` makes fitting
    fail, ``fail_predict`` makes predicting fail, ``opt`` is an arbitrary
    object. Calls are logged in ``Centroids.LOG``.
    """

    LOG = []

    def __init__(self, max_iter=4, shift=0.0, fail=False, fail_predict=False, opt=None):
        self.max_iter = max_iter
        self.shift = shift
        self.fail = fail
        self.fail_predict = fail_predict
        self.opt = opt

    def fit(self, X, y, sample_weight=None, **fit_params):
        Centroids.LOG.append(("fit", type(X).__name__, len(X), sample_weight))
        for attr in ("sums_", "weights_", "classes_", "n_passes_"):
            self.__dict__.pop(attr, None)
        for _ in range(self.max_iter):
            self.partial_fit(X, y, sample_weight=sample_weight, **fit_params)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None, **fit_params):
        Centroids.LOG.append(("partial_fit", type(X).__name__, len(X), sample_weight))
        if self.fail:
            raise ValueError("Centroids failed as required")
        first = not hasattr(self, "sums_")
        X, y = validate_data(self, X, y, reset=first)
        if first:
            self.classes_ = np.unique(y) if classes is None else np.asarray(classes)
            self.sums_ = np.zeros((len(self.classes_), X.shape[1]))
            self.weights_ = np.zeros(len(self.classes_))
            self.n_passes_ = 0
        w = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight)
        assert len(w) == len(X), "sample_weight was not sliced with X"
        for k, label in enumerate(self.classes_):
            rows = y == label
            self.sums_[k] += w[rows] @ X[rows]
            self.weights_[k] += w[rows].sum()
        self.n_passes_ += 1
        self.fit_params_ = fit_params
        return self

    def _distances(self, X):
        Centroids.LOG.append(("predict", type(X).__name__, len(X), None))
        if self.fail_predict:
            raise ValueError("Centroids failed to predict as required")
        X = validate_data(self, X, reset=False)
        means = self.sums_ / np.maximum(self.weights_, 1e-12)[:, None]
        means = means + self.shift * np.arange(len(means))[:, None]
        return np.linalg.norm(X[:, None, :] - means[None], axis=2)

    def predict(self, X):
        return self.classes_[np.argmin(self._distances(X), axis=1)]

    def decision_function(self, X):
        d = self._distances(X)
        return d[:, 0] - d[:, 1] if d.shape[1] == 2 else -d

    def predict_proba(self, X):
        z = -self._distances(X)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def score_samples(self, X):
        return -self._distances(X).min(axis=1)

    def transform(self, X):
        return np.asarray(X) + self.shift

    def inverse_transform(self, X):
        return np.asarray(X) - self.shift


class FitOnce(Centroids):
    """``fit`` only works on a fresh estimator (sklearn's BrokenClassifier)."""

    def fit(self, X, y, sample_weight=None, **fit_params):
        assert not hasattr(self, "sums_"), "fit called on an already fitted model"
        return super().fit(X, y, sample_weight=sample_weight, **fit_params)


class NoScore(Centroids):
    """A classifier without a ``score`` method."""

    @property
    def score(self):
        raise AttributeError("no score")


class Lenient(Centroids):
    """``set_params`` accepts ``x_*`` names that ``get_params`` does not report
    (as skorch routes ``module__*``)."""

    def set_params(self, **params):
        extras = {k: params.pop(k) for k in list(params) if k.startswith("x_")}
        self.__dict__.setdefault("extras", {}).update(extras)
        return super().set_params(**params)


class OneTimeSplitter:
    """KFold whose ``split`` can be iterated only once (sklearn's test helper)."""

    def __init__(self, n_splits=3, n_samples=90):
        self.n_splits = n_splits
        self.indices = iter(KFold(n_splits=n_splits).split(np.ones(n_samples)))

    def split(self, X=None, y=None, groups=None):
        yield from self.indices

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits


CENTROID_SPACE = {"shift": Real(-1.0, 1.0)}


@pytest.fixture(autouse=True)
def _clear_log():
    Centroids.LOG.clear()
    yield
    Centroids.LOG.clear()


# ------------------------------------------------------------------ helpers
def results_without_times(search):
    return {k: v for k, v in search.cv_results_.items() if k not in TIME_KEYS}


def assert_same_results(a, b):
    np.testing.assert_equal(results_without_times(a), results_without_times(b))


def full_budget(search):
    """Mask of the rows trained on the whole budget (all rows of a plain search)."""
    results = search.cv_results_
    if "budget" not in results:
        return np.ones(len(results["params"]), dtype=bool)
    budget = np.asarray(results["budget"])
    return budget == budget.max()


def config(search, params):
    """A hashable form of ``params`` without the resource parameter."""
    resource = getattr(search, "resource_", None)
    return repr(sorted((k, repr(v)) for k, v in params.items() if k != resource))


def first_rows(search):
    """Mask of the rows where a configuration starts (its first rung/step)."""
    results = search.cv_results_
    for key in ("rung", "step"):
        if key in results:
            return np.asarray(results[key]) == 0
    return np.ones(len(results["params"]), dtype=bool)


def split_scores(search, which="test", metric="score"):
    results = search.cv_results_
    return np.column_stack(
        [results[f"split{k}_{which}_{metric}"] for k in range(search.n_splits_)]
    )


def check_ranks(results, metric="score"):
    """``rank_test_*`` is the 'min' rank of the mean score, non-finite last."""
    mean = np.asarray(results[f"mean_test_{metric}"], dtype=float)
    rank = results[f"rank_test_{metric}"]
    finite = np.isfinite(mean)
    for i in np.flatnonzero(finite):
        assert rank[i] == 1 + np.sum(mean[finite] > mean[i])
    if (~finite).any():
        assert len(set(rank[~finite])) == 1
        assert rank[~finite][0] == rank.max()
        assert np.all(rank[finite] < rank[~finite][0])


def check_best(search, metric="score"):
    """best_* attributes agree with cv_results_; the best is a full-budget row."""
    results = search.cv_results_
    mean = np.asarray(results[f"mean_test_{metric}"], dtype=float)
    full = full_budget(search)
    best = search.best_index_
    assert full[best]
    assert mean[best] == np.nanmax(np.where(full, mean, np.nan))
    assert search.best_score_ == mean[best]
    assert search.best_params_ == results["params"][best]


def n_failed_from_warnings(records):
    total = 0
    for record in records:
        found = re.search(
            r"(\d+) fits failed out of a total of (\d+)", str(record.message)
        )
        if found:
            n_failed, n_total = int(found.group(1)), int(found.group(2))
            assert n_failed <= n_total
            total += n_failed
    return total


# ============================================================ cv_results_
@pytest.mark.parametrize("kind", KINDS)
def test_cv_results_keys_shapes_dtypes_and_masks(kind):
    # test_random_search_cv_results / test_halving_random_search_list_of_dicts
    space = [
        {"penalty": ["l2"], "alpha": Real(1e-5, 1e-1, log=True)},
        {"penalty": ["elasticnet"], "n_iter_no_change": Integer(2, 6)},
    ]
    search = make_search(kind, sgd(), space, return_train_score=True, cv=3)
    search.fit(X_IRIS, Y_IRIS)
    results = search.cv_results_
    n_rows = len(results["params"])
    assert n_rows >= 4

    param_keys = {"param_penalty", "param_alpha", "param_n_iter_no_change"}
    score_keys = {
        f"{stat}_{which}_score"
        for stat in ("mean", "std")
        for which in ("test", "train")
    }
    score_keys |= {f"split{k}_{w}_score" for k in range(3) for w in ("test", "train")}
    score_keys |= {"rank_test_score", *TIME_KEYS}
    extra = {
        "bayes": set(),
        "random": set(),
        "hyperband": {"budget", "budget_used", "bracket", "rung"},
        "pbt": {"member", "step", "parent", "budget", "budget_used"},
    }[kind]
    optional = {"subspace"}
    if getattr(search, "resource_", None) not in (None, "n_samples"):
        optional.add(f"param_{search.resource_}")
    keys = set(results)
    required = param_keys | score_keys | extra | {"params"}
    assert required <= keys, f"missing {sorted(required - keys)}"
    assert keys - required <= optional, (
        f"unexpected {sorted(keys - required - optional)}"
    )

    for key in keys - {"params"}:
        assert np.shape(results[key]) == (n_rows,), key
    for key in param_keys:
        assert isinstance(results[key], np.ma.MaskedArray), key
    kinds = {k: results[k].dtype.kind for k in param_keys}
    assert kinds == {
        "param_penalty": "O",
        "param_alpha": "f",
        "param_n_iter_no_change": "i",
    }
    for key in score_keys:
        assert not isinstance(results[key], np.ma.MaskedArray), key
        if key != "rank_test_score":
            assert results[key].dtype == np.float64, key
    assert results["rank_test_score"].dtype == np.int32
    assert np.all(results["rank_test_score"] >= 1)
    assert np.all(results["mean_test_score"] >= 0) and np.all(
        results["mean_test_score"] <= 1
    )
    check_ranks(results)

    # A row shows only the parameters of its own subspace.
    for i in range(n_rows):
        l2 = results["param_penalty"][i] == "l2"
        assert results["param_alpha"].mask[i] == (not l2)
        assert results["param_n_iter_no_change"].mask[i] == l2
        assert set(results["params"][i]) - {getattr(search, "resource_", None)} == (
            {"penalty", "alpha"} if l2 else {"penalty", "n_iter_no_change"}
        )


@pytest.mark.parametrize("kind", KINDS)
def test_cv_results_means_are_unweighted_over_unequal_folds(kind):
    # test_search_default_iid: the mean and std over folds are not weighted
    # by the test fold sizes.
    idx = np.arange(len(Y_IRIS))
    rng = np.random.RandomState(0)
    rng.shuffle(idx)
    cv = [(idx[40:], idx[:40]), (idx[:40], idx[40:])]
    search = make_search(kind, sgd(), SGD_SPACE, cv=cv, return_train_score=True)
    search.fit(X_IRIS, Y_IRIS)
    results = search.cv_results_
    assert search.n_splits_ == 2
    for which in ("test", "train"):
        scores = split_scores(search, which)
        np.testing.assert_allclose(results[f"mean_{which}_score"], scores.mean(axis=1))
        np.testing.assert_allclose(results[f"std_{which}_score"], scores.std(axis=1))


@pytest.mark.parametrize("kind", KINDS)
def test_split_scores_are_the_estimators_scores_on_each_fold(kind):
    # test_grid_search_correct_score_results / test_grid_search_with_multioutput_data:
    # Centroids' predictions depend only on the data and on `shift`, so every
    # row must equal a plain fit of its parameters on the training fold.
    cv = KFold(3, shuffle=True, random_state=0)
    search = make_search(kind, Centroids(), CENTROID_SPACE, cv=cv)
    search.fit(X_MC, Y_MC)
    results = search.cv_results_
    for i, params in enumerate(results["params"]):
        for k, (train, test) in enumerate(cv.split(X_MC, Y_MC)):
            est = clone(Centroids()).set_params(**params).fit(X_MC[train], Y_MC[train])
            expected = est.score(X_MC[test], Y_MC[test])
            assert results[f"split{k}_test_score"][i] == pytest.approx(expected)


@pytest.mark.parametrize("kind", KINDS)
def test_rank_ties_share_the_min_rank(kind):
    # test_search_cv_results_rank_tie_breaking: `opt` does not change the
    # model, so candidates with the same `shift` tie.
    space = {"shift": [0.0, 0.8], "opt": ["a", "b", "c"]}
    search = make_search(kind, Centroids(), space, return_train_score=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X_MC, Y_MC)
    check_ranks(search.cv_results_)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "values",
    [[None, {"option": "A"}, [1, 2]], [np.zeros(2), np.zeros(3)]],
    ids=["none-dict-list", "arrays"],
)
def test_object_valued_params_are_object_arrays(kind, values):
    # test_cv_results_dtype_issue_29074 / test_cv_results_multi_size_array /
    # test_search_cv_results_none_param
    space = {"opt": Categorical(values), "shift": Real(-0.5, 0.5)}
    search = make_search(kind, Centroids(), space).fit(X_MC, Y_MC)
    column = search.cv_results_["param_opt"]
    assert column.dtype == object
    assert all(any(v is c or repr(v) == repr(c) for c in values) for v in column)


# ================================================================ best_*
@pytest.mark.parametrize("kind", KINDS)
def test_best_attributes_and_refit(kind):
    search = make_search(kind, sgd(), SGD_SPACE).fit(X_IRIS, Y_IRIS)
    check_best(search)
    best = search.best_estimator_
    assert isinstance(best, SGDClassifier) and hasattr(best, "coef_")
    assert best.get_params() | search.best_params_ == best.get_params()
    assert search.n_splits_ == 3
    assert isinstance(search.refit_time_, float) and search.refit_time_ >= 0
    assert callable(search.scorer_) and search.multimetric_ is False
    assert search.scorer_(best, X_IRIS, Y_IRIS) == search.score(X_IRIS, Y_IRIS)
    # the estimator given is left unfitted
    assert not hasattr(search.estimator, "coef_")


@pytest.mark.parametrize("kind", KINDS)
def test_refit_uses_a_fresh_clone(kind):
    # test_refit: BrokenClassifier cannot be fit twice.
    make_search(kind, FitOnce(), CENTROID_SPACE, scoring="accuracy").fit(X_MC, Y_MC)


@pytest.mark.parametrize("kind", KINDS)
def test_single_candidate_best_estimator_is_a_plain_fit(kind):
    # test_grid_search_one_grid_point / test_trivial_cv_results_attr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search = make_search(kind, sgd(), {"alpha": [1e-3]}).fit(X_IRIS, Y_IRIS)
    assert search.best_params_["alpha"] == 1e-3
    if kind != "pbt":  # PBT's refit replays the winning schedule
        plain = sgd(alpha=1e-3).fit(X_IRIS, Y_IRIS)
        np.testing.assert_allclose(search.best_estimator_.coef_, plain.coef_)


@pytest.mark.parametrize("kind", KINDS)
def test_refit_false(kind):
    # test_no_refit
    search = make_search(kind, Centroids(), CENTROID_SPACE, refit=False)
    search.fit(X_MC, Y_MC)
    assert not hasattr(search, "best_estimator_")
    assert hasattr(search, "best_index_") and hasattr(search, "best_params_")
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    assert not hasattr(search, "classes_")
    for name in (
        "predict",
        "predict_proba",
        "predict_log_proba",
        "transform",
        "inverse_transform",
    ):
        with pytest.raises(AttributeError, match=f"has no attribute '{name}'") as info:
            getattr(search, name)(X_MC)
        assert isinstance(info.value.__cause__, AttributeError)
        assert (
            f"`refit=False`. {name} is available only after refitting on the best "
            "parameters" in str(info.value.__cause__)
        )


@pytest.mark.parametrize("kind", KINDS)
def test_refit_callable(kind):
    def worst(results):
        return int(np.nanargmin(results["mean_test_score"]))

    search = make_search(kind, sgd(), SGD_SPACE, refit=worst).fit(X_IRIS, Y_IRIS)
    assert search.best_index_ == worst(search.cv_results_)
    assert not hasattr(search, "best_score_")
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    assert hasattr(search.best_estimator_, "coef_")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "refit, error, match",
    [
        (lambda results: None, TypeError, "best_index_ returned is not an integer"),
        (lambda results: -1, IndexError, "best_index_ index out of range"),
        (lambda results: 10_000, IndexError, "best_index_ index out of range"),
    ],
    ids=["none", "negative", "too-large"],
)
def test_refit_callable_invalid_result(kind, refit, error, match):
    search = make_search(kind, Centroids(), CENTROID_SPACE, refit=refit)
    with pytest.raises(error, match=match):
        search.fit(X_MC, Y_MC)


# ============================================================ multi-metric
def _acc_and_recall(est, X, y):
    pred = est.predict(X)
    return {"accuracy": accuracy_score(y, pred), "recall": recall_score(y, pred)}


MULTI_SCORINGS = {
    "list": ["accuracy", "recall"],
    "dict": {"accuracy": "accuracy", "recall": make_scorer(recall_score)},
    "callable": _acc_and_recall,
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("form", list(MULTI_SCORINGS))
def test_multimetric_matches_single_metric(kind, form):
    # test_random_search_cv_results_multimetric /
    # test_callable_multimetric_same_as_list_of_strings: searching on
    # refit="accuracy" with more metrics gives the single-metric search.
    scoring = MULTI_SCORINGS[form]
    multi = make_search(kind, sgd(), SGD_SPACE, scoring=scoring, refit="accuracy")
    single = make_search(kind, sgd(), SGD_SPACE, scoring="accuracy")
    multi.fit(X_BIN, Y_BIN)
    single.fit(X_BIN, Y_BIN)

    assert multi.multimetric_ and not single.multimetric_
    if form != "callable":
        assert sorted(multi.scorer_) == ["accuracy", "recall"]
    rm, rs = multi.cv_results_, single.cv_results_
    for key in ("mean_test_recall", "std_test_recall", "rank_test_recall"):
        assert key in rm
    assert rm["params"] == rs["params"]
    for stat in ("mean_test", "std_test", "rank_test", "split0_test", "split2_test"):
        np.testing.assert_array_equal(rm[f"{stat}_accuracy"], rs[f"{stat}_score"])
    check_ranks(rm, "accuracy")
    check_ranks(rm, "recall")
    assert multi.best_index_ == single.best_index_
    assert multi.best_params_ == single.best_params_
    assert multi.best_score_ == single.best_score_
    check_best(multi, "accuracy")
    np.testing.assert_array_equal(multi.predict(X_BIN), single.predict(X_BIN))
    assert multi.score(X_BIN, Y_BIN) == pytest.approx(single.score(X_BIN, Y_BIN))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("form", list(MULTI_SCORINGS))
def test_multimetric_refit_false_and_invalid_refit(kind, form):
    scoring = MULTI_SCORINGS[form]
    search = make_search(kind, sgd(), SGD_SPACE, scoring=scoring, refit=False)
    search.fit(X_BIN, Y_BIN)
    assert search.multimetric_
    for attr in ("best_index_", "best_params_", "best_score_", "best_estimator_"):
        assert not hasattr(search, attr), attr
    with pytest.raises(AttributeError):
        search.predict(X_BIN)
    check_ranks(search.cv_results_, "accuracy")

    msg = "For multi-metric scoring, the parameter refit must be set to a scorer key"
    for refit in (True, "precision"):
        bad = make_search(kind, sgd(), SGD_SPACE, scoring=scoring, refit=refit)
        with pytest.raises(ValueError, match=msg):
            bad.fit(X_BIN, Y_BIN)


@pytest.mark.parametrize("kind", KINDS)
def test_multimetric_refit_callable(kind):
    # test_refit_callable_multi_metric
    def worst_recall(results):
        assert "mean_test_recall" in results
        return int(np.nanargmin(results["mean_test_recall"]))

    search = make_search(
        kind, sgd(), SGD_SPACE, scoring=["accuracy", "recall"], refit=worst_recall
    ).fit(X_BIN, Y_BIN)
    assert search.best_index_ == worst_recall(search.cv_results_)
    assert not hasattr(search, "best_score_")
    assert hasattr(search, "best_estimator_")


@pytest.mark.parametrize("kind", KINDS)
def test_callable_single_metric_same_as_string(kind):
    # test_callable_single_metric_same_as_single_string
    def recall(est, X, y):
        return recall_score(y, est.predict(X))

    by_callable = make_search(kind, sgd(), SGD_SPACE, scoring=recall).fit(X_BIN, Y_BIN)
    by_name = make_search(kind, sgd(), SGD_SPACE, scoring="recall").fit(X_BIN, Y_BIN)
    assert not by_callable.multimetric_
    assert by_callable.best_index_ == by_name.best_index_
    assert by_callable.best_score_ == pytest.approx(by_name.best_score_)
    assert by_callable.score(X_BIN, Y_BIN) == pytest.approx(by_name.score(X_BIN, Y_BIN))


# ============================================================== delegation
@pytest.mark.parametrize("kind", KINDS)
def test_methods_delegate_to_best_estimator(kind):
    # test_grid_search / test_transform_inverse_transform_round_trip /
    # test_search_cv_score_samples_method
    search = make_search(kind, Centroids(), CENTROID_SPACE).fit(X_MC, Y_MC)
    best = search.best_estimator_
    for name in (
        "predict",
        "predict_proba",
        "predict_log_proba",
        "decision_function",
        "transform",
        "inverse_transform",
        "score_samples",
    ):
        np.testing.assert_allclose(
            getattr(search, name)(X_MC), getattr(best, name)(X_MC)
        )
    np.testing.assert_allclose(search.inverse_transform(search.transform(X_MC)), X_MC)
    assert search.score(X_MC, Y_MC) == pytest.approx(best.score(X_MC, Y_MC))
    np.testing.assert_array_equal(search.classes_, best.classes_)


@pytest.mark.parametrize("kind", KINDS)
def test_score_samples_missing_on_the_estimator(kind):
    # test_search_cv_score_samples_error
    search = make_search(kind, sgd(), SGD_SPACE).fit(X_IRIS, Y_IRIS)
    outer = f"'{type(search).__name__}' has no attribute 'score_samples'"
    with pytest.raises(AttributeError, match=outer) as info:
        search.score_samples(X_IRIS)
    assert isinstance(info.value.__cause__, AttributeError)
    assert "'SGDClassifier' object has no attribute 'score_samples'" == str(
        info.value.__cause__
    )


@pytest.mark.parametrize("kind", KINDS)
def test_score_uses_the_scoring_not_the_estimator_score(kind):
    # test_grid_search_score_method
    search = make_search(kind, Centroids(), CENTROID_SPACE, scoring="roc_auc")
    search.fit(X_BIN, Y_BIN)
    expected = roc_auc_score(Y_BIN, search.best_estimator_.decision_function(X_BIN))
    assert search.score(X_BIN, Y_BIN) == pytest.approx(expected)
    assert search.score(X_BIN, Y_BIN) != pytest.approx(
        search.best_estimator_.score(X_BIN, Y_BIN)
    )


@pytest.mark.parametrize("kind", KINDS)
def test_estimator_without_score(kind):
    # test_grid_search_no_score
    with_scoring = make_search(kind, NoScore(), CENTROID_SPACE, scoring="accuracy")
    with_scoring.fit(X_MC, Y_MC)
    reference = make_search(kind, Centroids(), CENTROID_SPACE, scoring="accuracy")
    reference.fit(X_MC, Y_MC)
    assert with_scoring.best_params_ == reference.best_params_
    assert with_scoring.score(X_MC, Y_MC) == reference.score(X_MC, Y_MC)
    with pytest.raises(TypeError, match="no scoring"):
        make_search(kind, NoScore(), CENTROID_SPACE).fit(X_MC, Y_MC)


@pytest.mark.parametrize("kind", KINDS)
def test_predict_proba_follows_the_best_loss(kind):
    # test_stochastic_gradient_loss_param / test_predict_proba_disabled
    search = make_search(kind, sgd(loss="hinge"), {"loss": ["log_loss"]})
    assert not hasattr(search, "predict_proba")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X_IRIS, Y_IRIS)
    assert search.predict_proba(X_IRIS).shape == (150, 3)
    search.predict_log_proba(X_IRIS)

    search = make_search(kind, sgd(loss="hinge"), {"loss": ["hinge"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X_IRIS, Y_IRIS)
    assert not hasattr(search, "predict_proba")


@pytest.mark.parametrize("kind", KINDS)
def test_classes_(kind):
    # test_classes__property
    search = make_search(kind, sgd(), SGD_SPACE)
    assert not hasattr(search, "classes_")
    search.fit(X_IRIS, Y_IRIS)
    np.testing.assert_array_equal(search.classes_, search.best_estimator_.classes_)
    np.testing.assert_array_equal(search.classes_, [0, 1, 2])
    no_refit = make_search(kind, sgd(), SGD_SPACE, refit=False).fit(X_IRIS, Y_IRIS)
    assert not hasattr(no_refit, "classes_")


@pytest.mark.parametrize("kind", KINDS)
def test_n_features_in_and_feature_names_in_with_pandas(kind):
    # test_n_features_in / test_pandas_input: the DataFrame reaches the
    # estimator as a DataFrame, and the search reports its columns.
    pd = pytest.importorskip("pandas")
    columns = ["a", "b", "c", "d"]
    X = pd.DataFrame(X_MC, columns=columns)
    y = pd.Series(Y_MC)
    search = make_search(kind, Centroids(), CENTROID_SPACE)
    assert not hasattr(search, "n_features_in_")
    assert not hasattr(search, "feature_names_in_")
    search.fit(X, y)
    assert search.n_features_in_ == 4
    np.testing.assert_array_equal(search.feature_names_in_, columns)
    fit_types = {t for method, t, _, _ in Centroids.LOG if method != "predict"}
    assert fit_types == {"DataFrame"}
    Centroids.LOG.clear()
    search.predict(X)
    search.score(X, y)
    assert {t for _, t, _, _ in Centroids.LOG} == {"DataFrame"}


@pytest.mark.parametrize("kind", KINDS)
def test_list_and_sparse_inputs(kind):
    # test_X_as_list / test_y_as_list / test_grid_search_sparse
    search = make_search(kind, sgd(), SGD_SPACE)
    search.fit(X_IRIS.tolist(), Y_IRIS.tolist())
    assert search.predict(X_IRIS.tolist()).shape == (150,)
    search = make_search(kind, sgd(), SGD_SPACE).fit(sparse.csr_matrix(X_IRIS), Y_IRIS)
    assert search.predict(sparse.csr_matrix(X_IRIS)).shape == (150,)
    assert np.isfinite(search.best_score_)


@pytest.mark.parametrize("kind", KINDS)
def test_inconsistent_lengths_raise(kind):
    # test_grid_search_error
    with pytest.raises(ValueError):
        make_search(kind, sgd(), SGD_SPACE).fit(X_IRIS[:100], Y_IRIS)


@pytest.mark.parametrize("kind", KINDS)
def test_empty_data_raises(kind):
    # test_min_resources_null
    with pytest.raises(ValueError):
        make_search(kind, Centroids(), CENTROID_SPACE).fit(np.empty((0, 3)), [])


# ============================================================ error_score
def _failure_space(name="fail"):
    # Four points: every search (n_iter=4, 4 PBT members, Hyperband's many
    # configurations) draws both a failing and a working candidate.
    return {name: [False, True], "opt": ["a", "b"]}


@pytest.mark.parametrize("kind", KINDS)
def test_error_score_numeric_warns_and_records_failures(kind):
    # test_grid_search_failing_classifier / test_search_cv_timing
    search = make_search(kind, Centroids(), _failure_space(), error_score=-1.0)
    with pytest.warns(
        FitFailedWarning, match="fits failed out of a total of"
    ) as records:
        search.fit(X_MC, Y_MC)
    results = search.cv_results_
    failed = np.array([p["fail"] for p in results["params"]])
    assert failed.any() and (~failed).any()
    scores = split_scores(search)
    assert np.all(scores[failed] == -1.0)
    assert np.all(scores[~failed] >= 0)
    assert n_failed_from_warnings(records) == scores[failed].size
    for key in TIME_KEYS:
        assert np.all(np.isfinite(results[key])), key
        assert np.all(results[key] >= 0), key
    check_ranks(results)
    assert not search.best_params_["fail"]
    assert isinstance(search.refit_time_, float) and search.refit_time_ >= 0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fail_at", ["fit", "predict"])
def test_error_score_nan_ranks_failures_last(kind, fail_at):
    # test_nan_handling (successive halving)
    name = "fail" if fail_at == "fit" else "fail_predict"
    search = make_search(kind, Centroids(), _failure_space(name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # FitFailedWarning and scoring
        search.fit(X_MC, Y_MC)
    results = search.cv_results_
    mean = results["mean_test_score"]
    assert np.isnan(mean).any()
    check_ranks(results)
    assert not search.best_params_[name]
    assert np.isfinite(search.best_score_)
    for key in TIME_KEYS:
        assert np.all(np.isfinite(results[key])), key


@pytest.mark.parametrize("kind", KINDS)
def test_error_score_raise(kind):
    # test_grid_search_failing_classifier_raise
    search = make_search(kind, Centroids(), _failure_space(), error_score="raise")
    with pytest.raises(ValueError, match="Centroids failed as required"):
        search.fit(X_MC, Y_MC)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "scoring", ["accuracy", _acc_and_recall], ids=["single", "callable-dict"]
)
def test_all_fits_failing_raises(kind, scoring):
    # test_grid_search_classifier_all_fits_fail /
    # test_callable_multimetric_clf_all_fits_fail
    refit = True if scoring == "accuracy" else False
    search = make_search(
        kind,
        Centroids(fail=True),
        CENTROID_SPACE,
        scoring=scoring,
        refit=refit,
        error_score=0.0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(ValueError, match=r"(?i)all.*fail"):
            search.fit(X_BIN, Y_BIN)


@pytest.mark.parametrize("kind", KINDS)
def test_callable_multimetric_with_failing_fits(kind):
    # test_callable_multimetric_error_failing_clf
    def constant(est, X, y):
        return {"acc": 1.0}

    search = make_search(
        kind,
        Centroids(),
        _failure_space(),
        scoring=constant,
        refit=False,
        error_score=0.1,
    )
    with pytest.warns(FitFailedWarning, match="fits failed out of a total of"):
        search.fit(X_MC, Y_MC)
    results = search.cv_results_
    failed = np.array([p["fail"] for p in results["params"]])
    np.testing.assert_allclose(results["mean_test_acc"], np.where(failed, 0.1, 1.0))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("return_train_score", [False, True])
def test_non_finite_scores_warn_and_rank_last(kind, return_train_score):
    # test_searchcv_raise_warning_with_non_finite_score
    class SometimesNaN:
        def __init__(self):
            self.n_calls = 0

        def __call__(self, est, X, y):
            self.n_calls += 1
            return (
                np.nan if self.n_calls % 5 == 0 else accuracy_score(y, est.predict(X))
            )

    search = make_search(
        kind,
        Centroids(),
        CENTROID_SPACE,
        scoring=SometimesNaN(),
        return_train_score=return_train_score,
    )
    with pytest.warns(UserWarning, match="non-finite"):
        search.fit(X_MC, Y_MC)
    results = search.cv_results_
    assert np.isnan(results["mean_test_score"]).any()
    check_ranks(results)


# ==================================================== return_train_score
@pytest.mark.parametrize("kind", KINDS)
def test_return_train_score(kind):
    # test_search_train_scores_set_to_false
    search = make_search(kind, sgd(), SGD_SPACE).fit(X_IRIS, Y_IRIS)
    assert not any("train" in key for key in search.cv_results_)
    search = make_search(kind, sgd(), SGD_SPACE, return_train_score=True)
    search.fit(X_IRIS, Y_IRIS)
    train = split_scores(search, "train")
    assert np.all((train >= 0) & (train <= 1))
    np.testing.assert_allclose(
        search.cv_results_["mean_train_score"], train.mean(axis=1)
    )


# ============================================== pickling, clone, params
@pytest.mark.parametrize("kind", KINDS)
def test_pickle(kind):
    # test_pickle
    search = make_search(kind, Centroids(), CENTROID_SPACE)
    pickle.loads(pickle.dumps(search))
    search.fit(X_MC, Y_MC)
    restored = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(restored.predict(X_MC), search.predict(X_MC))
    assert_same_results(restored, search)
    assert restored.best_params_ == search.best_params_


@pytest.mark.parametrize("kind", KINDS)
def test_clone_get_params_set_params(kind):
    search = make_search(kind, Centroids(), CENTROID_SPACE)
    params = search.get_params(deep=False)
    for name in (
        "estimator",
        "scoring",
        "n_jobs",
        "refit",
        "cv",
        "verbose",
        "error_score",
        "return_train_score",
    ):
        assert name in params, name
    deep = search.get_params(deep=True)
    assert deep["estimator__shift"] == 0.0
    assert search.set_params(estimator__max_iter=3) is search
    assert search.estimator.max_iter == 3

    copy = clone(search)
    assert copy is not search and copy.estimator is not search.estimator
    assert set(copy.get_params(deep=False)) == set(params)
    assert not hasattr(copy, "cv_results_")
    search.fit(X_MC, Y_MC)
    copy.fit(X_MC, Y_MC)
    assert_same_results(copy, search)
    # cloning a fitted search gives an unfitted one
    assert not hasattr(clone(search), "cv_results_")


@pytest.mark.parametrize("kind", KINDS)
def test_repr_and_html_repr(kind):
    # test_search_html_repr (smoke)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", Centroids())])
    search = make_search(kind, pipe, {"clf__shift": Real(-1, 1)})
    assert "Centroids" in repr(search)
    with sklearn.config_context(display="diagram"):
        assert "Centroids" in search._repr_html_()
        search.fit(X_MC, Y_MC)
        assert "Centroids" in search._repr_html_()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("pairwise", [True, False])
def test_pairwise_tag_is_the_estimators(kind, pairwise):
    # test_search_cv_pairwise_property_delegated_to_base_estimator
    metric = "precomputed" if pairwise else "euclidean"
    search = make_search(
        kind, KNeighborsClassifier(metric=metric), {"n_neighbors": [1, 3]}
    )
    assert search.__sklearn_tags__().input_tags.pairwise is pairwise


# =================================================================== cv
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "cv_kind", ["generator", "list", "one-time", "shuffled-generator"]
)
def test_cv_iterables_give_the_splitters_results(kind, cv_kind):
    # test_grid_search_cv_splits_consistency
    X, y = X_BIN, Y_BIN
    if cv_kind == "shuffled-generator":
        splitter = KFold(3, shuffle=True, random_state=0)
        cv = splitter.split(X, y)
    else:
        splitter = KFold(3)
        cv = {
            "generator": lambda: KFold(3).split(X, y),
            "list": lambda: list(KFold(3).split(X, y)),
            "one-time": lambda: OneTimeSplitter(3, len(y)),
        }[cv_kind]()
    reference = make_search(kind, Centroids(), CENTROID_SPACE, cv=splitter).fit(X, y)
    search = make_search(kind, Centroids(), CENTROID_SPACE, cv=cv).fit(X, y)
    assert search.n_splits_ == 3
    assert_same_results(search, reference)


@pytest.mark.parametrize("kind", KINDS)
def test_cv_int_is_stratified_for_classifiers(kind):
    search = make_search(kind, Centroids(), CENTROID_SPACE, cv=2).fit(X_MC, Y_MC)
    assert search.n_splits_ == 2
    reference = make_search(kind, Centroids(), CENTROID_SPACE, cv=StratifiedKFold(2))
    assert_same_results(search, reference.fit(X_MC, Y_MC))


@pytest.mark.parametrize("kind", KINDS)
def test_groups_are_passed_to_the_splitter(kind):
    # test_grid_search_groups / test_groups_support
    groups = np.random.RandomState(0).randint(0, 6, len(Y_MC))
    search = make_search(kind, Centroids(), CENTROID_SPACE, cv=GroupKFold(3))
    with pytest.raises(ValueError, match="The 'groups' parameter should not be None."):
        search.fit(X_MC, Y_MC)
    search.fit(X_MC, Y_MC, groups=groups)
    assert search.n_splits_ == 3
    splits = list(GroupKFold(3).split(X_MC, Y_MC, groups))
    reference = make_search(kind, Centroids(), CENTROID_SPACE, cv=splits).fit(
        X_MC, Y_MC
    )
    assert_same_results(search, reference)


@pytest.mark.parametrize("kind", KINDS)
def test_exhausted_cv_iterator_raises(kind):
    # test_empty_cv_iterator_error
    cv = KFold(3).split(X_MC)
    list(cv)
    with pytest.raises(ValueError):
        make_search(kind, Centroids(), CENTROID_SPACE, cv=cv).fit(X_MC, Y_MC)


# =========================================================== fit params
@pytest.mark.parametrize("kind", KINDS)
def test_fit_params_are_sliced_per_fold(kind):
    # test_SearchCV_with_fit_params / test_scalar_fit_param(_compat)
    weights = np.random.RandomState(0).randint(1, 4, len(Y_MC)).astype(float)
    pair = (X_MC[:5], Y_MC[:5])

    def hook():
        pass

    search = make_search(kind, Centroids(), CENTROID_SPACE)
    search.fit(X_MC, Y_MC, sample_weight=weights, r=42, pair=pair, hook=hook)
    calls = [c for c in Centroids.LOG if c[0] != "predict"]
    assert calls
    for _, _, n_rows, w in calls:
        assert w is not None and len(w) == n_rows
    assert any(n_rows < len(Y_MC) for _, _, n_rows, _ in calls)  # the folds
    best = search.best_estimator_
    assert best.fit_params_["r"] == 42
    assert isinstance(best.fit_params_["pair"], tuple)
    assert best.fit_params_["pair"][0].shape == (5, 4)
    assert best.fit_params_["hook"] is hook


SKLEARN_VERSION = tuple(int(v) for v in re.findall(r"\d+", sklearn.__version__)[:2])
# scikit-learn 1.7 started to pass fit's sample_weight to the scorers
needs_weighted_scoring = pytest.mark.skipif(
    SKLEARN_VERSION < (1, 7), reason="scorers get sample_weight from 1.7 on"
)


@needs_weighted_scoring
@pytest.mark.parametrize("kind", KINDS)
def test_sample_weight_reaches_the_scorer(kind):
    cv = KFold(3, shuffle=True, random_state=0)
    weights = np.random.RandomState(1).randint(1, 5, len(Y_MC)).astype(float)
    search = make_search(kind, Centroids(), CENTROID_SPACE, cv=cv)
    search.fit(X_MC, Y_MC, sample_weight=weights)
    params = search.cv_results_["params"][0]
    for k, (train, test) in enumerate(cv.split(X_MC, Y_MC)):
        est = Centroids().set_params(**params)
        est.fit(X_MC[train], Y_MC[train], sample_weight=weights[train])
        expected = accuracy_score(
            Y_MC[test], est.predict(X_MC[test]), sample_weight=weights[test]
        )
        assert search.cv_results_[f"split{k}_test_score"][0] == pytest.approx(expected)


def _fake_metric(y_true, y_pred):
    return 0.5


def _fake_callable(est, X, y):
    return _fake_metric(y, est.predict(X))


@needs_weighted_scoring
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "scoring, refit, match",
    [
        (_fake_callable, True, "does not support sample_weight"),
        (make_scorer(_fake_metric), True, "does not support sample_weight"),
        (
            {"fake": make_scorer(_fake_metric), "accuracy": "accuracy"},
            False,
            r"The scoring fake=.* does not support sample_weight",
        ),
    ],
    ids=["function", "scorer", "multimetric"],
)
def test_scorer_without_sample_weight_warns(kind, scoring, refit, match):
    # test_unsupported_sample_weight_scorer
    search = make_search(
        kind, Centroids(), CENTROID_SPACE, scoring=scoring, refit=refit
    )
    with pytest.warns(UserWarning, match=match):
        search.fit(X_MC, Y_MC, sample_weight=np.ones(len(Y_MC)))


# ====================================================== metadata routing
@pytest.mark.parametrize("kind", KINDS)
def test_metadata_routing_to_estimator_and_scorer(kind):
    # test_multi_metric_search_forwards_metadata
    from sklearn.tests.metadata_routing_common import (
        ConsumingScorer,
        _Registry,
        check_recorded_metadata,
    )

    rng = np.random.RandomState(0)
    n = len(Y_BIN)
    sample_weight = rng.rand(n)
    score_weights = rng.rand(n)
    score_metadata = rng.rand(n)
    registry = _Registry()
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = ConsumingScorer(registry=registry).set_score_request(
            sample_weight="score_weights", metadata="score_metadata"
        )
        accuracy = make_scorer(accuracy_score).set_score_request(sample_weight=False)
        est = Centroids().set_fit_request(sample_weight=True)
        search = make_search(
            kind,
            est,
            CENTROID_SPACE,
            scoring={"my_scorer": scorer, "accuracy": accuracy},
            refit="accuracy",
        )
        search.fit(
            X_BIN,
            Y_BIN,
            sample_weight=sample_weight,
            score_weights=score_weights,
            score_metadata=score_metadata,
        )
    assert len(registry)
    for _scorer in registry:
        check_recorded_metadata(
            obj=_scorer,
            method="consuming_metric",
            parent="fit",
            split_params=("sample_weight", "metadata"),
            sample_weight=score_weights,
            metadata=score_metadata,
        )
    calls = [c for c in Centroids.LOG if c[0] != "predict"]
    assert calls
    for _, _, n_rows, w in calls:
        assert w is not None and len(w) == n_rows
        assert np.isin(w, sample_weight).all()


@pytest.mark.parametrize("kind", KINDS)
def test_metadata_routing_unrequested_metadata_raises(kind):
    from sklearn.exceptions import UnsetMetadataPassedError

    with sklearn.config_context(enable_metadata_routing=True):
        search = make_search(kind, Centroids(), CENTROID_SPACE)
        with pytest.raises(UnsetMetadataPassedError):
            search.fit(X_BIN, Y_BIN, sample_weight=np.ones(len(Y_BIN)))


@pytest.mark.parametrize("kind", KINDS)
def test_score_rejects_params_without_routing(kind):
    # test_score_rejects_params_with_no_routing_enabled
    search = make_search(kind, Centroids(), CENTROID_SPACE).fit(X_BIN, Y_BIN)
    with pytest.raises(ValueError, match="is only supported if"):
        search.score(X_BIN, Y_BIN, metadata=1)


# ================================================== n_jobs and verbose
@pytest.mark.parametrize("kind", KINDS)
def test_n_jobs_gives_the_same_results(kind):
    one = make_search(kind, sgd(), SGD_SPACE, n_jobs=1).fit(X_IRIS, Y_IRIS)
    two = make_search(kind, sgd(), SGD_SPACE, n_jobs=2).fit(X_IRIS, Y_IRIS)
    assert_same_results(one, two)
    assert one.best_params_ == two.best_params_
    np.testing.assert_array_equal(one.predict(X_IRIS), two.predict(X_IRIS))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("verbose", [1, 2, 3])
def test_verbose_with_n_jobs(kind, verbose, capsys):
    # test_search_cv_verbose_3 / test_search_with_2d_array (n_jobs=2, verbose=1)
    search = make_search(kind, sgd(), SGD_SPACE, n_jobs=2, verbose=verbose)
    search.fit(X_IRIS, Y_IRIS)
    assert np.isfinite(search.best_score_)
    capsys.readouterr()


@pytest.mark.parametrize("kind", KINDS)
def test_verbose_0_is_quiet(kind, capsys):
    make_search(kind, sgd(), SGD_SPACE, verbose=0).fit(X_IRIS, Y_IRIS)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


# =================================================== parameter names
@pytest.mark.parametrize("kind", KINDS)
def test_set_params_may_accept_more_than_get_params(kind):
    # FastClassifier-style estimators (and skorch's routed prefixes): the
    # names a search may set are those set_params accepts.
    space = {"x_gain": Real(0.0, 1.0), "shift": Real(-1.0, 1.0)}
    search = make_search(kind, Lenient(), space).fit(X_MC, Y_MC)
    assert "x_gain" in search.best_params_
    assert search.best_estimator_.extras["x_gain"] == search.best_params_["x_gain"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "estimator, space",
    [
        (Centroids(), {"nonexistent": [1, 2]}),
        (Pipeline([("clf", Centroids())]), {"clf__nonexistent": Real(0, 1)}),
    ],
    ids=["plain", "pipeline"],
)
def test_invalid_parameter_names_raise_before_any_fit(kind, estimator, space):
    search = make_search(kind, estimator, space)
    with pytest.raises(ValueError, match="nonexistent"):
        search.fit(X_MC, Y_MC)
    assert not [c for c in Centroids.LOG if c[0] != "predict"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "space", [{"shift": 1}, {"shift": []}], ids=["scalar", "empty-list"]
)
def test_bad_space_values_raise(kind, space):
    # test_grid_search_bad_param_grid
    with pytest.raises((TypeError, ValueError)):
        make_search(kind, Centroids(), space).fit(X_MC, Y_MC)
    assert not [c for c in Centroids.LOG if c[0] != "predict"]


@pytest.mark.parametrize("kind", KINDS)
def test_range_as_choices(kind):
    # test_grid_search_when_param_grid_includes_range
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search = make_search(kind, Centroids(), {"opt": range(1, 4)}).fit(X_MC, Y_MC)
    assert set(search.cv_results_["param_opt"]) <= {1, 2, 3}


@pytest.mark.parametrize("kind", KINDS)
def test_invalid_scoring_raises(kind):
    search = make_search(kind, Centroids(), CENTROID_SPACE, scoring="sklearn")
    with pytest.raises(ValueError):
        search.fit(X_MC, Y_MC)


# ========================================================== empty space
@pytest.mark.parametrize("kind", KINDS)
def test_empty_space_evaluates_the_estimator_once(kind):
    # GridSearchCV(est, {}) evaluates the estimator as given, once.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search = make_search(kind, sgd(), {}).fit(X_IRIS, Y_IRIS)
    results = search.cv_results_
    resource = getattr(search, "resource_", None)
    assert all(set(p) <= {resource} for p in results["params"])
    budgets = results.get("budget", np.zeros(len(results["params"])))
    assert len(budgets) == len(set(np.asarray(budgets).tolist())), (
        f"{len(budgets)} evaluations of one configuration at budgets {list(budgets)}"
    )
    assert set(search.best_params_) <= {resource}
    if kind != "pbt":  # PBT's refit replays the schedule with partial_fit
        plain = sgd().fit(X_IRIS, Y_IRIS)
        np.testing.assert_allclose(search.best_estimator_.coef_, plain.coef_)


# =============================================================== nested
@pytest.mark.parametrize("kind", KINDS)
def test_nested_cross_validation(kind):
    search = make_search(kind, sgd(), SGD_SPACE, cv=2)
    scores = cross_val_score(search, X_IRIS, Y_IRIS, cv=2)
    assert scores.shape == (2,) and np.all(np.isfinite(scores))
    assert not hasattr(search, "cv_results_")


# ============================================================= pipelines
@pytest.mark.parametrize("kind", KINDS)
def test_pipeline_step_swapping(kind):
    # test_grid_search_pipeline_steps / test_search_estimator_param /
    # test_search_with_estimators_issue_29157
    choices = [sgd(), Perceptron(max_iter=4, tol=None, random_state=0)]
    space = {"clf": Categorical(choices), "clf__alpha": Real(1e-5, 1e-2, log=True)}
    pipe = Pipeline([("scale", StandardScaler()), ("clf", sgd())])
    search = make_search(kind, pipe, space)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitFailedWarning)
        search.fit(X_IRIS, Y_IRIS)
    column = search.cv_results_["param_clf"]
    assert column.dtype == object
    for value in column:
        assert type(value) in (SGDClassifier, Perceptron)
        assert not hasattr(value, "coef_")
        assert value is not search.best_estimator_.named_steps["clf"]
    for choice in choices:  # the space is left alone
        assert not hasattr(choice, "coef_")
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    best = search.best_estimator_.named_steps["clf"]
    assert isinstance(best, type(search.best_params_["clf"]))
    assert best.alpha == search.best_params_["clf__alpha"]
    assert hasattr(best, "coef_")


@pytest.mark.parametrize("kind", ["bayes", "hyperband"])
def test_pipeline_step_swapping_between_batch_estimators(kind):
    # The brief's form: swap an SVC for a LogisticRegression. Hyperband budgets
    # those (which cannot continue) by rows.
    pipe = Pipeline([("scale", StandardScaler()), ("clf", SVC())])
    space = [
        {"clf": [SVC()], "clf__C": Real(0.1, 10.0, log=True)},
        {"clf": [LogisticRegression()], "clf__C": Real(0.1, 10.0, log=True)},
    ]
    extra = {"resource": "n_samples"} if kind == "hyperband" else {}
    search = make_search(kind, pipe, space, cv=2, **extra).fit(X_IRIS, Y_IRIS)
    types = {type(v) for v in search.cv_results_["param_clf"]}
    assert types <= {SVC, LogisticRegression}
    assert search.best_estimator_.named_steps["clf"].C == search.best_params_["clf__C"]


@pytest.mark.parametrize("kind", KINDS)
def test_single_step_pipeline(kind):
    # test_grid_search_allows_nans uses pipelines; a pipeline of one step is
    # still a pipeline.
    search = make_search(
        kind, Pipeline([("clf", sgd())]), {"clf__alpha": Real(1e-5, 1e-1, log=True)}
    )
    search.fit(X_IRIS, Y_IRIS)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    check_best(search)


@pytest.mark.parametrize("kind", KINDS)
def test_text_pipeline_with_tuple_valued_params(kind):
    # test_search_with_2d_array: a list of strings as X, tuples as values.
    words = [["red", "green", "blue", "cyan"], ["cat", "dog", "fish", "bird"]]
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, 40)
    docs = [" ".join(rng.choice(words[label], 3)) for label in y]
    pipe = Pipeline([("vect", TfidfVectorizer()), ("clf", sgd())])
    space = {
        "vect__ngram_range": [(1, 1), (1, 2)],
        "vect__norm": ["l1", "l2"],
        "clf__alpha": Real(1e-4, 1e-2, log=True),
    }
    search = make_search(kind, pipe, space, cv=2).fit(docs, y)
    column = search.cv_results_["param_vect__ngram_range"]
    assert column.dtype == object
    assert all(
        value in [(1, 1), (1, 2)] and isinstance(value, tuple) for value in column
    )
    assert search.predict(docs).shape == (40,)


@pytest.mark.parametrize("kind", KINDS)
def test_pipeline_allows_nans(kind):
    # test_grid_search_allows_nans: NaNs reach an imputing first step.
    X = X_MC.copy()
    X[::7, 1] = np.nan
    pipe = Pipeline([("impute", SimpleImputer()), ("clf", Centroids())])
    search = make_search(kind, pipe, {"clf__shift": Real(-1.0, 1.0)}).fit(X, Y_MC)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.predict(X).shape == (len(Y_MC),)


@pytest.mark.parametrize("kind", BATCH_KINDS)
@pytest.mark.parametrize("Predictor", [MinimalRegressor, MinimalClassifier])
def test_minimal_compatible_estimator(kind, Predictor):
    # test_search_cv_using_minimal_compatible_estimator: estimators that do
    # not inherit from BaseEstimator.
    rng = np.random.RandomState(0)
    X, y = rng.randn(60, 2), np.array([0] * 12 + [1] * 48)
    model = Pipeline(
        [("transformer", MinimalTransformer()), ("predictor", Predictor())]
    )
    space = {"transformer__param": [1, 10], "predictor__parama": [1, 10]}
    search = make_search(
        kind, model, space, error_score="raise", **batch_options(kind)
    ).fit(X, y)
    assert search.best_params_.keys() == space.keys()
    y_pred = search.predict(X)
    if Predictor is MinimalClassifier:
        np.testing.assert_array_equal(y_pred, 1)
        assert search.score(X, y) == pytest.approx(accuracy_score(y, y_pred))
    else:
        np.testing.assert_allclose(y_pred, y.mean())
        assert search.score(X, y) == pytest.approx(r2_score(y, y_pred))


@pytest.mark.parametrize("kind", BATCH_KINDS)
def test_precomputed_pairwise_input(kind):
    # test_search_cv_pairwise_property_equivalence_of_precomputed /
    # test_grid_search_precomputed_kernel: a square pairwise X is split on
    # both axes.
    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    D = euclidean_distances(X)
    space = {"n_neighbors": Integer(1, 9)}
    options = {"cv": 2, **batch_options(kind)}
    plain = make_search(kind, KNeighborsClassifier(), space, **options).fit(X, y)
    pre = make_search(
        kind, KNeighborsClassifier(metric="precomputed"), space, **options
    ).fit(D, y)
    np.testing.assert_allclose(
        pre.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(pre.predict(D), plain.predict(X))


@needs_weighted_scoring
@pytest.mark.parametrize("kind", [k for k in KINDS if k in ("bayes", "random")])
def test_sample_weight_equivalent_to_repetition(kind):
    # test_search_cv_sample_weight_equivalence, for the searches that fit
    # from scratch on whole folds (not continued models, not row budgets).
    rng = np.random.RandomState(42)
    X = rng.rand(40, 8)
    y = rng.rand(40)
    weights = rng.randint(0, 5, size=40)
    groups = np.tile(np.arange(4), 10)
    space = {"alpha": [1.0, 0.1, 0.01]}

    def search_on(X, y, groups, **fit_params):
        cv = list(LeaveOneGroupOut().split(X, groups=groups))
        search = make_search(kind, Ridge(), space, n_iter=3, cv=cv)
        return search.fit(X, y, **fit_params)

    weighted = search_on(X, y, groups, sample_weight=weights)
    repeated = search_on(
        X.repeat(weights, axis=0), y.repeat(weights), groups.repeat(weights)
    )
    for key in results_without_times(weighted):
        if key.endswith("score"):
            np.testing.assert_allclose(
                weighted.cv_results_[key], repeated.cv_results_[key], err_msg=key
            )
    assert weighted.best_index_ == repeated.best_index_
    assert weighted.best_score_ == pytest.approx(repeated.best_score_)
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X))


# ================================================ other kinds of models
@pytest.mark.parametrize("kind", KINDS)
def test_regressor(kind):
    X, y = make_regression(n_samples=90, n_features=4, noise=1.0, random_state=0)
    est = SGDRegressor(max_iter=4, tol=None, random_state=0)
    search = make_search(kind, est, SGD_SPACE).fit(X, y)
    assert not hasattr(search, "classes_")
    check_best(search)
    assert search.score(X, y) == pytest.approx(r2_score(y, search.predict(X)))
    search = make_search(kind, est, SGD_SPACE, scoring="neg_mean_squared_error")
    search.fit(X, y)
    assert search.best_score_ <= 0


@pytest.mark.parametrize("kind", KINDS)
def test_multioutput_regressor(kind):
    # test_grid_search_with_multioutput_data (smoke)
    X, y = make_regression(n_samples=80, n_features=4, n_targets=2, random_state=0)
    est = MLPRegressor(hidden_layer_sizes=(4,), max_iter=4, random_state=0)
    search = make_search(kind, est, {"alpha": Real(1e-5, 1e-1, log=True)}).fit(X, y)
    assert search.predict(X).shape == (80, 2)
    assert np.all(np.isfinite(split_scores(search)))


@pytest.mark.parametrize("kind", KINDS)
def test_unsupervised(kind):
    # test_unsupervised_grid_search / test_gridsearch_no_predict
    est = MiniBatchKMeans(
        n_clusters=3, batch_size=32, max_iter=4, n_init=1, random_state=0
    )
    space = {"reassignment_ratio": Real(1e-3, 1e-1, log=True)}
    search = make_search(kind, est, space).fit(X_IRIS)  # y=None: est.score
    assert np.isfinite(search.best_score_) and search.best_score_ <= 0
    assert search.predict(X_IRIS).shape == (150,)
    assert search.transform(X_IRIS).shape == (150, 3)

    def neg_inertia(estimator, X):
        return estimator.score(X)

    by_callable = make_search(kind, est, space, scoring=neg_inertia).fit(X_IRIS)
    np.testing.assert_allclose(
        by_callable.cv_results_["mean_test_score"],
        search.cv_results_["mean_test_score"],
    )
    supervised = make_search(
        kind,
        est,
        space,
        scoring=["adjusted_rand_score", "fowlkes_mallows_score"],
        refit="adjusted_rand_score",
    ).fit(X_IRIS, Y_IRIS)
    check_best(supervised, "adjusted_rand_score")


# ============================================================= callbacks
def _callback_tools():
    version = tuple(int(v) for v in re.findall(r"\d+", sklearn.__version__)[:2])
    if version < (1, 9):
        pytest.skip("sklearn.callback needs scikit-learn >= 1.9")
    utils = pytest.importorskip("sklearn.callback.tests._utils")
    return utils.RecordingCallback


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("refit", [False, True])
def test_callbacks_fire_per_candidate_and_split(kind, refit):
    # test_search_callbacks_no_propagation /
    # test_search_callbacks_receive_search_instance
    RecordingCallback = _callback_tools()
    callback = RecordingCallback()
    search = make_search(kind, sgd(), SGD_SPACE, cv=2, refit=refit)
    assert search.set_callbacks(callback) is search
    search.fit(X_IRIS, Y_IRIS)
    assert callback.count_hooks("setup") == 1
    assert callback.count_hooks("teardown") == 1
    assert callback.count_hooks("on_fit_task_begin") == callback.count_hooks(
        "on_fit_task_end"
    )
    for entry in callback.record:
        assert entry["estimator"] is search
    n_evaluations = len(search.cv_results_["params"]) * search.n_splits_
    leaves = [
        entry
        for entry in callback.record
        if entry["name"] == "on_fit_task_end"
        and entry["context"].max_subtasks == 0
        and entry["context"].parent is not None
        and entry["context"].task_name != "refit-with-best-params"
    ]
    assert len(leaves) >= n_evaluations
    roots = [
        e
        for e in callback.record
        if e["name"] == "on_fit_task_end" and e["context"].parent is None
    ]
    assert len(roots) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_callbacks_with_partial_failures(kind):
    # test_search_callbacks_with_partial_fit_failures
    RecordingCallback = _callback_tools()
    callback = RecordingCallback()
    search = make_search(
        kind, Centroids(), _failure_space(), cv=2, refit=False, error_score=0.0
    ).set_callbacks(callback)
    with pytest.warns(FitFailedWarning, match="fits failed out of a total of"):
        search.fit(X_MC, Y_MC)
    assert callback.count_hooks("setup") == 1 and callback.count_hooks("teardown") == 1
    n_evaluations = len(search.cv_results_["params"]) * search.n_splits_
    assert callback.count_hooks("on_fit_task_end") >= 1 + n_evaluations


# ==================================== multi-fidelity: rows and budgets
@pytest.mark.parametrize("kind", MULTI_FIDELITY)
def test_best_index_is_the_best_full_budget_row(kind):
    # test_cv_results / test_select_best_index (halving): the best is chosen
    # among the full-budget rows only, whatever the cheaper rows scored.
    rng = np.random.RandomState(0)

    def random_score(est, X, y):
        return rng.rand()

    search = make_search(kind, Centroids(), CENTROID_SPACE, scoring=random_score)
    search.fit(X_MC, Y_MC)
    check_best(search)
    results = search.cv_results_
    if kind == "hyperband":
        assert len(results["params"]) == sum(search.n_candidates_)
    else:
        assert len(results["params"]) == 4 * 2
        assert sorted(set(results["member"])) == [0, 1, 2, 3]
        np.testing.assert_array_equal(
            results["budget"], np.asarray(results["step"]) + 1
        )
        assert set(np.asarray(results["parent"])) <= {-1, 0, 1, 2, 3}


def test_hyperband_survivors_are_the_top_of_the_previous_rung():
    # test_cv_results (halving): each rung keeps the best of the one before.
    rng = np.random.RandomState(0)

    def random_score(est, X, y):
        return rng.rand()

    search = make_search("hyperband", Centroids(), CENTROID_SPACE, scoring=random_score)
    search.fit(X_MC, Y_MC)
    results = search.cv_results_
    brackets = np.asarray(results["bracket"])
    rungs = np.asarray(results["rung"])
    budgets = np.asarray(results["budget"])
    mean = results["mean_test_score"]
    for bracket in np.unique(brackets):
        for rung in np.unique(rungs[brackets == bracket])[:-1]:
            now = np.flatnonzero((brackets == bracket) & (rungs == rung))
            nxt = np.flatnonzero((brackets == bracket) & (rungs == rung + 1))
            assert 0 < len(nxt) < len(now)
            assert np.all(budgets[nxt] > budgets[now[0]])
            kept = {config(search, results["params"][i]) for i in nxt}
            ranked = sorted(now, key=lambda i: -mean[i])
            assert kept == {
                config(search, results["params"][i]) for i in ranked[: len(nxt)]
            }


def test_hyperband_n_samples_budgets_are_the_rows_fitted():
    # test_base_estimator_inputs (halving)
    search = make_search(
        "hyperband", Centroids(), CENTROID_SPACE, resource="n_samples", refit=False
    )
    search.fit(X_MC, Y_MC)
    results = search.cv_results_
    fitted = [n_rows for method, _, n_rows, _ in Centroids.LOG if method == "fit"]
    expected = sorted(
        int(b) for b in results["budget"] for _ in range(search.n_splits_)
    )
    assert sorted(fitted) == expected
    assert search.resource_ == "n_samples"
    assert "param_n_samples" not in results


@pytest.mark.parametrize("kind", MULTI_FIDELITY)
def test_resource_parameter(kind):
    # test_resource_parameter (halving)
    search = make_search(kind, Centroids(), CENTROID_SPACE, resource="max_iter")
    search.fit(X_MC, Y_MC)
    results = search.cv_results_
    for budget, params, value in zip(
        results["budget"], results["params"], results["param_max_iter"]
    ):
        assert budget == params["max_iter"] == value
    with pytest.raises(ValueError, match="1234"):
        make_search(kind, Centroids(), CENTROID_SPACE, resource="1234").fit(X_MC, Y_MC)
    space = {"shift": Real(-1, 1), "max_iter": [1, 2]}
    with pytest.raises(ValueError, match="max_iter"):
        make_search(kind, Centroids(), space, resource="max_iter").fit(X_MC, Y_MC)


# ============================================ sktune's own API (target)
_SPACE_NAMES = ["param_grid", "param_distributions", "search_spaces"]


@pytest.mark.parametrize("kind", SKTUNE_KINDS)
@pytest.mark.parametrize("name", ["positional"] + _SPACE_NAMES)
def test_space_given_positionally_or_under_any_name(kind, name):
    cls, defaults = _SMALL[kind]
    space = {"shift": Real(-1.0, 1.0)}
    if name == "positional":
        search = cls(Centroids(), space, **defaults)
    else:
        search = cls(Centroids(), **{name: space}, **defaults)
    reference = cls(Centroids(), space, **defaults).fit(X_MC, Y_MC)
    copy = clone(search)
    search.fit(X_MC, Y_MC)
    copy.fit(X_MC, Y_MC)
    assert_same_results(search, reference)
    assert_same_results(copy, reference)


def test_positional_space_names():
    import inspect

    names = {
        cls: list(inspect.signature(cls).parameters)[1]
        for cls in (BayesSearchCV, HyperbandSearchCV, PBTSearchCV)
    }
    assert names == {
        BayesSearchCV: "search_spaces",
        HyperbandSearchCV: "param_distributions",
        PBTSearchCV: "param_distributions",
    }


@pytest.mark.parametrize("kind", SKTUNE_KINDS)
@pytest.mark.parametrize(
    "names", [("param_grid", "search_spaces"), ("param_distributions", "param_grid")]
)
def test_space_given_twice_raises(kind, names):
    cls, defaults = _SMALL[kind]
    space = {"shift": Real(-1.0, 1.0)}
    with pytest.raises((TypeError, ValueError)):
        cls(Centroids(), **{n: space for n in names}, **defaults).fit(X_MC, Y_MC)


@pytest.mark.parametrize("kind", SKTUNE_KINDS)
def test_n_iter_is_a_parameter_of_every_search(kind):
    cls, _ = _SMALL[kind]
    assert "n_iter" in cls(Centroids(), {}).get_params()
    expected = {"bayes": 50, "hyperband": None, "pbt": None}[kind]
    assert cls(Centroids(), {}).get_params()["n_iter"] == expected


def test_bayes_n_iter_is_the_number_of_candidates():
    search = make_search("bayes", Centroids(), CENTROID_SPACE, n_iter=5).fit(X_MC, Y_MC)
    assert len(search.cv_results_["params"]) == 5


@pytest.mark.parametrize("n_iter", [4, 40])
def test_hyperband_n_iter_is_about_the_number_of_configurations(n_iter):
    search = HyperbandSearchCV(
        Centroids(max_iter=9),
        CENTROID_SPACE,
        n_iter=n_iter,
        factor=3,
        cv=2,
        random_state=0,
    ).fit(X_MC, Y_MC)
    n_configs = int(first_rows(search).sum())
    assert n_iter / 2 <= n_configs <= 2 * n_iter, n_configs


def test_pbt_n_iter_is_the_population_size():
    search = PBTSearchCV(
        Centroids(), CENTROID_SPACE, n_iter=3, n_steps=2, cv=2, random_state=0
    ).fit(X_MC, Y_MC)
    results = search.cv_results_
    assert sorted(set(results["member"])) == [0, 1, 2]
    assert len(results["params"]) == 3 * 2


@pytest.mark.parametrize("kind", SKTUNE_KINDS)
@pytest.mark.parametrize(
    "space",
    [
        {"shift": [0.0, 0.4, 0.8]},
        {"shift": Categorical([0.0, 0.4, 0.8])},
        {"opt": Integer(1, 3)},
    ],
    ids=["list", "categorical", "integer"],
)
def test_finite_space_smaller_than_n_iter(kind, space):
    cls, defaults = _SMALL[kind]
    defaults = {k: v for k, v in defaults.items() if k != "population_size"}
    defaults["n_iter"] = 10
    search = cls(Centroids(), space, **defaults)
    with pytest.warns(UserWarning):
        search.fit(X_MC, Y_MC)
    results = search.cv_results_
    starts = [
        config(search, p) for p, s in zip(results["params"], first_rows(search)) if s
    ]
    assert len(starts) == 3 and len(set(starts)) == 3, starts
    if kind != "pbt":  # PBT's exploit copies configurations on purpose
        budgets = results.get("budget", np.zeros(len(results["params"])))
        pairs = [(config(search, p), b) for p, b in zip(results["params"], budgets)]
        assert len(pairs) == len(set(pairs)), pairs


def test_bayes_never_evaluates_a_point_twice_on_a_finite_space():
    space = {"shift": Integer(0, 2), "opt": ["a", "b"]}
    search = BayesSearchCV(
        Centroids(), space, n_iter=6, n_initial_points=2, cv=2, random_state=0
    ).fit(X_MC, Y_MC)
    seen = [config(search, p) for p in search.cv_results_["params"]]
    assert len(seen) == 6 and len(set(seen)) == 6, seen


@pytest.mark.parametrize(
    "dim, check",
    [
        (
            Real(1e-3, 1.0, log=True),
            lambda v: isinstance(v, float) and 1e-3 <= v <= 1.0,
        ),
        (Integer(2, 5), lambda v: isinstance(v, (int, np.integer)) and 2 <= v <= 5),
        (Categorical(["a", "b"]), lambda v: v in ("a", "b")),
    ],
    ids=["real", "integer", "categorical"],
)
def test_dimensions_rvs_follow_scipy(dim, check):
    value = dim.rvs()
    assert np.ndim(value) == 0 and check(value)
    assert dim.rvs(random_state=0) == dim.rvs(random_state=0)
    values = dim.rvs(size=5, random_state=np.random.RandomState(0))
    assert len(values) == 5 and all(check(v) for v in values)
    values = dim.rvs(5, 0)
    assert len(values) == 5


def test_dimensions_work_in_randomized_search_cv():
    space = {
        "alpha": Real(1e-5, 1e-1, log=True),
        "n_iter_no_change": Integer(2, 6),
        "penalty": Categorical(["l2", "l1"]),
    }
    search = RandomizedSearchCV(sgd(), space, n_iter=4, cv=2, random_state=0)
    search.fit(X_IRIS, Y_IRIS)
    results = search.cv_results_
    assert results["param_alpha"].dtype.kind == "f"
    assert results["param_n_iter_no_change"].dtype.kind == "i"
    assert all(1e-5 <= a <= 1e-1 for a in results["param_alpha"])
    assert set(results["param_penalty"]) <= {"l2", "l1"}
