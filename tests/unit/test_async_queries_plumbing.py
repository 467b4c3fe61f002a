"""async-queries converts a sync app's session plumbing as one unit, or leaves all of it manual."""

from __future__ import annotations

from pathlib import Path

import pytest
from backfix.builtin_codemods.async_queries import AsyncQueries
from testkit import apply_in_process

from backfix.discovery import Workspace
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run

DB = (
    "from sqlalchemy import create_engine\n"
    "from sqlalchemy.orm import Session, sessionmaker\n\n"
    "engine = create_engine({url}{extra})\n"
    "SessionLocal = sessionmaker(bind=engine)\n\n\n"
    "def get_db():\n"
    "    with SessionLocal() as db:\n"
    "        yield db\n\n\n"
    "def count(db: Session):\n"
    "    return db.query(User).count()\n\n\n"
    "class User:\n"
    '    __tablename__ = "users"\n'
)


def _run(
    tmp_path: Path,
    db: str,
    options: tuple[tuple[str, object], ...] = (("mode", "async"),),
    extra: dict[str, str] | None = None,
    apply: bool = True,
    sqlalchemy: str = "2.0.30",
    paths: str = "app",
) -> RunResult:
    files = {"app/__init__.py": "", "app/db.py": db, **(extra or {})}
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    spec = CodemodSpec(AsyncQueries, "async-queries", options)
    result = run(
        Workspace(root=tmp_path),
        RunOptions(
            specs=[spec],
            paths=[tmp_path / paths],
            apply=apply,
            jobs=1,
            config={"versions": {"sqlalchemy": sqlalchemy}},
        ),
    )
    assert not result.errors, result.errors
    return result


def _db(url: str, extra: str = "") -> str:
    return DB.format(url=url, extra=extra)


def _after(result: RunResult, path: str = "app/db.py") -> str:
    return next(c.after.decode() for c in result.changes if c.path == path)


def test_a_literal_url_gets_the_async_driver_and_the_report_names_it(tmp_path: Path) -> None:
    result = _run(tmp_path, _db('"mysql+pymysql://u:p@h/app"', ", pool_recycle=3600"))
    after = _after(result)
    assert 'create_async_engine("mysql+aiomysql://u:p@h/app", pool_recycle=3600)' in after
    assert "async def get_db():\n    async with SessionLocal() as db:" in after
    assert "async def count(db: AsyncSession):" in after
    assert not result.manual
    assert any("add aiomysql to your dependencies" in n for n in result.notes)
    assert any("sqlalchemy[asyncio]" in n for n in result.notes)


def test_the_driver_the_project_already_has_wins(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("psycopg[binary]==3.2.1\ngreenlet==3.1.1\n")
    result = _run(tmp_path, _db('"postgresql://u:p@h/app"'))
    assert 'create_async_engine("postgresql+psycopg://u:p@h/app")' in _after(result)
    assert not any("to your dependencies" in n for n in result.notes)
    assert not any("sqlalchemy[asyncio]" in n for n in result.notes)


def test_a_url_from_settings_makes_the_whole_unit_manual(tmp_path: Path) -> None:
    result = _run(tmp_path, _db("settings.DATABASE_URL"))
    assert not result.changes
    assert result.violations and not any(v.fixable for v in result.violations)
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "`settings.DATABASE_URL`, whose scheme is not visible" in engine.reason
    query = next(v for v in result.violations if "legacy Query API" in v.message)
    assert "the session plumbing cannot all move to AsyncSession" in query.reason
    assert "app/db.py:4" in query.reason


def test_async_url_option_trusts_what_the_tool_cannot_read(tmp_path: Path) -> None:
    options = (("mode", "async"), ("async_url", True))
    after = _after(_run(tmp_path, _db("settings.DATABASE_URL"), options))
    assert "engine = create_async_engine(settings.DATABASE_URL)" in after


def test_a_scheme_the_code_writes_with_replace_gets_the_async_driver(tmp_path: Path) -> None:
    """Heroku's ``postgres://`` rewritten to ``postgresql://`` in the code: whatever the variable
    holds, the engine gets the replacement's scheme, which must name an async driver."""
    options = (("mode", "async"), ("async_url", True))
    url = 'os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)'
    db = "import os\n" + _db("URL").replace("engine =", f"URL = {url}\nengine =")
    after = _after(_run(tmp_path / "named", db, options))
    assert '.replace("postgres://", "postgresql+asyncpg://", 1)' in after
    assert "engine = create_async_engine(URL)" in after
    inline = "import os\n" + _db(url)
    after = _after(_run(tmp_path / "inline", inline, options))
    assert '.replace("postgres://", "postgresql+asyncpg://", 1)' in after
    result = _run(tmp_path / "untrusted", db)  # without `async_url`: the unit stays manual
    assert not result.changes
    assert any('`os.environ["DATABASE_URL"]`' in v.reason for v in result.violations)


def test_connect_args_the_async_driver_does_not_take_are_reported(tmp_path: Path) -> None:
    result = _run(tmp_path, _db('"postgresql://h/app"', ', connect_args={"sslmode": "require"}'))
    assert not result.changes
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "`connect_args` `sslmode`" in engine.reason


def test_a_dependency_called_by_hand_blocks_the_unit(tmp_path: Path) -> None:
    script = "from app.db import get_db\n\n\ndef main():\n    db = next(get_db())\n    return db\n"
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/script.py": script})
    assert not result.changes
    assert any("`get_db()` is called directly in `main`" in v.reason for v in result.violations)


def test_engine_used_directly_blocks_the_unit(tmp_path: Path) -> None:
    db = (
        _db('"sqlite:///x.db"')
        + "\n\ndef ping():\n    with engine.connect() as c:\n        return c\n"
    )
    result = _run(tmp_path, db)
    assert not result.changes
    assert any(
        "`engine.connect(...)` uses the engine directly" in v.reason for v in result.violations
    )


@pytest.mark.parametrize("annotation", ["Session | None", "Optional[Session]"])
def test_an_optional_session_annotation_becomes_an_async_one(
    tmp_path: Path, annotation: str
) -> None:
    holder = (
        "from typing import Optional\n\nfrom sqlalchemy.orm import Session\n\n\n"
        f"class Holder:\n    def __init__(self, session: {annotation} = None) -> None:\n"
        "        self.session = session\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/holder.py": holder})
    assert annotation.replace("Session", "AsyncSession") in _after(result, "app/holder.py")


