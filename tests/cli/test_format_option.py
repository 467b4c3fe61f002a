"""``apply --no-format`` and ``[tool.backfix] format``: the formatter pass from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from backfix.cli import main

LEGACY = (
    "from sqlalchemy.orm import Session\n\nfrom app.models import User\n\n\n"
    "def find(session: Session, name):\n"
    "    return session.query(User).filter(User.name == name, User.active, User.shown).all()\n"
)
ONE_LINE = "    return session.scalars(select(User).where(User.name == name, User.active, User.shown)).all()\n"
WRAPPED = (
    "    return session.scalars(\n"
    "        select(User).where(User.name == name, User.active, User.shown)\n"
    "    ).all()\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "repo.py").write_text(LEGACY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def apply(*extra: str) -> tuple[int, str, str]:
    args = ["apply", "async-queries", "--mode", "sync", "--path", "app", *extra]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_changed_lines_are_formatted_by_default(project: Path) -> None:
    code, _, stderr = apply()
    assert code == 0, stderr
    assert WRAPPED in (project / "app" / "repo.py").read_text()


def test_no_format_leaves_them_as_the_codemod_wrote_them(project: Path) -> None:
    code, _, stderr = apply("--no-format")
    assert code == 0, stderr
    assert ONE_LINE in (project / "app" / "repo.py").read_text()


def test_format_false_in_the_configuration(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.backfix]\nformat = false\n")
    code, stdout, stderr = apply("--dry-run")
    assert code == 1, stderr
    assert "+" + ONE_LINE in stdout


def test_format_must_be_a_boolean(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.backfix]\nformat = "yes"\n')
    code, _, stderr = apply("--dry-run")
    assert code == 2
    assert "tool.backfix.format must be a bool" in stderr
