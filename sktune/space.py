"""Search spaces: sktune dimensions, scipy.stats distributions and lists.

A search space maps each hyperparameter name to a *dimension*. Three dialects
are accepted wherever sktune takes a space:

- sktune dimensions: :class:`Real`, :class:`Integer`, :class:`Categorical`;
- the :class:`~sklearn.model_selection.RandomizedSearchCV` dialect as is:
  frozen ``scipy.stats`` distributions (mapped to and from the unit interval
  through their ``cdf`` / ``ppf``, so ``loguniform`` is a log-scaled real and
  ``randint`` an integer) and lists of values (categorical);
- a list of such dicts for conditional spaces, as
  :class:`~sklearn.model_selection.GridSearchCV` takes a list of grids.

Every dimension maps a value to one or more columns in ``[0, 1]`` (the
*encoding* the Gaussian process sees) and back, and maps a uniform draw
``u`` in ``[0, 1)`` to a value distributed as the dimension's prior.
"""

import itertools
import math
import numbers
import warnings
from collections.abc import Mapping

import numpy as np
from scipy import stats
from sklearn.utils import check_random_state

__all__ = ["Real", "Integer", "Categorical", "Space"]

# A finite space with at most this many points is enumerated to sample it
# without replacement; larger ones are sampled by rejection.
_ENUMERATE_MAX = 100_000

# ppf(0) and ppf(1) are infinite for unbounded distributions (and ppf(0) of a
# discrete one is below its support), so unit values are kept this far inside.
_EPS = 1e-12


class Dimension:
    """Base class of one searched hyperparameter; not used directly."""

    #: Number of columns of the encoding seen by the surrogate model.
    n_columns = 1
    #: Whether the encoding may be refined by a gradient method.
    is_continuous = True

    def from_uniform(self, u):
        """Map uniform draws ``u`` (shape ``(n,)``) to values of the prior."""
        raise NotImplementedError

    def encode(self, values):
        """Map values to their encoding, an array of shape ``(n, n_columns)``."""
        raise NotImplementedError

    def decode(self, z):
        """Map encodings (shape ``(n, n_columns)``) back to the nearest values."""
        return self.from_uniform(np.clip(z[:, 0], 0.0, 1.0))

    def snap(self, z):
        """Round encodings to those of the nearest values (vectorised)."""
        return self.encode(self.decode(z))

    def encode_uniform(self, u):
        """The encoding of ``from_uniform(u)``, without building the values."""
        return self.snap(np.asarray(u, dtype=float)[:, None])

    def rvs(self, size=None, random_state=None):
        """Draw values from the prior, with scipy's ``rvs`` convention.

        ``size=None`` draws one value and returns it; an int returns a list
        of that many. So a dimension also serves as a distribution in
        :class:`~sklearn.model_selection.RandomizedSearchCV`.
        """
        rng = check_random_state(random_state)
        if size is None:
            return self.from_uniform(rng.uniform(size=1))[0]
        return self.from_uniform(rng.uniform(size=size))

    #: Number of distinct values, or None when there are infinitely many.
    n_values = None

    def values(self):
        """All the values of a finite dimension, in order."""
        raise TypeError(f"{self!r} has infinitely many values.")


def _check_bounds(cls_name, low, high, log, kind=numbers.Real):
    for name, value in (("low", low), ("high", high)):
        if (
            not isinstance(value, kind)
            or isinstance(value, bool)
            or not np.isfinite(value)
        ):
            expected = "an integer" if kind is numbers.Integral else "a finite number"
            raise TypeError(
                f"{cls_name}: {name!r} must be {expected}; got {value!r} "
                f"of type {type(value).__name__}."
            )
    if not low < high:
        raise ValueError(
            f"{cls_name}: 'low' must be lower than 'high'; got low={low!r}, "
            f"high={high!r}."
        )
    if not isinstance(log, (bool, np.bool_)):
        raise TypeError(f"{cls_name}: 'log' must be a bool; got {log!r}.")
    if log and low <= 0:
        raise ValueError(
            f"{cls_name}: 'low' must be positive when log=True; got low={low!r}."
        )


_PRIORS = {"uniform": False, "log-uniform": True}


