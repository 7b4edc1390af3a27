"""Quickstart: why swap RandomizedSearchCV for BayesSearchCV
=========================================================

Tunes an extra-trees classifier (a small forest of 15 trees, to stay fast) on
scikit-learn's bundled handwritten digits over four hyperparameters
(max_depth, min_samples_leaf, max_features, ccp_alpha) whose good region is
small: most of the space grows shallow, heavily pruned or starved trees. Both
searches get the same space (one dict of scipy.stats distributions, passed
unchanged to both), the same budget of 20 candidates and the same folds; the
only change is the class name.

One lucky run proves nothing, so the comparison is repeated over 8 seeds,
each with its own train/test split, its own CV folds and its own search seed,
and tested with sktune.stats:

- best cross-validated accuracy (how well each search optimises its
  objective at this budget): Wilcoxon's signed-rank test, paired by seed;
- held-out accuracy of the refitted best models (what the user gets):
  Nadeau and Bengio's corrected resampled t-test over the 8 random splits,
  and its Bayesian twin with one point of accuracy as the region of
  practical equivalence.

Runs in under a minute on two cores (about 40 s). With ``--plot PATH`` it
also saves the convergence of both searches over the seeds (median and
interquartile band) as a picture, if matplotlib is installed
(``pip install "sktune[plot]"``)::

    python examples/quickstart.py
    python examples/quickstart.py --plot convergence.png
"""

import argparse
import time

import numpy as np
from scipy.stats import loguniform, randint
from sklearn.datasets import load_digits
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.model_selection import (
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)

from sktune import BayesSearchCV
from sktune.stats import bayesian_correlated_ttest, corrected_ttest, wilcoxon_test

parser = argparse.ArgumentParser(description="BayesSearchCV against RandomizedSearchCV")
parser.add_argument("--plot", metavar="PATH", help="save the convergence plot there")
args = parser.parse_args()

SEEDS = range(8)
N_ITER = 20

X, y = load_digits(return_X_y=True)
model = ExtraTreesClassifier(n_estimators=15, random_state=0)
space = {
    "max_depth": randint(1, 31),
    "min_samples_leaf": randint(1, 101),
    "max_features": loguniform(0.01, 1.0),
    "ccp_alpha": loguniform(1e-5, 1e-1),
}
searches = {"random": RandomizedSearchCV, "bayes": BayesSearchCV}
best_cv = {name: [] for name in searches}
held_out = {name: [] for name in searches}
seconds = dict.fromkeys(searches, 0.0)
fitted = {name: [] for name in searches}

print(
    f"Extra trees on digits, {N_ITER} candidates per search, 3-fold CV, "
    f"{len(SEEDS)} seeds"
)
print("seed   best CV accuracy       held-out accuracy")
print("       random    bayes        random    bayes")
for seed in SEEDS:
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y
    )
    cv = StratifiedKFold(3, shuffle=True, random_state=seed)
    for name, Search in searches.items():
        # The same call for both classes: only the name changes.
        search = Search(model, space, n_iter=N_ITER, cv=cv, n_jobs=2, random_state=seed)
        start = time.perf_counter()
        search.fit(X_train, y_train)
        seconds[name] += time.perf_counter() - start
        # Rounded: equal fold scores summed in another order differ by 1 ulp.
        best_cv[name].append(round(search.best_score_, 10))
        held_out[name].append(round(search.score(X_test, y_test), 10))
        fitted[name].append(search)
    print(
        f"{seed:4d}   {best_cv['random'][-1]:.4f}    {best_cv['bayes'][-1]:.4f}"
        f"       {held_out['random'][-1]:.4f}    {held_out['bayes'][-1]:.4f}"
    )

best_cv = {name: np.array(scores) for name, scores in best_cv.items()}
held_out = {name: np.array(scores) for name, scores in held_out.items()}
for label, scores in (("best CV", best_cv), ("held-out", held_out)):
    r, b = scores["random"], scores["bayes"]
    print(
        f"{label + ':':10s} mean {r.mean():.4f} -> {b.mean():.4f}, "
        f"median {np.median(r):.4f} -> {np.median(b):.4f} "
        f"(BayesSearchCV ahead on {np.sum(b > r)}, tied on {np.sum(b == r)} "
        f"of {len(r)} seeds)"
    )

# One-sided: the question asked before running is "is Bayes better?".
wilcoxon = wilcoxon_test(best_cv["bayes"], best_cv["random"], alternative="greater")
n_train, n_test = len(y_train), len(y_test)
ttest = corrected_ttest(
    held_out["bayes"],
    held_out["random"],
    n_train=n_train,
    n_test=n_test,
    alternative="greater",
)
posterior = bayesian_correlated_ttest(
    held_out["bayes"], held_out["random"], n_train=n_train, n_test=n_test, rope=0.01
)
print(
    f"Wilcoxon signed-rank on best CV accuracy, paired by seed: "
    f"p = {wilcoxon.pvalue:.3f} (one-sided)"
)
print(
    f"Corrected resampled t-test on held-out accuracy: "
    f"p = {ttest.pvalue:.3f} (one-sided)"
)
print(
    f"Bayesian correlated t-test, held-out, 1-point rope: "
    f"P(bayes better) = {posterior.p_a_better:.2f}, "
    f"P(equivalent) = {posterior.p_rope:.2f}, "
    f"P(random better) = {posterior.p_b_better:.2f}"
)
print(
    f"Search time over all seeds: random {seconds['random']:.1f} s, "
    f"bayes {seconds['bayes']:.1f} s"
)


def verdict(pvalue):
    return "significant" if pvalue < 0.05 else "not significant"


print(
    f"At the 5% level, BayesSearchCV's lead is {verdict(wilcoxon.pvalue)} in "
    f"best CV accuracy and {verdict(ttest.pvalue)} in held-out accuracy "
    f"({len(SEEDS)} splits)."
)

if args.plot:
    try:
        import matplotlib
    except ImportError:
        print('No picture: matplotlib is missing (pip install "sktune[plot]").')
    else:
        matplotlib.use("Agg")
        from sktune.plot import plot_convergence

        ax = plot_convergence(fitted)
        ax.figure.savefig(args.plot, dpi=100)
        print(f"Convergence plot saved to {args.plot}")

# sphinx_gallery_thumbnail_path = "images/convergence.png"
