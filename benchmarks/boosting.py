"""Boosting libraries under multi-fidelity search.

XGBoost (``XGBClassifier(tree_method="hist")``) and LightGBM
(``LGBMClassifier(subsample_freq=1)``), 243 boosting rounds at most, one
thread each, on a synthetic task (``make_classification``: 8,000 rows, 30
features, 12 informative and 6 redundant, 2 classes, 3% flipped labels,
``class_sep=0.8``; 25% held out, stratified; 3-fold stratified CV). The
space: learning rate (log 0.01 to 0.3), tree size (XGBoost ``max_depth`` 2
to 10, LightGBM ``num_leaves`` log 8 to 256), row and column subsampling
(0.5 to 1, 0.4 to 1), ``reg_lambda`` (log 1e-3 to 10) and XGBoost
``min_child_weight`` (log 1e-2 to 10) / LightGBM ``min_child_samples`` (5 to
100). Searched by

- ``halving``: scikit-learn's HalvingRandomSearchCV(resource="n_estimators"),
  81 candidates, factor 3, 3 to 243 rounds: refits every survivor from
  scratch;
- ``sktune-sh``: HyperbandSearchCV with one bracket on that very schedule,
  ``resource`` left at "auto" (boosting rounds, the survivors' boosters
  continued through ``xgb_model`` / ``init_model``, where sktune does so;
  else whatever "auto" picks: the per-run line prints ``resource_``);
- ``sktune-hb``: HyperbandSearchCV with every default but ``cv`` and
  ``random_state`` (the default single bracket from 3 to the estimator's
  243 rounds, 81 configurations);
- ``sktune-all``: the same with ``n_brackets="all"`` (5 brackets, 143
  configurations: Hyperband's hedging);
- ``random``: RandomizedSearchCV, 20 configurations at the full 243 rounds;
- ``optuna-tpe``: OptunaSearchCV with a seeded TPE sampler at equal CPU: a
  ``timeout`` of the CPU seconds of ``sktune-hb`` on the same seed earlier
  in the run (else ``--optuna-timeout``), up to 1,000 trials (the timeout
  stops new trials, so the last one and the refit run over it).

Reports, per run, held-out accuracy of the refitted best model, CPU seconds
of the whole search (``time.process_time``, refit included) and boosting
rounds trained over all folds, refit excluded: ``rounds`` adds each
evaluation's rounds (``budget_used`` of sktune where present, else
``budget``; ``n_resources`` of halving; 243 per configuration of random and
per Optuna trial), what refitting from scratch costs; for sktune with a
rounds resource ``rounds_continued`` adds only each evaluation's rounds
beyond the same candidate's previous rung, what continuing costs; with a
rows resource each evaluation trains all 243 rounds on a subsample. Then a
table per library: medians over seeds, and the median over seeds of the
per-seed CPU ratios of ``sktune-sh`` and ``sktune-hb`` (whose default single
bracket is Halving's schedule) to ``halving`` and of ``sktune-hb`` to
``random``. Seeds are the outer loop and methods the inner one, so that the
machine's drift in speed over minutes stays out of the ratios.

    python benchmarks/boosting.py --seeds 3 \
        --methods halving sktune-hb random optuna-tpe
    python benchmarks/boosting.py --seeds 3
    python benchmarks/boosting.py --seeds 3 --library lightgbm --classes 3
    python benchmarks/boosting.py --seeds 3 --methods sktune-hb optuna-tpe
"""

import os

# One BLAS/OpenMP thread, before numpy loads (2 threads under load run far slower).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import importlib.metadata  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _common import (  # noqa: E402
    optuna_space,
    optuna_study,
    save,
    scipy_space,
    sktune_space,
)
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.experimental import enable_halving_search_cv  # noqa: E402, F401
from sklearn.model_selection import (  # noqa: E402
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)

from sktune import HyperbandSearchCV  # noqa: E402

LIBRARIES = ("xgboost", "lightgbm")
METHODS = ("halving", "sktune-sh", "sktune-hb", "sktune-all", "random", "optuna-tpe")
ROUNDS = 243  # the largest budget in boosting rounds (27 with --quick)
MIN_ROUNDS = 3
RANDOM_ITER = 20  # RandomizedSearchCV's configurations (5 with --quick)
OPTUNA_TRIALS = 1000  # an upper bound: the timeout ends the study

