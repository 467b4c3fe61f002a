"""The licence file a file backfix adds needs in a project that follows REUSE (reuse.software).

``reuse lint`` wants every file of such a project to say its copyright and licence. The ledger is
JSON lines, which carry no comment, so it gets a ``.license`` file beside it, holding what most of
the project's own Python files declare in their headers. Nothing is written where the project is
no REUSE project (no ``LICENSES/`` folder), where its ``REUSE.toml`` or ``.reuse/dep5`` already
names ``.backfix``, or where no file of it declares both a copyright and a licence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

#: the most Python files read for their headers
MAX_FILES = 200
#: how much of each file's start is read
HEAD_BYTES = 4096

_COPYRIGHT = re.compile(r"^\W*SPDX-FileCopyrightText:\s*(.+?)\s*$", re.MULTILINE)
_LICENCE = re.compile(r"^\W*SPDX-License-Identifier:\s*(.+?)\s*$", re.MULTILINE)


def licence_path(path: Path) -> Path:
    """Where REUSE looks for the licence of the file at ``path``: ``<path>.license``."""
    return path.with_name(path.name + ".license")


def follows_reuse(root: Path) -> bool:
    """Whether the project at ``root`` keeps its licence texts in REUSE's ``LICENSES/`` folder."""
    folder = root / "LICENSES"
    return folder.is_dir() and any(folder.iterdir())


def covers_backfix(root: Path) -> bool:
    """Whether the project's REUSE configuration names the ``.backfix`` folder itself."""
    for config in (root / "REUSE.toml", root / ".reuse" / "dep5"):
        try:
            if ".backfix" in config.read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


def licence_text(root: Path, python_files: Iterable[Path]) -> bytes | None:
    """The ``.license`` file a new file of backfix needs in the project at ``root``; None where it
    needs none or nothing says what it would hold (see the module's docstring)."""
    if not follows_reuse(root) or covers_backfix(root):
        return None
    declared = _most_declared(python_files)
    if declared is None:
        return None
    copyrights, licence = declared
    lines = [f"SPDX-FileCopyrightText: {c}" for c in copyrights]
    return "\n".join([*lines, "", f"SPDX-License-Identifier: {licence}", ""]).encode("utf-8")


def _most_declared(python_files: Iterable[Path]) -> tuple[tuple[str, ...], str] | None:
    """The copyright lines and licence most of the files' headers declare together."""
    counts: Counter[tuple[tuple[str, ...], str]] = Counter()
    for number, path in enumerate(python_files):
        if number >= MAX_FILES:
            break
        try:
            with path.open("rb") as handle:
                head = handle.read(HEAD_BYTES).decode("utf-8", errors="replace")
        except OSError:
            continue
        copyrights = tuple(_COPYRIGHT.findall(head))
        licences = _LICENCE.findall(head)
        if copyrights and len(licences) == 1:
            counts[(copyrights, licences[0])] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]
