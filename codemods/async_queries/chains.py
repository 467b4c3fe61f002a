"""Legacy ``Query`` chains: split them into root + steps and rebuild them as 2.0 statements.

One function, :func:`convert`, decides everything about a chain. The analysis calls it to learn whether
a chain is convertible (and why not), the rewrite calls it again to get the new expression, so the two
phases can never disagree. docs/async-queries.md describes each rewrite and each manual-review reason.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

import libcst as cst
from libcst.helpers import get_full_name_for_node

from backfix.codemod import ManualReview
from backfix.cst_utils import dotted as dotted_code
from backfix.cst_utils import last_name
from backfix.cst_walk import WalkVisitor, walk

from . import reasons as R
from .model import ASYNC

#: builder methods that keep their name on ``Select``.
SAME = frozenset(
    {
        "where",
        "filter_by",
        "order_by",
        "limit",
        "offset",
        "slice",
        "group_by",
        "having",
        "distinct",
        "join",
        "outerjoin",
        "join_from",
        "outerjoin_from",
        "select_from",
        "options",
        "with_for_update",
        "execution_options",
        "correlate",
        "add_columns",
        "prefix_with",
        "suffix_with",
        "with_hint",
        "from_statement",
    }
)
RENAMED = {"filter": "where", "with_entities": "with_only_columns", "add_entity": "add_columns"}
#: builders that become execution options.
OPTION_BUILDERS = frozenset({"populate_existing", "autoflush"})
BUILDERS = SAME | frozenset(RENAMED) | OPTION_BUILDERS

#: terminals whose result is a statement or a subquery, not rows: nothing is executed.
STATEMENT_TERMINALS = frozenset(
    {"subquery", "cte", "scalar_subquery", "as_scalar", "label", "statement", "exists"}
)
#: methods that end a chain: those that run it, Flask-SQLAlchemy's, and the statement-valued ones.
TERMINALS = frozenset(
    {
        "all",
        "first",
        "one",
        "one_or_none",
        "scalar",
        "count",
        "get",
        "update",
        "delete",
        "exists",
        "paginate",
        "first_or_404",
        "one_or_404",
        "get_or_404",
        "subquery",
        "cte",
        "scalar_subquery",
        "as_scalar",
        "label",
        "statement",
        "value",
        "values",
    }
)
FSA_TERMINALS = frozenset({"paginate", "first_or_404", "one_or_404", "get_or_404"})

#: methods with no faithful mechanical rewrite: §9 of the spec.
REPORTED = {
    "yield_per": "`yield_per(n)` becomes an execution option run as a stream: "
    "`session.scalars(select(...).execution_options(yield_per=n))` (SQLAlchemy 1.4.40 and "
    "later; `await session.stream_scalars(...)` on an AsyncSession), and cannot be combined "
    "with `unique()`",
    "params": "`params()` must move to the `execute()` call",
    "with_parent": "`query.with_parent(obj)` becomes `.where(with_parent(obj, Parent.items))`, "
    "which names the relationship; rewrite by hand",
    "from_self": "`from_self()` was removed in 2.0; needs `aliased(Entity, subquery)`",
    "select_entity_from": "`select_entity_from()` was removed in 2.0",
    "reset_joinpoint": "`reset_joinpoint()` has no 2.0 equivalent",
    "union": "set operations become `union(s1, s2)` + `aliased()`",
    "union_all": "set operations become `union_all(s1, s2)` + `aliased()`",
    "intersect": "set operations need a manual rewrite",
    "except_": "set operations need a manual rewrite",
    "enable_eagerloads": "no direct `select()` analogue",
    "only_return_tuples": "no direct `select()` analogue",
    "with_session": "`Query.with_session()` has no `select()` analogue",
    "merge_result": "no direct `select()` analogue",
    "instances": "no direct `select()` analogue",
    "value": "`Query.value()` is deprecated and has no exact equivalent",
    "values": "`Query.values()` is deprecated and has no exact equivalent",
}
#: the methods of ``REPORTED`` that give a query to build on: a chain goes on through them (its
#: finding then shows the whole query, and a ``paginate()`` after them is reported first)
REPORTED_BUILDERS = frozenset(REPORTED) - {"value", "values", "instances", "merge_result"}
#: the methods a chain goes on through
CHAIN_THROUGH = BUILDERS | REPORTED_BUILDERS

#: names that hold a mapped class by convention (generic CRUD repositories: `self.model`).
MODEL_NAMES = frozenset({"model", "model_class", "__model__"})
AGGREGATES = frozenset({"count", "sum", "max", "min", "avg"})
EAGER_LOADERS = frozenset({"joinedload", "contains_eager"})
#: the loader options whose call, written in a chain's ``options(...)``, says how it loads (of
#: them, only :data:`EAGER_LOADERS` join a collection's rows into the result)
LOADER_OPTIONS = EAGER_LOADERS | frozenset(
    {
        "selectinload", "subqueryload", "lazyload", "noload", "raiseload", "immediateload",
        "defaultload", "load_only", "defer", "undefer", "undefer_group", "with_expression",
        "selectin_polymorphic", "with_loader_criteria",
    }
)  # fmt: skip
JOINS = frozenset({"join", "outerjoin", "join_from", "outerjoin_from", "select_from"})
ITERATING_CALLS = frozenset({"list", "tuple", "set", "sorted", "enumerate"})
PAGINATE_POSITIONAL = ("page", "per_page", "error_out", "max_per_page")
#: builders after which ``select(func.count()).select_from(X)...`` counts what ``count()`` counted.
_DIRECT_COUNT = frozenset({"filter", "where", "filter_by", "join", "outerjoin"})

# How a chain's value is used; decides what a chain without a terminal method becomes.
USE_VALUE, USE_ITER, USE_IN_ARG, USE_STATEMENT, USE_STMT_ONLY = (
    "value",
    "iter",
    "in_arg",
    "statement",
    "stmt_only",
)


class Unsupported(ManualReview):
    """The chain cannot be rewritten faithfully; the message is the reason shown to the user."""


class UniqueRows(Unsupported):
    """Rows of an entity and columns that would need ``.unique()``: ``classes`` are the selected
    entities' class names (empty when a selected entity is not a known class)."""

    def __init__(self, reason_id: str, message: str, classes: tuple[str, ...]) -> None:
        super().__init__(reason_id, message)
        self.classes = classes


@dataclass(frozen=True)
class Step:
    """One method call (or attribute access, ``call is None``) in a chain."""

    name: str
    call: cst.Call | None
    attr: cst.Attribute


@dataclass(frozen=True)
class Chain:
    """``root.step1(...).step2(...)`` with an optional trailing subscript (``q[1:3]``)."""

    root: cst.BaseExpression
    steps: tuple[Step, ...]
    subscript: cst.Subscript | None = None

    @property
    def terminal(self) -> Step | None:
        """The last step when it is not a builder: it executes or ends the statement."""
        if self.steps and self.steps[-1].name not in BUILDERS:
            return self.steps[-1]
        return None

    @property
    def builders(self) -> tuple[Step, ...]:
        """The builder steps (everything but the terminal)."""
        return self.steps[:-1] if self.terminal is not None else self.steps


# --- roots --------------------------------------------------------------------------------------------

ROOT_SESSION, ROOT_MODEL, ROOT_VAR = "session", "model", "var"


@dataclass(frozen=True)
class RootSpec:
    """Which node ends a chain when walking down: ``x.query(...)``, ``Model.query`` or a variable."""

    kind: str
    var: str = ""


def dotted(name: str) -> cst.Name | cst.Attribute:
    """The expression of a dotted name: ``db``, ``models.db``."""
    *owners, last = name.split(".")
    if not owners:
        return cst.Name(last)
    return cst.Attribute(dotted(".".join(owners)), cst.Name(last))


def is_camel(name: str) -> bool:
    """A class-like name: ``User``, ``JobPosting`` (not ``MAX``, not ``user``)."""
    return bool(name) and name[0].isupper() and any(c.islower() for c in name)


#: the last name of a ``.query`` owner whose ``query`` is a query string, not a legacy Query: a URL
#: (SQLAlchemy's ``URL.query``, ``engine.url``, ``url_object``) or a request (aiohttp's
#: ``request.query``)
_QUERY_STRING_OWNER = re.compile(r"(?:^|_)(?:urls?|uri|request|req)(?:_object)?$", re.IGNORECASE)


def queries_untyped(owner: str, method: str, call: tuple[int, int] | None) -> bool:
    """Whether ``<owner>.query.<method>`` reads as a legacy query on a class nobody can name.

    ``owner`` is the owner's last name (``url`` of ``engine.url``), ``call`` the numbers of
    positional and keyword arguments of the call of ``method``, None when it is not called. A
    query's methods are called (``statement`` is its one property here), and ``Query.get`` takes
    one positional argument: ``url.query.get("ssl", "false")`` and ``ctx.query.limit = 10`` are a
    mapping's ``get`` and an attribute of something else.
    """
    if method not in BUILDERS | TERMINALS or _QUERY_STRING_OWNER.search(owner):
        return False
    if method == "statement":
        return True
    if call is None:
        return False
    return method != "get" or call == (1, 0)


def holds_model(owner: str) -> bool:
    """Whether an attribute named ``owner`` holds a model class by convention (``self.model``):
    its ``query``, assigned or returned as it is, is a legacy query kept to be built on later."""
    return owner in MODEL_NAMES


def is_session_query_call(node: cst.CSTNode) -> bool:
    """``<receiver>.query(...)``."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "query"
    )


#: names whose attributes are set per instance or subclass: ``self.Entry`` names no one class
INSTANCE_NAMES = frozenset({"self", "cls"})


def is_model_query(node: cst.CSTNode) -> bool:
    """``Model.query`` (Flask-SQLAlchemy) or ``models.Model.query``; not ``self.Entry.query``,
    whose class an instance or subclass may set."""
    if not (isinstance(node, cst.Attribute) and node.attr.value == "query"):
        return False
    value = node.value
    if isinstance(value, cst.Name):
        return is_camel(value.value)
    return (
        isinstance(value, cst.Attribute)
        and is_camel(value.attr.value)
        and not (isinstance(value.value, cst.Name) and value.value.value in INSTANCE_NAMES)
    )


def is_cls_query(node: cst.CSTNode) -> bool:
    """``cls.query``: a model query where the scanner found ``cls`` to be one class."""
    return (
        isinstance(node, cst.Attribute)
        and node.attr.value == "query"
        and isinstance(node.value, cst.Name)
        and node.value.value == "cls"
    )


def _matches_root(node: cst.BaseExpression, spec: RootSpec) -> bool:
    if spec.kind == ROOT_SESSION:
        return is_session_query_call(node)
    if spec.kind == ROOT_MODEL:
        return is_model_query(node) or is_cls_query(node)
    return isinstance(node, cst.Name) and node.value == spec.var


def split_chain(node: cst.BaseExpression, spec: RootSpec) -> Chain | None:
    """Walk down from the outermost node of a chain to its root; None when it is not a chain."""
    subscript: cst.Subscript | None = None
    current: cst.BaseExpression = node
    if isinstance(current, cst.Subscript):
        subscript = current
        current = current.value
    steps: list[Step] = []
    while not _matches_root(current, spec):
        if isinstance(current, cst.Call) and isinstance(current.func, cst.Attribute):
            steps.append(Step(current.func.attr.value, current, current.func))
            current = current.func.value
        elif isinstance(current, cst.Attribute):
            steps.append(Step(current.attr.value, None, current))
            current = current.value
        else:
            return None
    steps.reverse()
    return Chain(current, tuple(steps), subscript)


# --- columns and result shape ----------------------------------------------------------------------


def unshadowed(tables: Collection[str], frame_locals: Sequence[Collection[str]]) -> set[str]:
    """The module's ``tables`` that none of the enclosing functions binds a name of its own for."""
    return {t for t in tables if not any(t in names for names in frame_locals)}


