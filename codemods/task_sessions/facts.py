"""The facts of project files, analysed only when the plan needs them.

The plan follows names (a dependency, a task function, a factory) through imports, one file at a
time, and looks for every use of a task function across the project. Analysing every project file
for that cost minutes on a few hundred files; here a file is analysed when a name leads to it, and
the uses of a function are looked for only in the files whose text spells its name (or a name it is
re-exported under). A file a name only passes through (an import chain: ``from app.jobs import
work`` in a file that imports ``work`` from ``app.jobs.tasks``) needs no more than what it imports and
binds (``names.Bindings``), which costs a small part of the full analysis; it is analysed in full
only if the plan then needs more of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from backfix.project import ProjectContext

from .model import FileData
from .names import BINDINGS, Bindings


class ProjectFacts:
    """``path → FileData`` over the whole project, each file analysed on first use."""

    def __init__(
        self, project: ProjectContext, known: dict[str, FileData], unread: Iterable[str] = ()
    ) -> None:
        """``known``: the facts the scan found; ``unread``: scanned files it left for later."""
        self.project = project
        self._data = dict(known)
        self._files = set(project.files()) | set(known) | set(unread)
        #: the files that cannot be analysed (reported as errors of the run), either way
        self._failed: set[str] = set()
        #: what files bind, for those only followed through so far (never read as full facts)
        self._bindings: dict[str, Bindings] = {}
        self._spellers: dict[str, frozenset[str]] = {}

    def get(self, path: str) -> FileData | None:
        """The facts of ``path``; None when it is no project file or does not parse."""
        if path not in self._data and path in self._files and path not in self._failed:
            self.load([path])
        return self._data.get(path)

    def bindings(self, path: str) -> FileData | Bindings | None:
        """What ``path`` imports and binds at module level (its full facts, when analysed in full
        already); None when it is no project file or does not parse."""
        full = self._data.get(path)
        if full is not None:
            return full
        if path not in self._bindings and path in self._files and path not in self._failed:
            fact = self.project.facts_for_all([path], part=BINDINGS).get(path)
            if fact is not None and isinstance(fact.data, FileData):
                return fact.data  # the run holds the full facts already
            if fact is not None and isinstance(fact.data, Bindings):
                self._bindings[path] = fact.data
            else:
                self._failed.add(path)
        return self._bindings.get(path)

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
        paths = sorted(set().union(*(self._spelling(word) for word in words)))
        self.load(paths)
        return [p for p in paths if p in self._data]

    def _spelling(self, word: str) -> frozenset[str]:
        """The project files whose text spells ``word`` as a whole word, looked for once per word:
        the search of a name grows the words one by one, and most files do not hold a word at all
        (a plain substring test, much cheaper than the pattern, tells)."""
        found = self._spellers.get(word)
        if found is None:
            encoded = word.encode()
            pattern = re.compile(rb"\b" + re.escape(encoded) + rb"\b")
            found = self._spellers[word] = frozenset(
                path
                for path in self._files
                if encoded in (text := self.project.read(path) or b"") and pattern.search(text)
            )
        return found
