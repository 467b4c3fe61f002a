"""async-queries output details: session receivers, name clashes, imports, unique(), limits."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from backfix.builtin_codemods.async_queries import AsyncQueries
from backfix.builtin_codemods.async_queries.analyze import untyped_query_reason

from backfix.discovery import Workspace
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run


def _flat(code: str) -> str:
    """Code without layout: the engine's formatter pass may wrap a rewritten statement."""
    return re.sub(r"\s+", "", code).replace(",)", ")").replace(",]", "]")


MODELS = (
    "from sqlalchemy import ForeignKey\n"
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n\n\n"
    "class Base(DeclarativeBase):\n    pass\n\n\n"
    "class User(Base):\n"
    '    __tablename__ = "users"\n'
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    '    posts = relationship("Post", lazy="joined")\n\n\n'
    "class Post(Base):\n"
    '    __tablename__ = "posts"\n'
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    '    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))\n'
    '    author = relationship("User", lazy="joined", uselist=False)\n\n\n'
    "class Config(Base):\n"
    '    __tablename__ = "config"\n'
    "    id: Mapped[int] = mapped_column(primary_key=True)\n\n\n"
    "class Palette:\n    pass\n"
)


def _run(tmp_path: Path, files: dict[str, str], **options: object) -> RunResult:
    for rel, text in {"app/__init__.py": "", "app/models.py": MODELS, **files}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    spec = CodemodSpec(
        AsyncQueries, "async-queries", tuple(sorted({"mode": "sync", **options}.items()))
    )
    result = run(
        Workspace(root=tmp_path),
        RunOptions(specs=[spec], paths=[tmp_path], apply=True, jobs=1),
    )
    assert not result.errors, result.errors
    return result


def _after(result: RunResult, path: str) -> str:
    (change,) = [c for c in result.changes if c.path == path]
    return change.after.decode()


