from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Solve, Ticket

bp = Blueprint("tickets", __name__)


@bp.post("/tickets")
def create_ticket():
    title = request.form.get("title", "untitled")
    if request.form.get("urgent"):
        priority = 1
    else:
        priority = 5
    ticket = Ticket(title=title, priority=priority)
    db.session.add(ticket)
    db.session.commit()
    return jsonify(id=ticket.id, priority=priority)


@bp.post("/tickets/<int:ticket_id>/priority")
def set_priority(ticket_id, raw="3"):
    ticket = db.session.get(Ticket, ticket_id)
    try:
        priority = int(raw)
    except ValueError:
        priority = 3
    ticket.priority = priority
    db.session.commit()
    return jsonify(priority=priority)


@bp.post("/solves/<int:challenge>")
def solve(challenge):
    if db.session.scalar(db.select(Solve).filter_by(challenge=challenge)) is not None:
        existing_solve = "already solved"
        return jsonify(error=existing_solve), 409
    existing_solve = Solve(challenge=challenge)
    db.session.add(existing_solve)
    db.session.commit()
    return jsonify(count=existing_solve.count), 201
