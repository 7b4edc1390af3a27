"""Every parallel step goes through joblib, so a Dask cluster runs it unchanged."""

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktune import BayesSearchCV, HyperbandSearchCV, PBTSearchCV, Real

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.dask

SPACE = {
    "sgdclassifier__alpha": Real(1e-6, 1e-1, log=True),
    "sgdclassifier__eta0": Real(1e-3, 1e0, log=True),
}


def searches():
    model = make_pipeline(StandardScaler(), SGDClassifier(random_state=0))
    common = dict(
        cv=3, random_state=0, scoring=["accuracy", "roc_auc"], refit="roc_auc"
    )
    return {
        "bayes": BayesSearchCV(
            model, SPACE, n_iter=6, n_initial_points=3, n_points=2, **common
        ),
        "hyperband": HyperbandSearchCV(model, SPACE, max_resource=9, **common),
        "pbt": PBTSearchCV(model, SPACE, population_size=4, n_steps=3, **common),
    }


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.mark.parametrize("kind", ["bayes", "hyperband", "pbt"])
def test_search_on_a_dask_cluster_equals_the_local_search(kind, client):
    X, y = load_breast_cancer(return_X_y=True)
    local = searches()[kind].fit(X, y)
    with distributed.get_task_stream(client) as stream:
        with parallel_backend("dask"):
            remote = searches()[kind].fit(X, y)
    workers = {task["worker"] for task in stream.data}
    assert len(workers) == 2  # both worker processes took evaluations
    assert len(stream.data) > 0
    for key, value in local.cv_results_.items():
        if key.endswith("_time"):
            continue
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            np.testing.assert_allclose(remote.cv_results_[key], value, err_msg=key)
        else:
            assert [repr(v) for v in value] == [
                repr(v) for v in remote.cv_results_[key]
            ]
    assert remote.best_params_ == local.best_params_
