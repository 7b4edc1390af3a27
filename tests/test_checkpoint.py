"""Checkpoint journals, resuming, and interrupted searches keeping their work."""

import functools
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktune import BayesSearchCV, HyperbandSearchCV, Integer, PBTSearchCV, Real

SGD = make_pipeline(StandardScaler(), SGDClassifier(random_state=0))
SGD_SPACE = {
    "sgdclassifier__alpha": Real(1e-6, 1e-1, log=True),
    "sgdclassifier__eta0": Real(1e-3, 1e0, log=True),
    "sgdclassifier__learning_rate": ["constant", "invscaling"],
}


def make_search(kind, **kwargs):
    estimator = clone(SGD)
    if kind == "bayes":
        return BayesSearchCV(
            estimator,
            SGD_SPACE,
            n_iter=8,
            n_initial_points=4,
            cv=3,
            random_state=0,
            **kwargs,
        )
    if kind == "hyperband":
        return HyperbandSearchCV(
            estimator,
            SGD_SPACE,
            max_resource=9,
            n_brackets="all",
            cv=3,
            random_state=0,
            **kwargs,
        )
    return PBTSearchCV(
        estimator,
        SGD_SPACE,
        population_size=4,
        n_steps=4,
        cv=3,
        random_state=0,
        **kwargs,
    )


KINDS = ["bayes", "hyperband", "pbt"]


@pytest.fixture(scope="module")
def data():
    return load_breast_cancer(return_X_y=True)


def assert_same_results(expected, got):
    assert list(expected) == list(got)
    for key, value in expected.items():
        if key.endswith("_time"):
            continue
        other = got[key]
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            np.testing.assert_allclose(other, value, err_msg=key)
        else:
            assert [repr(v) for v in value] == [repr(v) for v in other], key


def lines_of(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle.read().splitlines()[1:]]


def units(path):
    """The journal's unit lines (not the evaluations of units in progress)."""
    return [line for line in lines_of(path) if line["kind"] != "fold"]


def n_fitted(path):
    """How many evaluations the journal holds that fitted a model: those of
    its units and those that landed in the unit in progress."""
    recorded = units(path)
    landed = [
        line["out"]
        for line in lines_of(path)
        if line["kind"] == "fold" and line["unit"] == len(recorded)
    ]
    outs = [out for unit in recorded for out in unit.get("outs", ())] + landed
    return sum(out["fit_time"] > 0 for out in outs)


