"""What the project's mappings say, read once over the whole project in the plan phase.

* which classes are mapped (so ``anything.query(Model)`` is a legacy query whatever ``anything`` is);
* where a custom query class is set (``query_class = X`` in a model, a mixin or on ``db.Model``,
  ``SQLAlchemy(query_class=X)``, ``sessionmaker(query_cls=X)``, ``query_property(X)``) and which
  models inherit it: their queries hide or add criteria a plain ``select()`` would lose;
* which models eager-load a collection through ``lazy="joined"`` (their entity results need
  ``.unique()`` in 2.0), counting a ``backref(..., lazy="joined")`` on the class it is created on;
* relationship names and ``lazy=`` modes (for the lazy-load and dynamic-relationship findings).

Classes are matched by name across the project: two classes of the same name count as one, which
only ever makes the tool report more, never rewrite more.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from backfix.project import is_test_module

from . import lazy

_MAX_BYTES = 1_000_000
#: a file is parsed only when it mentions one of these (any class may be a model).
_MARKERS = (b"class ", b"query_class", b"query_cls", b"SQLAlchemy(", b"listen", b"Table(")
#: the library's own query classes: setting one of these changes nothing.
DEFAULT_QUERY_CLASSES = frozenset({"Query", "BaseQuery"})
#: the public names of SQLAlchemy's legacy ``Query`` (1.3 to 2.x) and Flask-SQLAlchemy's
#: ``BaseQuery``: a query class defining one of them changes what a query does, not only adds to it
QUERY_API_NAMES = frozenset(
    {
        *("add_column", "add_columns", "add_entity", "all", "allows_lambda", "apply_labels"),
        *("as_scalar", "autoflush", "column_descriptions", "correlate", "count", "cte"),
        *("delete", "dispatch", "distinct", "enable_assertions", "enable_eagerloads"),
        *("except_", "except_all", "execution_options", "exists", "ext", "filter", "filter_by"),
        *("first", "first_or_404", "from_self", "from_statement", "get", "get_children"),
        *("get_execution_options", "get_label_style", "get_or_404", "group_by", "having"),
        *("instances", "intersect", "intersect_all", "is_delete", "is_dml", "is_from_statement"),
        *("is_insert", "is_select", "is_single_entity", "is_text", "is_update", "join"),
        *("label", "lazy_loaded_from", "limit", "load_options", "logger", "logging_name"),
        *("memoized_attribute", "memoized_instancemethod", "merge_result", "offset", "one"),
        *("one_or_404", "one_or_none", "only_return_tuples", "options", "order_by", "outerjoin"),
        *("paginate", "params", "populate_existing", "prefix_with", "reset_joinpoint"),
        *("scalar", "scalar_subquery", "select_entity_from", "select_from", "selectable"),
        *("session", "set_label_style", "slice", "statement", "subquery", "suffix_with"),
        *("supports_execution", "tuples", "union", "union_all", "update", "uses_inspection"),
        *("value", "values", "where", "whereclause", "with_entities", "with_for_update"),
        *("with_hint", "with_labels", "with_lockmode", "with_parent", "with_polymorphic"),
        *("with_session", "with_statement_hint", "with_transformation", "yield_per"),
    }
)
#: Flask-SQLAlchemy's extension class (``db = SQLAlchemy(...)``)
FSA_EXTENSION = "SQLAlchemy"
#: its keywords that set the query class or the model class
_EXTENSION_SETTINGS = frozenset({"query_class", "model_class", "session_options"})
#: words in the names of its methods that make sessions, queries or models (``create_session``,
#: ``_make_session_factory``, ``make_declarative_base``)
_SESSION_HOOK_WORDS = ("session", "query", "declarative", "model")
#: the standard library's enum classes: a subclass's attributes are its members
ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum"})
#: base classes that make a class a mapped model (Flask-SQLAlchemy's `db.Model`).
MODEL_BASES = frozenset({"Model"})
EAGER_JOINED = frozenset({"joined"})
#: what a custom query class breaks, and how to fix it; shown with every report.
#: entry points of the query API that no other method of ``Query`` or Flask-SQLAlchemy's
#: ``BaseQuery`` calls, but the ``*_or_404`` helper beside each (:data:`CALLED_BY`): a query
#: class overriding them changes only the queries that call them (``paginate``: only the
#: ``Pagination`` it returns calls it again, for the next page)
LOCAL_OVERRIDES = frozenset(
    {"get", "get_or_404", "first_or_404", "one_or_404", "delete", "update", "paginate"}
)
#: the overridable methods a query method runs itself (Flask-SQLAlchemy's ``get_or_404`` runs
#: ``get``)
CALLED_BY = {"get_or_404": frozenset({"get"})}
CUSTOM_FIX = (
    "a plain `select()` would silently drop what the query class adds (hidden rows, default "
    "filters). Rewrite it by hand: a helper that returns a `Select` with the same criteria, or "
    "`with_loader_criteria` in a `do_orm_execute` event so every statement keeps them"
)


@dataclass
class MappedClass:
    """One class body, as far as queries care."""

    name: str
    where: str  # "path:line"
    bases: tuple[str, ...]
    table: bool = False  # __tablename__ / __table__ / SQLModel(table=True)
    abstract: bool = False
    query_class: str = ""  # the value of `query_class = X` (X's name)
    query_property: str = ""  # `query = ...query_property(X)` → X, or "" when none / default
    is_query: bool = False  # a Query subclass
    #: the public methods the body defines when it does nothing else: methods it adds, and
    #: overrides of the query API's entry points no other query method calls
    #: (:data:`LOCAL_OVERRIDES`); None for anything else (another override, a dunder or private
    #: method, a class attribute, a decorator or metaclass)
    methods: tuple[str, ...] | None = None
    truthiness: bool = False  # defines __bool__ or __len__
    #: the methods of a ``SQLAlchemy`` subclass that make its sessions, queries or models
    session_hooks: tuple[str, ...] = ()
    #: an enum, or a body that binds ``query`` to a constant: ``Cls.query`` is a member or a value
    query_member: bool = False
    #: (target class, collection?): None when the relationship does not say, see ``_collection``
    joined: list[tuple[str, bool | None]] = field(default_factory=list)
    #: the table its ``__tablename__`` names ("" when not a plain string)
    tablename: str = ""
    #: derives from ``<name>.Model`` (Flask-SQLAlchemy's ``db.Model``) directly
    fsa_model: bool = False
    #: the tables its columns' ``ForeignKey("table.column")`` point to
    foreign_tables: set[str] = field(default_factory=set)
    lazy: set[str] = field(default_factory=set)  # relationships that load on attribute access
    #: relationships that load with their object (``lazy="joined"``, ``"selectin"``...)
    eager: set[str] = field(default_factory=set)
    #: relationships that hold one object → the name of its class ("" where it does not say)
    scalars: dict[str, str] = field(default_factory=dict)
    #: annotated attributes → the names their annotation spells (a schema's ``owner: UserOut``)
    fields: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The file that defines the class."""
        return self.where.rpartition(":")[0]


