"""lr_range_test on real nets and small data: scikit-learn's MLPs, skorch nets
(CPU, and CUDA when present), pipelines; the sweep, the stop, the suggestion,
the estimator left as it was, bad input."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits, make_regression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RandomizedSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler, scale

from sktune import Real
from sktune._lr_range import LRRangeResult, _suggest, lr_range_test


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16).astype(np.float32), y.astype(np.int64)


def _mlp(solver="sgd", **kwargs):
    return MLPClassifier(hidden_layer_sizes=(16,), solver=solver, **kwargs)


def test_lr_range_test_sweep_is_exponential_and_bounded(digits):
    X, y = digits
    result = lr_range_test(
        _mlp(), X, y, min_lr=1e-5, max_lr=1e-1, num_iter=30, diverge=None
    )
    rates = result.learning_rates
    assert len(rates) == len(result.losses) == len(result.smoothed_losses) == 30
    assert rates[0] == pytest.approx(1e-5)
    assert rates[-1] == pytest.approx(1e-1)
    np.testing.assert_allclose(np.diff(np.log(rates)), np.log(1e4) / 29)
    assert result.stop_reason == "num_iter"
    assert np.all(np.isfinite(result.losses))


@pytest.mark.filterwarnings("ignore:The loss did not fall")
def test_lr_range_test_cycles_through_epochs(digits):
    X, y = digits
    # 100 rows in batches of 30: 3 full batches an epoch, 12 steps = 4 epochs
    result = lr_range_test(
        _mlp(), X[:100], y[:100], num_iter=12, batch_size=30, max_lr=1e-2
    )
    assert len(result.losses) == 12


@pytest.mark.filterwarnings("ignore:The loss did not fall")
def test_lr_range_test_smooths_with_bias_correction(digits):
    X, y = digits
    result = lr_range_test(_mlp(), X, y, num_iter=20, max_lr=1e-2, smooth=0.9)
    average, expected = 0.0, []
    for i, loss in enumerate(result.losses):
        average = 0.9 * average + 0.1 * loss
        expected.append(average / (1 - 0.9 ** (i + 1)))
    np.testing.assert_allclose(result.smoothed_losses, expected)
    assert result.smoothed_losses[0] == result.losses[0]
    unsmoothed = lr_range_test(_mlp(), X, y, num_iter=5, max_lr=1e-2, smooth=0)
    np.testing.assert_array_equal(unsmoothed.smoothed_losses, unsmoothed.losses)


def test_lr_range_test_stops_at_divergence():
    X, y = make_regression(300, 10, noise=1.0, random_state=0)
    X, y = scale(X), scale(y)
    net = MLPRegressor(hidden_layer_sizes=(16,), solver="sgd", random_state=0)
    result = lr_range_test(
        net, X, y, min_lr=1e-4, max_lr=10, num_iter=60, batch_size=32, random_state=0
    )
    assert result.stop_reason == "diverged"
    assert len(result.losses) < 60
    smoothed = result.smoothed_losses
    assert smoothed[-1] > 4 * smoothed[:-1].min()
    assert np.all(smoothed[:-1] <= 4 * np.minimum.accumulate(smoothed)[:-1])


def test_lr_range_test_stops_at_a_non_finite_loss():
    X, y = make_regression(200, 5, random_state=0)
    X, y = scale(X), 1e3 * scale(y)
    net = MLPRegressor(hidden_layer_sizes=(8,), solver="sgd", random_state=0)
    result = lr_range_test(
        net, X, y, min_lr=1e-6, max_lr=1e4, num_iter=80, diverge=None, random_state=0
    )
    assert result.stop_reason == "non-finite loss"
    assert np.all(np.isfinite(result.losses))


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_lr_range_test_mlp_suggests_a_sane_rate(digits, solver):
    X, y = digits
    result = lr_range_test(_mlp(solver, random_state=0), X, y, random_state=0)
    assert result.param == "learning_rate_init"
    # a grid of 20-epoch fits finds 0.1 (sgd) and 0.03 (adam) best
    # (benchmarks/lr_range.py); the suggestion is within a factor ~5 of it
    band = {"sgd": (0.02, 1.0), "adam": (1e-3, 0.1)}[solver]
    assert band[0] < result.suggested_lr < band[1]
    low, high = result.suggested_range
    assert low < result.suggested_lr < high
    best = {"sgd": 0.1, "adam": 0.03}[solver]
    assert low <= best <= high


def test_lr_range_test_is_reproducible(digits):
    X, y = digits
    a = lr_range_test(_mlp(), X, y, num_iter=20, random_state=3)
    b = lr_range_test(_mlp(), X, y, num_iter=20, random_state=3)
    np.testing.assert_array_equal(a.losses, b.losses)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_lr_range_test_leaves_the_mlp_untouched(digits):
    X, y = digits
    net = _mlp(early_stopping=True, learning_rate_init=0.123)
    params = net.get_params()
    lr_range_test(net, X, y, num_iter=10)
    assert net.get_params() == params
    assert not hasattr(net, "coefs_")
    fitted = _mlp(max_iter=2, random_state=0).fit(X, y)
    coefs = [c.copy() for c in fitted.coefs_]
    lr_range_test(fitted, X, y, num_iter=10)
    for before, after in zip(coefs, fitted.coefs_):
        np.testing.assert_array_equal(before, after)


def test_lr_range_test_pipeline_sweeps_the_last_step(digits):
    X, y = digits
    pipe = make_pipeline(StandardScaler(), _mlp(random_state=0))
    result = lr_range_test(pipe, X, y, num_iter=40, random_state=0)
    assert result.param == "mlpclassifier__learning_rate_init"
    assert not hasattr(pipe[0], "mean_")
    space = result.space()
    assert list(space) == ["mlpclassifier__learning_rate_init"]
    dimension = space["mlpclassifier__learning_rate_init"]
    assert isinstance(dimension, Real)
    assert (dimension.low, dimension.high) == pytest.approx(result.suggested_range)
    search = RandomizedSearchCV(
        clone(pipe).set_params(mlpclassifier__max_iter=3),
        space,
        n_iter=2,
        cv=2,
        random_state=0,
    )
    with pytest.warns(Warning):  # ConvergenceWarning after 3 epochs
        search.fit(X[:300], y[:300])
    low, high = result.suggested_range
    for params in search.cv_results_["params"]:
        assert low <= params["mlpclassifier__learning_rate_init"] <= high


def test_lr_range_result_repr_and_space():
    result = LRRangeResult(
        "clf__lr", np.array([1e-3, 1e-2]), np.ones(2), np.ones(2), 0.01,
        (0.001, 0.1), 0.1, "diverged",
    )  # fmt: skip
    assert repr(result) == (
        "LRRangeResult(param='clf__lr', suggested_lr=0.01, "
        "suggested_range=(0.001, 0.1), min_loss_lr=0.1, n_steps=2, "
        "stop_reason='diverged')"
    )
    assert repr(result.space()) == "{'clf__lr': Real(0.001, 0.1, log=True)}"


def test_suggest_finds_the_steepest_descent():
    rates = np.logspace(-6, 1, 141)
    x = np.log10(rates)
    # falls fastest at 1e-2, bottoms out near 1e-1 then rises
    loss = 2 - np.tanh(2 * (x + 2)) + np.where(x > -1, 3 * (x + 1) ** 2, 0)
    suggested, low, high, min_loss_lr = _suggest(rates, loss)
    assert suggested == pytest.approx(1e-2, rel=0.15)
    assert low == pytest.approx(suggested / 10)
    assert min_loss_lr == pytest.approx(rates[np.argmin(loss)])
    assert high == min_loss_lr


def test_suggest_warns_when_the_loss_never_falls():
    rates = np.logspace(-3, 1, 50)
    with pytest.warns(UserWarning, match="did not fall"):
        suggested, low, high, _ = _suggest(rates, np.linspace(1, 5, 50))
    assert low < suggested < high


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        ({"min_lr": 1.0, "max_lr": 1.0}, ValueError, "'min_lr' parameter must be sm"),
        ({"min_lr": 0.0}, ValueError, "'min_lr' parameter must be a positive"),
        ({"max_lr": -1.0}, ValueError, "'max_lr' parameter must be a positive"),
        ({"max_lr": np.inf}, ValueError, "'max_lr' parameter"),
        ({"min_lr": "1e-3"}, TypeError, "'min_lr' parameter"),
        ({"num_iter": 1}, ValueError, "'num_iter' parameter"),
        ({"num_iter": 10.0}, TypeError, "'num_iter' parameter"),
        ({"smooth": 1.0}, ValueError, "'smooth' parameter"),
        ({"diverge": 1.0}, ValueError, "'diverge' parameter"),
        ({"diverge": "4"}, TypeError, "'diverge' parameter"),
        ({"batch_size": 0}, ValueError, "'batch_size' parameter"),
    ],
)
def test_lr_range_test_rejects_bad_arguments_before_any_work(kwargs, err, match):
    # X=None: the check comes before the data are touched
    with pytest.raises(err, match=match):
        lr_range_test(_mlp(), None, None, **kwargs)


def test_lr_range_test_rejects_an_estimator_without_a_learning_rate():
    with pytest.raises(TypeError, match="'estimator' parameter must be .*got Logi"):
        lr_range_test(LogisticRegression(), None, None)
    with pytest.raises(TypeError, match="'estimator' parameter.*got StandardScaler"):
        lr_range_test(make_pipeline(LogisticRegression(), StandardScaler()), None)
    with pytest.raises(ValueError, match="solver='lbfgs', which has no learning"):
        lr_range_test(_mlp("lbfgs"), None, None)


def test_lr_range_test_mlp_needs_y(digits):
    with pytest.raises(ValueError, match="'y' parameter is needed"):
        lr_range_test(_mlp(), digits[0])


# ---- skorch ----------------------------------------------------------------


@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch")
    pytest.importorskip("skorch")
    torch.set_num_threads(1)
    return torch


def _net(torch, device="cpu", **kwargs):
    import skorch

    class MLP(torch.nn.Module):
        def __init__(self, hidden=32):
            super().__init__()
            self.layers = torch.nn.Sequential(
                torch.nn.Linear(64, hidden),
                torch.nn.ReLU(),
                torch.nn.Linear(hidden, 10),
            )

        def forward(self, X):
            return self.layers(X)

    return skorch.NeuralNetClassifier(
        MLP,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.SGD,
        optimizer__momentum=0.9,
        batch_size=64,
        train_split=None,
        verbose=0,
        device=device,
        **kwargs,
    )


@pytest.mark.skorch
def test_lr_range_test_skorch_net(torch, digits):
    X, y = digits
    net = _net(torch)
    params = net.get_params()
    rng_state = torch.get_rng_state()
    result = lr_range_test(net, X, y, random_state=0)
    assert result.param == "lr"
    assert 1e-3 < result.suggested_lr < 3
    assert result.smoothed_losses[-1] > result.smoothed_losses.min()
    assert not getattr(net, "initialized_", False)
    assert net.get_params().keys() == params.keys()
    assert net.lr == params["lr"]
    assert torch.equal(torch.get_rng_state(), rng_state)
    again = lr_range_test(_net(torch), X, y, random_state=0)
    np.testing.assert_array_equal(result.losses, again.losses)


@pytest.mark.skorch
def test_lr_range_test_initialized_skorch_net_keeps_its_weights(torch, digits):
    X, y = digits
    torch.manual_seed(0)
    net = _net(torch, lr=0.05).initialize()
    net.partial_fit(X[:200], y[:200], epochs=1)  # momentum buffers exist
    weights = {k: v.clone() for k, v in net.module_.state_dict().items()}
    momentum = [s["momentum_buffer"].clone() for s in net.optimizer_.state.values()]
    result = lr_range_test(net, X, y, num_iter=30, min_lr=1e-4, max_lr=1.0)
    for key, value in net.module_.state_dict().items():
        assert torch.equal(value, weights[key])
    after = [s["momentum_buffer"] for s in net.optimizer_.state.values()]
    assert all(torch.equal(a, b) for a, b in zip(after, momentum))
    assert [g["lr"] for g in net.optimizer_.param_groups] == [0.05]
    assert len(net.history) == 1
    # the sweep started from the net's weights: its first loss is theirs
    with torch.no_grad():
        logits = net.module_(torch.as_tensor(X[:64]))
        first = torch.nn.functional.cross_entropy(logits, torch.as_tensor(y[:64]))
    assert result.losses[0] == pytest.approx(first.item(), rel=1e-5)


@pytest.mark.skorch
@pytest.mark.filterwarnings("ignore:The loss did not fall")
def test_lr_range_test_skorch_keeps_per_group_rate_ratios(torch, digits):
    X, y = digits
    net = _net(torch, lr=0.1, optimizer__param_groups=[("layers.0.*", {"lr": 0.01})])
    seen = []
    step = type(net).train_step

    class Spy(type(net)):
        def train_step(self, batch, **kwargs):
            seen.append([g["lr"] for g in self.optimizer_.param_groups])
            return step(self, batch, **kwargs)

    spy = Spy(**net.get_params())
    lr_range_test(spy, X, y, num_iter=5, min_lr=1e-3, max_lr=1.0, diverge=None)
    rates = np.logspace(-3, 0, 5)
    np.testing.assert_allclose([s[0] for s in seen], rates * 0.1)
    np.testing.assert_allclose([s[1] for s in seen], rates)


@pytest.mark.skorch
def test_lr_range_test_skorch_pipeline(torch, digits):
    X, y = digits
    pipe = make_pipeline(StandardScaler(), _net(torch))
    result = lr_range_test(pipe, X, y, num_iter=40, random_state=0)
    assert result.param == "neuralnetclassifier__lr"
    assert np.all(np.isfinite(result.losses))


@pytest.mark.skorch
@pytest.mark.gpu
def test_lr_range_test_skorch_on_cuda(torch, digits):
    X, y = digits
    net = _net(torch, device="cuda")
    result = lr_range_test(net, X, y, random_state=0)
    assert 1e-3 < result.suggested_lr < 3
    cpu = lr_range_test(_net(torch), X, y, random_state=0)
    # same seed, same batches: the curves agree up to floating-point noise
    np.testing.assert_allclose(result.losses[:20], cpu.losses[:20], rtol=1e-3)
    initialized = _net(torch, device="cuda").initialize()
    weights = {k: v.clone() for k, v in initialized.module_.state_dict().items()}
    lr_range_test(initialized, X, y, num_iter=20)
    for key, value in initialized.module_.state_dict().items():
        assert value.is_cuda
        assert torch.equal(value, weights[key])