def test_auto_mode_converts_only_when_asked(tmp_path: Path) -> None:
    plain = _run(tmp_path, _db('"sqlite:///x.db"'), options=(("mode", "auto"),), apply=False)
    assert not any("sync engine" in v.message for v in plain.violations)
    asked = _run(
        tmp_path / "asked",
        _db('"sqlite:///x.db"'),
        options=(("mode", "auto"), ("convert_engine", True)),
    )
    after = _after(asked)
    assert 'create_async_engine("sqlite+aiosqlite:///x.db")' in after
    assert "await db.scalar(select(func.count())" in after


def test_sqlalchemy_1_4_gets_sessionmaker_with_class(tmp_path: Path) -> None:
    after = _after(_run(tmp_path, _db('"sqlite:///x.db"'), sqlalchemy="1.4.52"))
    assert "sessionmaker(bind=engine, expire_on_commit=False, class_=AsyncSession)" in after
    assert "async_sessionmaker" not in after
    assert "from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine" in after


def test_an_async_dialect_newer_than_the_project_sqlalchemy_keeps_the_unit_manual(
    tmp_path: Path,
) -> None:
    """`sqlite+aiosqlite` arrived in SQLAlchemy 1.4.3: on 1.4.0 the converted app would not start."""
    result = _run(tmp_path, _db('"sqlite:///x.db"'), sqlalchemy="1.4.0")
    assert result.changes == []
    assert any(
        "`sqlite+aiosqlite://`, which needs SQLAlchemy 1.4.3 or later" in v.reason
        for v in result.violations
    )


def test_an_already_async_app_keeps_its_plumbing(tmp_path: Path) -> None:
    db = (
        "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine\n\n"
        'engine = create_async_engine("sqlite+aiosqlite:///x.db")\n'
        "SessionLocal = async_sessionmaker(engine)\n\n\n"
        "async def get_db():\n"
        "    async with SessionLocal() as db:\n"
        "        yield db\n\n\n"
        "def count(db: AsyncSession):\n"
        "    return db.query(User).count()\n\n\n"
        "class User:\n"
        '    __tablename__ = "users"\n'
    )
    after = _after(_run(tmp_path, db))
    plumbing = db.split("\n\n\ndef count")[0]
    assert plumbing.split("\n", 1)[1] in after  # everything after the first import line
    assert "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker" in after
    assert "async def count(db: AsyncSession):" in after