@dataclass(frozen=True)
class QuerySetting:
    """A setting of the query class a project's sessions (or Flask-SQLAlchemy's models) create:
    how a reason quotes it (``where``), and the class it names ("" for none: a subclass's
    session hook)."""

    where: str
    query_class: str = ""


@dataclass
class Mappings:
    """The project's mapped classes, custom query classes and eager collections."""

    relationships: dict[str, set[str]] = field(default_factory=dict)
    classes: dict[str, list[MappedClass]] = field(default_factory=dict)
    #: `SQLAlchemy(query_class=X)`: `Model.query` and `db.session.query()` both use it
    fsa_query_class: list[QuerySetting] = field(default_factory=list)
    #: `db.Model.query_class = X`: `Model.query` of every model
    model_query_class: list[str] = field(default_factory=list)
    #: `sessionmaker(query_cls=X)`, `Session(query_cls=X)`, `scoped_session(..., query_cls=X)`
    session_query_class: list[QuerySetting] = field(default_factory=list)
    #: backref target class → (joined, collection?) created on it by another class's relationship
    backref_joined: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    #: query classes a ``before_compile`` listener is registered on (``event.listens_for(
    #: HiddenQuery, "before_compile", retval=True)``) → where: it may change every query through
    #: the class (``Query``: every legacy query), which a ``select()`` never runs
    listened: dict[str, str] = field(default_factory=dict)
    #: what calls of another class than ``SQLAlchemy`` with its settings' keywords would set
    #: (``IndicoSQLAlchemy(query_class=X)``): applied when the class derives from ``SQLAlchemy``,
    #: which is known once every module is read (see :meth:`resolve_extensions`)
    extension_calls: list[tuple[str, Mappings]] = field(default_factory=list)
    #: names bound to a ``Table(...)`` (``db.Table``, ``sa.Table``) → where (``path:line``): a
    #: query of one gives rows, not objects, whatever its name looks like
    tables: dict[str, list[str]] = field(default_factory=dict)
    #: the project declares Flask-SQLAlchemy, which names the table of a ``db.Model`` that does
    #: not (set by the plan, which knows the project's versions)
    fsa_table_names: bool = False

    def add(self, file: FileMappings) -> None:
        """Merge one module's mappings, read after the modules already added."""
        found = file.found
        for name, modes in found.relationships.items():
            self.relationships.setdefault(name, set()).update(modes)
        for name, classes in found.classes.items():
            # copies: a late ``query_class`` below must not change the facts a worker returned
            self.classes.setdefault(name, []).extend(_copy(c) for c in classes)
        for name, joined in found.backref_joined.items():
            self.backref_joined.setdefault(name, []).extend(joined)
        self.fsa_query_class += found.fsa_query_class
        self.model_query_class += found.model_query_class
        for name, where in found.listened.items():
            self.listened.setdefault(name, where)
        self.session_query_class += found.session_query_class
        self.extension_calls += found.extension_calls
        for name, places in found.tables.items():
            self.tables.setdefault(name, []).extend(places)
        for owner, query_class in file.late:
            for cls in self.classes.get(owner, []):
                cls.query_class = query_class

    def _lineage(self, name: str) -> Iterable[MappedClass]:
        """The classes called ``name`` and all their bases known by name, each once."""
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            for cls in self.classes.get(current, []):
                yield cls
                todo.extend(cls.bases)

    def extends_fsa(self, name: str) -> bool:
        """Class ``name`` of the project derives from Flask-SQLAlchemy's ``SQLAlchemy``."""
        return any(FSA_EXTENSION in c.bases for c in self._lineage(name))

    def resolve_extensions(self) -> None:
        """Apply what the calls of the project's ``SQLAlchemy`` subclasses set, and count a
        subclass that overrides how sessions, queries or models are made as a setting of its own:
        its queries may not be the plain ones either."""
        calls, self.extension_calls = self.extension_calls, []
        for callee, settings in calls:
            if self.extends_fsa(callee):
                self.add(FileMappings(settings))
        for classes in self.classes.values():
            for cls in classes:
                if cls.session_hooks and self.extends_fsa(cls.name):
                    hook = (
                        f"`{cls.name}` at {cls.where}, whose `{cls.session_hooks[0]}()` "
                        f"overrides how Flask-SQLAlchemy makes sessions, queries or models"
                    )
                    self.fsa_query_class.append(QuerySetting(hook))

    def is_mapped(self, name: str) -> bool:
        """A mapped class of the project (or a subclass of one, or of Flask-SQLAlchemy's Model)."""
        own = self.classes.get(name, [])
        if not own or all(c.abstract for c in own):
            return False
        return any(c.table or MODEL_BASES & set(c.bases) for c in self._lineage(name))

    def table_at(self, name: str) -> list[str]:
        """Where the project binds ``name`` to a ``Table`` (``path:line``), where it defines no
        mapped class of that name."""
        return [] if self.is_mapped(name) else self.tables.get(name, [])

    def plain_classes(self) -> frozenset[str]:
        """Classes of the project that are not mapped (enums, schemas): no query joins them."""
        return frozenset(name for name in self.classes if not self.is_mapped(name))

    def never_mapped(self) -> frozenset[str]:
        """Classes of the project none of whose instances is mapped: not mapped, and no base of
        a mapped class of the project (a mixin's ``self`` may be a model)."""
        mapped = [name for name in self.classes if self.is_mapped(name)]
        bases = {cls.name for name in mapped for cls in self._lineage(name)}
        return frozenset(name for name in self.classes if name not in bases)

    def query_is_member(self, name: str) -> bool:
        """``name.query`` is an enum member or a constant of every class called ``name``, not a
        query (``ObjectType.query`` of ``class ObjectType(Enum): query = 1``)."""
        own = self.classes.get(name, [])
        return bool(own) and all(c.query_member for c in own)

    def is_query_class(self, name: str) -> bool:
        """A ``Query`` subclass defined in the project."""
        return any(c.is_query for c in self._lineage(name))

    def _model_query_class(self, name: str) -> tuple[MappedClass, str] | None:
        """The class that decides the query class of ``Model.query`` of class ``name``, and that
        query class: the nearest ``query = ...query_property(X)`` (it replaces the ``query``
        attribute, whatever ``query_class`` says), else the nearest ``query_class = X`` that is not
        the library's own; None when neither is set."""
        lineage = list(self._lineage(name))
        for cls in lineage:
            if cls.query_property:
                return cls, cls.query_property
        for cls in lineage:
            if cls.query_class and cls.query_class not in DEFAULT_QUERY_CLASSES:
                return cls, cls.query_class
        return None

    def query_class_methods(self, name: str) -> frozenset[str] | None:
        """The methods the query class of ``Model.query`` of class ``name`` defines, when the
        model sets it (``query_class = X``, ``query_property(X)``) and it only adds methods to
        the default query class or overrides :data:`LOCAL_OVERRIDES`: a query that calls none of
        them runs as the default one does. None when it may change what any query does, or is
        not known."""
        setting = self._model_query_class(name)
        if setting is not None:
            return self._added_methods(setting[1])
        # `db.Model.query_class = X` names no class here; `SQLAlchemy(query_class=X)` does
        return None if self.model_query_class else self._methods_of(self.fsa_query_class)

    def session_query_methods(self, fsa: bool) -> frozenset[str] | None:
        """:meth:`query_class_methods` for ``session.query()`` (``fsa``: ``db.session``, which
        ``SQLAlchemy(query_class=X)`` also sets): the methods every query class the session may
        create defines, when each only adds methods; None when one may change any query."""
        settings = [*self.fsa_query_class] if fsa else []
        return self._methods_of([*settings, *self.session_query_class])

    def _methods_of(self, settings: Sequence[QuerySetting]) -> frozenset[str] | None:
        """The methods the query classes of ``settings`` add together (see
        :meth:`_added_methods`); None when one may change any query, or there is none."""
        defined: set[str] = set()
        for setting in settings:
            methods = self._added_methods(setting.query_class)
            if methods is None:
                return None
            defined |= methods
        return frozenset(defined) if settings else None

    def _added_methods(self, query_class: str) -> frozenset[str] | None:
        """The methods ``query_class`` (a class of the project) and the project's classes it
        derives from define, when they only add methods to the library's query class or override
        :data:`LOCAL_OVERRIDES`, and no ``before_compile`` listener is registered on any of them
        or on the library's class; None otherwise."""
        if query_class not in self.classes or self._default_listened():
            return None
        defined: set[str] = set()
        for cls in self._lineage(query_class):
            if (
                cls.methods is None
                or cls.name in self.listened
                or any(b not in DEFAULT_QUERY_CLASSES and b not in self.classes for b in cls.bases)
            ):
                return None
            defined.update(cls.methods)
        return frozenset(defined)

    def custom_query(self, name: str) -> str:
        """Why queries through ``Model.query`` of class ``name`` are not plain: "" when they are."""
        setting = self._model_query_class(name)
        if setting is not None:
            cls, query_class = setting
            via = "" if cls.name == name else f", inherited by `{name}`"
            spelled = (
                f"`query = ...query_property({query_class})`"
                if cls.query_property
                else f"`query_class = {query_class}`"
            )
            return f"{spelled} in `{cls.name}` at {cls.where}{via}" + self._listener_of(query_class)
        fsa = [setting.where for setting in self.fsa_query_class]
        settings = [*self.model_query_class, *fsa, *self._default_listened()]
        return settings[0] if settings else ""

    def custom_session(self, fsa: bool) -> str:
        """Why ``session.query()`` may not be plain: a session factory with a ``query_cls``."""
        applied = [*self.fsa_query_class] if fsa else []
        settings = [s.where for s in [*applied, *self.session_query_class]]
        settings += self._default_listened()
        return settings[0] if settings else ""

    def _listener_of(self, query_class: str) -> str:
        """``"; <listener>"`` for a ``before_compile`` listener on ``query_class``, a class it
        derives from or the library's own query class; ``""`` for none."""
        for cls in self._lineage(query_class):
            if cls.name in self.listened:
                return f"; {self.listened[cls.name]}"
        default = self._default_listened()
        return f"; {default[0]}" if default else ""

    def _default_listened(self) -> list[str]:
        """The ``before_compile`` listeners on the library's own query classes: they run for
        every legacy query, and for no ``select()``."""
        return [
            self.listened[name] for name in sorted(DEFAULT_QUERY_CLASSES & self.listened.keys())
        ]

    def lazy_relationship(self, name: str, attr: str) -> bool:
        """Class ``name`` (or a base) declares ``attr`` as a relationship that loads lazily."""
        return any(attr in c.lazy for c in self._lineage(name))

    def eager_relationship(self, name: str, attr: str) -> bool:
        """Class ``name`` (or a base) declares ``attr`` as a relationship that loads with its
        object, and no class of that name or base declares it as one that loads lazily."""
        lineage = list(self._lineage(name))
        return any(attr in c.eager for c in lineage) and not any(attr in c.lazy for c in lineage)

    def scalar_target(self, attr: str) -> str:
        """The class of the one object every relationship called ``attr`` holds, "" when one
        holds a collection, does not say, or they hold different classes."""
        declared = [
            cls
            for found in self.classes.values()
            for cls in found
            if attr in cls.lazy or attr in cls.eager
        ]
        targets = {cls.scalars.get(attr, "") for cls in declared}
        return targets.pop() if len(targets) == 1 else ""

    def fields(self, name: str) -> dict[str, frozenset[str]]:
        """The annotated attributes of class ``name`` and its bases → the names each annotation
        spells (a Pydantic schema's fields); a subclass's own annotation wins."""
        found: dict[str, frozenset[str]] = {}
        for cls in self._lineage(name):
            for attr, names in cls.fields.items():
                found.setdefault(attr, names)
        return found

    def defines_truthiness(self, name: str) -> bool:
        """The class (or a base) defines ``__bool__``/``__len__``: ``obj or abort(404)`` would misfire."""
        return any(c.truthiness for c in self._lineage(name))

    def _joined(self, name: str) -> list[tuple[str, bool]]:
        out = list(self.backref_joined.get(name, [])) if name not in self.classes else []
        for cls in self._lineage(name):
            out += [
                (target, self._many(cls, target) if collection is None else collection)
                for target, collection in cls.joined
            ]
            out += self.backref_joined.get(cls.name, [])
        return out

    def _many(self, cls: MappedClass, target: str) -> bool:
        """Whether a relationship of ``cls`` to ``target`` that does not say so holds a
        collection: not when only ``cls``'s table has a foreign key to the other's (the ORM then
        makes it a many-to-one); unknown (a self-reference, keys both ways, a table name not
        known) counts as yes."""
        targets = self.classes.get(target, [])
        if target == cls.name or len(targets) != 1:
            return True
        table, other = self._table_name(cls), self._table_name(targets[0])
        return not (
            table
            and other
            and other in cls.foreign_tables
            and table not in targets[0].foreign_tables
        )

    def _table_name(self, cls: MappedClass) -> str:
        """The table of ``cls``: its ``__tablename__``, or the one Flask-SQLAlchemy names after
        the class when the project declares Flask-SQLAlchemy, the class derives from
        ``db.Model`` directly and neither it nor a base of the project says how its table is
        named; "" when unknown."""
        if cls.tablename or not (self.fsa_table_names and cls.fsa_model) or cls.table:
            return cls.tablename
        if any(base.table for base in self._lineage(cls.name) if base is not cls):
            return ""
        return fsa_table_name(cls.name)

    def eager_collections(self) -> frozenset[str]:
        """Classes whose every entity query joined-eager-loads a collection (directly or nested).

        A joined many-to-one whose target joined-loads a collection counts too (the ORM follows
        joined loads until a relationship repeats on the path, so cycles still load it).
        """
        names = self.classes.keys() | self.backref_joined.keys()
        joined = {name: self._joined(name) for name in names}
        eager = {name for name, targets in joined.items() if any(coll for _, coll in targets)}
        changed = True
        while changed:
            changed = False
            for name, targets in joined.items():
                if name not in eager and any(target in eager for target, _ in targets):
                    eager.add(name)
                    changed = True
        return frozenset(eager)


