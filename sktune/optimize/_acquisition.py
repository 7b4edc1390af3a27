"""Acquisition functions (to maximise) and their maximiser.

The optimiser maximises scores, so "improvement" means a higher score.

Notations
---------
m : number of candidate points.
c : number of encoding columns of the space.
Z : (m, c) candidates in ``[0, 1]^c`` (the space's encoding).
mean, var : (m,) GP posterior of the standardised score at Z.
best : scalar, the incumbent (highest posterior mean at an observed point).
"""

import numpy as np
from scipy.optimize import minimize
from scipy.special import erfcx, log_ndtr, ndtr
from scipy.stats import qmc

ACQUISITIONS = ("EI", "LCB", "PI")

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_SQRT_HALF_PI = np.sqrt(0.5 * np.pi)
_KAPPA = 1.96  # LCB: the optimistic bound mean + kappa * std of the score


def _log_h(z):
    """``log(z * Phi(z) + phi(z))`` and its derivative, stable for z << 0.

    Expected improvement is ``sigma * h(z)``. For ``z <= -1``,
    ``h(z) = phi(z) * (1 + z * m(z))`` with the Mills ratio
    ``m(z) = Phi(z) / phi(z) = sqrt(pi / 2) * erfcx(-z / sqrt(2))``; below
    ``-1e3`` the asymptotic ``1 + z m(z) ~ z^-2 (1 - 3 z^-2)`` is exact to
    double precision (Ament et al., 2023, "Unexpected improvements to
    expected improvement for Bayesian optimization").
    """
    z = np.asarray(z, dtype=float)
    if np.all(z > -1.0):  # the common case: one branch, no masking
        h = z * ndtr(z) + np.exp(-0.5 * z**2 - _LOG_SQRT_2PI)
        return np.log(h), ndtr(z) / h
    value = np.empty_like(z)
    grad = np.empty_like(z)

    upper = z > -1.0
    zu = z[upper]
    h = zu * ndtr(zu) + np.exp(-0.5 * zu**2 - _LOG_SQRT_2PI)
    value[upper] = np.log(h)
    grad[upper] = ndtr(zu) / h

    middle = (z <= -1.0) & (z > -1e3)
    zm = z[middle]
    mills = _SQRT_HALF_PI * erfcx(-zm / np.sqrt(2.0))
    t = 1.0 + zm * mills
    value[middle] = -0.5 * zm**2 - _LOG_SQRT_2PI + np.log(t)
    grad[middle] = mills / t

    lower = z <= -1e3
    zl = z[lower]
    value[lower] = -0.5 * zl**2 - _LOG_SQRT_2PI - 2.0 * np.log(-zl)
    value[lower] += np.log1p(-3.0 / zl**2)
    grad[lower] = -zl - 2.0 / zl + (6.0 / zl**3) / (1.0 - 3.0 / zl**2)
    return value, grad


def acquisition(name, gp, Z, best, return_grad=False):
    """Value (and gradient with respect to Z) of an acquisition function.

    ``"EI"`` is the log of expected improvement, ``"PI"`` the log of the
    probability of improvement, ``"LCB"`` the optimistic bound
    ``mean + 1.96 * std`` (a lower confidence bound on the loss).
    """
    if return_grad:
        mean, var, grad_mean, grad_var = gp.predict(Z, return_grad=True)
    else:
        mean, var = gp.predict(Z)
    sigma = np.sqrt(var)
    z = (mean - best) / sigma
    if name == "EI":
        log_h, dlog_h = _log_h(z)
        value = np.log(sigma) + log_h
        d_mean, d_sigma = dlog_h / sigma, (1.0 - dlog_h * z) / sigma
    elif name == "PI":
        value = log_ndtr(z)
        ratio = np.exp(-0.5 * z**2 - _LOG_SQRT_2PI - value)
        d_mean, d_sigma = ratio / sigma, -ratio * z / sigma
    elif name == "LCB":
        value = mean + _KAPPA * sigma
        d_mean, d_sigma = np.ones_like(mean), np.full_like(mean, _KAPPA)
    else:  # pragma: no cover - validated by the Optimizer
        raise ValueError(f"Unknown acquisition function {name!r}.")
    if not return_grad:
        return value
    grad = d_mean[:, None] * grad_mean + (d_sigma / (2.0 * sigma))[:, None] * grad_var
    return value, grad


