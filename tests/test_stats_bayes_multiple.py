"""Bayesian signed-rank test over several data sets, against baycomp and by
hand."""

import numpy as np
import pytest

from sktune.stats import bayesian_signed_rank

A = np.array([0.81, 0.92, 0.75, 0.88, 0.69, 0.95, 0.83, 0.77, 0.71, 0.86])
B = np.array([0.79, 0.90, 0.76, 0.85, 0.70, 0.94, 0.83, 0.70, 0.72, 0.85])


def mc_tolerance(p, n_samples):
    """Four standard errors of a difference of two independent estimates."""
    return 4 * np.sqrt(2 * max(p * (1 - p), 1e-4) / n_samples)


@pytest.mark.parametrize("rope", [0.005, 0.01, 0.03])
@pytest.mark.parametrize("prior", [0.5, 1.0])
def test_matches_baycomp_with_the_same_seed(rope, prior):
    baycomp = pytest.importorskip("baycomp")
    expected = baycomp.two_on_multiple(
        A, B, rope=rope, prior=prior, nsamples=20000, random_state=3
    )
    post = bayesian_signed_rank(
        A, B, rope=rope, prior=prior, n_samples=20000, random_state=3
    )
    got = (post.p_a_better, post.p_rope, post.p_b_better)
    np.testing.assert_allclose(got, expected, atol=1e-3)


def test_matches_baycomp_without_rope():
    baycomp = pytest.importorskip("baycomp")
    expected = baycomp.two_on_multiple(A, B, nsamples=20000, random_state=1)
    post = bayesian_signed_rank(A, B, n_samples=20000, random_state=1)
    assert post.p_rope == 0.0
    got = (post.p_a_better, post.p_rope, post.p_b_better)
    np.testing.assert_allclose(got, expected, atol=1e-3)


@pytest.mark.parametrize("rope", [0.0, 0.01])
def test_matches_baycomp_within_monte_carlo_error(rope):
    # independent seeds: the two estimates differ only by sampling noise
    baycomp = pytest.importorskip("baycomp")
    rng = np.random.default_rng(11)
    a = rng.uniform(0.7, 0.9, size=25)
    b = a - rng.normal(0.004, 0.01, size=25)
    n = 20000
    expected = baycomp.two_on_multiple(a, b, rope=rope, nsamples=n, random_state=5)
    post = bayesian_signed_rank(a, b, rope=rope, n_samples=n, random_state=6)
    got = (post.p_a_better, post.p_rope, post.p_b_better)
    assert len(expected) == 3  # baycomp returns the rope's 0 too
    for g, e in zip(got, expected):
        assert abs(g - e) <= mc_tolerance(e, n)


def test_samples_by_hand_for_one_data_set():
    # one difference z = .05 and the prior's 0 with weights (w0, w1):
    # sums 0, .05, .05, .1 -> theta_a = 2 w0 w1 + w1^2 for rope .02 (0.04 < .05)
    # and the pseudo-pair (0, 0) is inside the rope.
    post = bayesian_signed_rank(
        [0.85, 0.7], [0.8, 0.7], rope=0.02, n_samples=500, random_state=0
    )
    draws = np.random.RandomState(0).dirichlet([0.5, 1, 1], 500)
    w0, w1, w2 = draws.T
    # z = (.05, 0): pairs over (0, .05, 0): above 2*rope: those involving .05
    theta_a = w1**2 + 2 * w1 * (w0 + w2)
    np.testing.assert_allclose(post.samples[:, 0], theta_a, rtol=1e-12)
    np.testing.assert_allclose(post.samples[:, 2], 0.0)
    np.testing.assert_allclose(post.samples.sum(axis=1), 1.0)


def test_reproducible_and_symmetric():
    one = bayesian_signed_rank(A, B, rope=0.01, n_samples=5000, random_state=7)
    two = bayesian_signed_rank(A, B, rope=0.01, n_samples=5000, random_state=7)
    assert (one.p_a_better, one.p_rope) == (two.p_a_better, two.p_rope)
    swapped = bayesian_signed_rank(B, A, rope=0.01, n_samples=5000, random_state=7)
    assert swapped.p_a_better == one.p_b_better
    assert swapped.p_b_better == one.p_a_better
    assert one.p_a_better + one.p_rope + one.p_b_better == pytest.approx(1.0)


def test_clear_winner_and_clear_tie():
    a = np.linspace(0.7, 0.9, 20)
    assert bayesian_signed_rank(a + 0.05, a, random_state=0).p_a_better == 1.0
    tied = bayesian_signed_rank(a + 0.001, a, rope=0.01, random_state=0)
    assert tied.p_rope == 1.0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"rope": -0.1}, ValueError, "'rope'"),
        ({"rope": "0.1"}, TypeError, "'rope'"),
        ({"prior": 0}, ValueError, "'prior'"),
        ({"n_samples": 0}, ValueError, "'n_samples'"),
        ({"n_samples": 10.0}, TypeError, "'n_samples'"),
        ({"scores_b": B[:5]}, ValueError, "same shape"),
        ({"scores_b": np.c_[B, B]}, ValueError, "shape"),
    ],
)
def test_rejects_bad_input(kwargs, error, match):
    args = {"scores_a": A, "scores_b": B, **kwargs}
    if "scores_b" in kwargs and np.ndim(kwargs["scores_b"]) == 2:
        args["scores_a"] = np.c_[A, A]
    with pytest.raises(error, match=match):
        bayesian_signed_rank(**args)
