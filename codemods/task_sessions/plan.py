"""The plan: which hand-offs are fixed, which task functions open their own session, what stays manual."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from backfix.codemod import ManualReview, Plan, ProjectContext
from backfix.results import FileFacts, Violation
from backfix.versions import Found

from . import reasons
from .analyze import KEPT_AS_VALUE
from .controller_plan import OBJECT_WORK, Controllers
from .facts import ProjectFacts
from .model import (
    ADD_TASK,
    ASYNCIO,
    EXECUTOR,
    FLASK_THREAD,
    SESSION_WORDS,
    STARLETTE_TASK,
    THREAD,
    CallSite,
    DropArgument,
    Factory,
    FileData,
    FileEdits,
    FunctionInfo,
    HandOff,
    MethodHandOff,
    Param,
    SessionParam,
    TaskFix,
)
from .resolve import Definition, ImportNeed, Index, same_binding
from .timing import message, project_fastapi
from .unused import unused_params

#: per kind of hand-off: its reason id, what runs later, and how the user fixes it by hand
REPORTED: dict[str, tuple[str, str, str]] = {
    STARLETTE_TASK: (
        reasons.STARLETTE_BACKGROUND,
        "the Starlette `BackgroundTask`",
        "let the task open its own session",
    ),
    ASYNCIO: (
        reasons.ASYNCIO_TASK,
        "the asyncio task",
        "let the coroutine open its own session",
    ),
    THREAD: (
        reasons.THREAD,
        "the thread",
        "let the thread's function open its own session (a session must not be shared across "
        "threads)",
    ),
    EXECUTOR: (
        reasons.EXECUTOR,
        "the submitted function",
        "let it open its own session",
    ),
}
FLASK_REASON = (
    "Flask-SQLAlchemy's `db.session` only works inside an app context, which the other thread "
    "does not have, and which app to push there is not something the tool can tell: pass ids and "
    "the app (`current_app._get_current_object()`) instead, and use `db.session` inside "
    "`with app.app_context():` in the function"
)


@dataclass(frozen=True)
class Source:
    """Where a request's session comes from: the dependency, and how it opens the session."""

    dependency: str
    path: str
    name: str
    factory: Factory


@dataclass(frozen=True)
class Target:
    """A task function, and the parameter that receives the request's session."""

    path: str
    function: FunctionInfo
    param: Param


@dataclass
class Group:
    """Every hand-off of one task function."""

    target: Target
    members: list[tuple[str, HandOff, Source]] = field(default_factory=list)
    manual: list[tuple[str, HandOff, ManualReview]] = field(default_factory=list)


def plan_project(
    codemod_id: str, facts: Sequence[FileFacts[FileData]], project: ProjectContext
) -> Plan[FileEdits]:
    """Decide every hand-off across the project."""
    data = {fact.path: fact.data for fact in facts if fact.data is not None}
    if not any(d.hand_offs or d.method_hand_offs for d in data.values()):
        return Plan()
    # files the scan's pre-check skipped (no hand-off): analysed in full when a name leads there
    skipped = {fact.path for fact in facts if fact.data is None}
    index = Index(ProjectFacts(project, data, skipped), project)
    planner = _Planner(codemod_id, index, project_fastapi(project))
    for path in sorted(data):
        for hand_off in data[path].hand_offs:
            planner.add(path, hand_off)
        for method_hand_off in data[path].method_hand_offs:
            planner.add_method(path, method_hand_off)
    return planner.finish()


