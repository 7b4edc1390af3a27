"""PBTSearchCV: population-based training with cross-validation."""

import copy
import inspect
import numbers
from collections import deque

import numpy as np
from sklearn.base import clone

from sktune.schedules._pbt import perturb, ready_selection, truncation_selection
from sktune.search._common import _torch_seeded, set_changed
from sktune.search._incremental import BaseIncrementalSearchCV
from sktune.search._resources import _final_step, _is_skorch, advance
from sktune.space import sample_distinct, total_size, warn_small_space
from sktune.utils._sklearn_compat import Interval, _num_samples

# skorch rebuilds the module (or criterion) and the optimizer when these
# change, which would throw away the weights a member inherited.
_REINITIALISING = ("module__", "criterion__")


def _training_length(estimator, resource):
    """The estimator's own training length in resource units, or None.

    Its value of the resource parameter counts when the user set it (it
    differs from the class default), or when the parameter is a real length
    (trees, boosting rounds, skorch epochs) rather than a cap on iterations
    that the estimator's own convergence test usually ends first.
    """
    own = resource.default_max(estimator)
    if own is None:
        return None
    _, final = _final_step(estimator)
    name = resource.param.rsplit("__", 1)[-1]
    try:
        default = inspect.signature(type(final).__init__).parameters[name].default
    except (KeyError, TypeError, ValueError):
        default = inspect.Parameter.empty
    if own != default or resource.kind in (
        "warm_start",
        "epochs",
        "restart",
        "boosting",
    ):
        return int(own)
    return None


