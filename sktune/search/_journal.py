"""The checkpoint journal: every finished evaluation, appended as it ends.

A journal is a text file of JSON lines. The first line identifies the search
that wrote it: fingerprints of the estimator, the search space, the settings
that shape the trajectory (``random_state``, ``n_iter``, ``factor``...), the
data and the CV splits. Each further line records one unit of work in the
order the search did it: a batch of BayesSearchCV candidates, a rung of
HyperbandSearchCV or a step of PBTSearchCV, with the ``_fit_and_score``-style
result of every (candidate, fold) evaluation.

Lines are appended with ``flush`` + ``os.fsync``: a process killed at any
moment leaves every finished line on disk, at worst followed by a partial
line, which reading ignores. A search that is given the same path again
replays the recorded units in order instead of recomputing them (its random
choices are the same, so it asks for the same candidates) and appends the
rest.

Version 2 adds the models. A continuation search (Hyperband, PBT) stores
the fold models it will train further in a directory next to the journal,
``<checkpoint>.models/``: one pickle per (candidate, fold) of a unit, named
``u<unit>-c<candidate>-f<fold>.pkl`` after the unit's position in the
journal and the candidate's and fold's positions in it. Each is written to a
temporary file in that directory, fsync'ed, then renamed into place
(``os.replace``), all before the unit's line, which records every file's
name and SHA-256. Once that line is on disk the files of earlier units are
deleted: the schedules continue only candidates of the last unit, so the
directory holds about one unit's models (twice that while a unit is being
written). A resumed search loads a model only when its bytes have the
recorded hash; a missing, altered or unreadable file is not unpickled, and
that model is retrained along its trail instead, with a warning. A version 1
journal (no models) resumes by retraining, as it did.

Version 3 adds the evaluations of a unit in progress. A continuation search
appends one ``"fold"`` line per (candidate, fold) evaluation as it lands,
with its result and, when the schedule may train that model further, its
model file (written as above, but neither file nor line is fsync'ed: a
killed process loses nothing the kernel holds; a machine that crashes may
lose such a line, whose evaluation is then redone, or leave a file whose
hash no longer matches, which is then not loaded). The unit's own line
follows once it ends, after the files it keeps are fsync'ed. A search
killed inside a unit (Hyperband's first rung holds most of a bracket's fits)
so redoes only the evaluations that were running, not the whole unit.
"""

import functools
import hashlib
import json
import numbers
import os
import pickle
import re
import signal
import tempfile
import threading
import types
from contextlib import contextmanager, suppress

import joblib
import numpy as np

_FORMAT = "sktune-journal"
_VERSION = 3  # 2: model files (``"models"`` in units of continuation searches)
# 3: ``"fold"`` lines, the evaluations of a unit as they land

# The files a journal's model directory may hold: models, and the temporary
# files of an interrupted write.
_MODEL_FILE = re.compile(r"u\d+-c\d+-f\d+\.pkl")
_TEMP_PREFIX, _TEMP_SUFFIX = ".sktune-", ".tmp"

# Parameters that do not change what a search computes.
_NOT_FINGERPRINTED = {
    "n_jobs",
    "verbose",
    "pre_dispatch",
    "checkpoint",
    "callbacks",
    "estimator",
    "search_spaces",
    "param_distributions",
    "param_grid",
    "error_score",  # compared separately: recorded failures carry it
    "n_iter",  # a longer BayesSearchCV run extends a shorter one's journal
}


def _canonical_code(code):
    """A code object's bytecode, names and constants (nested code too)."""
    return (
        code.co_code.hex(),
        code.co_names,
        tuple(
            _canonical_code(c) if isinstance(c, types.CodeType) else _canonical(c)
            for c in code.co_consts
        ),
    )


