"""Shelf service: units of work (database writes and their commits)."""

from sqlalchemy.orm import Session

from app.models import Shelf


class ShelfService:
    """Units of work for shelf: each method writes and commits."""

    @staticmethod
    def relabel_shelf(shelf_id: int, label: str, session: Session) -> Shelf:
        shelf = session.get(Shelf, shelf_id)
        if shelf is None:
            raise LookupError(shelf_id)
        shelf.label = label
        session.commit()
        return shelf

    @staticmethod
    def count_hit(shelf_id: int, session: Session) -> Shelf:
        shelf = session.get(Shelf, shelf_id)
        assert shelf is not None
        session.commit()
        return shelf

    @staticmethod
    def touch_shelf(shelf_id: int, session: Session) -> Shelf | None:
        shelf = session.get(Shelf, shelf_id)
        session.commit()
        return shelf
