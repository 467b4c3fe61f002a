"""async-queries on two real apps, whose own test suites judge the rewrite.

* ``async_apps/jobs_fastapi``: a FastAPI app on ``AsyncSession`` whose repositories still use the
  legacy ``Query`` API. Its tests fail before (``'AsyncSession' object has no attribute 'query'``) and
  pass after ``codemod apply async-queries --mode async``, which also makes services and routers async.
* ``async_apps/blog_flask``: a Flask-SQLAlchemy app. Its tests pass before and after ``--mode sync``;
  after the rewrite they also pass with ``LegacyAPIWarning``/``SADeprecationWarning`` as errors, which
  they do not before. ``--mode async`` refuses to touch it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

#: Each test builds an app copy and runs its suite in a subprocess.
pytestmark = pytest.mark.slow

APPS = Path(__file__).parent / "async_apps"
STRICT = [
    "-W",
    "error::sqlalchemy.exc.LegacyAPIWarning",
    "-W",
    "error::sqlalchemy.exc.SADeprecationWarning",
]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("JOBS_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _app_tests(cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", *extra], cwd)


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(APPS / name, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _scan(cwd: Path, path: str, *extra: str) -> list[dict[str, object]]:
    done = _run(
        [
            "-m",
            "backfix",
            "scan",
            "--path",
            path,
            "--codemod",
            "async-queries",
            "--format",
            "json",
            *extra,
        ],
        cwd,
    )
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    violations = data["violations"] if isinstance(data, dict) else data
    return [v for v in violations if v["codemod"] == "async-queries"]


def test_fastapi_app_fails_before_and_passes_after_async_mode(tmp_path: Path) -> None:
    """The app's own tests: red on the legacy code, green after the async rewrite."""
    app = _copy("jobs_fastapi", tmp_path)
    before = _app_tests(app)
    assert before.returncode != 0
    assert "no attribute 'query'" in before.stdout

    found = _scan(app, "app")
    assert found and all(v["fixable"] for v in found)

    applied = _run(
        ["-m", "backfix", "apply", "async-queries", "--path", "app", "--mode", "async"], app
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    routers = (app / "app/routers/jobs.py").read_text()
    assert "async def browse" in routers and "await JobService(db).browse(company_id)" in routers
    services = (app / "app/services/job_service.py").read_text()
    assert "def serialize(job):" in services  # no database I/O: stays sync
    # already on create_async_engine: the plumbing is not touched
    assert (app / "app/db.py").read_text() == (APPS / "jobs_fastapi/app/db.py").read_text()
    assert "async def serialize" not in services

    after = _app_tests(app)
    assert after.returncode == 0, after.stdout + after.stderr
    assert _scan(app, "app") == []  # nothing left, and a second run has nothing to do


def test_fastapi_app_auto_mode_picks_async(tmp_path: Path) -> None:
    """The repositories are typed ``AsyncSession``: the default mode converts them to async."""
    app = _copy("jobs_fastapi", tmp_path)
    applied = _run(["-m", "backfix", "apply", "async-queries", "--path", "app/repositories"], app)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "app/repositories/job_repository.py: async mode" in applied.stdout + applied.stderr
    after = _app_tests(app)
    assert after.returncode == 0, after.stdout + after.stderr


def test_flask_sqlalchemy_app_passes_before_and_after_sync_mode(tmp_path: Path) -> None:
    """Same results after the rewrite, and no legacy API warning left."""
    app = _copy("blog_flask", tmp_path)
    assert _app_tests(app).returncode == 0
    assert _app_tests(app, *STRICT).returncode != 0  # Query.get() warns before the rewrite

    applied = _run(
        ["-m", "backfix", "apply", "async-queries", "--path", "blog", "--mode", "sync"], app
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    queries = (app / "blog/queries.py").read_text()
    assert "from blog.extensions import db" in queries
    assert ".query" not in queries + (app / "blog/views.py").read_text()

    after = _app_tests(app, *STRICT)
    assert after.returncode == 0, after.stdout + after.stderr
    assert _scan(app, "blog") == []


def test_flask_sqlalchemy_app_is_refused_in_async_mode(tmp_path: Path) -> None:
    """Flask-SQLAlchemy has no AsyncSession: every query is reported, nothing is written."""
    app = _copy("blog_flask", tmp_path)
    applied = _run(
        ["-m", "backfix", "apply", "async-queries", "--path", "blog", "--mode", "async"], app
    )
    output = applied.stdout + applied.stderr
    assert "no AsyncSession support" in output
    found = _scan(app, "blog", "--mode", "async")
    assert found and not any(v["fixable"] for v in found)
    assert (app / "blog/views.py").read_text() == (APPS / "blog_flask/blog/views.py").read_text()