class _Planner:
    def __init__(self, codemod_id: str, index: Index, fastapi: Found | None) -> None:
        self.codemod_id = codemod_id
        self.index = index
        #: the FastAPI version the project runs on, when it says
        self.fastapi = fastapi
        self.violations: list[Violation] = []
        self.groups: dict[Definition, Group] = {}
        self.drops: dict[str, list[DropArgument]] = defaultdict(list)
        self.tasks: dict[str, list[TaskFix]] = defaultdict(list)
        #: ``(file, route, session parameter)`` → for each hand-off fixed there, whether its
        #: dependency is plain (opens, commits, closes the session and nothing else)
        self.fixed: dict[tuple[str, str, str], list[bool]] = defaultdict(list)
        #: hand-offs of a ``Depends(..., scope="function")`` session
        self.function_scoped: set[HandOff] = set()
        self.controllers = Controllers(index)

    # -- one hand-off ------------------------------------------------------------------------------
    def add(self, path: str, hand_off: HandOff) -> None:
        if hand_off.kind == FLASK_THREAD:
            self._report(path, hand_off, ManualReview(reasons.FLASK_SESSION_THREAD, FLASK_REASON))
            return
        param = self._session_param(path, hand_off)
        if param is None:
            return
        if self._function_scope(path, param):
            self.function_scoped.add(hand_off)
        try:
            source = self._source(path, param)
        except ManualReview as manual:
            if self._is_session(param, None):
                self._report(path, hand_off, _in_object(hand_off) if hand_off.carrier else manual)
            return
        if source is None or not self._is_session(param, source):
            return
        if hand_off.carrier:
            self._report(path, hand_off, _in_object(hand_off))
            return
        refused = _not_rewritable(hand_off)
        if refused is not None:
            self._report(path, hand_off, refused)
            return
        self._add_task(path, hand_off, source)

    def add_method(self, path: str, hand_off: MethodHandOff) -> None:
        """A hand-off in a class-based controller's method: reported when the session reaches it."""
        found = self.controllers.finding(path, hand_off)
        if found is None:
            return
        reported, root, manual = found
        if self._function_scope(root.path, root.param):
            self.function_scoped.add(reported)
        self._report(path, reported, manual)

    def _add_task(self, path: str, hand_off: HandOff, source: Source) -> None:
        assert hand_off.call is not None
        try:
            target = self._target(path, hand_off)
        except ManualReview as manual:
            self._report(path, hand_off, manual)
            return
        key = (target.path, target.function.name)
        group = self.groups.setdefault(key, Group(target))
        if hand_off.used_after:
            group.manual.append((path, hand_off, _used_after(hand_off)))
        elif target.param != group.target.param:
            group.manual.append((path, hand_off, _differ(target, group.target)))
        else:
            group.members.append((path, hand_off, source))

    def _session_param(self, path: str, hand_off: HandOff) -> SessionParam | None:
        params = self.index.data[path].requests.get(hand_off.scope, ())
        return next((p for p in params if p.name == hand_off.session), None)

    def _source(self, path: str, param: SessionParam) -> Source | None:
        """The dependency behind ``param`` and its factory; None when it is no dependency at all."""
        where, dependency = path, param.dependency
        if not dependency:
            alias = self.index.resolve(path, param.alias)
            if alias is None or param.alias.split(".")[-1] not in self._aliases(alias):
                return None
            where, dependency = alias[0], self.index.data[alias[0]].aliases[alias[1]]
        definition = self.index.resolve(where, dependency)
        if definition is None:
            raise _no_factory(dependency, "it is not defined in this project")
        factory = self.index.data[definition[0]].providers.get(definition[1])
        if factory is None:
            raise OpenedElsewhere(dependency)
        return Source(dependency, definition[0], definition[1], factory)

    def _function_scope(self, path: str, param: SessionParam) -> bool:
        if param.dependency:
            return param.function_scope
        alias = self.index.resolve(path, param.alias)
        return alias is not None and alias[1] in self.index.data[alias[0]].scoped_aliases

    def _aliases(self, definition: Definition) -> dict[str, str]:
        return self.index.data[definition[0]].aliases

    @staticmethod
    def _is_session(param: SessionParam, source: Source | None) -> bool:
        if param.looks_like_session:
            return True
        spelled = [param.dependency, param.alias]
        if source is not None:
            spelled.append(source.factory.code)
        return any(SESSION_WORDS.search(text) for text in spelled if text)

    def _target(self, path: str, hand_off: HandOff) -> Target:
        call = hand_off.call
        assert call is not None
        if _nested(self.index.data[path], hand_off.scope, call.callee):
            raise ManualReview(
                reasons.TASK_NOT_FOUND,
                f"the task `{call.callee}` is defined inside `{hand_off.scope}`, so it cannot be "
                "changed to open its own session: move it to module level (passing what it reads "
                f"of `{hand_off.scope}` as arguments), then run again",
            )
        definition = self.index.resolve(path, call.callee)
        if definition is None or definition[1] not in self.index.data[definition[0]].functions:
            raise ManualReview(
                reasons.TASK_NOT_FOUND,
                f"the task `{call.callee}` is not a function defined in this project, so it cannot "
                "be changed to open its own session",
            )
        function = self.index.data[definition[0]].functions[definition[1]]
        if hand_off.kind == ASYNCIO and not function.is_async:
            raise ManualReview(
                reasons.ASYNCIO_TASK,
                f"`{function.name}` is not `async def`: it runs right away, inside the request, "
                "and only its result is handed to asyncio; nothing to change here unless that "
                "is a mistake",
            )
        param = _supplied(function, call, hand_off.session)
        if param is None or call.starred or function.variadic:
            raise ManualReview(
                reasons.TASK_SIGNATURE,
                f"which parameter of `{function.name}` receives the session is not clear "
                "(`*args`/`**kwargs`, or more arguments than parameters)",
            )
        return Target(definition[0], function, param)

    def _report(
        self,
        path: str,
        hand_off: HandOff,
        manual: ManualReview,
        *,
        fixable: bool = False,
        note: str = "",
    ) -> None:
        self.violations.append(
            Violation(
                path=path,
                line=hand_off.line,
                col=hand_off.col + 1,
                codemod=self.codemod_id,
                message=message(
                    hand_off,
                    hand_off in self.function_scoped,
                    self.fastapi,
                    manual.dependency if isinstance(manual, OpenedElsewhere) else "",
                )
                + note,
                fixable=fixable,
                reason="" if fixable else manual.reason,
                reason_id="" if fixable else manual.reason_id,
                scope=hand_off.scope,
                snippet=hand_off.snippet,
            )
        )

    # -- whole groups ------------------------------------------------------------------------------
    def finish(self) -> Plan[FileEdits]:
        for group in self.groups.values():
            self._settle(group)
        unused = unused_params(self.index, self.fixed)
        edits = {
            path: FileEdits(
                tuple(self.drops.get(path, ())),
                tuple(self.tasks.get(path, ())),
                tuple(unused.get(path, ())),
            )
            for path in sorted(set(self.drops) | set(self.tasks) | set(unused))
        }
        return Plan(violations=sorted(self.violations), edits=edits)

    def _settle(self, group: Group) -> None:
        try:
            if group.manual:
                raise _shared(group.manual[0])
            drops = self._caller_drops(group)
            fix = self._task_fix(group)
        except ManualReview as manual:
            for path, hand_off, _ in group.members:
                self._report(path, hand_off, manual)
            for path, hand_off, own in group.manual:
                self._report(path, hand_off, own)
            return
        for path, drop in drops:
            self.drops[path].append(drop)
        self.tasks[group.target.path].append(fix)
        note = _partial_commit_note(group.target)
        for path, hand_off, source in group.members:
            self._report(path, hand_off, ManualReview("", ""), fixable=True, note=note)
            self.fixed[(path, hand_off.scope, hand_off.session)].append(source.factory.plain)

    def _caller_drops(self, group: Group) -> list[tuple[str, DropArgument]]:
        """Every call of the task that passes the session, each to lose that argument."""
        target = group.target
        members = {(path, h.line, h.col) for path, h, _ in group.members}
        drops: list[tuple[str, DropArgument]] = []
        for path in self.index.users((target.path, target.function.name)):
            data = self.index.data[path]
            for name, line in data.values:
                if self._is_target(path, name, target):
                    raise _as_value(target, path, line)
            for call in data.calls:
                if _nested(data, call.scope, call.callee):
                    continue  # a function of that name defined where it is called
                if not self._is_target(path, call.callee, target):
                    continue
                drop = _drop_for(call, target.param)
                if drop is None:
                    continue
                if (path, call.line, call.col) not in members:
                    _check_other_caller(call, target, path)
                drops.append((path, drop))
        return drops

    def _is_target(self, path: str, name: str, target: Target) -> bool:
        return self.index.resolve(path, name) == (target.path, target.function.name)

    def _task_fix(self, group: Group) -> TaskFix:
        target = group.target
        sources = {(s.path, s.name): s for _, _, s in group.members}
        if len({s.factory.code for s in sources.values()}) > 1:
            raise ManualReview(
                reasons.TASK_SHAPES_DIFFER,
                f"`{target.function.name}` is handed sessions of different dependencies "
                f"({', '.join(sorted(s.dependency for s in sources.values()))}); which one it "
                "should open is a choice to make by hand",
            )
        source = next(iter(sources.values()))
        if source.factory.is_async and not target.function.is_async:
            raise ManualReview(
                reasons.ASYNC_FACTORY_IN_SYNC_TASK,
                f"`{source.dependency}` opens an async session, but `{target.function.name}` is "
                "not `async def`; make it a coroutine first",
            )
        imports = tuple(
            self._factory_import(source, target.path, name) for name in source.factory.names
        )
        return TaskFix(
            function=target.function.name,
            param=target.param.name,
            factory=source.factory.code,
            is_async=source.factory.is_async,
            imports=tuple(need for need in imports if need is not None),
            annotation_names=target.param.annotation_names,
        )

    def _factory_import(self, source: Source, path: str, name: str) -> ImportNeed | None:
        need = self.index.import_for(source.path, name)
        if need is None:
            raise _no_factory(
                source.dependency, f"`{name}` in `{source.factory.code}` is not a module-level name"
            )
        if name not in self.index.data[path].top_names:
            return need
        if same_binding(self.index, need, path, name):
            return None
        raise ManualReview(
            reasons.FACTORY_NAME_TAKEN,
            f"the task's module already uses the name `{name}` for something else, so "
            f"`{source.factory.code}` cannot be opened there under that name",
        )


