"""async-queries emits only APIs of the library versions the project runs on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from backfix.builtin_codemods.async_queries import AsyncQueries

from backfix.discovery import Workspace
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run


def _flat(code: str) -> str:
    """Code without layout: the engine's formatter pass may wrap a rewritten statement."""
    return re.sub(r"\s+", "", code).replace(",)", ")").replace(",]", "]")


DB = "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n"
MODELS = (
    "from app import db\n\n\n"
    "class Post(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    "    title = db.Column(db.String)\n"
)
VIEWS = (
    "from app import db\n"
    "from app.models import Post\n\n\n"
    "def one(post_id):\n"
    "    return Post.query.get_or_404(post_id)\n\n\n"
    "def titled(title):\n"
    '    return Post.query.filter_by(title=title).first_or_404("no such post").title\n\n\n'
    "def page(number):\n"
    "    return Post.query.order_by(Post.id).paginate(number, 20)\n\n\n"
    "def every():\n"
    "    return db.session.query(Post).all()\n"
)


def _run(
    tmp_path: Path,
    versions: dict[str, str],
    views: str = VIEWS,
    models: str = MODELS,
    fmt: bool | None = None,
) -> RunResult:
    files = {"app/__init__.py": DB, "app/models.py": models, "app/views.py": views}
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    spec = CodemodSpec(AsyncQueries, "async-queries", (("mode", "sync"),))
    result = run(
        Workspace(root=tmp_path),
        RunOptions(
            specs=[spec],
            paths=[tmp_path],
            apply=True,
            jobs=1,
            config={"versions": versions, "format": fmt},
        ),
    )
    assert not result.errors, result.errors
    return result


def _after(result: RunResult) -> str:
    (change,) = result.changes
    return change.after.decode()


def test_flask_sqlalchemy_3_gets_its_helpers(tmp_path: Path) -> None:
    """3.x: `db.get_or_404`, `db.first_or_404`, `db.paginate` (keyword arguments: the
    description, which the legacy methods took by position, is keyword-only in `db.*_or_404`)."""
    after = _after(_run(tmp_path, {"flask-sqlalchemy": "3.1.1", "sqlalchemy": "2.0.30"}))
    assert _flat("return db.get_or_404(Post, post_id)") in _flat(after)
    first = (
        "db.first_or_404(db.select(Post).filter_by(title=title).limit(1), "
        'description="no such post")'
    )
    assert _flat(first) in _flat(after)
    assert _flat(
        "db.paginate(db.select(Post).order_by(Post.id), page=number, per_page=20)"
    ) in _flat(after)


def test_flask_sqlalchemy_2_gets_session_get_and_abort(tmp_path: Path) -> None:
    """2.x has none of them: `session.get(...) or abort(404)`, and paginate stays with a reason."""
    result = _run(tmp_path, {"flask-sqlalchemy": "2.5.1", "sqlalchemy": "1.4.52"})
    after = _after(result)
    assert _flat("from flask import abort\n") in _flat(after)
    assert _flat("return db.session.get(Post, post_id) or abort(404)\n") in _flat(after)
    assert _flat(
        "return (db.session.scalars(db.select(Post).filter_by(title=title).limit(1)).first() "
        'or abort(404, description="no such post")).title'
    ) in _flat(after)
    assert _flat("Post.query.order_by(Post.id).paginate(number, 20)") in _flat(after)
    (manual,) = result.violations
    assert "Flask-SQLAlchemy 2.x has no `db.paginate()`" in manual.reason
    assert any("Flask-SQLAlchemy 2.5.1 ([tool.backfix.versions])" in a for a in result.assumptions)


def test_a_model_with_bool_keeps_get_or_404_for_review(tmp_path: Path) -> None:
    """`obj or abort(404)` is wrong when a found object can be falsy."""
    models = MODELS + "\n    def __len__(self):\n        return 0\n"
    result = _run(tmp_path, {"flask-sqlalchemy": "2.5.1"}, models=models)
    reasons = {v.line: v.reason for v in result.violations}
    assert "`__bool__` or `__len__`" in reasons[6]


