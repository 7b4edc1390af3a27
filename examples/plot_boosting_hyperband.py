"""
Boosting with Hyperband: more rounds for the promising
======================================================

A gradient-boosted model's cost is its number of boosting rounds.
:class:`~sktune.HyperbandSearchCV` starts many configurations on a few rounds,
keeps the best third, and *continues* the same fitted per-fold boosters for
three times as many rounds, until the survivors reach the full budget
(successive halving; Li et al., 2018). Nothing is refitted from scratch: a
booster that reached 9 rounds is grown to 27, not retrained.

This example uses LightGBM when it is installed (``pip install lightgbm``, or
``pip install "sktune[boost]"`` for XGBoost, LightGBM and CatBoost), and
scikit-learn's :class:`~sklearn.ensemble.HistGradientBoostingClassifier`
otherwise. The search code is the same for both: the resource is found by
``resource="auto"`` (LightGBM's ``n_estimators``, HistGradientBoosting's
``max_iter``).
"""

# %%
# The model: LightGBM if available
# --------------------------------
import importlib.util

from sklearn.datasets import load_breast_cancer

from sktune import HyperbandSearchCV, Integer, Real

X, y = load_breast_cancer(return_X_y=True)

if importlib.util.find_spec("lightgbm") is not None:
    from lightgbm import LGBMClassifier

    model = LGBMClassifier(n_estimators=81, n_jobs=1, verbose=-1, random_state=0)
    space = {
        "learning_rate": Real(1e-2, 1.0, log=True),
        "num_leaves": Integer(4, 64, log=True),
        "min_child_samples": Integer(2, 50, log=True),
    }
else:
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        max_iter=81, early_stopping=False, random_state=0
    )
    space = {
        "learning_rate": Real(1e-2, 1.0, log=True),
        "max_leaf_nodes": Integer(4, 64, log=True),
        "min_samples_leaf": Integer(2, 50, log=True),
    }
print(type(model).__name__)

# %%
# One bracket of successive halving
# ---------------------------------
# The default ``n_brackets="auto"`` runs Hyperband's most exploratory bracket:
# 81 configurations on 1 round, 27 on 3, 9 on 9, 3 on 27 and 1 on 81
# (``factor=3``; ``max_resource`` is the model's own 81 rounds).
search = HyperbandSearchCV(model, space, factor=3, cv=3, random_state=0)
search.fit(X, y)
print(search.brackets_)
print(search.best_params_, round(search.best_score_, 4))

# %%
# What it cost
# ------------
# ``cv_results_`` has one row per (configuration, rung), with its ``budget``
# (rounds) and ``rung``. Since each rung continues the previous one's
# boosters, a configuration has trained as many rounds as its last budget.
# A random search of the same 81 configurations at the full budget would have
# trained each for 81 rounds.
import numpy as np

results = search.cv_results_
configurations = {}  # the largest budget each configuration reached
for params, budget in zip(results["params"], results["budget"]):
    key = tuple(sorted((k, v) for k, v in params.items() if k != search.resource_))
    configurations[key] = max(configurations.get(key, 0), int(budget))
rounds = sum(configurations.values())
full = len(configurations) * 81
print(
    f"{len(configurations)} configurations, {rounds} boosting rounds per fold "
    f"({rounds / full:.0%} of the {full} that full-budget fits would train)"
)
print("rows per rung:", np.bincount(results["rung"]))

# %%
# Who was promoted?
# -----------------
# :func:`sktune.plot.plot_hyperband` draws each configuration's score through
# its rungs: a line that goes on was promoted, one that ends was eliminated.
# The best evaluation at the full budget is starred.
import matplotlib.pyplot as plt

from sktune.plot import plot_hyperband

fig, ax = plt.subplots(figsize=(7, 4.5))
plot_hyperband(search, ax=ax)
ax.set_title(f"{type(model).__name__}: CV accuracy through the rungs")
plt.show()
