"""
Which hyperparameters mattered?
===============================

After a search, :mod:`sktune.importance` says how much of the variation of
the score each hyperparameter explains, from ``cv_results_`` alone, for any
fitted search (scikit-learn's included):

- :func:`~sktune.importance.fanova_importance`: functional ANOVA over a
  random-forest surrogate of the scores (Hutter et al., 2014), main effects
  and, with ``pairs=True``, interactions;
- :func:`~sktune.importance.sobol_indices`: first-order and total Sobol'
  indices of the same surrogate, with bootstrap intervals.

Here an RBF SVM is tuned over ``C``, ``gamma`` and ``cache_size``, which only
sets memory and cannot change the score: a sound importance puts it last.
"""

# %%
# A random search to analyse
# --------------------------
# Random (or quasi-random) points cover the space evenly, which gives the
# fairest picture; a Bayesian search's points gather near the best.
from scipy.stats import loguniform, uniform
from sklearn.datasets import load_digits
from sklearn.model_selection import RandomizedSearchCV
from sklearn.svm import SVC

from sktune.importance import fanova_importance, sobol_indices

X, y = load_digits(return_X_y=True)
space = {
    "C": loguniform(1e-2, 1e3),
    "gamma": loguniform(1e-5, 1e0),
    "cache_size": uniform(100, 400),  # memory only
}
search = RandomizedSearchCV(SVC(), space, n_iter=40, cv=3, random_state=0)
search.fit(X[:300], y[:300])

# %%
# fANOVA: main effects and interactions
# -------------------------------------
importance = fanova_importance(search, pairs=True, random_state=0)
print(importance)

# %%
# Sobol' indices
# --------------
# ``S1`` is what a parameter explains alone, ``ST`` with all its
# interactions; ``ST - S1`` is the part it explains only together with
# others.
sobol = sobol_indices(search, n_samples=1024, random_state=0)
print(sobol)

# %%
# The picture
# -----------
import matplotlib.pyplot as plt
import numpy as np

fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
names = list(importance.names) + [" x ".join(pair) for pair in importance.pairs]
values = np.r_[importance.importances, importance.pair_importances]
spread = np.r_[importance.std, importance.pair_std]
axes[0].barh(names[::-1], values[::-1], xerr=spread[::-1], color="C0")
axes[0].set_xlabel("fANOVA importance (share of variance)")

position = np.arange(len(sobol.names))
for offset, index, interval, label in [
    (-0.2, sobol.first_order, sobol.first_order_interval, "S1"),
    (0.2, sobol.total, sobol.total_interval, "ST"),
]:
    interval = np.asarray(interval)
    error = np.abs(interval.T - index)
    axes[1].barh(position[::-1] + offset, index, height=0.4, xerr=error, label=label)
axes[1].set_yticks(position[::-1], sobol.names)
axes[1].set_xlabel("Sobol' index, 95% interval")
axes[1].legend()
fig.tight_layout()
plt.show()

# %%
# The score against each parameter
# --------------------------------
# :func:`sktune.plot.plot_slices` shows what the importances summarise: the
# score moves with ``gamma``, hardly with ``cache_size``.
from sktune.plot import plot_slices

fig, axes = plot_slices(search)
fig.set_size_inches(9, 3.5)
plt.show()
