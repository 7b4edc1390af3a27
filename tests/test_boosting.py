"""XGBoost, LightGBM and CatBoost under the continuation searches.

Each library is optional: its tests skip when it is not installed.
"""

import copy
import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sktune import HyperbandSearchCV, PBTSearchCV, Real
from sktune.search._resources import advance, resolve_resource

LIBRARIES = ["xgboost", "lightgbm", "catboost"]


def _booster(library, rounds=9, **params):
    """A small, single-threaded, quiet model of ``library`` (or skip)."""
    module = pytest.importorskip(library)
    if library == "xgboost":
        return module.XGBClassifier(
            n_estimators=rounds, n_jobs=1, tree_method="hist", **params
        )
    if library == "lightgbm":
        return module.LGBMClassifier(
            n_estimators=rounds, n_jobs=1, verbose=-1, **params
        )
    return module.CatBoostClassifier(
        iterations=rounds,
        thread_count=1,
        verbose=0,
        allow_writing_files=False,
        **params,
    )


def _rounds_param(library):
    return "iterations" if library == "catboost" else "n_estimators"


def _trained(model):
    from sktune.search._boosting import trained_rounds

    return trained_rounds(model)


@pytest.fixture(scope="module")
def cancer():
    return load_breast_cancer(return_X_y=True)


@pytest.mark.parametrize("library", LIBRARIES)
def test_auto_resource_is_boosting_rounds(library):
    resource = resolve_resource(_booster(library), "auto")
    assert (resource.kind, resource.param) == ("boosting", _rounds_param(library))
    pipe = Pipeline([("scale", StandardScaler()), ("clf", _booster(library))])
    resource = resolve_resource(pipe, "auto")
    assert resource.param == "clf__" + _rounds_param(library)
    # the library's own default when the parameter is unset
    bare = type(_booster(library))()
    resource = resolve_resource(bare, "auto")
    assert resource.default_max(bare) == {"catboost": 1000}.get(library, 100)


@pytest.mark.parametrize("library", LIBRARIES)
def test_continued_booster_equals_one_trained_at_once(library, cancer):
    """3 rounds and then 6 more are the 9 rounds of a single fit."""
    X, y = cancer
    rows = np.arange(len(y))
    resource = resolve_resource(_booster(library), "auto")
    model, reached = advance(_booster(library), resource, X, y, rows, {}, 0, 3, None)
    assert (reached, _trained(model)) == (3, 3)
    model, reached = advance(model, resource, X, y, rows, {}, 3, 9, None)
    assert (reached, _trained(model)) == (9, 9)
    at_once = _booster(library, rounds=9).fit(X, y)
    np.testing.assert_allclose(
        model.predict_proba(X), at_once.predict_proba(X), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("library", LIBRARIES)
def test_copies_and_pickles_of_a_continued_booster_continue_alike(library, cancer):
    """PBT's exploit copies a member; the copy must continue as it would."""
    X, y = cancer
    rows = np.arange(len(y))
    resource = resolve_resource(_booster(library), "auto")
    model, _ = advance(_booster(library), resource, X, y, rows, {}, 0, 3, None)
    copied = copy.deepcopy(model)
    pickled = pickle.loads(pickle.dumps(model))
    for m in (copied, pickled):
        np.testing.assert_allclose(m.predict_proba(X), model.predict_proba(X))
    results, accuracies = [], []
    for m in (model, copied, pickled):
        m, _ = advance(m, resource, X, y, rows, {}, 3, 6, None)
        assert _trained(m) == 6
        results.append(m.predict_proba(X))
        accuracies.append(m.score(X, y))
    if library == "catboost":
        # CatBoost's pickle does not keep its random generator's position:
        # a copy grows different, equally good trees
        assert max(accuracies) - min(accuracies) < 0.02
        return
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)
    np.testing.assert_allclose(results[0], results[2], rtol=1e-6)


def _counting(library):
    """A subclass of the library's classifier that logs each fit's rounds."""
    base = type(_booster(library))
    log = []
    name = _rounds_param(library)

    class Counting(base):
        def fit(self, X, y, **kwargs):
            log.append(self.get_params()[name])
            return super().fit(X, y, **kwargs)

    return Counting, log


@pytest.mark.parametrize("library", ["xgboost", "lightgbm"])
def test_hyperband_trains_the_increments_not_the_sums(library, cancer):
    X, y = cancer
    Counting, log = _counting(library)
    model = Counting(**_booster(library, rounds=9).get_params())
    search = HyperbandSearchCV(
        model, {"learning_rate": Real(0.05, 0.5, log=True)}, cv=3, random_state=0
    ).fit(X, y)
    assert search.resource_ == "n_estimators"
    bracket = search.brackets_[0]
    assert bracket["budgets"] == [1, 3, 9]
    increments = sum(
        n * (b - a)
        for n, a, b in zip(
            bracket["n_candidates"], [0] + bracket["budgets"][:-1], bracket["budgets"]
        )
    )
    sums = sum(n * b for n, b in zip(bracket["n_candidates"], bracket["budgets"]))
    refit = 9
    assert sum(log) == 3 * increments + refit
    assert sum(log) < 3 * sums
    assert search.best_estimator_.get_params()["n_estimators"] == 9
    assert _trained(search.best_estimator_) == 9


