"""Session plumbing of a sync app: engines, session factories, dependencies, table creation.

``--mode async`` on a sync app awaits queries on sessions that must become ``AsyncSession``: this
scan finds what makes those sessions (``create_engine``, ``sessionmaker``, ``Session(engine)``,
``with SessionLocal() as s``), the FastAPI dependencies that yield them, ``metadata.create_all``
calls and every other use of the names involved, as picklable facts. The plan
(:mod:`.plumbing_plan`) decides over all files at once whether the whole set converts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from backfix.cst_positions import Positions
from backfix.cst_utils import dotted
from backfix.cst_walk import OwnScopeVisitor, TrackingVisitor, WalkVisitor, walk

from .model import Key

#: where the sync names come from; the value is the role the name plays.
SYNC_SOURCES = {
    ("sqlalchemy", "create_engine"): "create_engine",
    ("sqlmodel", "create_engine"): "create_engine",
    ("sqlalchemy.orm", "sessionmaker"): "sessionmaker",
    ("sqlalchemy.orm", "Session"): "Session",
    ("sqlalchemy.orm.session", "Session"): "Session",
    ("sqlalchemy.orm", "scoped_session"): "scoped_session",
    ("sqlmodel", "Session"): "Session",
    ("sqlalchemy", "Engine"): "Engine",
    ("sqlalchemy.engine", "Engine"): "Engine",
    ("typing", "Generator"): "Generator",
    ("typing", "Iterator"): "Iterator",
    ("collections.abc", "Generator"): "Generator",
    ("collections.abc", "Iterator"): "Iterator",
}
#: a string that starts with a database URL scheme: `sqlite:///`, `postgresql+psycopg2://`.
SCHEME = re.compile(r"^([A-Za-z][\w]*(?:\+\w+)?)://")

P_ENGINE, P_FACTORY, P_SESSION, P_WITH, P_DEP, P_TABLES, P_USE, P_BAD = (
    "engine",
    "factory",
    "session",
    "with",
    "dependency",
    "tables",
    "use",
    "bad",
)
#: engine members whose use changes under asyncio (coroutines, or the sync engine behind it).
ENGINE_MEMBERS = frozenset(
    {"connect", "begin", "dispose", "execute", "raw_connection", "table_names", "has_table"}
)


@dataclass(frozen=True)
class UrlFact:
    """What the first argument of ``create_engine`` is, as far as the source shows.

    ``form``: ``literal`` / ``fstring`` (scheme visible, ``key`` is the string to rewrite),
    ``name`` (a constant, ``name`` says which), ``env`` (``os.environ``/``getenv``: ``name`` is the
    variable, ``key``/``scheme`` the default when there is one), ``replaced`` (``url.replace(
    "postgres://", "postgresql://")``: ``key``/``scheme`` the scheme the replacement writes,
    ``code`` the URL it is applied to) or ``unknown`` (``code`` shows it).
    """

    form: str
    scheme: str = ""
    key: Key | None = None
    name: str = ""
    code: str = ""


@dataclass(frozen=True)
class Plumb:
    """One piece of plumbing (or one use of it) in a module."""

    kind: str  # P_*
    key: Key
    line: int
    col: int
    scope: str
    func: str | None  # enclosing function, None at module or class level
    snippet: str
    name: str = ""  # bound name (engine, factory, session), dependency qual, or the used name
    target: str = ""  # the name whose use this is (`engine`, `SessionLocal`, `Session`)
    url: UrlFact | None = None
    keywords: tuple[tuple[str, str], ...] = ()  # keyword → code of its value
    extra: tuple[str, ...] = ()  # kind-specific: connect_args keys, metadata code + method...
    blocker: str = ""  # why it cannot be converted in any project ("" when it can)


@dataclass(frozen=True)
class PlumbingFacts:
    """Everything a module contributes to the plumbing unit."""

    sites: tuple[Plumb, ...] = ()
    symbols: tuple[tuple[str, str, str], ...] = ()  # local name, role, source module
    constants: tuple[tuple[str, UrlFact], ...] = ()  # module-level URL constants
    aliases: tuple[str, ...] = ()  # `SessionDep = Annotated[Session, Depends(...)]`
    fastapi: bool = False


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def url_fact(node: cst.BaseExpression, key_of: Callable[[cst.CSTNode], Key]) -> UrlFact:
    """The form of a URL expression; ``key_of`` gives a node's position."""
    key = key_of(node)
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        found = SCHEME.match(value) if isinstance(value, str) else None
        if found and not node.prefix.lower().startswith(("b", "r")):
            return UrlFact("literal", found.group(1), key)
        return UrlFact("unknown", code=_code(node))
    if isinstance(node, cst.FormattedString) and node.parts:
        head = node.parts[0]
        if isinstance(head, cst.FormattedStringText):
            found = SCHEME.match(head.value)  # the scheme shows before any `{...}`
            if found:
                return UrlFact("fstring", found.group(1), key)
        return UrlFact("unknown", code=_code(node))
    if isinstance(node, cst.Name):
        return UrlFact("name", name=node.value, code=node.value)
    if isinstance(node, cst.Call):
        func = dotted(node.func)
        if func in {"os.environ.get", "os.getenv", "environ.get", "getenv"} and node.args:
            first = node.args[0].value
            var = first.evaluated_value if isinstance(first, cst.SimpleString) else None
            default = url_fact(node.args[1].value, key_of) if len(node.args) > 1 else UrlFact("")
            return UrlFact("env", default.scheme, default.key, str(var or "?"), _code(node))
    if isinstance(node, cst.Subscript) and dotted(node.value) in {"os.environ", "environ"}:
        return UrlFact("env", name=_environ_key(node), code=_code(node))
    if isinstance(node, cst.Call):
        replaced = _scheme_replacement(node, key_of)
        if replaced is not None:
            return replaced
    return UrlFact("unknown", code=_code(node))


