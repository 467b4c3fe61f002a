"""async-queries on a project in a subfolder of its repository (a monorepo's service).

The service declares its dependencies in its own folder; the repository's root declares none. The
rewrite must follow the service's SQLAlchemy, not the one backfix itself runs with.
"""

from __future__ import annotations

import re
from pathlib import Path

from testkit import init_repo, run_codemod

CRUD = (
    "from .models import User\n\n\n"
    "def get(db, user_id):\n"
    "    return db.query(User).filter(User.id == user_id).first()\n"
)
MODELS = (
    "from sqlalchemy import Column, Integer\n"
    "from sqlalchemy.orm import declarative_base\n\n"
    "Base = declarative_base()\n\n\n"
    "class User(Base):\n"
    '    __tablename__ = "users"\n'
    "    id = Column(Integer, primary_key=True)\n"
)
SERVICE = {"svc/app/__init__.py": "", "svc/app/crud.py": CRUD, "svc/app/models.py": MODELS}
#: ``Session.scalars`` came with SQLAlchemy 1.4.24: on 1.4.22 the rewrite goes through ``execute``.
ON_1_4_22 = "db.execute(select(User).where(User.id == user_id).limit(1)).scalars().first()"


def _dry_run(repo: Path, path: str) -> tuple[str, str]:
    """The diff and the ``assumed:`` line of ``apply async-queries --dry-run`` on ``path``."""
    done = run_codemod(
        repo, "apply", "async-queries", "--path", path, "--mode", "sync", "--dry-run"
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 1: there is something to fix
    output = done.stdout + done.stderr
    assumed = re.search(r"^\s*assumed: (.*)$", output, flags=re.MULTILINE)
    assert assumed is not None, output
    return output, assumed.group(1)


def test_the_services_own_pins_decide_the_rewrite(tmp_path: Path) -> None:
    pyproject = '[project]\nname = "svc"\nversion = "0.1"\ndependencies = ["sqlalchemy==1.4.22"]\n'
    repo = init_repo(tmp_path / "mono", {**SERVICE, "svc/pyproject.toml": pyproject})
    output, assumed = _dry_run(repo, "svc")
    assert f"+    return {ON_1_4_22}" in output
    assert "db.scalars(" not in output
    assert "SQLAlchemy 1.4.22 (svc/pyproject.toml)" in assumed
    assert (repo / "svc/app/crud.py").read_text() == CRUD  # a dry run writes nothing


def test_the_services_own_configuration_decides_the_versions(tmp_path: Path) -> None:
    """``[tool.backfix.versions]`` in the service's pyproject.toml, its dependencies unpinned."""
    pyproject = (
        '[project]\nname = "svc"\nversion = "0.1"\ndependencies = ["sqlalchemy"]\n\n'
        '[tool.backfix.versions]\nsqlalchemy = "1.4.22"\n'
    )
    repo = init_repo(tmp_path / "mono", {**SERVICE, "svc/pyproject.toml": pyproject})
    output, assumed = _dry_run(repo, "svc/app/crud.py")
    assert f"+    return {ON_1_4_22}" in output
    assert "SQLAlchemy 1.4.22 ([tool.backfix.versions])" in assumed
