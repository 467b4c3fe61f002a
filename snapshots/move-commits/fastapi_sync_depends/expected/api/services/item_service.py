"""Item service: units of work (database writes and their commits)."""

from sqlalchemy.orm import Session

from api.models import Item
from api.schemas import ItemIn


class ItemService:
    """Units of work for item: each method writes and commits."""

    @staticmethod
    def create_item(item_in: ItemIn, db: Session) -> Item:
        item = Item(name=item_in.name, price=item_in.price)
        db.add(item)
        db.commit()
        db.refresh(item)
        return item

    @staticmethod
    def rename_item(item: Item, name: str, db: Session) -> None:
        item.name = name
        db.commit()
