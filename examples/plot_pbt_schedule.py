"""
Population-based training: a schedule, not a constant
=====================================================

Most searches look for the best *constant* hyperparameters. Population-based
training (Jaderberg et al., 2017) trains a population side by side and, after
every step, lets the worst members copy the weights and hyperparameters of the
best (*exploit*) and perturb them (*explore*). The winner's hyperparameters
change during training: a schedule, such as a learning rate that falls.

:class:`~sktune.PBTSearchCV` does this with cross-validation: each member is
one live model per fold, scored on the fold's test rows after each step.
"""

# %%
# A linear model trained pass by pass
# -----------------------------------
# ``SGDClassifier`` with a constant learning rate ``eta0``: PBT advances each
# member one ``partial_fit`` pass per unit of budget, and changes ``eta0``
# and ``alpha`` between steps with ``set_params``.
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier

from sktune import PBTSearchCV, Real

X, y = load_digits(return_X_y=True)
X, y = X[:600] / 16, y[:600]

search = PBTSearchCV(
    SGDClassifier(learning_rate="constant", tol=None, random_state=0),
    {"alpha": Real(1e-6, 1e-2, log=True), "eta0": Real(1e-3, 1.0, log=True)},
    population_size=8,
    n_steps=8,
    step_size=2,  # passes between exploit/explore rounds
    quantile=0.25,  # the worst quarter copies the best quarter
    cv=3,
    random_state=0,
)
search.fit(X, y)
print(f"best CV accuracy {search.best_score_:.3f}")

# %%
# The winning schedule
# --------------------
# ``best_schedule_`` is the winning lineage's hyperparameters, step by step;
# the refit replays it from scratch on all the data.
for step, params in enumerate(search.best_schedule_):
    print(step, {name: f"{value:.2e}" for name, value in params.items()})

# %%
# ``cv_results_`` has one row per (member, step), with the hyperparameters in
# force during that step and the ``member`` copied before it (``parent``,
# -1 if none).
import numpy as np

results = search.cv_results_
exploited = results["parent"] >= 0
print(f"{exploited.sum()} exploits in {len(results['params'])} member-steps")
print("members copied:", np.bincount(results["parent"][exploited], minlength=8))

# %%
# Members, exploits and the winning lineage
# -----------------------------------------
# :func:`sktune.plot.plot_pbt` draws each member's score after every step
# (top) and each hyperparameter that changed (one panel each). A dashed line
# is an exploit: the member jumps to a copy of a better one. The winning
# lineage is drawn thick and grey behind.
import matplotlib.pyplot as plt

from sktune.plot import plot_pbt

fig, axes = plot_pbt(search)
fig.set_size_inches(7, 7)
plt.show()
