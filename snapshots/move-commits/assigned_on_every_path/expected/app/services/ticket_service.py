"""Ticket service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Solve, Ticket


class TicketService:
    """Units of work for ticket: each method writes and commits."""

    @staticmethod
    def create_ticket(title, urgent):
        if urgent:
            priority = 1
        else:
            priority = 5
        ticket = Ticket(title=title, priority=priority)
        db.session.add(ticket)
        db.session.commit()
        return priority, ticket

    @staticmethod
    def set_priority(ticket_id, raw):
        ticket = db.session.get(Ticket, ticket_id)
        try:
            priority = int(raw)
        except ValueError:
            priority = 3
        ticket.priority = priority
        db.session.commit()
        return priority

    @staticmethod
    def create_solve(challenge):
        existing_solve = Solve(challenge=challenge)
        db.session.add(existing_solve)
        db.session.commit()
        return existing_solve
