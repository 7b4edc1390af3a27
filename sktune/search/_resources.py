"""How one estimator goes from budget ``a`` to budget ``b``.

Kinds of resource (``Resource.kind``):

``"epochs"``
    skorch nets: ``max_epochs``; trained further with
    ``partial_fit(X, y, epochs=b - a)``.
``"partial_fit"``
    estimators with ``partial_fit`` and ``max_iter`` (SGD, Perceptron,
    passive-aggressive): one unit is one pass over the training rows,
    ``classes=`` on the first call. (Naive Bayes has no pass count: a second
    pass would count the rows twice, so ``"auto"`` gives it ``"n_samples"``.)
``"warm_start"``
    ``warm_start`` estimators whose parameter counts the total
    (``n_estimators`` of forests, boosting, bagging; ``max_iter`` of
    HistGradientBoosting): set it to ``b`` and fit again.
``"warm_start_increment"``
    ``warm_start`` estimators whose parameter counts per call (``max_iter``
    of LogisticRegression and of the MLPs): fit again for ``b - a``. MLPs
    have ``partial_fit`` too, but (1) it keeps the optimiser built by the
    first call, so a learning rate changed by ``set_params`` (PBT's explore)
    is silently ignored, and (2) scikit-learn validates the data on every
    call, which made an epoch 1.1 to 1.8 times dearer than inside one
    ``fit`` on digits. A warm-started ``fit`` of ``b - a`` epochs uses the
    current ``learning_rate_init`` and costs what ``fit`` costs; the price
    is that Adam's (or momentum's) running averages restart at each rung or
    step.
``"boosting"``
    XGBoost, LightGBM and CatBoost: their boosting rounds, continued through
    each library's own ``fit`` argument (``xgb_model``, ``init_model``), with
    their early stopping on rows held out of the training fold
    (:mod:`sktune.search._boosting`).
``"restart"``
    any other integer parameter: a fresh fit with the parameter set to ``b``
    (what scikit-learn's successive-halving searches always do).
``"n_samples"``
    a fresh fit on the first ``b`` rows of a fixed shuffle of the fold's
    training rows (never of its validation rows).

Inside a :class:`~sklearn.pipeline.Pipeline` the resource belongs to the
final step (``"clf__n_estimators"``); for the pass-based kinds and boosters
the preceding steps are fitted on the first call and only transform
afterwards.

:func:`advance` also returns how far the model really trained: less than the
budget when it converged by its own criterion (an MLP's or a linear model's
``tol``, a boosting model's early stopping, skorch's ``EarlyStopping``), and
a continuation search then stops spending budget on it.
"""

import inspect
import numbers
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn import get_config
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metadata_routing import process_routing

from sktune.search import _boosting
from sktune.utils._sklearn_compat import _safe_split


@dataclass(frozen=True)
class Resource:
    """What the budget is and how an estimator continues on it."""

    kind: str
    param: str | None  # full parameter name, e.g. "clf__n_estimators"
    # the class of the final step ``kind`` was read off; a model whose final
    # step is another class (a swapped pipeline step) continues its own way
    final_type: type | None = None

    def default_max(self, estimator):
        """The user's own value of the resource parameter, if any."""
        if self.param is None:
            return None
        if self.kind == "boosting":
            return _boosting.default_rounds(_final_step(estimator)[1])
        value = estimator.get_params().get(self.param)
        return value if isinstance(value, (int, np.integer)) else None


def _final_step(estimator):
    """``(prefix, final estimator)``; the prefix is ``"name__"`` in a Pipeline."""
    if isinstance(estimator, Pipeline):
        name, step = estimator.steps[-1]
        inner_prefix, inner = _final_step(step)
        return f"{name}__{inner_prefix}", inner
    return "", estimator


def _is_skorch(est):
    return (
        hasattr(est, "partial_fit")
        and "max_epochs" in est.get_params(deep=False)
        and (hasattr(est, "train_split"))
    )


def _is_total_max_iter(est):
    # HistGradientBoosting counts max_iter in total when warm-started.
    return type(est).__name__.startswith("HistGradientBoosting")


def _kind_for(est, name):
    """The continuation kind for parameter ``name`` of the final step."""
    params = est.get_params(deep=False)
    if name == "max_epochs" and _is_skorch(est):
        return "epochs"
    if _boosting.is_rounds_param(est, name):
        return "boosting"
    if name == "n_estimators" and "warm_start" in params:
        return "warm_start"
    if name == "max_iter":
        if _is_total_max_iter(est) and "warm_start" in params:
            return "warm_start"
        if isinstance(est, (MLPClassifier, MLPRegressor)) and "warm_start" in params:
            return "warm_start_increment"
        if hasattr(est, "partial_fit"):
            return "partial_fit"
        if "warm_start" in params:
            return "warm_start_increment"
    return "restart"


