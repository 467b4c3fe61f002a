"""move-commits: what the route evaluates and passes for reads of the request."""

from __future__ import annotations

import textwrap
from pathlib import Path

from testkit import apply_in_process

from backfix.results import RunResult

HEADER = """\
from flask import Blueprint, abort, current_app, request

from app.extensions import db
from app.models import Item, Label
from app.parsing import parse_day

bp = Blueprint("items", __name__)
"""


def _apply(tmp_path: Path, body: str) -> tuple[RunResult, dict[str, str]]:
    """Runs move-commits on ``app/routes/items.py`` (HEADER + ``body``); the changed files' text."""
    files = {
        "app/__init__.py": "",
        "app/routes/__init__.py": "",
        "app/routes/items.py": HEADER + textwrap.dedent(body),
    }
    result = apply_in_process(tmp_path, "move-commits", files, "app/routes")
    return result, {c.path: c.after.decode() for c in result.changes}


def test_a_reader_call_converting_with_a_builtin_is_evaluated_whole_in_the_route(
    tmp_path: Path,
) -> None:
    """``request.form.get("label_id", type=int)`` is a value: the service never gets
    ``request.form``."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/items/<int:item_id>/labels")
        def attach_label(item_id):
            item = Item.query.get_or_404(item_id)
            label = Label.query.filter_by(id=request.form.get("label_id", type=int)).first()
            item.labels.append(label)
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/items.py"]
    assert 'label_id=request.form.get("label_id", type=int)' in route
    service = after["app/services/item_service.py"]
    assert "def attach_label(item, label_id):" in service
    assert "Label.query.filter_by(id=label_id).first()" in service
    assert "form" not in service


def test_a_reader_call_with_another_converter_is_manual(tmp_path: Path) -> None:
    """``type=parse_day`` would run in the service on ``request.form``, or in the route ahead of
    the moved code: neither is the route's order, so the commit is reported."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/items/<int:item_id>/due")
        def set_due(item_id):
            item = Item.query.get_or_404(item_id)
            item.due = request.form.get("due", type=parse_day)
            db.session.commit()
            return "ok"
        """,
    )
    assert after == {}
    assert [v.fixable for v in result.violations] == [False]
    assert (
        "reads `request.form.get()` with the converter `type=` that is not a builtin"
        in result.violations[0].reason
    )


def test_a_computed_key_still_passes_the_mapping(tmp_path: Path) -> None:
    """``data.get(key)`` of a loop: the route passes ``request.form`` (a mapping of values)."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/items/<int:item_id>")
        def edit_item(item_id):
            item = Item.query.get_or_404(item_id)
            for key in ("title", "note"):
                setattr(item, key, request.form.get(key))
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    assert "form=request.form" in after["app/routes/items.py"]


