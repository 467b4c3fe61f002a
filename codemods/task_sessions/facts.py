"""The facts of project files, analysed only when the plan needs them.

The plan follows names (a dependency, a task function, a factory) through imports, one file at a
time, and looks for every use of a task function across the project. Analysing every project file
for that cost minutes on a few hundred files; here a file is analysed when a name leads to it, and
the uses of a function are looked for only in the files whose text spells its name (or a name it is
re-exported under).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from backfix.project import ProjectContext

from .model import FileData


class ProjectFacts:
    """``path → FileData`` over the whole project, each file analysed on first use."""

    def __init__(
        self, project: ProjectContext, known: dict[str, FileData], unread: Iterable[str] = ()
    ) -> None:
        """``known``: the facts the scan found; ``unread``: scanned files it left for later."""
        self.project = project
        self._data = dict(known)
        self._files = set(project.files()) | set(known) | set(unread)
        self._failed: set[str] = set()
        self._texts: dict[str, bytes] = {}

    def get(self, path: str) -> FileData | None:
        """The facts of ``path``; None when it is no project file or does not parse."""
        if path not in self._data and path in self._files and path not in self._failed:
            self.load([path])
        return self._data.get(path)

    def __getitem__(self, path: str) -> FileData:
        data = self.get(path)
        if data is None:
            raise KeyError(path)
        return data

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.get(path) is not None

    def load(self, paths: Iterable[str]) -> None:
        """Analyse the files of ``paths`` not analysed yet, together (in the runner's pool)."""
        wanted = [
            p for p in paths if p in self._files and p not in self._data and p not in self._failed
        ]
        found = self.project.facts_for_all(wanted)
        for path in wanted:
            fact = found.get(path)
            if fact is not None and isinstance(fact.data, FileData):
                self._data[path] = fact.data
            else:
                self._failed.add(path)

    def mentioning(self, words: Iterable[str]) -> list[str]:
        """The project files whose text spells one of ``words``, analysed, sorted."""
        pattern = re.compile(
            rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in sorted(words)) + rb")\b"
        )
        paths = sorted(p for p in self._files if pattern.search(self._text(p)))
        self.load(paths)
        return [p for p in paths if p in self._data]

    def _text(self, path: str) -> bytes:
        if path not in self._texts:
            self._texts[path] = self.project.read(path) or b""
        return self._texts[path]
