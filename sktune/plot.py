"""See and understand a search: matplotlib views of fitted searches and tests.

Every function reads what a fitted search already holds (``cv_results_``,
and a few fitted attributes), so it works on sktune's searches and on
scikit-learn's ``GridSearchCV``, ``RandomizedSearchCV`` and halving
searches alike. Each validates its input before drawing anything and
returns the matplotlib objects it drew: the Axes, or the Figure and an
array of Axes for a grid of panels. Functions that draw one panel take
``ax=`` to draw into an existing Axes.

matplotlib is an optional dependency (``pip install "sktune[plot]"``); it is
imported when a function is called, not with this module.

- :func:`plot_convergence`: best score so far, against evaluations or time;
- :func:`plot_objective`: partial dependence of the score (a surrogate's);
- :func:`plot_slices`: the score against each hyperparameter;
- :func:`plot_parallel_coordinates`: every evaluation across the parameters;
- :func:`plot_hyperband`: each configuration's score through its rungs;
- :func:`plot_pbt`: PBT members' scores and schedules, exploits, lineage;
- :func:`plot_nested`: nested CV outer scores, corrected interval, optimism;
- :func:`plot_critical_difference`: Demšar's diagram of a post-hoc test;
- :func:`plot_pareto`: two objectives and their Pareto front;
- :func:`plot_lr_range`: a learning-rate range test and its suggestion.
"""

import numbers
from collections.abc import Mapping, Sequence

import numpy as np

from sktune._comparisons import budget_column, metric_names, pick_metric
from sktune._surrogate import evaluated_points, filled, fit_forest
from sktune._validation import check_int, check_level
from sktune.space import Categorical

__all__ = [
    "plot_convergence",
    "plot_critical_difference",
    "plot_hyperband",
    "plot_lr_range",
    "plot_nested",
    "plot_objective",
    "plot_parallel_coordinates",
    "plot_pareto",
    "plot_pbt",
    "plot_slices",
]

_X_AXES = ("evaluations", "time")
_PD_CMAP = "viridis"  # colour map of the partial-dependence maps


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------


def _pyplot():
    """matplotlib.pyplot, or an ImportError that says what to install."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            'sktune.plot needs matplotlib: pip install "sktune[plot]" '
            "(or pip install matplotlib)."
        ) from exc
    return plt


def _new_axes(ax, figsize=None):
    """``ax`` checked, or a new Axes on a new figure."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(
            f"The 'ax' parameter must be a matplotlib Axes or None; got {ax!r}."
        )
    return ax


def _check_search(search, name="search"):
    """The ``cv_results_`` of a fitted search, as a dict."""
    results = getattr(search, "cv_results_", None)
    if not isinstance(results, Mapping) or "params" not in results:
        raise TypeError(
            f"The '{name}' parameter must be a fitted search (an object with "
            f"cv_results_, such as BayesSearchCV or GridSearchCV after fit); got "
            f"{_describe(search)}."
        )
    if not metric_names(results):
        raise ValueError(
            f"The '{name}' parameter's cv_results_ has no 'mean_test_*' column."
        )
    return results


def _describe(value):
    """A short description of a bad argument for an error message."""
    if isinstance(value, (str, numbers.Number)) or value is None:
        return repr(value)
    fitted = "" if hasattr(value, "cv_results_") else " (not fitted)"
    return f"{type(value).__name__}{fitted}"


def _metric(search, results, scoring):
    """The metric to plot: ``scoring``, the refit metric or the only one."""
    if scoring is not None and not isinstance(scoring, str):
        raise TypeError(
            "The 'scoring' parameter must be the name of one of the search's "
            f"metrics or None; got {scoring!r}."
        )
    return pick_metric(results, scoring, getattr(search, "refit", None))


def _score_label(metric):
    return "mean CV score" if metric == "score" else f"mean CV {metric}"


def _scores(results, metric):
    return np.asarray(results[f"mean_test_{metric}"], dtype=float)


def _n_splits(results, metric):
    k = 0
    while f"split{k}_test_{metric}" in results:
        k += 1
    return max(k, 1)


def _check_params(params, names):
    """The parameters to plot: ``params`` checked against ``names``."""
    if params is None:
        return list(names)
    if isinstance(params, str) or not isinstance(params, Sequence):
        raise TypeError(
            "The 'params' parameter must be a list of parameter names or None; "
            f"got {params!r}."
        )
    unknown = [p for p in params if p not in names]
    if unknown or not params:
        raise ValueError(
            "The 'params' parameter must name searched parameters, among "
            f"{list(names)!r}; got {list(params)!r}."
        )
    return list(params)


def _resource_name(search):
    """The parameter holding the budget in each row's params, or None."""
    for attribute in ("resource_", "resource"):
        name = getattr(search, attribute, None)
        if isinstance(name, str) and name != "n_samples":
            return name
    return None


# --------------------------------------------------------------------------
# Convergence
# --------------------------------------------------------------------------


def _running_best(search, metric, x):
    """``(x, best)`` of one search: best comparable score after each row.

    Rows of a multi-fidelity search count towards the best only at its
    largest budget, as for ``best_score_``; the others still take their
    place (and their time) on the x axis.
    """
    results = _check_search(search, "searches")
    scores = _scores(results, metric).copy()
    budgets = budget_column(results)
    if budgets is not None:
        scores[budgets != np.max(budgets)] = np.nan
    best = np.fmax.accumulate(np.where(np.isfinite(scores), scores, np.nan))
    if x == "evaluations":
        steps = np.arange(1, len(scores) + 1, dtype=float)
    else:
        seconds = np.asarray(results["mean_fit_time"], dtype=float) + np.asarray(
            results["mean_score_time"], dtype=float
        )
        seconds = np.nan_to_num(seconds) * _n_splits(results, metric)
        steps = np.cumsum(seconds)
    return steps, best


def _on_grid(steps, best, grid):
    """A run's best-so-far step function read at ``grid``; carried forward
    after its last row, NaN before its first."""
    at = np.searchsorted(steps, grid, side="right") - 1
    return np.where(at >= 0, best[np.clip(at, 0, None)], np.nan)


def _convergence_groups(searches, labels):
    """``[(label, [search, ...]), ...]`` from the accepted input forms."""
    if isinstance(searches, Mapping):
        if labels is not None:
            raise ValueError(
                "The 'labels' parameter must be None when 'searches' is a dict "
                "(its keys are the labels)."
            )
        groups = []
        for label, value in searches.items():
            runs = list(value) if isinstance(value, (list, tuple)) else [value]
            if not runs:
                raise ValueError(
                    f"The 'searches' parameter maps {label!r} to an empty list."
                )
            groups.append((str(label), runs))
        if not groups:
            raise ValueError("The 'searches' parameter is an empty dict.")
        return groups
    runs = list(searches) if isinstance(searches, (list, tuple)) else [searches]
    if not runs:
        raise ValueError("The 'searches' parameter is an empty list.")
    if labels is None:
        names = [type(s).__name__ for s in runs]
        labels = [
            f"{name} {i + 1}" if names.count(name) > 1 else name
            for i, name in enumerate(names)
        ]
    elif isinstance(labels, str) or len(labels) != len(runs):
        raise ValueError(
            f"The 'labels' parameter must be a list of {len(runs)} names, one per "
            f"search; got {labels!r}."
        )
    return [(str(label), [run]) for label, run in zip(labels, runs)]


