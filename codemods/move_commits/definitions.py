"""Module constants and helpers of the route module that the moved code reads.

The service cannot import them from the route module: that module imports the service, so the import
would be circular, and it would tie the service to the HTTP layer. A constant whose value is a
literal (``EVENTS = ("created", "published")``, upper-case name, bound once) and a plain helper
function or class (no decorators, reading only imports, builtins and such constants, no framework
objects; a request schema the service method takes as a parameter type) move into the service
module instead; the route imports them back from there when it still reads
them. Anything else stays a parameter.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath

import libcst as cst
from libcst.metadata import Assignment, BuiltinAssignment, ImportAssignment

from backfix.cst_utils import last_name
from backfix.cst_walk import BRACKETS, WHITESPACE

from .frameworks import LOGGER_NAMES, ModuleIndex, iter_nodes
from .model import Definition, ImportNeed
from .routes import MODEL_BASES
from .syntax import code_of
from .types import TypeInference

_LITERALS: tuple[type[cst.CSTNode], ...] = (
    cst.Integer,
    cst.Float,
    cst.Imaginary,
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.Tuple,
    cst.List,
    cst.Set,
    cst.Dict,
    cst.Element,
    cst.StarredElement,
    cst.DictElement,
    cst.UnaryOperation,
    cst.Minus,
    cst.Comma,
    cst.Colon,
    *BRACKETS,
    *WHITESPACE,
)


class Definitions:
    """Finds the movable module-level definitions a unit reads."""

    def __init__(
        self,
        index: ModuleIndex,
        module: cst.Module,
        inference: TypeInference,
        reads_route_layer: Callable[[str, Sequence[object]], bool] = lambda name, referents: False,
    ) -> None:
        self.index = index
        self.module = module
        self.inference = inference
        #: whether a name's referents import it from the route layer (see RegionClassifier)
        self.reads_route_layer = reads_route_layer
        self.global_scope = index.module_scope
        #: what :meth:`movable` found per name: every unit asks about the names it reads, and
        #: the annotations about the names they use
        self._movable: dict[str, list[Definition] | None] = {}

    def position(self, definition: Definition) -> int:
        """Where ``definition`` is in the module (moved definitions keep their order)."""
        for index, stmt in enumerate(self.module.body):
            if (
                isinstance(stmt, (cst.FunctionDef, cst.ClassDef))
                and stmt.name.value == definition.name
            ):
                return index
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    target = small.target if isinstance(small, cst.AnnAssign) else None
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        target = small.targets[0].target
                    if isinstance(target, cst.Name) and target.value == definition.name:
                        return index
        return len(self.module.body)

    def movable(self, name: str) -> list[Definition] | None:
        """The definitions to move for module-level ``name`` (itself first, then what it reads),
        or None when it cannot move."""
        if name not in self._movable:
            found: list[Definition] = []
            self._movable[name] = found if self._collect(name, found, depth=0) else None
        known = self._movable[name]
        return None if known is None else list(known)

    def _collect(self, name: str, found: list[Definition], depth: int) -> bool:
        if any(d.name == name for d in found):
            return True
        if depth > 3 or self.global_scope is None or name not in self.global_scope.assignments:
            return False
        assignments = list(self.global_scope.assignments[name])
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return False
        if isinstance(assignments[0], ImportAssignment):
            return False
        statement = self._statement(assignments[0].node)
        if statement is None:
            return False
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            return self._function(name, statement, found, depth)
        return self._constant(name, statement, found) or self._logger(name, statement, found)

    def _logger(
        self,
        name: str,
        statement: cst.SimpleStatementLine | cst.BaseCompoundStatement,
        found: list[Definition],
    ) -> bool:
        """The module's logger (``logger = logging.getLogger(__name__)``, or of a literal name):
        the service module makes its own the same way, and the route keeps its own."""
        if name.strip("_").lower() not in LOGGER_NAMES:
            return False
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
            return False
        small = statement.body[0]
        if not isinstance(small, cst.Assign):
            return False
        call = small.value
        if not (
            isinstance(call, cst.Call)
            and len(call.args) == 1
            and call.args[0].keyword is None
            and code_of(call.func) in {"logging.getLogger", "getLogger"}
            and _logger_name(call.args[0].value)
        ):
            return False
        root = call.func.value if isinstance(call.func, cst.Attribute) else call.func
        need = self.inference.import_of(root) if isinstance(root, cst.Name) else None
        if need is None or (need.module or need.imported).split(".")[0] != "logging":
            return False
        found.append(Definition(name, _code(statement), (need,), copied=True))
        return True

    def _statement(
        self, node: cst.CSTNode
    ) -> cst.SimpleStatementLine | cst.BaseCompoundStatement | None:
        current: cst.CSTNode | None = node
        while current is not None:
            parent = self.index.parent(current)
            if isinstance(parent, cst.Module):
                if isinstance(current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                    return current
                return None
            current = parent
        return None

    def _constant(
        self,
        name: str,
        statement: cst.SimpleStatementLine | cst.BaseCompoundStatement,
        found: list[Definition],
    ) -> bool:
        if not (name.isupper() and isinstance(statement, cst.SimpleStatementLine)):
            return False
        if len(statement.body) != 1:
            return False
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            value: cst.BaseExpression | None = small.value
        elif isinstance(small, cst.AnnAssign):
            value = small.value
        else:
            return False
        # Every node, tokens too: an operator other than a minus sign (`+1`) is no literal.
        if value is None or not all(isinstance(n, _LITERALS) for n in iter_nodes(value)):
            return False
        found.append(Definition(name, _code(statement), ()))
        return True

    def _function(
        self,
        name: str,
        function: cst.FunctionDef | cst.ClassDef,
        found: list[Definition],
        depth: int,
    ) -> bool:
        if (
            function.decorators
            or _is_mapped(function)
            or any(
                isinstance(n, cst.Attribute) and n.attr.value == "commit"
                for n in self.index.subtree(function)
            )
        ):
            return False
        needs: list[ImportNeed] = []
        # Until the function is known to move, its place in `found` only stops the walk from
        # coming back to it (its code is what the definition ends with: a failure drops `found`).
        placeholder = len(found)
        found.append(Definition(name, "", ()))
        for node in self.index.subtree(function):
            if not isinstance(node, cst.Name) or id(node) not in self.index.accesses:
                continue
            if self.index.framework_use(node) is not None:
                return False
            referents = list(self.index.referents(node))
            if not referents or all(isinstance(r, BuiltinAssignment) for r in referents):
                continue
            outer = [r for r in referents if r.scope is self.global_scope]
            if not outer:
                continue  # the function's own parameters and locals
            if all(isinstance(r, ImportAssignment) for r in outer):
                need = self.inference.import_of(node)
                if need is None or self.reads_route_layer(node.value, outer):
                    return False  # (a service must not import the route layer)
                if need not in needs:
                    needs.append(need)
                continue
            if not self._collect(node.value, found, depth + 1):
                return False
        found[placeholder] = Definition(name, _code(function), tuple(needs))
        return True


def _is_mapped(definition: cst.FunctionDef | cst.ClassDef) -> bool:
    """A model class (a base named like a declarative base, or a ``__tablename__``): the
    application's data, which stays where the project defines it, not in a service module."""
    if not isinstance(definition, cst.ClassDef):
        return False
    if any(last_name(base.value) in MODEL_BASES for base in definition.bases):
        return True
    return any(
        isinstance(n, cst.Name) and n.value in {"__tablename__", "__table__"}
        for n in iter_nodes(definition.body)
    )


