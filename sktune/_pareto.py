"""Pareto fronts of multi-metric searches.

Notations
---------
n_rows : rows of ``cv_results_`` (one per evaluation)
n_obj : objectives
values : (n_rows, n_obj) float, the objectives' columns as the search wrote
    them
costs : (n, n_obj) float, the same turned into minimisation (maximised
    objectives negated), restricted to the rows that count
front : indices into ``costs`` of the non-dominated points

A point *dominates* another when it is at least as good in every objective
and strictly better in one. Equal points do not dominate each other, so a
front keeps all copies of a point.
"""

from collections.abc import Mapping

import numpy as np

from sktune._comparisons import budget_column, metric_names

__all__ = ["pareto_front"]

_DIRECTIONS = ("max", "min")


def pareto_front(search, objectives=None):
    """Candidates of a search that no other candidate beats on every objective.

    A candidate is on the Pareto front when no other candidate is at least as
    good on every objective and strictly better on one: the front holds every
    sensible trade-off between, say, accuracy and fit time, or precision and
    recall. Candidates with identical objective values are all kept.

    Works with any fitted search, scikit-learn's ``GridSearchCV`` and
    ``RandomizedSearchCV`` with multi-metric ``scoring`` included, or with
    its ``cv_results_`` dict. For Hyperband, PBT and halving searches
    (``cv_results_`` with a ``budget`` or ``n_resources`` column) only the
    evaluations at the largest budget are considered: a candidate stopped
    early is not comparable with one trained in full. Rows with a NaN or
    infinite value in an objective (failed fits) are left out.

    Parameters
    ----------
    search : fitted search estimator or dict
        A fitted search, or its ``cv_results_``.
    objectives : dict, list of str, str or None, default=None
        What to trade off. A dict maps a name to ``"max"`` or ``"min"``; a
        list of names takes the default direction of each: ``"max"`` for
        scores (metric names and ``*_test_*`` / ``*_train_*`` columns),
        ``"min"`` for times (``*_time`` columns); any other column needs a
        dict. A name is a ``cv_results_`` column (``"mean_test_accuracy"``,
        ``"mean_fit_time"``, ``"param_n_estimators"``), a metric
        (``"accuracy"`` means ``"mean_test_accuracy"``) or a column without
        its ``mean_`` (``"fit_time"``). ``None`` maximises every test metric
        of the search.

    Returns
    -------
    front : dict of ndarray
        One entry per candidate on the front, sorted by the first objective
        (best first, ties by the next objectives, then by row):
        ``index`` (row of ``cv_results_``), ``params`` (object array) and,
        for each objective, its ``cv_results_`` column under the column's
        name (``mean_test_accuracy``, ``mean_fit_time``).
        ``pandas.DataFrame(front)`` shows it as a table.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the columns), a direction
        other than ``"max"`` or ``"min"``, a column named twice, or when no
        candidate has finite values for every objective.

    See Also
    --------
    sktune.refit.fastest_within : refit the cheapest candidate nearly as
        good as the best.
    sktune.refit.knee : refit the knee of a two-objective front.

    Notes
    -----
    With two objectives the front is found by one sort and a sweep,
    O(n log n) for n candidates (Kung et al., 1975). With more it compares
    each candidate, in lexicographic order, with the front found so far,
    O(n m) for a front of m candidates.

    References
    ----------
    Kung, H. T., Luccio, F. and Preparata, F. P. (1975). On finding the
    maxima of a set of vectors. Journal of the ACM, 22(4), 469-476.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from sktune import pareto_front
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> search = GridSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": [1, 2, 3, 4, 6, 8]},
    ...     scoring=["precision", "recall"],
    ...     refit=False,
    ... ).fit(X, y)
    >>> front = pareto_front(search)
    >>> [p["max_depth"] for p in front["params"]]
    [8, 6, 2, 1]
    >>> front["mean_test_precision"].round(3).tolist()
    [0.946, 0.941, 0.937, 0.898]
    >>> front["mean_test_recall"].round(3).tolist()
    [0.919, 0.921, 0.95, 0.952]

    Accuracy against fit time, the fastest last:

    >>> front = pareto_front(search, {"precision": "max", "fit_time": "min"})
    >>> list(front)
    ['index', 'params', 'mean_test_precision', 'mean_fit_time']
    """
    results = cv_results_of(search)
    columns, directions = resolve_objectives(results, objectives)
    rows, values = objective_values(results, columns)
    signs = np.array([1.0 if d == "min" else -1.0 for d in directions])
    front = non_dominated(values * signs)
    keep = rows[front]
    # lexsort sorts by its last key first: objectives in order, then row
    order = np.lexsort(
        (keep, *[values[front, j] * signs[j] for j in reversed(range(len(columns)))])
    )
    keep = keep[order]
    params = np.empty(len(keep), dtype=object)
    params[:] = [results["params"][row] for row in keep]
    table = {"index": keep.astype(int), "params": params}
    for j, column in enumerate(columns):
        table[column] = values[front[order], j]
    return table


def cv_results_of(search):
    """The ``cv_results_`` of a fitted search, or the dict itself."""
    if isinstance(search, Mapping):
        results = search
    else:
        results = getattr(search, "cv_results_", None)
        if results is None:
            raise TypeError(
                "The 'search' parameter must be a fitted search (with "
                f"cv_results_) or a cv_results_ dict; got {type(search).__name__}."
            )
    if "params" not in results:
        raise ValueError(
            "The 'search' parameter's cv_results_ has no 'params' entry; is it "
            "a search's cv_results_?"
        )
    return results


