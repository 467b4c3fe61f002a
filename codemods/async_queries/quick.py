"""The facts of a file with no legacy query, read from Python's `ast` instead of LibCST.

Most files an async app's scan reads hold no ``.query`` at all: route modules, services over a
repository, dependencies. The plan still needs their functions, calls, classes, imports and
unawaited AsyncSession calls (propagation walks through them), but none of the chain analysis, so
:func:`quick_facts` computes those facts from the `ast` tree, about ten times cheaper than a LibCST
tree and its positions, with the same rules as the LibCST scan (``analyze._Scanner``):

* the same names and scopes: module imports and assignments, class attributes, parameters and
  locals, lambdas and generator expressions as places where ``await`` cannot go;
* the same positions: LibCST's ranges of calls and names leave out the parentheses around them, as
  `ast` does; columns are converted from UTF-8 bytes to characters;
* the same order: calls and unawaited calls in the order a LibCST walk meets them (by position),
  functions in the order it leaves them.

It returns None, and the LibCST scan runs, where a chain may start (``x.query(...)``,
``Model.query``, ``cls.query``, ``<x>.query.<query method>``; a plain read such as
``request.query`` starts none) and wherever the two trees would not say the same thing for sure:
a ``global``/``nonlocal`` name or a ``match`` capture that names a module function or import
(LibCST's names there are nodes the scan counts as references, `ast`'s are strings), starred class
bases, decorators in parentheses or over several lines with strings or line continuations,
parenthesized unawaited calls with a comment inside the parentheses or whose parentheses cannot be
told apart from a call's, positions inside f-strings that `ast` gets wrong, odd whitespace in
imported names, new type syntax. :func:`facts_or_reason` says which.
``tests/unit/test_async_queries_quick.py`` compares both scans over hand-written cases, every
snapshot input, the e2e apps, generated corpora and random programs.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field

from backfix.ast_utils import child_fields, normalized_identifiers, yields

from . import chains as ch
from .analyze import (
    ADD_TASK,
    ASYNC_CAPABLE,
    ASYNC_SESSION_METHODS,
    BLOCKING_DECORATORS,
    DEPENDENCY_OVERRIDES,
    DEPENDS,
    FLASK_METHOD_DECORATORS,
    LOOP_ENTRIES,
    MISSING_ON_ASYNC,
    ROUTE_DECORATORS,
    SAFE_DECORATORS,
    ClassInfo,
    ModuleInfo,
    async_markers,
    attribute_session_kind,
    module_db_session_kind,
    name_call_target,
    name_session_kind,
    sync_markers,
)
from .model import (
    KIND_FSA,
    AwaitFact,
    CallFact,
    ClassFact,
    FuncFact,
    Key,
    ModuleFacts,
)
from .quick_names import (
    FunctionNode,
    _body_locals,
    _Frame,
    _identifier,
    _last,
    _param_kind,
    _parameters,
    class_info,
    module_info,
)
from .quick_source import (
    Unsure,
    _one_literal,
    _same_code,
    _Source,
)

#: syntax newer than the fast path (Python 3.12+ type aliases)
_UNSUPPORTED: tuple[type[ast.AST], ...] = (ast.TypeAlias,) if hasattr(ast, "TypeAlias") else ()


def quick_facts(
    path: str,
    text: str,
    tree: ast.Module,
    session_names: Sequence[str],
    not_sessions: Collection[str] = (),
) -> ModuleFacts | None:
    """The facts ``analyze.scan`` finds in a file without legacy queries (no ``plumbing``, no
    ``tree``), or None when the file may hold one or the `ast` facts could differ."""
    found = facts_or_reason(path, text, tree, session_names, not_sessions=not_sessions)
    return found if isinstance(found, ModuleFacts) else None


def facts_or_reason(
    path: str,
    text: str,
    tree: ast.Module,
    session_names: Sequence[str],
    walker_type: type[_Walker] | None = None,
    not_sessions: Collection[str] = (),
) -> ModuleFacts | str:
    """:func:`quick_facts` (with ``walker_type``'s facts), or why the fast path declines the file."""
    source = _Source(text)
    names = frozenset(session_names)
    try:
        info = module_info(tree, path, source, not_sessions)
        classes = {
            stmt.name: class_info(stmt, info, names, source)
            for stmt in tree.body
            if isinstance(stmt, ast.ClassDef)
        }
        walker = (walker_type or _Walker)(source, info, classes, names)
        walker.module(tree)
    except Unsure as unsure:
        return str(unsure)
    except RecursionError:  # the LibCST scan then says what it says of such a file
        return "nested too deeply for the fast path's recursive walk"
    return walker.facts(path, text)


#: the methods that make ``<x>.query.<method>`` a chain (``analyze._Scanner._untyped_query``)
_QUERY_METHODS = ch.BUILDERS | ch.TERMINALS


def _query_attribute(node: ast.Attribute) -> str:
    """Why a chain may start at ``node`` or the ``.query`` it reads: ``x.query(...)``,
    ``Model.query``, ``cls.query``, ``x.query.<query method>``; "" for reads such as
    ``request.query`` or ``url.query``, which the scan passes by."""
    value = node.value
    if node.attr in _QUERY_METHODS and isinstance(value, ast.Attribute) and value.attr == "query":
        return "a query method on a `query` attribute"
    if node.attr != "query":
        return ""
    if isinstance(value, ast.Name) and (ch.is_camel(value.id) or value.id == "cls"):
        return "a `query` attribute of a class"
    if isinstance(value, ast.Attribute) and ch.is_camel(value.attr):
        return "a `query` attribute of a class"
    return ""


def _query_call(node: ast.Call) -> bool:
    """``x.query(...)``: a session's query, or a call the scan must judge."""
    return isinstance(node.func, ast.Attribute) and node.func.attr == "query"


#: what a name is to the node holding it, where LibCST's scan ignores the name
_QUIET = "quiet"


#: a call's positional argument (LibCST's ``Arg``); keyword arguments are ``keyword=<name>``
_ARGUMENT = "argument"


@dataclass
class _Found:
    """Facts in the order the walk finds them, sorted into LibCST's order at the end."""

    calls: list[tuple[tuple[int, int, int, int], CallFact]] = field(default_factory=list)
    awaits: list[tuple[tuple[int, int, int, int], AwaitFact, str]] = field(default_factory=list)
    functions: list[tuple[tuple[int, int, int, int], FuncFact]] = field(default_factory=list)
    classes: list[ClassFact] = field(default_factory=list)


class _Walker:
    """``analyze._Scanner`` without chains, over the `ast` tree."""

    #: whether the walk reads chains (a subclass does) or leaves files with a ``.query`` to LibCST
    CHAINS = False

    def __init__(
        self,
        source: _Source,
        info: ModuleInfo,
        classes: dict[str, ClassInfo],
        session_names: frozenset[str],
    ) -> None:
        self.source = source
        self.info = info
        self.classes = classes
        self.session_names = session_names
        self.frames: list[_Frame] = []
        self.class_stack: list[str] = []
        self.blockers: list[str] = []
        #: the names a comprehension's ``for`` binds, innermost last: its own, not the module's
        self.comprehension_names: list[set[str]] = []
        self.found = _Found()
        self.in_fstring = 0
        #: every node's parent (by ``id``), as the walk meets them: a node's ancestors are known
        self.parents: dict[int, ast.AST] = {}
        #: ``main()`` statements under a module-level ``if __name__ == "__main__":``, by ``id``
        self.guarded: set[int] = set()

    # -- scopes --------------------------------------------------------------------------------

    def module(self, tree: ast.Module) -> None:
        """Walk the module."""
        self.source.tree = tree
        if not self.source.ascii and normalized_identifiers(self.source.source):
            raise Unsure("an identifier Python normalizes (NFKC), which LibCST keeps as written")
        self.guarded = _main_guarded(tree, self.source)
        for stmt in tree.body:
            self.node(stmt, tree, "")

    def node(self, node: ast.AST, parent: ast.AST, role: str) -> None:
        """Visit ``node`` (held by ``parent`` as ``role``) and what is inside it."""
        kind = type(node)
        if kind is ast.Name:
            if role != _QUIET:
                self.name(node, parent, role)  # type: ignore[arg-type]
        elif kind is ast.Call:
            self.call(node, parent, role)  # type: ignore[arg-type]
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            self.function(node)  # type: ignore[arg-type]
        elif kind is ast.ClassDef:
            self.class_def(node)  # type: ignore[arg-type]
        elif kind is ast.Lambda:
            self.blocked(node, "inside a lambda, which cannot contain `await`")
        elif kind is ast.GeneratorExp:
            self.comprehension_names.append(_comprehension_names(node))  # type: ignore[arg-type]
            self.blocked(
                node,
                "inside a generator expression, which `await` would turn into an async generator",
            )
            self.comprehension_names.pop()
        elif kind is ast.ListComp or kind is ast.SetComp or kind is ast.DictComp:
            self.comprehension_names.append(_comprehension_names(node))  # type: ignore[arg-type]
            self.children(node)
            self.comprehension_names.pop()
        elif kind is ast.Attribute:
            if not self.CHAINS:
                found = _query_attribute(node)  # type: ignore[arg-type]
                if found:
                    raise Unsure(found)
            self.children(node)
        elif kind is ast.keyword:
            # LibCST's `Arg`: the value's parent is the call (or class) the keyword belongs to.
            value = node.value  # type: ignore[attr-defined]
            self.parents[id(value)] = node
            self.node(value, parent, "keyword=" + (node.arg or ""))  # type: ignore[attr-defined]
        elif kind is ast.Starred and role == _ARGUMENT:
            value = node.value  # type: ignore[attr-defined]
            self.parents[id(value)] = node
            self.node(value, parent, _ARGUMENT)
        elif kind is ast.JoinedStr:
            self.formatted(node)  # type: ignore[arg-type]
        else:
            self.other(node)

    def other(self, node: ast.AST) -> None:
        """Any other node: new syntax declines, names held as strings are checked."""
        kind = type(node)
        if kind in _UNSUPPORTED:
            raise Unsure("new type syntax")
        if kind in _STRING_NAMES:
            self.string_names(node)
        self.children(node)

    def string_names(self, node: ast.AST) -> None:
        """``global``/``nonlocal`` names and a pattern's capture names: strings in `ast`, names in
        LibCST, which the scan counts as references where a module function or import goes by
        that name. Those are rare enough to leave to the LibCST scan."""
        for name in _string_names(node):
            if name in self.info.functions or name in self.info.imports:
                raise Unsure(f"`{name}` in a `{type(node).__name__}` names a function or import")

    def children(self, node: ast.AST) -> None:
        """Visit the children of ``node``; the names LibCST's scan ignores are marked quiet.

        A child whose visit is only the visit of its own children (:data:`_PLAIN`) has those
        visited directly, and a constant holds nothing to visit."""
        parents = self.parents
        for name, role in _FIELDS.get(type(node)) or _child_fields(type(node)):
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                items: list[ast.AST] | tuple[ast.AST] = (value,)
            elif isinstance(value, list):
                items = value
            else:
                continue
            for item in items:
                if not isinstance(item, ast.AST):
                    continue
                parents[id(item)] = node
                kind = type(item)
                if kind is ast.Constant:
                    continue
                if kind in _PLAIN:
                    self.children(item)
                else:
                    self.node(item, node, role)

    def formatted(self, node: ast.JoinedStr) -> None:
        """An f-string: the positions `ast` gives inside one are checked against the text."""
        self.in_fstring += 1
        self.children(node)
        self.in_fstring -= 1

    def local(self, name: str) -> bool:
        """``analyze._Scanner._local``: a name the function or a comprehension binds itself."""
        return any(name in frame.locals for frame in self.frames) or any(
            name in names for names in self.comprehension_names
        )

    def blocked(self, node: ast.AST, blocker: str) -> None:
        """Visit a lambda or generator expression, where ``await`` cannot go."""
        self.blockers.append(blocker)
        self.children(node)
        self.blockers.pop()

    def class_def(self, node: ast.ClassDef) -> None:
        """Enter a class; a module-level one (not in a function) gets a fact."""
        if any(isinstance(base, ast.Starred) for base in node.bases) or _type_parameters(node):
            raise Unsure("a starred base, or type parameters")
        self.class_stack.append(node.name)
        if len(self.class_stack) == 1 and not self.frames:
            cls = self.classes.get(node.name)
            methods = tuple(s.name for s in node.body if isinstance(s, _FUNCTIONS))
            self.found.classes.append(
                ClassFact(
                    node.name,
                    tuple(_last(base) for base in node.bases),
                    methods,
                    tuple(sorted(cls.types.items())) if cls else (),
                )
            )
        self.children(node)
        self.class_stack.pop()

    def function(self, node: FunctionNode) -> None:
        """Enter a function: its frame holds its parameters and locals."""
        name = node.name
        if _type_parameters(node):
            raise Unsure("type parameters")
        if self.frames:
            qual = f"{self.frames[-1].qual}.<locals>.{name}"
        elif self.class_stack:
            qual = ".".join([*self.class_stack, name])
        else:
            qual = name
        is_async = isinstance(node, ast.AsyncFunctionDef)
        frame = self.new_frame(qual, is_async)
        for param in _parameters(node.args):
            frame.locals.add(param.name)
            frame.not_columns.add(param.name)
            kind, type_name = _param_kind(param, self.session_names, self.info, self.source)
            if kind is not None:
                frame.sessions[param.name] = kind
            elif type_name:
                frame.types[param.name] = type_name
        if self.class_stack and not self.frames and _is_classmethod(node):
            frame.aliased.update(_class_parameter(node))
        _body_locals(frame, node.body, self.info, self.source)
        blocker = self.blocker(node, nested=bool(self.frames))
        self.frames.append(frame)
        self.children(node)
        self.frames.pop()
        self.leave_function(node, frame)
        assert node.end_lineno is not None and node.end_col_offset is not None
        order = (node.end_lineno, node.end_col_offset, -node.lineno, -node.col_offset)
        generator = is_async and self.source.may_yield(node) and yields(node.body)
        fact = FuncFact(qual, node.lineno, is_async, blocker, frame.awaits_session, generator)
        self.found.functions.append((order, fact))

    def blocker(self, node: FunctionNode, nested: bool) -> str:
        """``analyze._Scanner._blocker``: why the function cannot become ``async def``."""
        name = node.name
        if nested and not (
            self.info.fastapi and any(_last(d) in ROUTE_DECORATORS for d in node.decorator_list)
        ):
            return "a nested function"  # a route registered inside a function is the framework's
        if name.startswith("__") and name.endswith("__"):
            return f"`{name}` is a synchronous protocol method"
        if name.startswith("test_"):
            return "a test function needs an async test runner (pytest-asyncio/anyio)"
        is_async = isinstance(node, ast.AsyncFunctionDef)
        for decorator in node.decorator_list:
            found = self._decorator_blocker(decorator, is_async)
            if found is not None:
                return found
        if not is_async and self.source.may_yield(node) and yields(node.body):
            return "a generator function (its consumers would need `async for`)"
        return ""

    def _decorator_blocker(self, decorator: ast.expr, is_async: bool) -> str | None:
        """Why one decorator keeps the function sync; None when the next one decides."""
        last = _last(decorator)
        if last in BLOCKING_DECORATORS:
            if last == "route" and not self.info.flask:
                return None
            return f"decorated with @{self._code(decorator)}: {BLOCKING_DECORATORS[last]}"
        if _async_capable(decorator, self.info):
            return None
        if last in FLASK_METHOD_DECORATORS and self.info.flask and not self.info.fastapi:
            return f"decorated with @{self._code(decorator)}: {BLOCKING_DECORATORS['route']}"
        if last not in SAFE_DECORATORS and not is_async:
            return (
                f"decorated with @{self._code(decorator)}, which may call it synchronously (a "
                "cache, retry or auth wrapper would get a coroutine); make sure it supports async"
            )
        return None

    def _code(self, node: ast.expr) -> str:
        """The code LibCST generates for a decorator on its own (``analyze._code``)."""
        if self.source.written(node, None) != self.source.text(node):
            raise Unsure("a decorator in parentheses")
        if node.lineno == node.end_lineno:
            return self.source.text(node)
        return self.source.dedented_text(node)

    # -- names and calls ------------------------------------------------------------------------

    def scope(self) -> str:
        """The qualified name of the innermost function, or the classes around."""
        if self.frames:
            return self.frames[-1].qual
        return ".".join(self.class_stack)

    def caller(self) -> str | None:
        """The innermost function's qualified name."""
        return self.frames[-1].qual if self.frames else None

    def context_blocker(self) -> str:
        """Why an ``await`` cannot be added where the walk stands ("" where it can)."""
        if self.blockers:
            return self.blockers[-1]
        if not self.frames:
            return "at module or class level, where `await` is not possible"
        return ""

    def name(self, node: ast.Name, parent: ast.AST, role: str) -> None:
        """``analyze._Scanner._value_reference``: a module function or import used as a value."""
        name = node.id
        if name not in self.info.functions and name not in self.info.imports:
            return
        if self.local(name):
            return
        if role == _ARGUMENT or role.startswith("keyword="):
            if isinstance(parent, ast.Call) and _last(parent.func) in DEPENDS:
                return  # FastAPI awaits async dependencies itself
            if (
                self.info.fastapi
                and isinstance(parent, ast.Call)
                and _last(parent.func) == ADD_TASK
                and parent.args
                and parent.args[0] is node
            ):
                return  # Starlette awaits a coroutine function handed to `add_task`
            if role == "keyword=lifespan":
                return  # `FastAPI(lifespan=lifespan)`: the framework enters it with `async with`
        if (
            role == "slice"
            and isinstance(parent, ast.Subscript)
            and isinstance(parent.value, ast.Attribute)
            and parent.value.attr == DEPENDENCY_OVERRIDES
        ):
            return  # `app.dependency_overrides[get_db] = ...`: a key, FastAPI never calls it
        key = self.key(node)
        fact = CallFact(key, key[0], key[1], self.caller(), ("sym", name), False, is_value=True)
        self.found.calls.append((_order(node), fact))

    def new_frame(self, qual: str, is_async: bool) -> _Frame:
        """The frame of a function the walk enters."""
        return _Frame(qual, is_async)

    def leave_function(self, node: FunctionNode, frame: _Frame) -> None:
        """Called after the walk left a function (its frame is off the stack)."""

    def chain_root(self, node: ast.Call, parent: ast.AST, role: str) -> None:
        """Called for every call before its other facts: where a legacy chain may start."""

    def call(self, node: ast.Call, parent: ast.AST, role: str) -> None:
        """An unawaited session call, and a call that may reach a project function."""
        if not self.CHAINS and _query_call(node):
            raise Unsure("a `query(...)` call")
        self.chain_root(node, parent, role)
        self.session_method(node, parent)
        self.call_fact(node, parent, role)
        self.children(node)

    def session_kind(self, expr: ast.expr) -> str | None:
        """``analyze._Scanner.session_kind``."""
        if isinstance(expr, ast.Name):
            return name_session_kind(expr.id, self.frames, self.info, self.session_names)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            return attribute_session_kind(
                expr.value.id,
                expr.attr,
                self.class_stack,
                self.classes,
                self.info,
                self.frames,
                self.session_names,
            )
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Attribute):
            owner = expr.value.value
            if isinstance(owner, ast.Name):
                names = (owner.id, expr.value.attr, expr.attr)
                return module_db_session_kind(names, self.info, self.frames)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
            return self.info.factories.get(expr.func.id)
        return None

    def session_method(self, node: ast.Call, parent: ast.AST) -> None:
        """``analyze._Scanner._session_method``: an AsyncSession call without ``await``."""
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        missing = func.attr in MISSING_ON_ASYNC
        if not (func.attr in ASYNC_SESSION_METHODS or missing):
            return
        kind = self.session_kind(func.value)
        if kind is None or kind == KIND_FSA:
            return
        if isinstance(parent, ast.Await) and not missing:
            if self.frames:
                self.frames[-1].awaits_session = True
            return
        key = self.key(node)
        text = "".join(self.source.written(node, parent).split())
        fact = AwaitFact(
            key,
            key[0],
            key[1],
            self.scope(),
            self.caller(),
            func.attr,
            kind,
            "",
            self.context_blocker(),
            missing_on_async=missing,
        )
        self.found.awaits.append((_order(node), fact, "await:" + text))

    def call_fact(self, node: ast.Call, parent: ast.AST, role: str) -> None:
        """``analyze._Scanner._call_fact``."""
        target = self.target(node.func)
        if target is None:
            return
        key = self.key(node)
        guard = self.main_guard(node, parent)
        handled = isinstance(parent, ast.Await) or (
            (role == _ARGUMENT or role.startswith("keyword="))
            and isinstance(parent, ast.Call)
            and _last(parent.func) in LOOP_ENTRIES
        )
        fact = CallFact(
            key,
            key[0],
            key[1],
            self.caller(),
            target,
            handled,
            "" if guard else self.context_blocker(),
            main_guard=guard,
            statement=isinstance(parent, ast.Expr) and parent.value is node,
        )
        self.found.calls.append((_order(node), fact))

    def main_guard(self, node: ast.Call, parent: ast.AST) -> bool:
        """A statement of its own under a module-level ``if __name__ == "__main__":``."""
        if self.frames or self.class_stack or self.blockers:
            return False
        return isinstance(parent, ast.Expr) and parent.value is node and id(parent) in self.guarded

    def key(self, node: ast.expr) -> Key:
        """LibCST's range of a call or name; inside an f-string, checked against the text."""
        if self.in_fstring and not _same_code(self.source.text(node), node):
            raise Unsure("a position inside an f-string")
        return self.source.key(node)

    def target(self, func: ast.expr) -> tuple[str, ...] | None:
        """``analyze._Scanner._target``: what a call may reach, symbolically."""
        called = _identifier(func)
        if called:
            if self.local(called):
                return None
            return ("sym", called)
        if not isinstance(func, ast.Attribute):
            return None
        method, owner = func.attr, func.value
        if isinstance(owner, ast.Name):
            return self.name_target(owner.id, method)
        if (
            isinstance(owner, ast.Attribute)
            and isinstance(owner.value, ast.Name)
            and owner.value.id == "self"
            and self.class_stack
        ):
            return ("selfattr", self.class_stack[0], owner.attr, method)
        if isinstance(owner, ast.Call) and ch.is_camel(_identifier(owner.func)):
            return ("typed", _identifier(owner.func), method)
        return None

    def name_target(self, name: str, method: str) -> tuple[str, ...] | None:
        """What ``name.method(...)`` calls: a method of ``self``, of a typed local, or a module's."""
        return name_call_target(name, method, self.frames, self.info, self.class_stack)

    # -- the result ----------------------------------------------------------------------------

    def facts(self, path: str, text: str) -> ModuleFacts:
        """The facts, in the order the LibCST scan gives them."""
        found = self.found
        return ModuleFacts(
            path=path,
            module=self.info.module,
            awaits=tuple(_numbered(found.awaits)),
            functions=tuple(fact for _, fact in sorted(found.functions, key=lambda f: f[0])),
            classes=tuple(found.classes),
            calls=tuple(fact for _, fact in sorted(found.calls, key=lambda f: f[0])),
            imports=tuple(sorted((k, v[0], v[1]) for k, v in self.info.imports.items())),
            defines_db=self.info.defines_db,
            async_markers=async_markers(text),
            sync_markers=sync_markers(text),
        )


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


