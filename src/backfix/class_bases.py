"""Whether a project class derives, through the project's own classes, from a framework class.

``HelpModule`` derives from Flask's ``Blueprint`` through the project's ``PgAdminModule``;
``ServerNode`` from Flask's ``View`` through ``PGChildNodeView``. A codemod's analysis sees one
file; its plan follows a class's bases through the project's files here, with Python's own parser.
"""

from __future__ import annotations

import ast
from collections.abc import Collection

from backfix.project import ProjectContext

#: how many classes and imports are followed before giving up
_MAX_DEPTH = 8


class FrameworkBases:
    """Answers, for a class name as seen from a project file, whether it derives from one of the
    classes named ``bases`` (``Blueprint``, ``View``) through project classes (each file parsed
    once)."""

    def __init__(self, project: ProjectContext, bases: Collection[str]) -> None:
        self.project = project
        self.bases = frozenset(bases)

    def derives(self, path: str, name: str) -> bool:
        """Whether the class ``name`` (defined in ``path`` or imported there) derives from one of
        ``bases``; False when that cannot be followed."""
        return self._derives(path, name, 0, set())

    def _derives(self, path: str, name: str, depth: int, seen: set[tuple[str, str]]) -> bool:
        tree = self.project.tree(path)
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
        if original in self.bases:  # `from flask import Blueprint as FlaskBlueprint`
            return True
        target = self.project.resolve_import(path, source.level, source.module or "")
        candidates = target.candidates if target else ()
        files = [f for f in candidates if self.project.tree(f) is not None]
        return bool(files) and self._derives(files[0], original, depth + 1, seen)

    def _framework_base(
        self, path: str, base: ast.expr, depth: int, seen: set[tuple[str, str]]
    ) -> bool:
        if isinstance(base, ast.Attribute):
            return base.attr in self.bases
        if not isinstance(base, ast.Name):
            return False
        return base.id in self.bases or self._derives(path, base.id, depth + 1, seen)


def _imported(tree: ast.Module, name: str) -> tuple[ast.ImportFrom, str] | None:
    """The top-level ``from module import original as name`` of ``tree`` that binds ``name``, and
    ``original``."""
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if (alias.asname or alias.name) == name:
                    return stmt, alias.name
    return None