def _canonical(value):
    """A structure with the same content as ``value`` and a stable repr.

    Estimators become (class, their parameters), frozen scipy distributions
    (name, arguments), arrays their hash: fingerprints must not depend on the
    global RNG state a distribution object carries, nor on repr truncation.
    """
    if hasattr(value, "get_params") and not isinstance(value, type):
        params = value.get_params(deep=False)
        return (
            type(value).__module__,
            type(value).__qualname__,
            tuple((k, _canonical(params[k])) for k in sorted(params)),
        )
    if hasattr(value, "dist") and hasattr(value, "args") and hasattr(value, "kwds"):
        return (
            "scipy",
            value.dist.name,
            _canonical(value.args),
            _canonical(value.kwds),
        )
    if isinstance(value, dict):
        return tuple((repr(k), _canonical(value[k])) for k in sorted(value, key=repr))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_canonical(v) for v in value))
    if isinstance(value, np.ndarray):
        return ("array", joblib.hash(value))
    if isinstance(value, np.random.RandomState):
        # Its state, not its address: a fresh RandomState(0) resumes, one that
        # an earlier fit advanced does not.
        return ("RandomState", joblib.hash(value.get_state()))
    if isinstance(value, types.FunctionType):
        # By what it does, not its name: two lambdas (or a function edited
        # between runs) differ in their code, constants or captured values.
        cells = []
        for cell in value.__closure__ or ():
            try:
                cells.append(_canonical(cell.cell_contents))
            except ValueError:  # an empty cell
                cells.append(None)
        return (
            "function",
            value.__module__,
            value.__qualname__,
            _canonical_code(value.__code__),
            _canonical(value.__defaults__),
            tuple(cells),
        )
    if isinstance(value, functools.partial):
        return (
            "partial",
            _canonical(value.func),
            _canonical(value.args),
            _canonical(value.keywords),
        )
    if isinstance(value, type) or callable(value):
        state = getattr(value, "__dict__", None)
        return (
            "callable",
            getattr(value, "__module__", ""),
            getattr(value, "__qualname__", type(value).__qualname__),
            None if isinstance(value, type) or not state else _canonical(state),
        )
    if isinstance(value, (str, bool, type(None))):
        return value
    if isinstance(value, numbers.Number):
        return repr(value.item() if isinstance(value, np.generic) else value)
    return repr(value)


def fingerprint(search, space, X, y, splits):
    """What must be equal for a journal to be resumed, by part."""
    settings = {
        key: value
        for key, value in search.get_params(deep=False).items()
        if key not in _NOT_FINGERPRINTED
    }
    return {
        "search": type(search).__name__,
        "estimator": joblib.hash(_canonical(search.estimator)),
        "space": joblib.hash(_canonical(space)),
        "settings": joblib.hash(_canonical(settings)),
        "error_score": repr(search.error_score),
        "data": joblib.hash((X, y)),
        "splits": joblib.hash([(np.asarray(a), np.asarray(b)) for a, b in splits]),
    }


_WHAT = {
    "search": "a different search class",
    "estimator": "a different estimator (or estimator parameters)",
    "space": "a different search space",
    "settings": "different settings (random_state, n_initial_points, factor, ...)",
    "error_score": "a different error_score",
    "data": "different data (X, y)",
    "splits": "different CV splits",
    "warm_start": "different warm_start results",
    "batch_size": (
        "another batch size (n_points='auto' sizes batches from n_jobs and the "
        "joblib backend: resume with the same ones)"
    ),
}


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    return repr(value)


