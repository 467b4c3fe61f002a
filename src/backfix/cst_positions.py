"""The source range of every node of a module, as LibCST's ``PositionProvider`` gives it, cheaper.

``PositionProvider`` generates the module's code and notes where each node starts and ends. Most of
its cost is bookkeeping around that: a regular expression split of every token, a generator-based
context manager and two frozen dataclasses per node. This does the same walk over
``Module._codegen`` with the same rules (a node's range is its syntactic one where LibCST records
one, its whitespace-inclusive one otherwise) and stores plain tuples. Like LibCST's own providers
it hooks into ``CodegenState``, which LibCST does not export: tests compare the two tables.
"""

from __future__ import annotations

import re
from types import TracebackType
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from backfix.libcst_verdicts import remembered

#: a source range: start line (1-based), start column (0-based), end line, end column.
Span = tuple[int, int, int, int]

_NEWLINE = re.compile(r"\r\n?|\n")


class _Syntactic:
    """``with state.record_syntactic_position(node, start_node=..., end_node=...)``."""

    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(
        self,
        state: _PositionState,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node
        self.start = (0, 0)

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is not None:  # the code generation stopped early (a statement's header)
            return
        state = self.state
        computed = state.computed
        line, column = self.start
        if self.start_node is not None:
            line, column = computed[id(self.start_node)][:2]
        end_line, end_column = state.line, state.column
        if self.end_node is not None:
            end_line, end_column = computed[id(self.end_node)][2:]
        computed[id(self.node)] = (line, column, end_line, end_column)


class _PositionState(CodegenState):
    """LibCST's position-providing codegen state (``PositionProvidingCodegenState``) with cheaper
    bookkeeping: the same hooks, the same rules."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.line = 1  # one-indexed
        self.column = 0  # zero-indexed
        self.starts: list[tuple[int, int]] = []
        # by id(): a CSTNode's own __hash__ is a Python call, and the tree outlives the table's use
        self.computed: dict[int, Span] = {}
        #: where a node's generated code is, for the nodes whose range is not that (syntactic ones)
        self.extents: dict[int, Span] = {}

    def add_indent_tokens(self) -> None:
        # Tokens are kept: the module's code generation looks at them (an empty file's newline).
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self.column += len(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def pop_trailing_newline(self) -> None:
        # LibCST drops the newline it generated for a file that has none; the ranges already
        # count it (the module and its last statement end on the line after), so the text keeps it.
        return None

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self.starts.pop()
        computed = self.computed
        key = id(node)
        extent = (line, column, self.line, self.column)
        if key not in computed:
            computed[key] = extent
        elif computed[key] != extent:  # a syntactic range, recorded inside, wins; keep the text's
            self.extents[key] = extent

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _Syntactic:
        return _Syntactic(self, node, start_node, end_node)


class Positions:
    """Every node's range in one module (start line, start column, end line, end column), as
    ``PositionProvider`` gives it: ``positions[node]``; and the module's text."""

    __slots__ = ("_code", "_line_starts", "_tokens", "extents", "module", "spans")

    def __init__(self, module: cst.Module) -> None:
        self.module = module  # keeps the nodes, and so their ids, alive
        self._code = ""
        self._line_starts: list[int] = []
        if not exact():
            ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
            self.spans = {
                id(n): (r.start.line, r.start.column, r.end.line, r.end.column)
                for n, r in ranges.items()
            }
            self.extents: dict[int, Span] = {}
            self._tokens: list[str] | None = None
            return
        state = _PositionState(module)
        module._codegen(state)
        #: the ranges by ``id()`` of the node
        self.spans = state.computed
        self.extents = state.extents
        self._tokens = state.tokens  # the module's code, joined when first asked

    def __getitem__(self, node: cst.CSTNode) -> Span:
        return self.spans[id(node)]

    def text(self, node: cst.BaseExpression) -> str:
        """The source text of an expression as written: what ``code_for_node`` generates but for
        the indentation of continuation lines, which that cannot know (it generates the node on
        its own)."""
        if not exact():
            return self.module.code_for_node(node)
        line, column, end_line, end_column = self.extents.get(id(node)) or self.spans[id(node)]
        if self._tokens is not None:
            self._code = "".join(self._tokens)
            self._tokens = None
            self._line_starts = [0, *(match.end() for match in _NEWLINE.finditer(self._code))]
        starts = self._line_starts
        return self._code[starts[line - 1] + column : starts[end_line - 1] + end_column]


#: a sample of most node types, for checking once that LibCST's internals are as assumed.
SAMPLE = '''\
"""Doc."""
from __future__ import annotations
import os.path as osp, sys
from .b import (c as d, e)
from x import *
x: int = 1; y = z = (1, 2)
a, *b = [1, 2, 3]
x += 1
del y
assert x, "m"
@decorator(arg)
async def f(p, /, q: int = 2, *args: str, r, s=3, **kw) -> None:
    global g
    async with ctx() as (c1, c2), other:
        await g(*args, **kw)
    async for i in aiter():
        yield i
    return (yield)
def gen():
    l = lambda a, *b, c=1, **d: a if b else c
    print(f"{x!r:>{width}} {y=}", rb"raw", u"u" "implicit")
    value = [i for i in range(3) if i for j in range(i)]
    mapping = {k: v for k, v in {}.items()}
    members = {i async for i in agen()}
    sliced = seq[1:2:3, ::2, ...]
    if (n := len(seq)) > 1 and not seq or seq is None:
        pass
    elif n in seq:
        raise ValueError("v") from None
    else:
        ...
    while True:
        break
    else:
        continue
    try:
        pass
    except (A, B) as exc:
        pass
    finally:
        pass
    match command:
        case [x, y, *rest] if x > 0:
            pass
        case {"k": v, **others}:
            pass
        case Point(x=0, y=_) | None:
            pass
    return -x ** 2 @ y // 3 << 1 | 2 & ~3 ^ 4
class C(Base, metaclass=Meta):
    attr: list[int]
    def method(self) -> C:
        return (  # a comment
            self
        )
'''


@remembered
def exact() -> bool:
    """Whether :class:`Positions` computes what ``PositionProvider`` does in this LibCST, checked
    once per process on :data:`SAMPLE`. It hooks into LibCST's code generation (``CodegenState``,
    not exported), which a newer LibCST may change: where it does not match, the table is
    ``PositionProvider``'s own (slower), never wrong."""
    try:
        module = cst.parse_module(SAMPLE)
        state = _PositionState(module)
        module._codegen(state)
        ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    except Exception:  # whatever broke, LibCST's provider is the answer
        return False
    return len(state.computed) == len(ranges) and all(
        state.computed.get(id(node)) == (r.start.line, r.start.column, r.end.line, r.end.column)
        for node, r in ranges.items()
    )


#: the table :func:`positions` computed last (a one-item list), and so the module it is for.
_LAST: list[Positions] = []


def cached_positions(module: cst.Module) -> Positions | None:
    """The table :func:`positions` already computed for ``module``, if any."""
    return _LAST[0] if _LAST and _LAST[0].module is module else None


def positions(module: cst.Module) -> Positions:
    """The range of every node of ``module``, from one cheap code generation pass.

    The table is computed once per module: the codemods analysing one file one after the other
    (each asks for the positions of the same ``SourceFile.module``) share it. Only the last table
    is kept, so a worker holds no more than the file it is on; nodes are immutable, so a table
    never goes stale.
    """
    cached = cached_positions(module)
    if cached is not None:
        return cached
    table = Positions(module)
    _LAST[:] = [table]
    return table


class CodeRanges:
    """:func:`positions` as ``PositionProvider``'s ``CodeRange`` objects (``ranges[node]``), built
    only for the nodes looked up (building one per node is a good part of the provider's cost)."""

    __slots__ = ("positions",)

    def __init__(self, module: cst.Module) -> None:
        self.positions = positions(module)

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        line, column, end_line, end_column = self.positions[node]
        return CodeRange(CodePosition(line, column), CodePosition(end_line, end_column))

    def __contains__(self, node: object) -> bool:
        return id(node) in self.positions.spans

    def get(self, node: cst.CSTNode, default: Any = None) -> Any:
        """The node's range, or ``default`` for a node of another tree."""
        if node not in self:
            return default
        return self[node]