def _log_from(cls_name, log, prior):
    """``log`` from sktune's ``log=`` or scikit-optimize's ``prior=`` spelling.

    ``Real(1e-3, 1.0, "log-uniform")`` (the prior passed third, as
    scikit-optimize users write it) is accepted too.
    """
    if isinstance(log, str):
        log, prior = False, log if prior is None else prior
    if prior is None:
        return log
    if prior not in _PRIORS:
        raise ValueError(
            f"{cls_name}: 'prior' must be 'uniform' or 'log-uniform'; got {prior!r}."
        )
    if log and not _PRIORS[prior]:
        raise ValueError(f"{cls_name}: log=True contradicts prior={prior!r}.")
    return _PRIORS[prior]


class Real(Dimension):
    """A real-valued hyperparameter in ``[low, high]``.

    Parameters
    ----------
    low, high : float
        Bounds, ``low < high``.
    log : bool, default=False
        Search on a log scale (uniform prior over ``log(value)``); needs
        ``low > 0``.
    prior : {"uniform", "log-uniform"} or None, default=None
        scikit-optimize's spelling of ``log``: ``prior="log-uniform"`` (or
        ``Real(low, high, "log-uniform")``) is ``log=True``.

    Examples
    --------
    >>> from sktune import Real
    >>> dim = Real(1e-3, 1e3, log=True)
    >>> [round(v, 3) for v in dim.from_uniform([0.0, 0.5, 1.0])]
    [0.001, 1.0, 1000.0]
    >>> Real(1e-3, 1e3, prior="log-uniform")
    Real(0.001, 1000.0, log=True)
    >>> 1e-3 <= dim.rvs(random_state=0) <= 1e3
    True
    """

    def __init__(self, low, high, log=False, prior=None):
        log = _log_from("Real", log, prior)
        _check_bounds("Real", low, high, log)
        self.low = float(low)
        self.high = float(high)
        self.log = bool(log)

    def _warp(self, x):
        x = np.asarray(x, dtype=float)
        return np.log(x) if self.log else x

    def from_uniform(self, u):
        lo, hi = self._warp(self.low), self._warp(self.high)
        x = lo + np.asarray(u, dtype=float) * (hi - lo)
        x = np.exp(x) if self.log else x
        return [float(v) for v in np.clip(x, self.low, self.high)]

    def encode(self, values):
        lo, hi = self._warp(self.low), self._warp(self.high)
        return ((self._warp(values) - lo) / (hi - lo)).reshape(-1, 1)

    def snap(self, z):
        return np.clip(z, 0.0, 1.0)

    def __repr__(self):
        return f"Real({self.low!r}, {self.high!r}, log={self.log})"


class Integer(Dimension):
    """An integer hyperparameter in ``[low, high]`` (both included).

    Each integer owns an equal share of the unit interval (of its log when
    ``log=True``), so a uniform draw gives a uniform (log-uniform) integer and
    the surrogate sees a value at the centre of its share.

    Parameters
    ----------
    low, high : int
        Bounds, ``low < high``.
    log : bool, default=False
        Search on a log scale; needs ``low > 0``.
    prior : {"uniform", "log-uniform"} or None, default=None
        scikit-optimize's spelling of ``log``.

    Examples
    --------
    >>> from sktune import Integer
    >>> Integer(1, 4).from_uniform([0.0, 0.3, 0.99])
    [1, 2, 4]
    >>> Integer(1, 4).values()
    [1, 2, 3, 4]
    """

    def __init__(self, low, high, log=False, prior=None):
        log = _log_from("Integer", log, prior)
        _check_bounds("Integer", low, high, log, kind=numbers.Integral)
        self.low = int(low)
        self.high = int(high)
        self.log = bool(log)

    @property
    def n_values(self):
        return self.high - self.low + 1

    def values(self):
        return list(range(self.low, self.high + 1))

    def _edges(self):
        lo, hi = self.low - 0.5, self.high + 0.5
        return (np.log(lo), np.log(hi)) if self.log else (lo, hi)

    def _round(self, u):
        lo, hi = self._edges()
        x = lo + np.asarray(u, dtype=float) * (hi - lo)
        x = np.exp(x) if self.log else x
        return np.clip(np.round(x), self.low, self.high)

    def from_uniform(self, u):
        return [int(v) for v in self._round(u)]

    def snap(self, z):
        return self.encode(self._round(np.clip(z[:, 0], 0.0, 1.0)))

    def encode(self, values):
        lo, hi = self._edges()
        x = np.asarray(values, dtype=float)
        x = np.log(x) if self.log else x
        return ((x - lo) / (hi - lo)).reshape(-1, 1)

    def __repr__(self):
        return f"Integer({self.low!r}, {self.high!r}, log={self.log})"


