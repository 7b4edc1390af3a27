"""Learning-rate range test: is its suggestion a rate a grid search would pick?

On each problem, a grid of 11 log-spaced learning rates (1e-4 to 10, half a
decade apart) is scored by 3-fold CV accuracy after a fixed number of epochs;
its best rate is the reference. Then ``sktune.lr_range_test`` runs on the
whole training set, once per seed and sweep length (``num_iter``), and we
report: the ratio of its ``suggested_lr`` to the best grid rate, the same
ratio for the other common rule (a tenth of the rate at the loss minimum,
fastai's ``lr_min``), whether ``suggested_range`` contains the best grid
rate, and the CV accuracy of training at ``suggested_lr`` itself (same
epochs and folds as the grid), against the best grid accuracy.

Problems: scikit-learn's MLPClassifier on digits with SGD (momentum 0.9)
and with Adam, 20 epochs; a skorch MLP on digits with SGD (momentum 0.9),
10 epochs, and on breast_cancer with Adam, 10 epochs (skipped without
torch).

    OMP_NUM_THREADS=1 python benchmarks/lr_range.py              # 5 seeds
    OMP_NUM_THREADS=1 python benchmarks/lr_range.py --seeds 2 --problems mlp-sgd
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _common import save  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sktune import lr_range_test  # noqa: E402

GRID = np.logspace(-4, 1, 11)
CV = StratifiedKFold(3, shuffle=True, random_state=0)
NUM_ITERS = (100, 200, 300)


def _digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16).astype(np.float32), y.astype(np.int64)


def _cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X).astype(np.float32), y.astype(np.int64)


def _mlp(solver):
    def make(lr=1e-3, seed=0):
        return MLPClassifier(
            (32,), solver=solver, learning_rate_init=lr, max_iter=20, random_state=seed
        )

    return make


def _skorch(optimizer, n_features, n_classes, batch_size, **kwargs):
    import skorch
    import torch

    torch.set_num_threads(1)

    class MLP(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = torch.nn.Sequential(
                torch.nn.Linear(n_features, 64),
                torch.nn.ReLU(),
                torch.nn.Linear(64, n_classes),
            )

        def forward(self, X):
            return self.layers(X)

    def make(lr=1e-2, seed=0):
        torch.manual_seed(seed)
        return skorch.NeuralNetClassifier(
            MLP,
            criterion=torch.nn.CrossEntropyLoss,
            optimizer=getattr(torch.optim, optimizer),
            lr=lr,
            max_epochs=10,
            batch_size=batch_size,
            iterator_train__shuffle=True,
            train_split=None,
            verbose=0,
            **kwargs,
        )

    return make


PROBLEMS = {
    "mlp-sgd": ("MLPClassifier sgd, digits, 20 epochs", _digits, lambda: _mlp("sgd")),
    "mlp-adam": (
        "MLPClassifier adam, digits, 20 epochs",
        _digits,
        lambda: _mlp("adam"),
    ),
    "skorch-sgd": (
        "skorch MLP SGD(momentum=0.9), digits, 10 epochs",
        _digits,
        lambda: _skorch("SGD", 64, 10, 64, optimizer__momentum=0.9),
    ),
    "skorch-adam": (
        "skorch MLP Adam, breast_cancer, 10 epochs",
        _cancer,
        lambda: _skorch("Adam", 30, 2, 32),
    ),
}


def cv_accuracy(make, lr, X, y):
    """Mean 3-fold CV accuracy of a fresh net trained at ``lr``."""
    scores = []
    for fold, (train, test) in enumerate(CV.split(X, y)):
        model = make(lr=float(lr), seed=fold)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X[train], y[train])
            scores.append(float(np.mean(model.predict(X[test]) == y[test])))
    return float(np.mean(scores))


def run(name, seeds):
    title, data, factory = PROBLEMS[name]
    try:
        make = factory()
    except ImportError as exc:
        print(f"{name}: skipped ({exc})")
        return None
    X, y = data()
    start = time.perf_counter()
    grid = [cv_accuracy(make, lr, X, y) for lr in GRID]
    grid_seconds = time.perf_counter() - start
    best = float(GRID[int(np.argmax(grid))])
    print(f"\n{title}: grid accuracy {np.round(grid, 3).tolist()}")
    print(f"best grid lr {best:.3g} (accuracy {max(grid):.3f}), {grid_seconds:.1f} s")
    runs = []
    for num_iter in NUM_ITERS:
        for seed in range(seeds):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = lr_range_test(
                    make(seed=seed), X, y, num_iter=num_iter, random_state=seed
                )
            seconds = time.perf_counter() - start
            low, high = result.suggested_range
            row = {
                "num_iter": num_iter,
                "seed": seed,
                "suggested_lr": result.suggested_lr,
                "min_loss_lr": result.min_loss_lr,
                "suggested_range": [low, high],
                "stop_reason": result.stop_reason,
                "n_steps": len(result.losses),
                "ratio": result.suggested_lr / best,
                "ratio_min_over_10": result.min_loss_lr / 10 / best,
                "range_contains_best": bool(low <= best <= high),
                "accuracy_at_suggested": cv_accuracy(make, result.suggested_lr, X, y),
                "seconds": seconds,
            }
            runs.append(row)
            print(
                f"num_iter={num_iter} seed={seed}: suggested {row['suggested_lr']:.3g}"
                f" (x{row['ratio']:.2f}; min/10 x{row['ratio_min_over_10']:.2f}),"
                f" range ({low:.3g}, {high:.3g}) contains best:"
                f" {row['range_contains_best']}, accuracy"
                f" {row['accuracy_at_suggested']:.3f}, {seconds:.2f} s,"
                f" {row['stop_reason']}"
            )
    return {
        "title": title,
        "grid": GRID.tolist(),
        "grid_accuracy": grid,
        "best_grid_lr": best,
        "best_grid_accuracy": max(grid),
        "grid_seconds": grid_seconds,
        "runs": runs,
    }


def _geomean(values):
    return float(np.exp(np.mean(np.log(values))))


def table(payload):
    lines = [
        "| problem | best grid lr (acc.) | num_iter | suggested / best (range)"
        " | min/10 / best | range holds best | acc. at suggested | test s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for problem in payload["problems"].values():
        for num_iter in NUM_ITERS:
            runs = [r for r in problem["runs"] if r["num_iter"] == num_iter]
            ratios = [r["ratio"] for r in runs]
            alt = [r["ratio_min_over_10"] for r in runs]
            acc = [r["accuracy_at_suggested"] for r in runs]
            lines.append(
                f"| {problem['title']} | {problem['best_grid_lr']:.3g}"
                f" ({problem['best_grid_accuracy']:.3f}) | {num_iter}"
                f" | {_geomean(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"
                f" | {_geomean(alt):.2f} ({min(alt):.2f}-{max(alt):.2f})"
                f" | {sum(r['range_contains_best'] for r in runs)}/{len(runs)}"
                f" | {np.mean(acc):.3f} ({min(acc):.3f}-{max(acc):.3f})"
                f" | {np.mean([r['seconds'] for r in runs]):.2f} |"
            )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument(
        "--problems", nargs="+", default=list(PROBLEMS), choices=list(PROBLEMS)
    )
    args = parser.parse_args()
    problems = {}
    for name in args.problems:
        result = run(name, args.seeds)
        if result is not None:
            problems[name] = result
    payload = {"seeds": args.seeds, "problems": problems}
    print()
    print(table(payload))
    save("lr-range", payload)


if __name__ == "__main__":
    main()
