"""Hyperband's brackets and rungs (Li et al., 2018).

Notations
---------
r_min, R : smallest and largest budget a configuration gets.
eta : the factor; each rung keeps the best ``1 / eta`` and gives them
    ``eta`` times more budget.
s_max : ``floor(log_eta(R / r_min))``, the index of the most exploratory
    bracket.
bracket s : starts ``n = ceil((s_max + 1) / (s + 1) * eta ** s)``
    configurations at budget ``r_min * eta ** (s_max - s)``; rung ``i``
    keeps ``floor(n * eta ** -i)`` of them at budget
    ``r_min * eta ** (i + s_max - s)``, and the last rung gets ``R`` (the
    same as ``R * eta ** (i - s)`` when ``R / r_min`` is a power of eta).

References
----------
Li, Jamieson, DeSalvo, Rostamizadeh and Talwalkar (2018). Hyperband: a novel
bandit-based approach to hyperparameter optimization. JMLR 18(185).
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Bracket:
    """One successive-halving run: ``n_candidates[i]`` at ``budgets[i]``."""

    index: int
    n_candidates: tuple
    budgets: tuple


def _s_max(min_resource, max_resource, factor):
    # A small tolerance: log(81) / log(3) is 4.000000000000001 or 3.9999...
    return int(
        math.floor(math.log(max_resource / min_resource) / math.log(factor) + 1e-9)
    )


def hyperband_brackets(
    min_resource, max_resource, factor=3, n_brackets=None, integer=True
):
    """The brackets of Hyperband, most exploratory first.

    Parameters
    ----------
    min_resource, max_resource : number
        Smallest and largest budget, ``0 < min_resource <= max_resource``.
    factor : number, default=3
        The elimination factor ``eta > 1``.
    n_brackets : int or None, default=None
        How many brackets to run, most exploratory first; ``None`` runs all
        ``s_max + 1`` of them. ``1`` is plain successive halving from
        ``min_resource`` to ``max_resource``.
    integer : bool, default=True
        Round budgets to integers (epochs, estimators, samples).

    Returns
    -------
    brackets : list of Bracket

    Examples
    --------
    >>> [b.n_candidates for b in hyperband_brackets(1, 81, 3)]
    [(81, 27, 9, 3, 1), (34, 11, 3, 1), (15, 5, 1), (8, 2), (5,)]
    >>> hyperband_brackets(1, 81, 3)[0].budgets
    (1, 3, 9, 27, 81)
    """
    if not 0 < min_resource <= max_resource:
        raise ValueError(
            "Budgets must satisfy 0 < min_resource <= max_resource; got "
            f"min_resource={min_resource!r}, max_resource={max_resource!r}."
        )
    if not factor > 1:
        raise ValueError(f"The 'factor' must be > 1; got {factor!r}.")
    s_max = _s_max(min_resource, max_resource, factor)
    if n_brackets is None:
        n_brackets = s_max + 1
    if not 1 <= n_brackets:
        raise ValueError(f"'n_brackets' must be >= 1; got {n_brackets!r}.")
    brackets = []
    for s in range(s_max, max(s_max - n_brackets, -1), -1):
        n = int(math.ceil((s_max + 1) / (s + 1) * factor**s))
        n_candidates, budgets = [], []
        for i in range(s + 1):
            # a ladder from min_resource up by factor, topped by max_resource
            budget = (
                max_resource if i == s else min_resource * factor ** (i + s_max - s)
            )
            if integer:
                budget = max(1, int(round(budget)))
            n_candidates.append(max(1, int(math.floor(n * factor ** (-i) + 1e-9))))
            budgets.append(budget)
        brackets.append(Bracket(s, tuple(n_candidates), tuple(budgets)))
    return brackets
