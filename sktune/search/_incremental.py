"""The continuation engine shared by the multi-fidelity searches.

``BaseSearchCV.evaluate_candidates`` clones a fresh estimator for every
evaluation, so a search that *continues* training cannot go through it. This
module keeps live fitted models per (candidate, CV fold), advances them
through :mod:`sktune.search._resources` in parallel with joblib, and builds
``cv_results_`` with ``BaseSearchCV._format_results`` so that the results
look exactly like scikit-learn's. Subclasses write only their schedule, in
``_run_schedule(engine, spaces, min_resource, max_resource, random_state)``.
"""

import copy
import numbers
import os
import pickle
import time
import traceback
import warnings
import weakref
from collections import Counter, defaultdict, deque
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state, indexable

from sktune.search._common import (
    _torch_seeded,
    check_param_names,
    finite_or_error_score,
    mean_test_scores,
    release_cuda,
    resolve_space,
    set_changed,
)
from sktune.search._journal import (
    Journal,
    clean_out,
    fingerprint,
    interrupts_deferred,
    params_key,
    restore_out,
)
from sktune.search._progress import Progress
from sktune.search._resources import (
    _final_step,
    _kind_for,
    advance,
    fit_only,
    resolve_for_space,
)
from sktune.search._workers import _Workers
from sktune.space import Space
from sktune.utils._sklearn_compat import (
    BaseSearchCV,
    Interval,
    _check_method_params,
    _fit_context,
    _NoCallbacks,
    _num_samples,
    _safe_indexing,
    _safe_split,
    _warn_or_raise_about_fit_failures,
    init_callback_context,
)


class _Candidate:
    """One configuration, its live per-fold models and its seed.

    ``trail`` lists the ``(params, budget, seed)`` segments its models were
    trained through (inherited on a PBT exploit); ``stale`` marks models
    that a checkpoint replay did not build, to be restored (loaded, or
    retrained along the trail) before they train further. ``snapshot`` is
    what the journal holds of each fold model at ``done`` (see
    ``_Engine._store``), None when it holds nothing (a version 1 journal, or
    no checkpoint). ``outs`` holds each fold's last result, with the budget
    its model really trained to (``"reached"``): a model that stopped short
    of its budget has converged, and keeps that result at later budgets.
    """

    def __init__(self, params, n_splits, seed):
        self.params = params
        self.models = [None] * n_splits
        self.done = 0
        self.seed = seed
        self.trail = []
        self.stale = False
        self.snapshot = None
        self.outs = [None] * n_splits

    def inherit(self, other):
        """Take independent copies of ``other``'s fold models (weights and
        optimiser state: a deep copy shares nothing), with their budget,
        trail and snapshot: a PBT exploit. The parameters stay to be set."""
        self.models = [copy.deepcopy(model) for model in other.models]
        self.done = other.done
        self.trail, self.stale = list(other.trail), other.stale
        self.snapshot = None if other.snapshot is None else list(other.snapshot)

    def converged(self, fold):
        out = self.outs[fold]
        return (
            self.models[fold] is not None
            and out is not None
            and out.get("reached", self.done) < self.done
        )


def _task_seed(seed, fold, budget):
    return (seed + 7919 * fold + 104729 * budget) % (2**31 - 1)


@dataclass(frozen=True)
class _Shared:
    """What every (candidate, fold) task of a search shares."""

    search: object  # the caller scikit-learn's callbacks are given; None if none
    resource: object
    X: object
    y: object
    fit_params: dict
    score_params: dict
    classes: object
    scorer: object
    return_train_score: bool
    error_score: object
    metadata: dict | None  # sample_weight, for scikit-learn's callbacks
    converge: bool  # whether partial_fit models stop at their own tol


def _advance_and_score(shared, seed, model, train, test, done, budget, callback_ctx):
    """Advance one per-fold model to ``budget`` and score it on its test fold.

    Returns the model (None if its fit failed) and a ``_fit_and_score``-style
    result dict. ``callback_ctx`` is the task's scikit-learn callback context,
    whose hooks are called as ``_fit_and_score`` calls them.
    """
    X, y, error_score = shared.X, shared.y, shared.error_score
    out = {"n_test_samples": len(test)}
    fold_params = _check_method_params(X, params=shared.fit_params, indices=train)
    hook_args = {
        "estimator": shared.search,
        "X": lambda: _safe_indexing(X, train),
        "y": lambda: None if y is None else _safe_indexing(y, train),
        "metadata": shared.metadata,
    }
    start = time.perf_counter()
    try:
        with callback_ctx.propagate_callback_context(model):
            callback_ctx.call_on_fit_task_begin(**hook_args)
            with _torch_seeded(seed):
                model, out["reached"] = advance(
                    model,
                    shared.resource,
                    X,
                    y,
                    train,
                    fold_params,
                    done,
                    budget,
                    shared.classes,
                    shared.converge,
                )
        out["fit_error"] = None
    except Exception:
        if error_score == "raise":
            raise
        model = None
        out["reached"] = budget
        out["fit_error"] = traceback.format_exc()
        release_cuda()  # a CUDA out-of-memory error leaves cached blocks
    out["fit_time"] = time.perf_counter() - start

    start = time.perf_counter()
    if model is None:
        out["test_scores"] = error_score
        if shared.return_train_score:
            out["train_scores"] = error_score
    else:
        scorer, score_params = shared.scorer, shared.score_params
        test_params = _check_method_params(X, params=score_params, indices=test)
        errors = []
        scores = _score(
            model, X, y, test, train, scorer, test_params, error_score, errors
        )
        out["test_scores"], out["non_finite"] = finite_or_error_score(
            scores, error_score
        )
        if shared.return_train_score:
            train_params = _check_method_params(X, params=score_params, indices=train)
            out["train_scores"] = finite_or_error_score(
                _score(
                    model, X, y, train, train, scorer, train_params, error_score, errors
                ),
                error_score,
            )[0]
        if errors:
            out["score_errors"] = errors
    out["score_time"] = time.perf_counter() - start
    callback_ctx.call_on_fit_task_end(**hook_args)
    return model, out


