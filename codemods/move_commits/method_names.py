"""Method names that say what a unit of work does, read from its writes.

``session.add(Job(...))`` → ``create_job``, ``session.delete(job)`` → ``delete_job``, ``job.publish()``
→ ``publish_job``, attribute writes or ``session.add(job)`` of a loaded job → ``update_job``; a write
inside a loop names the plural (``delete_items``). A specific route name is kept when it names what
is written (``close_job``, ``add_comment``), or when the writes say only "update" or nothing. Names of HTTP methods (``post``), generic view names (``index``, ``edit``) and
read verbs (``get_challenge``) never name a write, nor does a resource followed by the HTTP method
that serves it (``dashboards_post_api``).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import cast

import libcst as cst

from backfix.cst_utils import last_name

from .frameworks import LOGGER_NAMES, ModuleIndex, is_guard_name
from .model import TypeInfo
from .module_nodes import exact_types
from .placement import ACTION_VERBS, WRITE_KINDS, WRITE_VERBS, singular, snake
from .routes import HTTP_METHODS
from .syntax import target_parts
from .types import TypeInference, tests_none

GENERIC_NAMES = frozenset(
    {
        *HTTP_METHODS,
        "index",
        "view",
        "views",
        "edit",
        "show",
        "new",
        "create",
        "update",
        "remove",
        "handle",
        "handler",
        "api",
        "endpoint",
        "dispatch_request",
        "main",
        "home",
        "route",
        "save",
        "submit",
        "form",
        "action",
        "unit_of_work",
        # request hooks: the name says when the code runs, not what it does
        "before_request",
        "before_app_request",
        "after_request",
        "after_app_request",
        "teardown_request",
        "teardown_appcontext",
    }
)
READ_VERBS = frozenset(
    {"get", "list", "show", "read", "view", "fetch", "render", "display", "search", "find", "index"}
)
#: classes whose methods act on something else (a form fills a model, a schema loads data).
HELPER_CLASS_SUFFIXES = (
    "Form",
    "Schema",
    "Serializer",
    "Parser",
    "Client",
    "Service",
    "Manager",
    "Session",
    "Logger",
    "Request",
)
#: the same, as the last word of a variable's name (``form``, ``edit_form``), for a variable whose
#: type the code does not show (``form = get_form_for(project)``, a form class of the module)
HELPER_NOUNS = frozenset(s.lower() for s in HELPER_CLASS_SUFFIXES)
#: the writes of a legacy query on every row it selects (``query.delete()``)
_BULK_QUERY_WRITES = frozenset({"delete", "update"})
#: variable names that say nothing of the row they hold (nor does a one- or two-letter name)
_GENERIC_NAMES = frozenset(
    {"obj", "item", "entry", "row", "instance", "record", "result", "data", "model", "entity"}
)
#: methods of containers, pydantic/SQLModel and sessions: calling one says nothing about the intent.
LIBRARY_METHODS = frozenset(
    {
        "sqlmodel_update",
        "model_dump",
        "model_copy",
        "dict",
        "update",
        "append",
        "extend",
        "insert",
        "remove",
        "pop",
        "add",
        "discard",
        "clear",
        "setdefault",
        "copy",
        "refresh",
        "flush",
        "commit",
        "rollback",
        "close",
        "expire",
        "format",
        "strip",
        "lower",
        "upper",
        "split",
        "join",
        "replace",
        "encode",
        "decode",
        "items",
        "keys",
        "values",
        "get",
    }
)
#: SQLAlchemy's query and column methods whose names hold an underscore (operators such as
#: ``in_`` end with one): calling one says nothing about what a unit does
_QUERY_METHODS = frozenset(
    {
        "filter_by", "order_by", "group_by", "with_entities", "select_from", "join_from",
        "with_for_update", "with_only_columns", "execution_options", "add_columns",
        "add_entity", "from_statement", "yield_per", "with_parent", "one_or_none",
        "first_or_404", "one_or_404", "scalar_one", "scalar_one_or_none", "scalar_subquery",
        "is_not", "not_in", "not_like", "not_ilike", "nulls_first", "nulls_last", "in_transaction",
    }
)  # fmt: skip
#: first words of a call that says what is not done (``dont_change_updated_at()``): never a verb
NEGATIONS = ("dont_", "do_not_", "not_", "no_", "never_", "skip_", "without_")
#: methods of a model's collection (a relationship) that add or remove one of its rows.
COLLECTION_VERBS = {"append": "add", "add": "add", "remove": "remove", "discard": "remove"}
_NOT_VERBS = ("get_", "to_", "is_", "has_", "as_", "_", *NEGATIONS)
#: first words of a call that looks a row up (`get_alert(alert_id)`, `load_job(...)`)
_LOOKUP_VERBS = READ_VERBS | {"load", "lookup", "query", "one", "first"}
_STRIP_PREFIXES = ("new_", "db_", "existing_", "old_", "updated_", "current_")
#: the end of a variable's name that says how it was obtained, not what it holds
_STRIP_SUFFIXES = ("_found", "_obj", "obj", "_db")
_STRONG = ("create", "delete")
#: the last word of a model that records what was done (``AdminLog``, ``OrderHistory``)
_RECORD_NOUNS = frozenset({"log", "history", "audit", "journal", "trail"})
#: types that say nothing of what a value is (``g.person`` read as ``Any``)
_NO_CLASS = frozenset({"Any", "Optional", "Union"})
_CALLS = exact_types(cst.Call)
_ASSIGNMENTS = exact_types(cst.Assign, cst.AugAssign)
_ASSIGNS = exact_types(cst.Assign)


@dataclass(frozen=True)
class NameHint:
    """The suggested method name and its parts (``create``, ``job``)."""

    name: str
    verb: str
    subject: str
    #: names to try, before a numbered suffix, when ``name`` is taken (``update_job_status``).
    alternatives: tuple[str, ...] = ()
    #: the verb of the writes where ``name`` is the route's own (``update`` for ``role``)
    writes_verb: str = ""


#: verbs whose object is the row they write (`archive` sets `note.archived`: `archive_note`);
#: not those whose object is another (`join` sets `user.team_id`: not `join_user`)
OBJECT_VERBS = frozenset(
    {
        "refresh", "renew", "retry", "share", "rename", "reopen", "pin", "unpin", "archive",
        "publish", "approve", "reject", "cancel", "close", "enable", "disable", "activate",
        "deactivate", "lock", "unlock", "hide", "unhide", "restore", "confirm", "verify",
        "revoke", "reset", "toggle", "ban", "unban", "mute", "unmute",
    }
)  # fmt: skip


def plural(word: str) -> str:
    """A naive English plural: ``item`` → ``items``, ``category`` → ``categories``."""
    if word.endswith(("ss", "us", "is", "x", "ch", "sh", "z")):
        return word + "es"
    if word.endswith("s"):
        return word  # already a plural (`items`)
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def is_meaningful(route_name: str) -> bool:
    """Whether a route function's name can name a write (not ``post``, ``index``, ``get_x``)."""
    name = route_name.strip("_")
    if not name or name in GENERIC_NAMES:
        return False
    words = name.split("_")
    if words[0] not in _ROUTE_VERBS and _names_http_method(words[1:]):
        return False  # `dashboards_post_api`: a resource and the HTTP method that serves it
    return words[0] not in READ_VERBS