# (low, high, kind) as in _common: "log", "int", "intlog" or "real".
BOUNDS = {
    "xgboost": {
        "learning_rate": (0.01, 0.3, "log"),
        "max_depth": (2, 10, "int"),
        "subsample": (0.5, 1.0, "real"),
        "colsample_bytree": (0.4, 1.0, "real"),
        "reg_lambda": (1e-3, 10.0, "log"),
        "min_child_weight": (1e-2, 10.0, "log"),
    },
    "lightgbm": {
        "learning_rate": (0.01, 0.3, "log"),
        "num_leaves": (8, 256, "intlog"),
        "subsample": (0.5, 1.0, "real"),
        "colsample_bytree": (0.4, 1.0, "real"),
        "reg_lambda": (1e-3, 10.0, "log"),
        "min_child_samples": (5, 100, "int"),
    },
}


def estimator(library):
    if library == "xgboost":
        from xgboost import XGBClassifier

        return XGBClassifier(
            n_estimators=ROUNDS, tree_method="hist", n_jobs=1, verbosity=0
        )
    from lightgbm import LGBMClassifier

    # subsample (bagging) only acts with a bagging frequency.
    return LGBMClassifier(n_estimators=ROUNDS, subsample_freq=1, n_jobs=1, verbose=-1)


def make(library, method, seed, timeout):
    est, bounds = estimator(library), BOUNDS[library]
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    if method == "halving":
        return HalvingRandomSearchCV(
            est,
            scipy_space(bounds),
            n_candidates=ROUNDS // MIN_ROUNDS,
            resource="n_estimators",
            factor=3,
            min_resources=MIN_ROUNDS,
            max_resources=ROUNDS,
            cv=cv,
            random_state=seed,
        )
    if method == "sktune-sh":
        # resource stays "auto": what sktune picks for a booster is measured.
        return HyperbandSearchCV(
            est,
            sktune_space(bounds),
            n_brackets=1,
            min_resource=MIN_ROUNDS,
            max_resource=ROUNDS,
            factor=3,
            cv=cv,
            random_state=seed,
        )
    if method == "sktune-hb":
        return HyperbandSearchCV(est, sktune_space(bounds), cv=cv, random_state=seed)
    if method == "sktune-all":
        return HyperbandSearchCV(
            est, sktune_space(bounds), n_brackets="all", cv=cv, random_state=seed
        )
    if method == "random":
        return RandomizedSearchCV(
            est, scipy_space(bounds), n_iter=RANDOM_ITER, cv=cv, random_state=seed
        )
    if method == "optuna-tpe":
        from optuna_integration import OptunaSearchCV

        return OptunaSearchCV(
            est,
            optuna_space(bounds),
            n_trials=OPTUNA_TRIALS,
            timeout=timeout,
            cv=cv,
            study=optuna_study("tpe", seed),  # quiet, TPESampler(seed=seed)
            random_state=seed,
            n_jobs=1,
        )
    raise ValueError(method)


def rounds_trained(method, search):
    """``(rounds, rounds_continued)`` over all folds, the refit excluded.

    ``rounds`` adds every evaluation's rounds, as if each were trained from
    scratch; ``rounds_continued`` (sktune with a rounds resource, else None)
    adds only the rounds beyond the same candidate's previous rung.
    """
    results, n_splits = search.cv_results_, search.n_splits_
    if method == "halving":
        return int(np.sum(results["n_resources"])) * n_splits, None
    if method == "random":
        return len(results["params"]) * ROUNDS * n_splits, None
    if method == "optuna-tpe":
        return len(search.trials_) * ROUNDS * n_splits, None
    if search.resource_ == "n_samples":  # every evaluation trains all rounds
        return len(results["budget"]) * ROUNDS * n_splits, None
    used = np.asarray(results.get("budget_used", results["budget"]), dtype=float)
    previous, continued = {}, 0.0
    for i, params in enumerate(results["params"]):
        key = (
            int(results["bracket"][i]),
            repr(sorted((k, v) for k, v in params.items() if k != search.resource_)),
        )
        continued += used[i] - previous.get(key, 0.0)
        previous[key] = used[i]
    return float(used.sum() * n_splits), float(continued * n_splits)


def library_versions():
    out = {}
    for name in ("xgboost", "lightgbm"):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def _median_ratio(runs, peer_runs):
    return float(np.median([a["cpu"] / b["cpu"] for a, b in zip(runs, peer_runs)]))