def _indexed(index, func, *args):
    return index, func(*args)


def _parallel(n_jobs, verbose):
    """A ``Parallel`` giving results as they end, where the backend can."""
    try:
        return Parallel(n_jobs=n_jobs, verbose=verbose, return_as="generator_unordered")
    except ValueError:  # multiprocessing, Ray: results all at once
        return Parallel(n_jobs=n_jobs, verbose=verbose)


def _warn_unsaved(refused, stacklevel=4):
    """Warn once for the models that pickling refused (``refused`` holds
    the reasons): a resumed search retrains them."""
    if refused:
        warnings.warn(
            f"{len(refused)} models could not be pickled for the checkpoint "
            f"({refused[0]}); a resumed search retrains them along their "
            "recorded budgets instead of loading them.",
            UserWarning,
            stacklevel=stacklevel,
        )


def _warn_scoring_failures(outs, error_score):
    """Warn as ``_fit_and_score`` does for each distinct scorer failure."""
    errors = [e for out in outs for e in out.pop("score_errors", ())]
    for error, count in Counter(errors).items():
        warnings.warn(
            "Scoring failed. The score on this train-test partition for these "
            f"parameters will be set to {error_score} ({count} evaluations). "
            f"Details: \n{error}",
            UserWarning,
            stacklevel=4,
        )


def _restarts(model, resource):
    """Whether :func:`advance` fits ``model`` afresh (``"restart"``,
    ``"n_samples"``) rather than continuing it: then only its parameters
    matter, and a checkpoint need not store it."""
    kind, param = resource.kind, resource.param
    prefix, final = _final_step(model)
    if param is not None and resource.final_type is not None:
        if type(final) is not resource.final_type:
            kind = _kind_for(final, param[len(prefix) :])
    return kind in ("restart", "n_samples")


def _retrain(
    model, trail, fold, resource, X, y, rows_at, fit_params, classes, converge
):
    """Rebuild one fold's model along its trail, as the first run built it.

    ``rows_at`` maps each budget of the trail to the fold's training rows
    at that budget. Each segment is trained with the seed it had then, and only the
    parameters that changed between segments are set (setting a skorch
    ``module__*`` parameter, even to its value, re-initialises the net).
    """
    done, current = 0, trail[0][0]
    model.set_params(**clone(current, safe=False))
    for params, budget, seed in trail:
        set_changed(model, current, params)
        current = params
        rows = rows_at[budget]
        fold_params = _check_method_params(X, params=fit_params, indices=rows)
        try:
            with _torch_seeded(_task_seed(seed, fold, budget)):
                model, reached = advance(
                    model,
                    resource,
                    X,
                    y,
                    rows,
                    fold_params,
                    done,
                    budget,
                    classes,
                    converge,
                )
        except Exception:
            return None  # it failed the first time too; the next advance restarts
        if reached < budget:
            return model  # it converged there the first time too
        done = budget
    return model


def _score(model, X, y, rows, train, scorer, score_params, error_score, errors):
    """The scores of ``model`` on ``rows``; a scorer that raises gives
    ``error_score`` and appends its traceback to ``errors``, as
    ``_fit_and_score`` does (and the search warns)."""
    # a precomputed kernel or distance matrix: rows against training rows
    X_rows, y_rows = _safe_split(model, X, y, rows, train)
    try:
        if y is None:
            scores = scorer(model, X_rows, **score_params)
        else:
            scores = scorer(model, X_rows, y_rows, **score_params)
    except Exception:
        if error_score == "raise":
            raise
        errors.append(traceback.format_exc())
        return error_score
    if isinstance(scores, dict):
        # scikit-learn's multi-metric scorer returns a failed metric's
        # error message in place of its score
        for name, value in scores.items():
            if isinstance(value, str):
                if error_score == "raise":
                    raise ValueError(value)
                errors.append(value)
                scores[name] = error_score
    return scores


