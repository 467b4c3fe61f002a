"""Keys of the route's parsed input that the moved code reads, passed as values.

A route parses its input into a dict (``data = request.get_json()``, ``args = parser.parse_args()``,
a ``validated_data`` its decorator gives it); the unit of work then reads a few keys of it
(``user.role = Role.from_string(data["role"])``). Handing the whole dict to the service makes the
service read the request's shape; the route evaluates ``data["role"]`` and passes ``role``
instead. Reading a key earlier than the code did is only the same where nothing could tell:

- the name says it holds parsed input (``data``, ``validated_data``, ``payload``, ``args``,
  ``json_body``...): a ``get`` of anything else may be a client's, with effects of its own;
- every read of the name in the moved code is ``name["key"]`` or ``name.get("key"[, literal])``
  with a constant key, so the moved code neither changes the dict nor hands it on, and a
  ``get`` reads it whenever it runs, without raising;
- the name is bound in the route before the unit, and nowhere in the moved code, and the route
  never hands the dict on (assigns it to another name, passes it to a call, puts it in a
  container or calls a method of it but ``get``), so nothing could change it through another
  name between the route's read and the moved code's;
- each ``name["key"]`` is in a simple statement of the unit itself (not inside an ``if``, a loop,
  a ``try`` whose handlers could catch its ``KeyError``, or a short circuit), and no call of
  unknown effect runs before it in the unit (its effects would be skipped by a ``KeyError``
  raised earlier).

A dict the moved code reads more than a few keys of is passed whole too: a service method of a
dozen parameters reads worse than one that takes the parsed input. In a route with type
annotations the dict is passed whole as well: its keys' values have no type the
service method's parameters could be annotated with, where the dict itself has one.

Otherwise the dict is passed whole, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import libcst as cst
from libcst.metadata import Assignment

from backfix.cst_utils import is_annotated

from .frameworks import FrameworkUse, ModuleIndex
from .module_nodes import NAME_TYPES
from .syntax import code_of, is_conditional, is_store
from .units import Hoist, Unit, hoisted_nodes

#: how a hoisted key read is told apart from the framework's reads
INPUT_KIND = "input"
#: the most keys of one dict passed one by one (more: the dict is passed)
MAX_KEYS = 6
#: the last word of a variable's name that says it holds parsed input
_INPUT_WORDS = frozenset({"data", "payload", "args", "json", "body", "params", "values", "input"})
#: literal defaults of ``name.get("key", default)``
_LITERALS = (cst.SimpleString, cst.Integer, cst.Float)
_CONSTANT_NAMES = frozenset({"None", "True", "False"})

EffectCall = Callable[[cst.CSTNode, set[int]], object]


def input_reads(
    index: ModuleIndex,
    unit: Unit,
    stmts: Sequence[cst.BaseStatement],
    roots: Sequence[cst.CSTNode],
    moved: set[int],
    hoists: Sequence[Hoist],
    effect_call: EffectCall,
) -> list[Hoist]:
    """The key reads of route-local dicts in ``roots`` (the moved code, whose nodes' ids are
    ``moved``) the route may evaluate and pass: one :class:`Hoist` per read, none for a name any
    read of which does not qualify."""
    if is_annotated(unit.function):
        return []
    reads = _local_reads(index, unit, roots, hoisted_nodes(index, hoists), moved)
    found: list[Hoist] = []
    for name, nodes in reads.items():
        exprs = [_key_read(index, node) for node in nodes]
        if any(expr is None for expr in exprs):
            continue
        keyed = cast(list[cst.BaseExpression], exprs)
        if len({code_of(e) for e in keyed}) > MAX_KEYS or _handed_on(index, unit, nodes[0]):
            continue
        if all(_early_read_is_safe(index, e, stmts, effect_call) for e in keyed):
            use = FrameworkUse(INPUT_KIND, name)
            found += [Hoist(node, expr, use) for node, expr in zip(nodes, keyed, strict=True)]
    return found


def assigns_input_keys(index: ModuleIndex, stmt: cst.BaseStatement) -> bool:
    """Whether ``stmt`` only assigns keys of the route's parsed input to names (``index =
    args["index"]``, ``notes = data.get("notes")``): input parsing, which stays in the route
    where it stands when it comes before the unit's writes."""
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    for small in stmt.body:
        if not (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
        ):
            return False
        root = _input_root(small.value)
        if root is None or _key_read(index, root) is not small.value or not _is_local(index, root):
            return False
    return True


def _input_root(expr: cst.BaseExpression) -> cst.Name | None:
    """The input-named dict of ``data["key"]`` or ``data.get(...)``; else None."""
    if isinstance(expr, cst.Subscript):
        root = expr.value
    elif isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        root = expr.func.value
    else:
        return None
    if not isinstance(root, cst.Name) or not _names_input(root.value):
        return None
    return root


def _names_input(name: str) -> bool:
    return name.lower().rsplit("_", 1)[-1] in _INPUT_WORDS


def _is_local(index: ModuleIndex, name: cst.Name) -> bool:
    """Whether ``name`` reads a local of its function (a parameter or an assignment)."""
    return _local_bindings(index, name, index.scope_of(name)) is not None


def _local_bindings(index: ModuleIndex, name: cst.Name, scope: object) -> list[Assignment] | None:
    """The bindings ``name`` reads, where it reads some and all are assignments in ``scope``;
    else None."""
    access = index.accesses.get(id(name))
    if access is None:
        return None
    referents = list(access.referents)
    if referents and all(isinstance(r, Assignment) and r.scope is scope for r in referents):
        return cast(list[Assignment], referents)
    return None