def test_an_attribute_of_the_user_passed_is_read_in_the_service(tmp_path: Path) -> None:
    """``current_user`` moves as the user object: ``current_user.picture`` is read from it, not
    passed again as a value of its own."""
    result, after = _apply(
        tmp_path,
        """
        from flask_login import current_user, login_required

        from app.storage import make_thumbnail


        @bp.post("/profile/thumbnail")
        @login_required
        def make_user_thumbnail():
            current_user.thumbnail = make_thumbnail(current_user.picture, 64)
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    assert "ItemService.make_user_thumbnail(user=current_user)" in after["app/routes/items.py"]
    service = after["app/services/item_service.py"]
    assert "def make_user_thumbnail(user):" in service
    assert "make_thumbnail(user.picture, 64)" in service


def test_an_attribute_of_the_user_named_for_the_user_keeps_its_name(tmp_path: Path) -> None:
    """``current_user.username`` passed alone is ``username``, not ``user_username``;
    ``current_user.id`` stays ``user_id``."""
    result, after = _apply(
        tmp_path,
        """
        from flask_login import current_user


        @bp.post("/items")
        def create_item():
            item = Item(name="x", owner=current_user.username, owner_id=current_user.id)
            db.session.add(item)
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    service = after["app/services/item_service.py"]
    assert "def create_item(username, user_id):" in service


def test_a_route_that_unwraps_the_user_passes_the_object_and_the_service_never_unwraps(
    tmp_path: Path,
) -> None:
    """The route calls ``current_user._get_current_object()`` itself: it passes that object, and
    the service reads and adds ``user``, so another caller can hand it a plain user (a service
    calling ``user._get_current_object()`` fails on one)."""
    result, after = _apply(
        tmp_path,
        """
        from flask_login import current_user, login_required


        @bp.post("/profile")
        @login_required
        def edit_profile():
            current_user.about = request.form["about"]
            db.session.add(current_user._get_current_object())
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/items.py"]
    assert "user=current_user._get_current_object()" in route
    service = after["app/services/item_service.py"]
    assert "user.about = about" in service
    assert "db.session.add(user)" in service
    assert "_get_current_object" not in service


def test_the_user_passed_keeps_its_proxy_name_beside_a_user_of_the_moved_code(
    tmp_path: Path,
) -> None:
    result, after = _apply(
        tmp_path,
        """
        from flask_login import current_user, login_required


        @bp.post("/items/<int:item_id>/adopt")
        @login_required
        def adopt(item_id):
            user = db.session.get(Item, item_id)
            user.owner = current_user
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    assert "user.owner = current_user" in after["app/services/item_service.py"]


def test_a_config_read_after_a_call_is_evaluated_in_the_route(tmp_path: Path) -> None:
    """``current_app.config["UPLOAD_DIR"]`` is the same for every request: reading it before
    ``unique_name()`` ran changes nothing a request could see, so the unit moves."""
    result, after = _apply(
        tmp_path,
        """
        import os

        from app.files import unique_name


        @bp.post("/items/<int:item_id>/upload")
        def upload(item_id):
            f = request.files.get("file")
            name = unique_name(f.filename)
            f.save(os.path.join(current_app.config["UPLOAD_DIR"], name))
            db.session.add(Item(file=name))
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/items.py"]
    assert 'upload_dir=current_app.config["UPLOAD_DIR"]' in route
    assert "os.path.join(upload_dir, name)" in after["app/services/item_service.py"]


def test_a_request_read_after_a_call_still_says_why(tmp_path: Path) -> None:
    result, after = _apply(
        tmp_path,
        """
        from app.files import unique_name


        @bp.post("/items/<int:item_id>/note")
        def note(item_id):
            item = Item.query.get_or_404(item_id)
            unique_name(item.title)
            item.note = request.json["note"]
            db.session.commit()
            return "ok"
        """,
    )
    assert after == {}
    assert [v.reason_id for v in result.violations] == ["read-after-effect"]


def test_flask_security_and_jwt_users_are_passed_from_the_route(tmp_path: Path) -> None:
    """Flask-Security re-exports Flask-Login's ``current_user`` proxy, and Flask-JWT-Extended has
    its own and reads the token with ``get_jwt_identity()``: the route evaluates them and passes
    the values, so the service never reads the request."""
    result, after = _apply(
        tmp_path,
        """
        from flask_jwt_extended import get_jwt_identity
        from flask_jwt_extended import current_user as token_user
        from flask_security import current_user


        @bp.post("/items")
        def create_item():
            item = Item(owner_id=current_user.id, author=token_user.name)
            item.creator = get_jwt_identity()
            db.session.add(item)
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/items.py"]
    assert "user_id=current_user.id," in route
    assert "user_name=token_user.name," in route
    assert "jwt_identity=get_jwt_identity()," in route
    service = after["app/services/item_service.py"]
    assert "current_user" not in service
    assert "get_jwt_identity" not in service
    assert "token_user" not in service


def test_an_attribute_of_the_user_read_on_some_paths_is_read_in_the_service(
    tmp_path: Path,
) -> None:
    """``current_user.id`` read in a loop (not on the path with no rows) cannot be evaluated by
    the route on every path: the user object is passed, whose reading cannot fail, and the
    service reads ``user.id`` where the route did."""
    result, after = _apply(
        tmp_path,
        """
        from flask_login import current_user


        @bp.post("/items/claim")
        def claim_items():
            items = Item.query.filter_by(owner_id=None).all()
            for item in items:
                item.owner_id = current_user.id
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/items.py"]
    assert "ItemService.claim_items(user=current_user)" in route
    service = after["app/services/item_service.py"]
    assert "def claim_items(user):" in service
    assert "        item.owner_id = user.id\n" in service


def test_a_write_in_a_branch_that_returns_does_not_split_a_later_unit(tmp_path: Path) -> None:
    """The branch's write never reaches the commit after the ``if`` (the branch returns): the
    unit after it moves. A branch that may go on (it returns only on some paths) still splits it."""
    body = """

        @bp.post("/items/done")
        def mark_done():
            ids = request.get_json(silent=True)
            if ids is not None:
                for item in Item.query.filter(Item.id.in_(ids)):
                    item.note = "picked"
                {exit}
            items = Item.query.filter_by(done=False).all()
            for item in items:
                item.done = True
            db.session.commit()
            return "ok"
        """
    result, after = _apply(tmp_path, body.replace("{exit}", 'return "picked"'))
    assert [v.reason for v in result.violations] == []
    assert "ItemService.mark_done()" in after["app/routes/items.py"]
    assert 'item.note = "picked"' in after["app/routes/items.py"]
    goes_on = 'if not ids:\n                    return "none"'
    result, _ = _apply(tmp_path / "goes-on", body.replace("{exit}", goes_on))
    (violation,) = result.violations
    assert violation.reason_id == "write-split-from-commit"


def test_a_read_after_a_function_of_a_model_class_says_why(tmp_path: Path) -> None:
    """``Item.from_json(...)`` is project code that may raise (a validation error): ``g.owner``,
    which the route would read before the call, stays after it. A constructor or a query of the
    class is not such a call."""
    result, after = _apply(
        tmp_path,
        """
        from flask import g


        @bp.post("/items")
        def create_item():
            item = Item.from_json(request.get_json())
            item.owner = g.owner
            db.session.add(item)
            db.session.commit()
            return "ok"


        @bp.post("/labels")
        def create_label():
            label = Label(name=request.form["name"], item=Item.query.get(1))
            label.owner = g.owner
            db.session.add(label)
            db.session.commit()
            return "ok"
        """,
    )
    (item,) = result.violations
    assert item.reason_id == "read-after-effect"
    assert "reads `g.owner` after calling `Item.from_json()`" in item.reason
    assert "def create_label(" in after["app/services/item_service.py"]


def test_setting_a_form_field_before_the_writes_is_input_parsing(tmp_path: Path) -> None:
    """``form.size.data = int(form.size.data or 0)`` before the first write stays in the route,
    which then passes the field it set (fedora elections: reported as form-field-set, whose
    advice, set it outside the unit of work, it already was). Set from a project function of
    unknown effect, the field is still reported."""
    result, after = _apply(
        tmp_path,
        """
        from app.forms import ItemForm
        from app.parsing import normalize


        @bp.post("/items")
        def create_item():
            form = ItemForm()
            if form.validate_on_submit():
                form.size.data = int(form.size.data or 0)
                item = Item(name=form.name.data, size=form.size.data)
                db.session.add(item)
                db.session.commit()
            return "ok"


        @bp.post("/items/<int:item_id>")
        def update_item(item_id):
            item = db.get_or_404(Item, item_id)
            form = ItemForm()
            if form.validate_on_submit():
                if form.size.data:
                    try:
                        form.size.data = int(form.size.data)
                    except ValueError:
                        form.size.data = None
                else:
                    form.size.data = None
                item.size = form.size.data
                db.session.commit()
            return "ok"


        @bp.post("/labels")
        def create_label():
            form = ItemForm()
            form.name.data = normalize(form.name.data)
            db.session.add(Label(name=form.name.data))
            db.session.commit()
            return "ok"
        """,
    )
    (label,) = result.violations
    assert label.reason_id == "form-field-set"
    route = after["app/routes/items.py"]
    assert "form.size.data = int(form.size.data or 0)\n" in route
    assert "ItemService.create_item(name=form.name.data, size=form.size.data)" in route
    # (fedora elections sets its fields in the branches of an `if` and a `try`)
    assert (
        "form.size.data = None\n        ItemService.update_item(item, size=form.size.data)\n"
        in route
    )


def test_a_form_a_factory_returns_is_a_form_too(tmp_path: Path) -> None:
    """``form = get_item_form()`` (a function named for the form it returns): setting
    ``form.slug.data`` before the ``if form.validate():`` that holds the unit is input parsing,
    not a database write the unit's commit would commit (ihatemoney's ``create_project``)."""
    result, after = _apply(
        tmp_path,
        """
        from app.forms import get_item_form


        @bp.post("/items")
        def create_item():
            form = get_item_form()
            if not form.slug.data:
                form.slug.data = form.name.data
            if form.validate():
                item = Item(name=form.name.data, slug=form.slug.data)
                db.session.add(item)
                db.session.commit()
                return "created"
            return "invalid"
        """,
    )
    assert result.violations == []
    route = after["app/routes/items.py"]
    assert "form.slug.data = form.name.data\n" in route
    assert "ItemService.create_item(name=form.name.data, slug=form.slug.data)" in route


def test_a_function_of_a_class_named_on_a_module_is_project_code_too(tmp_path: Path) -> None:
    """``models.Item.get_by_id(...)``, read off a class named on an imported module, is project
    code of unknown effect as ``Item.get_by_id(...)`` is: the request read after it, which the
    route would read first, stays for review. The module's class queried or built is not."""
    result, after = _apply(
        tmp_path,
        """
        from app import models


        @bp.post("/items/<int:item_id>/flag")
        def flag_item(item_id):
            item = models.Item.get_by_id(item_id)
            item.flag = request.json["flag"]
            db.session.commit()
            return "ok"


        @bp.post("/items/<int:item_id>/label")
        def label_item(item_id):
            item = models.Item.query.get(item_id)
            item.label = request.json["label"]
            db.session.commit()
            return "ok"
        """,
    )
    (flagged,) = result.violations
    assert flagged.reason_id == "read-after-effect"
    assert 'reads `request.json["flag"]` after calling `models.Item.get_by_id()`' in flagged.reason
    assert "def label_item(" in after["app/services/item_service.py"]


def test_look_ups_that_may_raise_stay_before_a_read_that_may_fail(tmp_path: Path) -> None:
    """``.one()`` then ``note = request.json["note"]``: passed to the service, the read would
    run before the look-up, and a bad request for a missing row would get the read's error
    instead of the look-up's. The look-up stays in the route with the read, which passes the
    row; a look-up that gives None instead of raising (``.first()``) still moves."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/items/<int:item_id>/note")
        def note(item_id):
            item = Item.query.filter_by(id=item_id).one()
            note = request.json["note"]
            item.note = note
            db.session.commit()
            return "ok"


        @bp.post("/items/<int:item_id>/title")
        def title(item_id):
            item = Item.query.filter_by(id=item_id).first()
            title = request.json["title"]
            item.title = title
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/items.py"]
    kept = route.split("def note(")[1].split("def title(")[0]
    assert "item = Item.query.filter_by(id=item_id).one()" in kept
    assert 'note = request.json["note"]' in kept
    assert "ItemService.note(item, note)" in kept
    moved = route.split("def title(")[1]
    assert "first()" not in moved


def test_a_read_of_the_request_itself_beside_a_local_of_its_name_says_so(tmp_path: Path) -> None:
    """Beside the moved code's own ``remote_addr``, ``request.remote_addr`` (the request's own,
    not a submitted value) is ``request_remote_addr``; a submitted ``request.form["note"]``
    beside a ``note`` is still ``raw_note``."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/items/<int:item_id>/seen")
        def mark_seen(item_id, remote_addr, note):
            item = Item.query.get_or_404(item_id)
            item.seen_from = remote_addr
            item.last_ip = request.remote_addr
            item.comment = note
            item.raw_comment = request.form["note"]
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/items.py"]
    assert "request_remote_addr=request.remote_addr" in route
    assert 'raw_note=request.form["note"]' in route


def test_the_user_agents_string_is_named_for_the_user_agent(tmp_path: Path) -> None:
    """``request.user_agent.string`` is the user agent, as text: ``user_agent``, not ``string``."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/items/<int:item_id>/report")
        def report_item(item_id):
            item = Item.query.get_or_404(item_id)
            item.reported_by_agent = request.user_agent.string
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    assert "user_agent=request.user_agent.string" in after["app/routes/items.py"]


def test_a_request_parser_is_built_and_read_in_the_route(tmp_path: Path) -> None:
    """Flask-RESTful's ``RequestParser``: building it, declaring its arguments and
    ``parse_args()`` read the request, input parsing that stays in the route; the service gets
    the parsed values, never the parser."""
    result, after = _apply(
        tmp_path,
        """
        from flask_restful import Resource, reqparse


        class ItemPut(Resource):
            def __init__(self):
                self.reqparse = reqparse.RequestParser()
                super().__init__()

            def put(self, item_id):
                self.reqparse.add_argument("title", required=True, location="json")
                args = self.reqparse.parse_args()
                item = Item.query.get(item_id)
                item.title = args["title"]
                db.session.commit()
                return {}, 200


        class ItemDelete(Resource):
            def delete(self, item_id):
                parser = reqparse.RequestParser()
                parser.add_argument("reason", location="args")
                args = parser.parse_args()
                item = Item.query.get(item_id)
                item.reason = args["reason"]
                db.session.delete(item)
                db.session.commit()
                return {}, 204
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/items.py"]
    assert "args = self.reqparse.parse_args()" in route and "args = parser.parse_args()" in route
    assert 'parser.add_argument("reason", location="args")' in route
    service = after["app/services/item_service.py"]
    assert "parse" not in service and "reqparse" not in service


def test_keys_of_the_parsed_input_are_passed_as_values(tmp_path: Path) -> None:
    """The moved code reads keys of the route's parsed input: the route passes the values, not
    the dict; leading ``x = data["x"]`` statements stay in the route. The dict is still passed
    whole where the moved code hands it on (``Item(**data)``), where a call of unknown effect runs
    before a read that may raise, or where the route is annotated."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/items/<int:item_id>/title")
        def retitle(item_id, validated_data):
            item = Item.query.get(item_id)
            item.title = validated_data["title"].strip()
            item.note = validated_data.get("note", "")
            db.session.commit()
            return "ok"


        @bp.post("/items/<int:item_id>/label")
        def relabel(item_id):
            data = request.get_json()
            name = data["name"]
            item = Item.query.get(item_id)
            item.label = Label(name=name, color=data["color"])
            db.session.commit()
            return "ok"


        @bp.post("/items")
        def create_item():
            data = request.get_json()
            item = Item(**data)
            db.session.add(item)
            db.session.commit()
            return "ok"


        @bp.post("/items/<int:item_id>/day")
        def set_day(item_id):
            payload = request.get_json()
            item = Item.query.get(item_id)
            parse_day(item.created)
            item.day = parse_day(payload["day"])
            db.session.commit()
            return "ok"


        @bp.post("/items/<int:item_id>/size")
        def resize(item_id: int, payload: dict) -> str:
            item = Item.query.get(item_id)
            item.size = payload["size"]
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    # (the formatter may wrap a call: its text without layout)
    route = " ".join(after["app/routes/items.py"].split()).replace("( ", "(").replace(" )", ")")
    assert (
        'retitle(item_id, title=validated_data["title"], note=validated_data.get("note", ""))'
        in (route)
    )
    assert 'name = data["name"]' in route
    assert 'relabel(item_id, name, color=data["color"])' in route
    assert "create_item(data)" in route
    assert "set_day(item_id, payload)" in route
    assert "resize(item_id, payload)" in route
    service = after["app/services/item_service.py"]
    assert "def retitle(item_id, title, note):" in service
    assert "item.title = title.strip()" in service


def test_a_dict_the_route_hands_on_is_passed_whole(tmp_path: Path) -> None:
    """``extra = data`` (or ``audit(data)``) in the route: another name could change the dict
    between the route's read and the moved code's, so the dict is passed as it was."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/items/<int:item_id>/title")
        def retitle(item_id):
            data = request.get_json()
            extra = data
            if not item_id:
                abort(400)
            item = Item.query.get(item_id)
            extra.pop("title", None)
            item.title = data.get("title")
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = " ".join(after["app/routes/items.py"].split())
    assert "retitle(item_id, extra, data)" in route


