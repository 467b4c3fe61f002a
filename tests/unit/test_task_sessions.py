"""task-sessions: reasons, an independent count of hand-offs, and the rewrite's pieces."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.task_sessions import TaskSessions
from backfix.builtin_codemods.task_sessions import reasons as R
from backfix.builtin_codemods.task_sessions.analyze import analyze_module
from backfix.builtin_codemods.task_sessions.model import DropArgument, TaskFix
from backfix.builtin_codemods.task_sessions.quick import may_hand_off as ast_may_hand_off
from backfix.builtin_codemods.task_sessions.rewrite import (
    drop_unused_import,
    own_session_body,
    without_argument,
)
from backfix.builtin_codemods.task_sessions.settled import (
    APPEND,
    PARTIAL,
    SETTLED,
    commit_state,
    statements,
)
from backfix.builtin_codemods.task_sessions.timing import closes_first
from testkit import write_files

from backfix.discovery import Workspace
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run
from backfix.versions import find_versions

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "task-sessions.md"
CASES = ROOT / "snapshots" / "task-sessions"
HAND_OFF_CALLS = {
    "add_task",
    "BackgroundTask",
    "create_task",
    "ensure_future",
    "Thread",
    "Timer",
    "submit",
    "run_in_executor",
}


#: the comment marking, in the snapshot inputs, a controller method's hand-off of the session
CONTROLLER_MARK = "# hands off the session"


def _documented() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## Manual-review reasons\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^### (\S+)$", section, re.MULTILINE)


def _corpus(tmp_path: Path) -> Path:
    """Every snapshot input as one folder per case."""
    for case in sorted(CASES.iterdir()):
        if (case / "input").is_dir():
            shutil.copytree(case / "input", tmp_path / case.name)
        elif (case / "input.py").is_file():
            (tmp_path / case.name).mkdir()
            shutil.copy(case / "input.py", tmp_path / case.name / "input.py")
    return tmp_path


def _scan(root: Path) -> RunResult:
    spec = CodemodSpec(TaskSessions, "task-sessions", ())
    options = RunOptions(specs=[spec], paths=[root], jobs=1, config={"format": False})
    return run(Workspace(root=root), options)


def test_every_reason_id_is_kebab_case_unique_and_documented() -> None:
    assert len(set(R.ALL)) == len(R.ALL)
    for reason_id in R.ALL:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", reason_id), reason_id
    assert sorted(_documented()) == sorted(R.ALL)


def _aliases(root: Path) -> set[str]:
    """Module-level ``X = Annotated[<...Session...>, Depends(...)]`` names of the corpus."""
    found: set[str] = set()
    for path in root.rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                text = ast.unparse(node.value)
                if text.startswith("Annotated[") and "Session" in text and "Depends(" in text:
                    found.add(node.targets[0].id)
    return found


def _session_params(
    function: ast.FunctionDef | ast.AsyncFunctionDef, aliases: set[str]
) -> set[str]:
    """Parameters typed as a session, directly or through an alias."""
    args = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
    typed = {arg.arg: ast.unparse(arg.annotation) for arg in args if arg.annotation is not None}
    return {name for name, text in typed.items() if "Session" in text or text in aliases}


def _hand_offs(path: Path, aliases: set[str]) -> int:
    """An independent count with `ast`: calls that hand a session parameter (or Flask's
    ``db.session``) to work that runs later."""
    text = path.read_text(encoding="utf-8")
    # which attributes of a class-based controller hold the session depends on its bases, across
    # files: those cases mark each hand-off that passes one
    count = text.count(CONTROLLER_MARK)
    tree = ast.parse(text)
    # an awaited call runs within the request: `await loop.run_in_executor(None, fn, db)`
    awaited = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Await)}
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        sessions = _session_params(function, aliases)
        for call in ast.walk(function):
            if not isinstance(call, ast.Call) or id(call) in awaited:
                continue
            name = call.func.attr if isinstance(call.func, ast.Attribute) else ""
            name = name or (call.func.id if isinstance(call.func, ast.Name) else "")
            if name not in HAND_OFF_CALLS:
                continue
            passed = [*call.args, *(k.value for k in call.keywords)]
            read = {n.id for arg in passed for n in ast.walk(arg) if isinstance(n, ast.Name)}
            flask = any(ast.unparse(arg) == "db.session" for p in passed for arg in ast.walk(p))
            carried = read & _built_with_session(function, sessions, call.lineno)
            count += bool(read & sessions) or flask or bool(carried)
    return count


def _built_with_session(
    function: ast.FunctionDef | ast.AsyncFunctionDef, sessions: set[str], line: int
) -> set[str]:
    """The names whose last assignment before ``line`` is ``Name(..., <session>, ...)`` with a
    capitalised callee (an object holding the session)."""
    last: dict[str, ast.expr] = {}
    assigns = sorted(
        (node for node in ast.walk(function) if isinstance(node, ast.Assign)),
        key=lambda node: node.lineno,
    )
    for node in assigns:
        if node.lineno < line:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    last[target.id] = node.value
    found: set[str] = set()
    for name, value in last.items():
        if not isinstance(value, ast.Call):
            continue
        callee = ast.unparse(value.func).rsplit(".", 1)[-1]
        given = [*value.args, *(k.value for k in value.keywords)]
        plain = {arg.id for arg in given if isinstance(arg, ast.Name)}
        if callee[:1].isupper() and plain & sessions:
            found.add(name)
    return found


def test_every_hand_off_of_the_snapshot_corpus_is_fixed_or_reported(tmp_path: Path) -> None:
    """Counted independently with `ast`: each hand-off is one violation, fixable or with a
    documented reason, and every reason id is exercised by some case."""
    root = _corpus(tmp_path)
    result = _scan(root)
    aliases = _aliases(root)
    expected = sum(_hand_offs(path, aliases) for path in root.rglob("*.py"))
    assert len(result.violations) == expected
    manual = [v for v in result.violations if not v.fixable]
    assert {v.reason_id for v in manual} == set(R.ALL)
    assert all(v.reason for v in manual)
    assert not [v for v in result.violations if v.fixable and v.reason_id]


def _call(code: str) -> cst.Call:
    expr = cst.parse_expression(code)
    assert isinstance(expr, cst.Call)
    return expr


@pytest.mark.parametrize(
    ("code", "drop", "expected"),
    [
        ("t.add_task(f, a, db)", DropArgument(1, 0, 2, None), "t.add_task(f, a)"),
        ("t.add_task(f, db, a)", DropArgument(1, 0, 1, None), "t.add_task(f, a)"),
        ("t.add_task(f, a, db=db)", DropArgument(1, 0, None, "db"), "t.add_task(f, a)"),
        (
            "t.add_task(\n    f,\n    db,\n)",
            DropArgument(1, 0, 1, None),
            "t.add_task(\n    f,\n)",
        ),
        (
            "t.add_task(\n    f,\n    db=db\n)",
            DropArgument(1, 0, None, "db"),
            "t.add_task(\n    f\n)",
        ),
        (
            "Thread(target=f, args=(a, db))",
            DropArgument(1, 0, 1, None, "args"),
            "Thread(target=f, args=(a,))",
        ),
        (
            "Thread(target=f, args=[db, a])",
            DropArgument(1, 0, 0, None, "args"),
            "Thread(target=f, args=[a])",
        ),
        (
            "Thread(target=f, args=(db,), daemon=True)",
            DropArgument(1, 0, 0, None, "args"),
            "Thread(target=f, daemon=True)",
        ),
        (
            'Thread(target=f, kwargs={"a": a, "db": db})',
            DropArgument(1, 0, None, "db", "kwargs"),
            'Thread(target=f, kwargs={"a": a})',
        ),
        (
            'Thread(target=f, kwargs={"db": db})',
            DropArgument(1, 0, None, "db", "kwargs"),
            "Thread(target=f)",
        ),
    ],
)
def test_without_argument_keeps_commas_well_formed(
    code: str, drop: DropArgument, expected: str
) -> None:
    assert cst.Module([]).code_for_node(without_argument(_call(code), drop)) == expected


def _fix(**changes: object) -> TaskFix:
    values: dict[str, object] = {
        "function": "work",
        "param": "db",
        "factory": "SessionLocal()",
        "is_async": False,
        "imports": (),
        "annotation_names": ("Session",),
    }
    values.update(changes)
    return TaskFix(**values)  # type: ignore[arg-type]


def _function(code: str) -> cst.FunctionDef:
    statement = cst.parse_statement(code)
    assert isinstance(statement, cst.FunctionDef)
    return statement


def test_own_session_keeps_the_docstring_first_and_does_not_commit_twice() -> None:
    source = (
        "async def work(job_id, db, *, force=False):\n"
        '    """Doc."""\n'
        "    if not force:\n"
        "        return\n"
        "    await db.commit()\n"
    )
    new = own_session_body(_function(source), _fix(is_async=True), "logger", [])
    assert cst.Module([new]).code == (
        "async def work(job_id, *, force=False):\n"
        '    """Doc."""\n'
        "    async with SessionLocal() as db:\n"
        "        try:\n"
        "            if not force:\n"
        "                return\n"
        "            await db.commit()\n"
        "        except Exception:\n"
        "            await db.rollback()\n"
        '            logger.exception("Background task work failed")\n'
        "            raise\n"
    )


GUARDED = "    item = db.get(Item, item_id)\n    if item is not None:\n        item.name = name\n"


@pytest.mark.parametrize(
    ("body", "state"),
    [
        pytest.param(GUARDED + "        db.commit()\n", SETTLED, id="if-commits-other-path-reads"),
        pytest.param(
            GUARDED + "        db.commit()\n    else:\n        log.warning('gone')\n",
            SETTLED,
            id="else-only-logs",
        ),
        pytest.param(
            "    item = db.scalars(select(Item).where(Item.id == item_id)).first()\n"
            "    if item is None:\n        return\n    item.name = name\n    db.commit()\n",
            SETTLED,
            id="early-return",
        ),
        pytest.param(
            GUARDED + "        db.commit()\n    elif fallback:\n        db.commit()\n",
            SETTLED,
            id="every-branch-commits",
        ),
        pytest.param(
            "    db.add(Item())\n" + GUARDED + "        db.commit()\n",
            PARTIAL,
            id="write-before-the-if",
        ),
        pytest.param(
            GUARDED + "        db.commit()\n    else:\n        db.add(Item())\n",
            PARTIAL,
            id="else-writes",
        ),
        pytest.param(
            "    item = load(db, item_id)\n    if item:\n        item.name = name\n        db.commit()\n",
            PARTIAL,
            id="a-call-the-tool-cannot-read",
        ),
        pytest.param(
            "    for item in db.query(Item):\n        item.name = name\n        db.commit()\n",
            PARTIAL,
            id="a-loop",
        ),
        pytest.param(GUARDED, APPEND, id="no-commit-at-all"),
        pytest.param(
            "    def later():\n        db.commit()\n    db.add(Item())\n",
            APPEND,
            id="nested-commit",
        ),
    ],
)
def test_a_commit_is_appended_only_to_a_body_that_never_commits(body: str, state: str) -> None:
    """A body that commits is its author's to settle: an appended commit would also commit what a
    path leaves uncommitted on purpose; the finding says so where the tool cannot tell."""
    source = "def rename(item_id, name, db):\n" + body
    function = _function(source)
    assert commit_state(statements(function.body), "db") == state
    new = own_session_body(function, _fix(), "log", [])
    code = cst.Module([new]).code
    compile(code, "<test>", "exec")
    added = code.count("db.commit()") - source.count("db.commit()")
    assert added == (1 if state == APPEND else 0), code
    info = analyze_module(cst.parse_module(source)).functions["rename"]
    assert info.partly_committed == (("db",) if state == PARTIAL else ())


def test_own_session_of_a_one_line_body() -> None:
    new = own_session_body(_function("def work(db): db.add(x)\n"), _fix(), "log", [])
    code = cst.Module([new]).code
    assert code.startswith("def work():\n    with SessionLocal() as db:\n        try:\n")
    assert "            db.add(x)\n            db.commit()\n" in code
    compile(code, "<test>", "exec")


def test_the_last_keyword_only_parameter_takes_the_bare_star_with_it() -> None:
    new = own_session_body(_function("def work(a, *, db): db.add(a)\n"), _fix(), "log", [])
    assert cst.Module([new]).code.startswith("def work(a):\n")


def test_an_import_still_spelled_elsewhere_is_kept() -> None:
    module = cst.parse_module(
        "from sqlalchemy.orm import Session, sessionmaker\n\nSessionLocal = sessionmaker()\n"
        "x: 'Session'\n"
    )
    assert drop_unused_import(module, "Session").code == module.code
    gone = drop_unused_import(cst.parse_module("from a import Session, b\n\nb()\n"), "Session")
    assert gone.code == "from a import b\n\nb()\n"


def test_a_session_read_earlier_in_the_same_loop_counts_as_used_after() -> None:
    data = analyze_module(
        cst.parse_module(
            "def route(ids, tasks, db=Depends(get_db)):\n"
            "    for i in ids:\n"
            "        db.refresh(i)\n"
            "        tasks.add_task(work, i, db)\n"
        )
    )
    (hand_off,) = data.hand_offs
    assert hand_off.used_after


def test_a_task_handed_a_session_outside_a_route_stops_getting_it(tmp_path: Path) -> None:
    """Another `add_task` of the task (a script's own session) loses the argument too."""
    (tmp_path / "app.py").write_text(
        "from fastapi import BackgroundTasks, Depends\n"
        "from sqlalchemy.orm import Session, sessionmaker\n\n"
        "SessionLocal = sessionmaker()\n\n\n"
        "def get_db():\n"
        "    with SessionLocal() as db:\n"
        "        yield db\n\n\n"
        "def work(n: int, db: Session) -> None:\n"
        "    db.add(n)\n\n\n"
        "def route(tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    tasks.add_task(work, 1, db)\n",
        encoding="utf-8",
    )
    (tmp_path / "script.py").write_text(
        "from app import work\n\n\n"
        "def nightly(tasks, session):\n"
        "    tasks.add_task(work, 2, session)\n",
        encoding="utf-8",
    )
    spec = CodemodSpec(TaskSessions, "task-sessions", ())
    options = RunOptions(
        specs=[spec], paths=[tmp_path], jobs=1, config={"format": False}, apply=True
    )
    result = run(Workspace(root=tmp_path), options)
    assert not result.violations
    assert [v.path for v in result.fixed] == ["app.py"]
    after = {c.path: c.after.decode() for c in result.changes}
    assert "tasks.add_task(work, 2)\n" in after["script.py"]
    assert "def work(n: int) -> None:" in after["app.py"]


@pytest.mark.parametrize(
    ("version", "early"),
    [
        ("0.105.0", False),
        ("0.106.0", True),
        ("0.117.1", True),
        ("0.118.0", False),
        ("0.121", False),
    ],
)
def test_which_fastapi_versions_close_the_session_before_background_tasks(
    tmp_path: Path, version: str, early: bool
) -> None:
    """Measured with FastAPI's test client in scratch venvs (0.105.0, 0.106.0, 0.117.1, 0.118.0,
    0.120.0, 0.121.0); the version comes from `[tool.backfix.versions]` like the other packages."""
    found = find_versions(tmp_path, {"fastapi": version}, packages=["fastapi"])["fastapi"]
    assert found.name == "FastAPI"
    assert closes_first(found) is early


def test_a_caller_through_a_renamed_re_export_is_found(tmp_path: Path) -> None:
    """`script.py` never spells `work`: it calls it as `run`, re-exported by `jobs.py`. The plan
    reads only files that spell the task's name, then those spelling a name it is imported under."""
    (tmp_path / "app.py").write_text(
        "from fastapi import BackgroundTasks, Depends\n"
        "from sqlalchemy.orm import Session, sessionmaker\n\n"
        "SessionLocal = sessionmaker()\n\n\n"
        "def get_db():\n"
        "    with SessionLocal() as db:\n"
        "        yield db\n\n\n"
        "def work(n: int, db: Session) -> None:\n"
        "    db.add(n)\n\n\n"
        "def route(tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    tasks.add_task(work, 1, db)\n",
        encoding="utf-8",
    )
    (tmp_path / "jobs.py").write_text("from app import work as run\n", encoding="utf-8")
    (tmp_path / "script.py").write_text(
        "from jobs import run\n\n\ndef nightly(session):\n    run(2, session)\n", encoding="utf-8"
    )
    (violation,) = _scan(tmp_path).violations
    assert violation.reason_id == R.REQUEST_TIME_CALLER
    assert "script.py:5" in violation.reason


@pytest.mark.parametrize(
    ("code", "plain"),
    [
        (
            "def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n        db.close()\n",
            True,
        ),
        (
            "async def get_db():\n    async with factory() as s:\n        yield s\n        await s.commit()\n",
            True,
        ),
        (
            "def get_db():\n    db = SessionLocal()\n    db.execute(SET_TENANT)\n    yield db\n",
            False,
        ),
        (
            "def get_db(user=Depends(auth)):\n    db = SessionLocal()\n    if user:\n        yield db\n",
            False,
        ),
    ],
)
def test_a_plain_dependency_only_opens_commits_and_closes(code: str, plain: bool) -> None:
    """Only then may a route lose the parameter that received it."""
    (factory,) = analyze_module(cst.parse_module(code)).providers.values()
    assert factory.plain is plain


@pytest.mark.parametrize(
    ("body", "used_after"),
    [
        # another branch of the same `if` never runs after the hand-off
        (
            "    if a:\n        tasks.add_task(work, db)\n    elif b:\n        tasks.add_task(other, db)\n"
            "    else:\n        db.flush()\n",
            False,
        ),
        # ... unless a loop around the `if` runs it in its next round
        (
            "    for i in ids:\n        if a:\n            for j in i:\n                tasks.add_task(work, db)\n"
            "        else:\n            db.flush()\n",
            True,
        ),
        # a read before the inner loop, in the outer loop's next round
        (
            "    for i in ids:\n        db.refresh(i)\n        for j in i:\n            tasks.add_task(work, db)\n",
            True,
        ),
        ("    if a:\n        tasks.add_task(work, db)\n    db.flush()\n", True),
        # a keyword argument's name reads nothing
        ("    tasks.add_task(work, db=db)\n    log(db=1)\n", False),
        # rolling back or closing makes no change the task would have to see
        (
            "    try:\n        tasks.add_task(work, db)\n        log()\n    except Exception:\n"
            "        await db.rollback()\n        raise\n",
            False,
        ),
    ],
)
def test_reads_after_a_hand_off(body: str, used_after: bool) -> None:
    code = "def route(ids, tasks, db=Depends(get_db)):\n" + body
    hand_offs = analyze_module(cst.parse_module(code)).hand_offs
    assert hand_offs[0].used_after is used_after


PARTIAL_APP = {
    "app/__init__.py": "",
    "app/db.py": (
        "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import Session, sessionmaker\n\n"
        'engine = create_engine("sqlite://")\nSessionLocal = sessionmaker(bind=engine)\n\n\n'
        "def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n"
        "        db.close()\n"
    ),
    "app/routes.py": (
        "from fastapi import APIRouter, BackgroundTasks, Depends\nfrom sqlalchemy.orm import Session\n\n"
        "from app.db import get_db\n\nrouter = APIRouter()\n\n\n"
        "def settled(item_id: int, db: Session) -> None:\n"
        "    item = db.get(Item, item_id)\n    if item is not None:\n"
        "        item.name = 'x'\n        db.commit()\n\n\n"
        "def partial(item_id: int, db: Session) -> None:\n"
        "    item = db.get(Item, item_id)\n    item.name = 'x'\n    if valid(item):\n"
        "        db.commit()\n\n\n"
        '@router.post("/a")\n'
        "def a(tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    tasks.add_task(settled, 1, db)\n\n\n"
        '@router.post("/b")\n'
        "def b(tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    tasks.add_task(partial, 1, db)\n"
    ),
}


def test_a_task_that_commits_on_some_paths_is_fixed_without_a_commit_and_the_finding_says_so(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, PARTIAL_APP)
    result = _scan(tmp_path)
    messages = {v.snippet.split("(")[1].split(",")[0]: v.message for v in result.violations}
    assert all(v.fixable for v in result.violations), result.violations
    assert "commits `db` itself but maybe not" not in messages["settled"]
    assert "`partial` commits `db` itself but maybe not on every path" in messages["partial"]


NESTED_APP = {
    "app/__init__.py": "",
    "app/db.py": PARTIAL_APP["app/db.py"],
    "app/routes.py": (
        "from fastapi import APIRouter, BackgroundTasks, Depends\nfrom sqlalchemy.orm import Session\n\n"
        "from app.db import get_db\n\nrouter = APIRouter()\n\n\n"
        "def tidy(db: Session, n: int) -> None:\n    db.add(n)\n    db.commit()\n\n\n"
        '@router.post("/a")\n'
        "def a(n: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    def tidy(db: Session, n: int) -> None:\n        db.delete(n)\n        db.commit()\n\n"
        "    tasks.add_task(tidy, db, n)\n\n\n"
        '@router.post("/b")\n'
        "def b(n: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    def fill(db: Session, n: int) -> None:\n        db.add(n)\n\n"
        "    tasks.add_task(fill, db, n)\n\n\n"
        '@router.post("/c")\n'
        "def c(n: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    tasks.add_task(tidy, db, n)\n"
    ),
}


def test_a_task_defined_inside_the_route_is_reported_as_such_and_shadows_a_module_function(
    tmp_path: Path,
) -> None:
    """`a` hands its own nested `tidy`, not the module's: the module's `tidy` is fixed for `c`
    alone, and `a`'s call keeps its session; the nested tasks are reported with what to do."""
    write_files(tmp_path, NESTED_APP)
    spec = CodemodSpec(TaskSessions, "task-sessions", ())
    options = RunOptions(
        specs=[spec], paths=[tmp_path], jobs=1, config={"format": False}, apply=True
    )
    result = run(Workspace(root=tmp_path), options)
    manual = {v.line: v.reason for v in result.violations if not v.fixable}
    assert manual[20] == (
        "the task `tidy` is defined inside `a`, so it cannot be changed to open its own session: "
        "move it to module level (passing what it reads of `a` as arguments), then run again"
    )
    assert "`fill` is defined inside `b`" in manual[28]
    assert [v.line for v in result.fixed] == [33]
    (after,) = [c.after.decode() for c in result.changes]
    assert "    tasks.add_task(tidy, db, n)\n\n\n" in after  # a's call, unchanged
    assert "    tasks.add_task(fill, db, n)\n" in after
    assert "def c(n: int, tasks: BackgroundTasks):\n    tasks.add_task(tidy, n)\n" in after


_OBJECT_ROUTE = (
    "from fastapi import BackgroundTasks, Depends\nfrom sqlalchemy.orm import Session\n\n"
    "def route(tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
)


@pytest.mark.parametrize(
    ("body", "carriers"),
    [
        ("importer = Importer(db)\ntasks.add_task(importer.run)", [("importer", "Importer(db)")]),
        ("importer = Importer(db)\ntasks.add_task(work, importer)", [("importer", "Importer(db)")]),
        ("i = jobs.Importer(x=db)\ntasks.add_task(work, i=i)", [("i", "jobs.Importer(x=db)")]),
        ("tasks.add_task(Importer(db).run)", [("Importer(db)", "Importer(db)")]),
        ("tasks.add_task(work, 1, Importer(db, 2))", [("Importer(db, 2)", "Importer(db, 2)")]),
        ("i = Importer(db)\ntasks.add_task(work, i, db)", [("i", "Importer(db)")]),
        ("i = Importer(db)\nThread(target=i.run).start()", [("i", "Importer(db)")]),
        ("i = Importer(db)\nasyncio.create_task(i.run())", [("i", "Importer(db)")]),
        ("if a:\n    i = Importer(db)\ntasks.add_task(i.run)", [("i", "Importer(db)")]),
        # a value a function returns, not an object built with the session
        ("user = crud.get_user(db, 1)\ntasks.add_task(work, user.email)", []),
        ("user = get_user(db)\ntasks.add_task(user.notify)", []),
        # rebound before the hand-off: the last assignment decides
        ("i = Importer(db)\ni = make()\ntasks.add_task(i.run)", []),
        ("i = Importer(db)\nfor i in items:\n    pass\ntasks.add_task(i.run)", []),
        ("tasks.add_task(i.run)\ni = Importer(db)", []),
        # the session not a plain argument of the constructor, or the object not handed as such
        ("i = Importer(db.bind)\ntasks.add_task(i.run)", []),
        ("i = Importer(*[db])\ntasks.add_task(i.run)", []),
        ("i = Importer(db)\ntasks.add_task(work, i.a.b)", []),
        ("i = Importer(db)\ntasks.add_task(work, len(i))", []),
        ("i = Importer(1)\ntasks.add_task(i.run)", []),
    ],
)
def test_a_session_inside_an_object_built_in_the_route(
    body: str, carriers: list[tuple[str, str]]
) -> None:
    code = _OBJECT_ROUTE + "".join(f"    {line}\n" for line in body.splitlines())
    data = analyze_module(cst.parse_module(code))
    assert [(h.carrier, h.built) for h in data.hand_offs if h.carrier] == carriers
    assert all(h.call is None for h in data.hand_offs if h.carrier)
    assert ast_may_hand_off(ast.parse(code)) or not data.hand_offs


OBJECT_APP = {
    "app/__init__.py": "",
    "app/db.py": (
        "from sqlalchemy.orm import sessionmaker\n\nSessionLocal = sessionmaker()\n\n\n"
        "def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n"
        "        db.close()\n"
    ),
    "app/imports.py": (
        "from sqlalchemy.orm import Session\n\n\nclass Importer:\n"
        "    def __init__(self, db: Session) -> None:\n        self.db = db\n\n"
        "    def run(self) -> None:\n        self.db.commit()\n\n\n"
        "def run_import(importer: Importer, db: Session) -> None:\n    importer.run()\n"
        "    db.commit()\n"
    ),
    "app/routes.py": (
        "from fastapi import APIRouter, BackgroundTasks, Depends\nfrom sqlalchemy.orm import Session\n\n"
        "from app.db import get_db\nfrom app.imports import Importer, run_import\n\n"
        "router = APIRouter()\n\n\n"
        '@router.post("/a")\n'
        "def a(tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    importer = Importer(db)\n    tasks.add_task(run_import, importer, db)\n\n\n"
        '@router.post("/b")\n'
        "def b(tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    user = find_user(db)\n    tasks.add_task(notify, user.email)\n"
    ),
}


def test_a_session_inside_an_object_is_reported_and_nothing_is_rewritten(tmp_path: Path) -> None:
    """`a` also passes `db` itself, which alone would be fixed: the object keeps the session all
    the same, so the hand-off is reported and `run_import` keeps its parameter."""
    write_files(tmp_path, OBJECT_APP)
    spec = CodemodSpec(TaskSessions, "task-sessions", ())
    options = RunOptions(
        specs=[spec], paths=[tmp_path], jobs=1, config={"format": False}, apply=True
    )
    result = run(Workspace(root=tmp_path), options)
    assert [(v.path, v.line, v.reason_id, v.fixable) for v in result.violations] == [
        ("app/routes.py", 13, R.SESSION_IN_OBJECT, False)
    ]
    (violation,) = result.violations
    assert violation.reason == (
        "the session reaches the background task inside `importer` (built by `Importer(db)` in "
        "this route): let the task open its own session and build its own object with it (hand "
        "it ids and plain values, not the object or what was loaded through it)"
    )
    assert not result.changes


_CONTROLLER_APP = (
    "from functools import cached_property\n\n"
    "from typing import Annotated\n\n"
    "from fastapi import APIRouter, BackgroundTasks, Depends\n"
    "from sqlalchemy.orm import Session, sessionmaker\n\n"
    "SessionLocal = sessionmaker()\nrouter = APIRouter()\n\n\n"
    "def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n"
    "        db.close()\n\n\n"
    "def get_current_user(db: Session = Depends(get_db)):\n    return db.get(User, 1)\n\n\n"
    "SessionDep = Annotated[Session, Depends(get_db)]\n"
    "Db = Annotated[object, Depends(get_db)]\n"
    "UserDep = Annotated[User, Depends(get_current_user)]\n\n\n"
    "def make_repos(db: Session):\n    return Repos(db)\n\n\n"
    "def load_user(db: Session, user_id: int):\n    return db.get(User, user_id)\n\n\n"
    "class Base:\n    session: Session = Depends(get_db)\n    user_id: int = 1\n"
    "    current: User = Depends(get_current_user)\n    other: UserDep\n"
    "    raw = Depends(get_db)\n    aliased: SessionDep\n    short: Db\n    typed: Session\n\n"
    "    @property\n    def repos(self):\n        return Repos(self.session)\n\n"
    "    @cached_property\n    def made(self):\n        return make_repos(self.session)\n\n"
    "    @property\n    def user(self):\n        return load_user(self.session, self.user_id)\n\n"
    "    def touch(self, n: int) -> None:\n        self.session.add(n)\n\n"
    "    def shout(self, n: int) -> None:\n        print(n, self.user_id)\n\n\n"
    "class Things(Base):\n"
    "    @router.post('/x')\n"
    "    def run(self, n: int, tasks: BackgroundTasks):\n"
)


@pytest.mark.parametrize(
    ("body", "reason_id"),
    [
        ("tasks.add_task(work, self.session)", R.CONTROLLER_SESSION),
        ("tasks.add_task(work, n, session=self.session)", R.CONTROLLER_SESSION),
        ("tasks.add_task(work, self.repos)", R.SESSION_IN_OBJECT),
        ("tasks.add_task(self.repos.things.create, n)", R.SESSION_IN_OBJECT),
        ("tasks.add_task(work, self.made)", R.SESSION_IN_OBJECT),
        ("w = Worker(self.repos, n)\n        tasks.add_task(w.run)", R.SESSION_IN_OBJECT),
        ("tasks.add_task(Worker(self.session).run)", R.SESSION_IN_OBJECT),
        ("tasks.add_task(self.touch, n)", R.SESSION_IN_OBJECT),
        ("tasks.add_task(lambda: self.touch(n))", R.SESSION_IN_OBJECT),
        ("tasks.add_task(partial(work, self.session))", R.CONTROLLER_SESSION),
        ("tasks.add_task(self.session.commit)", R.CONTROLLER_SESSION),
        ("tasks.add_task(work, self.raw)", R.CONTROLLER_SESSION),
        ("tasks.add_task(work, self.aliased)", R.CONTROLLER_SESSION),
        ("tasks.add_task(work, self.short)", R.CONTROLLER_SESSION),
        ("tasks.add_task(work, self.typed)", R.CONTROLLER_SESSION),
        ("asyncio.create_task(work(self.session))", R.CONTROLLER_SESSION),
        ("executor.submit(self.touch, n)", R.SESSION_IN_OBJECT),
        # plain values: nothing holding the session reaches the task
        ("tasks.add_task(work, n, self.user_id)", None),
        ("tasks.add_task(work, self.user)", None),
        ("tasks.add_task(work, self.repos.things.get(n))", None),
        ("tasks.add_task(work, self.session.bind)", None),
        ("tasks.add_task(self.shout, n)", None),
        # dependencies that give something else, whatever their own dependencies do
        ("tasks.add_task(work, self.current)", None),
        ("tasks.add_task(work, self.other)", None),
        ("w = Worker(self.user_id)\n        tasks.add_task(w.run)", None),
        ("w = Worker(self.repos)\n        w = other()\n        tasks.add_task(w.run)", None),
        ("await_me = self.repos\n        tasks.add_task(work, n)", None),
    ],
)
def test_a_controller_method_handing_off_its_session(
    tmp_path: Path, body: str, reason_id: str | None
) -> None:
    """Session attributes of a class-based controller, declared in its base, and what is built
    from them: reported when they reach the task, silent for plain values."""
    write_files(tmp_path, {"app.py": _CONTROLLER_APP + f"        {body}\n"})
    result = _scan(tmp_path)
    assert [v.reason_id for v in result.violations] == ([reason_id] if reason_id else [])
    assert all(not v.fixable and "session `self." in v.message for v in result.violations)


def test_a_class_that_is_no_controller_is_not_read(tmp_path: Path) -> None:
    """Without a route or a controller decorator, a class's `Depends` attribute is no request's
    session."""
    code = _CONTROLLER_APP.replace("    @router.post('/x')\n", "")
    write_files(tmp_path, {"app.py": code + "        tasks.add_task(work, self.session)\n"})
    assert not _scan(tmp_path).violations


def test_a_session_an_init_parameter_receives_and_a_cbv_class(tmp_path: Path) -> None:
    """``self.db = db`` from ``__init__(self, db = Depends(get_db))``, in a ``@cbv`` class whose
    helper method (no route decorator) hands off an object built from it."""
    code = _CONTROLLER_APP.split("class Base:")[0] + (
        "class Init:\n"
        "    def __init__(self, db: Session = Depends(get_db), n: int = 1):\n"
        "        self.db = db\n        self.n = n\n        self.repos = Repos(self.db)\n\n\n"
        "@cbv(router)\nclass Things(Init):\n"
        "    def later(self, tasks: BackgroundTasks):\n"
        "        tasks.add_task(work, self.repos)\n        tasks.add_task(work, self.n)\n"
    )
    write_files(tmp_path, {"app.py": code})
    result = _scan(tmp_path)
    assert [(v.line, v.reason_id) for v in result.violations] == [(47, R.SESSION_IN_OBJECT)]
    assert (
        "inside `self.repos` (`Repos(self.db)` in `Init.__init__`)" in result.violations[0].reason
    )


def test_a_dependency_that_does_not_open_the_session_is_not_said_to_be_closed_by_fastapi(
    tmp_path: Path,
) -> None:
    """``get_db`` returns a session a middleware opened (and closes): FastAPI's handling of
    ``yield`` dependencies has nothing to do with it, whatever version the project pins."""
    (tmp_path / "requirements.txt").write_text("fastapi==0.115.12\n", encoding="utf-8")
    (tmp_path / "main.py").write_text(
        "from fastapi import BackgroundTasks, Depends, FastAPI, Request\n"
        "from sqlalchemy.orm import Session\n\n"
        "app = FastAPI()\n\n\n"
        "def get_db(request: Request) -> Session:\n"
        "    return request.state.db\n\n\n"
        "def report(db: Session, n: int) -> None:\n"
        "    db.add(n)\n\n\n"
        "@app.post('/items')\n"
        "def create(n: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    tasks.add_task(report, db, n)\n",
        encoding="utf-8",
    )
    (violation,) = _scan(tmp_path).violations
    assert violation.reason_id == R.FACTORY_NOT_FOUND
    assert "`get_db` does not open it" in violation.message
    assert "FastAPI" not in violation.message
