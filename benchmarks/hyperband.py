"""Multi-fidelity search: continuing training against refitting it.

MLPClassifier on digits (alpha, learning_rate_init, hidden units, batch size;
81 epochs at most; 3-fold CV; held-out 25% test set), searched by

- ``halving``: scikit-learn's HalvingRandomSearchCV(resource="max_iter"),
  81 candidates, factor 3, 1 to 81 epochs: refits every survivor from scratch;
- ``sktune-sh``: HyperbandSearchCV with one bracket on that very schedule,
  continuing the survivors' models (``partial_fit`` passes);
- ``sktune-hb``: full Hyperband (5 brackets) from 1 to 81 epochs;
- ``random``: RandomizedSearchCV, 24 configurations at the full 81 epochs.

Reports held-out accuracy of the refitted best model, CPU seconds of the
whole search (refit included) and epochs trained during the search.

    python benchmarks/hyperband.py --seeds 3
"""

import os

# One BLAS thread, before numpy loads (2 threads under load run far slower).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _common import save  # noqa: E402
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

R = 81
METHODS = ("halving", "sktune-sh", "sktune-hb", "random")


def log_int(low, high):
    return [int(v) for v in np.unique(np.geomspace(low, high, 32).round())]


def make(method, seed):
    mlp = MLPClassifier(max_iter=R, tol=0.0, random_state=0)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
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
    if method == "halving":
        return HalvingRandomSearchCV(
            mlp,
            scipy_space,
            n_candidates=R,
            resource="max_iter",
            factor=3,
            min_resources=1,
            max_resources=R,
            cv=cv,
            random_state=seed,
        )
    if method == "random":
        return RandomizedSearchCV(mlp, scipy_space, n_iter=24, cv=cv, random_state=seed)
    return HyperbandSearchCV(
        mlp,
        sktune_space,
        resource="max_iter",
        max_resource=R,
        min_resource=1,
        factor=3,
        n_brackets=1 if method == "sktune-sh" else "auto",
        cv=cv,
        random_state=seed,
    )


def epochs_trained(method, search):
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16, y, test_size=0.25, random_state=0, stratify=y
    )
    payload = {}
    for method in args.methods:
        runs = []
        for seed in range(args.seeds):
            search = make(method, seed)
            start = time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                search.fit(X_train, y_train)
            cpu = time.process_time() - start
            runs.append(
                {
                    "held_out": float(search.score(X_test, y_test)),
                    "cpu": cpu,
                    "epochs": epochs_trained(method, search),
                    "best_params": {
                        k: float(v) for k, v in search.best_params_.items()
                    },
                }
            )
            print(method, seed, runs[-1], flush=True)
        payload[method] = runs
        print(
            f"{method:10s} held-out {np.median([r['held_out'] for r in runs]):.4f}  "
            f"cpu {np.median([r['cpu'] for r in runs]):.1f} s  "
            f"epochs {np.median([r['epochs'] for r in runs]):.0f}",
            flush=True,
        )
    save("hyperband-" + "-".join(args.methods), payload)


if __name__ == "__main__":
    main()
