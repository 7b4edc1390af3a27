"""Mixed, integer and conditional spaces: regret against Optuna's samplers.

Each problem is a function with a known minimum over a space mixing reals,
integers (with interior optima) and categoricals; one is conditional (a
choice of "model" with its own parameters). Every method gets the same
budget and seeds through ask/tell (no cross-validation: the function is
the score), and the median (quartiles) over seeds of the regret
``min f - f*`` is reported, with the optimiser's seconds per run.

    python benchmarks/mixed.py                       # 5 seeds, all methods
    python benchmarks/mixed.py --methods sktune optuna-gp --seeds 10
"""

import argparse
import time

import numpy as np
from _common import branin, hartmann6, optuna_space, optuna_study, save, sktune_space

SHIFT = {"a": 2.0, "b": 0.0, "c": 5.0}
CENTRE = {"l1": 0.2, "l2": 0.8, "en": 0.5, "none": 0.4}
OFFSET = {"l1": 0.3, "l2": 0.0, "en": 0.1, "none": 1.0}


def branin_cat_int(p):
    # two reals, a 3-way categorical shift, an integer with an interior
    # optimum; both small beside Branin's own range
    return branin(p["x1"], p["x2"]) + SHIFT[p["c"]] + 0.05 * (p["k"] - 11) ** 2


def integers(p):
    # integers only in name: interior optima on a linear, a small and a
    # log-scaled integer, plus one real
    return (
        ((p["k1"] - 37) / 20) ** 2
        + ((p["k2"] - 6) / 5) ** 2
        + (np.log(p["k3"]) - np.log(40)) ** 2
        + (p["x"] - 0.7) ** 2
    )


def category_moves_optimum(p):
    # the categorical moves the optimum of a real and offsets the function
    return (
        3 * (p["x"] - CENTRE[p["kind"]]) ** 2
        + OFFSET[p["kind"]]
        + 0.2 * (np.log10(p["y"]) + 2) ** 2
        + 0.05 * (p["n"] - 5) ** 2
    )


def hartmann6_int(p):
    # Hartmann-6 with two coordinates on integer grids of 21 values
    x = [p["x0"], p["x1"], p["i2"] / 20, p["x3"], p["i4"] / 20, p["x5"]]
    return hartmann6(*x)


def conditional(p):
    # a choice of model, each with its own parameters
    if p["model"] == "svm":
        return (
            0.1 + (np.log10(p["C"]) - 1) ** 2 / 4 + (np.log10(p["gamma"]) + 2) ** 2 / 4
        )
    return (
        ((p["depth"] - 7) / 4) ** 2
        + ((p["leaf"] - 5) / 10) ** 2
        + 0.3 * (p["criterion"] != "entropy")
    )


PROBLEMS = {
    "branin-cat-int": (
        {
            "x1": (-5.0, 10.0, "real"),
            "x2": (0.0, 15.0, "real"),
            "c": ["a", "b", "c"],
            "k": (1, 30, "int"),
        },
        branin_cat_int,
        0.397887,
        40,
    ),
    "integers": (
        {
            "k1": (1, 100, "int"),
            "k2": (0, 20, "int"),
            "k3": (1, 1000, "intlog"),
            "x": (0.0, 1.0, "real"),
        },
        integers,
        0.0,
        40,
    ),
    "category-moves-optimum": (
        {
            "kind": ["l1", "l2", "en", "none"],
            "x": (0.0, 1.0, "real"),
            "y": (1e-4, 1e1, "log"),
            "n": (2, 12, "int"),
        },
        category_moves_optimum,
        0.0,
        40,
    ),
    "hartmann6-int": (
        {
            "x0": (0.0, 1.0, "real"),
            "x1": (0.0, 1.0, "real"),
            "i2": (0, 20, "int"),
            "x3": (0.0, 1.0, "real"),
            "i4": (0, 20, "int"),
            "x5": (0.0, 1.0, "real"),
        },
        hartmann6_int,
        None,  # the best point of the grid, computed below
        60,
    ),
    "conditional": (
        [
            {
                "model": ["svm"],
                "C": (1e-3, 1e3, "log"),
                "gamma": (1e-5, 1.0, "log"),
            },
            {
                "model": ["tree"],
                "depth": (1, 30, "int"),
                "leaf": (1, 60, "int"),
                "criterion": ["gini", "entropy", "log_loss"],
            },
        ],
        conditional,
        0.0,
        40,
    ),
}
METHODS = ("sktune", "optuna-gp", "optuna-tpe", "random")


def _hartmann6_int_minimum():
    from scipy.optimize import minimize

    best = np.inf
    for i2 in range(21):
        for i4 in range(21):

            def f(x, i2=i2, i4=i4):
                return hartmann6(x[0], x[1], i2 / 20, x[2], i4 / 20, x[3])

            for start in ([0.2, 0.15, 0.27, 0.65], [0.4, 0.9, 0.6, 0.04]):
                res = minimize(f, start, bounds=[(0, 1)] * 4, method="L-BFGS-B")
                best = min(best, res.fun)
    return best


def _sktune(bounds):
    if isinstance(bounds, list):
        return [sktune_space(b) for b in bounds]
    return sktune_space(bounds)


def run_sktune(bounds, f, n, seed):
    from sktune.optimize import Optimizer

    opt = Optimizer(_sktune(bounds), random_state=seed)
    values = []
    for _ in range(n):
        p = opt.ask()
        values.append(f(p))
        opt.tell(p, -values[-1])
    return values


def run_random(bounds, f, n, seed):
    from sktune.space import Space

    rng = np.random.RandomState(seed)
    spaces = [Space(s) for s in np.atleast_1d(_sktune(bounds))]
    return [f(spaces[rng.randint(len(spaces))].rvs(1, rng)[0]) for _ in range(n)]


def run_optuna(bounds, f, n, seed, sampler_name):
    study = optuna_study(sampler_name, seed, direction="minimize")
    values = []
    for _ in range(n):
        if isinstance(bounds, list):  # define-by-run: the branch first
            trial = study.ask()
            model = trial.suggest_categorical("model", [b["model"][0] for b in bounds])
            branch = next(b for b in bounds if b["model"] == [model])
            params = {"model": model}
            for name, dist in optuna_space(branch).items():
                if name != "model":
                    params[name] = trial._suggest(name, dist)
        else:
            trial = study.ask(optuna_space(bounds))
            params = trial.params
        values.append(f(params))
        study.tell(trial, values[-1])
    return values


RUNNERS = {
    "sktune": run_sktune,
    "optuna-gp": lambda *a: run_optuna(*a, "gp"),
    "optuna-tpe": lambda *a: run_optuna(*a, "tpe"),
    "random": run_random,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS))
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()

    payload = {}
    for problem in args.problems:
        bounds, f, f_star, n = PROBLEMS[problem]
        if f_star is None:
            f_star = _hartmann6_int_minimum()
        for method in args.methods:
            regrets, seconds = [], []
            for seed in range(args.seeds):
                start = time.perf_counter()
                values = RUNNERS[method](bounds, f, n, seed)
                seconds.append(time.perf_counter() - start)
                regrets.append(float(np.min(values) - f_star))
            q1, med, q3 = np.percentile(regrets, [25, 50, 75])
            payload.setdefault(problem, {})[method] = {
                "regret": regrets,
                "seconds": seconds,
            }
            print(
                f"{problem:23s} {method:11s} regret {med:.3g} [{q1:.3g}, {q3:.3g}]"
                f"  ({np.median(seconds):.1f} s/run)",
                flush=True,
            )
    save("mixed-" + "-".join(args.methods), payload)


if __name__ == "__main__":
    main()
