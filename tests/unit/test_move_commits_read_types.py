"""move-commits: the types of the framework reads a route passes, as the project's type checker
reads them, in projects whose mypy settings require typed functions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from testkit import apply_in_process

from backfix.results import RunResult

MODELS = """\
from typing import Optional

from sqlalchemy.orm import Mapped, mapped_column

from app import db


class Lamp(db.Model):  # type: ignore[name-defined]
    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str] = mapped_column()
    label: Mapped[Optional[str]] = mapped_column()
    watts: Mapped[int] = mapped_column()
"""

HEADER = """\
from flask import Blueprint, request

from app import db
from app.models import Lamp

bp = Blueprint("lamps", __name__)
"""

STRICT = "[tool.mypy]\ndisallow_untyped_defs = true\n"


def _apply(
    tmp_path: Path, body: str, config: str = STRICT, extra: dict[str, str] | None = None
) -> tuple[RunResult, dict[str, str]]:
    """Runs move-commits on ``app/routes/lamps.py`` (HEADER + ``body``) in a project with the
    ``pyproject.toml`` ``config`` and the ``extra`` files; the changed files' text."""
    files = {
        "pyproject.toml": config,
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/models.py": MODELS,
        "app/routes/__init__.py": "",
        **(extra or {}),
        "app/routes/lamps.py": HEADER + textwrap.dedent(body),
    }
    result = apply_in_process(tmp_path, "move-commits", files, "app/routes")
    return result, {c.path: c.after.decode() for c in result.changes}


def _typed_or_reported(
    result: RunResult, after: dict[str, str], param: str, expected: str | None
) -> str:
    """The service module, whose signature has ``expected``; for None, "" after checking that the
    unit is reported instead, for the unknown type of ``param``."""
    if expected is None:
        [manual] = result.violations
        assert f"parameter `{param}`" in manual.reason
        return ""
    assert [v.reason for v in result.violations] == []
    service = after["app/services/lamp_service.py"]
    assert expected in service
    return service


def test_request_reads_werkzeug_types_get_their_types(tmp_path: Path) -> None:
    """``request.form[...]`` is ``str``, ``request.args.get(...)`` ``str | None``, with a text
    default ``str``, with ``type=int`` and an ``int`` default ``int``; a header key names its
    parameter in snake case."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/lamps")
        def create_lamp() -> str:
            lamp = Lamp(
                room=request.form["room"],
                label=request.args.get("label"),
                watts=request.args.get("watts", 40, type=int),
            )
            lamp.room += request.headers.get("X-Floor", "") + request.headers.get("Building", "")
            db.session.add(lamp)
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    service = after["app/services/lamp_service.py"]
    assert "room: str" in service
    assert "label: str | None" in service
    assert "watts: int" in service
    assert "building: str" in service
    assert "Building" not in service.split("def create_lamp")[1].split(")")[0]


def test_the_json_body_is_any_as_flask_types_it(tmp_path: Path) -> None:
    """``payload = request.get_json()`` is ``Any`` to the checker: the service says so, and the
    unit moves instead of being reported for an unknown type."""
    result, after = _apply(
        tmp_path,
        """

        @bp.patch("/lamps/<int:lamp_id>")
        def rename_lamp(lamp_id: int) -> str:
            payload = request.get_json()
            lamp = db.session.get(Lamp, lamp_id)
            if lamp is None:
                return "missing"
            lamp.label = payload["label"]
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    service = after["app/services/lamp_service.py"]
    assert "from typing import Any\n" in service
    assert "payload: Any" in service
    assert "lamp: Lamp" in service


