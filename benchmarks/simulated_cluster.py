"""A simulated 16-worker cluster: regret against wall-clock time.

The trainable is a scikit-learn estimator whose "training" sleeps: ``fit``
takes ``base * speed(params) * budget`` seconds, with ``speed`` from 1 to 10
across the space (``1 + 9 * x5**2``: a third of the space is 5-10 times slower
than the fastest configurations, the optimum about 5 times), and its score is
minus the Hartmann-6 function of the parameters plus small per-fold noise, so
the regret of any configuration is known. Sleeping fits cost no CPU, so the
figures mean the same on a laptop as on the cluster they stand for, and the
searches' own work (proposing points) is counted in the wall-clock time as it
would be there.

Every method gets 16 workers through joblib's threading backend
(``joblib.parallel_config(backend="threading", n_jobs=16)``), 2-fold CV on the
same folds, the same wall-clock budget and the same seeds, and stops once the
budget is spent (the work in flight then finishes, and is not counted).

- ``bayes-async``: ``BayesSearchCV(asynchronous=True)``: a new candidate as
  soon as a worker is free (16 fits in flight).
- ``bayes-auto``: ``BayesSearchCV`` with its default ``n_points="auto"``
  (batches of ``ceil(16 workers / 2 splits) = 8`` candidates).
- ``bayes-n1``: ``n_points=1`` (the default until ``"auto"``): 2 fits in flight.
- ``bayes-seq``: ``n_jobs=1``, one fit at a time.
- ``optuna-tpe`` / ``optuna-gp``: ``study.optimize(objective, n_jobs=16)``,
  16 trials in flight, each cross-validating its candidate fold after fold
  (as ``OptunaSearchCV(n_jobs=16)`` does); a new trial starts as soon as one
  ends (asynchronous), and both samplers account for running trials (TPE's
  ``constant_liar`` is on by default in Optuna 5, its GP sampler conditions
  on running trials).

Reported, median over seeds: worker utilisation (seconds of fits in flight /
(16 workers x wall time)), evaluations, regret of the incumbent (the candidate
with the best observed mean CV score, at its noise-free value) after fixed
wall-clock budgets, the time to reach a target regret within the budget, and
the regret after a number of evaluations (sample efficiency, whatever the time
they took).

    OMP_NUM_THREADS=1 python benchmarks/simulated_cluster.py        # ~6 minutes
    OMP_NUM_THREADS=1 python benchmarks/simulated_cluster.py --methods bayes-auto \\
        optuna-tpe --seeds 0 --budget 6

``--hyperband`` runs the Hyperband comparison instead (synchronous, ASHA,
Optuna's ``SuccessiveHalvingPruner``; see ``hyperband_main``), ~3 minutes.
``--pbt`` runs synchronous against asynchronous PBT (see ``pbt_main``), ~2 minutes.

Another search is compared by adding a ``run_<name>(seed, args)`` function that
returns :func:`trace`'s dict, and an entry in ``METHODS``.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
import zlib  # noqa: E402

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from _common import hartmann6, optuna_study, save  # noqa: E402
from sklearn.base import BaseEstimator, RegressorMixin  # noqa: E402
from sklearn.model_selection import KFold, cross_val_score  # noqa: E402

from sktune import BayesSearchCV, Real  # noqa: E402

N_WORKERS = 16
N_SPLITS = 2
NAMES = [f"x{i}" for i in range(6)]
BEST_SCORE = 3.32237  # minus Hartmann-6's minimum
NOISE = 0.02  # standard deviation of a fold's score
X = np.arange(64, dtype=float).reshape(-1, 1)  # a fold is known by its first row
CV = KFold(N_SPLITS)


def speed(params):
    """Relative training time of a configuration, from 1 to 10."""
    return 1.0 + 9.0 * params["x5"] ** 2


def regret(params):
    """Noise-free regret of a configuration at full budget."""
    return BEST_SCORE + hartmann6(*(params[name] for name in NAMES))


class _Fits:
    """Start and end time of every fit, shared by the clones (thread-safe)."""

    lock = threading.Lock()
    intervals = []

    @classmethod
    def reset(cls):
        with cls.lock:
            cls.intervals = []

    @classmethod
    def add(cls, start, end):
        with cls.lock:
            cls.intervals.append((start, end))


class SimulatedTrainable(RegressorMixin, BaseEstimator):
    """Sleeps ``base * speed(params) * budget`` seconds in ``fit``; scores
    minus Hartmann-6 of its parameters, less a learning-curve gap
    ``0.5 * (1 - budget) ** 2``, plus per-fold noise (deterministic given the
    parameters and the fold)."""

    def __init__(
        self, x0=0.5, x1=0.5, x2=0.5, x3=0.5, x4=0.5, x5=0.5, budget=1.0, base=0.25
    ):
        self.x0, self.x1, self.x2, self.x3, self.x4, self.x5 = x0, x1, x2, x3, x4, x5
        self.budget = budget
        self.base = base

    def _params(self):
        return {name: getattr(self, name) for name in NAMES}

    def fit(self, X, y=None):
        start = time.perf_counter()
        time.sleep(self.base * speed(self._params()) * self.budget)
        _Fits.add(start, time.perf_counter())
        self.fold_ = int(X[0, 0])
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        params = self._params()
        seed = zlib.crc32(np.array([params[n] for n in NAMES]).tobytes())
        noise = np.random.default_rng([seed, self.fold_]).normal(0.0, NOISE)
        gap = 0.5 * (1.0 - self.budget) ** 2
        return -hartmann6(*params.values()) - gap + noise


def space():
    return {name: Real(0.0, 1.0) for name in NAMES}


def trace(t0, end, known, params, observed):
    """What one run leaves: when each evaluation's score was known (seconds
    from the start), its parameters' regret, its observed mean score, and the
    fits' busy time."""
    known = np.asarray(known, dtype=float)
    order = np.argsort(known, kind="stable")
    with _Fits.lock:
        intervals = np.array(_Fits.intervals).reshape(-1, 2) - t0
    return {
        "wall": end - t0,
        "known": known[order].tolist(),
        "regret": [regret(params[i]) for i in order],
        "observed": [float(observed[i]) for i in order],
        "fit_intervals": intervals.tolist(),
    }


