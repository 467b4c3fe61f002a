"""Which base class outside the project a method may override, so that callers it does not know
call it synchronously (``logging.Handler.emit``, a Celery backend's ``cleanup``): a method that
becomes ``async def`` there would return a coroutine nobody awaits."""

from __future__ import annotations

import ast
from collections.abc import Callable

from backfix.ast_utils import last_name

#: top-level packages whose classes call none of a subclass's methods behind its back (typing
#: helpers, enums, dataclasses, Pydantic and SQLModel models: their hooks are decorated, and a
#: decorator already keeps a function from becoming async)
SAFE_PACKAGES = frozenset(
    {"typing", "typing_extensions", "abc", "enum", "dataclasses", "collections", "pydantic"}
    | {"sqlmodel"}
)
#: SQLAlchemy's declarative bases: a model's own methods are called by the project only
SAFE_CLASSES = frozenset(
    {"DeclarativeBase", "DeclarativeBaseNoMeta", "MappedAsDataclass", "AsyncAttrs", "object"}
)
#: how deep a chain of the project's own base classes is followed
_MAX_DEPTH = 8

#: a top-level import: local name → (level, module, attribute or "")
Imports = dict[str, tuple[int, str, str]]
#: ``locate(from_path, level, module)``: the project file that import reaches, "" for a part
#: of the project that is no file (a namespace folder), None for a module outside the project
Locate = Callable[[str, int, str], str | None]


def class_def(tree: ast.Module, name: str) -> ast.ClassDef | None:
    """The top-level class ``name`` of ``tree`` (the last definition, the one Python binds)."""
    found = None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            found = node
    return found


def top_level_imports(tree: ast.Module) -> Imports:
    """The names the module's top-level imports bind."""
    found: Imports = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                found[local] = (0, alias.name if alias.asname else local, "")
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                found[alias.asname or alias.name] = (node.level, node.module or "", alias.name)
    return found


def _head(base: ast.expr) -> str:
    """``logging`` of ``logging.Handler``, ``Generic`` of ``Generic[T]``; "" for a call."""
    while isinstance(base, (ast.Attribute, ast.Subscript)):
        base = base.value
    return base.id if isinstance(base, ast.Name) else ""


class ExternalBases:
    """Finds the bases outside the project of the project's classes: ``parse(path)`` gives a
    project file's `ast` tree (None: unreadable), ``locate`` where an import leads."""

    def __init__(self, parse: Callable[[str], ast.Module | None], locate: Locate) -> None:
        self.parse = parse
        self.locate = locate
        #: (path, class name) → its base outside the project ("" for none), each class once
        self._found: dict[tuple[str, str], str] = {}

    def of_method(self, path: str, qual: str) -> str:
        """The base class outside the project (its code, ``logging.Handler``) of the class that
        holds the public method ``qual`` of the file ``path``, directly or through the project's
        own base classes; "" for a function, or a class whose bases are the project's or
        harmless."""
        class_name, _, method = qual.rpartition(".")
        if not class_name or "." in class_name or method.startswith("_"):
            return ""
        return self._of_class(path, class_name, 0)

    def _of_class(self, path: str, name: str, depth: int) -> str:
        key = (path, name)
        if key not in self._found:
            self._found[key] = ""  # (a class that names itself as a base ends here)
            self._found[key] = self._bases_outside(path, name, depth)
        return self._found[key]

    def _bases_outside(self, path: str, name: str, depth: int) -> str:
        tree = self.parse(path) if depth <= _MAX_DEPTH else None
        node = class_def(tree, name) if tree is not None else None
        if tree is None or node is None:
            return ""
        imports = top_level_imports(tree)
        for base in node.bases:
            outside = self._outside(path, imports, base, depth)
            if outside:
                return outside
        return ""

    def _outside(self, path: str, imports: Imports, base: ast.expr, depth: int) -> str:
        """``base``'s code when it is a class outside the project (or has one among its own
        bases); "" when it is the project's, harmless or unknown (a builtin, a call)."""
        head, last = _head(base), last_name(base)
        if not head or last in SAFE_CLASSES:
            return ""
        found = imports.get(head)
        if found is None:
            # a class of the same module (or a builtin, which calls no method of a subclass)
            return self._of_class(path, head, depth + 1) if head == last else ""
        level, module, attribute = found
        if not level and module.split(".")[0] in SAFE_PACKAGES:
            return ""
        target = self.locate(path, level, module)
        if target is None:
            return ast.unparse(base)
        if target and attribute and head == last:  # `from app.base import Repo`
            return self._of_class(target, attribute, depth + 1)
        return ""