class _Engine:
    """Live models, their parallel advance, and the rows of ``cv_results_``.

    With ``skip_converged`` (Hyperband), a fold model that converged short of
    its budget is not trained or scored again: it keeps its result, with no
    time spent, at every later budget.
    """

    def __init__(
        self,
        search,
        X,
        y,
        splits,
        routed,
        scorer,
        resource,
        classes,
        rng,
        skip_converged=False,
    ):
        self.search = search
        self.X, self.y = X, y
        self.splits = splits
        self.routed = routed
        self.scorer = scorer
        self.resource = resource
        self.classes = classes
        self.rng = rng
        sample_weight = routed.estimator.fit.get("sample_weight")
        self.skip_converged = skip_converged
        self.shared = _Shared(
            # sent to every task only when scikit-learn's callbacks need it
            search=search if getattr(search, "_skl_callbacks", None) else None,
            resource=resource,
            X=X,
            y=y,
            fit_params=routed.estimator.fit,
            score_params=routed.scorer.score,
            classes=classes,
            scorer=scorer,
            return_train_score=search.return_train_score,
            error_score=search.error_score,
            metadata=None
            if sample_weight is None
            else {"sample_weight": sample_weight},
            converge=skip_converged,
        )
        # scikit-learn's callback context of the search task; each advance
        # is one iteration task holding one task per (candidate, fold)
        self.callback_ctx = _NoCallbacks()
        if resource.kind == "n_samples":
            # A fixed shuffle of each training fold: rung budgets take nested
            # prefixes of it, and validation rows are never used.
            self.rows = [rng.permutation(train) for train, _ in splits]
        else:
            self.rows = [train for train, _ in splits]
        self.params, self.out, self.more = [], [], defaultdict(list)
        self.history = []  # (params without the resource, budget, mean score)
        # verbose=1 is the progress bar; joblib's messages start at 2.
        self.parallel = _parallel(search.n_jobs, max(0, search.verbose - 1))
        self.journal = None  # a _journal.Journal when checkpointing
        self.progress = None
        # the candidates (and copies) that may name model files
        self._holders = weakref.WeakSet()

    @property
    def n_splits(self):
        return len(self.splits)

    def new_candidates(self, params):
        seeds = self.rng.randint(2**31 - 1, size=len(params))
        made = [_Candidate(p, self.n_splits, int(s)) for p, s in zip(params, seeds)]
        self._holders.update(made)
        return made

    def advance(self, candidates, budget, more, continued=True):
        """Bring every candidate to ``budget`` and record one row each.

        ``continued`` says which of these models the schedule trains
        further, for a checkpoint to store them (see :meth:`_store`): True
        (all: a PBT step), False (none: the last rung of a bracket, the last
        PBT step), or a function of the mean scores (as returned) giving the
        indices of the candidates that go on (Hyperband's promotion). The
        schedule must not continue candidates of earlier calls: their model
        files are deleted once this call's are on disk.

        Returns the mean test score of each candidate on the metric the
        search ranks by (nan where a fit failed).
        """
        search = self.search
        keys = [budget, [params_key(c.params) for c in candidates]]
        entry = self.journal.replay("advance", keys) if self.journal else None
        if entry is not None:
            outs = [restore_out(out) for out in entry["outs"]]
            stored = entry.get("models")  # none in a version 1 journal
            n = self.n_splits
            for i, c in enumerate(candidates):
                c.trail.append((dict(c.params), budget, c.seed))
                c.models = [None] * n
                c.done, c.stale = budget, True
                c.snapshot = None if stored is None else stored[i * n : (i + 1) * n]
            self._keep(candidates, outs)
            self._record(candidates, budget, outs, more)
            return self._progressed(self._mean_scores(outs, len(candidates)))
        journal = self.journal
        # evaluations of this unit that a killed run finished
        kept, refs = self._landed(candidates, keys, continued)
        self._restore([c for c in candidates if c.stale], skip=kept)
        base = clone(search.estimator)
        pairs = [(c, k) for c in candidates for k in range(self.n_splits)]
        for c, k in pairs:
            if self.skip_converged and (id(c), k) not in kept and c.converged(k):
                kept[id(c), k] = dict(c.outs[k], fit_time=0.0, score_time=0.0)
        tasks = [(c, k) for c, k in pairs if (id(c), k) not in kept]
        iteration_ctx = self.callback_ctx.subcontext(
            task_name="search-iteration",
            max_subtasks=len(tasks),
            sequential_subtasks=False,
        ).call_on_fit_task_begin(estimator=search)
        # made here, not in the workers (scikit-learn does the same)
        task_ctxs = [
            iteration_ctx.subcontext(task_name="candidate-split-evaluation", task_id=i)
            for i in range(len(tasks))
        ]
        position = {id(c): i for i, c in enumerate(candidates)}
        refused = []
        results = self._unordered(
            _advance_and_score,
            [
                (
                    self.shared,
                    _task_seed(c.seed, k, budget),
                    c.models[k]
                    if c.models[k] is not None
                    else clone(base).set_params(**clone(c.params, safe=False)),
                    self._train_rows(k, budget),
                    self.splits[k][1],
                    c.done if c.models[k] is not None else 0,
                    budget,
                    task_ctx,
                )
                for (c, k), task_ctx in zip(tasks, task_ctxs)
            ],
        )
        # each evaluation as it lands (in any order), into the journal too
        for index, (model, out) in results:
            c, k = tasks[index]
            c.models[k] = model
            kept[id(c), k] = out
            if journal is not None:
                with interrupts_deferred():
                    i = position[id(c)]
                    ref = "dropped"
                    if continued is not False:
                        ref = self._save(i, k, model, refused, sync=False)
                    refs[id(c), k] = ref
                    journal.record_fold(keys, i, k, clean_out(out), ref)
        iteration_ctx.call_on_fit_task_end(estimator=search)
        for c in candidates:
            c.done = budget
            c.trail.append((dict(c.params), budget, c.seed))
        outs = [kept[id(c), k] for c, k in pairs]
        _warn_scoring_failures(outs, search.error_score)
        self._keep(candidates, outs)
        # Ctrl-C waits for the model files, the journal line and the rows:
        # the three must agree.
        with interrupts_deferred():
            if journal is not None:
                content = {"outs": [clean_out(o) for o in outs]}
                if callable(continued):
                    going_on = continued(self._mean_scores(outs, len(candidates)))
                else:
                    going_on = range(len(candidates)) if continued else ()
                if len(going_on):
                    content["models"] = self._store(
                        candidates, set(going_on), refs, refused
                    )
                    journal.sync(content["models"])
                else:
                    for c in candidates:
                        c.snapshot = None
                journal.record("advance", keys, **content)
                # this unit's files are on disk, and named by its fsync'ed line
                journal.sweep(keep=content.get("models", ()))
            self._record(candidates, budget, outs, more)
        _warn_unsaved(refused)
        return self._progressed(self._mean_scores(outs, len(candidates)))

    def _unordered(self, func, arguments):
        """``(index, func(*arguments[index]))`` pairs, run in parallel and
        given as each ends (all at the end under a backend that cannot
        return results as they come, such as multiprocessing or Ray)."""
        return self.parallel(
            delayed(_indexed)(i, func, *args) for i, args in enumerate(arguments)
        )

    def _save(self, i, k, model, refused, sync=True, unit=None):
        """What the journal holds of the ``k``-th fold model of the ``i``-th
        candidate of the unit being run (or of ``unit``: an asynchronous
        job's number), see :meth:`_store`; a model that pickling refuses is
        ``"unsaved"``, its reason appended to ``refused``."""
        if model is None:
            return None
        if _restarts(model, self.resource):
            return "restart"
        unit = self.journal.n_units if unit is None else unit
        try:
            return self.journal.save_model(unit, i, k, model, sync)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            refused.append(f"{type(exc).__name__}: {exc}")
            return "unsaved"

    def _landed(self, candidates, keys, continued):
        """The evaluations of this unit that a killed run journaled:
        ``(outs, refs)`` by ``(id(candidate), fold)``, their models loaded
        into the candidates. One whose model the schedule trains further but
        whose file is missing, altered or not stored is not taken (it is
        evaluated again), with a warning."""
        if self.journal is None:
            return {}, {}
        kept, refs, problems = {}, {}, []
        base = clone(self.search.estimator)
        for (i, k), line in sorted(self.journal.landed(keys).items()):
            c, ref = candidates[i], line["model"]
            if ref is None or (ref == "dropped" and continued is False):
                model = None  # its fit failed, or it trains no further
            elif ref == "restart":
                model = clone(base).set_params(**clone(c.params, safe=False))
            elif isinstance(ref, list):
                model, problem = self.journal.load_model(ref)
                if problem is not None:
                    path = self.journal.model_path(ref)
                    problems.append(
                        f"{path!r} (fold {k} of the candidate {c.params!r} at "
                        f"budget {keys[0]}) {problem}"
                    )
                    continue
            else:  # "unsaved": pickling refused it
                continue
            c.models[k] = model
            kept[id(c), k] = restore_out(line["out"])
            refs[id(c), k] = ref
        if problems:
            listed = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
            warnings.warn(
                f"{len(problems)} checkpoint model files of the evaluations in "
                f"progress were not loaded, and those evaluations are run again: "
                f"{listed}.",
                UserWarning,
                stacklevel=4,
            )
        return kept, refs

    def _store(self, candidates, going_on, refs, refused):
        """Store the fold models of the candidates at indices ``going_on``.

        Returns what the journal line records of each (candidate, fold), in
        order, and sets each candidate's ``snapshot`` to its folds' part:
        ``[file name, sha256]`` for a stored model; None where there is no
        model (its fit failed); ``"restart"`` for a model that the next
        advance fits afresh (``"n_samples"``, ``"restart"``: rebuilt from
        the parameters); ``"unsaved"`` for a model that pickling refused
        (retrained along its trail on resume); ``"dropped"`` for a model
        that does not go on. ``refs`` holds what was stored as the
        evaluations landed, by ``(id(candidate), fold)``; the others (models
        that converged earlier and were not trained again) are stored now.
        """
        all_refs = []
        for i, c in enumerate(candidates):
            snapshot = []
            for k, model in enumerate(c.models):
                if i not in going_on:
                    ref = "dropped"
                elif (id(c), k) in refs:
                    ref = refs[id(c), k]
                else:
                    ref = self._save(i, k, model, refused)
                snapshot.append(ref)
            c.snapshot = snapshot
            all_refs.extend(snapshot)
        return all_refs

    def _keep(self, candidates, outs):
        """Keep each fold's result (with how far its model trained)."""
        for i, c in enumerate(candidates):
            for k in range(self.n_splits):
                c.outs[k] = dict(outs[i * self.n_splits + k])

    def _progressed(self, scores):
        if self.progress is not None:
            self.progress.update(len(scores), scores)
        return scores

    def _restore(self, candidates, skip=()):
        """Rebuild the models a checkpoint replay skipped (but the folds in
        ``skip``, by ``(id(candidate), fold)``: models of this unit's
        evaluations that a killed run finished, already loaded).

        A model stored with the journal is loaded when its file has the
        recorded hash; a model fitted afresh at every budget is rebuilt
        from its parameters; any other (a version 1 journal, a file missing,
        altered or unreadable: with a warning) is retrained along its trail,
        in parallel. The candidate's own parameters are then set on each,
        as on its live models: a PBT member that exploited another at the
        resume point holds the other's models, but its explored parameters.
        """
        if not candidates:
            return
        base = clone(self.search.estimator)
        loaded, retrain, problems = {}, [], []
        for c in candidates:
            for k in range(self.n_splits):
                if (id(c), k) in skip:
                    continue
                ref = None if c.snapshot is None else c.snapshot[k]
                if c.snapshot is None or ref in ("unsaved", "dropped"):
                    retrain.append((c, k))
                elif ref is None:
                    c.models[k] = None  # its fit had failed
                elif ref == "restart":
                    c.models[k] = clone(base).set_params(
                        **clone(c.trail[-1][0], safe=False)
                    )
                else:
                    key = tuple(ref)
                    if key in loaded:  # a PBT member and the one it copied
                        model, problem = loaded[key]
                        model = copy.deepcopy(model)
                    else:
                        model, problem = loaded[key] = self.journal.load_model(ref)
                    c.models[k] = model
                    if problem is not None:
                        path = self.journal.model_path(ref)
                        problems.append(
                            f"{path!r} (fold {k} of the candidate {c.params!r} at "
                            f"budget {c.done}) {problem}"
                        )
                        retrain.append((c, k))
        if problems:
            listed = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
            warnings.warn(
                f"{len(problems)} checkpoint model files were not loaded, and their "
                f"models are retrained along their recorded budgets instead: {listed}.",
                UserWarning,
                stacklevel=4,
            )
        if retrain:
            models = self._unordered(
                _retrain,
                [
                    (
                        clone(base),
                        c.trail,
                        k,
                        self.resource,
                        self.X,
                        self.y,
                        {b: self._train_rows(k, b) for _, b, _ in c.trail},
                        self.routed.estimator.fit,
                        self.classes,
                        self.skip_converged,
                    )
                    for c, k in retrain
                ],
            )
            for index, model in models:
                c, k = retrain[index]
                c.models[k] = model
        for c in candidates:
            for k, model in enumerate(c.models):
                if model is not None and (id(c), k) not in skip:
                    set_changed(model, c.trail[-1][0], c.params)
            c.stale = False

    def _train_rows(self, k, budget):
        rows = self.rows[k]
        if self.resource.kind == "n_samples":
            return rows[: min(budget, len(rows))]
        return rows

    def _record(self, candidates, budget, outs, more):
        # a value of ``more`` is one for all candidates, or a list of one each
        outs = [dict(out) for out in outs]
        for i, c in enumerate(candidates):
            row = dict(c.params)
            if self.resource.param is not None:
                row[self.resource.param] = budget
            self.params.append(row)
            self.more["budget"].append(budget)
            reached = [
                out.pop("reached", budget)
                for out in outs[i * self.n_splits : (i + 1) * self.n_splits]
            ]
            self.more["budget_used"].append(float(np.mean(reached)))
            for key, value in more.items():
                self.more[key].append(value[i] if isinstance(value, list) else value)
        self.out.extend(outs)

    def _mean_scores(self, outs, n_candidates):
        return mean_test_scores(outs, n_candidates, self.search.refit)

    def advance_async(self, next_job, finished, continued=None):
        """Run jobs as soon as workers are free: the loop of ASHA.

        ``next_job()`` returns ``(candidate, budget, more)`` to bring that
        candidate's fold models to ``budget``, or None when nothing can start
        now; ``finished(candidate, budget, more, score)`` is called (in this
        thread) once all its folds are done, after its row is recorded, and
        may make new jobs available. The loop ends when nothing runs and
        ``next_job()`` gives None. ``continued(candidate, budget, more)``
        says whether the schedule may train that job's models further (a
        checkpoint stores them); None: always.

        Each (candidate, fold) is one task, run by ``_advance_and_score`` as
        in :meth:`advance`; up to ``effective_n_jobs(n_jobs)`` run at once
        (see :class:`_Workers`). With one worker each task ends before the
        next job is chosen, so the order of jobs is reproducible.

        With a checkpoint, the journal records each job when it starts (a
        ``"start"`` line) and when it ends (an ``"end"`` line: its results
        and model files), in the order this thread saw them. A resumed
        search replays those lines through ``next_job`` and ``finished`` in
        that order, so the schedule takes the same decisions whatever the
        timing of the first run was, then runs the jobs that had started
        but not ended, and goes on.
        """
        search = self.search
        base = clone(search.estimator)
        self._continued = continued
        self._n_started = 0
        queue, in_flight = deque(), {}
        for state in self._replay_async(next_job, finished):
            queue.extend(self._launch(state, finished))
        with _Workers(search.n_jobs) as workers:
            while True:
                while len(in_flight) < workers.n_workers:
                    if not queue:
                        job = next_job()
                        if job is None:
                            break
                        state = self._start(job)
                        queue.extend(self._launch(state, finished))
                        continue
                    state, k = queue.popleft()
                    c = state["candidate"]
                    future = workers.submit(
                        _advance_and_score,
                        self.shared,
                        _task_seed(c.seed, k, state["budget"]),
                        c.models[k]
                        if c.models[k] is not None
                        else clone(base).set_params(**clone(c.params, safe=False)),
                        self._train_rows(k, state["budget"]),
                        self.splits[k][1],
                        c.done if c.models[k] is not None else 0,
                        state["budget"],
                        state["task_ctxs"][k],
                    )
                    in_flight[future] = (state, k)
                if not in_flight:
                    break
                for (state, k), (model, out) in workers.ended(in_flight):
                    state["candidate"].models[k] = model
                    self._fold_done(state, k, out, finished)
        if self.journal is not None:
            self.journal.sweep()  # nothing trains further

    def _start(self, job, replayed=False):
        """The state of a job that starts now (its ``"start"`` line written,
        unless ``replayed`` from the journal)."""
        candidate, budget, more = job
        state = {
            "candidate": candidate,
            "budget": budget,
            "more": more,
            "outs": [None] * self.n_splits,
            "remaining": self.n_splits,
            "index": self._n_started,
            "keys": [budget, params_key(candidate.params)],
        }
        self._n_started += 1
        if self.journal is not None and not replayed:
            self.journal.record_start(state["keys"])
        return state

    def _replay_async(self, next_job, finished):
        """Replay a journal's ``"start"`` and ``"end"`` lines; returns the
        states of the jobs that started but did not end, in start order."""
        if self.journal is None:
            return []

        def start():
            job = next_job()
            return None if job is None else self._start(job, replayed=True)

        def end(state, line):
            c = state["candidate"]
            c.models = [None] * self.n_splits
            c.stale = True
            self._snapshot(c, line.get("models"))
            state["outs"] = [restore_out(out) for out in line["outs"]]
            self._job_done(state, finished)

        return self.journal.replay_jobs(start, end)

    def _launch(self, state, finished):
        """The fold tasks of a job; folds that converged keep their result.

        A candidate whose models a checkpoint replay did not build is
        restored first (loaded, or retrained along its trail).
        """
        candidate = state["candidate"]
        if candidate.stale:
            self._restore([candidate])
        folds = range(self.n_splits)
        if self.skip_converged:
            converged = [k for k in folds if candidate.converged(k)]
        else:
            converged = []
        tasks = [k for k in folds if k not in converged]
        state["iteration_ctx"] = self.callback_ctx.subcontext(
            task_name="search-iteration",
            max_subtasks=len(tasks),
            sequential_subtasks=False,
        ).call_on_fit_task_begin(estimator=self.search)
        state["task_ctxs"] = {
            k: state["iteration_ctx"].subcontext(
                task_name="candidate-split-evaluation", task_id=i
            )
            for i, k in enumerate(tasks)
        }
        for k in converged:
            out = dict(candidate.outs[k], fit_time=0.0, score_time=0.0)
            self._fold_done(state, k, out, finished)
        return [(state, k) for k in tasks]

    def _fold_done(self, state, k, out, finished):
        state["outs"][k] = out
        state["remaining"] -= 1
        if state["remaining"]:
            return
        state["iteration_ctx"].call_on_fit_task_end(estimator=self.search)
        c, budget, outs = state["candidate"], state["budget"], state["outs"]
        _warn_scoring_failures(outs, self.search.error_score)
        # Ctrl-C waits for the model files, the journal line and the row
        with interrupts_deferred():
            if self.journal is not None:
                content = {"job": state["index"], "outs": [clean_out(o) for o in outs]}
                going_on = self._continued is None or self._continued(
                    c, budget, state["more"]
                )
                if going_on:
                    refused = []
                    refs = [
                        self._save(0, k, model, refused, unit=state["index"])
                        for k, model in enumerate(c.models)
                    ]
                    self.journal.sync(refs)
                    content["models"] = refs
                    _warn_unsaved(refused, stacklevel=5)
                self.journal.record("end", state["keys"], **content)
                self._snapshot(c, content.get("models"), sweep=True)
            self._job_done(state, finished)

    def _job_done(self, state, finished):
        """A job's folds are all done: its row, then the schedule's turn."""
        c, budget, outs = state["candidate"], state["budget"], state["outs"]
        c.done = budget
        c.trail.append((dict(c.params), budget, c.seed))
        self._keep([c], outs)
        self._record([c], budget, outs, state["more"])
        score = self._progressed(self._mean_scores(outs, 1))[0]
        finished(c, budget, state["more"], score)

    def track(self, candidate):
        """Count ``candidate`` (a copy a schedule keeps, such as PBT's frozen
        members) among the holders of model files, which are kept while one
        names them."""
        self._holders.add(candidate)

    def _snapshot(self, candidate, refs, sweep=False):
        """Give ``candidate`` the model files ``refs`` (None: none), and
        delete those it held that no other candidate names. With ``sweep``
        (a live asynchronous job's end), delete every file that no candidate
        names: a PBT member's copy that named its earlier files is gone.
        Not while a journal is replayed: files on disk are of later lines.
        """
        old = candidate.snapshot
        candidate.snapshot = refs
        if self.journal is None or not (old or sweep):
            return
        named = {
            ref[0]
            for c in self._holders
            for ref in (c.snapshot or ())
            if isinstance(ref, list)
        }
        if sweep:
            self.journal.sweep(keep=[[name] for name in named])
        else:
            self.journal.remove_models(
                [ref for ref in old if isinstance(ref, list) and ref[0] not in named]
            )

    def drop(self, candidates):
        """Forget the live models of eliminated candidates (and their files,
        unless another candidate names them)."""
        for c in candidates:
            c.models = [None] * self.n_splits
            self._snapshot(c, None)
        release_cuda()

    def results(self):
        """``cv_results_`` in scikit-learn's format."""
        if not self.out:
            raise ValueError("No evaluation was performed.")
        outs = self.out
        names = next(
            (
                list(o["test_scores"])
                for o in outs
                if isinstance(o["test_scores"], dict)
            ),
            None,
        )
        if names is not None:  # failed fits of a multi-metric search
            for out in outs:
                for key in ("test_scores", "train_scores"):
                    if key in out and not isinstance(out[key], dict):
                        out[key] = dict.fromkeys(names, out[key])
        n_non_finite = sum(bool(out.pop("non_finite", False)) for out in outs)
        if n_non_finite:
            warnings.warn(
                f"{n_non_finite} evaluations scored NaN or infinity (a diverged "
                f"model?); their scores are set to error_score="
                f"{self.search.error_score!r}.",
                UserWarning,
                stacklevel=3,
            )
        # scikit-learn's own warning (some failed) or error (all failed)
        _warn_or_raise_about_fit_failures(outs, self.search.error_score)
        return self.search._format_results(self.params, self.n_splits, outs, self.more)


