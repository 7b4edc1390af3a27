"""Family-wise error rate of compare_candidates under a true null.

Five decision trees that differ only in ``random_state`` (so no candidate is
really better) are cross-validated by a GridSearchCV (5-fold) on many
generated data sets; each time ``compare_candidates`` tests the 4 others
against the best chosen after the fact. A correction that holds its rate
flags at least one "not tied" candidate in at most ``alpha`` of the data sets.

    OMP_NUM_THREADS=1 python benchmarks/compare_candidates_null.py --n-datasets 2100

Writes benchmarks/results/compare-candidates-null.json.
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
CORRECTIONS = ("holm", "bonferroni")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-datasets", type=int, default=500)
    parser.add_argument("--alpha", type=float, default=0.05)
    args = parser.parse_args()
    hits = dict.fromkeys(CORRECTIONS, 0)
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
            {"random_state": list(range(5))},
            cv=5,
        ).fit(X, y)
        for correction in CORRECTIONS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                table = compare_candidates(
                    search, correction=correction, alpha=args.alpha
                )
            hits[correction] += bool(np.any(~table["tied"]))
    n = args.n_datasets
    se = float(np.sqrt(args.alpha * (1 - args.alpha) / n))
    summary = {
        "n_datasets": n,
        "alpha": args.alpha,
        "se": se,
        "rates": {c: hits[c] / n for c in CORRECTIONS},
        "seconds": time.perf_counter() - start,
    }
    print(json.dumps(summary, indent=2))
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "compare-candidates-null.json"), "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
