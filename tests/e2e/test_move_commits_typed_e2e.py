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
from testkit import copy_app, run, run_codemod

APP = Path(__file__).resolve().parent / "apps" / "fastapi_typed"
ROUTES = "notes/routers"
RUFF = (
    str(Path(sys.executable).parent / "ruff")
    if (Path(sys.executable).parent / "ruff").exists()
    else shutil.which("ruff") or "ruff"
)


def _ok(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stdout + done.stderr


def _checks(app: Path, *ruff_check_args: str) -> None:
    _ok(run(app, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"))
    _ok(run(app, sys.executable, "-m", "mypy", "--no-incremental"))
    _ok(run(app, RUFF, "check", "--no-cache", *ruff_check_args, "."))


@pytest.fixture(scope="module")
def moved_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the app, checked clean, then rewritten by move-commits (once for the module)."""
    app = copy_app(APP, tmp_path_factory.mktemp("typed") / "fastapi_typed", ".mypy_cache")
    _checks(app)
    _ok(run(app, RUFF, "format", "--check", "--no-cache", "."))
    applied = run_codemod(app, "apply", "move-commits", "--path", ROUTES)
    _ok(applied)
    output = applied.stdout + applied.stderr
    assert "6 violation(s) fixed" in output
    assert "0 for manual review" in output
    return app


@pytest.mark.slow
def test_typed_app_stays_clean_under_mypy_strict_and_ruff(moved_app: Path) -> None:
    """Tests, ``mypy --strict``, ``ruff check`` and ``ruff format --check`` pass after the move
    (the engine's formatter pass lays out the moved lines that now sit one indent deeper)."""
    _checks(moved_app)
    _ok(run(moved_app, RUFF, "format", "--check", "--no-cache", "."))
    service = (moved_app / "notes/services/note_service.py").read_text()
    assert "def create_note(note_in: NoteIn, current_user: str, session: Session) -> Note:" in (
        service
    )
    # An early exit that tests the one value returned: the route tests it as before.
    assert "def replace_body(note_id: int, body: str, session: Session) -> Note | None:" in (
        service
    )
    route = (moved_app / "notes/routers/notes.py").read_text()
    assert "note = NoteService.replace_body(note_id, body, session)\n    if note is None:" in route
    again = run_codemod(moved_app, "apply", "move-commits", "--path", ROUTES, "--dry-run")
    _ok(again)
    assert again.stdout == ""
