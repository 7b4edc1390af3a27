"""BayesSearchCV tunes skorch-wrapped PyTorch nets (CPU, and CUDA when present)."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktune import BayesSearchCV, HyperbandSearchCV, Integer, PBTSearchCV, Real
from sktune.search._resources import advance, resolve_resource

torch = pytest.importorskip("torch")
skorch = pytest.importorskip("skorch")

pytestmark = pytest.mark.skorch


class MLP(torch.nn.Module):
    def __init__(self, n_features=30, hidden=16, n_out=2):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(n_features, hidden),
            torch.nn.ReLU(),
            torch.nn.Linear(hidden, n_out),
        )

    def forward(self, X):
        return self.layers(X)


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer(return_X_y=True)
    return X.astype(np.float32), y.astype(np.int64)


def _net(device="cpu", **kwargs):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    return skorch.NeuralNetClassifier(
        MLP,
        **kwargs,
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


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16).astype(np.float32)[:600], y.astype(np.int64)[:600]


def _digits_net(device="cpu", **kwargs):
    return _net(
        device, module__n_features=64, module__n_out=10, module__hidden=32, **kwargs
    )


def test_advance_trains_a_skorch_net_exactly_the_extra_epochs(digits):
    X, y = digits
    net = _digits_net()
    resource = resolve_resource(net, "auto")
    assert (resource.kind, resource.param) == ("epochs", "max_epochs")
    rows = np.arange(len(y))
    net, _ = advance(net, resource, X, y, rows, {}, 0, 3, np.unique(y))
    module = net.module_
    net, _ = advance(net, resource, X, y, rows, {}, 3, 9, np.unique(y))
    assert len(net.history) == 9 and net.module_ is module and net.max_epochs == 9


def test_advance_stops_where_skorchs_early_stopping_does(digits):
    """EarlyStopping ends partial_fit early: the model has converged."""
    X, y = digits
    stop = skorch.callbacks.EarlyStopping(
        monitor="train_loss", patience=1, threshold=10.0, threshold_mode="abs"
    )
    net = _digits_net(callbacks=[stop])
    resource = resolve_resource(net, "auto")
    rows = np.arange(len(y))
    # no epoch improves the loss by 10: the second epoch ends training
    net, reached = advance(net, resource, X, y, rows, {}, 0, 6, np.unique(y))
    assert reached == len(net.history) == 2


def _hyperband(device="cpu"):
    return HyperbandSearchCV(
        _digits_net(device),
        {"lr": Real(1e-3, 0.5, log=True)},
        max_resource=9,
        n_brackets=2,
        cv=3,
        random_state=0,
    )


def test_hyperband_search_continues_skorch_epochs_on_digits(digits):
    X, y = digits
    search = _hyperband().fit(X, y)
    assert search.resource_ == "max_epochs"
    assert set(search.cv_results_["budget"]) == {1, 3, 9}
    assert search.best_params_["max_epochs"] == 9
    assert len(search.best_estimator_.history) == 9
    assert search.best_score_ > 0.8


def test_hyperband_search_warns_about_skorchs_internal_split(digits):
    X, y = digits
    search = HyperbandSearchCV(
        skorch.NeuralNetClassifier(
            MLP,
            module__n_features=64,
            module__n_out=10,
            criterion=torch.nn.CrossEntropyLoss,
            max_epochs=3,
            verbose=0,
        ),
        {"lr": Real(1e-2, 0.5, log=True)},
        n_brackets=1,
        cv=2,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="train_split"):
        search.fit(X, y)


@pytest.mark.gpu
def test_hyperband_search_continues_a_skorch_net_on_cuda(digits):
    X, y = digits
    search = _hyperband(device="cuda").fit(X, y)
    assert search.best_score_ > 0.8
    assert next(search.best_estimator_.module_.parameters()).is_cuda


def test_hyperband_search_with_skorch_is_reproducible(digits):
    X, y = digits
    first = _hyperband().set_params(n_brackets=1, max_resource=3).fit(X, y)
    again = _hyperband().set_params(n_brackets=1, max_resource=3)
    torch.manual_seed(12345)  # the global state must not matter
    again.fit(X, y)
    np.testing.assert_array_equal(
        first.cv_results_["mean_test_score"], again.cv_results_["mean_test_score"]
    )
    # The refitted net too: its weights follow random_state.
    for a, b in zip(
        first.best_estimator_.module_.parameters(),
        again.best_estimator_.module_.parameters(),
    ):
        assert torch.equal(a, b)


def _pbt(device="cpu", **kwargs):
    return PBTSearchCV(
        _digits_net(device),
        {
            "lr": Real(0.05, 0.5, log=True),
            "optimizer__momentum": Real(0.5, 0.95),
            "batch_size": Integer(16, 128, log=True),
        },
        population_size=4,
        n_steps=3,
        cv=2,
        random_state=0,
        **kwargs,
    )


def test_pbt_search_trains_skorch_nets_and_replays_the_schedule(digits):
    X, y = digits
    search = _pbt().fit(X, y)
    assert search.resource_ == "max_epochs"
    assert len(search.best_schedule_) == 3
    net = search.best_estimator_
    assert len(net.history) == 3
    assert net.lr == search.best_schedule_[-1]["lr"]
    assert net.optimizer_.param_groups[0]["lr"] == net.lr
    assert search.best_score_ > 0.6


def test_pbt_search_refuses_a_mutable_that_reinitialises_the_module(digits):
    X, y = digits
    search = PBTSearchCV(
        _digits_net(),
        {"lr": Real(1e-3, 0.5, log=True), "module__hidden": Integer(8, 64)},
        mutable=["lr", "module__hidden"],
        population_size=2,
        n_steps=2,
        cv=2,
    )
    with pytest.raises(ValueError, match="module__hidden.*re-initialises"):
        search.fit(X, y)


@pytest.mark.gpu
def test_pbt_search_on_cuda(digits):
    X, y = digits
    search = _pbt(device="cuda").fit(X, y)
    assert next(search.best_estimator_.module_.parameters()).is_cuda
