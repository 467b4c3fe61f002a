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

import re
import subprocess
from pathlib import Path

import pytest
from testkit import app_venv, copy_app, run_app_tests, run_codemod

APPS = Path(__file__).parent / "async_apps"
#: what a sync app left half converted would still contain.
SYNC_LEFT = re.compile(
    r"\bcreate_engine\(|\bsessionmaker\(|(?<!async )with \w*Session\w*\(|"
    r"(?<!await )session\.(?:exec|commit|get|refresh|delete)\(|\.query\("
)


def _apply(app: Path) -> subprocess.CompletedProcess[str]:
    return run_codemod(
        app, "apply", "async-queries", "--path", "app", "--mode", "async", "--allow-dirty"
    )


def _sources(app: Path) -> str:
    return "\n".join(p.read_text() for p in sorted((app / "app").glob("*.py")))


def _copy(name: str, tmp_path: Path) -> Path:
    return copy_app(APPS / name, tmp_path / name, "*.db")


@pytest.mark.slow
def test_sqlalchemy_app_passes_before_and_after_on_async_session(tmp_path: Path) -> None:
    app = _copy("library_fastapi", tmp_path)
    before = run_app_tests(app)
    assert before.code == 0, before.output

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

    after = run_app_tests(app)
    assert after.code == 0, after.output
    assert "5 passed" in after.output
    again = _apply(app)
    assert "0 violation(s)" in again.stdout + again.stderr or "nothing to do" in (
        again.stdout + again.stderr
    ), again.stdout + again.stderr


@pytest.mark.slow
def test_sqlmodel_app_passes_before_and_after_on_async_session(tmp_path: Path) -> None:
    app = _copy("todo_sqlmodel", tmp_path)
    python = app_venv(app / "requirements.txt", tmp_path / "venv")
    before = run_app_tests(app, python=python)
    assert before.code == 0, before.output

    done = _apply(app)
    assert done.returncode == 0, done.stdout + done.stderr
    db = (app / "app/db.py").read_text()
    assert "from sqlmodel.ext.asyncio.session import AsyncSession" in db
    assert 'create_async_engine("sqlite+aiosqlite:///./todo.db")' in db
    assert "async with AsyncSession(engine, expire_on_commit=False) as session:" in db
    crud = (app / "app/crud.py").read_text()
    assert "(await session.exec(statement)).all()" in crud
    assert SYNC_LEFT.search(_sources(app)) is None

    after = run_app_tests(app, python=python)
    assert after.code == 0, after.output
    assert "4 passed" in after.output
