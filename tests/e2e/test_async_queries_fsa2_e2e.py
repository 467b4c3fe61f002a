"""async-queries on an app pinned to Flask-SQLAlchemy 2.5 + SQLAlchemy 1.4, in its own venv.

``async_apps/forum_fsa2`` uses ``get_or_404``, ``first_or_404(description=...)``, ``paginate``, a
custom query class that hides moderated replies (set through a mixin) and classmethods using
``cls.query``. Its tests pass before and after ``--mode sync``: the rewrite uses only what 2.5 has
(``db.session.get(...) or abort(404)``), rewrites ``cls.query`` of a class nothing extends, leaves
``paginate`` and the custom query class for manual review, and the hidden replies stay hidden.

The app's pins are installed from the package registry into a venv of its own; when that install
fails (no network), the test is skipped and says so.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from testkit import app_venv, copy_app, run_app_tests, run_codemod


def _flat(code: str) -> str:
    """Code without layout: the engine's formatter pass may wrap a rewritten statement."""
    return re.sub(r"\s+", "", code).replace(",)", ")").replace(",]", "]")


APP = Path(__file__).parent / "async_apps" / "forum_fsa2"


@pytest.mark.slow
def test_flask_sqlalchemy_2_app_passes_before_and_after(tmp_path: Path) -> None:
    """Pinned 2.5/1.4 app: green before, green after, hidden rows stay hidden."""
    app = copy_app(APP, tmp_path / "forum_fsa2")
    python = app_venv(app / "requirements.txt", app / ".venv")
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
    before = run_app_tests(app, python=python)
    assert before.code == 0, before.output

    done = run_codemod(
        app, "apply", "async-queries", "--path", "forum", "--mode", "sync", "--allow-dirty"
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
    # `cls` of a classmethod of a class nothing extends, with the default query class: `Topic`
    models = (app / "forum/models.py").read_text()
    assert "cls.query" not in models and "select(cls)" in models, models

    after = run_app_tests(app, python=python)
    assert after.code == 0, after.output
    assert "6 passed" in after.output
