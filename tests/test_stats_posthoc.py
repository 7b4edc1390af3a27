"""Post-hoc tests after Friedman's: Demšar's (2006) worked example, his
Table 5, and scikit-posthocs where it is installed."""

import numpy as np
import pytest
from scipy import stats as st

from sktune.stats import (
    bonferroni_dunn_critical_difference,
    friedman_test,
    multipletests,
    nemenyi_critical_difference,
    posthoc_friedman,
)

# Demšar (2006), section 3.2.2: C4.5 (column 0) and three variants over
# fourteen data sets, average ranks 3.143, 2.000, 2.893, 1.964.
DEMSAR_RANKS = np.array(
    [[4, 2, 3, 1]] * 8
    + [[1, 2, 3.5, 3.5], [1, 2, 3, 4], [2, 1, 3, 4], [3, 2, 1, 4], [1, 2, 4, 3]]
    + [[4, 3, 2, 1]]
)
DEMSAR = -DEMSAR_RANKS  # lower rank = higher score


def test_demsar_holm_against_control():
    # "z = (3.143 - 2.000) / 0.488 = 2.342 ... p-values .016, .019 and .607
    # ... Holm's procedure rejects the first and the second hypothesis".
    result = posthoc_friedman(DEMSAR, method="holm", control=0)
    np.testing.assert_allclose(
        result.average_ranks, [3.143, 2.0, 2.893, 1.964], atol=1e-3
    )
    assert np.isnan(result.statistic[0]) and np.isnan(result.pvalue[0])
    np.testing.assert_allclose(result.statistic[1:], [2.342, 0.512, 2.416], atol=2e-3)
    np.testing.assert_allclose(result.pvalue[1:], [0.019, 0.607, 0.016], atol=1.5e-3)
    # Holm: .016 < .05/3, .019 < .05/2, .607 > .05
    np.testing.assert_array_equal(result.reject, [False, True, False, True])
    assert result.critical_difference is None
    assert result.cliques == [(2, 0)]
    assert result.control == 0 and result.method == "holm"


def test_demsar_bonferroni_dunn_against_control():
    # CD = 2.394 * sqrt(4 * 5 / (6 * 14)) = 1.17: only C4.5+m+cf (1.179 ranks
    # better) differs from C4.5; C4.5+m (1.143) does not.
    result = posthoc_friedman(DEMSAR, method="bonferroni-dunn", control=0)
    assert result.critical_difference == pytest.approx(2.394 * np.sqrt(20 / 84), 1e-4)
    np.testing.assert_array_equal(result.reject, [False, False, False, True])
    np.testing.assert_allclose(
        result.pvalue_adjusted[1:], np.minimum(1, 3 * result.pvalue[1:])
    )
    assert result.cliques == [(1, 2, 0)]
    diffs = np.abs(result.average_ranks - result.average_ranks[0])
    np.testing.assert_array_equal(
        result.reject[1:], diffs[1:] >= result.critical_difference
    )


def test_demsar_nemenyi_cliques():
    # CD 1.25 at 0.05: no pair differs; CD 1.12 at 0.10: C4.5 differs from
    # C4.5+m and C4.5+m+cf (Demšar's Figure 1).
    at05 = posthoc_friedman(DEMSAR)
    assert at05.critical_difference == pytest.approx(1.25, abs=5e-3)
    assert not at05.reject.any()
    assert at05.cliques == [(3, 1, 2, 0)]
    at10 = posthoc_friedman(DEMSAR, alpha=0.10)
    assert at10.critical_difference == pytest.approx(1.12, abs=5e-3)
    expected = np.zeros((4, 4), dtype=bool)
    expected[0, [1, 3]] = expected[[1, 3], 0] = True
    np.testing.assert_array_equal(at10.reject, expected)
    assert at10.cliques == [(3, 1, 2), (2, 0)]