def test_unique_only_for_classes_that_joined_load_a_collection(tmp_path: Path) -> None:
    """User joined-loads posts (a collection); Post's joined author loads them in turn (checked
    against SQLAlchemy: its results need unique() too); Config loads nothing."""
    repo = (
        "from sqlalchemy.orm import Session\n\n"
        "from app.models import Config, Post, User\n\n\n"
        "def f(session: Session):\n"
        "    return (\n"
        "        session.query(User).all(),\n"
        "        session.query(Post).all(),\n"
        "        session.query(Config).all(),\n"
        "    )\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert _flat("session.scalars(select(User)).unique().all()") in _flat(after)
    assert _flat("session.scalars(select(Post)).unique().all()") in _flat(after)
    assert _flat("session.scalars(select(Config)).all()") in _flat(after)


def test_a_class_read_through_its_module_is_known_by_its_name(tmp_path: Path) -> None:
    """``models.Config`` is Config, which loads nothing: no unique(), as for ``Config``."""
    repo = (
        "from sqlalchemy.orm import Session\n\n"
        "from app import models\n\n\n"
        "def f(session: Session):\n"
        "    return session.query(models.Config).all(), session.query(models.User).all()\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert _flat("session.scalars(select(models.Config)).all()") in _flat(after)
    assert _flat("session.scalars(select(models.User)).unique().all()") in _flat(after)


def test_cls_in_a_method_of_a_class_nothing_extends_is_that_class(tmp_path: Path) -> None:
    """``session.query(cls)`` in a method of Setting queries Setting, which loads nothing; in
    Shape, which Circle extends, ``cls`` may be a subclass that does: unique() stays."""
    extra = (
        "from sqlalchemy.orm import Mapped, mapped_column\n\n"
        "from app.models import Base\n\n\n"
        "class Setting(Base):\n"
        '    __tablename__ = "settings"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n\n"
        "    @classmethod\n"
        "    def every(cls, session):\n"
        "        return session.query(cls).all()\n\n\n"
        "class Shape(Base):\n"
        '    __tablename__ = "shapes"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n\n"
        "    @classmethod\n"
        "    def every(cls, session):\n"
        "        return session.query(cls).all()\n\n\n"
        "class Circle(Shape):\n"
        "    pass\n"
    )
    after = _after(_run(tmp_path, {"app/extra.py": extra}), "app/extra.py")
    setting, shape = after.split("class Shape")
    assert _flat("session.scalars(select(cls)).all()") in _flat(setting)
    assert _flat("session.scalars(select(cls)).unique().all()") in _flat(shape)


def test_a_joined_relationship_is_a_many_to_one_where_only_its_table_has_the_key(
    tmp_path: Path,
) -> None:
    """A joined ``relationship()`` that does not say whether it holds a list: the foreign keys
    tell. Badge's key to ``teams`` makes ``Badge.team`` a many-to-one (no unique()); Team has
    no key to ``badges``, so ``Team.badges`` is a collection (unique()); a self-reference stays
    unknown, which counts as a collection."""
    extra = (
        "from sqlalchemy import ForeignKey\n"
        "from sqlalchemy.orm import Mapped, mapped_column, relationship\n\n"
        "from app.models import Base\n\n\n"
        "class Team(Base):\n"
        '    __tablename__ = "teams"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        '    badges = relationship("Badge", lazy="joined")\n\n\n'
        "class Badge(Base):\n"
        '    __tablename__ = "badges"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        '    team_id = mapped_column(ForeignKey("teams.id"))\n'
        '    team = relationship("Team", lazy="joined")\n\n\n'
        "class Node(Base):\n"
        '    __tablename__ = "nodes"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        '    parent_id = mapped_column(ForeignKey("nodes.id"))\n'
        '    parent = relationship("Node", lazy="joined")\n\n\n'
        "def f(session):\n"
        "    return (\n"
        "        session.query(Badge).all(),\n"
        "        session.query(Team).all(),\n"
        "        session.query(Node).all(),\n"
        "    )\n"
    )
    after = _flat(_after(_run(tmp_path, {"app/extra.py": extra}), "app/extra.py"))
    assert _flat("session.scalars(select(Team)).unique().all()") in after
    assert _flat("session.scalars(select(Node)).unique().all()") in after
    # Badge joins Team, whose badges are a joined collection: the ORM loads them too
    assert _flat("session.scalars(select(Badge)).unique().all()") in after


def test_a_distinct_made_on_some_paths_only_keeps_unique(tmp_path: Path) -> None:
    """SELECT DISTINCT repeats no row, but a rebuild that applies it in a branch leaves the other
    path's joined rows repeating, which the legacy query de-duplicated."""
    code = (
        "from app.models import Config, Post\n\n\n"
        "def some(session, only):\n"
        "    q = session.query(Config).join(Post, Post.id == Config.id)\n"
        "    if only:\n"
        "        q = q.filter(Post.id > 1).distinct()\n"
        "    return q.all()\n\n\n"
        "def every(session):\n"
        "    q = session.query(Config).join(Post, Post.id == Config.id)\n"
        "    q = q.distinct()\n"
        "    return q.all()\n"
    )
    after = _after(_run(tmp_path, {"app/queries.py": code}), "app/queries.py")
    some, every = after.split("def every")
    assert ".unique().all()" in some
    assert ".unique()" not in every


def test_a_joined_many_to_one_needs_no_unique(tmp_path: Path) -> None:
    extra = (
        "from sqlalchemy import ForeignKey\n"
        "from sqlalchemy.orm import Mapped, mapped_column, relationship\n\n"
        "from app.models import Base\n\n\n"
        "class Owner(Base):\n"
        '    __tablename__ = "owners"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n\n\n"
        "class Token(Base):\n"
        '    __tablename__ = "tokens"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        '    owner_id = mapped_column(ForeignKey("owners.id"))\n'
        '    owner = relationship("Owner", lazy="joined")\n\n\n'
        "def f(session):\n"
        "    return session.query(Token).all()\n"
    )
    after = _flat(_after(_run(tmp_path, {"app/extra.py": extra}), "app/extra.py"))
    assert _flat("session.scalars(select(Token)).all()") in after


def test_a_loader_option_built_outside_the_chain_keeps_unique(tmp_path: Path) -> None:
    """indico's ``Editable.query.options(revisions_strategy)``, with ``revisions_strategy =
    joinedload('revisions')`` a few lines up: the option may join a collection's rows, which 2.0
    returns only through ``unique()`` (an ``InvalidRequestError`` otherwise); a loader option
    written in the chain says what it does."""
    extra = (
        "from sqlalchemy import ForeignKey\n"
        "from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, "
        "selectinload\n\n"
        "from app.models import Base\n\n\n"
        "class Owner(Base):\n"
        '    __tablename__ = "owners"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        '    tokens = relationship("Token")\n\n\n'
        "class Token(Base):\n"
        '    __tablename__ = "tokens"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        '    owner_id = mapped_column(ForeignKey("owners.id"))\n\n\n'
        "def built(session, ids):\n"
        "    strategy = joinedload(Owner.tokens)\n"
        "    return session.query(Owner).options(strategy).filter(Owner.id.in_(ids)).all()\n\n\n"
        "def written(session, ids):\n"
        "    return session.query(Owner).options(selectinload(Owner.tokens)).all()\n"
    )
    after = _flat(_after(_run(tmp_path, {"app/extra.py": extra}), "app/extra.py"))
    built = "select(Owner).options(strategy).where(Owner.id.in_(ids))).unique().all()"
    assert _flat(built) in after
    assert (
        _flat("session.scalars(select(Owner).options(selectinload(Owner.tokens))).all()") in after
    )


def test_a_class_tested_in_has_or_any_joins_nothing_and_needs_no_unique(tmp_path: Path) -> None:
    """``Token.owner.has(Owner.name == x)`` reads ``Owner`` in an EXISTS subquery: no row of
    ``Token`` repeats, unlike criteria that join ``Owner`` to the rows."""
    extra = (
        "from sqlalchemy import ForeignKey\n"
        "from sqlalchemy.orm import Mapped, mapped_column, relationship\n\n"
        "from app.models import Base\n\n\n"
        "class Owner(Base):\n"
        '    __tablename__ = "owners"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    name: Mapped[str]\n\n\n"
        "class Token(Base):\n"
        '    __tablename__ = "tokens"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        '    owner_id = mapped_column(ForeignKey("owners.id"))\n'
        '    owner = relationship("Owner")\n\n\n'
        "def f(session, name):\n"
        "    return (\n"
        "        session.query(Token).filter(Token.owner.has(Owner.name == name)).all(),\n"
        "        session.query(Token).filter(Token.owner_id == Owner.id, Owner.name == name).all(),\n"
        "    )\n"
    )
    after = _flat(_after(_run(tmp_path, {"app/extra.py": extra}), "app/extra.py"))
    has = "session.scalars(select(Token).where(Token.owner.has(Owner.name == name))).all()"
    assert _flat(has) in after
    joined = "select(Token).where(Token.owner_id == Owner.id, Owner.name == name)).unique().all()"
    assert _flat(joined) in after


def test_a_keyword_named_like_a_class_joins_nothing(tmp_path: Path) -> None:
    """``filter_by(Key="x")`` on a column named ``Key`` (privacyidea's ``Config``): the keyword
    names no class, so no criteria on another class join rows and no ``unique()`` is added."""
    extra = (
        "from sqlalchemy.orm import Mapped, mapped_column\n\n"
        "from app.models import Base\n\n\n"
        "class Setting(Base):\n"
        '    __tablename__ = "settings"\n'
        "    Key: Mapped[str] = mapped_column(primary_key=True)\n\n\n"
        "def f(session):\n"
        '    return session.query(Setting).filter_by(Key="theme").all()\n'
    )
    after = _flat(_after(_run(tmp_path, {"app/extra.py": extra}), "app/extra.py"))
    assert _flat('session.scalars(select(Setting).filter_by(Key="theme")).all()') in after


def test_the_class_of_a_loaded_row_selects_entities(tmp_path: Path) -> None:
    """``session.query(type(parent))`` iterated gives rows of that class, as ``scalars()``
    does; ``execute()`` would give ``Row`` tuples, whose ``.id`` fails."""
    extra = (
        "def f(session, parent):\n"
        "    return [m.id for m in session.query(type(parent)).filter_by(chat_id=1)]\n"
    )
    after = _flat(_after(_run(tmp_path, {"app/extra.py": extra}), "app/extra.py"))
    assert _flat("session.scalars(select(type(parent)).filter_by(chat_id=1))") in after


def test_select_imported_from_sqlalchemy_sql_is_the_select_the_rewrite_needs(
    tmp_path: Path,
) -> None:
    """``from sqlalchemy.sql import select`` binds SQLAlchemy's own ``select``: the rewrite uses
    it, with no second import under another name (onyx got ``select as sa_select``)."""
    extra = (
        "from sqlalchemy.sql import select\n\n"
        "from app.models import Post\n\n\n"
        "def f(session):\n"
        "    return session.query(Post).all(), select(Post)\n"
    )
    after = _after(_run(tmp_path, {"app/extra.py": extra}), "app/extra.py")
    assert "sa_select" not in after and "from sqlalchemy import" not in after
    assert "session.scalars(select(Post))" in _flat(after)


def test_first_of_a_join_reads_one_row_and_needs_no_unique(tmp_path: Path) -> None:
    """A join repeats rows, which legacy de-duplicated: all() and one() keep unique(); first()
    reads one row (LIMIT 1), so unique() is left out unless a collection is joined-eager-loaded."""
    repo = (
        "from sqlalchemy.orm import Session, joinedload\n\n"
        "from app.models import Config, Post, User\n\n\n"
        "def f(session: Session):\n"
        "    return (\n"
        "        session.query(Config).join(Post).filter(Post.id == 1).first(),\n"
        "        session.query(Config).join(Post).all(),\n"
        "        session.query(Config).join(Post).one(),\n"
        "        session.query(User).join(Post).first(),\n"
        "        session.query(Config).options(joinedload(Config.items)).first(),\n"
        "    )\n"
    )
    after = _flat(_after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py"))
    assert (
        _flat("session.scalars(select(Config).join(Post).where(Post.id == 1).limit(1)).first()")
        in after
    )
    assert _flat("session.scalars(select(Config).join(Post)).unique().all()") in after
    assert _flat("session.execute(select(Config).join(Post)).unique().scalar_one()") in after
    assert _flat("session.scalars(select(User).join(Post).limit(1)).unique().first()") in after
    assert (
        _flat(
            "session.scalars(select(Config).options(joinedload(Config.items)).limit(1)).unique().first()"
        )
        in after
    )


def test_a_joined_backref_counts_on_the_class_it_is_created_on(tmp_path: Path) -> None:
    """`backref("posts", lazy="joined")` on Post.author makes User's queries load a collection."""
    models = MODELS.replace('    posts = relationship("Post", lazy="joined")\n', "").replace(
        'author = relationship("User", lazy="joined", uselist=False)',
        'author = relationship("User", backref=backref("posts", lazy="joined"))',
    )
    models = models.replace("relationship\n", "backref, relationship\n")
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Post, User\n\n\n"
        "def f(session: Session):\n"
        "    return session.query(User).all(), session.query(Post).all()\n"
    )
    after = _after(_run(tmp_path, {"app/models.py": models, "app/repo.py": repo}), "app/repo.py")
    assert _flat("session.scalars(select(User)).unique().all()") in _flat(after)
    assert _flat("session.scalars(select(Post)).all()") in _flat(after)


def test_direct_forms(tmp_path: Path) -> None:
    """No second limit(1), `select(X.id)`, and a direct count of the filtered rows."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def f(session: Session):\n"
        "    a = session.query(Config).filter(Config.id > 1).limit(1).first()\n"
        "    b = session.query(Config).with_entities(Config.id).all()\n"
        "    c = session.query(Config).filter_by(id=2).count()\n"
        "    return a, b, c\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert _flat("session.scalars(select(Config).where(Config.id > 1).limit(1)).first()") in _flat(
        after
    )
    assert _flat("session.execute(select(Config.id)).all()") in _flat(after)
    assert _flat(
        "session.scalar(select(func.count()).select_from(Config).filter_by(id=2))"
    ) in _flat(after)


@pytest.mark.parametrize("config", ["mypy.ini", "pyproject.toml", ".pre-commit-config.yaml"])
def test_a_count_stays_an_int_in_a_project_that_checks_types(tmp_path: Path, config: str) -> None:
    """``session.scalar()`` is typed ``int | None``: a project that runs mypy or pyright gets
    ``execute(...).scalar_one()``, an ``int`` as ``count()`` was."""
    text = {
        "mypy.ini": "[mypy]\nstrict = True\n",
        "pyproject.toml": "[tool.pyright]\ntypeCheckingMode = 'basic'\n",
        ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/pre-commit/mirrors-mypy\n",
    }[config]
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def f(session: Session) -> bool:\n"
        "    return session.query(Config).filter_by(id=2).count() > 0\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo, config: text}), "app/repo.py")
    assert _flat(
        "session.execute(select(func.count()).select_from(Config).filter_by(id=2)).scalar_one()"
    ) in _flat(after)


@pytest.mark.parametrize(
    ("config", "text"),
    [
        ("mypy.ini", "[mypy]\nstrict = True\nplugins = pydantic.mypy, sqlmypy\n"),
        ("pyproject.toml", '[tool.mypy]\nplugins = ["sqlmypy"]\n'),
        ("setup.cfg", "[mypy]\nplugins = pydantic.mypy\n"),  # not sqlalchemy-stubs'
    ],
)
def test_a_run_says_when_mypy_reads_sqlalchemy_stubs(
    tmp_path: Path, config: str, text: str
) -> None:
    """sqlalchemy-stubs (its mypy plugin ``sqlmypy``) types SQLAlchemy 1.3 and hides the
    library's own types: mypy would report every rewritten query."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def f(session: Session):\n"
        "    return session.query(Config).filter_by(id=2).all()\n"
    )
    notes = _run(tmp_path, {"app/repo.py": repo, config: text}).notes
    stubs = [note for note in notes if "sqlalchemy-stubs" in note]
    assert len(stubs) == (config != "setup.cfg")
    assert all("remove sqlalchemy-stubs and the plugin with this change" in n for n in stubs)


def test_imported_names_never_clash_with_the_module(tmp_path: Path) -> None:
    """A module defining `delete` and a parameter `select` gets aliased imports."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def delete(session: Session, select):\n"
        "    session.query(Config).filter(Config.id == select).delete()\n"
        "    return session.query(Config).all()\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert (
        "from sqlalchemy import delete as sa_delete\nfrom sqlalchemy import select as sa_select\n"
        in after
    )
    assert _flat("session.execute(sa_delete(Config).where(Config.id == select))") in _flat(after)
    assert _flat("session.scalars(sa_select(Config)).all()") in _flat(after)
    compile(after, "repo.py", "exec")


def test_a_method_named_like_an_import_does_not_clash(tmp_path: Path) -> None:
    """A method `delete` binds the name in its class body, which its methods do not see."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "class Repo:\n"
        "    def __init__(self, session: Session):\n"
        "        self.session = session\n\n"
        "    def delete(self, config_id: int) -> None:\n"
        "        self.session.query(Config).filter_by(id=config_id).delete()\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert "from sqlalchemy import delete\n" in after
    assert "self.session.execute(delete(Config).filter_by(id=config_id))" in after
    compile(after, "repo.py", "exec")


def test_a_local_name_clashes_only_in_its_function(tmp_path: Path) -> None:
    """`delete` bound in the function that uses the new `delete(...)`: aliased for the module."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def purge(session: Session, ids):\n"
        "    for delete in ids:\n"
        "        session.query(Config).filter_by(id=delete).delete()\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert "from sqlalchemy import delete as sa_delete\n" in after
    assert _flat("session.execute(sa_delete(Config).filter_by(id=delete))") in _flat(after)


def test_an_existing_alias_is_reused(tmp_path: Path) -> None:
    """`from sqlalchemy import select as sa_select` already there: used, not imported again."""
    repo = (
        "from sqlalchemy import select as sa_select\nfrom sqlalchemy.orm import Session\n\n"
        "from app.models import Config\n\n\n"
        "def select(session: Session):\n"
        "    return session.query(Config).all(), sa_select\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert after.count("import select as sa_select") == 1
    assert _flat("session.scalars(sa_select(Config)).all()") in _flat(after)


def test_a_package_named_like_flask_is_the_project(tmp_path: Path) -> None:
    """`from flaskapp import db` binds the project's `db`: no second import is added."""
    files = {
        "flaskapp/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "flaskapp/views.py": (
            "from flaskapp import db\nfrom app.models import Config\n\n\n"
            "def f():\n    return Config.query.all()\n"
        ),
    }
    after = _after(_run(tmp_path, files), "flaskapp/views.py")
    assert after.count("import db") == 1


