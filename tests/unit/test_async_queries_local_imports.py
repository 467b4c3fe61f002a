"""async-queries: an object a function loads through a class it imports in its own body (a test's
``from app.models import Notebook``) is loaded eagerly when that class's method says so."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from backfix.builtin_codemods.async_queries import lazy
from testkit import invoke_in, write_files

MODELS = (
    "from sqlalchemy import ForeignKey, select\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\n"
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload\n"
    "\n\nclass Base(DeclarativeBase):\n    pass\n\n\n"
    "class Shelf(Base):\n"
    "    __tablename__ = 'shelves'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    books: Mapped[list['Book']] = relationship(back_populates='shelf')\n\n"
    "    @classmethod\n"
    "    async def read_all(cls, session: AsyncSession, with_books: bool):\n"
    "        stmt = select(cls)\n"
    "        if with_books:\n"
    "            stmt = stmt.options(selectinload(cls.books))\n"
    "        return (await session.scalars(stmt)).all()\n\n"
    "    @classmethod\n"
    "    async def read_plain(cls, session: AsyncSession):\n"
    "        return (await session.scalars(select(cls))).all()\n\n\n"
    "class Book(Base):\n"
    "    __tablename__ = 'books'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    shelf_id: Mapped[int] = mapped_column(ForeignKey('shelves.id'))\n"
    "    shelf: Mapped[Shelf] = relationship(back_populates='books')\n"
)

TESTS = (
    "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
    "async def test_loaded(session: AsyncSession) -> None:\n"
    "    from app.models import Shelf\n\n"
    "    await session.flush()\n"
    "    shelf = (await Shelf.read_all(session, with_books=True))[0]\n"
    "    assert len(shelf.books) == 2\n\n\n"
    "async def test_not_loaded(session: AsyncSession) -> None:\n"
    "    from app import models as m\n\n"
    "    await session.flush()\n"
    "    shelf = (await m.Shelf.read_plain(session))[0]\n"
    "    assert len(shelf.books) == 2\n\n\n"
    "async def test_plain_import(session: AsyncSession) -> None:\n"
    "    from app.models import Shelf\n\n"
    "    await session.flush()\n"
    "    shelf = (await Shelf.read_plain(session))[0]\n"
    "    assert len(shelf.books) == 2\n"
)

#: the line numbers of the three reads of `shelf.books`, one per test
READS = [n for n, line in enumerate(TESTS.splitlines(), 1) if "shelf.books" in line]


def test_calls_through_names_the_function_imports_itself() -> None:
    code = (
        "import app.models\n\n"
        "async def f(db):\n"
        "    from .models import Shelf as Shelves, find\n"
        "    import app.crud as crud\n"
        "    Shelves.read(db)\n    find(db)\n    crud.get(db)\n    other(db)\n"
        "    app.models.thing(db)\n"
    )
    func = ast.parse(code).body[1]
    assert isinstance(func, ast.AsyncFunctionDef)
    imports, targets = lazy.local_calls(func, "app/routes.py")
    assert imports == {
        "Shelves": ("app.models", "Shelf"),
        "find": ("app.models", "find"),
        "crud": ("app.crud", ""),
    }
    assert set(targets) == {
        ("typed", "Shelves", "read"),
        ("sym", "find"),
        ("modattr", "crud", "get"),
    }


def _lazy_load_lines(root: Path, models: str) -> list[int]:
    """The lines of ``tests/test_shelves.py`` (TESTS) that a scan reports as possible lazy loads,
    with ``models`` as ``app/models.py``."""
    write_files(
        root, {"app/__init__.py": "", "app/models.py": models, "tests/test_shelves.py": TESTS}
    )
    code, out, _ = invoke_in(
        root, "--no-cache", "scan", "--no-ledger", "--codemod", "async-queries",
        "--format", "json", "--path", ".",
    )  # fmt: skip
    assert code in (0, 1), out
    return [v["line"] for v in json.loads(out)["violations"] if "lazy load" in v["message"]]


def test_a_local_import_of_a_class_that_loads_eagerly_silences_the_read(tmp_path: Path) -> None:
    # read_all names `books` in a selectinload (the rule is by name); read_plain does not, and a
    # module imported as a whole (`m.Shelf`) is not followed
    assert _lazy_load_lines(tmp_path, MODELS) == READS[1:]


def test_a_redefined_method_is_read_as_its_last_definition(tmp_path: Path) -> None:
    """Python binds the last ``def`` of a name: a ``read_all`` redefined without the eager load
    no longer silences the read (each look-up of a function takes that same definition)."""
    redefined = MODELS.replace(
        "\n\n\nclass Book(Base):",
        "\n\n    @classmethod\n"
        "    async def read_all(cls, session: AsyncSession, with_books: bool):\n"
        "        return (await session.scalars(select(cls))).all()\n\n\nclass Book(Base):",
    )
    assert redefined.count("async def read_all") == 2
    assert _lazy_load_lines(tmp_path, redefined) == READS


def test_model_query_in_a_function_that_binds_db_itself_is_reported(tmp_path: Path) -> None:
    """``Model.query`` becomes ``db.session...``; in a function that imports ``db`` itself
    (further down, to avoid an import cycle) that name is the function's local, unbound there."""
    services = (
        "from app.models import Item\n\n\n"
        "def cycle_safe():\n"
        "    items = Item.query.all()\n"
        "    from app import db\n\n"
        "    db.session.commit()\n"
        "    return items\n\n\n"
        "def outer():\n"
        "    db = None\n\n"
        "    def inner():\n"
        "        return Item.query.all()\n\n"
        "    return inner, db\n\n\n"
        "def fine():\n"
        "    return Item.query.all()\n"
    )
    found = _reasons_in_services(tmp_path, services)
    queries = [n for n, line in enumerate(services.splitlines(), 1) if "Item.query" in line]
    reasons = ["db-name-bound-locally", "db-name-bound-locally", ""]
    assert found == dict(zip(queries, reasons, strict=True))


