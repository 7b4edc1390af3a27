"""Checkpoint journals, resuming, and interrupted searches keeping their work."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

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


def units(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle.read().splitlines()[1:]]


def cut(path, keep, partial=True):
    """Keep the header and ``keep`` units, plus half of the next line."""
    with open(path) as handle:
        lines = handle.read().splitlines()
    text = "\n".join(lines[: keep + 1]) + "\n"
    if partial and len(lines) > keep + 1:
        text += lines[keep + 1][: len(lines[keep + 1]) // 2]
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
    recorded = units(path)
    keep = len(recorded) // 2
    cut(path, keep)
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
    from sklearn.datasets import load_breast_cancer

    # A shell that starts a job in the background (`cmd &`) makes it ignore
    # SIGINT, and Python keeps an ignored SIGINT: restore Ctrl-C's handler.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from sklearn.ensemble import GradientBoostingClassifier
    from sktune import BayesSearchCV, HyperbandSearchCV, Integer, Real

    kind, path = sys.argv[1], sys.argv[2]
    X, y = load_breast_cancer(return_X_y=True)
    space = {"learning_rate": Real(0.01, 1.0, log=True), "max_depth": Integer(1, 4)}
    if kind == "bayes":
        search = BayesSearchCV(
            GradientBoostingClassifier(n_estimators=30, random_state=0), space,
            n_iter=14, n_initial_points=4, cv=3, random_state=0, checkpoint=path,
        )
    else:
        search = HyperbandSearchCV(
            GradientBoostingClassifier(random_state=0), space,
            resource="n_estimators", max_resource=27, min_resource=3, cv=3,
            n_brackets="all", random_state=0, checkpoint=path,
        )
    try:
        search.fit(X, y)
    except KeyboardInterrupt:
        print("interrupted", len(search.cv_results_["params"]), flush=True)
        sys.exit(3)
    print("finished", flush=True)
    """
)


def child_search(kind, path):
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
    return HyperbandSearchCV(
        GradientBoostingClassifier(random_state=0),
        space,
        resource="n_estimators",
        max_resource=27,
        min_resource=3,
        n_brackets="all",
        cv=3,
        random_state=0,
        checkpoint=path,
    )


def run_and_signal(kind, path, sig, after_units, tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen(
        [sys.executable, str(script), kind, path],
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
@pytest.mark.parametrize("kind", ["bayes", "hyperband"])
def test_killed_process_resumes_from_its_journal(kind, data, tmp_path):
    X, y = data
    path = str(tmp_path / "search.jsonl")
    code, stdout, stderr = run_and_signal(kind, path, signal.SIGKILL, 3, tmp_path)
    assert code == -signal.SIGKILL, (stdout, stderr)
    n_done = len(units(path))
    assert n_done >= 3
    resumed = child_search(kind, path).fit(X, y)
    reference = child_search(kind, None).fit(X, y)
    assert_same_results(reference.cv_results_, resumed.cv_results_)
    assert len(units(path)) > n_done


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