def _same(a, b):
    if a is b:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return False  # True == 1, but they are different choices
    both_numbers = isinstance(a, numbers.Number) and isinstance(b, numbers.Number)
    if not both_numbers and type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:  # arrays, objects whose == is not a bool
        return False


class Categorical(Dimension):
    """A hyperparameter taking one of a list of values.

    The surrogate sees a one-hot encoding; the values may be of any type
    (strings, numbers, ``None``, estimators, tuples).

    Parameters
    ----------
    choices : sequence
        The values, at least one.

    Examples
    --------
    >>> from sktune import Categorical
    >>> Categorical(["linear", "rbf"]).from_uniform([0.2, 0.7])
    ['linear', 'rbf']
    """

    is_continuous = False

    def __init__(self, choices):
        if isinstance(choices, (str, bytes, Mapping)) or not hasattr(
            choices, "__len__"
        ):
            raise TypeError(
                f"Categorical: 'choices' must be a list of values; got {choices!r}."
            )
        if len(choices) == 0:
            raise ValueError("Categorical: 'choices' must not be empty.")
        # numpy scalars (from np.arange, np.linspace...) become Python ones,
        # so best_params_ holds plain values
        self.choices = [c.item() if isinstance(c, np.generic) else c for c in choices]

    @property
    def n_columns(self):
        return len(self.choices)

    @property
    def n_values(self):
        return len(self.choices)

    def values(self):
        return list(self.choices)

    def index(self, value):
        """Position of ``value`` among the choices."""
        for i, choice in enumerate(self.choices):
            if _same(choice, value):
                return i
        raise ValueError(f"{value!r} is not one of the choices {self.choices!r}.")

    def from_uniform(self, u):
        k = len(self.choices)
        idx = np.minimum((np.asarray(u, dtype=float) * k).astype(int), k - 1)
        return [self.choices[i] for i in idx]

    def encode(self, values):
        z = np.zeros((len(values), len(self.choices)))
        for row, value in enumerate(values):
            z[row, self.index(value)] = 1.0
        return z

    def decode(self, z):
        return [self.choices[i] for i in np.argmax(z, axis=1)]

    def snap(self, z):
        return np.eye(len(self.choices))[np.argmax(z, axis=1)]

    def encode_uniform(self, u):
        k = len(self.choices)
        return np.eye(k)[
            np.minimum((np.asarray(u, dtype=float) * k).astype(int), k - 1)
        ]

    def __repr__(self):
        return f"Categorical({self.choices!r})"


class _Distribution(Dimension):
    """A frozen ``scipy.stats`` distribution, mapped through its cdf / ppf."""

    def __init__(self, dist):
        self.dist = dist
        self.discrete = isinstance(getattr(dist, "dist", None), stats.rv_discrete)

    def _bounded_support(self):
        """``(low, high)`` of a discrete distribution with finite support."""
        if not self.discrete:
            return None
        low, high = self.dist.support()
        if not (np.isfinite(low) and np.isfinite(high)):
            return None
        return int(low), int(high)

    @property
    def n_values(self):
        # from the bounds alone: the searches ask on every proposal, and a
        # randint(0, 10**9) must not be listed to be counted
        support = self._bounded_support()
        return None if support is None else support[1] - support[0] + 1

    def values(self):
        support = self._bounded_support()
        if support is None:
            return super().values()
        return list(range(support[0], support[1] + 1))

    def from_uniform(self, u):
        u = np.clip(np.asarray(u, dtype=float), _EPS, 1.0 - _EPS)
        x = np.atleast_1d(self.dist.ppf(u))
        if self.discrete:
            return [int(v) for v in x]
        return [float(v) for v in x]

    def snap(self, z):
        u = np.clip(z[:, 0], _EPS, 1.0 - _EPS)
        if self.discrete:
            return self.encode(self.dist.ppf(u))
        return u[:, None]  # cdf(ppf(u)) is u

    def encode(self, values):
        x = np.asarray(values, dtype=float)
        if self.discrete:
            # The centre of the step of the cdf that ppf maps back to x.
            u = 0.5 * (self.dist.cdf(x - 1) + self.dist.cdf(x))
        else:
            u = self.dist.cdf(x)
        return np.clip(np.asarray(u, dtype=float), 0.0, 1.0).reshape(-1, 1)

    def __repr__(self):
        return f"_Distribution({self.dist.dist.name}{self.dist.args})"


