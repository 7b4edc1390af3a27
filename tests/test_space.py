"""Search spaces: every dialect maps to and from the unit cube faithfully."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from sktune import Categorical, Integer, Real
from sktune.space import Space, check_search_spaces

unit = st.floats(0.0, 1.0, allow_nan=False)
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(1e-6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def reals(draw):
    log = draw(st.booleans())
    low = draw(positive if log else finite)
    high = draw(positive if log else finite)
    assume(high - low > 1e-6 * max(1.0, abs(low), abs(high)))
    return Real(low, high, log=log)


@st.composite
def integers(draw):
    log = draw(st.booleans())
    low = draw(st.integers(1 if log else -1000, 1000))
    high = draw(st.integers(low + 1, low + 5000))
    return Integer(low, high, log=log)


@given(reals(), st.lists(unit, min_size=1, max_size=20))
def test_real_values_stay_in_bounds_and_encode_back(dim, u):
    values = dim.from_uniform(u)
    assert all(dim.low <= v <= dim.high for v in values)
    assert all(type(v) is float for v in values)
    z = dim.encode(values)[:, 0]
    assert np.all((z > -1e-9) & (z < 1 + 1e-9))
    np.testing.assert_allclose(dim.decode(z[:, None]), values, rtol=1e-9, atol=1e-9)


@given(integers(), st.lists(unit, min_size=1, max_size=20))
def test_integer_values_are_ints_in_bounds_and_roundtrip(dim, u):
    values = dim.from_uniform(u)
    assert all(type(v) is int and dim.low <= v <= dim.high for v in values)
    assert dim.decode(dim.encode(values)) == values


def test_integer_prior_gives_each_value_an_equal_share():
    values = Integer(1, 4).from_uniform((np.arange(4000) + 0.5) / 4000)
    np.testing.assert_array_equal(np.bincount(values)[1:], [1000] * 4)


def test_log_real_prior_is_uniform_in_log_space():
    values = Real(1e-4, 1e0, log=True).from_uniform([0.0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(values, [1e-4, 1e-3, 1e-2, 1e-1, 1e0])


@given(
    st.lists(
        st.one_of(st.integers(), st.text(max_size=3), st.none()),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    st.data(),
)
def test_categorical_encoding_is_one_hot_and_roundtrips(choices, data):
    dim = Categorical(choices)
    values = data.draw(st.lists(st.sampled_from(choices), min_size=1, max_size=10))
    z = dim.encode(values)
    assert z.shape == (len(values), len(choices))
    np.testing.assert_array_equal(z.sum(axis=1), 1.0)
    assert dim.decode(z) == values


def test_categorical_keeps_true_and_one_apart():
    dim = Categorical([1, True])
    assert dim.decode(dim.encode([True, 1])) == [True, 1]
    assert type(dim.decode(dim.encode([True]))[0]) is bool


@pytest.mark.parametrize(
    "dist",
    [
        stats.loguniform(1e-3, 1e2),
        stats.uniform(-2, 5),
        stats.norm(3, 2),
        stats.randint(2, 9),
        stats.poisson(4),
        stats.expon(),
    ],
    ids=lambda d: d.dist.name,
)
@settings(max_examples=30, deadline=None)
@given(u=st.lists(unit, min_size=1, max_size=10))
def test_scipy_distribution_maps_through_cdf_and_ppf(dist, u):
    space = Space({"p": dist})
    points = space.from_uniform(np.array(u)[:, None])
    values = [p["p"] for p in points]
    assert all(np.isfinite(values))
    low, high = dist.support()
    assert all(low <= v <= high for v in values)
    assert space.decode(space.encode(points)) == points or np.allclose(
        [p["p"] for p in space.decode(space.encode(points))], values, rtol=1e-6
    )
    if isinstance(dist.dist, stats.rv_discrete):
        assert all(type(v) is int for v in values)


def test_loguniform_is_a_log_scaled_real():
    space = Space({"C": stats.loguniform(1e-2, 1e2)})
    np.testing.assert_allclose(space.encode([{"C": 1.0}]), [[0.5]])


def test_discrete_distribution_prior_matches_its_pmf():
    space = Space({"k": stats.randint(0, 4)})
    u = ((np.arange(4000) + 0.5) / 4000)[:, None]
    counts = np.bincount([p["k"] for p in space.from_uniform(u)])
    np.testing.assert_array_equal(counts, [1000] * 4)


@given(st.data())
@settings(max_examples=30, deadline=None)
def test_space_encode_decode_roundtrip_over_mixed_dimensions(data):
    space = Space(
        {
            "a": Real(-3.0, 5.0),
            "b": Integer(1, 1000, log=True),
            "c": ["x", "y", "z"],
            "d": stats.loguniform(1e-4, 1.0),
        }
    )
    u = np.array(
        data.draw(
            st.lists(st.lists(unit, min_size=4, max_size=4), min_size=1, max_size=8)
        )
    )
    points = space.from_uniform(u)
    z = space.encode(points)
    assert z.shape == (len(points), space.n_columns) == (len(points), 6)
    assert np.all((z > -1e-9) & (z < 1 + 1e-9))
    decoded = space.decode(z)
    for p, q in zip(points, decoded):
        assert p["b"] == q["b"] and p["c"] == q["c"]
        assert p["a"] == pytest.approx(q["a"]) and p["d"] == pytest.approx(q["d"])
        assert p in space


def test_space_continuous_columns_exclude_categorical_one_hots():
    space = Space({"a": Real(0, 1), "c": ["x", "y"], "n": Integer(0, 3)})
    np.testing.assert_array_equal(space.continuous_columns, [True, False, False, True])


def test_space_rvs_is_seeded():
    space = Space({"a": Real(0, 1), "c": ["x", "y"]})
    assert space.rvs(5, random_state=1) == space.rvs(5, random_state=1)


def test_check_search_spaces_accepts_a_dict_or_a_list_of_dicts():
    assert len(check_search_spaces({"a": [1, 2]})) == 1
    assert len(check_search_spaces([{"a": [1, 2]}, {"b": Real(0, 1)}])) == 2


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: Real(1.0, 1.0), ValueError, "'low' must be lower than 'high'"),
        (lambda: Real(2.0, 1.0), ValueError, "low=2.0, high=1.0"),
        (lambda: Real(0.0, 1.0, log=True), ValueError, "positive when log=True"),
        (lambda: Real(-1.0, 1.0, log=True), ValueError, "positive"),
        (lambda: Real("a", 1.0), TypeError, "'low'"),
        (lambda: Real(0.0, np.inf), TypeError, "'high'"),
        (lambda: Integer(3, 3), ValueError, "'low' must be lower"),
        (lambda: Integer(0.5, 3), TypeError, "'low' must be an integer"),
        (lambda: Integer(0, 3, log=True), ValueError, "positive"),
        (lambda: Categorical([]), ValueError, "must not be empty"),
        (lambda: Categorical("abc"), TypeError, "'choices'"),
        (lambda: Space({"gamma": "scale"}), TypeError, "'gamma'"),
        (lambda: Space({"gamma": 0.1}), TypeError, "Parameter 'gamma'"),
        (lambda: Space({"gamma": []}), ValueError, "'gamma'.*empty"),
        (lambda: Space({"gamma": np.ones((2, 2))}), ValueError, "'gamma'"),
        (lambda: Space([("a", [1])]), TypeError, "dict"),
        (lambda: check_search_spaces([]), ValueError, "empty"),
        (lambda: check_search_spaces("a"), TypeError, "dict"),
    ],
)
def test_bad_space_raises_a_clear_error(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_space_rejects_a_distribution_without_cdf():
    class OnlyRvs:
        def rvs(self, size=None, random_state=None):
            return 1.0

    with pytest.raises(TypeError, match="'x'.*'ppf' and 'cdf'"):
        Space({"x": OnlyRvs()})


def test_categorical_numpy_choices_become_python_scalars():
    dim = Categorical(np.array([1, 2, 3]))
    assert [type(v) for v in dim.choices] == [int, int, int]
    assert dim.decode(dim.encode([np.int64(2)])) == [2]


@given(st.data())
@settings(max_examples=40, deadline=None)
def test_vectorised_snap_and_encode_uniform_agree_with_the_point_path(data):
    space = Space(
        {
            "a": Real(1e-3, 10.0, log=True),
            "b": Integer(-3, 40),
            "c": ["x", "y", "z"],
            "d": stats.randint(0, 7),
            "e": stats.norm(0, 2),
            "f": Integer(1, 300, log=True),
        }
    )
    rows = st.lists(unit, min_size=6, max_size=6)
    u = np.array(data.draw(st.lists(rows, min_size=1, max_size=6)))
    np.testing.assert_allclose(
        space.encode_uniform(u), space.encode(space.from_uniform(u)), atol=1e-9
    )
    z = np.array(
        data.draw(
            st.lists(
                st.lists(st.floats(-0.2, 1.2), min_size=10, max_size=10),
                min_size=1,
                max_size=6,
            )
        )
    )
    np.testing.assert_allclose(space.snap(z), space.encode(space.decode(z)), atol=1e-9)


# ------------------------------------------------------- the dialects of peers
@pytest.mark.parametrize("cls", [Real, Integer])
def test_scikit_optimize_prior_spelling_means_log(cls):
    assert cls(1, 100, prior="log-uniform").log
    assert cls(1, 100, "log-uniform").log  # skopt passes the prior third
    assert not cls(1, 100, prior="uniform").log
    with pytest.raises(ValueError, match="prior"):
        cls(1, 100, prior="normal")
    with pytest.raises(ValueError, match="contradicts"):
        cls(1, 100, log=True, prior="uniform")


def test_scikit_optimize_dimensions_become_sktune_ones():
    space = pytest.importorskip("skopt.space")
    parsed = Space(
        {
            "C": space.Real(1e-3, 1e3, prior="log-uniform"),
            "degree": space.Integer(1, 5),
            "kernel": space.Categorical(["rbf", "poly"]),
        }
    )
    assert repr(parsed.dimensions) == repr(
        [Real(1e-3, 1e3, log=True), Integer(1, 5), Categorical(["rbf", "poly"])]
    )


def test_optuna_distributions_become_sktune_ones():
    distributions = pytest.importorskip("optuna.distributions")
    parsed = Space(
        {
            "lr": distributions.FloatDistribution(1e-4, 1e-1, log=True),
            "depth": distributions.IntDistribution(2, 8),
            "step": distributions.IntDistribution(0, 9, step=3),
            "q": distributions.FloatDistribution(0.0, 1.0, step=0.25),
            "kind": distributions.CategoricalDistribution(["a", None]),
        }
    )
    lr, depth, step, q, kind = parsed.dimensions
    assert isinstance(lr, Real) and lr.log
    assert isinstance(depth, Integer) and (depth.low, depth.high) == (2, 8)
    assert step.choices == [0, 3, 6, 9]
    assert q.choices == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert kind.choices == ["a", None]


def test_tuples_are_choices_as_in_grid_search_unless_a_skopt_range():
    with pytest.warns(UserWarning, match="two choices"):
        pair = Space({"k": (1, 8)})
    assert pair.dimensions[0].choices == [1, 8]
    ranged = Space({"C": (1e-6, 1e6, "log-uniform"), "d": (1, 8, "uniform")})
    assert repr(ranged.dimensions) == repr([Real(1e-6, 1e6, log=True), Integer(1, 8)])
    assert Space({"kernel": ("rbf", "poly")}).dimensions[0].choices == ["rbf", "poly"]


@pytest.mark.parametrize(
    "dim", [Real(1e-3, 1.0, log=True), Integer(1, 9), Categorical(["a", "b", None])]
)
def test_dimension_rvs_follows_scipys_size_convention(dim):
    one = dim.rvs(random_state=0)
    assert not isinstance(one, list)
    assert dim.rvs(random_state=0) == one  # seeded
    many = dim.rvs(5, random_state=0)
    assert isinstance(many, list) and len(many) == 5


def test_sktune_dimensions_work_in_randomized_search_cv():
    from sklearn.datasets import load_iris
    from sklearn.model_selection import RandomizedSearchCV
    from sklearn.svm import SVC

    X, y = load_iris(return_X_y=True)
    search = RandomizedSearchCV(
        SVC(),
        {"C": Real(1e-2, 1e2, log=True), "degree": Integer(2, 4)},
        n_iter=4,
        cv=2,
        random_state=0,
    ).fit(X, y)
    for params in search.cv_results_["params"]:
        assert 1e-2 <= params["C"] <= 1e2 and params["degree"] in (2, 3, 4)


# ----------------------------------------------------------- finite and empty
def test_empty_space_has_one_point_the_estimator_as_given():
    space = Space({})
    assert space.size == 1 and space.grid() == [{}]
    assert space.rvs(3, 0) == [{}, {}, {}]
    assert space.encode([{}]).shape == (1, 0)


def test_space_size_counts_finite_dimensions_only():
    assert Space({"a": [1, 2, 3], "b": Integer(1, 4)}).size == 12
    assert Space({"a": stats.randint(0, 5)}).size == 5
    assert Space({"a": [1, 2], "c": Real(0, 1)}).size is None
    assert Space({"a": stats.poisson(3)}).size is None


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=3),
    st.integers(1, 40),
    st.integers(0, 2**16),
)
def test_sample_distinct_never_repeats_and_exhausts_small_spaces(sizes, n, seed):
    from sktune.space import point_key, sample_distinct, total_size

    spaces = [Space({f"p{i}": list(range(k)) for i, k in enumerate(sizes)})]
    spaces.append(Space({"q": Integer(0, sizes[0])}))
    drawn = sample_distinct(spaces, n, seed)
    keys = [point_key(s, spaces[s], p) for s, p in drawn]
    assert len(keys) == len(set(keys))
    assert len(drawn) == min(n, total_size(spaces))
    assert all(p in spaces[s] for s, p in drawn)
