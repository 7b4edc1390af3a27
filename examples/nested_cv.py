"""Nested cross-validation: is the tuned SVM really better than the tuned forest?
==============================================================================

Tunes two model families on scikit-learn's bundled breast-cancer data, each
inside the same outer 5-fold cross-validation (repeated twice):

- an RBF support vector machine with BayesSearchCV (C, gamma);
- a random forest with HyperbandSearchCV (max_depth, max_features,
  min_samples_leaf), giving the promising forests more trees by growing the
  same forests further (warm_start) instead of refitting them.

Each outer fold tunes on its training rows only and scores the tuned model on
its test rows, so the outer scores are honest; the inner best scores show how
much a search's own estimate flatters itself (optimism). The two families'
outer scores are paired fold by fold and compared with the corrected
resampled t-test and the correlated Bayesian t-test (1 point of accuracy as
the region of practical equivalence). Runs in about a minute on two cores::

    python examples/nested_cv.py
"""

import time

from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sktune import (
    BayesSearchCV,
    HyperbandSearchCV,
    Integer,
    Real,
    nested_cross_validate,
)

X, y = load_breast_cancer(return_X_y=True)
# The same outer folds for both families: a fixed random_state.
outer_cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)
inner_cv = StratifiedKFold(3, shuffle=True, random_state=0)

searches = {
    "SVM (BayesSearchCV)": BayesSearchCV(
        make_pipeline(StandardScaler(), SVC()),
        {"svc__C": Real(1e-2, 1e3, log=True), "svc__gamma": Real(1e-5, 1e0, log=True)},
        n_iter=15,
        cv=inner_cv,
        random_state=0,
    ),
    "forest (HyperbandSearchCV)": HyperbandSearchCV(
        RandomForestClassifier(random_state=0),
        {
            "max_depth": Integer(2, 16),
            "max_features": Real(0.05, 1.0),
            "min_samples_leaf": Integer(1, 10),
        },
        resource="n_estimators",
        max_resource=81,
        min_resource=9,
        cv=inner_cv,
        random_state=0,
    ),
}

results = {}
for name, search in searches.items():
    start = time.perf_counter()
    result = nested_cross_validate(search, X, y, outer_cv=outer_cv, n_jobs=2)
    results[name] = result
    print(
        f"{name:27s} outer accuracy {result.outer_scores_.mean():.4f} "
        f"+/- {result.outer_scores_.std():.4f}   inner best "
        f"{result.inner_best_scores_.mean():.4f}   optimism {result.optimism_:+.4f}   "
        f"({time.perf_counter() - start:.0f} s)"
    )
    for param, summary in result.param_stability_.items():
        spread = (
            f"median {summary['median']:.3g} (range {summary['min']:.3g} to "
            f"{summary['max']:.3g})"
            if "median" in summary
            else f"most common {summary['most_common']!r}"
        )
        print(f"    {param:18s} {spread}, {summary['n_unique']} distinct over folds")

(name_a, a), (name_b, b) = results.items()
comparison = a.compare(b, rope=0.01)
print(
    f"\n{name_a} minus {name_b}: {comparison.mean_difference:+.4f} accuracy\n"
    f"  corrected resampled t-test: t = {comparison.ttest.statistic:.2f}, "
    f"p = {comparison.pvalue:.3f} (df {comparison.ttest.df})\n"
    f"  Bayesian: P(SVM better by > 1 point) = {comparison.bayesian.p_a_better:.2f}, "
    f"P(within 1 point) = {comparison.bayesian.p_rope:.2f}, "
    f"P(forest better) = {comparison.bayesian.p_b_better:.2f}"
)
if comparison.pvalue < 0.05:
    winner = name_a if comparison.mean_difference > 0 else name_b
    print(f"The {winner} is significantly better at the 5% level.")
else:
    print("Not a significant difference at the 5% level: the better mean may be luck.")

# sphinx_gallery_thumbnail_path = "images/nested.png"
