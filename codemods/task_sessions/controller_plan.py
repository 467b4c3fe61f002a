"""Which hand-offs of class-based controllers pass the request's session, and what the user reads.

A controller's methods are not rewritten: each hand-off that passes the session, or an object that
holds it, is reported. The attributes are followed through the controller's base classes (across
files, as names are followed elsewhere in the plan) and through the attributes built from them
(``self.repos`` from ``AllRepositories(self.session)``), see ``controllers``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from backfix.codemod import ManualReview

from . import reasons
from .model import (
    ADD_TASK,
    AS_ITSELF,
    ASYNCIO,
    EXECUTOR,
    IN_LAMBDA,
    IN_OBJECT,
    SESSION_WORDS,
    STARLETTE_TASK,
    THREAD,
    WITHIN,
    ClassInfo,
    Derived,
    HandOff,
    MethodHandOff,
    Reach,
    SessionParam,
)
from .resolve import Index

#: how deep base classes are followed
MAX_BASES = 16

#: per kind of hand-off: what runs later, and what opens its own session instead
OBJECT_WORK: dict[str, tuple[str, str]] = {
    ADD_TASK: ("the background task", "the task"),
    STARLETTE_TASK: ("the Starlette `BackgroundTask`", "the task"),
    ASYNCIO: ("the asyncio task", "the coroutine"),
    THREAD: ("the thread", "the thread's function"),
    EXECUTOR: ("the submitted function", "the submitted function"),
}
_OWN_OBJECT = (
    "open its own session and build its own object with it (hand it ids and plain values, not the "
    "object or what was loaded through it)"
)


@dataclass(frozen=True)
class _Root:
    """A session attribute: its declaration, and the class (and file) declaring it."""

    param: SessionParam
    owner: str
    path: str


@dataclass
class _Attributes:
    """What a controller's attributes hold, over its class and its bases."""

    #: session attribute → where it is declared
    sessions: dict[str, _Root] = field(default_factory=dict)
    #: attribute built from a session attribute (directly or not) → the attribute it was built
    #: from, and how
    derived: dict[str, tuple[str, Derived]] = field(default_factory=dict)
    #: plain methods → the attributes they read
    methods: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def holds(self, attr: str) -> bool:
        """Is ``attr`` the session or built from it?"""
        return attr in self.sessions or attr in self.derived

    def root(self, attr: str) -> str:
        """The session attribute ``attr`` is built from (itself for one)."""
        seen: set[str] = set()
        while attr in self.derived and attr not in seen:
            seen.add(attr)
            attr = self.derived[attr][0]
        return attr

    def through(self, attr: str) -> list[str]:
        """The attributes between ``attr`` and its session (``service`` → ``[repos, _repos]``)."""
        found: list[str] = []
        current = self.derived[attr][0] if attr in self.derived else attr
        while current in self.derived and current not in found:
            found.append(current)
            current = self.derived[current][0]
        return found

    def method_reads(self, name: str) -> str:
        """The first session-holding attribute the plain method ``name`` reads, following the
        methods it calls on ``self``; "" for none."""
        seen, queue = {name}, [name]
        while queue:
            for attr in self.methods.get(queue.pop(0), ()):
                if self.holds(attr):
                    return attr
                if attr in self.methods and attr not in seen:
                    seen.add(attr)
                    queue.append(attr)
        return ""


class Controllers:
    """Reads the hand-offs of class-based controllers (see the module docs)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._cache: dict[tuple[str, str], _Attributes] = {}

    def lineage(self, path: str, name: str) -> Iterator[tuple[str, ClassInfo]]:
        """The class ``name`` of ``path`` and its bases defined in the project, depth first (the
        class first; each once)."""
        seen: set[tuple[str, str]] = set()
        stack = [(path, name)]
        while stack and len(seen) < MAX_BASES:
            where, cls = stack.pop()
            data = self.index.data.get(where)
            info = data.classes.get(cls) if data is not None else None
            if info is None or (where, cls) in seen:
                continue
            seen.add((where, cls))
            yield where, info
            bases = [self.index.resolve_starred(where, base) for base in info.bases]
            stack += reversed([base for base in bases if base is not None])

    def attributes(self, path: str, name: str) -> _Attributes:
        """What the attributes of the class ``name`` of ``path`` hold."""
        key = (path, name)
        if key not in self._cache:
            self._cache[key] = self._attributes(list(self.lineage(path, name)))
        return self._cache[key]

    def _attributes(self, lineage: list[tuple[str, ClassInfo]]) -> _Attributes:
        found = _Attributes()
        for where, info in lineage:
            for param in info.sessions:
                if param.name not in found.sessions and self.is_session(where, param):
                    found.sessions[param.name] = _Root(param, info.name, where)
            for method, reads in info.methods:
                found.methods.setdefault(method, reads)
        derivations = [(where, info, d) for where, info in lineage for d in info.derived]
        changed = True
        while changed:
            changed = False
            for where, info, derived in derivations:
                if derived.attr in found.derived or derived.attr in found.sessions:
                    continue
                source = next((s for s in derived.sources if found.holds(s)), "")
                if source and self._builds(where, derived.callee):
                    described = Derived(
                        derived.attr,
                        derived.sources,
                        derived.built,
                        f"{info.name}.{derived.method}",
                        derived.callee,
                    )
                    found.derived[derived.attr] = (source, described)
                    changed = True
        return found

    def is_session(self, path: str, param: SessionParam) -> bool:
        """Does a class attribute declared in ``path`` receive the request's session? Its
        annotation spells a session type (``Session``, ``AsyncSession``, ``DbSession``), or, with
        no annotation of its own, its dependency's name says so (``Depends(get_db)``, an
        ``Annotated`` alias ``SessionDep`` or one of ``get_db``). A dependency's factory is not
        asked: ``get_current_user`` returning ``db.get(User, ...)`` gives a user."""
        if param.looks_like_session:
            return True
        if param.dependency:
            return not param.annotated and bool(SESSION_WORDS.search(param.dependency))
        alias = self.index.resolve(path, param.alias)
        aliases = self.index.data[alias[0]].aliases if alias is not None else {}
        dependency = aliases.get(alias[1], "") if alias is not None else ""
        return bool(dependency) and any(
            SESSION_WORDS.search(text) for text in (param.alias, dependency)
        )

    def _builds(self, path: str, callee: str) -> bool:
        """A value from ``callee(...)`` holds what it was given: no callee (a constructor, an
        attribute), or a function of the project that returns an object it builds."""
        if not callee:
            return True
        definition = self.index.resolve(path, callee)
        data = self.index.data.get(definition[0]) if definition is not None else None
        function = data.functions.get(definition[1]) if data and definition else None
        return function is not None and function.builds_object

    def finding(
        self, path: str, hand_off: MethodHandOff
    ) -> tuple[HandOff, _Root, ManualReview] | None:
        """The hand-off as a reported one, its session attribute and why it is reported; None when
        nothing that reaches the work holds the request's session."""
        attributes = self.attributes(path, hand_off.cls)
        found = [
            explained
            for reach in hand_off.reaches
            if (explained := _explain(reach, hand_off, attributes)) is not None
        ]
        if not found:
            return None
        # the attribute closest to the session makes the shortest message; the others are named
        held, manual = min(found, key=lambda item: len(attributes.through(item[0])))
        manual = _also_held(manual, [attr for attr, _ in found if attr != held])
        root = attributes.sessions[attributes.root(held)]
        reported = HandOff(
            hand_off.kind,
            hand_off.line,
            hand_off.col,
            f"{hand_off.cls}.{hand_off.method}",
            f"self.{root.param.name}",
            None,
            False,
            hand_off.snippet,
        )
        return reported, root, manual
        return None