def _from_skopt(value):
    """A scikit-optimize dimension as the sktune one, or None if not one."""
    if not type(value).__module__.startswith("skopt."):
        return None
    kind = type(value).__name__
    if kind == "Categorical":
        return Categorical(list(value.categories))
    if kind in ("Real", "Integer"):
        # the base of a log scale does not change a log-uniform prior
        cls = Real if kind == "Real" else Integer
        return cls(value.low, value.high, prior=value.prior)
    return None


def _from_optuna(value):
    """An Optuna distribution as the sktune dimension, or None if not one."""
    if not type(value).__module__.startswith("optuna."):
        return None
    kind = type(value).__name__
    if kind == "CategoricalDistribution":
        return Categorical(list(value.choices))
    if kind in ("FloatDistribution", "IntDistribution"):
        step = getattr(value, "step", None)
        if step is not None and not (kind == "IntDistribution" and step == 1):
            count = int(round((value.high - value.low) / step)) + 1
            grid = [value.low + i * step for i in range(count)]
            if kind == "IntDistribution":
                grid = [int(v) for v in grid]
            return Categorical(grid)
        cls = Real if kind == "FloatDistribution" else Integer
        return cls(value.low, value.high, log=bool(value.log))
    return None


def _as_dimension(name, value):
    """Parse one entry of a search space, naming ``name`` in any error."""
    if isinstance(value, Dimension):
        return value
    converted = _from_skopt(value) or _from_optuna(value)
    if converted is not None:
        return converted
    if hasattr(value, "rvs"):
        if not (hasattr(value, "ppf") and hasattr(value, "cdf")):
            raise TypeError(
                f"Parameter {name!r}: a distribution must have 'ppf' and 'cdf' "
                "(a frozen scipy.stats distribution); got "
                f"{type(value).__name__}."
            )
        return _Distribution(value)
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__len__"):
        raise TypeError(
            f"Parameter {name!r}: expected a list of values, a frozen "
            "scipy.stats distribution, or Real/Integer/Categorical; got "
            f"{value!r} of type {type(value).__name__}. Single values need to "
            "be wrapped in a list with one element."
        )
    if isinstance(value, np.ndarray) and value.ndim != 1:
        raise ValueError(
            f"Parameter {name!r}: an array of choices must be one-dimensional; "
            f"got shape {value.shape}."
        )
    if len(value) == 0:
        raise ValueError(f"Parameter {name!r}: the list of choices is empty.")
    if isinstance(value, tuple):
        return _from_tuple(name, value)
    return Categorical(value)


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _from_tuple(name, value):
    """A tuple: scikit-optimize's ``(low, high, prior)`` range, else choices.

    ``(1e-6, 1e6, "log-uniform")`` is unambiguous and becomes a
    :class:`Real` (an :class:`Integer` for two ints). A pair of numbers is a
    range for scikit-optimize but two choices for ``GridSearchCV``: sktune
    takes it as ``GridSearchCV`` does, and says so.
    """
    if len(value) == 3 and value[2] in _PRIORS and all(map(_is_number, value[:2])):
        low, high, prior = value
        both_int = all(isinstance(v, numbers.Integral) for v in (low, high))
        return (Integer if both_int else Real)(low, high, prior=prior)
    if len(value) == 2 and all(map(_is_number, value)):
        kind = (
            "Integer" if all(isinstance(v, numbers.Integral) for v in value) else "Real"
        )
        warnings.warn(
            f"Parameter {name!r}: the tuple {value!r} is taken as two choices, as "
            f"GridSearchCV takes it; for scikit-optimize's range write "
            f"{kind}{value!r} (or a list to silence this warning).",
            UserWarning,
            stacklevel=5,
        )
    return Categorical(value)