def _nested(data: FileData, scope: str, callee: str) -> bool:
    """Does ``callee``, called in the top-level function ``scope``, name a function defined inside
    it (which shadows any module-level one)?"""
    return (scope, callee.split(".")[0]) in data.nested


def _partial_commit_note(target: Target) -> str:
    """What the finding says when the task commits but maybe not on every path that writes."""
    function, session = target.function, target.param.name
    if session not in function.partly_committed:
        return ""
    return (
        f"; `{function.name}` commits `{session}` itself but maybe not on every path that writes: "
        "the fix adds no commit at its end (it would also commit what the task leaves "
        "uncommitted on purpose), so writes on such a path are discarded when its session closes"
    )


def _supplied(function: FunctionInfo, call: CallSite, session: str) -> Param | None:
    """The parameter of ``function`` that receives ``session`` in ``call``."""
    for index, text in enumerate(call.positional):
        if text == session:
            return next((p for p in function.params if p.index == index), None)
    for keyword, text in call.keywords:
        if text == session:
            return next((p for p in function.params if p.name == keyword), None)
    return None


def _drop_for(call: CallSite, param: Param) -> DropArgument | None:
    if param.index is not None and param.index < len(call.positional):
        within = "args" if call.packed else ""
        return DropArgument(call.line, call.col, param.index + call.offset, None, within)
    if any(keyword == param.name for keyword, _ in call.keywords):
        return DropArgument(call.line, call.col, None, param.name, "kwargs" if call.packed else "")
    return None


