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


#: Strawberry's resolver decorators (``@strawberry.mutation``, ``@strawberry.field(...)``,
#: ``@strawberry.subscription``): a GraphQL resolver answers a request as a route does
GRAPHQL_RESOLVER_DECORATORS = frozenset({"mutation", "field", "subscription"})
#: Graphene's mutation classes (``class CreateJob(graphene.Mutation)``, a relay
#: ``ClientIDMutation``): their methods answer the mutation's requests, as a view's do
GRAPHQL_MUTATION_BASES = frozenset({"Mutation", "ClientIDMutation"})
#: Graphene's resolver of a mutation, whose ``info`` parameter is the request's resolve info
GRAPHQL_MUTATE_METHODS = frozenset({"mutate", "mutate_and_get_payload"})
#: the types of a resolver's ``info`` parameter (Strawberry's ``Info[Context, None]``,
#: graphql-core's ``GraphQLResolveInfo``, Graphene's ``ResolveInfo``): the request, as a
#: FastAPI route's ``Request`` parameter is
GRAPHQL_INFO_TYPES = frozenset({"Info", "GraphQLResolveInfo", "ResolveInfo"})