class Space:
    """A search space: named dimensions, mapped to and from the unit cube.

    Parameters
    ----------
    dimensions : dict
        Maps parameter names to :class:`Real`, :class:`Integer`,
        :class:`Categorical`, a frozen ``scipy.stats`` distribution or a
        list of values.

    Attributes
    ----------
    names : list of str
        Parameter names, in the order given.
    dimensions : list of Dimension
        The parsed dimensions, in the same order.
    n_columns : int
        Width of the encoding (one-hot columns count once per choice).
    size : int or None
        Number of distinct points when every dimension is finite (lists,
        :class:`Categorical`, :class:`Integer`, bounded discrete
        distributions), else None. An empty space ``{}`` has one point, the
        estimator as given (as ``GridSearchCV`` evaluates an empty grid).

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sktune.space import Space
    >>> space = Space({"C": loguniform(1e-2, 1e2), "kernel": ["linear", "rbf"]})
    >>> space.n_columns
    3
    >>> point = space.from_uniform([[0.5, 0.9]])[0]
    >>> round(point["C"], 6), point["kernel"]
    (1.0, 'rbf')
    >>> grid = Space({"kernel": ["linear", "rbf"], "degree": [2, 3]})
    >>> grid.size, grid.grid()[:2]
    (4, [{'kernel': 'linear', 'degree': 2}, {'kernel': 'linear', 'degree': 3}])
    >>> Space({}).grid()  # the estimator as given
    [{}]
    """

    def __init__(self, dimensions):
        if not isinstance(dimensions, Mapping):
            raise TypeError(
                "A search space must be a dict mapping parameter names to "
                f"dimensions; got {type(dimensions).__name__}."
            )
        for name in dimensions:
            if not isinstance(name, str):
                raise TypeError(f"Parameter names must be strings; got {name!r}.")
        self.names = list(dimensions)
        self.dimensions = [_as_dimension(n, d) for n, d in dimensions.items()]
        self.n_columns = sum(d.n_columns for d in self.dimensions)
        bounds = np.cumsum([0] + [d.n_columns for d in self.dimensions])
        self._slices = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]

    @property
    def size(self):
        counts = [d.n_values for d in self.dimensions]
        if any(c is None for c in counts):
            return None
        return math.prod(counts)

    def grid(self):
        """Every point of a finite space, in ``itertools.product`` order."""
        if self.size is None:
            raise TypeError(f"{self!r} has infinitely many points.")
        values = [d.values() for d in self.dimensions]
        return [dict(zip(self.names, combo)) for combo in itertools.product(*values)]

    @property
    def n_dims(self):
        """Number of hyperparameters."""
        return len(self.dimensions)

    @property
    def continuous_columns(self):
        """Boolean mask of the encoding columns a gradient method may move."""
        mask = np.zeros(self.n_columns, dtype=bool)
        for dim, cols in zip(self.dimensions, self._slices):
            mask[cols] = dim.is_continuous
        return mask

    def from_uniform(self, u):
        """Map a ``(n, n_dims)`` array of uniform draws to ``n`` points."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        if not self.dimensions:
            return [{} for _ in range(len(u))]
        columns = [dim.from_uniform(u[:, j]) for j, dim in enumerate(self.dimensions)]
        return [dict(zip(self.names, values)) for values in zip(*columns)]

    def rvs(self, n_samples=1, random_state=None):
        """Draw ``n_samples`` points (dicts) from the prior."""
        rng = check_random_state(random_state)
        return self.from_uniform(rng.uniform(size=(n_samples, self.n_dims)))

    def encode_uniform(self, u):
        """The encoding of ``from_uniform(u)``, without building the points."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        return np.hstack(
            [np.empty((len(u), 0))]
            + [dim.encode_uniform(u[:, j]) for j, dim in enumerate(self.dimensions)]
        )

    def snap(self, z):
        """Round a ``(n, n_columns)`` array to the encodings of real points."""
        z = np.atleast_2d(np.asarray(z, dtype=float))
        return np.hstack(
            [np.empty((len(z), 0))]
            + [dim.snap(z[:, cols]) for dim, cols in zip(self.dimensions, self._slices)]
        )

    def encode(self, points):
        """Map points (dicts) to a ``(n, n_columns)`` array in ``[0, 1]``."""
        z = np.empty((len(points), self.n_columns))
        for name, dim, cols in zip(self.names, self.dimensions, self._slices):
            z[:, cols] = dim.encode([p[name] for p in points])
        return z

    def decode(self, z):
        """Map a ``(n, n_columns)`` array to the nearest points (dicts)."""
        z = np.atleast_2d(np.asarray(z, dtype=float))
        if not self.dimensions:
            return [{} for _ in range(len(z))]
        columns = [
            dim.decode(z[:, cols]) for dim, cols in zip(self.dimensions, self._slices)
        ]
        return [dict(zip(self.names, values)) for values in zip(*columns)]

    def __contains__(self, point):
        if set(point) != set(self.names):
            return False
        try:
            z = self.encode([point])
        except (ValueError, TypeError):
            return False
        return bool(np.all((z >= -1e-9) & (z <= 1 + 1e-9)))

    def __repr__(self):
        inner = ", ".join(f"{n!r}: {d!r}" for n, d in zip(self.names, self.dimensions))
        return f"Space({{{inner}}})"