def test_a_script_that_cannot_await_keeps_the_whole_unit_manual(tmp_path: Path) -> None:
    script = (
        "from sqlalchemy.orm import Session\n\n"
        "from app.db import engine\n\n\n"
        "def init():\n"
        "    with Session(engine) as session:\n"
        "        session.commit()\n\n\n"
        "init()  # at import time\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/initial_data.py": script})
    assert not result.changes
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "a caller cannot await `init`" in engine.reason
    assert (
        "(the call stands at module or class level, where `await` is not possible; "
        in engine.reason
    )
    assert "app/initial_data.py:11" in engine.reason


def test_a_file_beyond_the_paths_using_the_engine_blocks_the_unit(tmp_path: Path) -> None:
    prestart = (
        "from sqlalchemy.orm import Session\n\n"
        "from app.db import engine\n\n\n"
        "def ping():\n"
        "    with Session(engine) as session:\n"
        "        return session.is_active\n"
    )
    test = "from app.db import SessionLocal\n\n\ndef test_x():\n    with SessionLocal() as db:\n        assert db\n"
    files = {"scripts/prestart.py": prestart, "tests/test_db.py": test}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    result = _run(tmp_path, _db('"sqlite:///x.db"'))
    assert not result.changes
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert (
        "scripts/prestart.py uses the engine or session factory that becomes async" in engine.reason
    )
    assert any("tests/test_db.py:5 opens a sync session" in n for n in result.notes)


def test_a_retried_check_script_converts_with_its_engine_annotation(tmp_path: Path) -> None:
    script = (
        "from sqlalchemy import Engine\n"
        "from sqlalchemy.orm import Session\n"
        "from tenacity import retry, stop_after_attempt\n\n"
        "from app.db import engine\n\n\n"
        "@retry(stop=stop_after_attempt(3))\n"
        "def ping(db_engine: Engine) -> None:\n"
        "    with Session(db_engine) as session:\n"
        "        session.commit()\n\n\n"
        'if __name__ == "__main__":\n'
        "    ping(engine)\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/prestart.py": script})
    after = _after(result, "app/prestart.py")
    assert "async def ping(db_engine: AsyncEngine) -> None:" in after
    assert "async with AsyncSession(db_engine, expire_on_commit=False) as session:" in after
    assert "asyncio.run(ping(engine))" in after
    assert "from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession" in after


def test_an_import_group_keeps_its_blank_line_when_its_first_import_goes(tmp_path: Path) -> None:
    """``from sqlalchemy import Engine`` opened the third-party group: dropping it kept the blank
    line above it, so the new imports joined the standard library's group (ruff I001)."""
    script = (
        "import logging\n\n"
        "from sqlalchemy import Engine\n"
        "from sqlalchemy.orm import Session\n"
        "from tenacity import retry\n\n"
        "from app.db import engine\n\n"
        "logger = logging.getLogger(__name__)\n\n\n"
        "@retry\n"
        "def ping(db_engine: Engine) -> None:\n"
        "    with Session(db_engine) as session:\n"
        "        session.commit()\n\n\n"
        'if __name__ == "__main__":\n'
        "    ping(engine)\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/prestart.py": script})
    after = _after(result, "app/prestart.py")
    assert after.startswith(
        "import asyncio\n"
        "import logging\n\n"
        "from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession\n"
        "from tenacity import retry\n\n"
        "from app.db import engine\n\n"
        "logger = logging.getLogger(__name__)\n"
    ), after


@pytest.mark.parametrize(
    ("returns", "expected"),
    [
        ("Generator[Session, None, None]", "AsyncGenerator[AsyncSession, None]"),
        # the type parameters' defaults (Python 3.13): no `, None` for ruff's UP043 to remove
        ("Generator[Session]", "AsyncGenerator[AsyncSession]"),
        ("Iterator[Session]", "AsyncIterator[AsyncSession]"),
    ],
)
def test_a_dependency_s_return_annotation_becomes_async_in_the_same_shape(
    tmp_path: Path, returns: str, expected: str
) -> None:
    db = (
        "from collections.abc import Generator, Iterator\n\n"
        "from sqlalchemy import create_engine\n"
        "from sqlalchemy.orm import Session, sessionmaker\n\n"
        'engine = create_engine("sqlite:///x.db")\n'
        "SessionLocal = sessionmaker(bind=engine)\n\n\n"
        f"def get_db() -> {returns}:\n"
        "    with SessionLocal() as db:\n"
        "        yield db\n"
    )
    after = _after(_run(tmp_path, db))
    assert f"async def get_db() -> {expected}:\n" in after, after


def test_a_url_from_an_environ_subscript_names_the_variable(tmp_path: Path) -> None:
    result = _run(tmp_path, _db('os.environ["DATABASE_URL"]'))
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "the environment variable `DATABASE_URL`, whose scheme" in engine.reason


