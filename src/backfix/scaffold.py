"""``codemod new <id>``: a new codemod's package, templates folder, snapshot cases and docs page.

What it writes (``root`` is the checkout holding ``codemods/``):

* ``codemods/<id_snake>/__init__.py``: a trivial :class:`~backfix.local.LocalCodemod` with its docstring
  and ``EXAMPLE``;
* ``templates/<id>/README.md``: where its jinja2 templates go;
* ``snapshots/<id>/basic/{input,expected}.py`` and ``diagnostics.txt`` (a changing case) and ``snapshots/<id>/noop_basic/input.py``;
* ``docs/<id>.md``: its rewrites with before/after and its manual-review reasons.

The scaffolded codemod passes its own snapshot cases as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from backfix import builtin_codemods
from backfix.codemod import ConfigError
from backfix.templating import render

#: kebab-case: lower-case words of letters and digits, starting with a letter
ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

BASIC_INPUT = "from lib import old_function\n\nresult = old_function(1, 2)\n"
BASIC_EXPECTED = "from lib import old_function\n\nresult = new_function(1, 2)\n"
BASIC_DIAGNOSTICS = "input.py:3:10: `old_function()` is deprecated [fixable]\n"
NOOP_INPUT = (
    "from lib import new_function\n\nresult = new_function(1, 2)  # old_function( in a comment\n"
)


@dataclass(frozen=True)
class Scaffold:
    """The files ``codemod new`` writes, repository-relative path → content."""

    codemod_id: str
    files: dict[str, str]


def checkout_root() -> Path:
    """The source checkout holding the built-in codemods; ConfigError in an installed copy."""
    folder = Path(builtin_codemods.__path__[0]).resolve()
    if folder.name != "codemods" or not (folder.parent / "templates").is_dir():
        raise ConfigError(
            "the built-in codemods are installed, not in a source checkout: pass --root with the "
            "checkout (the folder holding codemods/, templates/, snapshots/ and docs/)"
        )
    return folder.parent


def check_id(codemod_id: str) -> None:
    """Raise ConfigError unless ``codemod_id`` is a kebab-case id (``no-print``)."""
    if not ID_PATTERN.fullmatch(codemod_id):
        raise ConfigError(
            f"invalid codemod id {codemod_id!r}: use lower-case words joined by '-', "
            "starting with a letter (e.g. 'no-print')"
        )


def class_name(codemod_id: str) -> str:
    """``no-print`` → ``NoPrint``."""
    return "".join(part.capitalize() for part in codemod_id.split("-"))


def plan_scaffold(codemod_id: str) -> Scaffold:
    """The files of a new codemod ``codemod_id`` (not written yet)."""
    check_id(codemod_id)
    snake = codemod_id.replace("-", "_")
    context = {
        "id": codemod_id,
        "class_name": class_name(codemod_id),
        "summary": "Replace calls of old_function() with new_function()",
    }
    files = {
        f"codemods/{snake}/__init__.py": render("scaffold/codemod.py.j2", **context),
        f"templates/{codemod_id}/README.md": render("scaffold/templates_readme.md.j2", **context),
        f"snapshots/{codemod_id}/basic/input.py": BASIC_INPUT,
        f"snapshots/{codemod_id}/basic/expected.py": BASIC_EXPECTED,
        f"snapshots/{codemod_id}/basic/diagnostics.txt": BASIC_DIAGNOSTICS,
        f"snapshots/{codemod_id}/noop_basic/input.py": NOOP_INPUT,
        f"docs/{codemod_id}.md": render("scaffold/docs.md.j2", **context),
    }
    return Scaffold(codemod_id, files)


def write_scaffold(root: Path, codemod_id: str, taken: set[str]) -> list[Path]:
    """Write a new codemod under ``root``; refuses an id in ``taken`` or one whose files exist."""
    scaffold = plan_scaffold(codemod_id)
    if codemod_id in taken:
        raise ConfigError(f"codemod {codemod_id!r} already exists")
    snake = codemod_id.replace("-", "_")
    existing = [
        path
        for path in (
            root / "codemods" / snake,
            root / "codemods" / f"{snake}.py",
            root / "snapshots" / codemod_id,
            root / "templates" / codemod_id,
            root / "docs" / f"{codemod_id}.md",
        )
        if path.exists()
    ]
    if existing:
        raise ConfigError(
            f"codemod {codemod_id!r} already has files: {', '.join(map(str, existing))}"
        )
    written: list[Path] = []
    for rel, content in scaffold.files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target)
    return written
