"""
Scale out with Dask
===================

Every parallel step of sktune's searches goes through ``joblib.Parallel``, so
a joblib backend distributes the work with no sktune-specific cluster code:
``with parallel_backend("dask"):`` sends BayesSearchCV's batches, and the
(candidate, fold) fits of Hyperband's rungs and PBT's steps, to the workers of
a `Dask <https://distributed.dask.org/>`__ cluster. Needs
``pip install "sktune[dask]"``.

Here the "cluster" is a local one with two threads in this process, so the
example runs anywhere; on a real cluster, connect the client to its
scheduler (``Client("tcp://scheduler:8786")``) and change nothing else.
"""

# %%
# A search, run on the cluster
# ----------------------------
# ``n_points=4`` asks for four candidates per batch: with three folds, twelve
# fits for the workers to share at each step.
import time

from dask.distributed import Client, LocalCluster, get_task_stream
from joblib import parallel_backend
from sklearn.datasets import load_digits
from sklearn.svm import SVC

from sktune import BayesSearchCV, Real

X, y = load_digits(return_X_y=True)
X, y = X[:600], y[:600]
space = {"C": Real(1e-2, 1e3, log=True), "gamma": Real(1e-5, 1e-1, log=True)}


def make_search():
    return BayesSearchCV(SVC(), space, n_iter=12, n_points=4, cv=3, random_state=0)


# processes=False: two workers of one thread each, in this process (a real
# cluster has processes on other machines); the dashboard on any free port.
# get_task_stream records which worker ran each task, and when.
with (
    LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster,
    Client(cluster) as client,
    get_task_stream(client) as stream,
):
    print(len(client.nthreads()), "workers")
    start = time.perf_counter()
    with parallel_backend("dask"):
        on_dask = make_search().fit(X, y)
    print(f"on Dask: {time.perf_counter() - start:.1f} s, best {on_dask.best_params_}")

# %%
# The same search, without Dask
# -----------------------------
# Results never depend on the backend or on ``n_jobs``: the same
# ``random_state`` gives the same candidates and the same scores.
import numpy as np

local = make_search().fit(X, y)
print(local.cv_results_["params"] == on_dask.cv_results_["params"])
same_scores = np.allclose(
    local.cv_results_["mean_test_score"], on_dask.cv_results_["mean_test_score"]
)
print(same_scores)

# %%
# Who ran what, and when
# ----------------------
# Each bar is a task of the search on a worker: joblib sends a batch's
# cross-validation fits as tasks; between batches, the optimiser (in this
# process) chooses the next candidates.
import matplotlib.pyplot as plt

workers = sorted({task["worker"] for task in stream.data})
t0 = min(ss["start"] for task in stream.data for ss in task["startstops"])
fig, ax = plt.subplots(figsize=(8, 2.5))
for task in stream.data:
    row = workers.index(task["worker"])
    for ss in task["startstops"]:
        if ss["action"] == "compute":
            bar = [(ss["start"] - t0, ss["stop"] - ss["start"])]
            ax.broken_barh(bar, (row - 0.35, 0.7), color=f"C{row}")
ax.set_yticks(range(len(workers)), [f"worker {i}" for i in range(len(workers))])
ax.set_xlabel("seconds since the first task")
ax.set_title(f"{len(stream.data)} tasks of BayesSearchCV on a Dask cluster")
fig.tight_layout()
plt.show()