def plot_convergence(searches, *, x="evaluations", scoring=None, labels=None, ax=None):
    """Best score found so far, against evaluations or compute time.

    Parameters
    ----------
    searches : search, list of searches, or dict
        Fitted searches (sktune's or scikit-learn's). A list draws one line
        per search. A dict maps a label to a search, or to a list of
        searches run with different seeds: then the median of their curves
        is drawn with the interquartile band (25th to 75th percentile)
        around it, where every run has a value.
    x : {"evaluations", "time"}, default="evaluations"
        ``"evaluations"``: the row number of ``cv_results_``, in the order
        the search evaluated them. ``"time"``: the compute spent so far,
        ``(mean_fit_time + mean_score_time) * n_splits`` summed over the
        rows: the seconds of every fit and score run one after another, not
        the wall-clock time of a parallel search (which divides it by the
        number of workers, and adds the optimiser's overhead).
    scoring : str or None, default=None
        The metric of a multi-metric search; ``None`` is the refit metric
        or the only one.
    labels : list of str or None, default=None
        Legend labels for a list of searches; default the class names.
    ax : matplotlib Axes or None, default=None
        Where to draw; ``None`` makes a new figure.

    Returns
    -------
    ax : matplotlib Axes

    Notes
    -----
    Multi-fidelity searches (:class:`~sktune.HyperbandSearchCV`,
    :class:`~sktune.PBTSearchCV`, scikit-learn's halving searches) have
    rows at several budgets (the ``budget`` or ``n_resources`` column).
    A score at a small budget does not estimate the score of the trained
    model, so only rows at the largest budget count towards the best, as
    they do for ``best_score_``; the earlier rows still take their place and
    their time on the x axis. The curve of such a search starts at its first
    full-budget evaluation, and ends at its ``best_score_``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import RandomizedSearchCV
    >>> from sklearn.svm import SVC
    >>> from sktune import BayesSearchCV, Real
    >>> from sktune.plot import plot_convergence
    >>> X, y = load_iris(return_X_y=True)
    >>> space = {"C": Real(1e-3, 1e2, log=True), "gamma": Real(1e-4, 1e1, log=True)}
    >>> searches = {
    ...     "bayes": BayesSearchCV(SVC(), space, n_iter=8, cv=3, random_state=0),
    ...     "random": RandomizedSearchCV(SVC(), space, n_iter=8, cv=3, random_state=0),
    ... }
    >>> searches = {name: search.fit(X, y) for name, search in searches.items()}
    >>> ax = plot_convergence(searches)
    >>> [line.get_label() for line in ax.get_lines()]
    ['bayes', 'random']
    >>> bool(ax.get_lines()[0].get_ydata()[-1] == searches["bayes"].best_score_)
    True
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    if x not in _X_AXES:
        raise ValueError(f"The 'x' parameter must be one of {_X_AXES!r}; got {x!r}.")
    groups = _convergence_groups(searches, labels)
    curves, metrics = [], set()
    for label, runs in groups:
        group = []
        for run in runs:
            metric = _metric(run, _check_search(run, "searches"), scoring)
            metrics.add(metric)
            group.append(_running_best(run, metric, x))
        curves.append((label, group))
    ax = _new_axes(ax)

    for label, group in curves:
        if len(group) == 1:
            steps, best = group[0]
            improved = np.isfinite(best) & ~(
                np.concatenate([[False], best[1:] == best[:-1]])
            )
            ax.step(
                steps,
                best,
                where="post",
                label=label,
                marker="o",
                markersize=3,
                markevery=list(np.flatnonzero(improved)),
            )
            continue
        grid = np.unique(np.concatenate([steps for steps, _ in group]))
        if x == "evaluations":
            grid = np.arange(1, grid.max() + 1, dtype=float)
        values = np.vstack([_on_grid(steps, best, grid) for steps, best in group])
        complete = np.all(np.isfinite(values), axis=0)
        safe = np.where(complete, values, 0.0)
        low, median, high = np.percentile(safe, [25, 50, 75], axis=0)
        median = np.where(complete, median, np.nan)
        (line,) = ax.step(
            grid, median, where="post", label=f"{label} (median of {len(group)})"
        )
        ax.fill_between(
            grid,
            np.where(complete, low, np.nan),
            np.where(complete, high, np.nan),
            step="post",
            alpha=0.25,
            color=line.get_color(),
            linewidth=0,
        )
    metric = metrics.pop() if len(metrics) == 1 else "score"
    ax.set_ylabel(f"best {_score_label(metric)} so far")
    if x == "evaluations":
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("evaluations")
    else:
        ax.set_xlabel("fit + score time, all folds (s)")
    if any(len(group) > 1 for _, group in curves):
        ax.set_title("median and interquartile range over seeds", fontsize="medium")
    ax.legend()
    return ax


# --------------------------------------------------------------------------
# Hyperband and successive halving
# --------------------------------------------------------------------------


def _freeze(value):
    """A hashable stand-in for a parameter value (estimators, lists, arrays)."""
    if isinstance(value, np.generic):
        value = value.item()
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _configurations(search, results, metric):
    """Row indices of each configuration through its rungs, in rung order.

    A configuration is its params without the resource parameter, within one
    bracket. A row at rung r + 1 continues the best-scoring row of the same
    configuration at rung r not continued yet (successive halving keeps the
    best, and the same params may have been drawn twice).
    """
    budgets = budget_column(results)
    rungs = np.asarray(results["rung"] if "rung" in results else results["iter"])
    brackets = np.asarray(results.get("bracket", np.zeros(len(rungs), dtype=int)))
    resource = _resource_name(search)
    scores = _scores(results, metric)
    keys = [
        (
            int(bracket),
            tuple(sorted((k, _freeze(v)) for k, v in params.items() if k != resource)),
        )
        for bracket, params in zip(brackets, results["params"])
    ]
    open_ends = {}  # (key, rung) -> configurations whose last row is at that rung
    configurations = []
    for row in np.lexsort((np.arange(len(rungs)), rungs, brackets)):
        key, rung = keys[row], int(rungs[row])
        waiting = open_ends.get((key, rung - 1), [])
        if waiting:
            ranked = np.nan_to_num(scores[[c[-1] for c in waiting]], nan=-np.inf)
            configuration = waiting.pop(int(np.argmax(ranked)))
            configuration.append(int(row))
        else:
            configuration = [int(row)]
            configurations.append(configuration)
        open_ends.setdefault((key, rung), []).append(configuration)
    return configurations, budgets, brackets


def plot_hyperband(search, *, scoring=None, ax=None):
    """Each configuration's score through the rungs of successive halving.

    One line per configuration, through its evaluations at growing budgets
    (log scale), coloured by bracket: a configuration promoted to the next
    rung continues its line, an eliminated one ends. The best evaluation
    (``best_index_``) is starred.

    Parameters
    ----------
    search : HyperbandSearchCV, HalvingRandomSearchCV or HalvingGridSearchCV
        A fitted multi-fidelity search: its ``cv_results_`` has a ``budget``
        (sktune) or ``n_resources`` (scikit-learn) column, and ``rung`` or
        ``iter``.
    scoring : str or None, default=None
        The metric of a multi-metric search; ``None`` is the refit metric
        or the only one.
    ax : matplotlib Axes or None, default=None
        Where to draw; ``None`` makes a new figure.

    Returns
    -------
    ax : matplotlib Axes

    Notes
    -----
    ``cv_results_`` has no candidate id: the rows of one configuration are
    linked by their ``params`` without the resource parameter (``resource_``
    or scikit-learn's ``resource``), within a bracket, from one rung to the
    next.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import SGDClassifier
    >>> from sktune import HyperbandSearchCV, Real
    >>> from sktune.plot import plot_hyperband
    >>> X, y = load_digits(return_X_y=True)
    >>> search = HyperbandSearchCV(
    ...     SGDClassifier(tol=None, random_state=0),
    ...     {"alpha": Real(1e-6, 1e-1, log=True)},
    ...     n_iter=9, max_resource=9, cv=3, random_state=0,
    ... ).fit(X[:300] / 16, y[:300])
    >>> ax = plot_hyperband(search)
    >>> len(ax.get_lines())  # one line per configuration
    9
    >>> ax.get_xscale()
    'log'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    results = _check_search(search)
    if budget_column(results) is None or not ("rung" in results or "iter" in results):
        raise ValueError(
            "The 'search' parameter must be a fitted HyperbandSearchCV or a "
            "scikit-learn halving search (cv_results_ with 'budget' or "
            f"'n_resources' columns); got {type(search).__name__}."
        )
    metric = _metric(search, results, scoring)
    configurations, budgets, brackets = _configurations(search, results, metric)
    scores = _scores(results, metric)
    ax = _new_axes(ax)
    from matplotlib.lines import Line2D
    from matplotlib.ticker import NullLocator

    order = sorted(set(brackets.tolist()), reverse=True)
    colors = {b: f"C{i % 10}" for i, b in enumerate(order)}
    for rows in configurations:
        ax.plot(
            budgets[rows],
            scores[rows],
            marker="o",
            markersize=3,
            linewidth=1,
            alpha=0.7,
            color=colors[brackets[rows[0]]],
        )
    best = getattr(search, "best_index_", None)
    handles = [
        Line2D([], [], color=colors[b], marker="o", markersize=3, label=f"bracket {b}")
        for b in order
    ]
    if isinstance(best, numbers.Integral):
        ax.scatter(
            [budgets[best]],
            [scores[best]],
            marker="*",
            s=150,
            color="black",
            zorder=3,
            label="best",
        )
        handles.append(
            Line2D([], [], color="black", marker="*", linestyle="", label="best")
        )
    ax.set_xscale("log")
    ticks = np.unique(budgets)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    resource = _resource_name(search) or "n_samples"
    ax.set_xlabel(f"budget ({resource})")
    ax.set_ylabel(_score_label(metric))
    ax.legend(handles=handles)
    return ax


# --------------------------------------------------------------------------
# Population-based training
# --------------------------------------------------------------------------


def _encoded_column(values):
    """Numbers as floats, or categories as codes: ``(x, categories)``."""
    if all(
        isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))
        for v in values
    ):
        return np.asarray(values, dtype=float), None
    categories = []
    for value in values:
        if not any(_same_value(value, c) for c in categories):
            categories.append(value)
    codes = [
        next(i for i, c in enumerate(categories) if _same_value(v, c)) for v in values
    ]
    return np.asarray(codes, dtype=float), categories


