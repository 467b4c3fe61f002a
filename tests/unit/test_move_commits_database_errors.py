"""move-commits: the writes before a ``try`` that ends the unit move under its handlers when those
catch database errors only: SQLAlchemy's, or a DB-API driver's (``sqlite3.IntegrityError``,
``psycopg2.errors.UniqueViolation``), which only the database raises."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import apply_in_process

ROUTES = """\
{imports}
from flask import Blueprint, flash

from app import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def create_job():
    job = Job(title="new")
    db.session.add(job)
    try:
        db.session.commit()
    except {caught}:
        db.session.rollback()
        flash("duplicate")
    return "ok"
"""
FILES = {
    "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
    "app/models.py": (
        "from app import db\n\n\n"
        "class Job(db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
        "    title = db.Column(db.String)\n"
    ),
    "app/routes/__init__.py": "",
}


@pytest.mark.parametrize(
    ("imports", "caught", "moves"),
    [
        ("import sqlite3\n", "sqlite3.IntegrityError", True),
        ("from psycopg2.errors import UniqueViolation\n", "UniqueViolation", True),
        ("from sqlean.dbapi2 import IntegrityError\n", "IntegrityError", True),
        ("from sqlalchemy.exc import IntegrityError\n", "IntegrityError", True),
        # a driver's warning, and any other error, is not the database's error
        ("import sqlite3\n", "sqlite3.Warning", False),
        ("", "ValueError", False),
    ],
)
def test_writes_move_under_handlers_of_database_errors_only(
    tmp_path: Path, imports: str, caught: str, moves: bool
) -> None:
    files = {**FILES, "app/routes/jobs.py": ROUTES.format(imports=imports, caught=caught)}
    result = apply_in_process(tmp_path, "move-commits", files, "app/routes")
    [violation] = result.violations if not moves else [None]
    if moves:
        assert [c.path for c in result.changes] == [
            "app/routes/jobs.py",
            "app/services/__init__.py",
            "app/services/job_service.py",
        ]
        service = next(c for c in result.changes if c.path == "app/services/job_service.py")
        moved = '        job = Job(title="new")\n        db.session.add(job)\n        try:\n'
        assert moved in service.after.decode()
    else:
        assert violation is not None and not violation.fixable
        assert violation.reason_id == "writes-before-try", violation.reason
        assert f"`except {caught}`, which catches more than database errors" in violation.reason
