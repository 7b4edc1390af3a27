"""
Nested cross-validation and a significance test
===============================================

A search's ``best_score_`` is the maximum of many noisy estimates, so it
flatters the tuned model, and "the best model family" is often only the
luckiest. :func:`~sktune.nested_cross_validate` runs any search inside an
outer cross-validation: each outer fold tunes on its training rows only and
scores the tuned model on its test rows. Two families tuned on the *same*
outer folds are then compared fold by fold with the corrected resampled
t-test (Nadeau and Bengio, 2003) and its Bayesian twin (Benavoli et al., 2017).
"""

# %%
# Two tuned families on the same outer folds
# ------------------------------------------
# An RBF support vector machine tuned by :class:`~sktune.BayesSearchCV`, a
# logistic regression tuned by scikit-learn's ``GridSearchCV``: any search
# works. The outer splitter has a fixed ``random_state``, so both results are
# computed on the same folds (``compare`` refuses them otherwise).
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sktune import BayesSearchCV, Real, nested_cross_validate

X, y = load_breast_cancer(return_X_y=True)
outer_cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)

svm = BayesSearchCV(
    make_pipeline(StandardScaler(), SVC()),
    {"svc__C": Real(1e-2, 1e3, log=True), "svc__gamma": Real(1e-5, 1e0, log=True)},
    n_iter=8,
    cv=3,
    random_state=0,
)
logistic = GridSearchCV(
    make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    {"logisticregression__C": [0.01, 0.1, 1.0, 10.0]},
    cv=3,
)
svm_result = nested_cross_validate(svm, X, y, outer_cv=outer_cv)
logistic_result = nested_cross_validate(logistic, X, y, outer_cv=outer_cv)

for name, result in [("SVM", svm_result), ("logistic", logistic_result)]:
    print(
        f"{name:8s} outer accuracy {result.outer_scores_.mean():.4f}, inner best "
        f"{result.inner_best_scores_.mean():.4f}, optimism {result.optimism_:+.4f}"
    )

# %%
# How stable are the tuned hyperparameters?
# -----------------------------------------
# Each outer fold picks its own; ``param_stability_`` summarises them.
for fold, params in enumerate(svm_result.best_params_per_fold_[:3]):
    print(fold, {name: f"{value:.3g}" for name, value in params.items()})
stability = svm_result.param_stability_["svc__C"]
print({key: stability[key] for key in ("n_unique", "min", "median", "max")})

# %%
# Is the difference real?
# -----------------------
# ``compare`` pairs the outer scores fold by fold. The plain paired t-test
# ignores that the folds' training sets overlap and is far too confident; the
# corrected test inflates the variance by ``1 + n_test / n_train``. The
# Bayesian test gives the probabilities that one is better by more than
# ``rope`` (here one point of accuracy), that they are practically equal, or
# that the other is better.
comparison = svm_result.compare(logistic_result, rope=0.01)
print(comparison)
print(
    f"SVM minus logistic: {comparison.mean_difference:+.4f}, "
    f"corrected t-test p = {comparison.pvalue:.3f}"
)
print(
    f"P(SVM better) = {comparison.p_a_better:.2f}, "
    f"P(practically equal) = {comparison.p_rope:.2f}, "
    f"P(logistic better) = {comparison.p_b_better:.2f}"
)

# %%
# The picture
# -----------
# :func:`sktune.plot.plot_nested` draws, for each outer fold, the tuned
# model's test score (dot) and the inner search's own best score (open
# circle): the gap is how much the search flattered itself on that fold. The
# band is the mean outer score's confidence interval, corrected for the
# overlap of the outer training sets.
import matplotlib.pyplot as plt

from sktune.plot import plot_nested

fig, axes = plt.subplots(1, 2, figsize=(9, 4.6), sharey=True)
plot_nested(svm_result, ax=axes[0])
axes[0].set_title("SVM (BayesSearchCV)")
plot_nested(logistic_result, ax=axes[1])
axes[1].set_title("logistic regression (GridSearchCV)")
handles, labels = axes[0].get_legend_handles_labels()
# one legend for both panels: drop the SVM's mean from its label
labels = ["mean outer score" if label.startswith("mean") else label for label in labels]
for ax in axes:
    ax.get_legend().remove()
fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
fig.tight_layout(rect=(0, 0.14, 1, 1))
plt.show()
