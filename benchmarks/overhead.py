"""Optimiser overhead: seconds to propose the next point after n observations.

For each library, n random observations of a function are told first; then
the time to take the n-th observation into account and propose the next
point (GP refit plus acquisition maximisation) is measured, median of
``--repeats`` runs. No model is fitted: this is pure optimiser time.

With ``--loop``, whole searches of N evaluations are run instead (ask,
evaluate the function, tell), and their total optimiser time is reported:
this counts every refit of the surrogate, so it is the fair figure for an
optimiser that does not refit its hyperparameters after every score.

    python benchmarks/overhead.py
    python benchmarks/overhead.py --methods sktune optuna-gp --sizes 10 50
    python benchmarks/overhead.py --loop 50 200 500 --functions hartmann6
"""

import argparse
import time

import numpy as np
from _common import (
    FUNCTIONS,
    optuna_space,
    optuna_study,
    save,
    skopt_space,
    sktune_space,
)

METHODS = ("sktune", "optuna-gp", "optuna-tpe", "skopt")


def observations(function, n, seed):
    cls, bounds, _ = FUNCTIONS[function]
    rng = np.random.RandomState(seed)
    points = [
        {k: float(rng.uniform(b[0], b[1])) for k, b in bounds.items()} for _ in range(n)
    ]
    scores = [cls(**p).score(None) for p in points]
    return bounds, points, scores


def time_sktune(bounds, points, scores, seed):
    from sktune.optimize import Optimizer

    opt = Optimizer(sktune_space(bounds), n_initial_points=10, random_state=seed)
    opt.tell(points[:-1], scores[:-1])
    opt.ask()  # the surrogate exists and is warm, as in a running search
    opt.tell(points[-1], scores[-1])
    start = time.perf_counter()
    opt.ask()
    return time.perf_counter() - start


def time_optuna(bounds, points, scores, seed, sampler_name):
    import optuna

    dists = optuna_space(bounds)
    study = optuna_study(sampler_name, seed)
    for p, s in zip(points[:-1], scores[:-1]):
        study.add_trial(
            optuna.trial.create_trial(params=p, distributions=dists, value=s)
        )
    study.tell(study.ask(dists), 0.0)  # warm up, as in a running search
    study.add_trial(
        optuna.trial.create_trial(
            params=points[-1], distributions=dists, value=scores[-1]
        )
    )
    start = time.perf_counter()
    study.ask(dists)
    return time.perf_counter() - start


def time_skopt(bounds, points, scores, seed):
    from skopt import Optimizer

    names = list(bounds)
    opt = Optimizer(
        list(skopt_space(bounds).values()),
        acq_func="EI",
        n_initial_points=10,
        random_state=seed,
    )
    opt.tell([[p[k] for k in names] for p in points[:-2]], [-s for s in scores[:-2]])
    start = time.perf_counter()
    opt.tell([points[-1][k] for k in names], -scores[-1])  # fits the GP
    opt.ask()
    return time.perf_counter() - start


def loop_sktune(bounds, f, n, seed):
    from sktune.optimize import Optimizer

    opt = Optimizer(sktune_space(bounds), n_initial_points=10, random_state=seed)
    for _ in range(n):
        p = opt.ask()
        opt.tell(p, f(p))


def loop_optuna(bounds, f, n, seed, sampler_name):
    study = optuna_study(sampler_name, seed)
    dists = optuna_space(bounds)
    for _ in range(n):
        trial = study.ask(dists)
        study.tell(trial, f(trial.params))


def run_loops(args):
    loops = {
        "sktune": loop_sktune,
        "optuna-gp": lambda *a: loop_optuna(*a, "gp"),
        "optuna-tpe": lambda *a: loop_optuna(*a, "tpe"),
    }
    # Methods are interleaved within each repeat, so a slow spell of the
    # machine falls on all of them alike; medians over repeats are reported.
    payload = {}
    for function in args.functions:
        cls, bounds, _ = FUNCTIONS[function]

        def f(p, cls=cls):
            return cls(**p).score(None)

        for n in args.loop:
            times = {method: [] for method in args.methods}
            for seed in range(args.repeats):
                for method in args.methods:
                    start = time.perf_counter()
                    loops[method](bounds, f, n, seed)
                    times[method].append(time.perf_counter() - start)
            for method in args.methods:
                payload.setdefault(method, {}).setdefault(function, {})[n] = times[
                    method
                ]
                median = np.median(times[method])
                print(
                    f"{method:11s} {function:10s} {n:4d} evaluations  "
                    f"{median:8.2f} s  ({1000 * median / n:6.1f} ms per proposal)",
                    flush=True,
                )
    save("overhead-loop-" + "-".join(args.methods), payload)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--functions", nargs="+", default=list(FUNCTIONS))
    parser.add_argument("--sizes", nargs="+", type=int, default=[10, 50, 100, 200])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--loop", nargs="+", type=int, default=None)
    args = parser.parse_args()
    if args.loop:
        args.methods = [m for m in args.methods if m != "skopt"]
        return run_loops(args)
    timers = {
        "sktune": time_sktune,
        "optuna-gp": lambda *a: time_optuna(*a, "gp"),
        "optuna-tpe": lambda *a: time_optuna(*a, "tpe"),
        "skopt": time_skopt,
    }
    payload = {}
    for method in args.methods:
        for function in args.functions:
            for n in args.sizes:
                times = [
                    timers[method](*observations(function, n, seed), seed)
                    for seed in range(args.repeats)
                ]
                payload.setdefault(method, {}).setdefault(function, {})[n] = times
                print(
                    f"{method:11s} {function:10s} n={n:4d}  "
                    f"{1000 * np.median(times):8.1f} ms",
                    flush=True,
                )
    save("overhead-" + "-".join(args.methods), payload)


if __name__ == "__main__":
    main()
