"""Event service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Message


class EventService:
    """Units of work for event: each method writes and commits."""

    @staticmethod
    def create_message(body, user):
        message = Message(author=user, body=body)
        db.session.add(message)
        db.session.commit()
        return message

    @staticmethod
    def delete_message(message):
        db.session.delete(message)
        db.session.commit()