def _copy(cls: MappedClass) -> MappedClass:
    return replace(
        cls,
        joined=list(cls.joined),
        lazy=set(cls.lazy),
        eager=set(cls.eager),
        scalars=dict(cls.scalars),
        fields=dict(cls.fields),
        foreign_tables=set(cls.foreign_tables),
    )


def _last(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _last(node.func)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.split(".")[-1]
    if isinstance(node, ast.Subscript):
        return _last(node.value)
    return ""


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


#: relationship() keywords that decide its direction otherwise than by the tables' foreign keys
_DIRECTION_KEYWORDS = ("primaryjoin", "secondaryjoin", "secondary", "foreign_keys", "remote_side")


def _collection(call: ast.Call, annotation: ast.expr | None) -> bool | None:
    """Does the relationship hold a collection? None when it does not say (its classes' foreign
    keys may: see ``Mappings._many``); a join condition of its own counts as yes (``.unique()``
    is harmless)."""
    uselist = _keyword(call, "uselist")
    if isinstance(uselist, ast.Constant):
        return bool(uselist.value)
    if isinstance(annotation, ast.Subscript) and _last(annotation.value) == "Mapped":
        inner = annotation.slice
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            return inner.value.split("[")[0].strip().lower() in {"list", "set", "typing.list"}
        return _last(inner).lower() in {"list", "set"}
    if any(_keyword(call, name) is not None for name in _DIRECTION_KEYWORDS):
        return True
    return None


def _foreign_tables(value: ast.expr | None) -> set[str]:
    """The tables ``ForeignKey("table.column")`` calls in ``value`` point to."""
    found: set[str] = set()
    for node in ast.walk(value) if value is not None else ():
        if (
            isinstance(node, ast.Call)
            and _last(node.func) == "ForeignKey"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and "." in node.args[0].value
        ):
            found.add(node.args[0].value.rsplit(".", 1)[0].rsplit(".", 1)[-1])
    return found


def _mapped_class(annotation: ast.expr | None) -> str:
    """``X`` of ``Mapped[X]`` (``Mapped["X | None"]``...), "" for anything else."""
    if isinstance(annotation, ast.Subscript) and _last(annotation.value) == "Mapped":
        return lazy.annotated_class(annotation.slice)
    return ""


def _relationship_target(call: ast.Call) -> str:
    return _last(call.args[0]) if call.args else ""


def _class_body(cls: ast.ClassDef, info: MappedClass, mappings: Mappings, settings: bool) -> None:
    """What a class body says about the mapping: table, query class, relationships, truthiness.

    ``settings``: the module may spell ``query_class`` (see ``_spells_settings``).
    """
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info.truthiness = info.truthiness or stmt.name in {"__bool__", "__len__"}
            info.table = info.table or stmt.name == "__tablename__"  # a declared_attr
            if settings:
                _method_query_class(stmt, info)
            continue
        targets: list[ast.expr] = []
        annotation: ast.expr | None = None
        if isinstance(stmt, ast.Assign):
            targets = list(stmt.targets)
        elif isinstance(stmt, ast.AnnAssign):
            targets, annotation = [stmt.target], stmt.annotation
        value = getattr(stmt, "value", None)
        info.foreign_tables |= _foreign_tables(value)
        for target in targets:
            if isinstance(target, ast.Name):
                _class_attribute(target.id, value, annotation, info, mappings)
                if annotation is not None and not lazy.is_relationship(value, sqlmodel=True):
                    info.fields[target.id] = lazy.annotation_names(annotation)


def _defined_methods(cls: ast.ClassDef) -> tuple[str, ...] | None:
    """The public methods a class body defines when that is all it does (a docstring and
    ``pass`` aside), none of them a name of the query API but :data:`LOCAL_OVERRIDES`; None when
    it defines another name of the query API, a dunder or private name, a class attribute, or
    has a decorator or keywords (a metaclass)."""
    if cls.decorator_list or cls.keywords:
        return None
    added: list[str] = []
    for stmt in cls.body:
        if isinstance(stmt, ast.Pass) or (
            isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        ):
            continue
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        if stmt.name.startswith("_") or stmt.name in QUERY_API_NAMES - LOCAL_OVERRIDES:
            return None
        added.append(stmt.name)
    return tuple(added)


def _class_attribute(
    name: str,
    value: ast.expr | None,
    annotation: ast.expr | None,
    info: MappedClass,
    mappings: Mappings,
) -> None:
    """One ``name = value`` (or ``name: annotation = value``) of a class body."""
    if name in {"__tablename__", "__table__"}:
        info.table = True
        if name == "__tablename__" and isinstance(value, ast.Constant):
            info.tablename = str(value.value)
    elif name == "__abstract__":
        info.abstract = _is_true(value)
    elif name == "query_class" and value is not None:
        info.query_class = _last(value)
    elif name == "query" and isinstance(value, ast.Constant):
        info.query_member = True
    elif name == "query" and isinstance(value, ast.Call) and _last(value) == "query_property":
        chosen = value.args[0] if value.args else _keyword(value, "query_cls")
        if chosen is not None and _last(chosen) not in DEFAULT_QUERY_CLASSES:
            info.query_property = _last(chosen)
    elif lazy.is_relationship(value):
        _relationship(info, value, annotation, mappings)
        if _collection(value, annotation) is False:
            info.scalars[name] = _relationship_target(value) or _mapped_class(annotation)
        mode = lazy.lazy_mode(value)
        if mode in lazy.LAZY_LOADING:
            info.lazy.add(name)
        elif mode in lazy.EAGER_LOADING:
            info.eager.add(name)


def _method_query_class(method: ast.FunctionDef | ast.AsyncFunctionDef, info: MappedClass) -> None:
    """``cls.query_class = X`` in a method (``__declare_last__``, ``__init_subclass__``)."""
    for node in ast.walk(method):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "query_class"
                and isinstance(target.value, ast.Name)
                and target.value.id in {"cls", "self"}
            ):
                info.query_class = _last(node.value)