#: nodes holding names as strings where LibCST holds ``Name`` nodes
_STRING_NAMES = (
    ast.Global,
    ast.Nonlocal,
    ast.MatchAs,
    ast.MatchStar,
    ast.MatchMapping,
    ast.MatchClass,
)


def _string_names(node: ast.AST) -> list[str]:
    """The names ``node`` holds as strings (see :data:`_STRING_NAMES`)."""
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return node.names
    if isinstance(node, (ast.MatchAs, ast.MatchStar)):
        return [node.name] if node.name else []
    if isinstance(node, ast.MatchMapping):
        return [node.rest] if node.rest else []
    if isinstance(node, ast.MatchClass):
        return node.kwd_attrs
    return []


def _order(node: ast.expr) -> tuple[int, int, int, int]:
    """Where a LibCST walk meets ``node``: by start, the outer of two nodes first."""
    assert node.end_lineno is not None and node.end_col_offset is not None
    return (node.lineno, node.col_offset, -node.end_lineno, -node.end_col_offset)


def _numbered(found: list[tuple[tuple[int, int, int, int], AwaitFact, str]]) -> Iterator[AwaitFact]:
    """The unawaited calls in walk order, their snippets numbered within their scope."""
    counts: dict[tuple[str, str], int] = {}
    for _, fact, text in sorted(found, key=lambda f: f[0]):
        count = counts.get((fact.scope, text), 0) + 1
        counts[(fact.scope, text)] = count
        yield AwaitFact(
            fact.key,
            fact.line,
            fact.col,
            fact.scope,
            fact.func,
            fact.method,
            fact.kind,
            f"{text}#{count}",
            fact.async_blocker,
            fact.missing_on_async,
        )


