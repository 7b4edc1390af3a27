"""Family-wise error rate and power of compare_candidates.

Null: five decision trees that differ only in ``random_state`` (so no
candidate is really better) are cross-validated by a GridSearchCV (5-fold)
on many generated data sets; each time ``compare_candidates`` tests the 4
others against the best chosen after the fact. A correction that holds its
rate flags at least one "not tied" candidate in at most ``alpha`` of the
data sets.

Partial null (``--scenario stump``): four such trees and a depth-1 stump.
The rate of flagging one of the four trees against a best that is one of
them is the family-wise error under a partial null; flagging the stump is
the power.

    OMP_NUM_THREADS=1 python benchmarks/compare_candidates_null.py --n-datasets 2100
    OMP_NUM_THREADS=1 python benchmarks/compare_candidates_null.py \\
        --scenario stump --n-datasets 1000

Writes benchmarks/results/compare-candidates-<scenario>.json.
"""

import argparse
import json
import os
import time
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV
from sklearn.tree import DecisionTreeClassifier

from sktune.stats import compare_candidates

HERE = os.path.dirname(os.path.abspath(__file__))
CORRECTIONS = ("max-t", "holm", "bonferroni")
GRIDS = {
    "null": {"random_state": list(range(5))},
    "stump": [
        {"random_state": list(range(4))},
        {"random_state": [0], "max_depth": [1]},
    ],
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-datasets", type=int, default=500)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--scenario", choices=sorted(GRIDS), default="null")
    args = parser.parse_args()
    errors = dict.fromkeys(CORRECTIONS, 0)
    power = dict.fromkeys(CORRECTIONS, 0)
    start = time.perf_counter()
    for seed in range(args.n_datasets):
        rng = np.random.RandomState(seed)
        X, y = make_classification(
            n_samples=int(rng.randint(100, 400)),
            n_features=int(rng.randint(5, 20)),
            n_informative=3,
            flip_y=0.1,
            random_state=seed,
        )
        search = GridSearchCV(
            DecisionTreeClassifier(max_features=0.5, max_depth=4),
            GRIDS[args.scenario],
            cv=5,
        ).fit(X, y)
        stump = [p.get("max_depth") == 1 for p in search.cv_results_["params"]]
        for correction in CORRECTIONS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                table = compare_candidates(
                    search, correction=correction, alpha=args.alpha, random_state=seed
                )
            flagged = ~table["tied"]
            is_stump = np.asarray(stump)[table["index"]]
            best_is_tree = not is_stump[0]
            errors[correction] += bool(best_is_tree and np.any(flagged & ~is_stump))
            power[correction] += bool(np.any(flagged & is_stump))
    n = args.n_datasets
    se = float(np.sqrt(args.alpha * (1 - args.alpha) / n))
    summary = {
        "scenario": args.scenario,
        "n_datasets": n,
        "alpha": args.alpha,
        "se": se,
        "rates": {c: errors[c] / n for c in CORRECTIONS},
        "seconds": time.perf_counter() - start,
    }
    if args.scenario == "stump":
        summary["power"] = {c: power[c] / n for c in CORRECTIONS}
    print(json.dumps(summary, indent=2))
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    name = f"compare-candidates-{args.scenario}.json"
    with open(os.path.join(HERE, "results", name), "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
