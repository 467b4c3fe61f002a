from flask import Blueprint, jsonify, request

from shop.web.extensions import db
from shop.web.models import Item

bp = Blueprint("items", __name__)


@bp.route("/items", methods=["POST"])
def create_item():
    name = request.json["name"]
    item = Item(name=name)
    db.session.add(item)
    db.session.commit()
    return jsonify(id=item.id), 201