#: HTTP methods a handler's name spells after its resource (`delete` is a verb as well)
_HANDLER_METHODS = frozenset({"get", "post", "put", "patch"})


def _names_http_method(words: list[str]) -> bool:
    """Whether the words after a name's first spell an HTTP method: ``post_api`` of
    ``dashboards_post_api``, ``put`` of ``panel_put``; a last ``post`` is a noun
    (``label_post``)."""
    if not words:
        return False
    return not _HANDLER_METHODS.isdisjoint(words[:-1]) or words[-1] in _HANDLER_METHODS - {"post"}


#: the API version a route's name ends with (``create_rollover_v2``): the service method
#: does the same work whatever the version that calls it
VERSION_SUFFIX = re.compile(r"_v\d+$")
#: a comment that is a short title: words and spaces, perhaps a final full stop
_TITLE = re.compile(r"#+\s*([A-Za-z]+(?: [A-Za-z]+){1,7})\.?\s*")
#: words a title reads with that a name leaves out
_TITLE_FILLERS = frozenset({"a", "an", "the", "as", "to", "be"})


def titled_name(heading: str, name: str) -> str:
    """The name the comment ``heading`` above a unit gives it (``# Mark all forums as read`` →
    ``mark_all_forums_read``) when it is a short title that starts with the verb of ``name``
    (``mark_read``): it tells apart two units of one route. "" otherwise."""
    found = _TITLE.fullmatch(heading)
    if found is None:
        return ""
    words = [w for w in found.group(1).lower().split() if w not in _TITLE_FILLERS]
    titled = "_".join(words)
    if len(words) < 2 or words[0] != name.split("_")[0] or titled == name or not valid(titled):
        return ""
    return titled


def valid(name: str) -> bool:
    """A usable method name."""
    return bool(re.fullmatch(r"[a-z_][a-z0-9_]*", name)) and not keyword.iskeyword(name)


@dataclass
class _Event:
    verb: str
    subject: str
    strong: bool
    attribute: str = ""
    #: made only on some paths (``if hidden: item.hide()``)
    conditional: bool = False
    #: the verb says the state the attribute is set to (``book.pinned = False``: ``unpin``)
    state: bool = False
    #: the word a status attribute is set to (``rollover.state = "failed"``: ``failed``)
    status: str = ""


