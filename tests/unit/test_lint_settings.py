"""The line length of a project without a formatter: the one its code keeps to."""

from __future__ import annotations

from pathlib import Path

from backfix.format_settings import line_length_for


def _lines(width: int, count: int, name: str = "value") -> str:
    """``count`` assignments of exactly ``width`` columns."""
    return "".join(f"{name}_{n:03} = '{'x' * (width - len(name) - 9)}'\n" for n in range(count))


def _project(root: Path, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_lines_fit_the_widths() -> None:
    assert {len(line) for line in _lines(117, 3).splitlines()} == {117}


def test_many_lines_past_88_that_keep_to_120_give_120(tmp_path: Path) -> None:
    code = _lines(80, 30) + _lines(95, 10) + _lines(117, 10) + _lines(130, 1, "url")
    root = _project(tmp_path, {"app/views.py": code})
    assert line_length_for(root / "app" / "views.py") == 120


def test_the_first_wider_limit_kept_to_wins(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/views.py": _lines(80, 30) + _lines(97, 12)})
    assert line_length_for(root / "app" / "views.py") == 100
    wider = _project(tmp_path / "b", {"app/views.py": _lines(97, 12) + _lines(108, 12)})
    assert line_length_for(wider / "app" / "views.py") == 110


def test_a_few_lines_past_88_or_lines_of_every_length_keep_88(tmp_path: Path) -> None:
    few = _project(tmp_path / "few", {"app/views.py": _lines(80, 30) + _lines(110, 5)})
    assert line_length_for(few / "app" / "views.py") == 88
    scattered = _lines(95, 10) + _lines(115, 10) + _lines(140, 10)
    anywhere = _project(tmp_path / "any", {"app/views.py": scattered})
    assert line_length_for(anywhere / "app" / "views.py") == 88


def test_a_linters_configured_length_still_wins(tmp_path: Path) -> None:
    files = {"setup.cfg": "[flake8]\nmax-line-length = 99\n", "app/views.py": _lines(117, 20)}
    root = _project(tmp_path, files)
    assert line_length_for(root / "app" / "views.py") == 99
