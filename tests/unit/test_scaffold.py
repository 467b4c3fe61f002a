"""``codemod new <id>``: the scaffolded codemod registers, passes its own snapshot cases, is documented."""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from backfix import builtin_codemods
from backfix.cli import main
from backfix.registry import all_codemods, clear_cache
from backfix.testing import check_case, discover_cases

CHECKOUT = Path(__file__).resolve().parents[2]


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A scratch checkout whose codemods/ the registry also walks."""
    root = tmp_path / "checkout"
    for folder in ("codemods", "templates", "snapshots", "docs"):
        (root / folder).mkdir(parents=True)
    shutil.copytree(CHECKOUT / "templates" / "scaffold", root / "templates" / "scaffold")
    monkeypatch.setattr(
        builtin_codemods, "__path__", [*builtin_codemods.__path__, str(root / "codemods")]
    )
    clear_cache()
    yield root
    clear_cache()


def test_new_codemod_passes_its_own_cases(checkout: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new", "no-old-function", "--root", str(checkout)])
    assert result.exit_code == 0, result.output
    package = checkout / "codemods" / "no_old_function" / "__init__.py"
    assert f"wrote {package}" in result.output
    assert (checkout / "docs" / "no-old-function.md").is_file()
    assert (checkout / "templates" / "no-old-function" / "README.md").is_file()
    importlib.invalidate_caches()  # the package was created after the folder was first listed
    clear_cache()
    cls = all_codemods()["no-old-function"]
    assert cls.__name__ == "NoOldFunction" and cls.EXAMPLE and cls.__doc__
    cases = discover_cases(checkout / "snapshots")
    assert sorted(case.name for case in cases) == ["basic", "noop_basic"]
    for case in cases:
        report = check_case(case, tmp_path / case.name)
        assert report.ok, report.summary()


def test_new_refuses_an_existing_or_a_bad_id(checkout: Path) -> None:
    runner = CliRunner()
    taken = runner.invoke(main, ["new", "bare-except", "--root", str(checkout)])
    assert taken.exit_code == 2
    assert "codemod 'bare-except' already exists" in taken.output
    bad = runner.invoke(main, ["new", "No_Print", "--root", str(checkout)])
    assert bad.exit_code == 2
    assert "invalid codemod id 'No_Print'" in bad.output
    (checkout / "docs" / "half-done.md").write_text("x")
    half = runner.invoke(main, ["new", "half-done", "--root", str(checkout)])
    assert half.exit_code == 2 and "already has files" in half.output
    assert not (checkout / "codemods" / "half_done").exists()
