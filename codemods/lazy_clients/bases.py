"""Whether a project class that seems to build a client is a framework object instead.

``blueprint = HelpModule(MODULE_NAME, __name__, static_folder=config.HELP_PATH)`` reads settings
at import, as a client would; but ``HelpModule`` derives, through the project's own
``PgAdminModule``, from Flask's ``Blueprint``, which an application builds at import on purpose
(see ``detect.NOT_CLIENTS``). The analysis sees one file; the plan follows the class's bases
through the project's files here, with Python's own parser.
"""

from __future__ import annotations

import ast

from backfix.project import ProjectContext

from .detect import NOT_CLIENTS

#: how many classes and imports are followed from the constructor before giving up
_MAX_DEPTH = 8


class FrameworkBases:
    """Answers, for a class name as seen from a project file, whether it derives from one of
    ``NOT_CLIENTS`` through project classes (each file parsed once)."""

    def __init__(self, project: ProjectContext) -> None:
        self.project = project
        self._trees: dict[str, ast.Module | None] = {}

    def derives(self, path: str, name: str) -> bool:
        """Whether the class ``name`` (defined in ``path`` or imported there) derives from a
        framework object; False when that cannot be followed."""
        return self._derives(path, name, 0, set())

    def _derives(self, path: str, name: str, depth: int, seen: set[tuple[str, str]]) -> bool:
        tree = self._tree(path)
        if tree is None or depth > _MAX_DEPTH or (path, name) in seen:
            return False
        seen.add((path, name))
        for stmt in tree.body:
            if isinstance(stmt, ast.ClassDef) and stmt.name == name:
                return any(self._framework_base(path, b, depth, seen) for b in stmt.bases)
        imported = _imported(tree, name)
        if imported is None:
            return False
        source, original = imported
        if original in NOT_CLIENTS:  # `from flask import Blueprint as FlaskBlueprint`
            return True
        target = self.project.resolve_import(path, source.level, source.module or "")
        files = [f for f in (target.candidates if target else ()) if self._tree(f) is not None]
        return bool(files) and self._derives(files[0], original, depth + 1, seen)

    def _framework_base(
        self, path: str, base: ast.expr, depth: int, seen: set[tuple[str, str]]
    ) -> bool:
        if isinstance(base, ast.Attribute):
            return base.attr in NOT_CLIENTS
        if not isinstance(base, ast.Name):
            return False
        return base.id in NOT_CLIENTS or self._derives(path, base.id, depth + 1, seen)

    def _tree(self, path: str) -> ast.Module | None:
        if path not in self._trees:
            raw = self.project.read(path)
            try:
                self._trees[path] = ast.parse(raw) if raw is not None else None
            except (SyntaxError, ValueError, RecursionError):
                self._trees[path] = None
        return self._trees[path]


def _imported(tree: ast.Module, name: str) -> tuple[ast.ImportFrom, str] | None:
    """The top-level ``from module import original as name`` of ``tree`` that binds ``name``, and
    ``original``."""
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if (alias.asname or alias.name) == name:
                    return stmt, alias.name
    return None