def test_sqlalchemy_before_1_4_26_has_no_session_scalars(tmp_path: Path) -> None:
    """`scalars()` arrived in 1.4.24 on `Session` and in 1.4.26 on `scoped_session` (Flask-
    SQLAlchemy's `db.session`): before, `execute(...).scalars()`."""
    after = _after(_run(tmp_path, {"flask-sqlalchemy": "2.5.1", "sqlalchemy": "1.4.25"}))
    assert _flat("db.session.execute(db.select(Post)).scalars().all()") in _flat(after)
    after = _after(_run(tmp_path / "later", {"flask-sqlalchemy": "2.5.1", "sqlalchemy": "1.4.26"}))
    assert _flat("db.session.scalars(db.select(Post)).all()") in _flat(after)


def test_sqlalchemy_before_1_4_4_keeps_get_for_review(tmp_path: Path) -> None:
    """`scoped_session.get()` arrived in 1.4.4: `.get(id)` and Flask-SQLAlchemy 2.x's
    `get_or_404` stay, with the reason; the other queries are rewritten."""
    views = VIEWS + "\n\ndef by_id(post_id):\n    return Post.query.get(post_id)\n"
    result = _run(tmp_path, {"flask-sqlalchemy": "2.5.1", "sqlalchemy": "1.4.0"}, views=views)
    too_old = {v.line: v for v in result.violations if v.reason_id == "sqlalchemy-too-old"}
    assert sorted(too_old) == [6, 22]
    assert "only from SQLAlchemy 1.4.4" in too_old[22].reason
    after = _after(result)
    assert "Post.query.get(post_id)" in after and "session.get" not in after
    assert _flat("db.session.execute(db.select(Post)).scalars().all()") in _flat(after)


def test_sqlalchemy_before_1_4_is_refused(tmp_path: Path) -> None:
    """1.3 has no 2.0-style API: every query is left alone and says why."""
    result = _run(tmp_path, {"sqlalchemy": "1.3.24"})
    assert result.changes == []
    assert result.violations and all(
        "upgrade to SQLAlchemy 1.4" in v.reason for v in result.violations
    )


def test_unknown_flask_sqlalchemy_gets_forms_of_both_majors(tmp_path: Path) -> None:
    """Nothing says which Flask-SQLAlchemy: only forms that exist in 2.x and 3.x are emitted."""
    (tmp_path / "requirements.txt").write_text("flask-sqlalchemy<4\n")  # no lower bound
    result = _run(tmp_path, {})
    assert any(
        "Flask-SQLAlchemy <4 (requirements.txt; no lower bound, so no version" in a
        for a in result.assumptions
    )
    assert _flat("return db.session.get(Post, post_id) or abort(404)\n") in _flat(_after(result))


def test_abort_is_aliased_when_the_module_binds_it(tmp_path: Path) -> None:
    """A module with its own `abort` gets `from flask import abort as flask_abort`."""
    views = VIEWS + "\n\ndef abort(code):\n    return code\n"
    after = _after(_run(tmp_path, {"flask-sqlalchemy": "2.5.1"}, views))
    assert _flat("from flask import abort as flask_abort\n") in _flat(after)
    assert _flat("db.session.get(Post, post_id) or flask_abort(404)") in _flat(after)


