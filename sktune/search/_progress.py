"""Progress of a search for ``verbose=1``: a tqdm bar, or plain lines.

Shows evaluations done out of the total, the best mean test score so far and
the elapsed time. tqdm is optional (``pip install sktune[progress]``); without
it a line is printed every 10% of the work and at the end.
"""

import sys
import time

import numpy as np


class Progress:
    def __init__(self, search, total, verbose):
        self.name = type(search).__name__
        self.total = int(total)
        self.enabled = (verbose or 0) >= 1
        self.done = 0
        self.best = -np.inf
        self.start = time.perf_counter()
        self.bar = None
        self._next_line = 0
        if not self.enabled:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return
        self.bar = tqdm(total=self.total, desc=self.name, unit="eval", file=sys.stderr)

    def update(self, n, scores=()):
        if not self.enabled:
            return
        self.done += n
        finite = np.asarray(scores, dtype=float)
        finite = finite[np.isfinite(finite)]
        if finite.size:
            self.best = max(self.best, float(finite.max()))
        best = f"{self.best:.4f}" if np.isfinite(self.best) else "n/a"
        if self.bar is not None:
            self.bar.set_postfix(best=best, refresh=False)
            self.bar.update(n)
            return
        if self.done >= self._next_line or self.done >= self.total:
            elapsed = time.perf_counter() - self.start
            print(
                f"[{self.name}] {self.done}/{self.total} evaluations, best score "
                f"{best}, {elapsed:.1f} s",
                flush=True,
            )
            self._next_line = self.done + max(1, self.total // 10)

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None
