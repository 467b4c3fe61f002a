"""Cross-file decisions: which singletons can go, how each call site gets its session, what is manual.

A singleton is fixed as a whole or not at all: once the module-level instance is gone, every place
that used it must have been rewritten, so one call site that cannot be (a background task, a script)
leaves the whole singleton for manual review, with that site named in the reason.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from backfix.codemod import ManualReview, Plan, ProjectContext
from backfix.cst_utils import last_name
from backfix.results import FileFacts, Violation
from backfix.source import SourceFile

from . import reasons
from .analyze import is_session_param
from .closure import FORMS, keep_order, relevant_files
from .model import (
    ATTR_ASSIGN,
    BASE,
    CALL,
    METHOD_CALL,
    FileData,
    FileEdits,
    Origin,
    Param,
    Reference,
    Service,
    ServiceEdit,
    Singleton,
)

#: the session classes of SQLAlchemy (and SQLModel), by their last name
SESSION_TYPES = frozenset({"Session", "AsyncSession", "scoped_session", "async_scoped_session"})
#: how deep re-exports (``from .export import export_service`` in a package ``__init__``) are followed
MAX_REEXPORTS = 5
Key = tuple[str, str]


@dataclass(frozen=True)
class Form:
    """A session parameter of a route, as the project writes it (``db: Session = Depends(get_db)``)."""

    path: str
    param: Param

    @property
    def code(self) -> str:
        """The parameter's source."""
        text = self.param.name
        if self.param.annotation:
            text += f": {self.param.annotation}"
        if self.param.default:
            text += (
                f" = {self.param.default}" if self.param.annotation else f"={self.param.default}"
            )
        return text


class Index:
    """The project's facts, with module names and what each imported name refers to."""

    def __init__(self, facts: dict[str, FileFacts], project: ProjectContext) -> None:
        self.project = project
        self.data: dict[str, FileData] = {
            path: fact.data for path, fact in facts.items() if isinstance(fact.data, FileData)
        }

    def module_path(self, from_path: str, origin: Origin) -> str | None:
        """The project file an import refers to, if it is one."""
        target = self.project.resolve_import(from_path, origin.level, origin.module)
        if target is None:
            return None
        return next((c for c in target.candidates if c in self.data), None)

    def resolve(self, path: str, local: str, depth: int = 0) -> Key:
        """What ``local`` in ``path`` is: (defining file, name), or ("", module.name) outside."""
        origin = self.data[path].origin_of(local) if path in self.data else None
        if origin is None:
            return (path, local)
        if origin.kind == "local":
            return (path, local)
        if origin.kind == "import":
            return ("", origin.module)
        target = self.module_path(path, origin)
        if target is None or depth >= MAX_REEXPORTS:
            return ("", f"{'.' * origin.level}{origin.module}.{origin.name}")
        return self.resolve(target, origin.name, depth + 1)

    def absolute(self, path: str, origin: Origin) -> str:
        """The absolute module name of a ``from`` import in ``path``."""
        if not origin.level:
            return origin.module
        target = self.project.resolve_import(path, origin.level, origin.module)
        return target.module if target is not None else origin.module


@dataclass
class SingletonPlan:
    """The outcome for one singleton: edits per file, or a manual reason."""

    edits: dict[str, FileEdits] = field(default_factory=dict)

    def file(self, path: str) -> FileEdits:
        """The edits of ``path``, created on first use."""
        return self.edits.setdefault(path, FileEdits())


def _names_in(code: str) -> list[str]:
    """The root names an expression reads (``Annotated[Session, Depends(deps.get_db)]`` → 4)."""
    found: list[str] = []

    class Names(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)
            return False

        def visit_Name(self, node: cst.Name) -> None:
            if node.value not in found:
                found.append(node.value)

    cst.parse_expression(code).visit(Names())
    return found


def session_type(annotation: str) -> str:
    """The session type an annotation names: ``Annotated[Session, ...]`` → ``Session``."""
    if not annotation:
        return ""
    node = cst.parse_expression(annotation)
    if isinstance(node, cst.Subscript) and last_name(node.value) == "Annotated" and node.slice:
        first = node.slice[0].slice
        if isinstance(first, cst.Index):
            return cst.Module(body=[]).code_for_node(first.value)
    return annotation


