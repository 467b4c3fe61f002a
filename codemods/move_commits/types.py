"""Types for the generated service method: parameter and return annotations from what the route knows.

A parameter's type comes from the route's own annotation of that name (``Annotated[X, Depends(...)]``
and aliases of it unwrapped to ``X``), or from the value the route assigned to it: a model built
(``Job(...)``, ``Job.model_validate(...)``), loaded (``session.get(Job, id)`` is ``Job | None``, and
plain ``Job`` after a guard such as ``if job is None: raise ...``), or a literal. The return type is
inferred the same way from the assignments the moved code makes. Anything else is unknown: the
annotation is left out, never ``Any`` (the plan decides whether the project can take that).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

import libcst as cst
from libcst.metadata import Assignment, BuiltinAssignment, ImportAssignment

from backfix.cst_utils import dotted, last_name
from backfix.cst_walk import inner_children, with_subclasses

from .frameworks import ModuleIndex, iter_nodes
from .model import Definition, ImportNeed, TypeInfo
from .module_nodes import exact_types
from .naming import BUILTINS
from .read_types import ANY, expression_type, read_root
from .syntax import code_of

#: class methods that return an instance of their class (pydantic, SQLModel, dataclass-likes).
CONSTRUCTORS = frozenset(
    {
        "model_validate",
        "model_validate_json",
        "model_construct",
        "parse_obj",
        "parse_raw",
        "from_orm",
        "construct",
    }
)
_LITERAL_TYPES: dict[type[cst.CSTNode], str] = {
    cst.Integer: "int",
    cst.Float: "float",
    cst.SimpleString: "str",
    cst.ConcatenatedString: "str",
    cst.FormattedString: "str",
}
#: the same by exact type (see ``module_nodes.exact_types``)
_LITERAL_TYPE_NAMES = {
    exact: name for kind, name in _LITERAL_TYPES.items() for exact in exact_types(kind)
}
_BUILTIN_CASTS = frozenset({"int", "str", "float", "bool"})
#: query terminals: the entity, or the entity or None.
_ONE = frozenset({"one", "scalar_one", "first_or_404", "one_or_404", "get_or_404", "get_one"})
MAYBE_ONE = frozenset({"first", "one_or_none", "scalar_one_or_none", "scalar"})
#: terminals that give a row, not its entity, on a ``Result`` (``session.execute(select(Job))``):
#: ``Row[tuple[Job]]``, which is no ``Job``; ``.scalars()``, ``scalar_one()``... give the entity.
_ROW_TERMINALS = frozenset({"one", "first", "one_or_none"})
_EXIT_CALLS = frozenset({"abort"})
_MAX_DEPTH = 6


class TypeInference:
    """Infers annotations for names of one route module, with the import each one needs."""

    def __init__(self, index: ModuleIndex, module: cst.Module, optional_style: str) -> None:
        self.index = index
        self.module = module
        self.optional_style = optional_style
        self.global_scope = index.module_scope
        #: finds module-level classes that can move to the service (see ``definitions``).
        self.movable: Callable[[str], list[Definition] | None] | None = None
        #: such definitions the annotations inferred since the last reset use.
        self.used: list[Definition] = []
        #: whether a name is only ever bound to a form the route builds (``form = JobForm()``)
        self.is_form: Callable[[cst.Name], bool] | None = None

    # --- annotations ---------------------------------------------------------------------------------

    def annotation(self, expr: cst.BaseExpression, depth: int = 0) -> TypeInfo | None:
        """``expr`` as a type the service can spell: ``Annotated`` unwrapped, local aliases expanded."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Subscript) and self._is_annotated(expr.value) and expr.slice:
            first = expr.slice[0].slice
            return self.annotation(first.value, depth + 1) if isinstance(first, cst.Index) else None
        optional = self._optional_of(expr)
        if optional is not None:
            # `Cart | None`: a guard in the route (`if cart is None: raise ...`) can rule the
            # None out, which the service's annotation must then do too.
            inner = self.annotation(optional, depth + 1)
            return None if inner is None else self._maybe(inner)
        if isinstance(expr, cst.Name):
            alias = self._local_alias(expr)
            if alias is not None:
                return self.annotation(alias, depth + 1)
        if any(
            isinstance(n, (cst.SimpleString, cst.ConcatenatedString))
            for n in self.index.subtree(expr)
        ):
            return None  # forward references name things the service may not see
        needs = self._needs(expr)
        if needs is None:
            return None
        return TypeInfo(code_of(expr), tuple(needs))

    def _optional_of(self, expr: cst.BaseExpression) -> cst.BaseExpression | None:
        """``X`` of ``X | None``, ``None | X`` or ``Optional[X]``; None for any other type."""
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            sides = (expr.left, expr.right)
            nones = [s for s in sides if isinstance(s, cst.Name) and s.value == "None"]
            others = [s for s in sides if s not in nones]
            return others[0] if len(nones) == 1 and len(others) == 1 else None
        if (
            isinstance(expr, cst.Subscript)
            and last_name(expr.value) == "Optional"
            and len(expr.slice) == 1
            and isinstance(expr.slice[0].slice, cst.Index)
        ):
            names = self.index.qualified_names(expr.value)
            if not names or any(q.endswith("typing.Optional") for q in names):
                return expr.slice[0].slice.value
        return None

    def _is_annotated(self, node: cst.BaseExpression) -> bool:
        names = self.index.qualified_names(node)
        return last_name(node) == "Annotated" and (
            not names or any(q.endswith(".Annotated") for q in names)
        )

    def _local_alias(self, name: cst.Name) -> cst.BaseExpression | None:
        """The value of ``Alias = Annotated[...]`` (or ``Alias: TypeAlias = ...``) in this module."""
        referents = [r for r in self.index.referents(name) if isinstance(r, Assignment)]
        if len(referents) != 1 or referents[0].scope is not self.global_scope:
            return None
        if isinstance(referents[0], ImportAssignment):
            return None
        target = referents[0].node
        parent = self.index.parent(target)
        if isinstance(parent, cst.AssignTarget):
            assign = self.index.parent(parent)
            value = assign.value if isinstance(assign, cst.Assign) else None
        elif isinstance(parent, cst.AnnAssign) and last_name(parent.annotation.annotation) == (
            "TypeAlias"
        ):
            value = parent.value
        else:
            return None
        if isinstance(value, cst.Subscript) and self._is_annotated(value.value):
            return value
        return None

    def _needs(self, expr: cst.BaseExpression) -> list[ImportNeed] | None:
        """The imports every name in ``expr`` needs; None when one cannot be imported."""
        needs: list[ImportNeed] = []
        for node in self.index.subtree(expr):
            if not isinstance(node, cst.Name) or self._is_label(node):
                continue
            need = self.import_of(node)
            if need is None:
                if node.value in BUILTINS:
                    continue
                moved = self.movable(node.value) if self.movable is not None else None
                if moved is None:
                    return None
                self.used.extend(d for d in moved if d not in self.used)
                continue
            if need not in needs:
                needs.append(need)
        return needs

    def _is_label(self, node: cst.Name) -> bool:
        parent = self.index.parent(node)
        return isinstance(parent, cst.Attribute) and parent.attr is node

    def import_of(self, name: cst.Name) -> ImportNeed | None:
        """The module-level, unconditional import that binds ``name``, as an import need."""
        referents = list(self.index.referents(name))
        if not referents or any(isinstance(r, BuiltinAssignment) for r in referents):
            return None
        if len(referents) != 1 or not isinstance(referents[0], ImportAssignment):
            return None
        assignment = referents[0]
        if assignment.scope is not self.global_scope:
            return None
        statement = assignment.node
        if not isinstance(self.index.parent(self.index.parent(statement) or statement), cst.Module):
            return None  # under `if TYPE_CHECKING:` or `try:`: not importable at run time as is
        return import_need(name.value, statement)

    # --- names and expressions -----------------------------------------------------------------------

    def of_name(self, name: str, read: cst.Name | None, depth: int = 0) -> TypeInfo | None:
        """The type of ``name`` as read at ``read``, from its bindings before the read."""
        if read is None or depth > _MAX_DEPTH:
            return None
        bindings: list[cst.CSTNode] = []
        for referent in self.index.referents(read):
            if not isinstance(referent, Assignment) or isinstance(referent, ImportAssignment):
                return None
            if self.index.starts_before(referent.node, read):
                bindings.append(referent.node)
        found = [self.of_binding(node, depth) for node in self.governing(bindings)]
        if not found or any(t is None for t in found):
            return None
        first = found[0]
        assert first is not None
        if any(t != first for t in found):
            return None
        return first

    def governing(self, bindings: list[cst.CSTNode]) -> list[cst.CSTNode]:
        """The bindings of one name that give its type: its declarations where it has some
        (``name: str`` before the branches that assign it), whose type type checkers hold every
        assignment to, else all of them."""
        declared = [node for node in bindings if self._declaration(node) is not None]
        return declared or bindings

    def _declaration(self, node: cst.CSTNode) -> cst.AnnAssign | None:
        """The annotated assignment or declaration (``name: str``) whose target is ``node``."""
        parent = self.index.parent(node)
        return parent if isinstance(parent, cst.AnnAssign) and parent.target is node else None

    def of_binding(self, node: cst.CSTNode, depth: int) -> TypeInfo | None:
        """The type a binding (a parameter, an annotated or a plain assignment) gives its name."""
        if isinstance(node, cst.Param):
            if node.annotation is None:
                return None
            return self.annotation(node.annotation.annotation)
        declaration = self._declaration(node)
        if declaration is not None:
            return self.annotation(declaration.annotation.annotation)
        parent = self.index.parent(node)
        if isinstance(parent, cst.AssignTarget) and parent.target is node:
            assign = self.index.parent(parent)
            if isinstance(assign, cst.Assign):
                return self.of_expr(assign.value, depth + 1)
        return None

    def binds_none(self, node: cst.CSTNode) -> bool:
        """Whether the binding ``node`` is a plain ``name = None``."""
        parent = self.index.parent(node)
        assign = self.index.parent(parent) if isinstance(parent, cst.AssignTarget) else None
        return (
            isinstance(assign, cst.Assign)
            and isinstance(assign.value, cst.Name)
            and assign.value.value == "None"
        )

    def helper_result(self, node: cst.CSTNode) -> TypeInfo | None:
        """For a binding ``name = helper(...)`` of a function the module imports from another
        module by name, or ``name = Journalist.login(...)`` of a method of a class it imports so,
        awaited or not (``name = await helper(...)``), what the plan reads the type from (a
        :attr:`TypeInfo.call_result`, whose code is the function's name or ``Class.method``)."""
        parent = self.index.parent(node)
        assign = self.index.parent(parent) if isinstance(parent, cst.AssignTarget) else None
        if not isinstance(assign, cst.Assign):
            return None
        value = assign.value
        awaited = isinstance(value, cst.Await)
        call = value.expression if isinstance(value, cst.Await) else value
        if not isinstance(call, cst.Call):
            return None
        func = call.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            owner = func.value
            need = self.import_of(owner) if owner.value[:1].isupper() else None
            if need is None or not need.module:
                return None
            code = f"{owner.value}.{func.attr.value}"
            return TypeInfo(code, (need,), call_result=True, awaited=awaited)
        if not isinstance(func, cst.Name) or not func.value[:1].islower():
            return None
        need = self.import_of(func)
        if need is None or not need.module:
            return None
        return TypeInfo(func.value, (need,), call_result=True, awaited=awaited)

    def of_expr(self, expr: cst.BaseExpression, depth: int = 0) -> TypeInfo | None:
        """The type of an expression, for the few shapes that say it plainly."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.Await):
            return self.of_expr(expr.expression, depth + 1)
        type_name = _LITERAL_TYPE_NAMES.get(type(expr))
        if type_name is not None:
            return TypeInfo(type_name)
        if isinstance(expr, cst.Name):
            if expr.value in {"True", "False"}:
                return TypeInfo("bool")
            return self.of_name(expr.value, expr, depth + 1)
        if isinstance(expr, cst.Comparison) or (
            isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not)
        ):
            return TypeInfo("bool")
        if isinstance(expr, cst.Call):
            found = self._of_call(expr, depth)
            if found is not None:
                return found
        if self._is_field_data(expr):
            return ANY  # `title = form.title.data`, as the hoisted read of it is
        if isinstance(expr, cst.Call | cst.Attribute | cst.Subscript):
            found = expression_type(self.index, expr)  # `payload = request.get_json()`
            return found if found is not None else self._read_off_any(expr, depth)
        return None

    def _is_field_data(self, expr: cst.BaseExpression) -> bool:
        """Whether ``expr`` is ``form.title.data`` of a form the route builds."""
        return (
            self.is_form is not None
            and isinstance(expr, cst.Attribute)
            and expr.attr.value == "data"
            and isinstance(expr.value, cst.Attribute)
            and isinstance(expr.value.value, cst.Name)
            and self.is_form(expr.value.value)
        )

    def _read_off_any(self, expr: cst.BaseExpression, depth: int) -> TypeInfo | None:
        """``ANY`` for what is read off a value typed ``Any`` (``payload.get("name")``,
        ``payload["tags"][0]``): a type checker types it ``Any`` too."""
        root = read_root(expr)
        if root is None:
            return None
        found = self.of_name(root.value, root, depth + 1)
        return ANY if found is not None and found.dynamic and not found.nullable else None

    def _of_call(self, call: cst.Call, depth: int) -> TypeInfo | None:
        func = call.func
        if isinstance(func, cst.Name):
            if func.value in _BUILTIN_CASTS and self.index.is_builtin(func, _BUILTIN_CASTS):
                return TypeInfo(func.value)
            return self._class(func) or self._local_result(func, depth)
        if not isinstance(func, cst.Attribute):
            return None
        built = self._class(func)  # `models.Job(...)`
        if built is not None:
            return built
        method = func.attr.value
        if method in CONSTRUCTORS and isinstance(func.value, cst.Name):
            return self._class(func.value)
        if method in {"get", "get_one", "get_or_404"} and call.args:
            receiver = func.value
            if self.index.is_session(receiver) or last_name(receiver) in {"db", "session"}:
                return self._session_get(call, method)
        if method in {"merge"} and self.index.is_session(func.value) and call.args:
            return self.of_expr(call.args[0].value, depth + 1)
        if method == "all" and not call.args and _legacy_query(func.value):
            return self._all_rows(func.value)
        if method in _ONE or method in MAYBE_ONE or method == "get":
            queried = self._queried_entity(func.value)
            if queried is None and method == "scalar" and call.args:
                queried = self._queried_entity(call)  # `session.scalar(select(Cart)...)`
            if queried is None:
                return None
            entity, rows = queried
            if rows and method in _ROW_TERMINALS:
                return None  # a Row of the entity: unknown, never the entity itself
            return entity if method in _ONE else self._maybe(entity)
        return None

    def _all_rows(self, chain: cst.BaseExpression) -> TypeInfo | None:
        """``list[Job]`` for ``Job.query.filter(...).all()`` or ``session.query(Job).all()``:
        the legacy ``Query.all()`` gives a list of the entity."""
        queried = self._queried_entity(chain)
        if queried is None or queried[1]:
            return None
        entity = queried[0]
        return replace(entity, code=f"list[{entity.code}]")

    def _local_result(self, func: cst.Name, depth: int) -> TypeInfo | None:
        """What a function of this module returns, as its return annotation says
        (``def get_or_404(...) -> Job``); None for one that is decorated (a decorator may change
        what a call returns), async or not annotated."""
        referents = list(self.index.referents(func))
        if len(referents) != 1:
            return None
        found = referents[0]
        if not isinstance(found, Assignment) or isinstance(found, ImportAssignment):
            return None
        node = found.node
        if (
            found.scope is not self.global_scope
            or not isinstance(node, cst.FunctionDef)
            or node.decorators
            or node.asynchronous is not None
            or node.returns is None
        ):
            return None
        return self.annotation(node.returns.annotation, depth + 1)

    def _session_get(self, call: cst.Call, method: str) -> TypeInfo | None:
        """``session.get(Job, id)`` (maybe None), ``get_one``/``get_or_404`` (a ``Job``)."""
        entity = self._class(call.args[0].value)
        if entity is not None and method == "get":
            return self._maybe(entity)
        return entity

    def _queried_entity(
        self, chain: cst.BaseExpression, depth: int = 0
    ) -> tuple[TypeInfo, bool] | None:
        """``Job`` for ``session.scalars(select(Job).where(...))``, ``Job.query.filter_by(...)``
        (``models.Job.query`` too),
        ``session.query(Job)``, ``session.exec(select(Job))`` (SQLModel's, awaited or not:
        ``(await session.exec(select(Job))).first()``), through a name bound once to a statement
        or a result (``statement = select(Job)...; session.exec(statement).first()``), and whether
        ``chain`` gives rows of it (``session.execute(select(Job))`` without ``.scalars()``) rather
        than the entity."""
        node: cst.BaseExpression | None = chain
        scalars = False  # a `.scalars()` between the terminal and the statement
        while node is not None:
            if depth > _MAX_DEPTH:
                return None
            if isinstance(node, cst.Await):
                node = node.expression
                continue
            if isinstance(node, cst.Name):
                node, depth = self._single_value(node), depth + 1
                continue
            if isinstance(node, cst.Attribute):
                if node.attr.value == "query" and isinstance(node.value, (cst.Name, cst.Attribute)):
                    entity = self._class(node.value)
                    # (Flask-SQLAlchemy types the query property's results `Any`)
                    return None if entity is None else (replace(entity, seen_as_any=True), False)
                node = node.value
                continue
            if not isinstance(node, cst.Call):
                return None
            name = last_name(node.func)
            if name in {"select", "query"} and len(node.args) == 1:
                entity = self._class(node.args[0].value)
                return None if entity is None else (entity, False)
            if name in {"scalars", "exec", "execute", "scalar"} and node.args:
                inner = node.args[0].value
                if not isinstance(inner, (cst.Call, cst.Name)):
                    return None
                found = self._queried_entity(inner, depth + 1)
                if found is None:
                    return None
                return found[0], name == "execute" and not scalars
            if name == "scalars":
                scalars = True
            node = node.func
        return None

    def query_of_name(self, name: cst.Name) -> TypeInfo | None:
        """The entity a variable holding a legacy query queries (``Job`` for ``query`` of
        ``query = Job.query.filter(...)``, also refined by ``query = query.filter(...)``): every
        assignment it may refer to builds a query, and one of them names the entity. None for a
        row the query gave (``job = Job.query.get(id)``) or anything else."""
        values: list[cst.BaseExpression] = []
        for referent in self.index.referents(name):
            value = assigned_value(self.index, referent)
            if value is None or not _builds_query(value):
                return None
            values.append(value)
        for value in values:
            found = self._queried_entity(value)
            if found is not None and not found[1]:
                return found[0]
        return None

    def query_entity(self, query: cst.BaseExpression) -> TypeInfo | None:
        """The entity a legacy query expression queries (``Job`` for ``Job.query.filter(...)``,
        ``session.query(Job).filter_by(...)``); None for anything else."""
        if not _builds_query(query):
            return None
        found = self._queried_entity(query)
        return found[0] if found is not None and not found[1] else None

    def _single_value(self, name: cst.Name) -> cst.BaseExpression | None:
        """The value of the one plain assignment ``name`` can refer to, if it has only that one."""
        referents = list(self.index.referents(name))
        return assigned_value(self.index, referents[0]) if len(referents) == 1 else None

    def _class(self, node: cst.BaseExpression) -> TypeInfo | None:
        """``node`` as a class the service can import: an imported, capitalised name, or one
        read from an imported module (``models.User``, the service importing ``models``)."""
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            owner, name = node.value, node.attr.value
        elif isinstance(node, cst.Name):
            owner, name = node, node.value
        else:
            return None
        if not name[:1].isupper() or (owner is not node and owner.value[:1].isupper()):
            return None  # (`Job.Status` is a class's attribute, not a module's class)
        need = self.import_of(owner)
        if need is None:
            return None
        return TypeInfo(name if owner is node else f"{owner.value}.{name}", (need,))

    def _maybe(self, info: TypeInfo) -> TypeInfo:
        return replace(info, nullable=True)

    # --- narrowing -----------------------------------------------------------------------------------

    def narrowed(self, name: str, at: cst.BaseStatement, function: cst.FunctionDef) -> bool:
        """Whether ``name`` (or a dotted attribute, ``job.owner``) is known not to be None at
        statement ``at``: an earlier guard exits when it is (``if not job: abort(404)``,
        ``assert job``), an earlier statement reads one of its attributes, which would have
        raised (``if job.locked:``, ``job.seen = True``), or ``at`` is inside ``if job:``."""
        for before, branch, in_else in self._enclosing(at, function):
            if any(self._guards(stmt, name) or dereferences(stmt, name) for stmt in before):
                return True
            if branch is not None and (
                _tests(branch.test, name, positive=not in_else) or dereferences(branch.test, name)
            ):
                return True
        return False

    def guards_none(self, stmts: Sequence[cst.BaseStatement], name: str) -> bool:
        """Whether one of ``stmts`` exits when ``name`` is None (``if job is None: raise ...``,
        ``assert job``): a type checker reads it as not None after them. (A read of one of its
        attributes would have raised too, but a type checker does not narrow on that.)"""
        return any(self._guards(stmt, name) for stmt in stmts)

    def tests_before(
        self, at: cst.BaseStatement, function: cst.FunctionDef
    ) -> list[cst.BaseExpression]:
        """The tests that can narrow a value at ``at`` (see :meth:`narrowed`): those of the
        ``if`` and ``assert`` statements before it in its blocks, and of the ``if`` around it."""
        found: list[cst.BaseExpression] = []
        for before, branch, _in_else in self._enclosing(at, function):
            found.extend(test for stmt in before for test in _own_tests(stmt))
            if branch is not None:
                found.append(branch.test)
        return found

    def _enclosing(
        self, at: cst.BaseStatement, function: cst.FunctionDef
    ) -> Iterator[tuple[list[cst.BaseStatement], cst.If | None, bool]]:
        """For each block around ``at`` in ``function``, innermost first: the statements before
        the one that holds ``at``, the ``if`` whose body or ``else`` the block is (None for
        another block), and whether it is the ``else``."""
        child: cst.CSTNode = at
        parent = self.index.parent(child)
        while parent is not None and child is not function:
            if isinstance(parent, cst.IndentedBlock):
                position = next(i for i, stmt in enumerate(parent.body) if stmt is child)
                before = list(parent.body[:position])
                owner = self.index.parent(parent)
                in_else = isinstance(owner, cst.Else)
                if isinstance(owner, cst.Else):
                    owner = self.index.parent(owner)
                yield before, owner if isinstance(owner, cst.If) else None, in_else
            child, parent = parent, self.index.parent(parent)

    def _guards(self, stmt: cst.BaseStatement, name: str) -> bool:
        if isinstance(stmt, cst.If) and stmt.orelse is None:
            return _tests(stmt.test, name, positive=False) and self._exits(stmt.body)
        if isinstance(stmt, cst.SimpleStatementLine):
            return any(
                isinstance(small, cst.Assert) and _tests(small.test, name, positive=True)
                for small in stmt.body
            )
        return False

    def _exits(self, suite: cst.BaseSuite) -> bool:
        last: cst.CSTNode | None = None
        if isinstance(suite, cst.IndentedBlock) and suite.body:
            last = suite.body[-1]
        elif isinstance(suite, cst.SimpleStatementSuite):
            last = suite
        if not isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return False
        final = last.body[-1] if last.body else None
        if isinstance(final, (cst.Return, cst.Raise, cst.Continue, cst.Break)):
            return True
        return (
            isinstance(final, cst.Expr)
            and isinstance(final.value, cst.Call)
            and last_name(final.value.func) in _EXIT_CALLS
        )

    def render(self, info: TypeInfo) -> tuple[str, tuple[ImportNeed, ...]]:
        """Annotation code and imports, ``X | None`` or ``Optional[X]`` as the module writes it."""
        if not info.nullable:
            return info.code, info.needs
        if self.optional_style == "Optional":
            need = ImportNeed("Optional", "typing", "Optional", None, 0)
            return f"Optional[{info.code}]", (*info.needs, need)
        return f"{info.code} | None", info.needs


def optional_style(module: cst.Module) -> str:
    """``Optional`` when the module imports ``typing.Optional`` or ``typing.Union`` (it writes
    ``Optional[X]``, or unions the old way, not ``X | None``)."""
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if (
                    isinstance(small, cst.ImportFrom)
                    and small.module is not None
                    and dotted(small.module) == "typing"
                    and not isinstance(small.names, cst.ImportStar)
                    and any(dotted(a.name) in {"Optional", "Union"} for a in small.names)
                ):
                    return "Optional"
    return "|"


#: the parts of a compound statement that always run when it does (``if`` bodies may not)
_ALWAYS_RUN = {
    cst.If: ("test",),
    cst.While: ("test",),
    cst.For: ("iter",),
    cst.With: ("items",),
}
#: expressions whose parts run only sometimes: ``a and b`` (b), ``x if t else y``, lambdas,
#: comprehensions (lazy, or over what may be empty), and nested definitions
_PARTLY_RUN = exact_types(
    cst.Lambda,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
    cst.GeneratorExp,
    cst.FunctionDef,
    cst.ClassDef,
)
_COMPOUND = with_subclasses(cst.BaseCompoundStatement)


def dereferences(node: cst.CSTNode, name: str) -> bool:
    """Whether running ``node`` (a statement, or an expression) always reads an attribute of
    ``name`` (``job.locked``, ``job.seen = True``): code after it never sees ``name`` None, or
    that read would have raised."""
    # Exact types and the children that are not tokens (tokens hold no attribute read): this
    # runs over the statements before a unit once per parameter the unit is typed for.
    stack = [node]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is cst.Attribute:
            if dotted(current.value) == name:  # type: ignore[attr-defined]
                return True
        elif kind in _PARTLY_RUN:
            continue
        elif kind is cst.BooleanOperation:
            stack.append(current.left)  # type: ignore[attr-defined]
            continue
        elif kind is cst.IfExp:
            stack.append(current.test)  # type: ignore[attr-defined]
            continue
        elif kind in _COMPOUND:
            for field_name in _ALWAYS_RUN.get(kind, ()):
                part = getattr(current, field_name)
                stack.extend(part if isinstance(part, tuple | list) else [part])
            continue
        stack.extend(inner_children(current))
    return False


def _own_tests(stmt: cst.BaseStatement) -> list[cst.BaseExpression]:
    """The test of an ``if`` statement, or those of the ``assert`` statements of a line."""
    if isinstance(stmt, cst.If):
        return [stmt.test]
    if isinstance(stmt, cst.SimpleStatementLine):
        return [small.test for small in stmt.body if isinstance(small, cst.Assert)]
    return []


def assigned_value(index: ModuleIndex, referent: object) -> cst.BaseExpression | None:
    """The value of a plain one-target assignment ``referent`` (a binding) stands for."""
    if not isinstance(referent, Assignment) or isinstance(referent, ImportAssignment):
        return None
    target = referent.node
    parent = index.parent(target)
    if not isinstance(parent, cst.AssignTarget) or parent.target is not target:
        return None
    assign = index.parent(parent)
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    return assign.value


def tests_none(test: cst.BaseExpression, name: str) -> bool:
    """Whether ``test`` is true wherever ``name`` is None (``job is None``, ``not job``)."""
    return _tests(test, name, positive=False)


def _tests(test: cst.BaseExpression, name: str, *, positive: bool) -> bool:
    """Whether ``test`` being true (``positive``) or false rules out ``name`` (a name or a
    dotted attribute, ``user.picture``) being None."""
    if isinstance(test, cst.BooleanOperation):
        # `if a is None or b: raise` guards `a`; `if a and b:` narrows `a` in its body.
        joins = (
            isinstance(test.operator, cst.And) if positive else isinstance(test.operator, cst.Or)
        )
        if joins:
            return _tests(test.left, name, positive=positive) or _tests(
                test.right, name, positive=positive
            )
        return False
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _tests(test.expression, name, positive=not positive)
    if isinstance(test, (cst.Name, cst.Attribute)):
        return positive and dotted(test) == name
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        if dotted(test.left) != name:
            return False
        if not (isinstance(target.comparator, cst.Name) and target.comparator.value == "None"):
            return False
        if isinstance(target.operator, cst.IsNot):
            return positive
        if isinstance(target.operator, cst.Is):
            return not positive
    return False


def import_need(name: str, statement: cst.CSTNode, local: bool = False) -> ImportNeed | None:
    """What importing ``name`` takes, from the ``import``/``from`` statement that binds it (None
    for another statement or a ``*`` import)."""
    if isinstance(statement, cst.Import):
        for alias in statement.names:
            full = dotted(alias.name)
            if (alias.evaluated_alias or full.split(".")[0]) == name:
                return ImportNeed(name, "", full, alias.evaluated_alias, 0, local)
        return None
    if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
        return None
    module = dotted(statement.module) if statement.module is not None else ""
    for alias in statement.names:
        imported = dotted(alias.name)
        if (alias.evaluated_alias or imported) == name:
            return ImportNeed(
                name, module, imported, alias.evaluated_alias, len(statement.relative), local
            )
    return None


def reads_of(roots: Iterable[cst.CSTNode], name: str) -> cst.Name | None:
    """The first read of ``name`` among ``roots``."""
    for root in roots:
        for node in iter_nodes(root):
            if isinstance(node, cst.Name) and node.value == name:
                return node
    return None


#: legacy ``Query`` methods that return a query (not rows)
_QUERY_BUILDERS = frozenset(
    {
        "filter", "filter_by", "order_by", "join", "outerjoin", "options", "limit", "offset",
        "distinct", "with_entities", "group_by", "having", "where", "execution_options",
    }
)  # fmt: skip


def _legacy_query(chain: cst.BaseExpression) -> bool:
    """Whether ``chain`` builds a legacy ``Query`` (``Job.query...``, ``session.query(Job)...``)
    and none of 2.0's statements or results (``select()``, ``scalars()``), whose ``all()``
    gives a ``Sequence``."""
    node: cst.BaseExpression = chain
    while True:
        if isinstance(node, cst.Call):
            name = last_name(node.func)
            if name == "query":
                return True
            if name in {"select", "scalars", "execute", "exec", "scalar"}:
                return False
            node = node.func
        elif isinstance(node, cst.Attribute):
            if node.attr.value == "query":
                return True
            node = node.value
        else:
            return False


def _builds_query(value: cst.BaseExpression) -> bool:
    """Whether ``value`` is a legacy query (not its rows): ``Job.query``, ``session.query(Job)``
    or a builder method called on one (``.filter(...)``)."""
    if isinstance(value, cst.Attribute):
        return value.attr.value == "query"
    if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute):
        return False
    method = value.func.attr.value
    return method == "query" or method in _QUERY_BUILDERS
