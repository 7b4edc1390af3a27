"""The ask-and-tell Bayesian optimiser behind :class:`sktune.BayesSearchCV`."""

import numbers
from collections.abc import Mapping

import numpy as np
from scipy.stats import qmc
from sklearn.utils import check_random_state

from sktune.optimize._acquisition import (
    ACQUISITIONS,
    acquisition,
    maximize_acquisition,
)
from sktune.optimize._gp import GaussianProcess
from sktune.space import check_search_spaces

_GENERATORS = ("sobol", "lhs", "random")
_HEDGE_ETA = 1.0
# A finite subspace with at most this many points is searched over its
# enumerated points: the acquisition is maximised exactly over the points not
# yet evaluated, so no point is ever proposed twice.
_MAX_ENUMERATED = 4096
# Surrogate hyperparameters are refitted after every score up to this many
# scores, then each time the number of scores has grown by this factor.
_ALWAYS_REFIT = 60
_REFIT_GROWTH = 1.1
# Two encodings closer than this (in every column) are the same point.
_SAME_POINT = 1e-6


def _as_points(points, scores):
    if isinstance(points, Mapping):
        points, scores = [points], [scores]
    points, scores = list(points), np.asarray(scores, dtype=float).ravel()
    if len(points) != len(scores):
        raise ValueError(
            f"tell() got {len(points)} points but {len(scores)} scores; "
            "give one score per point."
        )
    return points, scores


def _check_count(value, name):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name!r} must be an int >= 1; got {value!r}.")


# Bounds of the fitted Yeo-Johnson exponent: beyond them the transform
# stretches one tail so far that a single score dominates the surrogate.
_WARP_LAMBDA = (-2.0, 4.0)


_WARP_GRID = np.linspace(*_WARP_LAMBDA, 121)


def _yeo_johnson(x, lmbda):
    """The Yeo-Johnson transform of ``x`` for each exponent in ``lmbda``.

    ``x`` of shape ``(n,)``; ``lmbda`` a scalar (returns ``(n,)``) or of shape
    ``(g,)`` (returns ``(g, n)``).
    """
    lm = np.atleast_1d(np.asarray(lmbda, dtype=float))[:, None]
    x = np.asarray(x, dtype=float)[None, :]
    pos = x >= 0
    log_pos, log_neg = np.log1p(np.where(pos, x, 0.0)), np.log1p(np.where(pos, 0.0, -x))
    with np.errstate(all="ignore"):
        up = np.where(
            np.abs(lm) > 1e-8,
            np.expm1(lm * log_pos) / np.where(lm == 0, 1, lm),
            log_pos,
        )
        b = 2.0 - lm
        down = np.where(
            np.abs(b) > 1e-8, -np.expm1(b * log_neg) / np.where(b == 0, 1, b), -log_neg
        )
    out = np.where(pos, up, down)
    return out[0] if np.ndim(lmbda) == 0 else out


def _fit_yeo_johnson(x):
    """Maximum-likelihood Yeo-Johnson exponent of ``x`` on a grid of 0.05
    (as ``scipy.stats.yeojohnson_normmax``, without its per-call cost)."""
    t = _yeo_johnson(x, _WARP_GRID)
    var = t.var(axis=1)
    jacobian = (_WARP_GRID - 1.0) * np.sum(np.sign(x) * np.log1p(np.abs(x)))
    with np.errstate(divide="ignore"):
        llf = -0.5 * len(x) * np.log(var) + jacobian
    llf[~np.isfinite(llf)] = -np.inf
    if not np.isfinite(llf).any():
        return None
    return float(_WARP_GRID[int(np.argmax(llf))])


def _yeo_johnson_inverse(z, lmbda):
    z = np.asarray(z, dtype=float)
    x = np.empty_like(z)
    pos = z >= 0
    if abs(lmbda) > 1e-8:
        x[pos] = np.maximum(z[pos] * lmbda + 1.0, 1e-12) ** (1.0 / lmbda) - 1.0
    else:
        x[pos] = np.expm1(z[pos])
    if abs(lmbda - 2.0) > 1e-8:
        b = 2.0 - lmbda
        x[~pos] = 1.0 - np.maximum(1.0 - b * z[~pos], 1e-12) ** (1.0 / b)
    else:
        x[~pos] = -np.expm1(-z[~pos])
    return x


