"""The ranges of the nodes an analysis asks about, from the code of the statements they are in.

:class:`~backfix.cst_positions.Positions` generates the code of a whole module to know where each of
its nodes is; an analysis that asks about a few nodes pays for every line. A statement of a body (the
module's or an indented block's) starts a line, and its code depends on nothing before it but the
indentation of the blocks around it; `ast` of the same text has the line of every statement. So
:class:`UnitPositions` generates only the innermost such statement around a node asked about (only
its header, up to its body, when that is enough: a function's decorators and parameters, where a
statement starts), starting at the statement's line.

The statements of both trees are matched by their order (each LibCST small statement and compound
statement is one `ast` statement). Anything unexpected (the trees disagree, a column differs from
`ast`'s, a LibCST whose code generation this does not match: checked once per process on a sample)
gives the whole module's table, so a range is never wrong.
"""

from __future__ import annotations

import ast
import contextlib
from collections.abc import Mapping

import libcst as cst

from backfix.continuations import LEADING_CONTINUATION
from backfix.cst_positions import (
    Positions,
    Span,
    _PositionState,
    _Syntactic,
    cached_positions,
    exact,
    positions,
)
from backfix.cst_walk import children, is_token, with_subclasses
from backfix.libcst_verdicts import remembered

#: the nodes with a line of their own in a body: where a statement's code can start
_COMPOUND = with_subclasses(cst.BaseCompoundStatement)
_UNITS = _COMPOUND | {cst.SimpleStatementLine}
_BODIES = frozenset({cst.Module, cst.IndentedBlock})
#: the nodes whose code indents the code in them (by their ``indent``)
_INDENTING = frozenset({cst.IndentedBlock, cst.Match})
_SMALL = with_subclasses(cst.BaseSmallStatement)
#: the nodes on the way from a compound statement to the statements in it
_NESTING = (
    _UNITS
    | _SMALL
    | with_subclasses(
        cst.IndentedBlock,
        cst.SimpleStatementSuite,
        cst.Else,
        cst.ExceptHandler,
        cst.ExceptStarHandler,
        cst.Finally,
        cst.MatchCase,
    )
)
#: the fields of an `ast` statement that hold statements (or handlers and cases), in source order
_AST_BODIES = ("body", "handlers", "orelse", "finalbody", "cases")

Position = tuple[int, int]


class _Stop(Exception):
    """Ends the code generation of a statement at its body: its header is all that is needed."""


class _UnitState(_PositionState):
    """The position state for one statement of a body: stops at ``stop``, notes where the
    statement itself starts."""

    def __init__(self, module: cst.Module, unit: cst.CSTNode, stop: cst.CSTNode | None) -> None:
        super().__init__(module)
        self.unit = unit
        self.stop = stop
        self.unit_start: _Syntactic | None = None

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node is self.stop:
            raise _Stop
        self.starts.append((self.line, self.column))

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _Syntactic:
        found = _Syntactic(self, node, start_node, end_node)
        if node is self.unit:
            self.unit_start = found
        return found


def statement_starts(tree: ast.Module) -> list[Position]:
    """Line and column of every statement of ``tree``, in source order."""
    return [(statement.lineno, statement.col_offset) for statement in _statements(tree)]


def statement_end_lines(tree: ast.Module) -> list[int]:
    """The line where every statement of ``tree`` ends, in the order of
    :func:`statement_starts`."""
    return [statement.end_lineno or 0 for statement in _statements(tree)]


def _statements(tree: ast.Module) -> list[ast.stmt]:
    """Every statement of ``tree``, in source order."""
    found: list[ast.stmt] = []
    _add_statements(tree.body, found)
    return found


def _add_statements(body: list[ast.stmt], found: list[ast.stmt]) -> None:
    for statement in body:
        found.append(statement)
        for name in _AST_BODIES:
            for inner in getattr(statement, name, ()):
                _add_statements([inner] if isinstance(inner, ast.stmt) else inner.body, found)


