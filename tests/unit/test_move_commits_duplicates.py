"""Methods with the same code that move-commits keeps apart are named in a note."""

from __future__ import annotations

from pathlib import Path

from testkit import apply_in_process

ROUTES = """\
from flask import Blueprint, request

from shop.extensions import db
from shop.models import Member

bp = Blueprint("members", __name__)


@bp.post("/members/<int:mid>/pin")
def change_pin(mid):
    member = db.session.get(Member, mid)
    member.pin = request.form["pin"]
    db.session.commit()
    return "ok"


@bp.post("/invites/<int:mid>")
def activate_from_invite(mid):
    member = db.session.get(Member, mid)
    member.pin = request.form["pin"]
    db.session.commit()
    return "ok"
"""


def test_identical_units_of_differently_named_routes_get_a_note(tmp_path: Path) -> None:
    """flask-base's change_password and join_from_invite got two methods of the same body, and
    nothing said so: whether the routes mean the same is the reviewer's call."""
    files = {
        "shop/__init__.py": "",
        "shop/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "shop/routes.py": ROUTES,
    }
    result = apply_in_process(tmp_path, "move-commits", files)
    assert len(result.fixed) == 2 and not result.violations
    (note,) = [n for n in result.notes if "have the same code" in n]
    assert "`ShopService.change_pin` and `ShopService.activate_from_invite`" in note


def test_units_alike_but_for_their_parameter_names_get_a_note(tmp_path: Path) -> None:
    """flask-base's two routes set a user's password through differently named rows, which the
    route looks up (``get_or_404``) and passes."""
    renamed = ROUTES.replace("db.session.get(Member, mid)", "Member.query.get_or_404(mid)")
    renamed = renamed.replace(
        "def activate_from_invite(mid):\n    member = Member.query.get_or_404(mid)\n"
        '    member.pin = request.form["pin"]',
        "def activate_from_invite(mid):\n    invited = Member.query.get_or_404(mid)\n"
        '    invited.pin = request.form["pin"]',
    )
    assert "invited.pin" in renamed
    files = {
        "shop/__init__.py": "",
        "shop/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "shop/routes.py": renamed,
    }
    result = apply_in_process(tmp_path, "move-commits", files)
    assert len(result.fixed) == 2
    (note,) = [n for n in result.notes if "have the same code" in n]
    assert "`ShopService.change_pin` and `ShopService.activate_from_invite`" in note


def test_a_helpers_result_is_no_type_that_tells_units_apart(tmp_path: Path) -> None:
    """CTFd's ``invite`` loads its team with ``Teams.load_invite_code(code)``, ``join`` with a
    query: until the plan reads what the helper returns, its result has no type to compare."""
    routes = ROUTES.replace(
        "def change_pin(mid):\n    member = db.session.get(Member, mid)\n",
        "def change_pin(mid):\n    member = db.session.get(Member, mid)\n"
        '    if member is None:\n        return "missing"\n',
    ).replace(
        "def activate_from_invite(mid):\n    member = db.session.get(Member, mid)\n",
        "def activate_from_invite(mid):\n    member = Member.from_invite(mid)\n"
        '    if member is None:\n        return "missing"\n',
    )
    assert "Member.from_invite" in routes
    files = {
        "shop/__init__.py": "",
        "shop/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "shop/models.py": "class Member:\n    @classmethod\n    def from_invite(cls, mid):\n"
        "        return cls()\n",
        "shop/routes.py": routes,
    }
    result = apply_in_process(tmp_path, "move-commits", files)
    assert len(result.fixed) == 2 and not result.violations
    (note,) = [n for n in result.notes if "have the same code" in n]
    assert "`ShopService.change_pin` and `ShopService.activate_from_invite`" in note
