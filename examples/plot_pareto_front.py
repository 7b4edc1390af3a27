"""
Trade-offs: the Pareto front and the rules that pick from it
============================================================

A more accurate model is often a slower one. The Pareto front of a search
holds every sensible trade-off: the candidates that no other candidate beats
on every objective. :func:`sktune.pareto_front` reads it from any fitted
search, :func:`sktune.plot.plot_pareto` draws it, and two ``refit=`` rules
pick a point of it:

- :func:`~sktune.refit.fastest_within`: the cheapest candidate within a
  tolerance of the best score;
- :func:`~sktune.refit.knee`: where trading one objective for the other
  stops paying.
"""

# %%
# Accuracy against cost
# ---------------------
# Random forests of 2 to 64 trees and two depths. Fit times are measured,
# so they vary a little from run to run; the number of trees is a cost that
# does not.
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV

from sktune import pareto_front
from sktune.refit import fastest_within, knee

X, y = load_breast_cancer(return_X_y=True)
grid = {"n_estimators": [2, 4, 8, 16, 32, 64], "max_depth": [2, None]}
# The fewest trees within half a point of the best accuracy is refitted
# (explained below).
rule = fastest_within(0.005, cost="param_n_estimators")
search = GridSearchCV(RandomForestClassifier(random_state=0), grid, refit=rule, cv=3)
search.fit(X, y)

objectives = {"score": "max", "param_n_estimators": "min"}  # "score": accuracy
front = pareto_front(search, objectives)
for params, accuracy in zip(front["params"], front["mean_test_score"]):
    print(params, round(accuracy, 4))

# %%
# Pick a point of the front
# -------------------------
# ``fastest_within(0.005, cost="param_n_estimators")``: the fewest trees
# within half a point of the best accuracy. ``knee``: the candidate farthest
# from the line joining the front's two ends, after scaling both objectives
# to [0, 1] on the front. A rule is a function of ``cv_results_`` that
# returns the row to refit, so it can be asked about any fitted search.
for rule in [
    fastest_within(0.005, cost="param_n_estimators"),
    knee(objectives),
]:
    index = rule(search.cv_results_)
    print(rule, "->", search.cv_results_["params"][index])

# %%
# As ``refit=``, the rule decides which candidate the search refits: the
# search above was built with ``refit=fastest_within(...)``.
print(search.best_params_, search.best_estimator_.n_estimators, "trees")

# %%
# The picture
# -----------
# Every candidate, and the front joined by a step line: the boundary of what
# it dominates.
import matplotlib.pyplot as plt

from sktune.plot import plot_pareto

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
plot_pareto(search, objectives, ax=axes[0])
axes[0].set_title("accuracy against the number of trees")
plot_pareto(search, {"score": "max", "fit_time": "min"}, ax=axes[1])
axes[1].set_title("accuracy against the measured fit time")
fig.tight_layout()
plt.show()