def _same_value(a, b):
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # values whose == is not a bool (arrays)
        return a is b


def _log_scaled(search, scoring):
    """Names of the parameters read on a log scale (from the space, else from
    the values: see :func:`sktune._surrogate.evaluated_points`)."""
    try:
        evaluated = evaluated_points(search, scoring=scoring)
    except ValueError:  # too few points at one budget
        return set()
    return {n for n, k in zip(evaluated.names, evaluated.kinds) if k == "log"}


def _lineage(results, best):
    """Rows of the winning member's lineage, step 0 first."""
    member = np.asarray(results["member"], dtype=int)
    step = np.asarray(results["step"], dtype=int)
    parent = np.asarray(results["parent"], dtype=int)
    row_of = {(m, s): row for row, (m, s) in enumerate(zip(member, step))}
    rows = [int(best)]
    m, s = int(member[best]), int(step[best])
    while s > 0:
        if parent[row_of[m, s]] >= 0:
            m = int(parent[row_of[m, s]])
        s -= 1
        rows.append(int(row_of[m, s]))
    return rows[::-1]


def plot_pbt(search, *, scoring=None):
    """Population-based training: scores and hyperparameters step by step.

    The first panel shows each member's score after every step, the next
    ones each hyperparameter that changed during training (one panel
    each). A member's line breaks where it *exploited* another member: a
    dashed line joins the copied member's point at the previous step to the
    member's new point. The winning lineage, whose schedule is
    ``best_schedule_``, is drawn thick and black behind the members.

    Parameters
    ----------
    search : PBTSearchCV
        A fitted :class:`~sktune.PBTSearchCV` (``cv_results_`` with
        ``member``, ``step`` and ``parent`` columns).
    scoring : str or None, default=None
        The metric of a multi-metric search; ``None`` is the refit metric
        or the only one.

    Returns
    -------
    fig : matplotlib Figure
    axes : ndarray of matplotlib Axes
        The score panel first, then one per hyperparameter.

    Notes
    -----
    The hyperparameters drawn are those whose value changes along some
    member's rows (the mutable ones that explore or exploit moved), except
    the resource parameter. A log-scaled parameter (positive values over two
    decades or more) gets a log axis; a categorical one its values as ticks.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import SGDClassifier
    >>> from sktune import PBTSearchCV, Real
    >>> from sktune.plot import plot_pbt
    >>> X, y = load_digits(return_X_y=True)
    >>> search = PBTSearchCV(
    ...     SGDClassifier(learning_rate="constant", random_state=0),
    ...     {"eta0": Real(1e-3, 1.0, log=True)},
    ...     population_size=4, n_steps=4, cv=3, random_state=0,
    ... ).fit(X[:300] / 16, y[:300])
    >>> fig, axes = plot_pbt(search)
    >>> [ax.get_ylabel() for ax in axes]
    ['mean CV score', 'eta0']
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    results = _check_search(search)
    if not all(key in results for key in ("member", "step", "parent")):
        raise ValueError(
            "The 'search' parameter must be a fitted PBTSearchCV (cv_results_ "
            f"with 'member', 'step' and 'parent' columns); got "
            f"{type(search).__name__}."
        )
    metric = _metric(search, results, scoring)
    scores = _scores(results, metric)
    member = np.asarray(results["member"], dtype=int)
    step = np.asarray(results["step"], dtype=int)
    parent = np.asarray(results["parent"], dtype=int)
    resource = _resource_name(search)
    names = [
        key[len("param_") :]
        for key in results
        if key.startswith("param_") and key[len("param_") :] != resource
    ]
    panels = [(_score_label(metric), scores, None)]
    for name in names:
        column = results[f"param_{name}"]
        values = [v.item() if isinstance(v, np.generic) else v for v in column]
        x, categories = _encoded_column(values)
        changes = any(len(np.unique(x[member == m])) > 1 for m in np.unique(member))
        if changes:
            panels.append((name, x, categories))
    log_scaled = _log_scaled(search, scoring)
    best = getattr(search, "best_index_", None)
    lineage = _lineage(results, best) if isinstance(best, numbers.Integral) else []

    plt = _pyplot()
    from matplotlib.collections import LineCollection

    fig, axes = plt.subplots(
        len(panels),
        1,
        sharex=True,
        figsize=(8, 1.0 + 1.8 * len(panels)),
        squeeze=False,
        layout="constrained",
    )
    axes = axes[:, 0]
    row_of = {(m, s): row for row, (m, s) in enumerate(zip(member, step))}
    for ax, (label, values, categories) in zip(axes, panels):
        if lineage:
            ax.plot(
                step[lineage],
                values[lineage],
                color="black",
                linewidth=5,
                alpha=0.25,
                solid_capstyle="round",
                zorder=1,
                label="winning lineage",
            )
        jumps = []
        for m in np.unique(member):
            rows = np.flatnonzero(member == m)
            rows = rows[np.argsort(step[rows])]
            # a new segment starts where the member copied another one
            starts = [i for i, row in enumerate(rows) if i == 0 or parent[row] >= 0]
            for a, b in zip(starts, starts[1:] + [len(rows)]):
                segment = rows[a:b]
                ax.plot(
                    step[segment],
                    values[segment],
                    color=f"C{m % 10}",
                    marker="o",
                    markersize=3,
                    linewidth=1.2,
                    zorder=2,
                    label=f"member {m}" if a == 0 else f"_member {m}",
                )
            for row in rows:
                if parent[row] >= 0:
                    source = row_of[int(parent[row]), int(step[row]) - 1]
                    jumps.append(
                        [(step[source], values[source]), (step[row], values[row])]
                    )
        ax.add_collection(
            LineCollection(
                jumps,
                colors="0.3",
                linestyles="dashed",
                linewidths=1,
                zorder=2,
                label="exploit",
            )
        )
        ax.set_ylabel(label)
        if categories is not None:
            ax.set_yticks(range(len(categories)))
            ax.set_yticklabels([str(c) for c in categories])
            ax.set_ylim(-0.5, len(categories) - 0.5)
        elif label in log_scaled:
            ax.set_yscale("log")
    axes[0].legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes[-1].set_xlabel("step")
    axes[-1].set_xticks(np.unique(step))
    return fig, axes


# --------------------------------------------------------------------------
# Statistics: nested cross-validation, critical-difference diagram
# --------------------------------------------------------------------------


def plot_nested(result, *, confidence_level=0.95, ax=None):
    """Nested cross-validation: outer scores, their interval, the optimism.

    For each outer fold, the score of the tuned model on the fold's test
    rows (dot) and the inner search's own best score (open circle), joined
    by a line: the gap is how much the search's estimate flattered the
    model on that fold. The mean outer score is drawn across, with its
    confidence interval corrected for the overlap of the outer training
    sets (Nadeau and Bengio) as a band.

    Parameters
    ----------
    result : NestedCVResult
        From :func:`sktune.nested_cross_validate`.
    confidence_level : float, default=0.95
        Level of the interval of the mean outer score.
    ax : matplotlib Axes or None, default=None
        Where to draw; ``None`` makes a new figure.

    Returns
    -------
    ax : matplotlib Axes

    Notes
    -----
    The interval is :func:`sktune.stats.corrected_ttest`'s for the mean
    outer score: ``mean +- t * sqrt((1/k + n_test/n_train) * var)`` over
    the k outer folds, wider than the naive ``t * sqrt(var / k)``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.svm import SVC
    >>> from sktune import nested_cross_validate
    >>> from sktune.plot import plot_nested
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(SVC(), {"C": [0.01, 0.1, 1]}, cv=3)
    >>> result = nested_cross_validate(search, X, y, outer_cv=5)
    >>> ax = plot_nested(result)
    >>> ax.get_xlabel(), len(ax.get_xticks())
    ('outer fold', 5)
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    from sktune.nested import NestedCVResult
    from sktune.stats import corrected_ttest

    if not isinstance(result, NestedCVResult):
        raise TypeError(
            "The 'result' parameter must be a NestedCVResult (from "
            f"sktune.nested_cross_validate); got {_describe(result)}."
        )
    confidence_level = check_level(confidence_level, "confidence_level")
    outer = np.asarray(result.outer_scores_, dtype=float)
    inner = np.asarray(result.inner_best_scores_, dtype=float)
    interval = corrected_ttest(
        outer,
        np.zeros_like(outer),
        n_train=float(np.mean(result.n_train_)),
        n_test=float(np.mean(result.n_test_)),
    ).confidence_interval(confidence_level)
    ax = _new_axes(ax)
    folds = np.arange(1, len(outer) + 1)
    mean = float(np.mean(outer))
    ax.axhspan(
        interval.low,
        interval.high,
        color="C0",
        alpha=0.15,
        label=f"{confidence_level:.0%} corrected interval",
    )
    ax.axhline(mean, color="C0", linewidth=1, label=f"mean outer score {mean:.3f}")
    ax.vlines(folds, outer, inner, color="0.6", linewidth=1)
    ax.plot(folds, outer, "o", color="C0", label="outer score (tuned model)")
    ax.plot(
        folds,
        inner,
        "o",
        markerfacecolor="none",
        color="C3",
        label="inner best score (search's estimate)",
    )
    ax.set_xticks(folds)
    ax.set_xlabel("outer fold")
    ax.set_ylabel(result.scoring_)
    ax.set_title(
        f"optimism {result.optimism_:+.3f} (mean inner best minus mean outer)",
        fontsize="medium",
    )
    ax.legend(fontsize="small")
    return ax


