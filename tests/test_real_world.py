"""Real-world inputs that once gave silent wrong answers, each against what
GridSearchCV does with the same input where it has an answer."""

import os
import warnings

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier, StackingClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import SVC

from sktune import (
    BayesSearchCV,
    HyperbandSearchCV,
    PBTSearchCV,
    Real,
    nested_cross_validate,
)
from sktune.nested import _stability

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)


@pytest.fixture(autouse=True)
def _no_convergence_noise():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=Warning, module="sklearn")
        yield


def _sgd(**params):
    return SGDClassifier(max_iter=9, tol=None, random_state=0, **params)


# ------------------------------------------------------- 1. scorer exceptions
def _picky_scorer(estimator, X, y):
    # fails for large alphas, as roc_auc fails on a class missing from a fold
    if estimator.alpha > 1e-2:
        raise ValueError("this scorer cannot score that model")
    return float(np.mean(estimator.predict(X) == y))


@pytest.mark.parametrize("Search", [HyperbandSearchCV, PBTSearchCV])
def test_scorer_failures_warn_as_grid_search_does(Search):
    space = {"alpha": loguniform(1e-5, 1.0)}
    with pytest.warns(UserWarning, match="Scoring failed"):
        search = Search(
            _sgd(), space, n_iter=8, cv=3, scoring=_picky_scorer, random_state=0
        ).fit(X_IRIS, Y_IRIS)
    alphas = np.array([p["alpha"] for p in search.cv_results_["params"]])
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isnan(scores[alphas > 1e-2]))
    assert np.all(np.isfinite(scores[alphas <= 1e-2]))
    with pytest.warns(UserWarning, match="Scoring failed"):
        GridSearchCV(_sgd(), {"alpha": [1e-3, 0.1]}, scoring=_picky_scorer).fit(
            X_IRIS, Y_IRIS
        )


def test_hyperband_never_promotes_a_nan_score():
    search = HyperbandSearchCV(
        _sgd(),
        {"alpha": loguniform(1e-5, 1.0)},
        scoring=_picky_scorer,
        cv=3,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="Scoring failed"):
        search.fit(X_IRIS, Y_IRIS)
    results = search.cv_results_
    promoted = np.asarray(results["rung"]) > 0
    assert promoted.any()
    assert np.all(np.isfinite(results["mean_test_score"][promoted]))
    assert np.isfinite(search.best_score_)


# ------------------------------------------------------ 2. None in stability
def test_param_stability_counts_none_as_a_value():
    folds = [{"class_weight": None}] * 4 + [{"class_weight": "balanced"}]
    entry = _stability(folds)["class_weight"]
    assert entry["n_unique"] == 2
    assert entry["most_common"] is None
    assert entry["most_common_share"] == pytest.approx(0.8)
    # a name a fold's best parameters lack (a conditional space) is not None
    entry = _stability([{"a": 1}, {"b": 2}, {"a": 1}])["a"]
    assert entry["n_unique"] == 1 and entry["most_common_share"] == pytest.approx(2 / 3)


# -------------------------------------- 3. PBT needs an estimator that continues
@pytest.mark.parametrize(
    "estimator, space",
    [
        (SVC(), {"C": Real(0.1, 10.0, log=True)}),
        (OneVsRestClassifier(_sgd()), {"estimator__alpha": Real(1e-5, 1e-1, log=True)}),
        (CalibratedClassifierCV(_sgd()), {"estimator__alpha": Real(1e-5, 1e-1)}),
        (
            StackingClassifier([("sgd", _sgd())], LogisticRegression()),
            {"final_estimator__C": Real(0.1, 10.0)},
        ),
    ],
    ids=["svc", "one-vs-rest", "calibrated", "stacking"],
)
def test_pbt_refuses_an_estimator_that_cannot_continue(estimator, space):
    with pytest.raises(ValueError, match="continues training"):
        PBTSearchCV(estimator, space, n_steps=5, cv=3).fit(X_IRIS, Y_IRIS)


# --------------------------------------- 4. class_weight="balanced" + partial_fit
@pytest.mark.parametrize("Search", [HyperbandSearchCV, PBTSearchCV])
def test_balanced_class_weight_with_partial_fit_is_evaluated(Search):
    X, y = X_IRIS[30:], Y_IRIS[30:]  # unbalanced classes
    space = {"class_weight": [None, "balanced"], "alpha": [1e-4, 1e-3]}
    search = Search(_sgd(), space, cv=3, random_state=0).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    weights = {str(p["class_weight"]) for p in search.cv_results_["params"]}
    assert weights == {"None", "balanced"}
    search.best_estimator_.predict(X)
    grid = GridSearchCV(_sgd(), space, cv=3).fit(X, y)
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))


# --------------------------------------------- 5. Ctrl-C in BayesSearchCV's refit
class InterruptedOnRefit(ClassifierMixin, BaseEstimator):
    """Fits on CV folds; a fit on every row (the refit) is interrupted."""

    def __init__(self, C=1.0, n_rows=150):
        self.C = C
        self.n_rows = n_rows

    def fit(self, X, y):
        if len(X) == self.n_rows:
            raise KeyboardInterrupt
        self.model_ = LogisticRegression(C=self.C).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


