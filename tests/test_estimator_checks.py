"""scikit-learn's own estimator checks for the search classes."""

import pytest
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.svm import SVR
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

from sktune import BayesSearchCV, HyperbandSearchCV, Integer, PBTSearchCV, Real


def _searches():
    return [
        BayesSearchCV(
            LogisticRegression(),
            {"C": Real(1e-2, 1e2, log=True)},
            n_iter=3,
            cv=2,
            n_initial_points=2,
            random_state=0,
        ),
        BayesSearchCV(
            SVR(),
            {"C": Real(1e-2, 1e2, log=True)},
            n_iter=3,
            cv=2,
            n_initial_points=2,
            random_state=0,
        ),
        HyperbandSearchCV(
            SGDClassifier(max_iter=3, random_state=0),
            {"alpha": Real(1e-5, 1e-1, log=True)},
            cv=2,
            random_state=0,
        ),
        HyperbandSearchCV(
            GradientBoostingRegressor(
                n_estimators=9, learning_rate=0.5, random_state=0
            ),
            {"max_depth": Integer(1, 4)},
            cv=2,
            random_state=0,
        ),
        PBTSearchCV(
            SGDClassifier(max_iter=3, random_state=0),
            {"alpha": Real(1e-5, 1e-1, log=True)},
            population_size=2,
            n_steps=2,
            cv=2,
            random_state=0,
        ),
        PBTSearchCV(
            GradientBoostingRegressor(random_state=0),
            {"learning_rate": Real(0.1, 0.9)},
            population_size=2,
            n_steps=2,
            step_size=5,
            cv=2,
            random_state=0,
        ),
        HyperbandSearchCV(
            SVR(),
            {"C": Real(1e-2, 1e2, log=True)},
            cv=2,
            random_state=0,
        ),
    ]


@parametrize_with_checks(_searches())
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "search", _searches(), ids=lambda s: type(s.estimator).__name__
)
def test_search_check_param_validation(search):
    check_param_validation(type(search).__name__, search)