def statement_ordinals(module: cst.Module) -> tuple[dict[int, int], int]:
    """Per statement of a body (by ``id``), the place of its first `ast` statement in source
    order; and how many `ast` statements the module has."""
    ordinals: dict[int, int] = {}
    count = 0
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.SimpleStatementLine:
            ordinals[id(node)] = count
            count += len(node.body)  # type: ignore[attr-defined]
            continue
        if kind in _SMALL:  # in a one-line suite (`if x: y = 1`)
            count += 1
            continue
        if kind in _COMPOUND:
            ordinals[id(node)] = count
            count += 1
        below = [child for child in children(node) if type(child) in _NESTING]
        below.reverse()
        stack.extend(below)
    return ordinals, count


class UnitPositions:
    """Where a node of ``module`` starts and ends, as :class:`~backfix.cst_positions.Positions`
    has it, generating only the statement around it.

    ``tree`` is `ast` of the module's text (None: the whole table), ``parents`` every node's
    parent by ``id`` of the child. :func:`unit_positions` checks that this LibCST is one it
    works with.
    """

    __slots__ = ("_anchors", "_end_lines", "_whole", "module", "parents", "spans", "starts", "tree")

    def __init__(
        self,
        module: cst.Module,
        tree: ast.Module | None,
        parents: Mapping[int, cst.CSTNode],
    ) -> None:
        self.module = module
        self.tree = tree
        self.parents = parents
        #: ranges by ``id`` of the node, from the statements generated so far
        self.spans: dict[int, Span] = {}
        #: where the statements generated up to their body start
        self.starts: dict[int, Position] = {}
        self._anchors: tuple[dict[int, int], list[Position]] | None = None
        self._end_lines: list[int] | None = None
        self._whole = cached_positions(module)
        if self._whole is None and tree is None:
            self._whole = positions(module)

    def start(self, node: cst.CSTNode) -> Position:
        """1-based line and 0-based column where ``node`` starts."""
        key = id(node)
        found = self.spans.get(key) or self.starts.get(key) or self._find(node, start_only=True)
        return found[0], found[1]

    def end(self, node: cst.CSTNode) -> Position:
        """Line and column where ``node`` ends."""
        found = self.spans.get(id(node)) or self._find(node, start_only=False)
        return found[2], found[3]

    def line(self, node: cst.CSTNode) -> int:
        """The line ``node`` starts on: without generating any code when it is in a statement
        line that `ast` has on one line (every node of it is on that line)."""
        region = self._region(node)
        if region is not None and isinstance(region[0], cst.SimpleStatementLine):
            start = self.one_line(region[0])
            if start is not None:
                return start[0]
        return self.start(node)[0]

    def starts_at_or_after(self, node: cst.CSTNode, position: Position) -> bool:
        """``self.start(node) >= position``, without generating any code where the lines `ast`
        gives settle it (see :meth:`_region`)."""
        region = self._region(node)
        if region is not None:
            _, low, high = region
            if low >= position:
                return True
            if high is not None and high <= position:
                return False
        return self.start(node) >= position

    def starts_before(self, node: cst.CSTNode, other: cst.CSTNode) -> bool:
        """``self.start(node) < self.start(other)``, without generating any code when they are
        in different regions (see :meth:`_region`): the regions do not overlap."""
        mine = self._region(node)
        theirs = self._region(other) if mine is not None else None
        if mine is not None and theirs is not None and mine[0] is not theirs[0]:
            return mine[1] < theirs[1]
        return self.start(node) < self.start(other)

    def one_line(self, line: cst.SimpleStatementLine) -> Position | None:
        """Where a statement line of a body starts when `ast` has all of its statements on that
        one line (its code is then the rest of the line); None when it spans more lines, or
        when the whole table answers (no `ast` tree, or the trees may disagree)."""
        if self._whole is not None or self.tree is None:
            return None
        start = self._anchor(line)
        if start is None or self._anchors is None:
            return None
        if self._end_lines is None:
            self._end_lines = statement_end_lines(self.tree)
        last = self._anchors[0][id(line)] + len(line.body) - 1
        return start if self._end_lines[last] == start[0] else None

    def _region(self, node: cst.CSTNode) -> tuple[cst.CSTNode, Position, Position | None] | None:
        """The statement whose text ``node`` starts in, where it starts and where the next
        statement in the source starts (None: there is none), as `ast` has them; for a one-line
        statement (``SimpleStatementLine``) or a function's parameters (the region from
        ``def`` to its body). None when its start is known or the whole table is there (no
        code to save), for any other node and for a token (a comment line above a statement
        is one of its nodes but comes before it)."""
        key = id(node)
        if self._whole is not None or key in self.spans or key in self.starts:
            return None
        if is_token(type(node)):
            return None
        around = self._statement(node)
        if around is None:
            return None
        unit, below = around
        kind = type(unit)
        if kind is not cst.SimpleStatementLine and not (
            kind is cst.FunctionDef and below is unit.params  # type: ignore[attr-defined]
        ):
            return None
        low = self._anchor(unit)
        if low is None or self._anchors is None:
            return None
        ordinals, starts = self._anchors
        # after a one-line statement, the next statement; after a header, the body's first
        size = len(unit.body) if kind is cst.SimpleStatementLine else 1  # type: ignore[attr-defined]
        following = ordinals[id(unit)] + size
        return unit, low, starts[following] if following < len(starts) else None

    def _find(self, node: cst.CSTNode, *, start_only: bool) -> tuple[int, ...]:
        if self._whole is None:
            found = self._from_statement(node, start_only=start_only)
            if found is not None:
                return found
        if self._whole is None:
            self._whole = positions(self.module)
        return self._whole[node]  # KeyError for a node of another tree, as the whole table

    def _from_statement(self, node: cst.CSTNode, *, start_only: bool) -> tuple[int, ...] | None:
        around = self._statement(node)
        if around is None:
            return None
        unit, below = around
        if below is None and start_only:  # where a statement starts: `ast` has it
            return self._anchor(unit)
        if start_only and isinstance(node, cst.Call):
            call_start = self._call_start(unit, below, node)
            if call_start is not None:
                return call_start
        stop = getattr(unit, "body", None) if type(unit) in _COMPOUND else None
        key = id(node)
        if stop is not None and below is not stop:
            self._generate(unit, stop)
            found = self.spans.get(key) or (self.starts.get(key) if start_only else None)
            if found is not None:
                return found
        if self._whole is None:
            self._generate(unit, None)
        return self.spans.get(key)

    def _call_start(
        self, unit: cst.CSTNode, below: cst.CSTNode | None, call: cst.Call
    ) -> Position | None:
        """Where ``call`` starts when it is what the first statement of a line evaluates
        (``db.commit()``, ``await db.commit()``): where `ast` has the statement, after the
        ``await``. None for any other call."""
        if (
            type(unit) is not cst.SimpleStatementLine
            or type(below) is not cst.Expr
            or unit.body[0] is not below
            or call.lpar
        ):
            return None
        value = below.value
        if value is call:
            return self._anchor(unit)
        if (
            type(value) is cst.Await
            and value.expression is call
            and not value.lpar
            and type(value.whitespace_after_await) is cst.SimpleWhitespace
            # spaces and tabs on the statement's line (not a line continuation)
            and not value.whitespace_after_await.value.strip(" \t")
        ):
            anchor = self._anchor(unit)
            if anchor is not None:
                # `await` and that whitespace (ASCII: as many bytes as `ast` counts)
                return anchor[0], anchor[1] + 5 + len(value.whitespace_after_await.value)
        return None

    def _statement(self, node: cst.CSTNode) -> tuple[cst.CSTNode, cst.CSTNode | None] | None:
        """The innermost statement of a body around ``node`` (or ``node`` itself), and its child
        ``node`` is in (None: ``node`` is the statement)."""
        parents = self.parents
        below: cst.CSTNode | None = None
        current = node
        while True:
            parent = parents.get(id(current))
            if parent is None:
                return None
            if type(current) in _UNITS and type(parent) in _BODIES:
                return current, below
            below, current = current, parent

    def _indents(self, unit: cst.CSTNode) -> list[str]:
        """The indentation of the blocks around ``unit``, outermost first."""
        found: list[str] = []
        current = self.parents.get(id(unit))
        while current is not None:
            if type(current) in _INDENTING:  # a block, or the cases of a `match`
                indent = current.indent  # type: ignore[attr-defined]
                found.append(self.module.default_indent if indent is None else indent)
            current = self.parents.get(id(current))
        found.reverse()
        return found

    def _anchor(self, unit: cst.CSTNode) -> Position | None:
        """Line and column `ast` has for ``unit`` (its first statement), None when the trees do
        not match."""
        if self._anchors is None:
            assert self.tree is not None
            ordinals, count = statement_ordinals(self.module)
            starts = statement_starts(self.tree)
            self._anchors = (ordinals, starts if len(starts) == count else [])
        ordinals, starts = self._anchors
        ordinal = ordinals.get(id(unit))
        return None if ordinal is None or ordinal >= len(starts) else starts[ordinal]

    def _generate(self, unit: cst.CSTNode, stop: cst.CSTNode | None) -> None:
        """The ranges of the nodes of ``unit`` (up to ``stop``), or the whole table when `ast`
        and LibCST disagree about where it is."""
        anchor = self._anchor(unit)
        state = _UnitState(self.module, unit, stop)
        state.indent_tokens = self._indents(unit)
        with contextlib.suppress(_Stop):
            unit._codegen(state)
        started = state.unit_start
        if anchor is None or started is None or started.start[1] != anchor[1]:
            self._whole = positions(self.module)
            return
        shift = anchor[0] - started.start[0]
        spans = self.spans
        for key, (line, column, end_line, end_column) in state.computed.items():
            spans[key] = (line + shift, column, end_line + shift, end_column)
        self.starts[id(unit)] = anchor