CRUD = (
    "from sqlalchemy.orm import Session\n\n\n"
    "def add_item(db: Session, name: str) -> None:\n"
    "    db.add(User(name=name))\n"
    "    db.commit()\n\n\n"
    "class User:\n"
    '    __tablename__ = "users"\n'
)


def test_a_sync_session_call_says_it_needs_await_once_the_session_is_async(
    tmp_path: Path,
) -> None:
    already = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
        "async def save(db: AsyncSession) -> None:\n"
        "    db.commit()\n"
    )
    extra = {"app/crud.py": CRUD, "app/already.py": already}
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra=extra, apply=False)
    sync = next(v for v in result.violations if v.path == "app/crud.py" and v.line == 6)
    assert sync.message.startswith(
        "`commit()` needs `await` once the session becomes an AsyncSession"
    )
    today = next(v for v in result.violations if v.path == "app/already.py")
    assert today.message.startswith("`commit()` on an AsyncSession is not awaited")


def test_a_file_that_only_passes_its_session_on_converts_with_the_unit(tmp_path: Path) -> None:
    seed = (
        "from app.crud import add_item\n"
        "from app.db import SessionLocal\n\n\n"
        "def init() -> None:\n"
        "    with SessionLocal() as db:\n"
        '        add_item(db, "x")\n\n\n'
        "def init_plain() -> None:\n"
        "    db = SessionLocal()\n"
        '    add_item(db, "y")\n\n\n'
        'if __name__ == "__main__":\n'
        "    init()\n"
    )
    extra = {"app/crud.py": CRUD, "app/seed.py": seed}
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra=extra)
    assert not result.manual, [v.reason for v in result.manual]
    after = _after(result, "app/seed.py")
    assert "async def init() -> None:\n    async with SessionLocal() as db:\n" in after
    assert 'await add_item(db, "x")' in after
    assert (
        'async def init_plain() -> None:\n    db = SessionLocal()\n    await add_item(db, "y")'
        in after
    )
    assert "asyncio.run(init())" in after
    notes = [note for note in result.notes if "asyncio.run" in note]
    assert notes == [
        "async-queries: app/seed.py: the script's entry point now runs under `asyncio.run(...)`; "
        "add `await engine.dispose()` before its coroutine returns, as SQLAlchemy advises: pooled "
        "connections left open are closed after the event loop is gone, and with aiosqlite the "
        "process may not exit"
    ]


def test_a_session_kept_on_an_attribute_makes_the_unit_manual(tmp_path: Path) -> None:
    main = (
        "from fastapi import FastAPI, Request\n\n"
        "from app.db import SessionLocal\n\n"
        "app = FastAPI()\n\n\n"
        '@app.middleware("http")\n'
        "async def attach_session(request: Request, call_next):\n"
        "    request.state.db = SessionLocal()\n"
        "    response = await call_next(request)\n"
        "    request.state.db.close()\n"
        "    return response\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/main.py": main})
    assert not result.changes
    session = next(v for v in result.violations if v.path == "app/main.py" and v.line == 10)
    assert "`request.state.db`" in session.reason
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "at app/main.py:10" in engine.reason


MAKE_DB = (
    "from sqlalchemy import create_engine, text\n"
    "from sqlalchemy.orm import sessionmaker\n\n"
    'engine = create_engine("sqlite:///x.db")\n'
    "make_db = sessionmaker(bind=engine)\n\n\n"
    "def get_db():\n"
    "    db = make_db()\n"
    "    try:\n"
    "        yield db\n"
    "    finally:\n"
    "        db.close()\n\n\n"
    "def count():\n"
    "    with make_db() as db:\n"
    '        return db.execute(text("select 1")).scalar()\n'
)


def test_a_factory_named_without_session_converts_where_it_is_defined(tmp_path: Path) -> None:
    result = _run(tmp_path, MAKE_DB)
    after = _after(result)
    assert "make_db = async_sessionmaker(bind=engine, expire_on_commit=False)" in after
    assert "async def get_db():\n    db = make_db()" in after
    assert "        await db.close()" in after
    assert "async def count():\n    async with make_db() as db:" in after
    assert '        return (await db.execute(text("select 1"))).scalar()' in after
    assert not result.manual


def test_a_generator_yielding_something_else_is_not_a_session_dependency(tmp_path: Path) -> None:
    views = (
        "from app.forms import LoginForm\n\n\n"
        "def login_form(session_id):\n    form = LoginForm()\n    yield form\n    form.close()\n"
    )
    extra = {"app/forms.py": "class LoginForm: ...\n", "app/views.py": views}
    result = _run(tmp_path, MAKE_DB, extra=extra)
    assert "make_db = async_sessionmaker(" in _after(result)
    assert not any(c.path == "app/views.py" for c in result.changes)
    assert not any("login_form" in v.message for v in result.violations)


