"""
Checkpoint and resume a long search
===================================

``checkpoint=`` (all three searches) names a journal: every finished unit of
work (a batch of :class:`~sktune.BayesSearchCV`, a rung of
:class:`~sktune.HyperbandSearchCV`, a step of :class:`~sktune.PBTSearchCV`) is
appended to it as a line of JSON, flushed and synced to disk. If the process
dies, the same call resumes: the recorded units are read back instead of
recomputed, and the final ``cv_results_`` equals an uninterrupted run's. A
larger ``n_iter`` extends a finished Bayesian search the same way.

The journal lives in a temporary folder here; in practice, put it where the
next run will find it.
"""

# %%
# A search that is interrupted
# ----------------------------
# A callback stands for Ctrl-C (or a machine that goes away): after the
# fifth candidate it raises ``KeyboardInterrupt``. ``fit`` keeps everything
# finished in ``cv_results_`` and in the journal, then re-raises.
import json
import tempfile
import time
from pathlib import Path

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sktune import BayesSearchCV, Real

X, y = load_breast_cancer(return_X_y=True)
model = make_pipeline(StandardScaler(), SVC())
space = {"svc__C": Real(1e-2, 1e3, log=True), "svc__gamma": Real(1e-5, 1, log=True)}
cv = StratifiedKFold(3, shuffle=True, random_state=0)  # the same splits on resume

folder = tempfile.TemporaryDirectory()
journal = Path(folder.name) / "svc.jsonl"


def interrupt_after_five(results):
    if len(results["params"]) >= 5:
        raise KeyboardInterrupt


search = BayesSearchCV(
    model,
    space,
    n_iter=12,
    cv=cv,
    random_state=0,
    checkpoint=journal,
    callbacks=interrupt_after_five,
)
try:
    search.fit(X, y)
except KeyboardInterrupt:
    print("interrupted with", len(search.cv_results_["params"]), "candidates kept")

# %%
# The journal
# -----------
# Its first line fingerprints the search (estimator, space, settings, data,
# splits); each further line is one finished batch, with every (candidate,
# fold) score and time.
lines = journal.read_text().splitlines()
size = journal.stat().st_size
print(f"{journal.name}: {size} bytes, a header and {len(lines) - 1} batches")
print([type(json.loads(line)).__name__ for line in lines])  # one JSON object a line

# %%
# Resume with the same call
# -------------------------
# Without the interrupting callback, the same search reads the five
# candidates back and evaluates the remaining seven. A journal written by a
# different search (another estimator, space, ``random_state``, data or
# splits) is refused with a ``ValueError`` before any fit.
search.set_params(callbacks=None)
start = time.perf_counter()
search.fit(X, y)
print(
    f"{len(search.cv_results_['params'])} candidates after resuming "
    f"({time.perf_counter() - start:.1f} s)"
)
print(search.best_params_, round(search.best_score_, 4))

# %%
# It is the search an uninterrupted run makes:
fresh = BayesSearchCV(model, space, n_iter=12, cv=cv, random_state=0).fit(X, y)
print(fresh.cv_results_["params"] == search.cv_results_["params"])

# %%
# Extend a finished search
# ------------------------
# A larger ``n_iter`` reads the twelve back and adds four.
search.set_params(n_iter=16).fit(X, y)
print(len(search.cv_results_["params"]), "candidates")

# %%
# The convergence of the resumed search
# -------------------------------------
import matplotlib.pyplot as plt

from sktune.plot import plot_convergence

fig, ax = plt.subplots(figsize=(7, 4))
plot_convergence(search, ax=ax)
for after, label in [(5, "interrupted, resumed"), (12, "extended")]:
    ax.axvline(after + 0.5, color="grey", linestyle=":")
    ax.annotate(
        label,
        (after + 0.5, ax.get_ylim()[0]),
        xytext=(4, 4),
        textcoords="offset points",
        color="grey",
    )
plt.show()

folder.cleanup()