def _relationship(
    info: MappedClass, call: ast.Call, annotation: ast.expr | None, mappings: Mappings
) -> None:
    target = _relationship_target(call)
    if lazy.lazy_mode(call) in EAGER_JOINED:
        info.joined.append((target, _collection(call, annotation)))
    backref = _keyword(call, "backref")
    if isinstance(backref, ast.Call) and lazy.lazy_mode(backref) in EAGER_JOINED and target:
        # The backref lives on the target class; a many-to-one's backref is a collection.
        uselist = _keyword(backref, "uselist")
        collection = not (isinstance(uselist, ast.Constant) and uselist.value is False)
        mappings.backref_joined.setdefault(target, []).append((info.name, collection))


def fsa_table_name(name: str) -> str:
    """The table Flask-SQLAlchemy names after the model class ``name``, when its 2.x and 3.x
    rules agree (``ApiToken`` → ``api_token``); "" when they differ (``ABC``: 2.x keeps it)."""
    older = re.sub(
        r"([A-Z]+)(?=[a-z0-9])",
        lambda word: (
            f"_{word[0][:-1]}_{word[0][-1]}" if len(word[0]) > 1 else f"_{word[0]}"
        ).lower(),
        name,
    ).lstrip("_")
    newer = re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name).lower().lstrip("_")
    return newer if older == newer else ""