#: methods whose result is a column expression whatever they are called on
COLUMN_METHODS = frozenset({"label", "scalar_subquery"})


def makes_column(method: str, callee: str) -> bool:
    """Whether a call evaluates to a column expression, from the name of the method it calls
    (``""`` for a plain function) and its callee as a dotted name (``""`` when it is not one):
    ``.label()`` or ``.scalar_subquery()`` of anything, a function of ``func`` (``func.sum()``,
    ``sa.func.count()``) and ``literal_column()``."""
    if method in COLUMN_METHODS:
        return True
    parts = callee.split(".")
    return "func" in parts[:-1] or parts[-1] == "literal_column"


def local_columns(frames: Sequence[tuple[Collection[str], Collection[str]]]) -> set[str]:
    """The names that hold a column expression where a query reads them, from the enclosing
    functions outermost first, each as (its locals only ever assigned a column expression, every
    name it binds): a function's own binding of a name hides the outer ones."""
    found: set[str] = set()
    for columns, bound in frames:
        found = (found - set(bound)) | set(columns)
    return found


def column_kind(
    expr: cst.BaseExpression, aliased: frozenset[str], tables: frozenset[str] = frozenset()
) -> str | None:
    """``"entity"``, ``"column"`` or None when it cannot be told statically. A ``Table`` of the
    module (``tags = db.Table(...)``) and its columns (``tags.c.tag_id``) select rows, as columns
    do."""
    if isinstance(expr, cst.Name):
        return _name_kind(expr.value, aliased, tables)
    if isinstance(expr, cst.Attribute):
        if expr.attr.value in MODEL_NAMES:
            return "entity"  # `self.model` of the generic CRUD-repository convention
        if isinstance(expr.value, cst.Attribute) and expr.value.attr.value in {"c", "columns"}:
            return "column"  # `solves_sub.columns.challenge_id`: a subquery's (or table's) column
        if is_camel(expr.attr.value) and isinstance(expr.value, cst.Name):
            return None if is_camel(expr.value.value) else "entity"  # models.User
        if is_camel(expr.attr.value) and _module_path(expr.value):
            return "entity"  # app.archive.db.ArchiveEntry
        owner: cst.BaseExpression = expr.value
        while isinstance(owner, cst.Attribute):
            if is_camel(owner.attr.value):
                return "column"  # models.User.name
            owner = owner.value
        if isinstance(owner, cst.Name) and (
            is_camel(owner.value) or owner.value in aliased or owner.value in tables
        ):
            return "column"  # User.name, ua.id, tags.c.tag_id
        return None  # `obj.attr`: an entity or a column, nobody can tell
    if isinstance(expr, cst.Call):
        name = _callee_name(expr)
        if name in {"aliased", "type"}:  # (`type(parent)`: the class of a loaded row)
            return "entity"
        if name in {"Bundle", "with_polymorphic", "getattr"}:  # (`getattr(models, name)`)
            return None
        return "column"
    if isinstance(expr, (cst.BinaryOperation, cst.Comparison, cst.UnaryOperation)):
        return "column"
    return None


def _module_path(expr: cst.BaseExpression) -> bool:
    """``app.archive.db``: dotted names none of which is capitalised, as modules are named."""
    while isinstance(expr, cst.Attribute):
        if is_camel(expr.attr.value):
            return False
        expr = expr.value
    return isinstance(expr, cst.Name) and not is_camel(expr.value)


def _name_kind(name: str, aliased: frozenset[str], tables: frozenset[str]) -> str | None:
    """:func:`column_kind` of a name: a table's is a column, a class's (or an alias's) an entity;
    ``True`` (``single_row=True`` of a client's ``query()``) is no class."""
    if name in tables:
        return "column"
    if name in _CONSTANTS:
        return None
    if name in aliased or is_camel(name) or name in MODEL_NAMES:
        return "entity"
    return None


#: the names that are constants, capitalised as classes are
_CONSTANTS = frozenset({"True", "False", "None"})


def _callee_name(call: cst.Call) -> str:
    func = call.func
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return ""


@dataclass
class Shape:
    """The columns clause of a statement and what it implies."""

    columns: list[cst.BaseExpression]
    kinds: list[str]

    @property
    def single_entity(self) -> bool:
        """Shape S: legacy returned objects."""
        return len(self.kinds) == 1 and self.kinds[0] == "entity"

    @property
    def has_entity(self) -> bool:
        """Legacy de-duplicated whenever an ORM entity was selected."""
        return "entity" in self.kinds


def shape_of(
    columns: Sequence[cst.BaseExpression],
    aliased: frozenset[str],
    tables: frozenset[str] = frozenset(),
) -> Shape:
    """Classify a columns clause; raises Unsupported when an item cannot be classified."""
    kinds: list[str] = []
    for column in columns:
        kind = column_kind(column, aliased, tables)
        if kind is None:
            code = cst.Module([]).code_for_node(column)
            raise Unsupported(
                R.UNKNOWN_RESULT_SHAPE,
                f"cannot tell statically whether `{code}` is an entity or a column, so the result "
                "shape (objects or rows) is unknown",
            )
        kinds.append(kind)
    return Shape(list(columns), kinds)


def _args_values(args: Sequence[cst.Arg], what: str) -> list[cst.BaseExpression]:
    values: list[cst.BaseExpression] = []
    for arg in args:
        if arg.keyword is not None or arg.star:
            raise Unsupported(R.UNSUPPORTED_ARGUMENTS, f"{what} with keyword or starred arguments")
        values.append(arg.value)
    return values


