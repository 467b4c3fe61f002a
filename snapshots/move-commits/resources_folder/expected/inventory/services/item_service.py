"""Item service: units of work (database writes and their commits)."""

from inventory.extensions import db
from inventory.models import Item


class ItemService:
    """Units of work for item: each method writes and commits."""

    @staticmethod
    def create_item(name):
        item = Item(name=name)
        db.session.add(item)
        db.session.commit()
        return item

    @staticmethod
    def delete_item(item, logger):
        db.session.delete(item)
        logger.info("item deleted")
        db.session.commit()
