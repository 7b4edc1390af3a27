"""Automatic termination of a Bayesian search (Makarova et al., 2022).

A search may stop once the best score it could still gain is smaller than
the noise of the score it maximises: more evaluations would then mostly fit
the cross-validation folds. Both sides are estimated after each batch.

* The gain left is bounded, with high probability under the Gaussian-process
  model, by the *regret bound* ``max_x UCB(x) - max_{x_i observed} LCB(x_i)``,
  with ``UCB/LCB = mean +/- sqrt(beta * var)`` of the surrogate's posterior.
* The noise is the cross-validation standard error of the best candidate,
  ``sqrt((1/k + 1/(k - 1)) * var(split scores))`` (population variance),
  the correction of Nadeau and Bengio (2003) that Optuna's
  ``CrossValidationErrorEvaluator`` uses.

As in Optuna's ``RegretBoundEvaluator`` (the reference implementation of the
paper), the surrogate is fitted on the better half of the observations (at
least ``MIN_EVALUATIONS`` of them), the maximum over the space is taken over a
pool of ``N_POOL`` prior draws plus the observed points, and
``beta = 2 log(d n^2 pi^2 / (6 delta)) / 5`` with ``delta = 0.1``: the
GP-UCB confidence parameter of Srinivas et al. (2010) scaled down by 5, as in
the paper's experiments.

Notations
---------
n : number of observations the surrogate is fitted on (finite scores).
d : number of hyperparameters (of the largest subspace).
k : number of cross-validation splits.
m : size of the pool, ``N_POOL`` draws plus the ``n`` observed points.
points : list of n dicts; scores : (n,); mean, std : (m,) posterior of the
score on its original scale; split_scores : (k,).

References
----------
.. [1] A. Makarova, H. Shen, V. Perrone, A. Klein, J. B. Faddoul, A. Krause,
   M. Seeger and C. Archambeau, "Automatic termination for hyperparameter
   optimization", AutoML Conference, PMLR 188, 2022.
.. [2] N. Srinivas, A. Krause, S. Kakade and M. Seeger, "Gaussian process
   optimization in the bandit setting: no regret and experimental design",
   ICML 2010.
"""

import math

import numpy as np
from sklearn.utils import check_random_state

from sktune.optimize.optimizer import Optimizer

#: Evaluations (finite scores, inherited ones included) before the rule is
#: applied; Optuna's Terminator waits for 20 trials as well. Larger spaces
#: wait for ``EVALUATIONS_PER_DIM`` per hyperparameter.
MIN_EVALUATIONS = 20
EVALUATIONS_PER_DIM = 5
#: Consecutive checks at which the bound must be below the noise. One is the
#: paper's rule; on spaces with wide plateaus (Bayesmark's tree spaces, where
#: most trees are constant) a surrogate that has seen only the plateau bounds
#: the gain left by almost nothing, once.
PATIENCE = 2


def min_evaluations(n_dims):
    """Finite scores needed before the rule is applied in ``n_dims`` dimensions."""
    return max(MIN_EVALUATIONS, EVALUATIONS_PER_DIM * int(n_dims))


#: Fraction of the best observations the surrogate is fitted on.
TOP_FRACTION = 0.5
#: Prior draws over which the upper confidence bound is maximised.
N_POOL = 1024
#: The bound holds with probability at least ``1 - DELTA``.
DELTA = 0.1


def confidence_beta(n_dims, n_points, delta=DELTA):
    """``beta`` of ``mean +/- sqrt(beta * var)`` for ``n_points`` observations
    in ``n_dims`` dimensions (Srinivas et al., 2010, divided by 5)."""
    n_dims, n_points = max(int(n_dims), 1), max(int(n_points), 1)
    return 2.0 * math.log(n_dims * n_points**2 * math.pi**2 / (6.0 * delta)) / 5.0


