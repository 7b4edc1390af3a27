"""Checkpoints that keep the models: what a resumed search redoes.

Each search (HyperbandSearchCV and PBTSearchCV, synchronous and
asynchronous, and BayesSearchCV for completeness) tunes an MLP on digits
with ``checkpoint=``. It runs once
uninterrupted (the reference), then, for each kill point (a fraction of the
reference's training epochs), once more until the first training call (a
``fit`` of the MLP, counted over the process) that starts past that point
raises ``KeyboardInterrupt``, as a kill in mid-unit would, and is resumed
from its journal. Reported per kill point:

- work redone: (work before the kill + work of the resumed run) - work of
  the reference, in fits (one per candidate, fold and rung, step or
  evaluation) and in epochs (the MLP's ``max_iter`` of each fit: the
  compute); with the models and the evaluations of the unit in progress
  stored (journal version 3) and, for
  comparison, from the same journal stripped of its models (version 1: the
  live models are retrained along their trails, the behaviour before model
  files existed);
- the model files on disk at the kill (count and bytes), the largest
  ``<checkpoint>.models`` seen just before a unit's older files are deleted
  (the peak), and one model's pickle size;
- whether the resumed ``cv_results_`` (scores, params), ``best_params_``
  and PBT's ``best_schedule_`` equal the reference's.

    OMP_NUM_THREADS=1 python benchmarks/checkpoint_resume.py
    OMP_NUM_THREADS=1 python benchmarks/checkpoint_resume.py --points 0.5 --searches pbt

Writes benchmarks/results/checkpoint-resume.json.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _common import save  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

from sktune import BayesSearchCV, HyperbandSearchCV, PBTSearchCV, Real  # noqa: E402
from sktune.search import _journal  # noqa: E402


class CountingMLP(MLPClassifier):
    """An MLP counting its training calls and epochs; the first call that
    starts at or past ``stop_at`` epochs raises KeyboardInterrupt, as a kill
    in mid-unit would."""

    calls = epochs = 0
    stop_at = None

    def _count(self):
        stop_at = CountingMLP.stop_at
        if stop_at is not None and CountingMLP.epochs >= stop_at:
            raise KeyboardInterrupt
        CountingMLP.calls += 1
        CountingMLP.epochs += self.max_iter

    def fit(self, X, y, **kwargs):
        self._count()
        return super().fit(X, y, **kwargs)

    def partial_fit(self, X, y, **kwargs):
        self._count()
        return super().partial_fit(X, y, **kwargs)


SPACE = {
    "learning_rate_init": Real(1e-4, 1e-1, log=True),
    "alpha": Real(1e-6, 1e-1, log=True),
}


def make_search(name, checkpoint=None):
    mlp = CountingMLP(hidden_layer_sizes=(64,), max_iter=27, random_state=0)
    common = dict(cv=3, random_state=0, refit=False, checkpoint=checkpoint)
    if name in ("hyperband", "asha"):
        return HyperbandSearchCV(
            mlp, SPACE, n_iter=60, asynchronous=name == "asha", **common
        )
    if name in ("pbt", "pbt-async"):
        return PBTSearchCV(
            mlp,
            SPACE,
            population_size=8,
            n_steps=9,
            step_size=3,
            asynchronous=name == "pbt-async",
            **common,
        )
    return BayesSearchCV(mlp, SPACE, n_iter=16, n_initial_points=6, **common)


def run(search, X, y, stop_at=None):
    """``(fits, epochs, seconds)``; interrupted at ``stop_at`` epochs."""
    CountingMLP.calls = CountingMLP.epochs = 0
    CountingMLP.stop_at = stop_at
    start = time.perf_counter()
    try:
        search.fit(X, y)
    except KeyboardInterrupt:
        pass
    finally:
        CountingMLP.stop_at = None
    return CountingMLP.calls, CountingMLP.epochs, time.perf_counter() - start


def same_results(reference, other):
    a, b = reference.cv_results_, other.cv_results_
    for key, value in a.items():
        if key.endswith("_time"):
            continue
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            if not np.allclose(value, b[key], equal_nan=True):
                return False
        elif [repr(v) for v in value] != [repr(v) for v in b[key]]:
            return False
    if getattr(reference, "best_params_", None) != getattr(other, "best_params_", None):
        return False
    return getattr(reference, "best_schedule_", None) == getattr(
        other, "best_schedule_", None
    )


def folder_bytes(folder):
    if not os.path.isdir(folder):
        return 0, 0
    sizes = [os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder)]
    return len(sizes), sum(sizes)


class PeakDisk:
    """The largest model directory seen just before a sweep deletes the
    files of earlier units (when the new unit's files are written too)."""

    def __enter__(self):
        self.peak = 0
        self.sweep = _journal.Journal.sweep
        peak = self

        def sweep(journal, keep=()):
            peak.peak = max(peak.peak, folder_bytes(journal.models_dir)[1])
            return peak.sweep(journal, keep)

        _journal.Journal.sweep = sweep
        return self

    def __exit__(self, *exc):
        _journal.Journal.sweep = self.sweep


def strip_models(path):
    """The journal as version 1 wrote it: no model entries, no model files,
    no evaluations of the unit in progress."""
    with open(path) as handle:
        lines = [json.loads(line) for line in handle.read().splitlines()]
    lines = [line for line in lines if line.get("kind") != "fold"]
    lines[0]["version"] = 1
    for line in lines[1:]:
        line.pop("models", None)
    with open(path, "w") as handle:
        handle.write("".join(json.dumps(line) + "\n" for line in lines))
    shutil.rmtree(path + ".models", ignore_errors=True)


def bench(name, X, y, points, folder):
    reference = make_search(name)
    total, total_epochs, seconds = run(reference, X, y)
    rows = []
    for point in points:
        path = os.path.join(folder, f"{name}-{point}.jsonl")
        with PeakDisk() as disk:
            done, done_epochs, _ = run(
                make_search(name, path), X, y, point * total_epochs
            )
        n_units = sum(1 for line in open(path) if '"kind": "fold"' not in line) - 1
        n_files, n_bytes = folder_bytes(path + ".models")
        one = 0
        if n_files:
            first = sorted(os.listdir(path + ".models"))[0]
            one = os.path.getsize(os.path.join(path + ".models", first))
        old = path.replace(".jsonl", "-v1.jsonl")
        shutil.copy(path, old)
        strip_models(old)
        resumed = make_search(name, path)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            warnings.simplefilter("ignore", ConvergenceWarning)
            again, again_epochs, resume_seconds = run(resumed, X, y)
        fallbacks = [
            w for w in caught if "model files were not loaded" in str(w.message)
        ]
        resumed_v1 = make_search(name, old)
        again_v1, again_v1_epochs, resume_v1_seconds = run(resumed_v1, X, y)
        rows.append(
            {
                "search": name,
                "kill_at": point,
                "total_fits": total,
                "total_epochs": total_epochs,
                "fits_before_kill": done,
                "epochs_before_kill": done_epochs,
                "units_recorded": n_units,
                "fits_resumed": again,
                "redone": done + again - total,
                "redone_v1": done + again_v1 - total,
                "redone_epochs": done_epochs + again_epochs - total_epochs,
                "redone_epochs_v1": done_epochs + again_v1_epochs - total_epochs,
                "model_files_at_kill": n_files,
                "model_bytes_at_kill": n_bytes,
                "model_bytes_peak": disk.peak,
                "one_model_bytes": one,
                "fallback_warnings": len(fallbacks),
                "same_as_uninterrupted": same_results(reference, resumed),
                "same_as_uninterrupted_v1": same_results(reference, resumed_v1),
                "reference_seconds": seconds,
                "resume_seconds": resume_seconds,
                "resume_v1_seconds": resume_v1_seconds,
            }
        )
        print_row(rows[-1])
    return rows


def print_header():
    print(
        f"{'search':10s} {'kill':>5s} {'fits':>5s} {'epochs':>6s} {'units':>5s} "
        f"{'fits redone':>12s} {'(v1)':>12s} {'epochs redone':>13s} {'(v1)':>13s} "
        f"{'files':>5s} {'disk KiB':>8s} {'peak KiB':>8s} {'model KiB':>9s} "
        f"{'same':>5s} {'same v1':>7s}"
    )


def print_row(row):
    def share(n, total):
        return f"{n:d} ({100 * n / total:.0f}%)"

    fits, epochs = row["total_fits"], row["total_epochs"]
    print(
        f"{row['search']:10s} {row['kill_at']:5.2f} {fits:5d} {epochs:6d} "
        f"{row['units_recorded']:5d} {share(row['redone'], fits):>12s} "
        f"{share(row['redone_v1'], fits):>12s} "
        f"{share(row['redone_epochs'], epochs):>13s} "
        f"{share(row['redone_epochs_v1'], epochs):>13s} "
        f"{row['model_files_at_kill']:5d} "
        f"{row['model_bytes_at_kill'] / 1024:8.0f} "
        f"{row['model_bytes_peak'] / 1024:8.0f} "
        f"{row['one_model_bytes'] / 1024:9.1f} "
        f"{str(row['same_as_uninterrupted']):>5s} "
        f"{str(row['same_as_uninterrupted_v1']):>7s}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--points", type=float, nargs="+", default=[0.3, 0.55, 0.8, 0.95]
    )
    parser.add_argument(
        "--searches",
        nargs="+",
        default=["hyperband", "asha", "pbt", "pbt-async", "bayes"],
    )
    args = parser.parse_args()
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    print_header()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.searches:
            rows += bench(name, X, y, args.points, folder)
    save(
        "checkpoint-resume",
        {
            "data": "digits (1797 x 64), cv=3",
            "estimator": "MLPClassifier(hidden_layer_sizes=(64,), max_iter=27)",
            "fits": "fit/partial_fit calls of the MLP (one per candidate, fold "
            "and rung, step or evaluation); epochs: their max_iter",
            "rows": rows,
        },
    )


if __name__ == "__main__":
    main()
