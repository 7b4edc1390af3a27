"""The evaluated points of a search, encoded for a surrogate model.

Pure readers of ``cv_results_``, shared by :mod:`sktune.importance` (fANOVA
and Sobol' indices) and :mod:`sktune.plot` (partial dependence, slices). They
work on any fitted search: sktune's three and scikit-learn's grid, randomized
and successive-halving searches, conditional spaces (a list of dicts)
included.

Notations
---------
- ``n_rows``: evaluated points kept (rows of ``cv_results_``);
- ``n_params``: searched parameters;
- ``X``: ``(n_rows, n_params)`` encoded parameters: a number as itself, a
  log-scaled one as ``log10(value)``, a categorical one as its integer code
  into ``categories[name]``, NaN where the parameter is inactive (masked in
  ``cv_results_["param_<name>"]``, as in a conditional space);
- ``y``: ``(n_rows,)`` mean test scores (higher is better);
- ``bounds``: ``n_params`` pairs ``(low, high)`` in encoded units.
"""

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from scipy import stats
from sklearn.ensemble import RandomForestRegressor

from sktune._comparisons import budget_column, pick_metric
from sktune._validation import check_int
from sktune.space import Categorical, Integer, Real, _same, check_search_spaces

__all__ = ["Evaluated", "evaluated_points", "filled", "fit_forest", "inactive_value"]

# A multi-fidelity search is read at its largest budget when that budget has
# at least this many evaluated points; otherwise at the largest budget that
# has (the lower rungs of Hyperband and halving searches have more points).
ENOUGH_ROWS = 6
# Fewer evaluated points than this cannot teach a surrogate anything.
MIN_ROWS = 3
# A positive numeric parameter whose largest value is at least this many
# times its smallest is read on a log scale (two decades or more).
LOG_RATIO = 100.0
_SPACE_ATTRIBUTES = ("search_spaces", "param_distributions", "param_grid")
_LOG_DISTRIBUTIONS = ("loguniform", "reciprocal")


@dataclass(frozen=True)
class Evaluated:
    """The evaluated points of a search, encoded (see the module's Notations).

    Attributes
    ----------
    names : list of str
        The searched parameters.
    X : ndarray of shape (n_rows, n_params)
        Encoded parameters, NaN where inactive.
    y : ndarray of shape (n_rows,)
        Mean test scores of ``metric`` (higher is better).
    kinds : list of {"real", "log", "int", "cat"}
        How each parameter is encoded.
    categories : dict
        Maps each ``"cat"`` parameter to its values; codes index this list.
    bounds : list of tuple
        ``(low, high)`` of each parameter in encoded units.
    rows : ndarray of int
        The ``cv_results_`` rows of ``X`` and ``y``.
    metric : str
        The metric of ``y``.
    grids : dict
        Maps each numeric parameter that takes listed values (a list of
        numbers in the space, as ``GridSearchCV`` takes it, or values that
        repeat when there is no space) to those values, encoded and sorted:
        they, not the interval between them, are its domain.
    """

    names: list
    X: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    kinds: list
    categories: dict
    bounds: list
    rows: np.ndarray = field(repr=False)
    metric: str
    grids: dict = field(default_factory=dict)

    def decode(self, j, codes):
        """Values of parameter ``j`` from encoded ``codes`` (NaN: inactive, None)."""
        codes = np.asarray(codes, dtype=float)
        kind = self.kinds[j]
        out = []
        for code in codes:
            if np.isnan(code):
                out.append(None)
            elif kind == "cat":
                out.append(self.categories[self.names[j]][int(round(code))])
            elif kind == "log":
                out.append(float(10.0**code))
            elif kind == "int":
                out.append(int(round(code)))
            else:
                out.append(float(code))
        return out


def _results_of(search):
    if isinstance(search, Mapping):
        return search, None
    results = getattr(search, "cv_results_", None)
    if not isinstance(results, Mapping):
        raise ValueError(
            "The 'search' parameter must be a fitted search (with cv_results_) "
            f"or a cv_results_ dict; got an unfitted {type(search).__name__}."
        )
    return results, search


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