def resolve_resource(estimator, resource, searched=(), rows_fallback=True):
    """Parse the ``resource`` parameter of a continuation search.

    Parameters
    ----------
    estimator : estimator
    resource : "auto", "n_samples" or str
        A parameter name of ``estimator`` (of its final step in a pipeline).
    searched : iterable of str
        Names of the searched parameters: the resource may not be one.
    rows_fallback : bool, default=True
        For ``"auto"``: budget rows when the estimator's training length is
        searched (with a warning); False raises instead.
    """
    prefix, final = _final_step(estimator)
    if resource == "n_samples":
        return Resource("n_samples", None)
    if resource == "auto":
        params = final.get_params(deep=False)
        if _is_skorch(final):
            name = "max_epochs"
        elif _boosting.library(final) is not None:
            name = _boosting.rounds_param(final)
        elif "n_estimators" in params and "warm_start" in params:
            name = "n_estimators"
        elif "max_iter" in params and (
            hasattr(final, "partial_fit") or _is_total_max_iter(final)
        ):
            name = "max_iter"
        elif "max_iter" in params and "warm_start" in params:
            name = "max_iter"
        else:
            return Resource("n_samples", None)
        if prefix + name in set(searched):
            # The user searches the training length itself (a skorch grid
            # over max_epochs): it stays searched, and the budget is rows.
            if not rows_fallback:
                raise ValueError(
                    f"The search space holds {prefix + name!r}, the training "
                    "length this search budgets itself; leave it out of the "
                    "space (set it on the estimator, or give n_steps / "
                    "step_size) or give another resource."
                )
            warnings.warn(
                f"resource='auto' would budget {prefix + name!r}, which is "
                "searched; the budget is a subsample of each training fold "
                "(resource='n_samples') instead.",
                UserWarning,
                stacklevel=3,
            )
            return Resource("n_samples", None)
        resource = prefix + name
    if not isinstance(resource, str):
        raise TypeError(
            "The 'resource' parameter must be 'auto', 'n_samples' or a parameter "
            f"name; got {resource!r}."
        )
    all_params = estimator.get_params(deep=True)
    if resource.startswith(prefix) and _boosting.is_rounds_param(
        final, resource[len(prefix) :]
    ):
        all_params[resource] = None  # CatBoost lists only the parameters set
    if resource not in all_params:
        raise ValueError(
            f"The 'resource' parameter {resource!r} is not a parameter of "
            f"{type(estimator).__name__}; use 'auto', 'n_samples' or one of "
            f"{sorted(all_params)!r}."
        )
    if not resource.startswith(prefix) or "__" in resource[len(prefix) :]:
        if prefix:
            raise ValueError(
                f"The 'resource' parameter {resource!r} must belong to the final "
                f"step of the pipeline (a parameter starting with {prefix!r})."
            )
        raise ValueError(
            f"The 'resource' parameter {resource!r} belongs to an estimator "
            f"inside {type(estimator).__name__}; the search continues a "
            "parameter of the estimator itself (or of a Pipeline's final step). "
            "Use 'n_samples' or a parameter of "
            f"{type(estimator).__name__}."
        )
    if resource in set(searched):
        raise ValueError(
            f"The resource {resource!r} is also a searched parameter; remove it "
            "from the search space: the search sets it to each rung's budget."
        )
    return Resource(_kind_for(final, resource[len(prefix) :]), resource, type(final))


def resolve_for_space(estimator, resource, spaces, rows_fallback=True):
    """:func:`resolve_resource`, also for the final steps a space swaps in.

    ``{"clf": [RandomForestClassifier(), SVC()]}`` searches the final step of
    a pipeline: the resource must exist for every choice. With ``"auto"``,
    choices that continue differently (or not at all) make the budget rows
    (with a warning; PBT refuses); a named resource that a choice lacks is
    refused before any fit, naming the step and the choice. Choices that
    continue by other means through the same parameter (SGD's ``max_iter``
    by passes, LogisticRegression's by warm starts) each continue their own
    way (:func:`advance` reads the kind off each model).
    """
    searched = {name for space in spaces for name in space.names}
    chosen = resolve_resource(estimator, resource, searched, rows_fallback)
    if not isinstance(estimator, Pipeline) or chosen.param is None:
        return chosen
    step = estimator.steps[-1][0]
    choices = [
        value
        for space in spaces
        for name, dim in zip(space.names, space.dimensions)
        if name == step
        for value in getattr(dim, "choices", ())
        if hasattr(value, "get_params")
    ]
    for choice in choices:
        variant = clone(estimator).set_params(**{step: clone(choice)})
        if resource == "auto":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                other = resolve_resource(variant, "auto", searched - {step})
            if other.param == chosen.param:
                continue
            own = type(_final_step(estimator)[1]).__name__
            message = (
                f"The search space swaps the final step {step!r} for "
                f"{type(choice).__name__}, which continues through "
                f"{other.param or 'rows'} where {own} continues through "
                f"{chosen.param!r}"
            )
            if not rows_fallback:
                raise ValueError(message + "; give resource= one they all have.")
            warnings.warn(
                message + "; the budget is a subsample of each training fold "
                "(resource='n_samples') instead.",
                UserWarning,
                stacklevel=3,
            )
            return Resource("n_samples", None)
        if chosen.param not in variant.get_params(deep=True):
            raise ValueError(
                f"The search space swaps the final step {step!r} for "
                f"{type(choice).__name__}, which has no {chosen.param!r} (the "
                "resource); give a resource every choice has, or "
                "resource='n_samples'."
            )
    return chosen


