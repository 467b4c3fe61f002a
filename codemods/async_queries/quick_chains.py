"""Legacy query chains found from the `ast` tree, each checked on a LibCST parse of itself alone.

:mod:`.quick` reads a file's functions, calls and unawaited calls from `ast`. This module adds the
chains: it finds their roots (``session.query(...)``, ``Model.query``, ``self.model.query``), climbs
to the outermost call, decides how the value is used and follows query variables with the LibCST
scan's rules (``analyze._Scanner``), over `ast` nodes. Only the text of each chain is parsed with
LibCST (``libcst.parse_expression``) for the checks that decide whether and how it converts
(``chains.split_chain``, ``chains.check``), which read nothing outside the chain. A chain is a few
percent of a file, so the file's LibCST tree, its positions and its walk are never built.

The text a chain is parsed from is the file's, with the enclosing statement's indentation taken
off its continuation lines (not those after a backslash, which LibCST keeps as written), as
LibCST's own tree records them: the code a message quotes is the same. Decorators a message quotes
are parsed the same way. Where that cannot hold (a triple-quoted string across lines, mixed
newlines, a backslash continuation in a file with ``\r`` newlines, a chain inside an f-string),
where a chain's names are not plain `ast` names at a known place (an ``except ... as`` name, a
lambda parameter, a class or an import alias named like a query variable), and wherever
:mod:`.quick` is unsure, :func:`chain_facts` returns None and the LibCST scan runs.
``tests/unit/test_async_queries_quick_chains.py`` compares both scans.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from typing import Any

import libcst as cst

from backfix.ast_utils import parameter_names
from backfix.cst_parse import parse_expression

from . import chains as ch
from . import reasons as R
from .analyze import (
    ROOT_UNTYPED,
    QueryScope,
    Rebuilds,
    _check,
    _eager_rows,
    _entities,
    _executes,
    _unknown_session,
    _VarVerdict,
    group_verdict,
    session_like,
    untyped_query_reason,
)
from .model import KIND_FSA, KIND_UNKNOWN, ChainFact, ModuleFacts
from .quick import _QUIET, _STRING_NAMES, _string_names, _Walker, facts_or_reason
from .quick_names import FunctionNode, _Frame, _last
from .quick_source import Unsure, _Source

#: the node types :meth:`_ChainWalker._hide` reads names from (`ast` builds no subclasses of them)
_HIDING = frozenset(
    {ast.Lambda, ast.ExceptHandler, ast.Import, ast.ImportFrom, ast.ClassDef, *_STRING_NAMES}
)

#: statements whose visit in :meth:`_ChainWalker.node` is only the visit of their children (no
#: definition, import, string names, new syntax)
_PLAIN_STATEMENTS: frozenset[type[ast.AST]] = frozenset(
    {
        ast.Return,
        ast.Delete,
        ast.Assign,
        ast.AugAssign,
        ast.AnnAssign,
        ast.For,
        ast.AsyncFor,
        ast.While,
        ast.If,
        ast.With,
        ast.AsyncWith,
        ast.Raise,
        ast.Try,
        ast.Assert,
        ast.Expr,
        ast.Pass,
        ast.Break,
        ast.Continue,
        ast.Match,
    }
)

#: walk-order keys: (position, 0 for a leave / 1 for an enter, tie-breaker)
Order = tuple[int, int, int, int, int]


def chain_facts(
    path: str,
    text: str,
    tree: ast.Module,
    session_names: Sequence[str],
    not_sessions: Collection[str] = (),
) -> ModuleFacts | None:
    """The facts ``analyze.scan`` finds (no ``plumbing``, no ``tree``), chains included; None
    where the `ast` reading could differ."""
    found = facts_or_reason(path, text, tree, session_names, _ChainWalker, not_sessions)
    return found if isinstance(found, ModuleFacts) else None


@dataclass
class _ChainFrame(_Frame):
    """A frame that also holds what query variables read: the names used in it."""

    names: list[ast.Name] = field(default_factory=list)
    #: names LibCST holds as name nodes where `ast` holds strings (parameters, aliases...)
    hidden: set[str] = field(default_factory=set)
    #: the function's own name and parameters: LibCST's first names of the frame after its
    #: decorators
    own: set[str] = field(default_factory=set)
    nested_names: set[str] = field(default_factory=set)
    candidates: list[_Candidate] = field(default_factory=list)
    #: per query variable, what the uses of its queries decide (see `_finish_variable`)
    verdicts: dict[str, _VarVerdict] = field(default_factory=dict)


@dataclass
class _Candidate:
    """``q = session.query(...)...`` without a terminal: a query variable to follow."""

    name: str
    assign: ast.Assign
    outer: ast.expr
    root: ast.expr
    chain: ch.Chain
    kind: str
    session: cst.BaseExpression
    fsa_db: str
    needs_db_import: bool
    spec: ch.RootSpec
    needs_mapped: bool


@dataclass
class _Use:
    """One place a query variable is rebuilt (``executes`` False) or run."""

    outer: ast.expr
    chain: ch.Chain
    use: str
    executes: bool


@dataclass(frozen=True)
class _Root:
    """Where a chain starts: the root node, its kind and the session it runs on."""

    node: ast.expr
    spec: ch.RootSpec
    kind: str
    session: cst.BaseExpression | None  # None: the receiver of the parsed root call
    fsa_db: str
    needs_db_import: bool
    untyped: str | None = None  # why the receiver is not known to be a session ("" when it is)
    cls: tuple[str, str] = ("", "")  # ``analyze._Scanner._root``'s ``cls``


class _ChainWalker(_Walker):
    """:class:`.quick._Walker` that also finds legacy chains and query variables."""

    CHAINS = True

    def __init__(
        self,
        source: _Source,
        info: Any,
        classes: Any,
        session_names: frozenset[str],
    ) -> None:
        super().__init__(source, info, classes, session_names)
        self.chains: list[tuple[Order, ChainFact, str]] = []
        self.seen_roots: set[int] = set()
        #: the statements the walk is in, innermost last
        self.statements: list[ast.stmt] = []
        #: the names a function's frame starts with (its own name, its parameters)
        self.pending: set[str] = set()
        #: the file's kinds of newline: LibCST keeps one after a backslash as written, and one
        #: that is not the module's default (the first) in parentheses too
        self.newlines = _newlines(source.source)

    # -- the walk ------------------------------------------------------------------------------

    def node(self, node: ast.AST, parent: ast.AST, role: str) -> None:
        """Record names for query variables, find ``Model.query`` roots, then walk on."""
        kind = type(node)
        if kind is ast.Name:
            if self.frames:
                frame = self._frame()
                frame.names.append(node)  # type: ignore[arg-type]
                if self.in_fstring:  # `ast` positions there are checked, not trusted
                    frame.hidden.add(node.id)  # type: ignore[attr-defined]
            # `_Walker.node` reads only this of a name (and the most are no function or import).
            name = node.id  # type: ignore[attr-defined]
            if role != _QUIET and (name in self.info.functions or name in self.info.imports):
                self.name(node, parent, role)  # type: ignore[arg-type]
            return
        # What `_Walker.node` does with an attribute (chains read) or a call, without asking again.
        if kind is ast.Attribute:
            if node.attr == "query":  # type: ignore[attr-defined]
                self.query_attribute(node, parent)  # type: ignore[arg-type]
            self.children(node)
        elif kind is ast.Call:
            self.call(node, parent, role)  # type: ignore[arg-type]
        elif isinstance(node, ast.stmt):
            self._statement(node, parent, role)
        else:
            if kind in _HIDING:
                self._hide(node)
            super().node(node, parent, role)

    def _statement(self, node: ast.stmt, parent: ast.AST, role: str) -> None:
        """A statement: its indentation is what LibCST takes off its continuation lines."""
        self.statements.append(node)
        if type(node) in _PLAIN_STATEMENTS:
            self.children(node)
        else:
            if type(node) in _HIDING:
                self._hide(node)
            super().node(node, parent, role)
        self.statements.pop()

    def _indent(self) -> str:
        """The indentation of the innermost statement the walk is in."""
        if not self.statements:
            return ""
        line = self.source.lines[self.statements[-1].lineno - 1]
        return line[: len(line) - len(line.lstrip(" \t\f"))]

    def _hide(self, node: ast.AST) -> None:
        """Names LibCST's scan sees as name nodes in the current frame that `ast` keeps as strings."""
        if not self.frames:
            return
        hidden = self._frame().hidden
        if isinstance(node, ast.Lambda):
            hidden.update(parameter_names(node.args))
        elif isinstance(node, ast.ExceptHandler) and node.name:
            hidden.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            hidden.update(a.name.split(".")[0] for a in node.names)
            hidden.update(a.asname for a in node.names if a.asname)
            if isinstance(node, ast.ImportFrom) and node.module:
                hidden.add(node.module.split(".")[0])
        elif isinstance(node, ast.ClassDef):
            hidden.add(node.name)
        elif isinstance(node, _STRING_NAMES):  # `global`/`nonlocal` names, match captures
            hidden.update(_string_names(node))

    def _frame(self) -> _ChainFrame:
        frame = self.frames[-1]
        assert isinstance(frame, _ChainFrame)
        return frame

    def new_frame(self, qual: str, is_async: bool) -> _Frame:
        """A frame that records names; LibCST's starts with the function's name and parameters."""
        frame = _ChainFrame(qual, is_async)
        frame.own.update(self.pending)
        return frame

    def function(self, node: FunctionNode) -> None:
        """Enter a function; its own name and parameters are names of its frame to LibCST."""
        self.pending = {node.name, *parameter_names(node.args)}
        super().function(node)

    def leave_function(self, node: FunctionNode, frame: _Frame) -> None:
        """Settle the function's query variables; its names become the outer frame's nested."""
        assert isinstance(frame, _ChainFrame)
        for candidate in frame.candidates:
            self._finish_variable(node, frame, candidate)
        if self.frames:
            outer = self._frame()
            outer.nested_names.update(name.id for name in frame.names)
            outer.nested_names.update(frame.hidden)
            outer.nested_names.update(frame.own)

    # -- roots ---------------------------------------------------------------------------------

    def chain_root(self, node: ast.Call, parent: ast.AST, role: str) -> None:
        """``<receiver>.query(...)``: a chain on a session, or on a receiver named like one."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "query"):
            return
        if id(node) in self.seen_roots:
            return
        receiver = func.value
        kind = self.session_kind(receiver)
        spec = ch.RootSpec(ch.ROOT_SESSION)
        if kind is not None:
            self.seen_roots.add(id(node))
            fsa_db = _fsa_db(receiver) if kind == KIND_FSA else ""
            self.root(_Root(node, spec, kind, None, fsa_db, False))
        elif node.args or node.keywords:
            self.root(_Root(node, spec, KIND_UNKNOWN, None, "", False, untyped=""))

    def query_attribute(self, node: ast.Attribute, parent: ast.AST) -> None:
        """``Model.query`` (Flask-SQLAlchemy), or a ``.query`` on something nobody can name."""
        if isinstance(parent, ast.Call) and parent.func is node:
            return
        if isinstance(parent, ast.Assign) and node in parent.targets:
            return
        if not _is_model_query(node):
            self.untyped_query(node, parent)
            return
        if isinstance(node.value, ast.Name) and any(node.value.id in f.locals for f in self.frames):
            self.untyped_query(node, parent, variable=True)  # `Model = class_for(kind)`
            return
        db_names = self.info.db_names
        db = sorted(db_names)[0] if db_names else "db"
        session = _db_session(db)
        self.root(_Root(node, ch.RootSpec(ch.ROOT_MODEL), KIND_FSA, session, db, not db_names))

    def untyped_query(
        self, node: ast.Attribute, parent: ast.AST, *, variable: bool = False
    ) -> None:
        """``cls.query``, ``self.model.query``: a query on a class nobody can name (``analyze.
        _Scanner._untyped_query``, ``variable`` as there)."""
        owner = node.value
        is_cls = isinstance(owner, ast.Name) and owner.id == "cls"
        if not (is_cls or variable or self._queried(owner, parent)):
            return
        self._outside_fstring()
        method = parent.attr if isinstance(parent, ast.Attribute) else ""
        outer = self.climb(node)
        terminal = outer.func if isinstance(outer, ast.Call) else None
        reason = untyped_query_reason(
            is_cls,
            self.owner_code(node),
            method,
            terminal.attr if isinstance(terminal, ast.Attribute) else "",
        )
        cls_owner = self._cls_owner() if is_cls else ""
        if cls_owner and not self._cls_starts_variable(outer):
            db_names = self.info.db_names
            db = sorted(db_names)[0] if db_names else "db"
            spec = ch.RootSpec(ch.ROOT_MODEL)
            session = _db_session(db)
            self.root(
                _Root(node, spec, KIND_FSA, session, db, not db_names, cls=(cls_owner, reason))
            )
            return
        self.add_chain(
            self.enter(node),
            outer,
            owner,
            KIND_FSA,
            manual=reason,
            root=ROOT_UNTYPED,
            manual_fsa2=reason,
            manual_id=R.UNKNOWN_MODEL,
            manual_fsa2_id=R.UNKNOWN_MODEL,
        )

    def _cls_owner(self) -> str:
        """``analyze._Scanner._cls_owner``."""
        if len(self.frames) != 1 or not self.class_stack or "cls" not in self.frames[0].aliased:
            return ""
        return self.class_stack[-1]

    def _cls_starts_variable(self, outer: ast.expr) -> bool:
        """``analyze._Scanner._cls_starts_variable``."""
        chain = ch.split_chain(self.parse(outer), ch.RootSpec(ch.ROOT_MODEL))
        parent = self.parent(outer)
        return chain is None or (
            isinstance(parent, ast.Assign)
            and parent.value is outer
            and self._starts_variable(chain, self.use(outer)[0], parent, None)
        )

    def _queried(self, owner: ast.expr, method: ast.AST) -> bool:
        """``analyze._Scanner._queried``: ``<owner>.query.<method>`` reads as a legacy query."""
        if not isinstance(method, ast.Attribute):
            return isinstance(method, ast.Assign | ast.Return) and ch.holds_model(_last(owner))
        call = self.parent(method)
        arity = None
        if isinstance(call, ast.Call) and call.func is method:
            arity = (len(call.args), len(call.keywords))
        return ch.queries_untyped(_last(owner), method.attr, arity)

    def root(self, found: _Root) -> None:
        """``analyze._Scanner._root``: one chain, or the start of a query variable."""
        self._outside_fstring()
        outer = self.climb(found.node)
        parsed = self.parse(outer)
        chain = ch.split_chain(parsed, found.spec)
        if chain is None:
            return
        session = found.session
        if session is None:
            # The receiver of the call the walk met: a chain's root is its outermost
            # `.query(...)`, which is another call in `a.query(X).query(Y)`.
            call = _descend(parsed, outer, found.node)
            assert isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
            session = call.func.value
        untyped = found.untyped
        if untyped is not None:
            if not self._untyped_query_call(_descend(parsed, outer, found.node), found.node):
                return
            self.seen_roots.add(id(found.node))
            receiver = found.node.func.value  # type: ignore[attr-defined]
            untyped = "" if self.session_like(receiver) else _unknown_session(session)
        use, _ = self.use(outer)
        parent = self.parent(outer)
        if (
            isinstance(parent, ast.Assign)
            and parent.value is outer
            and self._starts_variable(chain, use, parent, untyped)
        ):
            target = parent.targets[0]
            assert isinstance(target, ast.Name)
            self._frame().candidates.append(
                _Candidate(
                    target.id,
                    parent,
                    outer,
                    found.node,
                    chain,
                    found.kind,
                    session,
                    found.fsa_db,
                    found.needs_db_import,
                    found.spec,
                    untyped is not None,
                )
            )
            return
        base = ch.Base(session, found.fsa_db, aliased=self._aliased(), tables=self._tables())
        standalone = self.standalone(outer)
        (manual, manual_id), (manual_fsa2, manual_fsa2_id) = _checked(chain, base, use, standalone)
        if untyped:
            manual = manual_fsa2 = untyped
            manual_id = manual_fsa2_id = R.UNKNOWN_SESSION
        if isinstance(parent, ast.Await) and not manual:
            manual = "the legacy query is already awaited; the surrounding code needs a manual fix"
            manual_id = R.ALREADY_AWAITED
        blocker = self.context_blocker() if _executes(chain, use) else ""
        term = chain.terminal
        rows = None if manual and manual_fsa2 else _eager_rows(chain, base, use, standalone)
        self.add_chain(
            self.enter(found.node),
            outer,
            found.node,
            found.kind,
            manual=manual,
            async_blocker=blocker,
            needs_db_import=found.needs_db_import,
            root=found.spec.kind,
            entities=(found.cls[0],) if found.cls[0] else _entities(chain.root),
            joined_attributes=ch.joined_instance_attributes(chain),
            needs_mapped=untyped is not None,
            fsa_terminal=term.name if term and term.name in ch.FSA_TERMINALS else "",
            manual_fsa2=manual_fsa2,
            terminal=term.name if term else "",
            manual_id=manual_id,
            manual_fsa2_id=manual_fsa2_id,
            eager_rows=rows,
            cls_owner=found.cls[0],
            cls_reason=found.cls[1],
        )

    def _outside_fstring(self) -> None:
        """Raise Unsure inside an f-string: `ast` positions there may be off (Python < 3.12).

        Only where a chain is found: ``f"{request.query}"`` is no chain and stays fast."""
        if self.in_fstring:
            raise Unsure("a query inside an f-string")

    def _untyped_query_call(self, root: cst.BaseExpression, node: ast.expr) -> bool:
        """``analyze._Scanner._untyped_query_call`` on the parsed call the walk met."""
        assert isinstance(root, cst.Call)
        args = [a.value for a in root.args]
        if ch.class_names(args) or any(ch.column_kind(a, frozenset()) == "entity" for a in args):
            return True
        return self.session_like(node.func.value)  # type: ignore[attr-defined]

    def session_like(self, receiver: ast.expr) -> bool:
        """``analyze._Scanner._session_like``: named like a session, or typed with a factory."""
        name = ""
        type_name = ""
        if isinstance(receiver, ast.Name):
            name = receiver.id
            for frame in reversed(self.frames):
                if name in frame.types:
                    type_name = frame.types[name]
                    break
        elif (
            isinstance(receiver, ast.Attribute)
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id in {"self", "cls"}
            and self.class_stack
        ):
            name = receiver.attr
            cls = self.classes.get(self.class_stack[0])
            type_name = cls.types.get(name, "") if cls else ""
        if type_name:
            return type_name in self.info.factories or "Session" in type_name
        return bool(name) and session_like(name)

    def _starts_variable(
        self, chain: ch.Chain, use: str, assign: ast.Assign, untyped: str | None
    ) -> bool:
        return (
            not untyped
            and chain.terminal is None
            and chain.subscript is None
            and use == ch.USE_VALUE
            and bool(self.frames)
            and not self.blockers
            and len(assign.targets) == 1
            and isinstance(assign.targets[0], ast.Name)
        )

    def _aliased(self) -> frozenset[str]:
        names: set[str] = set()
        for frame in self.frames:
            names |= frame.aliased
        return frozenset(names)

    def _tables(self, own: _Frame | None = None) -> frozenset[str]:
        """``analyze._Scanner._tables``."""
        frames = self.frames if own is None else [*self.frames, own]
        tables = ch.unshadowed(self.info.tables, [f.locals for f in frames])
        columns = [(f.columns - f.not_columns, f.locals) for f in frames]
        return frozenset(tables | ch.local_columns(columns))

    # -- query variables -----------------------------------------------------------------------

    def _finish_variable(self, node: FunctionNode, frame: _ChainFrame, cand: _Candidate) -> None:
        """``analyze._Scanner._finish_variable``: follow a query variable, record one chain."""
        if cand.name in frame.hidden:
            raise Unsure("a query variable named like a parameter, alias or nested definition")
        spec = ch.RootSpec(ch.ROOT_VAR, cand.name)
        group = [c for c in frame.candidates if c.name == cand.name]
        if cand is not group[0]:
            verdict = frame.verdicts[cand.name]
        else:
            verdict = frame.verdicts[cand.name] = self._group_verdict(frame, group, spec)
        text = self.wrapped_text(cand.outer)
        start = self.source.key(cand.root)
        fact = ChainFact(
            self.source.key(cand.outer),
            start[0],
            start[1],
            frame.qual,
            frame.qual,
            "",
            f"query variable `{cand.name}` = {_summary(text)}",
            cand.kind,
            is_variable=True,
            variable_methods=verdict.methods,
            manual=verdict.reason,
            async_blocker=verdict.blocker,
            needs_db_import=cand.needs_db_import,
            root=ch.ROOT_SESSION if isinstance(cand.chain.root, cst.Call) else ch.ROOT_MODEL,
            entities=_entities(cand.chain.root),
            joined_attributes=ch.joined_instance_attributes(cand.chain),
            needs_mapped=cand.needs_mapped,
            fsa_terminal=verdict.terminal,
            manual_fsa2=verdict.reason2,
            manual_id=verdict.reason_id,
            manual_fsa2_id=verdict.reason2_id,
            eager_rows=verdict.eager_rows,
        )
        snippet = f"{cand.name}=" + "".join(text.split())
        self.chains.append((_leave(node), fact, snippet))

    def _group_verdict(
        self, frame: _ChainFrame, group: list[_Candidate], spec: ch.RootSpec
    ) -> _VarVerdict:
        """``analyze._Scanner._group_verdict``: what the uses of a query variable decide for
        every query assigned to it."""
        uses: list[_Use] = []
        scope = QueryScope(
            frozenset(frame.aliased), self._tables(frame), group[0].name in frame.nested_names
        )
        return group_verdict(
            group,
            scope,
            lambda rebuild: self._variable_uses(frame, group, spec, uses, rebuild),
            lambda base, verdict: self._variable_sites(uses, base, verdict),
            lambda: [use.chain for use in uses if use.executes],
        )

    def _variable_uses(
        self,
        frame: _ChainFrame,
        group: list[_Candidate],
        spec: ch.RootSpec,
        uses: list[_Use],
        rebuild: Rebuilds,
    ) -> tuple[str, str]:
        """Collect the uses and rebuilds of a query variable; why it stays manual, with the id."""
        cand = group[0]
        if cand.name in frame.own:
            # LibCST meets the function's name or parameter first: a use as a value, as the
            # names before it (decorators) cannot be assignment targets.
            return ch.used_as_value(cand.name)
        names = sorted(
            (n for n in frame.names if n.id == cand.name), key=lambda n: (n.lineno, n.col_offset)
        )
        ran = False  # the variable now holds the query's result (`q = q.all()`)
        for name_node in names:
            if ran:
                continue  # (a read of the result, or a later assignment: no query)
            parent = self.parent(name_node)
            if isinstance(parent, ast.Assign) and name_node in parent.targets:
                if any(parent is c.assign for c in group) or self._is_rebuild(parent, spec):
                    continue
                return ch.reassigned(cand.name, parent.lineno)
            outer = self.climb(name_node)
            chain = ch.split_chain(self.parse(outer), spec)
            if chain is None:  # `ast` normalizes identifiers (NFKC), LibCST keeps them as written
                raise Unsure("a name LibCST reads apart from `ast`")
            if _assigns_to(self.parent(outer), outer, cand.name):
                if chain.subscript is None and self._runs_into_itself(group, outer, chain):
                    use, _ = self.use(outer)
                    uses.append(_Use(outer, chain, use, True))
                    ran = True
                    continue
                if chain.terminal is not None or chain.subscript is not None:
                    return f"`{cand.name}` is reassigned to a result, not a query", R.QUERY_VARIABLE
                rebuild.steps.extend(chain.builders)
                if self._in_assigning_block(group, outer):
                    rebuild.in_block.extend(chain.builders)
                uses.append(_Use(outer, chain, ch.USE_STMT_ONLY, False))
                continue
            use, _ = self.use(outer)
            if chain.terminal is None and chain.subscript is None and self._tested(outer):
                return ch.truth_tested(cand.name)
            if chain.terminal is None and chain.subscript is None and use != ch.USE_ITER:
                return ch.used_as_value(cand.name, self._set_operation(outer))
            uses.append(_Use(outer, chain, use, True))
        return "", ""

    def _tested(self, outer: ast.expr) -> bool:
        """``analyze._Scanner._tested``: ``outer`` is tested for truth."""
        parent = self.parent(outer)
        if isinstance(parent, (ast.If, ast.While, ast.IfExp)):
            return parent.test is outer
        if isinstance(parent, ast.UnaryOp):
            return isinstance(parent.op, ast.Not)
        return isinstance(parent, ast.BoolOp)

    def _set_operation(self, outer: ast.expr) -> str:
        """``analyze._Scanner._set_operation``: the set operation ``outer`` is a positional
        argument of, or ""."""
        call = self.parent(outer)
        if not isinstance(call, ast.Call) or not any(a is outer for a in call.args):
            return ""
        name = _last(call.func)
        return name if name in ch.SET_OPERATIONS else ""

    def _runs_into_itself(self, group: list[_Candidate], outer: ast.expr, chain: ch.Chain) -> bool:
        """``q = q.order_by(...).all()`` in the block that assigned the query (see
        ``analyze._Scanner._runs_into_itself``)."""
        return chain.terminal is not None and self._in_assigning_block(group, outer)

    def _in_assigning_block(self, group: list[_Candidate], outer: ast.expr) -> bool:
        """``analyze._Scanner._in_assigning_block``: ``outer``'s assignment is in the block of
        every assignment of ``group``."""
        assign = self.parent(outer)
        return all(_same_block(self.parent(c.assign), c.assign, assign) for c in group)

    def _is_rebuild(self, assign: ast.Assign, spec: ch.RootSpec) -> bool:
        """``q = q.filter(...)``: one target, a value that is the variable's own chain."""
        return len(assign.targets) == 1 and _ends_at_variable(assign.value, spec.var)

    def _variable_sites(self, uses: list[_Use], base: ch.Base, verdict: _VarVerdict) -> None:
        """Check every use of a valid query variable against both targets."""
        for use in uses:
            standalone = self.standalone(use.outer)
            (found, found_id), (found2, found2_id) = _checked(use.chain, base, use.use, standalone)
            verdict.settle(found, found_id, found2, found2_id)
            if verdict.reason and verdict.reason2:
                break
            verdict.add_eager_rows(_eager_rows(use.chain, base, use.use, standalone))
            terminal = use.chain.terminal
            if terminal is not None and terminal.name in ch.FSA_TERMINALS:
                verdict.terminal = terminal.name
            if use.executes and not verdict.blocker:
                verdict.blocker = self._use_blocker(use.outer)

    def _use_blocker(self, node: ast.AST) -> str:
        current: ast.AST | None = self.parent(node)
        while current is not None and not isinstance(
            current, (ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            if isinstance(current, ast.Lambda):
                return "inside a lambda, which cannot contain `await`"
            if isinstance(current, ast.GeneratorExp):
                return "inside a generator expression"
            current = self.parent(current)
        return ""

    # -- reading the tree ----------------------------------------------------------------------

    def parent(self, node: ast.AST) -> ast.AST | None:
        """The node holding ``node``; a keyword's or a starred argument's value is held by the
        call (LibCST's ``Arg``)."""
        return self.parents.get(id(node))

    def climb(self, root: ast.expr) -> ast.expr:
        """The outermost node of the chain starting at ``root``."""
        current = root
        while True:
            parent = self.parent(current)
            if isinstance(parent, ast.Attribute) and parent.value is current:
                grand = self.parent(parent)
                if isinstance(grand, ast.Call) and grand.func is parent:
                    current = grand
                    if parent.attr in ch.CHAIN_THROUGH:
                        continue
                    return current
                return parent
            if isinstance(parent, ast.Subscript) and parent.value is current:
                return parent
            return current

    def _argument_of(self, node: ast.expr) -> tuple[ast.AST | None, bool]:
        """(the call or class ``node`` is an argument of, True), or (its parent, False)."""
        parent = self.parent(node)
        if isinstance(parent, ast.keyword):
            return self.parent(parent), True
        if isinstance(parent, ast.Starred):
            holder = self.parent(parent)
            if isinstance(holder, ast.Call) and parent in holder.args:
                return holder, True
            return parent, False
        if isinstance(parent, ast.Call) and node is not parent.func:
            return parent, True
        if isinstance(parent, ast.ClassDef) and node in parent.bases:
            return parent, True
        return parent, False

    def use(self, outer: ast.expr) -> tuple[str, bool]:
        """``analyze._Scanner._use``: how the chain's value is used."""
        holder, argument = self._argument_of(outer)
        parent = self.parent(outer)
        parens = (isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is outer) or (
            isinstance(parent, ast.Call) and parent.func is outer
        )
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is outer:
            return ch.USE_ITER, parens
        if argument and isinstance(holder, ast.Call):
            callee = _last(holder.func)
            if callee in ch.ITERATING_CALLS and len(holder.args) + len(holder.keywords) == 1:
                return ch.USE_ITER, parens
            if isinstance(holder.func, ast.Attribute) and callee in {"in_", "not_in", "notin_"}:
                return ch.USE_IN_ARG, parens
        if isinstance(parent, ast.Expr):
            return ch.USE_STATEMENT, parens
        return ch.USE_VALUE, parens

    def standalone(self, outer: ast.expr) -> bool:
        """Assigned, returned, a statement or a call argument: no parentheses needed."""
        parent = self.parent(outer)
        if isinstance(parent, ast.Assign) and parent.value is outer:
            return True
        if isinstance(parent, (ast.AnnAssign, ast.Return, ast.Expr)):
            return True
        return self._argument_of(outer)[1]

    def enter(self, node: ast.expr) -> Order:
        """Where a LibCST walk visits ``node``."""
        assert node.end_lineno is not None and node.end_col_offset is not None
        return (node.lineno, node.col_offset, 1, -node.end_lineno, -node.end_col_offset)

    def owner_code(self, node: ast.Attribute) -> str:
        """``analyze._code`` of what ``node`` (``<owner>.query``) is read from, with the
        parentheses around the owner: `ast` leaves them out of the owner's range but keeps them
        in the attribute's, and LibCST's owner holds them."""
        parsed = self.parse(node)
        assert isinstance(parsed, cst.Attribute)
        return cst.Module([]).code_for_node(parsed.value)

    def wrapped_text(self, node: ast.expr) -> str:
        """The text of ``node`` with the parentheses around it (what positions' text gives)."""
        return self.source.written(node, self.parent(node))

    def _code(self, node: ast.expr) -> str:
        """``analyze._code`` of a decorator, also over several lines or in parentheses."""
        written = self.source.written(node, None)
        if node.lineno == node.end_lineno and written == self.source.text(node):
            return written  # what LibCST generates for one line as written: no parse needed
        return cst.Module([]).code_for_node(self.parse_text(written))

    def parse(self, node: ast.expr) -> cst.BaseExpression:
        """LibCST's tree of ``node`` alone, with the code LibCST records for it in the file."""
        return self.parse_text(self.source.text(node))

    def parse_text(self, text: str) -> cst.BaseExpression:
        """LibCST's tree of an expression's text from the file, the enclosing statement's
        indentation taken off its continuation lines (as LibCST's tree records them)."""
        if "\n" in text:
            text = self._dedented(text)
        parsed = _parsed_expression(text)
        if parsed is None:
            raise Unsure("a chain that does not parse on its own")
        return parsed

    def _dedented(self, text: str) -> str:
        """``text`` with the statement's indentation taken off the lines LibCST indents: not a
        line after a backslash continuation, which LibCST keeps as written."""
        if '"""' in text or "'''" in text:
            raise Unsure("a string across lines")
        if len(self.newlines) > 1:
            raise Unsure("mixed newlines")
        indent = self._indent()
        lines = text.split("\n")
        kept = [lines[0]]
        for before, line in pairwise(lines):
            if before.endswith("\\"):
                if "#" in before:  # a comment's backslash continues nothing
                    raise Unsure("a comment ending with a backslash")
                if self.newlines != {"\n"}:  # the newline is kept as written; `text` has `\n`
                    raise Unsure("a backslash continuation in a file with \\r newlines")
                kept.append(line)
            else:
                kept.append(line[len(indent) :] if line.startswith(indent) else line)
        return "\n".join(kept)

    def add_chain(
        self, order: Order, outer: ast.expr, start: ast.expr, kind: str, **details: Any
    ) -> None:
        """``analyze._Scanner._chain_fact``: the chain ``outer``, positioned where the query starts."""
        text = self.wrapped_text(outer)
        begin = self.source.key(start)
        fact = ChainFact(
            self.source.key(outer),
            begin[0],
            begin[1],
            self.scope(),
            self.caller(),
            "",
            _summary(text),
            kind,
            **details,
        )
        self.chains.append((order, fact, "".join(text.split())))

    def facts(self, path: str, text: str) -> ModuleFacts:
        """The fast path's facts with the chains."""
        return replace(super().facts(path, text), chains=self.chain_list())

    def chain_list(self) -> tuple[ChainFact, ...]:
        """The chains in the order the LibCST scan records them, snippets numbered per scope."""
        counts: dict[tuple[str, str], int] = {}
        found: list[ChainFact] = []
        for _, fact, text in sorted(self.chains, key=lambda c: c[0]):
            count = counts.get((fact.scope, text), 0) + 1
            counts[(fact.scope, text)] = count
            found.append(replace(fact, snippet=f"{text}#{count}"))
        return tuple(found)


@lru_cache(maxsize=4096)
def _parsed_expression(text: str) -> cst.BaseExpression | None:
    """LibCST's tree of an expression's text, also of one that parses only in parentheses (which
    are then taken off); None for text that does not parse.

    Kept per text: web apps repeat the same chains (``User.query.filter_by(id=user_id).first()``)
    across modules, and LibCST trees are immutable, so one tree can serve every copy."""
    try:
        return parse_expression(text)
    except cst.ParserSyntaxError:
        pass
    try:
        wrapped = parse_expression("(" + text + ")")
    except cst.ParserSyntaxError:
        return None
    return wrapped.with_changes(lpar=[], rpar=[])


@lru_cache(maxsize=4096)
def _checked(
    chain: ch.Chain, base: ch.Base, use: str, standalone: bool
) -> tuple[tuple[str, str], tuple[str, str]]:
    """``analyze._check``, kept per chain: a chain of a text parsed before is the same nodes
    (:func:`_parsed_expression`), and LibCST nodes compare and hash by identity, so a chain, base
    and use met again (``User.query.get(user_id)`` in many modules) are checked once."""
    return _check(chain, base, use, standalone)


@lru_cache(maxsize=64)
def _db_session(db: str) -> cst.Attribute:
    """``<db>.session``, Flask-SQLAlchemy's session: one node per name, so its chains' checks are
    kept (:func:`_checked`)."""
    return cst.Attribute(cst.Name(db), cst.Name("session"))


def _newlines(text: str) -> frozenset[str]:
    """The kinds of newline in ``text``."""
    if "\r" not in text:
        return frozenset({"\n"})
    pairs = text.count("\r\n")
    counts = {"\r\n": pairs, "\r": text.count("\r") - pairs, "\n": text.count("\n") - pairs}
    return frozenset(kind for kind, count in counts.items() if count)


def _descend(parsed: cst.BaseExpression, outer: ast.expr, node: ast.expr) -> cst.BaseExpression:
    """The node of ``parsed`` (the LibCST tree of ``outer``) that stands for ``node``, a node of
    the chain ``outer`` reached through calls' functions, attributes' and subscripts' values."""
    current_ast: ast.expr = outer
    current = parsed
    while current_ast is not node:
        if isinstance(current_ast, ast.Call):
            assert isinstance(current, cst.Call)
            current_ast, current = current_ast.func, current.func
        elif isinstance(current_ast, ast.Attribute):
            assert isinstance(current, cst.Attribute)
            current_ast, current = current_ast.value, current.value
        else:
            assert isinstance(current_ast, ast.Subscript) and isinstance(current, cst.Subscript)
            current_ast, current = current_ast.value, current.value
    return current


def _leave(node: FunctionNode) -> Order:
    """Where a LibCST walk leaves a function."""
    assert node.end_lineno is not None and node.end_col_offset is not None
    return (node.end_lineno, node.end_col_offset, 0, -node.lineno, -node.col_offset)


def _summary(text: str) -> str:
    """The code on one line, shortened to 80 characters."""
    line = " ".join(text.split())
    return line if len(line) <= 80 else line[:77] + "..."


def _is_model_query(node: ast.Attribute) -> bool:
    """``chains.is_model_query``: ``Model.query`` or ``models.Model.query``, not
    ``self.Entry.query``."""
    value = node.value
    if isinstance(value, ast.Name):
        return ch.is_camel(value.id)
    return (
        isinstance(value, ast.Attribute)
        and ch.is_camel(value.attr)
        and not (isinstance(value.value, ast.Name) and value.value.id in ch.INSTANCE_NAMES)
    )


def _fsa_db(receiver: ast.expr) -> str:
    """``analyze._fsa_db``: ``db`` of ``db.session``, ``models.db`` of ``models.db.session``."""
    if isinstance(receiver, ast.Attribute):
        owner = receiver.value
        if isinstance(owner, ast.Name):
            return owner.id
        if isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name):
            return f"{owner.value.id}.{owner.attr}"
    return "db"


def _assigns_to(holder: ast.AST | None, value: ast.expr, name: str) -> bool:
    """``name = <value>``, with ``value`` the whole right-hand side."""
    return (
        isinstance(holder, ast.Assign)
        and holder.value is value
        and len(holder.targets) == 1
        and isinstance(holder.targets[0], ast.Name)
        and holder.targets[0].id == name
    )


def _ends_at_variable(node: ast.expr, var: str) -> bool:
    """``chains.split_chain(node, RootSpec(ROOT_VAR, var)) is not None``, on `ast`."""
    current = node.value if isinstance(node, ast.Subscript) else node
    while not (isinstance(current, ast.Name) and current.id == var):
        if isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
            current = current.func.value
        elif isinstance(current, ast.Attribute):
            current = current.value
        else:
            return False
    return True


def _same_block(holder: ast.AST | None, first: ast.AST, other: ast.AST | None) -> bool:
    """Whether ``other`` is a statement of the same list of ``holder``'s statements as
    ``first`` (the same body, ``else`` or handler)."""
    if holder is None or other is None:
        return False
    for field_name in ("body", "orelse", "finalbody"):
        statements = getattr(holder, field_name, None)
        if isinstance(statements, list) and any(s is first for s in statements):
            return any(s is other for s in statements)
    return False
