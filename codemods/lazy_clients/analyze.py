"""Per-file facts: the clients a module builds at import time, and how it uses imported names."""

from __future__ import annotations

import ast
import re

import libcst as cst
from libcst.metadata import Assignment, ImportAssignment

from backfix.cst_utils import dotted, last_name, single_assignment
from backfix.cst_walk import WalkVisitor, walk

from . import reasons
from .blocks import BlockCandidate, block_candidates
from .detect import Verdict, classify, import_table, qualify
from .model import DELETE, STORE, Blocker, Client, ImportedName, ModuleFacts, Origin, Use
from .naming import client_kind, getter_name
from .references import ModuleIndex, Ref, import_origin, module_index

_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
#: calls that name an attribute of an object by string: ``setattr(mod, "client", fake)``.
_BY_NAME = frozenset({"setattr", "delattr", "getattr", "hasattr", "object"})


def candidate_statements(
    module: cst.Module,
) -> list[tuple[cst.SimpleStatementLine, str, tuple[cst.Call, ...]]]:
    """Top-level ``name = <call>`` / ``name: T = <call>`` statements, with the name and the calls.

    The value may also be a conditional expression with a call in a branch
    (``redis.from_url(url) if url else None``): its calls are listed.
    """
    found = []
    for stmt in module.body:
        assignment = single_assignment(stmt)
        if assignment is None or not isinstance(stmt, cst.SimpleStatementLine):
            continue
        target, value = assignment
        calls = _calls_in(value)
        if isinstance(target, cst.Name) and calls:
            found.append((stmt, target.value, calls))
    return found


def _calls_in(value: cst.BaseExpression | None) -> tuple[cst.Call, ...]:
    if isinstance(value, cst.Call):
        return (value,)
    if isinstance(value, cst.IfExp):
        return tuple(b for b in (value.body, value.orelse) if isinstance(b, cst.Call))
    return ()


def analyze_module(
    module: cst.Module, with_uses: bool, tree: ast.Module | None = None
) -> ModuleFacts:
    """The facts of one module; ``with_uses`` False keeps only its clients (None when it has none).

    ``module`` comes from the parser (no node appears twice in it): its scopes, parents and
    positions are resolved over its own nodes, once however often it is analysed. ``tree`` is
    `ast` of its text at the same lines, if there is one (see :class:`ModuleIndex`).
    """
    if not with_uses and not builds_a_client(module):
        return ModuleFacts(clients=())
    index = module_index(module, tree)
    clients = tuple(_clients(index))
    if not with_uses:
        return ModuleFacts(clients=clients)
    strings, patched = _strings(index)
    return ModuleFacts(
        clients=clients,
        uses=tuple(_uses(index)),
        imported_names=tuple(_imported_names(index)),
        star_imports=tuple(_star_imports(index)),
        dotted_strings=strings,
        patched_attributes=patched,
        bound=frozenset(a.name for a in index.global_scope.assignments),
        exported=exported_names(index.module),
    )


def builds_a_client(module: cst.Module) -> bool:
    """Whether a top-level statement or module-level block calls a client constructor.

    ``_clients`` finds a client only at such a call; checking for one first spares every other file
    the scope, parent and position resolution, most of this codemod's cost on a real project.
    """
    imports = import_table(module)
    calls = [call for _, _, found in candidate_statements(module) for call in found]
    calls += [call for block in block_candidates(module) for _, call in block.assignments.calls]
    return any(classify(call, imports) is not None for call in calls)


# --- clients --------------------------------------------------------------------------------------------


def _clients(index: ModuleIndex) -> list[Client]:
    imports = import_table(index.module)
    classes = {s.name.value for s in index.module.body if isinstance(s, cst.ClassDef)}
    clients = []
    for stmt, name, calls in candidate_statements(index.module):
        verdicts = [classify(call, imports) for call in calls]
        verdict = next((v for v in verdicts if v is not None), None)
        if verdict is None:
            continue
        small = stmt.body[0]
        annotation = _annotation(small, verdict, imports, classes)
        # a conditional value may also be something else (``... if url else None``)
        typed = (
            isinstance(small, cst.AnnAssign)
            or isinstance(getattr(small, "value", None), cst.Call)
            or (
                len(verdicts) == 2
                and all(v is not None and v.returns == verdict.returns for v in verdicts)
            )
        )
        annotation = annotation if typed else ""
        kind = client_kind(qualify(verdict.constructor, imports))
        line, col = index.start(stmt)
        clients.append(
            Client(
                name=name,
                line=line,
                col=col,
                constructor=verdict.constructor,
                why=verdict.why,
                annotation=annotation,
                snippet=f"{name} = {verdict.constructor}(...)",
                blockers=tuple(local_blockers(index, name, stmt, kind=kind)),
                kind=kind,
            )
        )
    for candidate in block_candidates(index.module):
        client = _block_client(index, candidate, imports, classes)
        if client is not None:
            clients.append(client)
    return sorted(clients, key=lambda c: (c.line, c.col))