# ---------------------------------------------------------------- methods
def _bayes(seed, args, n_jobs=None, **kwargs):
    """A BayesSearchCV run stopped by a callback once the budget is spent."""
    _Fits.reset()
    known = []

    def clock(results):
        now = time.perf_counter() - t0
        known.extend([now] * (len(results["params"]) - len(known)))
        return now >= args.budget

    search = BayesSearchCV(
        SimulatedTrainable(base=args.base),
        space(),
        n_iter=10_000,  # stopped by the clock
        cv=CV,
        n_jobs=n_jobs,
        refit=False,
        random_state=seed,
        callbacks=clock,
        **kwargs,
    )
    with joblib.parallel_config(backend="threading", n_jobs=N_WORKERS):
        t0 = time.perf_counter()
        search.fit(X)
        end = time.perf_counter()
    results = search.cv_results_
    return trace(t0, end, known, results["params"], results["mean_test_score"])


def run_bayes_auto(seed, args):
    return _bayes(seed, args)


def run_bayes_n1(seed, args):
    return _bayes(seed, args, n_points=1)


def run_bayes_seq(seed, args):
    return _bayes(seed, args, n_jobs=1)


def run_bayes_async(seed, args):
    return _bayes(seed, args, asynchronous=True)


def _optuna(sampler, seed, args):
    """16 asynchronous trials, each cross-validating fold after fold."""
    _Fits.reset()
    study = optuna_study(sampler, seed)
    lock = threading.Lock()
    known, params, observed = [], [], []

    def objective(trial):
        candidate = {name: trial.suggest_float(name, 0.0, 1.0) for name in NAMES}
        model = SimulatedTrainable(base=args.base, **candidate)
        score = cross_val_score(model, X, cv=CV, n_jobs=1).mean()
        with lock:
            known.append(time.perf_counter() - t0)
            params.append(candidate)
            observed.append(score)
        return score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        study.optimize(objective, n_jobs=N_WORKERS, timeout=args.budget)
        end = time.perf_counter()
    return trace(t0, end, known, params, observed)