class Planner:
    """Plans every singleton of the scanned files against the whole project."""

    def __init__(self, codemod_id: str, index: Index, project: ProjectContext) -> None:
        self.codemod_id = codemod_id
        self.index = index
        self.project = project
        self.forms = self._forms()

    def _forms(self) -> list[Form]:
        return [
            Form(path, param)
            for path, data in sorted(self.index.data.items())
            for function, param in data.session_params
            if function.route == "fastapi" and self.is_session(path, param)
        ]

    def is_session(self, path: str, param: Param) -> bool:
        """Whether a parameter of a function in ``path`` is a database session.

        Its type (``Annotated`` and aliases followed) must be one of SQLAlchemy's session classes;
        an unannotated parameter counts when its dependency is named like one (``get_db``).
        """
        if not is_session_param(param):
            return False
        if not param.annotation:
            return True
        code = self.session_type(path, param.annotation)[1]
        try:
            node = cst.parse_expression(code)
        except cst.ParserSyntaxError:
            return False
        return last_name(node, through_subscript=False) in SESSION_TYPES

    def form_for(self, path: str) -> Form | None:
        """The session parameter to copy into a route of ``path``: its file's own, else the commonest."""
        own = [f for f in self.forms if f.path == path]
        candidates = own or self.forms
        if not candidates:
            return None
        counts = Counter(f.code for f in candidates)
        best = max(counts.values())
        return next(f for f in candidates if counts[f.code] == best)

    # -- imports ---------------------------------------------------------------------------------

    def imports_for(self, names: Sequence[str], source: str, target: str) -> list[str]:
        """Import statements ``target`` needs to read ``names`` as ``source`` reads them."""
        needed: list[str] = []
        for name in names:
            want = self.index.resolve(source, name)
            target_data = self.index.data.get(target)
            if target_data is not None and name in target_data.module_names:
                if self.index.resolve(target, name) != want:
                    raise ManualReview(
                        reasons.NAME_TAKEN,
                        f"`{name}` in {target} already means something else than in {source}",
                    )
                continue
            code = self._import_code(name, source, target)
            if code:
                needed.append(code)
        return needed

    def _import_code(self, name: str, source: str, target: str) -> str:
        if source == target:
            return ""
        origin = self.index.data[source].origin_of(name)
        if origin is None:
            return ""  # a builtin
        alias = f" as {name}"
        if origin.kind == "local":
            return f"from {self.project.module_name(source)} import {name}"
        if origin.kind == "import":
            return f"import {origin.name or origin.module}" + (
                alias if origin.module != name else ""
            )
        module = origin.module
        target_data = self.index.data.get(target)
        relative_ok = target_data is not None and any(o.level for _, o in target_data.origins)
        if origin.level and (os.path.dirname(source) != os.path.dirname(target) or not relative_ok):
            module = self.index.absolute(source, origin)
        else:
            module = "." * origin.level + module
        return f"from {module} import {origin.name}" + (alias if origin.name != name else "")

    # -- one singleton -----------------------------------------------------------------------------

    def plan_singleton(self, path: str, singleton: Singleton, service: Service) -> SingletonPlan:
        """Edits for one singleton; raises ManualReview."""
        data = self.index.data[path]
        key = (path, singleton.name)
        class_key = (path, service.name)
        users = self._users(key)
        self._check_service(path, data, singleton, service, users)
        self._check_class_uses(path, singleton, class_key)
        result = SingletonPlan()
        annotation_source: tuple[str, str] | None = None
        for user, locals_ in sorted(users.items()):
            user_data = self.index.data[user]
            if user != path:
                for local in locals_:
                    self._import_class(result, user, local, service.name, class_key)
            for reference in user_data.references:
                if reference.local in locals_:
                    found = self._call_site(result, user, reference, service)
                    annotation_source = annotation_source or found
        self._service_edit(result, path, singleton, service, annotation_source)
        return result

    def _users(self, key: Key) -> dict[str, set[str]]:
        """Files that bind the singleton, and the local names they bind it to."""
        users: dict[str, set[str]] = {}
        for user, data in self.index.data.items():
            for local, origin in data.origins:
                if origin.kind != "import" and self.index.resolve(user, local) == key:
                    users.setdefault(user, set()).add(local)
            module = self.project.module_name(key[0])
            for reference in data.references:
                imported = data.origin_of(reference.local)
                if imported is None or imported.kind != "import":
                    continue
                full = f"{imported.module}.{reference.attr}"
                if full == f"{module}.{key[1]}" or full.startswith(f"{module}.{key[1]}."):
                    raise ManualReview(
                        reasons.USED_AS_VALUE,
                        f"{user}:{reference.line} reaches `{key[1]}` through its module",
                    )
        return users

    def _check_service(
        self,
        path: str,
        data: FileData,
        singleton: Singleton,
        service: Service,
        users: dict[str, set[str]],
    ) -> None:
        flask = [p for p in sorted({path, *users}) if self.index.data[p].imports_flask]
        if flask:
            raise ManualReview(
                reasons.FLASK_APP,
                f"{flask[0]} is a Flask module: Flask-SQLAlchemy's `db.session` is already "
                f"request-scoped, so `{service.name}` can use it instead of `self.{service.attr}`",
            )
        if len(service.attrs) > 1:
            names = ", ".join(f"`self.{a}`" for a in service.attrs)
            raise ManualReview(
                reasons.SEVERAL_ATTRIBUTES, f"`{service.name}` uses {names} as sessions"
            )
        if singleton.has_args or service.init_params:
            raise ManualReview(
                reasons.CONSTRUCTOR_PARAMETERS,
                f"`{service.name}.__init__` takes other arguments; the call sites cannot build it "
                "from the session alone",
            )
        if not service.has_init and [b for b in service.bases if b != "object"]:
            raise ManualReview(
                reasons.INHERITANCE,
                f"`{service.name}` inherits `__init__` from {', '.join(service.bases)}",
            )
        if service.state_line:
            raise ManualReview(
                reasons.KEEPS_STATE,
                f"`{service.name}` stores state on the instance outside `__init__`; one instance "
                "per call would lose what the singleton kept between requests",
            )
        for user in sorted(users):
            if singleton.name in self.index.data[user].exported and user != path:
                raise ManualReview(
                    reasons.USED_AS_VALUE, f"{user} lists `{singleton.name}` in `__all__`"
                )
        if singleton.name in data.exported:
            raise ManualReview(
                reasons.USED_AS_VALUE, f"{path} lists `{singleton.name}` in `__all__`"
            )

    def _check_class_uses(self, path: str, singleton: Singleton, class_key: Key) -> None:
        for user, data in sorted(self.index.data.items()):
            locals_ = {
                local for local, _ in data.origins if self.index.resolve(user, local) == class_key
            }
            for reference in data.references:
                if reference.local not in locals_:
                    continue
                if reference.kind == BASE:
                    raise ManualReview(
                        reasons.INHERITANCE,
                        f"{user}:{reference.line} subclasses `{class_key[1]}`",
                    )
                if reference.kind == CALL and (user, reference.line) != (path, singleton.line):
                    raise ManualReview(
                        reasons.INSTANTIATED_ELSEWHERE,
                        f"{user}:{reference.line} builds a `{class_key[1]}()` without a session",
                    )

    def _import_class(
        self, result: SingletonPlan, user: str, local: str, class_name: str, class_key: Key
    ) -> None:
        data = self.index.data[user]
        if class_name in data.module_names and self.index.resolve(user, class_name) != class_key:
            raise ManualReview(
                reasons.NAME_TAKEN, f"`{class_name}` in {user} already means something else"
            )
        origin = data.origin_of(local)
        assert origin is not None
        result.file(user).imports[local] = ("." * origin.level + origin.module, class_name)

    def _call_site(
        self, result: SingletonPlan, user: str, reference: Reference, service: Service
    ) -> tuple[str, str] | None:
        """Rewrite one use; returns (file, annotation) of the session it used, if typed."""
        where = f"{user}:{reference.line}"
        class_name = service.name
        if reference.kind == ATTR_ASSIGN:
            raise ManualReview(
                reasons.CONFIGURED_ELSEWHERE,
                f"{where} sets `{reference.local}.{reference.attr}`: the code configures the "
                "singleton itself",
            )
        if reference.kind == METHOD_CALL and reference.attr in service.setters:
            raise ManualReview(
                reasons.CONFIGURED_ELSEWHERE,
                f"{where} calls `{reference.local}.{reference.attr}(...)`, which sets "
                f"`self.{service.attr}` on the shared instance: concurrent requests overwrite "
                "each other's session",
            )
        if reference.kind != METHOD_CALL:
            raise ManualReview(
                reasons.USED_AS_VALUE,
                f"{where} uses `{reference.local}` as a value, not to call a method",
            )
        function = reference.function
        if function is None:
            raise ManualReview(reasons.CALL_OUTSIDE_ROUTE, f"{where} calls it at import time")
        session = next((p for p in function.params if self.is_session(user, p)), None)
        edits = result.file(user)
        if session is not None:
            edits.replacements[(reference.line, reference.col)] = f"{class_name}({session.name})"
            return self.session_type(user, session.annotation) if session.annotation else None
        if function.route != "fastapi":
            raise ManualReview(
                reasons.CALL_OUTSIDE_ROUTE,
                f"{where} calls it in `{function.qualname}`, which is not a route and has no "
                "session",
            )
        form = self.form_for(user)
        if form is None:
            raise ManualReview(
                reasons.DEPENDENCY_NOT_FOUND,
                f"no route in the project takes a session through `Depends(...)` to copy into "
                f"`{function.qualname}` ({where})",
            )
        if form.param.name in function.locals:
            raise ManualReview(
                reasons.NAME_TAKEN,
                f"`{function.qualname}` ({where}) already uses the name `{form.param.name}`",
            )
        names = _names_in(form.param.annotation) if form.param.annotation else []
        names += _names_in(form.param.default) if form.param.default else []
        edits.new_imports.extend(
            c for c in self.imports_for(names, form.path, user) if c not in edits.new_imports
        )
        edits.params[(function.line, function.col)] = (form.code, form.param.has_default)
        edits.replacements[(reference.line, reference.col)] = f"{class_name}({form.param.name})"
        if not form.param.annotation:
            return None
        return self.session_type(form.path, form.param.annotation)

    def session_type(self, path: str, annotation: str) -> tuple[str, str]:
        """The session type of an annotation in ``path``, following an ``Annotated`` alias.

        Returns the file whose imports the type's names come from, and the type's code.
        """
        code = session_type(annotation)
        if code.isidentifier():
            where, name = self.index.resolve(path, code)
            aliases = dict(self.index.data[where].aliases) if where in self.index.data else {}
            if name in aliases:
                return (where, aliases[name])
        return (path, code)

    def _service_edit(
        self,
        result: SingletonPlan,
        path: str,
        singleton: Singleton,
        service: Service,
        annotation_source: tuple[str, str] | None,
    ) -> None:
        if annotation_source is None:
            form = self.form_for(path)
            if form is not None and form.param.annotation:
                annotation_source = self.session_type(form.path, form.param.annotation)
        annotation = annotation_source[1] if annotation_source else ""
        edits = result.file(path)
        if annotation_source is not None:
            needed = self.imports_for(_names_in(annotation), annotation_source[0], path)
            edits.new_imports.extend(c for c in needed if c not in edits.new_imports)
        param = service.attr.lstrip("_") or "db"
        edits.services.append(
            ServiceEdit(service.name, service.attr, param, annotation, (singleton.name,))
        )