def _block_client(
    index: ModuleIndex, candidate: BlockCandidate, imports: dict[str, str], classes: set[str]
) -> Client | None:
    """A client built inside a module-level ``if``/``try``, at its first client call."""
    verdicts = [(line, classify(call, imports)) for line, call in candidate.assignments.calls]
    first = next(((line, v) for line, v in verdicts if v is not None), None)
    if first is None:
        return None
    line, verdict = first
    name = candidate.name
    block_line = index.line(candidate.block)
    kind = client_kind(qualify(verdict.constructor, imports))
    blockers = local_blockers(index, name, candidate.block, block=True, kind=kind)
    if candidate.others:
        listed = ", ".join(f"`{other}`" for other in candidate.others)
        blockers.insert(
            0,
            Blocker(
                reasons.BLOCK_BINDS_OTHER_NAMES,
                f"`{name}` is built in the module-level `{candidate.keyword}` block on line "
                f"{block_line}, which also binds {listed}: as the body of a getter, the block "
                "would no longer define them at module level",
            ),
        )
    # the type is known only when every value the block assigns is that same kind of client
    same = len(candidate.assignments.values) == len(verdicts) and all(
        v is not None and v.returns == verdict.returns for _, v in verdicts
    )
    start = index.start(line)
    return Client(
        name=name,
        line=start[0],
        col=start[1],
        constructor=verdict.constructor,
        why=verdict.why,
        annotation=_annotation(line.body[0], verdict, imports, classes) if same else "",
        snippet=f"{name} = {verdict.constructor}(...)",
        blockers=tuple(blockers),
        block=candidate.keyword,
        block_line=block_line,
        kind=kind,
    )


def _annotation(
    small: cst.BaseSmallStatement, verdict: Verdict, imports: dict[str, str], classes: set[str]
) -> str:
    """How the module spells the client's type; ``""`` when it cannot."""
    if isinstance(small, cst.AnnAssign):
        return cst.Module(body=[]).code_for_node(small.annotation.annotation)
    if verdict.returns:
        for local, qualified in sorted(imports.items(), key=lambda item: -len(item[1])):
            if verdict.returns == qualified or verdict.returns.startswith(qualified + "."):
                return local + verdict.returns[len(qualified) :]
        return ""
    return verdict.constructor if verdict.constructor in classes else ""


def local_blockers(
    index: ModuleIndex, name: str, definition: cst.CSTNode, block: bool = False, kind: str = ""
) -> list[Blocker]:
    """What keeps a client of this module from becoming a getter, found in the module itself.

    ``definition`` is the statement that builds the client; for a ``block`` (an ``if``/``try``
    that becomes the getter's body) the assignments and uses inside it stay as they are.
    """
    blockers: list[Blocker] = []
    others = [
        a
        for a in index.global_scope.assignments[name]
        if isinstance(a, Assignment) and not index.within(a.node, definition)
    ]
    for other in others:
        blockers.append(
            Blocker(
                reasons.ASSIGNED_AGAIN,
                f"`{name}` is assigned again on line {index.line(other.node)}",
            )
        )
    for ref in index.global_refs(name):
        if block and index.within(ref.chain[0], definition):
            continue
        blocker = use_blocker(
            name, ref.kind, ref.import_time, ref.default_argument, f"line {ref.line}"
        )
        if blocker is not None:
            blockers.append(blocker)
    getter = getter_name(name, kind)
    if name in exported_names(index.module):
        blockers.append(
            Blocker(
                reasons.IN_ALL,
                f"`{name}` is listed in `__all__`: replace it there with `{getter}` and run again",
            )
        )
    if any(getter in scope.assignments for scope in index.scopes):
        blockers.append(
            Blocker(reasons.GETTER_NAME_TAKEN, f"the module already defines `{getter}`")
        )
    if _functools_taken(index):
        blockers.append(
            Blocker(
                reasons.FUNCTOOLS_NAME_TAKEN,
                "the module binds `functools` to something other than the standard library module",
            )
        )
    return blockers


