"""End to end: every file a codemod changes passes ``ruff format --check`` when it passed before.

Each e2e app (and the bundled example) is copied to a temporary folder and each codemod is applied
with the CLI, as a user would. Two projects per app:

* with the ``ruff.toml`` the repository formats these apps with (100 columns): every file is clean
  before, so every changed file must be clean after;
* without configuration (ruff's default, 88 columns): the files clean before must be clean after,
  and the others are left as the codemod wrote them but for changed statements longer than the
  line length (the run says so in a note).

And a project that follows no formatter (single quotes, flake8 at 79 columns): only the changed
statements longer than 79 columns are wrapped, and a line that cannot be is named in a note.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from backfix.formatting import find_ruff

E2E = Path(__file__).resolve().parent
EXAMPLE = E2E.parents[1] / "examples" / "taskboard"
RUFF = find_ruff(None)


@dataclass(frozen=True)
class Step:
    """One ``codemod apply`` on an app."""

    app: Path
    codemod: str
    args: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.app.name}-{self.codemod}"


STEPS = [
    Step(E2E / "apps" / "flask_jobs", "move-commits", ("--path", "app/routes")),
    Step(E2E / "apps" / "fastapi_shop", "move-commits", ("--path", "shop/routers")),
    Step(E2E / "async_apps" / "blog_flask", "async-queries", ("--path", "blog", "--mode", "sync")),
    Step(
        E2E / "async_apps" / "jobs_fastapi", "async-queries", ("--path", "app", "--mode", "async")
    ),
    Step(E2E / "fixtures" / "bare_except_app", "bare-except", ("--path", ".")),
    Step(EXAMPLE, "bare-except", ()),
    Step(EXAMPLE, "async-queries", ("--mode", "sync")),
    Step(EXAMPLE, "move-commits", ()),
]


def _run(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(args, cwd=cwd, env=env, input=stdin, capture_output=True, timeout=300)


def _sources(app: Path) -> dict[str, bytes]:
    return {
        path.relative_to(app).as_posix(): path.read_bytes()
        for path in sorted(app.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def _is_clean(app: Path, rel: str, content: bytes) -> bool:
    assert RUFF is not None
    done = _run(
        app, RUFF, "format", "--check", "--stdin-filename", str(app / rel), "-", stdin=content
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(RUFF is None, reason="ruff not installed")
@pytest.mark.parametrize("configured", [True, False], ids=["ruff-100", "no-config"])
@pytest.mark.parametrize("step", STEPS, ids=[step.id for step in STEPS])
def test_changed_files_pass_the_formatter_when_they_did_before(
    step: Step, configured: bool, tmp_path: Path
) -> None:
    app = tmp_path / step.app.name
    shutil.copytree(step.app, app, ignore=shutil.ignore_patterns("__pycache__", ".backfix"))
    own_config = (app / "pyproject.toml").is_file() and b"[tool.ruff]" in (
        app / "pyproject.toml"
    ).read_bytes()
    if not configured:
        if own_config:
            pytest.skip("the example configures ruff itself")
    elif not own_config:
        (app / "ruff.toml").write_text("line-length = 100\n", encoding="utf-8")
    before = _sources(app)
    clean_before = {rel for rel, content in before.items() if _is_clean(app, rel, content)}
    if configured:
        assert clean_before == set(before), "the fixture app is not formatted to begin with"

    applied = _run(app, sys.executable, "-m", "backfix", "apply", step.codemod, *step.args)
    assert applied.returncode == 0, applied.stderr.decode()

    after = _sources(app)
    changed = sorted(rel for rel, content in after.items() if before.get(rel) != content)
    assert changed, "the codemod changed nothing: the case tests nothing"
    unformatted = [
        rel
        for rel in changed
        if (rel in clean_before or rel not in before) and not _is_clean(app, rel, after[rel])
    ]
    assert unformatted == [], applied.stderr.decode()
    if not configured and set(changed) - clean_before - (set(after) - set(before)):
        assert "did not pass `ruff format --check` before the fix" in applied.stderr.decode()


# --- a project that follows no formatter: only the long statements of a fix are wrapped --------------

MODELS = """\
from app import db

KIND = 'plain'


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(64), unique=True, index=True)


def find_account(address):
    return Account.query.filter_by(email=address).first()
