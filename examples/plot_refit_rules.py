"""
Refit rules: the simplest model that is not worse
=================================================

``refit=True`` refits the candidate with the best mean CV score. But the
scores are noisy: several candidates are often statistically tied with the
best, and among them a simpler one (a smaller ``C``, a stronger penalty,
fewer trees) generalises as well and costs less. :mod:`sktune.refit` has
``refit=`` rules that choose it, in any search, scikit-learn's included:

- :func:`~sktune.refit.one_standard_error`: the simplest candidate whose mean
  reaches the best mean minus one standard error of the best's split scores
  (Breiman et al., 1984);
- :func:`~sktune.refit.not_significantly_worse`: the simplest candidate whose
  one-sided corrected t-test against the best is not significant.

:func:`sktune.stats.compare_candidates` shows the comparisons behind them.
"""

# %%
# A grid of regularisation strengths
# ----------------------------------
# A linear SVM on the breast-cancer data: smaller ``C`` is a simpler model
# (stronger regularisation).
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from sktune.refit import not_significantly_worse, one_standard_error
from sktune.stats import compare_candidates

X, y = load_breast_cancer(return_X_y=True)
model = make_pipeline(StandardScaler(), LinearSVC())
grid = {"linearsvc__C": np.logspace(-4, 1, 11)}
cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)

search = GridSearchCV(model, grid, cv=cv).fit(X, y)
print("refit=True:", search.best_params_)

# %%
# Which candidates are tied with the best?
# ----------------------------------------
# Each candidate's split scores against the best's, on the same folds: the
# corrected t-test's p-value adjusted over every pair of candidates (the best
# was chosen from these very scores), and the Bayesian probability that the
# candidate is worse.
table = compare_candidates(search, random_state=0)
print(f"{'C':>9s} {'mean':>7s} {'p adjusted':>10s} {'P(worse)':>9s}  tied")
C_of = np.array([params["linearsvc__C"] for params in table["params"]])
for i in np.argsort(C_of):
    print(
        f"{C_of[i]:9.2g} {table['mean_test_score'][i]:7.4f} "
        f"{table['pvalue_adjusted'][i]:10.3f} {table['p_worse'][i]:9.2f}  "
        f"{table['tied'][i]}"
    )

# %%
# Refit the simplest tied candidate
# ---------------------------------
# The rules are picklable objects; pass one as ``refit=``. ``prefer="min"``
# means a smaller ``C`` is simpler (``"max"`` for a penalty such as
# ``alpha``, or a function from a value to its complexity). A rule sees only
# ``cv_results_``, which does not record how many rows each split trained
# and tested on: the t-test's correction needs them for repeated k-fold.
# Unlike ``compare_candidates``, the rule does not adjust its p-values (that
# would only admit more candidates), so it may keep fewer than the table's
# ``tied``.
n_test = len(X) // 5
rules = {
    "one standard error": one_standard_error("linearsvc__C", prefer="min"),
    "not significantly worse": not_significantly_worse(
        "linearsvc__C", prefer="min", alpha=0.05, n_train=len(X) - n_test, n_test=n_test
    ),
}
ruled = GridSearchCV(model, grid, cv=cv, refit=rules["one standard error"])
print("one standard error:", ruled.fit(X, y).best_params_)

# %%
# A rule is a function of ``cv_results_`` returning the row to refit, so it
# can also be asked about a search already fitted.
chosen = {name: rule(search.cv_results_) for name, rule in rules.items()}
for name, index in chosen.items():
    print(f"{name}: C = {search.cv_results_['params'][index]['linearsvc__C']:.2g}")

# %%
# The scores and the choices
# --------------------------
import matplotlib.pyplot as plt

results = search.cv_results_
C = results["param_linearsvc__C"].astype(float)
mean = results["mean_test_score"]
splits = np.array([results[f"split{k}_test_score"] for k in range(cv.get_n_splits())])
error = splits.std(axis=0, ddof=1) / np.sqrt(len(splits))

fig, ax = plt.subplots(figsize=(7, 4))
ax.errorbar(C, mean, yerr=error, fmt="o-", color="C0", capsize=3, label="mean +- SE")
ax.axhline(
    mean[search.best_index_] - error[search.best_index_],
    color="grey",
    linestyle=":",
    label="best - one SE",
)
ax.plot(
    C[search.best_index_],
    mean[search.best_index_],
    "*",
    color="C3",
    markersize=16,
    label="refit=True",
)
for (name, index), marker in zip(chosen.items(), ["s", "D"]):
    ax.plot(
        C[index],
        mean[index],
        marker,
        markerfacecolor="none",
        markersize=14,
        markeredgewidth=2,
        label=name,
    )
ax.set_xscale("log")
ax.set_xlabel("C (smaller is simpler)")
ax.set_ylabel("CV accuracy")
ax.legend(loc="lower right")
plt.show()
