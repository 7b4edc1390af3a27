"""Real models on bundled data: best CV accuracy and held-out accuracy.

Spaces are Bayesmark's (Turner et al., 2021) classification spaces, on data
that is not scaled, as Bayesmark does: they leave room for a good search to
beat random search. Each search gets the same folds, budget and seeds; the
held-out score is the accuracy of the refitted best model on a 20% test set.

    python benchmarks/models.py                    # 5 seeds, 30 evaluations
    python benchmarks/models.py --methods sktune random --seeds 2
"""

import argparse
import time
import warnings

import numpy as np
from _common import best_trace, make_search, save
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

TREE = {
    "max_depth": (1, 15, "int"),
    "min_samples_split": (0.01, 0.99, "real"),
    "min_samples_leaf": (0.01, 0.49, "real"),
    "min_weight_fraction_leaf": (0.01, 0.49, "real"),
    "max_features": (0.01, 0.99, "real"),
    "min_impurity_decrease": (0.0, 0.5, "real"),
}
PROBLEMS = {
    "DT-digits": (load_digits, DecisionTreeClassifier(random_state=0), TREE),
    "RF-digits": (
        load_digits,
        RandomForestClassifier(n_estimators=10, random_state=0),
        TREE,
    ),
    "MLP-sgd-wine": (
        load_wine,
        MLPClassifier(
            solver="sgd",
            early_stopping=True,
            learning_rate="invscaling",
            nesterovs_momentum=True,
            random_state=0,
        ),
        {
            "hidden_layer_sizes": (50, 200, "int"),
            "alpha": (1e-5, 1e1, "log"),
            "batch_size": (10, 250, "int"),
            "learning_rate_init": (1e-5, 1e-1, "log"),
            "tol": (1e-5, 1e-1, "log"),
            "validation_fraction": (0.1, 0.9, "real"),
            "power_t": (0.1, 0.9, "real"),
            "momentum": (0.001, 0.999, "real"),
        },
    ),
    "kNN-wine": (
        load_wine,
        KNeighborsClassifier(),
        {"n_neighbors": (1, 25, "int"), "p": (1, 4, "int")},
    ),
    "SVC-breast": (
        load_breast_cancer,
        SVC(),
        {
            "C": (1.0, 1e3, "log"),
            "gamma": (1e-4, 1e-3, "log"),
            "tol": (1e-5, 1e-1, "log"),
        },
    ),
    # beyond Bayesmark: boosting, and a mixed space of the kind users write
    "GB-breast": (
        load_breast_cancer,
        GradientBoostingClassifier(random_state=0),
        {
            "n_estimators": (10, 100, "int"),
            "learning_rate": (1e-3, 1.0, "log"),
            "max_depth": (1, 8, "int"),
            "subsample": (0.3, 1.0, "real"),
            "max_features": (0.1, 1.0, "real"),
        },
    ),
    "RF-mixed-digits": (
        load_digits,
        RandomForestClassifier(n_estimators=10, random_state=0),
        {
            "criterion": ["gini", "entropy", "log_loss"],
            "class_weight": [None, "balanced"],
            "bootstrap": [True, False],
            "max_depth": (1, 30, "int"),
            "min_samples_leaf": (1, 50, "int"),
            "max_features": (0.01, 1.0, "log"),
        },
    ),
}
METHODS = ("sktune", "random", "optuna-tpe", "optuna-gp")


def run(method, problem, seed, n_iter):
    load, estimator, bounds = PROBLEMS[problem]
    X, y = load(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y
    )
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    search = make_search(method, estimator, bounds, n_iter, seed, cv=cv)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X_train, y_train)
        held_out = search.score(X_test, y_test)
    trace = np.maximum.accumulate(np.nan_to_num(best_trace(search, method), nan=0.0))
    return {
        "trace": trace.tolist(),
        "held_out": float(held_out),
        "seconds": time.perf_counter() - start,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--n-iter", type=int, default=30)
    args = parser.parse_args()

    for method in args.methods:
        payload = {}
        for problem in args.problems:
            runs = [
                run(method, problem, seed, args.n_iter) for seed in range(args.seeds)
            ]
            payload[problem] = runs
            cv10 = np.median([r["trace"][9] for r in runs])
            cv = np.median([r["trace"][-1] for r in runs])
            held = np.median([r["held_out"] for r in runs])
            secs = np.median([r["seconds"] for r in runs])
            print(
                f"{method:11s} {problem:13s} cv@10 {cv10:.4f}  "
                f"cv@{args.n_iter} {cv:.4f}  held-out {held:.4f}  ({secs:.1f} s/run)",
                flush=True,
            )
        save(f"models-{method}", payload)


if __name__ == "__main__":
    main()
