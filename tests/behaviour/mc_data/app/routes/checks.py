from flask import Blueprint, abort, jsonify, request
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Solve, Ticket

bp = Blueprint("checks", __name__)


@bp.post("/checks/<int:ticket_id>/priority")
def change_priority(ticket_id):
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        abort(404)
    # One branch writes, the other answers the request; the commit comes after the `if`.
    if request.form.get("priority"):
        ticket.priority = int(request.form.get("priority"))
    else:
        return jsonify(error="nothing to change"), 400
    db.session.commit()
    return jsonify(priority=ticket.priority)


@bp.post("/checks/<int:ticket_id>/rename")
def rename(ticket_id):
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        abort(404)
    errors = []
    title = request.form.get("title", "").strip()
    ticket.title = title
    if len(title) > 10:
        errors.append("title is too long")
    # An early exit between the write and the commit: nothing is committed.
    if errors:
        return jsonify(errors=errors), 400
    db.session.commit()
    return jsonify(title=ticket.title)


@bp.post("/checks/<int:ticket_id>/archive")
def archive(ticket_id):
    ticket = db.session.get(Ticket, ticket_id)
    ticket.priority = 9
    if request.args.get("dry_run"):
        abort(409)
    db.session.commit()
    return jsonify(priority=ticket.priority)


@bp.post("/checks/solves/<int:challenge>")
def record_solve(challenge):
    solve = Solve(challenge=challenge)
    db.session.add(solve)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="already solved"), 409
    return jsonify(id=solve.id), 201


@bp.post("/checks/tickets")
def create_tickets():
    count = int(request.form.get("count", "0"))
    for number in range(count):
        # A read on some paths only (the loop may not run) that cannot fail.
        ticket = Ticket(title=request.form.get("title", "t") + str(number), priority=3)
        db.session.add(ticket)
    db.session.commit()
    return jsonify(count=count)


@bp.post("/checks/<int:ticket_id>/bump")
def bump(ticket_id):
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        abort(404)
    # The test makes the write the commit commits.
    if ticket.bump(int(request.form.get("by", "1"))):
        db.session.commit()
        message = "bumped"
    else:
        message = "at the top already"
    return jsonify(message=message, priority=ticket.priority)
