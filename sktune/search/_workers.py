"""Tasks in flight: the dispatcher of the asynchronous searches.

joblib's ``Parallel`` takes its whole input up front (or reads it ahead,
under a lock, from its callback thread), so a task chosen from the results
so far cannot be fed back into it. The asynchronous modes (ASHA,
asynchronous PBT, asynchronous BayesSearchCV) choose each task when a worker
frees up; :class:`_Workers` submits it then, and every task still runs on
the active joblib backend.
"""

import concurrent.futures

from joblib import Parallel, delayed, effective_n_jobs, parallel_config
from joblib.parallel import BACKENDS, ThreadingBackend, get_active_backend


class _Workers:
    """Up to ``effective_n_jobs(n_jobs)`` tasks in flight, each through joblib.

    joblib's ``Parallel`` reads its input ahead (``n_jobs`` tasks at a
    time) and from its callback thread, so a task chosen there would not see
    the latest results: ASHA's choice of the next job would lag behind. Here
    each task is submitted on its own, when a worker is free: a thread of
    this process runs it with ``Parallel(n_jobs)`` under a
    ``parallel_config`` of the active backend's name (loky, multiprocessing,
    dask, ray: the backend's own workers run it; their executors or clients
    are shared between the calls), or
    directly under the threading backend, whose workers are such threads.
    With one worker the task runs at once, in this thread.
    """

    def __init__(self, n_jobs):
        # read in the caller's thread: joblib's configuration is thread-local
        self.n_workers = max(1, effective_n_jobs(n_jobs))
        backend, _ = get_active_backend()
        self.name = None
        if not isinstance(backend, ThreadingBackend):
            self.name = next(
                (n for n, cls in BACKENDS.items() if type(backend) is cls), None
            )
        self.executor = None

    def __enter__(self):
        if self.n_workers > 1:
            self.executor = concurrent.futures.ThreadPoolExecutor(self.n_workers)
        return self

    def __exit__(self, *exc_info):
        if self.executor is not None:
            # after an error or Ctrl-C, start nothing more; running tasks end
            self.executor.shutdown(wait=exc_info[0] is None, cancel_futures=True)

    def submit(self, func, *args):
        if self.executor is None:
            future = concurrent.futures.Future()
            future.set_result(func(*args))
            return future
        if self.name is None:
            return self.executor.submit(func, *args)
        return self.executor.submit(self._run, func, args)

    @staticmethod
    def ended(in_flight):
        """Wait until one of ``in_flight`` (a dict: future -> what it runs)
        ends; yield the ended ones' ``(what, result)`` pairs, removing each,
        in submission order (the same order however they raced). One at a
        time: a task that raised raises only after those before it were
        handled."""
        done, _ = concurrent.futures.wait(
            in_flight, return_when=concurrent.futures.FIRST_COMPLETED
        )
        for future in [future for future in in_flight if future in done]:
            yield in_flight.pop(future), future.result()

    def _run(self, func, args):
        # a fresh backend of that name, not the caller's instance: a backend
        # instance serves one Parallel call at a time
        with parallel_config(backend=self.name):
            return Parallel(n_jobs=self.n_workers)([delayed(func)(*args)])[0]
