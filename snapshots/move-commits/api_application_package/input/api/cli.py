import click
from flask import Blueprint

from api import db
from api.models import Token

cli = Blueprint("cli", __name__)


@cli.cli.command()
@click.argument("num", type=int)
def seed(num):
    for _ in range(num):
        db.session.add(Token())
    db.session.commit()
