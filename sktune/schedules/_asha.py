"""Asynchronous successive halving (ASHA; Li et al., 2020).

Notations
---------
budgets : the rungs' budgets of one Hyperband bracket, ``budgets[k]`` at
    rung ``k``, from :func:`sktune.schedules._hyperband.hyperband_brackets`.
eta : the factor; a configuration that finished rung ``k`` is promoted to
    rung ``k + 1`` as soon as it is among the best
    ``floor(n_k / eta)`` of the ``n_k`` configurations finished at rung ``k``.
n_configurations : how many configurations the bracket starts at rung 0 in
    all (Hyperband's ``n_i``); once they are started, only promotions remain.

Unlike synchronous successive halving, a promotion never waits for a rung to
fill; the price is that a configuration promoted early may have been left out
once the rung filled ("incorrect promotions"), so the last rungs may hold a
few more configurations than ``n_configurations / eta ** k``.

This module decides only; it neither trains nor imports joblib.

References
----------
Li, Jamieson, Rostamizadeh, Gonina, Ben-tzur, Hardt, Recht and Talwalkar
(2020). A system for massively parallel hyperparameter tuning. MLSys.
"""

import math

import numpy as np


class ASHABracket:
    """The promotion state of one bracket run asynchronously.

    Configurations are numbered ``0, 1, ...`` in the order they start.
    :meth:`get_job` says what a free worker should do next, :meth:`report`
    records a finished (configuration, rung).

    Examples
    --------
    >>> b = ASHABracket(budgets=(1, 3, 9), n_configurations=9, factor=3)
    >>> [b.get_job() for _ in range(3)]
    [(0, 0), (1, 0), (2, 0)]
    >>> b.report(0, 0, 0.5); b.report(1, 0, 0.9); b.report(2, 0, 0.7)
    >>> b.get_job()  # 1 is in the top third of the three finished
    (1, 1)
    """

    def __init__(self, budgets, n_configurations, factor):
        self.budgets = tuple(budgets)
        self.n_configurations = int(n_configurations)
        self.factor = factor
        # scores[k][config] of the configurations finished at rung k
        self.scores = [{} for _ in self.budgets]
        self.promoted = [set() for _ in self.budgets]
        self.running = set()  # (config, rung)
        self.n_started = 0

    @property
    def n_rungs(self):
        return len(self.budgets)

    def promotable(self, rung):
        """Configurations finished at ``rung``, in its top ``1 / factor`` and
        not yet promoted, best first. A NaN score never promotes."""
        finished = self.scores[rung]
        n_top = int(math.floor(len(finished) / self.factor + 1e-9))
        scored = [(s, c) for c, s in finished.items() if np.isfinite(s)]
        # best first; among equal scores the one that started first
        top = sorted(scored, key=lambda sc: (-sc[0], sc[1]))[:n_top]
        return [c for _, c in top if c not in self.promoted[rung]]

    def get_job(self):
        """``(config, rung)`` to run next, or None if none can run now.

        The best promotable configuration of the highest rung that has one;
        else a new configuration at rung 0 while fewer than
        ``n_configurations`` have started.
        """
        for rung in range(self.n_rungs - 2, -1, -1):
            candidates = self.promotable(rung)
            if candidates:
                config = candidates[0]
                self.promoted[rung].add(config)
                self.running.add((config, rung + 1))
                return config, rung + 1
        if self.n_started < self.n_configurations:
            config = self.n_started
            self.n_started += 1
            self.running.add((config, 0))
            return config, 0
        return None

    def report(self, config, rung, score):
        """Record that ``config`` finished ``rung`` with ``score``."""
        self.running.discard((config, rung))
        self.scores[rung][config] = float(score)

    @property
    def finished(self):
        """Nothing runs and nothing can start: the bracket is over."""
        if self.running or self.n_started < self.n_configurations:
            return False
        return not any(self.promotable(k) for k in range(self.n_rungs - 1))

    def n_candidates(self):
        """How many configurations finished each rung."""
        return [len(s) for s in self.scores]