def _logger_name(value: cst.BaseExpression) -> bool:
    """``__name__``, or a string literal: what names a logger the same in any module."""
    return (isinstance(value, cst.Name) and value.value == "__name__") or isinstance(
        value, cst.SimpleString
    )


def _code(statement: cst.SimpleStatementLine | cst.BaseCompoundStatement) -> str:
    """The statement with the comments above it (they describe it), without blank lines."""
    comments = [line for line in statement.leading_lines if line.comment is not None]
    return code_of(statement.with_changes(leading_lines=comments))


_SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "site-packages", "__pycache__"})


class Importers:
    """Which other project modules import a name from a route module (they would break if it
    moved): files naming both the route module and the name.

    Every project file is read once per run, when the first question is asked; a project has
    about as many questions as movable constants and helpers, and reading every file for each
    was most of the plan's time on large projects.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._texts: list[tuple[str, str]] | None = None
        self._found: dict[tuple[str, str], list[str]] = {}

    def of(self, route_path: str, name: str) -> list[str]:
        """The root-relative paths of the other modules that import ``name`` from
        ``route_path``, in the order the project is walked."""
        key = (route_path, name)
        if key not in self._found:
            self._found[key] = self._search(route_path, name)
        return self._found[key]

    def _search(self, route_path: str, name: str) -> list[str]:
        stem = PurePosixPath(route_path).stem
        word = re.compile(rf"\b{re.escape(name)}\b")
        module = re.compile(rf"\b{re.escape(stem)}\b")
        return [
            rel
            for rel, text in self._project_texts()
            # The substring tests are what the word searches need, at a fraction of the cost.
            if rel != route_path
            and name in text
            and stem in text
            and "import" in text
            and word.search(text)
            and module.search(text)
        ]

    def _project_texts(self) -> list[tuple[str, str]]:
        if self._texts is None:
            self._texts = list(_python_texts(self.root))
        return self._texts


def _python_texts(root: Path) -> Iterator[tuple[str, str]]:
    """Every Python file under ``root`` outside environments and hidden folders, with its text."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")]
        for file in files:
            if not file.endswith(".py"):
                continue
            path = Path(folder, file)
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            yield path.relative_to(root).as_posix(), text