def _merge(into: dict[str, FileEdits], edits: dict[str, FileEdits]) -> None:
    for path, new in edits.items():
        old = into.setdefault(path, FileEdits())
        old.services.extend(new.services)
        old.replacements.update(new.replacements)
        old.imports.update(new.imports)
        old.params.update(new.params)
        old.new_imports.extend(c for c in new.new_imports if c not in old.new_imports)


def message(singleton: Singleton, service: Service) -> str:
    """What is wrong with a singleton, in the words of the crash it causes."""
    if service.setters:
        setters = ", ".join(f"`{s}()`" for s in service.setters)
        return (
            f"`{singleton.name}` is a module-level `{service.name}()` whose `self.{service.attr}` "
            f"is set only through {setters}: one instance, and one session attribute, is shared "
            f"by every request; until it is set, `self.{service.attr}.{service.method}(...)` "
            f"fails with 'NoneType' object has no attribute '{service.method}'"
        )
    return (
        f"`{singleton.name}` is a module-level `{service.name}()` whose `self.{service.attr}` is "
        f"never set: `self.{service.attr}.{service.method}(...)` fails with 'NoneType' object "
        f"has no attribute '{service.method}'"
    )


def plan_project(
    codemod_id: str, facts: Sequence[FileFacts], project: ProjectContext
) -> Plan[FileEdits]:
    """Every singleton of the scanned files: fixed across the project, or manual with a reason."""
    found = [
        (fact.path, fact.data, singleton)
        for fact in facts
        if isinstance(fact.data, FileData)
        for singleton in fact.data.singletons
    ]
    if not found:
        return Plan()
    index, unanalysed = _index(facts, project)
    planner = Planner(codemod_id, index, project)
    plan: Plan[FileEdits] = Plan()
    for path, data, singleton in found:
        service = next(s for s in data.services if s.name == singleton.class_name)
        source = SourceFile(path, project.abs_path(path), b"")
        try:
            _check_unanalysed(project, unanalysed, singleton)
            outcome = planner.plan_singleton(path, singleton, service)
        except ManualReview as manual:
            plan.violations.append(
                _violation(codemod_id, source, singleton, service, manual.reason_id, manual.reason)
            )
            continue
        plan.violations.append(_violation(codemod_id, source, singleton, service, "", ""))
        if project.batch is None or path in project.batch:
            _merge(plan.edits, outcome.edits)
    return plan


