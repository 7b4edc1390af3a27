"""HyperbandSearchCV: successive halving over brackets, continuing models."""

import functools
import numbers
import warnings

import numpy as np
from sklearn.base import is_classifier

from sktune.optimize import Optimizer
from sktune.schedules._asha import ASHABracket
from sktune.schedules._hyperband import Bracket, hyperband_brackets
from sktune.search._incremental import BaseIncrementalSearchCV
from sktune.space import point_key, sample_distinct, total_size, warn_small_space
from sktune.utils._sklearn_compat import Interval, StrOptions

# Scores at one budget needed before the GP models it (``sampler="bayes"``).
_MIN_MODEL_POINTS = 10


def _promoted(scores, n):
    """Indices of the best ``n`` scores, best first. Only a score promotes:
    a NaN (failed fit or scorer) never does, and a rung with no score ends
    its bracket."""
    scored = np.flatnonzero(np.isfinite(scores))
    order = scored[np.argsort(-scores[scored], kind="stable")]
    return order[:n]


def _key(spaces, point):
    """The key of ``point`` in the first subspace that holds it."""
    s = next(s for s, space in enumerate(spaces) if point in space)
    return point_key(s, spaces[s], point)


class HyperbandSearchCV(BaseIncrementalSearchCV):
    """Hyperband with cross-validation, continuing training between rungs.

    Each bracket draws many configurations, trains them on a small budget,
    keeps the best ``1 / factor`` and trains *those same fitted models*
    further, ``factor`` times longer, until the survivors reach
    ``max_resource`` (successive halving). Brackets trade breadth for depth,
    most exploratory first (Li et al., 2018). Where the estimator allows it
    (skorch epochs, ``partial_fit``, ``warm_start``), a survivor is continued
    rather than refitted from scratch, unlike scikit-learn's
    ``HalvingRandomSearchCV``.

    Parameters
    ----------
    estimator : estimator object
        The object to tune, possibly a ``Pipeline``.
    param_distributions : dict or list of dict
        A search space in any dialect of :mod:`sktune.space`; also accepted
        as ``param_grid=`` or ``search_spaces=`` (exactly one of the three).
        No rung holds one configuration twice: a finite space smaller than a
        bracket fills it with each of its points once.
    n_iter : int or None, default=None
        About how many configurations to try in all, as in
        ``RandomizedSearchCV``: every bracket's number of configurations is
        scaled by ``n_iter / (Hyperband's total)`` (each keeps at least one).
        ``None`` runs Hyperband's own numbers (81 configurations in the
        default single bracket with ``factor=3``; 143 for all five brackets).
    resource : str, default="auto"
        What the budget counts: ``"n_samples"`` (a subsample of each training
        fold), or a parameter of the estimator (of its final step in a
        pipeline, e.g. ``"clf__n_estimators"``): ``"max_epochs"`` of a skorch
        net, ``"max_iter"`` (passes of ``partial_fit``, or iterations of
        HistGradientBoosting), ``"n_estimators"`` of ensembles and of
        XGBoost / LightGBM (``"iterations"`` of CatBoost), whose boosters are
        continued through ``xgb_model`` / ``init_model``, or any other
        integer parameter (refitted from scratch). ``"auto"`` picks the first
        of these the estimator has, else ``"n_samples"`` (also, with a
        warning, when that parameter is itself searched).
    max_resource : int or "auto", default="auto"
        Budget of a configuration in the last rung; ``"auto"`` is the
        estimator's own value of the resource parameter, or the size of the
        largest training fold for ``"n_samples"`` (a smaller fold trains on
        all its rows once the budget covers them).
    min_resource : int or "auto", default="auto"
        Budget of the first rung of the most exploratory bracket; ``"auto"``
        is ``max_resource / factor ** 4`` (so at most five brackets), but at
        least 1 for a parameter and ``max(20, 2 * n_classes)`` samples.
    factor : float, default=3
        Each rung keeps the best ``1 / factor`` of its candidates and gives
        them ``factor`` times the budget.
    n_brackets : int, "auto" or "all", default="auto"
        How many of Hyperband's brackets to run, most exploratory first.
        ``"auto"`` runs the most exploratory one: successive halving from
        ``min_resource`` to ``max_resource``, continuing the survivors (the
        default of Ray Tune's ASHA, which Li et al. (2020) found the best
        bracket in practice; on the digits MLP benchmark hedging over all
        brackets cost 4.5 times its CPU for one more correct test row).
        ``"all"`` runs every bracket (Hyperband proper, which hedges against
        small budgets that mislead); an integer runs that many.
    sampler : {"random", "bayes"}, default="random"
        How each bracket draws its configurations: from the prior, or, as
        BOHB does, mostly from a model of the scores so far: once a budget
        has at least 10 scores, two thirds of each later bracket are drawn by
        Thompson sampling (:meth:`sktune.optimize.Optimizer.sample`) from a
        Gaussian process fitted to the scores at the largest such budget,
        and one third from the prior.
    asynchronous : bool, default=False
        Run asynchronous successive halving (ASHA, Li et al., 2020) instead
        of waiting for each rung to finish: whenever a worker is free it
        promotes a rung's leader (its best configuration so far, among the
        top ``1 / factor`` of those finished there and not yet promoted),
        highest rung first; else starts a new configuration at the bottom
        rung (until the bracket's number of configurations has started);
        else promotes the best promotable configuration of the lowest rung
        (the paper's order, always the highest rung's promotion first, left
        the bottom rung for last with a fixed number of configurations, and
        promoted from each rung's fastest configurations). Several brackets
        are interleaved: a free worker takes the next job of the first
        bracket that has one. Each (configuration, fold) is one task,
        so fast configurations climb the rungs while slow ones still train;
        a few early promotions may be ones synchronous halving would not
        have made, so the upper rungs may hold a few more rows. With
        ``n_jobs=1`` the order of jobs, and so the result, is reproducible;
        with more workers it depends on which tasks finish first. With
        ``checkpoint``, the journal records each job as it starts and ends,
        in the order they did, and a resumed search replays that order: it
        takes the same decisions, then reruns only the jobs that were
        running. Every model that may be promoted is kept on disk until its
        bracket ends.
    scoring, n_jobs, refit, cv, verbose, random_state, error_score, \
return_train_score
        As for :class:`~sktune.BayesSearchCV`. Evaluations run in parallel
        over (candidate, fold) through ``joblib``.
    checkpoint : str, path-like or None, default=None
        A journal file to which every (candidate, fold) evaluation is
        appended as it ends, and every finished rung (each candidate's
        per-fold scores and times) with ``flush`` and ``fsync``. The fold
        models that a later rung may continue are pickled into the
        directory ``<checkpoint>.models``, each file's SHA-256 recorded in
        the journal: about (candidates of the rung in progress and survivors
        of the last one) x (folds) models, none once the search ends. A
        later ``fit`` with the same path, estimator, space, settings, data
        and ``random_state`` reads the recorded evaluations back instead of
        recomputing them, loads their models and goes on: only the fits
        running when the search stopped are redone, and ``cv_results_``
        equals an uninterrupted run's. A model
        file that is missing or lacks its recorded hash is not unpickled (the
        directory must be trusted: unpickling runs code); that model is
        retrained along its recorded budgets (the same seeds, so the same
        model), with a warning. A journal written by another search is
        refused. See ``docs/checkpoints.md``.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One row per (candidate, rung) evaluation, in sklearn's format, plus
        ``budget`` (the resource at that rung), ``budget_used`` (the
        budget the fold models really trained to, averaged over the folds;
        less than ``budget`` once a model converged), ``bracket``
        (Hyperband's ``s``) and ``rung`` (0 for the first). With a resource
        parameter the params of each row hold it (``param_<resource>``), as
        ``HalvingRandomSearchCV`` does.
    best_index_ : int
        The best evaluation at the full budget (``max_resource``).
    best_params_, best_score_, best_estimator_, refit_time_, scorer_, \
n_splits_, multimetric_
        As for ``GridSearchCV``; ``best_estimator_`` is a plain fit of the
        best configuration at ``max_resource`` on all the data.
    brackets_ : list of dict
        Per bracket run: ``bracket``, ``n_candidates`` and ``budgets`` per rung.
    n_resources_, n_candidates_ : list of int
        Budget and number of candidates of every rung, brackets in order.
    resource_, min_resource_, max_resource_ :
        The resource used and its resolved bounds.

    See Also
    --------
    sklearn.model_selection.HalvingRandomSearchCV : Successive halving that
        refits every survivor from scratch.

    Notes
    -----
    A model that converges by its own criterion stops consuming budget: an
    MLP's or SGD's ``tol`` / ``n_iter_no_change``, HistGradientBoosting's and
    GradientBoosting's early stopping, skorch's ``EarlyStopping`` callback,
    the boosting libraries' early stopping. It keeps its score at later
    rungs without training or scoring again (``mean_fit_time`` 0 there).

    XGBoost, LightGBM and CatBoost stop early when given
    ``early_stopping_rounds`` (LightGBM: ``early_stopping_round``). Do not
    pass ``eval_set`` to ``fit``: the search holds out 10% of each training
    fold (stratified, the same rows at every rung) as the evaluation set, so
    the CV test fold is never used for stopping; the refit holds out 10% of
    all the data the same way. An ``eval_set`` you pass is used as given.

    References
    ----------
    Li, Jamieson, DeSalvo, Rostamizadeh and Talwalkar (2018). Hyperband: a
    novel bandit-based approach to hyperparameter optimization. JMLR 18(185).

    Li, Jamieson, Rostamizadeh, Gonina, Ben-tzur, Hardt, Recht and Talwalkar
    (2020). A system for massively parallel hyperparameter tuning. MLSys.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sktune import HyperbandSearchCV, Integer, Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = HyperbandSearchCV(
    ...     RandomForestClassifier(n_estimators=27, random_state=0),
    ...     {"max_depth": Integer(1, 8), "max_features": Real(0.5, 1.0)},
    ...     factor=3, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> search.n_resources_[:4]
    [1, 3, 9, 27]
    >>> search.best_params_["n_estimators"]
    27
    """

    _parameter_constraints: dict = {
        **BaseIncrementalSearchCV._parameter_constraints,
        "max_resource": [
            StrOptions({"auto"}),
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "min_resource": [
            StrOptions({"auto"}),
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "factor": [Interval(numbers.Real, 1, None, closed="neither")],
        "n_brackets": [
            StrOptions({"auto", "all"}),
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "sampler": [StrOptions({"random", "bayes"})],
        "asynchronous": ["boolean"],
    }
    _skip_converged = True

    def __init__(
        self,
        estimator,
        param_distributions=None,
        *,
        n_iter=None,
        resource="auto",
        max_resource="auto",
        min_resource="auto",
        factor=3,
        n_brackets="auto",
        sampler="random",
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
        self.resource = resource
        self.max_resource = max_resource
        self.min_resource = min_resource
        self.factor = factor
        self.n_brackets = n_brackets
        self.sampler = sampler
        self.asynchronous = asynchronous
        self.random_state = random_state
        self.checkpoint = checkpoint
        self.param_grid = param_grid
        self.search_spaces = search_spaces

    def _resource_bounds(self, resource, y, splits):
        """``(min_resource, max_resource)`` with "auto" resolved.

        An "auto" minimum is at least ``max_resource / factor ** 4``: at most
        five brackets and 81 first-rung candidates, as in Li et al.'s
        examples, however large the estimator's own ``max_iter`` is.
        """
        if resource.kind == "n_samples":
            # the largest training fold: a smaller one (TimeSeriesSplit's
            # first) trains on all its rows from the budget that covers it
            auto_max = max(len(train) for train, _ in splits)
            n_classes = len(np.unique(y)) if is_classifier(self.estimator) else 1
            floor = max(20, 2 * n_classes)
        else:
            auto_max = resource.default_max(self.estimator)
            floor = 1
        max_resource = auto_max if self.max_resource == "auto" else self.max_resource
        if max_resource is None:
            raise ValueError(
                f"max_resource='auto' needs an integer value of {resource.param!r} "
                "on the estimator; set it, or give max_resource."
            )
        if self.min_resource == "auto":
            min_resource = max(floor, int(max_resource // self.factor**4))
            min_resource = min(min_resource, max_resource)
        else:
            min_resource = self.min_resource
        if min_resource == max_resource and self.n_iter is None:
            warnings.warn(
                f"min_resource == max_resource == {max_resource}: Hyperband has one "
                "budget, and runs one configuration; give n_iter to run more "
                "(random search at that budget).",
                UserWarning,
                stacklevel=3,
            )
        if min_resource > max_resource:
            raise ValueError(
                f"min_resource={min_resource} must not exceed max_resource="
                f"{max_resource}."
            )
        return int(min_resource), int(max_resource)

    def _brackets(self, spaces, min_resource, max_resource, warn=False):
        """Hyperband's brackets, sized by ``n_iter`` and the space.

        A finite space with no more points than the brackets would start in
        all is run as one bracket that starts each point once: the most
        exploratory bracket whose first rung the points can fill (two points
        go straight to ``max_resource``, as in a grid search; 27 points with
        ``factor=3`` start at ``max_resource / 27``).
        """
        brackets = hyperband_brackets(
            min_resource,
            max_resource,
            self.factor,
            {"auto": 1, "all": None}.get(self.n_brackets, self.n_brackets),
        )
        scale = 1.0
        if self.n_iter is not None:
            scale = self.n_iter / sum(b.n_candidates[0] for b in brackets)
        starts = [max(1, int(round(b.n_candidates[0] * scale))) for b in brackets]
        total = total_size(spaces)
        if total is not None and total <= sum(starts):
            if warn and total < sum(starts):
                warn_small_space(
                    total,
                    self.n_iter or sum(starts),
                    "n_iter"
                    if self.n_iter
                    else "the number of configurations Hyperband starts, n",
                )
            depth = int(np.floor(np.log(total) / np.log(self.factor) + 1e-9))
            if self.n_brackets == "auto":
                # the default single bracket is a choice for large spaces; a
                # small grid takes the bracket its points fill, as before
                brackets = hyperband_brackets(min_resource, max_resource, self.factor)
            fitting = [b for b in brackets if b.index <= depth]
            bracket = fitting[0] if fitting else brackets[-1]
            return [self._resized(bracket, total)]
        return [self._resized(b, n) for b, n in zip(brackets, starts)]

    def _resized(self, bracket, n):
        """``bracket`` starting ``n`` configurations; each rung keeps the best
        ``1 / factor`` of them, at least one."""
        if n == bracket.n_candidates[0]:
            return bracket
        counts = [n] + [
            max(1, int(np.floor(n * self.factor**-i + 1e-9)))
            for i in range(1, len(bracket.budgets))
        ]
        return Bracket(bracket.index, tuple(counts), bracket.budgets)

    def _n_evaluations(self, spaces, min_resource, max_resource):
        brackets = self._brackets(spaces, min_resource, max_resource)
        return sum(sum(bracket.n_candidates) for bracket in brackets)

    def _run_schedule(self, engine, spaces, min_resource, max_resource, rng):
        brackets = self._brackets(spaces, min_resource, max_resource, warn=True)
        self.brackets_, self.n_resources_, self.n_candidates_ = [], [], []
        if self.asynchronous:
            self._run_asynchronous(engine, brackets, spaces, rng)
            return
        for bracket in brackets:
            params = self._sample(spaces, bracket.n_candidates[0], engine, rng)
            candidates = engine.new_candidates(params)
            for rung, budget in enumerate(bracket.budgets):
                last = rung + 1 == len(bracket.budgets)
                n_next = None if last else bracket.n_candidates[rung + 1]
                scores = engine.advance(
                    candidates,
                    budget,
                    {"bracket": bracket.index, "rung": rung},
                    # only the promoted go on: a checkpoint stores theirs
                    continued=False if last else functools.partial(_promoted, n=n_next),
                )
                self.n_resources_.append(budget)
                self.n_candidates_.append(len(candidates))
                for candidate, score in zip(candidates, scores):
                    engine.history.append((candidate.params, budget, score))
                if not last:
                    keep = _promoted(scores, n_next)
                    if not len(keep):
                        warnings.warn(
                            f"Every candidate of bracket {bracket.index} scored NaN "
                            f"at budget {budget}; the bracket stops there.",
                            UserWarning,
                            stacklevel=3,
                        )
                    engine.drop([c for i, c in enumerate(candidates) if i not in keep])
                    candidates = [candidates[i] for i in keep]
                    if not candidates:
                        break
            engine.drop(candidates)
            self.brackets_.append(
                {
                    "bracket": bracket.index,
                    "n_candidates": list(bracket.n_candidates),
                    "budgets": list(bracket.budgets),
                }
            )

    def _run_asynchronous(self, engine, brackets, spaces, rng):
        """ASHA in every bracket, the brackets interleaved.

        A free worker takes the next job of the first bracket that has one
        (:meth:`ASHABracket.get_job`: a rung leader's promotion, else a new
        configuration, else another promotion, lowest rung first); so a
        later bracket starts as soon as an earlier one waits only on running
        jobs, as in the asynchronous Hyperband of Li et al. (2020).
        A bracket draws its configurations when it starts (after the earlier
        brackets' first results, for ``sampler="bayes"``).
        """
        states = [
            ASHABracket(b.budgets, b.n_candidates[0], self.factor) for b in brackets
        ]
        drawn = [None] * len(brackets)  # each bracket's candidates
        where = {}  # id(candidate) -> (bracket position, config number)

        def next_job():
            for i, (bracket, state) in enumerate(zip(brackets, states)):
                if drawn[i] is None:
                    if state.n_started == state.n_configurations:
                        continue
                    params = self._sample(spaces, state.n_configurations, engine, rng)
                    drawn[i] = engine.new_candidates(params)
                    state.n_configurations = len(drawn[i])
                    for config, c in enumerate(drawn[i]):
                        where[id(c)] = (i, config)
                job = state.get_job()
                if job is not None:
                    config, rung = job
                    more = {"bracket": bracket.index, "rung": rung}
                    return drawn[i][config], bracket.budgets[rung], more
            return None

        def finished(candidate, budget, more, score):
            i, config = where[id(candidate)]
            state = states[i]
            state.report(config, more["rung"], score)
            engine.history.append((candidate.params, budget, score))
            if more["rung"] + 1 == state.n_rungs:
                engine.drop([candidate])  # the last rung: never trained further
            if state.finished:
                engine.drop(drawn[i])

        def continued(candidate, budget, more):
            # a model that may be promoted: a checkpoint stores it
            return more["rung"] + 1 < states[where[id(candidate)][0]].n_rungs

        engine.advance_async(next_job, finished, continued)
        for bracket, state in zip(brackets, states):
            counts = state.n_candidates()
            n_rungs = sum(1 for n in counts if n)
            self.n_resources_.extend(bracket.budgets[:n_rungs])
            self.n_candidates_.extend(counts[:n_rungs])
            self.brackets_.append(
                {
                    "bracket": bracket.index,
                    "n_candidates": counts[:n_rungs],
                    "budgets": list(bracket.budgets[:n_rungs]),
                }
            )

    def _sample(self, spaces, n, engine, rng):
        """Draw ``n`` configurations, from the prior or from the GP optimiser.

        With ``sampler="bayes"``, a third of them (rounded up) still come
        from the prior, as in BOHB, so that a misleading model cannot stop
        the search from exploring.
        """
        n_model = n - int(np.ceil(n / 3)) if self.sampler == "bayes" else 0
        points = (n_model and self._bayes_points(spaces, n_model, engine, rng)) or []
        taken = {_key(spaces, p) for p in points}
        for s, point in sample_distinct(spaces, n, rng):
            if len(points) == n:
                break
            key = point_key(s, spaces[s], point)
            if key not in taken:
                taken.add(key)
                points.append(point)
        return points

    def _bayes_points(self, spaces, n, engine, rng):
        # Model the largest budget that has enough finite scores (BOHB), and
        # "enough" is what BayesSearchCV's initial design asks for: a GP fitted
        # to the handful of survivors of a late rung proposes the corners.
        needed = max(_MIN_MODEL_POINTS, max(space.n_columns for space in spaces) + 2)
        by_budget = {}
        for params, budget, score in engine.history:
            if np.isfinite(score):
                by_budget.setdefault(budget, []).append((params, score))
        usable = [b for b, rows in by_budget.items() if len(rows) >= needed]
        if not usable:
            return None
        rows = by_budget[max(usable)]
        optimizer = Optimizer(spaces, random_state=rng)
        optimizer.tell([p for p, _ in rows], [s for _, s in rows])
        return optimizer.sample(n)