def test_what_is_read_off_the_json_body_is_any_too(tmp_path: Path) -> None:
    """``label = payload.get("label")`` after ``payload = request.get_json()`` is ``Any`` to the
    checker as well; a linter that selects flake8-builtins (``A``) does not report ``Any``."""
    config = STRICT + '\n[tool.ruff.lint]\nselect = ["E", "F", "A"]\n'
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/lamps")
        def create_lamp() -> str:
            payload = request.get_json()
            label = payload.get("label")
            if not label:
                return "missing"
            db.session.add(Lamp(room="hall", label=label, watts=10))
            db.session.commit()
            return "ok"
        """,
        config,
    )
    assert [v.reason for v in result.violations] == []
    assert "label: Any" in after["app/services/lamp_service.py"]


def test_any_is_not_written_where_ruff_reports_it(tmp_path: Path) -> None:
    """With ruff's ``ANN401`` on, the JSON body's type is unknown: the unit is reported."""
    config = STRICT + '\n[tool.ruff.lint]\nselect = ["E", "F", "ANN"]\n'
    result, _after = _apply(
        tmp_path,
        """

        @bp.patch("/lamps/<int:lamp_id>")
        def rename_lamp(lamp_id: int) -> str:
            payload = request.get_json()
            lamp = db.session.get(Lamp, lamp_id)
            if lamp is None:
                return "missing"
            lamp.label = payload["label"]
            db.session.commit()
            return "ok"
        """,
        config,
    )
    [manual] = [v for v in result.violations if not v.fixable]
    assert manual.reason_id == "type-required-but-unknown"
    assert "parameter `payload`" in manual.reason


def test_a_query_property_result_is_any_where_the_project_checks_types(tmp_path: Path) -> None:
    """Flask-SQLAlchemy types ``Lamp.query`` results ``Any``: in a project that runs mypy the
    service's parameter is ``Any`` too, so mypy does not check moved code it never checked in
    the route (``lamp.room = lamp.label`` assigns an optional to a plain column)."""
    body = """

        @bp.post("/lamps/<int:lamp_id>/reset")
        def reset_lamp(lamp_id: int) -> str:
            lamp = Lamp.query.filter_by(id=lamp_id).first()
            if not lamp:
                return "missing"
            lamp.room = lamp.label
            db.session.commit()
            return "ok"
        """
    result, after = _apply(tmp_path / "checked", body)
    assert [v.reason for v in result.violations] == []
    assert "def reset_lamp(lamp: Any) -> None:" in after["app/services/lamp_service.py"]
    _result, unchecked = _apply(tmp_path / "unchecked", body, config="[project]\nname = 'x'\n")
    assert "def reset_lamp(lamp: Lamp) -> None:" in unchecked["app/services/lamp_service.py"]


def test_a_query_property_result_only_handed_to_the_session_keeps_its_model(
    tmp_path: Path,
) -> None:
    """``db.session.delete(lamp)`` cannot fail a checker whatever ``lamp`` is: the parameter
    keeps the model's type."""
    result, after = _apply(
        tmp_path,
        """

        @bp.delete("/lamps/<int:lamp_id>")
        def delete_lamp(lamp_id: int) -> str:
            lamp = Lamp.query.filter_by(id=lamp_id).first()
            if not lamp:
                return "missing"
            db.session.delete(lamp)
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    assert "def delete_lamp(lamp: Lamp) -> None:" in after["app/services/lamp_service.py"]


def test_text_methods_on_request_text_keep_it_text(tmp_path: Path) -> None:
    """``request.headers.get(..., "").split(" ")[1]`` and ``request.form[...].strip().lower()``
    are ``str`` to the checker (werkzeug's ``str``, then ``str``'s own methods): the service's
    parameters say so, and the unit moves instead of being reported for an unknown type."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/lamps")
        def create_lamp() -> str:
            token = request.headers.get("Authorization", "").split(" ")[1]
            room = request.form["room"].strip().lower()
            parts = request.form["label"].split(",")[:2]
            try:
                db.session.add(Lamp(room=room + token, label=parts[0], watts=1))
                db.session.commit()
            except Exception:
                db.session.rollback()
                return "failed"
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    service = after["app/services/lamp_service.py"]
    assert "token: str" in service
    assert "room: str" in service
    assert "parts: list[str]" in service