def check_search_spaces(search_spaces, param_name="search_spaces"):
    """Parse any accepted dialect into a list of :class:`Space` (subspaces).

    Parameters
    ----------
    search_spaces : dict, Space or list of those
        A single space or a list of subspaces (a conditional space).
    param_name : str, default="search_spaces"
        The caller's name for it, put in front of error messages.

    Returns
    -------
    spaces : list of Space
    """
    try:
        if isinstance(search_spaces, (Mapping, Space)):
            search_spaces = [search_spaces]
        if isinstance(search_spaces, (str, bytes)) or not hasattr(
            search_spaces, "__iter__"
        ):
            raise TypeError(
                "A search space must be a dict or a list of dicts; got "
                f"{type(search_spaces).__name__}."
            )
        spaces = [s if isinstance(s, Space) else Space(s) for s in search_spaces]
        if not spaces:
            raise ValueError("The list of search spaces is empty.")
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"The '{param_name}' parameter is invalid: {exc}") from exc
    return spaces


def total_size(spaces):
    """Number of distinct points of a list of subspaces (None if infinite)."""
    sizes = [space.size for space in spaces]
    return None if any(n is None for n in sizes) else sum(sizes)


def point_key(s, space, point):
    """A hashable key of ``point`` of subspace ``s``: equal points, equal keys."""
    return (s, tuple(np.round(space.encode([point])[0], 9)))


def sample_distinct(spaces, n, random_state=None):
    """Draw up to ``n`` distinct ``(subspace, point)`` pairs from the priors.

    A finite space with at most ``n`` points gives all of them (in a random
    order). Otherwise each draw picks a subspace uniformly, as the searches
    do, and a point from its prior; a repeat is drawn again, and a finite
    subspace whose prior keeps repeating is finished from its enumerated
    points not yet drawn.
    """
    rng = check_random_state(random_state)
    total = total_size(spaces)
    if total is not None and total <= min(n, _ENUMERATE_MAX):
        pairs = [(s, p) for s, space in enumerate(spaces) for p in space.grid()]
        return [pairs[i] for i in rng.permutation(len(pairs))]
    chosen, seen, closed, left = [], set(), set(), {}
    repeats = 0
    while len(chosen) < n and len(closed) < len(spaces):
        s = int(rng.randint(len(spaces)))
        if s in closed:
            continue
        space = spaces[s]
        if repeats > 20 * n + 100 and space.size is not None:
            if space.size > _ENUMERATE_MAX:
                closed.add(s)  # too large to list, yet its prior keeps repeating
                continue
            if s not in left:  # the points not drawn yet, in a random order
                rest = [p for p in space.grid() if point_key(s, space, p) not in seen]
                left[s] = [rest[i] for i in rng.permutation(len(rest))]
            if not left[s]:
                closed.add(s)
                continue
            point = left[s].pop()
        else:
            point = space.rvs(1, rng)[0]
        key = point_key(s, space, point)
        if key in seen:
            repeats += 1
            if space.size is None and repeats > 100 * n + 1000:
                closed.add(s)  # a degenerate continuous prior
            continue
        seen.add(key)
        chosen.append((s, point))
    return chosen


def warn_small_space(total, n_iter, what="n_iter"):
    """Warn, as RandomizedSearchCV does, that a finite space is all there is."""
    warnings.warn(
        f"The total space of parameters {total} is smaller than {what}={n_iter}. "
        f"Running {total} configurations: each point once.",
        UserWarning,
        stacklevel=3,
    )