def test_an_imported_factory_the_queries_cannot_follow_keeps_the_unit_manual(
    tmp_path: Path,
) -> None:
    # Under a name with `Session` the module is read for sessions, but the session `make_db()`
    # makes would not be followed to await its calls.
    aliased = (
        "from sqlalchemy import text\n\nfrom app.db import make_db as make_session\n\n\n"
        "def count():\n    with make_session() as db:\n"
        '        return db.execute(text("select 1")).scalar()\n'
    )
    result = _run(tmp_path, MAKE_DB, extra={"app/stats.py": aliased})
    assert not result.changes
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "app/stats.py imports the session factory `make_db` as `make_session`" in engine.reason
    assert "app/stats.py:3" in engine.reason


def test_a_file_naming_a_factory_but_no_session_keeps_the_unit_manual(tmp_path: Path) -> None:
    plain = (
        "from sqlalchemy import text\n\nfrom app.db import make_db\n\n\n"
        "def count():\n    with make_db() as db:\n"
        '        return db.execute(text("select 1")).scalar()\n'
    )
    result = _run(tmp_path, MAKE_DB, extra={"app/stats.py": plain})
    assert not result.changes
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "app/stats.py imports the session factory `make_db`, a name without" in engine.reason
    assert "app/stats.py:3" in engine.reason


def test_an_annotated_session_in_a_dependency_converts(tmp_path: Path) -> None:
    db = _db('"sqlite:///x.db"').replace(
        "def get_db():\n    with SessionLocal() as db:\n        yield db\n",
        "def get_db():\n    db: Session = SessionLocal()\n    try:\n        yield db\n"
        "    finally:\n        db.close()\n",
    )
    result = _run(tmp_path, db)
    after = _after(result)
    assert "async def get_db():\n    db: AsyncSession = SessionLocal()" in after
    assert "        await db.close()" in after
    assert not result.manual


def test_a_file_beyond_the_paths_disposing_the_engine_blocks_the_unit(tmp_path: Path) -> None:
    # Its text names no session: it was not read for plumbing, and `dispose()` stayed unawaited.
    main = (
        "from app.db import engine\n\n\nasync def lifespan(app):\n    yield\n    engine.dispose()\n"
    )
    (tmp_path / "main.py").write_text(main)
    result = _run(tmp_path, _db('"sqlite:///x.db"'))
    assert not result.changes
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "main.py uses the engine or session factory that becomes async" in engine.reason


REPO = (
    "from abc import ABC, abstractmethod\n\n"
    "from sqlalchemy.orm import Session\n\n"
    "from app.db import User\n\n\n"
    "class UserRepo(ABC):\n"
    "    @abstractmethod\n"
    "    def count(self) -> int: ...\n\n\n"
    "class SqlUserRepo(UserRepo):\n"
    "    def __init__(self, db: Session) -> None:\n"
    "        self.db = db\n\n"
    "    def count(self) -> int:\n"
    "        return self.db.query(User).count()\n\n\n"
    "class MemoryUserRepo(UserRepo):\n"
    "    {decorator}def count(self) -> int:\n"
    "        return 0\n"
)
ROUTES = (
    "from app.repo import UserRepo\n\n\n"
    "def total(repo: UserRepo) -> int:\n"
    "    return repo.count()\n"
)


def test_a_method_that_becomes_async_takes_its_base_and_sibling_overrides(tmp_path: Path) -> None:
    # A call typed with the abstract base reaches the implementation: it must be awaited, so the
    # base method and every other implementation become async with it.
    extra = {"app/repo.py": REPO.format(decorator=""), "app/routes.py": ROUTES}
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra=extra)
    repo = _after(result, "app/repo.py")
    assert "    @abstractmethod\n    async def count(self) -> int: ..." in repo
    assert repo.count("async def count(self) -> int:") == 3
    assert "async def total(repo: UserRepo) -> int:\n    return await repo.count()" in _after(
        result, "app/routes.py"
    )
    assert not result.manual


def test_an_override_that_cannot_become_async_is_reported(tmp_path: Path) -> None:
    extra = {"app/repo.py": REPO.format(decorator="@traced\n    "), "app/routes.py": ROUTES}
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra=extra)
    # the converting unit stays manual: a call through the base would not be awaited
    assert not result.changes
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "`MemoryUserRepo.count` would become async with the method it overrides" in engine.reason
    assert "cannot: decorated with @traced" in engine.reason


