"""The version of a formatter a project pins, and a note when ruff formatted with another one.

ruff's formatter changes its style in some releases (how a long call chain or an f-string is laid
out), black once a year: lines formatted by another release than the one the project runs in its
pre-commit hook or CI can fail that one's ``--check``. backfix formats with the project's own
formatter when its ``.venv`` holds one; otherwise it says which one it used and which the project
pins (black's note: :func:`backfix.black_pass.pin_note`).
"""

from __future__ import annotations

import re
from pathlib import Path

from backfix.format_settings import precommit_config
from backfix.versions import find_versions


def pinned_version(folder: Path, root: Path, package: str, hook: str) -> tuple[str, str] | None:
    """The version of ``package`` the project at ``folder`` pins, and where: the ``rev`` of its
    pre-commit hook from a repository whose name matches ``hook`` (a pattern), else an exact
    pin or lock file entry; None when it pins none (a range such as ``black>=23`` lets the project
    run the latest release, as backfix may)."""
    pattern = rf"^\s*-?\s*repo:\s*['\"]?\S*/{hook}['\"]?\s*$\s*rev:\s*['\"]?v?([\w.]+)"
    match = re.search(pattern, precommit_config(folder), re.MULTILINE)
    if match is not None:
        return match.group(1), ".pre-commit-config.yaml"
    found = find_versions(root, packages=(package,), folder=folder, installed=False)[package]
    if found.version is None or found.specifier is not None:
        return None
    return str(found.version), found.source


def ruff_pin_note(running: tuple[int, int] | None, folder: Path, root: Path) -> str:
    """A note when the ruff that formatted (its ``running`` version) is another minor release
    than the one the project pins; "" when they agree or nothing is pinned."""
    pinned = pinned_version(folder, root, "ruff", "ruff-pre-commit")
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
