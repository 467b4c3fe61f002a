"""Item service: units of work (database writes and their commits)."""

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.models import Item, User


class ItemIn(BaseModel):
    title: str


class ItemService:
    """Units of work for item: each method writes and commits."""

    @staticmethod
    def create_item(title: str, current_user: User, session: Session) -> Item:
        # Every item belongs to the caller.
        item = Item(title=title, owner_id=current_user.id)
        session.add(item)
        session.commit()
        session.refresh(item)
        return item

    @staticmethod
    def rename_item(item: Item, title: str, session: Session) -> None:
        item.title = title
        session.commit()

    @staticmethod
    def remove_item(item: Item, session: Session) -> None:
        session.delete(item)
        session.commit()

    @staticmethod
    def create_from_schema(body: ItemIn, session: Session) -> Item:
        item = Item(title=body.title, owner_id=0)
        session.add(item)
        session.commit()
        return item