def _not_rewritable(hand_off: HandOff) -> ManualReview | None:
    """Why a hand-off other than ``add_task`` stays manual, or None when it is rewritten."""
    if hand_off.kind == ADD_TASK:
        return None
    reason_id, work, fix = REPORTED[hand_off.kind]
    if hand_off.call is None:
        return ManualReview(
            reason_id,
            f"the session reaches {work} inside an expression the tool cannot drop (not a plain "
            f"argument of a function defined in the project); {fix}",
        )
    if hand_off.kept:
        kept = "it" if hand_off.kept == KEPT_AS_VALUE else f"`{hand_off.kept}`"
        return ManualReview(
            reason_id,
            f"the route keeps {work} ({kept}) and may wait for it before responding, when the "
            f"session is still open; if it does not wait, {fix}",
        )
    return None


def _in_object(hand_off: HandOff) -> ManualReview:
    """The session reaches the work inside an object built with it (``Importer(db)``)."""
    work, opener = OBJECT_WORK[hand_off.kind]
    if hand_off.carrier == hand_off.built:
        where = f"inside the object `{hand_off.built}` built for it in this route"
    else:
        where = f"inside `{hand_off.carrier}` (built by `{hand_off.built}` in this route)"
    return ManualReview(
        reasons.SESSION_IN_OBJECT,
        f"the session reaches {work} {where}: let {opener} open its own session and build its "
        "own object with it (hand it ids and plain values, not the object or what was loaded "
        "through it)",
    )


