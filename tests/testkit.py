"""What the tests share: git in a temporary repository, the CLI in-process or in a subprocess, an
application copy and its own test run, sample sources.

``tests/`` is on ``sys.path`` while pytest runs (it holds the root conftest.py), so test modules
import this one as ``testkit``.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from backfix.cli import main
from backfix.discovery import Workspace
from backfix.registry import get_codemod
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions
from backfix.runner import run as run_codemods
from backfix.source import SourceError, SourceFile

#: the repository's root folder.
REPO = Path(__file__).resolve().parents[1]

#: one bare except that re-raises (safe to fix), and its fix.
LEGACY = "def f():\n    try:\n        g()\n    except:\n        raise\n"
FIXED = "def f():\n    try:\n        g()\n    except BaseException:\n        raise\n"

#: a swallowing handler (review, needs the new logger), a re-raising one (safe), a catching one (review)
THREE = """\
import json


def load(path):
    try:
        return json.load(open(path))
    except:
        pass


def save(path, data):
    try:
        json.dump(data, open(path, "w"))
    except:
        cleanup(path)
        raise


def other():
    try:
        x()
    except:
        y()
"""

#: two catching handlers (review)
TWO = """\
def first():
    try:
        a()
    except:
        b()


def second():
    try:
        c()
    except:
        d()
"""


def example_routes(*names: str) -> dict[str, str]:
    """An ``app`` package with ``app/routes/<name>.py`` for each name: the move-commits example with
    ``jobs`` renamed to the name (applying it writes ``app/services/<name>_service.py`` too). Each
    route also sets ``queue`` to its name: identical units of work would share one method."""
    example = get_codemod("move-commits").EXAMPLE
    files = {"app/__init__.py": "", "app/routes/__init__.py": ""}
    for name in names:
        route = example.replace("jobs", name)
        route = route.replace("tenant_id=g.tenant_id", f'tenant_id=g.tenant_id, queue="{name}"')
        files[f"app/routes/{name}.py"] = route
    return files


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` and return its stdout."""
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


