"""What a name means across the project: definitions followed through imports."""

from __future__ import annotations

from backfix.project import ProjectContext

from .facts import ProjectFacts
from .model import ImportRef

#: an import a file needs: ``(module, name, asname)``; ``name`` "" means ``import module``
ImportNeed = tuple[str, str, str | None]
Definition = tuple[str, str]

MAX_HOPS = 8


class Index:
    """Resolves names to the top-level definitions they refer to, across the project's files."""

    def __init__(self, data: ProjectFacts, project: ProjectContext) -> None:
        self.data = data
        self.project = project
        self._cache: dict[tuple[str, str], Definition | None] = {}

    def resolve(self, path: str, name: str, hops: int = 0) -> Definition | None:
        """``(file, name)`` of the top-level definition ``name`` refers to in ``path``, or None."""
        key = (path, name)
        if key not in self._cache:
            self._cache[key] = None if hops > MAX_HOPS else self._resolve(path, name, hops)
        return self._cache[key]

    def _resolve(self, path: str, name: str, hops: int) -> Definition | None:
        data = self.data.bindings(path)
        if data is None:
            return None
        head, *rest = name.split(".")
        if not rest:
            if head in data.top_names and head not in data.imports:
                return (path, head)
            ref = data.imports.get(head)
            if ref is None or not ref.name:
                return None
            return self._through(path, ref.level, ref.module, ref.name, hops)
        ref = data.imports.get(head)
        if ref is None:
            return None
        base = [ref.module, ref.name] if ref.name else [ref.module]
        module = ".".join(part for part in [*base, *rest[:-1]] if part)
        return self._through(path, ref.level, module, rest[-1], hops)

    def _through(
        self, path: str, level: int, module: str, name: str, hops: int
    ) -> Definition | None:
        target = self.project.resolve_import(path, level, module)
        if target is None:
            return None
        for candidate in target.candidates:
            if self.data.bindings(candidate) is not None:
                return self.resolve(candidate, name, hops + 1)
        return None

    def resolve_starred(self, path: str, name: str, hops: int = 0) -> Definition | None:
        """:meth:`resolve`, also through ``from module import *`` (a package's ``__init__.py``
        re-exporting its modules' classes). Used for controllers' base classes only: task
        functions and dependencies keep what :meth:`resolve` finds."""
        found = self.resolve(path, name)
        data = self.data.get(path) if found is None and hops <= MAX_HOPS else None
        if found is not None or data is None:
            return found
        head, *rest = name.split(".")
        ref = data.imports.get(head)
        if ref is not None and not rest and ref.name:
            return self._starred_in(path, ref.level, ref.module, ref.name, hops)
        if ref is not None and rest:
            base = [ref.module, ref.name] if ref.name else [ref.module]
            module = ".".join(part for part in [*base, *rest[:-1]] if part)
            return self._starred_in(path, ref.level, module, rest[-1], hops)
        for star in data.stars if ref is None and not rest else ():
            found = self._starred_in(path, star.level, star.module, name, hops)
            if found is not None:
                return found
        return None

    def _starred_in(
        self, path: str, level: int, module: str, name: str, hops: int
    ) -> Definition | None:
        target = self.project.resolve_import(path, level, module)
        for candidate in target.candidates if target is not None else ():
            if self.data.get(candidate) is not None:
                return self.resolve_starred(candidate, name, hops + 1)
        return None

    def users(self, definition: Definition) -> list[str]:
        """The files that may call or read ``definition``: their text spells its name, or a name
        another file imports it under (``from app.jobs import work as run``), found until no new
        name turns up; analysed, sorted."""
        words = {definition[1]}
        while True:
            paths = self.data.mentioning(words)
            more = {
                bound
                for path in paths
                for bound in self.data[path].imports
                if bound not in words and self.resolve(path, bound) == definition
            }
            if not more:
                return paths
            words |= more

    def import_for(self, path: str, name: str) -> ImportNeed | None:
        """The absolute import that binds ``name`` as it is bound in ``path``, or None.

        A name defined in ``path`` is imported from ``path``'s module; an imported name keeps its
        import (made absolute); a name bound any other way (a local, an unknown) gives None.
        """
        data = self.data.bindings(path)
        if data is None:
            return None
        ref = data.imports.get(name)
        if ref is not None:
            return self._absolute(path, ref, name)
        if name in data.top_names:
            return (self.project.module_name(path), name, None)
        return None

    def _absolute(self, path: str, ref: ImportRef, bound: str) -> ImportNeed | None:
        module = ref.module
        if ref.level:
            target = self.project.resolve_import(path, ref.level, ref.module)
            if target is None:
                return None
            module = target.module
        if not ref.name:
            return (module, "", None if bound == module else bound)
        return (module, ref.name, _alias(ref.name, bound))


def _alias(name: str, bound: str) -> str | None:
    return None if name == bound else bound


def same_binding(index: Index, need: ImportNeed, path: str, name: str) -> bool:
    """Does ``name`` in ``path`` already mean what ``need`` imports?"""
    here = index.import_for(path, name)
    if here is None:
        return False
    if here == need:
        return True
    module, imported, _ = need
    if not imported:
        return False
    target = index.project.resolve_import(path, 0, module)
    wanted = None
    if target is not None:
        for candidate in target.candidates:
            if index.data.bindings(candidate) is not None:
                wanted = index.resolve(candidate, imported)
                break
    return wanted is not None and wanted == index.resolve(path, name)