class WriteNamer:
    """Reads the writes of moved statements and names them."""

    def __init__(self, index: ModuleIndex, inference: TypeInference) -> None:
        self.index = index
        self.inference = inference
        self._events: list[_Event] = []
        self._calls: list[str] = []
        self._resource = ""
        #: in a route that says it creates (``post``), names bound to what a call of unknown
        #: type returned
        self._obtained: set[str] = set()
        #: names of lists the moved code fills with rows it builds (see ``_built_lists``)
        self._built: set[str] = set()
        #: names the moved code binds to a list it fills or rows a query loads
        self._loaded: set[str] = set()
        #: names of rows the moved code builds only where none was found (got or created)
        self._filled: set[str] = set()

    def hint(
        self,
        stmts: Sequence[cst.BaseStatement],
        route_name: str,
        resource: str = "",
        claimed: Collection[str] = (),
    ) -> NameHint | None:
        """The name the writes in ``stmts`` suggest, or the route's name, or None; with
        alternatives for when that name is taken. ``resource`` (``job`` for a ``JobList``
        view) is the subject of a row added whose class the code does not show. ``claimed``
        are the names another unit of the same route takes from its own writes: the route's
        name is not kept when it is one of them (``delete_label`` for the unit that deletes the
        label, not for the one that removes it from an item)."""
        self._resource = resource
        route_name = VERSION_SUFFIX.sub("", route_name)
        creates = WRITE_KINDS.get(route_name.strip("_")) == "create"
        # (a `check_session_cookie` hook that writes: a `check_` method would read as a guard)
        named = route_name.strip("_") not in claimed and not is_guard_name(route_name.strip("_"))
        route = route_name if named else ""
        found = self._hint(stmts, route, creates)
        if found is None:
            return found
        if not self._events:
            # Writes through helpers, or bulk writes of a query: a clash is better settled by
            # the helper's name (`log_incident_event` beside `log_case_event`), or the write's
            # (`update_speakers` beside the route's `reorder_speakers`), than by a number.
            names = [*self._bulk_writes(stmts), *self._calls]
            kept = tuple(c for c in dict.fromkeys(names) if c != found.name and valid(c))
            return replace(found, alternatives=kept)
        alternatives: list[str] = []
        attribute_name = _attribute_name([e for e in self._events if e.attribute])
        if attribute_name:
            alternatives.append(attribute_name)
        first = self._events[0]
        if found.name not in alternatives:
            # (`update_alert` says less than the name of one attribute already taken)
            alternatives.append(_join(first.verb, first.subject))
        kept = tuple(a for a in dict.fromkeys(alternatives) if a != found.name and valid(a))
        return replace(found, alternatives=kept)

    def _bulk_writes(self, stmts: Sequence[cst.BaseStatement]) -> list[str]:
        """The names of the bulk writes of legacy queries in ``stmts``
        (``Speaker.query.filter(...).update(...)``: ``update_speakers``)."""
        names: list[str] = []
        for stmt in stmts:
            for node in self.index.subtree(stmt, into_scopes=False):
                if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
                    continue
                method = node.func.attr.value
                entity = (
                    self.inference.query_entity(node.func.value)
                    if method in _BULK_QUERY_WRITES
                    else None
                )
                if entity is not None:
                    names.append(_join(method, _rows_of(entity)))
        return names

    def written_name(self, stmts: Sequence[cst.BaseStatement], resource: str = "") -> str:
        """The name the writes in ``stmts`` alone suggest ("" when they suggest none)."""
        self._resource = resource
        events, _calls = self._collect(stmts)
        found = _choose(events, [], "")
        return found.name if found is not None else ""

    def _hint(
        self, stmts: Sequence[cst.BaseStatement], route_name: str, creates: bool
    ) -> NameHint | None:
        events, calls = self._collect(stmts, creates)
        self._events, self._calls = events, calls
        return _choose(events, calls, route_name)

    def _collect(
        self, stmts: Sequence[cst.BaseStatement], creates: bool = False
    ) -> tuple[list[_Event], list[str]]:
        """The writes in ``stmts`` (plural subjects inside a loop), and the names of the other
        calls that could name a write (``archive_job``); ``creates``: the route says it creates
        (``post``)."""
        created = self._created_names(stmts)
        self._built = self._built_lists(stmts, created)
        self._loaded = self._loaded_lists(stmts)
        self._obtained = self._obtained_names(stmts) if creates else set()
        events: list[_Event] = []
        calls: list[str] = []
        for stmt in stmts:
            for node in self.index.subtree(stmt, into_scopes=False):
                event = self._event(node, created)
                if event is not None:
                    if self._in_loop(node, stmts):
                        event.subject = plural(event.subject)
                    event.conditional = self._in_branch(node, stmts)
                    events.append(event)
                elif type(node) in _CALLS:
                    called = last_name(cast(cst.Call, node).func)
                    if _may_name_a_write(called):
                        calls.append(called)
        return events, calls

    # --- events --------------------------------------------------------------------------------------

    def _event(self, node: cst.CSTNode, created: set[str]) -> _Event | None:
        # Dispatch on the exact type (see `exact_types`): most nodes are neither.
        kind = type(node)
        if kind in _CALLS:
            call = cast(cst.Call, node)
            if isinstance(call.func, cst.Attribute):
                return self._call_event(call, call.func, created)
            return None
        if kind in _ASSIGNMENTS:
            return self._assign_event(cast("cst.Assign | cst.AugAssign", node), created)
        return None

    def _call_event(self, node: cst.Call, func: cst.Attribute, created: set[str]) -> _Event | None:
        """A write a method call makes: on the session, on a model instance, on a loaded row."""
        method = func.attr.value
        receiver = func.value
        loaded = _loaded_instance(node)
        if loaded is not None:
            subject = self._subject(loaded)
            return _Event("update", subject, False) if subject else None
        model = _class_write(node)
        if model:
            return _Event(method, snake(model), True)
        if self.index.is_session(receiver):
            return self._session_event(method, node, created)
        if isinstance(receiver, cst.Attribute) and method in COLLECTION_VERBS:
            return self._collection_event(node, receiver, COLLECTION_VERBS[method])
        if isinstance(receiver, cst.Name) and method in _BULK_QUERY_WRITES:
            # `query.delete()` of `query = Job.query.filter(...)`: a bulk write of jobs
            entity = self.inference.query_of_name(receiver)
            if entity is not None:
                return _Event(method, _rows_of(entity), True)
        if isinstance(receiver, cst.Name) and self._is_entity(receiver):
            subject = self._subject(receiver)
            if (
                subject
                and method not in LIBRARY_METHODS
                and not method.startswith(_NOT_VERBS)
                and _is_statement_call(self.index, node)
            ):
                return _Event(method, subject, True)
        return None

    def _collection_event(
        self, call: cst.Call, collection: cst.Attribute, verb: str
    ) -> _Event | None:
        """``item.labels.remove(label)`` as a statement: removes an item's label (a
        relationship's row, not the label itself)."""
        owner = collection.value
        if not isinstance(owner, cst.Name) or not self._is_entity(owner):
            return None
        subject = self._subject(owner)
        if not subject or not _is_statement_call(self.index, call):
            return None
        return _Event(verb, f"{subject}_{singular(collection.attr.value)}", False)

    def _assign_event(self, node: cst.Assign | cst.AugAssign, created: set[str]) -> _Event | None:
        """``job.status = ...`` on a row the code did not create: an update of its attribute."""
        targets = (
            [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        )
        for target in targets:
            for part in target_parts(target):
                while isinstance(part, cst.Subscript):  # `job.options["muted"] = True`
                    part = part.value
                if isinstance(part, cst.Attribute) and isinstance(part.value, cst.Name):
                    if part.value.value in {"self", "cls"} or part.value.value in created:
                        continue
                    subject = self._subject(part.value)
                    if not subject:
                        continue
                    verb = _state_verb(part.attr.value, node.value) if len(targets) == 1 else ""
                    if verb:
                        return _Event(verb, subject, False, part.attr.value, state=True)
                    status = _status_word(part.attr.value, node.value) if len(targets) == 1 else ""
                    return _Event("update", subject, False, part.attr.value, status=status)
        return None

    def _session_event(self, method: str, call: cst.Call, created: set[str]) -> _Event | None:
        arg = call.args[0].value if call.args else None
        if arg is None:
            return None
        if method == "add_all" and isinstance(arg, (cst.List, cst.Tuple)) and arg.elements:
            arg = arg.elements[0].value
            method = "add"
        if method in {"add", "add_all", "merge"}:
            return self._added_event(method, arg, created)
        if method == "delete" and isinstance(arg, cst.Name):
            subject = self._subject(arg)
            return _Event("delete", subject, True) if subject else None
        if method == "execute" and isinstance(arg, cst.Call):
            return self._statement_event(arg)
        return None

    def _added_event(
        self, method: str, arg: cst.BaseExpression, created: set[str]
    ) -> _Event | None:
        """``session.add(Job(...))`` creates a job; ``session.add(job)`` creates or updates it."""
        if isinstance(arg, cst.Call):
            info = self.inference.of_expr(arg)
            built = info.code.rpartition(".")[2] if info is not None else _module_class(arg)
            subject = snake(built) if built.isidentifier() else ""
            return _Event("create", subject, True) if subject else None
        if isinstance(arg, cst.Name):
            subject = self._subject(arg)
            if not subject:
                return None
            if method == "add_all":
                # `add_all(reports)` of rows the unit loaded saves changes; it creates nothing.
                new = arg.value not in self._loaded or arg.value in self._built
                return _Event("create" if new else "update", subject, new)
            # In a route that creates (`post`), a row the moved code obtained from a call of
            # unknown type (`job = form.save()`) and adds is the new row.
            new = arg.value in created or arg.value in self._obtained
            if not new and arg.value in self._filled:
                return _Event("save", subject, False)  # got or created: see `_saved_alone`
            verb = "create" if new else "update"
            return _Event(verb, subject, verb == "create")
        if method == "add" and self._resource:
            # `session.add(result.data)` in `JobList.post`: the row the view creates.
            return _Event("create", self._resource, True)
        return None

    def _statement_event(self, call: cst.Call) -> _Event | None:
        """``update(Job).where(...)`` → update jobs (a bulk statement names the plural)."""
        node: cst.BaseExpression = call
        while isinstance(node, (cst.Call, cst.Attribute)):
            if isinstance(node, cst.Call):
                name = last_name(node.func)
                if name in {"update", "delete", "insert"} and isinstance(node.func, cst.Name):
                    if node.args and isinstance(node.args[0].value, cst.Name):
                        verb = "create" if name == "insert" else name
                        subject = plural(snake(node.args[0].value.value))
                        return _Event(verb, subject, True)
                    return None
                node = node.func
            else:
                node = node.value
        return None

    def _is_entity(self, name: cst.Name) -> bool:
        """A variable that may hold a model (not ``self``, a form, a schema, a client...): by its
        class, or by its name when the code does not show its class (``form.save(bill)``). A
        class (``MailService``) or a constant (``LOG``) is no such variable: a model class's own
        writes are :func:`_class_write`'s."""
        if name.value in {"self", "cls"} or name.value.strip("_").lower() in LOGGER_NAMES:
            return False
        if name.value[:1].isupper():
            return False
        info = self.inference.of_name(name.value, name)
        if info is None:
            return name.value.lower().rsplit("_", 1)[-1] not in HELPER_NOUNS
        return not info.code.endswith(HELPER_CLASS_SUFFIXES)

    def _subject(self, name: cst.Name) -> str:
        """What a variable holds: its class, or its name when that says more (``admin_user``)."""
        var = name.value
        for prefix in _STRIP_PREFIXES:
            if var.startswith(prefix) and len(var) > len(prefix):
                var = var[len(prefix) :]
        for suffix in _STRIP_SUFFIXES:
            if var.endswith(suffix) and len(var) > len(suffix):
                var = var[: -len(suffix)]
        info = self.inference.of_name(name.value, name)
        class_name = info.code.rpartition(".")[2] if info is not None else ""  # `models.User`
        if class_name.isidentifier() and class_name[:1].isupper() and class_name not in _NO_CLASS:
            # `admin_user` says more than `User`; `u`, `obj` or `entry` say less than `AuditLog`.
            cls = snake(class_name)
            # A class named in the plural (`Users`) holds one row: `user` names it.
            if not var.endswith((cls, singular(cls))):
                return singular(cls)
        if (len(var) <= 2 or var in _GENERIC_NAMES) and self._resource:
            return self._resource  # `m = CommentModel(**req)` in `CommentList.post`: a comment
        return var if var.isidentifier() else ""

    def _created_names(self, stmts: Sequence[cst.BaseStatement]) -> set[str]:
        """Names the moved code binds to a newly built object (``job = Job(...)``); those it
        builds only where none was found go to ``_filled``."""
        self._filled.clear()
        created: set[str] = set()
        for stmt in stmts:
            for found in self.index.subtree(stmt, into_scopes=False):
                node = cast(cst.Assign, found)
                if type(found) not in _ASSIGNS or not isinstance(node.value, cst.Call):
                    continue
                info = self.inference.of_expr(node.value)
                if (info is None or info.nullable) and not _module_class(node.value):
                    continue
                for target in node.targets:
                    name = target.target
                    if not isinstance(name, cst.Name) or not _builds(node.value):
                        continue
                    if self._fills_in(node, name.value, stmts):
                        self._filled.add(name.value)
                    else:
                        created.add(name.value)
        return created

    def _fills_in(self, node: cst.CSTNode, name: str, stmts: Sequence[cst.BaseStatement]) -> bool:
        """Whether ``node`` (which binds ``name``) runs only where ``name`` was None, so that
        the row is got or created (``if tag is None: tag = Tag(...)``), not new on every run."""
        tops = {id(stmt) for stmt in stmts}
        current = node
        while id(current) not in tops:
            parent = self.index.parent(current)
            if parent is None:
                return False
            if (
                isinstance(parent, cst.If)
                and current is parent.body
                and tests_none(parent.test, name)
            ):
                return True
            current = parent
        return False

    def _built_lists(self, stmts: Sequence[cst.BaseStatement], created: set[str]) -> set[str]:
        """Names of lists the moved code fills with rows it builds: ``tags = [Tag(name=n) for n
        in names]``, or ``tags.append(tag)`` of a row in ``created`` (or built in place)."""
        built: set[str] = set()
        for stmt in stmts:
            for node in self.index.subtree(stmt, into_scopes=False):
                if type(node) in _ASSIGNS:
                    assign = cast(cst.Assign, node)
                    if _holds_built_rows(assign.value):
                        built.update(
                            t.target.value for t in assign.targets if isinstance(t.target, cst.Name)
                        )
                elif type(node) in _CALLS:
                    call = cast(cst.Call, node)
                    func = call.func
                    if (
                        isinstance(func, cst.Attribute)
                        and func.attr.value in {"append", "extend"}
                        and isinstance(func.value, cst.Name)
                        and call.args
                        and _is_built(call.args[0].value, created)
                    ):
                        built.add(func.value.value)
        return built

    def _loaded_lists(self, stmts: Sequence[cst.BaseStatement]) -> set[str]:
        """The names the moved code binds to a list it fills (``report_list = []``) or to the rows
        a query loads (``reports = Report.query.all()``): what it adds is new only when it built
        the rows (see ``_built_lists``)."""
        return {
            target.target.value
            for stmt in stmts
            for node in self.index.subtree(stmt, into_scopes=False)
            if type(node) in _ASSIGNS and _lists_or_loads(cast(cst.Assign, node).value)
            for target in cast(cst.Assign, node).targets
            if isinstance(target.target, cst.Name)
        }

    def _obtained_names(self, stmts: Sequence[cst.BaseStatement]) -> set[str]:
        """Names the moved code binds to what a call of unknown type returns (``project =
        form.save()``): in a route that says it creates (``post``), the row it adds is a new one;
        a row a query or ``session.get`` loaded has a known type and is not among them, nor is
        what a look-up returns (``get_alert(alert_id)``)."""
        obtained: set[str] = set()
        for stmt in stmts:
            for found in self.index.subtree(stmt, into_scopes=False):
                node = cast(cst.Assign, found)
                if type(found) not in _ASSIGNS or not isinstance(node.value, cst.Call):
                    continue
                if self.inference.of_expr(node.value) is not None:
                    continue
                if last_name(node.value.func).split("_")[0] in _LOOKUP_VERBS:
                    continue  # `alert = get_alert(alert_id)`: a row looked up, not made
                for target in node.targets:
                    if isinstance(target.target, cst.Name):
                        obtained.add(target.target.value)
        return obtained

    def _in_branch(self, node: cst.CSTNode, stmts: Sequence[cst.BaseStatement]) -> bool:
        """Whether ``node`` runs only on some paths through ``stmts``: in a branch of an ``if``
        (not its test) or in an ``except`` handler."""
        roots = {id(s) for s in stmts}
        child, current = node, self.index.parent(node)
        while current is not None:
            if isinstance(current, cst.If) and child is not current.test:
                return True
            if isinstance(current, cst.ExceptHandler):
                return True
            if id(current) in roots:
                return False
            child, current = current, self.index.parent(current)
        return False

    def _in_loop(self, node: cst.CSTNode, stmts: Sequence[cst.BaseStatement]) -> bool:
        roots = {id(s) for s in stmts}
        current = self.index.parent(node)
        while current is not None and id(current) not in roots:
            if isinstance(current, (cst.For, cst.While)):
                return True
            current = self.index.parent(current)
        return current is not None and isinstance(current, (cst.For, cst.While))


def _may_name_a_write(called: str) -> bool:
    """Whether a called function's name could name a unit (``archive_job``): not one word, a
    negation or a getter (``get_job``), nor a method of SQLAlchemy's query API (``filter_by``,
    ``in_``)."""
    return (
        "_" in called
        and not called.startswith(_NOT_VERBS)
        and not called.endswith("_")
        and called not in _QUERY_METHODS
    )


def _loaded_instance(call: cst.Call) -> cst.Name | None:
    """``job`` in ``schema.load(data, instance=job)`` or ``JobSchema(instance=job).load(data)``:
    a schema that loads the request into an existing row updates it."""
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value != "load":
        return None
    receiver = call.func.value
    args = [*call.args, *(receiver.args if isinstance(receiver, cst.Call) else ())]
    for arg in args:
        if arg.keyword is not None and arg.keyword.value == "instance":
            return arg.value if isinstance(arg.value, cst.Name) else None
    return None


#: participles that are not the verb with ``-ed`` (``hidden``)
_PARTICIPLES = {"hidden": "hide", "read": "mark_read", "seen": "mark_seen"}
#: the verbs that undo a verb and have no ``un-`` form
_OPPOSITES = {"enable": "disable", "activate": "deactivate", "mark_read": "mark_unread"}
#: the verbs those undo, from the other side (``comment.disabled = False``: ``enable``)
_REDONE = {undone: done for done, undone in _OPPOSITES.items()}


def _state_verb(attribute: str, value: cst.BaseExpression) -> str:
    """The verb of setting a flag named for a state (``pinned``, ``is_locked``, ``archived``) to
    ``True`` (``pin``) or ``False`` (``unpin``); "" when the attribute names no known verb's
    state or the value is no ``True``/``False``."""
    if not (isinstance(value, cst.Name) and value.value in {"True", "False"}):
        return ""
    state = attribute.removeprefix("is_")
    verb = _PARTICIPLES.get(state, "")
    if not verb and state.endswith("ed"):
        stem = state[:-2]
        doubled = stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem
        verb = next((v for v in (doubled, stem, stem + "e") if v in _STATE_VERBS), "")
    if not verb or value.value == "True":
        return verb
    undone = _OPPOSITES.get(verb) or _REDONE.get(verb) or f"un{verb}"
    return undone if undone in _STATE_VERBS else ""


#: the verbs a flag's state may be named for
_STATE_VERBS = ACTION_VERBS | OBJECT_VERBS | {"mark_read", "mark_unread", "mark_seen"}


def _state_name(events: list[_Event], route: str, meaningful: bool) -> NameHint | None:
    """``unpin_book`` for a unit that only sets ``book.pinned = False``, where the route's name
    says nothing specific, toggles, or names the same verb or its opposite first or last (the
    branch of a ``pin`` route that unpins; ``moderate_enable``); None otherwise
    (``archive_project`` setting ``closed`` keeps the route's name)."""
    states = {(e.verb, e.subject) for e in events if e.state}
    if len(states) != 1:
        return None
    ((verb, subject),) = states
    # (`session.add(comment)` of the row whose flag is set writes nothing else)
    if any(
        not e.state and (e.verb != "update" or e.attribute or e.subject != subject) for e in events
    ):
        return None
    words = route.split("_")
    # (`moderate_enable` names the verb last, after how the route is reached)
    named_for_it = _undone(verb) in {_undone(words[0]), _undone(words[-1])}
    if meaningful and words[0] != "toggle" and not named_for_it:
        return None
    return NameHint(_join(verb, subject), verb, subject)


#: attributes that hold a row's status as a word (``order.status = "shipped"``)
_STATUS_ATTRIBUTES = frozenset({"status", "state"})
#: a status word that reads in a method name
_STATUS_WORD = re.compile(r"[a-z][a-z_]{1,23}")


def _status_word(attribute: str, value: cst.BaseExpression) -> str:
    """``failed`` for ``status``/``state`` set to the string ``"failed"``; "" otherwise."""
    if attribute not in _STATUS_ATTRIBUTES or not isinstance(value, cst.SimpleString):
        return ""
    word = value.evaluated_value
    return word if isinstance(word, str) and _STATUS_WORD.fullmatch(word) else ""


def _status_name(events: list[_Event]) -> NameHint | None:
    """``mark_rollover_failed`` for a unit that only updates rows and sets one row's status to
    one word on every path; None otherwise."""
    statuses = {(e.subject, e.status) for e in events if e.status and not e.conditional}
    if len(statuses) != 1 or any(e.verb != "update" for e in events):
        return None
    ((subject, status),) = statuses
    name = f"mark_{subject}_{status}"
    return NameHint(name, "mark", subject) if valid(name) else None


def _saved_alone(events: list[_Event]) -> list[_Event]:
    """The event of a row got or created (``if report is None: report = Report(...)``, then
    ``session.add(report)``) where it is the only row written: the unit saves it
    (``save_report``). Beside other rows it names nothing: it is their update's detail."""
    saved = [e for e in events if e.verb == "save"]
    if not saved or any(e.subject != saved[0].subject for e in events):
        return []
    return [replace(saved[0], strong=True)]


def _claims_create(route: str, events: list[_Event]) -> bool:
    """Whether the route's name says it creates (``rollover_create``, ``new_post``) while the
    unit only sets attributes of rows: the failure branch of a create route (``rollover.state =
    "failed"``) would read as the creation itself. (``session.add(client)`` of a row a call
    built may be the creation.)"""
    words = route.split("_")
    says_create = "create" in words or words[0] in {"new", "add"}
    return says_create and bool(events) and all(e.verb == "update" and e.attribute for e in events)


def _undone(verb: str) -> str:
    """The verb ``verb`` undoes, or ``verb`` itself (``unpin`` → ``pin``)."""
    for done, undone in _OPPOSITES.items():
        if verb == undone:
            return done
    return verb[2:] if verb.startswith("un") and verb[2:] in _STATE_VERBS else verb


#: the last words of a route named for the page of settings it saves (``notification_setting``)
_SETTINGS_NOUNS = frozenset(
    {
        "settings", "setting", "preferences", "preference", "profile", "account", "config",
        "configuration", "options", "option",
    }
)  # fmt: skip


def _names_page(route: str, subject: str, subjects: set[str]) -> bool:
    """Whether a route's name is its subject's and a page of it (``domain_genkeys``,
    ``user_reply``) rather than what it does (``close_job``, ``domain_delete`` put verb first,
    ``tag_job`` where ``tag`` is done to another row written, ``job``)."""
    words = route.split("_")
    rest = set(words[1:])
    return (
        len(words) > 1
        and words[0] == subject
        and not any(w in _ROUTE_VERBS for w in words)
        and not any(rest & set(other.split("_")) for other in subjects - {subject})
    )


def with_verb(route: str) -> str:
    """``update_preferences`` for a route named for a page of settings (``preferences``,
    ``privacy_setting``) whose unit only updates attributes: the bare noun would read as a
    getter; ``reset_password`` for one named verb last (``password_reset``); a name that starts
    with a verb stays as it is."""
    words = route.split("_")
    if len(words) > 1 and words[-1] in _LAST_VERBS and words[0] not in _ROUTE_VERBS:
        # `password_reset`, `email_confirm`: the verb goes first, as a method's does
        return "_".join([words[-1], *words[:-1]])
    if words[-1] not in _SETTINGS_NOUNS or words[0] in _ROUTE_VERBS:
        return route
    return f"update_{route}"


#: verbs a route's name may end with after what they act on (``password_reset``), and that are
#: rarely nouns there (not ``invite`` of ``accept_invite``, ``close`` of ``bulk_close``)
_LAST_VERBS = frozenset(
    {
        "reset", "confirm", "verify", "update", "delete", "create", "change", "toggle", "remove",
        "cancel", "edit", "add", "rename", "enable", "disable", "approve", "reject", "publish",
    }
)  # fmt: skip
#: verbs of a route that edits a page of settings (``edit_profile``, ``manage_account``)
_EDIT_VERBS = frozenset({"edit", "change", "manage", "configure", "save", "update", "set"})
#: the verbs a route's name may start with
_ROUTE_VERBS = ACTION_VERBS | OBJECT_VERBS | READ_VERBS | _EDIT_VERBS


def _attribute_name(events: list[_Event]) -> str:
    """``update_user_last_seen`` when ``events`` are all updates of one attribute of one row
    (``user.last_seen = ...``; ``user.lastSeen``, too); "" otherwise."""
    pairs = {(e.subject, e.attribute) for e in events}
    if len(pairs) != 1 or not all(e.attribute for e in events):
        return ""
    ((subject, attribute),) = pairs
    return f"update_{subject}_{snake(attribute)}"  # (`validatedScopes` of a SQLModel model)


def _mentions(words: set[str], subject: str) -> bool:
    """Whether a route name's words name ``subject`` and say something else too (``close_job``
    names ``jobs``; ``signup`` for a ``Signup`` is only the noun)."""
    last = subject.split("_")[-1]
    named = {subject, last, singular(last)} & words
    return bool(named) and bool(words - named - set(subject.split("_")))


#: calls that return the rows a query loaded
_LOADING_CALLS = frozenset({"all", "scalars", "fetchall", "get_all"})


def _lists_or_loads(value: cst.BaseExpression) -> bool:
    """A list display or comprehension, or a call that returns the rows a query loaded."""
    if isinstance(value, (cst.List, cst.ListComp)):
        return True
    return isinstance(value, cst.Call) and last_name(value.func) in _LOADING_CALLS


def _holds_built_rows(value: cst.BaseExpression) -> bool:
    """``[Tag(...), ...]`` or ``[Tag(name=n) for n in names]``: rows built in place."""
    if isinstance(value, (cst.List, cst.Tuple)):
        return any(_is_built(e.value, set()) for e in value.elements)
    if isinstance(value, (cst.ListComp, cst.GeneratorExp)):
        return _is_built(value.elt, set())
    return False


def _is_built(value: cst.BaseExpression, created: set[str]) -> bool:
    """A row built in place (``Tag(...)``) or a name bound to one (in ``created``)."""
    if isinstance(value, cst.Name):
        return value.value in created
    return isinstance(value, cst.Call) and _builds(value)


def _builds(call: cst.Call) -> bool:
    func = call.func
    if isinstance(func, cst.Name):
        return func.value[:1].isupper()
    return isinstance(func, cst.Attribute) and (
        bool(_module_class(call))
        or func.attr.value.startswith(
            ("model_validate", "model_construct", "parse_obj", "from_orm")
        )
    )


def _module_class(call: cst.Call) -> str:
    """``Job`` for ``models.Job(...)``, ``Job.create(...)`` or ``models.Job.create(...)``: a row
    built through the module that holds its class, or by the class's ``create``, where the type
    inference knows no class (it needs an import the service can copy; a name needs none)."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return ""
    if func.attr.value == "create":
        name = _owner_name(func)
        return name if name[:1].isupper() else ""
    if isinstance(func.value, cst.Name):
        return func.attr.value if func.attr.value[:1].isupper() else ""
    return ""


#: what a model class's own methods write (a CRUD mixin's ``User.create(...)``,
#: ``Contact.delete(contact_id)``)
_CLASS_WRITES = frozenset({"create", "delete"})


def _class_write(call: cst.Call) -> str:
    """``Contact`` for ``Contact.delete(contact_id)`` or ``models.Contact.create(...)``: a write
    through a model class's own ``create``/``delete`` (a CRUD mixin's); "" for any other call,
    and for a class named as a helper (``AliasService.create(...)``) or a constant (``LOG``)."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _CLASS_WRITES:
        return ""
    name = _owner_name(func)
    if not (name[:1].isupper() and not name.isupper()) or name.endswith(HELPER_CLASS_SUFFIXES):
        return ""
    return name


