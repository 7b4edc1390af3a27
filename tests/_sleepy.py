"""A trainable whose passes sleep, for the asynchronous searches' tests."""

import threading
import time

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin


class Sleepy(RegressorMixin, BaseEstimator):
    """``partial_fit`` sleeps ``pass_seconds * slow`` seconds a pass and logs
    it; the score is ``-(x - 0.7) ** 2`` plus a bonus growing with the
    passes. ``log`` is shared by every clone (reset it before a run)."""

    log = []  # (start, end, x, slow, pass number)
    lock = threading.Lock()

    def __init__(self, x=0.0, slow=1, max_iter=9, pass_seconds=0.01):
        self.x = x
        self.slow = slow
        self.max_iter = max_iter
        self.pass_seconds = pass_seconds

    def partial_fit(self, X, y=None):
        self.n_passes_ = getattr(self, "n_passes_", 0) + 1
        start = time.perf_counter()
        time.sleep(self.pass_seconds * self.slow)
        with self.lock:
            self.log.append(
                (start, time.perf_counter(), self.x, self.slow, self.n_passes_)
            )
        return self

    def fit(self, X, y=None):
        for _ in range(self.max_iter):
            self.partial_fit(X, y)
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        return -((self.x - 0.7) ** 2) - 1.0 / self.n_passes_