_FIELDS: dict[type[ast.AST], tuple[tuple[str, str], ...]] = {}

#: node types whose visit in every walker (``_Walker.node`` and its subclass' ``node``) is only
#: the visit of their children: no name, call, attribute, definition, statement or string names
_PLAIN: frozenset[type[ast.AST]] = frozenset(
    {
        ast.BoolOp,
        ast.NamedExpr,
        ast.BinOp,
        ast.UnaryOp,
        ast.IfExp,
        ast.Dict,
        ast.Set,
        ast.Await,
        ast.Yield,
        ast.YieldFrom,
        ast.Compare,
        ast.FormattedValue,
        ast.Subscript,
        ast.List,
        ast.Tuple,
        ast.Slice,
        ast.comprehension,
        ast.arguments,
        ast.arg,
        ast.alias,
        ast.withitem,
        ast.match_case,
        ast.MatchValue,
        ast.MatchSingleton,
        ast.MatchSequence,
        ast.MatchOr,
    }
)


def _child_fields(kind: type[ast.AST]) -> tuple[tuple[str, str], ...]:
    """The fields of a node type that may hold expressions, statements or their parts, each with
    the role (:func:`_role`) of what it holds."""
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple((f, _role(kind, f)) for f in child_fields(kind))
    return fields