def _check_other_caller(call: CallSite, target: Target, path: str) -> None:
    """Another caller that passes a session: a task hand-off may lose it, a direct call may not."""
    name = target.function.name
    where = f"{path}:{call.line}"
    if not call.via_task:
        raise ManualReview(
            reasons.REQUEST_TIME_CALLER,
            f"`{name}` is also called directly with a session ({where}); that caller's session "
            "would no longer be used, so its changes and the task's would split",
        )
    passed = (
        call.positional[target.param.index]
        if target.param.index is not None and (target.param.index < len(call.positional))
        else dict(call.keywords).get(target.param.name, "")
    )
    if call.starred or not passed:
        raise ManualReview(
            reasons.TASK_SIGNATURE,
            f"`{name}` is also handed a session at {where} in a form the tool cannot drop",
        )


class OpenedElsewhere(ManualReview):
    """The session dependency ``dependency`` neither yields nor returns a session it opens: the
    message then cannot say that FastAPI closes it (something else opens and closes it)."""

    def __init__(self, dependency: str) -> None:
        why = "it neither yields nor returns a session it opens"
        super().__init__(reasons.FACTORY_NOT_FOUND, _factory_reason(dependency, why))
        self.dependency = dependency


def _no_factory(dependency: str, why: str) -> ManualReview:
    return ManualReview(reasons.FACTORY_NOT_FOUND, _factory_reason(dependency, why))


def _factory_reason(dependency: str, why: str) -> str:
    return f"cannot tell how the session dependency `{dependency}` opens its session: {why}"


def _used_after(hand_off: HandOff) -> ManualReview:
    return ManualReview(
        reasons.SESSION_USED_AFTER,
        f"the route keeps using `{hand_off.session}` after handing it to the task; the task would "
        "no longer see the route's later changes on that session",
    )


def _differ(target: Target, first: Target) -> ManualReview:
    return ManualReview(
        reasons.TASK_SHAPES_DIFFER,
        f"`{target.function.name}` receives the session in `{target.param.name}` here and in "
        f"`{first.param.name}` elsewhere",
    )


def _shared(first: tuple[str, HandOff, ManualReview]) -> ManualReview:
    path, hand_off, manual = first
    return ManualReview(
        manual.reason_id,
        f"another hand-off of the same task ({path}:{hand_off.line}) stays manual: {manual.reason}",
    )


def _as_value(target: Target, path: str, line: int) -> ManualReview:
    return ManualReview(
        reasons.TASK_USED_AS_VALUE,
        f"`{target.function.name}` is also used as a value ({path}:{line}), where the tool cannot "
        "see which arguments it gets",
    )