def _accepts(method, name):
    """Whether ``method`` takes a keyword ``name`` (or any keyword)."""
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(
        p.name == name or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters
    )


def fit_only(model, fit_params):
    """``fit_params`` less those only the final step's ``partial_fit`` takes.

    ``fit(X, y, classes=...)`` is how dask-ml's searches are called: ``classes``
    goes to ``partial_fit``, and a plain ``fit`` (a restart, the refit) must
    not receive it.
    """
    prefix, final = _final_step(model)
    partial_fit = getattr(final, "partial_fit", None)
    if partial_fit is None:
        return fit_params
    kept = {}
    for key, value in fit_params.items():
        name = key[len(prefix) :] if prefix and key.startswith(prefix) else key
        if (
            (not prefix or key.startswith(prefix))
            and _accepts(partial_fit, name)
            and not _accepts(final.fit, name)
        ):
            continue
        kept[key] = value
    return kept


def _fit_params_for(prefix, fit_params):
    """Fit parameters routed to the final step of a pipeline."""
    if not prefix:
        return fit_params
    return {
        key[len(prefix) :]: value
        for key, value in fit_params.items()
        if key.startswith(prefix)
    }


def _pipeline_fit_params(pipeline, fit_params):
    """``(head's, final step's)`` fit parameters of a pipeline whose last step
    is trained by ``partial_fit``, routed as ``Pipeline.fit`` would route them.
    """
    final_name = pipeline.steps[-1][0]
    head_names = {name for name, _ in pipeline.steps[:-1]}
    if not get_config().get("enable_metadata_routing", False):
        head = {
            key: value
            for key, value in fit_params.items()
            if key.split("__", 1)[0] in head_names
        }
        prefix, _ = _final_step(pipeline[-1])
        return head, _fit_params_for(f"{final_name}__{prefix}", fit_params)
    # metadata routing: what each step requested for fit
    routed = process_routing(pipeline, "fit", **fit_params)
    head = {}
    for name in head_names:
        head.update(routed[name].get("fit_transform", {}))
        head.update(routed[name].get("fit", {}))
    return head, dict(routed[final_name].get("fit", {}))


def _reached(final, kind, param, done, budget):
    """How far a model fitted towards ``budget`` got by its own criterion."""
    name = param.rsplit("__", 1)[-1] if param else ""
    if kind == "warm_start":
        # HistGradientBoosting's n_iter_, GradientBoosting's n_estimators_
        # (both count in total); forests have neither
        count = getattr(final, "n_iter_", getattr(final, "n_estimators_", None))
    elif kind == "warm_start_increment":
        count = getattr(final, "n_iter_", None)  # iterations of this fit
        count = None if count is None else done + int(np.max(count))
    elif kind == "restart" and name == "max_iter":
        count = getattr(final, "n_iter_", None)
        count = None if count is None else int(np.max(count))
    else:
        count = None
    if count is None or not isinstance(count, (int, np.integer)):
        return budget
    return int(min(budget, max(count, done)))


def _stalled(final, X, y, state):
    """One pass of ``partial_fit`` later: did the training score improve by
    the estimator's ``tol`` within its last ``n_iter_no_change`` passes?

    ``partial_fit`` never applies ``tol`` (only ``fit`` does); this applies
    it to the training score, the estimator's own convergence criterion
    read on what its ``score`` measures. ``state`` is ``[best, count]``.
    """
    score = final.score(X, y)
    if score > state[0] + final.tol:
        state[:] = [score, 0]
        return False
    state[0] = max(state[0], score)
    state[1] += 1
    return state[1] >= final.n_iter_no_change


def _checks_convergence(final):
    params = final.get_params(deep=False)
    return (
        isinstance(params.get("tol"), numbers.Real)
        and isinstance(params.get("n_iter_no_change"), numbers.Integral)
        and params["n_iter_no_change"] > 0
    )