def test_text_methods_on_a_read_that_may_be_none_stay_unknown(tmp_path: Path) -> None:
    """``request.args.get("q")`` may be None, so ``.strip()`` on it is no plain ``str`` read: the
    parameter's type is unknown and the unit is reported, not typed wrong."""
    result, _ = _apply(
        tmp_path,
        """

        @bp.post("/lamps")
        def create_lamp() -> str:
            room = request.args.get("room").strip()
            try:
                db.session.add(Lamp(room=room, watts=1))
                db.session.commit()
            except Exception:
                db.session.rollback()
                return "failed"
            return "ok"
        """,
    )
    assert [v.reason_id for v in result.violations] == ["type-required-but-unknown"]


def test_a_module_level_instance_the_routes_share_gets_its_class(tmp_path: Path) -> None:
    """``lamp_index = LampIndex()`` at module level, passed to the service: typed ``LampIndex``,
    imported where the route module imports it."""
    files = {
        "pyproject.toml": STRICT,
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/models.py": MODELS,
        "app/index.py": (
            "from app.models import Lamp\n\n\nclass LampIndex:\n"
            "    def add(self, lamp: Lamp) -> None:\n        pass\n"
        ),
        "app/routes/__init__.py": "",
        "app/routes/lamps.py": HEADER
        + textwrap.dedent(
            """\
            from app.index import LampIndex

            lamp_index = LampIndex()


            @bp.post("/lamps")
            def create_lamp() -> str:
                lamp = Lamp(room=request.form["room"], watts=1)
                db.session.add(lamp)
                lamp_index.add(lamp)
                db.session.commit()
                return "ok"
            """
        ),
    }
    result = apply_in_process(tmp_path, "move-commits", files, "app/routes")
    assert [v.reason for v in result.violations] == []
    service = {c.path: c.after.decode() for c in result.changes}["app/services/lamp_service.py"]
    assert "from app.index import LampIndex\n" in service
    assert "lamp_index: LampIndex" in service


def test_what_is_read_off_the_json_body_in_one_chain_is_any(tmp_path: Path) -> None:
    """``request.get_json().get("label")``, with no name for the body in between, is ``Any``
    to the checker as ``payload.get("label")`` is."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/lamps")
        def create_lamp() -> str:
            label = request.get_json().get("label")
            try:
                db.session.add(Lamp(room="hall", label=label, watts=1))
                db.session.commit()
            except Exception:
                db.session.rollback()
                return "failed"
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    assert "label: Any" in after["app/services/lamp_service.py"]


HELPERS = """\
from typing import Optional

from app.models import Lamp
from app.rooms import Room


def make_lamp(room: str) -> Lamp:
    return Lamp(room=room, watts=40)


def find_room(name: str) -> Optional[Room]:
    return None


def cached_room(name: str) -> Room:
    return Room()
"""


def _apply_with_helpers(tmp_path: Path, body: str) -> tuple[RunResult, dict[str, str]]:
    """:func:`_apply` with ``app/helpers.py`` (annotated helpers) and ``app/rooms.py``."""
    extra = {"app/rooms.py": "class Room:\n    pass\n", "app/helpers.py": HELPERS}
    return _apply(tmp_path, body, extra=extra)


#: a route that hands a room it read to a helper of its own before adding a lamp: the room is a
#: parameter of the service method
_PLACING_ROUTE = """

@bp.post("/lamps/{letter}")
{prefix}def add_lamp_{letter}() -> str:
    room = {room}
    try:
        lamp = Lamp(room="{letter}", watts=1)
        _place(room, lamp)
        db.session.add(lamp)
        db.session.commit()
    except Exception:
        db.session.rollback()
        return "failed"
    return "ok"
