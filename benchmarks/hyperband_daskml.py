"""dask-ml's HyperbandSearchCV on the problem of benchmarks/hyperband.py.

dask-ml's search fails on dask >= 2025.3 (dask-ml issue #1016), so it runs in
its own environment:

    python -m venv /tmp/venvdask
    /tmp/venvdask/bin/pip install "dask[array,dataframe]<2025.3" \\
        "distributed<2025.3" dask-ml scikit-learn
    /tmp/venvdask/bin/python benchmarks/hyperband_daskml.py --seeds 3

It has no k-fold CV (one hold-out split of the training data) and no refit:
its best_estimator_ is the partially trained model, scored here on the same
held-out test set.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import dask.array as da  # noqa: E402
import numpy as np  # noqa: E402
from _common import save  # noqa: E402
from dask.distributed import Client  # noqa: E402
from dask_ml.model_selection import HyperbandSearchCV  # noqa: E402
from scipy.stats import loguniform  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

R = 81


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16, y, test_size=0.25, random_state=0, stratify=y
    )
    space = {
        "alpha": loguniform(1e-6, 1e-1),
        "learning_rate_init": loguniform(1e-4, 1e-1),
        "hidden_layer_sizes": [
            int(v) for v in np.unique(np.geomspace(16, 256, 32).round())
        ],
        "batch_size": [int(v) for v in np.unique(np.geomspace(16, 256, 32).round())],
    }
    runs = []
    with Client(processes=False, n_workers=1, threads_per_worker=1):
        for seed in range(args.seeds):
            search = HyperbandSearchCV(
                MLPClassifier(tol=0.0, random_state=0),
                space,
                max_iter=R,
                aggressiveness=3,
                random_state=seed,
            )
            Xd = da.from_array(X_train, chunks=len(X_train))
            yd = da.from_array(y_train, chunks=len(y_train))
            start = time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                search.fit(Xd, yd, classes=np.unique(y))
            cpu = time.process_time() - start
            calls = int(sum(search.cv_results_["partial_fit_calls"]))
            runs.append(
                {
                    "held_out": float(search.best_estimator_.score(X_test, y_test)),
                    "cpu": cpu,
                    "epochs": calls,
                }
            )
            print("dask-ml", seed, runs[-1], flush=True)
    print(
        f"dask-ml    held-out {np.median([r['held_out'] for r in runs]):.4f}  "
        f"cpu {np.median([r['cpu'] for r in runs]):.1f} s  "
        f"epochs {np.median([r['epochs'] for r in runs]):.0f}"
    )
    save("hyperband-mlp-dask-ml", {"dask-ml": runs})


if __name__ == "__main__":
    main()