def advance(
    model, resource, X, y, rows, fit_params, done, budget, classes, converge=False
):
    """Train ``model`` (fitted to budget ``done``, or unfitted if 0) to ``budget``.

    ``rows`` are the training rows (already the subsample for
    ``"n_samples"``); ``fit_params`` are sliced to them. Returns the model,
    which may be a new object, and the budget it really reached: less than
    ``budget`` when it converged first (then training it further changes
    nothing, or too little to matter by its own ``tol``). ``converge=True``
    (Hyperband) also applies ``tol`` and ``n_iter_no_change`` to models
    trained by ``partial_fit``: SGD and its kin by a warm-started ``fit`` of
    the increment (whose own test applies them), others by their training
    score after each pass. By default every pass of the budget is made
    (PBT, whose later steps may change the learning rate).
    """
    # a precomputed kernel or distance matrix is cut on both axes
    X_train, y_train = _safe_split(model, X, y, rows)
    kind, param = resource.kind, resource.param
    prefix, final = _final_step(model)
    if param is not None and resource.final_type is not None:
        if type(final) is not resource.final_type:
            # a swapped final step may continue otherwise
            kind = _kind_for(final, param[len(prefix) :])
    if (
        kind == "partial_fit"
        and converge
        and "warm_start" in final.get_params(deep=False)
        and _checks_convergence(final)
    ):
        # SGD and its kin: a warm-started fit of the increment applies the
        # estimator's own tol at the cost of one pass inside fit (a
        # partial_fit call validates the data each time: 8 ms a pass against
        # 2.4 ms inside fit, SGD on digits)
        kind = "warm_start_increment"
    if kind == "boosting" and isinstance(model, Pipeline):
        if isinstance(model[-1], Pipeline):
            kind = "restart"  # a pipeline in a pipeline: boosters refit
    if kind in ("restart", "n_samples"):
        model = clone(model)
        if param is not None:
            model.set_params(**{param: budget})
        model.fit(X_train, y_train, **fit_only(model, fit_params))
        if kind == "n_samples":
            return model, budget
        return model, _reached(_final_step(model)[1], kind, param, done, budget)
    if kind in ("warm_start", "warm_start_increment"):
        fit_params = fit_only(model, fit_params)
        user_warm = model.get_params()[prefix + "warm_start"]
        warm = {prefix + "warm_start": True} if done else {}
        count = budget if kind == "warm_start" else budget - done
        model.set_params(**warm, **{param: count})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train, **fit_params)
        # The fitted model shows the budget it has, and the user's warm_start.
        model.set_params(**{prefix + "warm_start": user_warm, param: budget})
        return model, _reached(final, kind, param, done, budget)
    if kind == "boosting":
        if isinstance(model, Pipeline):
            head_params, final_params = _pipeline_fit_params(model, fit_params)
        else:
            head_params, final_params = {}, fit_params
        return _boosting.advance_booster(
            model, X_train, y_train, final_params, done, budget, head_params
        )
    # Pass-based kinds: fit the preceding steps once, then continue the last.
    if isinstance(model, Pipeline):
        head = model[:-1]
        head_params, final_params = _pipeline_fit_params(model, fit_params)
        if len(head.steps) and done == 0:
            X_train = head.fit_transform(X_train, y_train, **head_params)
        elif len(head.steps):
            X_train = head.transform(X_train)
        _, final = _final_step(model[-1])
    else:
        final_params = fit_params
    # the search's classes: the user's own ``classes=`` when given
    final_params = {k: v for k, v in final_params.items() if k != "classes"}
    first = {"classes": classes} if done == 0 and is_classifier(final) else {}
    if kind == "epochs":
        before = len(final.history) if done else 0
        final.partial_fit(
            X_train, y_train, epochs=budget - done, **first, **final_params
        )
        if param is not None:
            model.set_params(**{param: budget})
        # skorch's EarlyStopping ends partial_fit before its epochs are done
        return model, min(budget, done + len(final.history) - before)
    if final.get_params(deep=False).get("class_weight") == "balanced":
        # partial_fit refuses "balanced" (it sees one batch at a time); the
        # weights fit would compute, from the fold's labels, do the same
        labels = np.unique(y_train)
        weights = compute_class_weight("balanced", classes=labels, y=y_train)
        final.set_params(class_weight=dict(zip(labels.tolist(), weights)))
    # the convergence test's state travels with the model across rungs
    state = getattr(final, "_sktune_convergence", None) or [-np.inf, 0]
    checks = converge and _checks_convergence(final) and y_train is not None
    reached = budget
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for step in range(done, budget):
            final.partial_fit(X_train, y_train, **first, **final_params)
            first = {}
            if checks and _stalled(final, X_train, y_train, state):
                reached = step + 1
                break
    if checks:
        final._sktune_convergence = state
    if param is not None:
        model.set_params(**{param: budget})
    return model, reached