def test_query_on_a_class_that_is_not_mapped_is_not_a_legacy_query(tmp_path: Path) -> None:
    """`api.query(Palette)` where Palette is a plain class: no finding, no change."""
    repo = "from app.models import Palette\n\n\ndef f(api, db):\n    return api.query(Palette), db.query(Palette)\n"
    result = _run(tmp_path, {"app/repo.py": repo})
    assert result.violations == [] and result.changes == []


def test_session_names_option_accepts_a_plain_string(tmp_path: Path) -> None:
    """`-o session_names=db_session` (or `a,b`) is a list of names, not an error."""
    assert AsyncQueries({"session_names": "a, b"}).session_names == ["a", "b"]
    (tmp_path / "repo.py").write_text("def f(conn):\n    return conn.query(Job).all()\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "backfix",
            "scan",
            "--no-ledger",
            "--codemod",
            "async-queries",
            "-o",
            "session_names=conn",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "conn.query(Job).all()" in done.stdout


def test_session_query_on_a_class_held_in_a_variable_is_reported(tmp_path: Path) -> None:
    """`db_session.query(model_cls)`: a legacy query whatever `model_cls` is; its shape is unknown."""
    repo = "def f(*, db_session, model_cls):\n    return db_session.query(model_cls).all()\n"
    (violation,) = _run(tmp_path, {"app/repo.py": repo}).violations
    assert not violation.fixable and "`model_cls`" in violation.reason


def test_criteria_on_a_plain_class_join_nothing(tmp_path: Path) -> None:
    """`Config.kind == Kind.a` names an enum of the project, not a table: no unique()."""
    models = MODELS + "\n\nclass Kind(enum.Enum):\n    a = 1\n"
    models = "import enum\n\n" + models
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config, Kind, Post\n\n\n"
        "def f(session: Session):\n"
        "    return (\n"
        "        session.query(Config).filter(Config.id == Kind.a.value).all(),\n"
        "        session.query(Config).filter(Config.id == Post.id).all(),\n"
        "    )\n"
    )
    after = _after(_run(tmp_path, {"app/models.py": models, "app/repo.py": repo}), "app/repo.py")
    assert _flat("session.scalars(select(Config).where(Config.id == Kind.a.value)).all()") in _flat(
        after
    )
    # Criteria on another mapped class join it implicitly, as legacy did: keep its dedup.
    assert _flat(
        "session.scalars(select(Config).where(Config.id == Post.id)).unique().all()"
    ) in _flat(after)


def test_db_import_follows_the_module_relative_style(tmp_path: Path) -> None:
    """A module importing its package relatively gets `from .. import db`, others the full name."""
    files = {
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/api/__init__.py": "",
        "app/api/users.py": (
            "from ..models import Config\n\n\ndef f():\n    return Config.query.all()\n"
        ),
        "app/views.py": "from app.models import Config\n\n\ndef f():\n    return Config.query.all()\n",
    }
    result = _run(tmp_path, files)
    assert "from .. import db\n" in _after(result, "app/api/users.py")
    assert "from app import db\n" in _after(result, "app/views.py")


def test_db_import_does_not_go_further_up_than_the_module_does(tmp_path: Path) -> None:
    """A module importing only its own folder relatively (`from .models`) and the rest of its
    package absolutely gets the absolute name, not a first `from ..` import."""
    files = {
        "app/__init__.py": "",
        "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/api/__init__.py": "",
        "app/api/models.py": "from app.extensions import db\n\n\nclass Config(db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n",
        "app/api/users.py": (
            "from app.errors import NotFound\n"
            "from .models import Config\n\n\ndef f():\n    return Config.query.all()\n"
        ),
        "app/errors.py": "class NotFound(Exception):\n    pass\n",
    }
    assert "from app.extensions import db\n" in _after(_run(tmp_path, files), "app/api/users.py")


