"""Shared argument checks: one error shape, "The 'x' parameter ... got ...".

Used by :mod:`sktune.stats`, :mod:`sktune.refit` and :mod:`sktune.nested`.
"""

import numbers

import numpy as np

_ALTERNATIVES = ("two-sided", "greater", "less")


def check_alternative(alternative):
    if alternative not in _ALTERNATIVES:
        raise ValueError(
            "The 'alternative' parameter must be one of "
            f"{_ALTERNATIVES!r}; got {alternative!r}."
        )


def has_missing(array):
    """Whether a label array holds NaN or None."""
    if array.dtype.kind == "f":
        return bool(np.isnan(array).any())
    if array.dtype.kind == "O":
        return any(v is None or (isinstance(v, float) and np.isnan(v)) for v in array)
    return False


def as_scores(values, name, *, ndim=None, min_size=2):
    """A float array without NaN or inf, with at least ``min_size`` values."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"The '{name}' parameter must be an array of numbers; got {values!r}."
        ) from exc
    if ndim is not None and array.ndim != ndim:
        raise ValueError(
            f"The '{name}' parameter must be {ndim}-dimensional; got shape "
            f"{array.shape}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"The '{name}' parameter contains NaN or infinite values; a failed "
            "fit's score cannot be compared."
        )
    if array.size < min_size:
        raise ValueError(
            f"The '{name}' parameter needs at least {min_size} values; got "
            f"{array.size}."
        )
    return array


def paired(scores_a, scores_b, *, min_size=2, shape=None):
    a = as_scores(scores_a, "scores_a", min_size=min_size)
    b = as_scores(scores_b, "scores_b", min_size=min_size)
    for name, array in (("scores_a", a), ("scores_b", b)):
        if array.ndim > 2:
            # never flattened: a third axis (metrics? data sets?) is a mistake
            raise ValueError(
                f"The '{name}' parameter must be 1-dimensional (one score per "
                f"split) or 2-dimensional (repeat, fold); got shape {array.shape}."
            )
    if a.shape != b.shape:
        raise ValueError(
            "The 'scores_a' and 'scores_b' parameters must have the same shape "
            f"(paired scores on the same splits); got {a.shape} and {b.shape}."
        )
    if shape is not None and a.shape != shape:
        raise ValueError(
            f"The 'scores_a' and 'scores_b' parameters must have shape {shape} "
            f"(repeat, fold); got {a.shape}."
        )
    return a, b


def check_sizes(n_train, n_test):
    for name, value in (("n_train", n_train), ("n_test", n_test)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"The '{name}' parameter must be a positive number (rows per "
                f"split); got {value!r}."
            )
        if not np.isfinite(value) or value <= 0:
            raise ValueError(
                f"The '{name}' parameter must be a positive number (rows per "
                f"split); got {value!r}."
            )
    return float(n_train), float(n_test)


def check_alpha(alpha):
    return check_level(alpha, "alpha")


def check_level(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"The '{name}' parameter must be a number in (0, 1); got {value!r}."
        )
    if not 0 < value < 1:
        raise ValueError(
            f"The '{name}' parameter must be a number in (0, 1); got {value!r}."
        )
    return float(value)


def check_int(value, name, low=1):
    """``value`` as an int >= ``low``: TypeError for a non-integer (bools
    included), ValueError for one below ``low``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"The '{name}' parameter must be an integer >= {low}; got {value!r}."
        )
    if value < low:
        raise ValueError(
            f"The '{name}' parameter must be an integer >= {low}; got {value!r}."
        )
    return int(value)


def check_counts(n_models, n_datasets):
    check_int(n_models, "n_models", 2)
    check_int(n_datasets, "n_datasets", 1)