def unit_positions(
    module: cst.Module, tree: ast.Module | None, parents: Mapping[int, cst.CSTNode]
) -> UnitPositions:
    """:class:`UnitPositions` of ``module``; with the whole table where this LibCST's code
    generation is not what it expects."""
    return UnitPositions(module, tree if exact() and trusted() else None, parents)


def lines_match(raw: bytes) -> bool:
    """Whether ``raw`` has no backslash-only line. Where it has one, LibCST parsed a copy with
    such lines blanked (:mod:`backfix.continuations`): its whole table has the file's lines, and
    stays the answer there rather than anchors taken from the text itself."""
    return LEADING_CONTINUATION.search(raw) is None


#: statements of every kind, in blocks of every kind (the code of other nodes is the whole
#: table's, checked by :func:`backfix.cst_positions.exact`)
SAMPLE = """\
\"\"\"Doc.\"\"\"
import os; from . import b
@first  # a comment
# between decorators

@second(
    1,
)
class D: x = 1; y = 2
a = 1; b = 2;
if a: b = 3
elif b:
    c = \\
        4
for i in []: pass
else:
    pass
try:
    pass
except ValueError:
    pass
else:
    a = 2
with open(a) as f, \\
        open(b) as g:
    pass
match a:
  case 1:
        b = 2
\f
def h():
    \"\"\"Doc.\"\"\"
class E(Base, metaclass=M):
    @decorator(arg)
    async def f(self, p, /, q: int = 2, *args: str, r, **kw) -> None:
        global g
        async with ctx() as c:
            await g(*args)
        async for i in aiter():
            yield i
        while True:
            break
        else:
            return (  # a comment
                self
            )
    class F:
        try:
            x: int = 1
        except (A, B) as exc:
            raise ValueError("v") from None
        finally:
            del x
"""


