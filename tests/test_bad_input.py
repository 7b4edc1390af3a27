"""Malformed spaces and parameters get a ValueError/TypeError naming the
parameter, raised before any model is fitted (property-based)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris

from sktune import (
    BayesSearchCV,
    Categorical,
    HyperbandSearchCV,
    Integer,
    PBTSearchCV,
    Real,
)

X, Y = load_iris(return_X_y=True)


class CountingClassifier(ClassifierMixin, BaseEstimator):
    """Counts its fits (over the class) so a test can tell none happened."""

    fits = 0

    def __init__(self, alpha=1.0, max_iter=9, warm_start=False):
        self.alpha = alpha
        self.max_iter = max_iter
        self.warm_start = warm_start

    def fit(self, X, y):
        type(self).fits += 1
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


SPACE = {"alpha": Real(1e-3, 1e1, log=True)}
SEARCHES = {
    "BayesSearchCV": (BayesSearchCV, "search_spaces", dict(n_iter=3)),
    "HyperbandSearchCV": (HyperbandSearchCV, "param_distributions", {}),
    "PBTSearchCV": (PBTSearchCV, "param_distributions", dict(n_steps=2)),
}

# (parameter, strategy of bad values) per search; shared ones first.
COMMON = {
    "cv": st.sampled_from(["five", 1.5, -2, 0]),
    "n_jobs": st.sampled_from(["two", 1.5]),
    "scoring": st.sampled_from([3, 1.5, "not_a_scorer"]),
    "refit": st.sampled_from([3.5, b"yes"]),
    "error_score": st.sampled_from(["ignore", None]),
    "random_state": st.sampled_from(["seed", 1.5, -1]),
    "return_train_score": st.sampled_from(["yes", 2]),
    "checkpoint": st.sampled_from([3, 1.5, ["a"]]),
}
NON_POSITIVE = st.one_of(st.integers(max_value=0), st.sampled_from([1.5, "10"]))
SPECIFIC = {
    "BayesSearchCV": {
        "n_iter": NON_POSITIVE,
        "n_initial_points": NON_POSITIVE,
        "n_points": NON_POSITIVE,
        "acq_func": st.sampled_from(["EIX", 3, None]),
        "callbacks": st.sampled_from([3, [3], "stop"]),
    },
    "HyperbandSearchCV": {
        "max_resource": NON_POSITIVE,
        "min_resource": NON_POSITIVE,
        "factor": st.one_of(st.floats(max_value=1.0), st.sampled_from(["3"])),
        "n_brackets": NON_POSITIVE,
        "sampler": st.sampled_from(["grid", 3]),
        "resource": st.sampled_from([3, "not_a_parameter", "alpha"]),
    },
    "PBTSearchCV": {
        "population_size": st.one_of(st.integers(max_value=1), st.just(2.5)),
        "n_steps": NON_POSITIVE,
        "step_size": NON_POSITIVE,
        "quantile": st.one_of(
            st.floats(max_value=0.0, allow_nan=False),
            st.floats(min_value=0.51, allow_nan=False, allow_infinity=False),
        ),
        "resample_probability": st.sampled_from([-0.1, 1.5, "often"]),
        "perturb_factors": st.sampled_from([(), (0.0,), (-1.2, 0.8), "x"]),
        "mutable": st.sampled_from([["gamma"], "alpha", 3]),
        "initial_population": st.sampled_from(
            [[{"alpha": 1.0}], [{"alpha": 1e9}] * 8, 3]
        ),
        "resource": st.sampled_from([3, "not_a_parameter", "alpha"]),
    },
}


@st.composite
def bad_parameter(draw):
    name = draw(st.sampled_from(sorted(SEARCHES)))
    table = {**COMMON, **SPECIFIC[name]}
    param = draw(st.sampled_from(sorted(table)))
    return name, param, draw(table[param])


def fit_with(name, space=SPACE, **params):
    cls, space_name, defaults = SEARCHES[name]
    search = cls(CountingClassifier(), space, cv=3, **{**defaults, **params})
    search.fit(X, Y)


@settings(max_examples=150, deadline=None)
@given(bad_parameter())
def test_bad_parameter_is_refused_before_any_fit(case):
    name, param, value = case
    CountingClassifier.fits = 0
    with pytest.raises((ValueError, TypeError)) as info:
        fit_with(name, **{param: value})
    assert param in str(info.value), (param, value, str(info.value))
    assert CountingClassifier.fits == 0


BAD_SPACES = [
    ([], "search_spaces|param_distributions"),
    ("alpha", "search_spaces|param_distributions"),
    ({"alpha": []}, "alpha"),
    ({"alpha": 3}, "alpha"),
    ({"alpha": "abc"}, "alpha"),
    ({"gamma": [1, 2]}, "gamma"),
    ({3: [1, 2]}, "search_spaces|param_distributions"),
    ({"alpha": Categorical([0.1, 1.0]), "estimator": [1]}, "estimator"),
]


@pytest.mark.parametrize("name", sorted(SEARCHES))
@pytest.mark.parametrize("space, pattern", BAD_SPACES)
def test_malformed_space_is_refused_before_any_fit(name, space, pattern):
    CountingClassifier.fits = 0
    with pytest.raises((ValueError, TypeError), match=pattern):
        fit_with(name, space=space)
    assert CountingClassifier.fits == 0


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=100, deadline=None)
@given(finite, finite)
def test_real_refuses_inverted_or_equal_bounds(low, high):
    if low < high:
        Real(low, high)
        return
    with pytest.raises(ValueError, match="low|high"):
        Real(low, high)


@settings(max_examples=50, deadline=None)
@given(
    st.sampled_from([math.nan, math.inf, -math.inf, "1", None]),
    st.booleans(),
)
def test_real_refuses_non_finite_or_non_numeric_bounds(bad, bad_is_low):
    low, high = (bad, 1.0) if bad_is_low else (0.0, bad)
    with pytest.raises((ValueError, TypeError), match="low|high"):
        Real(low, high)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(max_value=0.0, allow_nan=False), st.floats(min_value=1.0, max_value=10)
)
def test_log_real_refuses_non_positive_low(low, high):
    with pytest.raises((ValueError, TypeError), match="low|log"):
        Real(low, high, log=True)


@settings(max_examples=60, deadline=None)
@given(st.integers(-100, 100), st.integers(-100, 100))
def test_integer_refuses_inverted_or_equal_bounds(low, high):
    if low < high:
        Integer(low, high)
        return
    with pytest.raises(ValueError, match="low|high"):
        Integer(low, high)


@pytest.mark.parametrize("low, high", [(1.5, 3), (0, 2.5), ("1", 3), (0, math.inf)])
def test_integer_refuses_non_integer_bounds(low, high):
    with pytest.raises((ValueError, TypeError), match="low|high"):
        Integer(low, high)


def test_categorical_refuses_empty_choices():
    with pytest.raises(ValueError, match="choices"):
        Categorical([])


@pytest.mark.parametrize(
    "name, params, match",
    [
        ("HyperbandSearchCV", dict(min_resource=10, max_resource=5), "min_resource"),
        (
            "PBTSearchCV",
            dict(population_size=4, initial_population=[{"alpha": 1}]),
            "initial_population",
        ),
    ],
)
def test_inconsistent_parameters_are_refused_before_any_fit(name, params, match):
    CountingClassifier.fits = 0
    with pytest.raises(ValueError, match=match):
        fit_with(name, **params)
    assert CountingClassifier.fits == 0


@pytest.mark.parametrize("name", sorted(SEARCHES))
def test_a_space_given_twice_or_not_at_all_is_refused_before_any_fit(name):
    cls, _, defaults = SEARCHES[name]
    CountingClassifier.fits = 0
    with pytest.raises(ValueError, match="several names.*param_grid"):
        cls(CountingClassifier(), SPACE, param_grid=SPACE, cv=3, **defaults).fit(X, Y)
    with pytest.raises(ValueError, match="needs a search space.*param_grid="):
        cls(CountingClassifier(), cv=3, **defaults).fit(X, Y)
    assert CountingClassifier.fits == 0


def test_pbt_refuses_n_iter_that_contradicts_population_size():
    CountingClassifier.fits = 0
    search = PBTSearchCV(
        CountingClassifier(), SPACE, n_iter=4, population_size=6, n_steps=2, cv=3
    )
    with pytest.raises(ValueError, match="'n_iter'.*population_size=6"):
        search.fit(X, Y)
    assert CountingClassifier.fits == 0
