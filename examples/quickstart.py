"""Quickstart: swap RandomizedSearchCV for BayesSearchCV.

Tunes an RBF support vector machine on scikit-learn's bundled handwritten
digits with both searches, on the same folds and the same budget, and scores
each tuned model on a held-out test set. Runs in under a minute on two cores.

    python examples/quickstart.py
"""

import time

from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.model_selection import (
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sktune import BayesSearchCV, Real

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y
)
cv = StratifiedKFold(5, shuffle=True, random_state=0)
pipeline = make_pipeline(StandardScaler(), SVC())

# sktune dimensions and scipy.stats distributions mix freely.
search_spaces = {
    "svc__C": Real(1e-3, 1e4, log=True),
    "svc__gamma": loguniform(1e-6, 1e1),
    "svc__class_weight": [None, "balanced"],
}
searches = {
    "BayesSearchCV": BayesSearchCV(
        pipeline, search_spaces, n_iter=25, cv=cv, n_jobs=2, random_state=0
    ),
    # The same call with RandomizedSearchCV's name: the only change.
    "RandomizedSearchCV": RandomizedSearchCV(
        pipeline,
        {**search_spaces, "svc__C": loguniform(1e-3, 1e4)},
        n_iter=25,
        cv=cv,
        n_jobs=2,
        random_state=0,
    ),
}

default = cross_val_score(pipeline, X_train, y_train, cv=cv).mean()
print(f"defaults: cross-validated accuracy {default:.4f}")
for name, search in searches.items():
    start = time.perf_counter()
    search.fit(X_train, y_train)
    elapsed = time.perf_counter() - start
    print(
        f"{name}: best cross-validated accuracy {search.best_score_:.4f}, "
        f"held-out accuracy {search.score(X_test, y_test):.4f} "
        f"({len(search.cv_results_['params'])} candidates, {elapsed:.1f} s)"
    )
    for param, value in search.best_params_.items():
        print(f"    {param} = {value!r}")
