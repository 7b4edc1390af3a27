"""BayesSearchCV: Gaussian-process search through ``BaseSearchCV._run_search``."""

import functools
import math
import numbers
import os
import sys
import time
import warnings
from collections import deque
from collections.abc import Iterator, Mapping

import joblib
import numpy as np
from scipy.stats import rankdata
from sklearn.base import clone, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state, indexable

from sktune.optimize import Optimizer
from sktune.optimize._stopping import (
    PATIENCE,
    cv_noise,
    min_evaluations,
    regret_bound,
)
from sktune.search._common import (
    _FrozenCV,
    _torch_seeded,
    check_param_names,
    finite_or_error_score,
    fit_failure_message,
    mean_test_scores,
    release_cuda,
    resolve_space,
    score_key,
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
from sktune.search._workers import _Workers
from sktune.space import Space, point_key, total_size, warn_small_space
from sktune.utils._sklearn_compat import (
    BaseSearchCV,
    HasMethods,
    Interval,
    StrOptions,
    _check_method_params,
    _fit_and_score,
    _insert_error_scores,
    _warn_or_raise_about_fit_failures,
)


def _fit_split(
    estimator,
    params,
    train,
    test,
    seed,
    *,
    X,
    y,
    scorer,
    fit_params,
    score_params,
    return_train_score,
    error_score,
    **callbacks,
):
    """One (candidate, split) fit of an asynchronous search: scikit-learn's
    ``_fit_and_score`` as ``evaluate_candidates`` calls it (torch seeded;
    ``callbacks``: its ``caller`` and ``callback_ctx`` from scikit-learn
    1.9)."""
    with _torch_seeded(seed):
        return _fit_and_score(
            estimator,
            X,
            y,
            scorer=scorer,
            train=train,
            test=test,
            verbose=0,
            parameters=params,
            fit_params=fit_params,
            score_params=score_params,
            return_train_score=return_train_score,
            return_n_test_samples=True,
            return_times=True,
            return_parameters=False,
            error_score=error_score,
            **callbacks,
        )


def _all_fits_failed(exc):
    # BaseSearchCV raises this ValueError when every fit of one
    # evaluate_candidates call failed; for a sequential search that is one
    # bad batch, not a misconfigured search.
    message = str(exc).lstrip()
    return message.startswith("All the") and "fits failed" in message


_DETAILS = "Below are more details about the failures:\n"


def _as_float(values, what):
    """A results column as floats; masked (or None) entries become nan."""
    try:
        values = np.ma.asarray(values)
        if values.dtype == object:
            values = np.ma.masked_array(
                [np.nan if v is None else v for v in values.filled(np.nan)]
            )
        return np.ma.filled(values.astype(float), np.nan).ravel()
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"The 'warm_start' results' {what!r} column must hold numbers; {exc}"
        ) from None


def _rank(means):
    """``rank_test_*`` as ``BaseSearchCV._format_results`` computes it: failed
    (nan) candidates tie with the worst."""
    if np.isnan(means).all():
        return np.ones(len(means), dtype=np.int32)
    filled = np.where(np.isnan(means), np.nanmin(means) - 1, means)
    return rankdata(-filled, method="min").astype(np.int32)


def _same_value(a, b):
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:  # values whose == is not a bool (arrays)
        return False


class _Inherited:
    """The ``warm_start`` results a fit starts from: rows of ``source`` (a
    ``cv_results_``-like dict, or None for ``(params, score)`` pairs) that
    lie in the search space, as ``params`` with the ``scores`` told to the
    optimiser."""

    def __init__(self, params=(), scores=(), subspaces=(), source=None, rows=()):
        self.params = list(params)
        self.scores = np.asarray(scores, dtype=float)
        self.subspaces = list(subspaces)
        self.source = source
        self.rows = np.asarray(rows, dtype=int)
        self._splits = {}

    def __len__(self):
        return len(self.params)

    def column(self, key):
        """The source's ``key`` column for the kept rows, or None."""
        if self.source is None or key not in self.source:
            return None
        return _as_float(self.source[key], key)[self.rows]

    def splits(self, kind, metric, n_splits):
        """``(n_inherited, n_splits)`` split scores of ``kind`` ("test" or
        "train") for ``metric``, or None if the source has not exactly
        ``n_splits`` such columns."""
        key = (kind, metric, n_splits)
        if key not in self._splits:
            names = [f"split{k}_{kind}_{metric}" for k in range(n_splits + 1)]
            value = None
            if (
                self.source is not None
                and all(name in self.source for name in names[:-1])
                and names[-1] not in self.source
            ):
                value = np.column_stack([self.column(name) for name in names[:-1]])
            self._splits[key] = value
        return self._splits[key]


class _Run:
    """What one ``fit`` of a BayesSearchCV keeps between batches.

    It lives on the search as ``_run`` during ``fit`` only and is never
    pickled: scikit-learn >= 1.9 sends the search to the workers with every
    fit (``caller=self``), and a progress bar or the growing results would
    go with it.

    The public path (``evaluate_candidates``) carries everything but two
    kinds of batch, kept in ``inserted`` and spliced into ``cv_results_`` in
    order: batches replayed from a checkpoint, and batches whose every fit
    failed (``BaseSearchCV`` raises before recording those).
    """

    def __init__(self, data, verbose):
        self.data = data  # (X, y, params): only to fingerprint a checkpoint
        self.verbose = verbose
        self.progress = None
        # (candidates evaluated before, params, outs or None if every fit
        # failed, more_results, seconds per fit)
        self.inserted = []
        self.format_args = None  # the last _format_results call's arguments
        self.template = None  # a fit's record, the shape of a failed one
        self.searched = False  # whether _run_search has finished
        self.previous = None  # cv_results_ of the last fit (warm_start=True)
        self.inherited = None  # _Inherited rows, spliced in front; None: none