def plot_critical_difference(result, *, names=None, ax=None):
    """Demšar's critical-difference diagram of a post-hoc Friedman test.

    The models sit on an axis of average ranks (1, the best, on the left),
    each name joined to its rank by an elbow line. Models that the test
    cannot tell apart (``result.cliques``) are joined by a thick bar under
    the axis; the critical difference is drawn as a scale above it (none
    for Holm's procedure, whose threshold changes step by step). With a
    control model (Holm, Bonferroni-Dunn), the control's name is bold.

    Parameters
    ----------
    result : PosthocResult
        From :func:`sktune.stats.posthoc_friedman`.
    names : list of str or None, default=None
        The models' names, in the order of the columns of the scores;
        ``None`` numbers them.
    ax : matplotlib Axes or None, default=None
        Where to draw; ``None`` makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        Its lines are the elbows, one per model, labelled with the model's
        name, starting at its average rank.

    References
    ----------
    Demšar, J. (2006). Statistical comparisons of classifiers over multiple
    data sets. JMLR 7, 1-30.

    Examples
    --------
    >>> import numpy as np
    >>> from sktune.stats import posthoc_friedman
    >>> from sktune.plot import plot_critical_difference
    >>> scores = np.random.default_rng(0).normal(size=(12, 4)) + [0, 0.3, 1, 1.2]
    >>> result = posthoc_friedman(scores)
    >>> ax = plot_critical_difference(result, names=["a", "b", "c", "d"])
    >>> {line.get_label(): line.get_xdata()[0] for line in ax.get_lines()} == dict(
    ...     zip("abcd", result.average_ranks))
    True
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    from sktune.stats import PosthocResult

    if not isinstance(result, PosthocResult):
        raise TypeError(
            "The 'result' parameter must be a PosthocResult (from "
            f"sktune.stats.posthoc_friedman); got {_describe(result)}."
        )
    ranks = np.asarray(result.average_ranks, dtype=float)
    k = len(ranks)
    if names is None:
        names = [f"model {i}" for i in range(k)]
    elif isinstance(names, str) or len(names) != k:
        raise ValueError(
            f"The 'names' parameter must be a list of {k} names, one per model; "
            f"got {names!r}."
        )
    names = [str(n) for n in names]
    ax = _new_axes(ax, figsize=(8, 1.6 + 0.3 * (k + 1) // 2 + 0.15 * k))

    order = np.argsort(ranks, kind="stable")
    left, right = order[: (k + 1) // 2], order[(k + 1) // 2 :][::-1]
    cliques = [c for c in result.cliques if len(c) > 1]
    span = max(k - 1, 1)
    gap = 0.35  # vertical distance between name rows, in data units
    first = -0.35 - gap * max(len(cliques), 1)  # y of the first name row
    x_left, x_right = 1 - 0.12 * span, k + 0.12 * span
    for side, x_text, align in ((left, x_left, "right"), (right, x_right, "left")):
        for row, model in enumerate(side):
            y = first - gap * row
            ax.plot(
                [ranks[model], ranks[model], x_text],
                [0, y, y],
                color="black",
                linewidth=0.8,
                label=names[model],
            )
            ax.text(
                x_text + (-0.03 if align == "right" else 0.03) * span,
                y,
                f"{names[model]} ({ranks[model]:.2f})",
                ha=align,
                va="center",
                fontweight="bold" if model == result.control else "normal",
            )
    for j, clique in enumerate(cliques):
        low, high = ranks[list(clique)].min(), ranks[list(clique)].max()
        y = -0.2 - gap * j
        ax.hlines(y, low - 0.03, high + 0.03, color="black", linewidth=3)
    if result.critical_difference is not None:
        cd = float(result.critical_difference)
        ax.hlines(0.75, 1, 1 + cd, color="black", linewidth=1)
        ax.vlines([1, 1 + cd], 0.68, 0.82, color="black", linewidth=1)
        ax.text(1 + cd / 2, 0.87, f"CD = {cd:.2f}", ha="center", va="bottom")

    # the x axis is the rank axis, drawn at y = 0 from rank 1 to k
    ax.xaxis.tick_top()
    ax.spines["top"].set_position(("data", 0))
    ax.spines["top"].set_bounds(1, k)
    for side in ("left", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_yticks([])
    ax.set_xticks(range(1, k + 1))
    ax.set_xlim(1 - 0.45 * span - 0.5, k + 0.45 * span + 0.5)
    n_rows = max(len(left), len(right))
    top = 1.3 if result.critical_difference is not None else 0.6
    ax.set_ylim(first - gap * n_rows, top)
    ax.set_xlabel("average rank", labelpad=6)
    ax.xaxis.set_label_position("top")
    return ax


# --------------------------------------------------------------------------
# Parameters against the score: slices, parallel coordinates
# --------------------------------------------------------------------------


def _evaluated(search, scoring, params):
    """``(evaluated, columns)``: the encoded points and the plotted columns."""
    _metric(search, _check_search(search), scoring)
    evaluated = evaluated_points(search, scoring=scoring)
    if not evaluated.names:
        raise ValueError(
            "The 'search' parameter has no parameter that varies among its "
            "evaluated points; there is nothing to plot."
        )
    names = _check_params(params, evaluated.names)
    return evaluated, [evaluated.names.index(n) for n in names]


def _values(evaluated, j):
    """Plotting coordinates of column ``j``: values, or codes of categories."""
    x = evaluated.X[:, j]
    return 10.0**x if evaluated.kinds[j] == "log" else x


def _format_axis(ax, evaluated, j, which):
    """Log scale or category ticks for parameter ``j`` on ``which`` axis."""
    from matplotlib.ticker import NullFormatter

    kind = evaluated.kinds[j]
    axis = ax.xaxis if which == "x" else ax.yaxis
    if kind == "log":
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
        axis.set_minor_formatter(NullFormatter())  # no crowded 2x10^-2 labels
    elif kind == "cat":
        categories = evaluated.categories[evaluated.names[j]]
        axis.set_ticks(range(len(categories)))
        axis.set_ticklabels([str(c) for c in categories])
        (ax.set_xlim if which == "x" else ax.set_ylim)(-0.5, len(categories) - 0.5)


def plot_slices(search, *, params=None, scoring=None):
    """The score of every evaluated point against each parameter.

    One panel per parameter, sharing the score axis; points are coloured
    by evaluation order (dark first), so a search that concentrates on a
    region shows it. A log-scaled parameter gets a log axis; a categorical
    one its values as ticks, the points jittered sideways.

    Parameters
    ----------
    search : fitted search
        Any fitted search, sktune's or scikit-learn's.
    params : list of str or None, default=None
        Parameters to show, in this order; ``None`` shows every parameter
        that varies.
    scoring : str or None, default=None
        The metric of a multi-metric search; ``None`` is the refit metric
        or the only one.

    Returns
    -------
    fig : matplotlib Figure
    axes : ndarray of matplotlib Axes
        One per parameter.

    Notes
    -----
    The points are those of :func:`plot_objective`: rows with a finite
    score, read at one budget for a multi-fidelity search (the largest that
    at least six points reached), and the scales come from the search's
    space (else from the values: positive numbers over two decades are
    log-scaled).

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import RandomizedSearchCV
    >>> from sklearn.svm import SVC
    >>> from sktune.plot import plot_slices
    >>> X, y = load_iris(return_X_y=True)
    >>> space = {"C": loguniform(1e-3, 1e2), "kernel": ["linear", "rbf"]}
    >>> search = RandomizedSearchCV(SVC(), space, n_iter=10, cv=3, random_state=0)
    >>> fig, axes = plot_slices(search.fit(X, y))
    >>> [ax.get_xlabel() for ax in axes], axes[0].get_xscale()
    (['C', 'kernel'], 'log')
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    evaluated, columns = _evaluated(search, scoring, params)
    plt = _pyplot()
    fig, axes = plt.subplots(
        1,
        len(columns),
        sharey=True,
        figsize=(1.0 + 2.8 * len(columns), 3.2),
        squeeze=False,
        layout="constrained",
    )
    axes = axes[0]
    order = np.arange(len(evaluated.y))
    jitter = np.random.RandomState(0).uniform(-0.2, 0.2, size=len(order))
    for ax, j in zip(axes, columns):
        x = _values(evaluated, j)
        if evaluated.kinds[j] == "cat":
            x = x + jitter
        points = ax.scatter(
            x, evaluated.y, c=order, cmap="viridis", s=18, edgecolors="none"
        )
        _format_axis(ax, evaluated, j, "x")
        ax.set_xlabel(evaluated.names[j])
    axes[0].set_ylabel(_score_label(evaluated.metric))
    fig.colorbar(points, ax=list(axes), label="evaluation", pad=0.01)
    return fig, axes