"""


def _write_app(root: Path, files: dict[str, str]) -> Path:
    for rel, text in {
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        **files,
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _longest_line(app: Path) -> int:
    return max(len(line) for text in _sources(app).values() for line in text.decode().splitlines())


def _async_queries_on_a_flake8_app(
    tmp_path: Path, models: str
) -> tuple[Path, subprocess.CompletedProcess[bytes]]:
    """``codemod apply async-queries`` on an app checked by flake8 at 79 columns."""
    app = _write_app(
        tmp_path / "app",
        {
            "setup.cfg": "[flake8]\nmax-line-length = 79\n",
            "requirements.txt": "Flask-SQLAlchemy==2.5.1\nSQLAlchemy==1.4.46\n",
            "app/models.py": models,
        },
    )
    return app, _run(app, sys.executable, "-m", "backfix", "apply", "async-queries")


@pytest.mark.skipif(RUFF is None, reason="ruff not installed")
def test_a_single_quoted_79_column_project_gets_the_long_fixed_statement_wrapped(
    tmp_path: Path,
) -> None:
    app, applied = _async_queries_on_a_flake8_app(tmp_path, MODELS)
    assert applied.returncode == 0, applied.stderr.decode()
    assert (app / "app/models.py").read_text(encoding="utf-8") == MODELS.replace(
        "    return Account.query.filter_by(email=address).first()\n",
        "    return db.session.scalars(\n"
        "        db.select(Account).filter_by(email=address).limit(1)\n"
        "    ).first()\n",
    )  # every other byte as it was, the single quotes too
    assert "only the changed statements longer than the line length" in applied.stderr.decode()


@pytest.mark.skipif(RUFF is None, reason="ruff not installed")
def test_move_commits_after_async_queries_keeps_to_the_79_columns_the_project_keeps_to(
    tmp_path: Path,
) -> None:
    # No configuration: the project keeps to 79 columns (ten lines close to it, none longer), so
    # both codemods must write at 79; async-queries' output must not make move-commits pick 88.
    message = "MESSAGE_{} = 'account {} could not be found or was removed by an administrator'\n"
    route = """\
from flask import Blueprint, jsonify, request

from app import db
from app.models import Account

bp = Blueprint('accounts', __name__, url_prefix='/accounts')


@bp.post('/rename')
def rename_account():
    payload = request.get_json()
    account = Account.query.filter_by(email=payload['email_address']).first()
    account.display_name = payload['display_name_requested_by_user']
    db.session.commit()
    return jsonify(id=account.id, display_name=account.display_name)
"""
    app = _write_app(
        tmp_path / "app",
        {
            "pyproject.toml": "[project]\nname = 'accounts'\n",  # marks the project's root
            "requirements.txt": "Flask==3.0.0\nFlask-SQLAlchemy==3.1.1\nSQLAlchemy==2.0.25\n",
            "app/models.py": MODELS.replace("KIND = 'plain'\n", ""),
            "app/messages.py": "".join(message.format(i, i) for i in range(10)),
            "app/routes/accounts.py": route,
        },
    )
    assert 72 <= _longest_line(app) <= 79
    for codemod in ("async-queries", "move-commits"):
        applied = _run(app, sys.executable, "-m", "backfix", "apply", codemod)
        assert applied.returncode == 0, applied.stderr.decode()
        assert _longest_line(app) <= 79, codemod
    service = (app / "app/services/account_service.py").read_text(encoding="utf-8")
    # (the route passes the keys of its input: the statement is wrapped at 79 columns)
    assert "            db.select(Account).filter_by(email=email_address).limit(1)\n" in service


@pytest.mark.skipif(RUFF is None, reason="ruff not installed")
def test_a_fixed_line_that_cannot_be_wrapped_enough_is_named_in_a_note(tmp_path: Path) -> None:
    address = "someone.with.a.rather.long.address@accounts.example-company-domain.com"
    models = MODELS.replace("email=address", f"email='{address}'")
    app, applied = _async_queries_on_a_flake8_app(tmp_path, models)
    assert applied.returncode == 0, applied.stderr.decode()
    text = (app / "app/models.py").read_text(encoding="utf-8")
    long = [n for n, line in enumerate(text.splitlines(), 1) if len(line) > 79]
    assert long and f"'{address}'" in text.splitlines()[long[0] - 1]
    assert f"app/models.py: line {long[0]} is longer than 79 columns" in applied.stderr.decode()


# --- pragma comments: a black project checked by flake8 stays clean under both -------------------------

TICKETS = """\
from sqlalchemy import Boolean, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Ticket(Base):
    __tablename__ = "tickets"
    id = Column(Integer, primary_key=True)
    closed = Column(Boolean)