class _ScoreWarp:
    """Scores as the surrogate sees them: standardised, then Yeo-Johnson
    transformed toward a normal shape (the exponent fitted by maximum
    likelihood), then standardised again.

    Scores of a search are skewed: a few configurations fail badly (a
    diverged net, a stump, Branin's 300 against its 0.4) and, standardised
    alone, they set the scale, so the differences that matter near the best
    shrink to noise. The power transform evens the scale out, as HEBO's
    output warping does (Cowen-Rivers et al., 2022). ``inverse`` maps the
    surrogate's values back to scores (monotone, so quantiles map to
    quantiles).
    """

    def __init__(self, y, lmbda="fit"):
        y = np.asarray(y, dtype=float)
        self.center, self.scale = y.mean(), y.std()
        if not self.scale > 0:
            self.scale = 1.0
        x = (y - self.center) / self.scale
        self.lmbda = None
        if len(np.unique(x)) <= 2:
            pass  # nothing to even out
        elif lmbda != "fit":
            self.lmbda = lmbda
        else:
            self.lmbda = _fit_yeo_johnson(x)
        if self.lmbda is None:
            self.mu, self.sigma = 0.0, 1.0
            self.z = x
            return
        t = _yeo_johnson(x, self.lmbda)
        self.mu, self.sigma = t.mean(), t.std()
        if not self.sigma > 0:
            self.sigma = 1.0
        self.z = (t - self.mu) / self.sigma

    def inverse(self, z):
        t = self.mu + self.sigma * np.asarray(z, dtype=float)
        x = t if self.lmbda is None else _yeo_johnson_inverse(t, self.lmbda)
        return self.center + self.scale * x


def _refit_due(n, last):
    """Whether a fit made at ``last`` scores (-1: never) is due again at ``n``.

    After every new score while there are few; then once the number of
    scores has grown by a tenth since the last fit, since a fit costs
    ``O(n^3)`` per step and the hyperparameters move little once there are
    many. Between fits the surrogate is conditioned on every score.
    """
    if last < 0 or n <= _ALWAYS_REFIT:
        return n != last
    return n >= last * _REFIT_GROWTH


def _dict_equal(a, b):
    if a is b:
        return True
    if a.keys() != b.keys():
        return False
    try:
        return all(bool(a[k] == b[k]) for k in a)
    except Exception:  # values whose == is not a bool (arrays)
        return False