"""


def _routes_placing_a_room(imported: str, rooms: tuple[str, str], prefix: str = "") -> str:
    """A route module's body that imports ``imported`` from ``app.helpers`` and has the routes
    ``add_lamp_a`` and ``add_lamp_b``, which read their room as ``rooms`` say; ``prefix`` is
    ``"async "`` for async routes."""
    routes = "".join(
        _PLACING_ROUTE.format(letter=letter, prefix=prefix, room=room)
        for letter, room in zip("ab", rooms, strict=True)
    )
    return (
        f"from app.helpers import {imported}\n\n\n"
        "def _place(room: object, lamp: Lamp) -> None:\n    pass\n" + routes
    )


def test_a_project_helpers_result_gets_its_return_annotation(tmp_path: Path) -> None:
    """``lamp = make_lamp(...)`` with ``make_lamp`` imported from the project and annotated
    ``-> Lamp``: the service's parameter is ``Lamp``, imported where the helper's module
    imports it."""
    result, after = _apply_with_helpers(
        tmp_path,
        """\
        from app.helpers import make_lamp


        @bp.post("/lamps")
        def create_lamp() -> str:
            lamp = make_lamp(request.form["room"])
            try:
                db.session.add(lamp)
                db.session.commit()
            except Exception:
                db.session.rollback()
                return "failed"
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    service = after["app/services/lamp_service.py"]
    assert "lamp: Lamp" in service
    assert "from app.models import Lamp\n" in service


def test_an_awaited_async_helpers_result_gets_its_return_annotation(tmp_path: Path) -> None:
    """``room = await fetch_room(...)`` of an ``async def fetch_room(...) -> Room`` of the project:
    the ``await`` gives the annotation (Prefect's routes await their model functions); the same
    helper not awaited gives a coroutine, and stays unknown."""
    helpers = HELPERS + "\n\nasync def fetch_room(name: str) -> Room:\n    return Room()\n"
    extra = {"app/rooms.py": "class Room:\n    pass\n", "app/helpers.py": helpers}
    result, after = _apply(
        tmp_path,
        _routes_placing_a_room(
            "fetch_room",
            ('await fetch_room(request.form["room"])', 'fetch_room(request.form["room"])'),
            "async ",
        ),
        extra=extra,
    )
    assert [(v.scope, v.reason_id) for v in result.violations] == [
        ("add_lamp_b", "type-required-but-unknown")
    ]
    service = after["app/services/lamp_service.py"]
    assert "room: Room" in service
    assert "from app.rooms import Room\n" in service


def test_a_helper_that_may_return_none_or_is_decorated_stays_unknown(tmp_path: Path) -> None:
    """``-> Optional[Room]`` (the route may have ruled None out, which the service could not
    show) and a decorated helper (a decorator may change what a call returns) are unknown: the
    units are reported, not typed wrong."""
    helpers = HELPERS.replace("def cached_room", "@staticmethod\ndef cached_room")
    files = {
        "pyproject.toml": STRICT,
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/models.py": MODELS,
        "app/rooms.py": "class Room:\n    pass\n",
        "app/helpers.py": helpers,
        "app/routes/__init__.py": "",
        "app/routes/lamps.py": HEADER
        + _routes_placing_a_room(
            "cached_room, find_room",
            ('find_room(request.form["room"])', 'cached_room(request.form["room"])'),
        ),
    }
    result = apply_in_process(tmp_path, "move-commits", files, "app/routes")
    reasons = [v.reason for v in result.violations]
    assert [v.reason_id for v in result.violations] == ["type-required-but-unknown"] * 2
    assert all("parameter `room`" in reason for reason in reasons)


