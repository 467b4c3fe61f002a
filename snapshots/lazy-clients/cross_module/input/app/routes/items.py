from flask import Blueprint, jsonify

from app import clients
from app.clients import redis_client as cache, search

bp = Blueprint("items", __name__)


@bp.get("/items/<key>")
def item(key: str):
    hit = cache.get(key)
    if hit is None:
        hit = search.get(f"/items/{key}").content
        clients.redis_client.set(key, hit)
    return jsonify(value=hit.decode())