def test_a_db_parameter_is_named_as_a_parameter(tmp_path: Path) -> None:
    """``def test_items(db)``: a pytest fixture may hand Flask-SQLAlchemy's ``db`` in, which the
    tool cannot tell; the reason says it is a parameter and how to go on."""
    services = "from app.models import Item\n\n\ndef test_items(db):\n    return Item.query.all()\n"
    assert _reasons_in_services(tmp_path, services) == {5: "db-name-bound-locally"}
    _, out, _ = invoke_in(
        tmp_path, "--no-cache", "scan", "--no-ledger", "--codemod", "async-queries",
        "--format", "json", "--path", "app/services.py",
    )  # fmt: skip
    (violation,) = json.loads(out)["violations"]
    assert "`db` is a parameter of `test_items` (a pytest fixture?)" in violation["reason"]


def test_only_files_where_a_function_may_bind_db_have_their_scopes_read() -> None:
    from backfix.builtin_codemods.async_queries.plan import _may_bind_locally

    binds = [
        b"def f():\n    from app import db\n",
        b"def f(db):\n    pass\n",
        b"async def f(x, db: Session):\n    pass\n",
        b"def f(\n    db,\n):\n    pass\n",
        b"def f():\n    for db in dbs:\n        pass\n",
    ]
    reads = [
        b"from app import db\n\n\ndef f():\n    return db.session.query(X).all()\n",
        b"db = SQLAlchemy()\n",
        b"def f():\n    x = db.session  # db\n",
    ]
    assert all(_may_bind_locally(raw, {"db"}) for raw in binds)
    assert not any(_may_bind_locally(raw, {"db"}) for raw in reads)


def test_db_session_through_a_function_import_is_flask_sqlalchemys(tmp_path: Path) -> None:
    """``db`` imported inside the function (to avoid an import cycle) is the project's
    Flask-SQLAlchemy object: its ``db.session.query(...)`` is rewritten, in that function and in
    one nested in it; ``from flask import g as db`` stays an unknown session."""
    services = (
        "from app.models import Item\n\n\n"
        "def count_items():\n"
        "    from app import db\n\n"
        "    return db.session.query(Item).count()\n\n\n"
        "def outer():\n"
        "    from app import db as database\n\n"
        "    def inner():\n"
        "        return database.session.query(Item).all()\n\n"
        "    return inner\n\n\n"
        "def flask_g():\n"
        "    from flask import g as db\n\n"
        "    return db.session.query(Item).all()\n"
    )
    found = _reasons_in_services(tmp_path, services)
    queries = [n for n, line in enumerate(services.splitlines(), 1) if "session.query" in line]
    assert found == dict(zip(queries, ["", "", "unknown-session"], strict=True))
    code, out, _ = invoke_in(
        tmp_path, "apply", "async-queries", "--path", "app/services.py", "--dry-run"
    )  # fmt: skip
    assert code in (0, 1), out  # 1: the `flask.g` query is left for review
    assert "+    return db.session.scalar(db.select(db.func.count()).select_from(Item))" in out
    assert "+        return database.session.scalars(database.select(Item)).all()" in out


def _reasons_in_services(root: Path, services: str) -> dict[int, str]:
    """Each finding's line → reason id in ``app/services.py`` of a Flask-SQLAlchemy 3 app."""
    write_files(
        root,
        {
            "requirements.txt": "sqlalchemy==2.0.30\nflask-sqlalchemy==3.1.1\n",
            "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
            "app/models.py": (
                "from app import db\n\n\nclass Item(db.Model):\n"
                "    id = db.Column(db.Integer, primary_key=True)\n"
            ),
            "app/services.py": services,
        },
    )
    code, out, _ = invoke_in(
        root, "--no-cache", "scan", "--no-ledger", "--codemod", "async-queries",
        "--format", "json", "--path", "app/services.py",
    )  # fmt: skip
    assert code in (0, 1), out
    return {v["line"]: v.get("reason_id", "") for v in json.loads(out)["violations"]}
