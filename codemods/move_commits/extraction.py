"""Extraction: the service method's parameters and body for a unit of work that can move."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import cast

import libcst as cst

from .frameworks import (
    TRANSLATION_CALLABLES,
    ModuleIndex,
    iter_nodes,
)
from .input_reads import INPUT_KIND
from .model import Extraction, ImportNeed, Param
from .module_nodes import NAME_TYPES
from .naming import suggest_name, unique
from .regions import UNWRAP_METHOD, is_current_user
from .routes import RouteLayer
from .syntax import (
    code_of,
    is_label,
    is_store,
)
from .units import Hoist, SplitHandler, Unit, hoisted_nodes, holds_try, split_try_body

#: set False to rebuild every node of a moved statement with hoisted reads (the equivalence test
#: compares both).
REBUILD_ONLY_ABOVE_READS = True
#: set False to generate the code of every moved statement (the equivalence test compares both).
ONE_LINE_SOURCE = True
#: set False to rebuild a moved one-line statement with hoisted reads and generate its code,
#: rather than replace the reads in its line (the equivalence test compares both).
SPLICE_READS = True
#: methods that load one row by its key: ``Job.query.get(key)``, ``session.get(Job, key)``
_LOOKUPS = frozenset({"get", "get_or_404", "get_one"})
#: request-dependent calls whose parameter is named by what they return, whatever it is passed as
_NAMED_READERS = TRANSLATION_CALLABLES | {"current_user"}
#: verbs that say a call makes or fetches what it returns: the value is named without them
_MAKER_VERBS = frozenset({"get", "generate", "make", "build", "compute", "new"})
#: the line breaks of Python's tokenizer
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class ExtractionBuilder:
    """Builds the parameters, body and plan facts of movable units of one module."""

    def __init__(
        self,
        index: ModuleIndex,
        routes: RouteLayer,
        exit_path: Callable[[cst.If], tuple[str, ...]],
    ) -> None:
        self.index = index
        self.routes = routes
        self.exit_path = exit_path
        #: code of hoisted expressions (by ``id``; nodes of the module, alive as long as this)
        self._codes: dict[int, str] = {}
        self._lines: list[str] | None = None

    def all_params(
        self,
        roots: list[cst.CSTNode],
        params: list[Param],
        hoists: list[Hoist],
        preferred: dict[int, str],
    ) -> list[Param]:
        """The free names and the named framework reads, the session last, as in hand-written
        services (``update_job(job, data, db)``)."""
        hoisted_ids = hoisted_nodes(self.index, hoists)
        used = {
            cast(cst.Name, n).value
            for root in roots
            for n in self.index.subtree(root)
            if type(n) in NAME_TYPES
            and not is_label(self.index, cast(cst.Name, n))
            and id(n) not in hoisted_ids
        }
        used |= {p.name for p in params}
        hoisted_params = self._name_hoists(hoists, used, preferred)
        return sorted(
            params + hoisted_params,
            key=lambda p: (not p.positional, p.name in self.index.session_names),
        )

    def extraction(
        self,
        unit: Unit,
        body_code: str,
        imports: list[ImportNeed],
        route_names: set[str],
        status: bool,
        none_on_exit: bool = False,
    ) -> Extraction:
        """The plan-phase facts of a movable unit."""
        function = unit.function
        class_node = self.routes.view_class(function)
        return Extraction(
            unit_id=unit.unit_id,
            func_name=function.name.value,
            class_name=class_node.name.value if class_node is not None else None,
            is_async=function.asynchronous is not None,
            params=tuple(unit.params),
            returns=tuple(unit.returns),
            body_code=body_code,
            imports=tuple(imports),
            route_names=frozenset(route_names),
            status=status,
            none_on_exit=none_on_exit,
            column=unit.column,
        )

    def foldable(
        self,
        stmts: list[cst.BaseStatement],
        hoists: list[Hoist],
        live: set[str],
    ) -> tuple[dict[int, str], set[int]]:
        """``data = request.get_json()`` inside the unit: the route passes the value as ``data`` and
        the statement is dropped from the service. Right when ``data`` is not a parameter already
        and nothing before the statement binds it, so the value passed is the one first read."""
        codes: dict[str, int] = {}
        for hoist in hoists:
            code = self._expr_code(hoist)
            codes[code] = codes.get(code, 0) + 1
        by_expr = {id(h.expr): h for h in hoists}
        preferred: dict[int, str] = {}
        dropped: set[int] = set()
        stored: set[str] = set(live)
        for stmt in stmts:
            name = self._folded_name(stmt, by_expr)
            if name is not None and name not in stored:
                found = by_expr[id(_assigned_value(stmt))]
                if codes[self._expr_code(found)] == 1:
                    preferred[id(found.expr)] = name
                    dropped.add(id(stmt))
            stored |= {
                cast(cst.Name, node).value
                for node in self.index.subtree(stmt)
                if type(node) in NAME_TYPES and is_store(self.index, node)
            }
        return preferred, dropped

    def _folded_name(self, stmt: cst.BaseStatement, by_expr: dict[int, Hoist]) -> str | None:
        """``name`` for a statement ``name = <hoisted read>``."""
        value = _assigned_value(stmt)
        if value is None or id(value) not in by_expr:
            return None
        assert isinstance(stmt, cst.SimpleStatementLine)
        assign = stmt.body[0]
        assert isinstance(assign, cst.Assign)
        target = assign.targets[0].target
        return target.value if isinstance(target, cst.Name) else None

    def _name_hoists(
        self, hoists: list[Hoist], used: set[str], preferred: dict[int, str]
    ) -> list[Param]:
        by_code: dict[str, str] = {}
        params: list[Param] = []
        taken = set(used) - set(preferred.values())
        codes = {self._expr_code(h) for h in hoists}
        # A read named after another it extends (`g.tenant.id` after `g.tenant`), the rest in
        # the order the code reads them: `message`, `message_2`... as they come.
        for hoist in sorted(hoists, key=lambda h: _extended(self._expr_code(h), codes)):
            code = self._expr_code(hoist)
            if code in by_code:
                hoist.param = by_code[code]
                continue
            prefix = next((c for c in by_code if _extends(code, c)), None)
            if prefix is not None and id(hoist.expr) not in preferred:
                # `g.tenant.id` next to `g.tenant`: read it from the value already passed.
                hoist.param = by_code[prefix] + code[len(prefix) :]
                continue
            suggested = self._not_another_keyword(
                hoist,
                _unclashed(hoist, taken, self._is_lookup_key(hoist.expr), self._keyword_of(hoist)),
            )
            name = preferred.get(id(hoist.expr)) or unique(suggested, taken)
            taken.add(name)
            by_code[code] = name
            hoist.param = name
            unwrapped = code + _UNWRAP
            if _passes_the_user(hoist) and unwrapped in codes:
                # The route unwraps the proxy itself: it passes the user object, which the
                # service then reads and adds as it is (any caller can hand it a plain user).
                by_code[unwrapped] = name
                code = unwrapped
            params.append(Param(name, code))
        order = {id(h.expr): i for i, h in enumerate(hoists)}
        first_use = {
            p.name: min(order[id(h.expr)] for h in hoists if h.param == p.name) for p in params
        }
        return sorted(params, key=lambda p: first_use[p.name])

    def _not_another_keyword(self, hoist: Hoist, suggested: str) -> str:
        """``suggested``, or the keyword the read is passed as where ``suggested`` is another
        keyword of the same call: ``add_member(username=form["user"],
        user=g.user.username)`` takes ``username`` and ``user``, not the names swapped."""
        arg = self.index.parent(hoist.expr)
        call = self.index.parent(arg) if isinstance(arg, cst.Arg) else None
        if not isinstance(arg, cst.Arg) or arg.keyword is None or not isinstance(call, cst.Call):
            return suggested
        others = {a.keyword.value for a in call.args if a.keyword is not None and a is not arg}
        return arg.keyword.value if suggested in others else suggested

    def _keyword_of(self, hoist: Hoist) -> str:
        """The keyword a hoisted request-dependent call is passed as (``sign=get_flag("sign")``
        → ``sign``), else "": the parameter the callee names it by."""
        if hoist.use.kind != "reader" or hoist.use.name in _NAMED_READERS:
            return ""
        arg = self.index.parent(hoist.expr)
        if isinstance(arg, cst.Arg) and arg.keyword is not None and arg.value is hoist.expr:
            return arg.keyword.value
        return ""

    def _is_lookup_key(self, expr: cst.BaseExpression) -> bool:
        """Whether the moved code reads ``expr`` only as the key of a row lookup:
        ``Job.query.get(form.job.data)``, ``db.session.get(Job, form.job.data)``: it holds the
        row's id, not the row."""
        arg = self.index.parent(expr)
        call = self.index.parent(arg) if isinstance(arg, cst.Arg) else None
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return False
        if arg is not call.args[-1] or call.func.attr.value not in _LOOKUPS or arg.keyword:
            return False
        receiver = call.func.value
        if isinstance(receiver, cst.Attribute) and receiver.attr.value == "query":
            return len(call.args) == 1  # `Job.query.get(key)`
        # `session.get(Job, key)`, `db.get_or_404(Job, key)`; not `mapping.get(key, default)`
        model = call.args[0].value if len(call.args) == 2 else None
        name = model.attr.value if isinstance(model, cst.Attribute) else getattr(model, "value", "")
        return isinstance(model, (cst.Name, cst.Attribute)) and name[:1].isupper()

    def service_body(
        self,
        unit: Unit,
        stmts: list[cst.BaseStatement],
        hoists: list[Hoist],
        dropped: set[int],
    ) -> str:
        within = self._ancestors(h.expr for h in hoists) if REBUILD_ONLY_ABOVE_READS else None
        replacer = ReplaceReads({id(h.expr): h.param for h in hoists}, within)
        moved: list[cst.BaseStatement] = []
        #: by position in ``moved``: the code of a statement whose reads were replaced in its
        #: line, without its leading lines
        spliced: dict[int, str] = {}
        carried: Sequence[cst.EmptyLine] = ()
        for stmt in stmts:
            if id(stmt) in dropped:
                carried = carried or getattr(stmt, "leading_lines", ())
                continue
            line = self._spliced(stmt, replacer.replacements) if SPLICE_READS else None
            new = (
                self._service_statement(unit, stmt, replacer)
                if line is None
                else cast(cst.SimpleStatementLine, stmt)  # (only these are spliced)
            )
            if carried and not new.leading_lines:
                new = new.with_changes(leading_lines=carried)
            carried = ()
            if line is not None:
                spliced[len(moved)] = line
            moved.append(new)
        if unit.try_node is not None and unit.split is not None:
            new_try = moved[-1]
            assert isinstance(new_try, cst.Try)
            moved[-1:] = _service_try(new_try, unit.split, unit.try_tail)
        codes = [
            self._code(stmt, leading=index > 0)
            if index not in spliced
            else _leading_code(stmt, leading=index > 0) + spliced[index]
            for index, stmt in enumerate(moved)
        ]
        if moved and codes[0] is None:
            codes[0] = code_of(moved[0].with_changes(leading_lines=()))
        return "".join(
            code if code is not None else code_of(stmt)
            for stmt, code in zip(moved, codes, strict=True)
        )

    def _spliced(self, stmt: cst.BaseStatement, replacements: dict[int, str]) -> str | None:
        """The code of a moved one-line statement with its hoisted reads replaced by their
        parameters, from its line of the module (without its leading lines): what generating
        the rebuilt statement gives, since only the reads change. None when that is not plain:
        no read to replace, not a statement of the module all on one line (see :meth:`_code`),
        a read in parentheses or inside another, a parameter that is not a name, or the code of
        a read found elsewhere in the line too (then where the read is is not known)."""
        if type(stmt) is not cst.SimpleStatementLine:
            return None
        reads = [node for node in self.index.subtree(stmt) if id(node) in replacements]
        if not reads:
            return None
        line = self._code(stmt, leading=False)
        if line is None:
            return None
        spans: list[tuple[int, int, str]] = []
        for node in reads:
            param = replacements[id(node)]
            if (
                not param.isidentifier()
                or getattr(node, "lpar", None)
                or getattr(node, "rpar", None)
            ):
                return None
            if any(self.index.is_within(node, other) for other in reads if other is not node):
                return None
            code = self._node_code(node)
            start = line.find(code)
            if start < 0 or line.find(code, start + 1) >= 0:
                return None
            spans.append((start, start + len(code), param))
        for start, end, param in sorted(spans, reverse=True):
            line = line[:start] + param + line[end:]
        return line

    def _code(self, stmt: cst.BaseStatement, *, leading: bool) -> str | None:
        """``code_of(stmt)`` (without its leading lines unless ``leading``) from the line of the
        module it is on, where it is a statement of the module all on one line (no code to
        generate); None for any other statement."""
        if not ONE_LINE_SOURCE or type(stmt) is not cst.SimpleStatementLine:
            return None
        text = self.index.text
        start = self.index.positions.one_line(stmt) if text is not None else None
        if text is None or start is None:
            return None
        if self._lines is None:
            self._lines = _LINE_BREAK.split(text)
        line, column = start
        if line == 1:  # (where a byte-order mark may start the text)
            return None
        code = self._lines[line - 1]
        # (a line that goes on after a backslash is not all of the statement's code)
        if code[:column].strip(" \t") or code.endswith("\\"):
            return None
        newline = stmt.trailing_whitespace.newline.value
        code = code[column:] + ("\n" if newline is None else newline)
        return _leading_code(stmt, leading=leading) + code

    def _expr_code(self, hoist: Hoist) -> str:
        """The code of the read's expression, generated once: units of one function share their
        statements' reads, and each is asked about several times."""
        return self._node_code(hoist.expr)

    def _node_code(self, node: cst.CSTNode) -> str:
        """``code_of(node)``, generated once per node of the module."""
        key = id(node)
        code = self._codes.get(key)
        if code is None:
            code = self._codes[key] = code_of(node)
        return code

    def _ancestors(self, nodes: Iterable[cst.CSTNode]) -> set[int]:
        """``nodes`` and every node above them (by ``id``)."""
        found: set[int] = set()
        for node in nodes:
            current: cst.CSTNode | None = node
            while current is not None and id(current) not in found:
                found.add(id(current))
                current = self.index.parent(current)
        return found

    def _service_statement(
        self, unit: Unit, stmt: cst.BaseStatement, replacer: ReplaceReads
    ) -> cst.SimpleStatementLine | cst.BaseCompoundStatement:
        """One moved statement with the hoisted reads replaced; an early exit returns ``False``
        (and the returned values), or None where it tested the one value returned, where the
        route answered the request."""
        new: cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.BaseStatement] = stmt
        replacements = replacer.replacements
        # A statement without hoisted reads would only be rebuilt as it is.
        if any(id(node) in replacements for node in self.index.subtree(stmt)):
            new = stmt.visit(replacer)
        if (
            isinstance(stmt, cst.If)
            and isinstance(new, cst.If)
            and any(stmt is e for e in unit.exits)
        ):
            values = ["None"] if unit.none_on_exit else ["False", *unit.returns]
            early = cst.parse_statement(f"return {', '.join(values)}\n")
            new = replace_branch(new, self.exit_path(stmt), early)
        assert isinstance(new, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        return new


def _leading_code(stmt: cst.BaseStatement, *, leading: bool) -> str:
    """The code of the lines above ``stmt`` that are part of it (blank lines, comments), when
    ``leading``; else nothing."""
    if not leading:
        return ""
    lines: Sequence[cst.EmptyLine] = getattr(stmt, "leading_lines", ())
    return "".join(code_of(empty) for empty in lines)


def _service_try(
    new_try: cst.Try, splits: list[SplitHandler], tail: int
) -> list[cst.BaseStatement]:
    """The moved ``try``: each handler keeps its rollback part and re-raises to the route's
    handler; without any rollback part, just the ``try`` body. The last ``tail`` statements of
    the body and the ``else`` stay in the route (see ``Unit.kept_after``)."""
    if isinstance(new_try.body, cst.IndentedBlock):
        body = split_try_body(new_try, tail)[0]
        new_try = new_try.with_changes(body=new_try.body.with_changes(body=body))
    new_try = new_try.with_changes(orelse=None)
    handlers: list[cst.ExceptHandler] = []
    for split, handler in zip(splits, new_try.handlers, strict=False):
        assert isinstance(handler.body, cst.IndentedBlock)
        kept_moved = list(handler.body.body[: len(split.moved)])
        if split.kept:
            kept_moved.append(cst.SimpleStatementLine([cst.Raise()]))
        moved = handler.with_changes(body=handler.body.with_changes(body=kept_moved))
        handlers.append(_without_unread_name(moved) if split.kept else moved)
    if not holds_try(splits):
        return [s for s in new_try.body.body if isinstance(s, cst.BaseStatement)]
    return [new_try.with_changes(handlers=handlers)]


def _without_unread_name(handler: cst.ExceptHandler) -> cst.ExceptHandler:
    """``handler`` without its ``as error`` when its body does not read ``error``: the bare
    ``raise`` re-raises without it, the route's handler reads it, and linters flag an unused
    name in the service."""
    if handler.name is None or not isinstance(handler.name.name, cst.Name):
        return handler
    bound = handler.name.name.value
    if any(isinstance(node, cst.Name) and node.value == bound for node in iter_nodes(handler.body)):
        return handler
    return handler.with_changes(name=None)


class ReplaceReads(cst.CSTTransformer):
    """Replaces hoisted framework reads (by node identity) with the parameter names."""

    def __init__(self, replacements: dict[int, str], within: Collection[int] | None = None) -> None:
        super().__init__()
        self.replacements = replacements
        #: with the nodes above the replaced ones (by ``id``), only those are rebuilt: the rest
        #: would come out as they are, for the cost of copying every node of the statement
        self.within = within

    def on_visit(self, node: cst.CSTNode) -> bool:
        return self.within is None or id(node) in self.within

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        text = self.replacements.get(id(original_node))
        if text is None:
            return updated_node
        assert isinstance(original_node, cst.BaseExpression)
        replacement = cst.parse_expression(text)
        return replacement.with_changes(lpar=original_node.lpar, rpar=original_node.rpar)


def _extends(code: str, other: str) -> bool:
    """Whether the read ``code`` reads on from ``other`` (``g.tenant.id`` from ``g.tenant``)."""
    return code.startswith(other) and code[len(other) : len(other) + 1] in ".["


def _extended(code: str, codes: set[str]) -> int:
    """How many of ``codes`` the read ``code`` extends."""
    return sum(1 for other in codes if _extends(code, other))


def _assigned_value(stmt: cst.BaseStatement) -> cst.BaseExpression | None:
    """The value of a statement that is exactly one ``name = value``."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    assign = stmt.body[0]
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    return assign.value


def _suggest(hoist: Hoist) -> str:
    """A parameter name for a hoisted read; request-dependent calls and route-layer helpers
    are named by what they return (``get_ip()`` → ``ip``, ``generate_key()`` → ``key``,
    ``_("...")`` → ``message``, ``auth.current_user()`` → ``auth_user``)."""
    if hoist.use.kind != "reader":
        return suggest_name(hoist.expr, hoist.use.name)
    name = hoist.use.name
    if name in TRANSLATION_CALLABLES:
        return "locale" if name == "get_locale" else "message"
    if name == "current_user":
        return "auth_user"
    verb, _, rest = name.partition("_")
    return rest if rest and verb in _MAKER_VERBS else name


def _unclashed(hoist: Hoist, taken: set[str], lookup_key: bool = False, keyword: str = "") -> str:
    """The suggested name, or when the moved code already uses it, one that says where the
    value comes from (``form.post.data`` → ``post_data``; ``request.form.get("count")`` next to
    a local ``count`` → ``raw_count``; ``g.project`` next to a local ``project`` →
    ``current_project``; ``current_user.id`` next to a ``user_id`` or a ``user`` →
    ``current_user_id``). A value the moved code looks a row up by is its id
    (``Category.query.get(form.category.data)`` → ``category_id``). A request-dependent call
    passed as a keyword argument is named by it."""
    name = keyword or _suggest(hoist)
    if lookup_key and not name.endswith("id"):
        name = f"{name}_id"
    if _signed_in_users(hoist, name) and (name in taken or "user" in taken):
        # `current_user.id` beside a `user_id` (or a `user`) of the moved code's own: the
        # signed-in user's, not the one the route works on
        return f"current_{name}"
    if name not in taken:
        return name
    if _passes_the_user(hoist):
        return "current_user"  # beside a `user` of the moved code's own
    if hoist.use.kind == "form":
        return f"{name}_data"
    if hoist.use.name == "request":
        # a submitted value, as it came (`raw_count`); the request's own (`request_user_id`)
        return f"raw_{name}" if _submitted(hoist) else f"request_{name}"
    if hoist.use.name == "g" and hoist.use.kind != "reader":
        return f"current_{name}"  # Flask's `g.project` next to a local `project`
    if hoist.use.kind == INPUT_KIND:
        return f"{hoist.use.name}_{name}"  # `data["role"]` next to a local `role`
    return name


#: what unwraps Werkzeug's proxy (Flask-Login's ``current_user``) into the object behind it
_UNWRAP = f".{UNWRAP_METHOD}()"


#: what of Flask's request holds what the client submitted (its form, query string, body...)
_SUBMITTED = frozenset(
    {"form", "args", "values", "json", "get_json", "files", "data", "get_data", "cookies"}
)


def _submitted(hoist: Hoist) -> bool:
    """Whether a read of ``request`` reads what the client submitted (``request.form.get(...)``),
    not something of the request itself (``request.remote_addr``, ``request.user_id``)."""
    node: cst.CSTNode = hoist.expr
    while True:
        if isinstance(node, cst.Call):
            node = node.func
        elif isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.Attribute):
            if node.value is hoist.root:
                return node.attr.value in _SUBMITTED
            node = node.value
        else:
            return True


def _signed_in_users(hoist: Hoist, name: str) -> bool:
    """Whether ``name`` is a parameter for an attribute of Flask-Login's ``current_user``
    (``current_user.id`` → ``user_id``)."""
    return is_current_user(hoist.use) and not _passes_the_user(hoist) and name.startswith("user_")


def _passes_the_user(hoist: Hoist) -> bool:
    """Whether the hoisted read is Flask-Login's ``current_user`` itself, passed as the user."""
    return is_current_user(hoist.use) and hoist.expr is hoist.root


def replace_branch(node: cst.CSTNode, path: Sequence[str], stmt: cst.BaseStatement) -> cst.CSTNode:
    """``node`` with the block at ``path`` holding only ``stmt``."""
    if len(path) == 1:
        block = getattr(node, path[0])
        assert isinstance(block, cst.IndentedBlock)
        return node.with_changes(**{path[0]: block.with_changes(body=[stmt])})
    child = getattr(node, path[0])
    return node.with_changes(**{path[0]: replace_branch(child, path[1:], stmt)})
