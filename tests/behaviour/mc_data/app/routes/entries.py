from flask import Blueprint, abort, jsonify, request

from app.extensions import db
from app.models import Entry, Solve, Ticket

bp = Blueprint("entries", __name__)

FORMS = {"contact": {"name": "Name", "email": "E-mail"}, "empty": {}}


@bp.post("/entries/<form>")
def add_entries(form):
    entries = {}
    # The loop variables of this loop are bound only when the form has fields.
    for key, label in FORMS.get(form, {}).items():
        value = request.form.get(key, label)
        if not value:
            abort(400)
        entries[key] = value
    for key, value in entries.items():
        db.session.add(Entry(key=key, value=value))
    db.session.commit()
    return jsonify(count=len(entries))


@bp.post("/solves/<int:challenge>")
def solve(challenge):
    existing = db.session.scalar(db.select(Solve).filter_by(challenge=challenge))
    if existing is not None:
        existing_solve = existing
        existing_solve.count += 1
    else:
        existing_solve = Solve(challenge=challenge)
        db.session.add(existing_solve)
    db.session.commit()
    return jsonify(challenge=existing_solve.challenge, count=existing_solve.count)


@bp.post("/solves/<int:challenge>/first")
def first_solve(challenge):
    if db.session.scalar(db.select(Solve).filter_by(challenge=challenge)) is not None:
        existing_solve = "already solved"
        return jsonify(error=existing_solve), 409
    existing_solve = Solve(challenge=challenge)
    db.session.add(existing_solve)
    db.session.commit()
    return jsonify(count=existing_solve.count), 201


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
def set_priority(ticket_id):
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        return jsonify(error="no such ticket"), 404
    raw = request.form.get("priority", "")
    try:
        priority = int(raw)
    except ValueError:
        priority = 3
    ticket.priority = priority
    db.session.commit()
    return jsonify(priority=priority)