class _Spec(NamedTuple):
    """What a parameter is, in its own units (before encoding)."""

    kind: str  # "real", "log", "int" or "cat"
    low: float | None = None
    high: float | None = None
    categories: list | None = None
    grid: list | None = None  # the listed values of a numeric parameter


def _spec_from_values(values, *, listed=False):
    """The spec of the values a parameter took (or ``listed`` in a space).

    Numbers are numeric, with a grid when they were listed, or when they
    repeat (a value seen twice on average came from a list, not from a
    continuous distribution).
    """
    if not values or not all(_is_number(v) for v in values):
        return _Spec("cat", categories=_unique(values))
    array = np.asarray(values, dtype=float)
    low, high = float(array.min()), float(array.max())
    if low > 0 and high >= LOG_RATIO * low:
        kind = "log"
    elif all(isinstance(v, numbers.Integral) for v in values):
        kind = "int"
    else:
        kind = "real"
    distinct = np.unique(array)
    grid = list(distinct) if listed or 2 * distinct.size <= array.size else None
    return _Spec(kind, low, high, grid=grid)


def _unique(values):
    """Distinct values in order of appearance (``True`` is not ``1``)."""
    found = []
    for value in values:
        if not any(_same(value, other) for other in found):
            found.append(value)
    return found


def _spec_from_dimension(dim):
    """The spec of a parsed dimension of a space, or None if unknown."""
    if isinstance(dim, Categorical):
        return _spec_from_values(list(dim.choices), listed=True)
    if isinstance(dim, (Real, Integer)):
        kind = "log" if dim.log else ("int" if isinstance(dim, Integer) else "real")
        return _Spec(kind, float(dim.low), float(dim.high))
    dist = getattr(dim, "dist", None)  # a frozen scipy.stats distribution
    if dist is None:
        return None
    low, high = (float(v) for v in dist.support())
    if not np.isfinite(low) or not np.isfinite(high):
        low = high = None  # unbounded: the bounds come from the values
    if isinstance(getattr(dist, "dist", None), stats.rv_discrete):
        return _Spec("int", low, high)
    name = getattr(getattr(dist, "dist", None), "name", "")
    return _Spec("log" if name in _LOG_DISTRIBUTIONS else "real", low, high)


def _merge(specs):
    """One spec for a parameter of several subspaces (categorical wins)."""
    specs = [s for s in specs if s is not None]
    if not specs:
        return None
    if any(s.kind == "cat" for s in specs):
        values = [v for s in specs if s.kind == "cat" for v in s.categories]
        return _Spec("cat", categories=_unique(values))
    kinds = {s.kind for s in specs}
    kind = kinds.pop() if len(kinds) == 1 else "real"
    grid = None
    if all(s.grid is not None for s in specs):
        grid = sorted({v for s in specs for v in s.grid})
    lows = [s.low for s in specs if s.low is not None]
    highs = [s.high for s in specs if s.high is not None]
    if len(lows) < len(specs) or len(highs) < len(specs):
        return _Spec(kind, grid=grid)
    return _Spec(kind, min(lows), max(highs), grid=grid)


def _space_specs(search):
    """Parameter name -> spec from the search's own space, or None."""
    if search is None:
        return None
    for attribute in _SPACE_ATTRIBUTES:
        space = getattr(search, attribute, None)
        if space is None:
            continue
        try:
            subspaces = check_search_spaces(space, attribute)
        except (TypeError, ValueError):
            return None
        per_name = {}
        for subspace in subspaces:
            for name, dim in zip(subspace.names, subspace.dimensions):
                per_name.setdefault(name, []).append(_spec_from_dimension(dim))
        return {name: _merge(specs) for name, specs in per_name.items()}
    return None


