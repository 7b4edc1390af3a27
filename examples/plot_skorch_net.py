"""
Tune a PyTorch net with skorch, on CPU or CUDA
==============================================

A `skorch <https://skorch.readthedocs.io/>`__ net is a scikit-learn
estimator, so sktune's searches tune it like any other. Its budget is
``max_epochs``: :class:`~sktune.HyperbandSearchCV` trains many nets for one
epoch, then continues the promising ones with ``partial_fit`` (the same
weights and optimiser state, more epochs) instead of training them again.

The example runs on the CPU. On a machine with a CUDA GPU the same code
trains there: only ``device`` changes, and it is chosen below from what torch
finds. Needs ``pip install "sktune[torch]"`` (torch and skorch).
"""

# %%
# A small network for the digits
# -------------------------------
# torch draws from its global generator; the search seeds it for every
# (configuration, fold, rung) task from ``random_state``, so the search is
# reproducible whatever ``n_jobs``.
import numpy as np
import torch
from sklearn.datasets import load_digits
from skorch import NeuralNetClassifier
from torch import nn

from sktune import HyperbandSearchCV, Integer, Real

torch.set_num_threads(1)  # two cores: one thread per fit
device = "cuda" if torch.cuda.is_available() else "cpu"
print("device:", device)

X, y = load_digits(return_X_y=True)
X = (X[:800] / 16).astype(np.float32)
y = y[:800].astype(np.int64)


class MLP(nn.Module):
    def __init__(self, hidden=32, dropout=0.0):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, 10)
        )

    def forward(self, X):
        return self.layers(X)


net = NeuralNetClassifier(
    MLP,
    criterion=nn.CrossEntropyLoss,
    optimizer=torch.optim.SGD,
    optimizer__momentum=0.9,
    max_epochs=27,
    batch_size=128,
    train_split=None,  # the search's CV folds do the validation
    verbose=0,
    device=device,  # "cuda" on a GPU machine: nothing else changes
)

# %%
# The search
# ----------
# ``module__`` parameters build the network, ``lr`` and ``optimizer__*`` set
# the optimiser: both can be searched. The resource is ``max_epochs``, found
# by ``resource="auto"``: 27 nets on 1 epoch, 9 on 3, 3 on 9 and 1 on 27.
# On one GPU keep ``n_jobs=1`` (each worker would hold its own CUDA context).
search = HyperbandSearchCV(
    net,
    {
        "lr": Real(1e-3, 1.0, log=True),
        "module__hidden": Integer(8, 128, log=True),
        "module__dropout": Real(0.0, 0.5),
    },
    factor=3,
    min_resource=1,
    cv=3,
    random_state=0,
)
search.fit(X, y)
print(search.brackets_)
print(search.best_params_)
print(f"CV accuracy of the best net: {search.best_score_:.3f}")

# %%
# ``cv_results_`` also says how many epochs each net really trained
# (``budget_used``): a net with skorch's ``EarlyStopping`` callback that stops
# early keeps its score at later rungs and trains no further.
print(search.cv_results_["budget"][-5:], search.cv_results_["budget_used"][-5:])

# %%
# The refitted best net is a plain skorch net: ``predict``, ``predict_proba``
# and ``history`` are there.
best = search.best_estimator_
print(
    len(best.history), "epochs;", "train loss", round(best.history[-1, "train_loss"], 3)
)

# %%
# The rungs
# ---------
import matplotlib.pyplot as plt

from sktune.plot import plot_hyperband

fig, ax = plt.subplots(figsize=(7, 4.5))
plot_hyperband(search, ax=ax)
ax.set_title("skorch MLP: CV accuracy through the rungs (epochs)")
plt.show()