# A discrete dimension with at most this many values is searched over all of
# them at each step of the local search; a larger one moves by its neighbours
# and a coarse grid of its values.
_MAX_EXHAUSTIVE = 128
_N_COARSE = 32
_NEIGHBOURS = np.array([-8, -4, -2, -1, 1, 2, 4, 8])
# Candidate pool, local-search starts and L-BFGS-B steps per proposal.
_N_POOL = 2048
_N_STARTS = 8
_MAXITER = 20
_FTOL = 1e-6


class _Coordinates:
    """How the local search moves through one space's encoding.

    ``continuous`` masks the columns moved by L-BFGS-B: reals, and the
    relaxed column of a discrete dimension too large to enumerate (snapped
    back to a value afterwards). Each entry of ``discrete`` is
    ``(columns, choices, ordered)``: a dimension searched one value at a
    time, with its choices' encodings (all of them, or a coarse grid), and
    ``ordered`` None, or for a large ordered dimension ``(dimension, width)``
    with the width of one value's share, to step to its neighbours.
    """

    def __init__(self, space):
        self.continuous = np.zeros(space.n_columns, dtype=bool)
        self.discrete = []
        for dim, cols in zip(space.dimensions, space._slices):
            n = dim.n_values
            if n is None and dim.is_continuous:
                self.continuous[cols] = True
            elif n is not None and n <= _MAX_EXHAUSTIVE or not dim.is_continuous:
                values = dim.values()
                self.discrete.append((cols, dim.encode(values), None))
            else:  # a large ordered discrete dimension
                self.continuous[cols] = True
                grid = np.unique(
                    dim.snap(np.linspace(0, 1, _N_COARSE)[:, None]), axis=0
                )
                width = 1.0 / n if n is not None else 1.0 / _MAX_EXHAUSTIVE
                self.discrete.append((cols, grid, (dim, width)))


def _ascend_continuous(name, gp, space, coords, Z, best):
    """Move the continuous columns of each row of ``Z`` uphill with L-BFGS-B.

    The rows are independent starts, ascended together on the sum of their
    values (as BoTorch does with restarts). The variables are the columns
    divided by their length scales, which makes the acquisition about
    equally curved in each of them (the preconditioning Optuna uses).
    """
    cols = coords.continuous
    m, k = len(Z), int(cols.sum())
    scale = np.tile(gp.lengthscale_[cols], m)
    work = Z.copy()

    def negative(u):
        work[:, cols] = (u * scale).reshape(m, k)
        value, grad = acquisition(name, gp, work, best, return_grad=True)
        return -value.sum(), -grad[:, cols].ravel() * scale

    res = minimize(
        negative,
        Z[:, cols].ravel() / scale,
        jac=True,
        method="L-BFGS-B",
        bounds=list(zip(np.zeros(m * k), 1.0 / scale)),
        options={"maxiter": _MAXITER, "gtol": 1e-5, "ftol": _FTOL},
    )
    out = Z.copy()
    out[:, cols] = np.clip(res.x * scale, 0.0, 1.0).reshape(m, k)
    return space.snap(out)


