"""Stop handing the request's database session to work that runs after the response.

What:
    * ``background_tasks.add_task(process_job, job_id, db)`` in a FastAPI route, where ``db`` comes
      from ``Depends(get_db)`` (or an ``Annotated[Session, Depends(get_db)]`` alias): the session
      argument is dropped, and ``process_job`` (in the same file or imported from the project) loses
      its session parameter and opens a session of its own from the factory ``get_db`` uses
      (``SessionLocal()``, ``async_session()``, ``Session(engine)``), in a ``with``/``async with``
      block that commits on success and rolls back, logs and re-raises on failure;
    * the same for Starlette ``BackgroundTask(fn, ..., db)``, ``asyncio.create_task(fn(..., db))``
      (``loop.create_task``, ``ensure_future``), ``Thread(target=fn, args=(..., db))`` (``kwargs=``,
      ``Timer``), ``executor.submit(fn, ..., db)`` and ``loop.run_in_executor(None, fn, ..., db)``,
      when the route does not wait for what it started;
    * every other hand-off of the same function, in any file, stops passing a session;
    * the route's session parameter goes when nothing reads it any more, its dependency only opens
      and closes the session, and nothing calls the route function directly;
    * Flask-SQLAlchemy's ``db.session`` handed to a thread is reported for manual review;
    * routes written as methods of class-based controllers (``@cbv(router)``,
      ``@controller(router)``, ``@router.post(...)`` on methods) are read too: a session attribute
      (``session: Session = Depends(get_db)``, also declared in a base class of the project), or an
      attribute, object, lambda or method built from it or reading it (``self.repos``,
      ``BulkService(self.repos)``), handed to work is reported, never rewritten.

Why:
    The dependency closes the session when the response is sent; the task runs afterwards, so its
    writes are lost or it crashes on a closed session.

Safety:
    Left for manual review, each with a reason: the factory cannot be found; the task is not defined
    in the project; its session parameter is unclear (``*args``); it is also called directly with a
    session or used as a value; the route uses the session after the hand-off; different hand-offs
    pass different sessions; an async factory for a sync task; the factory's name is taken in the
    task's module; the route keeps the thread, task or future (it may wait for it); the session
    reaches the work inside an expression, or inside an object built with it in the route
    (``importer = Importer(db)``, then ``add_task(importer.run)``).

Options:
    ``templates``: a folder whose ``task-sessions/own_session.py.j2`` replaces the bundled one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from backfix.codemod import Codemod, CodemodOptions, Plan, ProjectContext
from backfix.options import option
from backfix.results import FileFacts
from backfix.source import SourceFile

from .quick import may_hand_off

if TYPE_CHECKING:
    import libcst as cst

    from .model import FileData, FileEdits
    from .names import Bindings

# The analysis, the planner and the rewrite are imported where they are first needed: most files,
# and most projects, hand no session to later work, and a scan of those needs none of them.


@dataclass(frozen=True)
class TaskSessionsOptions(CodemodOptions):
    """Options of task-sessions (``[tool.backfix.task-sessions]``, ``-o key=value``)."""

    templates: str = option(
        "",
        help="Folder whose jinja2 templates override the bundled ones.",
        flag="--templates",
        is_path=True,
        rewrite_only=True,
    )


class TaskSessions(Codemod["FileData", "FileEdits"]):
    """A request-scoped session handed to a background task → the task opens its own session."""

    SUMMARY = "Background tasks open their own database session instead of the request's closed one"
    PREFILTER: ClassVar[re.Pattern[bytes] | None] = re.compile(
        rb"add_task|BackgroundTask|create_task|ensure_future|Thread\(|Timer\(|submit\("
        rb"|run_in_executor|apply_async|run_coroutine_threadsafe"
    )
    LOCAL = False
    Options = TaskSessionsOptions
    options: TaskSessionsOptions
    EXAMPLE = (
        "from fastapi import BackgroundTasks, Depends, FastAPI\n"
        "from sqlalchemy.orm import Session\n\n"
        "from app.database import SessionLocal\n"
        "from app.models import Job\n\n"
        "app = FastAPI()\n\n\n"
        "def get_db():\n"
        "    db = SessionLocal()\n"
        "    try:\n"
        "        yield db\n"
        "    finally:\n"
        "        db.close()\n\n\n"
        "def process_job(job_id: int, db: Session) -> None:\n"
        "    job = db.get(Job, job_id)\n"
        "    job.status = 'done'\n\n\n"
        "@app.post('/jobs/{job_id}/run')\n"
        "def run_job(job_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    tasks.add_task(process_job, job_id, db)\n"
        "    return {'queued': job_id}\n"
    )

    def analyze(self, source: SourceFile) -> FileFacts[FileData]:
        """Hand-offs, functions, dependencies, imports and calls of one file.

        A file with no hand-off gets no facts here (the ``ast`` pre-check spares it the LibCST
        analysis); the plan analyses it in full if a name leads there.
        """
        tree = source.ast_module()
        if tree is not None and not may_hand_off(tree):
            return FileFacts(source.path)
        return self.analyze_for_plan(source)

    def analyze_for_plan(self, source: SourceFile) -> FileFacts[FileData]:
        """The full facts of a file: also files without a hand-off define tasks and factories."""
        from .analyze import analyze_module

        return FileFacts(source.path, (), analyze_module(source.module))

    def analyze_part(self, source: SourceFile, part: str) -> FileFacts[Bindings]:
        """Part of a file's facts, for a file the plan reads only that part of.

        ``bindings``: what a file imports and binds at module level, all the plan reads of a file
        an import chain only passes through (parsed as for the full facts: a file that cannot be
        parsed fails here as it would there).
        """
        from .names import BINDINGS, module_names

        if part != BINDINGS:
            raise ValueError(f"task-sessions has no part {part!r}")
        return FileFacts(source.path, (), module_names(source.module))

    def plan(
        self, facts: Sequence[FileFacts[FileData]], project: ProjectContext
    ) -> Plan[FileEdits]:
        """Follow each hand-off to its task function and its session factory, across files."""
        if all(fact.data is None for fact in facts):
            return Plan()  # no file hands a session off (what ``plan_project`` finds too)
        from .plan import plan_project

        return plan_project(self.ID, facts, project)

    def rewrite(self, source: SourceFile, edits: FileEdits) -> cst.Module:
        """Drop session arguments and let the planned tasks open their own sessions."""
        from .rewrite import rewrite_module

        overrides = [self.options.templates] if self.options.templates else []
        return rewrite_module(source, edits, overrides)