@remembered
def trusted() -> bool:
    """Whether :class:`UnitPositions` gives every range of the sample as the whole table does
    in this LibCST (checked once per process)."""
    try:
        code = SAMPLE
        module = cst.parse_module(code)
        whole = Positions(module)
        parents: dict[int, cst.CSTNode] = {}
        order: list[cst.CSTNode] = []
        stack: list[cst.CSTNode] = [module]
        while stack:
            node = stack.pop()
            order.append(node)
            below = children(node)
            for child in below:
                parents[id(child)] = node
            below.reverse()
            stack.extend(below)
        tree = ast.parse(code)
        # Nodes inside statements first (each statement then generated on its own), then where
        # every node starts in source order (statements from `ast`, headers on their own).
        nested, starts = UnitPositions(module, tree, parents), UnitPositions(module, tree, parents)
        for node in order[:0:-1]:
            if id(node) not in whole.spans:
                continue  # no code of its own (some whitespace of patterns): in neither table
            line, column, end_line, end_column = whole[node]
            if nested.start(node) != (line, column) or nested.end(node) != (end_line, end_column):
                return False
        for node in order[1:]:
            if id(node) in whole.spans and starts.start(node) != whole[node][:2]:
                return False
        return nested._whole is None and starts._whole is None
    except Exception:  # whatever broke, the whole table is the answer
        return False