def summary(library, payload, methods):
    ok = {m: [r for r in payload[m] if "error" not in r] for m in methods}
    cpu = {m: np.median([r["cpu"] for r in runs]) for m, runs in ok.items() if runs}
    print(f"\n{library}: medians over seeds", flush=True)
    print(
        f"{'method':11s} {'held-out':>8s} {'cpu s':>7s} {'rounds':>8s} "
        f"{'continued':>9s}  cpu ratio"
    )
    # sktune-hb's default single bracket is Halving's schedule too (3 to 243)
    peers = {
        "sktune-sh": ("halving",),
        "sktune-hb": ("halving", "random"),
        "sktune-all": ("random",),
    }
    for method, runs in ok.items():
        if not runs:
            print(f"{method:11s} all runs failed")
            continue
        held = np.median([r["held_out"] for r in runs])
        rounds = np.median([r["rounds"] for r in runs])
        cont = [r["rounds_continued"] for r in runs if r["rounds_continued"]]
        cont = f"{np.median(cont):9.0f}" if cont else f"{'-':>9s}"
        # the median of the per-seed ratios (the seeds ran side by side)
        ratio = ", ".join(
            f"{_median_ratio(ok[method], ok[peer]):.2f} x {peer}"
            for peer in peers.get(method, ())
            if ok.get(peer)
        )
        if method == "optuna-tpe":
            ratio = f"{np.median([r['n_trials'] for r in runs]):.0f} trials"
        cells = f"{held:8.4f} {cpu[method]:7.1f} {rounds:8.0f} {cont}"
        print(f"{method:11s} {cells}  {ratio}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    parser.add_argument(
        "--library", nargs="+", choices=LIBRARIES, default=list(LIBRARIES)
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--n-samples", type=int, default=8000)
    parser.add_argument("--classes", type=int, default=2)
    parser.add_argument(
        "--optuna-timeout",
        type=float,
        default=60.0,
        help="seconds for optuna-tpe when sktune-hb did not run before it",
    )
    # A smoke test: 27 rounds at most, 9 halving candidates, 5 random ones,
    # nothing saved.
    parser.add_argument("--quick", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global ROUNDS, RANDOM_ITER
    if args.quick:
        ROUNDS, RANDOM_ITER = 27, 5

    X, y = make_classification(
        n_samples=args.n_samples,
        n_features=30,
        n_informative=12,
        n_redundant=6,
        n_classes=args.classes,
        flip_y=0.03,
        class_sep=0.8,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )

    for library in args.library:
        # Seeds outer, methods inner: the machine's speed drifts over minutes,
        # and interleaving keeps that drift out of the ratios.
        payload = {method: [] for method in args.methods}
        for seed in range(args.seeds):
            for method in args.methods:
                timeout = args.optuna_timeout
                last = payload.get("sktune-hb", [])[-1:]
                if method == "optuna-tpe" and last and "cpu" in last[0]:
                    timeout = last[0]["cpu"]  # at equal CPU: this seed's sktune-hb
                search = make(library, method, seed, timeout)
                start = time.process_time()
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        search.fit(X_train, y_train)
                except Exception as exc:  # an unfinished sktune change, say
                    payload[method].append({"error": f"{type(exc).__name__}: {exc}"})
                    print(library, method, seed, payload[method][-1], flush=True)
                    continue
                cpu = time.process_time() - start
                rounds, continued = rounds_trained(method, search)
                run = {
                    "held_out": float(search.score(X_test, y_test)),
                    "cpu": cpu,
                    "rounds": rounds,
                    "rounds_continued": continued,
                    "best_params": {
                        k: float(v) for k, v in search.best_params_.items()
                    },
                }
                if method.startswith("sktune"):
                    run["resource"] = search.resource_
                if method == "optuna-tpe":
                    run["n_trials"] = len(search.trials_)
                    run["timeout"] = timeout
                payload[method].append(run)
                print(library, method, seed, run, flush=True)
        summary(library, payload, args.methods)
        payload["settings"] = {
            "n_samples": args.n_samples,
            "classes": args.classes,
            "rounds": ROUNDS,
            "libraries": library_versions(),
        }
        if args.quick:
            continue
        name = f"boosting-{library}"
        if args.classes != 2:
            name += f"-{args.classes}class"
        if args.n_samples != 8000:
            name += f"-n{args.n_samples}"
        if list(args.methods) != list(METHODS):
            name += "-" + "-".join(args.methods)
        save(name, payload)


if __name__ == "__main__":
    main()
