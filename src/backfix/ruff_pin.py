"""The ruff a project pins, and a note when the changed lines were formatted by another one.

ruff's formatter changes its style in some releases (how a long call chain or an f-string is laid
out): lines formatted by a newer ruff than the one the project runs in its pre-commit hook or
CI can fail that ruff's ``ruff format --check``. backfix formats with the project's own ruff when
its ``.venv`` holds one; otherwise it says which ruff it used and which the project pins.
"""

from __future__ import annotations

import re
from pathlib import Path

from backfix.black_pass import tool_version
from backfix.format_settings import precommit_config
from backfix.versions import find_versions

#: the ``rev`` of ruff's pre-commit hook (``astral-sh/ruff-pre-commit``)
_PRECOMMIT_RUFF_REV = re.compile(
    r"^\s*-?\s*repo:\s*['\"]?\S*/ruff-pre-commit['\"]?\s*$\s*rev:\s*['\"]?v?([\w.]+)",
    re.MULTILINE,
)


def pinned_ruff(folder: Path, root: Path) -> tuple[str, str] | None:
    """The ruff version the project at ``folder`` pins, and where: the ``rev`` of its pre-commit
    hook, else an exact pin or lock file entry; None when it pins none."""
    match = _PRECOMMIT_RUFF_REV.search(precommit_config(folder))
    if match is not None:
        return match.group(1), ".pre-commit-config.yaml"
    found = find_versions(root, packages=("ruff",), folder=folder, installed=False)["ruff"]
    if found.version is None or found.specifier is not None:
        return None
    return str(found.version), found.source


def ruff_pin_note(ruff: str, folder: Path, root: Path, timeout: int) -> str:
    """A note when the ruff at ``ruff`` is another minor release than the one the project pins;
    "" when they agree or nothing is pinned."""
    running = tool_version((ruff,), timeout)
    pinned = pinned_ruff(folder, root)
    if running is None or pinned is None:
        return ""
    version, source = pinned
    numbers = [int(part) for part in re.findall(r"\d+", version)[:2]]
    if len(numbers) < 2 or tuple(numbers) == running:
        return ""
    return (
        f"ruff {running[0]}.{running[1]} formatted the changed lines, and {source} pins ruff "
        f"{version}, whose formatter style may differ (ruff changes it in some releases); run "
        f"the project's ruff format over the changed files, or install ruff {version} in the "
        "project's .venv, where backfix looks for ruff first"
    )
