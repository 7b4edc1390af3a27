"""Adjusting many p-values at once."""

import numpy as np

from sktune._validation import (
    check_alpha,
)

METHOD_ALIASES = {
    "bonferroni": "bonferroni",
    "sidak": "sidak",
    "holm": "holm",
    "holm-sidak": "holm-sidak",
    "hochberg": "simes-hochberg",
    "simes-hochberg": "simes-hochberg",
    "hommel": "hommel",
    "bh": "fdr_bh",
    "fdr_bh": "fdr_bh",
    "by": "fdr_by",
    "fdr_by": "fdr_by",
}


def adjust(p, method):
    """Adjusted p-values of the finite ``p`` (1-D), in their order."""
    m = p.size
    order = np.argsort(p, kind="stable")
    sorted_p = p[order]
    rank = np.arange(1, m + 1)
    if method == "bonferroni":
        adjusted = m * sorted_p
    elif method == "sidak":
        adjusted = -np.expm1(m * np.log1p(-np.minimum(sorted_p, 1 - 1e-16)))
        adjusted = np.where(sorted_p >= 1, 1.0, adjusted)
    elif method == "holm":
        adjusted = np.maximum.accumulate((m - rank + 1) * sorted_p)
    elif method == "holm-sidak":
        step = -np.expm1((m - rank + 1) * np.log1p(-np.minimum(sorted_p, 1 - 1e-16)))
        adjusted = np.maximum.accumulate(np.where(sorted_p >= 1, 1.0, step))
    elif method == "simes-hochberg":
        adjusted = np.minimum.accumulate(((m - rank + 1) * sorted_p)[::-1])[::-1]
    elif method in ("fdr_bh", "fdr_by"):
        factor = np.sum(1.0 / rank) if method == "fdr_by" else 1.0
        scaled = sorted_p * m * factor / rank
        adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    else:  # hommel (Hommel 1988), as statsmodels computes it
        adjusted = np.repeat(np.min(m * sorted_p / rank), m)
        for k in range(m - 1, 1, -1):
            low, high = np.arange(0, m - k + 1), np.arange(m - k + 1, m)
            q_high = np.min(k * sorted_p[high] / np.arange(2, k + 1))
            q = np.empty(m)
            q[low] = np.minimum(k * sorted_p[low], q_high)
            q[high] = q[m - k]
            adjusted = np.maximum(adjusted, q)
        adjusted = np.maximum(adjusted, sorted_p)
    out = np.empty(m)
    out[order] = np.minimum(1.0, adjusted)
    return out


def multipletests(pvalues, method="holm", *, alpha=None):
    """Adjust p-values for multiple comparisons.

    Parameters
    ----------
    pvalues : array-like of shape (n_tests,)
        Values in [0, 1]; NaN entries (tests that could not run) stay NaN and
        do not count.
    method : str, default="holm"
        Family-wise error rate: ``"bonferroni"`` (``min(1, m p)``),
        ``"sidak"`` (``1 - (1 - p) ** m``), ``"holm"`` (Holm's step-down:
        the i-th smallest p-value becomes ``max over j <= i of
        min(1, (m - j + 1) p_(j))``), ``"holm-sidak"``, ``"hochberg"``
        (``"simes-hochberg"``, step-up; assumes independent or positively
        dependent tests) and ``"hommel"``. False discovery rate: ``"bh"``
        (``"fdr_bh"``, Benjamini-Hochberg) and ``"by"`` (``"fdr_by"``,
        Benjamini-Yekutieli, valid under any dependence). statsmodels'
        names are accepted, and the values agree with
        ``statsmodels.stats.multitest.multipletests``.
    alpha : float or None, default=None
        When given, also return the reject mask, ``adjusted <= alpha``.

    Returns
    -------
    adjusted : ndarray of shape (n_tests,)
        In the input's order. With ``alpha``, ``(reject, adjusted)``, as
        statsmodels returns them first.

    Examples
    --------
    >>> from sktune.stats import multipletests
    >>> multipletests([0.01, 0.04, 0.03, 0.005])
    array([0.03, 0.06, 0.06, 0.02])
    >>> multipletests([0.01, 0.04, 0.03, 0.005], method="bh")
    array([0.02, 0.04, 0.04, 0.02])
    >>> reject, adjusted = multipletests([0.01, 0.04, 0.03, 0.005], alpha=0.05)
    >>> reject.tolist()
    [True, False, False, True]
    """
    if method not in METHOD_ALIASES:
        raise ValueError(
            f"The 'method' parameter must be one of {sorted(METHOD_ALIASES)}; got "
            f"{method!r}."
        )
    if alpha is not None:
        check_alpha(alpha)
    try:
        p = np.asarray(pvalues, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"The 'pvalues' parameter must be an array of numbers; got {pvalues!r}."
        ) from exc
    if p.ndim != 1:
        raise ValueError(
            f"The 'pvalues' parameter must be 1-dimensional; got shape {p.shape}."
        )
    valid = ~np.isnan(p)
    if np.any((p[valid] < 0) | (p[valid] > 1)):
        raise ValueError("The 'pvalues' parameter must hold values in [0, 1].")
    adjusted = np.full_like(p, np.nan)
    if valid.any():
        adjusted[valid] = adjust(p[valid], METHOD_ALIASES[method])
    if alpha is None:
        return adjusted
    return np.where(valid, adjusted <= alpha, False), adjusted