def _local_reads(
    index: ModuleIndex,
    unit: Unit,
    roots: Sequence[cst.CSTNode],
    hoisted: set[int],
    moved: set[int],
) -> dict[str, list[cst.Name]]:
    """The reads in ``roots`` of input-named names the route function binds before the unit, by
    name (a name the moved code also binds is left out)."""
    scope = index.scope_of(unit.function.body.body[0])
    found: dict[str, list[cst.Name]] = {}
    excluded: set[str] = set()
    for root in roots:
        for node in index.subtree(root):
            if type(node) not in NAME_TYPES or id(node) in hoisted:
                continue
            name = cast(cst.Name, node)
            if not _names_input(name.value):  # (before the look-ups: most names are not)
                continue
            referents = _local_bindings(index, name, scope)
            if referents is None:
                continue
            if any(id(r.node) in moved for r in referents):
                excluded.add(name.value)
            found.setdefault(name.value, []).append(name)
    return {name: nodes for name, nodes in found.items() if name not in excluded}


#: where a read of the dict hands it on: to another name, a call or a container
_HANDING_ON = (
    cst.Assign,
    cst.AnnAssign,
    cst.AugAssign,
    cst.Arg,
    cst.Element,
    cst.DictElement,
    cst.StarredElement,
    cst.StarredDictElement,
    cst.Return,
    cst.Yield,
    cst.NamedExpr,
)


def _handed_on(index: ModuleIndex, unit: Unit, read: cst.Name) -> bool:
    """Whether the route hands on the dict ``read`` reads anywhere in its function, or calls a
    method of it other than ``get``: another name could then change it."""
    access = index.accesses.get(id(read))
    if access is None:
        return True
    bindings = {id(r) for r in access.referents}
    for node in index.subtree(unit.function):
        if type(node) not in NAME_TYPES or cast(cst.Name, node).value != read.value:
            continue
        other = index.accesses.get(id(node))
        if other is None or not {id(r) for r in other.referents} & bindings:
            continue
        parent = index.parent(node)
        if isinstance(parent, _HANDING_ON) and getattr(parent, "value", node) is node:
            return True
        method = parent.attr.value if isinstance(parent, cst.Attribute) else "get"
        if method != "get":
            return True
    return False


def _key_read(index: ModuleIndex, name: cst.Name) -> cst.BaseExpression | None:
    """``name["key"]`` or ``name.get("key"[, literal])`` around ``name``, read (not assigned or
    deleted); else None."""
    parent = index.parent(name)
    if isinstance(parent, cst.Subscript) and parent.value is name:
        if len(parent.slice) != 1 or is_store(index, parent):
            return None
        index_node = parent.slice[0].slice
        if isinstance(index_node, cst.Index) and _identifier_key(index_node.value):
            return parent
        return None
    if not (isinstance(parent, cst.Attribute) and parent.attr.value == "get"):
        return None
    call = index.parent(parent)
    if not isinstance(call, cst.Call) or call.func is not parent or not 1 <= len(call.args) <= 2:
        return None
    if any(arg.keyword is not None or arg.star for arg in call.args):
        return None
    if not _identifier_key(call.args[0].value):
        return None
    default = call.args[1].value if len(call.args) == 2 else None
    if default is not None and not _literal(default):
        return None
    return call


def _identifier_key(node: cst.BaseExpression) -> bool:
    """A string literal that names a parameter (``"role"``)."""
    if not isinstance(node, cst.SimpleString):
        return False
    value = node.evaluated_value
    return isinstance(value, str) and value.isidentifier()


def _literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, _LITERALS) or (
        isinstance(node, cst.Name) and node.value in _CONSTANT_NAMES
    )


def _early_read_is_safe(
    index: ModuleIndex,
    expr: cst.BaseExpression,
    stmts: Sequence[cst.BaseStatement],
    effect_call: EffectCall,
) -> bool:
    """Whether evaluating ``expr`` before the unit (not where it stands) changes nothing: it is
    in one of ``stmts`` itself, a simple statement, read on every path through it, and no
    statement up to it calls anything of unknown effect; a ``get``, which cannot raise, always."""
    if isinstance(expr, cst.Call):
        return True
    stmt = _statement_of(index, expr, stmts)
    if stmt is None or is_conditional(index, expr, stmt):
        return False
    for before in stmts:
        if before is stmt:
            # (a call that takes the read as an argument runs after it: `Role.parse(data["r"])`)
            return effect_call(stmt, _calls_around(index, expr, stmt)) is None
        if effect_call(before, set()) is not None:
            return False
    return False


def _calls_around(index: ModuleIndex, node: cst.CSTNode, stmt: cst.CSTNode) -> set[int]:
    """The ids of the calls ``node`` is an argument of, up to ``stmt``."""
    found: set[int] = set()
    current = index.parent(node)
    while current is not None and current is not stmt:
        if isinstance(current, cst.Call):
            found.add(id(current))
        current = index.parent(current)
    return found


def _statement_of(
    index: ModuleIndex, node: cst.CSTNode, stmts: Sequence[cst.BaseStatement]
) -> cst.SimpleStatementLine | None:
    """The statement of ``stmts`` that holds ``node`` when it is a simple statement."""
    ids = {id(s) for s in stmts}
    current: cst.CSTNode | None = node
    while current is not None and id(current) not in ids:
        current = index.parent(current)
    return current if isinstance(current, cst.SimpleStatementLine) else None
