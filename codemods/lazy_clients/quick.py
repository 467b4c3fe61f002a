"""A cheap `ast` pre-check: can this module build a client at import time at all?

Most files the text prefilter lets through assign a module-level call (``bp = Blueprint(...)``,
``log = logging.getLogger(...)``) that is no client, and the LibCST parse that the analysis needs
costs about ten times an `ast` parse. This check asks the questions of ``analyze.builds_a_client``
on the `ast` tree: the same candidate statements and blocks, the same import table, the same
constructor and configuration-read tests (``detect``'s tables). Where the two trees differ it errs
towards yes (``x = f(); y = g()`` on one line, ``if __name__ == "__main__":`` and ``try``/``except*``
blocks, calls in nested function or class bodies of a block count), so a client is never missed: a ``False`` here implies a
``False`` there, and only the other files pay the LibCST analysis.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping

from backfix.ast_utils import dotted, last_name

from .detect import (
    FACTORIES,
    KNOWN,
    NOT_CLIENTS,
    SETTINGS_GETTERS,
    SETTINGS_NAMES,
    constructs,
    qualify,
)

_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "getenv", "environ.get"})
#: module-level blocks whose assignments run at import (``except*`` needs Python 3.11).
_BLOCKS: tuple[type[ast.stmt], ...] = (ast.If, ast.Try, getattr(ast, "TryStar", ast.Try))


def may_build_a_client(tree: ast.Module) -> bool:
    """False only when no module-level statement or block of ``tree`` calls a client constructor."""
    imports = _import_table(tree)
    return any(_is_client(call, imports) for call in _candidate_calls(tree))


def _import_table(tree: ast.Module) -> dict[str, str]:
    """Local name → qualified name for the top-level imports, as ``detect.import_table`` reads them."""
    table: dict[str, str] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                table[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(stmt, ast.ImportFrom) and not stmt.level and stmt.module:
            for alias in stmt.names:
                if alias.name != "*":
                    table[alias.asname or alias.name] = f"{stmt.module}.{alias.name}"
    return table


def _candidate_calls(tree: ast.Module) -> Iterator[ast.Call]:
    """The calls of top-level ``name = <call>`` statements and of module-level ``if``/``try`` blocks."""
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            yield from _assigned_calls(stmt, conditional=True)
        elif isinstance(stmt, _BLOCKS):
            for node in ast.walk(stmt):
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    yield from _assigned_calls(node, conditional=False)


def _assigned_calls(stmt: ast.Assign | ast.AnnAssign, conditional: bool) -> Iterator[ast.Call]:
    """The call a statement assigns to one name (a conditional value's calls, where allowed)."""
    if isinstance(stmt, ast.Assign):
        if len(stmt.targets) != 1:
            return
        target = stmt.targets[0]
    else:
        target = stmt.target
    if not isinstance(target, ast.Name):
        return
    value = stmt.value
    if isinstance(value, ast.Call):
        yield value
    elif conditional and isinstance(value, ast.IfExp):
        yield from (b for b in (value.body, value.orelse) if isinstance(b, ast.Call))


def _is_client(call: ast.Call, imports: Mapping[str, str]) -> bool:
    """``detect.classify(call, imports) is not None``, on the `ast` tree."""
    spelled = dotted(call.func)
    if not spelled:
        return _is_chained_client(call, imports)
    qualified = qualify(spelled, imports)
    if qualified in KNOWN:
        return True
    return constructs(spelled, qualified, imports) and _reads_config(call)


def _is_chained_client(call: ast.Call, imports: Mapping[str, str]) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Call):
        return False
    if _is_client(func.value, imports):
        return True
    name = func.attr
    built = name[:1].isupper() or name in FACTORIES
    return built and name not in NOT_CLIENTS and _reads_config(call)


def _argument_nodes(call: ast.Call) -> Iterator[ast.AST]:
    """The nodes of the call's arguments, not those of the callee of a class they build
    (``cfg.types.String()``), as ``detect._ConfigReads`` visits them."""
    stack: list[ast.AST] = [*call.args, *(keyword.value for keyword in call.keywords)]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.Call) and last_name(node.func)[:1].isupper():
            stack.extend([*node.args, *(keyword.value for keyword in node.keywords)])
        else:
            stack.extend(ast.iter_child_nodes(node))


def _reads_config(call: ast.Call) -> bool:
    """Whether the call's arguments read configuration, as ``detect._ConfigReads`` finds it."""
    for node in _argument_nodes(call):
        if isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Name) and base.id in SETTINGS_NAMES:
                return True
            if isinstance(base, ast.Call) and last_name(base.func) in SETTINGS_GETTERS:
                return True
        elif isinstance(node, ast.Subscript):
            base_name = dotted(node.value)
            if base_name == "os.environ" or base_name.rsplit(".", 1)[-1] in SETTINGS_NAMES:
                return True
        elif isinstance(node, ast.Call) and dotted(node.func) in _ENV_GETTERS:
            return True
    return False
