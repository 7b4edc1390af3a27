"""Memory against the number of candidates: peak RSS, what a fitted search keeps.

Each (case, size) runs in a fresh subprocess, so that peaks are separate. The
subprocess first fits a small search of the same case (lazy imports, caches),
then resets the kernel's high-water mark (``/proc/self/clear_refs``; elsewhere
the lifetime ``ru_maxrss`` is used) and records:

- ``peak``: the peak RSS during ``fit`` above the RSS just before it;
- ``kept``: the RSS after ``fit`` above that same RSS, both measured after
  ``gc.collect()`` and glibc's ``malloc_trim`` (freed blocks given back);
- ``cv_results``, ``search``: the pickled sizes of ``cv_results_`` and of the
  whole fitted search (what it keeps, without the allocator's slack);
- ``most``: the most fitted models of the tuned class alive at once during
  ``fit`` (a subclass adds each model it fits to a weak set);
- ``live``: those still alive after ``fit`` (1 is ``best_estimator_``);
- ``excess`` (synchronous Hyperband): the most fitted fold models alive at the
  start of a rung beyond the ones that rung continues (0 unless eliminated
  candidates' models are retained);
- with ``--traced`` (by default the two smallest sizes of each case), the
  Python heap's peak and what it keeps, from tracemalloc in a second fit.

Cases (small data, cheap estimators: the search's own bookkeeping counts):

- ``bayes-random``: BayesSearchCV with ``n_initial_points=n_iter`` (random
  sampling, no Gaussian process), ``DummyRegressor(strategy="quantile")`` and
  its ``quantile`` searched, diabetes data, ``cv=2``;
- ``bayes-gp``: the same with ``n_initial_points=10`` (the GP path);
- ``sklearn-random``: scikit-learn's RandomizedSearchCV on the same problem,
  the reference for what ``cv_results_`` costs;
- ``hyperband``: HyperbandSearchCV, ``n_iter`` configurations of an
  ``SGDClassifier`` continued by ``partial_fit`` (``max_resource=27``,
  ``factor=3``: rungs of 1, 3, 9, 27 passes), breast-cancer data, ``cv=2``;
- ``hyperband-async``: the same with ``asynchronous=True`` (ASHA).

The table gives each case's growth per candidate, the slope of a least-squares
line through its sizes. About 5 minutes on 2 cores:

    OMP_NUM_THREADS=1 python benchmarks/memory.py
    OMP_NUM_THREADS=1 python benchmarks/memory.py --cases hyperband --sizes 125 250
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import pickle  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
import weakref  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.dummy import DummyRegressor  # noqa: E402
from sklearn.linear_model import SGDClassifier  # noqa: E402

SIZES = {
    "bayes-random": [250, 500, 1000, 2000],
    "bayes-gp": [50, 100, 200, 300],
    "sklearn-random": [250, 500, 1000, 2000],
    "hyperband": [125, 250, 500, 1000],
    "hyperband-async": [125, 250, 500, 1000],
}
MB = 2**20


def _status_kb(field):
    """``VmRSS`` or ``VmHWM`` of this process in bytes (Linux), else None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _trim():
    """Give the allocator's free pages back to the system (glibc), so that
    the RSS counts live memory, not freed blocks kept for reuse."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _rss():
    gc.collect()
    _trim()
    value = _status_kb("VmRSS")
    if value is None:  # no /proc: psutil if it is there
        import psutil

        value = psutil.Process().memory_info().rss
    return value


def _reset_peak():
    """Reset the kernel's high-water mark; False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return _status_kb("VmHWM") is not None


def _peak(resettable):
    if resettable:
        return _status_kb("VmHWM")
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, else kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


class _Alive:
    """Fitted models of the tuned class alive at once: each ``fit`` or
    ``partial_fit`` adds its model to a weak set; ``most`` is its largest
    size (models die when the search drops them)."""

    models = weakref.WeakSet()
    most = 0

    @classmethod
    def add(cls, model):
        cls.models.add(model)
        cls.most = max(cls.most, len(cls.models))


class TrackedDummyRegressor(DummyRegressor):
    def fit(self, X, y, sample_weight=None):
        _Alive.add(self)
        return super().fit(X, y, sample_weight=sample_weight)