PROJECT_USER = """
from flask_login import login_required

from app.auth import current_user


@bp.post("/profile/theme")
@login_required
def set_theme():
    current_user.theme = request.form["theme"]
    db.session.commit()
    return "ok"
"""


def _apply_with_auth(tmp_path: Path, auth: dict[str, str]) -> dict[str, str]:
    """Runs move-commits on a route that imports ``current_user`` from the project's own
    ``app.auth`` (``auth``: its files); the changed files' text."""
    files = {
        "app/__init__.py": "",
        "app/routes/__init__.py": "",
        "app/routes/items.py": HEADER + PROJECT_USER,
        **auth,
    }
    result = apply_in_process(tmp_path, "move-commits", files, "app/routes")
    assert [v.reason for v in result.violations] == []
    return {c.path: c.after.decode() for c in result.changes}


def test_a_request_proxy_of_the_project_is_passed_as_flask_logins_is(tmp_path: Path) -> None:
    """A vendored Flask-Login (``current_user = LocalProxy(...)``, re-exported by its package)
    is the request's user: the service takes the user, and never imports ``current_user``."""
    after = _apply_with_auth(
        tmp_path,
        {
            "app/auth/__init__.py": "from .utils import current_user\n",
            "app/auth/utils.py": (
                "from werkzeug.local import LocalProxy\n\n"
                "current_user = LocalProxy(lambda: _get_user())\n"
            ),
        },
    )
    assert "ItemService.set_theme(" in after["app/routes/items.py"]
    assert "user=current_user" in after["app/routes/items.py"]
    service = after["app/services/item_service.py"]
    assert "current_user" not in service
    assert "user.theme = theme" in service