def _numeric_columns(results):
    names = []
    for key, column in results.items():
        kind = np.asarray(np.ma.getdata(column)).dtype.kind
        if kind in "biuf" or (kind == "O" and key.startswith("param_")):
            names.append(key)
    return names


def column_of(results, name, param="objectives"):
    """The cv_results_ column a name stands for (exact, metric, ``mean_``)."""
    for key in (name, f"mean_test_{name}", f"mean_{name}"):
        if key in results and key != "params":
            return key
    available = sorted(set(metric_names(results)) | set(_numeric_columns(results)))
    raise ValueError(
        f"The {param!r} parameter names {name!r}, which is neither a column "
        f"nor a metric of the search's cv_results_; expected one of {available!r}."
    )


def _default_direction(column):
    if column.endswith("_time"):
        return "min"
    if "_test_" in column or "_train_" in column:
        return "max"
    raise ValueError(
        f"The 'objectives' parameter names {column!r}, whose direction cannot be "
        f"guessed; pass a dict such as {{{column!r}: 'min'}}."
    )


def resolve_objectives(results, objectives):
    """``(columns, directions)``: cv_results_ keys and ``"max"``/``"min"``."""
    if objectives is None:
        names = metric_names(results)
        if not names:
            raise ValueError(
                "The search's cv_results_ has no 'mean_test_*' column; is it fitted?"
            )
        return [f"mean_test_{name}" for name in names], ["max"] * len(names)
    if isinstance(objectives, str):
        objectives = [objectives]
    if isinstance(objectives, Mapping):
        pairs = list(objectives.items())
    elif isinstance(objectives, (list, tuple)):
        pairs = [(name, None) for name in objectives]
    else:
        raise TypeError(
            "The 'objectives' parameter must be a dict of name -> 'max'/'min', a "
            f"list of names or None; got {objectives!r}."
        )
    if not pairs:
        raise ValueError("The 'objectives' parameter must name at least one column.")
    columns, directions = [], []
    for name, direction in pairs:
        if not isinstance(name, str):
            raise TypeError(
                f"The 'objectives' parameter must name columns by strings; got "
                f"{name!r}."
            )
        column = column_of(results, name)
        if direction is None:
            direction = _default_direction(column)
        if direction not in _DIRECTIONS:
            raise ValueError(
                f"The 'objectives' parameter's direction for {name!r} must be "
                f"'max' or 'min'; got {direction!r}."
            )
        if column in columns:
            raise ValueError(
                f"The 'objectives' parameter names the column {column!r} twice."
            )
        columns.append(column)
        directions.append(direction)
    return columns, directions


def _as_floats(results, column, param="objectives"):
    raw = results[column]
    mask = np.ma.getmaskarray(raw)
    data = np.ma.getdata(raw)
    try:
        values = np.array([np.nan if m else v for v, m in zip(data, mask)], dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"The {param!r} parameter names {column!r}, which does not hold numbers."
        ) from exc
    return values


def objective_values(results, columns, params=None):
    """``(rows, values)``: the rows that count and their objective values.

    Rows count when every objective is finite and, for multi-fidelity
    searches, their budget is the largest among such rows.
    """
    params = params or ["objectives"] * len(columns)
    values = np.column_stack(
        [_as_floats(results, c, p) for c, p in zip(columns, params)]
    )
    finite = np.all(np.isfinite(values), axis=1)
    if not finite.any():
        raise ValueError(
            f"No candidate of the search has finite values for {columns!r}; every "
            "fit failed?"
        )
    budgets = budget_column(results)
    if budgets is not None:
        finite &= budgets == budgets[finite].max()
    rows = np.flatnonzero(finite)
    return rows, values[rows]


def non_dominated(costs):
    """Indices (ascending) of the rows of ``costs`` that no row dominates.

    Every column is minimised. Equal rows do not dominate each other.
    """
    costs = np.asarray(costs, dtype=float)
    n, n_obj = costs.shape
    if n == 0:
        return np.empty(0, dtype=int)
    if n_obj == 1:
        return np.flatnonzero(costs[:, 0] == costs[:, 0].min())
    if n_obj == 2:
        return _non_dominated_2d(costs)
    return _non_dominated_nd(costs)


def _non_dominated_2d(costs):
    # Sort by the first cost. Within a run of equal first costs only the
    # smallest second cost can survive, and it survives when every earlier
    # run (strictly smaller first cost) has a strictly larger second cost.
    order = np.lexsort((costs[:, 1], costs[:, 0]))
    first, second = costs[order, 0], costs[order, 1]
    starts = np.flatnonzero(np.r_[True, first[1:] != first[:-1]])
    run_min = second[starts]  # lexsort: a run's smallest second cost is first
    before = np.r_[np.inf, np.minimum.accumulate(run_min)[:-1]]
    run_of = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(first)]))
    keep = (second == run_min[run_of]) & (run_min[run_of] < before[run_of])
    return np.sort(order[keep])


def _non_dominated_nd(costs):
    # In lexicographic order only an earlier row can dominate a later one (a
    # later row that dominated would be equal, and equal rows do not
    # dominate), and a row dominated by anything is dominated by the front.
    order = np.lexsort(costs.T[::-1])
    front = []
    for i in order:
        if front:
            kept = costs[front]
            no_worse = np.all(kept <= costs[i], axis=1)
            better = np.any(kept < costs[i], axis=1)
            if np.any(no_worse & better):
                continue
        front.append(i)
    return np.sort(np.asarray(front, dtype=int))