class BayesSearchCV(BaseSearchCV):
    """Bayesian optimisation of hyperparameters with cross-validation.

    A drop-in replacement for :class:`~sklearn.model_selection.GridSearchCV`
    and :class:`~sklearn.model_selection.RandomizedSearchCV`: the same
    parameters, fitted attributes and ``cv_results_``. Instead of a grid or
    random draws, each batch of candidates is chosen by a Gaussian-process
    surrogate of the cross-validated score (see
    :class:`sktune.optimize.Optimizer`).

    Parameters
    ----------
    estimator : estimator object
        The object to tune, as for ``GridSearchCV``.
    search_spaces : dict or list of dict
        Maps parameter names (``"C"``, ``"clf__C"`` in a pipeline) to
        :class:`~sktune.Real`, :class:`~sktune.Integer`,
        :class:`~sktune.Categorical`, frozen ``scipy.stats`` distributions,
        lists of values, or scikit-optimize dimensions and Optuna
        distributions. A list of dicts is a conditional space: each row of
        ``cv_results_`` holds only its own subspace's parameters. An empty
        dict evaluates the estimator as given, once. May also be passed by
        keyword as ``param_grid=`` or ``param_distributions=`` (exactly one of
        the three), so ``GridSearchCV`` and ``RandomizedSearchCV`` calls run
        unchanged.
    n_iter : int, default=50
        Number of candidates evaluated in total, over all subspaces. No point
        is evaluated twice: a finite space (lists, ``Categorical``,
        ``Integer``, bounded discrete distributions) with fewer points than
        ``n_iter`` is evaluated point by point, once each, with a warning.
    n_initial_points : int, default=10
        Candidates drawn from a space-filling (Sobol') design before the
        surrogate takes over; they count towards ``n_iter``.
    acq_func : {"EI", "LCB", "PI", "hedge"}, default="EI"
        Acquisition function; see :class:`~sktune.optimize.Optimizer`.
    n_points : int or "auto", default="auto"
        Candidates proposed per batch. Each batch is cross-validated in one
        ``joblib`` call, so ``n_points * n_splits`` fits can run in parallel.
        ``"auto"`` gives every worker a fit: ``ceil(n_workers / n_splits)``
        candidates, where ``n_workers`` is ``joblib.effective_n_jobs(n_jobs)``
        in the active joblib backend (all the threads of a Dask cluster under
        ``parallel_backend("dask")``); with ``n_jobs=None`` or ``1`` and no
        backend context that is one candidate at a time. A different batch
        size gives a different (equally valid) sequence of candidates, so
        with ``"auto"`` the candidates depend on the number of workers: pass
        an int to get the same search on any number of workers. Not used
        with ``asynchronous=True``.
    asynchronous : bool, default=False
        Propose a new candidate as soon as a worker is free instead of
        waiting for a whole batch: each (candidate, split) fit is one task,
        up to ``joblib.effective_n_jobs(n_jobs)`` run at once through the
        active joblib backend, and a worker with no fit queued asks for one
        more candidate. Candidates asked and not yet scored count as having
        scored the worst score so far (a pessimistic constant liar), so the
        candidates in flight spread out. A candidate is told to the
        Gaussian process, and appears in ``cv_results_``, when its splits
        are done: rows are in the order candidates ended. With ``n_jobs=1``
        this is the search of ``n_points=1``, reproducible for a
        ``random_state``; with more workers the candidates depend on which
        fits end first. Callbacks and ``early_stopping`` are checked after
        each candidate. With ``checkpoint``, the journal records each
        candidate as it starts and ends, and a resumed search replays that
        order (the same proposals), then reruns only the candidates that
        were running.
    scoring : str, callable, list, tuple or dict, default=None
        As for ``GridSearchCV``. The search maximises the metric named by
        ``refit``; with several metrics and ``refit`` callable or ``False``,
        the first metric.
    n_jobs : int, default=None
        Number of jobs to run in parallel through ``joblib``.
    refit : bool, str or callable, default=True
        As for ``GridSearchCV``.
    cv : int, cross-validation generator or iterable, default=None
        As for ``GridSearchCV``. The splits are made once per ``fit`` and
        every candidate is scored on the same folds, even with a shuffling
        splitter.
    verbose : int, default=0
        1: a progress bar (evaluations done, best score so far, elapsed
        time; tqdm if installed, ``pip install sktune[progress]``, else a
        line every 10% of the search); 2 and more: also ``GridSearchCV``'s
        messages.
    pre_dispatch : int or str, default="2*n_jobs"
        As for ``GridSearchCV``.
    random_state : int, RandomState instance or None, default=None
        Seeds the optimiser once per ``fit``: equal seeds give equal searches.
    error_score : "raise" or numeric, default=np.nan
        Score of a failed fit. With a number, a candidate failing on some or
        all folds is recorded with that score and the search goes on. With
        ``nan`` (the default) the surrogate sees a failed candidate as the
        worst score observed so far; with a finite number it sees the mean
        score that number produces (so keep it in the metric's range).
    return_train_score : bool, default=False
        As for ``GridSearchCV``.
    callbacks : callable or list of callables, default=None
        Called after each batch with the ``cv_results_``-style dict of all
        results so far; a callback returning ``True`` stops the search, and
        everything evaluated so far is kept. (scikit-learn's own callbacks,
        ``search.set_callbacks(...)`` from scikit-learn 1.9, work as for
        ``GridSearchCV``: one task per batch of candidates.)
    param_grid, param_distributions : dict or list of dict, default=None
        Other names of ``search_spaces``.
    checkpoint : str, path-like or None, default=None
        A journal file: every finished batch (candidates, per-fold scores,
        times) is appended to it with ``flush`` and ``fsync``. A later
        ``fit`` with the same path, estimator, space, settings, data and
        ``random_state`` reads the recorded batches back instead of
        recomputing them and goes on; the final ``cv_results_`` equals an
        uninterrupted run's (the recorded rows keep their original
        ``fit_time``). A journal written by a different search is refused
        with a ``ValueError``. When the journal holds the whole search, its
        last batch is evaluated again (``BaseSearchCV`` builds its results
        from at least one evaluation).
    warm_start : bool, fitted search, dict or list, default=None
        Earlier results the search starts from: they are told to the
        optimiser before its first proposal, and ``n_iter`` counts new
        evaluations only.

        - ``None`` or ``False``: none.
        - ``True``: this search's own last ``fit`` (its ``cv_results_``), as
          ``warm_start=True`` continues an estimator's training: a second
          ``fit`` evaluates ``n_iter`` more candidates. The first ``fit``, or
          one after ``clone``, starts afresh.
        - a fitted search (``BayesSearchCV``, ``GridSearchCV``,
          ``RandomizedSearchCV``, any object with ``cv_results_``): its rows.
          ``clone`` makes an unfitted copy, which is refused: pass the
          search's ``cv_results_`` instead.
        - a ``cv_results_``-like dict: ``params`` and the mean score this
          search maximises, ``mean_test_score`` (or ``mean_test_<refit>``
          with several metrics).
        - a list of ``(params, score)`` pairs.

        Results whose parameters lie outside the search space, or lack a
        searched parameter, are skipped with a warning (a parameter that is
        not searched is accepted when it equals the estimator's own value);
        ``nan`` scores are told as failures. ``cv_results_`` lists the
        inherited rows first, marked by its ``inherited`` column; their
        split scores, times and train scores are copied when the source has
        them for the same metrics and number of splits, else they are
        ``nan`` (with ``mean_test_<metric>`` the score given). Ranks,
        ``best_index_`` and ``refit`` consider every row, inherited ones
        included: results on other data (a subsample, another split) are
        still used to guide the search, but when they are not comparable,
        pick the best of the new rows yourself
        (``refit=callable`` reading ``cv_results_["inherited"]``). The
        parameter is stored as given and never modified. See the Examples.
    early_stopping : bool, default=False
        Stop before ``n_iter`` once more evaluations are unlikely to improve
        the best score by more than cross-validation noise (Makarova et al.,
        2022; the rule of Optuna's ``Terminator``). After each batch, once
        ``max(20, 5 * n_dims)`` evaluations (inherited ones included) have
        finite scores, an upper
        bound on the score still to gain, ``max UCB - max LCB`` of a
        Gaussian process fitted on the better half of the results, is
        compared with the standard error of the best candidate's
        cross-validated score, ``sqrt((1/k + 1/(k-1)) var(split scores))``;
        the search stops when the bound is smaller at two checks in a row
        (one check is the paper's rule; two keep a surrogate that has seen
        only a plateau from stopping the search there). The rule only decides
        when to stop: the candidates proposed up to then are those of
        ``early_stopping=False``. ``n_iter`` remains the maximum.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        As for ``GridSearchCV``, in evaluation order, plus ``subspace``: the
        index, in ``search_spaces``, of the subspace each candidate came from.
        With ``warm_start``, the inherited rows come first, and a boolean
        ``inherited`` column marks them.
    best_estimator_ : estimator
        Refitted on the whole data with ``best_params_`` (if ``refit``).
    best_score_ : float
        Mean cross-validated score of the best candidate.
    best_params_ : dict
        Parameters of the best candidate.
    best_index_ : int
        Index of the best candidate in ``cv_results_``.
    scorer_ : function or dict
        Scorer function(s) used on held-out data.
    n_splits_ : int
        Number of cross-validation splits.
    refit_time_ : float
        Seconds spent refitting the best model.
    multimetric_ : bool
        Whether several metrics were scored.
    optimizer_ : sktune.optimize.Optimizer
        The optimiser after the search: its ``points``, ``scores``,
        ``subspace_indices`` and ``predict`` give the surrogate's view.
    n_iter_ : int
        Number of candidates evaluated by this ``fit`` (inherited rows not
        counted).
    stopping_reason_ : str
        Why the search ended: ``"n_iter reached"``, ``"the search space is
        exhausted"``, ``"a callback stopped the search"`` or, with
        ``early_stopping``, ``"early stopping: the regret bound ... fell
        below the CV noise ... after ... evaluations"``.
    regret_bounds_ : ndarray of shape (n_batches,)
        The early-stopping regret bound after each batch; ``nan`` where it
        was not computed (before enough evaluations, or with
        ``early_stopping=False``).

    See Also
    --------
    sklearn.model_selection.GridSearchCV : Exhaustive search over a grid.
    sklearn.model_selection.RandomizedSearchCV : Random search.

    Notes
    -----
    The search is a ``BaseSearchCV`` whose only hook is ``_run_search``:
    ask the optimiser for a batch, cross-validate it, tell the optimiser the
    mean test scores, repeat until ``n_iter`` candidates are done.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from sktune import BayesSearchCV, Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = BayesSearchCV(
    ...     SVC(), {"C": Real(1e-2, 1e2, log=True)}, n_iter=8, cv=3, random_state=0
    ... )
    >>> print(search.fit(X, y).best_score_ > 0.9)
    True
    >>> sorted(search.best_params_)
    ['C']

    ``warm_start=True`` continues the same search with ``n_iter`` more
    candidates; ``warm_start=search`` (or its ``cv_results_``) starts another
    search from its results:

    >>> search.set_params(warm_start=True, n_iter=4).fit(X, y).n_iter_
    4
    >>> len(search.cv_results_["params"]), int(search.cv_results_["inherited"].sum())
    (12, 8)
    >>> other = BayesSearchCV(
    ...     SVC(), {"C": Real(1e-2, 1e2, log=True)}, n_iter=3, cv=3,
    ...     warm_start=search, random_state=0,
    ... ).fit(X, y)
    >>> len(other.cv_results_["params"])
    15

    ``early_stopping=True`` ends the search when more evaluations are unlikely
    to beat the noise of the cross-validated score:

    >>> search = BayesSearchCV(
    ...     SVC(), {"C": Real(1e-2, 1e2, log=True)}, n_iter=60, cv=3,
    ...     early_stopping=True, random_state=0,
    ... ).fit(X, y)
    >>> search.n_iter_ < 60, search.stopping_reason_.startswith("early stopping")
    (True, True)

    References
    ----------
    .. [1] A. Makarova et al., "Automatic termination for hyperparameter
       optimization", AutoML Conference, PMLR 188, 2022.
    """

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        "search_spaces": [dict, list, Space, None],
        "param_grid": [dict, list, Space, None],
        "param_distributions": [dict, list, Space, None],
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_initial_points": [Interval(numbers.Integral, 1, None, closed="left")],
        "acq_func": [StrOptions({"EI", "LCB", "PI", "hedge"})],
        "n_points": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "random_state": ["random_state"],
        "callbacks": [callable, list, None],
        "checkpoint": [str, os.PathLike, None],
        "warm_start": ["boolean", None, dict, list, HasMethods(["fit"])],
        "early_stopping": ["boolean"],
        "asynchronous": ["boolean"],
    }

    def __init__(
        self,
        estimator,
        search_spaces=None,
        *,
        n_iter=50,
        n_initial_points=10,
        acq_func="EI",
        n_points="auto",
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
        callbacks=None,
        checkpoint=None,
        warm_start=None,
        early_stopping=False,
        param_grid=None,
        param_distributions=None,
        asynchronous=False,
    ):
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.search_spaces = search_spaces
        self.n_iter = n_iter
        self.n_initial_points = n_initial_points
        self.acq_func = acq_func
        self.n_points = n_points
        self.random_state = random_state
        self.callbacks = callbacks
        self.checkpoint = checkpoint
        self.warm_start = warm_start
        self.early_stopping = early_stopping
        self.param_grid = param_grid
        self.param_distributions = param_distributions
        self.asynchronous = asynchronous

    def __getstate__(self):
        # object.__getstate__ may return the instance's own __dict__
        state = dict(super().__getstate__())
        state.pop("_run", None)
        return state

    def fit(self, X, y=None, **params):
        """Run the search; see :class:`BayesSearchCV`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
        **params : dict
            Fit, scorer and splitter (``groups``) parameters, as for
            ``GridSearchCV``.

        Returns
        -------
        self : object
        """
        self._run = run = _Run((X, y, params), self.verbose)
        if self.warm_start is True:
            # read now: BaseSearchCV replaces it at the end of this fit
            run.previous = getattr(self, "cv_results_", None)
        cv = self.cv
        if isinstance(cv, Iterator):
            # A generator of splits is read once, here: BaseSearchCV checks
            # it, and the search's frozen folds (and older scikit-learn)
            # check it again. The user's object is put back after the fit.
            self.cv = list(cv)
        if self.verbose == 1:
            # The progress bar replaces BaseSearchCV's line per batch.
            self.verbose = 0
        try:
            return super().fit(X, y, **params)
        except KeyboardInterrupt:
            # Interrupted after the search (in the refit): BaseSearchCV sets
            # cv_results_ only at its very end; keep every finished evaluation.
            if run.searched:
                self.cv_results_ = self._current_results()
            raise
        finally:
            self.cv = cv
            self.verbose = run.verbose
            if run.progress is not None:
                run.progress.close()
            self.__dict__.pop("_run", None)

    def _callables(self):
        callbacks = self.callbacks
        if callbacks is None:
            return []
        if callable(callbacks):
            return [callbacks]
        for callback in callbacks:
            if not callable(callback):
                raise TypeError(
                    f"The 'callbacks' parameter must hold callables; got {callback!r}."
                )
        return list(callbacks)

    def _run_search(self, evaluate_candidates, *, callback_ctx=None):
        spaces, space_name = resolve_space(self)
        check_param_names(self.estimator, spaces, space_name)
        callbacks = self._callables()
        run = self._run
        run.inherited = inherited = self._inherited(spaces)
        n_iter = self.n_iter
        total = total_size(spaces)
        if total is not None and inherited:
            # only the points not inherited are left to evaluate
            total -= len(
                {
                    point_key(s, spaces[s], p)
                    for s, p in zip(inherited.subspaces, inherited.params)
                }
            )
            if total == 0:
                raise ValueError(
                    "Every point of the search space is in the 'warm_start' "
                    "results: there is nothing left to evaluate."
                )
        if total is not None and total < n_iter:
            warn_small_space(total, n_iter)
            n_iter = total

        # skorch nets draw their init and shuffling from torch's global RNG:
        # each batch is seeded from random_state (fits run in this process
        # with n_jobs=1 or threads; loky workers keep their own torch RNG)
        torch_rng = np.random.RandomState(
            check_random_state(self.random_state).randint(2**31 - 1)
            if "torch" in sys.modules
            else 0
        )
        self.optimizer_ = Optimizer(
            spaces,
            n_initial_points=self.n_initial_points,
            acq_func=self.acq_func,
            random_state=check_random_state(self.random_state),
        )
        if inherited:
            self.optimizer_.tell(inherited.params, inherited.scores)
        X, y, fit_params = self._run.data
        # fit() has read a generator of splits into a list: check_cv works
        cv = _FrozenCV(check_cv(self.cv, y, classifier=is_classifier(self.estimator)))
        # scikit-learn < 1.8 sets n_splits_ after the search: count the folds
        n_splits = getattr(self, "n_splits_", None) or sum(
            1 for _ in cv.split(X, y, groups=fit_params.get("groups"))
        )
        batch_size = self._batch_size(n_splits)
        journal = self._open_journal(cv, spaces, batch_size)
        run.progress = Progress(self, n_iter, run.verbose)
        search_ctx = None
        if callback_ctx is not None:
            # one subtask per batch; asynchronously, one per candidate
            n_tasks = n_iter if self.asynchronous else math.ceil(n_iter / batch_size)
            search_ctx = callback_ctx.subcontext(
                task_name="search", max_subtasks=n_tasks
            ).call_on_fit_task_begin(estimator=self)
        results, last_returned, last_failure = None, None, None
        n_done = n_evaluated = 0
        stop = False
        reason = None
        regret_bounds = []
        below = 0  # consecutive checks with the bound below the noise
        try:
            if self.asynchronous:
                last_returned, n_done, reason, last_failure = self._search_async(
                    evaluate_candidates,
                    cv,
                    n_splits,
                    n_iter,
                    journal,
                    search_ctx,
                    torch_rng,
                    callbacks,
                    regret_bounds,
                )
            else:
                while n_done < n_iter and not stop:
                    batch = self.optimizer_._ask(min(batch_size, n_iter - n_done))
                    params = [point for _, point in batch]
                    more = {"subspace": [s for s, _ in batch]}
                    if inherited is not None:
                        more["inherited"] = [False] * len(params)
                    keys = [params_key(p) for p in params]
                    entry = journal.replay("batch", keys) if journal else None
                    if entry is not None:
                        outs = entry["outs"]
                        outs = None if outs is None else [restore_out(o) for o in outs]
                        run.inserted.append(
                            (
                                n_evaluated,
                                params,
                                outs,
                                more,
                                entry.get("fit_time", 0.0),
                            )
                        )
                        if outs is not None and run.template is None:
                            run.template = outs[0]
                        scores = mean_test_scores(outs, len(params), self.refit)
                        results = self._current_results()
                    else:
                        batch_ctx = self._batch_context(
                            search_ctx, len(params) * n_splits
                        )
                        start = time.perf_counter()
                        try:
                            with _torch_seeded(torch_rng.randint(2**31 - 1)):
                                results = last_returned = evaluate_candidates(
                                    params, cv=cv, more_results=more, **batch_ctx
                                )
                            n_evaluated += len(params)
                            scores = results[score_key(results, self.refit)][
                                -len(params) :
                            ]
                            outs = run.format_args[2][-len(params) * n_splits :]
                            fit_time = None
                        except ValueError as exc:
                            if not _all_fits_failed(exc):
                                raise
                            last_failure = exc
                            n_fits = len(params) * n_splits
                            self._warn_all_failed(n_fits, exc, stacklevel=2)
                            # BaseSearchCV dropped the fits' times with them: the
                            # batch's wall time, shared out, stands for them.
                            fit_time = (time.perf_counter() - start) / n_fits
                            run.inserted.append(
                                (n_evaluated, params, None, more, fit_time)
                            )
                            scores, outs = np.full(len(params), np.nan), None
                            results = self._current_results()
                        if batch_ctx:
                            stop = bool(
                                batch_ctx["callback_ctx"].call_on_fit_task_end(
                                    estimator=self
                                )
                            )
                            if stop:
                                reason = "a callback stopped the search"
                        if journal is not None:
                            # the batch is in the results: the journal must get it
                            with interrupts_deferred():
                                journal.record(
                                    "batch",
                                    keys,
                                    outs=None
                                    if outs is None
                                    else [clean_out(o) for o in outs],
                                    fit_time=fit_time,
                                )
                    release_cuda()  # the batch's nets are gone
                    self.optimizer_.tell(params, scores)
                    run.progress.update(len(params), scores)
                    n_done += len(params)
                    why, below = self._stop_reason(
                        results,
                        callbacks,
                        n_done,
                        n_iter,
                        n_splits,
                        regret_bounds,
                        below,
                        check_early=not stop,
                    )
                    if why is not None:
                        reason = why
                        break
            if last_returned is None:
                last_returned = self._evaluate_last_replayed(
                    evaluate_candidates, cv, search_ctx
                )
            if last_returned is None:
                # Nothing succeeded: BaseSearchCV has no result to keep.
                raise ValueError(
                    f"The fits of all {n_done} candidates failed; the last batch "
                    f"reported:{last_failure}"
                ) from last_failure
            results = self._current_results()
        except KeyboardInterrupt:
            # Keep everything finished (the journal has it too), then stop.
            partial = self._current_results()
            if partial is not None:
                self.cv_results_ = partial
            raise
        if search_ctx is not None:
            search_ctx.call_on_fit_task_end(estimator=self)
        new_rows = slice(len(inherited or ()), None)
        non_finite = [
            key
            for key, value in results.items()
            if key.startswith(("mean_test_", "mean_train_"))
            and not np.all(np.isfinite(value[new_rows]))
        ]
        if non_finite:
            warnings.warn(
                f"Some of the scores in {non_finite} are non-finite: those "
                "candidates failed on one or more folds.",
                UserWarning,
                stacklevel=2,
            )
        if results is not last_returned:
            # BaseSearchCV keeps the dict evaluate_candidates last returned as
            # cv_results_; bring it up to date with the batches spliced in.
            last_returned.clear()
            last_returned.update(results)
        if reason is None:
            reason = (
                "n_iter reached"
                if n_iter == self.n_iter
                else "the search space is exhausted"
            )
        self.n_iter_ = n_done
        self.stopping_reason_ = reason
        self.regret_bounds_ = np.asarray(regret_bounds, dtype=float)
        run.searched = True

    def _search_async(
        self,
        evaluate_candidates,
        cv,
        n_splits,
        n_iter,
        journal,
        search_ctx,
        torch_rng,
        callbacks,
        regret_bounds,
    ):
        """Asynchronous BO: a new candidate as soon as a worker is free.

        Each (candidate, split) fit is one task (scikit-learn's
        ``_fit_and_score``, as ``evaluate_candidates`` runs it), up to
        ``effective_n_jobs(n_jobs)`` at once through the active joblib
        backend (:class:`~sktune.search._workers._Workers`). A free
        worker with no fit queued asks the optimiser for one more point; the
        candidates asked and not yet told count as having scored the worst
        score so far (the optimiser's pessimistic constant liar), so the
        points in flight are spread out. A candidate whose splits are all
        done is told to the optimiser and spliced into ``cv_results_``.
        The last candidate goes through ``evaluate_candidates`` (in this
        thread, while the others finish), as ``BaseSearchCV`` needs one call.

        With a checkpoint, each candidate's start (``"start"`` line) and end
        (``"batch"`` line of one candidate) are journaled in the order this
        thread saw them; a resumed search replays them in that order, so the
        optimiser proposes the same points, then reruns the candidates that
        had started but not ended.

        Returns ``(last evaluate_candidates result or None, candidates
        told, why it stopped or None, the ValueError of the last candidate
        whose fits all failed or None)``.
        """
        run = self._run
        X, y, params = run.data
        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        routed = self._get_routed_params_for_fit(params)
        scorers, _ = self._get_scorers()
        splits = list(cv.split(X, y, groups=params.get("groups")))
        task = functools.partial(
            _fit_split,
            X=X,
            y=y,
            scorer=scorers,
            fit_params=routed.estimator.fit,
            score_params=routed.scorer.score,
            return_train_score=self.return_train_score,
            error_score=self.error_score,
        )
        base = clone(self.estimator)
        more_keys = ["subspace"] + (["inherited"] if run.inherited is not None else [])
        state = {"asked": 0, "told": 0, "last": None, "reason": None}
        state["failure"] = None  # the last candidate whose fits all failed
        state["below"] = 0  # consecutive checks with the bound below the noise

        def ask(record=True):
            ((s, point),) = self.optimizer_._ask(1)
            job = {
                "index": state["asked"],
                "subspace": s,
                "params": point,
                "keys": [params_key(point)],
                "outs": [None] * n_splits,
                "remaining": n_splits,
                "seed": int(torch_rng.randint(2**31 - 1)),
            }
            state["asked"] += 1
            if journal is not None and record:
                journal.record_start(job["keys"])
            return job

        def more_of(job):
            more = {"subspace": [job["subspace"]]}
            if "inherited" in more_keys:
                more["inherited"] = [False]
            return more

        def told(job, outs, fit_time, record=True, insert=True):
            """A candidate's splits are done: journal, results, optimiser
            (``insert``: into the results; not when evaluate_candidates has
            it)."""
            params = [job["params"]]
            with interrupts_deferred():
                if journal is not None and record:
                    journal.record(
                        "batch",
                        job["keys"],
                        job=job["index"],
                        outs=None if outs is None else [clean_out(o) for o in outs],
                        fit_time=fit_time,
                    )
                if insert:
                    n_before = 1 if state["last"] is not None else 0
                    run.inserted.append(
                        (n_before, params, outs, more_of(job), fit_time)
                    )
                if outs is not None and run.template is None:
                    run.template = outs[0]
            score = mean_test_scores(outs, 1, self.refit)
            self.optimizer_.tell(params, score)
            run.progress.update(1, score)
            state["told"] += 1
            # the results are formatted only for whoever reads them
            results = None
            if callbacks or self.early_stopping:
                results = self._current_results()
            reason, state["below"] = self._stop_reason(
                results,
                callbacks,
                state["told"],
                n_iter,
                n_splits,
                regret_bounds,
                state["below"],
            )
            state["reason"] = reason or state["reason"]

        def finish(job):
            if job.get("ctx") and job["ctx"]["callback_ctx"].call_on_fit_task_end(
                estimator=self
            ):
                state["reason"] = "a callback stopped the search"
            outs = job["outs"]
            try:
                # warns when some fits failed, raises when all did
                _warn_or_raise_about_fit_failures(outs, self.error_score)
            except ValueError as exc:
                state["failure"] = exc
                self._warn_all_failed(len(outs), exc, stacklevel=4)
                told(job, None, float(np.mean([out["fit_time"] for out in outs])))
                return
            if callable(self.scoring):
                _insert_error_scores(outs, self.error_score)
            told(job, outs, None)

        def replayed_end(job, line):
            outs = line["outs"]
            outs = None if outs is None else [restore_out(o) for o in outs]
            told(job, outs, line.get("fit_time"), record=False)

        # Replay the journal: starts and ends in the order they happened.
        running = []
        if journal is not None:
            start = functools.partial(ask, record=False)
            running = journal.replay_jobs(start, replayed_end, end_kind="batch")
        queue = deque((job, k) for job in running for k in range(n_splits))

        in_flight = {}
        with _Workers(self.n_jobs) as workers:
            while True:
                while len(in_flight) < workers.n_workers and state["reason"] is None:
                    if not queue:
                        if state["asked"] >= n_iter:
                            break
                        job = ask()
                        if state["asked"] == n_iter:
                            # the last: through BaseSearchCV (see the docstring)
                            state["last"], failure = self._evaluate_last(
                                evaluate_candidates,
                                job,
                                cv,
                                n_splits,
                                search_ctx,
                                more_of(job),
                                told,
                            )
                            state["failure"] = failure or state["failure"]
                            continue
                        queue.extend((job, k) for k in range(n_splits))
                        continue
                    job, k = queue.popleft()
                    train, test = splits[k]
                    if "ctx" not in job:  # scikit-learn's callbacks, per candidate
                        job["ctx"] = self._batch_context(search_ctx, n_splits)
                    callback_kwargs = {}
                    if job["ctx"]:
                        callback_kwargs = {
                            "caller": self,
                            "callback_ctx": job["ctx"]["callback_ctx"].subcontext(
                                task_name="candidate-split-evaluation", task_id=k
                            ),
                        }
                    future = workers.submit(
                        functools.partial(task, **callback_kwargs),
                        clone(base),
                        job["params"],
                        train,
                        test,
                        job["seed"],
                    )
                    in_flight[future] = (job, k)
                if not in_flight:
                    break
                for (job, k), out in workers.ended(in_flight):
                    job["outs"][k] = out
                    job["remaining"] -= 1
                    if not job["remaining"]:
                        finish(job)
        release_cuda()
        return state["last"], state["told"], state["reason"], state["failure"]

    def _evaluate_last(
        self, evaluate_candidates, job, cv, n_splits, search_ctx, more, told
    ):
        """Evaluate the last candidate of an asynchronous search through
        ``evaluate_candidates``: ``(its results, None)``, or ``(None, the
        error)`` when all its fits failed (it is then recorded as failed)."""
        params = [job["params"]]
        batch_ctx = self._batch_context(search_ctx, n_splits)
        start = time.perf_counter()
        try:
            with _torch_seeded(job["seed"]):
                results = evaluate_candidates(
                    params, cv=cv, more_results=more, **batch_ctx
                )
        except ValueError as exc:
            if not _all_fits_failed(exc):
                raise
            self._warn_all_failed(n_splits, exc, stacklevel=4)
            told(job, None, (time.perf_counter() - start) / n_splits)
            return None, exc
        finally:
            if batch_ctx:
                batch_ctx["callback_ctx"].call_on_fit_task_end(estimator=self)
        told(job, self._run.format_args[2][-n_splits:], None, insert=False)
        return results, None

    def _warn_all_failed(self, n_fits, exc, stacklevel):
        """Warn that all ``n_fits`` fits of a batch (or candidate) failed,
        with scikit-learn's details from its ``exc``: the search goes on, and
        they score ``error_score``. ``stacklevel`` as at the caller."""
        warnings.warn(
            fit_failure_message(
                n_fits, self.error_score, str(exc).split(_DETAILS, 1)[-1]
            ),
            FitFailedWarning,
            stacklevel=stacklevel + 1,
        )

    def _stop_reason(
        self,
        results,
        callbacks,
        n_done,
        n_iter,
        n_splits,
        regret_bounds,
        below,
        check_early=True,
    ):
        """After a batch (or an asynchronous candidate): the callbacks, then
        early stopping (unless ``check_early`` is false), which appends its
        regret bound (nan when not checked). Returns ``(why the search stops
        or None, consecutive checks with the bound below the noise)``."""
        if results is not None and any(cb(results) for cb in callbacks):
            return "a callback stopped the search", below
        if self.early_stopping and n_done < n_iter and check_early:
            bound, noise = self._stopping_check(results, n_splits)
            regret_bounds.append(bound)
            below = below + 1 if bound < noise else 0
            if below >= PATIENCE:
                return (
                    f"early stopping: the regret bound {bound:.4g} fell below "
                    f"the CV noise {noise:.4g} after {n_done} evaluations"
                ), below
        else:
            regret_bounds.append(np.nan)
        return None, below

    def _batch_size(self, n_splits):
        """Candidates per batch: ``n_points``, or for ``"auto"`` enough for
        each worker of the active joblib backend to fit one split."""
        if self.n_points != "auto":
            return self.n_points
        # Read inside fit: a backend context (threads, a Dask cluster) decides
        # how many workers n_jobs=None and -1 mean, as for BaseSearchCV's own
        # Parallel call.
        n_workers = joblib.effective_n_jobs(self.n_jobs)
        # an empty cv is refused by scikit-learn's own check at the first batch
        return max(1, math.ceil(n_workers / max(n_splits, 1)))

    def _stopping_check(self, results, n_splits):
        """``(regret bound, CV noise)`` of the early-stopping rule after a
        batch; ``(nan, nan)`` before ``min_evaluations`` finite scores."""
        optimizer = self.optimizer_
        n_dims = max(space.n_dims for space in optimizer.spaces)
        if results is None or np.isfinite(optimizer.scores).sum() < min_evaluations(
            n_dims
        ):
            return np.nan, np.nan
        key = score_key(results, self.refit)
        metric = key[len("mean_test_") :]
        splits = np.column_stack(
            [
                np.asarray(results[f"split{k}_test_{metric}"], dtype=float)
                for k in range(n_splits)
            ]
        )
        means = np.where(
            np.all(np.isfinite(splits), axis=1),
            np.asarray(results[key], dtype=float),
            np.nan,
        )
        if np.isnan(means).all():
            return np.nan, np.nan
        noise = cv_noise(splits[int(np.nanargmax(means))])
        # A pool seeded by the count: deterministic, and the optimiser's own
        # random stream is left alone, so its proposals do not change.
        bound = regret_bound(
            optimizer.spaces,
            optimizer.points,
            optimizer.scores,
            random_state=len(optimizer.scores),
        )
        return bound, noise

    def _primary_metric(self):
        """The name of the metric the search maximises, from the parameters."""
        if isinstance(self.refit, str):
            return self.refit
        if isinstance(self.scoring, Mapping):
            return next(iter(self.scoring), "score")
        if isinstance(self.scoring, (list, tuple)) and self.scoring:
            return self.scoring[0]
        return "score"

    def _inherited(self, spaces):
        """The ``warm_start`` results that lie in ``spaces``, validated, or
        None when ``warm_start`` is None or False."""
        warm_start = self.warm_start
        if warm_start is None or warm_start is False:
            return None
        source, owner = None, None
        if warm_start is True:
            source = self._run.previous
            if source is None:
                return _Inherited()
        elif isinstance(warm_start, Mapping):
            source = warm_start
        elif isinstance(warm_start, list):
            params, scores = [], []
            for i, pair in enumerate(warm_start):
                if not (
                    isinstance(pair, (tuple, list))
                    and len(pair) == 2
                    and isinstance(pair[0], Mapping)
                    and (pair[1] is None or isinstance(pair[1], numbers.Real))
                ):
                    raise TypeError(
                        "The 'warm_start' parameter, as a list, must hold "
                        "(params, score) pairs: a dict of parameters and a "
                        f"number each; item {i} is {pair!r}."
                    )
                params.append(pair[0])
                scores.append(np.nan if pair[1] is None else float(pair[1]))
            return self._in_space(spaces, params, np.asarray(scores), None)
        else:
            owner = warm_start
            source = getattr(warm_start, "cv_results_", None)
            if source is None:
                raise ValueError(
                    f"The 'warm_start' search {type(warm_start).__name__} is not "
                    "fitted (clone() makes an unfitted copy of a search, as "
                    "cross_validate and nested CV do): fit it, or pass its "
                    "cv_results_ instead."
                )
            if not isinstance(source, Mapping):
                raise TypeError(
                    "The 'warm_start' search's cv_results_ must be a dict; got "
                    f"{type(source).__name__}."
                )
        if "params" not in source:
            raise ValueError(
                "The 'warm_start' results have no 'params' key: pass a fitted "
                "search, its cv_results_, or a list of (params, score) pairs."
            )
        params = list(source["params"])
        if not all(isinstance(p, Mapping) for p in params):
            raise TypeError(
                "The 'warm_start' results' 'params' must be a list of dicts."
            )
        key = self._warm_start_key(source, owner)
        scores = _as_float(source[key], key)
        if len(scores) != len(params):
            raise ValueError(
                f"The 'warm_start' results have {len(params)} 'params' but "
                f"{len(scores)} values of {key!r}."
            )
        return self._in_space(spaces, params, scores, source)

    def _warm_start_key(self, source, owner):
        """The column of ``source`` holding the score this search maximises."""
        metric = self._primary_metric()
        key = f"mean_test_{metric}"
        if key in source:
            return key
        owner_refit = getattr(owner, "refit", None)
        if metric == "score" and isinstance(owner_refit, str):
            if f"mean_test_{owner_refit}" in source:
                return f"mean_test_{owner_refit}"
        if (
            metric != "score"
            and "mean_test_score" in source
            and getattr(owner, "scoring", None) == metric
        ):
            return "mean_test_score"
        available = [k for k in source if str(k).startswith("mean_test_")]
        raise ValueError(
            f"The 'warm_start' results have no {key!r} column, the score this "
            f"search maximises (they have {available}); pass a cv_results_-like "
            f"dict with 'params' and {key!r}."
        )

    def _in_space(self, spaces, params, scores, source):
        """The rows of ``params`` that are points of ``spaces``; warns about
        the others."""
        scores = np.where(np.isfinite(scores), scores, np.nan)
        estimator_params = self.estimator.get_params(deep=True)
        kept, points, subspaces = [], [], []
        outside = missing = 0
        for i, given in enumerate(params):
            s, point, lacking = None, None, True
            for j, space in enumerate(spaces):
                if not set(space.names) <= set(given):
                    continue
                lacking = False
                # a parameter the search does not vary is the same
                # configuration when it has the estimator's own value
                extra = set(given) - set(space.names)
                if any(
                    name not in estimator_params
                    or not _same_value(given[name], estimator_params[name])
                    for name in extra
                ):
                    continue
                candidate = {name: given[name] for name in space.names}
                if candidate in space:
                    s, point = j, candidate
                    break
            if s is None:
                missing += lacking
                outside += not lacking
                continue
            kept.append(i)
            points.append(point)
            subspaces.append(s)
        if outside or missing:
            warnings.warn(
                f"{outside + missing} of the {len(params)} 'warm_start' results "
                f"were skipped: {outside} lie outside the search space (or set "
                f"a parameter that is not searched to another value), {missing} "
                "lack a searched parameter.",
                UserWarning,
                stacklevel=4,
            )
        return _Inherited(points, scores[kept], subspaces, source, kept)

    def _batch_context(self, search_ctx, n_fits):
        """``{"callback_ctx": ...}`` for one batch's evaluate_candidates call
        of ``n_fits`` (candidate, split) fits, or ``{}`` where scikit-learn has
        no callbacks."""
        if search_ctx is None:
            return {}
        ctx = search_ctx.subcontext(
            task_name="search-iteration",
            max_subtasks=n_fits,
            sequential_subtasks=False,
        ).call_on_fit_task_begin(estimator=self)
        return {"callback_ctx": ctx}

    def _open_journal(self, cv, spaces, batch_size):
        """The checkpoint journal, or None; splits are frozen here if so."""
        if self.checkpoint is None:
            return None
        X, y, params = self._run.data
        splits = list(cv.split(X, y, groups=params.get("groups")))
        header = fingerprint(self, spaces, X, y, splits)
        inherited = self._run.inherited
        if inherited is not None:
            # what was inherited, not how it was passed: warm_start=True and a
            # fitted search carry their results outside get_params
            header["warm_start"] = joblib.hash(
                ([params_key(p) for p in inherited.params], inherited.scores.tolist())
            )
        if self.n_points == "auto" and not self.asynchronous:
            # the batch size, and so the candidates, follow the workers
            header["batch_size"] = batch_size
        return Journal(self.checkpoint, header)

    def _evaluate_last_replayed(self, evaluate_candidates, cv, search_ctx):
        """Evaluate the last replayed batch again, through BaseSearchCV.

        When a checkpoint held the whole search, nothing went through
        ``evaluate_candidates``, and ``BaseSearchCV.fit`` needs one call to
        build its results. Its scores were told to the optimiser already.
        """
        inserted = self._run.inserted
        for i in range(len(inserted) - 1, -1, -1):
            _, params, outs, more, _ = inserted[i]
            if outs is not None:
                del inserted[i]
                batch_ctx = self._batch_context(search_ctx, len(outs))
                results = evaluate_candidates(
                    params, cv=cv, more_results=more, **batch_ctx
                )
                if batch_ctx:
                    batch_ctx["callback_ctx"].call_on_fit_task_end(estimator=self)
                return results
        return None

    def _current_results(self):
        """``cv_results_`` of everything finished so far, or None."""
        run = self._run
        if run.format_args is not None:
            return self._format_results(*run.format_args)
        done = [(p, o) for _, p, o, _, _ in run.inserted if o is not None]
        if not done:
            return None
        n_splits = len(done[0][1]) // len(done[0][0])
        more = {"subspace": []}
        if run.inherited is not None:
            more["inherited"] = []
        return self._format_results([], n_splits, [], more)

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        run = getattr(self, "_run", None)
        if run is not None:
            if out and run.template is None:
                run.template = out[0]
            run.format_args = (candidate_params, n_splits, out, more_results)
        self._replace_non_finite(out)
        inherited = None if run is None else run.inherited
        if run is not None and (run.inserted or inherited):
            candidate_params, out, more_results = self._splice(
                candidate_params, n_splits, out, more_results
            )
        with warnings.catch_warnings():
            # BaseSearchCV warns about non-finite scores on every batch; the
            # search warns once, when it ends.
            warnings.filterwarnings("ignore", "One or more of the", UserWarning)
            results = super()._format_results(
                candidate_params, n_splits, out, more_results
            )
        if inherited:
            self._fill_inherited(results, n_splits)
        return results

    def _inherited_records(self, n_splits):
        """``_fit_and_score``-shaped records of the inherited rows, split by
        split, from the source's split columns where it has them (same
        metric, same number of splits), else nan."""
        inherited, template = self._run.inherited, self._run.template
        n = len(inherited)

        def scores(kind, row, split):
            def one(metric):
                values = inherited.splits(kind, metric, n_splits)
                return np.nan if values is None else values[row, split]

            given = template[f"{kind}_scores"]
            if isinstance(given, dict):
                return {metric: one(metric) for metric in given}
            return one("score")

        times = {
            name: inherited.column(f"mean_{name}")
            if inherited.column(f"mean_{name}") is not None
            else np.full(n, np.nan)
            for name in ("fit_time", "score_time")
        }
        records = []
        for row in range(n):
            for split in range(n_splits):
                values = {
                    "fit_error": None,
                    "test_scores": scores("test", row, split),
                    "fit_time": times["fit_time"][row],
                    "score_time": times["score_time"][row],
                    "n_test_samples": template.get("n_test_samples", 0),
                }
                if "train_scores" in template:
                    values["train_scores"] = scores("train", row, split)
                record = dict.fromkeys(template)
                record.update({k: v for k, v in values.items() if k in template})
                records.append(record)
        return records

    def _fill_inherited(self, results, n_splits):
        """Put the source's own means and standard deviations in the inherited
        rows (the first ones), the score told to the optimiser in the
        maximised column, nan where the source has nothing, then rank again
        over every row."""
        inherited = self._run.inherited
        rows = slice(0, len(inherited))
        maximised = score_key(results, self.refit)
        for key in results:
            if not key.startswith(("mean_", "std_")):
                continue
            column = inherited.column(key)
            if key == maximised:
                column = inherited.scores
            elif column is None:
                kind, _, metric = key.partition("_")[2].partition("_")
                if kind in ("test", "train") and (
                    inherited.splits(kind, metric, n_splits) is not None
                ):
                    continue  # computed from the copied splits
                column = np.nan
            results[key] = np.asarray(results[key], dtype=float)
            results[key][rows] = column
        for key in results:
            if key.startswith("rank_test_"):
                results[key] = _rank(results["mean_test_" + key[len("rank_test_") :]])

    def _replace_non_finite(self, out):
        """Record NaN or infinite scores (a diverged model) with error_score."""
        replaced = 0
        for record in out:
            for key in ("test_scores", "train_scores"):
                if key in record:
                    record[key], changed = finite_or_error_score(
                        record[key], self.error_score
                    )
                    replaced += changed and key == "test_scores"
        if replaced:
            warnings.warn(
                f"{replaced} evaluations scored NaN or infinity (a diverged model?); "
                f"their scores are set to error_score={self.error_score!r}.",
                UserWarning,
                stacklevel=3,
            )

    def _splice(self, candidate_params, n_splits, out, more_results):
        """Splice in the batches that did not go through evaluate_candidates:
        replayed from a checkpoint, or failed on every fit (BaseSearchCV drops
        those when it raises, but the user asked for them to be recorded)."""
        run = self._run
        params, outs = [], []
        more = {key: [] for key in more_results or {"subspace": []}}
        inherited = run.inherited
        if inherited:
            params += inherited.params
            outs += self._inherited_records(n_splits)
            for key in more:
                if key == "subspace":
                    more[key] += inherited.subspaces
                elif key == "inherited":
                    more[key] += [True] * len(inherited)
        start = 0
        for n_before, batch_params, batch_outs, batch_more, fit_time in run.inserted + [
            (len(candidate_params), [], [], {}, 0.0)
        ]:
            params += candidate_params[start:n_before]
            outs += out[start * n_splits : n_before * n_splits]
            for key in more:
                if more_results:
                    more[key] += list(more_results[key][start:n_before])
                more[key] += list(batch_more.get(key, []))
            params += batch_params
            if batch_outs is None:
                batch_outs = [
                    self._failed_fit_record(run.template, fit_time)
                    for _ in batch_params
                    for _ in range(n_splits)
                ]
            outs += batch_outs
            start = n_before
        return params, outs, more

    def _failed_fit_record(self, template, fit_time):
        """A ``_fit_and_score`` result for a fit that failed after
        ``fit_time`` seconds."""

        def failed_scores(scores):
            if isinstance(scores, dict):
                return {name: self.error_score for name in scores}
            return self.error_score

        record = dict.fromkeys(template)
        record.update(
            fit_error="fit failed",
            test_scores=failed_scores(template["test_scores"]),
            fit_time=float(fit_time or 0.0),
            score_time=0.0,
            n_test_samples=template.get("n_test_samples", 0),
        )
        if "train_scores" in template:
            record["train_scores"] = failed_scores(template["train_scores"])
        return record
