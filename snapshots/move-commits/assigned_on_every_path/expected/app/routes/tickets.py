from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Solve
from app.services.ticket_service import TicketService

bp = Blueprint("tickets", __name__)


@bp.post("/tickets")
def create_ticket():
    title = request.form.get("title", "untitled")
    priority, ticket = TicketService.create_ticket(
        title, urgent=request.form.get("urgent")
    )
    return jsonify(id=ticket.id, priority=priority)


@bp.post("/tickets/<int:ticket_id>/priority")
def set_priority(ticket_id, raw="3"):
    priority = TicketService.set_priority(ticket_id, raw)
    return jsonify(priority=priority)


@bp.post("/solves/<int:challenge>")
def solve(challenge):
    if db.session.scalar(db.select(Solve).filter_by(challenge=challenge)) is not None:
        existing_solve = "already solved"
        return jsonify(error=existing_solve), 409
    existing_solve = TicketService.create_solve(challenge)
    return jsonify(count=existing_solve.count), 201