def test_a_module_importing_only_its_own_folder_relatively_gets_the_absolute_name(
    tmp_path: Path,
) -> None:
    """``from .models import Count`` alone (a plugin template copied out of the package as a
    package of its own) gets ``from app import db``, not ``from .. import db``, which would
    climb out of the copy."""
    files = {
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/plugin/__init__.py": "",
        "app/plugin/models.py": "from app import db\n\n\nclass Count(db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n",
        "app/plugin/resources.py": (
            "from .models import Count\n\n\ndef f():\n    return Count.query.first()\n"
        ),
    }
    after = _after(_run(tmp_path, files), "app/plugin/resources.py")
    assert "from app import db\n" in after
    assert "from .. import db" not in after


def test_a_module_whose_neighbours_climb_to_db_relatively_does_too(tmp_path: Path) -> None:
    """MerginMaps' ``mergin/auth/app.py`` imports only its own folder relatively, but every other
    module of ``mergin/auth/`` has ``from ..app import db``: it gets the same, not an absolute
    ``from mergin.app import db`` among its third-party imports."""
    files = {
        "app/__init__.py": "",
        "app/app.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/auth/__init__.py": "",
        "app/auth/models.py": "from ..app import db\n\n\nclass User(db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n",
        "app/auth/login.py": (
            "from .models import User\n\n\ndef f():\n    return User.query.first()\n"
        ),
    }
    after = _after(_run(tmp_path, files), "app/auth/login.py")
    assert "from ..app import db\n" in after
    assert "from app.app import db" not in after


def test_db_is_imported_from_where_the_project_imports_it(tmp_path: Path) -> None:
    """`db` defined in `app/extensions.py` and re-exported by `app/database.py`, which the
    project's modules import it from: a new import takes it from there too."""
    files = {
        "app/__init__.py": "",
        "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/database.py": "from app.extensions import db\n\nColumn = db.Column\n",
        "app/models.py": "from app.database import Column, db\n\n\nclass Config(db.Model):\n"
        "    id = Column(db.Integer, primary_key=True)\n\n    def save(self):\n"
        "        db.session.add(self)\n        db.session.commit()\n",
        "app/tasks.py": "from app.database import db\nfrom app.models import Config\n\n\n"
        "def count():\n    return db.session.query(Config).count()\n",
        "app/views.py": "from app.models import Config\n\n\ndef f():\n    return Config.query.all()\n",
    }
    assert "from app.database import db\n" in _after(_run(tmp_path, files), "app/views.py")


DOCUMENTED_DB = (
    '"""Database setup."""\n\n'
    "{imports}\n"
    'engine = create_engine("sqlite:///./app.db")\n'
    "SessionLocal = sessionmaker(bind=engine)\n\n\n"
    "def get_db():\n"
    "    with SessionLocal() as db:\n"
    "        yield db\n\n\n"
    "class Base(DeclarativeBase):\n    pass\n"
)
DOCUMENTED_DB_USER = (
    "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
    "def first(db: Session):\n    return db.query(Config).first()\n"
)


@pytest.mark.parametrize(
    ("imports", "head"),
    [
        pytest.param(
            "from sqlalchemy import create_engine\n"
            "from sqlalchemy.orm import DeclarativeBase, sessionmaker\n",
            "from sqlalchemy.ext.asyncio import",
            id="old-import-removed",
        ),
        pytest.param(
            "from sqlalchemy import Integer, create_engine\n"
            "from sqlalchemy.orm import DeclarativeBase, sessionmaker\n\nWIDTH = Integer\n",
            "from sqlalchemy import Integer\nfrom sqlalchemy.ext.asyncio import",
            id="old-import-kept",
        ),
    ],
)
def test_the_blank_line_below_the_module_docstring_stays(
    tmp_path: Path, imports: str, head: str
) -> None:
    """ruff format wants a blank line after a module docstring: the new imports keep it."""
    db = DOCUMENTED_DB.format(imports=imports)
    files = {"app/db.py": db, "app/queries.py": DOCUMENTED_DB_USER}
    after = _after(_run(tmp_path, files, mode="async"), "app/db.py")
    assert after.startswith('"""Database setup."""\n\n' + head), after


