"""The Gaussian process, the acquisitions and the ask/tell optimiser."""

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import approx_fprime, check_grad
from scipy.stats import norm

from sktune import Categorical, Integer, Real
from sktune.optimize import Optimizer
from sktune.optimize._acquisition import _log_h, acquisition, maximize_acquisition
from sktune.optimize._gp import GaussianProcess, _neg_log_posterior, _Prior, _sq_diffs
from sktune.space import Space


def _branin(x1, x2):
    b, c, t = 5.1 / (4 * np.pi**2), 5 / np.pi, 1 / (8 * np.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * np.cos(x1) + 10


@pytest.fixture
def gp():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(12, 3))
    y = np.sin(6 * X[:, 0]) + X[:, 1] ** 2 - X[:, 2]
    return GaussianProcess().fit(X, (y - y.mean()) / y.std(), rng), rng


def test_gp_log_posterior_gradient_is_exact():
    rng = np.random.RandomState(1)
    X, y = rng.uniform(size=(15, 4)), rng.normal(size=15)
    X = _sq_diffs(X)
    prior = _Prior(4)
    for theta in prior.mean + 0.5 * rng.normal(size=(3, 6)):
        theta[-1] = np.log(1e-2)  # a noise large enough for finite differences
        grad = _neg_log_posterior(theta, X, y, prior)[1]
        numeric = approx_fprime(
            theta, lambda t: _neg_log_posterior(t, X, y, prior)[0], 1e-7
        )
        np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-4)


def test_gp_prediction_gradients_are_exact(gp):
    gp, rng = gp
    for x in rng.uniform(size=(4, 3)):
        assert (
            check_grad(
                lambda v: gp.predict(v[None])[0][0],
                lambda v: gp.predict(v[None], True)[2][0],
                x,
            )
            < 1e-5
        )
        assert (
            check_grad(
                lambda v: gp.predict(v[None])[1][0],
                lambda v: gp.predict(v[None], True)[3][0],
                x,
            )
            < 1e-5
        )


def test_gp_interpolates_noise_free_data_and_is_unsure_far_away():
    rng = np.random.RandomState(0)
    X = np.linspace(0, 0.5, 10)[:, None]
    y = np.sin(8 * X[:, 0])
    gp = GaussianProcess().fit(X, y, rng)
    mean, var = gp.predict(X)
    np.testing.assert_allclose(mean, y, atol=0.05)
    assert gp.predict([[1.0]])[1][0] > 20 * var.max()


def test_a_pickled_gp_keeps_one_n_by_n_matrix_and_predicts_the_same():
    import pickle

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(200, 2))
    y = np.sin(6 * X[:, 0]) + X[:, 1]
    gp = GaussianProcess().fit(X, y, rng)
    data = pickle.dumps(gp)
    assert len(data) < 1.2 * 8 * 200 * 200  # the factor L_, not K^-1 too
    restored = pickle.loads(data)
    Xq = rng.uniform(size=(5, 2))
    for a, b in zip(gp.predict(Xq, return_grad=True), restored.predict(Xq, True)):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(restored.K_inv_, gp.K_inv_, rtol=1e-10, atol=1e-8)
    pickle.loads(pickle.dumps(GaussianProcess()))  # unfitted too


def test_gp_learns_a_large_noise_for_noisy_data():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 1))
    y = rng.normal(size=60)  # pure noise
    gp = GaussianProcess().fit(X, y, rng)
    assert gp.noise_var_ > 0.3


@pytest.mark.parametrize("z", [-2e4, -1e3, -50.0, -8.0, -1.0, -0.3, 0.0, 2.0, 8.0])
def test_log_h_matches_an_arbitrary_precision_reference(z):
    mpmath.mp.dps = 60
    zm = mpmath.mpf(z)
    cdf, pdf = mpmath.ncdf(zm), mpmath.npdf(zm)
    h = zm * cdf + pdf
    value, grad = _log_h(np.array([z]))
    np.testing.assert_allclose(value, float(mpmath.log(h)), rtol=1e-9)
    np.testing.assert_allclose(grad, float(cdf / h), rtol=1e-6)