def test_interrupt_in_the_refit_keeps_every_finished_evaluation():
    search = BayesSearchCV(
        InterruptedOnRefit(), {"C": Real(0.01, 10.0, log=True)}, n_iter=4, cv=3
    )
    with pytest.raises(KeyboardInterrupt):
        search.fit(X_IRIS, Y_IRIS)
    assert len(search.cv_results_["params"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


# ------------------------------------------- 6. swapping the final pipeline step
def _swap_pipeline():
    return Pipeline(
        [("scale", StandardScaler()), ("clf", RandomForestClassifier(random_state=0))]
    )


def test_hyperband_with_a_swapped_final_step_evaluates_both_like_grid_search():
    space = {"clf": [RandomForestClassifier(n_estimators=9, random_state=0), SVC()]}
    with pytest.warns(UserWarning, match="'clf'"):
        search = HyperbandSearchCV(_swap_pipeline(), space, cv=3, random_state=0)
        search.fit(X_IRIS, Y_IRIS)
    assert search.resource_ == "n_samples"
    kinds = {type(p["clf"]).__name__ for p in search.cv_results_["params"]}
    assert kinds == {"RandomForestClassifier", "SVC"}
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    grid = GridSearchCV(_swap_pipeline(), space, cv=3).fit(X_IRIS, Y_IRIS)
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))


def test_a_resource_a_swapped_step_lacks_is_refused_naming_the_step():
    space = {"clf": [RandomForestClassifier(), SVC()]}
    with pytest.raises(ValueError, match="'clf'.*SVC"):
        HyperbandSearchCV(
            _swap_pipeline(), space, resource="clf__n_estimators", cv=3
        ).fit(X_IRIS, Y_IRIS)
    with pytest.raises(ValueError, match="'clf'"):
        PBTSearchCV(_swap_pipeline(), space, cv=3).fit(X_IRIS, Y_IRIS)


def test_swapped_steps_continue_each_their_own_way():
    # SGD continues by passes of partial_fit, LogisticRegression by warm starts
    pipe = Pipeline([("scale", StandardScaler()), ("clf", _sgd())])
    space = {"clf": [_sgd(), LogisticRegression(max_iter=9)]}
    search = HyperbandSearchCV(
        pipe, space, resource="clf__max_iter", cv=3, random_state=0
    ).fit(X_IRIS, Y_IRIS)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


# ------------------------------------------------- 7. skorch + Bayes reproducible
@pytest.mark.skorch
def test_bayes_search_of_a_skorch_net_is_reproducible():
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    torch.set_num_threads(1)
    X = X_IRIS.astype(np.float32)
    net = skorch.NeuralNetClassifier(
        torch.nn.Sequential(
            torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
        ),
        criterion=torch.nn.CrossEntropyLoss,
        max_epochs=3,
        train_split=None,
        verbose=0,
    )

    def run():
        return BayesSearchCV(
            net, {"lr": loguniform(1e-3, 1e-1)}, n_iter=3, cv=2, random_state=0
        ).fit(X, Y_IRIS)

    first, second = run(), run()
    np.testing.assert_array_equal(
        first.cv_results_["mean_test_score"], second.cv_results_["mean_test_score"]
    )


# -------------------------------------- 8. checkpoints fingerprint what code does
def test_a_checkpoint_of_another_function_body_is_refused(tmp_path):
    path = tmp_path / "run.jsonl"

    def search(transform):
        pipe = make_pipeline(FunctionTransformer(transform), LogisticRegression())
        return BayesSearchCV(
            pipe,
            {"logisticregression__C": Real(0.1, 10.0, log=True)},
            n_iter=2,
            cv=2,
            random_state=0,
            checkpoint=path,
        )

    search(lambda Z: Z).fit(X_IRIS, Y_IRIS)
    search(lambda Z: Z).fit(X_IRIS, Y_IRIS)  # the same code resumes
    with pytest.raises(ValueError, match="different estimator"):
        search(lambda Z: np.zeros_like(Z)).fit(X_IRIS, Y_IRIS)


# ---------------------------------------------- 10. nested CV with checkpoints
def test_nested_cross_validate_gives_each_outer_fold_its_own_journal(tmp_path):
    path = tmp_path / "nested.jsonl"
    search = BayesSearchCV(
        LogisticRegression(),
        {"C": Real(0.01, 10.0, log=True)},
        n_iter=3,
        cv=2,
        random_state=0,
        checkpoint=path,
    )
    first = nested_cross_validate(search, X_IRIS, Y_IRIS, outer_cv=3)
    assert sorted(os.listdir(tmp_path)) == [f"nested.jsonl.outer{k}" for k in range(3)]
    again = nested_cross_validate(search, X_IRIS, Y_IRIS, outer_cv=3)  # resumes
    np.testing.assert_array_equal(first.outer_scores_, again.outer_scores_)
    assert search.checkpoint == path  # the user's search is left alone


# ------------------------------------------------------------- also noticed
def test_a_resource_inside_a_meta_estimator_names_the_estimator():
    with pytest.raises(ValueError, match="inside OneVsRestClassifier"):
        HyperbandSearchCV(
            OneVsRestClassifier(_sgd()),
            {"estimator__alpha": Real(1e-5, 1e-1, log=True)},
            resource="estimator__max_iter",
        ).fit(X_IRIS, Y_IRIS)


def test_equal_min_and_max_resource_warns():
    with pytest.warns(UserWarning, match="one budget"):
        HyperbandSearchCV(
            _sgd(),
            {"alpha": Real(1e-5, 1e-1, log=True)},
            min_resource=9,
            max_resource=9,
            cv=2,
        ).fit(X_IRIS, Y_IRIS)


def test_n_samples_budget_reaches_the_largest_time_series_fold():
    X, y = X_IRIS[:120], Y_IRIS[:120] % 2
    cv = TimeSeriesSplit(3)
    search = HyperbandSearchCV(
        LogisticRegression(),
        {"C": Real(0.01, 10.0, log=True)},
        resource="n_samples",
        cv=cv,
        random_state=0,
    ).fit(X, y)
    assert search.max_resource_ == max(len(train) for train, _ in cv.split(X))