class Optimizer:
    """Gaussian-process Bayesian optimisation with an ask / tell interface.

    The optimiser *maximises* the scores it is told (as scikit-learn scorers
    do); tell it ``-loss`` to minimise a loss. The first ``n_initial_points``
    points come from a space-filling design; later ones maximise an
    acquisition function over a Gaussian-process surrogate (Matérn-5/2, one
    length scale per column, fitted noise). The surrogate sees the scores
    standardised and Yeo-Johnson transformed, so a few very bad scores do
    not drown the differences near the best. The acquisition is maximised
    by a mixed local search: gradient steps on the reals, and the exact best
    value of each integer and categorical given the others, from several
    starts. Failed evaluations (``nan`` or infinite scores) are imputed with
    the worst observed score, so they steer the search away without
    breaking it.

    Parameters
    ----------
    search_spaces : dict or list of dict
        A search space in any dialect of :mod:`sktune.space`; a list of dicts
        is a conditional space whose subspaces get one surrogate each and
        compete through their acquisition values.
    n_initial_points : int, default=10
        Points drawn from the initial design before the surrogate is used
        (at least one per subspace).
    acq_func : {"EI", "LCB", "PI", "hedge"}, default="EI"
        Expected improvement (computed in log space), lower confidence bound
        on the loss (``mean + 1.96 std`` of the score), probability of
        improvement, or a GP-Hedge portfolio of the three (Hoffman et al.,
        2011).
    initial_point_generator : {"sobol", "lhs", "random"}, default="sobol"
        Design of the initial points: scrambled Sobol', Latin hypercube or
        plain random draws, all from :mod:`scipy.stats.qmc` / numpy.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial design, the candidate pools and the restarts.

    Attributes
    ----------
    spaces : list of Space
        The parsed subspaces.
    points : list of dict
        Points told so far, in order.
    scores : ndarray of shape (n_told,)
        Their scores, ``nan`` for failures.
    subspace_indices : ndarray of shape (n_told,)
        The subspace each told point belongs to.

    Examples
    --------
    >>> from sktune import Real
    >>> from sktune.optimize import Optimizer
    >>> opt = Optimizer({"x": Real(-2.0, 2.0)}, n_initial_points=5, random_state=0)
    >>> for _ in range(15):
    ...     point = opt.ask()
    ...     _ = opt.tell(point, -(point["x"] - 0.5) ** 2)
    >>> round(opt.best_point["x"], 2)
    0.5
    """

    def __init__(
        self,
        search_spaces,
        *,
        n_initial_points=10,
        acq_func="EI",
        initial_point_generator="sobol",
        random_state=None,
    ):
        if (
            not isinstance(n_initial_points, numbers.Integral)
            or isinstance(n_initial_points, bool)
            or n_initial_points < 1
        ):
            raise ValueError(
                "The 'n_initial_points' parameter must be an int >= 1; got "
                f"{n_initial_points!r}."
            )
        if acq_func not in ACQUISITIONS + ("hedge",):
            raise ValueError(
                "The 'acq_func' parameter must be one of "
                f"{list(ACQUISITIONS) + ['hedge']}; got {acq_func!r}."
            )
        if initial_point_generator not in _GENERATORS:
            raise ValueError(
                "The 'initial_point_generator' parameter must be one of "
                f"{list(_GENERATORS)}; got {initial_point_generator!r}."
            )
        self.spaces = check_search_spaces(search_spaces)
        self.n_initial_points = int(n_initial_points)
        self.acq_func = acq_func
        self.initial_point_generator = initial_point_generator
        self.rng = check_random_state(random_state)

        self.points = []
        self.scores = np.empty(0)
        self.subspace_indices = np.empty(0, dtype=int)
        self._encoded = np.empty(0, dtype=object)  # one encoding row per point
        self._pending = []  # (subspace, point, encoding) asked, not yet told
        self._initial = self._initial_design()
        self._n_design = len(self._initial)
        self._gps = [GaussianProcess() for _ in self.spaces]
        self._fitted_at = [-1] * len(self.spaces)
        self._warp_fit = None  # (n scores, Yeo-Johnson exponent) of the last fit
        self._hedge_gains = np.zeros(len(ACQUISITIONS))
        self._hedge_proposals = []
        self._grids = {}  # subspace -> (points, encodings) of a small finite one

    # ------------------------------------------------------------------ design
    def _initial_design(self):
        n_spaces = len(self.spaces)
        counts = [
            max(
                1,
                self.n_initial_points // n_spaces
                + (s < self.n_initial_points % n_spaces),
            )
            for s in range(n_spaces)
        ]
        queues = []
        for s, (space, count) in enumerate(zip(self.spaces, counts)):
            seed = self.rng.randint(2**31 - 1)
            if space.n_dims == 0:
                u = np.empty((1, 0))
            elif self.initial_point_generator == "sobol":
                sobol = qmc.Sobol(space.n_dims, seed=seed)
                u = sobol.random_base2(int(np.ceil(np.log2(max(count, 2)))))[:count]
            elif self.initial_point_generator == "lhs":
                u = qmc.LatinHypercube(space.n_dims, seed=seed).random(count)
            else:
                u = np.random.RandomState(seed).uniform(size=(count, space.n_dims))
            queues.append([(s, p) for p in space.from_uniform(u)])
        # Interleave subspaces so that a short search still sees each of them.
        design = []
        for i in range(max(counts)):
            design.extend(q[i] for q in queues if i < len(q))
        return design

    # --------------------------------------------------------------- helpers
    def _rows(self, s, include_pending=True):
        rows = [z for z, i in zip(self._encoded, self.subspace_indices) if i == s]
        if include_pending:
            rows += [z for i, _, z in self._pending if i == s]
        return np.array(rows).reshape(len(rows), self.spaces[s].n_columns)

    def _is_new(self, s, z):
        rows = self._rows(s)
        if len(rows) == 0:
            return True
        if rows.shape[1] == 0:
            return False  # the one point of an empty subspace
        return np.min(np.max(np.abs(rows - z), axis=1)) > _SAME_POINT

    def _unseen(self, s):
        """``(points, encodings)`` of subspace ``s`` not asked or told yet.

        None when the subspace is infinite or too large to enumerate.
        """
        space = self.spaces[s]
        if space.size is None or space.size > _MAX_ENUMERATED:
            return None
        if s not in self._grids:
            grid = space.grid()
            self._grids[s] = (grid, space.encode(grid).reshape(len(grid), -1))
        grid, Z = self._grids[s]
        rows = self._rows(s)
        if len(rows) == 0:
            return grid, Z
        if Z.shape[1] == 0:
            return [], Z[:0]
        gaps = np.abs(Z[:, None, :] - rows[None, :, :]).max(axis=2).min(axis=1)
        new = np.flatnonzero(gaps > _SAME_POINT)
        return [grid[i] for i in new], Z[new]

    def _open_subspaces(self):
        """Subspaces with points left to propose."""
        return [
            s
            for s in range(len(self.spaces))
            if (unseen := self._unseen(s)) is None or len(unseen[0])
        ]

    @property
    def exhausted(self):
        """Whether every point of a finite space has been asked or told."""
        return not self._open_subspaces()

    def _random_point(self, s):
        space = self.spaces[s]
        unseen = self._unseen(s)
        if unseen is not None and len(unseen[0]):
            return unseen[0][self.rng.randint(len(unseen[0]))]
        for _ in range(100):
            point = space.rvs(1, self.rng)[0]
            if self._is_new(s, space.encode([point])[0]):
                return point
        return point  # the space looks exhausted: a repeat is all that is left

    def _imputed_scores(self):
        y = self.scores.copy()
        finite = np.isfinite(y)
        y[~finite] = y[finite].min() if finite.any() else 0.0
        return y

    # ------------------------------------------------------------------- ask
    def ask(self, n_points=None):
        """Propose the next point, or ``n_points`` distinct points, to evaluate.

        Within a batch, each proposal is made as if the earlier ones had
        scored the worst score seen so far (a pessimistic constant liar),
        which spreads the batch out. Points asked and not yet told count the
        same way in later calls.

        Parameters
        ----------
        n_points : int or None, default=None
            ``None`` asks for one point and returns it as a dict; an int asks
            for that many and returns a list.

        Returns
        -------
        point : dict, or list of dict when ``n_points`` is an int
        """
        if n_points is None:
            return self._ask(1)[0][1]
        return [point for _, point in self._ask(n_points)]

    def _ask(self, n_points):
        _check_count(n_points, "n_points")
        asked = []
        for _ in range(n_points):
            s, point = self._next_point()
            self._pending.append((s, point, self.spaces[s].encode([point])[0]))
            asked.append((s, point))
        return asked

    def _next_point(self):
        # Points told from elsewhere count towards the initial design.
        n_seen = len(self.scores) + len(self._pending)
        if n_seen >= self._n_design:
            self._initial = []
        while self._initial:
            s, point = self._initial.pop(0)
            if self._is_new(s, self.spaces[s].encode([point])[0]):
                return s, point
        if not np.isfinite(self.scores).any():
            open_spaces = self._open_subspaces() or list(range(len(self.spaces)))
            s = open_spaces[(len(self.scores) + len(self._pending)) % len(open_spaces)]
            return s, self._random_point(s)
        return self._model_point()

    def _standardized_scores(self):
        """The surrogate's targets and the map back to scores."""
        # The exponent is refitted on the surrogate's schedule (a fit of
        # it costs about as much as the rest of a proposal).
        n, y = len(self.scores), self._imputed_scores()
        last = -1 if self._warp_fit is None else self._warp_fit[0]
        if _refit_due(n, last):
            warp = _ScoreWarp(y)
            self._warp_fit = (n, warp.lmbda)
        else:
            warp = _ScoreWarp(y, lmbda=self._warp_fit[1])
        return warp.z, warp

    def _fit_surrogates(self, y, random_state):
        """Condition each subspace's GP on its observations (standardised ``y``).

        Hyperparameters are refitted only when observations were added since
        the last fit. Returns ``{subspace: (X, y)}`` for subspaces with data.
        """
        data = {}
        for s in range(len(self.spaces)):
            mask = self.subspace_indices == s
            if not mask.any() or self.spaces[s].n_columns == 0:
                continue
            X = self._rows(s, include_pending=False)
            if _refit_due(len(self.scores), self._fitted_at[s]):
                self._gps[s].fit(X, y[mask], random_state)
                self._fitted_at[s] = len(self.scores)
            else:
                self._gps[s].condition(X, y[mask])
            data[s] = (X, y[mask])
        return data

    def _model_point(self):
        y, _ = self._standardized_scores()
        data = self._fit_surrogates(y, self.rng)
        # The incumbent: the best posterior mean at an observed point (the
        # observed score itself in an empty subspace, which has no surrogate).
        best = max(
            [self._gps[s].predict(X)[0].max() for s, (X, _) in data.items()]
            + [
                y[self.subspace_indices == s].max()
                for s, space in enumerate(self.spaces)
                if space.n_columns == 0 and (self.subspace_indices == s).any()
            ]
        )

        # Pending points (asked, not yet told) are conditioned on as if they
        # had scored the worst score so far: a pessimistic constant liar.
        fitted = {}
        for s, (X, y_s) in data.items():
            X_all = self._rows(s)
            y_all = np.concatenate([y_s, np.full(len(X_all) - len(X), y.min())])
            if len(X_all) > len(X):
                self._gps[s].condition(X_all, y_all)
            fitted[s] = y_all

        if self.acq_func == "hedge":
            self._update_hedge()
            names = list(ACQUISITIONS)
        else:
            names = [self.acq_func]

        proposals = []
        for name in names:
            best_s, best_z, best_value = None, None, -np.inf
            for s, y_s in fitted.items():
                X_all = self._rows(s)
                unseen = self._unseen(s)
                if unseen is not None:
                    # A small finite subspace: exactly, over the unseen points.
                    Z = unseen[1]
                    if not len(Z):
                        continue
                    values = acquisition(name, self._gps[s], Z, best)
                    z, value = Z[int(np.argmax(values))], float(np.max(values))
                else:
                    anchors = X_all[np.argsort(-y_s)[:3]]
                    z, value = maximize_acquisition(
                        name,
                        self._gps[s],
                        self.spaces[s],
                        best,
                        self.rng,
                        anchors=anchors,
                        exclude=X_all,
                    )
                if z is not None and value > best_value:
                    best_s, best_z, best_value = s, z, value
            proposals.append((best_s, best_z))

        if self.acq_func == "hedge":
            self._hedge_proposals = [p for p in proposals if p[0] is not None]
            logits = _HEDGE_ETA * (self._hedge_gains - self._hedge_gains.max())
            prob = np.exp(logits) / np.exp(logits).sum()
            s, z = proposals[self.rng.choice(len(proposals), p=prob)]
        else:
            s, z = proposals[0]
        if s is None:
            # No surrogate proposed a new point: try a subspace not modelled
            # yet, else (every point asked) repeat one.
            open_spaces = self._open_subspaces() or list(range(len(self.spaces)))
            s = open_spaces[self.rng.randint(len(open_spaces))]
            return s, self._random_point(s)
        return s, self.spaces[s].decode(z[None, :])[0]

    def _update_hedge(self):
        # GP-Hedge: each acquisition is rewarded with the posterior mean, under
        # the newest surrogate, of the point it proposed last time.
        for i, (s, z) in enumerate(self._hedge_proposals):
            if self._fitted_at[s] >= 0:
                self._hedge_gains[i] += self._gps[s].predict(z[None, :])[0][0]
        self._hedge_proposals = []

    def sample(self, n_points, n_pool=1000):
        """Draw ``n_points`` distinct points where the best point may lie.

        Thompson sampling: each point maximises one joint draw of the
        surrogate's posterior over a pool of ``n_pool`` points drawn from
        the space's priors. Points gather where the surrogate is confident of
        high scores and spread where it is unsure, with no batch heuristic;
        :class:`~sktune.HyperbandSearchCV` uses it to fill a bracket
        (``sampler="bayes"``). Nothing is recorded as pending.

        Parameters
        ----------
        n_points : int
            How many points to draw.
        n_pool : int, default=1000
            Size of the candidate pool, split over the subspaces that have
            scores.

        Returns
        -------
        points : list of dict
            Fewer than ``n_points`` only if the pool runs out of new points.

        Examples
        --------
        >>> from sktune import Real
        >>> from sktune.optimize import Optimizer
        >>> opt = Optimizer({"x": Real(-2.0, 2.0)}, random_state=0)
        >>> xs = [-2.0, -1.0, 0.0, 1.0, 2.0, -0.5, 0.5]
        >>> _ = opt.tell([{"x": x} for x in xs], [-(x - 0.5) ** 2 for x in xs])
        >>> points = opt.sample(5)
        >>> all(abs(p["x"] - 0.5) < 0.5 for p in points)
        True
        """
        _check_count(n_points, "n_points")
        _check_count(n_pool, "n_pool")
        if not np.isfinite(self.scores).any():
            raise ValueError("sample() needs at least one finite score told.")
        y, _ = self._standardized_scores()
        data = self._fit_surrogates(y, self.rng)
        per_space = max(1, n_pool // len(data))
        pools, draws = [], []
        for s in data:
            points = self.spaces[s].rvs(per_space, self.rng)
            Z = self.spaces[s].encode(points)
            Z, first = np.unique(Z, axis=0, return_index=True)
            new = [i for i, z in enumerate(Z) if self._is_new(s, z)]
            pools += [points[first[i]] for i in new]
            if new:
                draws.append(self._gps[s].sample(Z[new], n_points, self.rng))
        if not pools:
            return []
        draws = np.vstack(draws)  # (pool, n_points): one column per draw
        chosen = []
        for column in draws.T:
            best = next((i for i in np.argsort(-column) if i not in chosen), None)
            if best is not None:
                chosen.append(best)
        return [pools[i] for i in chosen]

    # ------------------------------------------------------------------ tell
    def tell(self, points, scores):
        """Record the scores of evaluated points (higher is better).

        Parameters
        ----------
        points : dict or list of dict
            Points, usually from :meth:`ask`; any point of the space works.
        scores : float or array-like of float
            One score per point; ``nan`` or ``inf`` marks a failed evaluation.

        Returns
        -------
        self : Optimizer
        """
        points, scores = _as_points(points, scores)
        for point, score in zip(points, scores):
            s = self._locate(point)
            self.points.append(dict(point))
            self.scores = np.append(self.scores, score)
            self.subspace_indices = np.append(self.subspace_indices, s)
            z = np.empty(1, dtype=object)
            z[0] = self.spaces[s].encode([point])[0]
            self._encoded = np.concatenate([self._encoded, z])
        return self

    def _locate(self, point):
        for i, (s, pending, _) in enumerate(self._pending):
            if _dict_equal(pending, point):
                del self._pending[i]
                return s
        return self._locate_space(point)

    # ------------------------------------------------------------- results
    @property
    def best_index(self):
        """Index in ``points`` of the best finite score (None if none)."""
        if not np.isfinite(self.scores).any():
            return None
        return int(
            np.nanargmax(np.where(np.isfinite(self.scores), self.scores, np.nan))
        )

    @property
    def best_point(self):
        """The told point with the highest finite score (None if none)."""
        i = self.best_index
        return None if i is None else self.points[i]

    @property
    def best_score(self):
        """The highest finite score told so far (nan if none)."""
        i = self.best_index
        return np.nan if i is None else float(self.scores[i])

    def predict(self, points):
        """Posterior centre and spread of the score at ``points``.

        The surrogate models transformed scores (see the class description);
        ``mean`` is its posterior mean mapped back to the score scale (the
        posterior median of the score) and ``std`` half the width of the
        mapped one-standard-deviation interval.

        Each point is predicted by the surrogate of its subspace, conditioned
        on every score told so far; scores are on their original scale.

        Parameters
        ----------
        points : list of dict

        Returns
        -------
        mean, std : ndarray of shape (n_points,)
        """
        y, warp = self._standardized_scores()
        # A fixed seed: predicting must not change the optimiser's own stream.
        data = self._fit_surrogates(y, np.random.RandomState(0))
        m, sd = np.empty(len(points)), np.empty(len(points))
        which = np.array([self._locate_space(p) for p in points], dtype=int)
        for s in np.unique(which):
            if s not in data:
                point = points[int(np.flatnonzero(which == s)[0])]
                raise ValueError(
                    f"No score has been told for the subspace of {point!r} yet."
                )
            rows = np.flatnonzero(which == s)
            Z = self.spaces[s].encode([points[i] for i in rows])
            m[rows], var = self._gps[s].predict(Z)
            sd[rows] = np.sqrt(var)
        low, mean, high = (warp.inverse(m + k * sd) for k in (-1.0, 0.0, 1.0))
        return mean, 0.5 * (high - low)

    def _locate_space(self, point):
        for s, space in enumerate(self.spaces):
            if point in space:
                return s
        raise ValueError(f"The point {point!r} is not in the search space.")
