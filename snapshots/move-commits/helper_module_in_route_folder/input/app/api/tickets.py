from flask import Blueprint, request

from app.extensions import db
from app.models import Ticket

bp = Blueprint("tickets", __name__)


@bp.post("/tickets")
def create_ticket():
    ticket = Ticket(title=request.json["title"])
    db.session.add(ticket)
    db.session.commit()
    return {"id": ticket.id}, 201
