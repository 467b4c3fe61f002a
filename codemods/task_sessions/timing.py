"""When the dependency closes the request's session, relative to the work handed off; the message.

Measured with FastAPI's own test client (a ``yield`` dependency, a background task): before 0.106
and from 0.118 on, the code after ``yield`` runs after the background tasks; from 0.106 to 0.117 it
runs before them, as it does with ``Depends(..., scope="function")`` (0.121 and later).
"""

from __future__ import annotations

from pathlib import Path

from backfix.project import ProjectContext
from backfix.versions import RUNNING, Found, VersionError, find_versions

from .model import ADD_TASK, ASYNCIO, EXECUTOR, FLASK_THREAD, STARLETTE_TASK, THREAD, HandOff

#: the versions that close a ``yield`` dependency before the background tasks run: [from, to)
CLOSES_FIRST = ("0.106", "0.118")

_OTHER_WORK = {
    ASYNCIO: "an asyncio task that may outlive the request: the dependency may close the session "
    "while the task still uses it",
    THREAD: "another thread that may outlive the request: the dependency may close the session "
    "under it, and a session must not be shared across threads",
    EXECUTOR: "a function run by an executor that may outlive the request: the dependency may "
    "close the session under it, and a session must not be shared across threads",
}


#: what a task finds when the dependency closed the session first: a closed session can be used
#: again (it opens a new transaction), so the task's own commits still land, but nothing else
#: commits or closes after it, and closing detached every object loaded before
_CLOSED = (
    "so the task may work on a closed session: what it writes is lost unless it commits it "
    "itself, a transaction it leaves open keeps its connection until the session is garbage-"
    "collected, and the objects loaded before the close are detached from the session"
)


def project_fastapi(project: ProjectContext) -> Found | None:
    """The FastAPI version the project pins or declares; None when the project does not say."""
    overrides = project.config.get("versions", {})
    try:
        table = overrides if isinstance(overrides, dict) else {}
        found = find_versions(
            Path(project.root), table, packages=["fastapi"], folder=project.project_folder()
        )["fastapi"]
    except VersionError:
        return None
    if found.version is None or found.source == RUNNING:
        return None
    return found


def closes_first(fastapi: Found) -> bool | None:
    """Does this FastAPI close a default-scope ``yield`` dependency before background tasks run?"""
    start, end = CLOSES_FIRST
    after_start, after_end = fastapi.at_least(start), fastapi.at_least(end)
    if after_start is None or after_end is None:
        return None
    return after_start and not after_end


def message(
    hand_off: HandOff, function_scope: bool, fastapi: Found | None, opened_elsewhere: str = ""
) -> str:
    """What the user reads for a hand-off: what goes wrong, for the FastAPI the project runs;
    ``opened_elsewhere`` names a session dependency that does not open the session itself (no
    ``yield``), which FastAPI then does not close either."""
    if hand_off.kind == FLASK_THREAD:
        return "Flask-SQLAlchemy's `db.session` is handed to work that runs in another thread"
    head = f"the request's session `{hand_off.session}` is handed to"
    if hand_off.kind in _OTHER_WORK:
        return f"{head} {_OTHER_WORK[hand_off.kind]}"
    assert hand_off.kind in (ADD_TASK, STARLETTE_TASK)
    head = f"{head} work that runs after the response"
    if opened_elsewhere:
        return (
            f"{head}: `{opened_elsewhere}` does not open it, and what does (a middleware, say) "
            f"may close it when the request ends, before the task runs, {_CLOSED}"
        )
    if function_scope:
        return (
            f'{head}: `Depends(..., scope="function")` closes it when the route returns, {_CLOSED}'
        )
    early = closes_first(fastapi) if fastapi is not None else None
    if fastapi is None or early is None:
        return (
            f"{head}: the dependency may close it first (FastAPI 0.106 to 0.117, "
            f'`Depends(..., scope="function")`), {_CLOSED}'
        )
    if early:
        return f"{head}: {fastapi.describe()} closes it before background tasks run, {_CLOSED}"
    return (
        f"{head}: {fastapi.describe()} keeps it open until the work ends, so the work runs but "
        "holds the request's connection and transaction all that time (and it breaks with "
        '`scope="function"` or on FastAPI 0.106 to 0.117)'
    )
