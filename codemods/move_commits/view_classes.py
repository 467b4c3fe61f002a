"""Commits in classes that are views through the project's own base classes.

A class is route layer when it derives from Flask's ``View`` or ``MethodView`` or from a
``Resource`` (:data:`.frameworks.ROUTE_BASES`). The analysis sees one file, so it knows that only of
a class whose base it names (``class Jobs(MethodView)``), not of one whose base the project
defines elsewhere (``class ServerNode(PGChildNodeView)``, with ``PGChildNodeView`` deriving from
``View`` in another module). For a module it does not analyse as route layer, the analysis lists
the session commits in its classes' methods (:func:`class_commits`); the plan follows those
classes' bases through the project's files (:class:`backfix.class_bases.FrameworkBases`) and
reports the commits of the views among them (:func:`view_commit_violations`), so that they are
counted: with the module in ``route_paths``, the next run analyses and moves them.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Sequence
from dataclasses import replace

from backfix.ast_utils import last_name, own_nodes
from backfix.class_bases import FrameworkBases
from backfix.project import ProjectContext
from backfix.results import REVIEW, Violation

from . import reasons as R
from .ast_reading import is_commit
from .frameworks import ROUTE_BASES
from .model import ClassCommit

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def class_commits(
    tree: ast.Module, text: str, session_names: Collection[str]
) -> tuple[ClassCommit, ...]:
    """The session commits (``db.session.commit()``, ``self.session.commit()``) in the methods of
    the module-level classes of ``tree`` that have a base class, in source order."""
    found: list[ClassCommit] = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or not node.bases:
            continue
        for method in node.body:
            if isinstance(method, _FUNCTIONS):
                scope = f"{node.name}.{method.name}"
                found.extend(
                    ClassCommit(node.name, call.lineno, call.col_offset, _code(text, call), scope)
                    for call in own_nodes(method.body)
                    if is_commit(call) and _is_session(call, session_names)
                )
    return tuple(sorted(found, key=lambda c: (c.line, c.col)))


def _is_session(call: ast.Call, session_names: Collection[str]) -> bool:
    """``x.commit()`` on a receiver named as a session (``db.session``, ``self.db``)."""
    assert isinstance(call.func, ast.Attribute)
    return last_name(call.func.value) in session_names


def _code(text: str, call: ast.Call) -> str:
    """The call's code on one line, as the analysis quotes a commit."""
    return " ".join((ast.get_source_segment(text, call) or ast.unparse(call)).split())


def view_bases(project: ProjectContext) -> FrameworkBases:
    """What answers whether a class of the project is a view through its bases."""
    return FrameworkBases(project, ROUTE_BASES)


def helpers_that_are_views(
    violations: Sequence[Violation], bases: FrameworkBases
) -> list[Violation]:
    """``violations`` with each ``helper-module-in-route-folder`` finding in a method of a view
    class (through the project's own bases: ``class HookDetails(BaseHookResource)``) given the
    reason of such views instead: its module does serve requests, and listing it in
    ``route_paths`` has the next run analyse it as route layer."""
    found: list[Violation] = []
    for violation in violations:
        class_name, _, method = violation.scope.partition(".")
        if (
            violation.reason_id == R.HELPER_MODULE_IN_ROUTE_FOLDER
            and method
            and bases.derives(violation.path, class_name)
        ):
            violation = replace(
                violation,
                reason=_reason(violation.path, class_name),
                reason_id=R.VIEW_THROUGH_PROJECT_BASE,
            )
        found.append(violation)
    return found


def view_commit_violations(
    codemod_id: str, commits: Sequence[tuple[str, ClassCommit]], bases: FrameworkBases
) -> list[Violation]:
    """The manual-review findings for the ``(path, commit)`` pairs whose class is a view."""
    views: dict[tuple[str, str], bool] = {}
    counts: dict[tuple[str, str], int] = {}
    found: list[Violation] = []
    for path, commit in commits:
        key = (path, commit.class_name)
        if key not in views:
            views[key] = bases.derives(path, commit.class_name)
        if not views[key]:
            continue
        count = counts[(path, commit.scope)] = counts.get((path, commit.scope), 0) + 1
        found.append(
            Violation(
                path=path,
                line=commit.line,
                col=commit.col + 1,
                codemod=codemod_id,
                message=f"`{commit.code}` in the route layer ({commit.scope})",
                fixable=False,
                reason=_reason(path, commit.class_name),
                reason_id=R.VIEW_THROUGH_PROJECT_BASE,
                scope=commit.scope,
                snippet=f"{commit.code}#{count}",
                tier=REVIEW,
            )
        )
    return found


def _reason(path: str, class_name: str) -> str:
    return (
        f"`{class_name}` is a view: it derives from a framework view class through the "
        "project's own base classes, which the analysis of one file cannot follow; list "
        f"`{path}` in `route_paths` ([tool.backfix.move-commits]; a list there replaces the "
        "default folders, so keep those you need) to have its commits analysed as route layer, "
        "and run again"
    )
