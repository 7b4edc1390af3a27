"""A search on a Dask cluster survives a worker that dies in the middle of it.

Each test runs a search on a ``LocalCluster`` of worker processes and kills
one of them (SIGKILL) from inside one of its evaluations: the first step
of the pipeline, :class:`Tripwire`, takes a numbered ticket on every call to
``transform`` and kills its own process on ticket ``kill_at``, chosen
half-way through the search. The kill point needs no timing: exactly one
task dies in flight, and its rerun takes a later ticket.

What a lost worker takes with it decides the outcome. joblib's Dask backend
*scatters* every argument over 1 kB (``X``, ``y``, the folds' row indices)
to one worker, and Dask's active memory manager trims copies back to one:
data that lived only on the dead worker cannot be recomputed, and the
``Parallel`` call fails (``FutureCancelledError``), for scikit-learn's own
``GridSearchCV`` as well. Hence two tests:

- with the data on every worker (broadcast through ``scatter=``, replicas
  kept), Dask reruns the lost task and the search ends with the results of
  an undisturbed run: nothing lost, nothing counted twice;
- with Dask's defaults on a one-worker cluster, where the loss is certain,
  the search fails, resumes from its ``checkpoint`` and ends with the same
  results.
"""

import os
import signal
import sys
from itertools import chain

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktune import BayesSearchCV, HyperbandSearchCV, PBTSearchCV, Real

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

# what a task that lost its scattered arguments raises
CANCELLED = getattr(
    distributed.client, "FutureCancelledError", distributed.utils.CancelledError
)

pytestmark = [
    pytest.mark.dask,
    # SGD's refit at Hyperband's largest budget
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.skipif(
        sys.platform == "win32", reason="kills a worker process with SIGKILL"
    ),
]

SPACE = {
    "sgdclassifier__alpha": Real(1e-6, 1e-1, log=True),
    "sgdclassifier__eta0": Real(1e-3, 1e0, log=True),
}
KINDS = ["bayes", "hyperband", "pbt"]
TIMEOUT = 120  # seconds to wait for workers before failing instead of hanging