def _functools_taken(index: ModuleIndex) -> bool:
    for assignment in index.global_scope.assignments["functools"]:
        if not (
            isinstance(assignment, ImportAssignment)
            and import_origin(assignment) == (0, "functools", ())
        ):
            return True
    return False


def use_blocker(
    name: str, kind: str, import_time: bool, default_argument: bool, where: str
) -> Blocker | None:
    """The blocker a use of a client makes, None for a use inside a function body."""
    if kind == DELETE:
        return Blocker(reasons.DELETED, f"`{name}` is deleted ({where})")
    if kind == STORE:
        return Blocker(reasons.ASSIGNED_AGAIN, f"`{name}` is assigned ({where})")
    if default_argument:
        return Blocker(
            reasons.DEFAULT_ARGUMENT,
            f"`{name}` is a parameter's default value ({where}): it is evaluated at import time",
        )
    if import_time:
        return Blocker(
            reasons.USED_AT_IMPORT,
            f"`{name}` is used when the module is imported ({where}), "
            "so a getter would still build it at import time",
        )
    return None


def exported_names(module: cst.Module) -> frozenset[str]:
    """The strings of a top-level ``__all__ = [...]`` (and ``+=``)."""
    names: set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            value = _all_value(small)
            if isinstance(value, (cst.List, cst.Tuple)):
                for element in value.elements:
                    if isinstance(element.value, cst.SimpleString):
                        names.add(str(ast.literal_eval(element.value.value)))
    return frozenset(names)


def _all_value(small: cst.BaseSmallStatement) -> cst.BaseExpression | None:
    if isinstance(small, cst.Assign) and any(dotted(t.target) == "__all__" for t in small.targets):
        return small.value
    if isinstance(small, (cst.AugAssign, cst.AnnAssign)) and dotted(small.target) == "__all__":
        return small.value
    return None


# --- uses of imports ------------------------------------------------------------------------------------


def _uses(index: ModuleIndex) -> list[Use]:
    return [
        Use(origin, ref.attrs, ref.kind, ref.import_time, ref.default_argument, ref.line)
        for origin, _, ref in index.import_refs()
    ]


def _imported_names(index: ModuleIndex) -> list[ImportedName]:
    found = []
    for scope in index.scopes:
        for assignment in scope.assignments:
            if isinstance(assignment, ImportAssignment) and isinstance(
                assignment.node, cst.ImportFrom
            ):
                origin = import_origin(assignment)
                if origin is not None:
                    found.append(
                        ImportedName(
                            origin,
                            assignment.name,
                            scope is index.global_scope,
                            index.line(assignment.node),
                        )
                    )
    # (LibCST keeps a scope's assignments in sets: sorted, the facts are the same every run)
    return sorted(found, key=lambda imported: (imported.line, imported.local))


def _star_imports(index: ModuleIndex) -> list[tuple[int, str, int]]:
    found = []
    for stmt in index.module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar):
                    module = dotted(small.module) if small.module is not None else ""
                    found.append((len(small.relative), module, index.line(stmt)))
    return found


def _strings(
    index: ModuleIndex,
) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[Origin, str, int], ...]]:
    """Dotted names spelled as strings, and attributes named by string on imported objects."""
    strings = _StringFinder(index)
    walk(index.module, strings)
    patched = []
    for origin, _, ref in index.import_refs():
        attribute = _named_attribute(index, ref)
        if attribute:
            patched.append(((origin[0], origin[1], origin[2] + ref.attrs), attribute, ref.line))
    return tuple(strings.found), tuple(patched)


def _named_attribute(index: ModuleIndex, ref: Ref) -> str:
    """``"client"`` when the reference is the object of ``setattr(ref, "client", ...)``."""
    arg = index.parents.get(ref.chain[-1])
    call = index.parents.get(arg) if isinstance(arg, cst.Arg) else None
    if not isinstance(call, cst.Call) or len(call.args) < 2 or call.args[0] is not arg:
        return ""
    if last_name(call.func) not in _BY_NAME:
        return ""
    second = call.args[1].value
    if isinstance(second, cst.SimpleString):
        return str(ast.literal_eval(second.value))
    return ""


class _StringFinder(WalkVisitor):
    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.found: list[tuple[str, int]] = []

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if isinstance(value, str) and _DOTTED.fullmatch(value):
            self.found.append((value, self.index.line(node)))
