"""task-sessions' `ast` pre-check never hides a hand-off, and skipping files changes no result.

The scan skips the LibCST analysis of a file when the pre-check says it cannot hand a session to
work that runs later; the plan analyses such a file in full when a name leads there. So the
pre-check must say yes wherever the analysis finds a hand-off, and a run with it must report,
fix and rewrite exactly what a run without it does. The inputs: hand-written edge cases, every
snapshot input of every codemod, the e2e applications and a generated web-app corpus.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.task_sessions import TaskSessions
from backfix.builtin_codemods.task_sessions.analyze import analyze_module
from backfix.builtin_codemods.task_sessions.quick import may_hand_off
from testkit import repository_sources, write_webapp_corpus

from backfix.builtin_codemods import task_sessions
from backfix.discovery import Workspace
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run

ROOT = Path(__file__).resolve().parents[2]

_ROUTE = "from fastapi import BackgroundTasks, Depends\n\n"
EDGES = {
    "add_task": _ROUTE
    + "def r(tasks: BackgroundTasks, db=Depends(get_db)):\n    tasks.add_task(work, db)\n",
    "keyword": _ROUTE
    + "def r(tasks: BackgroundTasks, db=Depends(get_db)):\n    tasks.add_task(work, s=db)\n",
    "keyword-only": _ROUTE
    + "def r(*, tasks: BackgroundTasks, db=Depends(get_db)):\n    tasks.add_task(work, db)\n",
    "annotated": "def r(tasks, db: Session):\n    tasks.add_task(work, db)\n",
    "starlette": "def r(db: Session):\n    return BackgroundTask(work, db)\n",
    "asyncio": "import asyncio\n\nasync def r(db: Session):\n    asyncio.create_task(work(db))\n",
    "awaited": "async def r(loop, db: Session):\n    await loop.run_in_executor(None, work, db)\n",
    "thread": "def r(db: Session):\n    Thread(target=work, args=(db,)).start()\n",
    "lambda": "def r(db: Session):\n    Thread(target=lambda db: work(db)).start()\n",
    "executor": "def r(pool, db: Session):\n    pool.submit(work, db)\n",
    "nested function": "def r(pool, db: Session):\n    def inner():\n        pool.submit(work, db)\n",
    "in a block": "if on:\n    def r(pool, db: Session):\n        pool.submit(work, db)\n",
    "flask thread": "def r():\n    Thread(target=work, args=(db.session,)).start()\n",
    "flask at module level": "Thread(target=work, args=(db.session,)).start()\n",
    "flask in a method": "class A:\n    def r(self):\n        Thread(target=w, args=(db.session,))\n",
    "flask in a call": "def r(pool):\n    pool.submit(work, db.session.get(Job, 1))\n",
    "method": "class A:\n    def r(self, db: Session):\n        self.pool.submit(work, db)\n",
    "no session read": "def r(pool, db: Session):\n    pool.submit(work, 1)\n",
    "plain parameter": "def r(pool, db):\n    pool.submit(work, db)\n",
    "no hand-off kind": "def r(db: Session):\n    form.validate(work, db)\n",
    "add_task of a name": "def r(db: Session):\n    add_task(work, db)\n",
    "starlette without session": "def r(db: Session):\n    return BackgroundTask(work, 1)\n",
    "object": "def r(tasks, db: Session):\n    job = Job(db)\n    tasks.add_task(job.run)\n",
    "object argument": "def r(pool, db: Session):\n    job = Job(s=db)\n    pool.submit(go, job)\n",
    "annotated object": "def r(tasks, db: Session):\n    j: Job = Job(db)\n    tasks.add_task(j.run)\n",
    "controller": "@cbv(router)\nclass C:\n    def r(self, tasks):\n        tasks.add_task(w, self.db)\n",
    "controller route": (
        "class C:\n    @router.post('/')\n    def r(me, tasks):\n"
        "        job = Job(me.repos)\n        tasks.add_task(job.run)\n"
    ),
    "controller lambda": (
        "@controller(router)\nclass C:\n    def r(self, tasks):\n"
        "        tasks.add_task(lambda: self.go())\n"
    ),
    "no controller": "class C:\n    def r(self, tasks):\n        tasks.add_task(w, self.db)\n",
}


def _sources() -> dict[str, str]:
    return {**{f"edge: {name}": code for name, code in EDGES.items()}, **repository_sources()}


def _write_corpus(tmp_path: Path) -> Path:
    write_webapp_corpus(tmp_path, seed=3, resources=4)
    return tmp_path


def _corpus(tmp_path: Path) -> dict[str, str]:
    root = _write_corpus(tmp_path)
    return {str(p): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))}


def _disagreements(sources: dict[str, str]) -> tuple[list[str], list[str]]:
    """(names where the pre-check hides a hand-off, names where it errs towards yes)."""
    hidden, extra = [], []
    for name, code in sources.items():
        try:
            tree = ast.parse(code)
            module = cst.parse_module(code)
        except (SyntaxError, cst.ParserSyntaxError):
            continue
        data = analyze_module(module)
        libcst_says = bool(data.hand_offs or data.method_hand_offs)
        quick_says = may_hand_off(tree)
        if libcst_says and not quick_says:
            hidden.append(name)
        elif quick_says and not libcst_says:
            extra.append(name)
    return hidden, extra


def test_the_pre_check_never_hides_a_hand_off(tmp_path: Path) -> None:
    hidden, _ = _disagreements({**_sources(), **_corpus(tmp_path)})
    assert hidden == []


def test_the_pre_check_errs_only_where_it_is_wider() -> None:
    _, extra = _disagreements({f"edge: {n}": c for n, c in EDGES.items()})
    assert extra == ["edge: awaited", "edge: flask in a call", "edge: add_task of a name"]


@pytest.mark.parametrize("name", ["no session read", "plain parameter", "method", "no controller"])
def test_files_without_a_hand_off_are_skipped(name: str) -> None:
    assert not may_hand_off(ast.parse(EDGES[name]))


def _run(root: Path, apply: bool) -> RunResult:
    spec = CodemodSpec(TaskSessions, "task-sessions", ())
    options = RunOptions(specs=[spec], paths=[root], jobs=1, apply=apply, config={"format": False})
    return run(Workspace(root=root), options)


def _outcome(root: Path) -> tuple[object, ...]:
    scan, fixed = _run(root, apply=False), _run(root, apply=True)
    changes = [(c.path, c.before, c.after) for c in fixed.changes]
    return scan.violations, scan.errors, fixed.violations, fixed.fixed, fixed.errors, changes


#: a project whose task and dependency live in files the scan skips (they start threads, but
#: hand them no session): the plan must still find and rewrite both
PROJECT = {
    "app/__init__.py": "",
    "app/database.py": (
        "from concurrent.futures import ThreadPoolExecutor\n\n"
        "from sqlalchemy.orm import sessionmaker\n\n"
        "SessionLocal = sessionmaker()\n"
        "pool = ThreadPoolExecutor()\n\n\n"
        "def get_db():\n"
        "    db = SessionLocal()\n"
        "    try:\n"
        "        yield db\n"
        "    finally:\n"
        "        db.close()\n\n\n"
        "def warm_up():\n"
        "    pool.submit(print, 'ready')\n"
    ),
    "app/jobs.py": (
        "from threading import Thread\n\n"
        "from sqlalchemy.orm import Session\n\n\n"
        "def process(job_id: int, db: Session) -> None:\n"
        "    db.get(object, job_id)\n\n\n"
        "def tick() -> None:\n"
        "    Thread(target=print, args=(1,)).start()\n"
    ),
    "app/routes.py": (
        "from fastapi import BackgroundTasks, Depends, FastAPI\n"
        "from sqlalchemy.orm import Session\n\n"
        "from app.database import get_db\n"
        "from app.jobs import process\n\n"
        "app = FastAPI()\n\n\n"
        "@app.post('/jobs/{job_id}')\n"
        "def run(job_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    tasks.add_task(process, job_id, db)\n"
        "    return {'queued': job_id}\n"
    ),
}
#: valid Python that LibCST cannot parse (a form feed before an indented line), with no hand-off
ODD = (
    "from threading import Thread\n\nif x:\n\f    try:\n        Thread(target=print).start()\n"
    "    except OSError:\n        pass\n"
)


def _roots(tmp_path: Path) -> list[Path]:
    """Every snapshot case (one folder each, in one root), the e2e app, a project of our own whose
    task and dependency files the scan skips, and a generated web-app corpus."""
    cases = tmp_path / "cases"
    for case in sorted((ROOT / "snapshots" / "task-sessions").iterdir()):
        if (case / "input").is_dir():
            shutil.copytree(case / "input", cases / case.name)
        elif (case / "input.py").is_file():
            (cases / case.name).mkdir(parents=True)
            shutil.copy(case / "input.py", cases / case.name / "input.py")
    app = tmp_path / "app"
    shutil.copytree(ROOT / "tests" / "e2e" / "task_sessions_app", app)
    project = tmp_path / "project"
    for name, text in PROJECT.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    return [cases, app, project, _write_corpus(tmp_path / "corpus")]


def test_the_project_files_are_skipped_but_planned(tmp_path: Path) -> None:
    project = _roots(tmp_path)[2]
    skipped = [
        name
        for name in ("app/database.py", "app/jobs.py")
        if TaskSessions.wants((project / name).read_bytes())
        and not may_hand_off(ast.parse((project / name).read_bytes()))
    ]
    assert skipped == ["app/database.py", "app/jobs.py"]
    scan = _run(project, apply=False)
    assert [(v.path, v.fixable) for v in scan.violations] == [("app/routes.py", True)]
    fixed = _run(project, apply=True)
    assert [c.path for c in fixed.changes] == ["app/jobs.py", "app/routes.py"]


def test_a_skipped_file_libcst_cannot_parse_is_no_error_unless_planned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one difference the pre-check makes (docs/task-sessions.md, "What a scan reads")."""
    project = _roots(tmp_path)[2]
    (project / "app" / "odd.py").write_text(ODD, encoding="utf-8")
    quick = _run(project, apply=True)
    assert quick.errors == []
    monkeypatch.setattr(task_sessions, "may_hand_off", lambda tree: True)
    full = _run(project, apply=True)
    assert [(e.path, e.kind) for e in full.errors] == [("app/odd.py", "unsupported-syntax")]
    assert (quick.violations, quick.fixed) == (full.violations, full.fixed)
    assert [c.after for c in quick.changes] == [c.after for c in full.changes]


def test_runs_with_and_without_the_pre_check_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roots = _roots(tmp_path)
    quick = [_outcome(root) for root in roots]
    monkeypatch.setattr(task_sessions, "may_hand_off", lambda tree: True)
    full = [_outcome(root) for root in roots]
    assert quick == full
    assert any(outcome[0] for outcome in full)  # the inputs do hold hand-offs