def test_scan_prints_assumed_versions(tmp_path: Path) -> None:
    """Text mode: on stderr. JSON mode: an `assumptions` field, stdout stays one document."""
    _run(tmp_path, {})
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "flask-sqlalchemy"\nversion = "2.5.1"\n')
    base = [sys.executable, "-m", "backfix", "scan", "--no-ledger", "--codemod", "async-queries"]
    text = subprocess.run(base, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "assumed: async-queries: SQLAlchemy" in text.stderr
    assert "Flask-SQLAlchemy 2.5.1 (uv.lock)" in text.stderr
    assert "assumed" not in text.stdout
    done = subprocess.run(
        [*base, "--format", "json"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    document = json.loads(done.stdout)
    assert any("Flask-SQLAlchemy 2.5.1 (uv.lock)" in a for a in document["assumptions"])


def test_a_multi_line_chain_leaves_no_dangling_db(tmp_path: Path) -> None:
    """Without the formatter, `db.paginate(` still starts where the chain started."""
    views = (
        "from app.models import Post\n\n\n"
        "def index(page):\n"
        "    return (\n"
        "        Post.query.filter(Post.id > 3)\n"
        "        .order_by(Post.id)\n"
        "        .paginate(page=page, per_page=5)\n"
        "    )\n"
    )
    after = _after(_run(tmp_path, {"flask-sqlalchemy": "3.1.1"}, views, fmt=False))
    assert "        db.paginate(db.select(Post).where(Post.id > 3)\n" in after
    assert not any(line.strip() == "db" for line in after.splitlines())


def test_versions_table_in_pyproject_is_read_by_the_cli(tmp_path: Path) -> None:
    """`[tool.backfix.versions]` is a known table: scan accepts it and reports its versions."""
    _run(tmp_path, {})
    (tmp_path / "pyproject.toml").write_text(
        '[tool.backfix.versions]\nflask-sqlalchemy = "2.5.1"\nsqlalchemy = "1.4.40"\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "backfix", "scan", "--no-ledger", "--codemod", "async-queries"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "SQLAlchemy 1.4.40 ([tool.backfix.versions])" in done.stderr


DYNAMIC_MODELS = MODELS + (
    '    comments = db.relationship("Comment", lazy="dynamic")\n\n'
    "    def comment_count(self):\n"
    "        return self.comments.count()\n\n\n"
    "class Comment(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    '    post_id = db.Column(db.Integer, db.ForeignKey("post.id"))\n'
)


@pytest.mark.parametrize(
    ("sqlalchemy", "reason_id", "says", "not_said"),
    [
        # neither `select()` with `with_parent` nor `lazy="write_only"` exists: upgrade first
        ("1.1.11", "sqlalchemy-too-old", "upgrade to SQLAlchemy 1.4 first", "write_only"),
        # `select(...).where(with_parent(...))` does; `lazy="write_only"` came with 2.0
        ("1.4.52", "dynamic-relationship-query", '(`lazy="write_only"` needs SQLAlchemy 2.0)', ""),
        ("2.0.30", "dynamic-relationship-query", 'or move to `lazy="write_only"`', "needs"),
    ],
)
def test_a_dynamic_relationship_query_suggests_only_what_the_version_has(
    tmp_path: Path, sqlalchemy: str, reason_id: str, says: str, not_said: str
) -> None:
    result = _run(tmp_path, {"sqlalchemy": sqlalchemy}, models=DYNAMIC_MODELS)
    (dynamic,) = [v for v in result.violations if "dynamic relationship" in v.message]
    assert dynamic.reason_id == reason_id
    assert says in dynamic.reason
    assert not not_said or not_said not in dynamic.reason


@pytest.mark.parametrize(
    ("versions", "says"),
    [
        (
            {"flask-sqlalchemy": "2.5.1", "sqlalchemy": "1.4.52"},
            "Flask-SQLAlchemy 2.x has no `db.paginate()` for a `select()`: keep it until",
        ),
        (
            {"flask-sqlalchemy": "3.1.1", "sqlalchemy": "2.0.30"},
            "rewrite with `db.paginate(select(...).where(with_parent(...)))`",
        ),
    ],
)
def test_a_paginated_dynamic_relationship_query_is_not_advised_to_lose_its_pages(
    tmp_path: Path, versions: dict[str, str], says: str
) -> None:
    """``post.comments.order_by(...).paginate(...)``: a plain ``select()`` cannot be paginated
    before Flask-SQLAlchemy 3, so the advice is not the ``with_parent`` select alone."""
    models = DYNAMIC_MODELS + (
        "\n\ndef comment_page(post, number):\n"
        "    return post.comments.order_by(Comment.id).paginate(page=number, per_page=5)\n"
    )
    result = _run(tmp_path, versions, models=models)
    reasons = {v.line: v.reason for v in result.violations if "dynamic relationship" in v.message}
    paginated = max(reasons)
    assert says in reasons.pop(paginated)
    assert reasons and not any("paginate" in r for r in reasons.values())


def test_the_rows_advice_uses_the_forms_of_the_pinned_version(tmp_path: Path) -> None:
    """A query returned as a value is advised to hand over its rows: before SQLAlchemy 1.4.26
    as `session.execute(select(...)).scalars().all()`, a session having no `scalars()`."""
    views = "from app.models import Post\n\n\ndef listed():\n    return Post.query.filter(Post.id > 1)\n"
    old = _run(tmp_path / "old", {"flask-sqlalchemy": "2.5.1", "sqlalchemy": "1.4.15"}, views=views)
    new = _run(tmp_path / "new", {"flask-sqlalchemy": "2.5.1", "sqlalchemy": "1.4.52"}, views=views)
    ((old_reason,), (new_reason,)) = ([v.reason for v in r.violations] for r in (old, new))
    assert "(`session.execute(select(...)).scalars().all()`)" in old_reason
    assert "(`session.scalars(select(...)).all()`)" in new_reason


def test_flask_sqlalchemy_is_not_assumed_for_a_project_that_does_not_use_it(tmp_path: Path) -> None:
    """A plain-SQLAlchemy project's line names no Flask-SQLAlchemy from backfix's own environment,
    also where an enum has a member named ``query`` (read like ``Model.query``, and no query)."""
    files = {
        "app/models.py": "class Post:\n    __tablename__ = 'posts'\n",
        "app/params.py": (
            "from enum import Enum\n\n\nclass Location(str, Enum):\n    query = 'query'\n\n\n"
            "def in_query(location: Location) -> bool:\n    return location == Location.query\n"
        ),
        "app/views.py": (
            "from sqlalchemy.orm import Session\n\nfrom app.models import Post\n\n\n"
            "def every(session: Session):\n    return session.query(Post).all()\n"
        ),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    spec = CodemodSpec(AsyncQueries, "async-queries", (("mode", "sync"),))
    result = run(Workspace(root=tmp_path), RunOptions(specs=[spec], paths=[tmp_path], jobs=1))
    assert result.violations
    assert not any("Flask-SQLAlchemy" in a for a in result.assumptions), result.assumptions


def test_a_suggested_rewrite_uses_the_forms_of_the_pinned_version(tmp_path: Path) -> None:
    """Before 1.4.26 a scoped session has no `scalars()`: the hint says `execute(...).scalars()`."""
    models = MODELS + "\n    def siblings(self):\n        return self.query.all()\n"
    result = _run(tmp_path, {"flask-sqlalchemy": "2.5.1", "sqlalchemy": "1.4.24"}, models=models)
    reasons = [v.reason for v in result.violations if v.reason_id == "unknown-model-class"]
    assert reasons and all(
        "`db.session.execute(db.select(type(self))...).scalars()`" in r for r in reasons
    ), reasons


def test_a_rewrite_above_the_declared_range_says_so(tmp_path: Path) -> None:
    """The virtualenv runs SQLAlchemy 1.4.54, but requirements.txt allows 1.3: the rewrite
    targets 1.4.54 and says the project's lower bound must go up with it."""
    (tmp_path / "requirements.txt").write_text("SQLAlchemy>=1.3.0,<2\nFlask-SQLAlchemy==2.5.1\n")
    site = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages"
    info = site / "SQLAlchemy-1.4.54.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: SQLAlchemy\nVersion: 1.4.54\n")
    result = _run(
        tmp_path,
        {},
        views="from app.models import Post\n\n\ndef every():\n    return Post.query.all()\n",
    )
    assert result.changes
    (note,) = [n for n in result.notes if "lower bound" in n]
    assert "targets SQLAlchemy 1.4.54 (installed in .venv/)" in note
    assert "requirements.txt declares `SQLAlchemy<2,>=1.3.0`, which allows 1.3.0" in note


IMPLICIT_TABLES = (
    "from app import db\n\n\n"
    "class Owner(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n\n\n"
    "class ApiToken(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    '    owner_id = db.Column(db.Integer, db.ForeignKey("owner.id"))\n'
    '    owner = db.relationship("Owner", lazy="joined")\n\n\n'
    "class TeamGroup(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    '    members = db.relationship("Member", lazy="joined")\n\n\n'
    "class Member(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    '    group_id = db.Column(db.Integer, db.ForeignKey("team_group.id"))\n'
)
IMPLICIT_VIEWS = (
    "from app.models import ApiToken, TeamGroup\n\n\n"
    "def tokens():\n    return ApiToken.query.all()\n\n\n"
    "def groups():\n    return TeamGroup.query.all()\n"
)


@pytest.mark.parametrize(
    ("versions", "token_unique"), [({"flask-sqlalchemy": "3.1.1"}, False), ({}, True)]
)
def test_flask_sqlalchemy_table_names_tell_a_many_to_one(
    tmp_path: Path, versions: dict[str, str], token_unique: bool
) -> None:
    """A model without ``__tablename__`` gets its table named by Flask-SQLAlchemy (``ApiToken`` →
    ``api_token``) where the project declares it: the foreign keys then tell that ``ApiToken.owner``
    is a many-to-one (no unique()), while ``TeamGroup.members`` is a collection. Where backfix
    cannot tell Flask-SQLAlchemy names the tables, the relationship counts as a collection."""
    after = _flat(_after(_run(tmp_path, versions, IMPLICIT_VIEWS, IMPLICIT_TABLES)))
    assert ("select(ApiToken)).unique().all()" in after) is token_unique, after
    assert "select(TeamGroup)).unique().all()" in after


@pytest.mark.parametrize(("fsa", "says_fsa"), [("2.4.1", True), ("2.5.1", False)])
def test_too_old_sqlalchemy_names_the_flask_sqlalchemy_that_supports_1_4(
    tmp_path: Path, fsa: str, says_fsa: bool
) -> None:
    """Flask-SQLAlchemy before 2.5 does not run on SQLAlchemy 1.4: the upgrade advice says so."""
    result = _run(tmp_path, {"sqlalchemy": "1.3.15", "flask-sqlalchemy": fsa})
    reasons = {v.reason for v in result.violations}
    assert all("upgrade to SQLAlchemy 1.4 first" in reason for reason in reasons), reasons
    advice = f"Flask-SQLAlchemy to 2.5.1 with it, since Flask-SQLAlchemy {fsa}"
    assert all((advice in reason) is says_fsa for reason in reasons), reasons


def test_a_range_that_allows_an_old_sqlalchemy_is_named_as_a_range(tmp_path: Path) -> None:
    """``SQLAlchemy>=0.7`` with no lock file: the project may install the newest release, so the
    reason does not say it runs on 0.7; it asks for the range to start at 1.4."""
    (tmp_path / "requirements.txt").write_text("Flask-SQLAlchemy==3.1.1\nSQLAlchemy>=0.7\n")
    result = _run(tmp_path, {})
    reasons = {v.reason for v in result.violations}
    assert reasons, result.violations
    expected = (
        "the project allows SQLAlchemy 0.7 (lowest allowed by >=0.7 in requirements.txt), which "
        "has no 2.0-style `select()` API: require SQLAlchemy 1.4 or later there first"
    )
    assert all(reason.startswith(expected) for reason in reasons), reasons


def test_a_library_nothing_says_the_project_has_is_not_listed(tmp_path: Path) -> None:
    """``SQLModel not found`` read like a missing dependency in projects that never used it."""
    result = _run(tmp_path, {"flask-sqlalchemy": "3.1.1"})
    (line,) = result.assumptions
    assert "SQLModel" not in line and "Flask-SQLAlchemy 3.1.1" in line and "SQLAlchemy" in line


@pytest.mark.parametrize(("fsa", "warned"), [("2.4.1", True), ("2.5.1", False), ("3.1.1", False)])
def test_a_sqlalchemy_its_flask_sqlalchemy_does_not_support_is_noted(
    tmp_path: Path, fsa: str, warned: bool
) -> None:
    """Setting only `sqlalchemy` by hand to 1.4 left a Flask-SQLAlchemy 2.4 that does not run on
    it, and the rewrite went on without a word."""
    result = _run(tmp_path, {"sqlalchemy": "1.4.54", "flask-sqlalchemy": fsa})
    assert result.changes
    found = [n for n in result.notes if "does not support" in n]
    assert bool(found) is warned, result.notes
    if warned:
        assert "upgrade Flask-SQLAlchemy to 2.5.1 with it" in found[0]


def test_paginate_on_flask_sqlalchemy_2_is_reported_before_with_parent(tmp_path: Path) -> None:
    """Rewriting `with_parent()` by hand, as its reason said, only led to the paginate reason."""
    views = (
        "from app.models import Post\n\n\n"
        "def page(parent, number):\n"
        "    return Post.query.with_parent(parent).order_by(Post.id).paginate(number, 20)\n"
    )
    result = _run(tmp_path, {"sqlalchemy": "1.4.54", "flask-sqlalchemy": "2.5.1"}, views)
    (violation,) = result.violations
    assert violation.reason_id == "flask-sqlalchemy-2-form", violation
    assert ".paginate(" in violation.message


@pytest.mark.parametrize(("pinned", "noted"), [("1.3.8", True), ("1.4.54", False)])
def test_a_version_set_above_the_projects_pin_says_to_raise_it(
    tmp_path: Path, pinned: str, noted: bool
) -> None:
    """`[tool.backfix.versions]` set to 1.4 over a requirements.txt that pins 1.3: the rewrite
    broke the project's own install, and only the assumed line hinted at it."""
    (tmp_path / "requirements.txt").write_text(f"SQLAlchemy=={pinned}\nFlask-SQLAlchemy==2.5.1\n")
    result = _run(tmp_path, {"sqlalchemy": "1.4.54"})
    assert result.changes
    found = [n for n in result.notes if "raise it there" in n]
    assert bool(found) is noted, result.notes
    if noted:
        assert "the project's files say SQLAlchemy 1.3.8 (requirements.txt)" in found[0]


def test_a_mapping_get_on_an_attribute_named_like_a_dynamic_relationship_is_no_query(
    tmp_path: Path,
) -> None:
    """timesketch's graph nodes keep a plain ``attributes`` dict while a model has a dynamic
    ``attributes`` relationship: ``self.comments.get("id", default)`` takes a key and a default,
    which a query's ``get(ident)`` does not, so it is not reported; ``post.comments.get(3)``
    still is."""
    views = (
        "class Node:\n"
        "    def __init__(self, comments):\n"
        "        self.comments = comments\n\n"
        "    def label(self):\n"
        '        return self.comments.get("id", "none")\n\n\n'
        "def third(post):\n"
        "    return post.comments.get(3)\n"
    )
    result = _run(tmp_path, {"sqlalchemy": "2.0.30"}, views=views, models=DYNAMIC_MODELS)
    reported = [
        v.line for v in result.violations if v.path == "app/views.py" and "dynamic" in v.message
    ]
    assert reported == [10]


def test_the_pins_of_the_folder_holding_the_code_count_when_the_root_declares_none(
    tmp_path: Path,
) -> None:
    """securedrop: the repository's root declares nothing; its app pins SQLAlchemy 1.3 in
    ``app/requirements/python3/requirements.txt`` (pip-compile's hashes and all). A run over
    the whole repository reads those pins and leaves every query alone, instead of rewriting
    for the SQLAlchemy backfix itself runs on."""
    pins = (
        "app/requirements/python3/requirements.txt",
        "flask-sqlalchemy==2.5.1 \\\n    --hash=sha256:2bda44b4\nsqlalchemy==1.3.3 \\\n"
        "    --hash=sha256:0e2a2f4a\n",
    )
    path = tmp_path / pins[0]
    path.parent.mkdir(parents=True)
    path.write_text(pins[1])
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    result = _run(tmp_path, {})
    assert result.changes == []
    assert result.violations and all(
        "SQLAlchemy 1.3.3 (app/requirements/python3/requirements.txt)" in v.reason
        for v in result.violations
    )