def _take_ticket(folder):
    """The next number of a counter shared by processes: the name of the
    file this call created (atomically) in ``folder``."""
    n = len(os.listdir(folder))
    while True:
        try:
            fd = os.open(os.path.join(folder, str(n)), os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            n += 1
            continue
        os.close(fd)
        return n


class Tripwire(TransformerMixin, BaseEstimator):
    """Identity transformer that counts its calls and kills one worker.

    Each ``transform`` takes a ticket from ``folder/tickets`` (nothing
    happens without a folder); the call that takes ticket ``kill_at`` in a
    process other than ``spare_pid`` (the test's own) writes its pid to
    ``folder/killed`` and SIGKILLs its process. It lives in an importable
    module, so that worker processes unpickle it by reference.
    """

    def __init__(self, folder=None, kill_at=None, spare_pid=None):
        self.folder = folder
        self.kill_at = kill_at
        self.spare_pid = spare_pid

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        if self.folder is not None:
            ticket = _take_ticket(os.path.join(self.folder, "tickets"))
            if ticket == self.kill_at and os.getpid() != self.spare_pid:
                with open(os.path.join(self.folder, "killed"), "w") as f:
                    f.write(str(os.getpid()))
                os.kill(os.getpid(), signal.SIGKILL)
        return X


def make_search(kind, tripwire, cv, **kwargs):
    model = make_pipeline(tripwire, StandardScaler(), SGDClassifier(random_state=0))
    common = dict(
        cv=cv,
        random_state=0,
        scoring=["accuracy", "roc_auc"],
        refit="roc_auc",
        **kwargs,
    )
    if kind == "bayes":
        return BayesSearchCV(
            model, SPACE, n_iter=8, n_initial_points=4, n_points=2, **common
        )
    if kind == "hyperband":
        return HyperbandSearchCV(model, SPACE, max_resource=9, **common)
    return PBTSearchCV(model, SPACE, population_size=4, n_steps=3, **common)


def undisturbed(kind, folder, cv):
    """The search fitted without Dask, and how many tickets it took."""
    os.makedirs(os.path.join(folder, "tickets"))
    search = make_search(kind, Tripwire(folder), cv).fit(
        *load_breast_cancer(return_X_y=True)
    )
    return search, len(os.listdir(os.path.join(folder, "tickets")))


def tripwire_halfway(folder, n_calls):
    os.makedirs(os.path.join(folder, "tickets"))
    return Tripwire(folder, kill_at=n_calls // 2, spare_pid=os.getpid())


def assert_same_results(remote, local):
    assert remote.cv_results_.keys() == local.cv_results_.keys()
    for key, value in local.cv_results_.items():
        if key.endswith("_time"):
            continue
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            np.testing.assert_allclose(remote.cv_results_[key], value, err_msg=key)
        else:
            assert [repr(v) for v in value] == [
                repr(v) for v in remote.cv_results_[key]
            ], key
    assert remote.best_index_ == local.best_index_
    assert remote.best_params_ == local.best_params_


def assert_one_worker_was_killed(client, folder, pids_before, n_workers):
    killed = int(open(os.path.join(folder, "killed")).read())
    assert killed in pids_before  # a worker process died in the middle
    client.wait_for_workers(n_workers, timeout=TIMEOUT)  # its nanny restarted it
    assert killed not in client.run(os.getpid).values()


def start_cluster(n_workers, threads_per_worker):
    return distributed.LocalCluster(
        n_workers=n_workers,
        threads_per_worker=threads_per_worker,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",  # a free port: two clusters run at once
    )


@pytest.fixture(scope="module")
def config():
    # A cluster closes the nanny of a worker that has not come back within
    # lost-worker-timeout (15 s) of its death. The timer of one test's kill
    # may fire while a later kill's worker restarts, and would close that
    # nanny for good; the tests wait for every restart themselves.
    with dask.config.set({"distributed.deploy.lost-worker-timeout": "1h"}):
        yield


@pytest.fixture(scope="module")
def client(config):
    """Two worker processes of one thread each."""
    with start_cluster(2, 1) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def lone_client(config):
    """One worker process: all scattered data is lost with it. Two threads,
    since joblib runs one job in the calling process."""
    with start_cluster(1, 2) as cluster, distributed.Client(cluster) as client:
        yield client


def pids(client, n_workers):
    client.wait_for_workers(n_workers, timeout=TIMEOUT)
    return set(client.run(os.getpid).values())


@pytest.mark.parametrize("kind", KINDS)
def test_search_on_replicated_data_survives_a_killed_worker(kind, client, tmp_path):
    X, y = load_breast_cancer(return_X_y=True)
    folds = list(StratifiedKFold(3).split(X, y))
    local, n_calls = undisturbed(kind, str(tmp_path / "local"), folds)
    folder = str(tmp_path / "remote")
    search = make_search(kind, tripwire_halfway(folder, n_calls), folds)
    workers = pids(client, 2)
    # Every scattered argument on every worker, and kept there: joblib finds
    # X, y and the folds' row arrays by identity and sends their futures.
    amm_was_running = client.amm.running()
    client.amm.stop()
    try:
        with parallel_backend(
            "dask",
            client=client,
            scatter=[X, y, *chain.from_iterable(folds)],
            wait_for_workers_timeout=TIMEOUT,
        ):
            search.fit(X, y)
    finally:
        if amm_was_running:
            client.amm.start()
    assert_one_worker_was_killed(client, folder, workers, 2)
    # the lost task ran again: more tickets than the undisturbed run took
    assert len(os.listdir(os.path.join(folder, "tickets"))) > n_calls
    assert_same_results(search, local)


@pytest.mark.parametrize("kind", KINDS)
def test_search_resumes_from_its_checkpoint_after_a_lost_worker(
    kind, lone_client, tmp_path
):
    X, y = load_breast_cancer(return_X_y=True)
    local, n_calls = undisturbed(kind, str(tmp_path / "local"), 3)
    folder = str(tmp_path / "remote")
    checkpoint = str(tmp_path / "search.journal")
    search = make_search(
        kind, tripwire_halfway(folder, n_calls), 3, checkpoint=checkpoint
    )
    workers = pids(lone_client, 1)
    backend = dict(client=lone_client, wait_for_workers_timeout=TIMEOUT)
    # Dask's defaults: the arguments joblib scattered die with the worker
    with pytest.raises(CANCELLED):
        with parallel_backend("dask", **backend):
            search.fit(X, y)
    assert_one_worker_was_killed(lone_client, folder, workers, 1)
    assert os.path.getsize(checkpoint) > 0
    # the same search again (the tripwire's ticket is spent)
    with parallel_backend("dask", **backend):
        search.fit(X, y)
    assert_same_results(search, local)