def _role(kind: type[ast.AST], field_name: str) -> str:
    """What a node held in ``field_name`` is to its parent of type ``kind``, where the LibCST scan
    treats a name there apart."""
    if kind is ast.Call:
        return _QUIET if field_name == "func" else _ARGUMENT
    if kind is ast.Attribute:
        return _QUIET
    if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        return _QUIET if field_name in {"decorator_list", "returns"} else field_name
    if kind is ast.Assign and field_name == "targets":
        return _QUIET
    if kind is ast.AnnAssign and field_name == "annotation":
        return _QUIET
    if kind is ast.arg and field_name == "annotation":
        return _QUIET
    if kind is ast.arguments and field_name in {"defaults", "kw_defaults"}:
        return _QUIET
    if kind is ast.withitem and field_name == "optional_vars":
        return _QUIET
    return field_name


def _type_parameters(node: ast.AST) -> bool:
    """Python 3.12's ``def f[T]()`` / ``class C[T]``."""
    return bool(getattr(node, "type_params", None))


def _async_capable(decorator: ast.expr, info: ModuleInfo) -> bool:
    """``@retry(...)`` imported from tenacity: it awaits a coroutine function it decorates."""
    func = decorator.func if isinstance(decorator, ast.Call) else decorator
    if not isinstance(func, ast.Name):
        return False
    return info.imports.get(func.id) in set(ASYNC_CAPABLE)