def plot_parallel_coordinates(search, *, params=None, scoring=None, ax=None):
    """Every evaluated point as a line across the parameters and the score.

    Each parameter gets a vertical axis scaled to its bounds (log-scaled
    parameters on a log scale; categorical ones with a tick per value),
    and the score the last one. Each evaluated point is a line through its
    values, coloured by its score (colorbar), the best drawn on top. A line
    breaks where a parameter of a conditional space is inactive.

    Parameters
    ----------
    search : fitted search
        Any fitted search, sktune's or scikit-learn's.
    params : list of str or None, default=None
        Parameters to show, in this order; ``None`` shows every parameter
        that varies.
    scoring : str or None, default=None
        The metric of a multi-metric search; ``None`` is the refit metric
        or the only one.
    ax : matplotlib Axes or None, default=None
        Where to draw; ``None`` makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        Its first collection holds the lines, ``get_array()`` their scores.

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import RandomizedSearchCV
    >>> from sklearn.svm import SVC
    >>> from sktune.plot import plot_parallel_coordinates
    >>> X, y = load_iris(return_X_y=True)
    >>> space = {"C": loguniform(1e-3, 1e2), "gamma": loguniform(1e-4, 1e1)}
    >>> search = RandomizedSearchCV(SVC(), space, n_iter=10, cv=3, random_state=0)
    >>> ax = plot_parallel_coordinates(search.fit(X, y))
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['C', 'gamma', 'mean CV score']
    >>> len(ax.collections[0].get_segments())  # one line per evaluated point
    10
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    evaluated, columns = _evaluated(search, scoring, params)
    ax = _new_axes(ax, figsize=(1.5 + 1.6 * (len(columns) + 1), 4))
    from matplotlib.collections import LineCollection

    y = evaluated.y
    low, high = float(np.min(y)), float(np.max(y))
    scaled = []
    for j in columns:
        a, b = evaluated.bounds[j]
        width = b - a if b > a else 1.0
        scaled.append((evaluated.X[:, j] - a) / width)
    scaled.append((y - low) / (high - low) if high > low else np.full(len(y), 0.5))
    scaled = np.column_stack(scaled)

    segments, colours = [], []
    positions = np.arange(scaled.shape[1], dtype=float)
    for row in np.argsort(y, kind="stable"):  # best last, on top
        active = ~np.isnan(scaled[row])
        # split at inactive parameters: a break, not a line across them
        edges = np.flatnonzero(np.diff(np.r_[False, active, False].astype(int)))
        for start, stop in zip(edges[::2], edges[1::2]):
            segments.append(np.column_stack([positions, scaled[row]])[start:stop])
            colours.append(y[row])
    lines = LineCollection(segments, cmap="viridis", linewidths=1.2, alpha=0.8)
    lines.set_array(np.asarray(colours))
    lines.set_clim(low, high)
    ax.add_collection(lines)
    ax.vlines(positions, 0, 1, color="0.3", linewidth=1)

    def label(j, code):
        value = evaluated.decode(j, [code])[0]
        return f"{value:.3g}" if isinstance(value, float) else str(value)

    for position, j in zip(positions, columns):
        a, b = evaluated.bounds[j]
        if evaluated.kinds[j] == "cat":
            ticks = [
                (c, str(v))
                for c, v in enumerate(evaluated.categories[evaluated.names[j]])
            ]
        else:
            ticks = [(a, label(j, a)), (b, label(j, b))]
        width = b - a if b > a else 1.0
        for code, text in ticks:
            ax.text(
                position + 0.04,
                (code - a) / width,
                text,
                fontsize="small",
                va="center",
                bbox={
                    "facecolor": "white",
                    "edgecolor": "none",
                    "alpha": 0.7,
                    "pad": 1,
                },
            )
    for value in (low, high):
        ax.text(
            positions[-1] + 0.04,
            (value - low) / (high - low) if high > low else 0.5,
            f"{value:.3g}",
            fontsize="small",
            va="center",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1},
        )
    ax.set_xticks(positions)
    ax.set_xticklabels(
        [evaluated.names[j] for j in columns] + [_score_label(evaluated.metric)]
    )
    ax.set_xlim(-0.2, positions[-1] + 0.5)
    ax.set_ylim(-0.05, 1.05)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.figure.colorbar(lines, ax=ax, label=_score_label(evaluated.metric), pad=0.01)
    return ax


# --------------------------------------------------------------------------
# Partial dependence
# --------------------------------------------------------------------------


def _pd_grid(evaluated, j, n_points, inside=False):
    """Encoded values at which to read the partial dependence of ``j``."""
    name, kind = evaluated.names[j], evaluated.kinds[j]
    if kind == "cat":
        return np.arange(len(evaluated.categories[name]), dtype=float)
    if name in evaluated.grids:
        return np.asarray(evaluated.grids[name], dtype=float)
    low, high = evaluated.bounds[j]
    if inside:  # decoded ends stay inside the space despite rounding
        margin = 1e-9 * (high - low)
        low, high = low + margin, high - margin
    grid = np.linspace(low, high, n_points)
    if kind == "int":
        grid = np.unique(np.round(grid))
    return grid


class _ForestModel:
    """Predicts scores at encoded points with a forest (:func:`fit_forest`)."""

    def __init__(self, evaluated, random_state):
        self.evaluated = evaluated
        self.forest = fit_forest(evaluated, random_state=random_state)

    def predict(self, X, background_rows):
        return self.forest.predict(filled(self.evaluated, X))


class _BayesModel:
    """Predicts scores with a BayesSearchCV's own Gaussian process.

    Encoded points are decoded into parameter dicts: each is the params of
    the evaluated row it was made from, with the varied parameters replaced.
    """

    def __init__(self, search, evaluated):
        self.optimizer = search.optimizer_
        self.evaluated = evaluated
        self.params = search.cv_results_["params"]
        # A list of numbers is a Categorical of the space: a decoded number
        # must be one of its choices exactly (1 and not 1.0000000000000002).
        self.choices = {}
        space = self.optimizer.spaces[0]
        for j, name in enumerate(evaluated.names):
            dim = space.dimensions[space.names.index(name)]
            if isinstance(dim, Categorical) and evaluated.kinds[j] != "cat":
                codes = np.asarray(dim.choices, dtype=float)
                if evaluated.kinds[j] == "log":
                    codes = np.log10(codes)
                self.choices[j] = (codes, list(dim.choices))

    def _decode(self, j, codes):
        if j not in self.choices:
            return self.evaluated.decode(j, codes)
        known, choices = self.choices[j]
        return [choices[int(np.argmin(np.abs(known - c)))] for c in codes]

    def predict(self, X, background_rows):
        points = [dict(self.params[row]) for row in background_rows]
        for j, name in enumerate(self.evaluated.names):
            for point, value in zip(points, self._decode(j, X[:, j])):
                point[name] = value
        # Far from the data the back-transformed (Yeo-Johnson) mean can run
        # away to huge values; a partial dependence stays among the scores.
        y = self.evaluated.y
        return np.clip(self.optimizer.predict(points)[0], y.min(), y.max())


def _surrogate(search, evaluated, random_state):
    """The search's own Gaussian process when it can predict ``evaluated``'s
    metric over one space, else a random forest; and its name."""
    from sktune.search import BayesSearchCV

    if isinstance(search, BayesSearchCV) and hasattr(search, "optimizer_"):
        refit = search.refit if isinstance(search.refit, str) else "score"
        if len(search.optimizer_.spaces) == 1 and evaluated.metric == refit:
            return _BayesModel(search, evaluated), "Gaussian process"
    return _ForestModel(evaluated, random_state), "random forest"


def _partial_dependence(model, background, rows, columns, grids):
    """Mean prediction over ``background`` with ``columns`` set to each point
    of the grids' product; shape ``[len(g) for g in grids]``."""
    mesh = np.meshgrid(*grids, indexing="ij")
    points = np.column_stack([m.ravel() for m in mesh])  # (n_grid, len(columns))
    X = np.repeat(background[None, :, :], len(points), axis=0)
    for c, j in enumerate(columns):
        X[:, :, j] = points[:, c][:, None]
    n_background = background.shape[0]
    X = X.reshape(-1, background.shape[1])
    predictions = model.predict(X, np.tile(rows, len(points)))
    return (
        predictions.reshape(len(points), n_background)
        .mean(axis=1)
        .reshape(mesh[0].shape)
    )


