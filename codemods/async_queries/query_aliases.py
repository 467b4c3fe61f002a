"""A base model's class property that hands out the session's ``query`` method under a name of its
own: mage-ai's ``@classproperty def select(cls): return db_connection.session.query``.

``PipelineRun.select(PipelineRun.id).filter(...).all()`` is then ``db_connection.session.query(
PipelineRun.id).filter(...).all()``: a legacy query that names neither ``query`` nor a session, so
the analysis of one file cannot tell it from a call of the model's own. The plan finds such
properties in the project and reports each call of one on a mapped class for a rewrite by hand,
so that every legacy query is counted.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from backfix.ast_utils import dotted

from .query_property import CLASS_PROPERTIES, is_class_property, trees_holding


@dataclass(frozen=True)
class QueryAlias:
    """A class property (``select`` of ``BaseModel``) that returns a session's ``query`` method."""

    attribute: str
    owner: str
    #: the code of the session it reads (``db_connection.session``)
    session: str


@dataclass(frozen=True)
class AliasCall:
    """One call of a query alias on a mapped class, as a finding quotes it."""

    line: int
    col: int
    #: the whole chain on one line, shortened (``PipelineRun.select(PipelineRun.id).all()``)
    summary: str
    #: the chain's code without whitespace, numbered within its scope (see the analysis)
    snippet: str
    scope: str
    alias: QueryAlias


def find_query_aliases(
    files: Iterable[str], read: Callable[[str], bytes | None]
) -> list[QueryAlias]:
    """The project's class properties that return a session's ``query`` method."""
    markers = tuple(name.encode() for name in sorted(CLASS_PROPERTIES))
    return [alias for _, tree in trees_holding(files, read, markers) for alias in _aliases_in(tree)]


def _aliases_in(tree: ast.Module) -> Iterator[QueryAlias]:
    """The query aliases of the module-level classes of ``tree``."""
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        for node in cls.body:
            if isinstance(node, ast.FunctionDef) and node.name != "query":
                session = _returned_query_method(node)
                if session:
                    yield QueryAlias(node.name, cls.name, session)


def _returned_query_method(node: ast.FunctionDef) -> str:
    """The code of ``<session>`` where ``node`` is a class property whose whole body returns
    ``<session>.query`` (the method, not its call); "" otherwise."""
    if not (
        is_class_property(node) and len(node.body) == 1 and isinstance(node.body[0], ast.Return)
    ):
        return ""
    value = node.body[0].value
    if isinstance(value, ast.Attribute) and value.attr == "query":
        return dotted(value.value)
    return ""


def alias_calls(
    tree: ast.Module, text: str, aliases: Iterable[QueryAlias], is_mapped: Callable[[str], bool]
) -> list[AliasCall]:
    """The calls ``Model.<alias>(...)`` in ``tree`` on a class ``is_mapped`` knows, in source
    order, with their chains' snippets numbered as the analysis numbers a scope's chains."""
    by_name = {alias.attribute: alias for alias in aliases}
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    calls = [
        (node, alias)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and (alias := _alias_of(node, by_name, is_mapped))
    ]
    calls.sort(key=lambda pair: (pair[0].lineno, pair[0].col_offset))
    lines = _LINE_BREAK.split(text)  # (`ast`'s lines: not `splitlines()`, which breaks at \f too)
    ordinals: dict[tuple[str, str], int] = {}
    found: list[AliasCall] = []
    for node, alias in calls:
        chain = _climb(node, parents)
        code = ast.get_source_segment(text, chain) or ast.unparse(chain)
        scope = _scope(node, parents)
        compact = "".join(code.split())
        ordinals[(scope, compact)] = count = ordinals.get((scope, compact), 0) + 1
        line = " ".join(code.split())
        summary = line if len(line) <= 80 else line[:77] + "..."
        found.append(
            AliasCall(
                chain.lineno,
                _column(lines, chain.lineno, chain.col_offset),
                summary,
                f"{compact}#{count}",
                scope,
                alias,
            )
        )
    return found


#: the line breaks `ast` counts lines by
_LINE_BREAK = re.compile(r"\r\n?|\n")


def _column(lines: list[str], line: int, offset: int) -> int:
    """The 0-based column in characters of `ast`'s ``offset`` (in UTF-8 bytes) on ``line``."""
    return len(lines[line - 1].encode("utf-8")[:offset].decode("utf-8", errors="replace"))


def _alias_of(
    node: ast.Call, aliases: dict[str, QueryAlias], is_mapped: Callable[[str], bool]
) -> QueryAlias | None:
    """The alias ``node`` calls, where it is ``Model.<alias>(...)`` on a mapped class."""
    if not isinstance(node.func, ast.Attribute):
        return None
    owner = node.func.value
    alias = aliases.get(node.func.attr)
    if alias is None or not isinstance(owner, ast.Name | ast.Attribute):
        return None
    name = owner.id if isinstance(owner, ast.Name) else owner.attr
    return alias if is_mapped(name) else None


def _climb(node: ast.expr, parents: dict[int, ast.AST]) -> ast.expr:
    """The outermost expression of the method chain that starts at ``node``
    (``M.select(a).filter(b).all()`` of ``M.select(a)``)."""
    current = node
    while True:
        parent = parents.get(id(current))
        if (isinstance(parent, ast.Attribute) and parent.value is current) or (
            isinstance(parent, ast.Call) and parent.func is current
        ):
            current = parent
        else:
            return current


def _scope(node: ast.AST, parents: dict[int, ast.AST]) -> str:
    """The qualified name of the functions and classes around ``node`` (``Run.latest``)."""
    names: list[str] = []
    current = parents.get(id(node))
    while current is not None:
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(current.name)
        current = parents.get(id(current))
    return ".".join(reversed(names))
