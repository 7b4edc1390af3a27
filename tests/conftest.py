"""Test configuration: pin threads, skip GPU tests without CUDA."""

import importlib.util
import os

import pytest
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.preprocessing import StandardScaler

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


@pytest.fixture(scope="session")
def iris():
    """The iris data, (X, y)."""
    return load_iris(return_X_y=True)


@pytest.fixture(scope="session")
def cancer():
    """The breast-cancer data, standardised, (X, y)."""
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _cuda_available():
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def pytest_collection_modifyitems(config, items):
    # sktune.plot's docstring examples draw: without the plot extra they skip.
    if importlib.util.find_spec("matplotlib") is None:
        skip_plot = pytest.mark.skip(reason='needs pip install "sktune[plot]"')
        for item in items:
            if item.nodeid.startswith("sktune/plot.py"):
                item.add_marker(skip_plot)
    if any("gpu" in item.keywords for item in items) and not _cuda_available():
        skip = pytest.mark.skip(reason="needs a CUDA GPU")
        for item in items:
            if "gpu" in item.keywords:
                item.add_marker(skip)