def test_a_session_alias_imported_under_another_name_keeps_the_unit_manual(tmp_path: Path) -> None:
    # `db: DbDep` in another module: its calls would not be awaited (the alias is followed
    # through names with `Session` only).
    db = _db('"sqlite:///x.db"') + (
        "\n\nfrom typing import Annotated\n\nfrom fastapi import Depends\n\n"
        "DbDep = Annotated[Session, Depends(get_db)]\n"
    )
    routes = (
        "from app.db import DbDep, User\n\n\n"
        "def one(user_id: int, db: DbDep):\n    return db.get(User, user_id)\n"
    )
    result = _run(tmp_path, db, extra={"app/routes.py": routes})
    assert not result.changes
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "app/routes.py imports the session type alias `DbDep`" in engine.reason


def test_a_transaction_on_a_session_kept_on_self_becomes_async_with(tmp_path: Path) -> None:
    store = (
        "from sqlalchemy.orm import Session\n\nfrom app.db import User\n\n\n"
        "class Store:\n"
        "    def __init__(self, db: Session) -> None:\n        self.db = db\n\n"
        "    def add(self) -> User:\n"
        "        with self.db.begin():\n            user = User()\n            self.db.add(user)\n"
        "        return user\n\n\n"
        "def create(db: Session) -> int:\n    return Store(db).add().id\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/store.py": store})
    after = _after(result, "app/store.py")
    assert "    async def add(self) -> User:\n        async with self.db.begin():" in after
    assert "    return (await Store(db).add()).id" in after
    assert not result.manual


def test_a_driver_only_installed_in_a_virtualenv_is_still_to_be_declared(tmp_path: Path) -> None:
    # An image built from the requirements would not have it.
    (tmp_path / "requirements.txt").write_text("sqlalchemy==2.0.30\n")
    for name, version in (("aiosqlite", "0.20.0"), ("greenlet", "3.1.1")):
        info = tmp_path / f".venv/lib/python3.11/site-packages/{name}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    result = _run(tmp_path, _db('"sqlite:///x.db"'))
    assert any("add aiosqlite to your dependencies" in n for n in result.notes)
    assert any("sqlalchemy[asyncio]" in n for n in result.notes)


def test_tests_with_their_own_sync_engine_get_a_note_and_do_not_block_the_unit(
    tmp_path: Path,
) -> None:
    test = (
        "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import Session\n\n"
        "from app.db import get_db\n\n"
        'test_engine = create_engine("sqlite://")\n\n\n'
        "def override():\n    with Session(test_engine) as session:\n        yield session\n\n\n"
        "app = FastAPI()\napp.dependency_overrides[get_db] = override\n"
    )
    test = "from fastapi import FastAPI\n" + test
    for where in ("app", "."):  # the tests beyond the paths, or among them
        root = tmp_path / where.strip(".") if where == "app" else tmp_path / "all"
        root.mkdir()
        result = _run(root, _db('"sqlite:///x.db"'), extra={"tests/test_api.py": test}, paths=where)
        assert 'create_async_engine("sqlite+aiosqlite:///x.db")' in _after(result)
        assert not result.manual
        assert any("tests/test_api.py:7 makes sync sessions of its own" in n for n in result.notes)
        # an override's key is not a call of the dependency that would need `await`
        assert not any("used here as a value" in v.reason for v in result.violations)


