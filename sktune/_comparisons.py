"""Reading a search's ``cv_results_`` for statistical comparisons.

Shared by :func:`sktune.stats.compare_candidates` and the refit rules of
:mod:`sktune.refit` (and importing neither); works on the ``cv_results_`` of
any scikit-learn search.
"""

import numbers

import numpy as np
from sklearn.model_selection import (
    GroupKFold,
    GroupShuffleSplit,
    KFold,
    RepeatedKFold,
    RepeatedStratifiedKFold,
    ShuffleSplit,
    StratifiedGroupKFold,
    StratifiedKFold,
    StratifiedShuffleSplit,
)


def metric_names(results):
    """The metrics of ``cv_results_`` in their order (``["score"]`` if single)."""
    return [key[len("mean_test_") :] for key in results if key.startswith("mean_test_")]


def pick_metric(results, scoring, refit=None):
    """The metric to compare: ``scoring``, else the refit metric, else the only one."""
    names = metric_names(results)
    if not names:
        raise ValueError(
            "The search's cv_results_ has no 'mean_test_*' column; is it fitted?"
        )
    if scoring is not None:
        if scoring not in names:
            raise ValueError(
                f"The 'scoring' parameter {scoring!r} is not a metric of the search; "
                f"expected one of {names!r}."
            )
        return scoring
    if isinstance(refit, str) and refit in names:
        return refit
    if len(names) == 1:
        return names[0]
    raise ValueError(
        f"The search has several metrics {names!r}; pass scoring= to say which "
        "one to compare."
    )


def split_scores(results, metric):
    """``(n_rows, n_splits)`` test scores of ``metric``, split by split."""
    keys = []
    k = 0
    while f"split{k}_test_{metric}" in results:
        keys.append(f"split{k}_test_{metric}")
        k += 1
    if not keys:
        raise ValueError(
            f"The search's cv_results_ has no 'split<k>_test_{metric}' columns; "
            "per-split scores are needed to compare candidates."
        )
    return np.column_stack([np.asarray(results[key], dtype=float) for key in keys])


def budget_column(results):
    """Budgets of multi-fidelity searches (sktune's ``budget``, halving's
    ``n_resources``), or None."""
    for key in ("budget", "n_resources"):
        if key in results:
            return np.asarray(results[key], dtype=float)
    return None


def comparable_rows(results, metric, best=None):
    """Rows comparable with the best: the best's budget and finite scores.

    Returns ``(rows, best)``: indices into ``cv_results_`` and the row of the
    best mean score among them (``best`` if given).
    """
    means = np.asarray(results[f"mean_test_{metric}"], dtype=float)
    budgets = budget_column(results)
    finite = np.isfinite(means)
    if not finite.any():
        raise ValueError("Every candidate of the search failed; nothing to compare.")
    if best is None:
        pool = finite.copy()
        if budgets is not None:
            pool &= budgets == budgets[finite].max()
        best = int(np.flatnonzero(pool)[np.argmax(means[pool])])
    same = finite.copy()
    if budgets is not None:
        same &= budgets == budgets[best]
    return np.flatnonzero(same), best


def size_ratio_from_cv(cv):
    """``(n_train, n_test)`` proportions implied by a splitter, or None."""
    if cv is None:
        k = 5
    elif isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        k = int(cv)
    elif isinstance(cv, (KFold, StratifiedKFold, GroupKFold, StratifiedGroupKFold)):
        k = cv.n_splits
    elif isinstance(cv, (RepeatedKFold, RepeatedStratifiedKFold)):
        k = cv.cvargs.get("n_splits", 5)
    elif isinstance(cv, (ShuffleSplit, StratifiedShuffleSplit, GroupShuffleSplit)):
        test = 0.1 if cv.test_size is None and cv.train_size is None else cv.test_size
        train = cv.train_size
        if test is None and isinstance(train, float):
            test = 1 - train
        if train is None and isinstance(test, float):
            train = 1 - test
        if isinstance(test, float) and isinstance(train, float):
            return train, test
        return None
    else:
        return None
    return (k - 1, 1) if k >= 2 else None


def resolve_sizes(n_train, n_test, cv, n_splits, where):
    """``(n_train, n_test)`` from the user, or from ``cv`` / ``n_splits``."""
    if (n_train is None) != (n_test is None):
        raise ValueError(
            f"The 'n_train' and 'n_test' parameters of {where} go together; got "
            f"n_train={n_train!r} and n_test={n_test!r}."
        )
    if n_train is not None:
        return n_train, n_test
    if cv == "k-fold":
        if n_splits < 2:
            raise ValueError(
                f"{where} needs at least 2 splits to compare candidates; got "
                f"{n_splits}."
            )
        return n_splits - 1, 1
    sizes = size_ratio_from_cv(cv)
    if sizes is None:
        raise ValueError(
            f"{where} cannot tell the training and test sizes from cv={cv!r}; pass "
            "n_train= and n_test= (rows per split)."
        )
    return sizes


def simplest(rows, values, means, prefer, param):
    """The row with the simplest value of ``param`` (ties: higher mean, then
    lower row)."""
    if callable(prefer):
        keys = [prefer(values[row]) for row in rows]
    else:
        keys = []
        for row in rows:
            value = values[row]
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(
                    f"The values of {param!r} are not numbers ({value!r}); pass "
                    "prefer= a function mapping a value to its complexity "
                    "(lower is simpler)."
                )
            keys.append(value if prefer == "min" else -value)
    order = sorted(range(len(rows)), key=lambda i: (keys[i], -means[rows[i]], rows[i]))
    return int(rows[order[0]])
