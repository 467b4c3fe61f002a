from flask_restful import Resource

from inventory.models import Item
from inventory.services.item_service import ItemService

from . import load_body, logger


class ItemList(Resource):
    def post(self):
        data = load_body("name")
        item = ItemService.create_item(name=data["name"])
        logger.info("item created")
        return {"id": item.id}, 201


class ItemDetail(Resource):
    def delete(self, item_id):
        item = Item.query.get_or_404(item_id)
        ItemService.delete_item(item, logger)
        return "", 204