class TrackedSGDClassifier(SGDClassifier):
    def fit(self, X, y, **kwargs):
        _Alive.add(self)
        return super().fit(X, y, **kwargs)

    def partial_fit(self, X, y, **kwargs):
        _Alive.add(self)
        return super().partial_fit(X, y, **kwargs)


def make_search(case, n):
    """``(search, X, y, tuned estimator class)`` of one case at size ``n``."""
    from scipy.stats import uniform
    from sklearn.datasets import load_breast_cancer, load_diabetes
    from sklearn.model_selection import RandomizedSearchCV
    from sklearn.preprocessing import StandardScaler

    from sktune import BayesSearchCV, HyperbandSearchCV, Real

    if case.startswith("hyperband"):
        X, y = load_breast_cancer(return_X_y=True)
        model = TrackedSGDClassifier(learning_rate="constant", random_state=0)
        space = {
            "alpha": Real(1e-6, 1e-1, log=True),
            "eta0": Real(1e-4, 1e-1, log=True),
        }
        search = HyperbandSearchCV(
            model,
            space,
            n_iter=n,
            max_resource=27,
            cv=2,
            random_state=0,
            asynchronous=case == "hyperband-async",
        )
        return search, StandardScaler().fit_transform(X), y, TrackedSGDClassifier
    X, y = load_diabetes(return_X_y=True)
    model = TrackedDummyRegressor(strategy="quantile")
    if case == "sklearn-random":
        space = {"quantile": uniform(0.01, 0.98)}
        search = RandomizedSearchCV(model, space, n_iter=n, cv=2, random_state=0)
        return search, X, y, TrackedDummyRegressor
    n_initial = n if case == "bayes-random" else 10
    search = BayesSearchCV(
        model,
        {"quantile": Real(0.01, 0.99)},
        n_iter=n,
        n_initial_points=n_initial,
        cv=2,
        random_state=0,
    )
    return search, X, y, TrackedDummyRegressor


def _fitted(obj, cls):
    return type(obj) is cls and any(
        k.endswith("_") and not k.startswith("_") for k in vars(obj)
    )


def _count_fitted(cls):
    return sum(_fitted(obj, cls) for obj in gc.get_objects())


def _watch_rungs(cls, excess):
    """Count, at the start of every rung, the fitted fold models alive beyond
    the ones the rung continues; keep the largest excess in ``excess``."""
    from sktune.search._incremental import _Engine

    advance = _Engine.advance

    def watched(self, candidates, *args, **kwargs):
        continued = sum(
            m is not None for c in candidates for m in getattr(c, "models", ())
        )
        gc.collect()
        excess[0] = max(excess[0], _count_fitted(cls) - continued)
        return advance(self, candidates, *args, **kwargs)

    _Engine.advance = watched


def _in_memory(obj):
    """Bytes that an unpickled copy of ``obj`` takes (tracemalloc)."""
    blob = pickle.dumps(obj)
    tracemalloc.start()
    copy = pickle.loads(blob)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del copy
    return size


def child(case, n, traced):
    """Run one case in this process; print its figures as one JSON line.

    With ``traced``, a second search of the same size is fitted under
    tracemalloc: the Python heap's peak during ``fit`` and what it keeps,
    free of the allocator's slack (about 6 times slower).
    """
    warnings.simplefilter("ignore")
    small, X, y, cls = make_search(case, 12)
    small.fit(X, y)  # lazy imports and caches, before the baseline
    del small
    search, X, y, cls = make_search(case, n)
    excess = [0]
    if case == "hyperband":
        _watch_rungs(cls, excess)
    _Alive.most = 0
    before = _rss()
    resettable = _reset_peak()
    if not resettable:
        before = max(before, _peak(False))
    start = time.perf_counter()
    search.fit(X, y)
    seconds = time.perf_counter() - start
    peak = _peak(resettable)
    kept = _rss()
    out = {
        "case": case,
        "n": n,
        "rows": len(search.cv_results_["params"]),
        "seconds": seconds,
        "peak": max(0, peak - before),
        "kept": kept - before,
        "cv_results": _in_memory(search.cv_results_),
        "search": _in_memory(search),
        "most_models": _Alive.most,
        "live": _count_fitted(cls),
        "peak_resettable": resettable,
    }
    if case == "hyperband":
        out["excess"] = excess[0]
    if traced:
        del search
        search = make_search(case, n)[0]
        gc.collect()
        tracemalloc.start()
        start = tracemalloc.get_traced_memory()[0]
        search.fit(X, y)
        gc.collect()
        current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out["traced_peak"] = traced_peak - start
        out["traced_kept"] = current - start
    print(json.dumps(out))


