from flask_restful import Resource

from inventory.extensions import db
from inventory.models import Item

from . import load_body, logger


class ItemList(Resource):
    def post(self):
        data = load_body("name")
        item = Item(name=data["name"])
        db.session.add(item)
        db.session.commit()
        logger.info("item created")
        return {"id": item.id}, 201


class ItemDetail(Resource):
    def delete(self, item_id):
        item = Item.query.get_or_404(item_id)
        db.session.delete(item)
        logger.info("item deleted")
        db.session.commit()
        return "", 204