def _explain(
    reach: Reach, hand_off: MethodHandOff, attributes: _Attributes
) -> tuple[str, ManualReview] | None:
    """The session-holding attribute behind ``reach`` and why its hand-off is reported."""
    attr = reach.attr
    work, opener = OBJECT_WORK[hand_off.kind]
    if attr in attributes.sessions and (
        reach.how == AS_ITSELF or (reach.how == WITHIN and reach.head)
    ):
        return attr, _handed_itself(attr, hand_off, attributes.sessions[attr], work, opener)
    if attr in attributes.sessions and reach.how == WITHIN and not reach.head:
        return None  # `self.session.bind`: a value read from the session, not the session
    if attributes.holds(attr):
        where = _where(reach, attr, attributes)
        text = f"the session reaches {work} {where}: let {opener} {_OWN_OBJECT}"
        return attr, ManualReview(reasons.SESSION_IN_OBJECT, text)
    if attr in attributes.methods and reach.how in (AS_ITSELF, IN_LAMBDA):
        read = attributes.method_reads(attr)
        if read:
            text = (
                f"the session reaches {work} inside `self`: `self.{attr}` is a method of "
                f"`{hand_off.cls}` that reads `self.{read}`{_holding(read, attributes)}: hand "
                f"{work} a function that opens its own session instead, with ids and plain values"
            )
            return read, ManualReview(reasons.SESSION_IN_OBJECT, text)
    return None


def _also_held(manual: ManualReview, others: list[str]) -> ManualReview:
    """``manual`` naming the other attributes through which the session reaches the work too
    (``self.service`` built on ``self.repos``): rebuilding only the one named would still hand
    the session over."""
    names = list(dict.fromkeys(f"`self.{attr}`" for attr in others))
    if not names:
        return manual
    listed = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return ManualReview(
        manual.reason_id, f"{manual.reason}; the session reaches it through {listed} too"
    )


def _handed_itself(
    attr: str, hand_off: MethodHandOff, root: _Root, work: str, opener: str
) -> ManualReview:
    param = root.param
    declared = f"`Depends({param.dependency})`" if param.dependency else f"`{param.alias}`"
    return ManualReview(
        reasons.CONTROLLER_SESSION,
        f"`self.{attr}` is the request's session of the class-based controller `{hand_off.cls}` "
        f"({declared} in `{root.owner}`), handed to {work}; methods are not rewritten: let "
        f"{opener} open its own session and stop passing `self.{attr}`",
    )


def _where(reach: Reach, attr: str, attributes: _Attributes) -> str:
    """Where the session is, as the message says it (``inside `worker` (built by ...)``)."""
    holding = _holding(attr, attributes)
    if reach.how == IN_OBJECT:
        built = (
            f"the object `{reach.built}` built for it in this method"
            if reach.carrier == reach.built
            else f"`{reach.carrier}` (built by `{reach.built}` in this method)"
        )
        return f"inside {built}, which holds `self.{attr}`{holding}"
    if reach.how == IN_LAMBDA:
        return f"inside a lambda that reads `self.{attr}`{holding}"
    return f"inside `self.{attr}`{holding}"


def _holding(attr: str, attributes: _Attributes) -> str:
    """``, built from the request's session `self.session` (through `self.repos`)``; "" for the
    session itself."""
    if attr not in attributes.derived:
        return ""
    _, derived = attributes.derived[attr]
    root = attributes.root(attr)
    # (the attribute the property builds is named already: `(`self._repos` in `Base.repos`)`)
    through = [a for a in attributes.through(attr) if f"self.{a}" != derived.built]
    via = f", through {', '.join(f'`self.{a}`' for a in through)}" if through else ""
    return (
        f" (`{derived.built}` in `{derived.method}`), built from the request's session "
        f"`self.{root}`{via}"
    )
