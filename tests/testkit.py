"""What the tests share: git in a temporary repository, the CLI in-process, sample sources.

``tests/`` is on ``sys.path`` while pytest runs (it holds the root conftest.py), so test modules
import this one as ``testkit``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from backfix.cli import main
from backfix.registry import get_codemod

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
    ``jobs`` renamed to the name (applying it writes ``app/services/<name>_service.py`` too)."""
    example = get_codemod("move-commits").EXAMPLE
    files = {"app/__init__.py": "", "app/routes/__init__.py": ""}
    files.update({f"app/routes/{name}.py": example.replace("jobs", name) for name in names})
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
