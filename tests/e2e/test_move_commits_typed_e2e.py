"""End to end: a typed FastAPI app stays clean under ``mypy --strict`` and ruff after ``move-commits``.

``tests/e2e/apps/fastapi_typed`` (SQLAlchemy 2.0 typed models, an ``Annotated[Session,
Depends(get_session)]`` alias, routes that commit) is clean under ``mypy --strict``, ``ruff check``
(with the isort rules) and ``ruff format --check`` before the move, with its own configuration in its
``pyproject.toml``. After the move its tests still pass and all three tools are still clean.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent / "apps" / "fastapi_typed"
ROUTES = "notes/routers"
RUFF = (
    str(Path(sys.executable).parent / "ruff")
    if (Path(sys.executable).parent / "ruff").exists()
    else shutil.which("ruff") or "ruff"
)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def _ok(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stdout + done.stderr


def _checks(app: Path, *ruff_check_args: str) -> None:
    _ok(_run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], app))
    _ok(_run([sys.executable, "-m", "mypy", "--no-incremental"], app))
    _ok(_run([RUFF, "check", "--no-cache", *ruff_check_args, "."], app))


@pytest.fixture(scope="module")
def moved_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the app, checked clean, then rewritten by move-commits (once for the module)."""
    app = tmp_path_factory.mktemp("typed") / "fastapi_typed"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("__pycache__", ".mypy_cache"))
    _checks(app)
    _ok(_run([RUFF, "format", "--check", "--no-cache", "."], app))
    applied = _run(
        [sys.executable, "-m", "backfix", "apply", "move-commits", "--path", ROUTES], app
    )
    _ok(applied)
    output = applied.stdout + applied.stderr
    assert "5 violation(s) fixed" in output
    assert "0 for manual review" in output
    return app


@pytest.mark.slow
def test_typed_app_stays_clean_under_mypy_strict_and_ruff(moved_app: Path) -> None:
    """Tests, ``mypy --strict``, ``ruff check`` and ``ruff format --check`` pass after the move
    (the engine's formatter pass lays out the moved lines that now sit one indent deeper)."""
    _checks(moved_app)
    _ok(_run([RUFF, "format", "--check", "--no-cache", "."], moved_app))
    service = (moved_app / "notes/services/note_service.py").read_text()
    assert "def create_note(note_in: NoteIn, current_user: str, session: Session) -> Note:" in (
        service
    )
    again = _run(
        [sys.executable, "-m", "backfix", "apply", "move-commits", "--path", ROUTES, "--dry-run"],
        moved_app,
    )
    _ok(again)
    assert again.stdout == ""