def run_optuna_tpe(seed, args):
    return _optuna("tpe", seed, args)


def run_optuna_gp(seed, args):
    return _optuna("gp", seed, args)


METHODS = {
    "bayes-async": run_bayes_async,
    "bayes-auto": run_bayes_auto,
    "bayes-n1": run_bayes_n1,
    "bayes-seq": run_bayes_seq,
    "optuna-tpe": run_optuna_tpe,
    "optuna-gp": run_optuna_gp,
}


# --------------------------------------------------------------- figures
def incumbent_regret(run, at):
    """Regret of the best observed candidate known by ``at`` seconds (nan if
    none is known yet)."""
    known = np.asarray(run["known"])
    seen = known <= at
    if not seen.any():
        return np.nan
    observed = np.asarray(run["observed"])[seen]
    return float(np.asarray(run["regret"])[seen][np.nanargmax(observed)])


def time_to(run, target, budget):
    """Seconds until the incumbent's regret is at most ``target`` (inf: not
    within ``budget`` seconds)."""
    for at in run["known"]:
        if at <= budget and incumbent_regret(run, at) <= target:
            return at
    return np.inf


def regret_after(run, n):
    """Regret of the best observed of the first ``n`` evaluations (nan if the
    run made fewer): sample efficiency, whatever the time it took."""
    if len(run["known"]) < n:
        return np.nan
    observed = np.asarray(run["observed"][:n])
    return float(np.asarray(run["regret"][:n])[np.nanargmax(observed)])


def utilisation(run, until):
    """Share of ``N_WORKERS * until`` seconds that fits were in flight."""
    intervals = np.asarray(run["fit_intervals"]).reshape(-1, 2)
    busy = np.clip(intervals, 0.0, until)
    return float((busy[:, 1] - busy[:, 0]).sum() / (N_WORKERS * until))


def _finite_or_none(value):
    return value if np.isfinite(value) else None


def _median(values):
    """Median over the seeds; nan if any seed has none."""
    return float(np.median(values))


def summarise(runs, args):
    checkpoints = [args.budget * k / 3 for k in (1, 2, 3)]
    out = {}
    for method, by_seed in runs.items():
        rows = list(by_seed.values())
        out[method] = {
            "utilisation": _median([utilisation(r, args.budget) for r in rows]),
            "evaluations": _median(
                [sum(k <= args.budget for k in r["known"]) for r in rows]
            ),
            # None: no evaluation known by then in some seed
            "regret_at": {
                f"{at:.3g}s": _finite_or_none(
                    _median([incumbent_regret(r, at) for r in rows])
                )
                for at in checkpoints
            },
            # None: not reached within the budget by at least half of the seeds
            "time_to": {
                f"{target:g}": _finite_or_none(
                    _median([time_to(r, target, args.budget) for r in rows])
                )
                for target in args.targets
            },
            # None: fewer evaluations than that in some seed
            "regret_after": {
                str(n): _finite_or_none(_median([regret_after(r, n) for r in rows]))
                for n in args.evaluations
            },
        }
    return out


def table(summary, args):
    checkpoints = list(next(iter(summary.values()))["regret_at"])
    head = (
        f"{'method':<12}{'util':>6}{'evals':>7}"
        + "".join(f"{'regret@' + c:>11}" for c in checkpoints)
        + "".join(f"{'t(r<=' + f'{t:g}' + ')':>10}" for t in args.targets)
        + "".join(f"{'r@' + str(n) + 'ev':>8}" for n in args.evaluations)
    )
    lines = [head, "-" * len(head)]
    for method, s in summary.items():
        lines.append(
            f"{method:<12}{s['utilisation']:>6.0%}{s['evaluations']:>7.0f}"
            + "".join(
                f"{v:>11.3f}" if v is not None else f"{'-':>11}"
                for v in s["regret_at"].values()
            )
            + "".join(
                f"{v:>9.1f}s" if v is not None else f"{'-':>10}"
                for v in s["time_to"].values()
            )
            + "".join(
                f"{v:>8.3f}" if v is not None else f"{'-':>8}"
                for v in s["regret_after"].values()
            )
        )
    return "\n".join(lines)


