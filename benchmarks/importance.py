"""Hyperparameter importance: sktune's fANOVA and Sobol' vs Optuna's fANOVA.

Each problem runs one RandomizedSearchCV (80 points, 3-fold CV, seed 0) and
ranks its hyperparameters, on the same evaluated points, by

- sktune's ``fanova_importance`` (main-effect shares; forest seeds 0..4),
- sktune's ``sobol_indices`` total indices of the same surrogate (seeds 0..4),
- Optuna's ``FanovaImportanceEvaluator`` (seeds 0..4) on a study built from
  the rows with ``optuna.trial.create_trial``, twice: with the parameters in
  sktune's encoded units (log10 of a log-scaled one, so both measure the same
  box) and with Optuna's own distributions (``log=True``, which Optuna's
  fANOVA measures on the linear scale).

It reports each method's mean importances, the Spearman rank correlation of
the means with Optuna's (encoded) means, each method's seed-to-seed Spearman
(mean over the pairs of seeds) and the seconds per call. Importances are
normalised to add to one for the comparison, as Optuna's are.

    OMP_NUM_THREADS=1 python benchmarks/importance.py
    OMP_NUM_THREADS=1 python benchmarks/importance.py --problems SVC-digits --seeds 3
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import itertools  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _common import save  # noqa: E402
from scipy.stats import loguniform, randint, spearmanr, uniform  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from sktune._surrogate import evaluated_points  # noqa: E402
from sktune.importance import fanova_importance, sobol_indices  # noqa: E402

PROBLEMS = {
    # gamma and C matter; tol barely, cache_size and class_weight not at all
    "SVC-digits": (
        load_digits,
        SVC(),
        {
            "C": loguniform(1e-2, 1e3),
            "gamma": loguniform(1e-5, 1e0),
            "tol": loguniform(1e-5, 1e-1),
            "cache_size": uniform(100, 400),
            "class_weight": [None, "balanced"],
        },
    ),
    # min_samples_leaf (up to 199 of ~380 training rows) and learning_rate
    # matter; the tree shape and binning much less
    "HGB-breast": (
        load_breast_cancer,
        HistGradientBoostingClassifier(
            max_iter=50, early_stopping=False, random_state=0
        ),
        {
            "learning_rate": loguniform(1e-2, 1e0),
            "max_depth": randint(1, 11),
            "max_leaf_nodes": randint(2, 64),
            "min_samples_leaf": randint(1, 200),
            "l2_regularization": loguniform(1e-6, 1e1),
            "max_bins": randint(4, 256),
        },
    ),
}


def optuna_importances(points, seed, native):
    """Optuna's fANOVA importances of the evaluated points (in names order)."""
    import optuna
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    distributions, columns = {}, []
    for j, (name, kind) in enumerate(zip(points.names, points.kinds)):
        low, high = points.bounds[j]
        if kind == "cat":
            choices = points.categories[name] if native else list(range(int(high) + 1))
            distributions[name] = CategoricalDistribution(choices)
            columns.append(points.decode(j, points.X[:, j]) if native else None)
        elif native and kind == "log":
            distributions[name] = FloatDistribution(10**low, 10**high, log=True)
            columns.append(points.decode(j, points.X[:, j]))
        elif native and kind == "int":
            distributions[name] = IntDistribution(int(low), int(high))
            columns.append(points.decode(j, points.X[:, j]))
        else:
            distributions[name] = FloatDistribution(low, high)
            columns.append(None)
    study = optuna.create_study(direction="maximize")
    for i, score in enumerate(points.y):
        params = {}
        for j, name in enumerate(points.names):
            if columns[j] is not None:
                params[name] = columns[j][i]
            elif points.kinds[j] == "cat":
                params[name] = int(points.X[i, j])
            else:
                params[name] = float(points.X[i, j])
        study.add_trial(
            optuna.trial.create_trial(
                params=params, distributions=distributions, value=float(score)
            )
        )
    evaluator = optuna.importance.FanovaImportanceEvaluator(seed=seed)
    found = optuna.importance.get_param_importances(study, evaluator=evaluator)
    return np.array([found[name] for name in points.names])


def ours_fanova(points, seed):
    result = fanova_importance(points, random_state=seed)
    return np.array(
        [dict(zip(result.names, result.importances))[n] for n in points.names]
    )


def ours_sobol(points, seed):
    result = sobol_indices(points, n_samples=1024, random_state=seed)
    return np.array([dict(zip(result.names, result.total))[n] for n in points.names])


def normalised(values):
    total = values.sum()
    return values / total if total > 0 else values


def stability(runs):
    """Mean Spearman correlation between the runs of different seeds."""
    pairs = itertools.combinations(range(len(runs)), 2)
    return float(np.mean([spearmanr(runs[a], runs[b]).statistic for a, b in pairs]))


def run_problem(name, seeds, n_iter):
    load, estimator, space = PROBLEMS[name]
    X, y = load(return_X_y=True)
    search = RandomizedSearchCV(
        estimator,
        space,
        n_iter=n_iter,
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        random_state=0,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    search_seconds = time.perf_counter() - start
    points = evaluated_points(search)
    methods = {
        "sktune fANOVA": ours_fanova,
        "sktune Sobol' ST": ours_sobol,
        "Optuna fANOVA (encoded)": lambda p, s: optuna_importances(p, s, False),
        "Optuna fANOVA (native)": lambda p, s: optuna_importances(p, s, True),
    }
    out = {
        "n_points": len(points.y),
        "names": points.names,
        "kinds": points.kinds,
        "search_seconds": search_seconds,
        "methods": {},
    }
    means = {}
    for method, compute in methods.items():
        runs, seconds = [], []
        for seed in range(seeds):
            start = time.perf_counter()
            runs.append(normalised(compute(points, seed)))
            seconds.append(time.perf_counter() - start)
        runs = np.array(runs)
        means[method] = runs.mean(axis=0)
        out["methods"][method] = {
            "mean": means[method].tolist(),
            "std": runs.std(axis=0).tolist(),
            "seed_to_seed_spearman": stability(runs),
            "seconds_per_call": float(np.mean(seconds)),
        }
    reference = means["Optuna fANOVA (encoded)"]
    for method, mean in means.items():
        out["methods"][method]["spearman_vs_optuna_encoded"] = float(
            spearmanr(mean, reference).statistic
        )
    return out


def report(name, out):
    print(f"\n{name}: {out['n_points']} points, search {out['search_seconds']:.0f} s")
    header = "".join(f"{n[:12]:>13}" for n in out["names"])
    print(f"{'method':<26}{header}   rho vs Optuna  seed-to-seed  s/call")
    for method, m in out["methods"].items():
        values = "".join(f"{v:13.3f}" for v in m["mean"])
        print(
            f"{method:<26}{values}   {m['spearman_vs_optuna_encoded']:13.2f}"
            f"  {m['seed_to_seed_spearman']:12.2f}  {m['seconds_per_call']:6.2f}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--n-iter", type=int, default=80)
    args = parser.parse_args()
    payload = {"n_iter": args.n_iter, "seeds": args.seeds, "problems": {}}
    for name in args.problems:
        payload["problems"][name] = out = run_problem(name, args.seeds, args.n_iter)
        report(name, out)
    save("importance", payload)


if __name__ == "__main__":
    main()
