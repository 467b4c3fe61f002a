from flask import Blueprint

from api import db
from api.models import Token

tokens = Blueprint("tokens", __name__)


@tokens.route("/tokens", methods=["POST"])
def new_token():
    token = Token()
    db.session.add(token)
    db.session.commit()
    return {"id": token.id}, 201