def test_a_new_first_import_below_the_module_docstring_keeps_the_blank_line(
    tmp_path: Path,
) -> None:
    repo = (
        '"""Queries."""\n\nfrom sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n'
        "def f(session: Session):\n    return session.query(Config).all()\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert after.startswith('"""Queries."""\n\nfrom sqlalchemy import select\n'), after


def test_a_comment_before_a_dropped_terminal_stays_beside_its_code(tmp_path: Path) -> None:
    """``.where(...)  # noqa`` on the line before ``.scalar()``/``.count()``: the terminal's dot,
    which held the comment, is gone from ``session.scalar(stmt)``, the comment is not."""
    code = (
        "from sqlalchemy import func\n"
        "from sqlalchemy.orm import Session\n\n"
        "from app.models import User\n\n\n"
        "def total(db: Session):\n"
        "    return (\n"
        "        db.query(func.max(User.id))\n"
        "        .filter(User.id != None)  # noqa: E711\n"
        "        .scalar()\n"
        "    )\n\n\n"
        "def how_many(db: Session):\n"
        "    return (\n"
        "        db.query(User)\n"
        "        .filter(User.id > 3)\n"
        "        # users past the seed rows\n"
        "        .count()\n"
        "    )\n"
    )
    after = _after(_run(tmp_path, {"app/q.py": code}), "app/q.py")
    assert ".where(User.id != None)  # noqa: E711\n" in after
    assert "# users past the seed rows\n" in after
    assert "db.scalar(" in after and "  .scalar()" not in after and "  .count()" not in after
    compile(after, "q.py", "exec")


def test_a_comment_before_a_kept_terminal_stays_on_the_line_of_its_builder(
    tmp_path: Path,
) -> None:
    """``.filter(x == True)  # noqa: E712`` before ``.first()``/``.all()``: the comment stays
    after the ``.where(...)`` it was written for, not after the ``)`` the rewrite adds before the
    terminal, where formatting would move it to a line the suppression does not cover."""
    code = (
        "from sqlalchemy.orm import Session\n\n"
        "from app.models import User\n\n\n"
        "def first_active(db: Session):\n"
        "    return (\n"
        "        db.query(User)\n"
        "        .filter(User.id > 3)\n"
        "        .filter(User.active == True)  # noqa: E712\n"
        "        .first()\n"
        "    )\n\n\n"
        "def all_active(db: Session):\n"
        "    return (\n"
        "        db.query(User)\n"
        "        .filter(User.active == True)  # noqa: E712\n"
        "        .all()\n"
        "    )\n"
    )
    after = _after(_run(tmp_path, {"app/q.py": code}), "app/q.py")
    lines = after.splitlines()
    marked = [line for line in lines if "# noqa: E712" in line]
    assert len(marked) == 2, after
    assert all("User.active == True" in line for line in marked), after
    assert ".first()" in after and ".all()" in after
    compile(after, "q.py", "exec")


def test_a_chain_whose_builder_keeps_its_comment_hangs_below_the_new_call(tmp_path: Path) -> None:
    """The chain becomes the argument of ``db.scalars(...)``, whose bracket closes on a line of
    its own after the comment: the chain hangs one level in below the bracket, as a formatter
    would lay it out, in a file no formatter runs on (where a statement that fits is left as the
    rewrite writes it)."""
    code = (
        "from sqlalchemy.orm import Session\n\n"
        "from app.models import Config\n\n\n"
        "def all_set(db: Session):\n"
        "    return (\n"
        "        db.query(Config)\n"
        "        .filter(Config.id > 3)\n"
        "        .filter(Config.id != None)  # noqa: E711\n"
        "        .all()\n"
        "    )\n"
        "\n\nSEEDS = {  'a':1}\n"  # (not formatted: the fix is not formatted either)
    )
    after = _after(_run(tmp_path, {"app/q.py": code}), "app/q.py")
    assert (
        "    return (\n"
        "        db.scalars(\n"
        "            select(Config)\n"
        "            .where(Config.id > 3)\n"
        "            .where(Config.id != None)  # noqa: E711\n"
        "        )\n"
        "        .all()\n"
        "    )\n"
    ) in after, after


def test_all_stays_a_list_where_the_code_says_it_is_one(tmp_path: Path) -> None:
    """``Query.all()`` is typed ``list[T]`` and ``Result.all()`` ``Sequence[T]``: in a project
    that runs a type checker, a value the code annotates as a list (a return, an annotated
    name, a parameter of a function of the module) is wrapped in ``list()`` so that the checker
    accepts it; elsewhere it is not."""
    repo = (
        "from typing import List, Optional, Sequence\n\n"
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def returned(session: Session) -> list[Config]:\n"
        "    return session.query(Config).all()\n\n\n"
        "def optional(session: Session) -> Optional[List[Config]]:\n"
        "    return session.query(Config).all()\n\n\n"
        "def annotated(session: Session) -> int:\n"
        "    rows: list[Config] = session.query(Config).all()\n"
        "    return len(rows)\n\n\n"
        "def passed(session: Session) -> None:\n"
        "    keep(session.query(Config).all())\n"
        "    keep(rows=session.query(Config).all())\n"
        "    other(session.query(Config).all())\n\n\n"
        "def keep(rows: list[Config]) -> None:\n    rows.append(Config())\n\n\n"
        "def other(rows: Sequence[Config]) -> None:\n    print(rows)\n\n\n"
        "def untyped(session: Session):\n"
        "    return session.query(Config).all()\n\n\n"
        "def sequence(session: Session) -> Sequence[Config]:\n"
        "    return session.query(Config).all()\n\n\n"
        "def listed(session: Session) -> list[int]:\n"
        "    return [c.id for c in session.query(Config).all()]\n"
    )
    files = {"app/repo.py": repo, "mypy.ini": "[mypy]\n"}
    after = _after(_run(tmp_path, files), "app/repo.py")
    wrapped = _flat("list(session.scalars(select(Config)).all())")
    assert _flat(after).count(wrapped) == 5, after
    assert _flat(after).count(_flat("session.scalars(select(Config)).all()")) == 9, after


def test_all_stays_a_list_where_a_tuple_a_generator_a_sum_or_an_attribute_needs_one(
    tmp_path: Path,
) -> None:
    """In a project that runs ty (``[tool.ty]``, which reads every function), rows returned in
    a tuple annotated ``tuple[list[...], ...]``, yielded under ``Iterator[list[...]]``, added
    with ``+``, stored into an attribute (a model's relationship is ``Mapped[list[...]]``), or
    passed by name to a parameter annotated ``list`` stay lists; rows only iterated do not."""
    repo = (
        "from collections.abc import Iterator\n\n"
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config, Post\n\n\n"
        "def pair(session: Session) -> tuple[list[Config], list[Post]]:\n"
        "    configs = session.query(Config).all()\n"
        "    if not configs:\n"
        "        return [], []\n"
        "    return configs, session.query(Post).all()\n\n\n"
        "def batches(session: Session) -> Iterator[list[Config]]:\n"
        "    while True:\n"
        "        batch = session.query(Config).all()\n"
        "        if not batch:\n"
        "            break\n"
        "        yield batch\n\n\n"
        "def both(session):\n"
        "    first = session.query(Config).all()\n"
        "    second = session.query(Config).all()\n"
        "    return first + second\n\n\n"
        "def attach(session, owner, keep):\n"
        "    posts = session.query(Post).all()\n"
        "    owner.posts = posts if keep else []\n"
        "    owner.configs = session.query(Config).all()\n\n\n"
        "def checked(session):\n"
        "    configs = session.query(Config).all()\n"
        "    if configs:\n"
        "        validate(configs)\n\n\n"
        "def validate(configs: list[Config]) -> None:\n"
        "    configs.sort(key=lambda c: c.id)\n\n\n"
        "def count(session):\n"
        "    rows = session.query(Config).all()\n"
        "    return len([r for r in rows])\n"
    )
    files = {"app/repo.py": repo, "pyproject.toml": "[tool.ty.rules]\n"}
    after = _flat(_after(_run(tmp_path, files), "app/repo.py"))
    for name in ["configs", "batch", "first", "second"]:
        assert _flat(f"{name} = list(session.scalars(select(Config)).all())") in after, name
    posts = "list(session.scalars(select(Post)).unique().all())"  # `Post.author` loads joined
    assert _flat(f"posts = {posts}") in after
    assert _flat(f"return configs, {posts}") in after
    assert _flat("owner.configs = list(session.scalars(select(Config)).all())") in after
    assert _flat("rows = session.scalars(select(Config)).all()") in after
    assert after.count("list(") == 8


@pytest.mark.parametrize(
    ("imports", "spelled"),
    [
        ("import sqlalchemy as sa\n", "sa."),
        ("import sqlalchemy\n", "sqlalchemy."),
        # a module that imports names from sqlalchemy gets the new ones imported beside them
        ("import sqlalchemy as sa\nfrom sqlalchemy import event\n", ""),
    ],
)
def test_added_names_follow_a_module_that_spells_them_through_sqlalchemy(
    tmp_path: Path, imports: str, spelled: str
) -> None:
    repo = (
        f"{imports}from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def f(session: Session):\n"
        "    return session.query(Config).filter(Config.id > 1).count()\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert _flat(
        f"session.scalar({spelled}select({spelled}func.count()).select_from(Config)"
        ".where(Config.id > 1))"
    ) in _flat(after)
    added = "from sqlalchemy import event, func, select\n" if not spelled else ""
    assert after.startswith(imports.replace("from sqlalchemy import event\n", added))


def test_a_module_reading_mostly_through_its_alias_keeps_to_it(tmp_path: Path) -> None:
    """``import sqlalchemy as sa`` read three times beside ``from sqlalchemy import event`` read
    once: new names are spelled ``sa.select``, as the module spells most of them."""
    repo = (
        "import sqlalchemy as sa\nfrom sqlalchemy import event\nfrom sqlalchemy.orm import Session"
        "\n\nfrom app.models import Config\n\nCOLUMNS = (sa.Integer, sa.String, sa.Text)\n\n\n"
        "def f(session: Session):\n"
        "    return session.query(Config).count()\n\n\n"
        "event.listen(Config, 'load', print)\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert "session.scalar(sa.select(sa.func.count()).select_from(Config))" in after
    assert "from sqlalchemy import event\n" in after


BILLS = (
    "from sqlalchemy import func\n\nfrom app import db\n\n\n"
    "class Bill(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    "    amount = db.Column(db.Integer)\n\n"
    "    @classmethod\n"
    "    def total(cls):\n"
    "        return db.session.query(func.sum(Bill.amount)).scalar()\n\n"
    "    @classmethod\n"
    "    def how_many(cls):\n"
    "        return Bill.query.filter(Bill.amount > 0).count()\n"
)
FSA_DB = "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n"


def test_flask_sqlalchemy_code_keeps_the_names_it_imports_from_sqlalchemy(tmp_path: Path) -> None:
    """The module writes ``func.sum`` (imported from sqlalchemy) beside ``db.session``: the count
    uses the same ``func``, not ``db.func``; ``select``, which it does not import, joins that
    import where no module of the project spells a name through ``db`` (``db.select``)."""
    after = _after(
        _run(tmp_path, {"app/__init__.py": FSA_DB, "app/bills.py": BILLS}), "app/bills.py"
    )
    assert _flat("db.session.scalar(select(func.sum(Bill.amount)))") in _flat(after)
    assert _flat(
        "db.session.scalar(select(func.count()).select_from(Bill).where(Bill.amount > 0))"
    ) in _flat(after)
    assert after.startswith("from sqlalchemy import func, select\n\nfrom app import db\n")


def test_a_project_that_spells_db_select_gets_it_beside_imported_names(tmp_path: Path) -> None:
    """Where a module of the project reads ``db.select``, the new ``select`` is ``db.select``
    too, also in a module that imports ``func`` from sqlalchemy."""
    users = (
        "from app import db\nfrom app.bills import Bill\n\n\n"
        "def every_bill():\n    return db.session.scalars(db.select(Bill)).all()\n"
    )
    files = {"app/__init__.py": FSA_DB, "app/bills.py": BILLS, "app/users.py": users}
    after = _after(_run(tmp_path, files), "app/bills.py")
    assert _flat("db.session.scalar(db.select(func.sum(Bill.amount)))") in _flat(after)
    assert after.startswith("from sqlalchemy import func\n\nfrom app import db\n")


def test_rows_of_an_entity_and_a_column_that_need_unique_are_reported(tmp_path: Path) -> None:
    """2.0's ``Result.unique()`` hashes each value of such a row: it raises for a JSON or array
    column, which the legacy query compared by identity. Rows of entities alone are rewritten."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config, Post\n\n\n"
        "def rows(session: Session):\n"
        "    return session.query(Config, Post.user_id).join(Post).all()\n\n\n"
        "def pairs(session: Session):\n"
        "    return session.query(Config, Post).join(Post).all()\n"
    )
    result = _run(tmp_path, {"app/repo.py": repo})
    assert [v.reason_id for v in result.violations] == ["unique-rows-with-columns"]
    after = _after(result, "app/repo.py")
    assert _flat("session.execute(select(Config, Post).join(Post)).unique().all()") in _flat(after)


