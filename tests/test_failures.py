"""Failing fits, diverged models and CUDA out-of-memory errors are recorded with
error_score, and the search goes on."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_breast_cancer, load_iris

from sktune import BayesSearchCV, Categorical, HyperbandSearchCV, PBTSearchCV


class DivergingClassifier(ClassifierMixin, BaseEstimator):
    """Nearest-mean classifier; with ``step`` above 1 it "diverges": its
    score is NaN or infinite, as a net whose loss blew up."""

    def __init__(self, step=0.5, n_steps=1):
        self.step = step
        self.n_steps = n_steps

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.means_ = np.array([X[y == c].mean(axis=0) for c in self.classes_])
        return self

    def predict(self, X):
        distances = ((X[:, None, :] - self.means_[None]) ** 2).sum(axis=2)
        return self.classes_[np.argmin(distances, axis=1)]

    def score(self, X, y):
        if self.step > 1:
            return np.nan if self.step > 2 else -np.inf
        return float(np.mean(self.predict(X) == y)) * self.step


SPACE = {"step": Categorical([0.2, 0.5, 1.0, 1.5, 3.0])}


def make(kind):
    common = dict(cv=3, random_state=0, error_score=-1.0)
    model = DivergingClassifier()
    if kind == "bayes":
        return BayesSearchCV(model, SPACE, n_iter=5, n_initial_points=5, **common)
    if kind == "hyperband":
        return HyperbandSearchCV(
            model, SPACE, resource="n_steps", max_resource=3, min_resource=1, **common
        )
    return PBTSearchCV(
        model,
        SPACE,
        resource="n_steps",
        population_size=5,
        n_steps=2,
        initial_population=[{"step": s} for s in (0.2, 0.5, 1.0, 1.5, 3.0)],
        resample_probability=0.0,
        **common,
    )


@pytest.mark.parametrize("kind", ["bayes", "hyperband", "pbt"])
def test_nan_and_inf_scores_are_recorded_with_error_score(kind):
    X, y = load_iris(return_X_y=True)
    with pytest.warns(UserWarning, match="NaN or infinity"):
        search = make(kind).fit(X, y)
    results = search.cv_results_
    steps = np.array([p["step"] for p in results["params"]], dtype=float)
    scores = results["mean_test_score"]
    assert np.all(np.isfinite(scores))
    assert np.all(scores[steps > 1] == -1.0)
    assert np.any(steps > 1)
    assert search.best_params_["step"] == 1.0


@pytest.mark.gpu
@pytest.mark.skorch
def test_cuda_out_of_memory_is_recorded_and_the_search_goes_on():
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")

    class Net(torch.nn.Module):
        def __init__(self, hidden=16):
            super().__init__()
            self.layers = torch.nn.Sequential(
                torch.nn.Linear(30, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 2)
            )

        def forward(self, X):
            return self.layers(X)

    X, y = load_breast_cancer(return_X_y=True)
    X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype(np.float32)
    y = y.astype(np.int64)
    net = skorch.NeuralNetClassifier(
        Net, max_epochs=2, lr=0.1, train_split=None, verbose=0, device="cuda"
    )
    # 2**36 hidden units: 30 * 2**36 * 4 bytes = 8 TB of weights.
    space = {"module__hidden": Categorical([16, 2**36])}
    search = HyperbandSearchCV(
        net,
        space,
        max_resource=2,
        min_resource=1,
        cv=2,
        random_state=0,
        error_score=0.0,
    )
    with pytest.warns(Warning):
        search.fit(X, y)
    hidden = np.array([p["module__hidden"] for p in search.cv_results_["params"]])
    assert np.all(search.cv_results_["mean_test_score"][hidden == 2**36] == 0.0)
    assert search.best_params_["module__hidden"] == 16
    assert torch.cuda.memory_allocated() < 2**30  # nothing huge left behind