def test_a_test_module_with_only_a_sync_engine_for_its_tables_gets_no_note(
    tmp_path: Path,
) -> None:
    """A conftest that makes the tables with a sync engine and its sessions async makes no sync
    session: nothing to tell."""
    test = (
        "from sqlalchemy import create_engine\n"
        "from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine\n\n"
        "from app.db import Base\n\n\n"
        "def tables():\n"
        '    engine = create_engine("sqlite:///test.db")\n'
        "    Base.metadata.create_all(engine)\n"
        "    engine.dispose()\n\n\n"
        "async def session():\n"
        '    factory = async_sessionmaker(create_async_engine("sqlite+aiosqlite:///test.db"))\n'
        "    async with factory() as db:\n"
        "        yield db\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"tests/conftest.py": test}, paths=".")
    assert 'create_async_engine("sqlite+aiosqlite:///x.db")' in _after(result)
    assert not any("tests/conftest.py" in n for n in result.notes), result.notes


def test_calls_on_a_test_modules_own_sync_session_are_not_findings(tmp_path: Path) -> None:
    """The tests' own factory stays sync, so its ``close()`` needs no ``await``: a note, no manual
    item (an override is a generator, which would also have made it 'cannot-await-here')."""
    test = (
        "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import sessionmaker\n\n"
        "from app.db import get_db\nfrom app.main import app\n\n"
        'engine = create_engine("sqlite://")\nTestingSession = sessionmaker(bind=engine)\n\n\n'
        "def override_get_db():\n    db = TestingSession()\n    try:\n        yield db\n"
        "    finally:\n        db.close()\n\n\n"
        "app.dependency_overrides[get_db] = override_get_db\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"tests/conftest.py": test}, paths=".")
    assert 'create_async_engine("sqlite+aiosqlite:///x.db")' in _after(result)
    assert not [v for v in result.violations if v.path.startswith("tests/")]
    assert any("tests/conftest.py:7 makes sync sessions of its own" in n for n in result.notes)


def test_a_conversion_that_makes_functions_async_says_what_to_check_by_hand(
    tmp_path: Path,
) -> None:
    result = _run(tmp_path, _db('"sqlite:///x.db"'))
    assert sum("check by hand what becomes async" in n for n in result.notes) == 1


def test_a_route_registered_inside_a_function_becomes_async(tmp_path: Path) -> None:
    routes = (
        "from fastapi import APIRouter, Depends\nfrom sqlalchemy.orm import Session\n\n"
        "from app.db import User, get_db\n\n\n"
        "def register(router: APIRouter) -> None:\n"
        '    @router.get("/count")\n'
        "    def count_users(db: Session = Depends(get_db)) -> int:\n"
        "        return db.query(User).count()\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/routes.py": routes})
    assert "    async def count_users(db: AsyncSession = Depends(get_db)) -> int:" in _after(
        result, "app/routes.py"
    )
    assert not result.manual


def test_a_caller_that_cannot_await_keeps_the_converting_unit_manual(tmp_path: Path) -> None:
    # `count` becomes async because its session does; a property cannot await it: converting
    # the rest would leave that call unawaited.
    report = (
        "from sqlalchemy.orm import Session\n\nfrom app.db import count\n\n\n"
        "class Report:\n    db: Session\n\n    @property\n"
        "    def total(self) -> int:\n        return count(self.db)\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/report.py": report})
    assert not result.changes
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "a caller cannot await `count`" in engine.reason
    assert "(the call stands in a function that cannot become async: " in engine.reason


def test_an_abstract_method_re_exported_by_its_package_becomes_async(tmp_path: Path) -> None:
    extra = {
        "app/domain/__init__.py": "from .repo import UserRepo\n",
        "app/domain/repo.py": (
            "from abc import ABC, abstractmethod\n\n\n"
            "class UserRepo(ABC):\n    @abstractmethod\n    def count(self) -> int: ...\n"
        ),
        "app/infra.py": (
            "from sqlalchemy.orm import Session\n\nfrom app.db import User\n"
            "from app.domain import UserRepo\n\n\n"
            "class SqlUserRepo(UserRepo):\n"
            "    def __init__(self, db: Session) -> None:\n        self.db = db\n\n"
            "    def count(self) -> int:\n        return self.db.query(User).count()\n"
        ),
        "app/routes.py": ROUTES.replace("from app.repo import", "from app.domain import"),
    }
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra=extra)
    assert "    async def count(self) -> int: ..." in _after(result, "app/domain/repo.py")
    assert "return await repo.count()" in _after(result, "app/routes.py")
    assert not result.manual


def test_disposing_the_engine_gets_its_await(tmp_path: Path) -> None:
    main = (
        "from app.db import engine\n\n\nasync def lifespan(app):\n    yield\n    engine.dispose()\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/main.py": main})
    assert "    yield\n    await engine.dispose()\n" in _after(result, "app/main.py")
    assert not result.manual


def test_disposing_the_engine_at_import_time_keeps_the_unit_manual(tmp_path: Path) -> None:
    main = "import atexit\n\nfrom app.db import engine\n\nengine.dispose()\n"
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/main.py": main})
    assert not result.changes
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "`engine.dispose()` runs at import time" in engine.reason


ASYNC_APP_DB = (
    "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine\n\n"
    'engine = create_async_engine("sqlite+aiosqlite:///x.db")\n'
    "Factory = async_sessionmaker(bind=engine)\n\n\n"
    "async def stream(session: AsyncSession, stmt):\n"
    "    rows = await session.stream_scalars(stmt)\n"
    "    async for row in rows:\n        yield row\n\n\n"
    "async def ids(stmt) -> list[int]:\n"
    "    async with Factory() as session:\n"
    "        return [row.id async for row in stream(session, stmt)]\n\n\n"
    "async def first_id(session: AsyncSession, stmt) -> int:\n"
    "    async with session.begin():\n"
    "        async for row in stream(session, stmt):\n            return row.id\n"
    "    return 0\n"
)