def test_log_h_is_finite_and_monotone_far_in_the_tail():
    z = -np.logspace(0, 8, 200)
    value, grad = _log_h(z)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
    assert np.all(np.diff(value) < 0)
    np.testing.assert_allclose(
        _log_h(np.array([-2e3]))[0],
        -0.5 * 4e6 - 0.5 * np.log(2 * np.pi) - 2 * np.log(2e3),
        rtol=1e-12,
    )


def test_expected_improvement_known_answer(gp):
    gp, _ = gp
    Z = np.array([[0.3, 0.3, 0.3]])
    mean, var = gp.predict(Z)
    best = mean[0] - 0.5
    sigma = np.sqrt(var[0])
    z = (mean[0] - best) / sigma
    expected = sigma * (z * norm.cdf(z) + norm.pdf(z))
    np.testing.assert_allclose(
        np.exp(acquisition("EI", gp, Z, best)), expected, rtol=1e-9
    )
    np.testing.assert_allclose(
        np.exp(acquisition("PI", gp, Z, best)), norm.cdf(z), rtol=1e-9
    )
    np.testing.assert_allclose(acquisition("LCB", gp, Z, best), mean + 1.96 * sigma)


@pytest.mark.parametrize("name", ["EI", "PI", "LCB"])
def test_acquisition_gradients_are_exact(gp, name):
    gp, rng = gp
    best = 0.8
    for x in rng.uniform(size=(4, 3)):
        assert (
            check_grad(
                lambda v: acquisition(name, gp, v[None], best)[0],
                lambda v: acquisition(name, gp, v[None], best, return_grad=True)[1][0],
                x,
            )
            < 1e-4
        )


def test_maximize_acquisition_never_returns_an_excluded_point():
    space = Space({"k": ["a", "b", "c"], "n": Integer(0, 1)})
    rng = np.random.RandomState(0)
    X = space.encode([{"k": "a", "n": 0}, {"k": "b", "n": 1}])
    gp = GaussianProcess().fit(X, np.array([1.0, -1.0]), rng)
    all_points = space.encode([{"k": k, "n": n} for k in "abc" for n in (0, 1)])
    z, _ = maximize_acquisition("EI", gp, space, 1.0, rng, exclude=all_points[:5])
    np.testing.assert_array_equal(z, all_points[5])
    z, value = maximize_acquisition("EI", gp, space, 1.0, rng, exclude=all_points)
    assert z is None and value == -np.inf


def test_optimizer_solves_branin_far_better_than_random():
    space = {"x1": Real(-5.0, 10.0), "x2": Real(0.0, 15.0)}
    opt = Optimizer(space, n_initial_points=8, random_state=0)
    for _ in range(30):
        p = opt.ask()
        opt.tell(p, -_branin(p["x1"], p["x2"]))
    random = Space(space).rvs(30, random_state=0)
    random_best = min(_branin(p["x1"], p["x2"]) for p in random)
    assert -opt.best_score - 0.397887 < 0.05
    assert -opt.best_score < random_best


def test_optimizer_handles_mixed_spaces():
    opt = Optimizer(
        {"x": Real(-2, 2), "n": Integer(-5, 5), "c": Categorical(["bad", "good"])},
        n_initial_points=6,
        random_state=0,
    )
    for _ in range(20):
        p = opt.ask()
        opt.tell(p, -((p["x"] - 1) ** 2) - (p["n"] - 2) ** 2 + (p["c"] == "good"))
    assert opt.best_point == {"x": pytest.approx(1.0, abs=0.2), "n": 2, "c": "good"}


def test_optimizer_batches_are_distinct_and_all_pending_points_count():
    opt = Optimizer({"n": Integer(0, 30)}, n_initial_points=3, random_state=0)
    first = opt.ask(3)
    opt.tell(first, [-abs(p["n"] - 10) for p in first])
    batch = opt.ask(4) + opt.ask(2)
    values = [p["n"] for p in first + batch]
    assert len(set(values)) == len(values)