def test_nemenyi_reject_agrees_with_the_critical_difference():
    rng = np.random.default_rng(0)
    scores = rng.uniform(size=(20, 6)) + np.linspace(0, 0.6, 6)
    result = posthoc_friedman(scores)
    gaps = np.abs(result.average_ranks[:, None] - result.average_ranks[None, :])
    np.testing.assert_array_equal(result.reject, gaps >= result.critical_difference)
    np.testing.assert_allclose(result.statistic, -result.statistic.T)
    np.testing.assert_allclose(np.diag(result.pvalue), 1.0)


@pytest.mark.parametrize("seed", range(4))
def test_nemenyi_matches_scikit_posthocs(seed):
    sp = pytest.importorskip("scikit_posthocs")
    rng = np.random.default_rng(seed)
    scores = np.round(rng.uniform(size=(12, 5)) + np.linspace(0, 0.5, 5), 1)
    expected = sp.posthoc_nemenyi_friedman(-scores).to_numpy()  # it ranks low first
    result = posthoc_friedman(scores)
    np.testing.assert_allclose(result.pvalue, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        result.average_ranks, friedman_test(scores).average_ranks
    )


def test_nemenyi_demsar_matches_scikit_posthocs():
    sp = pytest.importorskip("scikit_posthocs")
    expected = sp.posthoc_nemenyi_friedman(DEMSAR_RANKS).to_numpy()
    np.testing.assert_allclose(posthoc_friedman(DEMSAR).pvalue, expected, rtol=1e-9)


def test_holm_against_control_is_multipletests_of_normal_pvalues():
    rng = np.random.default_rng(5)
    scores = rng.uniform(size=(15, 5)) + np.linspace(0, 0.5, 5)
    result = posthoc_friedman(scores, method="holm", control=2)
    r = result.average_ranks
    z = (r[2] - np.delete(r, 2)) / np.sqrt(5 * 6 / (6 * 15))
    p = 2 * st.norm.sf(np.abs(z))
    np.testing.assert_allclose(np.delete(result.statistic, 2), z)
    np.testing.assert_allclose(np.delete(result.pvalue, 2), p)
    np.testing.assert_allclose(
        np.delete(result.pvalue_adjusted, 2), multipletests(p, "holm")
    )


def test_bonferroni_dunn_q_values_from_demsar_table():
    # Demšar (2006), Table 5(b): q_0.05 and q_0.10 for k = 2..8.
    q05 = [1.960, 2.241, 2.394, 2.498, 2.576, 2.638, 2.690]
    q10 = [1.645, 1.960, 2.128, 2.241, 2.326, 2.394, 2.450]
    for k, (a, b) in enumerate(zip(q05, q10), start=2):
        scale = np.sqrt(k * (k + 1) / 6)
        assert bonferroni_dunn_critical_difference(k, 1) / scale == pytest.approx(
            a, abs=1e-3
        )
        assert bonferroni_dunn_critical_difference(
            k, 1, alpha=0.10
        ) / scale == pytest.approx(b, abs=1e-3)
    # fewer comparisons than Nemenyi's: a smaller critical difference
    assert bonferroni_dunn_critical_difference(5, 10) < nemenyi_critical_difference(
        5, 10
    )


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"method": "tukey"}, ValueError, "'method'"),
        ({"method": "holm"}, TypeError, "'control'"),
        ({"method": "holm", "control": 4}, ValueError, "'control'"),
        ({"method": "bonferroni-dunn", "control": 1.0}, TypeError, "'control'"),
        ({"control": 0}, ValueError, "'control'"),
        ({"alpha": 1.0}, ValueError, "'alpha'"),
    ],
)
def test_posthoc_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        posthoc_friedman(DEMSAR, **kwargs)


def test_posthoc_rejects_bad_scores():
    with pytest.raises(ValueError, match="at least 3 models"):
        posthoc_friedman(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="'scores'"):
        posthoc_friedman([[0.1, np.nan, 0.3], [0.2, 0.3, 0.4]])
    with pytest.raises(TypeError, match="'n_models'"):
        bonferroni_dunn_critical_difference(4.0, 14)