def _local_search(name, gp, space, coords, Z, values, best, max_rounds=10):
    """Coordinate ascent from each row of ``Z``: the continuous columns by
    gradient, then each discrete dimension over its choices. A row goes on
    while a discrete move helped it (the gradient step has then a new start)
    and stops when it did not. Returns the rows and their values."""
    Z, values = Z.copy(), values.copy()
    active = np.arange(len(Z))
    for _ in range(max_rounds):
        if coords.continuous.any():
            Z_new = _ascend_continuous(name, gp, space, coords, Z[active], best)
            v_new = acquisition(name, gp, Z_new, best)
            better = v_new > values[active]
            Z[active[better]], values[active[better]] = Z_new[better], v_new[better]
        moved = []
        for row in active:
            for cols, choices, ordered in coords.discrete:
                options = choices
                if ordered is not None:
                    dim, width = ordered
                    near = np.clip(Z[row, cols][0] + width * _NEIGHBOURS, 0.0, 1.0)
                    options = np.vstack([choices, dim.snap(near[:, None])])
                trial = np.repeat(Z[row][None, :], len(options), axis=0)
                trial[:, cols] = options
                v = acquisition(name, gp, trial, best)
                i = int(np.argmax(v))
                if v[i] > values[row] + 1e-12 * (1.0 + abs(values[row])):
                    Z[row], values[row] = trial[i], v[i]
                    moved.append(row)
        active = np.unique(np.array(moved, dtype=int))
        if not len(active):
            break
    return Z, values


def maximize_acquisition(
    name,
    gp,
    space,
    best,
    rng,
    *,
    anchors=None,
    exclude=None,
    n_pool=None,
    n_starts=None,
):
    """Find the point of ``space`` with the highest acquisition value.

    A scrambled Sobol' pool over the prior is scored; local searches start
    from its best point, from the ``anchors`` (the best observed
    encodings) and from pool points drawn with probability proportional to
    ``exp(value)`` (a roulette wheel over the pool, for diversity). Each local
    search is a coordinate ascent that treats every dimension as what it is:
    L-BFGS-B on the reals (preconditioned by the length scales), and the
    exact best choice of each categorical and small integer dimension given
    the others, repeated until no move helps (the mixed local search of
    Optuna's ``GPSampler``; Daulton et al., 2022, compare such optimisers).
    Rows within ``1e-6`` of a row of ``exclude`` (observed or pending points)
    are skipped, so proposals are never duplicates while any alternative
    exists.

    Returns the encoding ``(c,)`` and its acquisition value, or ``(None,
    -inf)`` when every candidate is excluded.
    """
    if n_pool is None:
        # Scoring the pool costs O(pool * n^2): past 100 observations it
        # shrinks as 1/n, and the local searches from the best observed
        # points carry more of the search.
        n_pool = int(np.clip(_N_POOL * 100 / max(len(gp.X_), 100), 256, _N_POOL))
        n_pool = 2 ** int(np.log2(n_pool))  # Sobol' points come in powers of 2
    n_starts = _N_STARTS if n_starts is None else n_starts
    coords = _Coordinates(space)
    sobol = qmc.Sobol(space.n_dims, seed=rng)
    pool = space.encode_uniform(sobol.random(n_pool))
    values = acquisition(name, gp, pool, best)
    first = int(np.argmax(values))
    starts = [pool[first]]
    if anchors is not None:
        starts += list(anchors)
    n_draw = min(n_starts - len(starts), len(pool) - 1)
    if n_draw > 0:
        weights = np.exp(values - values[first])
        weights[first] = 0.0
        if weights.sum() > 0:
            n_draw = min(n_draw, int(np.count_nonzero(weights)))
            picked = rng.choice(
                len(pool), n_draw, replace=False, p=weights / weights.sum()
            )
            starts += list(pool[picked])
    starts = np.array(starts)
    found, found_values = _local_search(
        name, gp, space, coords, starts, acquisition(name, gp, starts, best), best
    )
    candidates = np.vstack([found, pool])
    values = np.concatenate([found_values, values])
    for i in np.argsort(-values):
        if exclude is None or len(exclude) == 0:
            return candidates[i], values[i]
        if np.min(np.max(np.abs(exclude - candidates[i]), axis=1)) > 1e-6:
            return candidates[i], values[i]
    return None, -np.inf