def test_rows_passed_to_a_function_of_the_project_stay_a_list_where_types_are_checked(
    tmp_path: Path,
) -> None:
    """``labels(configs)`` of ``from app.labels import labels``: backfix does not read that
    function's annotations, which may say ``list[Config]`` where 2.0's ``.all()`` is a
    ``Sequence``; in a project that runs mypy the rows stay a list. A project without a type
    checker keeps the shorter form."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.labels import labels\n"
        "from app.models import Config\n\n\n"
        "def names(session: Session) -> list[str]:\n"
        "    configs = session.query(Config).all()\n"
        "    return labels(configs)\n\n\n"
        "def direct(session: Session) -> list[str]:\n"
        "    return labels(session.query(Config).all())\n"
    )
    files = {
        "app/repo.py": repo,
        "app/labels.py": "def labels(configs):\n    return [c.name for c in configs]\n",
    }
    checked = _after(_run(tmp_path / "checked", {**files, "mypy.ini": "[mypy]\n"}), "app/repo.py")
    assert "configs = list(session.scalars(select(Config)).all())\n" in checked
    assert "return labels(list(session.scalars(select(Config)).all()))\n" in checked
    plain = _after(_run(tmp_path / "plain", files), "app/repo.py")
    assert "list(" not in plain


def test_rows_passed_to_a_method_of_a_project_value_stay_a_list_under_pyright(
    tmp_path: Path,
) -> None:
    """``shelf.archive(configs)`` in a function without annotations: pyright (unlike mypy by
    default) checks it, and ``archive`` may take ``list[Config]``, so the rows stay a list.
    A library's method (``json.dumps(...)``) and a project whose mypy skips functions without
    annotations keep the shorter form."""
    repo = (
        "import json\n\nfrom app.models import Config\n\n\n"
        "def archive(session, shelf):\n"
        "    configs = session.query(Config).all()\n"
        "    shelf.archive(configs)\n\n\n"
        "def dump(session):\n"
        "    rows = session.query(Config).all()\n"
        "    return json.dumps(rows)\n"
    )
    pyright = _after(
        _run(tmp_path / "pyright", {"app/repo.py": repo, "pyrightconfig.json": "{}\n"}),
        "app/repo.py",
    )
    assert "configs = list(session.scalars(select(Config)).all())\n" in pyright
    assert "rows = session.scalars(select(Config)).all()\n" in pyright
    mypy = _after(
        _run(tmp_path / "mypy", {"app/repo.py": repo, "mypy.ini": "[mypy]\n"}), "app/repo.py"
    )
    assert "list(" not in mypy
    untyped_defs = {"app/repo.py": repo, "mypy.ini": "[mypy]\ncheck_untyped_defs = True\n"}
    checked = _after(_run(tmp_path / "untyped_defs", untyped_defs), "app/repo.py")
    assert "configs = list(session.scalars(select(Config)).all())\n" in checked


def test_scalar_of_an_exists_reads_its_one_row(tmp_path: Path) -> None:
    """``session.query(q.exists()).scalar()`` gives one row: ``session.scalar(...)``, or under a
    type checker ``execute(...).scalar_one()``, typed ``bool`` where ``scalar_one_or_none()``
    would add ``None`` to a function declared ``-> bool``."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def any_config(session: Session) -> bool:\n"
        "    return session.query(session.query(Config).filter(Config.id > 1).exists()).scalar()\n"
    )
    exists = "select(select(Config).where(Config.id > 1).exists())"
    plain = _after(_run(tmp_path / "plain", {"app/repo.py": repo}), "app/repo.py")
    assert _flat(f"return session.scalar({exists})") in _flat(plain)
    typed = {"app/repo.py": repo, "mypy.ini": "[mypy]\nstrict = True\n"}
    checked = _after(_run(tmp_path / "typed", typed), "app/repo.py")
    assert _flat(f"return session.execute({exists}).scalar_one()") in _flat(checked)


def test_scalar_of_a_refined_exists_reads_its_one_row(tmp_path: Path) -> None:
    """``exists().where(...)`` is an EXISTS too: one row, read with ``session.scalar()``."""
    repo = (
        "from sqlalchemy import exists\nfrom sqlalchemy.orm import Session\n\n"
        "from app.models import Config\n\n\n"
        "def taken(session: Session, key: int):\n"
        "    return session.query(exists().where(Config.id == key)).scalar()\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert _flat("return session.scalar(select(exists().where(Config.id == key)))") in _flat(after)


def test_the_session_of_a_legacy_query_is_named(tmp_path: Path) -> None:
    """``Config.query.session`` stays, and the reason names the session to read instead."""
    ops = "from app.models import Config\n\n\ndef save():\n    Config.query.session.commit()\n"
    result = _run(tmp_path, {"app/ops.py": ops}, mode="async")
    (found,) = [v for v in result.violations if v.path == "app/ops.py"]
    assert not found.fixable
    assert "`.session` of a legacy query is the session it runs in" in found.reason


def test_brackets_around_a_one_line_query_go(tmp_path: Path) -> None:
    """``(session.query(X).filter(...)).first()``: the brackets held the query; around the
    statement passed to ``scalars()`` they say nothing. Brackets around lines stay."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def first(session: Session):\n"
        "    return (session.query(Config).filter(Config.id > 1)).first()\n\n\n"
        "def laid_out(session: Session):\n"
        "    return (\n        session.query(Config)\n        .filter(Config.id > 1)\n"
        "    ).first()\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    one_line, laid_out = after.split("def laid_out")
    assert "session.scalars(select(Config).where(Config.id > 1).limit(1)).first()" in one_line
    assert "(\n" in laid_out


def test_a_query_variable_tested_for_truth_says_so(tmp_path: Path) -> None:
    """``if rows: rows.delete()``: a legacy query is always true and a ``select()`` refuses a
    truth test, so the reason says that, not that the query is handed on as a value; without
    the test the bulk delete is rewritten."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def purge(session: Session, key: int):\n"
        "    rows = session.query(Config).filter(Config.id == key)\n"
        "    if rows:\n        rows.delete()\n\n\n"
        "def purge_all(session: Session, key: int):\n"
        "    rows = session.query(Config).filter(Config.id == key)\n"
        "    rows.delete()\n"
    )
    result = _run(tmp_path, {"app/repo.py": repo})
    (tested,) = [v for v in result.violations if not v.fixable]
    assert tested.line == 7 and tested.reason.startswith(
        "query variable `rows` is tested for truth (`if rows:`), which a legacy query always "
        "passes and a `select()` refuses (`TypeError`)"
    )
    after = _after(result, "app/repo.py")
    assert "rows = delete(Config).where(Config.id == key)\n    session.execute(rows)\n" in after