def _where(path: str, node: ast.AST) -> str:
    return f"{path}:{getattr(node, 'lineno', 0)}"


def _module_call(call: ast.Call, path: str, mappings: Mappings) -> None:
    """Project-wide query classes: ``SQLAlchemy(query_class=X)``, ``sessionmaker(query_cls=X)``."""
    callee = _last(call.func)
    if callee == FSA_EXTENSION:
        _extension_settings(call, callee, path, mappings)
    elif any(keyword.arg in _EXTENSION_SETTINGS for keyword in call.keywords):
        settings = Mappings()
        _extension_settings(call, callee, path, settings)
        mappings.extension_calls.append((callee, settings))
    elif callee in {"listens_for", "listen"} and _changes_queries(call, path):
        target, event = _last(call.args[0]), call.args[1]
        listener = f"`{callee}({target}, {ast.literal_eval(event)!r})` at {_where(path, call)}"
        mappings.listened.setdefault(target, listener)
    elif callee in {"sessionmaker", "Session", "scoped_session", "create_session"}:
        chosen = _keyword(call, "query_cls")
        if chosen is not None and _last(chosen) not in DEFAULT_QUERY_CLASSES:
            where = f"`{callee}(query_cls={_last(chosen)})` at {_where(path, call)}"
            mappings.session_query_class.append(QuerySetting(where, _last(chosen)))


