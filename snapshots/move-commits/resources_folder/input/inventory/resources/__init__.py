import logging

from flask import abort, request

logger = logging.getLogger("inventory.api")


def load_body(required):
    data = request.get_json(silent=True) or {}
    if required not in data:
        abort(400)
    return data