def _index(facts: Sequence[FileFacts], project: ProjectContext) -> tuple[Index, list[str]]:
    """The facts the plan reads, and the project files among them that could not be analysed.

    Only the files that can change the plan are analysed (closure.py); the scanned files' own facts
    are used as they are (the plan's analysis of a file is the scan's).
    """
    files = project.files()
    scanned = {f.path: f for f in facts if isinstance(f.data, FileData)}
    # A scanned file the scan's pre-check left without facts holds no singleton: the closure
    # decides whether the plan reads it, like any project file, unless it is no project file
    # (a folder git ignores, named with --path); then it is read as the scan would have.
    listed = set(files)
    unlisted = [f.path for f in facts if f.path not in scanned and f.path not in listed]
    scanned.update(project.facts_for_all(unlisted))
    wanted = relevant_files(project, files, scanned)
    analysed = project.facts_for_all(wanted.whole)
    analysed.update(project.facts_for_all(wanted.forms, FORMS))
    index = Index(keep_order(files, analysed, scanned), project)
    asked = set(wanted)
    unanalysed = [path for path in files if path in asked and path not in analysed]
    for fact in (scanned.get(f.path) for f in facts):
        if fact is not None and isinstance(fact.data, FileData):
            index.data.setdefault(fact.path, fact.data)
    return index, unanalysed


def _check_unanalysed(project: ProjectContext, paths: list[str], singleton: Singleton) -> None:
    """A file that could not be analysed may use the singleton: then it cannot go."""
    name = singleton.name.encode()
    for path in paths:
        if name in (project.read(path) or b""):
            raise ManualReview(
                reasons.USED_AS_VALUE,
                f"{path} names `{singleton.name}` but could not be analysed",
            )


def _violation(
    codemod_id: str,
    source: SourceFile,
    singleton: Singleton,
    service: Service,
    reason_id: str,
    reason: str,
) -> Violation:
    return Violation(
        path=source.path,
        line=singleton.line,
        col=singleton.col + 1,
        codemod=codemod_id,
        message=message(singleton, service),
        fixable=not reason_id,
        reason=reason,
        reason_id=reason_id,
        scope=singleton.name,
        snippet=singleton.snippet,
    )
