"""move-commits: a unit of work whose values the route reads afterwards is moved when it hands
back at most four of them; more would make a service method that returns a long tuple, so the
unit is reported instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testkit import invoke_in, write_files

MODELS = (
    "from flask_sqlalchemy import SQLAlchemy\n\n"
    "db = SQLAlchemy()\n\n\n"
    "class Order(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    "    total = db.Column(db.Integer)\n"
)


def _view(count: int) -> str:
    names = [f"part{n}" for n in range(count)]
    assigned = "".join(f"    {name} = order.total + {n}\n" for n, name in enumerate(names))
    return (
        "from flask import Blueprint\n\n"
        "from app.models import Order, db\n\n"
        "bp = Blueprint('orders', __name__)\n\n\n"
        "@bp.post('/orders')\n"
        "def create_order():\n"
        "    order = Order(total=3)\n"
        "    db.session.add(order)\n"
        f"{assigned}"
        "    db.session.commit()\n"
        f"    return {{'parts': [{', '.join(names)}]}}\n"
    )


@pytest.mark.parametrize(("count", "fixable"), [(3, True), (5, False)])
def test_a_unit_returns_at_most_four_values(tmp_path: Path, count: int, fixable: bool) -> None:
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/views.py": _view(count)}
    write_files(tmp_path, files)
    code, out, _ = invoke_in(
        tmp_path, "--no-cache", "scan", "--no-ledger", "--codemod", "move-commits",
        "--format", "json",
    )  # fmt: skip
    assert code in (0, 1), out
    (violation,) = json.loads(out)["violations"]
    assert violation["fixable"] is fixable
    if not fixable:
        assert violation["reason_id"] == "too-many-returned-values"
        assert "the route reads 5 values" in violation["reason"]
