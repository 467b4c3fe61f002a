"""move-commits: where the service modules go into a ``services/`` package the project has already
that holds nothing like a service layer (Prefect's background loops, JupyterHub's "Services"), the
run says so in a note; a package that holds services, or a ``service_dir`` the user set, gets none."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import apply_in_process

from backfix.discovery import Workspace
from backfix.registry import get_codemod
from backfix.runner import CodemodSpec, RunOptions, run

ROUTES = (
    "from flask import Blueprint, request\n\n"
    "from app import db\n"
    "from app.models import Job\n\n"
    "bp = Blueprint('jobs', __name__)\n\n\n"
    "@bp.post('/jobs')\n"
    "def create_job():\n"
    "    job = Job(title=request.form['title'])\n"
    "    db.session.add(job)\n"
    "    db.session.commit()\n"
    "    return {'id': job.id}\n"
)
FILES = {
    "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
    "app/models.py": (
        "from app import db\n\n\n"
        "class Job(db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
        "    title = db.Column(db.String)\n"
    ),
    "app/routes/__init__.py": "",
    "app/routes/jobs.py": ROUTES,
    "app/services/__init__.py": "",
}
#: a background loop, the kind of module Prefect keeps in its `services/`
LOOP = (
    "import time\n\n\n"
    "class Scheduler:\n"
    "    def run_once(self):\n"
    "        time.sleep(1)\n\n\n"
    "def _collect(session, ids):\n"
    "    return session, ids\n"
)
NOTE = "job_service.py goes into app/services/, a package the project has already"


@pytest.mark.parametrize(
    ("module", "text", "noted"),
    [
        ("scheduler.py", LOOP, True),
        ("users.py", "from sqlalchemy.orm import Session\n\n\ndef create_user(db: Session):\n    pass\n", False),
        ("user_service.py", "", False),
        ("reports.py", "class ReportService:\n    @staticmethod\n    def build():\n        pass\n", False),
    ],
)  # fmt: skip
def test_a_note_where_the_services_package_holds_no_service(
    tmp_path: Path, module: str, text: str, noted: bool
) -> None:
    files = {**FILES, f"app/services/{module}": text}
    result = apply_in_process(tmp_path, "move-commits", files, "app")
    assert "app/services/job_service.py" in [c.path for c in result.changes]
    assert any(NOTE in note for note in result.notes) is noted, result.notes


def test_no_note_where_the_user_chose_the_service_modules(tmp_path: Path) -> None:
    files = {**FILES, "app/services/scheduler.py": LOOP}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    spec = CodemodSpec(
        get_codemod("move-commits"), "move-commits", (("service_module", "{name}_svc"),)
    )
    result = run(Workspace(root=tmp_path), RunOptions(specs=[spec], paths=[tmp_path], apply=True))
    assert "app/services/job_svc.py" in [c.path for c in result.changes]
    assert not [note for note in result.notes if "a package the project has already" in note]
