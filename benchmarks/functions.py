"""Sample efficiency on standard functions with known optima.

Each function is wrapped as an estimator whose score is minus the function,
searched through each library's scikit-learn search class with the same
budget and seeds. Reports the median (and quartiles) over seeds of the
regret ``min f - f*`` after k evaluations.

    python benchmarks/functions.py                      # all methods, 5 seeds
    python benchmarks/functions.py --methods sktune random --seeds 3
"""

import argparse
import time
import warnings

import numpy as np
from _common import FUNCTIONS, best_trace, make_search, save

BUDGETS = {"branin": 30, "hartmann6": 60}
CHECKPOINTS = {"branin": (10, 20, 30), "hartmann6": (20, 40, 60)}
METHODS = ("sktune", "random", "optuna-tpe", "optuna-gp", "skopt")


def run(method, function, seed):
    cls, bounds, f_star = FUNCTIONS[function]
    X, y = np.zeros((4, 1)), np.zeros(4)  # the score ignores the data
    search = make_search(method, cls(), bounds, BUDGETS[function], seed, cv=2)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    elapsed = time.perf_counter() - start
    regret = -np.maximum.accumulate(best_trace(search, method)) - f_star
    return regret.tolist(), elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--functions", nargs="+", default=list(FUNCTIONS))
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()

    for method in args.methods:
        payload = {}
        for function in args.functions:
            runs = [run(method, function, seed) for seed in range(args.seeds)]
            regrets = np.array([r for r, _ in runs])
            times = [t for _, t in runs]
            payload[function] = {"regret": regrets.tolist(), "seconds": times}
            cells = []
            for k in CHECKPOINTS[function]:
                q1, med, q3 = np.percentile(regrets[:, k - 1], [25, 50, 75])
                cells.append(f"@{k}: {med:.2g} [{q1:.2g}, {q3:.2g}]")
            print(
                f"{method:11s} {function:10s} "
                + "  ".join(cells)
                + f"  ({np.median(times):.1f} s/run)",
                flush=True,
            )
        save(f"functions-{method}", payload)


if __name__ == "__main__":
    main()
