"""A content-addressed cache of analysis facts, so unchanged files are not parsed again.

``analyze`` is pure: its facts depend only on the file's path and bytes, the codemod, its options and
the code of backfix and the codemod. The key hashes all of them, so a stale entry is never read: an
edit to a file, an option, or backfix itself changes the key. Entries live outside the project, in
``$BACKFIX_CACHE_DIR`` or ``$XDG_CACHE_HOME/backfix`` (default ``~/.cache/backfix``), one folder per
project root, so a run never adds a file to the user's tree; deleting the folder is always safe. Only
the process that owns the run reads and writes it, never the workers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from functools import cache
from pathlib import Path

from backfix.results import FileFacts
from backfix.writer import atomic_write

CACHE_ENV = "BACKFIX_CACHE_DIR"
_FORMAT = b"backfix-facts-1"


@cache
def _code_fingerprint(module_files: tuple[str, ...]) -> str:
    """Size and mtime of every source file of backfix and of the given codemod modules."""
    import backfix
    from backfix import builtin_codemods

    roots = [Path(backfix.__file__).parent, *map(Path, builtin_codemods.__path__)]
    files = sorted({p for root in roots for p in root.rglob("*.py")} | set(map(Path, module_files)))
    digest = hashlib.sha256(_FORMAT + sys.version.encode())
    for path in files:
        with contextlib.suppress(OSError):
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def cache_home() -> Path:
    """Where all projects' caches live."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "backfix"


class FactsCache:
    """Facts by key; every failure to read or write is a miss, never an error."""

    def __init__(self, root: Path, module_files: tuple[str, ...]) -> None:
        self.folder = cache_home() / hashlib.sha256(str(root).encode()).hexdigest()[:16]
        self.code = _code_fingerprint(module_files)

    def key(self, codemod_id: str, options: str, path: str, raw: bytes) -> str:
        """The entry's name: everything the facts depend on, hashed."""
        digest = hashlib.sha256(self.code.encode())
        for part in (codemod_id, options, path):
            digest.update(part.encode() + b"\0")
        digest.update(raw)
        return digest.hexdigest()

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> FileFacts | None:
        """The stored facts, or None."""
        try:
            data = self._file(key).read_bytes()
            facts = pickle.loads(data)
        except Exception:  # missing, truncated or from an incompatible version: a miss
            return None
        if not isinstance(facts, FileFacts):
            return None
        return facts

    def put(self, key: str, facts: FileFacts) -> None:
        """Store facts; a read-only or full disk just means no cache."""
        with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
            atomic_write(self._file(key), pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
