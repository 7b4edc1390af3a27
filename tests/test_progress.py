"""verbose=1: a progress bar (tqdm) or plain lines, for all three searches."""

import sys

import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import SGDClassifier

from sktune import BayesSearchCV, HyperbandSearchCV, PBTSearchCV, Real

SPACE = {"alpha": Real(1e-5, 1e-1, log=True)}


def make(kind, verbose):
    model = SGDClassifier(random_state=0)
    if kind == "bayes":
        return BayesSearchCV(
            model,
            SPACE,
            n_iter=5,
            n_initial_points=3,
            cv=3,
            random_state=0,
            verbose=verbose,
        ), 5
    if kind == "hyperband":
        search = HyperbandSearchCV(
            model,
            SPACE,
            max_resource=9,
            n_brackets="all",
            cv=3,
            random_state=0,
            verbose=verbose,
        )
        return search, 9 + 3 + 1 + 5 + 1 + 3  # brackets (9,3,1), (5,1), (3,)
    return PBTSearchCV(
        model,
        SPACE,
        population_size=4,
        n_steps=3,
        cv=3,
        random_state=0,
        verbose=verbose,
    ), 12


@pytest.mark.parametrize("kind", ["bayes", "hyperband", "pbt"])
def test_plain_progress_lines_without_tqdm(kind, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    X, y = load_iris(return_X_y=True)
    search, total = make(kind, verbose=1)
    search.fit(X, y)
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert lines, "no progress printed"
    assert all(line.startswith(f"[{type(search).__name__}]") for line in lines)
    assert lines[-1].split()[1] == f"{total}/{total}"
    assert "best score 0." in lines[-1] and lines[-1].endswith(" s")
    assert search.verbose == 1  # restored


@pytest.mark.parametrize("kind", ["bayes", "hyperband", "pbt"])
def test_tqdm_bar(kind, capsys):
    pytest.importorskip("tqdm")
    X, y = load_iris(return_X_y=True)
    search, total = make(kind, verbose=1)
    search.fit(X, y)
    err = capsys.readouterr().err
    assert type(search).__name__ in err
    assert f"{total}/{total}" in err and "best=" in err


@pytest.mark.parametrize("kind", ["bayes", "hyperband", "pbt"])
def test_silent_by_default(kind, capsys):
    X, y = load_iris(return_X_y=True)
    make(kind, verbose=0)[0].fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and "eval" not in captured.err
