"""Whether the service module's imports would lead back to the route module: a circular import.

The route module imports its service at the top, so a module the service imports runs while the
route module is only partly initialised. If that module (or one it imports, at module level) imports
the route module, it finds names the route module has not bound yet: a Flask app that defines ``db``
in its route module and imports its models after it (``from app import models  # noqa: E402``)
fails with ``ImportError: cannot import name 'db' from partially initialized module``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Sequence

from backfix.project import ProjectContext

from .model import ImportNeed


class ImportGraph:
    """The project files each project file imports at module level, read with `ast` when asked."""

    def __init__(self, project: ProjectContext) -> None:
        self.project = project
        self._edges: dict[str, tuple[str, ...]] = {}

    def imports_of(self, path: str) -> tuple[str, ...]:
        """The project files ``path`` imports when it runs (not inside functions or classes, nor
        under ``if TYPE_CHECKING:``)."""
        if path not in self._edges:
            tree = self.project.tree(path)
            found = [] if tree is None else self._imported_files(path, tree)
            self._edges[path] = tuple(dict.fromkeys(found))
        return self._edges[path]

    def need_files(self, route_path: str, needs: Iterable[ImportNeed]) -> list[str]:
        """The project files the imports of ``needs`` (written in ``route_path``) refer to."""
        found: list[str] = []
        for need in needs:
            if need.local:
                continue
            if not need.module and need.level == 0:
                found += self._files(route_path, 0, need.imported, ())
            else:
                found += self._files(route_path, need.level, need.module, (need.imported,))
        return found

    def chain_to(
        self, starts: Sequence[str], goal: str, loaded: Iterable[str] | None = None
    ) -> list[str] | None:
        """The shortest chain of module-level imports from one of ``starts`` to ``goal`` (both ends
        included); None when there is none.

        The chain does not go through the modules ``loaded`` before ``starts`` run, where an import
        runs nothing. By default those are the packages around ``goal``, imported before ``goal``
        runs (``from app import db`` in a model, with ``from app import routes`` at the end of
        ``app/__init__.py``).
        """
        running = set(_packages_around(goal) if loaded is None else loaded)
        came_from: dict[str, str | None] = {s: None for s in starts if s not in running}
        queue = list(came_from)
        for current in queue:
            if current == goal:
                return _walk_back(came_from, current)
            for imported in self.imports_of(current):
                if imported not in came_from and imported not in running:
                    came_from[imported] = current
                    queue.append(imported)
        return None

    def _imported_files(self, path: str, tree: ast.Module) -> list[str]:
        found: list[str] = []
        for node in _module_level_imports(tree.body):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found += self._files(path, 0, alias.name, ())
            else:
                names = tuple(alias.name for alias in node.names if alias.name != "*")
                found += self._files(path, node.level, node.module or "", names)
        return found

    def _files(self, path: str, level: int, module: str, names: Sequence[str]) -> list[str]:
        """The project files ``from <level dots><module> import <names>`` (``import <module>``
        without names) in ``path`` runs: the module, and each name that is a submodule."""
        found = []
        dotted = [module] + [f"{module}.{name}" if module else name for name in names]
        for target in dotted:
            existing = self.module_file(path, level, target)
            if existing is not None and existing != path:
                found.append(existing)
        return found

    def module_file(self, path: str, level: int, module: str) -> str | None:
        """The project file of the module ``<level dots><module>`` imported in ``path``; None
        when it is no module of the project."""
        resolved = self.project.resolve_import(path, level, module)
        if resolved is None:
            return None
        return next((c for c in resolved.candidates if self.project.read(c) is not None), None)


def modules_run_by_import(path: str) -> Iterator[str]:
    """The files importing the module at ``path`` runs: the packages around it, then itself."""
    yield from reversed(list(_packages_around(path)))
    yield path


def _module_level_imports(body: Sequence[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements that run when the module is imported (in ``if``/``try``/``with``
    blocks too, but not under ``if TYPE_CHECKING:``)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _module_level_imports(node.body)
            yield from _module_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level_imports(block)
            for handler in node.handlers:
                yield from _module_level_imports(handler.body)
        elif isinstance(node, ast.With):
            yield from _module_level_imports(node.body)


def _is_type_checking(test: ast.expr) -> bool:
    name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", "")
    return name == "TYPE_CHECKING"


def _packages_around(path: str) -> Iterator[str]:
    """``app/api/routes.py`` → ``app/api/__init__.py``, ``app/__init__.py``, ``__init__.py``."""
    parts = path.split("/")[:-1]
    while parts:
        yield "/".join([*parts, "__init__.py"])
        parts.pop()
    yield "__init__.py"


def _walk_back(came_from: dict[str, str | None], last: str) -> list[str]:
    chain = [last]
    while (previous := came_from[chain[-1]]) is not None:
        chain.append(previous)
    return chain[::-1]
