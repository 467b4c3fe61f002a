from flask import Blueprint

from api.services.token_service import TokenService

tokens = Blueprint("tokens", __name__)


@tokens.route("/tokens", methods=["POST"])
def new_token():
    token = TokenService.create_token()
    return {"id": token.id}, 201