def plot_objective(
    search, *, params=None, n_points=40, n_samples=20, scoring=None, random_state=None
):
    """Partial dependence of the score on each parameter and each pair.

    A surrogate model of the score is fitted to the evaluated points (a
    fitted :class:`~sktune.BayesSearchCV` uses its own Gaussian process,
    any other search a random forest). The diagonal panels show the partial
    dependence on one parameter: the surrogate's prediction with that
    parameter set to each value, averaged over the other parameters' values
    at evaluated points. The panels below the diagonal show the partial
    dependence on a pair as a map, with the evaluated points (black) and
    the best one (red star). As in scikit-optimize's ``plot_objective``.

    Parameters
    ----------
    search : fitted search
        Any fitted search, sktune's or scikit-learn's, with at least three
        evaluated points.
    params : list of str or None, default=None
        Parameters to show, in this order; ``None`` shows every parameter
        that varies.
    n_points : int, default=40
        Values per parameter at which the partial dependence is read
        (integers and listed values: at most their number).
    n_samples : int, default=20
        Evaluated points over which the partial dependence averages (drawn
        at random with ``random_state`` when there are more). Each 2-D map
        costs ``n_points ** 2 * n_samples`` predictions.
    scoring : str or None, default=None
        The metric of a multi-metric search; ``None`` is the refit metric
        or the only one.
    random_state : int, RandomState instance or None, default=None
        Seeds the forest and the choice of the averaged points.

    Returns
    -------
    fig : matplotlib Figure
    axes : ndarray of matplotlib Axes, shape (n_params, n_params)
        The panels above the diagonal are hidden.

    Notes
    -----
    A partial dependence shows what the surrogate believes, and it can be
    no better than the points it was fitted to: trust it where the
    evaluated points lie. The points are read from ``cv_results_`` as by
    :func:`plot_slices` (at one budget for a multi-fidelity search).
    A Gaussian process is used only for the metric the search optimised
    and a space of one dict; a conditional space gets the forest, in which
    an inactive parameter is a value of its own.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from sktune import BayesSearchCV, Real
    >>> from sktune.plot import plot_objective
    >>> X, y = load_iris(return_X_y=True)
    >>> space = {"C": Real(1e-3, 1e2, log=True), "gamma": Real(1e-4, 1e1, log=True)}
    >>> search = BayesSearchCV(SVC(), space, n_iter=10, cv=3, random_state=0)
    >>> fig, axes = plot_objective(search.fit(X, y), n_points=10)
    >>> axes.shape, axes[1, 0].get_xscale(), axes[1, 0].get_ylabel()
    ((2, 2), 'log', 'gamma')
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    n_points = check_int(n_points, "n_points", 2)
    n_samples = check_int(n_samples, "n_samples")
    evaluated, columns = _evaluated(search, scoring, params)
    from sklearn.utils import check_random_state

    rng = check_random_state(random_state)
    model, kind = _surrogate(search, evaluated, rng.randint(2**31 - 1))
    n_rows = len(evaluated.y)
    chosen = np.sort(rng.choice(n_rows, min(n_samples, n_rows), replace=False))
    background = evaluated.X[chosen]
    rows = evaluated.rows[chosen]
    inside = isinstance(model, _BayesModel)
    grids = {j: _pd_grid(evaluated, j, n_points, inside) for j in columns}

    def coordinates(j):
        grid = grids[j]
        return 10.0**grid if evaluated.kinds[j] == "log" else grid

    def dependences(model):
        one = {
            j: _partial_dependence(model, background, rows, [j], [grids[j]])
            for j in columns
        }
        two = {
            (i, j): _partial_dependence(
                model, background, rows, [i, j], [grids[i], grids[j]]
            )
            for a, i in enumerate(columns)
            for j in columns[:a]
        }
        return one, two

    try:
        one, two = dependences(model)
    except ValueError:
        if not isinstance(model, _BayesModel):
            raise
        # a point the optimiser's space refuses: the forest has no space
        model, kind = _ForestModel(evaluated, rng.randint(2**31 - 1)), "random forest"
        one, two = dependences(model)
    best = int(np.argmax(evaluated.y))

    plt = _pyplot()
    d = len(columns)
    fig, axes = plt.subplots(
        d,
        d,
        figsize=(1.2 + 2.6 * d, 0.8 + 2.4 * d),
        squeeze=False,
        layout="constrained",
    )
    maps = list(two.values())
    norm = None
    if maps:
        from matplotlib.colors import Normalize

        norm = Normalize(min(m.min() for m in maps), max(m.max() for m in maps))
    image = None
    for a, i in enumerate(columns):
        for b, j in enumerate(columns):
            ax = axes[a, b]
            if b > a:
                ax.set_visible(False)
                continue
            if a == b:
                ax.plot(
                    coordinates(i),
                    one[i],
                    color="C0",
                    # categories are not ordered: points, not a line between them
                    linestyle="none" if evaluated.kinds[i] == "cat" else "-",
                    marker="o" if len(grids[i]) <= 12 else None,
                    markersize=4,
                )
                ax.axvline(
                    _values(evaluated, i)[best], color="C3", linestyle="--", linewidth=1
                )
                _format_axis(ax, evaluated, i, "x")
                ax.yaxis.tick_right()
                ax.yaxis.set_label_position("right")
                ax.set_ylabel("partial dependence", fontsize="small")
            else:
                x, y = coordinates(j), coordinates(i)
                values = two[i, j]  # (len(y), len(x)): rows follow parameter i
                if (
                    "cat" in (evaluated.kinds[i], evaluated.kinds[j])
                    or min(len(x), len(y)) < 2
                ):
                    image = ax.pcolormesh(
                        x, y, values, norm=norm, cmap=_PD_CMAP, shading="nearest"
                    )
                else:
                    image = ax.contourf(
                        x, y, values, levels=10, norm=norm, cmap=_PD_CMAP
                    )
                px, py = _values(evaluated, j), _values(evaluated, i)
                ax.scatter(px, py, s=8, color="black", edgecolors="none")
                ax.scatter(
                    [px[best]],
                    [py[best]],
                    s=90,
                    marker="*",
                    color="C3",
                    edgecolors="white",
                    linewidths=0.5,
                    zorder=3,
                )
                _format_axis(ax, evaluated, j, "x")
                _format_axis(ax, evaluated, i, "y")
                if b == 0:
                    ax.set_ylabel(evaluated.names[i])
            if a == d - 1:
                ax.set_xlabel(evaluated.names[i if a == b else j])
    if image is not None:
        from matplotlib.cm import ScalarMappable

        fig.colorbar(
            ScalarMappable(norm=norm, cmap=_PD_CMAP),
            ax=axes.ravel().tolist(),
            shrink=0.6,
            label=f"partial dependence of {_score_label(evaluated.metric)}",
        )
    fig.suptitle(
        f"partial dependence ({kind} surrogate, {len(chosen)} points averaged)",
        fontsize="medium",
    )
    return fig, axes


# --------------------------------------------------------------------------
# Pareto front, learning-rate range test
# --------------------------------------------------------------------------


def plot_pareto(search, objectives=None, *, ax=None):
    """Two objectives of every evaluation, with the Pareto front.

    Every evaluation that counts (finite objectives; for a multi-fidelity
    search, the largest budget) is a grey point; the candidates on the
    Pareto front (:func:`sktune.pareto_front`) are highlighted and joined
    by a step line, the boundary of what they dominate.

    Parameters
    ----------
    search : fitted search
        Any fitted search, sktune's or scikit-learn's.
    objectives : dict, list of str or None, default=None
        Two objectives, as :func:`sktune.pareto_front` takes them: names of
        ``cv_results_`` columns or metrics, with ``"max"`` or ``"min"`` in a
        dict (scores are maximised and times minimised by default). ``None``
        takes the search's two metrics, or for a single-metric search its
        score against ``mean_fit_time``.
    ax : matplotlib Axes or None, default=None
        Where to draw; ``None`` makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        Its one line is the front: its data are the front's values, in the
        order of :func:`sktune.pareto_front` (best first objective first).

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from sktune.plot import plot_pareto
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> search = GridSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": [1, 2, 3, 4, 6, 8]},
    ...     scoring=["precision", "recall"],
    ...     refit=False,
    ... ).fit(X, y)
    >>> ax = plot_pareto(search)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('mean_test_precision (max)', 'mean_test_recall (max)')
    >>> len(ax.get_lines()[0].get_xdata())  # candidates on the front
    4
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    from sktune._pareto import (
        objective_values,
        pareto_front,
        resolve_objectives,
    )

    results = _check_search(search)
    if objectives is None:
        names = metric_names(results)
        if len(names) == 1:
            objectives = {names[0]: "max", "mean_fit_time": "min"}
    columns, directions = resolve_objectives(results, objectives)
    if len(columns) != 2:
        raise ValueError(
            "The 'objectives' parameter must give exactly two objectives to plot; "
            f"got {len(columns)}: {columns!r}."
        )
    if not isinstance(objectives, Mapping):
        objectives = dict(zip(columns, directions))
    rows, values = objective_values(results, columns)
    front = pareto_front(search, objectives)
    ax = _new_axes(ax)
    ax.scatter(
        values[:, 0],
        values[:, 1],
        s=16,
        color="0.6",
        edgecolors="none",
        label="evaluations",
    )
    ax.plot(
        front[columns[0]],
        front[columns[1]],
        drawstyle="steps-post",
        color="C3",
        marker="o",
        markersize=5,
        label=f"Pareto front ({len(front['index'])})",
    )
    ax.set_xlabel(f"{columns[0]} ({directions[0]})")
    ax.set_ylabel(f"{columns[1]} ({directions[1]})")
    ax.legend()
    return ax