def _owner_name(method: cst.Attribute) -> str:
    """The last name of what a method is called on: ``Job`` of ``Job.create`` and of
    ``models.Job.create``."""
    owner = method.value
    return owner.attr.value if isinstance(owner, cst.Attribute) else last_name(owner)


def _is_statement_call(index: ModuleIndex, call: cst.Call) -> bool:
    """``job.publish()`` as a statement (or awaited), not a value inside an expression."""
    parent = index.parent(call)
    if isinstance(parent, cst.Await):
        parent = index.parent(parent)
    return isinstance(parent, cst.Expr)


def _join(verb: str, subject: str) -> str:
    """``set_password`` + ``user`` → ``set_user_password``; ``publish`` + ``job`` → ``publish_job``."""
    if subject in verb.split("_"):
        return verb
    head, _, rest = verb.partition("_")
    return f"{head}_{subject}_{rest}" if rest else f"{verb}_{subject}"


def _choose(events: list[_Event], calls: list[str], route_name: str) -> NameHint | None:
    """The name the writes suggest, the route's own name when it says more, or a called
    function's name that is a write verb."""
    route = route_name.strip("_")
    meaningful = is_meaningful(route) and valid(route)
    # Writes made on only some paths (`if hidden: item.hide()`) do not name the unit when others
    # are made on every path.
    events = [e for e in events if not e.conditional] or events
    stated = _state_name(events, route, meaningful)
    if stated is not None:
        return stated
    meaningful = meaningful and not _claims_create(route, events)
    status = None if meaningful else _status_name(events)
    if status is not None:
        return status
    words = set(route.split("_"))
    named = next((e for e in events if _mentions(words, e.subject)), None)
    if meaningful and named is not None:
        # A specific route name that names what is written (`close_job`, `add_comment`) is
        # what a person would call it; `new_user` (a form's page) says it as `create_user`,
        # `rollover_create` as `create_rollover`.
        name = f"create_{route[4:]}" if route.startswith("new_") else with_verb(route)
        if not _names_page(name, named.subject, {e.subject for e in events}):
            return NameHint(name, "", named.subject)
        if all(e.verb == "update" for e in events):
            # `user_reply` names a page of the user's settings: `update_user_reply`.
            return NameHint(f"update_{name}", "", named.subject)
        # `domain_genkeys` says less than the write it makes: `generate_domain_dkim_key`.
    strong = [e for e in events if e.verb in _STRONG] or _saved_alone(events)
    # A record of what was done (`AdminLog`, `OrderHistory`) is written beside the write that
    # says it: unbanning adds a log entry and deletes the ban, and is `delete_ban`.
    strong = [e for e in strong if not _is_record(e)] or strong
    chosen = strong[0] if strong else next((e for e in events if e.strong), None)
    if chosen is None and events:
        # Attribute writes only say "update": a specific route name (`publish_job`,
        # `reset_password`) says more.
        chosen = events[0]
        if meaningful:
            # A bare verb (`refresh`, `archive`) says what is done, not to what: `refresh_token`.
            name = _join(route, chosen.subject) if route in OBJECT_VERBS else route
            return NameHint(with_verb(name), "", chosen.subject, writes_verb=chosen.verb)
    attribute_name = _attribute_name(events)
    if chosen is not None and not chosen.strong and attribute_name:
        # Only `user.last_seen = ...`: `update_user_last_seen` says what `update_user` would not.
        return NameHint(attribute_name, chosen.verb, chosen.subject)
    if chosen is not None:
        return NameHint(_join(chosen.verb, chosen.subject), chosen.verb, chosen.subject)
    if meaningful:
        return NameHint(with_verb(route), "", "")
    written = [c for c in calls if c.split("_")[0] in WRITE_VERBS and valid(c)]
    if written:
        return NameHint(written[0], written[0].split("_")[0], "")
    return None


def _is_record(event: _Event) -> bool:
    """Whether ``event`` creates a record of what was done: a log, history or audit entry."""
    return event.verb == "create" and event.subject.rpartition("_")[2] in _RECORD_NOUNS


def _rows_of(entity: TypeInfo) -> str:
    """The subject of a bulk write of a query of ``entity``: its rows (``Job`` → ``jobs``)."""
    return plural(snake(entity.code.rpartition(".")[2]))
