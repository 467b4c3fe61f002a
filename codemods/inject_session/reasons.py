"""The stable ids of inject-session's manual-review reasons.

Each id is shown with its reason (``[manual: <id>]``, ``reason_id`` in JSON and SARIF) and has a
``### <id>`` section in docs/inject-session.md saying what it means and what to do.
"""

from __future__ import annotations

CALL_OUTSIDE_ROUTE = "call-outside-route"
DEPENDENCY_NOT_FOUND = "session-dependency-not-found"
CONFIGURED_ELSEWHERE = "singleton-configured-elsewhere"
USED_AS_VALUE = "singleton-used-as-value"
CONSTRUCTOR_PARAMETERS = "constructor-has-parameters"
INHERITANCE = "service-inheritance"
INSTANTIATED_ELSEWHERE = "class-instantiated-elsewhere"
KEEPS_STATE = "service-keeps-state"
FLASK_APP = "flask-app"
NAME_TAKEN = "name-taken"
SEVERAL_ATTRIBUTES = "several-session-attributes"

#: every id, in the order the docs list them.
ALL = (
    CALL_OUTSIDE_ROUTE,
    DEPENDENCY_NOT_FOUND,
    CONFIGURED_ELSEWHERE,
    USED_AS_VALUE,
    CONSTRUCTOR_PARAMETERS,
    INHERITANCE,
    INSTANTIATED_ELSEWHERE,
    KEEPS_STATE,
    FLASK_APP,
    NAME_TAKEN,
    SEVERAL_ATTRIBUTES,
)
