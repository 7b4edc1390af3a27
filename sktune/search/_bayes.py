"""BayesSearchCV: Gaussian-process search through ``BaseSearchCV._run_search``."""

import numbers
import warnings

import numpy as np
from sklearn.exceptions import FitFailedWarning
from sklearn.utils import check_random_state

from sktune.optimize import Optimizer
from sktune.search._common import _FrozenCV, check_param_names, score_key
from sktune.space import Space, check_search_spaces
from sktune.utils._sklearn_compat import BaseSearchCV, Interval, StrOptions


def _all_fits_failed(exc):
    # BaseSearchCV raises this ValueError when every fit of one
    # evaluate_candidates call failed; for a sequential search that is one
    # bad batch, not a misconfigured search.
    message = str(exc).lstrip()
    return message.startswith("All the") and "fits failed" in message


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
        :class:`~sktune.Categorical`, frozen ``scipy.stats`` distributions or
        lists of values. A list of dicts is a conditional space: each row of
        ``cv_results_`` holds only its own subspace's parameters.
    n_iter : int, default=50
        Number of candidates evaluated in total, over all subspaces.
    n_initial_points : int, default=10
        Candidates drawn from a space-filling (Sobol') design before the
        surrogate takes over; they count towards ``n_iter``.
    acq_func : {"EI", "LCB", "PI", "hedge"}, default="EI"
        Acquisition function; see :class:`~sktune.optimize.Optimizer`.
    n_points : int, default=1
        Candidates proposed per batch. Each batch is cross-validated in one
        ``joblib`` call, so ``n_points * n_splits`` fits can run in parallel.
        A different ``n_points`` gives a different (equally valid) sequence
        of candidates.
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
        Verbosity, as for ``GridSearchCV``.
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
        everything evaluated so far is kept.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        As for ``GridSearchCV``, in evaluation order, plus ``subspace``: the
        index, in ``search_spaces``, of the subspace each candidate came from.
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
    """

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        "search_spaces": [dict, list, Space],
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_initial_points": [Interval(numbers.Integral, 1, None, closed="left")],
        "acq_func": [StrOptions({"EI", "LCB", "PI", "hedge"})],
        "n_points": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "callbacks": [callable, list, None],
    }

    def __init__(
        self,
        estimator,
        search_spaces,
        *,
        n_iter=50,
        n_initial_points=10,
        acq_func="EI",
        n_points=1,
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

    def _run_search(self, evaluate_candidates):
        spaces = check_search_spaces(self.search_spaces)
        check_param_names(self.estimator, spaces)
        callbacks = self.callbacks
        if callbacks is None:
            callbacks = []
        elif callable(callbacks):
            callbacks = [callbacks]
        for callback in callbacks:
            if not callable(callback):
                raise TypeError(
                    f"The 'callbacks' parameter must hold callables; got {callback!r}."
                )

        self.optimizer_ = Optimizer(
            spaces,
            n_initial_points=self.n_initial_points,
            acq_func=self.acq_func,
            random_state=check_random_state(self.random_state),
        )
        cv = _FrozenCV(self.cv, self.estimator)
        self._failed_batches = []  # (candidates evaluated before, params, more)
        self._format_args = None
        results, last_returned = None, None
        n_done = 0
        try:
            while n_done < self.n_iter:
                batch = self.optimizer_._ask(min(self.n_points, self.n_iter - n_done))
                params = [point for _, point in batch]
                more = {"subspace": [s for s, _ in batch]}
                try:
                    results = last_returned = evaluate_candidates(
                        params, cv=cv, more_results=more
                    )
                    scores = results[score_key(results, self.refit)][-len(params) :]
                except ValueError as exc:
                    if not _all_fits_failed(exc):
                        raise
                    last_failure = exc
                    warnings.warn(
                        f"Every fit of {len(params)} candidate(s) failed; they are "
                        f"recorded with error_score={self.error_score!r}.{exc}",
                        FitFailedWarning,
                        stacklevel=2,
                    )
                    n_before = n_done - sum(len(b[1]) for b in self._failed_batches)
                    self._failed_batches.append((n_before, params, more))
                    scores = np.full(len(params), np.nan)
                    if self._format_args is not None:
                        results = self._format_results(*self._format_args)
                self.optimizer_.tell(params, scores)
                n_done += len(params)
                if results is not None and any(cb(results) for cb in callbacks):
                    break
            if last_returned is None:
                # Nothing succeeded: BaseSearchCV has no result to keep.
                raise ValueError(
                    f"The fits of all {n_done} candidates failed; the last batch "
                    f"reported:{last_failure}"
                ) from last_failure
            non_finite = [
                key
                for key, value in results.items()
                if key.startswith(("mean_test_", "mean_train_"))
                and not np.all(np.isfinite(value))
            ]
            if non_finite:
                warnings.warn(
                    f"Some of the scores in {non_finite} are non-finite: those "
                    "candidates failed on one or more folds.",
                    UserWarning,
                    stacklevel=2,
                )
            if results is not last_returned:
                # BaseSearchCV keeps the dict evaluate_candidates last returned
                # as cv_results_; bring it up to date with the failed batches
                # recorded since.
                last_returned.clear()
                last_returned.update(results)
        finally:
            del self._failed_batches, self._format_args

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        self._format_args = (candidate_params, n_splits, out, more_results)
        failed_batches = getattr(self, "_failed_batches", None)
        if failed_batches:
            candidate_params, out, more_results = self._splice_failures(
                candidate_params, n_splits, out, more_results
            )
        with warnings.catch_warnings():
            # BaseSearchCV warns about non-finite scores on every batch; the
            # search warns once, when it ends.
            warnings.filterwarnings("ignore", "One or more of the", UserWarning)
            return super()._format_results(
                candidate_params, n_splits, out, more_results
            )

    def _splice_failures(self, candidate_params, n_splits, out, more_results):
        """Splice in the batches whose every fit failed: BaseSearchCV drops
        them when it raises, but the user asked for them to be recorded."""
        params, outs = [], []
        more = {key: [] for key in more_results or {}}
        start = 0
        for n_before, failed_params, failed_more in self._failed_batches + [
            (len(candidate_params), [], {})
        ]:
            params += candidate_params[start:n_before]
            outs += out[start * n_splits : n_before * n_splits]
            for key in more:
                more[key] += list(more_results[key][start:n_before])
                more[key] += list(failed_more.get(key, []))
            params += failed_params
            outs += [
                self._failed_fit_record(out[k])
                for _ in failed_params
                for k in range(n_splits)
            ]
            start = n_before
        return params, outs, more

    def _failed_fit_record(self, template):
        """A ``_fit_and_score`` result for a fit that failed."""

        def failed_scores(scores):
            if isinstance(scores, dict):
                return {name: self.error_score for name in scores}
            return self.error_score

        record = dict.fromkeys(template)
        record.update(
            fit_error="fit failed",
            test_scores=failed_scores(template["test_scores"]),
            fit_time=np.nan,
            score_time=np.nan,
            n_test_samples=template.get("n_test_samples", 0),
        )
        if "train_scores" in template:
            record["train_scores"] = failed_scores(template["train_scores"])
        return record