def _warn_about_skorch_split(estimator, resource):
    # The outer CV fold is the validation data that counts; skorch's own
    # train_split would silently hold out a part of every training fold.
    _, final = _final_step(estimator)
    if resource.kind == "epochs" and getattr(final, "train_split", None) is not None:
        warnings.warn(
            f"{type(final).__name__} has train_split={final.train_split!r}: it holds "
            "out part of every training fold for its own validation, which the "
            "search does not use (it scores on the CV test folds). Pass "
            "train_split=None to train on the whole fold.",
            UserWarning,
            stacklevel=3,
        )


class BaseIncrementalSearchCV(BaseSearchCV):
    """Base class of searches that continue training instead of restarting.

    Owns the fixed splits, the live per-fold models, their parallel advance,
    ``cv_results_`` and the refit; a subclass implements
    ``_run_schedule(engine, spaces, min_resource, max_resource, random_state)``.
    """

    _parameter_constraints: dict = {
        key: value
        for key, value in BaseSearchCV._parameter_constraints.items()
        if key != "pre_dispatch"
    }
    _parameter_constraints.update(
        {
            "param_distributions": [dict, list, Space, None],
            "param_grid": [dict, list, Space, None],
            "search_spaces": [dict, list, Space, None],
            "n_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
            "resource": [str],
            "random_state": ["random_state"],
            "checkpoint": [str, os.PathLike, None],
        }
    )

    #: Whether resource="auto" may budget rows when the training length is
    #: searched (Hyperband: yes; PBT, which needs a training length: no).
    _rows_fallback = True
    #: Whether a model that converged short of its budget stops training
    #: (Hyperband: yes; PBT, whose later steps change its hyperparameters: no).
    _skip_converged = False

    def _run_search(self, evaluate_candidates, *, callback_ctx=None):
        # pragma: no cover - fit overrides; BaseSearchCV declares it abstract
        raise NotImplementedError("Continuation searches run through fit().")

    def _resource_bounds(self, resource, y, splits):
        """``(min_resource, max_resource)`` of the schedule."""
        raise NotImplementedError

    def _n_evaluations(self, spaces, min_resource, max_resource):
        """About how many (candidate, budget) rows the schedule records."""
        raise NotImplementedError

    def _run_schedule(self, engine, spaces, min_resource, max_resource, rng):
        """Run the schedule: draw candidates, ``engine.advance`` them, drop
        the losers. Rows of ``cv_results_`` are recorded by the engine."""
        raise NotImplementedError

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, **params):
        """Run the search, continuing models from one rung to the next.

        The steps are ``BaseSearchCV.fit``'s (scorers, parameter routing,
        scikit-learn's callback tasks, best candidate, refit, attributes),
        with the candidates' evaluations run by the continuation engine
        instead of ``evaluate_candidates``, which would clone a fresh
        estimator for every candidate and fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Target.
        **params : dict
            Parameters for the estimator's ``fit``, the scorer and the CV
            splitter (``groups``), routed as by ``GridSearchCV``;
            sample-aligned ones (``sample_weight``) are sliced per fold.
            ``classes`` (for ``partial_fit``) is passed to the first
            ``partial_fit`` of every fold model and never to ``fit``.

        Returns
        -------
        self : object
        """
        scorers, refit_metric = self._get_scorers()
        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        routed = self._get_routed_params_for_fit(params)
        sample_weight = params.get("sample_weight")
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        root_ctx = init_callback_context(
            self, max_subtasks=1 + (self.refit is not False)
        ).call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)

        spaces, space_name = resolve_space(self)
        check_param_names(self.estimator, spaces, space_name)
        resource = resolve_for_space(
            self.estimator, self.resource, spaces, self._rows_fallback
        )
        _warn_about_skorch_split(self.estimator, resource)
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(cv.split(X, y, **routed.splitter.split))
        self.n_splits_ = len(splits)
        min_resource, max_resource = self._resource_bounds(resource, y, splits)
        rng = check_random_state(self.random_state)
        classes = self._classes(y, routed.estimator.fit)

        engine = _Engine(
            self,
            X,
            y,
            splits,
            routed,
            scorers,
            resource,
            classes,
            rng,
            skip_converged=self._skip_converged,
        )
        if self.checkpoint is not None:
            header = fingerprint(self, spaces, X, y, splits)
            engine.journal = Journal(self.checkpoint, header)
        self.resource_ = resource.param or resource.kind
        self.max_resource_, self.min_resource_ = max_resource, min_resource
        engine.progress = Progress(
            self, self._n_evaluations(spaces, min_resource, max_resource), self.verbose
        )
        engine.callback_ctx = root_ctx.subcontext(
            task_name="search", max_subtasks=None
        ).call_on_fit_task_begin(estimator=self)
        try:
            with engine.parallel:
                self._run_schedule(engine, spaces, min_resource, max_resource, rng)
        except KeyboardInterrupt:
            # Keep everything finished (the journal has it too), then stop.
            if any(out["fit_error"] is None for out in engine.out):
                self.cv_results_ = engine.results()
            raise
        finally:
            engine.progress.close()
        engine.callback_ctx.call_on_fit_task_end(estimator=self)
        results = engine.results()

        first = next(o["test_scores"] for o in engine.out if o["fit_error"] is None)
        self.multimetric_ = isinstance(first, dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(first)
            refit_metric = self.refit
        if self.refit or not self.multimetric_:
            self.best_index_ = self._select_best_index(
                self.refit, refit_metric, results
            )
            if not callable(self.refit):
                self.best_score_ = results[f"mean_test_{refit_metric}"][
                    self.best_index_
                ]
            self.best_params_ = results["params"][self.best_index_]
        self.cv_results_ = results
        if self.refit:
            refit_ctx = root_ctx.subcontext(task_name="refit-with-best-params")
            start = time.perf_counter()
            # torch's RNG too (a skorch net's init and shuffling), so that the
            # refitted net, not only the search, follows random_state.
            with _torch_seeded(rng.randint(2**31 - 1)):
                self.best_estimator_ = self._refit_best(
                    X, y, routed.estimator.fit, resource, classes, refit_ctx, metadata
                )
            self.refit_time_ = time.perf_counter() - start
            if hasattr(self.best_estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.best_estimator_.feature_names_in_
            refit_ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)
        self.scorer_ = getattr(scorers, "_scorers", scorers)
        self.cv_results_ = results
        root_ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)
        return self

    def _classes(self, y, fit_params):
        """The classes ``partial_fit`` is told: the user's ``classes=`` fit
        parameter (which may list classes absent from ``y``), else y's."""
        if not is_classifier(self.estimator) or y is None:
            return None
        prefix, _ = _final_step(self.estimator)
        given = fit_params.get(prefix + "classes", fit_params.get("classes"))
        return np.unique(y) if given is None else np.asarray(given)

    def _refit_best(self, X, y, fit_params, resource, classes, callback_ctx, metadata):
        """A plain fit of the winning configuration at its budget, on all the
        data: what GridSearchCV's refit does."""
        estimator = clone(self.estimator).set_params(
            **clone(self.best_params_, safe=False)
        )
        fit_params = fit_only(estimator, fit_params)
        with callback_ctx.propagate_callback_context(estimator):
            callback_ctx.call_on_fit_task_begin(
                estimator=self, X=X, y=y, metadata=metadata
            )
            if resource.kind == "boosting":
                # its early stopping holds out rows of the data, as in the search
                rows = np.arange(_num_samples(X))
                budget = self.best_params_.get(resource.param)
                budget = budget or resource.default_max(estimator)
                return advance(
                    estimator, resource, X, y, rows, fit_params, 0, budget, classes
                )[0]
            if y is not None:
                return estimator.fit(X, y, **fit_params)
            return estimator.fit(X, **fit_params)

    @staticmethod
    def _select_best_index(refit, refit_metric, results):
        """The best evaluation at the largest budget (any row for a callable)."""
        if callable(refit):
            return BaseSearchCV._select_best_index(refit, refit_metric, results)
        budgets = np.asarray(results["budget"])
        scores = np.asarray(results[f"mean_test_{refit_metric}"], dtype=float)
        full = budgets == budgets.max()
        ranked = np.where(full & np.isfinite(scores), scores, -np.inf)
        if not np.isfinite(ranked).any():
            return int(np.flatnonzero(full)[0])
        return int(np.argmax(ranked))
