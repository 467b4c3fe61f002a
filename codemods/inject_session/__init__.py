"""Give module-level service singletons the request's session instead of ``self.db = None``.

What:
    * a class whose methods use ``self.<attr>`` as a session (``self.db.query(...)``,
      ``.execute``, ``.commit``...) while nothing in the class sets it (``self.db = None`` in
      ``__init__``, or no assignment at all), instantiated once at module level
      (``export_service = ExportService()``): ``__init__`` takes the session
      (``def __init__(self, db: Session) -> None: self.db = db``, annotated with the session type
      the project's dependency declares, imported like isort would);
    * the module-level instance goes; every FastAPI route that called it, across the project
      (``from app.services.export import export_service`` + ``export_service.run(...)``), builds the
      service from its session dependency: ``ExportService(db).run(...)``. A route without one gets
      the parameter the project's other routes use (``db: Session = Depends(get_db)``, a
      ``SessionDep`` alias...), imported from where they import it.

Why:
    The singleton is built at import time, before any request exists, so its ``self.db`` stays
    ``None`` and every call fails with ``'NoneType' object has no attribute 'query'``.

Safety:
    A singleton is fixed everywhere or not at all. Left for manual review, with the place at fault:
    calls outside routes (tasks, scripts, other services) that have no session of their own, a
    project with no session dependency to copy, a singleton configured or passed around elsewhere,
    a constructor with other parameters, inheritance, other instantiations, services that keep
    state between calls, and Flask apps (Flask-SQLAlchemy's ``db.session`` is already
    request-scoped). Run it before ``async-queries --mode async``, which then follows the new
    ``self.db``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from backfix.codemod import Codemod, Plan, ProjectContext
from backfix.imports import project_root
from backfix.results import FileFacts
from backfix.source import SourceFile

from .quick import may_hold_singleton

if TYPE_CHECKING:
    import libcst as cst

    from .model import FileData, FileEdits

# The analysis, the planner and the rewrite are imported where they are first needed: most files,
# and most projects, hold no singleton, and a scan of those needs none of them.


class InjectSession(Codemod["FileData", "FileEdits"]):
    """Module-level service singletons with ``self.db = None`` → built per request with the session."""

    SUMMARY = "Give module-level service singletons (`self.db = None`) the route's session"
    #: a session call on an attribute of ``self``: where a sessionless service can be
    PREFILTER: ClassVar[re.Pattern[bytes] | None] = re.compile(
        rb"self\.\w+\.(?:query|execute|scalars?|commit|flush|refresh|rollback|add_all|merge"
        rb"|expunge|begin_nested)\s*\("
    )
    LOCAL = False
    EXAMPLE = (
        "from fastapi import APIRouter, Depends\n"
        "from sqlalchemy.orm import Session\n\n"
        "from app.db import get_db\n"
        "from app.models import Job\n\n"
        "router = APIRouter()\n\n\n"
        "class JobService:\n"
        "    def __init__(self):\n"
        "        self.db = None\n\n"
        "    def open_jobs(self):\n"
        "        return self.db.query(Job).filter(Job.open).all()\n\n\n"
        "job_service = JobService()\n\n\n"
        '@router.get("/jobs")\n'
        "def list_jobs(db: Session = Depends(get_db)):\n"
        "    return job_service.open_jobs()\n\n\n"
        '@router.get("/jobs/count")\n'
        "def count_jobs():\n"
        "    return len(job_service.open_jobs())\n"
    )

    def analyze(self, source: SourceFile) -> FileFacts[FileData]:
        """Services, singletons, imports and uses of module-level names in one file.

        A file that holds no singleton gets no facts here (the ``ast`` pre-check spares it the
        LibCST analysis); the plan analyses it in full if its verdicts may depend on it.
        """
        tree = source.ast_module()
        if tree is not None and not may_hold_singleton(tree):
            return FileFacts(source.path)
        return self.analyze_for_plan(source)

    def analyze_for_plan(self, source: SourceFile) -> FileFacts[FileData]:
        """The full facts of a file, for the plan (it reads files without a singleton too)."""
        from .analyze import analyze_module

        return FileFacts(source.path, (), analyze_module(source.module))

    def analyze_part(self, source: SourceFile, part: str) -> FileFacts[FileData]:
        """Part of a file's facts, for a file the plan reads only that part of.

        ``forms``: a file the plan reads only for its routes' session parameters and the imports
        and aliases behind them (see analyze.analyze_forms and closure.py).
        """
        from .analyze import analyze_forms
        from .closure import FORMS

        if part != FORMS:
            raise ValueError(f"inject-session has no part {part!r}")
        return FileFacts(source.path, (), analyze_forms(source.module))

    def plan(
        self, facts: Sequence[FileFacts[FileData]], project: ProjectContext
    ) -> Plan[FileEdits]:
        """Decide per singleton, across the project: fixed everywhere, or manual with a reason."""
        if all(fact.data is None for fact in facts):
            return Plan()  # no file holds a singleton (what ``plan_project`` finds too)
        from .plan import plan_project

        return plan_project(self.ID, facts, project)

    def rewrite(self, source: SourceFile, edits: FileEdits) -> cst.Module:
        """Apply one file's planned edits."""
        from .rewrite import rewrite_module

        return rewrite_module(source.module, edits, project_root(source.abs_path, source.path))
