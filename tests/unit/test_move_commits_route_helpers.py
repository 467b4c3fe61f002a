"""move-commits: a function or class the route module defines that cannot move into the service
(decorated, reading a mutable module value, a model class) is called in the route, never handed
to a service method as an argument: with constant arguments its value is passed, named without
the verb that makes it; otherwise the call stays in the route, before the unit of work."""

from __future__ import annotations

import re
from pathlib import Path

from testkit import invoke_in, write_files

MODELS = (
    "from flask_sqlalchemy import SQLAlchemy\n\n"
    "db = SQLAlchemy()\n\n\n"
    "class User(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    "    name = db.Column(db.String)\n"
    "    token = db.Column(db.String)\n"
    "    password = db.Column(db.String)\n"
)
VIEWS = (
    "import functools\n"
    "import random\n\n"
    "from flask import Blueprint, request\n\n"
    "from app.models import User, db\n\n"
    "bp = Blueprint('users', __name__)\n"
    "rand = random.SystemRandom()\n\n\n"
    "class Secret(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    "    value = db.Column(db.String)\n\n\n"
    "class WeakPassword(Exception):\n"
    "    pass\n\n\n"
    "def logged(func):\n"
    "    @functools.wraps(func)\n"
    "    def wrapper(*args, **kwargs):\n"
    "        return func(*args, **kwargs)\n\n"
    "    return wrapper\n\n\n"
    "@logged\n"
    "def get_user(name):\n"
    "    return User.query.filter_by(name=name).one()\n\n\n"
    "def generate_key():\n"
    "    return str(rand.getrandbits(64))\n\n\n"
    "@bp.route('/token', methods=['POST'])\n"
    "def new_token():\n"
    "    user = get_user(request.form['name'])\n"
    "    user.token = generate_key()\n"
    "    db.session.commit()\n"
    "    return {'token': user.token}\n\n\n"
    "@bp.route('/password', methods=['POST'])\n"
    "def change_password():\n"
    "    password = request.form['password']\n"
    "    if len(password) < 8:\n"
    "        raise WeakPassword(password)\n"
    "    user = get_user(request.form['name'])\n"
    "    user.password = password\n"
    "    db.session.commit()\n"
    "    return {}\n\n\n"
    "@bp.route('/secret', methods=['POST'])\n"
    "def new_secret():\n"
    "    secret = Secret(value=request.form['value'])\n"
    "    db.session.add(secret)\n"
    "    db.session.commit()\n"
    "    return {'id': secret.id}\n"
)


def test_route_module_helpers_are_called_in_the_route(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/views/__init__.py": "",
        "app/views/users.py": VIEWS,
    }
    write_files(tmp_path, files)
    code, out, err = invoke_in(tmp_path, "--no-cache", "apply", "move-commits", "--dry-run")
    assert code in (0, 1), out  # 1: the dry run found something to change
    assert "3 violation(s) fixed" in out + err, err
    service = "\n".join(
        line[1:] for line in out.split("+++ b/app/services/user_service.py")[1].splitlines()[1:]
        if line.startswith("+")
    )  # fmt: skip
    signatures = re.findall(r"def (\w+)\(([^)]*)\)", service)
    assert signatures == [
        ("update_user_token", "user, key"),
        ("change_password", "user, password"),
        ("create_secret", "secret"),
    ], service
    assert "class Secret" not in service
    assert "+    UserService.update_user_token(user, key=generate_key())\n" in out
    assert "-    user = get_user(" not in out  # the lookup stays in the route
