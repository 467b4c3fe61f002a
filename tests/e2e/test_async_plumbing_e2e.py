"""``--mode async`` on sync apps: the session plumbing moves to AsyncSession with the queries.

* ``async_apps/library_fastapi``: FastAPI + SQLAlchemy, ``create_engine``/``sessionmaker``, a
  ``get_db`` generator dependency, an ``Annotated`` alias, tables created (and dropped) by the
  lifespan, a repository on the legacy ``Query`` API. Runs in backfix's own environment.
* ``async_apps/todo_sqlmodel``: FastAPI + SQLModel (``Session(engine)``, ``session.exec``), in a venv
  of its own built from its requirements (skipped, saying why, when the install fails).

Both apps' HTTP tests (TestClient, tables from the lifespan) pass before and after the rewrite, and
no sync session call is left.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

APPS = Path(__file__).parent / "async_apps"
#: what a sync app left half converted would still contain.
SYNC_LEFT = re.compile(
    r"\bcreate_engine\(|\bsessionmaker\(|(?<!async )with \w*Session\w*\(|"
    r"(?<!await )session\.(?:exec|commit|get|refresh|delete)\(|\.query\("
)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "VIRTUAL_ENV"))}


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=600, check=False
    )


def _apply(app: Path) -> subprocess.CompletedProcess[str]:
    return _run(
        [
            sys.executable,
            "-m",
            "backfix",
            "apply",
            "async-queries",
            "--path",
            "app",
            "--mode",
            "async",
            "--allow-dirty",
        ],
        app,
    )


def _sources(app: Path) -> str:
    return "\n".join(p.read_text() for p in sorted((app / "app").glob("*.py")))


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(APPS / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    return target


@pytest.mark.slow
def test_sqlalchemy_app_passes_before_and_after_on_async_session(tmp_path: Path) -> None:
    app = _copy("library_fastapi", tmp_path)
    tests = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    before = _run(tests, app)
    assert before.returncode == 0, before.stdout + before.stderr

    done = _apply(app)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "0 remaining" in output
    database = (app / "app/database.py").read_text()
    assert 'DATABASE_URL = "sqlite+aiosqlite:///./library.db"' in database
    assert "create_async_engine(DATABASE_URL" in database
    assert "async_sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)" in database
    assert "async def get_db() -> AsyncIterator[AsyncSession]:" in database
    main = (app / "app/main.py").read_text()
    assert "DbSession = Annotated[AsyncSession, Depends(get_db)]" in main
    assert "await conn.run_sync(Base.metadata.create_all)" in main
    assert "await conn.run_sync(Base.metadata.drop_all)" in main
    assert SYNC_LEFT.search(_sources(app)) is None

    after = _run(tests, app)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "5 passed" in after.stdout
    again = _apply(app)
    assert "0 violation(s)" in again.stdout + again.stderr or "nothing to do" in (
        again.stdout + again.stderr
    ), again.stdout + again.stderr


def _venv(app: Path) -> Path:
    venv = app.parent / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    install = _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            str(app / "requirements.txt"),
            "pytest",
        ],
        app,
    )
    if install.returncode != 0:
        pytest.skip(f"could not install the app's requirements: {install.stderr[-500:]}")
    return python


@pytest.mark.slow
def test_sqlmodel_app_passes_before_and_after_on_async_session(tmp_path: Path) -> None:
    app = _copy("todo_sqlmodel", tmp_path)
    python = _venv(app)
    tests = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    before = _run(tests, app)
    assert before.returncode == 0, before.stdout + before.stderr

    done = _apply(app)
    assert done.returncode == 0, done.stdout + done.stderr
    db = (app / "app/db.py").read_text()
    assert "from sqlmodel.ext.asyncio.session import AsyncSession" in db
    assert 'create_async_engine("sqlite+aiosqlite:///./todo.db")' in db
    assert "async with AsyncSession(engine, expire_on_commit=False) as session:" in db
    crud = (app / "app/crud.py").read_text()
    assert "(await session.exec(statement)).all()" in crud
    assert SYNC_LEFT.search(_sources(app)) is None

    after = _run(tests, app)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "4 passed" in after.stdout
