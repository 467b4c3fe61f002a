"""Does a task body leave nothing uncommitted on every path that reaches its end?

The rewrite appends ``<session>.commit()`` to a task body that never commits (it relied on the
request's session being committed). A body that commits itself is its author's to settle: the
commit is left out, since appending one would also commit writes the author chose not to commit
(``item.name = name`` then ``if valid(item): db.commit()``). Where the tool can tell that every path
falling off the end has committed after its last write, or wrote nothing (``if item is not None:
item.name = name; db.commit()`` after a ``db.get(...)``), that is all; otherwise the finding says
that writes on some path may stay uncommitted. The reading is deliberately narrow: a statement
counts as writing nothing only when it is an assignment to a plain name, a bare call or ``pass``
whose every call reads (a query chain on the session or on ``select(...)``, logging); anything else
(a loop, a ``with``, a ``try``, an attribute assigned, any other call) may write.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from backfix.cst_walk import OwnScopeVisitor

#: methods of the session and of query chains that only read.
READS = frozenset(
    {
        "get",
        "get_one",
        "query",
        "scalar",
        "scalars",
        "filter",
        "filter_by",
        "where",
        "join",
        "outerjoin",
        "options",
        "order_by",
        "group_by",
        "having",
        "distinct",
        "limit",
        "offset",
        "with_entities",
        "first",
        "one",
        "one_or_none",
        "all",
        "count",
        "unique",
    }
)

#: functions that neither write nor reach the session.
PURE = frozenset({"select", "print", "len", "str", "int", "float", "bool", "repr"})
#: the usual names of a module's logger, and ``logging`` itself: their calls only log.
LOGGERS = frozenset({"log", "logger", "_log", "_logger", "LOG", "LOGGER", "logging"})

#: the body never commits: a commit is appended
APPEND = "append"
#: the body commits, and every path reaching its end left nothing uncommitted
SETTLED = "settled"
#: the body commits, but some path may reach its end with writes uncommitted
PARTIAL = "partial"


def commit_state(body: Sequence[cst.BaseStatement], session: str) -> str:
    """:data:`APPEND`, :data:`SETTLED` or :data:`PARTIAL` for a task body and its session name."""
    reading = _Reading(session)
    if reading.clean_after(body, clean=True) and reading.committed:
        return SETTLED
    finder = _Commits(session)
    for statement in body:
        statement.visit(finder)
    return PARTIAL if finder.found else APPEND


class _Commits(OwnScopeVisitor):
    """Whether ``<session>.commit()`` is called anywhere outside nested functions and classes."""

    def __init__(self, session: str) -> None:
        super().__init__()
        self.session = session
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        if _commits(node, self.session):
            self.found = True


class _Reading:
    """Follows the paths through a body: ``committed`` once a commit statement is seen."""

    def __init__(self, session: str) -> None:
        self.session = session
        self.committed = False

    def clean_after(self, body: Sequence[cst.BaseStatement], clean: bool) -> bool:
        """Is every path falling off the end of ``body`` clean, given ``clean`` on entry?"""
        for statement in body:
            if _leaves(statement):
                return True  # no path falls off the end after a return or raise
            clean = self._after(statement, clean)
        return clean

    def _after(self, statement: cst.BaseStatement, clean: bool) -> bool:
        if is_commit(statement, self.session):
            self.committed = True
            return True
        if isinstance(statement, cst.If):
            return self._after_if(statement, clean)
        return clean and self._reads_only(statement)

    def _after_if(self, statement: cst.If, clean: bool) -> bool:
        if not self._reads(statement.test):
            clean = False
        settled = self.clean_after(statements(statement.body), clean)
        rest = statement.orelse
        if rest is None:
            return settled and clean
        if isinstance(rest, cst.If):
            return self._after_if(rest, clean) and settled
        return self.clean_after(statements(rest.body), clean) and settled

    def _reads_only(self, statement: cst.BaseStatement) -> bool:
        """A line of assignments to plain names, bare calls and ``pass`` that only read."""
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        return all(self._small_reads(small) for small in statement.body)

    def _small_reads(self, small: cst.BaseSmallStatement) -> bool:
        if isinstance(small, cst.Pass):
            return True
        if isinstance(small, cst.Expr):
            return self._reads(small.value)
        if isinstance(small, cst.Assign):
            targets = all(isinstance(t.target, cst.Name) for t in small.targets)
            return targets and self._reads(small.value)
        if isinstance(small, cst.AnnAssign):
            value = small.value
            return isinstance(small.target, cst.Name) and (value is None or self._reads(value))
        return False

    def _reads(self, expression: cst.BaseExpression) -> bool:
        """Every call in ``expression`` reads (and no lambda or walrus hides one)."""
        finder = _Calls()
        expression.visit(finder)
        return not finder.opaque and all(self._call_reads(call) for call in finder.calls)

    def _call_reads(self, call: cst.Call) -> bool:
        methods: list[str] = []
        func: cst.BaseExpression = call.func
        while True:
            if isinstance(func, cst.Attribute):
                methods.append(func.attr.value)
                func = func.value
            elif isinstance(func, cst.Call):
                func = func.func
            else:
                break
        if not isinstance(func, cst.Name):
            return False
        root = func.value
        if root in LOGGERS:
            return True
        if root == self.session or root == "select":
            return all(method in READS for method in methods)
        return not methods and root in PURE


class _Calls(cst.CSTVisitor):
    """Every call in an expression; ``opaque`` when a lambda or an assignment expression is in it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[cst.Call] = []
        self.opaque = False

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.opaque = True
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.opaque = True


def _leaves(statement: cst.BaseStatement) -> bool:
    """A line that ends with ``return`` or ``raise``."""
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(
        statement.body[-1], (cst.Return, cst.Raise)
    )


def statements(body: cst.BaseSuite) -> list[cst.BaseStatement]:
    """The statements of a block, a one-line suite as one statement line."""
    if isinstance(body, cst.IndentedBlock):
        return list(body.body)
    assert isinstance(body, cst.SimpleStatementSuite)
    return [cst.SimpleStatementLine(body=body.body)]


def is_commit(statement: cst.BaseStatement, session: str) -> bool:
    """Is ``statement`` ``<session>.commit()`` (awaited or not)?"""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return False
    small = statement.body[0]
    value = small.value if isinstance(small, cst.Expr) else None
    if isinstance(value, cst.Await):
        value = value.expression
    return isinstance(value, cst.Call) and _commits(value, session)


def _commits(call: cst.Call, session: str) -> bool:
    """Is ``call`` ``<session>.commit()``?"""
    func = call.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == "commit"
        and isinstance(func.value, cst.Name)
        and func.value.value == session
    )