@pytest.mark.parametrize("mode", ["async", "auto"])
def test_an_async_app_is_left_as_it_is(tmp_path: Path, mode: str) -> None:
    """An async generator is iterated, never awaited (`await stream(...)` is a TypeError), and an
    `async with session.begin()` is async already: nothing to fix, nothing to report."""
    result = _run(tmp_path, ASYNC_APP_DB, options=(("mode", mode),))
    assert not result.changes
    assert not result.violations


def test_a_background_task_of_fastapi_may_become_async(tmp_path: Path) -> None:
    """Starlette awaits an ``async def`` handed to ``add_task``: the task is no callback that
    stops the conversion; anything else (a thread's target) still is."""
    main = (
        "from fastapi import BackgroundTasks, FastAPI\n\n"
        "from app.db import SessionLocal, count\n\napp = FastAPI()\n\n\n"
        "def report() -> None:\n    with SessionLocal() as db:\n        print(count(db))\n\n\n"
        '@app.post("/report")\ndef queue(tasks: BackgroundTasks):\n'
        "    tasks.add_task(report)\n    return {}\n"
    )
    result = _run(tmp_path, _db('"sqlite:///x.db"'), extra={"app/main.py": main})
    after = _after(result, "app/main.py")
    assert "async def report() -> None:\n    async with SessionLocal() as db:" in after
    assert "print(await count(db))" in after
    assert "    tasks.add_task(report)\n" in after
    assert not result.manual
    threaded = main.replace("tasks.add_task(report)", "Thread(target=report).start()")
    result = _run(tmp_path / "thread", _db('"sqlite:///x.db"'), extra={"app/main.py": threaded})
    assert not result.changes
    engine = next(v for v in result.violations if "sync engine" in v.message)
    assert "a caller cannot await `report`" in engine.reason
    assert "(it is used there as a value: a callback, a dispatch table; " in engine.reason


def test_a_db_that_is_a_module_of_the_project_is_no_flask_sqlalchemy_extension(
    tmp_path: Path,
) -> None:
    """``from app.storage import db`` reads the module ``app/storage/db.py``, whose ``session`` is
    a plain session: the rewrite imports ``select`` instead of reading ``db.select``, which the
    module does not have."""
    files = {
        "app/__init__.py": "",
        "app/storage/__init__.py": "",
        "app/storage/db.py": (
            "from sqlalchemy import Column, Integer, create_engine\n"
            "from sqlalchemy.orm import Session, declarative_base\n\n"
            "Base = declarative_base()\n"
            "session = Session(bind=create_engine('sqlite://'))\n\n\n"
            "class Item(Base):\n    __tablename__ = 'items'\n"
            "    id = Column(Integer, primary_key=True)\n"
        ),
        "app/items.py": (
            "from app.storage import db\n\n\n"
            "def first(item_id):\n"
            "    return db.session.query(db.Item).filter(db.Item.id == item_id).first()\n"
        ),
    }
    result = apply_in_process(tmp_path, "async-queries", files, "app")
    (change,) = result.changes
    after = change.after.decode()
    assert "db.select" not in after
    assert "from sqlalchemy import select\n" in after
    assert "select(db.Item).where(db.Item.id == item_id).limit(1)" in after
    assert any("the module `app/storage/db.py`" in note for note in result.notes)


def test_a_script_taking_a_session_from_the_dependency_makes_no_plain_db(tmp_path: Path) -> None:
    """``db = next(get_db())`` in a script outside the run is a session from the app's
    dependency, not a ``db`` object of another library than Flask-SQLAlchemy: no note says so."""
    files = {
        "app/__init__.py": "",
        "app/models.py": (
            "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
            "class Base(DeclarativeBase):\n    pass\n\n\n"
            "class Item(Base):\n    __tablename__ = 'items'\n"
            "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        ),
        "app/items.py": (
            "from sqlalchemy.orm import Session\n\nfrom app.models import Item\n\n\n"
            "def everything(db: Session):\n    return db.query(Item).all()\n"
        ),
        "scripts/seed.py": "from app.db import get_db\n\ndb = next(get_db())\n",
    }
    result = apply_in_process(tmp_path, "async-queries", files, "app")
    assert [v.path for v in result.fixed] == ["app/items.py"]
    assert not any("is made by" in note for note in result.notes)