def _column(results, name):
    """The values and inactive mask of ``param_<name>``."""
    column = results[f"param_{name}"]
    mask = np.ma.getmaskarray(column) if np.ma.isMaskedArray(column) else None
    values = list(np.ma.getdata(column)) if mask is not None else list(column)
    if mask is None:
        mask = np.zeros(len(values), dtype=bool)
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    return values, np.asarray(mask, dtype=bool)


def _choose_rows(results, metric):
    """Rows with finite scores, at one budget for multi-fidelity searches."""
    means = np.asarray(results[f"mean_test_{metric}"], dtype=float)
    finite = np.isfinite(means)
    budgets = budget_column(results)
    if budgets is not None and finite.any():
        levels, counts = np.unique(budgets[finite], return_counts=True)
        enough = levels[counts >= ENOUGH_ROWS]
        # the largest budget with enough points, else the most populated one
        level = enough.max() if enough.size else levels[counts == counts.max()].max()
        finite &= budgets == level
    rows = np.flatnonzero(finite)
    if rows.size < MIN_ROWS:
        raise ValueError(
            f"The 'search' parameter must have at least {MIN_ROWS} evaluated "
            f"points with a finite '{metric}' score (at one budget); got "
            f"{rows.size}."
        )
    return rows, means[rows]


def _encode(values, active, kind, categories):
    x = np.full(len(values), np.nan)
    if kind == "cat":
        lookup = Categorical(categories)
        for i, value in enumerate(values):
            if active[i]:
                x[i] = lookup.index(value)
        return x
    numbers_ = np.array([float(v) for v, a in zip(values, active) if a])
    x[active] = np.log10(numbers_) if kind == "log" else numbers_
    return x


def evaluated_points(search, *, scoring=None):
    """The evaluated points of a fitted search, encoded for a surrogate.

    Parameters
    ----------
    search : fitted search, cv_results_ dict or Evaluated
        Any fitted scikit-learn or sktune search, or its ``cv_results_``.
        An :class:`Evaluated` is returned as is.
    scoring : str or None, default=None
        The metric of a multi-metric search; ``None`` takes the refit
        metric, or the only one.

    Returns
    -------
    evaluated : Evaluated

    Notes
    -----
    Rows whose score is not finite (failed fits) are left out. A
    multi-fidelity search (a ``budget`` or ``n_resources`` column) is read
    at its largest budget when at least six points reached it, otherwise at
    the largest budget with six points, otherwise at the budget with most
    points: scores at different budgets do not compare.

    Kinds, bounds and log scales come from the search's space when it has
    one (``search_spaces``, ``param_distributions`` or ``param_grid``), and
    only its parameters are kept (a Hyperband resource is not a searched
    parameter). Otherwise they are inferred from the values: anything but
    numbers (strings, ``None``, booleans, a mix) is categorical; positive
    numbers spanning two decades or more are read on a log scale; integers
    are ``"int"``, other numbers ``"real"``. A list of numbers (a grid)
    stays numeric, and its values are kept in ``grids``. Bounds are widened
    to every value seen. A parameter that
    takes a single value and is never inactive among the kept rows carries
    no information and is left out.

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import RandomizedSearchCV
    >>> from sklearn.svm import SVC
    >>> from sktune._surrogate import evaluated_points
    >>> X, y = load_iris(return_X_y=True)
    >>> space = {"C": loguniform(1e-2, 1e2), "kernel": ["linear", "rbf"]}
    >>> search = RandomizedSearchCV(SVC(), space, n_iter=8, random_state=0)
    >>> points = evaluated_points(search.fit(X, y))
    >>> points.names, points.kinds, points.X.shape
    (['C', 'kernel'], ['log', 'cat'], (8, 2))
    >>> points.bounds[0], points.categories
    ((-2.0, 2.0), {'kernel': ['linear', 'rbf']})
    """
    if isinstance(search, Evaluated):
        return search
    results, estimator = _results_of(search)
    metric = pick_metric(results, scoring, getattr(estimator, "refit", None))
    rows, y = _choose_rows(results, metric)
    space = _space_specs(estimator)
    names = [key[len("param_") :] for key in results if key.startswith("param_")]
    if space is not None:
        names = [n for n in space if f"param_{n}" in results]
    kept, X, kinds, categories, bounds, grids = [], [], [], {}, [], {}
    for name in names:
        values, inactive = _column(results, name)
        active = ~inactive
        seen = [v for v, a in zip(values, active) if a]
        spec = _spec_from_values(seen) if seen else None
        own = space.get(name) if space is not None else None
        if own is not None and not (own.kind != "cat" and spec.kind == "cat"):
            spec = own  # the space knows best, unless its numbers were not
        if spec is None:
            continue  # never active
        kind, low, high, cats, grid = spec
        if kind == "cat":
            cats = _unique(list(cats) + seen)
            low, high = 0.0, float(len(cats) - 1)
        else:
            observed = np.array([float(v) for v in seen])
            low = observed.min() if low is None else min(low, observed.min())
            high = observed.max() if high is None else max(high, observed.max())
            if grid is not None:
                grid = sorted(set(grid) | set(observed.tolist()))
            if kind == "log" and low <= 0:
                kind = "real"  # a log scale cannot hold the values seen
            if kind == "log":
                low, high = np.log10(low), np.log10(high)
                grid = None if grid is None else list(np.log10(grid))
        x = _encode(values, active, kind, cats)[rows]
        finite = x[~np.isnan(x)]
        if finite.size == 0 or (finite.size == x.size and np.ptp(finite) == 0):
            continue  # never active, or a constant: no information
        kept.append(name)
        X.append(x)
        kinds.append(kind)
        if kind == "cat":
            categories[name] = cats
        elif grid is not None:
            grids[name] = [float(v) for v in grid]
        bounds.append((float(low), float(high)))
    X = np.column_stack(X) if X else np.empty((len(rows), 0))
    return Evaluated(
        names=kept,
        X=X,
        y=y,
        kinds=kinds,
        categories=categories,
        bounds=bounds,
        rows=rows,
        metric=metric,
        grids=grids,
    )