def cut(path, keep, partial=True):
    """Keep the header and ``keep`` units (with the evaluation lines before
    them), plus half of the next line."""
    with open(path) as handle:
        lines = handle.read().splitlines()
    ends = [i for i, line in enumerate(lines) if '"kind": "fold"' not in line]
    end = ends[keep] + 1
    text = "\n".join(lines[:end]) + "\n"
    if partial and len(lines) > end:
        text += lines[end][: len(lines[end]) // 2]
    with open(path, "w") as handle:
        handle.write(text)


@pytest.mark.parametrize("kind", KINDS)
def test_resume_reads_back_finished_units_and_matches_an_uninterrupted_run(
    kind, data, tmp_path
):
    X, y = data
    path = tmp_path / "search.jsonl"
    reference = make_search(kind).fit(X, y)
    first = make_search(kind, checkpoint=str(path)).fit(X, y)
    assert_same_results(reference.cv_results_, first.cv_results_)
    assert not os.path.exists(f"{path}.models")  # a finished search keeps none
    recorded = units(path)
    keep = len(recorded) // 2
    cut(path, keep)
    with warnings.catch_warnings():
        # the model files of a finished search are gone: they are retrained
        warnings.filterwarnings("ignore", ".*checkpoint model files were not loaded")
        resumed = make_search(kind, checkpoint=str(path)).fit(X, y)
    assert_same_results(reference.cv_results_, resumed.cv_results_)
    assert resumed.best_params_ == reference.best_params_
    assert len(units(path)) == len(recorded)
    # Rows read back keep the first run's fit times: they were not refitted.
    n_rows = sum(len(unit["outs"]) for unit in recorded[:keep]) // 3
    np.testing.assert_array_equal(
        resumed.cv_results_["mean_fit_time"][:n_rows],
        first.cv_results_["mean_fit_time"][:n_rows],
    )
    assert not np.array_equal(
        resumed.cv_results_["mean_fit_time"][n_rows:],
        first.cv_results_["mean_fit_time"][n_rows:],
    )


def test_a_longer_bayes_search_extends_a_shorter_ones_journal(data, tmp_path):
    X, y = data
    path = str(tmp_path / "search.jsonl")
    make_search("bayes", checkpoint=path).fit(X, y)
    longer = make_search("bayes", checkpoint=path).set_params(n_iter=10).fit(X, y)
    reference = make_search("bayes").set_params(n_iter=10).fit(X, y)
    assert_same_results(reference.cv_results_, longer.cv_results_)
    assert len(units(path)) == 10


@pytest.mark.parametrize("kind", KINDS)
def test_journal_of_another_search_is_refused(kind, data, tmp_path):
    X, y = data
    path = str(tmp_path / "search.jsonl")
    make_search(kind, checkpoint=path).fit(X[:300], y[:300])
    before = open(path).read()
    other_space = {**SGD_SPACE, "sgdclassifier__alpha": Real(1e-5, 1e-1, log=True)}
    with pytest.raises(ValueError, match="different search space"):
        make_search(kind, checkpoint=path).set_params(
            **{
                "search_spaces" if kind == "bayes" else "param_distributions": (
                    other_space
                )
            }
        ).fit(X[:300], y[:300])
    with pytest.raises(ValueError, match="different estimator"):
        make_search(kind, checkpoint=path).set_params(
            estimator__sgdclassifier__loss="log_loss"
        ).fit(X[:300], y[:300])
    with pytest.raises(ValueError, match="different data"):
        make_search(kind, checkpoint=path).fit(X[:310], y[:310])
    with pytest.raises(ValueError, match="different settings"):
        make_search(kind, checkpoint=path).set_params(random_state=1).fit(
            X[:300], y[:300]
        )
    assert open(path).read() == before  # never mixed, never modified


def test_a_file_that_is_not_a_journal_is_refused(data, tmp_path):
    X, y = data
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n")
    with pytest.raises(ValueError, match="not an sktune journal"):
        make_search("bayes", checkpoint=str(path)).fit(X, y)
    with pytest.raises(TypeError, match="checkpoint"):
        make_search("bayes", checkpoint=3).fit(X, y)


class InterruptingClassifier(ClassifierMixin, BaseEstimator):
    """A nearest-mean classifier whose ``stop_at``-th fit (counted over the
    class, set on the class) raises KeyboardInterrupt, as Ctrl-C would."""

    fits = 0
    stop_at = None

    def __init__(self, shrink=1.0, n_steps=1):
        self.shrink = shrink
        self.n_steps = n_steps

    def fit(self, X, y):
        type(self).fits += 1
        if type(self).fits == type(self).stop_at:
            raise KeyboardInterrupt
        self.classes_ = np.unique(y)
        means = np.array([X[y == c].mean(axis=0) for c in self.classes_])
        self.means_ = means * self.shrink + (1 - self.shrink) * X.mean(axis=0)
        return self

    def predict(self, X):
        distances = ((X[:, None, :] - self.means_[None]) ** 2).sum(axis=2)
        return self.classes_[np.argmin(distances, axis=1)]


@pytest.mark.parametrize(
    "kind, stop_at", [("bayes", 20), ("hyperband", 31), ("pbt", 20)]
)
def test_ctrl_c_keeps_finished_results_and_the_journal(kind, stop_at, tmp_path):
    X, y = load_iris(return_X_y=True)
    space = {"shrink": Real(0.0, 1.0)}
    path = str(tmp_path / "search.jsonl")
    estimator = InterruptingClassifier()
    if kind == "bayes":
        search = BayesSearchCV(
            estimator,
            space,
            n_iter=10,
            n_initial_points=3,
            cv=3,
            random_state=0,
            checkpoint=path,
        )
    elif kind == "hyperband":
        search = HyperbandSearchCV(
            estimator,
            space,
            resource="n_steps",
            max_resource=9,
            cv=3,
            random_state=0,
            checkpoint=path,
        )
    else:
        search = PBTSearchCV(
            estimator,
            space,
            resource="n_steps",
            population_size=4,
            n_steps=5,
            cv=3,
            random_state=0,
            checkpoint=path,
        )
    InterruptingClassifier.fits, InterruptingClassifier.stop_at = 0, stop_at
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)
    n_rows = len(search.cv_results_["params"])
    assert 0 < n_rows <= (stop_at - 1) // 3
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert sum(len(u["outs"]) for u in units(path)) == 3 * n_rows
    # Resuming finishes the search without refitting what was done.
    InterruptingClassifier.fits, InterruptingClassifier.stop_at = 0, None
    search.fit(X, y)
    assert len(search.cv_results_["params"]) > n_rows
    assert hasattr(search, "best_estimator_")