class _CamelNames(WalkVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()
        self.eager = False
        self.strings = False
        #: a ``.has(``/``.any(`` was read: criteria in an EXISTS subquery (see `_without_exists`)
        self.exists = False

    def visit_Name(self, node: cst.Name) -> None:
        if is_camel(node.value) and node.value not in {"True", "False", "None"}:
            self.names.add(node.value)
        if node.value in EAGER_LOADERS:
            self.eager = True

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.strings = True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if node.attr.value in EAGER_LOADERS:
            self.eager = True
        elif node.attr.value in _EXISTS_METHODS:
            self.exists = True
        _scan_node(node.value, self)
        return False  # the attribute name itself is not a reference to a class


class _ModuleClasses(WalkVisitor):
    """The classes read through their module (``Tag`` of ``models.Tag``): only the unique()
    decision asks, so the scan's :class:`_CamelNames` does not look for them."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        pass

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        pass

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.names |= _module_class(node)
        _scan_node(node.value, self)
        return False


def _module_classes(nodes: Sequence[cst.CSTNode]) -> set[str]:
    visitor = _ModuleClasses()
    for node in nodes:
        _scan_node(node, visitor)
    return visitor.names


#: builder steps whose arguments are what the query selects from
_FROM_STEPS = frozenset({"join", "outerjoin", "select_from"})


def joined_instance_attributes(chain: Chain) -> tuple[str, ...]:
    """Attributes read off an instance (``user.follows``, not ``User.follows``) that ``chain``
    joins or selects from. A ``lazy="dynamic"`` relationship there is a query, which the legacy
    ``Query`` joined as a subquery and ``select()`` refuses."""
    names: list[str] = []
    for step in chain.builders:
        if step.name not in _FROM_STEPS or step.call is None:
            continue
        for arg in step.call.args:
            value = arg.value
            if (
                arg.keyword is None
                and isinstance(value, cst.Attribute)
                and last_name(value.value) not in class_names([value.value])
            ):
                names.append(value.attr.value)
    return tuple(dict.fromkeys(names))


def class_names(nodes: Sequence[cst.CSTNode]) -> set[str]:
    """Class-like names the nodes refer to (``User`` in ``User.id``, ``aliased(User)``)."""
    return _scan(nodes).names


def _scan(nodes: Sequence[cst.CSTNode]) -> _CamelNames:
    visitor = _CamelNames()
    for node in nodes:
        _scan_node(node, visitor)
    return visitor


#: per node type chains are usually made of, its fields that can hold a node other than a token
#: (whitespace, punctuation, operators), which hold no name or string
_SCANNED_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {
    cst.Call: ("func", "args"),
    cst.Arg: ("value",),  # (a keyword, `Key="x"`, names no class)
    cst.Integer: (),
    cst.Float: (),
    cst.Imaginary: (),
    cst.Ellipsis: (),
    cst.Comparison: ("left", "comparisons"),
    cst.ComparisonTarget: ("comparator",),
    cst.UnaryOperation: ("expression",),
    cst.BinaryOperation: ("left", "right"),
    cst.BooleanOperation: ("left", "right"),
    cst.Subscript: ("value", "slice"),
    cst.SubscriptElement: ("slice",),
    cst.Index: ("value",),
    cst.Slice: ("lower", "upper", "step"),
    cst.Tuple: ("elements",),
    cst.List: ("elements",),
    cst.Set: ("elements",),
    cst.Element: ("value",),
    cst.StarredElement: ("value",),
    cst.Dict: ("elements",),
    cst.DictElement: ("key", "value"),
    cst.StarredDictElement: ("value",),
    cst.Await: ("expression",),
    cst.IfExp: ("test", "body", "orelse"),
    cst.ConcatenatedString: ("left", "right"),
    cst.FormattedString: ("parts",),
    cst.FormattedStringText: (),
    cst.FormattedStringExpression: ("expression", "format_spec"),
}


def _scan_node(node: cst.CSTNode, visitor: _CamelNames | _ModuleClasses) -> None:
    """``walk(node, visitor)``, with the usual nodes of chains read through their fields
    (:data:`_SCANNED_FIELDS`); the visitor collects a set and flags, so the order of its visits
    does not matter. Other nodes (a lambda, a comprehension) are walked: a walk relies on LibCST
    internals it checks once per process (``cst_walk.trusted``), which costs more than the chains
    of a small project."""
    kind = type(node)
    if kind is cst.Name:
        visitor.visit_Name(node)  # type: ignore[arg-type]
    elif kind is cst.SimpleString:
        visitor.visit_SimpleString(node)  # type: ignore[arg-type]
    elif kind is cst.Attribute:
        visitor.visit_Attribute(node)  # type: ignore[arg-type]
    elif kind in _SCANNED_FIELDS:
        for name in _SCANNED_FIELDS[kind]:
            value = getattr(node, name)
            if type(value) is tuple or type(value) is list:
                for item in value:
                    _scan_node(item, visitor)
            elif value is not None and value is not cst.MaybeSentinel.DEFAULT:
                _scan_node(value, visitor)
    else:
        walk(node, visitor)


# --- conversion -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Base:
    """What a chain inherits from where its query was started.

    For a chain rooted at ``session.query(...)``/``Model.query`` the columns come from the root; for a
    chain rooted at a query variable they come from the variable's first assignment, and
    ``prior_steps`` are the builder steps applied to it anywhere in the function.
    """

    session: cst.BaseExpression | None
    fsa_db: str = ""  # `db` name when the session is Flask-SQLAlchemy's: use db.select, db.func...
    columns: tuple[cst.BaseExpression, ...] = ()
    prior_steps: tuple[Step, ...] = ()
    var: str = ""
    aliased: frozenset[str] = frozenset()
    #: the module's `Table(...)` names (no local binds one of its own)
    tables: frozenset[str] = frozenset()
    #: ``delete``/``update`` for a query variable whose every run is that bulk statement: it is
    #: built as that statement (``delete(Job).where(...)``) instead of a ``select()``
    dml: str = ""
    #: every assignment of the query variable applies ``.distinct()``: one made only on some
    #: paths (``if genre: q = q.filter(...).distinct()``) leaves the others' rows repeating
    distinct: bool = False


@dataclass(frozen=True)
class Context:
    """Where the chain stands: mode, how its value is used, whether an `await` needs parentheses."""

    mode: str
    use: str = USE_VALUE
    parens: bool = False
    #: mapped classes whose entity results joined-eager-load a collection: they need unique()
    eager: frozenset[str] = frozenset()
    #: every class eager-loads a collection (the per-file check, which cannot know the models,
    #: asks what would change if one did: see ``eager_rows``)
    eager_every: bool = False
    #: classes of the project known not to be mapped (enums...): criteria on them join nothing
    plain: frozenset[str] = frozenset()
    #: the class ``cls`` stands for in a method of a class no other class extends, else ""
    cls_class: str = ""
    #: the value stands alone (assigned, returned, a statement or an argument): no parentheses
    standalone: bool = False
    #: Flask-SQLAlchemy 3.x helpers (`db.get_or_404`, `db.paginate`...) exist
    fsa3: bool = True
    #: `scalars()` exists on every session (SQLAlchemy 1.4.26+); before, `execute(...).scalars()`
    session_scalars: bool = True
    #: the project runs a type checker: a count stays an `int` (`execute(...).scalar_one()`)
    typed: bool = True
    #: a bulk write's row count is read through ``cast(CursorResult[Any], ...)``: a type
    #: checker takes ``Session.execute()`` for a ``Result``, which has no ``rowcount``
    rowcount_cast: bool = False
    #: names the module already binds otherwise: imported name → alias to use instead
    aliases: Mapping[str, str] = field(default_factory=dict)
    #: the module's name for ``sqlalchemy`` when it spells its names through it (``sa.select``)
    sa_module: str = ""
    #: the names the module imports from ``sqlalchemy`` (``func``): used as they are
    sa_imported: frozenset[str] = frozenset()
    fsa_names: bool = True  # see ``FileEdits.fsa_names``
    #: (class, relationship) pairs to load eagerly: read later, where a lazy load cannot run
    loads: tuple[tuple[str, str], ...] = ()


@dataclass
class Result:
    """The new expression, the ``(module, name)`` pairs it needs imported and the names it
    reads (a chain passed on as a statement reads no session)."""

    node: cst.BaseExpression
    imports: set[tuple[str, str]] = field(default_factory=set)
    names: set[str] = field(default_factory=set)


#: SQLAlchemy's modules (``from sqlalchemy import exc``): importing one spells no name of the
#: query language
_SUBMODULES = frozenset(
    {"dialects", "engine", "event", "exc", "ext", "orm", "pool", "schema", "sql", "types", "util"}
)


class _Builder:
    def __init__(self, base: Base, ctx: Context) -> None:
        self.base = base
        self.ctx = ctx
        self.imports: set[tuple[str, str]] = set()

    def imported(self, module: str, name: str) -> cst.Name:
        """``name`` imported from ``module``, under its alias when the module binds ``name``."""
        self.imports.add((module, name))
        return cst.Name(self.ctx.aliases.get(name, name))

    def sa(self, name: str) -> cst.BaseExpression:
        """``select`` / ``func`` / ``update`` / ``delete``: as the module already imports it from
        ``sqlalchemy``, else ``db.<name>`` for Flask-SQLAlchemy (unless the module imports other
        names from ``sqlalchemy`` and no module of the project spells any through ``db``),
        ``sa.<name>`` in a module that spells SQLAlchemy's names through ``import sqlalchemy as
        sa``, else imported."""
        owner = self.base.fsa_db or self.ctx.sa_module
        if self.base.fsa_db and self.ctx.sa_imported - _SUBMODULES and not self.ctx.fsa_names:
            owner = self.ctx.sa_module  # (`select` beside `from sqlalchemy import func`)
        if owner and name not in self.ctx.sa_imported:
            return cst.Attribute(dotted(owner), cst.Name(name))
        return self.imported("sqlalchemy", name)

    def scalars(self, stmt: cst.BaseExpression, parens: bool) -> cst.BaseExpression:
        """``session.scalars(stmt)``, or ``session.execute(stmt).scalars()`` before 1.4.26."""
        if self.ctx.session_scalars:
            return self.run("scalars", [cst.Arg(stmt)], parens)
        return _method(self.run("execute", [cst.Arg(stmt)], parens=True), "scalars")

    def session(self) -> cst.BaseExpression:
        if self.base.session is None:
            raise Unsupported(R.UNKNOWN_SESSION, "the query's session is not known")
        return self.base.session

    def run(self, method: str, args: Sequence[cst.Arg], parens: bool) -> cst.BaseExpression:
        call = _sole_argument_unwrapped(
            cst.Call(cst.Attribute(self.session(), cst.Name(method)), args=list(args))
        )
        return self.awaited(call, parens)

    def awaited(self, call: cst.BaseExpression, parens: bool) -> cst.BaseExpression:
        if self.ctx.mode != ASYNC:
            return call
        if parens:
            return cst.Await(call, lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return cst.Await(call)


def _sole_argument_unwrapped(call: cst.Call) -> cst.Call:
    """``session.scalar(stmt)`` for a statement the query had in parentheses
    (``(db.session.query(...).filter(...)).scalar()``): the call's parentheses take the place of
    the statement's outer pair and of its line breaks, instead of ``session.scalar((...))``."""
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return call
    arg = call.args[0]
    value = arg.value
    if not value.lpar or not isinstance(value, (cst.Call, cst.Attribute, cst.Subscript)):
        return call
    lpar, rpar = value.lpar[0], value.rpar[-1]
    unwrapped = value.with_changes(lpar=value.lpar[1:], rpar=value.rpar[:-1])
    return call.with_changes(
        whitespace_before_args=lpar.whitespace_after,
        args=[arg.with_changes(value=unwrapped, whitespace_after_arg=rpar.whitespace_before)],
    )


def _method(
    value: cst.BaseExpression,
    name: str,
    args: Sequence[cst.Arg] = (),
    like: Step | None = None,
) -> cst.Call:
    """``value.name(args)``; with ``like``, the dot and parentheses keep that step's formatting."""
    if like is not None and like.call is not None:
        func = like.attr.with_changes(value=value, attr=cst.Name(name))
        return like.call.with_changes(func=func, args=list(args))
    return cst.Call(cst.Attribute(value, cst.Name(name)), args=list(args))


def _db_call(db: cst.BaseExpression, name: str, args: Sequence[cst.Arg], term: Step) -> cst.Call:
    """``db.name(args)``: the call keeps the step's parentheses, but the dot starts the statement,
    so the line break a chain had before ``.paginate(`` must not follow ``db``."""
    call = _method(db, name, args, like=term)
    assert isinstance(call.func, cst.Attribute)
    return call.with_changes(func=call.func.with_changes(dot=cst.Dot()))


def _kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )


def _strip_comma(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    """Arguments reused in a new call must not end with the old call's trailing comma."""
    out = list(args)
    if out and out[-1].comma is not cst.MaybeSentinel.DEFAULT:
        out[-1] = out[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return out


def _with_comma(arg: cst.Arg) -> cst.Arg:
    return arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))


