"""Every view of sktune.plot on small real searches, saved as PNG files
====================================================================

Renders the pictures of docs/plots.md: a Bayesian and a random search of
the quickstart's extra trees on scikit-learn's handwritten digits (five
seeds each), Hyperband and population-based training of a linear SGD
classifier, nested cross-validation of an SVM, a critical-difference
diagram of five classifiers over ten synthetic data sets, a Pareto front
of precision against recall, and a learning-rate range test of a small
MLP. Needs matplotlib
(``pip install "sktune[plot]"``); runs in about a minute on two cores::

    python examples/plots.py --out docs/images   # the documentation's pictures
    python examples/plots.py                     # into ./sktune-plots
"""

import argparse
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.stats import loguniform, randint  # noqa: E402
from sklearn.datasets import (  # noqa: E402
    load_breast_cancer,
    load_digits,
    make_classification,
)
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.naive_bayes import GaussianNB  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from sktune import (  # noqa: E402
    BayesSearchCV,
    Categorical,
    HyperbandSearchCV,
    Integer,
    PBTSearchCV,
    Real,
    lr_range_test,
    nested_cross_validate,
)
from sktune.plot import (  # noqa: E402
    plot_convergence,
    plot_critical_difference,
    plot_hyperband,
    plot_lr_range,
    plot_nested,
    plot_objective,
    plot_parallel_coordinates,
    plot_pareto,
    plot_pbt,
    plot_slices,
)
from sktune.stats import posthoc_friedman  # noqa: E402

DPI = 80

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument(
    "--out", default="sktune-plots", help="folder for the PNG files (made if absent)"
)
out = Path(parser.parse_args().out)
out.mkdir(parents=True, exist_ok=True)
warnings.filterwarnings("ignore", category=ConvergenceWarning)


def save(figure, name, dpi=DPI):
    figure.savefig(out / name, dpi=dpi)
    plt.close(figure)
    print(f"{out / name}: {(out / name).stat().st_size // 1024} KB")


X, y = load_digits(return_X_y=True)
X_small, y_small = X[:600] / 16, y[:600]

# Convergence: the quickstart's extra trees, whose good region is small; five
# seeds of each search, the median and interquartile band.
forest = ExtraTreesClassifier(n_estimators=10, random_state=0)
space = {
    "max_depth": randint(1, 31),
    "min_samples_leaf": randint(1, 101),
    "max_features": loguniform(0.01, 1.0),
    "ccp_alpha": loguniform(1e-5, 1e-1),
}
searches = {"BayesSearchCV": [], "RandomizedSearchCV": []}
for seed in range(5):
    cv = StratifiedKFold(3, shuffle=True, random_state=seed)
    for name, Search in (
        ("BayesSearchCV", BayesSearchCV),
        ("RandomizedSearchCV", RandomizedSearchCV),
    ):
        search = Search(forest, space, n_iter=25, cv=cv, random_state=seed)
        searches[name].append(search.fit(X[:900], y[:900]))
ax = plot_convergence(searches)
ax.set_ylim(0.6, 1.0)
save(ax.figure, "convergence.png")

# One Bayesian search seen from every side.
bayes = searches["BayesSearchCV"][0]
save(plot_objective(bayes, n_points=25, random_state=0)[0], "objective.png")
save(plot_slices(bayes)[0], "slices.png")
save(plot_parallel_coordinates(bayes).figure, "parallel_coordinates.png", dpi=70)

# Hyperband, every bracket, continuing SGD between rungs.
hyperband = HyperbandSearchCV(
    SGDClassifier(random_state=0),
    {
        "alpha": Real(1e-6, 1e-1, log=True),
        "eta0": Real(1e-3, 1.0, log=True),
        "learning_rate": Categorical(["optimal", "constant"]),
    },
    max_resource=27,
    n_brackets="all",
    n_iter=60,
    cv=3,
    random_state=0,
).fit(X_small, y_small)
save(plot_hyperband(hyperband).figure, "hyperband.png")

# Population-based training of the SGD learning rate and regularisation.
pbt = PBTSearchCV(
    SGDClassifier(learning_rate="constant", random_state=0),
    {"alpha": Real(1e-6, 1e-2, log=True), "eta0": Real(1e-3, 1.0, log=True)},
    population_size=8,
    n_steps=10,
    cv=3,
    random_state=0,
).fit(X_small, y_small)
save(plot_pbt(pbt)[0], "pbt.png")

# Nested cross-validation of a grid search.
grid = GridSearchCV(SVC(), {"C": [0.1, 1, 10], "gamma": [0.01, 0.05]}, cv=3)
nested = nested_cross_validate(grid, X / 16, y, outer_cv=8)
save(plot_nested(nested).figure, "nested.png")

# Five classifiers over ten synthetic data sets: Friedman, then Nemenyi.
models = {
    "logistic": LogisticRegression(max_iter=1000),
    "forest": RandomForestClassifier(n_estimators=50, random_state=0),
    "k-NN": KNeighborsClassifier(),
    "naive Bayes": GaussianNB(),
    "tree": DecisionTreeClassifier(random_state=0),
}
scores = np.array(
    [
        [
            cross_val_score(
                model,
                *make_classification(
                    n_samples=200,
                    n_features=10,
                    n_informative=4 + seed % 4,
                    flip_y=0.05,
                    random_state=seed,
                ),
                cv=5,
            ).mean()
            for model in models.values()
        ]
        for seed in range(10)
    ]
)
posthoc = posthoc_friedman(scores, alpha=0.05)
save(
    plot_critical_difference(posthoc, names=list(models)).figure,
    "critical_difference.png",
)

# Precision against recall: the trade-off a class weight makes.
X_cancer, y_cancer = load_breast_cancer(return_X_y=True)
trees = RandomizedSearchCV(
    DecisionTreeClassifier(random_state=0),
    {
        "max_depth": Integer(1, 10),
        "min_samples_leaf": Integer(1, 50),
        "class_weight": [{0: w, 1: 1} for w in (0.2, 0.5, 1, 2, 5)],
    },
    n_iter=60,
    scoring=["precision", "recall"],
    refit=False,
    cv=3,
    random_state=0,
).fit(X_cancer, y_cancer)
save(plot_pareto(trees).figure, "pareto.png")

# Learning-rate range test of a small MLP.
net = MLPClassifier(hidden_layer_sizes=(32,), solver="sgd", random_state=0)
result = lr_range_test(net, X / 16, y, min_lr=1e-4, max_lr=10, random_state=0)
save(plot_lr_range(result).figure, "lr_range.png")

# sphinx_gallery_thumbnail_path = "images/parallel_coordinates.png"
