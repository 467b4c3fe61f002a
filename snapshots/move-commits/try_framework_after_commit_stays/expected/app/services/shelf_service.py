"""Shelf service: units of work (database writes and their commits)."""

from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import Shelf


class ShelfService:
    """Units of work for shelf: each method writes and commits."""

    @staticmethod
    def drop_shelf(shelf):
        db.session.delete(shelf)
        try:
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            raise

    @staticmethod
    def clear_shelf(shelf):
        db.session.delete(shelf)
        try:
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            raise

    @staticmethod
    def add_shelf(label):
        try:
            shelf = Shelf(label=label)
            db.session.add(shelf)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            raise
        return shelf
