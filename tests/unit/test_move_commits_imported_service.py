"""move-commits: a route module that already imports a service class gets its new methods there."""

from __future__ import annotations

from pathlib import Path

from testkit import apply_in_process

SERVICE = """\
from shop import db

from .models import Ticket


class TicketService:
    @staticmethod
    def open_ticket(title: str) -> Ticket:
        ticket = Ticket(title=title)
        db.session.add(ticket)
        db.session.commit()
        return ticket
"""

ROUTES = """\
from flask import Blueprint, request

from shop import db

from .models import Ticket
from .tickets_service import TicketService

bp = Blueprint("tickets", __name__)


@bp.post("/tickets")
def post_ticket():
    ticket = TicketService.open_ticket(request.form["title"])
    return {"id": ticket.id}


@bp.post("/tickets/<int:ticket_id>/close")
def close_ticket(ticket_id):
    ticket = db.session.get(Ticket, ticket_id)
    ticket.closed = True
    db.session.commit()
    return {"ok": True}
"""


def _files(service: str) -> dict[str, str]:
    return {
        "shop/__init__.py": "",
        "shop/tickets/__init__.py": "",
        "shop/tickets/tickets_service.py": service,
        "shop/tickets/tickets.py": ROUTES,
    }


def test_the_new_method_joins_the_imported_service_class(tmp_path: Path) -> None:
    """``from .tickets_service import TicketService`` (a class of static methods): the unit
    becomes its method there, and the route keeps its own import, with no second one."""
    result = apply_in_process(tmp_path, "move-commits", _files(SERVICE), "shop")
    assert [v.reason for v in result.violations] == []
    after = {c.path: c.after.decode() for c in result.changes}
    assert set(after) == {"shop/tickets/tickets.py", "shop/tickets/tickets_service.py"}
    route = after["shop/tickets/tickets.py"]
    assert "    TicketService.close_ticket(ticket_id)\n" in route
    assert route.count("import TicketService") == 1
    service = after["shop/tickets/tickets_service.py"]
    assert service.startswith(SERVICE)
    assert "    @staticmethod\n    def close_ticket(ticket_id):\n" in service


def test_a_service_class_with_instance_methods_is_left_alone(tmp_path: Path) -> None:
    """A class that holds state (an ``__init__``) is not one the codemod's static methods fit:
    the unit goes to a new service module, as without the import."""
    stateful = SERVICE.replace(
        "class TicketService:\n",
        "class TicketService:\n    def __init__(self, limit: int) -> None:\n"
        "        self.limit = limit\n\n",
    )
    result = apply_in_process(tmp_path, "move-commits", _files(stateful), "shop")
    changed = {c.path for c in result.changes}
    assert "shop/tickets/tickets_service.py" not in changed