def _join_args(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    out = [_with_comma(a) if a.comma is cst.MaybeSentinel.DEFAULT else a for a in args[:-1]]
    if args:
        out.append(args[-1])
    return out


def _check_builder(step: Step) -> None:
    if step.name in REPORTED:
        raise Unsupported(R.NO_SELECT_EQUIVALENT, REPORTED[step.name])
    if step.call is None:
        raise Unsupported(R.NO_SELECT_EQUIVALENT, f"`.{step.name}` used without a call")
    if step.name in {"join", "outerjoin"}:
        for arg in step.call.args:
            if isinstance(arg.value, (cst.SimpleString, cst.ConcatenatedString)):
                raise Unsupported(
                    R.REMOVED_IN_SQLALCHEMY_2, "string join targets were removed in 2.0"
                )
            if arg.keyword is not None and arg.keyword.value in {"aliased", "from_joinpoint"}:
                raise Unsupported(
                    R.REMOVED_IN_SQLALCHEMY_2,
                    f"`join(..., {arg.keyword.value}=...)` was removed in 2.0",
                )
    if step.name == "options" and _scan([step.call]).strings:
        raise Unsupported(
            R.REMOVED_IN_SQLALCHEMY_2,
            "string loader paths (`joinedload('rel')`) were removed in 2.0",
        )


class _FilterByEntity:
    """The entity a legacy ``filter_by()`` at each step of a chain filters: the last join target
    or, without a join, the query's first entity (``Query._filter_by_zero``); and whether
    ``Select.filter_by()`` could read it otherwise. SQLAlchemy 2.1's looks for each keyword in
    every entity of the statement and raises ``AmbiguousColumnError`` where several have it, so
    a ``filter_by()`` on a statement of several entities, or after a join, is written as
    ``where(Entity.key == value)`` instead."""

    def __init__(self, columns: Sequence[cst.BaseExpression], prior: Sequence[Step]) -> None:
        self.columns = list(columns)
        self.joined = False
        self.target: cst.BaseExpression | None = _entity_of(columns[0]) if columns else None
        if any(step.name in JOINS for step in prior):
            # A query variable's other statements may join before this one or after it (MindsDB's
            # `query = query.filter_by(active=...)`, then `query = query.join(db.Integration...)`):
            # which entity the legacy `filter_by()` filtered is unknown.
            self.joined, self.target = True, None

    def see(self, step: Step) -> None:
        """Follow ``step``: a join changes the entity, a column change the statement's width."""
        if step.call is None:
            return
        values = [arg.value for arg in step.call.args if arg.keyword is None]
        if step.name in JOINS:
            self.joined = True
            # (a relationship, `User.roles`, joins a class its name does not say)
            self.target = _class_named(values[0]) if values else None
        elif step.name == "with_entities":
            self.columns = values
            if not self.joined:
                self.target = _entity_of(values[0]) if values else None
        elif step.name in {"add_columns", "add_entity"}:
            self.columns += values

    def ambiguous(self) -> bool:
        """Whether ``Select.filter_by()`` may read a keyword in another entity: after a join, or
        with columns of more than one class (or of one it cannot name)."""
        if self.joined:
            return True
        classes = {dotted_code(e) if (e := _entity_of(c)) is not None else "" for c in self.columns}
        return len(classes) > 1 or (len(self.columns) > 1 and "" in classes)


def _entity_of(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """The class a query's entity or column names (``User`` of ``User``, ``models.User`` or
    ``User.id``); None when it is no plain class reference."""
    if isinstance(node, cst.Attribute) and not is_camel(node.attr.value):
        node = node.value  # `User.id`: the column's class
    return _class_named(node)


def _class_named(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """``node`` where it names a class (``User``, ``models.User``), else None."""
    return node if is_camel(last_name(node)) and dotted_code(node) else None


def _filter_by_as_where(step: Step, entities: _FilterByEntity) -> list[cst.Arg]:
    """``Entity.key == value`` for each keyword of a ``filter_by()``, on the entity the legacy
    query filtered."""
    assert step.call is not None
    target = entities.target
    if target is None:
        raise Unsupported(
            R.UNSUPPORTED_ARGUMENTS,
            "`filter_by()` after a join or on several entities: which class it filters is not a "
            "plain class name here, and `select().filter_by()` of SQLAlchemy 2.1 looks in every "
            "entity; rewrite it by hand as `.where(Model.name == value)`",
        )
    criteria: list[cst.Arg] = []
    for arg in step.call.args:
        if arg.keyword is None:
            raise Unsupported(R.UNSUPPORTED_ARGUMENTS, "`filter_by()` with `**` arguments")
        column = cst.Attribute(target.deep_clone(), cst.Name(arg.keyword.value))
        comparison: cst.BaseExpression
        if isinstance(arg.value, cst.Name) and arg.value.value in {"True", "False", "None"}:
            # `== None`/`== True` would be linted (E711/E712); SQLAlchemy writes `IS` for them
            comparison = _method(column, "is_", [cst.Arg(arg.value)])
        else:
            comparison = cst.Comparison(column, [cst.ComparisonTarget(cst.Equal(), arg.value)])
        criteria.append(
            arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, value=comparison)
        )
    return criteria


def _apply_builder(
    b: _Builder, stmt: cst.BaseExpression, step: Step, entities: _FilterByEntity | None = None
) -> cst.BaseExpression:
    assert step.call is not None
    if step.name == "filter_by" and entities is not None and entities.ambiguous():
        return _method(stmt, "where", _filter_by_as_where(step, entities), like=step)
    if step.name in OPTION_BUILDERS:
        if step.name == "populate_existing":
            if step.call.args:
                raise Unsupported(R.UNSUPPORTED_ARGUMENTS, "`populate_existing()` with arguments")
            value: cst.BaseExpression = cst.Name("True")
        else:
            args = _args_values(step.call.args, "`autoflush()`")
            if len(args) != 1:
                raise Unsupported(
                    R.UNSUPPORTED_ARGUMENTS, "`autoflush()` needs exactly one argument"
                )
            value = args[0]
        return _method(stmt, "execution_options", [_kwarg(step.name, value)], like=step)
    if step.name in {"filter", "where"} and not step.call.args and not _commented(step):
        return stmt  # `.filter()` with no criteria filters nothing: no empty `.where()`
    name = RENAMED.get(step.name, step.name)
    return _method(stmt, name, step.call.args, like=step)


def _commented(step: Step) -> bool:
    """Whether the dot, name or parentheses of ``step`` carry a comment."""
    assert step.call is not None
    empty = cst.Module([])
    own = step.call.with_changes(func=step.attr.with_changes(value=cst.Name("_")))
    return "#" in empty.code_for_node(own)


def _columns_after(
    columns: list[cst.BaseExpression], steps: Sequence[Step]
) -> list[cst.BaseExpression]:
    for step in steps:
        if step.call is None:
            continue
        if step.name == "with_entities":
            columns = _args_values(step.call.args, "`with_entities()`")
        elif step.name in {"add_columns", "add_entity"}:
            columns = columns + _args_values(step.call.args, f"`{step.name}()`")
    return columns


def root_columns(chain: Chain) -> list[cst.BaseExpression]:
    """The columns a chain selects: the root's entities after with_entities/add_columns."""
    root = chain.root
    if isinstance(root, cst.Call):
        columns = _args_values(root.args, "`query()`")
    elif isinstance(root, cst.Attribute):
        columns = [root.value]
    else:
        raise Unsupported(R.QUERY_VARIABLE, "a query variable's root is not a query")
    return _columns_after(columns, chain.builders)


def _module_class(column: cst.BaseExpression) -> set[str]:
    """``{"Tag"}`` for a class read through its module (``models.Tag``), else nothing."""
    if (
        isinstance(column, cst.Attribute)
        and is_camel(column.attr.value)
        and (module := dotted_code(column.value))
        and not any(is_camel(part) for part in module.split("."))
        and module.split(".")[0] not in {"self", "cls"}
    ):
        return {column.attr.value}
    return set()


def _cls_class(column: cst.BaseExpression, ctx: Context) -> set[str]:
    """``{"Project"}`` for ``cls`` in a method of ``Project`` (no subclass it could be), else
    nothing."""
    if isinstance(column, cst.Name) and column.value == "cls" and ctx.cls_class:
        return {ctx.cls_class}
    return set()


def _needs_unique(
    shape: Shape, steps: Sequence[Step], ctx: Context, distinct: bool
) -> tuple[bool, bool]:
    """(unique() needed, because of joined eager loading): legacy de-duplicated entity results,
    so keep that wherever rows could repeat; a joined eager load of a collection needs it in 2.0
    whatever the terminal, rows repeated by a join only where more than one row is read.
    ``distinct``: the statement is SELECT DISTINCT on every path that reaches it."""
    if not shape.has_entity:
        return False, False
    selected = [c for c, k in zip(shape.columns, shape.kinds, strict=True) if k == "entity"]
    eager = ctx.eager or ctx.eager_every
    for column in selected if eager else ():  # (nothing eager-loads: no column can need it)
        names = _scan([column]).names or _module_class(column) or _cls_class(column, ctx)
        # `self.model` may be any model: it needs unique() when some model eager-loads.
        if ctx.eager_every or (names & ctx.eager) or (ctx.eager and not names):
            return True, True
    scan = _scan([s.call for s in steps if s.call is not None] + list(shape.columns))
    if scan.eager or _options_built_elsewhere(steps):
        return True, True
    if distinct:
        return False, False  # SELECT DISTINCT of the entities' columns: no row repeats
    names = {step.name for step in steps}
    if names & JOINS or "from_statement" in names:  # textual SQL may repeat rows: keep legacy dedup
        return True, False
    entities = _scan(selected).names | _module_classes(selected)
    entities |= {name for column in selected for name in _cls_class(column, ctx)}  # `cls`
    criteria: list[cst.BaseExpression] = [s.call for s in steps if s.call is not None]
    names = scan.names
    if scan.exists:
        criteria = [_without_exists(call) for call in criteria]
        names = _scan([*criteria, *shape.columns]).names
    # Criteria on another class (`filter(User.id == Address.user_id)`, `models.Address.user_id`)
    # join implicitly.
    joined = names | _module_classes([*criteria, *shape.columns])
    return bool(joined - entities - ctx.plain), False


def _options_built_elsewhere(steps: Sequence[Step]) -> bool:
    """An ``options(...)`` argument that is no loader option written in the chain (indico's
    ``options(revisions_strategy)`` of ``revisions_strategy = joinedload('revisions')``): it may
    join a collection's rows, which 2.0 refuses to return without ``unique()``."""
    return any(
        not isinstance(arg.value, cst.Call) or last_name(arg.value.func) not in LOADER_OPTIONS
        for step in steps
        if step.name == "options" and step.call is not None
        for arg in step.call.args
    )


def _without_exists(call: cst.BaseExpression) -> cst.BaseExpression:
    """``call`` with the criteria of its ``.has(...)``/``.any(...)`` left out: a class named there
    (``Tag.kind.has(Kind.name == "x")``) is read in an EXISTS subquery, which joins nothing to the
    rows selected, so it cannot repeat them."""
    stripped = call.visit(_ExistsCriteriaDropped())
    assert isinstance(stripped, cst.BaseExpression)
    return stripped


#: relationship comparators that test in an EXISTS subquery
_EXISTS_METHODS = frozenset({"has", "any"})


class _ExistsCriteriaDropped(cst.CSTTransformer):
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func = updated_node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _EXISTS_METHODS:
            return updated_node.with_changes(args=[])
        return updated_node


def is_distinct(steps: Sequence[Step]) -> bool:
    """``.distinct()`` (of every selected column, not ``distinct(X.col)``) is among ``steps``."""
    return any(s.name == "distinct" and s.call is not None and not s.call.args for s in steps)


def _check_distinct_order(shape: Shape, steps: Sequence[Step]) -> None:
    distinct = is_distinct(steps)
    orders = [s.call for s in steps if s.name == "order_by" and s.call is not None]
    if not (distinct and orders):
        return
    selected = _scan(list(shape.columns)).names
    if _scan(list(orders)).names - selected:
        raise Unsupported(
            R.DISTINCT_ORDER_BY,
            "`distinct()` with `order_by()` on columns that are not selected: 1.x added them to "
            "the SELECT list, 2.0 does not",
        )


def convert(chain: Chain, base: Base, ctx: Context) -> Result:
    """The 2.0 form of ``chain`` in ``ctx``; raises Unsupported with the reason when there is none."""
    b, node = _build(chain, base, ctx, layout=True)
    node = _keep_terminal_comment(chain, node)
    used = _names_in(node)
    return Result(node, {i for i in b.imports if ctx.aliases.get(i[1], i[1]) in used}, used)


def _keep_terminal_comment(chain: Chain, node: cst.BaseExpression) -> cst.BaseExpression:
    """``node`` keeping the comment that stood before the terminal's dot (``.filter(x)  # noqa``
    on the line before ``.scalar()``) when the rewrite dropped that dot (``db.scalar(stmt)``): it
    follows the last argument of the outermost call, so it stays beside the code it was written on."""
    term = chain.terminal
    space = term.attr.dot.whitespace_before if term is not None else None
    if not isinstance(space, cst.ParenthesizedWhitespace) or not _has_comment(space):
        return node
    assert term is not None
    placed = _after_last_builder(chain, node, space, term.attr.dot)
    if placed is not None:
        return placed
    if _holds(node, term.attr.dot):
        return node
    return _after_last_argument(node, space)


def _after_last_builder(
    chain: Chain, node: cst.BaseExpression, space: cst.ParenthesizedWhitespace, dot: cst.Dot
) -> cst.BaseExpression | None:
    """``node`` with ``space`` before the dot of the call that follows the last builder's (its
    ``.where(x)  # noqa`` then ``.limit(1)``), so that a suppression stays on the line of the code
    it was written for, and taken from before the terminal's ``dot`` where ``node`` keeps it;
    None when that call is last, or the builder is not found in ``node``."""
    last = chain.builders[-1] if chain.builders else None
    if last is None or last.call is None or not last.call.args:
        return None
    placer = _CommentAfterCall(last.call.args[-1], space, dot)
    placed = node.visit(placer)
    return placed if placer.done and isinstance(placed, cst.BaseExpression) else None


class _CommentAfterCall(cst.CSTTransformer):
    """Puts ``space`` before the dot of the attribute read off the call whose last argument is
    ``arg`` (this very node), where that call is inside another call's brackets, and takes its
    comments out of the space before ``dot`` (keeping the line break)."""

    def __init__(self, arg: cst.Arg, space: cst.ParenthesizedWhitespace, dot: cst.Dot) -> None:
        super().__init__()
        self.arg, self.space, self.dot = arg, space, dot
        self.depth = 0
        self.done = False
        #: the argument spans several lines: it hangs below its call's bracket (``opened``)
        self.hanging = False
        self.opened = False

    def leave_Dot(self, original_node: cst.Dot, updated_node: cst.Dot) -> cst.Dot:
        space = original_node.whitespace_before
        if original_node is not self.dot or not isinstance(space, cst.ParenthesizedWhitespace):
            return updated_node
        bare = space.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
        return updated_node.with_changes(whitespace_before=bare)

    def visit_Arg(self, node: cst.Arg) -> None:
        self.depth += 1

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        self.depth -= 1
        if (
            self.done
            or not self._is_target(original_node.value)
            or isinstance(updated_node.comma, cst.Comma)
        ):
            return updated_node
        # `session.scalars(select(X).where(y)  <comment>\n).all()`: the builder ends the argument
        self.done = True
        self.hanging = _spans_lines(updated_node.value)
        if not self.hanging:
            return updated_node.with_changes(whitespace_after_arg=self.space)
        # An argument of several lines (the chain's own) hangs below the call's bracket, one
        # level in, and the bracket closes on a line of its own at the chain's indentation.
        value = updated_node.value.visit(_Shifted(self._step()))
        assert isinstance(value, cst.BaseExpression)
        return updated_node.with_changes(value=value, whitespace_after_arg=self.space)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not self.hanging or self.opened or not updated_node.args:
            return updated_node
        if updated_node.args[-1].whitespace_after_arg is not self.space:
            return updated_node
        self.opened = True
        indent = cst.SimpleWhitespace(self.space.last_line.value + self._step())
        opening = cst.ParenthesizedWhitespace(indent=self.space.indent, last_line=indent)
        return updated_node.with_changes(whitespace_before_args=opening)

    def _step(self) -> str:
        """One more level of indentation, in the file's own kind (tabs or spaces)."""
        return "\t" if "\t" in self.space.last_line.value else "    "

    def _is_target(self, node: cst.CSTNode) -> bool:
        return isinstance(node, cst.Call) and bool(node.args) and node.args[-1] is self.arg

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.Attribute:
        if self.done or not self.depth or not self._is_target(original_node.value):
            return updated_node
        self.done = True
        return updated_node.with_changes(
            dot=updated_node.dot.with_changes(whitespace_before=self.space)
        )


class _Shifted(cst.CSTTransformer):
    """Moves every continuation line and comment line of a node ``extra`` further right."""

    def __init__(self, extra: str) -> None:
        super().__init__()
        self.extra = extra

    def leave_ParenthesizedWhitespace(
        self, original_node: cst.ParenthesizedWhitespace, updated_node: cst.ParenthesizedWhitespace
    ) -> cst.ParenthesizedWhitespace:
        return updated_node.with_changes(
            last_line=cst.SimpleWhitespace(updated_node.last_line.value + self.extra)
        )

    def leave_EmptyLine(
        self, original_node: cst.EmptyLine, updated_node: cst.EmptyLine
    ) -> cst.EmptyLine:
        if updated_node.comment is None:
            return updated_node
        return updated_node.with_changes(
            whitespace=cst.SimpleWhitespace(updated_node.whitespace.value + self.extra)
        )


def _spans_lines(node: cst.CSTNode) -> bool:
    """Whether ``node`` is written over several lines (outside its strings)."""
    return any(isinstance(n, cst.ParenthesizedWhitespace) or _spans_lines(n) for n in node.children)


def _has_comment(space: cst.ParenthesizedWhitespace) -> bool:
    return space.first_line.comment is not None or any(
        line.comment is not None for line in space.empty_lines
    )


def _holds(node: cst.CSTNode, part: cst.CSTNode) -> bool:
    """Is ``part`` (this very node) inside ``node``?"""
    return node is part or any(_holds(child, part) for child in node.children)


def _after_last_argument(
    node: cst.BaseExpression, space: cst.ParenthesizedWhitespace
) -> cst.BaseExpression:
    """``node`` with ``space`` after the last argument of its outermost call (reached through an
    ``await`` or an attribute read such as ``.rowcount``); ``node`` itself when it has none."""
    if isinstance(node, cst.Await):
        return node.with_changes(expression=_after_last_argument(node.expression, space))
    if isinstance(node, cst.Attribute):
        return node.with_changes(value=_after_last_argument(node.value, space))
    if isinstance(node, cst.Call) and node.args:
        last = node.args[-1].with_changes(whitespace_after_arg=space)
        return node.with_changes(args=[*node.args[:-1], last])
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        # `db.scalars(stmt).first()`: after `stmt`, inside the brackets of the call read from
        func = node.func.with_changes(value=_after_last_argument(node.func.value, space))
        return node.with_changes(func=func)
    return node


def _without_redundant_parens(stmt: cst.BaseExpression) -> cst.BaseExpression:
    """``stmt`` without the brackets around it that held the legacy query on one line
    (``(session.query(X).filter(...)).first()``): the statement is an argument or the receiver of
    ``.limit(1)`` now, where they say nothing. Brackets around lines stay: they hold the layout."""
    if not (isinstance(stmt, (cst.Call, cst.Attribute)) and stmt.lpar):
        return stmt
    if "\n" in cst.Module([]).code_for_node(stmt):
        return stmt
    return stmt.with_changes(lpar=[], rpar=[])


def check(chain: Chain, base: Base, ctx: Context) -> None:
    """Raise Unsupported where :func:`convert` does, without working out the imports it needs."""
    _build(chain, base, ctx)


def _build(
    chain: Chain, base: Base, ctx: Context, layout: bool = False
) -> tuple[_Builder, cst.BaseExpression]:
    """The 2.0 expression of ``chain``, with the builder that noted its imports; ``layout``:
    with the layout the rewrite writes (a scan's check needs none)."""
    b = _Builder(base, ctx)
    root = chain.root
    stmt, columns = _select_of(b, chain, base)
    builders = chain.builders
    _check_fsa2_paginate(chain, base, ctx)
    for step in builders:
        _check_builder(step)
    if base.var and any(s.name in {"with_entities", "add_columns", "add_entity"} for s in builders):
        raise Unsupported(
            R.QUERY_VARIABLE, "the columns of a query variable change after its first assignment"
        )
    filtered = _FilterByEntity(columns, base.prior_steps)
    columns = _columns_after(columns, builders)
    shape = shape_of(columns, base.aliased, base.tables)
    all_steps = [*base.prior_steps, *builders]
    _check_distinct_order(shape, all_steps)
    direct = None if base.var else _direct_columns(chain, builders)
    if direct is not None:  # `select(X.id)` rather than `select(X).with_only_columns(X.id)`
        entities = direct.call
        assert entities is not None
        stmt = cst.Call(b.sa("select"), args=_strip_comma(entities.args))
        if isinstance(root, cst.Call):
            stmt = root.with_changes(func=b.sa("select"), args=_strip_comma(entities.args))
    for step in builders:
        filtered.see(step)
        if step is not direct:
            stmt = _apply_builder(b, stmt, step, filtered)
    if layout:
        stmt = _without_redundant_parens(stmt)
    if ctx.loads:
        stmt = _eager_loads(b, stmt, ctx)
    unique, eager = _needs_unique(shape, all_steps, ctx, base.distinct or is_distinct(builders))
    term = chain.terminal
    if chain.subscript is not None:
        if term is not None:
            raise Unsupported(R.QUERY_INDEX, "subscript after a terminal method")
        node = _subscript(b, stmt, chain.subscript, shape, unique)
    elif term is None:
        node = _no_terminal(b, stmt, shape, unique)
    else:
        node = _terminal(_Ending(b, chain, stmt, term, shape, unique, builders, eager))
    return b, node


#: why a ``paginate()`` stays a legacy query on Flask-SQLAlchemy 2.x
FSA2_PAGINATE = (
    "Flask-SQLAlchemy 2.x has no `db.paginate()` for a `select()`: keep "
    "`Model.query...paginate()` (still supported) until the project moves to "
    "Flask-SQLAlchemy 3.x, or paginate by hand with `limit()`/`offset()` and a count"
)


def _check_fsa2_paginate(chain: Chain, base: Base, ctx: Context) -> None:
    """A ``paginate()`` on Flask-SQLAlchemy 2.x is reported first, before what its builders
    lack: rewriting those by hand (``with_parent()``) would still leave it a legacy query."""
    term = chain.terminal
    paginates = term is not None and term.name == "paginate" and term.call is not None
    if paginates and base.fsa_db and not ctx.fsa3:
        raise Unsupported(R.FLASK_SQLALCHEMY_2, FSA2_PAGINATE)


def _select_of(
    b: _Builder, chain: Chain, base: Base
) -> tuple[cst.BaseExpression, list[cst.BaseExpression]]:
    """The ``select()`` a chain's root becomes (its own statement for a query variable), and its
    columns."""
    root = chain.root
    if base.var:
        return root, list(base.columns)
    kind = base.dml or "select"
    if isinstance(root, cst.Call):
        columns = _args_values(root.args, "`query()`")
        if not columns:
            raise Unsupported(R.UNKNOWN_RESULT_SHAPE, "`query()` without entities")
        return root.with_changes(func=b.sa(kind)), columns
    assert isinstance(root, cst.Attribute)
    return cst.Call(b.sa(kind), args=[cst.Arg(root.value)]), [root.value]


def _eager_loads(b: _Builder, stmt: cst.BaseExpression, ctx: Context) -> cst.BaseExpression:
    """``stmt.options(selectinload(Model.rel), ...)`` for the relationships the plan loads eagerly."""
    b.imports.add(("sqlalchemy.orm", "selectinload"))
    loader = ctx.aliases.get("selectinload", "selectinload")
    options = [cst.Arg(cst.parse_expression(f"{loader}({cls}.{attr})")) for cls, attr in ctx.loads]
    return _method(stmt, "options", _join_args(options))


def _direct_columns(chain: Chain, builders: Sequence[Step]) -> Step | None:
    """The ``with_entities()`` step that can become the columns of ``select()`` itself.

    Only when it is the one column change, nothing joins or picks another FROM, and it names
    columns of the classes the query started from: then the FROM clause is the same either way.
    """
    changes = [s for s in builders if s.name in {"with_entities", "add_columns", "add_entity"}]
    if len(changes) != 1 or changes[0].name != "with_entities" or changes[0].call is None:
        return None
    if any(s.name in JOINS or s.name == "from_statement" for s in builders):
        return None
    root = chain.root
    if isinstance(root, cst.Call):
        started = _class_refs(list(root.args))
    elif isinstance(root, cst.Attribute):
        started = _class_refs([root.value])
    else:
        return None
    wanted = _class_refs(list(changes[0].call.args))
    if not started or not wanted or not wanted <= started:
        return None
    return changes[0]


class _ClassRefs(WalkVisitor):
    """The classes nodes name, as written up to the class: ``User`` of ``User.id``,
    ``models.User`` of ``models.User.email``."""

    def __init__(self) -> None:
        self.refs: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self._add([node.value])

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        dotted = get_full_name_for_node(node)
        if dotted is None:
            return True  # `f(x).y`: the names inside
        self._add(dotted.split("."))
        return False

    def _add(self, parts: list[str]) -> None:
        for index, part in enumerate(parts):
            if is_camel(part) and part not in {"True", "False", "None"}:
                self.refs.add(".".join(parts[: index + 1]))
                return


def _class_refs(nodes: Sequence[cst.CSTNode]) -> set[str]:
    """:class:`_ClassRefs` of ``nodes``."""
    visitor = _ClassRefs()
    for node in nodes:
        walk(node, visitor)
    return visitor.refs


def _names_in(node: cst.CSTNode) -> set[str]:
    """Names the new expression really uses: a `select` built and then dropped needs no import."""
    names: set[str] = set()

    class Collect(WalkVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            names.add(name.value)

    walk(node, Collect())
    return names


def _unique(node: cst.BaseExpression, unique: bool) -> cst.BaseExpression:
    return _method(node, "unique") if unique else node


def _unique_rows(node: cst.BaseExpression, shape: Shape, unique: bool) -> cst.BaseExpression:
    """``node.unique()`` for rows of entities (compared by identity) and counts; refused for rows
    that also hold other columns, whose values ``Result.unique()`` hashes: it raises for a value
    that cannot be hashed (JSON, arrays), where the legacy Query compared such values by
    identity."""
    if (
        unique
        and not shape.single_entity
        and not all(
            kind == "entity" or _counts(column)
            for column, kind in zip(shape.columns, shape.kinds, strict=True)
        )
    ):
        raise UniqueRows(R.UNIQUE_ROWS_WITH_COLUMNS, UNIQUE_ROWS_REASON, _entity_classes(shape))
    return _unique(node, unique)


def _counts(column: cst.BaseExpression) -> bool:
    """Whether ``column`` is ``func.count(...)`` (labelled or not): its values are integers,
    which ``.unique()`` can hash."""
    if (
        isinstance(column, cst.Call)
        and isinstance(column.func, cst.Attribute)
        and column.func.attr.value == "label"
    ):
        column = column.func.value
    return isinstance(column, cst.Call) and (
        dotted_code(column.func) == "func.count" or dotted_code(column.func).endswith(".func.count")
    )


#: why rows of an entity and columns that need ``.unique()`` stay for review
UNIQUE_ROWS_REASON = (
    "the legacy query de-duplicated its rows of an entity and columns; 2.0's `.unique()` does "
    "that by hashing every value, and raises for a column whose values cannot be hashed (JSON, "
    "arrays): rewrite by hand with `.unique()` if no selected column is of such a type"
)


def _entity_classes(shape: Shape) -> tuple[str, ...]:
    """The class names of the entities ``shape`` selects; () when one of them is not a known
    class (``self.model``)."""
    found: set[str] = set()
    for column, kind in zip(shape.columns, shape.kinds, strict=True):
        if kind != "entity":
            continue
        names = _scan([column]).names or _module_class(column)
        if not names:
            return ()
        found |= names
    return tuple(sorted(found))


def eager_rows(chain: Chain, base: Base, ctx: Context) -> tuple[str, ...] | None:
    """The classes whose eager loading of a collection would make ``chain``, which converts in
    ``ctx``, need ``.unique()`` on rows that also hold columns, which is not rewritten
    (``UNIQUE_ROWS_WITH_COLUMNS``); () for any class; None when none would. The plan knows
    which classes do; a file's scan does not."""
    if not _may_select_rows(chain):
        return None
    try:
        _build(chain, base, replace(ctx, eager_every=True))
    except UniqueRows as exc:
        return exc.classes
    except Unsupported:
        return None
    return None


def _may_select_rows(chain: Chain) -> bool:
    """Whether ``chain`` may select more than one column: ``query(A, B)``, ``add_columns``..."""
    root = chain.root
    if isinstance(root, cst.Call) and len(root.args) > 1:
        return True
    return any(s.name in {"add_columns", "add_entity", "with_entities"} for s in chain.builders)


def _results(
    b: _Builder, stmt: cst.BaseExpression, shape: Shape, unique: bool
) -> cst.BaseExpression:
    """``sess.scalars(stmt)`` for shape S, ``sess.execute(stmt)`` for rows, then unique()."""
    if shape.single_entity:
        return _unique(b.scalars(stmt, parens=True), unique)
    return _unique_rows(b.run("execute", [cst.Arg(stmt)], parens=True), shape, unique)


def _no_terminal(
    b: _Builder, stmt: cst.BaseExpression, shape: Shape, unique: bool
) -> cst.BaseExpression:
    use = b.ctx.use
    if use in {USE_IN_ARG, USE_STMT_ONLY}:
        return stmt  # a statement used as one, or a query variable's assignment
    if use == USE_ITER:
        parens = unique or b.ctx.parens
        if shape.single_entity:
            return _unique(b.scalars(stmt, parens), unique)
        return _unique_rows(b.run("execute", [cst.Arg(stmt)], parens=parens), shape, unique)
    raise Unsupported(
        R.QUERY_USED_AS_VALUE,
        "the query is used as a value (returned, stored or passed on); its consumers may call "
        "Query-only methods on a Select" + USED_AS_VALUE_ADVICE,
    )


#: SQLAlchemy's set operations, which combine statements (``union_all(q1, q2)``)
SET_OPERATIONS = frozenset(
    {"union", "union_all", "intersect", "intersect_all", "except_", "except_all"}
)


def reassigned(name: str, line: int) -> tuple[str, str]:
    """Why a query variable that is also assigned a value other than a query built on it
    (``q = paginate(q, page)``) stays manual, with the reason's id."""
    return (
        f"query variable `{name}` is also assigned something else in the function (line "
        f"{line}): backfix follows a query variable only through its own builder calls "
        f"(`{name} = {name}.filter(...)`); rewrite it by hand, or give the other value a name "
        "of its own, and run again"
    ), R.QUERY_VARIABLE


def used_as_value(name: str, set_operation: str = "") -> tuple[str, str]:
    """Why a query variable used as a value stays manual, with the reason's id; passed to one
    of ``SET_OPERATIONS`` (``set_operation``), which takes statements, not rows."""
    if set_operation:
        return (
            f"query variable `{name}` is passed to `{set_operation}()`, which combines "
            "statements: build it as a `select(...)`, without the session, and pass that; "
            "rows would not do"
        ), R.QUERY_USED_AS_VALUE
    return (
        f"query variable `{name}` is used as a value (returned, stored or passed on); its "
        "consumers may call Query-only methods on a Select" + USED_AS_VALUE_ADVICE
    ), R.QUERY_USED_AS_VALUE


def truth_tested(name: str) -> tuple[str, str]:
    """Why a query variable tested for truth (``if q:``) stays manual, with the reason's id."""
    return (
        f"query variable `{name}` is tested for truth (`if {name}:`), which a legacy query "
        "always passes and a `select()` refuses (`TypeError`): the test never fails as written; "
        "drop it, or test the rows (`.first()`), and run again"
    ), R.QUERY_VARIABLE


#: the rows of a query, as a manual reason suggests them; before SQLAlchemy 1.4.26 a session
#: has no ``scalars()``, and the plan suggests the second form instead
ROWS_ADVICE = "`session.scalars(select(...)).all()`"
ROWS_ADVICE_BEFORE_SCALARS = "`session.execute(select(...)).scalars().all()`"
#: what to do with a query used as a value
USED_AS_VALUE_ADVICE = (
    f": where every consumer only iterates it, hand them the rows instead ({ROWS_ADVICE}), "
    "else change them to take a `select()`"
)


def _subscript(
    b: _Builder, stmt: cst.BaseExpression, sub: cst.Subscript, shape: Shape, unique: bool
) -> cst.BaseExpression:
    if b.ctx.use == USE_STMT_ONLY:
        raise Unsupported(R.QUERY_VARIABLE, "subscript of a query variable")
    if len(sub.slice) != 1:
        raise Unsupported(R.QUERY_INDEX, "a subscript with several indexes")
    piece = sub.slice[0].slice
    if isinstance(piece, cst.Index):
        return _index(b, stmt, piece.value, shape, unique)
    assert isinstance(piece, cst.Slice)  # (the only other kind)
    if piece.step is not None:
        raise Unsupported(R.QUERY_INDEX, "slice with a step")
    lower = _int_literal(piece.lower)
    # `q[2:]` and `q[:]` have no upper bound: every row from the lower one on, not `limit(0)`
    upper = None if piece.upper is None else _int_literal(piece.upper)
    if _negative(piece.lower) or _negative(piece.upper):
        raise Unsupported(
            R.QUERY_INDEX,
            "a negative bound (`q[-n:]`) makes the legacy query load every row to keep the last "
            "ones: order the other way and take `.limit(n)` (reversing the list if the order "
            "matters), then run again",
        )
    if lower is None or (piece.upper is not None and (upper is None or upper < lower)):
        raise Unsupported(
            R.QUERY_INDEX,
            "only slices with non-negative integer literal bounds are rewritten; `q[a:b]` is "
            "`.offset(a).limit(b - a)`",
        )
    if lower:
        stmt = _method(stmt, "offset", [cst.Arg(cst.Integer(str(lower)))])
    if upper is not None:
        stmt = _method(stmt, "limit", [cst.Arg(cst.Integer(str(upper - lower)))])
    return _method(_results(b, stmt, shape, unique), "all")


def _index(
    b: _Builder, stmt: cst.BaseExpression, index: cst.BaseExpression, shape: Shape, unique: bool
) -> cst.BaseExpression:
    """``q[i]`` for a literal ``i >= 0``: the legacy query ran ``list(q[i:i + 1])[0]``, one row
    from offset ``i``, and raised IndexError when there was none; so does the list's ``[0]``."""
    position = _int_literal(index)
    if position is None:
        raise Unsupported(
            R.QUERY_INDEX,
            "`q[i]` with an index that is no non-negative integer literal: a negative one made "
            "the legacy query load every row; for `i >= 0`, `q[i]` is "
            "`session.scalars(stmt.offset(i).limit(1)).all()[0]`",
        )
    if position:
        stmt = _method(stmt, "offset", [cst.Arg(cst.Integer(str(position)))])
    stmt = _method(stmt, "limit", [cst.Arg(cst.Integer("1"))])
    rows = _method(_results(b, stmt, shape, unique), "all")
    return cst.Subscript(rows, [cst.SubscriptElement(cst.Index(cst.Integer("0")))])


def _negative(bound: cst.BaseExpression | None) -> bool:
    """Whether a slice bound is a negative number (``-n``, ``-20``)."""
    return isinstance(bound, cst.UnaryOperation) and isinstance(bound.operator, cst.Minus)


def _int_literal(node: cst.BaseExpression | None) -> int | None:
    """The value of a non-negative integer literal bound, 0 for a missing one, else None."""
    if node is None:
        return 0
    if isinstance(node, cst.Integer):
        return int(node.evaluated_value)
    return None


@dataclass(frozen=True)
class _Ending:
    """A chain's terminal method with what its rewrite needs: the statement so far, its shape..."""

    b: _Builder
    chain: Chain
    stmt: cst.BaseExpression
    term: Step
    shape: Shape
    unique: bool
    builders: Sequence[Step]
    #: unique() is needed for a joined eager load of a collection, not only for repeated rows
    eager: bool = False

    def parts(
        self,
    ) -> tuple[_Builder, Chain, cst.BaseExpression, Step, Shape, bool, Sequence[Step]]:
        """The fields, in order."""
        return (self.b, self.chain, self.stmt, self.term, self.shape, self.unique, self.builders)

    def first(self) -> tuple[cst.BaseExpression, bool]:
        """The statement ``first()`` runs (``LIMIT 1`` added as legacy did) and whether its result
        needs unique(): rows a join repeats cannot repeat in one row, a joined eager load still
        needs it."""
        limited = _limit_one(self.stmt, [*self.b.base.prior_steps, *self.builders])
        return limited, self.unique and (self.eager or limited is self.stmt)


def _terminal(end: _Ending) -> cst.BaseExpression:
    b, chain, stmt, term, shape, _, builders = end.parts()
    name = term.name
    if name in REPORTED:
        raise Unsupported(R.NO_SELECT_EQUIVALENT, REPORTED[name])
    if term.call is None:
        if name == "statement":
            return stmt  # `.statement` is the select() itself
        if name == "session":
            session = dotted_code(b.base.session) or "the session"
            raise Unsupported(
                R.NO_SELECT_EQUIVALENT,
                f"`.session` of a legacy query is the session it runs in: use `{session}` "
                "itself (`Model.query.session.commit()` → `db.session.commit()`)",
            )
        raise Unsupported(R.NO_SELECT_EQUIVALENT, f"`.{name}` without a call")
    args = term.call.args
    if b.ctx.use == USE_STMT_ONLY and name not in {"subquery", "cte", "scalar_subquery", "exists"}:
        raise Unsupported(R.QUERY_VARIABLE, f"`.{name}()` in a query variable's assignment")
    if name == "exists":
        return _exists(stmt, term, builders)
    if name in {"subquery", "cte", "scalar_subquery", "as_scalar"}:
        new = "scalar_subquery" if name == "as_scalar" else name
        return _method(stmt, new, args, like=term)
    if name == "label":
        return _method(_method(stmt, "scalar_subquery"), "label", args, like=term)
    if name in FSA_TERMINALS:
        return _fsa(end)
    if name in {"get", "update", "delete"}:
        return _by_entity(b, chain, term, shape, builders)
    if name not in TERMINALS:
        raise Unsupported(R.UNKNOWN_QUERY_METHOD, _unknown_method(name))
    if args and name != "count":
        raise Unsupported(R.UNSUPPORTED_ARGUMENTS, f"`.{name}()` with arguments")
    if name == "count":
        if args:
            raise Unsupported(R.UNSUPPORTED_ARGUMENTS, "`.count()` with arguments")
        return _count(b, stmt, term, shape, builders)
    return _run_terminal(end)


def _exists(stmt: cst.BaseExpression, term: Step, builders: Sequence[Step]) -> cst.Call:
    """``select(...).exists()``: an EXISTS of the same rows, run by the query it is put in.

    ``Query.exists()`` turned eager loading off, so a query with loader options is left to the
    user rather than trusting how each option behaves inside a subquery."""
    if term.call is not None and term.call.args:
        raise Unsupported(R.UNSUPPORTED_ARGUMENTS, "`.exists()` with arguments")
    if any(step.name == "options" for step in builders):
        raise Unsupported(
            R.NO_SELECT_EQUIVALENT,
            "`.exists()` of a query with loader options: rewrite it as "
            "`select(...).where(...).exists()` without them",
        )
    return _method(stmt, "exists", like=term)


def _run_terminal(end: _Ending) -> cst.BaseExpression:
    """The terminals that run the statement: ``all``, ``first``, ``one(_or_none)``, ``scalar``."""
    b, _, stmt, term, shape, unique, builders = end.parts()
    name = term.name
    if name == "all":
        return _method(_results(b, stmt, shape, unique), "all", like=term)
    if name == "first":  # first() applied LIMIT 1, except to a from_statement() query
        limited, unique = end.first()
        return _method(_results(b, limited, shape, unique), "first", like=term)
    if name in {"one", "one_or_none"}:
        method = f"scalar_{name}" if shape.single_entity else name
        executed = _unique_rows(b.run("execute", [cst.Arg(stmt)], parens=True), shape, unique)
        return _method(executed, method, like=term)
    if name == "scalar":
        if _selects_exists(shape, [*b.base.prior_steps, *builders]):
            # `SELECT EXISTS (...)` gives one row: its value as `scalar()` gave it, typed `bool`
            if not b.ctx.typed:
                return b.run("scalar", [cst.Arg(stmt)], parens=b.ctx.parens)
            executed = b.run("execute", [cst.Arg(stmt)], parens=True)
            return _method(executed, "scalar_one", like=term)
        aggregate = (
            not shape.has_entity
            and all(_is_aggregate(c) for c in shape.columns)
            and not any(s.name == "group_by" for s in [*b.base.prior_steps, *builders])
        )
        if aggregate:
            return b.run("scalar", [cst.Arg(stmt)], parens=b.ctx.parens)
        executed = _unique_rows(b.run("execute", [cst.Arg(stmt)], parens=True), shape, unique)
        return _method(executed, "scalar_one_or_none", like=term)
    raise Unsupported(R.UNKNOWN_QUERY_METHOD, _unknown_method(name))


def _unknown_method(name: str) -> str:
    """Why a chain that ends in ``.name()``, no method of SQLAlchemy's ``Query``, stays."""
    return (
        f"`.{name}()` is not a legacy Query method with a select() equivalent (a custom Query "
        "subclass method, or an extension's such as Flask-Whooshee's search?)"
    )


def unknown_method_name(reason: str) -> str:
    """The method an :func:`_unknown_method` reason names (``notempty``)."""
    return reason[2 : reason.index("()`")] if reason.startswith("`.") else reason


def _limit_one(stmt: cst.BaseExpression, steps: Sequence[Step]) -> cst.BaseExpression:
    """``stmt.limit(1)`` as ``first()`` applied it, unless the query is textual or already limited to 1."""
    for step in steps:
        if step.name == "from_statement":
            return stmt
        if step.name == "limit" and step.call is not None and len(step.call.args) == 1:
            value = step.call.args[0].value
            if isinstance(value, cst.Integer) and value.value == "1":
                return stmt
    return _method(stmt, "limit", [cst.Arg(cst.Integer("1"))])


def _selects_exists(shape: Shape, steps: Sequence[Step]) -> bool:
    """Whether the query selects one ``EXISTS`` and nothing else is done to it
    (``session.query(q.exists())``): exactly one row, whatever the rows of ``q``."""
    if shape.has_entity or len(shape.columns) != 1 or steps:
        return False
    (column,) = shape.columns
    # `exists().where(...)`: the methods of an EXISTS that give an EXISTS
    while (
        isinstance(column, cst.Call)
        and isinstance(column.func, cst.Attribute)
        and column.func.attr.value in _EXISTS_REFINED
    ):
        column = column.func.value
    return isinstance(column, cst.Call) and last_name(column.func) == "exists"


#: methods of ``exists()`` that return an EXISTS still: one row, ``True`` or ``False``
_EXISTS_REFINED = frozenset({"where", "select_from", "correlate", "correlate_except"})


def _is_aggregate(column: cst.BaseExpression) -> bool:
    if not (isinstance(column, cst.Call) and isinstance(column.func, cst.Attribute)):
        return False
    owner = column.func.value
    is_func = (isinstance(owner, cst.Name) and owner.value == "func") or (
        isinstance(owner, cst.Attribute) and owner.attr.value == "func"  # `db.func`
    )
    return is_func and column.func.attr.value in AGGREGATES


def _count(
    b: _Builder,
    stmt: cst.BaseExpression,
    term: Step,
    shape: Shape,
    builders: Sequence[Step],
) -> cst.BaseExpression:
    """The short form only for a plain filtered single-entity query, else the subquery form; run
    by ``session.scalar()``, or in a project that checks types for its one row with
    ``scalar_one()``, an ``int`` as ``count()`` was (``session.scalar()`` is typed
    ``int | None``, which a type-checked ``count() > 0`` would no longer pass)."""
    count = cst.Call(b.sa("select"), args=[cst.Arg(_method(b.sa("func"), "count"))])
    # Counting the filtered (or joined) rows directly counts what the legacy subquery counted.
    simple = (
        not b.base.var
        and shape.single_entity
        and isinstance(shape.columns[0], (cst.Name, cst.Attribute))
        and all(s.name in _DIRECT_COUNT for s in builders)
    )
    if simple:
        inner: cst.BaseExpression = _method(count, "select_from", [cst.Arg(shape.columns[0])])
        filtered = _FilterByEntity(shape.columns, b.base.prior_steps)
        for step in builders:
            filtered.see(step)
            inner = _apply_builder(b, inner, step, filtered)
    else:
        inner = _method(count, "select_from", [cst.Arg(_method(stmt, "subquery"))])
    if not b.ctx.typed:
        return b.run("scalar", [cst.Arg(inner)], parens=b.ctx.parens)
    return _method(b.run("execute", [cst.Arg(inner)], parens=True), "scalar_one", like=term)


def _entity(chain: Chain, shape: Shape, what: str) -> cst.BaseExpression:
    if not shape.single_entity:
        raise Unsupported(
            R.UNKNOWN_RESULT_SHAPE, f"`{what}` on a query that does not select exactly one entity"
        )
    return shape.columns[0]


def _by_entity(
    b: _Builder, chain: Chain, term: Step, shape: Shape, builders: Sequence[Step]
) -> cst.BaseExpression:
    assert term.call is not None
    if b.base.var and term.name != b.base.dml:
        also = "" if term.name == "get" else " that the function also runs otherwise"
        raise Unsupported(
            R.QUERY_VARIABLE,
            f"`.{term.name}()` on a query variable{also}: rewrite the whole query by hand",
        )
    entity = _entity(chain, shape, f".{term.name}()")
    if term.name == "get":
        return _get(b, entity, term, builders)
    _check_bulk_builders(term, [*b.base.prior_steps, *builders])
    positional = (
        ("values", "synchronize_session") if term.name == "update" else ("synchronize_session",)
    )
    given: dict[str, cst.BaseExpression] = {}
    for index, arg in enumerate(term.call.args):
        if arg.star:
            raise Unsupported(R.UNSUPPORTED_ARGUMENTS, f"starred arguments to `.{term.name}()`")
        key = arg.keyword.value if arg.keyword is not None else None
        if key is None:
            if index >= len(positional):
                raise Unsupported(
                    R.UNSUPPORTED_ARGUMENTS, f"unexpected argument to `.{term.name}()`"
                )
            key = positional[index]
        if key not in positional:
            raise Unsupported(
                R.UNSUPPORTED_ARGUMENTS, f"`.{term.name}({key}=...)` needs a manual rewrite"
            )
        given[key] = arg.value
    if b.base.var:  # the variable holds the statement already (see `Base.dml`)
        dml: cst.BaseExpression = chain.root
    else:
        dml = cst.Call(b.sa(term.name), args=[cst.Arg(entity)])
    for step in builders:
        dml = _apply_builder(b, dml, step)
    if term.name == "update":
        if "values" not in given:
            raise Unsupported(R.UNSUPPORTED_ARGUMENTS, "`.update()` without values")
        dml = _method(dml, "values", [cst.Arg(given["values"])])
    if "synchronize_session" in given:
        dml = _method(
            dml,
            "execution_options",
            [_kwarg("synchronize_session", given["synchronize_session"])],
        )
    if b.ctx.use == USE_STATEMENT:
        return b.run("execute", [cst.Arg(dml)], parens=False)
    return cst.Attribute(_cursor_result(b, dml), cst.Name("rowcount"))


def _cursor_result(b: _Builder, dml: cst.BaseExpression) -> cst.BaseExpression:
    """``session.execute(dml)``, in parentheses where ``await`` precedes it; in a type-checked
    project ``cast(CursorResult[Any], session.execute(dml))``: the ``CursorResult`` it returns
    at run time, whose ``rowcount`` the legacy ``Query.delete()``/``update()`` returned."""
    if not b.ctx.rowcount_cast:
        return b.run("execute", [cst.Arg(dml)], parens=True)
    cursor_type = cst.Subscript(
        b.imported("sqlalchemy.engine", "CursorResult"),
        [cst.SubscriptElement(cst.Index(b.imported("typing", "Any")))],
    )
    executed = b.run("execute", [cst.Arg(dml)], parens=False)
    return cst.Call(b.imported("typing", "cast"), [cst.Arg(cursor_type), cst.Arg(executed)])


def _check_bulk_builders(term: Step, steps: Sequence[Step]) -> None:
    """A bulk ``.delete()``/``.update()`` converts after filters only."""
    bad = [s.name for s in steps if s.name not in {"filter", "where", "filter_by"}]
    if bad:
        raise Unsupported(
            R.BULK_ON_JOINED_QUERY,
            f"bulk `.{term.name}()` after `.{bad[0]}()`: only filtered queries convert",
        )


def _get(
    b: _Builder, entity: cst.BaseExpression, term: Step, builders: Sequence[Step]
) -> cst.BaseExpression:
    assert term.call is not None
    ident = _args_values(term.call.args, "`.get()`")
    if len(ident) != 1:
        raise Unsupported(R.UNSUPPORTED_ARGUMENTS, "`.get()` needs exactly one identity argument")
    args = [cst.Arg(entity), cst.Arg(ident[0])]
    for step in builders:
        assert step.call is not None
        if step.name == "options":
            options = _args_values(step.call.args, "`options()`")
            elements = [cst.Element(v) for v in options]
            args.append(_kwarg("options", cst.List(_join_elements(elements))))
        elif step.name == "populate_existing" and not step.call.args:
            args.append(_kwarg("populate_existing", cst.Name("True")))
        elif step.name == "with_for_update" and not step.call.args:
            args.append(_kwarg("with_for_update", cst.Name("True")))
        else:
            raise Unsupported(
                R.GET_AFTER_QUERY_METHODS,
                f"`.get()` after `.{step.name}()`: `Session.get` only takes options, "
                "populate_existing and with_for_update",
            )
    return b.run("get", _join_args(args), parens=b.ctx.parens)


def _join_elements(elements: list[cst.Element]) -> list[cst.Element]:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [e.with_changes(comma=comma) for e in elements[:-1]] + elements[-1:]


def _fsa(end: _Ending) -> cst.BaseExpression:
    """Flask-SQLAlchemy's extension methods (get_or_404, first_or_404, paginate...), one entity only."""
    b, chain, stmt, term, shape, unique, builders = end.parts()
    assert term.call is not None
    if not b.base.fsa_db:
        raise Unsupported(
            R.NOT_FLASK_SQLALCHEMY_QUERY,
            f"`.{term.name}()` on a query that is not Flask-SQLAlchemy's",
        )
    db = dotted(b.base.fsa_db)
    args = _strip_comma(term.call.args)
    if not b.ctx.fsa3:
        return _fsa2(end)
    if term.name in ("get_or_404", "first_or_404", "one_or_404"):
        args = _description_by_keyword(term, args)
    if term.name == "get_or_404":
        if b.base.var or builders:
            raise Unsupported(R.GET_AFTER_QUERY_METHODS, "`get_or_404()` after other query methods")
        entity = _entity(chain, shape, ".get_or_404()")
        return _db_call(db, "get_or_404", _join_args([cst.Arg(entity), *args]), term)
    if not shape.single_entity:
        raise Unsupported(
            R.UNKNOWN_RESULT_SHAPE,
            f"`db.{term.name}` forces scalars(): only single-entity queries convert",
        )
    if term.name == "first_or_404":
        limited = _method(stmt, "limit", [cst.Arg(cst.Integer("1"))])
        return _db_call(db, "first_or_404", _join_args([cst.Arg(limited), *args]), term)
    if term.name == "one_or_404":
        if unique:
            raise Unsupported(
                R.ONE_OR_404_REPEATED_ROWS,
                "`one_or_404()` on a query whose rows can repeat: legacy de-duplicated, "
                "`db.one_or_404` would 404",
            )
        return _db_call(db, "one_or_404", _join_args([cst.Arg(stmt), *args]), term)
    keywords: list[cst.Arg] = []  # arguments are keyword-only since Flask-SQLAlchemy 3.0
    for index, arg in enumerate(args):
        if arg.star:
            raise Unsupported(R.UNSUPPORTED_ARGUMENTS, "starred arguments to `paginate()`")
        if arg.keyword is None:
            if index >= len(PAGINATE_POSITIONAL):
                raise Unsupported(
                    R.UNSUPPORTED_ARGUMENTS, "too many positional arguments to `paginate()`"
                )
            arg = _kwarg(PAGINATE_POSITIONAL[index], arg.value).with_changes(comma=arg.comma)
        keywords.append(arg)
    return _db_call(db, "paginate", _join_args([cst.Arg(stmt), *keywords]), term)


def _description_by_keyword(term: Step, args: Sequence[cst.Arg]) -> list[cst.Arg]:
    """``args`` of ``get_or_404(ident, description)``/``first_or_404(description)`` with the
    description passed by name: ``db.get_or_404()``, ``db.first_or_404()`` and
    ``db.one_or_404()`` take it keyword-only."""
    position = _description_index(term)
    kept: list[cst.Arg] = []
    for index, arg in enumerate(args):
        if arg.star:
            raise Unsupported(R.UNSUPPORTED_ARGUMENTS, f"starred arguments to `{term.name}()`")
        if arg.keyword is None and index == position:
            arg = _kwarg("description", arg.value).with_changes(comma=arg.comma)
        kept.append(arg)
    return kept


def _fsa2(end: _Ending) -> cst.BaseExpression:
    """Flask-SQLAlchemy 2.x has no ``db.get_or_404``/``db.first_or_404``/``db.paginate``.

    ``get_or_404``/``first_or_404`` become the lookup followed by ``or abort(404)``, which is what
    2.x's own methods do; ``one_or_404`` has no 2.x form and is reported (``paginate`` neither:
    :func:`_check_fsa2_paginate` reports it before the chain's builders are read).
    """
    b, chain, _, term, shape, _, builders = end.parts()
    assert term.call is not None
    if term.name == "one_or_404":
        raise Unsupported(
            R.FLASK_SQLALCHEMY_2,
            "`one_or_404()` does not exist in Flask-SQLAlchemy 2.x (a custom Query method?)",
        )
    description = _description(term)
    if term.name == "get_or_404":
        if b.base.var or builders:
            raise Unsupported(
                R.GET_AFTER_QUERY_METHODS,
                "`get_or_404()` after other query methods: rewrite by hand",
            )
        entity = _entity(chain, shape, ".get_or_404()")
        positional = [a.value for a in term.call.args if a.keyword is None]
        ident = positional[0] if positional else _keyword_value(term, "ident")
        if ident is None:
            raise Unsupported(R.UNSUPPORTED_ARGUMENTS, "`get_or_404()` without an identity")
        found = b.run("get", _join_args([cst.Arg(entity), cst.Arg(ident)]), parens=False)
    else:
        if not shape.single_entity:
            raise Unsupported(
                R.UNKNOWN_RESULT_SHAPE,
                "`first_or_404()` on a query that does not select one entity",
            )
        limited, unique = end.first()
        found = _method(_results(b, limited, shape, unique), "first")
    abort_args = [cst.Arg(cst.Integer("404"))]
    if description is not None:
        abort_args.append(_kwarg("description", description))
    abort = cst.Call(b.imported("flask", "abort"), args=_join_args(abort_args))
    node = cst.BooleanOperation(found, cst.Or(), abort)
    if b.ctx.standalone:
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _keyword_value(term: Step, name: str) -> cst.BaseExpression | None:
    assert term.call is not None
    for arg in term.call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _description_index(term: Step) -> int:
    """Where the legacy ``get_or_404(ident, description)``/``first_or_404(description)`` takes
    its description by position."""
    return 1 if term.name == "get_or_404" else 0


def _description(term: Step) -> cst.BaseExpression | None:
    """The ``description`` argument of ``get_or_404(ident, description)``/``first_or_404(description)``."""
    assert term.call is not None
    position = _description_index(term)
    for index, arg in enumerate(term.call.args):
        if arg.star:
            raise Unsupported(R.UNSUPPORTED_ARGUMENTS, f"starred arguments to `{term.name}()`")
        if arg.keyword is not None:
            if arg.keyword.value == "description":
                return arg.value
            if arg.keyword.value != "ident":
                raise Unsupported(
                    R.UNSUPPORTED_ARGUMENTS,
                    f"`{term.name}({arg.keyword.value}=...)` needs a manual rewrite",
                )
        elif index == position:
            return arg.value
        elif index > position:
            raise Unsupported(R.UNSUPPORTED_ARGUMENTS, f"too many arguments to `{term.name}()`")
    return None