def test_a_get_with_a_none_default_is_optional_text(tmp_path: Path) -> None:
    """``request.form.get("label", None)`` is what ``get("label")`` is, ``str | None``, and
    plain ``str`` inside ``if label:``."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/lamps/<int:lamp_id>/label")
        def label_lamp(lamp_id: int) -> str:
            label = request.form.get("label", None)
            room = request.args.get("room", default=None)
            if label:
                lamp = Lamp(room=room or "hall", label=label, watts=10)
                lamp.room = label
                db.session.add(lamp)
                db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    service = after["app/services/lamp_service.py"]
    assert "label: str," in service or "label: str)" in service
    assert "room: str | None" in service


def test_a_name_set_to_none_then_to_a_typed_value_is_optional(tmp_path: Path) -> None:
    """``label = None`` and, on some paths, ``label = request.form["label"]``: the checker reads
    ``str | None``, and so does the service."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/lamps")
        def create_lamp() -> str:
            label = None
            if request.form.get("labelled"):
                label = request.form["label"]
            db.session.add(Lamp(room="hall", label=label, watts=10))
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    assert "label: str | None" in after["app/services/lamp_service.py"]


def test_a_declared_name_has_its_declared_type_on_every_path(tmp_path: Path) -> None:
    """``room: str`` declared before the branches that assign it: the checker reads ``str``
    whatever each branch assigns (a value of unknown type here), and so does the service."""
    result, after = _apply(
        tmp_path,
        """
        FLOORS = {"1": "hall"}

        @bp.post("/lamps")
        def create_lamp() -> str:
            room: str
            if request.form.get("upstairs"):
                room = FLOORS[request.form["room"]]
            else:
                room = request.form["room"]
            db.session.add(Lamp(room=room, label=None, watts=10))
            db.session.commit()
            return "ok"
        """,
    )
    assert [v.reason for v in result.violations] == []
    assert "def create_lamp(room: str) -> None:" in after["app/services/lamp_service.py"]


@pytest.mark.parametrize(
    "guarded",
    [
        "    if room is None:\n        return 'missing'\n    _hang(room)\n    db.session.commit()\n",
        "    if room:\n        _hang(room)\n        db.session.commit()\n",
    ],
)
def test_a_helper_that_may_return_none_is_typed_where_the_route_rules_none_out(
    tmp_path: Path, guarded: str
) -> None:
    """``room = find_room(...)`` (``-> Optional[Room]``) after ``if room is None: return``,
    or inside ``if room:``: mypy reads ``Room`` there, and so does the service."""
    body = (
        "from app.helpers import find_room\n\n\n"
        "def _hang(room: object) -> None:\n    pass\n\n\n"
        '@bp.post("/lamps")\n'
        "def add_lamp() -> str:\n"
        '    room = find_room(request.form["room"])\n' + guarded + '    return "ok"\n'
    )
    result, after = _apply_with_helpers(tmp_path, body)
    assert [v.reason for v in result.violations] == []
    service = after["app/services/lamp_service.py"]
    assert "room: Room" in service
    assert "Optional" not in service


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("db.session.query(Lamp).filter_by(room=room).all()", "lamps: list[Lamp]"),
        # 2.0's `scalars(...).all()` is a `Sequence`, not a list: not guessed
        ("db.session.scalars(select(Lamp).filter_by(room=room)).all()", None),
    ],
)
def test_the_rows_of_a_legacy_query_are_a_list_of_its_entity(
    tmp_path: Path, query: str, expected: str | None
) -> None:
    """``lamps = session.query(Lamp)....all()`` is ``list[Lamp]``; under Python 3.8 the new
    service module postpones its annotations, which 3.8 could not evaluate."""
    config = STRICT + '\n[project]\nname = "x"\nrequires-python = ">=3.8"\n'
    result, after = _apply(
        tmp_path,
        f"""\
        from sqlalchemy import select


        @bp.post("/rooms/<room>/off")
        def switch_off(room: str) -> str:
            lamps = {query}
            if not lamps:
                return "none"
            for lamp in lamps:
                lamp.watts = 0
            db.session.commit()
            return "ok"
        """,
        config,
    )
    service = _typed_or_reported(result, after, "lamps", expected)
    if expected is not None:
        assert service.startswith('"""') and "from __future__ import annotations\n" in service


ROOMS = """\
from typing import Optional


class Room:
    @classmethod
    def find(cls, name: str) -> "Room":
        return cls()

    @classmethod
    def lookup(cls, name: str) -> Optional["Room"]:
        return None

    def describe(self) -> "Room":
        return self
"""