def write_files(root: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` (root-relative path: text) under ``root``, making folders as needed."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def apply_in_process(
    root: Path, codemod_id: str, files: Mapping[str, str], path: str = ""
) -> RunResult:
    """Write ``files`` under ``root`` and apply the codemod ``codemod_id`` (default options) to
    ``root / path`` in this process, one job."""
    write_files(root, files)
    spec = CodemodSpec(get_codemod(codemod_id), codemod_id, ())
    options = RunOptions(specs=[spec], paths=[root / path], apply=True, jobs=1)
    return run_codemods(Workspace(root=root), options)


def commit_all(repo: Path, message: str = "state") -> None:
    """Commit everything in ``repo``."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def init_repo(root: Path, files: Mapping[str, str], message: str = "initial") -> Path:
    """A new git repository at ``root`` (branch main, a test user) with ``files`` committed."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test User")
    git(root, "config", "user.email", "test@example.com")
    write_files(root, files)
    commit_all(root, message)
    return root


def invoke(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process in the current folder; exit code, stdout, stderr."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def invoke_in(folder: Path, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process in ``folder``; exit code, stdout, stderr."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return invoke(*args)


def scanned_lines(
    root: Path, files: Mapping[str, str], codemod: str, words: str
) -> dict[str, list[int]]:
    """Write ``files`` under ``root`` and scan them with ``codemod``: the lines of each file with
    a violation whose message holds ``words`` (a line twice when it has two)."""
    write_files(root, files)
    code, out, _ = invoke_in(
        root, "--no-cache", "scan", "--no-ledger", "--codemod", codemod, "--format", "json",
        "--path", ".",
    )  # fmt: skip
    assert code in (0, 1), out
    found: dict[str, list[int]] = {}
    for violation in json.loads(out)["violations"]:
        if words in violation["message"]:
            found.setdefault(violation["path"], []).append(violation["line"])
    return found


# --- applications run in a subprocess, as their users run them ---------------------------------------

#: a guard against a hung subprocess (an install, an application's suite), not a timing assertion.
SUBPROCESS_TIMEOUT = 600


def child_env(drop: Collection[str] = ()) -> dict[str, str]:
    """The environment for a subprocess: without the outer pytest's and virtualenv's settings (they
    must not leak into an application's own run) nor the variables named in ``drop``, writing no
    bytecode into the copy, without colours."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST", "VIRTUAL_ENV")) and name not in drop
    }
    env.update(PYTHONDONTWRITEBYTECODE="1", NO_COLOR="1")
    return env


def run(
    cwd: Path, *args: str | Path, drop: Collection[str] = ()
) -> subprocess.CompletedProcess[str]:
    """Run ``args`` in ``cwd`` with :func:`child_env`; a non-zero exit is the caller's to judge."""
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=child_env(drop),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


def run_codemod(
    cwd: Path, *args: str, drop: Collection[str] = ()
) -> subprocess.CompletedProcess[str]:
    """``python -m backfix ARGS`` in ``cwd``."""
    return run(cwd, sys.executable, "-m", "backfix", *args, drop=drop)


@dataclass(frozen=True)
class AppTests:
    """An application's own test run: pytest's exit code, the failed test names, the output."""

    code: int
    failed: frozenset[str]
    output: str


def run_app_tests(
    cwd: Path, *pytest_args: str, python: str | Path = sys.executable, drop: Collection[str] = ()
) -> AppTests:
    """Run an application's own tests (``pytest_args``: files, flags) with ``python``."""
    done = run(
        cwd, python, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", *pytest_args, drop=drop
    )
    output = done.stdout + done.stderr
    failed = frozenset(re.findall(r"^FAILED \S+::(\w+)", output, flags=re.MULTILINE))
    return AppTests(done.returncode, failed, output)


def copy_app(source: Path, target: Path, *ignore: str) -> Path:
    """A private copy of the application at ``source``, without ``__pycache__`` nor ``ignore``."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", *ignore))
    return target


def app_venv(requirements: Path, venv: Path) -> Path:
    """A virtualenv at ``venv`` with ``requirements`` and pytest installed; its python. Skips the
    test, saying why, when the install fails (no registry)."""
    subprocess.run(
        [sys.executable, "-m", "venv", str(venv)], check=True, timeout=SUBPROCESS_TIMEOUT
    )
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    install = run(
        requirements.parent,
        python,
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
        "-r",
        requirements,
        "pytest",
    )
    if install.returncode != 0:
        pytest.skip(f"could not install {requirements.name}: {install.stderr[-500:]}")
    return python


def write_webapp_corpus(target: Path, seed: int, resources: int) -> None:
    """Write the benchmarks' generated Flask + FastAPI corpus (``benchmarks/webapp_corpus.py``)."""
    spec = importlib.util.spec_from_file_location(
        "webapp_corpus", REPO / "benchmarks" / "webapp_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("webapp_corpus", module)
    spec.loader.exec_module(module)
    module.write_corpus(target, seed=seed, resources=resources)


def webapp_sources(target: Path, seed: int, resources: int) -> dict[str, str]:
    """Every file of a generated web-app corpus (:func:`write_webapp_corpus`), by relative path."""
    write_webapp_corpus(target, seed=seed, resources=resources)
    return {
        str(p.relative_to(target)): p.read_text(encoding="utf-8")
        for p in sorted(target.rglob("*.py"))
    }


#: our own example projects with database queries: snapshot inputs, e2e apps, the example app
QUERY_PROJECTS = (
    REPO / "snapshots" / "async-queries",
    REPO / "tests" / "e2e" / "apps",
    REPO / "tests" / "e2e" / "async_apps",
    REPO / "examples",
)


def repository_sources() -> dict[str, str]:
    """Every snapshot input and e2e application file, by path relative to the repository: the
    sample code that equivalence tests of a codemod's fast paths read."""
    paths = [
        *sorted((REPO / "snapshots").glob("*/*/input.py")),
        *sorted((REPO / "tests" / "e2e").rglob("*.py")),
    ]
    return {
        str(path.relative_to(REPO)): path.read_text(encoding="utf-8", errors="replace")
        for path in paths
    }


def facts_both_ways(sources: Mapping[str, str], module: object, switch: str) -> list[str]:
    """The paths where move-commits' facts (violations and the plan's data) differ with the
    module-level switch ``module.<switch>`` on and off: each source Python parses, under its own
    path and under a route-layer path. The switch is left as it was."""
    codemod = get_codemod("move-commits")
    default = getattr(module, switch)

    def facts(path: str, code: str, value: bool) -> object:
        setattr(module, switch, value)
        try:
            return codemod().analyze(SourceFile(path, path, code.encode("utf-8")))
        except SourceError as exc:
            return f"error: {exc}"
        finally:
            setattr(module, switch, default)

    differ: list[str] = []
    for name, code in sources.items():
        try:
            ast.parse(code)
        except SyntaxError:
            continue
        for path in (name, f"app/routes/{Path(name).stem}.py"):
            if facts(path, code, True) != facts(path, code, False):
                differ.append(path)
    return differ
