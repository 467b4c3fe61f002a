"""Legacy Query code and its async-queries rewrite return the same results on the same data.

``aq_data/legacy_cases.py`` is rewritten by the real engine in ``--mode sync`` and ``--mode async``;
each function then runs on a fresh copy of one SQLite database: the legacy original on a ``Session``,
the sync rewrite on a ``Session`` and the async rewrite on an ``AsyncSession`` (aiosqlite). Results
are compared after normalising ORM objects to ``(class, id)`` and rows to tuples, so objects vs rows,
duplicates and ordering all count. Functions that change data are compared on the data too.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import shutil
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from backfix.builtin_codemods.async_queries import AsyncQueries
from sqlalchemy import TextClause, create_engine, text
from sqlalchemy.engine import Row
from sqlalchemy.exc import SAWarning
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import Session

from backfix.discovery import Workspace
from backfix.runner import CodemodSpec, RunOptions, run

DATA = Path(__file__).parent / "aq_data"
CASE_NAMES = [
    name
    for name, _ in sorted(
        (line.split("(")[0][4:], None)
        for line in (DATA / "legacy_cases.py").read_text().splitlines()
        if line.startswith("def ")
    )
]


def _rewrite(root: Path, mode: str) -> bytes:
    spec = CodemodSpec(AsyncQueries, "async-queries", (("mode", mode),))
    result = run(
        Workspace(root=root),
        RunOptions(specs=[spec], paths=[root / "cases.py"], apply=True, jobs=1),
    )
    assert not result.errors, result.errors
    assert not result.violations, [v.to_json() for v in result.violations]
    (change,) = result.changes
    return change.after


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Env:
    """The three versions of the cases and a template database."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.legacy = _load(root / "legacy.py", "aq_legacy_cases")
        self.sync = _load(root / "sync.py", "aq_sync_cases")
        self.async_ = _load(root / "async_.py", "aq_async_cases")
        self.template = root / "template.db"

    def fresh_db(self, tag: str) -> Path:
        """A copy of the seeded database."""
        path = self.root / f"{tag}.db"
        shutil.copy(self.template, path)
        return path


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """Rewrite the cases once per mode, import all three versions, seed a template database."""
    root = tmp_path_factory.mktemp("aq_behaviour")
    shutil.copy(DATA / "models.py", root / "models.py")
    shutil.copy(DATA / "legacy_cases.py", root / "legacy.py")
    for mode, target in (("sync", "sync.py"), ("async", "async_.py")):
        work = root / f"work_{mode}"
        work.mkdir()
        shutil.copy(DATA / "legacy_cases.py", work / "cases.py")
        (root / target).write_bytes(_rewrite(work, mode))
    sys.path.insert(0, str(root))
    try:
        import models  # type: ignore[import-not-found]

        engine = create_engine(f"sqlite:///{root / 'template.db'}")
        models.Base.metadata.create_all(engine)
        with Session(engine) as session:
            models.seed(session)
        engine.dispose()
        yield Env(root)
    finally:
        sys.path.remove(str(root))
        for name in ("models", "aq_legacy_cases", "aq_sync_cases", "aq_async_cases"):
            sys.modules.pop(name, None)


def _norm(value: Any) -> Any:
    if hasattr(value, "__table__"):
        return (type(value).__name__, value.id)
    if isinstance(value, Row):
        return ("row", tuple(_norm(v) for v in value))
    if isinstance(value, (list, tuple)):
        return [_norm(v) for v in value]
    return value


def _state_sql() -> TextClause:
    return text(
        "SELECT 'u', id, name, active FROM users "
        "UNION ALL SELECT 'a', id, email, user_id FROM addresses ORDER BY 1, 2"
    )


def _call_sync(fn: Callable[..., Any], db: Path) -> tuple[Any, Any]:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with Session(engine) as session:
            try:
                result = _norm(fn(session))
            except Exception as exc:  # the exception type is part of the behaviour
                result = ("raises", type(exc).__name__)
            state = [tuple(r) for r in session.execute(_state_sql()).all()]
        return result, state
    finally:
        engine.dispose()


async def _call_async(fn: Callable[..., Any], db: Path) -> tuple[Any, Any]:
    engine = create_async_engine(f"sqlite+aiosqlite:///{db}")
    try:
        async with AsyncSession(engine) as session:
            try:
                result = _norm(await fn(session))
            except Exception as exc:
                result = ("raises", type(exc).__name__)
            state = [tuple(r) for r in (await session.execute(_state_sql())).all()]
        return result, state
    finally:
        await engine.dispose()


def test_rewritten_modules_have_no_legacy_query(env: Env) -> None:
    """Both rewrites convert every chain of the case file."""
    for module in (env.sync, env.async_):
        source = Path(module.__file__ or "").read_text()
        assert ".query(" not in source


@pytest.mark.parametrize("name", CASE_NAMES)
def test_sync_rewrite_matches_legacy(env: Env, name: str) -> None:
    """``--mode sync``: same result and same data afterwards."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _call_sync(getattr(env.legacy, name), env.fresh_db(f"{name}-legacy"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no LegacyAPIWarning / deprecation left in the rewrite
        warnings.simplefilter("ignore", SAWarning)
        actual = _call_sync(getattr(env.sync, name), env.fresh_db(f"{name}-sync"))
    assert actual == expected


@pytest.mark.parametrize("name", CASE_NAMES)
def test_async_rewrite_matches_legacy(env: Env, name: str) -> None:
    """``--mode async``: an awaited coroutine with the same result and data."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _call_sync(getattr(env.legacy, name), env.fresh_db(f"{name}-legacy"))
    fn = getattr(env.async_, name)
    assert inspect.iscoroutinefunction(fn)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # "coroutine was never awaited"
        actual = asyncio.run(_call_async(fn, env.fresh_db(f"{name}-async")))
    assert actual == expected
