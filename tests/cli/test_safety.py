"""Lose nothing: the round-trip guard, crash isolation, interrupts, symlinks, permissions, messages.

Each test names the fault it guards against; every one runs the real CLI on a real git repository.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from backfix.cli import main

SWALLOW = "try:\n    import foo\nexcept:\n    foo = None\n"


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` and return its stdout."""
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


def commit_all(repo: Path) -> None:
    """Commit everything in ``repo``."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "state")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty git repository with one commit; the current folder."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test User")
    git(root, "config", "user.email", "test@example.com")
    (root / "README").write_text("test\n")
    commit_all(root)
    monkeypatch.chdir(root)
    return root


def invoke(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit code, stdout, stderr."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# --- 1 and 7: the round-trip guard ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        pytest.param(b"x = 1\n    # one\n  # two\n", id="comment-deeper-than-code"),
        pytest.param(b"x = 1\n\n    # one\n  # two\n", id="after-a-blank-line"),
    ],
)
def test_file_libcst_cannot_reproduce_is_left_alone(repo: Path, tail: bytes) -> None:
    original = SWALLOW.encode() + tail
    (repo / "a.py").write_bytes(original)
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--path", "a.py")
    assert code == 2
    assert (repo / "a.py").read_bytes() == original
    assert "a.py:" in err
    assert "cannot be rewritten without losing formatting" in err


def test_other_handlers_keep_every_byte(repo: Path) -> None:
    """``except OSError :`` is printed without its space by LibCST: the file is refused, not reformatted."""
    original = b"try:\n    f()\nexcept OSError :\n    pass\ntry:\n    g()\nexcept:\n    raise\n"
    (repo / "a.py").write_bytes(original)
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--path", "a.py")
    assert code == 2
    assert (repo / "a.py").read_bytes() == original
    assert "a.py:3:" in err and "without losing formatting" in err


def test_handlers_that_round_trip_change_only_the_bare_one(repo: Path) -> None:
    original = "try:\n    f()\nexcept (OSError,  ValueError) as exc :  # keep\n    pass\n"
    original += "try:\n    g()\nexcept:\n    raise\n"
    (repo / "a.py").write_text(original)
    commit_all(repo)
    code, _out, _err = invoke("apply", "bare-except", "--path", "a.py")
    assert code == 0
    assert (repo / "a.py").read_text() == original.replace("except:", "except BaseException:")


# --- 6: crash isolation and output CPython cannot compile -------------------------------------------


def nested(depth: int) -> str:
    """A module with a bare except and an expression ``depth`` parentheses deep."""
    return SWALLOW + "x = " + "(" * depth + "1" + ")" * depth + "\n"


def test_output_cpython_cannot_compile_is_never_written(repo: Path) -> None:
    (repo / "deep.py").write_text(nested(500))
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--path", "deep.py")
    assert code == 2
    assert (repo / "deep.py").read_text() == nested(500)
    assert "deep.py" in err and "too many nested parentheses" in err


def test_a_file_that_crashes_the_parser_alone_is_a_per_file_error(repo: Path) -> None:
    """2,000 nested parentheses segfault LibCST's native parser: the CLI itself must survive."""
    (repo / "deep.py").write_text(nested(2000))
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--path", "deep.py", "-j", "1")
    assert code == 2
    assert "deep.py: error crash:" in err
    assert (repo / "deep.py").read_text() == nested(2000)


def test_a_parser_crash_in_the_pool_does_not_stop_the_others(repo: Path) -> None:
    for n in range(12):
        (repo / f"m{n:02}.py").write_text(SWALLOW)
    (repo / "deep.py").write_text(nested(2000))
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--no-logging", "-j", "2")
    assert code == 2
    assert err.count("error crash") == 1 and "deep.py: error crash:" in err
    for n in range(12):
        assert (repo / f"m{n:02}.py").read_text() == SWALLOW.replace("except:", "except Exception:")