def cv_noise(split_scores):
    """Standard error of a cross-validated mean score, from its split scores.

    ``sqrt((1/k + 1/(k - 1)) * var)``, with ``var`` the population variance
    of the ``k`` split scores; ``nan`` with fewer than two finite scores.
    """
    scores = np.asarray(split_scores, dtype=float).ravel()
    k = len(scores)
    if k < 2 or not np.all(np.isfinite(scores)):
        return np.nan
    return float(np.sqrt((1.0 / k + 1.0 / (k - 1)) * np.var(scores)))


def _subspace_of(spaces, point):
    return next((s for s, space in enumerate(spaces) if point in space), None)


def regret_bound(spaces, points, scores, *, n_pool=N_POOL, random_state=None):
    """High-probability upper bound on the simple regret of the best point.

    Parameters
    ----------
    spaces : list of Space
        The search space, as :attr:`sktune.optimize.Optimizer.spaces`.
    points : list of dict
        Every evaluated point.
    scores : array-like of shape (len(points),)
        Their scores (higher is better); ``nan`` for failures, ignored.
    n_pool : int, default=2048
        Prior draws over which the upper confidence bound is maximised.
    random_state : int, RandomState instance or None, default=None
        Seeds the pool.

    Returns
    -------
    bound : float
        ``max UCB - max LCB`` on the scores' scale; ``inf`` while a subspace
        has no finite score (nothing bounds what it holds).

    Examples
    --------
    >>> import numpy as np
    >>> from sktune import Real
    >>> from sktune.optimize import Optimizer
    >>> from sktune.optimize._stopping import regret_bound
    >>> spaces = Optimizer({"x": Real(0.0, 1.0)}).spaces
    >>> xs = np.linspace(0.0, 1.0, 25)
    >>> points = [{"x": x} for x in xs]
    >>> bound = regret_bound(spaces, points, -((xs - 0.5) ** 2), random_state=0)
    >>> bool(0.0 <= bound < 0.01)
    True
    """
    rng = check_random_state(random_state)
    scores = np.asarray(scores, dtype=float).ravel()
    finite = np.flatnonzero(np.isfinite(scores))
    located = [_subspace_of(spaces, points[i]) for i in finite]
    if not len(finite) or {s for s in located if s is not None} != set(
        range(len(spaces))
    ):
        return np.inf
    # The better half (at least MIN_EVALUATIONS): the surrogate should be good
    # where the maximum is, not everywhere.
    n_top = int(np.clip(int(len(finite) * TOP_FRACTION), MIN_EVALUATIONS, len(finite)))
    threshold = np.sort(scores[finite])[len(finite) - n_top]
    top = [
        (points[i], scores[i], s)
        for i, s in zip(finite, located)
        if scores[i] >= threshold
    ]
    beta = confidence_beta(max(space.n_dims for space in spaces), len(top))
    root_beta = math.sqrt(beta)

    # An empty subspace is one known point: no surrogate, no uncertainty.
    known = [score for _, score, s in top if spaces[s].n_dims == 0]
    modelled = [(p, score) for p, score, s in top if spaces[s].n_dims > 0]
    ucb_max = lcb_max = max(known) if known else -np.inf
    if modelled:
        optimizer = Optimizer(spaces, n_initial_points=1, random_state=0)
        optimizer.tell([p for p, _ in modelled], [score for _, score in modelled])
        subspaces = sorted({s for _, _, s in top if spaces[s].n_dims > 0})
        per_space = max(1, n_pool // len(subspaces))
        pool = [p for s in subspaces for p in spaces[s].rvs(per_space, rng)]
        observed = [p for p, _ in modelled]
        mean, std = optimizer.predict(observed + pool)
        ucb = mean + root_beta * std
        lcb = mean[: len(observed)] - root_beta * std[: len(observed)]
        ucb_max = max(ucb_max, float(np.max(ucb)))
        lcb_max = max(lcb_max, float(np.max(lcb)))
    return max(ucb_max - lcb_max, 0.0)