def _digest(keys):
    """A short stable digest of a unit's keys, for its ``"fold"`` lines."""
    text = json.dumps(_jsonable(keys), allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def params_key(params):
    """A stable text for a candidate, to check a replay asks for the same."""
    return repr(_canonical(params))


class Journal:
    """Read the recorded units of a checkpoint, then append new ones."""

    def __init__(self, path, header):
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(
                f"The 'checkpoint' parameter must be a file path or None; got {path!r}."
            )
        self.path = os.fspath(path)
        self.header = header
        self.entries = []
        self._folds = []
        if os.path.exists(self.path) and os.path.getsize(self.path) > 0:
            self._read()
            self._truncate_partial_line()
        else:
            self._append({"format": _FORMAT, "version": _VERSION, **header})
        self.position = 0  # the next recorded unit to replay
        self.n_units = len(self.entries)  # recorded so far, appended ones too
        # the evaluations of the unit a kill interrupted (the first one that
        # has no line), by the digest of that unit's keys
        self._landed = [
            line for line in self._folds if line.get("unit") == len(self.entries)
        ]

    def _read(self):
        with open(self.path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        try:
            first = json.loads(lines[0])
        except json.JSONDecodeError:
            first = None
        if not isinstance(first, dict) or first.get("format") != _FORMAT:
            raise ValueError(
                f"The checkpoint file {self.path!r} is not an sktune journal; "
                "choose another path."
            )
        version = first.get("version", 1)
        if not isinstance(version, int) or version > _VERSION:
            raise ValueError(
                f"The checkpoint file {self.path!r} was written by a newer sktune "
                f"(journal version {version!r}; this one reads up to {_VERSION}); "
                "upgrade sktune or choose another path."
            )
        differing = [key for key in self.header if first.get(key) != self.header[key]]
        if differing:
            what = ", ".join(_WHAT.get(key, key) for key in differing)
            raise ValueError(
                f"The checkpoint file {self.path!r} was written by a search with "
                f"{what}; resuming would mix incompatible results. Delete it or "
                "choose another path."
            )
        self._good_bytes = len(lines[0]) + 1
        for line in lines[1:]:
            if not line:
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                break  # a line cut short by a kill: everything after is lost
            if isinstance(entry, dict) and entry.get("kind") == "fold":
                self._folds.append(entry)
            else:
                self.entries.append(entry)
            self._good_bytes += len(line.encode("utf-8")) + 1

    def _truncate_partial_line(self):
        if os.path.getsize(self.path) != self._good_bytes:
            with open(self.path, "r+b") as handle:
                handle.truncate(self._good_bytes)

    def _append(self, record, sync=True):
        line = json.dumps(_jsonable(record), allow_nan=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            if sync:
                os.fsync(handle.fileno())

    def replay(self, kind, keys):
        """The next recorded unit if it is the one asked for, else None.

        ``keys`` identify the candidates the search asks to evaluate now; a
        recorded unit with other candidates means the run diverged, which a
        matching fingerprint should make impossible.
        """
        entry = self.next_entry()
        if entry is not None and (
            entry.get("kind") != kind or entry.get("keys") != keys
        ):
            self.diverged()
        return entry

    def record(self, kind, keys, **content):
        """Append one finished unit (after the recorded ones ran out)."""
        self._append({"kind": kind, "keys": keys, **content})
        self.n_units += 1

    def next_entry(self):
        """The next recorded entry to replay (of any kind), or None once
        they ran out: an asynchronous search replays its lines in order."""
        if self.position >= len(self.entries):
            return None
        self.position += 1
        return self.entries[self.position - 1]

    def diverged(self):
        """Raise: the search asks for other candidates than the entry just
        read recorded."""
        raise ValueError(
            f"The checkpoint file {self.path!r} recorded other candidates at "
            f"unit {self.position - 1} than this search asks for; it cannot be "
            "resumed (was it written by another version of sktune?). Delete "
            "it or choose another path."
        )

    def replay_jobs(self, start, end, end_kind="end"):
        """Replay an asynchronous search's recorded lines, in their order.

        ``start()`` starts the next job as the search would now and returns
        it (a dict with its ``"index"``, in start order, and its ``"keys"``),
        or None if it has none; ``end(job, line)`` applies a job's recorded
        end (a line of kind ``end_kind``). A job other than the recorded
        one means the run diverged (:meth:`diverged`). Returns the jobs that
        started but did not end, in start order: they were running.
        """
        running = {}
        while (line := self.next_entry()) is not None:
            if line.get("kind") == "start":
                job = start()
                if job is None or job["keys"] != line.get("keys"):
                    self.diverged()
                running[job["index"]] = job
            elif line.get("kind") == end_kind and line.get("job") in running:
                job = running.pop(line["job"])
                if job["keys"] != line.get("keys"):
                    self.diverged()
                end(job, line)
            else:
                self.diverged()
        return list(running.values())

    def record_start(self, keys):
        """Append that an asynchronous job starts (flushed, not fsync'ed:
        the fsync of a later line makes it durable too)."""
        self._append({"kind": "start", "keys": keys}, sync=False)

    def record_fold(self, keys, candidate, fold, out, model):
        """Append one evaluation of the unit ``keys`` in progress: the
        ``candidate``-th candidate's ``fold``, its result ``out`` and what
        holds its model (see ``_Engine._store``). Flushed, not fsync'ed."""
        self._append(
            {
                "kind": "fold",
                "unit": self.n_units,
                "digest": _digest(keys),
                "candidate": candidate,
                "fold": fold,
                "out": out,
                "model": model,
            },
            sync=False,
        )

    def landed(self, keys):
        """The evaluations of the unit ``keys`` that a killed run finished
        before its line was written: ``{(candidate, fold): line}``; empty
        unless that unit is the next one after the recorded ones. Given once.
        """
        if self.position < len(self.entries) or not self._landed:
            return {}
        digest, lines, self._landed = _digest(keys), self._landed, []
        return {
            (line["candidate"], line["fold"]): line
            for line in lines
            if line.get("digest") == digest
        }

    # ------------------------------------------------------------ model files

    @property
    def models_dir(self):
        """The directory of the model files, next to the journal."""
        return self.path + ".models"

    def save_model(self, unit, candidate, fold, model, sync=True):
        """Store ``model`` atomically; returns ``[file name, sha256]``.

        The pickle goes to a temporary file in the same directory, is
        fsync'ed (unless ``sync`` is false: :meth:`sync` does it later),
        then renamed over the final name, so a kill leaves either
        the whole file or none (and perhaps a temporary file, which
        :meth:`sweep` removes). Raises what pickling raises.
        """
        data = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        name = f"u{unit:06d}-c{candidate:04d}-f{fold:02d}.pkl"
        os.makedirs(self.models_dir, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=self.models_dir, prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX
        )
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                if sync:
                    os.fsync(file.fileno())
            os.replace(temporary, os.path.join(self.models_dir, name))
        except BaseException:
            with suppress(OSError):
                os.remove(temporary)
            raise
        return [name, hashlib.sha256(data).hexdigest()]

    def load_model(self, ref):
        """``(model, None)``, or ``(None, why not)`` for a file that is
        missing, whose bytes do not have the recorded hash (then it is not
        unpickled), or that does not unpickle."""
        name, digest = ref
        path = os.path.join(self.models_dir, name)
        try:
            with open(path, "rb") as file:
                data = file.read()
        except FileNotFoundError:
            return None, "is missing"
        except OSError as exc:
            return None, f"cannot be read ({exc})"
        if hashlib.sha256(data).hexdigest() != digest:
            return None, (
                "does not have the SHA-256 recorded in the journal; it was not "
                "unpickled (unpickling an altered file could run any code)"
            )
        try:
            return pickle.loads(data), None
        except Exception as exc:  # a class renamed or removed since
            return None, f"could not be unpickled ({type(exc).__name__}: {exc})"

    def sync(self, refs):
        """fsync the model files of ``refs`` (those saved with ``sync=False``
        that a unit's line is about to name)."""
        for ref in refs:
            if isinstance(ref, list):
                with suppress(OSError):
                    handle = os.open(self.model_path(ref), os.O_RDONLY)
                    try:
                        os.fsync(handle)
                    finally:
                        os.close(handle)

    def model_path(self, ref):
        return os.path.join(self.models_dir, ref[0])

    def remove_models(self, refs):
        """Delete the files of ``refs`` (already gone: nothing to do)."""
        for ref in refs:
            if isinstance(ref, list):
                with suppress(OSError):
                    os.remove(self.model_path(ref))

    def sweep(self, keep=()):
        """Delete the model files not named in ``keep`` (earlier units', those
        of a unit whose line a kill prevented, temporary files), and the
        directory once it is empty."""
        try:
            names = os.listdir(self.models_dir)
        except OSError:
            return
        keep = {ref[0] for ref in keep if isinstance(ref, list)}
        for name in names:
            ours = _MODEL_FILE.fullmatch(name) or (
                name.startswith(_TEMP_PREFIX) and name.endswith(_TEMP_SUFFIX)
            )
            if ours and name not in keep:
                with suppress(OSError):
                    os.remove(os.path.join(self.models_dir, name))
        with suppress(OSError):
            os.rmdir(self.models_dir)  # only if empty


@contextmanager
def interrupts_deferred():
    """Hold a Ctrl-C (SIGINT) until the block ends, then raise it.

    A finished unit goes into the results and into the journal together:
    an interrupt between the two (or during the journal's fsync) would leave
    them disagreeing. Only the main thread receives signals; elsewhere the
    block runs as is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(1))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def clean_out(out):
    """A ``_fit_and_score`` result with plain values, for the journal."""
    return {key: _jsonable(value) for key, value in out.items()}


def restore_out(record):
    """Back from JSON: NaN survives (allow_nan), scores stay floats or dicts."""
    out = dict(record)
    for key in ("test_scores", "train_scores"):
        if key in out:
            value = out[key]
            if isinstance(value, dict):
                out[key] = {k: float(v) for k, v in value.items()}
            elif value is not None and not isinstance(value, str):
                out[key] = float(value)
    return out
