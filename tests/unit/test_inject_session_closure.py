"""inject-session's plan analyses only the files that can change it (closure.py), most of them only
for their session parameter forms (analyze.analyze_forms), and its scan only the files that may
hold a singleton (quick.py): the plan, the errors and the verdicts are those of a scan that analyses
every file its prefilter lets through and a plan that analyses every project file in full."""

from __future__ import annotations

import random
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from backfix.builtin_codemods.inject_session import InjectSession, closure
from backfix.builtin_codemods.inject_session import plan as plan_module
from testkit import write_files, write_webapp_corpus

from backfix.builtin_codemods import inject_session
from backfix.codemod import Plan, ProjectContext
from backfix.config import tomllib
from backfix.discovery import Workspace
from backfix.results import FileFacts
from backfix.runner import CodemodSpec, RunOptions, run

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "snapshots" / "inject-session"
E2E_APP = REPO / "tests" / "e2e" / "inject_session_app"


class _Outcome:
    """One run: the plans inject-session made, the run's errors and violations, the files it asked."""

    def __init__(self) -> None:
        self.plans: list[Plan[Any]] = []
        self.asked: list[list[str]] = []
        #: per plan, the files it read only the forms part of
        self.forms: list[list[str]] = []
        self.files = 0
        self.errors: list[Any] = []
        self.violations: list[Any] = []

    def same_as(self, other: _Outcome) -> None:
        assert [p.violations for p in self.plans] == [p.violations for p in other.plans]
        assert [p.edits for p in self.plans] == [p.edits for p in other.plans]
        assert self.errors == other.errors
        assert self.violations == other.violations


def _run(
    root: Path,
    paths: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    *,
    every_file: bool,
    cache: bool = False,
    forms: bool = True,
) -> _Outcome:
    """A run; ``every_file``: without the scan's pre-check, the plan analysing every file in full;
    without ``forms``, the plan analyses the closure's files in full."""
    outcome = _Outcome()
    original_plan = InjectSession.plan
    closure_files = closure.relevant_files

    def record(
        self: InjectSession, facts: list[FileFacts[Any]], project: ProjectContext
    ) -> Plan[Any]:
        found = original_plan(self, facts, project)
        outcome.plans.append(found)
        return found

    def files_to_analyse(
        project: ProjectContext, files: list[str], scanned: Mapping[str, FileFacts[Any]]
    ) -> closure.Relevant:
        wanted = closure_files(project, files, scanned)
        if every_file:
            wanted = closure.Relevant(whole=list(files), forms=[])
        elif not forms:
            wanted = closure.Relevant(whole=list(wanted), forms=[])
        outcome.asked.append(list(wanted))
        outcome.forms.append(wanted.forms)
        outcome.files = len(files)
        return wanted

    with monkeypatch.context() as patch:
        patch.setattr(InjectSession, "plan", record)
        patch.setattr(plan_module, "relevant_files", files_to_analyse)
        if every_file:
            patch.setattr(inject_session, "may_hold_singleton", lambda tree: True)
        spec = CodemodSpec(InjectSession, "inject-session")
        options = RunOptions(specs=[spec], paths=paths, jobs=1, cache=cache)
        result = run(Workspace(root=root), options)
    outcome.errors = result.errors
    outcome.violations = result.violations
    return outcome