def test_a_query_variable_assigned_unlike_queries_says_what_differs(tmp_path: Path) -> None:
    """Queries assigned to one variable in different branches stay for review; the reason names
    what differs: ``Model.query`` against ``db.session.query(Model)`` (a model's own query class
    applies to the first only), the columns, the sessions."""
    views = (
        "from app import db\nfrom app.models import Config, Post\n\n\n"
        "def started(admin: bool):\n"
        "    if admin:\n        q = Config.query\n"
        "    else:\n        q = db.session.query(Config).filter(Config.id > 1)\n"
        "    return q.all()\n\n\n"
        "def selected(admin: bool):\n"
        "    if admin:\n        q = Config.query\n"
        "    else:\n        q = Post.query\n"
        "    return q.all()\n\n\n"
        "def unread(admin: bool, *columns):\n"
        "    if admin:\n        p = db.session.query(*columns)\n"
        "    else:\n        p = db.session.query(Config.id, *columns)\n"
        "    return p.all()\n"
    )
    files = {
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/views.py": views,
    }
    reasons = {v.reason for v in _run(tmp_path, files).violations}
    assert reasons == {
        "query variable `q` is assigned both `Config.query` and `db.session.query(Config)`: a "
        "model's own `query_class` applies to `Model.query` only, so the two may not run the "
        "same query class; write both alike (`db.session.query(Config)`) and run again",
        "query variable `q` is assigned queries that select different columns (`Config` and "
        "`Post`)",
        "query variable `p` is assigned queries whose selected columns the tool cannot read",
    }


def test_a_query_variable_reassigned_to_its_result_is_followed(tmp_path: Path) -> None:
    """``q = q.order_by(...).all()`` in the block that built ``q``: it runs the statement there
    and later reads are the rows; assigned so in a branch it stays for review."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def names(session: Session, active: bool):\n"
        "    configs = session.query(Config)\n"
        "    if active:\n"
        "        configs = configs.filter(Config.active)\n"
        "    configs = configs.order_by(Config.name).all()\n"
        "    return [c.name for c in configs]\n\n\n"
        "def maybe(session: Session, flag: bool):\n"
        "    q = session.query(Config)\n"
        "    if flag:\n"
        "        q = q.all()\n"
        "    return q\n"
    )
    result = _run(tmp_path, {"app/repo.py": repo})
    assert [v.reason_id for v in result.violations] == ["query-variable-not-followed"]
    after = _after(result, "app/repo.py")
    assert "configs = session.scalars(configs.order_by(Config.name)).all()\n" in after
    assert "configs = select(Config)\n" in after


def test_a_filter_without_criteria_leaves_no_empty_where(tmp_path: Path) -> None:
    """``.filter()`` filters nothing: the statement has no ``.where()``, unless a comment sits in
    its parentheses, which stays with it."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def every(session: Session):\n"
        "    return session.query(Config).filter().all()\n\n\n"
        "def noted(session: Session):\n"
        "    return session.query(Config).filter(  # every row\n    ).all()\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    assert "return session.scalars(select(Config)).all()\n" in after
    assert "# every row" in after


def test_rows_of_an_entity_and_a_count_are_rewritten_with_unique(tmp_path: Path) -> None:
    """A count's values are integers, which ``Result.unique()`` hashes: a leaderboard of
    entities and their counts is rewritten, not reported."""
    repo = (
        "from sqlalchemy import func\nfrom sqlalchemy.orm import Session\n\n"
        "from app.models import Config, Post\n\n\n"
        "def board(session: Session):\n"
        "    return session.query(Config, func.count(Post.id)).join(Post).group_by(Config).all()\n"
    )
    result = _run(tmp_path, {"app/repo.py": repo})
    assert [v.reason_id for v in result.violations] == []
    after = _after(result, "app/repo.py")
    assert _flat(
        "session.execute(select(Config, func.count(Post.id)).join(Post).group_by(Config))"
        ".unique().all()"
    ) in _flat(after)