def test_catboost_hyperband_continues_and_refits(cancer):
    X, y = cancer
    search = HyperbandSearchCV(
        _booster("catboost", rounds=9),
        {"learning_rate": Real(0.05, 0.5, log=True)},
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert search.resource_ == "iterations"
    assert search.cv_results_["budget"].max() == 9
    assert _trained(search.best_estimator_) == 9
    assert search.score(X, y) > 0.9


def _recording(library):
    """A subclass that logs the rows each fit trains and evaluates on."""
    base = type(_booster(library))
    log = []

    class Recording(base):
        def fit(self, X, y, **kwargs):
            eval_set = kwargs.get("eval_set") or (
                [(kwargs["eval_X"][0], None)] if "eval_X" in kwargs else None
            )
            log.append(
                (
                    set(X[:, -1].astype(int)),
                    None
                    if eval_set is None
                    else set(eval_set[0][0][:, -1].astype(int)),
                )
            )
            return super().fit(X, y, **kwargs)

    return Recording, log


@pytest.mark.parametrize("library", LIBRARIES)
def test_early_stopping_validates_on_the_training_fold_only(library):
    X, y = make_classification(n_samples=300, n_features=6, random_state=0)
    X = np.column_stack([X, np.arange(len(y))])  # the last column names the row
    stopping = (
        {"early_stopping_round": 2}
        if library == "lightgbm"
        else {"early_stopping_rounds": 2}
    )
    Recording, log = _recording(library)
    model = Recording(**_booster(library, rounds=27, **stopping).get_params())
    cv = KFold(3, shuffle=True, random_state=0)
    folds = [(set(train), set(test)) for train, test in cv.split(X, y)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search = HyperbandSearchCV(
            model,
            {"learning_rate": Real(0.3, 1.0, log=True)},
            n_iter=6,
            cv=cv,
            random_state=0,
        ).fit(X, y)
    search_fits, refit = log[:-1], log[-1]
    assert search_fits
    for fit_rows, eval_rows in search_fits:
        assert eval_rows, "early stopping had no evaluation set"
        assert not fit_rows & eval_rows
        # fit and evaluation rows make up one training fold, never its test fold
        train, test = next(f for f in folds if fit_rows <= f[0])
        assert fit_rows | eval_rows == train
        assert not eval_rows & test
        assert len(eval_rows) == pytest.approx(0.1 * len(train), abs=1)
    # the refit holds out a tenth of all the data the same way
    assert refit[1] and not refit[0] & refit[1]
    assert len(refit[0] | refit[1]) == len(y)
    # learning rates this high stop early: those models stop consuming budget
    results = search.cv_results_
    assert (results["budget_used"] < results["budget"]).any()


@pytest.mark.parametrize("library", ["xgboost", "lightgbm"])
def test_a_converged_booster_keeps_its_score_without_training(library, cancer):
    X, y = cancer
    stopping = (
        {"early_stopping_round": 1}
        if library == "lightgbm"
        else {"early_stopping_rounds": 1}
    )
    search = HyperbandSearchCV(
        _booster(library, rounds=81, learning_rate=0.9, **stopping),
        {"max_depth": [2, 3, 4, 5, 6, 7, 8, 9, 10]},
        n_iter=9,
        cv=3,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    converged = results["budget_used"] < results["budget"]
    assert converged.any()
    for i in np.flatnonzero(converged):
        params = {k: v for k, v in results["params"][i].items() if k != "n_estimators"}
        later = [
            j
            for j in range(len(results["params"]))
            if results["budget"][j] > results["budget"][i]
            and {k: v for k, v in results["params"][j].items() if k != "n_estimators"}
            == params
        ]
        for j in later:
            # every fold had converged: no time, the same scores
            if results["budget_used"][j] == results["budget_used"][i]:
                assert results["mean_fit_time"][j] == 0
                assert results["mean_test_score"][j] == results["mean_test_score"][i]


@pytest.mark.parametrize("library", ["xgboost", "lightgbm"])
def test_pbt_continues_boosters(library, cancer):
    X, y = cancer
    search = PBTSearchCV(
        _booster(library, rounds=12),
        {"learning_rate": Real(0.05, 0.5, log=True)},
        population_size=4,
        n_steps=4,
        step_size=3,
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert search.resource_ == "n_estimators"
    assert _trained(search.best_estimator_) == 12
    assert search.score(X, y) > 0.9


@pytest.mark.parametrize("library", ["xgboost", "lightgbm"])
def test_pipeline_of_a_booster(library, cancer):
    X, y = cancer
    pipe = Pipeline([("scale", StandardScaler()), ("clf", _booster(library))])
    search = HyperbandSearchCV(
        pipe, {"clf__learning_rate": Real(0.05, 0.5, log=True)}, cv=3, random_state=0
    ).fit(X, y)
    assert search.resource_ == "clf__n_estimators"
    assert _trained(search.best_estimator_[-1]) == 9
    assert search.score(X, y) > 0.9


def test_a_booster_in_a_nested_pipeline_is_refitted_per_rung(cancer):
    X, y = cancer
    inner = Pipeline([("scale", StandardScaler()), ("clf", _booster("xgboost"))])
    pipe = Pipeline([("outer", StandardScaler()), ("inner", inner)])
    search = HyperbandSearchCV(
        pipe,
        {"inner__clf__learning_rate": Real(0.05, 0.5, log=True)},
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert search.resource_ == "inner__clf__n_estimators"
    assert _trained(search.best_estimator_[-1][-1]) == 9
    assert search.best_score_ > 0.9
