from flask import Blueprint, jsonify, request

from shop.services.web_service import WebService

bp = Blueprint("items", __name__)


@bp.route("/items", methods=["POST"])
def create_item():
    name = request.json["name"]
    item = WebService.create_item(name)
    return jsonify(id=item.id), 201
