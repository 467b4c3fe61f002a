"""async-queries leaves the input's own coroutine handling alone, and follows Python's scopes.

An ``async def`` of the input whose call is not awaited hands its coroutine on (to
``asyncio.gather``, a task helper, a list, its caller): adding ``await`` there would run it in
place and hand on its result. A name a comprehension binds is the comprehension's own, not the
module function of the same name.
"""

from __future__ import annotations

from pathlib import Path

from backfix.builtin_codemods.async_queries import AsyncQueries

from backfix.discovery import Workspace
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run

_MODELS = (
    "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine\n"
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n"
    'engine = create_async_engine("sqlite+aiosqlite://")\n'
    "SessionLocal = async_sessionmaker(engine)\n\n\n"
    "class Base(DeclarativeBase):\n    pass\n\n\n"
    "class Item(Base):\n"
    '    __tablename__ = "items"\n'
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
)


def _run(tmp_path: Path, files: dict[str, str]) -> RunResult:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    spec = CodemodSpec(AsyncQueries, "async-queries", ())
    result = run(
        Workspace(root=tmp_path),
        RunOptions(specs=[spec], paths=[tmp_path], apply=True, jobs=1, config={"format": False}),
    )
    assert not result.errors, result.errors
    return result


#: an async function of the input that deletes a row, for the modules below to call
_REMOVE = (
    "from sqlalchemy import delete\n\n"
    "from app.db import Item, SessionLocal\n\n\n"
    "async def remove(item_id: int) -> None:\n"
    "    async with SessionLocal() as session:\n"
    "        await session.execute(delete(Item).where(Item.id == item_id))\n"
    "        await session.commit()\n\n\n"
)


def _run_module(tmp_path: Path, path: str, text: str) -> RunResult:
    """:func:`_run` on the package ``app`` with the models and the module ``path``."""
    return _run(tmp_path, {"app/__init__.py": "", "app/db.py": _MODELS, path: text})


def test_unawaited_calls_of_an_async_def_of_the_input_are_left_as_written(
    tmp_path: Path,
) -> None:
    callers = (
        "async def remove_all(ids: list[int]) -> None:\n"
        "    await asyncio.gather(*[remove(i) for i in ids])\n\n\n"
        "async def remove_later(ids: list[int]) -> list[asyncio.Task[None]]:\n"
        "    coroutines = [remove(i) for i in ids]\n"
        "    return [asyncio.create_task(c) for c in coroutines]\n\n\n"
        "def remove_in_background(item_id: int) -> None:\n"
        "    schedule(remove(item_id))\n\n\n"
        "def as_coroutine(item_id: int):\n"
        "    return remove(item_id)\n\n\n"
        "async def remove_one(item_id: int) -> None:\n"
        "    await remove(item_id)\n"
    )
    result = _run_module(tmp_path, "app/work.py", "import asyncio\n\n" + _REMOVE + callers)
    assert result.changes == []
    assert result.violations == []


def test_a_name_a_comprehension_binds_is_not_the_module_function(tmp_path: Path) -> None:
    repo = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
        "from app.db import Item\n\n\n"
        "def load(session: AsyncSession):\n"
        "    return session.query(Item).all()\n\n\n"
        "def names(load_names: list[str]) -> list[str]:\n"
        "    return [load.upper() for load in load_names]\n\n\n"
        "def results(loaders: list) -> list:\n"
        "    return [load() for load in loaders]\n\n\n"
        "def pairs(rows: dict) -> dict:\n"
        "    return {load: n for (load, n) in rows.items()}\n"
    )
    result = _run_module(tmp_path, "app/repo.py", repo)
    (change,) = result.changes
    after = change.after.decode()
    assert "return [load.upper() for load in load_names]" in after
    assert "return [load() for load in loaders]" in after
    assert "async def load(session: AsyncSession)" in after
    assert "def names(" in after and "async def names" not in after
    assert "def results(" in after and "async def results" not in after
    assert [v.reason_id for v in result.violations if not v.fixable] == []


def test_a_discarded_coroutine_of_an_async_def_of_the_input_is_awaited_and_counted(
    tmp_path: Path,
) -> None:
    """``remove(item_id)`` as a statement of an async function drops the coroutine, and
    ``remove`` never runs: that call gets its ``await``, as a finding of its own; the same
    statement in a plain ``def`` is left as it is."""
    callers = (
        "async def forget(item_id: int) -> None:\n"
        "    remove(item_id)\n\n\n"
        "def forget_later(item_id: int) -> None:\n"
        "    remove(item_id)\n"
    )
    result = _run_module(tmp_path, "app/work.py", _REMOVE + callers)
    (change,) = result.changes
    after = change.after.decode()
    assert "async def forget(item_id: int) -> None:\n    await remove(item_id)\n" in after
    assert "def forget_later(item_id: int) -> None:\n    remove(item_id)\n" in after
    assert [(f.line, f.scope) for f in result.fixed] == [(13, "forget")]
    assert "its coroutine is discarded" in result.fixed[0].message
    assert result.violations == []


#: a project's own class named like SQLAlchemy's session class: an HTTP client of its tests
_HTTP_HELPERS = (
    "import requests\n\n\n"
    "class AsyncSession(requests.Session):\n"
    '    """Requests sent from a worker thread, each a future."""\n'
)


def test_a_class_of_the_project_named_asyncsession_makes_no_session(tmp_path: Path) -> None:
    """``AsyncSession()`` of the project's own ``requests.Session`` subclass (imported by a
    relative import or through its module) makes no database session: its ``get()`` needs no
    ``await``, and reading a relationship next to it is no lazy load in async code."""
    models = (
        _MODELS.replace(
            "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n",
            "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n",
        )
        + "    tags: Mapped[list[Tag]] = relationship()\n\n\nclass Tag(Base):\n"
        + ('    __tablename__ = "tags"\n    id: Mapped[int] = mapped_column(primary_key=True)\n')
    )
    pages = (
        "from app import db\n"
        "from app.tests import helpers\n"
        "from .helpers import AsyncSession\n\n\n"
        "async def test_page(item: db.Item) -> None:\n"
        "    browser = AsyncSession()\n"
        '    page = await browser.get("/items")\n'
        "    assert page.ok and item.tags\n\n\n"
        "async def test_pages() -> None:\n"
        "    browser = helpers.AsyncSession()\n"
        '    future = browser.get("/tags")\n'
        "    assert future.result().ok\n"
    )
    # a module that reads the class through its module only
    tags = (
        "from app.tests import helpers\n\n\n"
        "async def test_tags() -> None:\n"
        "    browser = helpers.AsyncSession()\n"
        '    assert browser.get("/tags").result().ok\n'
    )
    files = {
        "app/__init__.py": "",
        "app/db.py": models,
        "app/tests/__init__.py": "",
        "app/tests/helpers.py": _HTTP_HELPERS,
        "app/tests/test_pages.py": pages,
        "app/tests/test_tags.py": tags,
    }
    result = _run(tmp_path, files)
    assert result.changes == []
    assert result.violations == []
