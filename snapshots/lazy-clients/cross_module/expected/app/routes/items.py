from flask import Blueprint, jsonify

from app import clients
from app.clients import get_redis_client as get_cache, get_search

bp = Blueprint("items", __name__)


@bp.get("/items/<key>")
def item(key: str):
    hit = get_cache().get(key)
    if hit is None:
        hit = get_search().get(f"/items/{key}").content
        clients.get_redis_client().set(key, hit)
    return jsonify(value=hit.decode())