def test_a_class_of_a_migration_script_does_not_stand_for_the_model(tmp_path: Path) -> None:
    """An Alembic script's ``Config`` is a snapshot of an old model: its joined eager load does
    not make the project's ``Config`` results need ``.unique()``."""
    old_model = (
        "from sqlalchemy.orm import DeclarativeBase, relationship\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class Config(Base):\n"
        '    __tablename__ = "config"\n'
        '    items = relationship("Item", lazy="joined", uselist=True)\n'
    )
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config\n\n\n"
        "def configs(session: Session):\n"
        "    return session.query(Config).all()\n"
    )
    model = (
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class Config(Base):\n"
        '    __tablename__ = "config"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )
    files = {
        "app/models.py": model,
        "app/repo.py": repo,
        "migrations/env.py": "",
        "migrations/script.py.mako": "",
        "migrations/versions/legacy/0001_old.py": old_model,
    }
    _run(tmp_path, files)  # (writes the project)
    spec = CodemodSpec(AsyncQueries, "async-queries", (("mode", "sync"),))
    # a run on `app/` alone: the plan reads the rest of the project, migrations included
    options = RunOptions(specs=[spec], paths=[tmp_path / "app"], apply=True, jobs=1)
    result = run(Workspace(root=tmp_path), options)
    after = _after(result, "app/repo.py")
    assert _flat("session.scalars(select(Config)).all()") in _flat(after)


def test_a_module_alias_a_function_binds_is_not_used_there(tmp_path: Path) -> None:
    """``sa = ...`` anywhere in a function makes ``sa`` local to all of it: ``sa.select(...)``
    there would raise UnboundLocalError, so that function gets ``select`` imported; the others
    keep the module's spelling."""
    repo = (
        "import sqlalchemy as sa\n\n"
        "from app.models import Config\n\n\n"
        "def add(session, uid):\n"
        "    found = session.query(Config).filter(Config.id == uid).all()\n"
        "    sa = Config(id=uid)\n"
        "    session.add(sa)\n"
        "    return found\n\n\n"
        "def count(session):\n"
        "    return session.query(sa.func.count(Config.id)).scalar()\n"
    )
    after = _after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py")
    add, count = after.split("def count")
    assert _flat("from sqlalchemy import select") in _flat(after)
    assert _flat("session.scalars(select(Config).where(Config.id == uid)).all()") in _flat(add)
    assert _flat("session.scalar(sa.select(sa.func.count(Config.id)))") in _flat(count)
    compile(after, "repo.py", "exec")


def test_criteria_on_a_class_read_through_its_module_join_implicitly(tmp_path: Path) -> None:
    """``filter(models.User.id == models.Post.user_id)`` joins ``Post``: legacy de-duplicated
    the users it repeats, so the rewrite keeps that with unique()."""
    repo = (
        "from app import models\n\n\n"
        "def authors(session):\n"
        "    return session.query(models.Config).filter(models.Config.id == models.Post.id).all()\n"
    )
    after = _flat(_after(_run(tmp_path, {"app/repo.py": repo}), "app/repo.py"))
    assert (
        _flat("select(models.Config).where(models.Config.id == models.Post.id)).unique()") in after
    )


TYPED_REPO = (
    "from sqlalchemy import cast\n"
    "from sqlalchemy.orm import Session\n\n"
    "from app.models import Config\n\n\n"
    "def purge(session: Session) -> int:\n"
    "    return session.query(Config).filter(Config.id > 2).delete()\n\n\n"
    "def renumber(session: Session) -> bool:\n"
    "    changed = session.query(Config).filter(Config.id > 2).update({'id': Config.id + 1})\n"
    "    return changed > 0\n\n\n"
    "def newest(session: Session) -> list[Config]:\n"
    "    found = session.query(Config).all()\n"
    "    found.sort(key=lambda config: config.id, reverse=True)\n"
    "    return found\n\n\n"
    "def as_text(session: Session) -> object:\n"
    "    return session.query(cast(Config.id, Config.id.type)).all()\n"
)


def test_bulk_writes_and_lists_type_check_in_a_project_that_checks_types(tmp_path: Path) -> None:
    """``Session.execute()`` is typed ``Result``, which has no ``rowcount``, and ``Result.all()``
    ``Sequence``: a project that runs mypy gets ``cast(CursorResult[Any], ...)`` (the module's
    own ``cast`` is SQLAlchemy's, so ``typing.cast`` comes in under an alias) and ``list(...)``,
    and mypy --strict passes on the output as it did on the input."""
    files = {"app/repo.py": TYPED_REPO, "mypy.ini": "[mypy]\nstrict = True\n"}
    after = _after(_run(tmp_path, files), "app/repo.py")
    assert "from typing import Any\nfrom typing import cast as typing_cast\n" in after
    assert "from sqlalchemy.engine import CursorResult\n" in after
    assert _flat(
        "typing_cast(CursorResult[Any], session.execute(delete(Config).where(Config.id > 2)))"
        ".rowcount"
    ) in _flat(after)
    assert _flat("found = list(session.scalars(select(Config)).all())") in _flat(after)
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "app/repo.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + after


def test_a_bulk_write_count_is_read_as_before_where_no_type_checker_runs(tmp_path: Path) -> None:
    """Without a type checker the row count is read off ``session.execute()`` as it is, and
    ``.all()`` stays the list it is when it runs, without a ``list(...)`` only a checker needs
    (CTFd, which runs none, got one such wrap)."""
    after = _after(_run(tmp_path, {"app/repo.py": TYPED_REPO}), "app/repo.py")
    assert "CursorResult" not in after and "from typing" not in after
    assert _flat("found = session.scalars(select(Config)).all()") in _flat(after)
    assert _flat("session.execute(delete(Config).where(Config.id > 2)).rowcount") in _flat(after)


def test_rows_of_an_eager_loading_entity_and_columns_are_reported_by_the_scan(
    tmp_path: Path,
) -> None:
    """``User`` joined-loads a collection, so rows of a ``User`` and columns would need
    ``.unique()``, which is not rewritten there. Only the plan knows which classes eager-load:
    the scan said fixable and the rewrite refused it, which left every file of the run
    unchanged. Now the scan reports it, and the other queries are rewritten."""
    repo = (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Config, User\n\n\n"
        "def named(session: Session, name: str):\n"
        "    return session.query(User).add_columns(User.id).filter_by(id=1).first()\n\n\n"
        "def configs(session: Session):\n"
        "    return session.query(Config).add_columns(Config.id).all()\n"
    )
    result = _run(tmp_path, {"app/repo.py": repo})
    (left,) = result.violations
    assert left.reason_id == "unique-rows-with-columns", left.reason
    assert "add_columns(User.id)" in left.message
    after = _after(result, "app/repo.py")
    assert "session.execute(select(Config).add_columns(Config.id)).all()" in after


def test_the_columns_of_a_subquery_are_columns(tmp_path: Path) -> None:
    """``counts.c.user_id`` / ``counts.columns.total``: a subquery's (or table's) column
    collection holds columns, so the rows' shape is known (CTFd's statistics were reported
    unknown-result-shape)."""
    repo = (
        "from sqlalchemy import func\nfrom sqlalchemy.orm import Session\n\n"
        "from app.models import Post\n\n\n"
        "def totals(session: Session):\n"
        "    counts = (\n"
        "        session.query(Post.user_id, func.count(Post.id).label('total'))\n"
        "        .group_by(Post.user_id)\n"
        "        .subquery()\n"
        "    )\n"
        "    return session.query(counts.c.user_id, counts.columns.total).all()\n"
    )
    result = _run(tmp_path, {"app/repo.py": repo})
    assert result.violations == []
    after = _flat(_after(result, "app/repo.py"))
    assert _flat("session.execute(select(counts.c.user_id, counts.columns.total)).all()") in after


def test_a_model_class_held_in_a_variable_is_reported_not_rewritten(tmp_path: Path) -> None:
    """``Model = class_for(kind)``: whichever class the variable holds at run time may joined-load
    a collection (``.all()`` then needs ``.unique()``) or have its own query class, so its query
    is reported and left as it is; the class named in the code is rewritten."""
    models = (
        "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\n"
        "class Team(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
        '    members = db.relationship("Member", lazy="joined")\n\n\n'
        "class Member(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
        '    team_id = db.Column(db.Integer, db.ForeignKey("team.id"))\n\n\n'
        "def class_for(name):\n"
        '    return {"team": Team, "member": Member}.get(name)\n'
    )
    views = (
        "from app.models import Team, class_for\n\n\n"
        "def list_all(kind):\n    Model = class_for(kind)\n    return Model.query.all()\n\n\n"
        "def teams():\n    return Team.query.all()\n"
    )
    result = _run(tmp_path, {"app/models.py": models, "app/views.py": views})
    manual = [v for v in result.violations if not v.fixable]
    assert [(v.line, v.reason_id) for v in manual] == [(6, "unknown-model-class")]
    after = _after(result, "app/views.py")
    assert "    return Model.query.all()\n" in after
    assert "db.session.scalars(db.select(Team)).unique().all()" in _flat(after)


def test_a_bulk_write_on_a_class_nobody_can_name_is_advised_as_a_statement() -> None:
    """The by-hand form of ``<model>.query...delete()`` is a delete statement the session
    executes, not rows to read."""
    delete = untyped_query_reason(False, "cls.challenge_model", "filter_by", "delete")
    assert "`db.session.execute(db.delete(cls.challenge_model).where(...))`" in delete
    update = untyped_query_reason(True, "cls", "filter", "update")
    assert "`db.session.execute(db.update(cls).where(...).values(...))`" in update
    assert "db.select(cls)" in untyped_query_reason(True, "cls", "filter", "all")


def test_query_variables_passed_to_a_set_operation_are_advised_as_statements(
    tmp_path: Path,
) -> None:
    """``union_all(a, b)`` combines statements: the advice is to build each as a ``select()``,
    not to hand over rows (which would not do)."""
    repo = (
        "from sqlalchemy import union_all\nfrom sqlalchemy.orm import Session\n\n"
        "from app.models import Config, Post\n\n\n"
        "def both(session: Session):\n"
        "    a = session.query(Config.id)\n    b = session.query(Post.id)\n"
        "    return union_all(a, b)\n"
    )
    result = _run(tmp_path, {"app/repo.py": repo})
    reasons = [v.reason for v in result.violations]
    assert len(reasons) == 2
    assert all("is passed to `union_all()`, which combines statements" in r for r in reasons)
    assert not any("hand them the rows" in r for r in reasons)


def test_db_is_imported_under_the_name_the_project_imports_its_module_by(
    tmp_path: Path,
) -> None:
    """securedrop's code lives in ``securedrop/``, no package, run with that folder on the path:
    its modules import ``from db import db``. A new import does too, never ``from securedrop.db
    import db``, which names no module the app can import (or another copy of it)."""
    files = {
        "securedrop/db.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "securedrop/models.py": "from db import db\n\n\nclass Source(db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n",
        "securedrop/store.py": "from db import db\nfrom models import Source\n\n\n"
        "def count():\n    return db.session.query(Source).count()\n",
        "securedrop/journalist.py": "from models import Source\n\n\n"
        "def f():\n    return Source.query.all()\n",
    }
    after = _after(_run(tmp_path, files), "securedrop/journalist.py")
    assert "from db import db\n" in after
    assert "securedrop.db" not in after


def test_a_new_db_import_goes_where_ruffs_isort_puts_that_module(tmp_path: Path) -> None:
    """In that layout ruff's isort counts ``db`` as third party (no ``src`` folder holds it),
    like the ``models`` import beside it: the new import joins that block, sorted."""
    files = {
        "pyproject.toml": '[tool.ruff.lint]\nselect = ["E", "F", "I"]\n',
        "securedrop/db.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "securedrop/models.py": "from db import db\n\n\nclass Source(db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n",
        "securedrop/store.py": "from db import db\nfrom models import Source\n\n\n"
        "def count():\n    return db.session.query(Source).count()\n",
        "securedrop/journalist.py": "import sys\n\nfrom models import Source\n\n\n"
        "def f():\n    return Source.query.all(), sys.argv\n",
    }
    after = _after(_run(tmp_path, files), "securedrop/journalist.py")
    assert after.startswith("import sys\n\nfrom db import db\nfrom models import Source\n\n\n")
