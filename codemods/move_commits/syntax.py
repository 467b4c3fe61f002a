"""Small syntax questions about LibCST nodes: stores, conditions, literals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import cache
from typing import cast

import libcst as cst
from libcst._nodes.internal import CodegenState

from .frameworks import ModuleIndex, iter_nodes
from .module_nodes import exact_types

_EMPTY = cst.Module([])
_ATTRIBUTES = exact_types(cst.Attribute)
_ARGS = exact_types(cst.Arg)
_SEQUENCES = exact_types(cst.Tuple, cst.List)
_STARRED = exact_types(cst.StarredElement)
#: what runs only on some paths through the node around it: all of it, all but its test or
#: iterable, or the right operand
_ALWAYS_CONDITIONAL = exact_types(
    *(cst.While, cst.ExceptHandler, cst.Else, cst.Finally, cst.Lambda),
    *(cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp),
    *(cst.Match, cst.MatchCase),
)
_TESTED = exact_types(cst.IfExp, cst.If)
_FORS = exact_types(cst.For)
_BOOLEAN_OPERATIONS = exact_types(cst.BooleanOperation)


def code_of(node: cst.CSTNode) -> str:
    """Source of ``node`` at indentation depth 0 (four-space indents for nested blocks)."""
    return _dotted_code(node) or _bare_call_code(node) or _generated(node)


class _PlainState(CodegenState):
    """LibCST's code generation state without its position hook's cost: for plain code LibCST
    enters a generator-based context manager that does nothing around most nodes it generates;
    here it is one reusable no-op."""

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        return _NO_POSITION


_NO_POSITION: AbstractContextManager[None] = nullcontext()


def _generated(node: cst.CSTNode) -> str:
    """``Module([]).code_for_node(node)``, for less where :func:`plain_hook_is_a_no_op`."""
    if not plain_hook_is_a_no_op():
        return _EMPTY.code_for_node(node)
    state = _PlainState(_EMPTY.default_indent, _EMPTY.default_newline)
    node._codegen(state)
    return "".join(state.tokens)


@cache
def plain_hook_is_a_no_op() -> bool:
    """Whether LibCST's ``CodegenState.record_syntactic_position`` (not exported) is still the
    context manager around a bare ``yield`` that :class:`_PlainState` stands in for (checked once
    per process); where it is not, ``code_of`` is LibCST's own code generation."""
    hook = getattr(CodegenState.record_syntactic_position, "__wrapped__", None)
    code = getattr(hook, "__code__", None)
    return code is not None and code.co_names == () and code.co_consts == (None,)


def _dotted_code(node: cst.CSTNode) -> str:
    """What LibCST generates for a plain ``a.b.c`` (no parentheses, no space around the dots),
    without its code generation (a costly pass for a name); "" for anything else."""
    kind = type(node)
    if kind is cst.Name:
        name = cast(cst.Name, node)
        return "" if name.lpar or name.rpar else name.value
    if kind is not cst.Attribute:
        return ""
    attribute = cast(cst.Attribute, node)
    dot = attribute.dot
    if (
        attribute.lpar
        or attribute.rpar
        or not isinstance(dot, cst.Dot)
        or not _no_space(dot.whitespace_before)
        or not _no_space(dot.whitespace_after)
        or attribute.attr.lpar
        or attribute.attr.rpar
    ):
        return ""
    head = _dotted_code(attribute.value)
    return f"{head}.{attribute.attr.value}" if head else ""


def _bare_call_code(node: cst.CSTNode) -> str:
    """What LibCST generates for a plain ``a.b()`` (no arguments, no parentheses around it, no
    space before or inside its own), without its code generation (``db.session.commit()``, the
    call every site names); "" for anything else."""
    if type(node) is not cst.Call:
        return ""
    call = node
    if (
        call.args
        or call.lpar
        or call.rpar
        or not _no_space(call.whitespace_after_func)
        or not _no_space(call.whitespace_before_args)
    ):
        return ""
    head = _dotted_code(call.func)
    return f"{head}()" if head else ""


