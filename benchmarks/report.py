"""Print the Markdown tables of docs/benchmarks.md from benchmarks/results/*.json.

python benchmarks/report.py
"""

import glob
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
METHODS = ("sktune", "optuna-gp", "optuna-tpe", "skopt", "random")
CHECKPOINTS = {"branin": (10, 20, 30), "hartmann6": (20, 40, 60)}


def load(prefix):
    out = {}
    for path in glob.glob(os.path.join(HERE, "results", f"{prefix}-*.json")):
        with open(path) as f:
            out[os.path.basename(path)[len(prefix) + 1 : -5]] = json.load(f)
    return out


def functions_table():
    results = load("functions")
    print(
        "| method | "
        + " | ".join(f"{fn} @{k}" for fn, ks in CHECKPOINTS.items() for k in ks)
        + " |"
    )
    print("|---" * (1 + sum(len(k) for k in CHECKPOINTS.values())) + "|")
    for method in METHODS:
        if method not in results:
            continue
        cells = []
        for fn, ks in CHECKPOINTS.items():
            regret = np.array(results[method][fn]["regret"])
            for k in ks:
                q1, med, q3 = np.percentile(regret[:, k - 1], [25, 50, 75])
                cells.append(f"{med:.2g} [{q1:.2g}, {q3:.2g}]")
        print(f"| {method} | " + " | ".join(cells) + " |")


def models_table():
    results = load("models")
    meta = {"versions", "date"}
    problems = [p for p in next(iter(results.values()), {}) if p not in meta]
    print("| method | " + " | ".join(problems) + " |")
    print("|---" * (1 + len(problems)) + "|")
    for method in METHODS:
        if method not in results:
            continue
        cells = []
        for problem in problems:
            runs = results[method][problem]
            cv = np.median([r["trace"][-1] for r in runs])
            held = np.median([r["held_out"] for r in runs])
            cells.append(f"{cv:.3f} / {held:.3f}")
        print(f"| {method} | " + " | ".join(cells) + " |")


def overhead_table():
    merged = {}
    for _, payload in sorted(load("overhead").items()):
        for method, by_fn in payload.items():
            if method in METHODS:
                merged[method] = by_fn
    sizes = ["10", "50", "100", "200"]
    print(
        "| method | "
        + " | ".join(f"{fn} n={n}" for fn in ("branin", "hartmann6") for n in sizes)
        + " |"
    )
    print("|---" * 9 + "|")
    for method in METHODS:
        if method not in merged:
            continue
        cells = [
            f"{1000 * np.median(merged[method][fn][n]):.1f}"
            for fn in ("branin", "hartmann6")
            for n in sizes
        ]
        print(f"| {method} | " + " | ".join(cells) + " |")


def hyperband_tables():
    checkpoints = (5, 10, 15, 20, 25, 30, 40)
    for model in ("mlp", "skorch", "skorch-mnist5k"):
        runs = {}
        for name, payload in sorted(load(f"hyperband-{model}").items()):
            if model == "skorch" and name.startswith("mnist5k"):
                continue
            runs.update(
                {k: v for k, v in payload.items() if k not in ("versions", "date")}
            )
        if not runs:
            continue
        print(f"\n### {model}\n")
        print(
            "| method | held-out | CPU s | epochs | "
            + " | ".join(f"@{c} s" for c in checkpoints)
            + " |"
        )
        print("|---" * (4 + len(checkpoints)) + "|")
        for method in ("halving", "sktune-sh", "sktune-hb", "random", "dask-ml"):
            if method not in runs:
                continue
            r = runs[method]
            cells = [
                f"{np.median([x['held_out'] for x in r]):.4f}",
                f"{np.median([x['cpu'] for x in r]):.1f}",
                f"{np.median([x['epochs'] for x in r]):.0f}",
            ]
            if "anytime" in r[0]:
                curves = np.array(
                    [[np.nan if a is None else a for a in x["anytime"]] for x in r],
                    dtype=float,
                )
                for col in curves.T:
                    cells.append(
                        "-" if np.isnan(col).all() else f"{np.nanmedian(col):.4f}"
                    )
            else:
                cells += ["n/a"] * len(checkpoints)
            print(f"| {method} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    print("## Regret, median [IQR] over seeds\n")
    functions_table()
    print("\n## Models: median best CV accuracy / held-out accuracy\n")
    models_table()
    print("\n## Overhead per proposal, ms (median)\n")
    overhead_table()
    print("\n## Multi-fidelity: held-out accuracy, CPU, epochs, anytime\n")
    hyperband_tables()