def _compare(root: Path, paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> _Outcome:
    """Plan with the closure (with and without the forms part) and with every file in full: the
    plans must be equal."""
    every = _run(root, paths, monkeypatch, every_file=True)
    whole = _run(root, paths, monkeypatch, every_file=False, forms=False)
    kept = _run(root, paths, monkeypatch, every_file=False)
    whole.same_as(every)
    kept.same_as(every)
    assert kept.asked == whole.asked
    return kept


def _snapshot_cases() -> list[Path]:
    return sorted(p for p in SNAPSHOTS.iterdir() if (p / "case.toml").is_file())


@pytest.mark.parametrize("case", _snapshot_cases(), ids=lambda p: p.name)
def test_snapshot_inputs_plan_the_same(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tomllib.loads((case / "case.toml").read_text())
    if (case / "input").is_dir():
        shutil.copytree(case / "input", tmp_path, dirs_exist_ok=True)
        raw = table.get("path", ".")
        paths = [tmp_path / p for p in ([raw] if isinstance(raw, str) else raw)]
    else:
        target = tmp_path / table.get("filename", "input.py")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(case / "input.py", target)
        paths = [tmp_path]
    _compare(tmp_path, paths, monkeypatch)


def test_the_e2e_app_plans_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(E2E_APP, tmp_path / "app_root")
    root = tmp_path / "app_root"
    outcome = _compare(root, [root], monkeypatch)
    assert outcome.plans and outcome.plans[0].violations


# -- a generated web app with singletons -------------------------------------------------------

SERVICE = """from sqlalchemy.orm import Session

from ..models import {model}


class {model}Report:
    def __init__(self):
        self.db = None

    def rows(self):
        return self.db.query({model}).all()


{name} = {model}Report()
"""


def _singleton_files(rng: random.Random, models: list[str]) -> dict[str, str]:
    """Singletons of sessionless services, used through re-exports, renames and both kinds of
    route (with and without a session of their own)."""
    files: dict[str, str] = {}
    exports: list[str] = []
    for index, model in enumerate(models):
        name = f"{model.lower()}_report"
        files[f"webapp/reports/{name}.py"] = SERVICE.format(model=model, name=name)
        exports.append(f"from .{name} import {name} as {name}_{index}")
        own_session = rng.random() < 0.5
        param = "db: Session = Depends(get_db)" if own_session else ""
        files[f"webapp/api/{name}_routes.py"] = (
            "from fastapi import APIRouter, Depends\n"
            "from sqlalchemy.orm import Session\n\n"
            "from ..database import get_db\n"
            f"from ..reports import {name}_{index} as report\n\n"
            "router = APIRouter()\n\n\n"
            f'@router.get("/{name}")\n'
            f"def show({param}):\n"
            "    return report.rows()\n"
        )
    files["webapp/reports/__init__.py"] = "\n".join(exports) + "\n"
    files["webapp/api/__init__.py"] = ""
    return files


@pytest.mark.parametrize("seed", [1, 2])
def test_a_generated_web_app_plans_the_same(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_webapp_corpus(tmp_path, seed=seed, resources=12)
    rng = random.Random(seed)
    write_files(
        tmp_path, _singleton_files(rng, rng.sample(["Job", "Invoice", "Order", "Ticket"], 3))
    )
    models = (tmp_path / "webapp" / "models.py").read_text()
    for model in ("Job", "Invoice", "Order", "Ticket"):
        models += f"\n\nclass {model}:\n    pass\n"
    (tmp_path / "webapp" / "models.py").write_text(models)
    outcome = _compare(tmp_path, [tmp_path / "webapp" / "reports"], monkeypatch)
    assert outcome.plans[0].violations
    assert outcome.forms[0]  # routes read only for their session parameters
    assert len(outcome.asked[0]) < outcome.files  # the closure left files out
    # the whole project scanned: services without a singleton get no facts from the scan
    outcome = _compare(tmp_path, [tmp_path], monkeypatch)
    assert outcome.plans[0].violations


# -- one project per rule of the closure --------------------------------------------------------

EXPORT = """from sqlalchemy.orm import Session


class ExportService:
    def __init__(self):
        self.db = None

    def run(self):
        return self.db.query(Session).all()


export_service = ExportService()
"""
#: ``exp`` in full-width letters: Python reads it as ``exp``, LibCST as written
WIDE = "\uff45\uff58\uff50"
DB = "def get_db():\n    yield None\n"


def _route(imports: str, body: str, param: str = "") -> str:
    return (
        "from fastapi import APIRouter, Depends\n"
        "from sqlalchemy.orm import Session\n\n"
        f"{imports}\n\n"
        "router = APIRouter()\n\n\n"
        '@router.get("/x")\n'
        f"def handler({param}):\n"
        f"    return {body}\n"
    )


def _other_routes(count: int, param: str = "db: Session = Depends(get_db)") -> dict[str, str]:
    """Routes that never mention the singleton but hold the session forms a route may copy."""
    return {
        f"app/api/other_{i}.py": _route("from app.db import get_db", "db", param)
        for i in range(count)
    }


EDGE_CASES: dict[str, dict[str, str]] = {
    "renamed_reexport_chain": {
        "app/services/export.py": EXPORT,
        "app/services/__init__.py": "from .export import export_service as exporter\n",
        "app/api/shared.py": "from app.services import exporter as run_exports\n",
        "app/api/routes.py": _route(
            "from app.db import get_db\nfrom app.api.shared import run_exports",
            "run_exports.run()",
        ),
        "app/db.py": DB,
        **_other_routes(3),
    },
    "star_import": {
        "app/services/export.py": EXPORT,
        "app/api/routes.py": _route(
            "from app.db import get_db\nfrom app.services.export import *",
            "export_service.run()",
            "db: Session = Depends(get_db)",
        ),
        "app/api/direct.py": _route(
            "from app.db import get_db\nfrom app.services.export import export_service",
            "export_service.run()",
        ),
        "app/db.py": DB,
        **_other_routes(2),
    },
    "module_attribute_reference": {
        "app/services/export.py": EXPORT,
        "app/api/routes.py": _route(
            "import app.services.export", "app.services.export.export_service.run()"
        ),
        "app/api/aliased.py": _route(
            "import app.services.export as exports", "exports.export_service.run()"
        ),
        "app/db.py": DB,
    },
    "alias_annotation_in_another_file": {
        "app/services/export.py": EXPORT,
        "app/deps.py": (
            "from typing import Annotated\n\nfrom fastapi import Depends\n"
            "from sqlalchemy.orm import Session\n\nfrom app.db import get_db\n\n"
            "SessionDep = Annotated[Session, Depends(get_db)]\n"
        ),
        "app/api/__init__.py": "from app.deps import SessionDep as DbSession\n",
        "app/api/routes.py": _route(
            "from app.services.export import export_service", "export_service.run()"
        ),
        "app/db.py": DB,
        **{
            f"app/api/typed_{i}.py": _route(
                "from app.api import DbSession\nfrom app.db import get_db", "db", "db: DbSession"
            )
            for i in range(3)
        },
        **_other_routes(1),
    },
    "forms_in_files_that_never_name_the_singleton": {
        "app/services/export.py": EXPORT,
        "app/api/routes.py": _route(
            "from app.services.export import export_service", "export_service.run()"
        ),
        "app/db.py": DB + "\n\ndef get_session():\n    yield None\n",
        "app/api/legacy.py": _route(
            "from app.db import get_session", "db", "db: Session = Depends(get_session)"
        ),
        "app/api/commented.py": _route(
            "from app.db import get_db",
            "db",
            "db: Annotated[  # a Session\n        object, Depends(get_db)\n    ]",
        ).replace("from fastapi", "from typing import Annotated\nfrom fastapi"),
        **_other_routes(3, "session: Session = Depends(get_db)"),
    },
    "forms_through_plain_imports": {
        "app/services/export.py": EXPORT,
        "app/api/routes.py": _route(
            "from app.services.export import export_service", "export_service.run()"
        ),
        "app/db.py": DB,
        **{
            f"app/api/plain_{i}.py": _route(
                "import os\nimport json\nimport app.db as deps\nimport app.db",
                "os.getcwd()",
                "db: Session = Depends(deps.get_db)",
            )
            for i in range(3)
        },
        "app/api/dotted.py": _route("import app.db", "db", "db: Session = Depends(app.db.get_db)"),
    },
    "unparseable_files": {
        "app/services/export.py": EXPORT,
        "app/api/routes.py": _route(
            "from app.db import get_db\nfrom app.services.export import export_service",
            "export_service.run()",
            "db: Session = Depends(get_db)",
        ),
        "app/api/broken.py": "from app.services.export import export_service\ndef f(:\n",
        "app/api/broken_elsewhere.py": "def g(:\n    pass\n",
        "app/db.py": DB,
    },
    "shadowed_module": {
        "app/services/export.py": EXPORT,
        "app/pkg/__init__.py": "",
        "app/pkg/mod.py": "VALUE = 1\n",
        "app/pkg/mod/__init__.py": "from app.services.export import export_service as run_exports\n",
        "app/api/routes.py": _route(
            "from app.db import get_db\nfrom app.pkg.mod import run_exports",
            "run_exports.run()",
            "db: Session = Depends(get_db)",
        ),
        "app/api/direct.py": _route(
            "from app.db import get_db\nfrom app.services.export import export_service",
            "export_service.run()",
            "db: Session = Depends(get_db)",
        ),
        "app/db.py": DB,
    },
    "class_used_under_another_name": {
        "app/services/export.py": EXPORT,
        "app/services/__init__.py": "from .export import ExportService as Exporter\n",
        "app/jobs.py": "from app.services import Exporter as Job\n\nnightly = Job()\n",
        "app/api/routes.py": _route(
            "from app.db import get_db\nfrom app.services.export import export_service",
            "export_service.run()",
            "db: Session = Depends(get_db)",
        ),
        "app/db.py": DB,
    },
    "scanned_service_without_a_singleton_uses_it": {
        "app/services/export.py": EXPORT,
        "app/services/nightly.py": (
            "from app.services.export import export_service\n\n\nclass Nightly:\n"
            "    def run(self):\n        self.db.commit()\n        return export_service.run()\n"
        ),
        "app/api/routes.py": _route(
            "from app.db import get_db\nfrom app.services.export import export_service",
            "export_service.run()",
            "db: Session = Depends(get_db)",
        ),
        "app/db.py": DB,
    },
    "scanned_file_outside_the_project_files": {
        "app/services/export.py": EXPORT,
        "app/services/build/legacy.py": (
            "from app.services.export import export_service\n\n\nclass Legacy:\n"
            "    def run(self):\n        self.db.commit()\n        return export_service.run()\n"
        ),
        "app/api/routes.py": _route(
            "from app.db import get_db\nfrom app.services.export import export_service",
            "export_service.run()",
            "db: Session = Depends(get_db)",
        ),
        "app/db.py": DB,
    },
    "flask_user": {
        "app/services/export.py": EXPORT,
        "app/views.py": (
            "from flask import Blueprint\n\nfrom app.services.export import export_service\n\n"
            "bp = Blueprint('x', __name__)\n\n\n@bp.route('/x')\ndef x():\n"
            "    return export_service.run()\n"
        ),
        **_other_routes(2),
        "app/db.py": DB,
    },
    "names_python_normalises": {
        "app/services/export.py": EXPORT,
        "app/api/wide.py": f"from app.services.export import export_service as {WIDE}\n",
        "app/api/routes.py": _route(
            f"from app.db import get_db\nfrom app.api.wide import {WIDE}",
            f"{WIDE}.run()",
            "db: Session = Depends(get_db)",
        ),
        "app/api/narrow.py": _route(
            "from app.db import get_db\nfrom app.api.wide import exp", "exp.run()"
        ),
        "app/db.py": DB,
    },
}


#: the verdict of each case ("": fixed), so that each one reaches the rule it is about
EXPECTED = {
    "renamed_reexport_chain": "",
    "star_import": "",
    "module_attribute_reference": "singleton-used-as-value",
    "alias_annotation_in_another_file": "",
    "forms_in_files_that_never_name_the_singleton": "",
    "forms_through_plain_imports": "",
    "unparseable_files": "singleton-used-as-value",
    "shadowed_module": "",
    "class_used_under_another_name": "class-instantiated-elsewhere",
    "scanned_service_without_a_singleton_uses_it": "call-outside-route",
    "scanned_file_outside_the_project_files": "call-outside-route",
    "flask_user": "flask-app",
    "names_python_normalises": "",
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_each_rule_of_the_closure_keeps_the_plan(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(
        tmp_path, {"app/__init__.py": "", "app/services/__init__.py": "", **EDGE_CASES[name]}
    )
    outcome = _compare(tmp_path, [tmp_path / "app" / "services"], monkeypatch)
    (violation,) = outcome.plans[0].violations
    assert violation.reason_id == EXPECTED[name], violation.reason
    if name.startswith("forms_"):
        assert outcome.forms[0]


def test_a_file_in_another_encoding_is_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, {"app/services/export.py": EXPORT, "app/db.py": DB})
    (tmp_path / "app" / "api").mkdir()
    (tmp_path / "app" / "api" / "old.py").write_bytes(
        "# -*- coding: latin-1 -*-\n# café\nfrom app.services.export import export_service\n"
        "x = export_service.run()\n".encode("latin-1")
    )
    outcome = _compare(tmp_path, [tmp_path / "app" / "services"], monkeypatch)
    assert "app/api/old.py" in outcome.asked[0]


def test_names_are_sketched_as_written() -> None:
    """A name Python would normalise (NFKC) sends its file to LibCST; comments do not."""
    plain = f"x = 1  # {WIDE} in a comment\n"
    assert closure.names_as_written(plain.encode(), plain)
    wide = f"{WIDE} = 1\n"
    assert not closure.names_as_written(wide.encode(), wide)


def test_cached_facts_are_taken_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a warm cache the plan takes every cached file instead of sketching it; a changed file is
    sketched again. The plans stay those of analysing every file."""
    files = {"app/__init__.py": "", "app/services/__init__.py": ""}
    write_files(tmp_path, {**files, **EDGE_CASES["alias_annotation_in_another_file"]})
    paths = [tmp_path / "app" / "services"]
    cold = _run(tmp_path, paths, monkeypatch, every_file=False)
    every = _run(tmp_path, paths, monkeypatch, every_file=True, cache=True)
    other = tmp_path / "app" / "api" / "other_0.py"
    other.write_text(other.read_text() + "# changed\n")
    warm = _run(tmp_path, paths, monkeypatch, every_file=False, cache=True)
    cold.same_as(every)
    warm.same_as(every)
    assert "app/__init__.py" not in cold.asked[0]
    assert "app/__init__.py" in warm.asked[0]


AUDIT = EXPORT.replace("ExportService", "AuditService").replace("export_service", "audit_service")


def test_cached_forms_never_stand_in_for_the_full_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the plan read only for its forms (cached so) and that, unchanged, may use a
    singleton in the next run is analysed in full then, as analysing every file would; the
    files whose forms are cached are taken without a sketch of their own."""
    taken: list[list[str]] = []
    known_forms = closure._known_forms

    def record(found: Any, paths: list[str]) -> dict[str, bytes]:
        raws = known_forms(found, paths)
        taken.append(sorted(raws))
        return raws

    monkeypatch.setattr(closure, "_known_forms", record)
    audit = AUDIT.replace("\naudit_service = AuditService()\n", "")
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/services/__init__.py": "",
            "app/services/export.py": EXPORT,
            "app/services/audit.py": audit,
            "app/api/routes.py": _route(
                "from app.services.export import export_service", "export_service.run()"
            ),
            # the singleton is called in a helper whose session's type is an alias: only the
            # full facts' sketch follows it to app/deps.py
            "app/api/audited.py": _route(
                "from app.db import get_db\nfrom app.deps import SessionDep\n"
                "from app.services.audit import audit_service",
                "helper(db)",
                "db: Session = Depends(get_db)",
            )
            + "\n\ndef helper(db: SessionDep):\n    return audit_service.run()\n",
            "app/deps.py": EDGE_CASES["alias_annotation_in_another_file"]["app/deps.py"],
            "app/db.py": DB,
        },
    )
    paths = [tmp_path / "app"]
    cold = _run(tmp_path, paths, monkeypatch, every_file=False, cache=True)
    assert "app/api/audited.py" in cold.forms[0]
    again = _run(tmp_path, paths, monkeypatch, every_file=False, cache=True)
    again.same_as(cold)
    assert again.forms == cold.forms
    (tmp_path / "app" / "services" / "audit.py").write_text(AUDIT)
    deps = tmp_path / "app" / "deps.py"
    deps.write_text(deps.read_text() + "# changed: kept only if followed\n")
    warm = _run(tmp_path, paths, monkeypatch, every_file=False, cache=True)
    assert "app/api/audited.py" not in warm.forms[0]
    every = _run(tmp_path, paths, monkeypatch, every_file=True)
    warm.same_as(every)
    assert [v.fixable for v in warm.plans[0].violations] == [True, True]
    assert "app/api/audited.py" in warm.plans[0].edits
    assert taken[0] == [] and taken[1] == cold.forms[0]
    assert "app/api/audited.py" in taken[2]
