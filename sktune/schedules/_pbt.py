"""Population-based training: truncation selection and exploration.

Pure functions on scores and points; they fit nothing (Jaderberg et al.,
2017, "Population based training of neural networks", arXiv:1711.09846).

Notations
---------
P : population size.
scores : (P,) mean validation score of each member (higher is better; nan
    for a member whose fit failed).
quantile : the fraction of the population in the bottom (and in the top).
"""

import math

import numpy as np

from sktune.space import Categorical, Integer, Real, _Distribution


def truncation_selection(scores, quantile, rng):
    """Pair each bottom member with a top member to copy.

    Members are ranked by score (nan counts as the worst); the bottom
    ``ceil(quantile * P)`` members (at least one when ``P >= 2``) each copy a
    member drawn uniformly from the top as many.

    Returns
    -------
    pairs : list of (loser, winner) index pairs.

    Examples
    --------
    >>> import numpy as np
    >>> truncation_selection([0.1, 0.9, 0.5, np.nan], 0.25, np.random.RandomState(0))
    [(3, 1)]
    """
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    if n < 2:
        return []
    k = min(n // 2, max(1, int(math.ceil(quantile * n - 1e-9))))
    order = np.argsort(np.where(np.isnan(scores), -np.inf, scores), kind="stable")
    bottom, top = order[:k], order[n - k :]
    return [(int(loser), int(top[rng.randint(k)])) for loser in bottom]


def perturb(space, point, names, rng, factors=(0.8, 1.2), resample_probability=0.25):
    """Explore: a copy of ``point`` with the parameters ``names`` perturbed.

    Each parameter is, with probability ``resample_probability``, drawn anew
    from its prior; otherwise a log-scaled real or integer is multiplied by
    one of ``factors``, a linear one moved by ``factor - 1`` of its range, a
    scipy.stats distribution moved the same way in its cdf, and a categorical
    moved to a neighbouring choice. Values are always clipped to the bounds.

    Examples
    --------
    >>> import numpy as np
    >>> from sktune.space import Space
    >>> space = Space({"lr": Real(1e-4, 1.0, log=True)})
    >>> new = perturb(space, {"lr": 0.5}, ["lr"], np.random.RandomState(0),
    ...               resample_probability=0.0)
    >>> new["lr"] in (0.4, 0.6)
    True
    """
    new = dict(point)
    for name in names:
        dim = space.dimensions[space.names.index(name)]
        if rng.uniform() < resample_probability:
            new[name] = dim.rvs(1, rng)[0]
            continue
        factor = factors[rng.randint(len(factors))]
        new[name] = _perturb_one(dim, point[name], factor, rng)
    return new


def _perturb_one(dim, value, factor, rng):
    if isinstance(dim, Categorical):
        i = dim.index(value) + (1 if factor > 1 else -1)
        return dim.choices[min(max(i, 0), len(dim.choices) - 1)]
    if isinstance(dim, (Real, Integer)) and dim.log:
        moved = value * factor
        if isinstance(dim, Integer) and round(moved) == value:
            moved = value + (1 if factor > 1 else -1)
        moved = min(max(moved, dim.low), dim.high)
        return int(round(moved)) if isinstance(dim, Integer) else float(moved)
    if isinstance(dim, (Real, Integer, _Distribution)):
        u = dim.encode([value])[0, 0] + (factor - 1.0)
        return dim.decode(np.array([[min(max(u, 0.0), 1.0)]]))[0]
    raise TypeError(f"Cannot perturb a dimension of type {type(dim).__name__}.")


def ready_selection(member, scores, quantile, eligible, rng):
    """Asynchronous PBT: whom the member that just finished a step copies.

    ``scores[i][c]`` is the mean score at step ``c`` of the models member
    ``i`` holds now (its lineage: its own rows, and those of the members it
    copied before them; nan for a failed fit, the worst), empty before its
    first step. Members that progress at different speeds are compared at
    the same budget: the member, at step ``s``, is worse than another that
    has finished step ``c`` if its lineage scored less at step
    ``min(s, c)``. With ``k = ceil(quantile * P)`` as in
    :func:`truncation_selection`, it is in the bottom ``k`` once at least
    ``P - k`` others are better (whatever those without a score yet will
    score), and then copies one drawn uniformly from the others in the top
    ``k`` as far as known (fewer than ``k`` members better than them, the
    same way) that are ``eligible`` (P,) bool as donors, at whatever step.

    Returns
    -------
    donor : int or None
        The member to copy, None when the member goes on as it is.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.RandomState(0)
    >>> scores = [[0.1, 0.2], [0.9, 1.0], [0.5], [0.7, 0.8]]
    >>> ready_selection(0, scores, 0.25, [True] * 4, rng)
    1
    >>> ready_selection(0, [[0.1], [0.9], [], [0.7]], 0.25, [True] * 4, rng) is None
    True
    """
    n = len(scores)
    step = len(scores[member]) - 1
    if n < 2 or step < 0:
        return None
    k = min(n // 2, max(1, int(math.ceil(quantile * n - 1e-9))))

    def value(i, c):
        v = scores[i][c]
        return -np.inf if v is None or np.isnan(v) else float(v)

    scored = [i for i in range(n) if len(scores[i])]

    def n_better(i):
        # the others that scored more than i at the step both have reached
        count = 0
        for j in scored:
            if j != i:
                c = min(len(scores[i]), len(scores[j])) - 1
                count += value(j, c) > value(i, c)
        return count

    if n_better(member) < n - k:
        return None
    # the top k, as far as known
    donors = [
        i
        for i in scored
        if i != member
        and eligible[i]
        and np.isfinite(value(i, len(scores[i]) - 1))
        and n_better(i) < k
    ]
    if not donors:
        return None
    return donors[rng.randint(len(donors))]
