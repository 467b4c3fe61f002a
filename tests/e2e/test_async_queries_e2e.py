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
from pathlib import Path

import pytest
from testkit import AppTests, copy_app, run_app_tests, run_codemod

#: Each test builds an app copy and runs its suite in a subprocess.
pytestmark = pytest.mark.slow

APPS = Path(__file__).parent / "async_apps"
STRICT = [
    "-W",
    "error::sqlalchemy.exc.LegacyAPIWarning",
    "-W",
    "error::sqlalchemy.exc.SADeprecationWarning",
]


#: the app's own tests use their own database, whatever the outer environment says.
UNSET = ("JOBS_DATABASE_URL",)


def _app_tests(app: Path, *extra: str) -> AppTests:
    return run_app_tests(app, *extra, drop=UNSET)


def _copy(name: str, tmp_path: Path) -> Path:
    return copy_app(APPS / name, tmp_path / name)


def _scan(cwd: Path, path: str, *extra: str) -> list[dict[str, object]]:
    done = run_codemod(
        cwd, "scan", "--path", path, "--codemod", "async-queries", "--format", "json", *extra
    )
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    violations = data["violations"] if isinstance(data, dict) else data
    return [v for v in violations if v["codemod"] == "async-queries"]


def test_fastapi_app_fails_before_and_passes_after_async_mode(tmp_path: Path) -> None:
    """The app's own tests: red on the legacy code, green after the async rewrite."""
    app = _copy("jobs_fastapi", tmp_path)
    before = _app_tests(app)
    assert before.code != 0
    assert "no attribute 'query'" in before.output

    found = _scan(app, "app")
    assert found and all(v["fixable"] for v in found)

    applied = run_codemod(app, "apply", "async-queries", "--path", "app", "--mode", "async")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    routers = (app / "app/routers/jobs.py").read_text()
    assert "async def browse" in routers and "await JobService(db).browse(company_id)" in routers
    services = (app / "app/services/job_service.py").read_text()
    assert "def serialize(job):" in services  # no database I/O: stays sync
    # already on create_async_engine: the plumbing is not touched
    assert (app / "app/db.py").read_text() == (APPS / "jobs_fastapi/app/db.py").read_text()
    assert "async def serialize" not in services

    after = _app_tests(app)
    assert after.code == 0, after.output
    assert _scan(app, "app") == []  # nothing left, and a second run has nothing to do


def test_fastapi_app_auto_mode_picks_async(tmp_path: Path) -> None:
    """The repositories are typed ``AsyncSession``: the default mode converts them to async."""
    app = _copy("jobs_fastapi", tmp_path)
    applied = run_codemod(app, "apply", "async-queries", "--path", "app/repositories")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    mode_notes = [line for line in applied.stderr.splitlines() if "async mode:" in line]
    assert any("app/repositories/job_repository.py" in note for note in mode_notes), mode_notes
    after = _app_tests(app)
    assert after.code == 0, after.output


def test_flask_sqlalchemy_app_passes_before_and_after_sync_mode(tmp_path: Path) -> None:
    """Same results after the rewrite, and no legacy API warning left."""
    app = _copy("blog_flask", tmp_path)
    assert _app_tests(app).code == 0
    assert _app_tests(app, *STRICT).code != 0  # Query.get() warns before the rewrite

    applied = run_codemod(app, "apply", "async-queries", "--path", "blog", "--mode", "sync")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    queries = (app / "blog/queries.py").read_text()
    assert "from blog.extensions import db" in queries
    assert ".query" not in queries + (app / "blog/views.py").read_text()

    after = _app_tests(app, *STRICT)
    assert after.code == 0, after.output
    assert _scan(app, "blog") == []


def test_flask_sqlalchemy_app_is_refused_in_async_mode(tmp_path: Path) -> None:
    """Flask-SQLAlchemy has no AsyncSession: every query is reported, nothing is written."""
    app = _copy("blog_flask", tmp_path)
    applied = run_codemod(app, "apply", "async-queries", "--path", "blog", "--mode", "async")
    output = applied.stdout + applied.stderr
    assert "no AsyncSession support" in output
    found = _scan(app, "blog", "--mode", "async")
    assert found and not any(v["fixable"] for v in found)
    assert (app / "blog/views.py").read_text() == (APPS / "blog_flask/blog/views.py").read_text()