def test_a_cast_of_flask_logins_user_is_the_request_user(tmp_path: Path) -> None:
    """``current_user = cast(User, _cu)`` of ``from flask_login import current_user as _cu``."""
    after = _apply_with_auth(
        tmp_path,
        {
            "app/auth.py": (
                "from typing import cast\n\n"
                "from flask_login import current_user as _cu\n\n"
                "current_user = cast(object, _cu)\n"
            ),
        },
    )
    assert "current_user" not in after["app/services/item_service.py"]


def test_a_project_name_that_is_no_request_object_is_not_followed(tmp_path: Path) -> None:
    """``g`` of the project's own module bound to something else (a settings object) and
    ``session`` (in a project's module as often its database session) are left as they are."""
    import ast

    from backfix.builtin_codemods.move_commits.proxies import project_proxies

    from backfix.project import ProjectContext

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "state.py").write_text(
        "from flask import session\n\ng = object()\ncurrent_user = LocalProxy(lambda: None)\n"
    )
    tree = ast.parse("from app.state import current_user, g, session\n")
    proxies = project_proxies(tree, "app/routes.py", ProjectContext(str(tmp_path)))
    assert proxies.qualified == {"app.state.current_user": "flask_login.current_user"}
    assert proxies.local_names == {"current_user"}