def run_case(case, n, traced):
    proc = subprocess.run(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--child",
            case,
            str(n),
            str(int(traced)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise RuntimeError(f"{case} n={n} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def slope(rows, key, per):
    """Least-squares growth of ``key`` per unit of ``per`` across sizes."""
    if len(rows) < 2:
        return float("nan")
    x = np.array([r[per] for r in rows], dtype=float)
    y = np.array([r[key] for r in rows], dtype=float)
    return float(np.polyfit(x, y, 1)[0])


def _mb(value, digits=1):
    return "-" if value is None else f"{value / MB:.{digits}f}"


def table(results):
    head = (
        f"{'case':<15}{'n':>6}{'rows':>6}{'s':>7}{'peak':>7}{'kept':>7}"
        f"{'heap peak':>10}{'heap kept':>10}{'cv_results_':>12}{'search':>8}"
        f"{'most':>6}{'live':>5}{'excess':>7}"
    )
    lines = [head + "   (MB)", "-" * len(head)]
    for r in results:
        lines.append(
            f"{r['case']:<15}{r['n']:>6}{r['rows']:>6}{r['seconds']:>7.1f}"
            f"{_mb(r['peak']):>7}{_mb(r['kept']):>7}"
            f"{_mb(r.get('traced_peak'), 2):>10}{_mb(r.get('traced_kept'), 2):>10}"
            f"{_mb(r['cv_results'], 2):>12}{_mb(r['search'], 2):>8}"
            f"{r['most_models']:>6}{r['live']:>5}{r.get('excess', ''):>7}"
        )
    return "\n".join(lines)


FIGURES = ("peak", "kept", "traced_peak", "traced_kept", "cv_results", "search")


def growth(results):
    """Per case: kB per cv_results_ row of each figure (least squares across
    the sizes that have it), and seconds per candidate at the largest size."""
    out = {}
    for case in dict.fromkeys(r["case"] for r in results):
        rows = [r for r in results if r["case"] == case]
        out[case] = {
            f"{key}_kb_per_row": slope([r for r in rows if key in r], key, "rows")
            / 1024
            for key in FIGURES
        }
        out[case]["rows_per_candidate"] = rows[-1]["rows"] / rows[-1]["n"]
        out[case]["ms_per_candidate_at_largest"] = (
            1000 * rows[-1]["seconds"] / rows[-1]["n"]
        )
    return out


def growth_table(growths):
    head = f"{'case':<15}" + "".join(f"{k:>12}" for k in FIGURES) + f"{'ms/cand.':>10}"
    lines = [head + "   (kB per cv_results_ row)", "-" * len(head)]
    for case, g in growths.items():
        lines.append(
            f"{case:<15}"
            + "".join(f"{g[k + '_kb_per_row']:>12.2f}" for k in FIGURES)
            + f"{g['ms_per_candidate_at_largest']:>10.1f}"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=list(SIZES), default=None)
    parser.add_argument("--sizes", nargs="+", type=int, default=None)
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument(
        "--traced",
        type=int,
        default=2,
        help="how many of each case's smallest sizes to run under tracemalloc too",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), bool(int(args.child[2])))
        return
    results = []
    for case in args.cases or list(SIZES):
        for i, n in enumerate(args.sizes or SIZES[case]):
            results.append(run_case(case, n, i < args.traced))
            print(table(results[-1:]).splitlines()[-1], flush=True)
    growths = growth(results)
    print()
    print(table(results))
    print()
    print(growth_table(growths))
    if not args.no_save:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from _common import save

        save("memory", {"results": results, "growth": growths})


if __name__ == "__main__":
    main()