def _main_guarded(tree: ast.Module, source: _Source) -> set[int]:
    """The expression statements alone on their lines in the indented block of a module-level
    ``if __name__ == "__main__":`` (``analyze._Scanner._main_guard``), by ``id``."""
    found: set[int] = set()
    for stmt in tree.body:
        if not (isinstance(stmt, ast.If) and _is_main_test(stmt.test, source)):
            continue
        body = stmt.body
        if not source.starts_line(body[0]):
            continue  # `if ...: main()` on one line
        for index, inner in enumerate(body):
            alone = (index == 0 or body[index - 1].end_lineno != inner.lineno) and (
                index + 1 == len(body) or body[index + 1].lineno != inner.end_lineno
            )
            if isinstance(inner, ast.Expr) and alone:
                found.add(id(inner))
    return found


def _is_main_test(test: ast.expr, source: _Source) -> bool:
    """``__name__ == "__main__"``, the string a single literal."""
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
        and _one_literal(source.text(test.comparators[0]))
    )


def _is_classmethod(node: FunctionNode) -> bool:
    """``analyze._is_classmethod``."""
    return any(isinstance(d, ast.Name) and d.id == "classmethod" for d in node.decorator_list)


def _class_parameter(node: FunctionNode) -> list[str]:
    """``analyze._class_parameter``: the first parameter of a classmethod (``cls``)."""
    params = [*node.args.posonlyargs, *node.args.args]
    return [params[0].arg] if params else []


def _comprehension_names(
    node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp,
) -> set[str]:
    """``analyze._comprehension_names``: the names the ``for`` clauses of a comprehension bind."""
    return {name for generator in node.generators for name in _target_names(generator.target)}


def _target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Starred):
        target = target.value
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
