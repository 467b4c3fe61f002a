"""Whether a project's linters require docstrings on new public methods and functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from backfix.docstring_rules import requires_docstring, ruff_reports


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "app" / "services").mkdir(parents=True, exist_ok=True)
    return tmp_path


def _requires(tmp_path: Path, files: dict[str, str], kind: str = "method") -> bool:
    root = _project(tmp_path, files)
    return requires_docstring(root / "app" / "services", root, kind)  # type: ignore[arg-type]


def test_no_linter_configured_requires_none(tmp_path: Path) -> None:
    assert not _requires(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".pylintrc": "[MESSAGES CONTROL]\ndisable=too-few-public-methods\n"}, True),
        ({"pylintrc": "[MESSAGES CONTROL]\ndisable=\n    C0114,\n    C0116\n"}, False),
        ({".pylintrc": "[MESSAGES CONTROL]\ndisable=missing-docstring\n"}, False),
        ({".pylintrc": "[MESSAGES CONTROL]\ndisable=all\nenable=C0116\n"}, True),
        ({".pylintrc": "[MESSAGES CONTROL]\ndisable=C\n"}, False),
        (
            {"pyproject.toml": '[tool.pylint."messages control"]\ndisable = ["R0903"]\n'},
            True,
        ),
        (
            {
                "pyproject.toml": "[tool.pylint.messages_control]\n"
                'disable = ["missing-function-docstring"]\n'
            },
            False,
        ),
        ({"setup.cfg": "[pylint.MESSAGES CONTROL]\ndisable = W0511\n"}, True),
        # a pylintrc this parser cannot read still says pylint runs, with its defaults
        ({".pylintrc": "disable = C0116\n[MESSAGES CONTROL\n"}, True),
        # run without a configuration of its own: pylint's defaults check docstrings
        ({".pre-commit-config.yaml": "repos:\n- repo: local\n  hooks:\n  - id: pylint\n"}, True),
        ({".github/workflows/lint.yml": "steps:\n  - run: pylint app\n"}, True),
    ],
)
def test_pylint(tmp_path: Path, files: dict[str, str], expected: bool) -> None:
    assert _requires(tmp_path, files) is expected


@pytest.mark.parametrize(
    ("ruff", "kind", "expected"),
    [
        ('[tool.ruff.lint]\nselect = ["E", "F"]\n', "method", False),
        ('[tool.ruff.lint]\nselect = ["E", "D"]\n', "method", True),
        ('[tool.ruff.lint]\nextend-select = ["D1"]\n', "function", True),
        ('[tool.ruff.lint]\nselect = ["ALL"]\nignore = ["D"]\n', "method", False),
        ('[tool.ruff.lint]\nselect = ["D"]\nignore = ["D102"]\n', "method", False),
        ('[tool.ruff.lint]\nselect = ["D"]\nignore = ["D102"]\n', "function", True),
        ('[tool.ruff.lint]\nselect = ["D102"]\nignore = ["D1"]\n', "method", True),
        ('[tool.ruff]\nselect = ["D"]\n', "method", True),  # the older, top-level form
    ],
)
def test_ruff(tmp_path: Path, ruff: str, kind: str, expected: bool) -> None:
    assert _requires(tmp_path, {"pyproject.toml": ruff}, kind) is expected


def test_nearest_ruff_configuration_wins(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.ruff.lint]\nselect = ["D"]\n',
        "app/ruff.toml": '[lint]\nselect = ["E"]\n',
    }
    assert not _requires(tmp_path, files)


def test_ruff_extends_a_shared_configuration(tmp_path: Path) -> None:
    files = {"base.toml": '[lint]\nselect = ["D"]\n', "ruff.toml": 'extend = "base.toml"\n'}
    assert _requires(tmp_path, files)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".flake8": "[flake8]\nmax-line-length = 100\n"}, False),
        ({".flake8": "[flake8]\ndocstring-convention = google\n"}, True),
        ({"setup.cfg": "[flake8]\ndocstring-convention = numpy\nignore = D1\n"}, False),
        ({"tox.ini": "[flake8]\ndocstring-convention = pep257\nselect = E,W,F\n"}, False),
        (
            {
                ".flake8": "[flake8]\nmax-line-length = 100\n",
                ".pre-commit-config.yaml": "    additional_dependencies: [flake8-docstrings]\n",
            },
            True,
        ),
        ({"setup.cfg": "[pydocstyle]\nconvention = google\n"}, True),
        ({".pydocstylerc": "[pydocstyle]\nconvention = numpy\nadd-ignore=D100\n"}, True),
        ({".pydocstyle": "[pydocstyle]\nconvention = numpy\nadd-ignore=D102\n"}, False),
        ({"pyproject.toml": '[tool.pydocstyle]\nignore = ["D102"]\n'}, False),
    ],
)
def test_flake8_docstrings_and_pydocstyle(
    tmp_path: Path, files: dict[str, str], expected: bool
) -> None:
    assert _requires(tmp_path, files) is expected


def test_configuration_above_the_project_root_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".pylintrc").write_text("[MESSAGES CONTROL]\ndisable=R0903\n", encoding="utf-8")
    root = tmp_path / "project"
    root.mkdir()
    assert not _requires(root, {"pyproject.toml": "[project]\nname = 'x'\n"})


def test_a_ruff_selector_names_its_own_linter_only(tmp_path: Path) -> None:
    """``A`` is flake8-builtins, not flake8-annotations (``ANN``); ``PL`` holds pylint's
    ``PLR``."""
    (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["A", "PL"]\n')
    assert not ruff_reports(tmp_path, tmp_path, "ANN401")
    assert ruff_reports(tmp_path, tmp_path, "PLR0913")
    assert ruff_reports(tmp_path, tmp_path, "A001")