# ---------------------------------------------------------------- real processes

CHILD = textwrap.dedent(
    """
    import signal
    import sys

    # A shell that starts a job in the background (`cmd &`) makes it ignore
    # SIGINT, and Python keeps an ignored SIGINT: restore Ctrl-C's handler.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from sklearn.datasets import load_breast_cancer

    kind, path, tests = sys.argv[1:4]
    sys.path.insert(0, tests)
    from test_checkpoint import child_search

    X, y = load_breast_cancer(return_X_y=True)
    search = child_search(kind, path)
    try:
        search.fit(X, y)
    except KeyboardInterrupt:
        print("interrupted", len(search.cv_results_["params"]), flush=True)
        sys.exit(3)
    print("finished", flush=True)
    """
)


def child_search(kind, path):
    """A search of boosted trees; ``kind`` is "bayes", "hyperband", "pbt",
    or "asha" / "pbt-async" (the asynchronous modes, one worker)."""
    space = {"learning_rate": Real(0.01, 1.0, log=True), "max_depth": Integer(1, 4)}
    if kind == "bayes":
        return BayesSearchCV(
            GradientBoostingClassifier(n_estimators=30, random_state=0),
            space,
            n_iter=14,
            n_initial_points=4,
            cv=3,
            random_state=0,
            checkpoint=path,
        )
    if kind in ("pbt", "pbt-async"):
        return PBTSearchCV(
            GradientBoostingClassifier(random_state=0),
            space,
            population_size=4,
            n_steps=6,
            step_size=3,
            cv=3,
            random_state=0,
            asynchronous=kind == "pbt-async",
            checkpoint=path,
        )
    return HyperbandSearchCV(
        GradientBoostingClassifier(random_state=0),
        space,
        resource="n_estimators",
        max_resource=27,
        min_resource=3,
        n_brackets="all",
        cv=3,
        random_state=0,
        asynchronous=kind == "asha",
        checkpoint=path,
    )


