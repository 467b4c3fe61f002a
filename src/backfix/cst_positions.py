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

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

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

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self.starts.pop()
        computed = self.computed
        key = id(node)
        if key not in computed:  # a syntactic range, recorded inside, wins
            computed[key] = (line, column, self.line, self.column)

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
    ``PositionProvider`` gives it: ``positions[node]``."""

    __slots__ = ("module", "spans")

    def __init__(self, module: cst.Module) -> None:
        state = _PositionState(module)
        module._codegen(state)
        self.module = module  # keeps the nodes, and so their ids, alive
        #: the ranges by ``id()`` of the node
        self.spans = state.computed

    def __getitem__(self, node: cst.CSTNode) -> Span:
        return self.spans[id(node)]


def positions(module: cst.Module) -> Positions:
    """The range of every node of ``module``, from one cheap code generation pass."""
    return Positions(module)


class CodeRanges:
    """:func:`positions` as ``PositionProvider``'s ``CodeRange`` objects (``ranges[node]``), built
    only for the nodes looked up (building one per node is a good part of the provider's cost)."""

    __slots__ = ("positions",)

    def __init__(self, module: cst.Module) -> None:
        self.positions = Positions(module)

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        line, column, end_line, end_column = self.positions[node]
        return CodeRange(CodePosition(line, column), CodePosition(end_line, end_column))