def _changes_queries(call: ast.Call, path: str) -> bool:
    """Whether a listener registration (``listen(Query, "before_compile", f)``) may change the
    queries of its class: one registered with ``retval=True`` may replace them, one of the
    application's code may act on each. A test's that cannot replace them only observes them
    (counting the queries a call compiles): ``test_mocks`` names it, and it changes no query."""
    if len(call.args) < 2:
        return False
    event = call.args[1]
    if not (isinstance(event, ast.Constant) and str(event.value).startswith("before_compile")):
        return False
    return _replaces_query(call) or not is_test_module(path)


def _replaces_query(call: ast.Call) -> bool:
    """Whether a listener's registration lets it replace the query (``retval=True``, or a value
    that is not plainly false): without it, SQLAlchemy ignores what the listener returns."""
    retval = _keyword(call, "retval")
    return retval is not None and not (isinstance(retval, ast.Constant) and not retval.value)


def _extension_settings(call: ast.Call, callee: str, path: str, mappings: Mappings) -> None:
    """What ``SQLAlchemy(...)`` (or a call of its subclass ``callee``) sets: the base of
    ``db.Model`` and the query class of its models and sessions."""
    model_class = _keyword(call, "model_class")
    if isinstance(model_class, ast.Call):  # `declarative_base(cls=IndicoModel, ...)`
        model_class = _keyword(model_class, "cls") or model_class
    if model_class is not None:  # `db.Model` derives from it: link the lineage by name
        base = MappedClass("Model", _where(path, call), (_last(model_class),))
        mappings.classes.setdefault("Model", []).append(base)
    chosen = _keyword(call, "query_class")
    if chosen is not None and _last(chosen) not in DEFAULT_QUERY_CLASSES:
        where = f"`{callee}(query_class={_last(chosen)})` at {_where(path, call)}"
        mappings.fsa_query_class.append(QuerySetting(where, _last(chosen)))
    options = _keyword(call, "session_options")
    if isinstance(options, ast.Dict):
        for key, value in zip(options.keys, options.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "query_cls":
                where = (
                    f"`{callee}(session_options={{'query_cls': {_last(value)}}})` at "
                    f"{_where(path, call)}"
                )
                mappings.session_query_class.append(QuerySetting(where, _last(value)))


def _session_hooks(cls: ast.ClassDef) -> tuple[str, ...]:
    """The methods a class body defines that make sessions, queries or models (see
    ``_SESSION_HOOK_WORDS``), but for one that makes models with the default query (see
    :func:`_default_model_hook`)."""
    return tuple(
        stmt.name
        for stmt in cls.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any(word in stmt.name.lower() for word in _SESSION_HOOK_WORDS)
        and not _default_model_hook(stmt)
    )


def _default_model_hook(hook: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether ``hook`` makes the model base (``_make_declarative_base``, say, to give it a
    metaclass of its own) and sets its query the way Flask-SQLAlchemy does: ``query_class``
    only to ``self.Query`` (the constructor's, checked as a setting of its own) or another
    default class, ``query`` only to Flask-SQLAlchemy's ``_QueryProperty()``, no ``query_cls``."""
    name = hook.name.lower()
    if "session" in name or not ("declarative" in name or "model" in name):
        return False
    for node in ast.walk(hook):
        if isinstance(node, ast.Assign) and not all(
            _default_query_setting(target, node.value) for target in node.targets
        ):
            return False
        if (
            isinstance(node, ast.keyword)
            and node.arg in {"query_class", "query_cls"}
            and _last(node.value) not in DEFAULT_QUERY_CLASSES
        ):
            return False
    return True


def _default_query_setting(target: ast.expr, value: ast.expr) -> bool:
    """``model.query_class = self.Query`` and ``model.query = _QueryProperty()`` set what
    Flask-SQLAlchemy sets; any other assignment to an attribute named ``query...`` may not."""
    if not isinstance(target, ast.Attribute) or not target.attr.startswith("query"):
        return True
    if target.attr == "query_class":
        return _last(value) in DEFAULT_QUERY_CLASSES
    if target.attr == "query":
        return isinstance(value, ast.Call) and _last(value.func) in _FSA_QUERY_PROPERTIES
    return False


#: Flask-SQLAlchemy's descriptor that makes ``Model.query`` (2.x and 3.x)
_FSA_QUERY_PROPERTIES = frozenset({"_QueryProperty", "QueryProperty"})


def _attribute_assign(stmt: ast.Assign, path: str, mappings: Mappings) -> list[tuple[str, str]]:
    """``db.Model.query_class = X`` / ``Model.query_class = X`` outside a class body.

    ``db.Model``'s is a project-wide setting; another owner's is returned as (owner, X), to be
    applied to the classes of that name known once the module is read (see ``Mappings.add``).
    """
    late: list[tuple[str, str]] = []
    for target in stmt.targets:
        if (
            isinstance(target, ast.Attribute)
            and target.attr == "query_class"
            and _last(stmt.value) not in DEFAULT_QUERY_CLASSES
        ):
            owner = _last(target.value)
            if owner in MODEL_BASES:
                mappings.model_query_class.append(
                    f"`{ast.unparse(target)} = {_last(stmt.value)}` at {_where(path, stmt)}"
                )
            else:
                late.append((owner, _last(stmt.value)))
    return late


def _table_assign(stmt: ast.Assign, path: str, mappings: Mappings) -> None:
    """``Name = db.Table("name", ...)`` (``Table(...)``, ``sa.Table(...)``)."""
    if isinstance(stmt.value, ast.Call) and _last(stmt.value.func) == "Table":
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                mappings.tables.setdefault(target.id, []).append(_where(path, stmt))


@dataclass
class FileMappings:
    """What one module adds to the project's mappings, kept per file so the worker that analyses
    the file can read it from its own parse, and the plan merges the files in project order."""

    #: the module's own classes, query settings, backrefs and relationships
    found: Mappings
    #: ``Owner.query_class = X`` outside class bodies: (owner, X) for the classes known by then
    late: tuple[tuple[str, str], ...] = ()


#: outside class attributes, a module changes the mappings only through keyword arguments and
#: attributes of these names (``SQLAlchemy(query_class=...)``, ``cls.query_class = ...``)
_SETTINGS = (b"query_class", b"query_cls", b"model_class", b"session_options", b"listen")
#: the nodes whose lists hold statements
_BLOCKS = (ast.stmt, ast.excepthandler, ast.match_case)


def _spells_settings(raw: bytes) -> bool:
    """Whether ``raw`` may name a query setting (identifiers are NFKC-normalised: only an ASCII
    file surely spells them as they are read)."""
    return not raw.isascii() or any(word in raw for word in _SETTINGS)


def _statements(tree: ast.Module) -> Iterator[ast.AST]:
    """The statements of ``tree`` (and the module), in ``ast.walk``'s order (expressions hold none)."""
    todo: deque[ast.AST] = deque([tree])
    while todo:
        node = todo.popleft()
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                todo.extend(item for item in value if isinstance(item, _BLOCKS))
        yield node


def file_mappings(tree: ast.Module, path: str, raw: bytes) -> FileMappings:
    """One module's classes and project-wide query settings (``raw``: the module's bytes)."""
    mappings = Mappings()
    late: list[tuple[str, str]] = []
    settings = _spells_settings(raw)
    # Without a setting's name, only the classes matter, and those are statements.
    for node in ast.walk(tree) if settings else _statements(tree):
        if isinstance(node, ast.ClassDef):
            lazy.add_relationships(node, mappings.relationships)
            bases = tuple(_last(b) for b in node.bases)
            table = any(k.arg == "table" and _is_true(k.value) for k in node.keywords)  # SQLModel
            info = MappedClass(
                node.name,
                _where(path, node),
                bases,
                table=table,
                is_query=bool(DEFAULT_QUERY_CLASSES & set(bases)),
                query_member=bool(ENUM_BASES & set(bases)),
                fsa_model=any(
                    isinstance(b, ast.Attribute) and b.attr in MODEL_BASES for b in node.bases
                ),
                session_hooks=_session_hooks(node) if FSA_EXTENSION in bases else (),
            )
            _class_body(node, info, mappings, settings)
            info.methods = _defined_methods(node)
            mappings.classes.setdefault(node.name, []).append(info)
        elif isinstance(node, ast.Call):
            _module_call(node, path, mappings)
        elif isinstance(node, ast.Assign):
            late += _attribute_assign(node, path, mappings)
            _table_assign(node, path, mappings)
    return FileMappings(mappings, tuple(late))


#: how a plan reports a file it cannot parse: ``ProjectContext.report_error``
ReportError = Callable[[str, str, str, int, int], None]
_UNKNOWN_MAPPINGS = (
    "async-queries does not know the models, query classes and relationships it defines"
)


@dataclass(frozen=True)
class ParseFailure:
    """Why `ast` cannot parse a file: what the plan reports, with what it then does not know."""

    kind: str
    what: str  # "Python 3.x cannot parse this file (...)"
    line: int
    col: int  # 1-based, 0 when unknown

    def report(self, path: str, report: ReportError | None, unknown: str) -> None:
        """Report the failure as a per-file error saying what the plan does not know (``unknown``)."""
        if report is not None:
            report(path, self.kind, f"{self.what}, so {unknown}", self.line, self.col)


def parse(raw: bytes) -> ast.Module | ParseFailure:
    """``raw``'s `ast` tree, or why it cannot be parsed."""
    try:
        # invalid escapes: the engine's own parse of the file warns, not this one
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(raw)
    except (SyntaxError, ValueError, RecursionError) as exc:
        return _parse_failure(exc)


def _parse_failure(exc: Exception) -> ParseFailure:
    """Kind, message, line and 1-based column of a failed `ast.parse`."""
    python = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    if isinstance(exc, SyntaxError):
        line = exc.lineno or 0
        what = f"{python} cannot parse this file ({exc.msg})"
        return ParseFailure("syntax-error", what, line, (exc.offset or 0) if line else 0)
    if isinstance(exc, RecursionError):
        return ParseFailure("too-deep", "too deeply nested to parse", 0, 0)
    return ParseFailure("syntax-error", f"{python} cannot parse this file ({exc})", 0, 0)


def may_define(raw: bytes) -> bool:
    """Whether a file may define models or query settings: only those are parsed for mappings."""
    return len(raw) <= _MAX_BYTES and any(marker in raw for marker in _MARKERS)


#: one file's contribution to the mappings: None when it cannot define any (see ``may_define``)
FileRead = FileMappings | ParseFailure | None


def read_file(raw: bytes, path: str) -> FileRead:
    """What one file adds to the mappings (None: nothing), or why it cannot be parsed."""
    if not may_define(raw):
        return None
    tree = parse(raw)
    return tree if isinstance(tree, ParseFailure) else file_mappings(tree, path, raw)


def read_mappings(
    root: str,
    files: Iterable[str],
    report: ReportError | None = None,
    known: Mapping[str, FileRead] | None = None,
) -> Mappings:
    """One cheap pass over the project's text; only files that may define models are parsed.

    ``known`` holds what the analysis already read from some files (see ``read_file``); the others
    are read from disk. A file that cannot be parsed is reported through ``report`` (see
    :meth:`ParseFailure.report`).
    """
    known = known or {}
    mappings = Mappings()
    for rel in files:
        if rel in known:
            found = known[rel]
        else:
            try:
                raw = Path(root, rel).read_bytes()
            except OSError:
                continue
            found = read_file(raw, rel)
        if isinstance(found, ParseFailure):
            found.report(rel, report, _UNKNOWN_MAPPINGS)
        elif found is not None:
            mappings.add(found)
    mappings.resolve_extensions()
    return mappings
