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
