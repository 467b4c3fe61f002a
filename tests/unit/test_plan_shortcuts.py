"""A plan with no file to decide returns early without importing its planner: the same plan.

inject-session, lazy-clients and task-sessions give a file no data when their `ast` pre-check
finds nothing in it; their ``plan`` then answers without loading the planner, and that answer must
be the planner's own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from backfix.builtin_codemods.inject_session import InjectSession
from backfix.builtin_codemods.inject_session.plan import plan_project as inject_plan
from backfix.builtin_codemods.lazy_clients import LazyClients
from backfix.builtin_codemods.lazy_clients.plan import plan_clients
from backfix.builtin_codemods.task_sessions import TaskSessions
from backfix.builtin_codemods.task_sessions.plan import plan_project as task_plan

from backfix.codemod import Codemod, Plan, ProjectContext
from backfix.results import FileFacts, Violation

_PLANNERS = [(InjectSession, inject_plan), (LazyClients, plan_clients), (TaskSessions, task_plan)]


def _facts() -> list[FileFacts]:
    found = Violation("b.py", 3, 1, "x", "a message", fixable=False)
    return [FileFacts("a.py"), FileFacts("b.py", (found,)), FileFacts("c.py")]


@pytest.mark.parametrize("facts", [[], _facts()], ids=["no files", "files without data"])
@pytest.mark.parametrize(("cls", "planner"), _PLANNERS, ids=lambda p: getattr(p, "ID", ""))
def test_a_plan_without_data_is_the_planners(
    tmp_path: Path,
    cls: type[Codemod],
    planner: Callable[..., Plan[Any]],
    facts: list[FileFacts],
) -> None:
    project = ProjectContext(root=str(tmp_path))
    shortcut = cls().plan(facts, project)
    assert isinstance(shortcut, Plan)
    assert shortcut == planner(cls.ID, facts, ProjectContext(root=str(tmp_path)))