def _scheme_replacement(node: cst.Call, key_of: Callable[[cst.CSTNode], Key]) -> UrlFact | None:
    """``url.replace("postgres://", "postgresql://", 1)``: a URL whose scheme the code rewrites
    (Heroku's ``postgres://``), to the scheme of the replacement string."""
    func = node.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "replace"):
        return None
    if len(node.args) < 2 or any(arg.keyword or arg.star for arg in node.args[:2]):
        return None
    new = node.args[1].value
    if not isinstance(new, cst.SimpleString) or new.prefix.lower().startswith(("b", "r")):
        return None
    value = new.evaluated_value
    found = SCHEME.match(value) if isinstance(value, str) else None
    if found is None:
        return None
    return UrlFact("replaced", found.group(1), key_of(new), code=_code(func.value))


def _environ_key(node: cst.Subscript) -> str:
    """The variable ``os.environ["NAME"]`` reads ("?" when it is not a plain string)."""
    index = node.slice[0].slice if len(node.slice) == 1 else None
    key = index.value if isinstance(index, cst.Index) else None
    value = key.evaluated_value if isinstance(key, cst.SimpleString) else None
    return value if isinstance(value, str) else "?"


class PlumbingScanner(TrackingVisitor):
    """One pass over a module, after :func:`scan` parsed it (same wrapper, same positions)."""

    def __init__(self, positions: Positions) -> None:
        super().__init__(positions)
        self.symbols: dict[str, tuple[str, str]] = {}  # local → (role, source module)
        self.sites: list[Plumb] = []
        self.constants: list[tuple[str, UrlFact]] = []
        self.aliases: list[str] = []
        self.quals: list[str] = []
        self.classes: list[str] = []
        self.fastapi = False
        self.ordinals: dict[str, int] = {}
        self.handled: set[int] = set()
        #: plain names a call of which may make a session: the plan checks each against the
        #: unit's factories (``make_db = sessionmaker(...)`` here, or imported from its module)
        self.maybe_factories: set[str] = set()

    # -- helpers -----------------------------------------------------------------------------------

    def scope(self) -> str:
        return self.quals[-1] if self.quals else ".".join(self.classes)

    def add(self, kind: str, node: cst.CSTNode, **fields: object) -> None:
        key = self.key(node)
        text = f"{kind}:{''.join(_code(node).split())[:80]}"
        count = self.ordinals.get(text, 0) + 1
        self.ordinals[text] = count
        func = self.quals[-1] if self.quals else None
        site = Plumb(kind, key, key[0], key[1], self.scope(), func, f"{text}#{count}", **fields)  # type: ignore[arg-type]
        self.sites.append(site)

    def may_make_session(self, name: str) -> bool:
        """Whether calling ``name`` may make a session (the plan decides whether it does)."""
        return "Session" in name or name in self.maybe_factories

    def makes_session(self, node: cst.BaseExpression) -> bool:
        """``Session(...)``, ``SessionLocal()`` or a call of another name that may make one."""
        if not isinstance(node, cst.Call):
            return False
        func = node.func
        return "Session" in dotted(func) or (
            isinstance(func, cst.Name) and self.may_make_session(func.value)
        )

    def role(self, node: cst.BaseExpression) -> str:
        """The sync role a callee or annotation name plays here ("" for none)."""
        if isinstance(node, cst.Name) and node.value in self.symbols:
            return self.symbols[node.value][0]
        return ""

    # -- imports and scopes --------------------------------------------------------------------------

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        source = _code(node.module)
        if source.split(".")[0] in {"fastapi", "starlette"}:
            self.fastapi = True
        for alias in node.names:
            name = _code(alias.name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            role = SYNC_SOURCES.get((source, name))
            if role is None:
                self.maybe_factories.add(local)
            else:
                self.symbols[local] = (role, source)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if _code(alias.name).split(".")[0] in {"fastapi", "starlette"}:
                self.fastapi = True

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node.name.value)
        for base in node.bases:
            if self.role(base.value) == "Session":
                self.add(
                    P_BAD,
                    base,
                    target=_code(base.value),
                    blocker=f"`{node.name.value}` subclasses `Session`: make it subclass "
                    "`AsyncSession` (and await what it calls) by hand",
                )
                self.handled.add(id(base.value))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        if self.quals:
            qual = f"{self.quals[-1]}.<locals>.{name}"
        else:
            qual = ".".join([*self.classes, name])
        self.quals.append(qual)
        returns = node.returns.annotation if node.returns else None
        maker = _yields_session(node, self.makes_session) if node.asynchronous is None else None
        if maker is not None:
            self.add(
                P_DEP,
                node.name,
                name=qual,
                target=maker,
                extra=(_code(returns) if returns is not None else "",),
            )

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.quals.pop()

    # -- module constants and aliases -------------------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.quals or self.classes or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if not isinstance(target, cst.Name):
            return
        value = node.value
        fact = url_fact(value, self.key)
        if fact.form in {"literal", "fstring", "env", "replaced"}:
            self.constants.append((target.value, fact))
        if (
            isinstance(value, cst.Subscript)
            and dotted(value.value).endswith("Annotated")
            and value.slice
            and isinstance(value.slice[0].slice, cst.Index)
            and self.role(value.slice[0].slice.value) == "Session"
        ):
            self.aliases.append(target.value)

    # -- calls -----------------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        role = self.role(node.func)
        if role == "create_engine":
            self._engine(node)
        elif role == "sessionmaker":
            self._factory(node)
        elif role == "scoped_session":
            self.add(
                P_BAD,
                node,
                target=_code(node.func),
                blocker="`scoped_session` has no drop-in async form (`async_scoped_session` needs "
                "a `scopefunc` such as `asyncio.current_task`): convert it by hand",
            )
        elif role == "Session":
            self.handled.add(id(node.func))
            self._session(node, _code(node.func))
        elif isinstance(node.func, cst.Name) and self.may_make_session(node.func.value):
            self._session(node, node.func.value)  # `SessionLocal()`: the plan checks the name
        elif isinstance(node.func, cst.Attribute):
            self._member_call(node, node.func)
        self._engine_argument(node)

    def _engine(self, node: cst.Call) -> None:
        url: UrlFact | None = None
        keywords: list[tuple[str, str]] = []
        connect: tuple[str, ...] = ()
        for arg in node.args:
            if arg.keyword is None and url is None and not arg.star:
                url = url_fact(arg.value, self.key)
            elif arg.keyword is not None:
                keywords.append((arg.keyword.value, _code(arg.value)))
                if arg.keyword.value == "url":
                    url = url_fact(arg.value, self.key)
                if arg.keyword.value == "connect_args":
                    connect = _dict_keys(arg.value)
            else:
                keywords.append(("**", _code(arg.value)))
        parent = self.parent(node)
        bound = ""
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
            bound = target.value if isinstance(target, cst.Name) else ""
        elif isinstance(parent, cst.AnnAssign) and isinstance(parent.target, cst.Name):
            bound = parent.target.value
        self.add(
            P_ENGINE,
            node,
            name=bound,
            url=url or UrlFact("unknown", code="(no URL)"),
            keywords=tuple(keywords),
            extra=connect,
            blocker="" if bound else "the engine is not assigned to a name the tool can follow",
        )

    def _factory(self, node: cst.Call) -> None:
        parent = self.parent(node)
        bound = ""
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
            bound = target.value if isinstance(target, cst.Name) else ""
        keywords = tuple(
            (arg.keyword.value if arg.keyword else ("**" if arg.star else ""), _code(arg.value))
            for arg in node.args
        )
        blocker = "" if bound else "the session factory is not assigned to a module-level name"
        if bound:
            self.maybe_factories.add(bound)
        for name, value in keywords:
            if name == "class_" and self.role(cst.parse_expression(value)) != "Session":
                blocker = f"`sessionmaker(class_={value})` makes a custom session class: give it "
                blocker += "an `AsyncSession` base and convert it by hand"
        self.add(P_FACTORY, node, name=bound, keywords=keywords, blocker=blocker)

    def _session(self, node: cst.Call, target: str) -> None:
        """``Session(engine)`` / ``SessionLocal()``: in a ``with``, assigned, or anything else."""
        parent = self.parent(node)
        statement = self.parent(parent) if isinstance(parent, cst.WithItem) else None
        extra: tuple[str, ...] = ()
        blocker = ""
        if isinstance(parent, cst.WithItem) and isinstance(statement, cst.With):
            others = tuple(_code(i.item) for i in statement.items if i is not parent)
            self.add(P_WITH, statement, target=target, name=_asname(parent), extra=others)
            extra = ("with",)  # the `with` statement is the finding
        elif stored := _stored_on(parent):
            blocker = (
                f"`{stored} = {_code(node)}` keeps the session in `{stored}`, whose `close()`, "
                "commits and queries the tool cannot follow to await them: convert it by hand"
            )
        self.add(
            P_SESSION,
            node,
            target=target,
            name=_bind(node),
            keywords=_keywords(node),
            extra=extra,
            blocker=blocker,
        )

    def _member_call(self, node: cst.Call, func: cst.Attribute) -> None:
        method = func.attr.value
        owner = func.value
        parent = self.parent(node)
        holder = _session_holder(owner)
        if method in {"begin", "begin_nested"} and holder and isinstance(parent, cst.WithItem):
            statement = self.parent(parent)
            if isinstance(statement, cst.With) and len(statement.items) == 1:
                # `with session.begin():` on a session of the unit becomes `async with`; an
                # `async with` is one already.
                if statement.asynchronous is None:
                    self.add(P_WITH, statement, target=method, name=holder)
                return
        if (
            method in {"create_all", "drop_all"}
            and isinstance(owner, cst.Attribute)
            and owner.attr.value == "metadata"
        ):
            self._tables(node, method, _code(owner))
        elif method in ENGINE_MEMBERS and isinstance(owner, cst.Name):
            alone = isinstance(parent, cst.Expr)  # `engine.dispose()` as a statement
            self.add(
                P_USE, node, target=owner.value, name=method, extra=("alone",) if alone else ()
            )

    def _tables(self, node: cst.Call, method: str, metadata: str) -> None:
        bind = ""
        others: list[str] = []
        for index, arg in enumerate(node.args):
            if (index == 0 and arg.keyword is None) or (
                arg.keyword and arg.keyword.value == "bind"
            ):
                bind = _code(arg.value)
            else:
                others.append(_code(arg))
        statement = self.parent(self.parent(node) or node)
        alone = (
            isinstance(self.parent(node), cst.Expr)
            and isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
        )
        blocker = ""
        if not alone:
            blocker = f"`{metadata}.{method}(...)` is not a statement of its own"
        self.add(
            P_TABLES,
            statement if alone and statement is not None else node,
            target=bind,
            name=method,
            extra=(metadata, *others),
            blocker=blocker,
        )

    def _engine_argument(self, node: cst.Call) -> None:
        """``event.listen(engine, ...)`` / ``@listens_for(engine, ...)``: hooks on the sync engine."""
        callee = dotted(node.func).rsplit(".", 1)[-1]
        if callee in {"listen", "listens_for"} and node.args:
            first = node.args[0].value
            if isinstance(first, cst.Name):
                self.add(P_USE, node, target=first.value, name=callee)

    # -- other uses of the sync names -------------------------------------------------------------

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) in self.handled or self.role(node) not in {"Session", "Engine"}:
            return
        parent = self.parent(node)
        if isinstance(parent, (cst.ImportAlias, cst.AsName)):
            return
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        if isinstance(parent, cst.Call) and parent.func is node:
            return
        if self._in_annotation(node):
            return
        if isinstance(parent, cst.Arg) and parent.keyword is not None:
            grand = self.parent(parent)
            if isinstance(grand, cst.Call) and self.role(grand.func) == "sessionmaker":
                return  # `sessionmaker(class_=Session)`
        self.add(
            P_BAD,
            node,
            target=node.value,
            blocker=f"`{node.value}` is used as a value here (not an annotation or a call): "
            "decide by hand what it becomes with `AsyncSession`/`AsyncEngine`",
        )

    def _in_annotation(self, node: cst.CSTNode) -> bool:
        current: cst.CSTNode | None = node
        while current is not None:
            parent = self.parent(current)
            if isinstance(parent, cst.Annotation):
                return True
            if isinstance(parent, cst.SubscriptElement | cst.Index | cst.Subscript) or (
                isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.BitOr)
            ):  # `Optional[Session]`, `Session | None`
                current = parent
                continue
            if isinstance(parent, cst.Assign) and isinstance(current, cst.Subscript):
                return dotted(current.value).endswith("Annotated")
            return False
        return False

    def facts(self) -> PlumbingFacts:
        """The picklable result."""
        symbols = tuple(sorted((k, v[0], v[1]) for k, v in self.symbols.items()))
        return PlumbingFacts(
            tuple(self.sites), symbols, tuple(self.constants), tuple(self.aliases), self.fastapi
        )


