"""The stable ids of task-sessions' manual-review reasons.

Each id is shown with its reason (``[manual: <id>]``, ``reason_id`` in JSON and SARIF) and has a
``### <id>`` section in docs/task-sessions.md saying what it means and what to do.
"""

from __future__ import annotations

# -- a background task handed the request's session ------------------------------------------------
FACTORY_NOT_FOUND = "session-factory-not-found"
TASK_NOT_FOUND = "task-function-not-found"
TASK_SIGNATURE = "task-signature-unclear"
REQUEST_TIME_CALLER = "task-function-called-with-session"
SESSION_USED_AFTER = "session-used-after-hand-off"
TASK_USED_AS_VALUE = "task-function-used-as-value"
FACTORY_NAME_TAKEN = "factory-name-taken"
ASYNC_FACTORY_IN_SYNC_TASK = "async-factory-in-sync-task"
TASK_SHAPES_DIFFER = "task-hand-offs-differ"

# -- hand-offs detected but not rewritten -------------------------------------------------------------
STARLETTE_BACKGROUND = "starlette-background-task"
ASYNCIO_TASK = "asyncio-task-with-session"
THREAD = "thread-with-session"
EXECUTOR = "executor-with-session"
FLASK_SESSION_THREAD = "flask-session-in-thread"
SESSION_IN_OBJECT = "session-in-object"
CONTROLLER_SESSION = "controller-session"

#: every id, in the order the docs list them.
ALL = (
    FACTORY_NOT_FOUND,
    TASK_NOT_FOUND,
    TASK_SIGNATURE,
    REQUEST_TIME_CALLER,
    SESSION_USED_AFTER,
    TASK_USED_AS_VALUE,
    FACTORY_NAME_TAKEN,
    ASYNC_FACTORY_IN_SYNC_TASK,
    TASK_SHAPES_DIFFER,
    STARLETTE_BACKGROUND,
    ASYNCIO_TASK,
    THREAD,
    EXECUTOR,
    FLASK_SESSION_THREAD,
    SESSION_IN_OBJECT,
    CONTROLLER_SESSION,
)
