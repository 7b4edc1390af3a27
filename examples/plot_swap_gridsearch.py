"""
Swap GridSearchCV for each search
=================================

sktune's searches are scikit-learn ``BaseSearchCV`` estimators: where a script
builds a :class:`~sklearn.model_selection.GridSearchCV` or a
:class:`~sklearn.model_selection.RandomizedSearchCV`, it can build a
:class:`~sktune.BayesSearchCV`, a :class:`~sktune.HyperbandSearchCV` or a
:class:`~sktune.PBTSearchCV` instead, with the same estimator, the same space
(a dict of ``scipy.stats`` distributions passes unchanged) and the same folds,
and read the same fitted attributes afterwards.

Here each search tunes a linear classifier trained by stochastic gradient
descent on scikit-learn's bundled handwritten digits: its regularisation
``alpha`` and its constant learning rate ``eta0``.
"""

# %%
# The data, the model and one space for all
# -----------------------------------------
# The grid is what ``GridSearchCV`` needs; every other search takes the same
# dict of distributions. Hyperband and PBT spend their budget in passes over
# the data (``max_iter``), which this model continues with ``warm_start``.
import time

from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)

from sktune import BayesSearchCV, HyperbandSearchCV, PBTSearchCV

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X[:900] / 16, y[:900], test_size=0.3, random_state=0, stratify=y[:900]
)
model = SGDClassifier(learning_rate="constant", max_iter=27, tol=None, random_state=0)
grid = {"alpha": [1e-6, 1e-4, 1e-2, 1.0], "eta0": [1e-4, 1e-3, 1e-2, 1e-1]}
space = {"alpha": loguniform(1e-6, 1.0), "eta0": loguniform(1e-4, 1e-1)}
cv = StratifiedKFold(3, shuffle=True, random_state=0)  # the same folds for all

# %%
# Five searches, one line each
# ----------------------------
# Sixteen candidates for the searches that fit each one in full. Hyperband
# starts many more on a few passes and gives the best the full 27; PBT trains
# a population of six and, every nine passes, replaces the worst by copies
# of the best with perturbed hyperparameters.
searches = {
    "GridSearchCV": GridSearchCV(model, grid, cv=cv),
    "RandomizedSearchCV": RandomizedSearchCV(
        model, space, n_iter=16, cv=cv, random_state=0
    ),
    "BayesSearchCV": BayesSearchCV(model, space, n_iter=16, cv=cv, random_state=0),
    "HyperbandSearchCV": HyperbandSearchCV(
        model, space, factor=3, min_resource=1, cv=cv, random_state=0
    ),
    "PBTSearchCV": PBTSearchCV(
        model, space, population_size=6, n_steps=3, step_size=9, cv=cv, random_state=0
    ),
}

print(f"{'search':19s} {'CV accuracy':>11s} {'test':>6s} {'rows':>5s} {'time':>6s}")
for name, search in searches.items():
    start = time.perf_counter()
    search.fit(X_train, y_train)  # the same call for every search
    seconds = time.perf_counter() - start
    print(
        f"{name:19s} {search.best_score_:11.3f} {search.score(X_test, y_test):6.3f} "
        f"{len(search.cv_results_['params']):5d} {seconds:5.1f}s"
    )

# %%
# The fitted attributes are the same
# -----------------------------------
# ``best_params_``, ``best_estimator_``, ``cv_results_`` and the methods that
# delegate to the refitted model (``predict``, ``score``) work as they do for
# ``GridSearchCV``. sktune's searches add columns to ``cv_results_``: the
# ``budget`` (passes) of each Hyperband evaluation, the ``member`` and
# ``step`` of each PBT row.
bayes = searches["BayesSearchCV"]
print(bayes.best_params_)
print(bayes.predict(X_test[:10]), y_test[:10])
hyperband = searches["HyperbandSearchCV"]
print(sorted({int(b) for b in hyperband.cv_results_["budget"]}))  # passes per rung

# %%
# How fast did each search find its best?
# ---------------------------------------
# :func:`sktune.plot.plot_convergence` draws the best cross-validated score
# found so far, evaluation after evaluation, for any fitted search.
import matplotlib.pyplot as plt

from sktune.plot import plot_convergence

fig, ax = plt.subplots(figsize=(7, 4))
names = ("GridSearchCV", "RandomizedSearchCV", "BayesSearchCV")
plot_convergence({name: searches[name] for name in names}, ax=ax)
ax.set_title("Best CV accuracy so far")
plt.show()
