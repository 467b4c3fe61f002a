"""A file a plan reads itself and cannot parse is a per-file error of the run, never skipped silently.

async-queries reads the project's models, query classes and relationships from every file that may
define them, also files no codemod analyses; one it cannot parse would otherwise just be missing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from testkit import invoke_in

APP = """\
from models import User


def names(session):
    return [u.name for u in session.query(User).all()]
"""


def scan_json(folder: Path) -> tuple[int, dict[str, object]]:
    """``scan --codemod async-queries --format json`` of ``folder``: exit code and document."""
    args = ["--no-cache", "scan", "--no-ledger", "--codemod", "async-queries", "--format", "json"]
    code, out, _ = invoke_in(folder, *args)
    return code, json.loads(out)


def test_an_unparseable_file_the_plan_reads_is_reported(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "models.py").write_text('class User(Base):\n    __tablename__ = "user"\n')
    # no query, no session: async-queries does not analyse it, only its plan reads it for models
    (tmp_path / "broken.py").write_text("class Broken(:\n    pass\n", encoding="utf-8")
    code, document = scan_json(tmp_path)
    assert code == 2
    assert document["errors"] == [
        {
            "path": "broken.py",
            "line": 1,
            "col": 14,
            "kind": "syntax-error",
            "message": f"Python {sys.version_info.major}.{sys.version_info.minor} cannot parse "
            "this file (invalid syntax), so async-queries does not know the models, query "
            "classes and relationships it defines",
        }
    ]
    assert [v["path"] for v in document["violations"]] == ["app.py"]  # type: ignore[attr-defined]


def test_a_file_the_engine_already_reported_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP + "\nclass Oops(:\n    pass\n", encoding="utf-8")
    _, document = scan_json(tmp_path)
    errors = document["errors"]
    assert isinstance(errors, list)
    assert [(e["path"], e["kind"]) for e in errors] == [("app.py", "syntax-error")]
    assert "async-queries" not in errors[0]["message"]  # the engine's own parse error
