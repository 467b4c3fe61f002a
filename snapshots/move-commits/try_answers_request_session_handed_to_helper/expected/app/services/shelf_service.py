"""Shelf service: units of work (database writes and their commits)."""

from app import labels
from app.extensions import db


class ShelfService:
    """Units of work for shelf: each method writes and commits."""

    @staticmethod
    def label_shelf(shelf_id, text):
        labels.attach_label(db.session, shelf_id, text)
        db.session.commit()
