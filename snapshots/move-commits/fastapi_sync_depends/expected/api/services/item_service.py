"""Item service: units of work (database writes and their commits)."""

from api.models import Item


class ItemService:
    """Units of work for item: each method writes and commits."""

    @staticmethod
    def create_item(item_in, db):
        item = Item(name=item_in.name, price=item_in.price)
        db.add(item)
        db.commit()
        return item

    @staticmethod
    def rename_item(item, name, db):
        item.name = name
        db.commit()
