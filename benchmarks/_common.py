"""Shared pieces of the benchmarks: objectives as estimators, peers, spaces.

Every search gets the same seed, budget and folds. The peers are imported
lazily so that a missing one (pip install -e ".[bench]") only skips itself.
"""

import os

# Pin BLAS/OpenMP threads before numpy loads: on 2 cores, 2 threads under
# load run many times slower.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.base import BaseEstimator  # noqa: E402

RESULTS = os.path.join(os.path.dirname(__file__), "results")


def branin(x1, x2):
    b, c, t = 5.1 / (4 * np.pi**2), 5 / np.pi, 1 / (8 * np.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * np.cos(x1) + 10


_H6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(*x):
    x = np.asarray(x)
    return -np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1)))


class BraninEstimator(BaseEstimator):
    """An estimator whose score is minus the Branin function of its params."""

    def __init__(self, x1=0.0, x2=0.0):
        self.x1, self.x2 = x1, x2

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        return -branin(self.x1, self.x2)


class Hartmann6Estimator(BaseEstimator):
    """An estimator whose score is minus the Hartmann-6 function of its params."""

    def __init__(self, x0=0.5, x1=0.5, x2=0.5, x3=0.5, x4=0.5, x5=0.5):
        self.x0, self.x1, self.x2, self.x3, self.x4, self.x5 = x0, x1, x2, x3, x4, x5

    def fit(self, X, y=None):
        return self

    def score(self, X, y=None):
        return -hartmann6(self.x0, self.x1, self.x2, self.x3, self.x4, self.x5)


# A bound is (low, high, kind) with kind "real", "log", "int", "intlog" or a list.
FUNCTIONS = {
    "branin": (
        BraninEstimator,
        {"x1": (-5.0, 10.0, "real"), "x2": (0.0, 15.0, "real")},
        0.397887,
    ),
    "hartmann6": (
        Hartmann6Estimator,
        {f"x{i}": (0.0, 1.0, "real") for i in range(6)},
        -3.32237,
    ),
}


def sktune_space(bounds):
    from sktune import Categorical, Integer, Real

    out = {}
    for name, b in bounds.items():
        if isinstance(b, list):
            out[name] = Categorical(b)
        elif b[2] in ("int", "intlog"):
            out[name] = Integer(b[0], b[1], log=b[2] == "intlog")
        else:
            out[name] = Real(b[0], b[1], log=b[2] == "log")
    return out


def scipy_space(bounds):
    from scipy import stats

    out = {}
    for name, b in bounds.items():
        if isinstance(b, list):
            out[name] = b
        elif b[2] == "int":
            out[name] = stats.randint(b[0], b[1] + 1)
        elif b[2] == "intlog":
            out[name] = [
                int(v) for v in np.unique(np.geomspace(b[0], b[1], 64).round())
            ]
        elif b[2] == "log":
            out[name] = stats.loguniform(b[0], b[1])
        else:
            out[name] = stats.uniform(b[0], b[1] - b[0])
    return out


def skopt_space(bounds):
    from skopt.space import Categorical, Integer, Real

    out = {}
    for name, b in bounds.items():
        if isinstance(b, list):
            out[name] = Categorical(b)
        elif b[2] in ("int", "intlog"):
            out[name] = Integer(
                b[0], b[1], prior="log-uniform" if b[2] == "intlog" else "uniform"
            )
        else:
            out[name] = Real(
                b[0], b[1], prior="log-uniform" if b[2] == "log" else "uniform"
            )
    return out


def optuna_space(bounds):
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    out = {}
    for name, b in bounds.items():
        if isinstance(b, list):
            out[name] = CategoricalDistribution(b)
        elif b[2] in ("int", "intlog"):
            out[name] = IntDistribution(b[0], b[1], log=b[2] == "intlog")
        else:
            out[name] = FloatDistribution(b[0], b[1], log=b[2] == "log")
    return out


def optuna_study(sampler_name, seed, direction="maximize"):
    """A quiet Optuna study with its GP (``"gp"``) or TPE (``"tpe"``) sampler."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    samplers = {"gp": optuna.samplers.GPSampler, "tpe": optuna.samplers.TPESampler}
    return optuna.create_study(
        direction=direction, sampler=samplers[sampler_name](seed=seed)
    )


def make_search(method, estimator, bounds, n_iter, seed, cv, n_jobs=1):
    """One search object of ``method`` with the shared budget and seed."""
    if method == "sktune":
        from sktune import BayesSearchCV

        return BayesSearchCV(
            estimator,
            sktune_space(bounds),
            n_iter=n_iter,
            cv=cv,
            random_state=seed,
            n_jobs=n_jobs,
        )
    if method == "random":
        from sklearn.model_selection import RandomizedSearchCV

        return RandomizedSearchCV(
            estimator,
            scipy_space(bounds),
            n_iter=n_iter,
            cv=cv,
            random_state=seed,
            n_jobs=n_jobs,
        )
    if method == "skopt":
        from skopt import BayesSearchCV as SkoptSearch

        return SkoptSearch(
            estimator,
            skopt_space(bounds),
            n_iter=n_iter,
            cv=cv,
            random_state=seed,
            n_jobs=n_jobs,
            optimizer_kwargs={"acq_func": "EI", "n_initial_points": 10},
        )
    if method in ("optuna-tpe", "optuna-gp"):
        from optuna_integration import OptunaSearchCV

        study = optuna_study(method.removeprefix("optuna-"), seed)
        return OptunaSearchCV(
            estimator,
            optuna_space(bounds),
            n_trials=n_iter,
            cv=cv,
            study=study,
            random_state=seed,
            n_jobs=n_jobs,
        )
    raise ValueError(method)


def best_trace(search, method):
    """Mean CV score of each evaluation, in order (OptunaSearchCV: trials)."""
    if method.startswith("optuna"):
        return np.array([t.value for t in search.study_.trials])
    return np.asarray(search.cv_results_["mean_test_score"], dtype=float)


def versions():
    import importlib.metadata as md

    out = {"python": platform.python_version(), "machine": platform.machine()}
    for name in [
        "sktune",
        "numpy",
        "scipy",
        "scikit-learn",
        "scikit-optimize",
        "optuna",
        "optuna-integration",
    ]:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = None
    return out


def save(name, payload):
    os.makedirs(RESULTS, exist_ok=True)
    payload = {"versions": versions(), "date": time.strftime("%Y-%m-%d"), **payload}
    with open(os.path.join(RESULTS, f"{name}.json"), "w") as f:
        json.dump(payload, f, indent=1, default=float)
