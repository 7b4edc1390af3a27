"""Asynchronous successive halving (ASHA; Li et al., 2020).

Notations
---------
budgets : the rungs' budgets of one Hyperband bracket, ``budgets[k]`` at
    rung ``k``, from :func:`sktune.schedules._hyperband.hyperband_brackets`.
eta : the factor; a configuration that finished rung ``k`` may be promoted
    to rung ``k + 1`` as soon as it is among the best
    ``floor(n_k / eta)`` of the ``n_k`` configurations finished at rung ``k``.
n_configurations : how many configurations the bracket starts at rung 0 in
    all (Hyperband's ``n_i``); once they are started, only promotions remain.

Unlike synchronous successive halving, a promotion never waits for a rung to
fill; the price is that a configuration promoted early may have been left out
once the rung filled ("incorrect promotions"), so the last rungs may hold a
few more configurations than ``n_configurations / eta ** k``.

The order of jobs departs from the paper's, which always takes the highest
rung's promotion first and adds a configuration only when no promotion is
ready: that order assumes an endless bottom rung. With a fixed number of
configurations it leaves the bottom rung for last, so the last promotions
are decided late and drag their longest jobs into a tail with few workers
busy, and it promotes from the early finishers of each rung (the fastest
configurations, a biased sample), sending more configurations to the top
rung. Here only a rung's leader (its best configuration so far) is promoted
at once, so the incumbent still reaches the full budget early; the other
jobs go breadth first: new configurations, then promotions from the lowest
rung.

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

    def _ranked(self, rung):
        """Configurations finished at ``rung`` with a finite score, best
        first; among equal scores the one that started first."""
        scored = [(s, c) for c, s in self.scores[rung].items() if np.isfinite(s)]
        return [c for _, c in sorted(scored, key=lambda sc: (-sc[0], sc[1]))]

    def promotable(self, rung):
        """Configurations finished at ``rung``, in its top ``1 / factor`` and
        not yet promoted, best first. A NaN score never promotes."""
        n_top = int(math.floor(len(self.scores[rung]) / self.factor + 1e-9))
        top = self._ranked(rung)[:n_top]
        return [c for c in top if c not in self.promoted[rung]]

    def _leader(self, rung):
        """The best configuration finished at ``rung``, if promotable."""
        candidates = self.promotable(rung)
        ranked = self._ranked(rung)
        if candidates and candidates[0] == ranked[0]:
            return candidates[0]
        return None

    def get_job(self):
        """``(config, rung)`` to run next, or None if none can run now.

        In this order: the leader of a rung (the best configuration finished
        there, when promotable), highest rung first; else a new configuration
        at rung 0, while fewer than ``n_configurations`` have started; else
        the best promotable configuration of the lowest rung that has one.
        """
        for rung in range(self.n_rungs - 2, -1, -1):
            config = self._leader(rung)
            if config is not None:
                return self._promote(config, rung)
        if self.n_started < self.n_configurations:
            config = self.n_started
            self.n_started += 1
            self.running.add((config, 0))
            return config, 0
        for rung in range(self.n_rungs - 1):
            candidates = self.promotable(rung)
            if candidates:
                return self._promote(candidates[0], rung)
        return None

    def _promote(self, config, rung):
        self.promoted[rung].add(config)
        self.running.add((config, rung + 1))
        return config, rung + 1

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
