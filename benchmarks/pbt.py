"""Population-based training against random search of equal compute.

``schedule``: a trainable whose best learning rate changes during training
(after Ray Tune's ``pbt_function`` example, written anew): progress ``q``
grows fastest when the learning rate is near an optimum that rises from
0.001 to 0.01 while ``q`` goes 0 -> 100 and falls back to 0.001 at 200; a
rate more than 3x too high loses progress. Loss = max(0, 200 - q). PBT
(population 4, 25 rounds of 4 steps) against RandomizedSearchCV of 4
configurations trained 100 steps each, median over 5 seeds.

``toy``: the PBT paper's toy (Fig. 2): two members start at h = (1, 0) and
(0, 1); PBT (exploit and explore every 4 steps, quantile 0.5, resampling 0.5,
100 steps) against the same two members with their h fixed.

``skorch``: an MLP on digits through skorch (SGD with momentum), PBT
(population 8, 10 epochs, learning rate / momentum / weight decay mutable)
against 8 random configurations trained 10 epochs each; held-out accuracy.

    python benchmarks/pbt.py --seeds 5
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _common import save  # noqa: E402
from scipy.stats import loguniform  # noqa: E402
from sklearn.base import BaseEstimator, RegressorMixin  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)

from sktune import PBTSearchCV, Real  # noqa: E402


class ScheduleSensitive(RegressorMixin, BaseEstimator):
    """A toy trainable: one ``partial_fit`` is one training step."""

    def __init__(self, lr=1e-3, max_iter=100, seed=0):
        self.lr = lr
        self.max_iter = max_iter
        self.seed = seed

    @staticmethod
    def best_lr(q):
        rise = 0.01 * q / 100 if q < 100 else 0.01 - 0.01 * (q - 100) / 100
        return min(0.01, max(0.001, rise))

    def partial_fit(self, X, y=None):
        if not hasattr(self, "q_"):
            self.q_, self.rng_ = 0.0, np.random.RandomState(self.seed)
        best = self.best_lr(self.q_)
        ratio = max(self.lr, best) / min(self.lr, best)
        if ratio < 3:
            self.q_ += 3.0 / ratio
        elif self.lr > best:
            self.q_ -= ratio - 3
        self.q_ = max(0.0, self.q_ + 0.5 * self.rng_.normal())
        return self

    def fit(self, X, y=None):
        for attr in ("q_", "rng_"):
            self.__dict__.pop(attr, None)
        for _ in range(self.max_iter):
            self.partial_fit(X, y)
        return self

    def predict(self, X):
        return np.full(len(X), self.q_)

    def score(self, X, y=None):
        return -max(0.0, 200.0 - self.q_)  # minus the loss


def schedule_problem(seeds):
    X, y = np.zeros((4, 1)), np.zeros(4)
    out = {"pbt": [], "random": []}
    for seed in range(seeds):
        pbt = PBTSearchCV(
            ScheduleSensitive(),
            {"lr": Real(1e-4, 2e-2, log=True)},
            population_size=4,
            n_steps=25,
            step_size=4,
            cv=2,
            random_state=seed,
            refit=False,
        ).fit(X, y)
        rnd = RandomizedSearchCV(
            ScheduleSensitive(max_iter=100),
            {"lr": loguniform(1e-4, 2e-2)},
            n_iter=4,
            cv=2,
            random_state=seed,
            refit=False,
        ).fit(X, y)
        last = pbt.cv_results_["step"] == pbt.n_steps - 1
        out["pbt"].append(0.0 - float(np.max(pbt.cv_results_["mean_test_score"][last])))
        out["random"].append(0.0 - float(np.max(rnd.cv_results_["mean_test_score"])))
        print("schedule", seed, out["pbt"][-1], out["random"][-1], flush=True)
    for method, losses in out.items():
        print(
            f"schedule {method:7s} median loss {np.median(losses):.1f} "
            f"(per seed {np.round(losses, 1).tolist()})",
            flush=True,
        )
    return out


class PaperToy(RegressorMixin, BaseEstimator):
    """The toy of Jaderberg et al. (2017), Fig. 2: gradient ascent on the
    surrogate 1.2 - (h0 t0^2 + h1 t1^2) of the objective Q = 1.2 - |t|^2."""

    def __init__(self, h0=1.0, h1=0.0, max_iter=100):
        self.h0, self.h1, self.max_iter = h0, h1, max_iter

    def partial_fit(self, X, y=None):
        if not hasattr(self, "theta_"):
            self.theta_ = np.array([0.9, 0.9])
        self.theta_ = (
            self.theta_ - 0.02 * 2 * np.array([self.h0, self.h1]) * self.theta_
        )
        return self

    def fit(self, X, y=None):
        self.__dict__.pop("theta_", None)
        for _ in range(self.max_iter):
            self.partial_fit(X, y)
        return self

    def predict(self, X):
        return np.full(len(X), self.score(X))

    def score(self, X, y=None):
        return 1.2 - float(np.sum(self.theta_**2))


def toy_problem(seeds):
    X, y = np.zeros((4, 1)), np.zeros(4)
    space = {"h0": Real(0.0, 1.0), "h1": Real(0.0, 1.0)}
    start = [{"h0": 1.0, "h1": 0.0}, {"h0": 0.0, "h1": 1.0}]
    out = {"pbt": [], "fixed-h": []}
    for seed in range(seeds):
        pbt = PBTSearchCV(
            PaperToy(),
            space,
            initial_population=start,
            population_size=2,
            n_steps=25,
            step_size=4,
            quantile=0.5,
            resample_probability=0.5,
            cv=2,
            random_state=seed,
            refit=False,
        ).fit(X, y)
        last = pbt.cv_results_["step"] == pbt.n_steps - 1
        fixed = [PaperToy(**h, max_iter=100).fit(X).score(X) for h in start]
        out["pbt"].append([float(v) for v in pbt.cv_results_["mean_test_score"][last]])
        out["fixed-h"].append(fixed)
        print("toy", seed, out["pbt"][-1], fixed, flush=True)
    for method, runs in out.items():
        print(
            f"toy {method:7s} Q of both members, median "
            f"{np.round(np.median(runs, axis=0), 4).tolist()}",
            flush=True,
        )
    return out


def _mlp_module():
    """A module class defined once, at module level, so that it pickles
    (exploit deep-copies nets, and skorch deep-copies through pickle)."""
    import torch

    global DigitsMLP
    if "DigitsMLP" not in globals():

        class DigitsMLP(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.layers = torch.nn.Sequential(
                    torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)
                )

            def forward(self, X):
                return self.layers(X)

        DigitsMLP.__qualname__ = "DigitsMLP"
    return DigitsMLP


def skorch_problem(seeds):
    import torch
    from skorch import NeuralNetClassifier

    torch.set_num_threads(1)

    def net():
        return NeuralNetClassifier(
            _mlp_module(),
            criterion=torch.nn.CrossEntropyLoss,
            optimizer=torch.optim.SGD,
            max_epochs=10,
            batch_size=64,
            train_split=None,
            iterator_train__shuffle=True,
            verbose=0,
        )

    X, y = load_digits(return_X_y=True)
    X, y = (X / 16).astype(np.float32), y.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    space = {
        "lr": (1e-4, 1.0),
        "optimizer__momentum": (0.0, 0.99),
        "optimizer__weight_decay": (1e-7, 1e-2),
    }
    out = {"pbt": [], "random": []}
    for seed in range(seeds):
        torch.manual_seed(seed)
        runs = {
            "pbt": PBTSearchCV(
                net(),
                {
                    "lr": Real(*space["lr"], log=True),
                    "optimizer__momentum": Real(*space["optimizer__momentum"]),
                    "optimizer__weight_decay": Real(
                        *space["optimizer__weight_decay"], log=True
                    ),
                },
                population_size=8,
                n_steps=10,
                cv=cv,
                random_state=seed,
            ),
            "random": RandomizedSearchCV(
                net(),
                {
                    "lr": loguniform(*space["lr"]),
                    "optimizer__momentum": [float(v) for v in np.linspace(0, 0.99, 34)],
                    "optimizer__weight_decay": loguniform(
                        *space["optimizer__weight_decay"]
                    ),
                },
                n_iter=8,
                cv=cv,
                random_state=seed,
            ),
        }
        for method, search in runs.items():
            start = time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                search.fit(X_train, y_train)
            out[method].append(
                {
                    "held_out": float(search.score(X_test, y_test)),
                    "cv": float(search.best_score_),
                    "cpu": time.process_time() - start,
                }
            )
            print("skorch", method, seed, out[method][-1], flush=True)
    for method, runs in out.items():
        print(
            f"skorch {method:7s} "
            f"held-out {np.median([r['held_out'] for r in runs]):.4f}"
            f"  cv {np.median([r['cv'] for r in runs]):.4f}"
            f"  cpu {np.median([r['cpu'] for r in runs]):.1f} s",
            flush=True,
        )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--problems", nargs="+", default=["schedule", "toy", "skorch"])
    args = parser.parse_args()
    payload = {}
    if "schedule" in args.problems:
        payload["schedule"] = schedule_problem(args.seeds)
    if "toy" in args.problems:
        payload["toy"] = toy_problem(args.seeds)
    if "skorch" in args.problems:
        payload["skorch"] = skorch_problem(args.seeds)
    save("pbt", payload)


if __name__ == "__main__":
    main()