def inactive_value(evaluated, j):
    """The encoded value standing for "inactive" in parameter ``j``.

    One unit below the lower bound (a decade below for a log scale, code
    ``-1`` for a categorical one), so a tree splits it off as its own
    branch.
    """
    return evaluated.bounds[j][0] - 1.0


def filled(evaluated, X=None):
    """``X`` (default ``evaluated.X``) with NaN replaced by inactive values."""
    X = np.array(evaluated.X if X is None else X, dtype=float)
    for j in range(X.shape[1]):
        X[np.isnan(X[:, j]), j] = inactive_value(evaluated, j)
    return X


def fit_forest(evaluated, *, n_estimators=64, random_state=None):
    """A random forest fitted to the evaluated points.

    Parameters
    ----------
    evaluated : Evaluated
        From :func:`evaluated_points`.
    n_estimators : int, default=64
        Number of trees.
    random_state : int, RandomState instance or None, default=None
        Seeds the bootstrap samples of the trees.

    Returns
    -------
    forest : RandomForestRegressor
        Fitted on :func:`filled` ``X`` (an inactive parameter is a value
        below its bounds, its own branch) and ``y``. A random forest (with
        bootstrap samples, fully grown trees, every feature considered at
        each split) as in fANOVA (Hutter et al., 2014): each tree is a
        partition of the box into axis-aligned leaves, whose variance
        decomposes exactly.

    Examples
    --------
    >>> import numpy as np
    >>> from sktune._surrogate import evaluated_points, fit_forest
    >>> x = np.linspace(0.0, 1.0, 20)
    >>> results = {"param_x": np.ma.masked_array(x), "mean_test_score": 2 * x}
    >>> forest = fit_forest(evaluated_points(results), random_state=0)
    >>> forest.n_estimators
    64
    """
    n_estimators = check_int(n_estimators, "n_estimators")
    forest = RandomForestRegressor(n_estimators=n_estimators, random_state=random_state)
    return forest.fit(filled(evaluated), evaluated.y)
