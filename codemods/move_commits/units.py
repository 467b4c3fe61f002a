"""The units of work the analysis carves out, and why one must stay in the route."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import libcst as cst

from .frameworks import FrameworkUse, ModuleIndex
from .model import Extraction, Param
from .reasons import NO_REASON, Reason


class Unmovable(Exception):
    """A unit of work that must stay in the route; ``reason`` says why."""

    def __init__(self, reason_id: str, text: str) -> None:
        """Why the unit stays: ``text`` for the user, ``reason_id`` from ``reasons``."""
        super().__init__(text)
        self.reason = Reason(reason_id, text)


class ExitUnmovable(Unmovable):
    """Why a unit with an early exit inside cannot move, even with a returned status."""


@dataclass
class Hoist:
    """A framework read the route evaluates and passes as a plain value."""

    root: cst.CSTNode
    expr: cst.BaseExpression
    use: FrameworkUse
    param: str = ""
    conditional: bool = False


def hoisted_nodes(index: ModuleIndex, hoists: Iterable[Hoist]) -> set[int]:
    """The ids of the nodes of the framework reads ``hoists``: the route evaluates them, so
    nothing in them runs in the service."""
    return {id(n) for h in hoists for n in index.subtree(h.expr)}


@dataclass
class SplitHandler:
    """An ``except`` clause of a moved ``try``: ``moved`` statements go to the service (then
    ``raise``), ``kept`` statements stay in the route's handler."""

    handler: cst.ExceptHandler
    moved: list[cst.BaseStatement]
    kept: list[cst.BaseStatement]


@dataclass
class Unit:
    """A unit of work in one statement list, with live nodes, for the rewrite."""

    unit_id: str
    function: cst.FunctionDef
    block: cst.IndentedBlock
    start: int
    end: int
    commits: list[cst.Call]
    extraction: Extraction | None = None
    reason: Reason = NO_REASON
    params: list[Param] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)
    split: list[SplitHandler] | None = None
    try_node: cst.Try | None = None
    #: statements at the end of ``try_node``'s body (after the commit) that stay in the route's
    #: ``try``, after the call; its ``else`` always stays
    try_tail: int = 0
    column: int = 0
    #: early exits inside the unit (``if response.errors: return ...``): the service returns
    #: whether it committed, and the route runs the exit's body when it did not.
    exits: list[cst.If] = field(default_factory=list)
    #: the route's name for that status when the call also returns values ("" otherwise).
    status: str = ""
    #: the exit tests the one value the unit returns (``if not job: abort(404)``): the service
    #: returns None there, and the route tests what it returns as it tested before, with no
    #: status (``job = JobService.update_job(...)`` then ``if not job: abort(404)``).
    none_on_exit: bool = False
    #: the branch of the exit that stays in the route.
    exit_block: cst.IndentedBlock | None = None
    #: ``if user.confirm(token): db.session.commit(); ...``: the ``if`` whose test writes; its
    #: test and body up to ``inner_end`` move, the route tests what the service returns.
    branch_test: cst.If | None = None
    inner_end: int = 0
    #: the framework reads the route evaluates and passes, each with its parameter's name
    hoists: list[Hoist] = field(default_factory=list)

    def kept_after(self) -> list[cst.BaseStatement]:
        """The statements of the moved ``try`` that stay in the route's ``try``, after the
        call: the last ``try_tail`` of its body, then its ``else``."""
        node = self.try_node
        if node is None:
            return []
        kept = split_try_body(node, self.try_tail)[1]
        if node.orelse is not None and isinstance(node.orelse.body, cst.IndentedBlock):
            kept.extend(node.orelse.body.body)
        return kept

    def service_holds_try(self) -> bool:
        """Whether the service method keeps the moved ``try`` (some handler rolls back); without
        one it holds just the ``try``'s body."""
        return holds_try(self.split or [])


def split_try_body(
    node: cst.Try, tail: int
) -> tuple[list[cst.BaseStatement], list[cst.BaseStatement]]:
    """The statements of ``node``'s body that move, and the last ``tail`` that stay in the
    route's ``try`` (none of either for a one-line body)."""
    if not isinstance(node.body, cst.IndentedBlock):
        return [], []
    body = list(node.body.body)
    return body[: len(body) - tail], body[len(body) - tail :] if tail else []


def holds_try(splits: list[SplitHandler]) -> bool:
    """Whether a handler of a moved ``try`` has a part that moves (a rollback): the service
    method then keeps the ``try``."""
    return any(split.moved for split in splits)


@dataclass
class Region:
    """What a statement (or the moved part of one) contains."""

    reason: Reason = NO_REASON
    writes: bool = False
    raises: bool = False
    hoists: list[Hoist] = field(default_factory=list)
