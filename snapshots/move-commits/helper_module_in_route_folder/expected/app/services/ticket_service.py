"""Ticket service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Ticket


class TicketService:
    """Units of work for ticket: each method writes and commits."""

    @staticmethod
    def create_ticket(title):
        ticket = Ticket(title=title)
        db.session.add(ticket)
        db.session.commit()
        return ticket
