"""Early stopping: BayesSearchCV(early_stopping=True) vs a fixed n_iter.

Each problem and seed runs the same search twice, with n_iter=100: once with
early_stopping=True (Makarova et al., 2022: stop when the GP's regret bound
falls below the CV noise of the best candidate) and once to the end. Up to the
stop both propose the same candidates, so the comparison is exactly "what did
the evaluations after the stop buy": evaluations used, best CV score and the
held-out accuracy (20% test set) of the refitted best model. Spaces are those
of benchmarks/models.py (Bayesmark's) for the trees, a scaled RBF SVC, and a
small gradient-boosting one.

    OMP_NUM_THREADS=1 python benchmarks/stopping.py             # 4 problems, 5 seeds
    OMP_NUM_THREADS=1 python benchmarks/stopping.py --problems SVC-breast --seeds 2
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _common import save, sktune_space  # noqa: E402
from models import TREE  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits, load_wine  # noqa: E402
from sklearn.ensemble import (  # noqa: E402
    GradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.model_selection import StratifiedKFold, train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from sktune import BayesSearchCV  # noqa: E402

PROBLEMS = {
    "SVC-breast": (
        load_breast_cancer,
        make_pipeline(StandardScaler(), SVC()),
        {"svc__C": (1e-2, 1e3, "log"), "svc__gamma": (1e-5, 1e0, "log")},
    ),
    "DT-digits": (load_digits, DecisionTreeClassifier(random_state=0), TREE),
    "RF-digits": (
        load_digits,
        RandomForestClassifier(n_estimators=10, random_state=0),
        TREE,
    ),
    "GB-wine": (
        load_wine,
        GradientBoostingClassifier(n_estimators=20, random_state=0),
        {
            "learning_rate": (1e-3, 1.0, "log"),
            "max_depth": (1, 5, "int"),
            "subsample": (0.3, 1.0, "real"),
            "min_samples_leaf": (1, 20, "int"),
        },
    ),
}


def run(problem, seed, n_iter, early_stopping):
    load, estimator, bounds = PROBLEMS[problem]
    X, y = load(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y
    )
    search = BayesSearchCV(
        estimator,
        sktune_space(bounds),
        n_iter=n_iter,
        cv=StratifiedKFold(5, shuffle=True, random_state=0),
        random_state=seed,
        early_stopping=early_stopping,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X_train, y_train)
        held_out = search.score(X_test, y_test)
    return {
        "n_evaluations": int(search.n_iter_),
        "best_cv": float(search.best_score_),
        "held_out": float(held_out),
        "seconds": time.perf_counter() - start,
        "stopping_reason": search.stopping_reason_,
        "regret_bounds": search.regret_bounds_.tolist(),
        "trace": np.fmax.accumulate(search.cv_results_["mean_test_score"]).tolist(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--n-iter", type=int, default=100)
    args = parser.parse_args()

    payload = {}
    print(
        f"{'problem':11s} {'evals':>11s} {'best CV stop/full':>18s} "
        f"{'held-out stop/full':>19s} {'seconds stop/full':>18s}"
    )
    for problem in args.problems:
        rows = []
        for seed in range(args.seeds):
            stopped = run(problem, seed, args.n_iter, True)
            full = run(problem, seed, args.n_iter, False)
            rows.append({"seed": seed, "stopped": stopped, "full": full})
            print(
                f"  seed {seed}: {stopped['n_evaluations']:3d} evals, best CV "
                f"{stopped['best_cv']:.4f} / {full['best_cv']:.4f}, held-out "
                f"{stopped['held_out']:.4f} / {full['held_out']:.4f}",
                flush=True,
            )
        payload[problem] = rows

        def median(which, key, rows=rows):
            return np.median([r[which][key] for r in rows])

        evals = [r["stopped"]["n_evaluations"] for r in rows]
        print(
            f"{problem:11s} {np.median(evals):4.0f} [{min(evals)}-{max(evals)}] "
            f"{median('stopped', 'best_cv'):.4f}/{median('full', 'best_cv'):.4f}   "
            f"{median('stopped', 'held_out'):.4f}/{median('full', 'held_out'):.4f}   "
            f"{median('stopped', 'seconds'):6.1f}/{median('full', 'seconds'):6.1f}",
            flush=True,
        )
    save("stopping", payload)


if __name__ == "__main__":
    main()
