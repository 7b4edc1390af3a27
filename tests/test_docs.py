"""Every ```python block of README.md and docs/*.md runs on its own.

Each block is written to a file in a fresh temporary directory and run there by
a fresh interpreter (``python block.py``), so blocks share nothing, run as a
user would paste them into a script, and write no files into the repository.
A block whose first line starts with ``>>>`` is a doctest and is checked with
:mod:`doctest` instead (README.md's are also collected by pytest's
``--doctest-glob``). A block that imports a third-party module that is not
installed (ray; dask or torch without their extras) is skipped with that
reason; a missing ``sktune`` name is a failure. Shell blocks are not run.
The documentation site builds these pages as they are (myst-parser), so it
does not run the blocks again. Every public name must also be listed in
docs/reference.rst, the site's API reference.
"""

import ast
import importlib
import importlib.util
import inspect
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^([ \t]*)```([^\n`]*)\n(.*?)^\1```[ \t]*$", re.M | re.S)
TIMEOUT = 300  # seconds per block; each takes a few
MARKS = {"dask": "dask", "distributed": "dask", "torch": "skorch", "skorch": "skorch"}
DOCTEST_RUNNER = (
    "import doctest, sys; "
    "flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS; "
    "result = doctest.testfile(sys.argv[1], module_relative=False, "
    "optionflags=flags, verbose=False); "
    "sys.exit(1 if result.failed else 0)"
)


def _fences(path):
    """(language, first line number, dedented code) of each fenced block."""
    text = path.read_text(encoding="utf-8")
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 2
        yield match.group(2).strip(), line, textwrap.dedent(match.group(3))


def _is_doctest(code):
    return code.lstrip().startswith(">>>")


def _imported_modules(code):
    """Top-level package names the block imports (empty for a doctest)."""
    if _is_doctest(code):
        return set()
    try:
        tree = ast.parse(code)
    except SyntaxError:  # reported by running the block
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _blocks():
    params = []
    for path in DOCUMENTS:
        python = [
            (line, code) for lang, line, code in _fences(path) if lang == "python"
        ]
        for index, (line, code) in enumerate(python):
            marks = sorted({MARKS[m] for m in _imported_modules(code) if m in MARKS})
            params.append(
                pytest.param(
                    path,
                    line,
                    code,
                    id=f"{path.relative_to(ROOT).as_posix()}-{index}",
                    marks=[getattr(pytest.mark, mark) for mark in marks],
                )
            )
    return params


BLOCKS = _blocks()


def test_blocks_are_found():
    # A broken fence pattern would find none and leave nothing to run.
    assert len(BLOCKS) > 1
    assert any(param.values[0].name == "user_guide.md" for param in BLOCKS)


@pytest.mark.parametrize(
    "path", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_fences_are_python_or_shell(path):
    # A block tagged "py", "python3" or "pycon" would silently not be run.
    allowed = {"python", "bash", "console", "text", ""}
    unknown = [(line, lang) for lang, line, _ in _fences(path) if lang not in allowed]
    assert not unknown, f"{path.name}: fences with unexpected languages {unknown}"


@pytest.mark.parametrize("path, line, code", BLOCKS)
def test_block_runs(path, line, code, tmp_path):
    missing = sorted(
        name
        for name in _imported_modules(code)
        if name != "sktune" and importlib.util.find_spec(name) is None
    )
    if missing:
        pytest.skip(f"{path.name}:{line} needs {', '.join(missing)}: not installed")
    if _is_doctest(code):
        block = tmp_path / "block.txt"
        command = [sys.executable, "-c", DOCTEST_RUNNER, str(block)]
    else:
        block = tmp_path / "block.py"
        command = [sys.executable, str(block)]
    block.write_text(code, encoding="utf-8")
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    )
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    result = subprocess.run(
        command,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, (
        f"the block at {path.relative_to(ROOT)}:{line} failed "
        f"(exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )


# The site's API reference (docs/reference.rst) lists names for autosummary,
# which generates a page for each from its docstring; a public name missing
# from the list would have no page.
PUBLIC_MODULES = [
    "sktune",
    "sktune.space",
    "sktune.optimize",
    "sktune.nested",
    "sktune.stats",
    "sktune.refit",
    "sktune.importance",
    "sktune.plot",
]
DIRECTIVE = re.compile(r"^\.\. (module|currentmodule|autosummary)::\s*(\S*)")


def _reference_entries():
    """Full names listed by docs/reference.rst's autosummary directives."""
    entries, module, in_summary = [], None, False
    for line in (ROOT / "docs" / "reference.rst").read_text().splitlines():
        match = DIRECTIVE.match(line)
        if match:
            kind, name = match.groups()
            if kind == "autosummary":
                in_summary = True
            else:
                module, in_summary = name, False
        elif in_summary and line.startswith("   ") and not line.strip().startswith(":"):
            entries.append(f"{module}.{line.strip()}")
        elif in_summary and line.strip() and not line.startswith(" "):
            in_summary = False
    return entries


def _resolve(full_name):
    module, _, attr = full_name.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        owner, _, sub = module.rpartition(".")
        return getattr(getattr(importlib.import_module(owner), sub), attr)


def test_reference_lists_every_public_name():
    entries = _reference_entries()
    documented = {id(_resolve(name)) for name in entries}
    missing = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if name.startswith("__") or inspect.ismodule(obj):
                continue
            if id(obj) not in documented:
                missing.append(f"{module_name}.{name}")
    assert len(entries) > 40
    assert not missing, f"docs/reference.rst lists no page for {missing}"
