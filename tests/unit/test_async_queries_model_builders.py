"""async-queries: a model's classmethod that builds a route's query with its eager loads
(``Shelf.with_owner()``) silences the lazy-load report for what it loads, also where the models
module holds no query the scan reads, and where the route binds the object more than once."""

from __future__ import annotations

import json
from pathlib import Path

from testkit import invoke_in, write_files

MODELS = (
    "from sqlalchemy import ForeignKey, Select, select\n"
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload\n"
    "\n\nclass Base(DeclarativeBase):\n    pass\n\n\n"
    "class Owner(Base):\n"
    "    __tablename__ = 'owners'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n\n\n"
    "class Shelf(Base):\n"
    "    __tablename__ = 'shelves'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    owner_id: Mapped[int] = mapped_column(ForeignKey('owners.id'))\n"
    "    owner: Mapped[Owner] = relationship()\n\n"
    "    @classmethod\n"
    "    def with_owner(cls) -> Select:\n"
    "        return select(cls).options(selectinload(cls.owner))\n"
)

#: a class of the same name elsewhere, whose method of the same name loads nothing
ARCHIVE = (
    "from sqlalchemy import select\n\n\n"
    "class Shelf:\n"
    "    @classmethod\n"
    "    def with_owner(cls):\n"
    "        return select(cls)\n"
)

ROUTES = (
    "from sqlalchemy import select\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
    "from app import archive\n"
    "from app.models import Shelf\n\n\n"
    "async def loaded(session: AsyncSession, shelf_id: int):\n"
    "    shelf = (await session.execute(Shelf.with_owner().filter(Shelf.id == shelf_id))).scalar_one()\n"
    "    return shelf.owner.id  # loaded\n\n\n"
    "async def bound_twice(session: AsyncSession, shelf_id: int):\n"
    "    shelf = (await session.execute(Shelf.with_owner())).scalars().first()\n"
    "    if shelf is None:\n"
    "        shelf = (await session.execute(Shelf.with_owner().filter(Shelf.id == shelf_id))).scalar_one()\n"
    "    return shelf.owner.id  # loaded\n\n\n"
    "async def plain(session: AsyncSession, shelf_id: int):\n"
    "    shelf = (await session.execute(select(Shelf).filter(Shelf.id == shelf_id))).scalar_one()\n"
    "    return shelf.owner.id  # lazy\n\n\n"
    "async def other_class(session: AsyncSession):\n"
    "    shelf = (await session.execute(archive.Shelf.with_owner())).scalar_one()\n"
    "    return shelf.owner.id  # lazy\n"
)


def _lazy_load_lines(root: Path, models: str = MODELS, archive: str = ARCHIVE) -> list[int]:
    """The lines of ``app/routes.py`` (ROUTES) that a scan reports as possible lazy loads."""
    files = {"app/__init__.py": "", "app/models.py": models, "app/archive.py": archive}
    write_files(root, {**files, "app/routes.py": ROUTES})
    code, out, _ = invoke_in(
        root, "--no-cache", "scan", "--no-ledger", "--codemod", "async-queries",
        "--format", "json", "--path", ".",
    )  # fmt: skip
    assert code in (0, 1), out
    return [v["line"] for v in json.loads(out)["violations"] if "lazy load" in v["message"]]


def _lines_ending(comment: str) -> list[int]:
    return [n for n, line in enumerate(ROUTES.splitlines(), 1) if line.endswith(comment)]


def test_a_models_classmethod_that_loads_eagerly_silences_the_reads(tmp_path: Path) -> None:
    assert len(_lines_ending("# lazy")) == 2
    assert _lazy_load_lines(tmp_path) == _lines_ending("# lazy")


def test_the_class_is_the_one_the_route_imports(tmp_path: Path) -> None:
    """The archive's ``Shelf`` is another class: its ``with_owner`` loading ``owner`` silences
    nothing in the routes that call the models' ``Shelf.with_owner()``, which does not."""
    eager = "select(cls).options(selectinload(cls.owner))"
    models = MODELS.replace(eager, "select(cls)")
    archive = "from sqlalchemy.orm import selectinload\n" + ARCHIVE.replace("select(cls)", eager)
    found = _lazy_load_lines(tmp_path, models, archive)
    assert set(_lines_ending("# loaded")) <= set(found)