def run_and_signal(kind, path, sig, after_units, tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen(
        [sys.executable, str(script), kind, path, os.path.dirname(__file__)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if os.path.exists(path) and len(units(path)) >= after_units:
            process.send_signal(sig)
            break
        time.sleep(0.02)
    stdout, stderr = process.communicate(timeout=120)
    return process.returncode, stdout, stderr


@pytest.mark.slow
@pytest.mark.parametrize("kind", [*KINDS, "asha", "pbt-async"])
def test_killed_process_resumes_from_its_journal(kind, data, tmp_path, monkeypatch):
    X, y = data
    path = str(tmp_path / "search.jsonl")
    code, stdout, stderr = run_and_signal(kind, path, signal.SIGKILL, 3, tmp_path)
    assert code == -signal.SIGKILL, (stdout, stderr)
    recorded, n_recorded = units(path), n_fitted(path)
    assert len(recorded) >= 3
    # Count the resumed run's fits: only the work the journal lacks is done.
    fits = []
    fit = GradientBoostingClassifier.fit
    monkeypatch.setattr(
        GradientBoostingClassifier,
        "fit",
        lambda self, *args, **kwargs: fits.append(1) or fit(self, *args, **kwargs),
    )
    resumed = child_search(kind, path).fit(X, y)
    n_resumed = len(fits)
    reference = child_search(kind, None).fit(X, y)
    assert_same_results(reference.cv_results_, resumed.cv_results_)
    assert len(units(path)) > len(recorded)
    if kind != "bayes":  # the last recorded unit's models were loaded
        assert n_resumed == len(fits) - n_resumed - n_recorded
        assert not os.path.exists(path + ".models")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["bayes", "hyperband"])
def test_sigint_leaves_the_finished_results(kind, tmp_path):
    path = str(tmp_path / "search.jsonl")
    code, stdout, stderr = run_and_signal(kind, path, signal.SIGINT, 2, tmp_path)
    assert code == 3, (stdout, stderr)
    n_rows = int(stdout.split()[1])
    recorded = sum(len(unit["outs"]) for unit in units(path)) // 3
    assert n_rows == recorded >= 2


def test_a_seeded_random_state_object_resumes_an_advanced_one_is_refused(
    data, tmp_path
):
    X, y = data
    path = str(tmp_path / "search.jsonl")
    make_search("bayes", checkpoint=path).set_params(
        random_state=np.random.RandomState(0)
    ).fit(X, y)
    again = make_search("bayes", checkpoint=path).set_params(
        random_state=np.random.RandomState(0)
    )
    again.fit(X, y)  # same state: accepted, replayed
    with pytest.raises(ValueError, match="different settings"):
        again.fit(X, y)  # the first fit advanced this RandomState


# ------------------------------------------------------------- stored models


class CountingSGD(SGDClassifier):
    """SGD counting its ``fit`` and ``partial_fit`` calls (on the class);
    the ``stop_at``-th raises KeyboardInterrupt, as Ctrl-C would."""

    calls = 0
    stop_at = None

    def _count(self):
        CountingSGD.calls += 1
        if CountingSGD.calls == CountingSGD.stop_at:
            raise KeyboardInterrupt

    def fit(self, X, y, **kwargs):
        self._count()
        return super().fit(X, y, **kwargs)

    def partial_fit(self, X, y, **kwargs):
        self._count()
        return super().partial_fit(X, y, **kwargs)


COUNTING_SPACE = {
    "countingsgd__alpha": Real(1e-6, 1e-1, log=True),
    "countingsgd__eta0": Real(1e-3, 1e0, log=True),
    "countingsgd__learning_rate": ["constant", "invscaling"],
}


def counting_search(kind, **kwargs):
    estimator = make_pipeline(StandardScaler(), CountingSGD(random_state=0))
    if kind == "hyperband":
        # one bracket (the default): its first rung holds most of the fits
        return HyperbandSearchCV(
            estimator,
            COUNTING_SPACE,
            max_resource=27,
            cv=3,
            random_state=0,
            **kwargs,
        )
    return PBTSearchCV(
        estimator,
        COUNTING_SPACE,
        population_size=4,
        n_steps=8,
        cv=3,
        random_state=0,
        **kwargs,
    )


def count_fits(search, X, y, stop_at=None):
    """``(fits done, interrupted)``; a fit at ``stop_at`` interrupts."""
    CountingSGD.calls, CountingSGD.stop_at = 0, stop_at
    try:
        search.fit(X, y)
    except KeyboardInterrupt:
        return CountingSGD.calls - 1, True
    finally:
        CountingSGD.stop_at = None
    return CountingSGD.calls, False


def model_files(path):
    folder = f"{path}.models"
    return sorted(os.listdir(folder)) if os.path.exists(folder) else []


def copy_journal(source, tmp_path):
    """A copy of the journal ``source`` and its model files in ``tmp_path``."""
    path = str(tmp_path / "search.jsonl")
    with open(source, "rb") as handle, open(path, "wb") as out:
        out.write(handle.read())
    os.makedirs(f"{path}.models", exist_ok=True)
    for name in model_files(source):
        with open(os.path.join(f"{source}.models", name), "rb") as handle:
            content = handle.read()
        with open(os.path.join(f"{path}.models", name), "wb") as out:
            out.write(content)
    return path


@pytest.fixture(scope="module")
def interrupted(data, tmp_path_factory):
    """Per kind (and mode, one worker): the uninterrupted run, its number of
    fits, the fits of a run interrupted half-way, and a function that copies
    that run's journal (and its model files) into a folder."""
    X, y = data
    cache = {}

    def get(kind, asynchronous=False):
        if (kind, asynchronous) not in cache:
            reference = counting_search(kind, asynchronous=asynchronous)
            total, _ = count_fits(reference, X, y)
            folder = tmp_path_factory.mktemp(kind)
            path = str(folder / "search.jsonl")
            search = counting_search(kind, asynchronous=asynchronous, checkpoint=path)
            done, stopped = count_fits(search, X, y, stop_at=total // 2)
            assert stopped
            cache[kind, asynchronous] = reference, total, done, path
        reference, total, done, source = cache[kind, asynchronous]
        return reference, total, done, functools.partial(copy_journal, source)

    return get


def assert_same_search(reference, resumed):
    assert_same_results(reference.cv_results_, resumed.cv_results_)
    assert resumed.best_params_ == reference.best_params_
    if hasattr(reference, "best_schedule_"):
        assert resumed.best_schedule_ == reference.best_schedule_


@pytest.mark.parametrize("kind", ["hyperband", "pbt"])
def test_resume_loads_the_stored_models_and_redoes_only_the_fit_in_flight(
    kind, data, interrupted, tmp_path
):
    X, y = data
    reference, total, done, copy_to = interrupted(kind)
    path = copy_to(tmp_path)
    recorded = units(path)
    # files of the last unit's models that go on (Hyperband: its promoted
    # ones), and of the unit in progress, as its evaluations landed
    # (Hyperband's single bracket is killed inside its first rung, PBT later)
    assert (recorded == []) == (kind == "hyperband")
    stored = [
        ref[0]
        for unit in recorded[-1:]
        for ref in unit["models"]
        if isinstance(ref, list)
    ]
    landed = [
        line["model"][0]
        for line in lines_of(path)
        if line["kind"] == "fold" and line["unit"] == len(recorded)
    ]
    assert landed
    assert model_files(path) == sorted(stored + landed)
    resumed = counting_search(kind, checkpoint=path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # nothing is retrained
        redone = done + count_fits(resumed, X, y)[0] - total
    # one process (n_jobs=1): the fit in flight was not finished, nor counted
    assert redone == 0
    assert_same_search(reference, resumed)
    assert model_files(path) == []  # a finished search keeps no model
    pickle.loads(pickle.dumps(resumed))  # holds no file handle


def test_resumed_pbt_uses_the_parameters_its_rows_record_at_every_step(data, tmp_path):
    # Cut after each line (a step, or an evaluation inside one), with the
    # model files gone: every member is retrained, and one that exploited
    # another at the cut trains on with its own explored parameters, not the
    # other's.
    X, y = data
    reference = make_search("pbt").fit(X, y)
    full = tmp_path / "full.jsonl"
    make_search("pbt", checkpoint=str(full)).fit(X, y)
    lines = full.read_text().splitlines()
    for keep in range(1, len(lines) - 1):
        path = tmp_path / f"cut{keep}.jsonl"
        path.write_text("\n".join(lines[: keep + 1]) + "\n")
        # (cut inside the last step, after all its evaluations landed, no
        # model is needed)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", ".*is missing", UserWarning)
            resumed = make_search("pbt", checkpoint=str(path)).fit(X, y)
        assert_same_search(reference, resumed)


def tamper(path):
    """Replace every model file by a pickle that runs code when loaded."""
    marker = os.path.join(os.path.dirname(path), "unpickled")
    payload = pickle.dumps(Tampered(marker))
    for name in model_files(path):
        with open(os.path.join(f"{path}.models", name), "wb") as handle:
            handle.write(payload)
    return marker


class Tampered:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("kind", ["hyperband", "pbt"])
def test_a_tampered_model_file_is_not_unpickled_and_its_model_is_retrained(
    kind, data, interrupted, tmp_path
):
    X, y = data
    reference, total, done, copy_to = interrupted(kind)
    path = copy_to(tmp_path)
    marker = tamper(path)
    resumed = counting_search(kind, checkpoint=path)
    refused = (
        r"u\d+-c\d+-f\d+\.pkl' \(fold \d of the candidate .* does not have the SHA"
    )
    with pytest.warns(UserWarning, match=refused):
        count_fits(resumed, X, y)
    assert not os.path.exists(marker)
    assert_same_search(reference, resumed)


@pytest.mark.parametrize("kind", ["hyperband", "pbt"])
def test_a_missing_model_file_is_retrained(kind, data, interrupted, tmp_path):
    X, y = data
    reference, total, done, copy_to = interrupted(kind)
    path = copy_to(tmp_path)
    for name in model_files(path):
        if name.endswith("-f00.pkl"):  # every fold 0
            os.remove(os.path.join(f"{path}.models", name))
    resumed = counting_search(kind, checkpoint=path)
    with pytest.warns(UserWarning, match=r"f00\.pkl' \(fold 0 .* is missing"):
        redone = done + count_fits(resumed, X, y)[0] - total
    assert redone > 0
    assert_same_search(reference, resumed)


def test_a_version_1_journal_without_models_resumes_by_retraining(
    data, interrupted, tmp_path
):
    X, y = data
    reference, total, done, copy_to = interrupted("pbt")
    path = copy_to(tmp_path)
    lines = [json.loads(line) for line in open(path).read().splitlines()]
    lines = [line for line in lines if line.get("kind") != "fold"]
    lines[0]["version"] = 1
    for line in lines[1:]:
        line.pop("models", None)
    with open(path, "w") as handle:
        handle.write("".join(json.dumps(line) + "\n" for line in lines))
    resumed = counting_search("pbt", checkpoint=path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # retrained, silently
        count_fits(resumed, X, y)
    assert_same_search(reference, resumed)


def test_a_journal_of_a_newer_version_is_refused(data, tmp_path):
    X, y = data
    path = tmp_path / "search.jsonl"
    make_search("bayes", checkpoint=str(path)).fit(X[:300], y[:300])
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    header["version"] += 1
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    with pytest.raises(ValueError, match="newer sktune"):
        make_search("bayes", checkpoint=str(path)).fit(X[:300], y[:300])


def test_bayes_search_stores_no_models(data, tmp_path):
    X, y = data
    path = str(tmp_path / "search.jsonl")
    # stopped by its callback after 3 batches: nothing trains further
    make_search(
        "bayes", checkpoint=path, callbacks=lambda r: len(r["params"]) >= 3
    ).fit(X, y)
    assert len(units(path)) == 3
    assert all("models" not in unit for unit in units(path))
    assert not os.path.exists(f"{path}.models")


@pytest.mark.parametrize("kind", ["hyperband", "pbt"])
def test_stored_models_resume_with_n_jobs_2(kind, data, interrupted, tmp_path):
    X, y = data
    reference, total, done, copy_to = interrupted(kind)
    path = copy_to(tmp_path)
    resumed = counting_search(kind, checkpoint=path, n_jobs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        resumed.fit(X, y)
    assert_same_search(reference, resumed)


@pytest.mark.parametrize("resource", ["n_steps", "n_samples"])
def test_models_fitted_afresh_at_every_budget_are_rebuilt_not_stored(
    resource, tmp_path
):
    X, y = load_iris(return_X_y=True)
    path = str(tmp_path / "search.jsonl")

    def search(checkpoint=None):
        return HyperbandSearchCV(
            InterruptingClassifier(),
            {"shrink": Real(0.0, 1.0)},
            resource=resource,
            max_resource=9 if resource == "n_steps" else 99,
            min_resource=1 if resource == "n_steps" else 11,
            factor=3,
            n_brackets="all",
            cv=3,
            random_state=0,
            checkpoint=checkpoint,
        )

    InterruptingClassifier.fits, InterruptingClassifier.stop_at = 0, None
    reference = search().fit(X, y)
    total = InterruptingClassifier.fits
    InterruptingClassifier.fits, InterruptingClassifier.stop_at = 0, total // 2
    with pytest.raises(KeyboardInterrupt):
        search(path).fit(X, y)
    assert not os.path.exists(f"{path}.models")
    recorded = units(path)
    stored = {ref for unit in recorded for ref in unit.get("models", [])}
    assert stored == {"restart", "dropped"}  # the promoted, and the others
    n_recorded = n_fitted(path)
    landed = [line for line in lines_of(path) if line["kind"] == "fold"]
    assert {line["model"] for line in landed} <= {"restart", "dropped"}
    InterruptingClassifier.fits, InterruptingClassifier.stop_at = 0, None
    resumed = search(path).fit(X, y)
    assert InterruptingClassifier.fits == total - n_recorded  # nothing retrained
    assert_same_search(reference, resumed)


def test_a_model_that_cannot_be_pickled_is_retrained_on_resume(data, tmp_path):
    from sklearn.preprocessing import FunctionTransformer

    X, y = data
    path = tmp_path / "search.jsonl"

    def search(checkpoint=None):
        estimator = make_pipeline(
            FunctionTransformer(lambda Z: Z / 1000.0), SGDClassifier(random_state=0)
        )
        return PBTSearchCV(
            estimator,
            {"sgdclassifier__alpha": Real(1e-6, 1e-1, log=True)},
            population_size=4,
            n_steps=3,
            cv=3,
            random_state=0,
            checkpoint=checkpoint,
        )

    reference = search().fit(X, y)
    with pytest.warns(UserWarning, match="could not be pickled"):
        search(str(path)).fit(X, y)
    assert {ref for unit in units(path) for ref in unit.get("models", [])} == {
        "unsaved"
    }
    cut(path, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # retrained, as recorded
        warnings.filterwarnings("ignore", "[0-9]+ models could not be pickled")
        resumed = search(str(path)).fit(X, y)
    assert_same_search(reference, resumed)


@pytest.mark.skorch
@pytest.mark.parametrize("kind", ["hyperband", "pbt"])
def test_a_skorch_net_resumes_from_its_stored_weights(kind, tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    from sktune.search import _journal

    X, y = load_iris(return_X_y=True)
    X, y = StandardScaler().fit_transform(X).astype(np.float32), y.astype(np.int64)
    torch.set_num_threads(1)

    def search(checkpoint=None):
        torch.manual_seed(0)
        module = torch.nn.Sequential(
            torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
        )
        net = skorch.NeuralNetClassifier(
            module,
            criterion=torch.nn.CrossEntropyLoss,
            max_epochs=6,
            batch_size=32,
            train_split=None,
            verbose=0,
        )
        space = {"lr": Real(1e-3, 0.5, log=True)}
        if kind == "hyperband":
            return HyperbandSearchCV(
                net, space, n_iter=6, cv=3, random_state=0, checkpoint=checkpoint
            )
        return PBTSearchCV(
            net, space, population_size=4, cv=3, random_state=0, checkpoint=checkpoint
        )

    epochs = []
    partial_fit = skorch.NeuralNet.partial_fit
    monkeypatch.setattr(
        skorch.NeuralNet,
        "partial_fit",
        lambda net, *a, **k: epochs.append(1) or partial_fit(net, *a, **k),
    )
    reference = search().fit(X, y)
    total = len(epochs)
    record = _journal.Journal.record

    def dies_after_the_first_unit(journal, *args, **kwargs):
        record(journal, *args, **kwargs)
        raise KeyboardInterrupt  # with the unit on disk, before its sweep

    path = str(tmp_path / "search.jsonl")
    monkeypatch.setattr(_journal.Journal, "record", dies_after_the_first_unit)
    epochs.clear()
    with pytest.raises(KeyboardInterrupt):
        search(path).fit(X, y)
    done = len(epochs)
    monkeypatch.setattr(_journal.Journal, "record", record)
    assert model_files(path)
    epochs.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        resumed = search(path).fit(X, y)
    assert done + len(epochs) == total  # nothing retrained
    assert_same_search(reference, resumed)


# ------------------------------------------------- asynchronous searches


@pytest.mark.parametrize("kind", ["hyperband", "pbt"])
def test_an_asynchronous_search_resumes_redoing_only_the_job_in_flight(
    kind, data, interrupted, tmp_path
):
    X, y = data
    reference, total, done, copy_to = interrupted(kind, asynchronous=True)
    path = copy_to(tmp_path)
    lines = lines_of(path)
    assert {line["kind"] for line in lines} == {"start", "end"}
    ends = [line for line in lines if line["kind"] == "end"]
    # the files of the models the schedule may train further are kept
    assert set(model_files(path)) <= {
        ref[0] for line in ends for ref in line.get("models", []) if ref
    }
    assert model_files(path)
    resumed = counting_search(kind, asynchronous=True, checkpoint=path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # nothing is retrained
        redone = done + count_fits(resumed, X, y)[0] - total
    # one worker: at most the folds of the job in flight that had ended
    assert 0 <= redone < 3
    assert_same_search(reference, resumed)
    assert model_files(path) == []


@pytest.mark.parametrize("kind", ["hyperband", "pbt"])
def test_an_asynchronous_search_retrains_models_whose_files_are_gone(
    kind, data, interrupted, tmp_path
):
    X, y = data
    reference, total, done, copy_to = interrupted(kind, asynchronous=True)
    path = copy_to(tmp_path)
    for name in model_files(path):
        os.remove(os.path.join(f"{path}.models", name))
    resumed = counting_search(kind, asynchronous=True, checkpoint=path)
    with pytest.warns(UserWarning, match="model files were not loaded"):
        count_fits(resumed, X, y)
    assert_same_search(reference, resumed)


@pytest.mark.parametrize("kind", ["hyperband", "pbt"])
def test_an_asynchronous_search_resumes_another_workers_timing(kind, data, tmp_path):
    # With two workers the order in which jobs end depends on timing; the
    # journal keeps that order, and a resumed search replays it.
    import joblib

    X, y = data
    path = str(tmp_path / "search.jsonl")
    first = counting_search(kind, asynchronous=True, checkpoint=path, n_jobs=2)
    with joblib.parallel_config(backend="threading"):
        total, _ = count_fits(counting_search(kind, asynchronous=True, n_jobs=2), X, y)
        count_fits(first, X, y, stop_at=total // 2)
    ends = [line for line in lines_of(path) if line["kind"] == "end"]
    assert ends
    resumed = counting_search(kind, asynchronous=True, checkpoint=path, n_jobs=2)
    with joblib.parallel_config(backend="threading"):
        resumed.fit(X, y)
    results = resumed.cv_results_
    for row, line in enumerate(ends):
        scores = [out["test_scores"] for out in line["outs"]]
        assert results["mean_test_score"][row] == pytest.approx(np.mean(scores))
    assert model_files(path) == []
    if kind == "pbt":
        assert results["step"].max() == 7  # every member reached the last step
    else:
        assert np.sum(results["rung"] == 0) == resumed.n_candidates_[0]