def test_optimizer_imputes_failures_and_keeps_going():
    opt = Optimizer({"x": Real(0, 1)}, n_initial_points=3, random_state=0)
    for _ in range(12):
        p = opt.ask()
        opt.tell(p, np.nan if p["x"] > 0.6 else -((p["x"] - 0.5) ** 2))
    assert np.isnan(opt.scores).any()
    assert opt.best_point["x"] == pytest.approx(0.5, abs=0.05)
    # nan and inf never reach the surrogate
    assert np.all(np.isfinite(opt._gps[0].alpha_))


def test_optimizer_with_only_failures_samples_at_random():
    opt = Optimizer({"x": Real(0, 1)}, n_initial_points=2, random_state=0)
    for _ in range(5):
        p = opt.ask()
        opt.tell(p, np.inf)
    assert opt.best_point is None and np.isnan(opt.best_score)
    assert len(opt.ask(2)) == 2


def test_optimizer_exhausts_a_finite_space_before_repeating():
    opt = Optimizer({"k": ["a", "b", "c"]}, n_initial_points=2, random_state=0)
    seen = []
    for _ in range(5):
        p = opt.ask()
        seen.append(p["k"])
        opt.tell(p, {"a": 0.0, "b": 1.0, "c": 0.5}[p["k"]])
    assert set(seen[:3]) == {"a", "b", "c"}


def test_optimizer_is_reproducible():
    def run(seed):
        opt = Optimizer(
            {"x": Real(0, 1), "k": ["a", "b"]}, n_initial_points=3, random_state=seed
        )
        for _ in range(8):
            p = opt.ask()
            opt.tell(p, p["x"] * (p["k"] == "a"))
        return opt.points

    assert run(0) == run(0)
    assert run(0) != run(1)


def test_optimizer_conditional_space_explores_both_subspaces_and_exploits_the_better():
    spaces = [{"kind": ["flat"], "x": Real(0, 1)}, {"kind": ["peak"], "x": Real(0, 1)}]
    opt = Optimizer(spaces, n_initial_points=4, random_state=0)
    for _ in range(16):
        p = opt.ask()
        opt.tell(p, 0.2 if p["kind"] == "flat" else 1 - 4 * (p["x"] - 0.7) ** 2)
    assert set(opt.subspace_indices[:4]) == {0, 1}
    assert (opt.subspace_indices[4:] == 1).sum() > 8
    assert opt.best_point["kind"] == "peak"


@pytest.mark.parametrize("acq_func", ["EI", "LCB", "PI", "hedge"])
def test_optimizer_every_acquisition_finds_a_quadratic_maximum(acq_func):
    opt = Optimizer(
        {"x": Real(-3, 3)}, n_initial_points=4, acq_func=acq_func, random_state=0
    )
    for _ in range(14):
        p = opt.ask()
        opt.tell(p, -((p["x"] - 1.3) ** 2))
    assert opt.best_point["x"] == pytest.approx(1.3, abs=0.1)


@pytest.mark.parametrize("generator", ["sobol", "lhs", "random"])
def test_optimizer_initial_designs_cover_the_space(generator):
    opt = Optimizer(
        {"x": Real(0, 1)},
        n_initial_points=8,
        initial_point_generator=generator,
        random_state=0,
    )
    xs = sorted(p["x"] for p in opt.ask(8))
    assert xs[0] < 0.3 and xs[-1] > 0.7


def test_optimizer_tell_accepts_points_it_did_not_propose():
    opt = Optimizer({"x": Real(0, 1)}, random_state=0)
    opt.tell([{"x": 0.2}, {"x": 0.9}], [0.1, 0.7])
    assert opt.best_point == {"x": 0.9}
    with pytest.raises(ValueError, match="not in the search space"):
        opt.tell({"x": 2.0}, 0.0)
    with pytest.raises(ValueError, match="2 points but 1 scores"):
        opt.tell([{"x": 0.2}, {"x": 0.3}], [0.1])


