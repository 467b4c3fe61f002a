"""End to end: a typed FastAPI app stays clean under ``mypy --strict`` and ruff after ``move-commits``.

``tests/e2e/apps/fastapi_typed`` (SQLAlchemy 2.0 typed models, an ``Annotated[Session,
Depends(get_session)]`` alias, routes that commit) is clean under ``mypy --strict``, ``ruff check``
(with the isort rules) and ``ruff format --check`` before the move, with its own configuration in its
``pyproject.toml``. After the move its tests still pass, mypy is still clean, and so is ruff's lint.
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
def test_typed_app_stays_clean_under_mypy_strict_and_ruff_check(moved_app: Path) -> None:
    """Tests, ``mypy --strict`` and ruff's lint (line length aside) pass after the move.

    Line length (E501) is the formatter's: moved code sits one indent deeper in the service.
    """
    _checks(moved_app, "--extend-ignore", "E501")
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


@pytest.mark.slow
@pytest.mark.xfail(
    strict=False,
    reason="needs the engine's formatter pass (ruff format on changed lines): a moved line "
    "one indent deeper exceeds the line length; enable once that pass is merged",
)
def test_typed_app_passes_ruff_format_and_line_length_after_move(moved_app: Path) -> None:
    """``ruff format --check`` and the full ``ruff check`` pass after the move."""
    _ok(_run([RUFF, "check", "--no-cache", "."], moved_app))
    _ok(_run([RUFF, "format", "--check", "--no-cache", "."], moved_app))
