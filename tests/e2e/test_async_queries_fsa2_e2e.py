"""async-queries on an app pinned to Flask-SQLAlchemy 2.5 + SQLAlchemy 1.4, in its own venv.

``async_apps/forum_fsa2`` uses ``get_or_404``, ``first_or_404(description=...)``, ``paginate``, a
custom query class that hides moderated replies (set through a mixin) and classmethods using
``cls.query``. Its tests pass before and after ``--mode sync``: the rewrite uses only what 2.5 has
(``db.session.get(...) or abort(404)``), leaves ``paginate``, the custom query class and ``cls.query``
for manual review, and the hidden replies stay hidden.

The app's pins are installed from the package registry into a venv of its own; when that install
fails (no network), the test is skipped and says so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _flat(code: str) -> str:
    """Code without layout: the engine's formatter pass may wrap a rewritten statement."""
    return re.sub(r"\s+", "", code).replace(",)", ")").replace(",]", "]")


APP = Path(__file__).parent / "async_apps" / "forum_fsa2"


def _venv(app: Path) -> Path:
    venv = app / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    install = subprocess.run(
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
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if install.returncode != 0:
        pytest.skip(f"could not install the app's pinned requirements: {install.stderr[-500:]}")
    return python


def _app_tests(python: Path, app: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "VIRTUAL_ENV"))}
    return subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_flask_sqlalchemy_2_app_passes_before_and_after(tmp_path: Path) -> None:
    """Pinned 2.5/1.4 app: green before, green after, hidden rows stay hidden."""
    app = tmp_path / "forum_fsa2"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("__pycache__"))
    python = _venv(app)
    versions = subprocess.run(
        [
            str(python),
            "-c",
            "import flask_sqlalchemy, sqlalchemy; "
            "print(flask_sqlalchemy.__version__, sqlalchemy.__version__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert versions.stdout.split() == ["2.5.1", "1.4.52"]
    before = _app_tests(python, app)
    assert before.returncode == 0, before.stdout + before.stderr

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "VIRTUAL_ENV"))}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "backfix",
            "apply",
            "async-queries",
            "--path",
            "forum",
            "--mode",
            "sync",
            "--allow-dirty",
        ],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Flask-SQLAlchemy 2.5.1 (requirements.txt)" in done.stderr
    views = (app / "forum/views.py").read_text()
    assert _flat("db.session.get(Topic, topic_id) or abort(404)") in _flat(views)
    assert _flat('or abort(404, description="no such topic")') in _flat(views)
    assert "db.get_or_404" not in views and "db.paginate" not in views
    assert _flat("Topic.query.order_by(Topic.id).paginate(page, 2, False)") in _flat(
        views
    )  # manual on 2.x
    assert _flat("Reply.query.filter_by(topic_id=topic_id)") in _flat(
        views
    )  # custom query class: manual
    assert _flat("Reply.query.count()") in _flat(views)
    assert "cls.query" in (app / "forum/models.py").read_text()

    after = _app_tests(python, app)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "6 passed" in after.stdout
