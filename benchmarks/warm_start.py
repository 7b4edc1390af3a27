"""Warm start: BayesSearchCV(warm_start=...) continued and transferred.

(a) Continue, same data: a search of N1 evaluations is continued with
    warm_start=True for N2 more, against a fresh search of N1 + N2. Reported:
    the final best CV scores, and how many evaluations the fresh search needed
    to reach the continued search's best (the continued one spent N2 new).
(b) Transfer, related data: a search on a source task (a 25% subsample of
    digits; breast_cancer under another train/test split) warm-starts a search
    on the target task (full digits; the other split), against a fresh one.
    Reported: the Spearman rank correlation of source and target CV scores on
    the source's configurations (does the ranking transfer?), and the mean
    regret of the best NEW evaluation after 1, 3, 5, 10 and 20 evaluations
    (regret: best score any run of that seed found minus the best so far).

    OMP_NUM_THREADS=1 python benchmarks/warm_start.py              # 5 seeds
    OMP_NUM_THREADS=1 python benchmarks/warm_start.py --seeds 2 --parts a
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _common import save, sktune_space  # noqa: E402
from models import TREE  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    StratifiedKFold,
    cross_val_score,
    train_test_split,
)
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from sktune import BayesSearchCV  # noqa: E402

CV = StratifiedKFold(5, shuffle=True, random_state=0)
SVC_DIGITS = {"C": (1e-2, 1e3, "log"), "gamma": (1e-5, 1e-1, "log")}
SVC_BREAST = {
    "C": (1.0, 1e3, "log"),
    "gamma": (1e-4, 1e-3, "log"),
    "tol": (1e-5, 1e-1, "log"),
}
CHECKPOINTS = (1, 3, 5, 10, 20)


def _search(estimator, bounds, n_iter, seed, **kwargs):
    return BayesSearchCV(
        estimator,
        sktune_space(bounds),
        n_iter=n_iter,
        cv=CV,
        random_state=seed,
        **kwargs,
    )


def continued(seed, n1, n2):
    X, y = load_digits(return_X_y=True)
    estimator = DecisionTreeClassifier(random_state=0)
    search = _search(estimator, TREE, n1, seed, warm_start=True)
    search.fit(X, y)
    search.set_params(n_iter=n2).fit(X, y)
    fresh = _search(estimator, TREE, n1 + n2, seed).fit(X, y)
    trace = np.fmax.accumulate(fresh.cv_results_["mean_test_score"])
    reached = np.flatnonzero(trace >= search.best_score_ - 1e-12)
    return {
        "continued_best": float(search.best_score_),
        "first_best": float(search.cv_results_["mean_test_score"][:n1].max()),
        "fresh_best": float(fresh.best_score_),
        "fresh_evaluations_to_match": int(reached[0] + 1) if len(reached) else None,
        "continued_new_evaluations": n2,
    }


def _tasks(pair, seed):
    """(estimator, bounds, (X_source, y_source), (X_target, y_target))."""
    if pair == "digits-subsample":
        X, y = load_digits(return_X_y=True)
        X, _, y, _ = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
        X_source, _, y_source, _ = train_test_split(
            X, y, train_size=0.25, random_state=seed, stratify=y
        )
        return SVC(), SVC_DIGITS, (X_source, y_source), (X, y)
    X, y = load_breast_cancer(return_X_y=True)
    split = [
        train_test_split(X, y, test_size=0.2, random_state=r, stratify=y)
        for r in (100 + seed, 200 + seed)
    ]
    return SVC(), SVC_BREAST, split[0][::2], split[1][::2]


def transfer(pair, seed, n_source, n_target):
    estimator, bounds, source, target = _tasks(pair, seed)
    source_search = _search(estimator, bounds, n_source, seed).fit(*source)
    # the same configurations, scored on the target task
    params = source_search.cv_results_["params"]
    on_target = [
        cross_val_score(clone(estimator).set_params(**p), *target, cv=CV).mean()
        for p in params
    ]
    rho = spearmanr(source_search.cv_results_["mean_test_score"], on_target).statistic
    runs = {
        "warm": _search(estimator, bounds, n_target, seed, warm_start=source_search),
        "fresh": _search(estimator, bounds, n_target, seed),
    }
    curves = {}
    for name, search in runs.items():
        results = search.fit(*target).cv_results_
        new = ~np.asarray(
            results.get("inherited", np.zeros(len(results["params"]))), bool
        )
        curves[name] = np.fmax.accumulate(results["mean_test_score"][new])
    best = max(max(c[-1] for c in curves.values()), max(on_target))
    return {
        "spearman": float(rho),
        "best_known": float(best),
        **{f"{name}_curve": curve.tolist() for name, curve in curves.items()},
        **{f"{name}_regret": (best - curve).tolist() for name, curve in curves.items()},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--parts", nargs="+", default=["a", "b"])
    parser.add_argument("--n1", type=int, default=15)
    parser.add_argument("--n2", type=int, default=15)
    parser.add_argument("--n-source", type=int, default=30)
    parser.add_argument("--n-target", type=int, default=20)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    payload = {}
    if "a" in args.parts:
        rows = [continued(seed, args.n1, args.n2) for seed in range(args.seeds)]
        payload["continue"] = rows
        n = args.n1 + args.n2
        for seed, r in enumerate(rows):
            print(
                f"(a) seed {seed}: first {args.n1} {r['first_best']:.4f}, continued "
                f"+{args.n2} {r['continued_best']:.4f}, "
                f"fresh {n} {r['fresh_best']:.4f}, "
                f"fresh needed {r['fresh_evaluations_to_match']} to match",
                flush=True,
            )
        matched = [r["fresh_evaluations_to_match"] for r in rows]
        print(
            f"(a) DT-digits: continued (+{args.n2} new) median best "
            f"{np.median([r['continued_best'] for r in rows]):.4f} vs fresh {n} "
            f"{np.median([r['fresh_best'] for r in rows]):.4f}; fresh evaluations to "
            f"match the continued best: {matched} (None: never within {n})",
            flush=True,
        )
    if "b" in args.parts:
        for pair in ("digits-subsample", "breast-resplit"):
            rows = [
                transfer(pair, seed, args.n_source, args.n_target)
                for seed in range(args.seeds)
            ]
            payload[f"transfer-{pair}"] = rows
            rho = [r["spearman"] for r in rows]
            print(f"(b) {pair}: Spearman rho {np.round(rho, 3).tolist()}", flush=True)
            for name in ("warm", "fresh"):
                regret = np.mean([r[f"{name}_regret"] for r in rows], axis=0)
                cells = "  ".join(f"@{k} {regret[k - 1]:.4f}" for k in CHECKPOINTS)
                print(f"    {name:5s} mean regret  {cells}", flush=True)
    save("warm-start", payload)


if __name__ == "__main__":
    main()
