from flask import Blueprint, request

from app.services.ticket_service import TicketService

bp = Blueprint("tickets", __name__)


@bp.post("/tickets")
def create_ticket():
    ticket = TicketService.create_ticket(title=request.json["title"])
    return {"id": ticket.id}, 201
