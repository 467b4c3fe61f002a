"""What registers a route in Flask and FastAPI, for every codemod that looks for route functions."""

from __future__ import annotations

#: the attribute a route decorator calls: Flask's ``@bp.route(...)``/``@app.get(...)``, FastAPI's
#: ``@router.post(...)``, ``@router.api_route(...)``, ``@app.websocket(...)``
ROUTE_DECORATORS = frozenset(
    {
        "route",
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "trace",
        "api_route",
        "websocket",
    }
)

#: Flask-SocketIO's handler decorators (``@socketio.on("chat")``, ``@socketio.event``): a handler
#: answers a client as a route does, with the request context and ``current_user`` of one
SOCKET_DECORATORS = frozenset({"on", "event"})


def is_socketio_name(name: str) -> bool:
    """Whether ``name`` says it holds a Socket.IO server (``socketio``, ``sio``): only on such a
    name is ``.on(...)`` a handler's registration, not an event emitter's."""
    lowered = name.lower()
    return lowered in {"sio", "socketio"} or lowered.endswith("socketio")
