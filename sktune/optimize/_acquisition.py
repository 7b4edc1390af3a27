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


def _refine(name, gp, space, Z0, best):
    """Move the continuous columns of each row of Z0 uphill with L-BFGS-B."""
    cols = space.continuous_columns
    if not cols.any():
        return Z0
    m, k = len(Z0), int(cols.sum())
    Z = Z0.copy()

    def negative(x):
        Z[:, cols] = x.reshape(m, k)
        value, grad = acquisition(name, gp, Z, best, return_grad=True)
        return -value.sum(), -grad[:, cols].ravel()

    res = minimize(
        negative,
        Z0[:, cols].ravel(),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, 1.0)] * (m * k),
        options={"maxiter": 30, "gtol": 1e-5},
    )
    Z[:, cols] = res.x.reshape(m, k)
    return Z


def maximize_acquisition(
    name, gp, space, best, rng, *, anchors=None, exclude=None, n_pool=512, n_refine=4
):
    """Find the point of ``space`` with the highest acquisition value.

    A scrambled Sobol' pool over the prior, plus perturbations of the
    ``anchors`` (the best observed encodings), is scored; the best
    ``n_refine`` are refined by L-BFGS-B and snapped to real points. Rows
    within ``1e-6`` of a row of ``exclude`` (observed or pending points) are
    skipped, so proposals are never duplicates while any alternative exists.

    Returns the encoding ``(c,)`` and its acquisition value, or ``(None,
    -inf)`` when every candidate is excluded.
    """
    sobol = qmc.Sobol(space.n_dims, seed=rng)
    pool = space.encode_uniform(sobol.random(n_pool))
    if anchors is not None and len(anchors):
        local = np.repeat(anchors, 16, axis=0)
        cols = space.continuous_columns
        scale = rng.choice([0.003, 0.03, 0.1], size=(len(local), 1))
        local[:, cols] += scale * rng.normal(size=(len(local), int(cols.sum())))
        local = np.clip(local, 0.0, 1.0)
        pool = np.vstack([pool, space.snap(local)])
    values = acquisition(name, gp, pool, best)
    top = np.argsort(-values)[:n_refine]
    refined = space.snap(_refine(name, gp, space, pool[top], best))
    candidates = np.vstack([refined, pool])
    values = np.concatenate([acquisition(name, gp, refined, best), values])
    for i in np.argsort(-values):
        if exclude is None or len(exclude) == 0:
            return candidates[i], values[i]
        if np.min(np.max(np.abs(exclude - candidates[i]), axis=1)) > 1e-6:
            return candidates[i], values[i]
    return None, -np.inf
