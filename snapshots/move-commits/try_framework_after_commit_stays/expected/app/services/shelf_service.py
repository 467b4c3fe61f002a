"""Shelf service: units of work (database writes and their commits)."""

import hashlib

from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import Shelf


class ShelfService:
    """Units of work for shelf: each method writes and commits."""

    @staticmethod
    def drop_shelf(shelf):
        try:
            # its books go with it (cascade)
            db.session.delete(shelf)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            raise

    @staticmethod
    def clear_shelf(shelf):
        shelf.label = None
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

    @staticmethod
    def seal_shelf(shelf):
        shelf.label = hashlib.sha256(shelf.label.encode()).hexdigest()
        db.session.add(shelf)
        try:
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            raise

    @staticmethod
    def empty_shelf(shelf_id):
        shelf = db.session.get(Shelf, shelf_id)
        if shelf is None:
            return False
        else:
            db.session.delete(shelf)
        db.session.commit()
        return True

    @staticmethod
    def open_shelf(shelf):
        shelf.opened = True
        try:
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            raise