def plot_lr_range(result, *, ax=None):
    """The loss of a learning-rate range test against the rate.

    The raw loss of each mini-batch (faint), its smoothed curve, the
    suggested rate (dot and vertical line) and the suggested range to
    search (shaded), on a log axis of learning rates.

    Parameters
    ----------
    result : LRRangeResult
        From :func:`sktune.lr_range_test`.
    ax : matplotlib Axes or None, default=None
        Where to draw; ``None`` makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        Its lines: the raw loss, the smoothed loss, the suggested rate (a
        dot on the smoothed loss) and a vertical line at it.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.neural_network import MLPClassifier
    >>> from sktune import lr_range_test
    >>> from sktune.plot import plot_lr_range
    >>> X, y = load_digits(return_X_y=True)
    >>> net = MLPClassifier(hidden_layer_sizes=(16,), solver="sgd", random_state=0)
    >>> result = lr_range_test(net, X / 16, y, min_lr=1e-4, num_iter=50, random_state=0)
    >>> ax = plot_lr_range(result)
    >>> ax.get_xscale(), ax.get_xlabel()
    ('log', 'learning_rate_init')
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    from sktune._lr_range import LRRangeResult

    if not isinstance(result, LRRangeResult):
        raise TypeError(
            "The 'result' parameter must be an LRRangeResult (from "
            f"sktune.lr_range_test); got {_describe(result)}."
        )
    ax = _new_axes(ax)
    rates = np.asarray(result.learning_rates, dtype=float)
    smoothed = np.asarray(result.smoothed_losses, dtype=float)
    low, high = result.suggested_range
    ax.axvspan(
        low, high, color="C2", alpha=0.15, label=f"range {low:.2g} to {high:.2g}"
    )
    ax.plot(rates, result.losses, color="C0", alpha=0.3, linewidth=1, label="loss")
    ax.plot(rates, smoothed, color="C0", linewidth=2, label="smoothed loss")
    suggested = float(result.suggested_lr)
    at = float(np.interp(np.log(suggested), np.log(rates), smoothed))
    ax.plot(
        [suggested],
        [at],
        "o",
        color="C3",
        markersize=7,
        label=f"suggested {suggested:.2g}",
    )
    ax.axvline(suggested, color="C3", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel(result.param)
    ax.set_ylabel("training loss")
    # a diverged tail would squash the informative part of the curve
    until = int(np.argmin(smoothed)) + 1
    losses = np.asarray(result.losses, dtype=float)
    top = np.max(smoothed[:until])
    bottom = min(np.min(smoothed), np.min(losses[:until]))
    span = max(top - bottom, 1e-12)
    ax.set_ylim(bottom - 0.05 * span, top + 0.4 * span)
    ax.legend(fontsize="small")
    return ax
