"""Web service: units of work (database writes and their commits)."""

from shop.web.extensions import db
from shop.web.models import Item


class WebService:
    """Units of work for web: each method writes and commits."""

    @staticmethod
    def create_item(name):
        item = Item(name=name)
        db.session.add(item)
        db.session.commit()
        return item