def test_optimizer_predict_returns_mean_and_std_on_the_score_scale():
    opt = Optimizer({"x": Real(0, 1)}, n_initial_points=5, random_state=0)
    points = opt.ask(5)
    opt.tell(points, [100 + p["x"] for p in points])
    mean, std = opt.predict(points)
    np.testing.assert_allclose(mean, [100 + p["x"] for p in points], atol=0.05)
    assert np.all(std < 0.1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_initial_points": 0}, "n_initial_points"),
        ({"acq_func": "EIPS"}, "acq_func"),
        ({"initial_point_generator": "halton"}, "initial_point_generator"),
    ],
)
def test_optimizer_bad_arguments_name_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Optimizer({"x": Real(0, 1)}, **kwargs)
    with pytest.raises(ValueError, match="n_points"):
        Optimizer({"x": Real(0, 1)}).ask(0)


def test_optimizer_predict_needs_a_score_in_the_subspace():
    opt = Optimizer([{"x": Real(0, 1)}, {"y": Real(0, 1)}], random_state=0)
    opt.tell({"x": 0.5}, 1.0)
    assert opt.predict([{"x": 0.5}])[0][0] == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(ValueError, match="No score"):
        opt.predict([{"y": 0.5}])


def test_optimizer_ask_without_n_returns_one_point_and_with_n_a_list():
    opt = Optimizer({"x": Real(0, 1)}, random_state=0)
    point = opt.ask()
    assert isinstance(point, dict) and set(point) == {"x"}
    batch = opt.ask(1)
    assert isinstance(batch, list) and len(batch) == 1
    opt.tell(point, 0.5).tell(batch, [0.1])
    assert len(opt.points) == 2


def test_gp_joint_draws_have_the_posterior_mean_and_covariance(gp):
    model, rng = gp
    Xq = rng.uniform(size=(4, 3))
    draws = model.sample(Xq, 40000, np.random.RandomState(0))
    mean, var = model.predict(Xq)
    np.testing.assert_allclose(draws.mean(axis=1), mean, atol=0.02)
    np.testing.assert_allclose(draws.var(axis=1), var, rtol=0.05, atol=1e-3)
    # Joint, not independent: two nearly equal inputs draw nearly equal values.
    twins = model.sample(np.vstack([Xq[0], Xq[0] + 1e-4]), 200, rng)
    assert np.max(np.abs(twins[0] - twins[1])) < 0.01


def test_optimizer_sample_gathers_near_the_best_and_spreads_when_unsure():
    space = {"x": Real(-5.0, 5.0)}
    xs = np.linspace(-5, 5, 11)
    opt = Optimizer(space, random_state=0)
    opt.tell([{"x": x} for x in xs], [-((x - 0.7) ** 2) for x in xs])
    points = opt.sample(12)
    assert len(points) == 12
    assert len({p["x"] for p in points}) == 12
    assert np.median([abs(p["x"] - 0.7) for p in points]) < 0.3
    # Two flat observations: the posterior knows little, the draws spread out.
    unsure = Optimizer(space, random_state=0)
    unsure.tell([{"x": -1.0}, {"x": 1.0}], [0.0, 0.0])
    spread = [p["x"] for p in unsure.sample(12)]
    assert np.ptp(spread) > 5.0


def test_optimizer_sample_is_reproducible_and_covers_conditional_spaces():
    spaces = [
        {"kind": Categorical(["a"]), "x": Real(0.0, 1.0)},
        {"kind": Categorical(["b"]), "n": Integer(1, 4)},
    ]

    def draw():
        opt = Optimizer(spaces, random_state=3)
        opt.tell(
            [{"kind": "a", "x": 0.2}, {"kind": "a", "x": 0.8}, {"kind": "b", "n": 2}],
            [0.1, 0.5, np.nan],
        )
        return opt, opt.sample(6)

    opt, points = draw()
    assert points == draw()[1]
    assert all(any(p in space for space in opt.spaces) for p in points)
    # The finite subspace {b} x {1..4} has three unseen points: never a repeat.
    b_points = [p["n"] for p in points if p["kind"] == "b"]
    assert 2 not in b_points and len(b_points) == len(set(b_points))