def _write_results(name, settings, summary, runs, drop=("fit_intervals",)):
    """Save ``results/<name>.json``: the settings (after the cluster's),
    the summary, and every run by method and seed less its keys in ``drop``
    (the bulky per-fit records)."""
    save(
        name,
        {
            "settings": {"workers": N_WORKERS, "n_splits": N_SPLITS, **settings},
            "summary": summary,
            "runs": {
                method: {
                    str(seed): {k: v for k, v in run.items() if k not in drop}
                    for seed, run in by_seed.items()
                }
                for method, by_seed in runs.items()
            },
        },
    )


def _summary_of(rows):
    """What every method's summary starts with: median wall time and
    utilisation over the seeds, each run to its end."""
    return {
        "wall_s": _median([r["wall"] for r in rows]),
        "utilisation": _median([utilisation(r, r["wall"]) for r in rows]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--budget", type=float, default=15.0, help="wall-clock seconds per run"
    )
    parser.add_argument(
        "--base", type=float, default=0.25, help="seconds of the fastest fit"
    )
    parser.add_argument("--targets", nargs="+", type=float, default=[1.0, 0.5])
    parser.add_argument(
        "--evaluations",
        nargs="+",
        type=int,
        default=[10, 20, 40],
        help="report the regret after this many evaluations",
    )
    parser.add_argument("--out", default="simulated-cluster-bayes")
    args = parser.parse_args()
    for method in args.methods:
        if method not in METHODS:
            parser.error(f"unknown method {method!r}; choose from {list(METHODS)}")

    runs = {method: {} for method in args.methods}
    for seed in args.seeds:
        for method in args.methods:
            start = time.perf_counter()
            runs[method][seed] = METHODS[method](seed, args)
            run = runs[method][seed]
            print(
                f"seed {seed} {method:<12} {len(run['known']):>4} evaluations, "
                f"final regret {incumbent_regret(run, args.budget):.3f}, "
                f"{time.perf_counter() - start:.1f}s",
                flush=True,
            )
    summary = summarise(runs, args)
    print()
    print(table(summary, args))
    _write_results(
        args.out,
        {
            "budget_s": args.budget,
            "base_fit_s": args.base,
            "speed": "1 + 9 * x5**2",
            "noise_sd_per_fold": NOISE,
            "function": "hartmann6",
            "seeds": args.seeds,
            "targets": args.targets,
            "evaluations": args.evaluations,
        },
        summary,
        runs,
    )


# ------------------------------------------------- Hyperband: synchronous
# against asynchronous successive halving (ASHA) and Optuna's pruner.
#
#     OMP_NUM_THREADS=1 python benchmarks/simulated_cluster.py --hyperband
#
# The trainable learns by passes of ``partial_fit``: each sleeps
# ``base * speed(params)`` seconds, and its score after ``n`` of ``R`` passes
# is minus Hartmann-6, less ``0.5 * (1 - n / R) ** 2``, plus per-fold noise.
# Every method runs one bracket of successive halving from 1 to R = 27 passes
# (factor 3) over 243 random configurations (--n-configurations), 2-fold CV,
# 16 threading workers, to its end. Reported (median over seeds):
# utilisation, wall time, the time until the best configuration scored at the
# full budget has at most the target regret, and the regret of that best at
# the end.
HB_R = 27
HB_N = 243


class _Scores:
    """Every score: (time, params, passes, score), shared by the clones."""

    lock = threading.Lock()
    rows = []

    @classmethod
    def reset(cls):
        with cls.lock:
            cls.rows = []


class SimulatedIncremental(RegressorMixin, BaseEstimator):
    """One pass of ``partial_fit`` sleeps ``base * speed(params)``; the score
    improves with the passes (see above)."""

    def __init__(
        self, x0=0.5, x1=0.5, x2=0.5, x3=0.5, x4=0.5, x5=0.5, max_iter=HB_R, base=0.01
    ):
        self.x0, self.x1, self.x2, self.x3, self.x4, self.x5 = x0, x1, x2, x3, x4, x5
        self.max_iter = max_iter
        self.base = base

    def _params(self):
        return {name: getattr(self, name) for name in NAMES}

    def partial_fit(self, X, y=None):
        start = time.perf_counter()
        time.sleep(self.base * speed(self._params()))
        _Fits.add(start, time.perf_counter())
        self.fold_ = int(X[0, 0])
        self.n_passes_ = getattr(self, "n_passes_", 0) + 1
        return self

    def fit(self, X, y=None):
        self.n_passes_ = 0
        for _ in range(self.max_iter):
            self.partial_fit(X, y)
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        params = self._params()
        seed = zlib.crc32(np.array([params[n] for n in NAMES]).tobytes())
        noise = np.random.default_rng([seed, self.fold_]).normal(0.0, NOISE)
        gap = 0.5 * (1.0 - self.n_passes_ / HB_R) ** 2
        value = -hartmann6(*params.values()) - gap + noise
        with _Scores.lock:
            _Scores.rows.append(
                (time.perf_counter(), tuple(params.values()), self.n_passes_, value)
            )
        return value


def hb_trace(t0, end):
    """Evaluations at the full budget (both folds scored), in time order."""
    folds = {}
    with _Scores.lock:
        for at, key, passes, value in _Scores.rows:
            if passes == HB_R:
                folds.setdefault(key, []).append((at - t0, value))
    full = sorted(
        (max(a for a, _ in v), dict(zip(NAMES, k)), np.mean([s for _, s in v]))
        for k, v in folds.items()
        if len(v) == N_SPLITS
    )
    with _Fits.lock:
        intervals = np.array(_Fits.intervals).reshape(-1, 2) - t0
    return {
        "wall": end - t0,
        "known": [a for a, _, _ in full],
        "regret": [regret(p) for _, p, _ in full],
        "observed": [float(o) for _, _, o in full],
        "fit_intervals": intervals.tolist(),
    }


def _hyperband(seed, args, asynchronous):
    from sktune import HyperbandSearchCV

    _Fits.reset()
    _Scores.reset()
    search = HyperbandSearchCV(
        SimulatedIncremental(base=args.base),
        space(),
        resource="max_iter",
        min_resource=1,
        max_resource=HB_R,
        factor=3,
        n_iter=args.n_configurations,
        cv=CV,
        refit=False,
        random_state=seed,
        asynchronous=asynchronous,
    )
    with joblib.parallel_config(backend="threading", n_jobs=N_WORKERS):
        t0 = time.perf_counter()
        search.fit(X)
        end = time.perf_counter()
    return hb_trace(t0, end)


def run_hyperband_sync(seed, args):
    return _hyperband(seed, args, asynchronous=False)


def run_hyperband_async(seed, args):
    return _hyperband(seed, args, asynchronous=True)


def run_optuna_sha(seed, args):
    """``SuccessiveHalvingPruner`` (rungs 1, 3, 9, 27 passes) on as many
    random trials as the bracket's configurations, 16 at a time; each step
    trains both folds one pass."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    _Fits.reset()
    _Scores.reset()
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.RandomSampler(seed=seed),
        pruner=optuna.pruners.SuccessiveHalvingPruner(
            min_resource=1, reduction_factor=3
        ),
    )
    folds = list(CV.split(X))

    def objective(trial):
        candidate = {name: trial.suggest_float(name, 0.0, 1.0) for name in NAMES}
        models = [SimulatedIncremental(base=args.base, **candidate) for _ in folds]
        for step in range(1, HB_R + 1):
            scores = [
                m.partial_fit(X[train]).score(X[test])
                for m, (train, test) in zip(models, folds)
            ]
            trial.report(float(np.mean(scores)), step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return float(np.mean(scores))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        study.optimize(objective, n_trials=args.n_configurations, n_jobs=N_WORKERS)
        end = time.perf_counter()
    return hb_trace(t0, end)


HB_METHODS = {
    "hyperband-sync": run_hyperband_sync,
    "hyperband-async": run_hyperband_async,
    "optuna-sha": run_optuna_sha,
}


def hyperband_main(argv):
    parser = argparse.ArgumentParser(description="Hyperband on the simulation")
    parser.add_argument("--methods", nargs="+", default=list(HB_METHODS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--base", type=float, default=0.03, help="seconds of the fastest pass"
    )
    parser.add_argument("--target", type=float, default=None)
    parser.add_argument(
        "--n-configurations", type=int, default=HB_N, help="of the bracket"
    )
    parser.add_argument("--out", default="simulated-cluster-hyperband")
    args = parser.parse_args(argv)
    runs = {method: {} for method in args.methods}
    for seed in args.seeds:
        for method in args.methods:
            run = runs[method][seed] = HB_METHODS[method](seed, args)
            print(
                f"seed {seed} {method:<16} wall {run['wall']:.2f}s, util "
                f"{utilisation(run, run['wall']):.0%}, {len(run['known'])} at full "
                f"budget, final regret {incumbent_regret(run, run['wall']):.3f}",
                flush=True,
            )
    summary = {}
    for method, by_seed in runs.items():
        rows = list(by_seed.values())
        finals = [incumbent_regret(r, r["wall"]) for r in rows]
        summary[method] = {
            **_summary_of(rows),
            "final_regret": _median(finals),
            "per_seed_final_regret": finals,
        }
    # the target: the synchronous search's final regret in each seed (the
    # quality it ends with), unless given
    for method, by_seed in runs.items():
        times = []
        for seed, run in by_seed.items():
            if args.target is not None:
                target = args.target
            elif "hyperband-sync" in runs:
                sync = runs["hyperband-sync"][seed]
                target = incumbent_regret(sync, sync["wall"])
            else:
                target = 0.5
            times.append(time_to(run, target + 1e-12, run["wall"]))
        summary[method]["time_to_target_s"] = _finite_or_none(_median(times))
        summary[method]["per_seed_time_to_target_s"] = [
            _finite_or_none(t) for t in times
        ]
    print()
    print(f"{'method':<18}{'util':>6}{'wall':>8}{'t(target)':>11}{'regret':>8}")
    for method, s in summary.items():
        t = s["time_to_target_s"]
        print(
            f"{method:<18}{s['utilisation']:>6.0%}{s['wall_s']:>7.2f}s"
            + (f"{t:>10.2f}s" if t is not None else f"{'-':>11}")
            + f"{s['final_regret']:>8.3f}"
        )
    _write_results(
        args.out,
        {
            "base_pass_s": args.base,
            "max_resource": HB_R,
            "factor": 3,
            "n_configurations": args.n_configurations,
            "speed": "1 + 9 * x5**2",
            "seeds": args.seeds,
            "target": args.target or "the synchronous search's final regret",
        },
        summary,
        runs,
    )


# ------------------------------------------------------- PBT: synchronous
# (generations) against asynchronous (each member exploits when it is ready).
#
#     OMP_NUM_THREADS=1 python benchmarks/simulated_cluster.py --pbt
#
# The member learns by passes of ``partial_fit``: pass ``t`` (of R = 20)
# adds ``exp(-((log10 lr - log10 lr*(t)) / 0.5) ** 2) / R`` to its progress,
# where the best learning rate lr*(t) falls from 0.1 to 0.001 over training:
# a schedule beats any constant rate. Its score is
# ``(0.8 + 0.2 * width) * progress`` plus per-fold noise (sd 0.005). A pass
# sleeps ``base * (1 + 4 * width)`` seconds in scenario "width" (a wide
# member learns more but is up to 5 times slower), or
# ``base * (1 + 4 * slowness)`` in scenario "independent", ``slowness`` being
# a fixed searched parameter that does not change the score (slow machines
# rather than slow models). ``lr`` is mutable; ``width`` and ``slowness``
# are fixed (inherited on exploit). Population 16, 10 steps of 2 passes,
# 2-fold CV, 16 threading workers, each search to its end. Reported (median
# over seeds): utilisation, wall time, the time until a member scored at the
# full budget reaches the target (default: the lowest of the methods' best
# final scores in that seed, less 0.01: a score all reached), the best
# final score, and the (member, step) rows trained (asynchronous PBT may
# train a step again after copying a member behind it).
PBT_R = 20
PBT_STEPS = 10
PBT_POPULATION = 16


def best_lr(t):
    """The best learning rate for pass ``t`` (0-based) of ``PBT_R``."""
    return 10.0 ** (-1.0 - 2.0 * t / (PBT_R - 1))


class SimulatedMember(RegressorMixin, BaseEstimator):
    """A PBT member of the simulation (see above)."""

    def __init__(self, lr=0.01, width=0.5, slowness=None, max_iter=PBT_R, base=0.01):
        self.lr = lr
        self.width = width
        self.slowness = slowness
        self.max_iter = max_iter
        self.base = base

    def partial_fit(self, X, y=None):
        start = time.perf_counter()
        slowness = self.width if self.slowness is None else self.slowness
        time.sleep(self.base * (1.0 + 4.0 * slowness))
        _Fits.add(start, time.perf_counter())
        t = getattr(self, "n_passes_", 0)
        gain = np.exp(-(((np.log10(self.lr) - np.log10(best_lr(t))) / 0.5) ** 2))
        self.progress_ = getattr(self, "progress_", 0.0) + gain / PBT_R
        self.n_passes_ = t + 1
        self.fold_ = int(X[0, 0])
        return self

    def fit(self, X, y=None):
        self.n_passes_, self.progress_ = 0, 0.0
        for _ in range(self.max_iter):
            self.partial_fit(X, y)
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        seed = zlib.crc32(
            np.array([self.lr, self.width, self.progress_, self.n_passes_]).tobytes()
        )
        noise = np.random.default_rng([seed, self.fold_]).normal(0.0, 0.005)
        value = (0.8 + 0.2 * self.width) * self.progress_ + noise
        with _Scores.lock:
            _Scores.rows.append(
                (time.perf_counter(), self.n_passes_, self.fold_, value, id(self))
            )
        return value


def _pbt(seed, args, asynchronous):
    from sktune import PBTSearchCV

    _Fits.reset()
    _Scores.reset()
    space = {"lr": Real(1e-4, 1.0, log=True), "width": Real(0.0, 1.0)}
    if args.scenario == "independent":
        space["slowness"] = Real(0.0, 1.0)
    search = PBTSearchCV(
        SimulatedMember(base=args.base),
        space,
        mutable=["lr"],
        population_size=PBT_POPULATION,
        n_steps=PBT_STEPS,
        step_size=PBT_R // PBT_STEPS,
        cv=CV,
        refit=False,
        random_state=seed,
        asynchronous=asynchronous,
    )
    with joblib.parallel_config(backend="threading", n_jobs=N_WORKERS):
        t0 = time.perf_counter()
        search.fit(X)
        end = time.perf_counter()
    results = search.cv_results_
    final = np.asarray(results["budget"]) == PBT_R
    # when each full-budget fold score came in; a row's split scores are
    # found there by value (the noise makes every fold score distinct)
    with _Scores.lock:
        at_full = sorted((at - t0, v) for at, n, _, v, _ in _Scores.rows if n == PBT_R)
    with _Fits.lock:
        intervals = np.array(_Fits.intervals).reshape(-1, 2) - t0
    return {
        "wall": end - t0,
        "final_scores": np.asarray(results["mean_test_score"])[final].tolist(),
        "fold_scores_at_full": at_full,
        "split_scores": [
            np.asarray(results[f"split{k}_test_score"])[final].tolist()
            for k in range(N_SPLITS)
        ],
        "n_rows": len(results["params"]),
        "n_exploits": int(np.sum(np.asarray(results["parent"]) >= 0)),
        "fit_intervals": intervals.tolist(),
    }


def pbt_time_to(run, target):
    """Seconds until a full-budget row with mean score >= ``target`` had both
    folds scored (inf: never)."""
    when = {}
    for at, value in run["fold_scores_at_full"]:
        when.setdefault(round(value, 12), at)
    times = [
        max(when[round(a, 12)], when[round(b, 12)])
        for a, b in zip(*run["split_scores"])
        if (a + b) / 2 >= target
    ]
    return min(times) if times else np.inf


def run_pbt_sync(seed, args):
    return _pbt(seed, args, asynchronous=False)


def run_pbt_async(seed, args):
    return _pbt(seed, args, asynchronous=True)


PBT_METHODS = {"pbt-sync": run_pbt_sync, "pbt-async": run_pbt_async}


def pbt_main(argv):
    parser = argparse.ArgumentParser(description="PBT on the simulation")
    parser.add_argument("--methods", nargs="+", default=list(PBT_METHODS))
    parser.add_argument("--seeds", nargs="+", type=int, default=list(range(10)))
    parser.add_argument(
        "--base", type=float, default=0.02, help="seconds of the fastest pass"
    )
    parser.add_argument("--target", type=float, default=None)
    parser.add_argument(
        "--scenarios", nargs="+", default=["width", "independent"], help="see above"
    )
    parser.add_argument("--out", default="simulated-cluster-pbt")
    args = parser.parse_args(argv)
    summary, runs = {}, {}
    for scenario in args.scenarios:
        args.scenario = scenario
        print(f"scenario {scenario}:")
        summary[scenario], runs[scenario] = _pbt_scenario(args)
    _write_results(
        args.out,
        {
            "base_pass_s": args.base,
            "passes": PBT_R,
            "n_steps": PBT_STEPS,
            "population_size": PBT_POPULATION,
            "speed": {
                "width": "1 + 4 * width",
                "independent": "1 + 4 * slowness, slowness searched, fixed",
            },
            "score": "(0.8 + 0.2 * width) * mean over passes of "
            "exp(-((log10 lr - log10 lr*(t)) / 0.5)**2), "
            "lr*(t) = 10**(-1 - 2 t / 19)",
            "seeds": args.seeds,
            "target": args.target
            or "the lowest of the methods' best final scores, less 0.01",
        },
        summary,
        # by scenario, then method and seed
        {
            f"{sc}/{m}": by_seed
            for sc, by_method in runs.items()
            for m, by_seed in by_method.items()
        },
        drop=("fit_intervals", "fold_scores_at_full"),
    )


def _pbt_scenario(args):
    runs = {method: {} for method in args.methods}
    for seed in args.seeds:
        for method in args.methods:
            run = runs[method][seed] = PBT_METHODS[method](seed, args)
            print(
                f"seed {seed} {method:<10} wall {run['wall']:.2f}s, util "
                f"{utilisation(run, run['wall']):.0%}, {run['n_rows']} rows, "
                f"{run['n_exploits']} exploits, best final "
                f"{max(run['final_scores']):.4f}",
                flush=True,
            )
    summary = {}
    for method, by_seed in runs.items():
        rows = list(by_seed.values())
        finals = [max(r["final_scores"]) for r in rows]
        times = []
        for seed, run in by_seed.items():
            if args.target is not None:
                target = args.target
            else:  # a score every method reached in this seed
                target = min(max(r[seed]["final_scores"]) for r in runs.values())
                target -= 0.01
            times.append(pbt_time_to(run, target))
        summary[method] = {
            **_summary_of(rows),
            "time_to_target_s": _finite_or_none(_median(times)),
            "best_final_score": _median(finals),
            "exploits": _median([r["n_exploits"] for r in rows]),
            # (member, step) rows trained: the compute, in steps
            "rows": _median([r["n_rows"] for r in rows]),
            "per_seed_best_final_score": finals,
            "per_seed_time_to_target_s": [_finite_or_none(t) for t in times],
        }
    print()
    print(
        f"{'method':<12}{'util':>6}{'wall':>8}{'t(target)':>11}{'best':>8}{'rows':>6}"
    )
    for method, s in summary.items():
        t = s["time_to_target_s"]
        print(
            f"{method:<12}{s['utilisation']:>6.0%}{s['wall_s']:>7.2f}s"
            + (f"{t:>10.2f}s" if t is not None else f"{'-':>11}")
            + f"{s['best_final_score']:>8.4f}{s['rows']:>6.0f}"
        )
    return summary, runs


if __name__ == "__main__":
    import sys

    if "--hyperband" in sys.argv:
        hyperband_main([a for a in sys.argv[1:] if a != "--hyperband"])
    elif "--pbt" in sys.argv:
        pbt_main([a for a in sys.argv[1:] if a != "--pbt"])
    else:
        main()