def _bind(call: cst.Call) -> str:
    """The engine a ``Session(engine)`` / ``Session(bind=engine)`` is bound to (its code)."""
    for arg in call.args:
        if (arg.keyword is None and not arg.star) or (arg.keyword and arg.keyword.value == "bind"):
            return _code(arg.value)
    return ""


def _stored_on(parent: cst.CSTNode | None) -> str:
    """The attribute or item an assignment keeps a session in (``request.state.db``, ``g.db``);
    "" for a plain name or ``self.<name>``, whose uses the analysis follows."""
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
        target: cst.BaseExpression = parent.targets[0].target
    elif isinstance(parent, cst.AnnAssign):
        target = parent.target
    else:
        return ""
    if isinstance(target, cst.Name):
        return ""
    if (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value in {"self", "cls"}
    ):
        return ""
    return _code(target)


def _keywords(call: cst.Call) -> tuple[tuple[str, str], ...]:
    return tuple((a.keyword.value, _code(a.value)) for a in call.args if a.keyword)


def _asname(item: cst.WithItem) -> str:
    if item.asname is not None and isinstance(item.asname.name, cst.Name):
        return item.asname.name.value
    return ""


def _dict_keys(node: cst.BaseExpression) -> tuple[str, ...]:
    if not isinstance(node, cst.Dict):
        return ("?",)
    keys: list[str] = []
    for element in node.elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
            keys.append(str(element.key.evaluated_value))
        else:
            keys.append("?")
    return tuple(keys)


