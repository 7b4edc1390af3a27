"""BayesSearchCV tunes skorch-wrapped PyTorch nets (CPU, and CUDA when present)."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktune import BayesSearchCV, Integer, Real

torch = pytest.importorskip("torch")
skorch = pytest.importorskip("skorch")

pytestmark = pytest.mark.skorch


class MLP(torch.nn.Module):
    def __init__(self, n_features=30, hidden=16):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(n_features, hidden),
            torch.nn.ReLU(),
            torch.nn.Linear(hidden, 2),
        )

    def forward(self, X):
        return self.layers(X)


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer(return_X_y=True)
    return X.astype(np.float32), y.astype(np.int64)


def _net(device="cpu"):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    return skorch.NeuralNetClassifier(
        MLP,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.SGD,
        max_epochs=8,
        batch_size=64,
        train_split=None,
        verbose=0,
        device=device,
    )


def _search(device="cpu"):
    pipe = make_pipeline(StandardScaler(), _net(device))
    spaces = {
        "neuralnetclassifier__lr": Real(1e-4, 1.0, log=True),
        "neuralnetclassifier__module__hidden": Integer(4, 64, log=True),
    }
    return BayesSearchCV(
        pipe, spaces, n_iter=6, n_initial_points=3, cv=3, random_state=0
    )


def test_bayes_search_tunes_a_skorch_net_in_a_pipeline(data):
    X, y = data
    search = _search().fit(X, y)
    params = search.cv_results_["params"]
    assert len(params) == 6
    assert search.best_score_ > 0.9
    net = search.best_estimator_[-1]
    assert (
        net.module_.layers[0].out_features
        == search.best_params_["neuralnetclassifier__module__hidden"]
    )
    assert search.score(X, y) > 0.9


def test_bayes_search_rejects_an_unknown_skorch_parameter(data):
    X, y = data
    search = BayesSearchCV(_net(), {"modul__hidden": Integer(4, 8)}, n_iter=2, cv=2)
    with pytest.raises(ValueError, match="modul__hidden"):
        search.fit(X, y)


@pytest.mark.gpu
def test_bayes_search_tunes_a_skorch_net_on_cuda(data):
    X, y = data
    search = _search(device="cuda").fit(X, y)
    assert search.best_score_ > 0.9
    assert next(search.best_estimator_[-1].module_.parameters()).is_cuda