@pytest.mark.parametrize("name", ["n_points", "n_pool"])
@pytest.mark.parametrize("value", [0, -1, 2.5, True, "3"])
def test_optimizer_sample_bad_sizes_name_the_parameter(name, value):
    opt = Optimizer({"x": Real(0.0, 1.0)})
    opt.tell({"x": 0.5}, 1.0)
    with pytest.raises(ValueError, match=name):
        opt.sample(**{"n_points": 2, name: value})


def test_optimizer_sample_needs_a_finite_score():
    opt = Optimizer({"x": Real(0.0, 1.0)})
    with pytest.raises(ValueError, match="finite score"):
        opt.sample(3)
    opt.tell({"x": 0.5}, np.nan)
    with pytest.raises(ValueError, match="finite score"):
        opt.sample(3)


# ------------------------------------------------------------ mixed spaces
def _branin_cat_int(p):
    # a categorical shift and an integer with an interior optimum (k = 11),
    # both small beside Branin's range (0.4 to 300)
    shift = {"a": 2.0, "b": 0.0, "c": 5.0}[p["c"]]
    return _branin(p["x1"], p["x2"]) + shift + 0.05 * (p["k"] - 11) ** 2


@pytest.mark.parametrize("seed", [0, 1])
def test_optimizer_finds_an_interior_integer_and_the_best_category(seed):
    space = {
        "x1": Real(-5.0, 10.0),
        "x2": Real(0.0, 15.0),
        "c": Categorical(["a", "b", "c"]),
        "k": Integer(1, 30),
    }
    opt = Optimizer(space, random_state=seed)
    for _ in range(40):
        p = opt.ask()
        opt.tell(p, -_branin_cat_int(p))
    best = opt.best_point
    assert best["c"] == "b"
    assert abs(best["k"] - 11) <= 2
    assert -opt.best_score - 0.397887 < 0.3
    # the integer's interior optimum is worked on, not just found once
    ks = [p["k"] for p in opt.points[10:]]
    assert sum(abs(k - 11) <= 1 for k in ks) >= 5


def test_local_search_takes_the_exact_best_choice_of_each_discrete_dimension():
    space = Space({"c": ["a", "b", "c", "d"], "n": Integer(0, 9), "x": Real(0, 1)})
    rng = np.random.RandomState(0)
    points = space.rvs(25, rng)
    y = np.array(
        [
            (p["c"] == "c") - 0.1 * (p["n"] - 6) ** 2 - (p["x"] - 0.3) ** 2
            for p in points
        ]
    )
    gp = GaussianProcess().fit(space.encode(points), (y - y.mean()) / y.std(), rng)
    z, value = maximize_acquisition("LCB", gp, space, 0.0, rng)
    grid = space.encode(
        [{"c": c, "n": n, "x": x} for c in "abcd" for n in range(10) for x in [z[-1]]]
    )
    assert value >= acquisition("LCB", gp, grid, 0.0).max() - 1e-9
    assert space.decode(z[None, :])[0]["c"] == "c"


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False),
        min_size=3,
        max_size=40,
    )
)
def test_score_warp_is_a_monotone_map_with_an_exact_inverse(scores):
    from sktune.optimize.optimizer import _ScoreWarp

    y = np.array(scores)
    warp = _ScoreWarp(y)
    assert np.all(np.isfinite(warp.z))
    np.testing.assert_allclose(warp.inverse(warp.z), y, rtol=1e-6, atol=1e-6)
    order = np.argsort(y, kind="stable")
    assert np.all(np.diff(warp.z[order]) >= -1e-9)


def test_surrogate_is_refitted_on_a_geometric_schedule_once_scores_are_many():
    opt = Optimizer({"x": Real(0, 1)}, n_initial_points=5, random_state=0)
    refits = []
    for _ in range(130):
        before = opt._fitted_at[0]
        p = opt.ask()
        if opt._fitted_at[0] != before:
            refits.append(opt._fitted_at[0])
        opt.tell(p, -((p["x"] - 0.3) ** 2))
    late = [n for n in refits if n > 60]
    assert set(range(5, 61)) <= set(refits)  # every score while they are few
    assert 4 <= len(late) <= 10  # then every ~10% more scores
    assert all(b >= 1.1 * a for a, b in zip(late, late[1:]))