def _yields_session(
    node: cst.FunctionDef, makes_session: Callable[[cst.BaseExpression], bool]
) -> str | None:
    """What makes the session a dependency yields: ``X`` of ``with X() as s: yield s`` or
    ``s = X(); ... yield s``."""
    found: list[str] = []

    class Finder(OwnScopeVisitor):
        def visit_Yield(self, inner: cst.Yield) -> None:
            if isinstance(inner.value, cst.Name):
                found.append(inner.value.value)
            else:
                found.append("")

    walk(node.body, Finder())
    if len(found) != 1 or not found[0]:
        return None
    name = found[0]
    made: list[str] = []

    class Binder(WalkVisitor):
        def visit_WithItem(self, item: cst.WithItem) -> None:
            if _asname(item) == name and makes_session(item.item):
                made.append(_callee(item.item))

        def visit_Assign(self, assign: cst.Assign) -> None:
            target = assign.targets[0].target if len(assign.targets) == 1 else None
            self.bind(target, assign.value)

        def visit_AnnAssign(self, assign: cst.AnnAssign) -> None:
            self.bind(assign.target, assign.value)  # `db: Session = SessionLocal()`

        def bind(self, target: cst.BaseExpression | None, value: cst.BaseExpression | None) -> None:
            if (
                isinstance(target, cst.Name)
                and target.value == name
                and value is not None
                and makes_session(value)
            ):
                made.append(_callee(value))

    walk(node.body, Binder())
    return made[0] if made else None


def _session_holder(owner: cst.BaseExpression) -> str:
    """The name that may hold a session: ``db`` of ``db.begin()`` and of ``self.db.begin()``."""
    if isinstance(owner, cst.Name):
        return owner.value
    if (
        isinstance(owner, cst.Attribute)
        and isinstance(owner.value, cst.Name)
        and owner.value.value == "self"
    ):
        return owner.attr.value
    return ""


def _callee(node: cst.BaseExpression) -> str:
    """The dotted name ``node``, a call, calls."""
    assert isinstance(node, cst.Call)
    return dotted(node.func)


def scan_plumbing(module: cst.Module, positions: Positions) -> PlumbingFacts:
    """The plumbing facts of a module (``positions`` as :func:`.analyze.scan` resolved them)."""
    scanner = PlumbingScanner(positions)
    walk(module, scanner)
    return scanner.facts()