"""
OPEN_COUNT = """\
from sqlalchemy.orm import Session

from app.models import Ticket


def open_count(db: Session):
    open_tickets_in_queue = db.query(Ticket).filter(Ticket.closed == False).count()  # noqa: E712
    return open_tickets_in_queue
"""


def _tool_passes(app: Path, tool: str, *args: str) -> bool:
    done = _run(app, sys.executable, "-m", tool, *args, "app")
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.returncode == 0


@pytest.mark.skipif(RUFF is None, reason="ruff not installed")
@pytest.mark.skipif(
    not (importlib.util.find_spec("black") and importlib.util.find_spec("flake8")),
    reason="black and flake8 are test dependencies",
)
@pytest.mark.parametrize("line_length", [100, 110])
def test_a_noqa_on_a_fixed_query_keeps_a_black_project_clean_under_flake8_and_black(
    tmp_path: Path, line_length: int
) -> None:
    """At 100 columns the fixed statement must wrap: its noqa goes with the comparison it silences
    (not after the closing bracket, where flake8 would not apply it). At 110 its code fits but not
    its comment, which black counts (ruff alone would leave the line as is)."""
    hook = f"      - id: black\n        args: [--line-length={line_length}]\n"
    app = _write_app(
        tmp_path / "app",
        {
            ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/psf/black\n"
            "    rev: 24.1.1\n    hooks:\n" + hook,
            "app/__init__.py": "",
            "app/models.py": TICKETS,
            "app/q.py": OPEN_COUNT,
        },
    )
    (app / ".git").mkdir()
    flake8 = ("flake8", f"--max-line-length={line_length}")
    black = ("black", "--check", "-q", f"--line-length={line_length}")
    assert _tool_passes(app, *flake8) and _tool_passes(app, *black)
    applied = _run(app, sys.executable, "-m", "backfix", "apply", "async-queries", "--path", ".")
    assert applied.returncode == 0, applied.stderr.decode()
    fixed = (app / "app/q.py").read_text(encoding="utf-8")
    assert "select(func.count())" in fixed, "the codemod changed nothing: the case tests nothing"
    assert _tool_passes(app, *flake8), fixed
    assert _tool_passes(app, *black), fixed
    assert "  # noqa: E712\n    )\n" in fixed and "noqa" not in applied.stderr.decode()


# --- a black project: black runs after ruff, where the two disagree -----------------------------------

SHELVES = """\
from sqlalchemy.orm import joinedload

from app import db


class Shelf(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(16))


class Bin(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    shelf_id = db.Column(db.Integer, db.ForeignKey("shelf.id"))
    shelf = db.relationship(Shelf)
    parts = db.Column(db.Integer)


def parts_per_shelf():
    totals = {}
    query = Bin.query.options(joinedload(Bin.shelf)).with_entities(Bin, Shelf)
    for (
        bin_row,
        shelf_row,
    ) in query.all():
        totals[shelf_row.label] = bin_row.parts
    return totals
"""


@pytest.mark.skipif(RUFF is None, reason="ruff not installed")
@pytest.mark.skipif(not importlib.util.find_spec("black"), reason="black is a test dependency")
def test_a_fixed_for_header_passes_black_where_ruff_alone_would_not(tmp_path: Path) -> None:
    """The fixed loop's iterable, a chain of calls, fits after ``) in``: ruff leaves it there,
    black puts it in parentheses of its own."""
    app = _write_app(
        tmp_path / "app",
        {
            "pyproject.toml": "[tool.black]\nline-length = 79\n",
            "requirements.txt": "Flask-SQLAlchemy==3.1.1\nSQLAlchemy==2.0.25\n",
            "app/shelves.py": SHELVES,
        },
    )
    assert _tool_passes(app, "black", "--check", "-q")
    applied = _run(app, sys.executable, "-m", "backfix", "apply", "async-queries", "--path", ".")
    assert applied.returncode == 0, applied.stderr.decode()
    fixed = (app / "app/shelves.py").read_text(encoding="utf-8")
    assert "    ) in (\n        db.session.execute(query).unique().all()\n    ):\n" in fixed
    assert _tool_passes(app, "black", "--check", "-q"), fixed
    assert "black" not in applied.stderr.decode()
