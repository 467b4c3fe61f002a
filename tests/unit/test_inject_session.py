"""inject-session: detection, every manual reason's id (documented), and an independent recount."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.inject_session import reasons as R
from backfix.builtin_codemods.inject_session.analyze import analyze_module
from testkit import invoke_in

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "inject-session.md"
CASES = ROOT / "snapshots" / "inject-session"

SERVICE = """\
class ExportService:
    def __init__(self):
        self.db = None

    def run(self):
        return self.db.query(Job).all()


export_service = ExportService()
"""


def test_a_sessionless_singleton_is_found() -> None:
    data = analyze_module(cst.parse_module(SERVICE))
    assert [(s.name, s.attr, s.method) for s in data.services] == [("ExportService", "db", "query")]
    assert [(s.name, s.class_name, s.line) for s in data.singletons] == [
        ("export_service", "ExportService", 9)
    ]


@pytest.mark.parametrize(
    "source",
    [
        SERVICE.replace("def __init__(self):", "def __init__(self, db):").replace("= None", "= db"),
        SERVICE.replace("self.db.query(Job).all()", "self.db.get(1)"),
        SERVICE.replace("export_service = ExportService()\n", ""),
    ],
)
def test_no_violation_without_the_whole_pattern(source: str) -> None:
    data = analyze_module(cst.parse_module(source))
    assert not (data.services and data.singletons)


def test_a_flask_sqlalchemy_subclass_has_its_session_from_its_base() -> None:
    """``class AppSQLAlchemy(SQLAlchemy)`` calling ``self.session.flush()``: Flask-SQLAlchemy's
    ``__init__`` sets ``self.session``, so the module-level ``db`` is no sessionless singleton."""
    source = (
        "from flask_sqlalchemy import SQLAlchemy\n\n\n"
        "class AppSQLAlchemy(SQLAlchemy):\n"
        "    def enforce_constraints(self):\n"
        "        self.session.flush()\n\n\n"
        "db = AppSQLAlchemy()\n"
    )
    assert analyze_module(cst.parse_module(source)).services == ()
    flask_sqlalchemy = source.replace("(SQLAlchemy)", "(flask_sqlalchemy.SQLAlchemy)")
    assert analyze_module(cst.parse_module(flask_sqlalchemy)).services == ()


def test_a_method_that_builds_the_session_itself_is_not_sessionless() -> None:
    source = SERVICE.replace(
        "    def run(self):",
        "    def connect(self):\n        self.db = SessionLocal()\n\n    def run(self):",
    )
    assert analyze_module(cst.parse_module(source)).services == ()


def test_a_setter_fed_from_outside_leaves_the_service_sessionless() -> None:
    source = SERVICE.replace(
        "    def run(self):", "    def bind(self, db):\n        self.db = db\n\n    def run(self):"
    )
    services = analyze_module(cst.parse_module(source)).services
    assert [(s.name, s.attr, s.setters) for s in services] == [("ExportService", "db", ("bind",))]


def _documented() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## Manual-review reasons\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^### (\S+)$", section, re.MULTILINE)


def test_every_reason_id_is_kebab_case_unique_and_documented() -> None:
    assert len(set(R.ALL)) == len(R.ALL)
    for reason_id in R.ALL:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", reason_id), reason_id
    assert sorted(_documented()) == sorted(R.ALL)


MANUAL_CASES = sorted(p for p in CASES.iterdir() if p.name.startswith("manual_"))


def test_every_reason_has_a_snapshot_case() -> None:
    named = {p.name.removeprefix("manual_").replace("_", "-") for p in MANUAL_CASES}
    assert named == set(R.ALL)


@pytest.mark.parametrize("case", MANUAL_CASES, ids=[p.name for p in MANUAL_CASES])
def test_each_manual_case_reports_its_reason(case: Path, tmp_path: Path) -> None:
    """The case's one violation is manual with the id its folder names, and apply changes nothing."""
    target = tmp_path / "app" / "routes" / "jobs.py"
    target.parent.mkdir(parents=True)
    shutil.copy(case / "input.py", target)
    code, out, _ = invoke_in(
        tmp_path, "scan", "--no-ledger", "--format", "json", "--codemod", "inject-session"
    )
    assert code == 1
    found = json.loads(out)["violations"]
    expected = case.name.removeprefix("manual_").replace("_", "-")
    assert [(v["fixable"], v.get("reason_id")) for v in found] == [(False, expected)]
    assert found[0]["reason"]


class _Recount(ast.NodeVisitor):
    """An independent count of the pattern with `ast`: classes leaving `self.<x>` at None while
    calling `self.<x>.query/execute/...`, instantiated at module level."""

    def __init__(self) -> None:
        self.classes: set[str] = set()
        self.count = 0

    def visit_Module(self, node: ast.Module) -> None:
        for stmt in node.body:
            if isinstance(stmt, ast.ClassDef) and self._sessionless(stmt):
                self.classes.add(stmt.name)
        for stmt in node.body:
            if (
                isinstance(stmt, ast.Assign)
                and isinstance(stmt.value, ast.Call)
                and isinstance(stmt.value.func, ast.Name)
                and stmt.value.func.id in self.classes
            ):
                self.count += 1

    @staticmethod
    def _sessionless(node: ast.ClassDef) -> bool:
        used, set_to_value = set(), set()
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Attribute)
                and sub.func.attr in {"query", "execute", "scalars", "commit"}
                and isinstance(sub.func.value, ast.Attribute)
                and isinstance(sub.func.value.value, ast.Name)
                and sub.func.value.value.id == "self"
            ):
                used.add(sub.func.value.attr)
            if isinstance(sub, ast.Assign):
                for target in sub.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                        and not (isinstance(sub.value, ast.Constant) and sub.value.value is None)
                    ):
                        set_to_value.add(target.attr)
        return bool(used - set_to_value)


def test_every_found_violation_ends_fixed_or_reported(tmp_path: Path) -> None:
    """Over every snapshot input: `ast` counts the pattern; apply fixes or reports exactly that many."""
    expected = 0
    for number, source in enumerate(
        sorted(CASES.rglob("input*/**/*.py")) + sorted(CASES.glob("*/input.py"))
    ):
        recount = _Recount()
        recount.visit(ast.parse(source.read_text()))
        if recount.count:
            folder = tmp_path / f"p{number}" / "app" / "routes"
            folder.mkdir(parents=True)
            shutil.copy(source, folder / "jobs.py")
            expected += recount.count
    code, out, err = invoke_in(
        tmp_path, "scan", "--no-ledger", "--format", "json", "--codemod", "inject-session"
    )
    assert code == 1, err
    assert len(json.loads(out)["violations"]) == expected