def _no_space(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return type(whitespace) is cst.SimpleWhitespace and whitespace.value == ""


def index_in(block: cst.IndentedBlock, node: cst.CSTNode) -> int:
    """Position of ``node`` in ``block``'s statements."""
    return next(i for i, stmt in enumerate(block.body) if stmt is node)


def target_parts(target: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """The single targets of an assignment target (tuples and lists unpacked)."""
    kind = type(target)  # (exact types: see `exact_types`)
    if kind in _SEQUENCES:
        for element in cast("cst.Tuple | cst.List", target).elements:
            yield from target_parts(element.value)
    elif kind in _STARRED:
        yield from target_parts(cast(cst.StarredElement, target).value)
    else:
        yield target


def assigned_parts(
    node: cst.Assign | cst.AugAssign | cst.AnnAssign | cst.Del,
) -> list[cst.CSTNode]:
    """The single targets an assignment or ``del`` stores into (tuples and lists unpacked)."""
    targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
    return [part for target in targets for part in target_parts(target)]


def is_docstring(stmt: cst.BaseStatement) -> bool:
    """A statement that is only a string literal."""
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def only_literals(nodes: Sequence[cst.CSTNode]) -> bool:
    """Whether subscript/call arguments are constants: evaluating them early reads no state."""
    for node in nodes:
        for inner in iter_nodes(node):
            if isinstance(inner, cst.Name) and inner.value not in {"True", "False", "None"}:
                parent_is_keyword = False
                if isinstance(node, cst.Arg) and node.keyword is inner:
                    parent_is_keyword = True
                if not parent_is_keyword:
                    return False
            if isinstance(inner, (cst.Call, cst.Attribute, cst.FormattedString)):
                return False
    return True


#: what a store target can be inside of (``a, (b, *c) = ...``), and what assigns to its target:
#: exact types (see ``module_nodes.exact_types``), as asked of every name that moves.
_UNPACKING = exact_types(cst.Element, cst.Tuple, cst.List, cst.StarredElement)
_TARGET_OWNERS = exact_types(cst.AugAssign, cst.AnnAssign, cst.Del, cst.For, cst.CompFor)


def is_store(index: ModuleIndex, node: cst.CSTNode) -> bool:
    """Whether ``node`` is assigned to (or deleted), directly or inside a tuple target."""
    current = node
    parent = index.parent(current)
    while parent is not None and type(parent) in _UNPACKING:
        current, parent = parent, index.parent(parent)
    kind = type(parent)
    if kind is cst.AssignTarget or kind is cst.AsName:
        return True
    if kind in _TARGET_OWNERS:
        return getattr(parent, "target", None) is current
    return False


def is_conditional(index: ModuleIndex, node: cst.CSTNode, stmt: cst.CSTNode) -> bool:
    """Whether ``node`` is evaluated only on some paths through ``stmt``."""
    child = node
    parent = index.parent(child)
    while parent is not None and child is not stmt:
        kind = type(parent)  # (exact types: see `exact_types`)
        if kind in _ALWAYS_CONDITIONAL:
            return True
        if kind in _TESTED and child is not cast("cst.If | cst.IfExp", parent).test:
            return True
        if kind in _BOOLEAN_OPERATIONS and child is cast(cst.BooleanOperation, parent).right:
            return True
        if kind in _FORS and child is not cast(cst.For, parent).iter:
            return True
        child, parent = parent, index.parent(parent)
    return False


def is_bare_raise(stmts: Sequence[cst.BaseStatement]) -> bool:
    """Exactly one statement: a bare ``raise``."""
    if len(stmts) != 1 or not isinstance(stmts[0], cst.SimpleStatementLine):
        return False
    body = stmts[0].body
    return len(body) == 1 and isinstance(body[0], cst.Raise) and body[0].exc is None


def is_label(index: ModuleIndex, name: cst.Name) -> bool:
    """An attribute name or keyword-argument name rather than a variable."""
    parent = index.parent(name)
    kind = type(parent)  # (exact types: see `exact_types`; asked of every name that moves)
    return (kind in _ATTRIBUTES and cast(cst.Attribute, parent).attr is name) or (
        kind in _ARGS and cast(cst.Arg, parent).keyword is name
    )