@pytest.mark.parametrize(
    ("call", "guard", "expected"),
    [
        ("Room.find(request.form['room'])", "", "room: Room"),
        (
            "Room.lookup(request.form['room'])",
            "    if room is None:\n        return 'no'\n",
            "room: Room",
        ),
        # may be None where the unit runs: unknown
        ("Room.lookup(request.form['room'])", "", None),
        # not a class or static method: unknown
        ("Room.describe(Room())", "", None),
    ],
)
def test_a_class_method_that_returns_its_class_gives_that_class(
    tmp_path: Path, call: str, guard: str, expected: str | None
) -> None:
    """``room = Room.find(...)``, a ``@classmethod`` of a class the route imports from the
    project, annotated ``-> "Room"`` (or ``Optional["Room"]`` where the route rules None out):
    the service's parameter is ``Room``, imported as the route imports it."""
    body = (
        "from app.rooms import Room\n\n\n"
        "def _hang(room: object) -> None:\n    pass\n\n\n"
        '@bp.post("/lamps")\n'
        "def add_lamp() -> str:\n"
        f"    room = {call}\n"
        + (guard or "    if request.args.get('dry'):\n        return 'dry'\n")
        + "    _hang(room)\n    db.session.commit()\n    return 'ok'\n"
    )
    result, after = _apply(tmp_path, body, extra={"app/rooms.py": ROOMS})
    service = _typed_or_reported(result, after, "room", expected)
    if expected is not None:
        assert "from app.rooms import Room\n" in service


@pytest.mark.parametrize(
    ("helper", "expected"),
    [
        ("def _find(room: str) -> Lamp:\n    return Lamp()\n", "lamp: Lamp"),
        # may be None where the unit runs: optional, spelled as the module spells it
        ("def _find(room: str) -> Optional[Lamp]:\n    return None\n", "lamp: Optional[Lamp]"),
        # a decorator may change what a call returns: unknown
        ("@cache\ndef _find(room: str) -> Lamp:\n    return Lamp()\n", None),
    ],
)
def test_a_function_of_the_route_module_gives_its_return_annotation(
    tmp_path: Path, helper: str, expected: str | None
) -> None:
    """securedrop's ``source = get_or_404(Source, ...)``, a function of the route module
    annotated ``-> db.Model``: the service's parameter takes that annotation."""
    result, after = _apply(
        tmp_path,
        "from functools import cache\nfrom typing import Optional\n\n\n"
        + helper
        + "\n\n"
        + '@bp.post("/lamps/<room>")\n'
        + "def dim_lamp(room: str) -> str:\n"
        + "    lamp = _find(room)\n"
        + "    if request.args.get('dry'):\n        return 'dry'\n"
        + "    db.session.add(Lamp(room=room, label=str(lamp), watts=1))\n"
        + "    db.session.commit()\n    return 'ok'\n",
    )
    _typed_or_reported(result, after, "lamp", expected)


def test_a_forms_field_data_assigned_in_the_route_is_any(tmp_path: Path) -> None:
    """``label = form.label.data`` in the route is ``Any``, as WTForms types it and as the
    service's parameter for ``form.label.data`` read in the moved code is: timesketch's
    ``create_story(title, ..., content_data: Any, ...)`` no longer mixes the two."""
    body = (
        "from app.forms import LampForm\n\n\n"
        '@bp.post("/lamps")\n'
        "def create_lamp() -> str:\n"
        "    form = LampForm()\n"
        "    label = form.label.data\n"
        "    if not label:\n        return 'missing'\n"
        "    db.session.add(Lamp(room=form.room.data, label=label, watts=1))\n"
        "    db.session.commit()\n    return 'ok'\n"
    )
    result, after = _apply(tmp_path, body, extra={"app/forms.py": "class LampForm:\n    pass\n"})
    service = _typed_or_reported(result, after, "label", "label: Any")
    assert "room: Any" in service