class PBTSearchCV(BaseIncrementalSearchCV):
    """Population-based training with cross-validation.

    A population of configurations trains side by side, each with one live
    model per CV fold. After every step of ``step_size`` resource units (an
    epoch, a ``partial_fit`` pass, a batch of trees), the members in the
    bottom ``quantile`` by mean validation score copy the fold models
    (weights and optimiser state) and the hyperparameters of a member of the
    top ``quantile`` (*exploit*), then perturb the ``mutable`` ones
    (*explore*). The result is a hyperparameter *schedule*, such as a
    learning rate that falls as training goes (Jaderberg et al., 2017).

    Parameters
    ----------
    estimator : estimator object
        The object to tune; it must continue training through the resource
        (skorch epochs, ``partial_fit`` passes, ``warm_start``): an estimator
        that cannot (``SVC``, a calibrated or stacked classifier) is refused
        with a ``ValueError`` before any fit.
    param_distributions : dict or list of dict
        A search space in any dialect of :mod:`sktune.space`; it gives the
        initial population and the bounds of every perturbation.
    initial_population : list of dict or None, default=None
        Starting configurations, one per member (``population_size`` of
        them, each a point of one subspace); ``None`` draws them from the
        space.
    mutable : list of str or None, default=None
        Parameters that may change during a member's life; the others stay
        fixed and are only inherited on exploit. ``None`` makes every
        searched parameter mutable except skorch's ``module__*`` and
        ``criterion__*``, whose change would re-initialise the network (naming
        one of those raises), parameters whose values are estimators (a
        pipeline step swapped into a live model would be unfitted) and, when
        a pipeline is trained pass by pass (``partial_fit``, skorch epochs),
        the parameters of its steps before the last, which are fitted once.
    population_size : int or None, default=None
        Number of members: ``n_iter`` when that is given, else 8.
    resource : str, default="auto"
        What a step counts, as for :class:`~sktune.HyperbandSearchCV`, but
        never rows: an estimator that cannot continue, or a space that
        searches the training length itself (``max_epochs``), is refused.
    n_steps : int or None, default=None
        Steps of training (exploit/explore rounds come between steps).
    step_size : int or None, default=None
        Resource units per step. With both ``None``, a member trains as long
        as the estimator says: the total is the estimator's own value of the
        resource when the user set it (``max_epochs=20`` of a skorch net,
        ``max_iter=50``), or when it counts trees or epochs
        (``n_estimators``, HistGradientBoosting's ``max_iter``, skorch's
        ``max_epochs``), split into ``min(total, 10)`` steps as even as
        whole units allow (``budgets_``). A default that is only a cap for
        the estimator's own convergence test (SGD's ``max_iter=1000``,
        MLP's 200) is not a training length: then 10 steps of 1 unit. When
        either is given, each member trains ``n_steps * step_size`` units
        (``n_steps`` 10 and ``step_size`` 1 when not given).
    quantile : float, default=0.25
        Fraction of the population replaced (and copied from) each round.
    resample_probability : float, default=0.25
        Probability that explore draws a parameter anew from its prior
        instead of perturbing it.
    perturb_factors : tuple of float, default=(0.8, 1.2)
        Factors for log-scaled parameters; a linear parameter moves by
        ``factor - 1`` of its range, a categorical to a neighbouring choice.
    asynchronous : bool, default=False
        Let each member exploit and explore as soon as it finishes a step,
        as in Jaderberg et al.'s PBT, instead of waiting for the whole
        population to finish it: each (member, fold) is one task, run when a
        worker is free, so members never wait for each other. A member that
        finishes a step is compared with every other member at the same
        budget, by the scores of the models each holds (its lineage's rows):
        at the other's most recent step, or at its own when the other is
        further on. When at least ``(1 - quantile) * population_size`` others
        are better (it is in the bottom ``quantile`` whatever the members
        without a score yet will score), it copies the fold models and
        hyperparameters of a member drawn from those in the top ``quantile``
        (fewer than ``quantile * population_size`` others better, compared
        the same way), then explores. It copies that member's state at its
        most recent finished step, with its progress: its next row is the
        step after the copied member's (``parent`` names it), ahead of or
        behind its own. The search ends when every member has finished the
        last step; a member copies one behind it only if it can still reach
        the last step within ``2 * n_steps`` steps of training, so the search
        costs at most twice the synchronous one (about 20% more in
        ``benchmarks/simulated_cluster.py --pbt``). Each member keeps a copy
        of its fold models at its latest finished step for others to copy
        while it trains on (twice the models' memory). With ``n_jobs=1`` the
        order of tasks, and so the result, is reproducible; with more workers
        it depends on which tasks finish first. With ``checkpoint``, the
        journal records each step as it starts and ends, in the order they
        did, and a resumed search replays that order: it takes the same
        decisions, then reruns only the steps that were running. On disk:
        the members' models and the copies kept for others to copy.
    n_iter : int or None, default=None
        The population size, for code written for ``RandomizedSearchCV``:
        as many configurations start as it says (each trains the full
        budget, so PBT costs what random search of ``n_iter`` full fits
        costs). Giving it with a different ``population_size`` raises.
    scoring, n_jobs, refit, cv, verbose, random_state, error_score, \
return_train_score
        As for :class:`~sktune.HyperbandSearchCV`. A member whose fit fails
        scores ``error_score`` and is replaced by exploit at the next round.
    checkpoint : str, path-like or None, default=None
        A journal file to which every (member, fold) evaluation is appended
        as it ends, and every finished step (each member's per-fold scores
        and times) with ``flush`` and ``fsync``. In every step but the last,
        the members' fold models are pickled as they end into the directory
        ``<checkpoint>.models``, each file's SHA-256 recorded in the
        journal: ``population_size`` x (folds) models (up to twice that
        during a step), none once the search ends. A later ``fit`` with the
        same path, estimator, space, settings, data and ``random_state``
        reads the recorded evaluations back instead of recomputing them,
        loads their models and goes on: only the fits running when the
        search stopped are redone, and ``cv_results_``,
        ``best_params_`` and ``best_schedule_`` equal an uninterrupted run's.
        A model file that is missing or lacks its recorded hash is not
        unpickled (the directory must be trusted: unpickling runs code); that
        model is retrained along its lineage's recorded schedule (its
        hyperparameters and seeds, so the same model), with a warning. A
        journal written by another search is refused. See
        ``docs/checkpoints.md``.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One row per (member, step) in sklearn's format, with the
        hyperparameters in force during that step, plus ``member`` (the
        member's slot), ``step``, ``parent`` (the slot this member copied
        before the step, -1 if none), ``budget`` and ``budget_used`` (the
        budget the fold models really reached, their mean: less once an
        estimator's own convergence test ended its training).
    best_index_ : int
        The best member at the last step.
    best_params_ : dict
        The winner's hyperparameters at the last step.
    best_schedule_ : list of dict
        The winning lineage's hyperparameters, step by step.
    best_estimator_ : estimator
        The schedule replayed from scratch on all the data.
    budgets_ : list of int
        The resource each member has reached at the end of each step.
    population_size_ : int
        The number of members.

    References
    ----------
    Jaderberg et al. (2017). Population based training of neural networks.
    arXiv:1711.09846.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import SGDClassifier
    >>> from sktune import PBTSearchCV, Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = PBTSearchCV(
    ...     SGDClassifier(random_state=0), {"alpha": Real(1e-6, 1e-1, log=True)},
    ...     population_size=4, n_steps=5, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> len(search.best_schedule_)
    5
    """

    _parameter_constraints: dict = {
        **BaseIncrementalSearchCV._parameter_constraints,
        "mutable": [list, tuple, None],
        "initial_population": [list, None],
        "population_size": [
            Interval(numbers.Integral, 2, None, closed="left"),
            None,
        ],
        "n_steps": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "step_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "quantile": [Interval(numbers.Real, 0, 0.5, closed="right")],
        "resample_probability": [Interval(numbers.Real, 0, 1, closed="both")],
        "perturb_factors": [tuple, list],
        "asynchronous": ["boolean"],
    }

    def __init__(
        self,
        estimator,
        param_distributions=None,
        *,
        n_iter=None,
        initial_population=None,
        mutable=None,
        population_size=None,
        resource="auto",
        n_steps=None,
        step_size=None,
        quantile=0.25,
        resample_probability=0.25,
        perturb_factors=(0.8, 1.2),
        asynchronous=False,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
        checkpoint=None,
        param_grid=None,
        search_spaces=None,
    ):
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.param_distributions = param_distributions
        self.n_iter = n_iter
        self.initial_population = initial_population
        self.mutable = mutable
        self.population_size = population_size
        self.resource = resource
        self.n_steps = n_steps
        self.step_size = step_size
        self.quantile = quantile
        self.resample_probability = resample_probability
        self.perturb_factors = perturb_factors
        self.asynchronous = asynchronous
        self.random_state = random_state
        self.checkpoint = checkpoint
        self.param_grid = param_grid
        self.search_spaces = search_spaces

    _rows_fallback = False

    def _resource_bounds(self, resource, y, splits):
        if resource.kind == "n_samples":
            # Row budgets would train members on a handful of rows and copy
            # models that learnt nothing worth inheriting.
            _, final = _final_step(self.estimator)
            raise ValueError(
                f"PBTSearchCV needs an estimator that continues training: "
                f"{type(final).__name__} has no skorch max_epochs, partial_fit "
                "with max_iter, or warm_start with n_estimators / max_iter, and "
                f"resource={self.resource!r} would budget rows. Use "
                "BayesSearchCV, or HyperbandSearchCV (which budgets rows), for it."
            )
        self.budgets_ = self._budgets(resource)
        return self.budgets_[0], self.budgets_[-1]

    def _budgets(self, resource):
        """The resource reached at the end of each step (see ``n_steps``)."""
        if self.n_steps is not None or self.step_size is not None:
            n_steps, step_size = self.n_steps or 10, self.step_size or 1
            return [(i + 1) * step_size for i in range(n_steps)]
        total = _training_length(self.estimator, resource)
        if not total:
            return list(range(1, 11))
        n_steps = min(total, 10)
        return [int(np.floor(total * (i + 1) / n_steps + 0.5)) for i in range(n_steps)]

    def _population(self, spaces, warn):
        """The number of members (see ``population_size`` and ``n_iter``).

        A finite space with fewer points than that starts each point once
        (an empty space: one member), with a warning.
        """
        if self.n_iter is not None and self.population_size not in (
            None,
            self.n_iter,
        ):
            raise ValueError(
                f"The 'n_iter' parameter ({self.n_iter}) sets the population "
                f"size, which population_size={self.population_size} "
                "contradicts; give one of them."
            )
        n = self.n_iter or self.population_size or 8
        total = total_size(spaces)
        if self.initial_population is None and total is not None and total < n:
            if warn:
                name = "n_iter" if self.n_iter else "population_size"
                warn_small_space(total, n, name)
            return total
        return n

    def _n_evaluations(self, spaces, min_resource, max_resource):
        return self._population(spaces, warn=False) * len(self.budgets_)

    def _mutable_names(self, spaces, resource):
        searched = [name for space in spaces for name in space.names]
        prefix, final = _final_step(self.estimator)
        skorch = _is_skorch(final)
        # Pass by pass, a pipeline's earlier steps are fitted once, on the
        # first pass: their parameters cannot change afterwards.
        fixed_head = prefix and resource.kind in ("epochs", "partial_fit", "boosting")

        def in_head(name):
            return fixed_head and not name.startswith(prefix)

        def reinitialises(name):
            return skorch and name[len(prefix) :].startswith(_REINITIALISING)

        if self.mutable is None:
            # A step or estimator swapped in a live model would be unfitted.
            swaps = {
                name
                for space in spaces
                for name, dim in zip(space.names, space.dimensions)
                if any(hasattr(v, "get_params") for v in getattr(dim, "choices", ()))
            }
            return {
                name
                for name in searched
                if not (reinitialises(name) or in_head(name) or name in swaps)
            }
        for name in self.mutable:
            if name not in searched:
                raise ValueError(
                    f"The 'mutable' parameter {name!r} is not in the search space; "
                    f"searched parameters are {sorted(set(searched))!r}."
                )
            if reinitialises(name):
                raise ValueError(
                    f"The 'mutable' parameter {name!r} cannot change during "
                    "training: skorch re-initialises the module (or criterion) and "
                    "the optimizer when it changes, losing the inherited weights. "
                    "Search it as a fixed parameter (leave it out of 'mutable')."
                )
            if in_head(name):
                raise ValueError(
                    f"The 'mutable' parameter {name!r} cannot change during "
                    "training: the pipeline's steps before the last are fitted "
                    "once, on the first pass. Search it as a fixed parameter "
                    "(leave it out of 'mutable')."
                )
        return set(self.mutable)

    def _run_schedule(self, engine, spaces, min_resource, max_resource, rng):
        factors = tuple(self.perturb_factors)
        if not factors or not all(
            isinstance(f, numbers.Real) and f > 0 for f in factors
        ):
            raise ValueError(
                "The 'perturb_factors' parameter must hold positive numbers; got "
                f"{self.perturb_factors!r}."
            )
        mutable = self._mutable_names(spaces, engine.resource)
        self.population_size_ = self._population(spaces, warn=True)
        which, points = self._initial_points(spaces, rng)
        members = engine.new_candidates(points)
        for slot, (member, s) in enumerate(zip(members, which)):
            member.slot, member.space, member.parent = slot, spaces[s], -1
            member.schedule = []

        # Each row's own lineage: a slot's schedule is rewritten when it
        # exploits another member, so rows keep the schedule they ran with.
        self._schedules = {}
        if self.asynchronous:
            self._run_asynchronous(engine, members, mutable, factors, rng)
            engine.drop(members)
            return
        for step, budget in enumerate(self.budgets_):
            for member in members:
                member.schedule.append(dict(member.params))
                self._schedules[member.slot, step] = tuple(member.schedule)
            scores = engine.advance(
                members,
                budget,
                {
                    "member": [m.slot for m in members],
                    "step": step,
                    "parent": [m.parent for m in members],
                },
                continued=step + 1 < len(self.budgets_),
            )
            for member in members:
                member.parent = -1
            if step + 1 == len(self.budgets_):
                break
            for loser, winner in truncation_selection(scores, self.quantile, rng):
                self._exploit_and_explore(
                    members[loser], members[winner], mutable, factors, rng
                )
        engine.drop(members)

    def _run_asynchronous(self, engine, members, mutable, factors, rng):
        """PBT without generations: each member exploits when it is ready.

        A member's next step starts as soon as its last one ended (after
        its exploit and explore): :meth:`_Engine.advance_async` runs the
        (member, fold) tasks on free workers, in the order members became
        ready.
        """
        last = len(self.budgets_) - 1
        n = len(members)
        steps = [-1] * n  # each member's latest finished step
        jobs = [0] * n  # the steps it has trained
        lineages = [[] for _ in range(n)]  # its models' mean score, step by step
        frozen = [None] * n  # its state at its latest step, for others to copy
        ready = deque(members)
        # a member may run a step twice (after copying one behind it): the
        # schedules are kept by row, the one just recorded being the last
        running = {}

        def next_job():
            if not ready:
                return None
            member = ready.popleft()
            step = steps[member.slot] + 1
            member.schedule.append(dict(member.params))
            running[member.slot] = tuple(member.schedule)
            more = {"member": member.slot, "step": step, "parent": member.parent}
            member.parent = -1
            return member, self.budgets_[step], more

        def finished(member, budget, more, score):
            slot, step = member.slot, more["step"]
            self._schedules[len(engine.params) - 1] = running.pop(slot)
            steps[slot] = step
            jobs[slot] += 1
            lineages[slot].append(float(score))
            frozen[slot] = None
            if step == last:
                engine.drop([member])
                return
            # a donor not done (it has a step left to train), with its state
            # kept, and from whose step this member can still reach the last
            # within twice n_steps steps of training (so the search ends)
            left = 2 * (last + 1) - jobs[slot]
            eligible = [
                frozen[i] is not None and steps[i] < last and last - steps[i] <= left
                for i in range(n)
            ]
            donor = ready_selection(slot, lineages, self.quantile, eligible, rng)
            if donor is None:
                # a copy: its live models train on, in place under threads
                frozen[slot] = self._frozen(member)
                engine.track(frozen[slot])  # its checkpoint files are kept
            else:
                self._exploit_and_explore(member, frozen[donor], mutable, factors, rng)
                steps[slot] = steps[donor]
                lineages[slot] = list(lineages[donor])
            ready.append(member)

        engine.advance_async(
            next_job,
            finished,
            continued=lambda member, budget, more: more["step"] < last,
        )

    @staticmethod
    def _frozen(member):
        """An independent copy of ``member`` as it is now, for
        :meth:`_exploit_and_explore` (which copies its models again)."""
        frozen = copy.copy(member)
        frozen.models = [copy.deepcopy(model) for model in member.models]
        frozen.trail = list(member.trail)
        frozen.schedule = [dict(p) for p in member.schedule]
        frozen.params = dict(member.params)
        return frozen

    def _initial_points(self, spaces, rng):
        """``(subspace index, point)`` lists of the starting population."""
        n = self.population_size_
        if self.initial_population is None:
            # distinct configurations while the space has them, then again
            drawn = sample_distinct(spaces, n, rng)
            drawn = [drawn[i % len(drawn)] for i in range(n)]
            return [s for s, _ in drawn], [dict(p) for _, p in drawn]
        points = [dict(p) for p in self.initial_population]
        if len(points) != n:
            raise ValueError(
                f"The 'initial_population' parameter has {len(points)} members; "
                f"the population size is {n}."
            )
        which = []
        for point in points:
            inside = [s for s, space in enumerate(spaces) if point in space]
            if not inside:
                raise ValueError(
                    f"The 'initial_population' member {point!r} is not in the "
                    "search space."
                )
            which.append(inside[0])
        return which, points

    def _exploit_and_explore(self, loser, winner, mutable, factors, rng):
        # Exploit: independent copies of the winner's fold models (a deep copy
        # shares no weights or optimiser state with the winner).
        loser.inherit(winner)
        loser.space = winner.space
        loser.schedule = [dict(p) for p in winner.schedule]
        loser.parent = winner.slot
        # Explore: perturb the mutable parameters, applied to the live models
        # (models a checkpoint replay has not restored yet get them when
        # restored: the engine sets ``params`` on them).
        names = [n for n in loser.space.names if n in mutable]
        params = perturb(
            loser.space, winner.params, names, rng, factors, self.resample_probability
        )
        for model in loser.models:
            if model is not None:
                set_changed(model, winner.params, params)
        loser.params = params

    def fit(self, X, y=None, **params):
        """Run population-based training; see :class:`PBTSearchCV`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
        **params : dict
            Fit, scorer and splitter parameters, as for ``GridSearchCV``.

        Returns
        -------
        self : object
        """
        try:
            super().fit(X, y, **params)
            if hasattr(self, "best_index_"):
                self.best_schedule_ = self._schedule_of(self.best_index_)
        finally:
            self.__dict__.pop("_schedules", None)
        return self

    def _schedule_of(self, index):
        """The schedule that led to row ``index`` of ``cv_results_``."""
        if self.asynchronous:
            return [dict(p) for p in self._schedules[index]]
        slot = int(self.cv_results_["member"][index])
        step = int(self.cv_results_["step"][index])
        return [dict(p) for p in self._schedules[slot, step]]

    def _refit_best(self, X, y, fit_params, resource, classes, callback_ctx, metadata):
        """Replay the winning lineage's schedule from scratch on all data."""
        schedule = self._schedule_of(self.best_index_)
        model = clone(self.estimator).set_params(**clone(schedule[0], safe=False))
        rows = np.arange(_num_samples(X))
        seed = self.random_state if isinstance(self.random_state, int) else 0
        callback_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
        budgets = [0] + list(self.budgets_)
        with _torch_seeded(seed):
            for step, params in enumerate(schedule):
                if step:
                    set_changed(model, schedule[step - 1], params)
                model, _ = advance(
                    model,
                    resource,
                    X,
                    y,
                    rows,
                    fit_params,
                    budgets[step],
                    budgets[step + 1],
                    classes,
                    converge=False,
                )
        return model
