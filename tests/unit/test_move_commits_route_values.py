"""move-commits: what stays in the route, and what the service takes as values, where the first
choice would read oddly to a reviewer (a numbered parameter, the whole config, a list handed
over to be changed, a form beside its own fields)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from testkit import apply_in_process

from backfix.results import RunResult

HEADER = """\
from flask import Blueprint, current_app, redirect, request
from flask.views import MethodView
from flask_login import current_user

from app.extensions import db
from app.forms import ShelfForm
from app.models import Book, Shelf
from app.settings import LOAN_DAYS

bp = Blueprint("shelves", __name__)
"""


def _apply(tmp_path: Path, body: str) -> tuple[RunResult, dict[str, str]]:
    """Runs move-commits on ``app/routes/shelves.py`` (HEADER + ``body``); the changed files."""
    files = {
        "app/__init__.py": "",
        "app/routes/__init__.py": "",
        "app/routes/shelves.py": HEADER + textwrap.dedent(body),
    }
    result = apply_in_process(tmp_path, "move-commits", files, "app/routes")
    return result, {c.path: c.after.decode() for c in result.changes}


def test_the_signed_in_users_id_beside_a_route_user_id_says_whose_it_is(tmp_path: Path) -> None:
    """``current_user.id`` next to the route's own ``user_id``: ``current_user_id``, not
    ``user_id_2``."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/users/<int:user_id>/shelf")
        def lend_shelf(user_id):
            shelf = db.session.get(Shelf, user_id)
            shelf.lent_by = current_user.id
            db.session.commit()
            return redirect("/")
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/shelves.py"]
    assert "ShelfService.lend_shelf(user_id, current_user_id=current_user.id)" in route
    service = after["app/services/shelf_service.py"]
    assert "shelf.lent_by = current_user_id" in service
    assert "user_id_2" not in service


def test_a_config_value_read_by_a_modules_constant_is_passed_as_that_value(
    tmp_path: Path,
) -> None:
    """``current_app.config[LOAN_DAYS]`` (an imported constant) is a value the route reads, as
    ``current_app.config["LOAN_DAYS"]`` is: the service never gets the whole config."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/books")
        def create_book():
            book = Book(title=request.form["title"], loan_days=current_app.config[LOAN_DAYS])
            db.session.add(book)
            db.session.commit()
            return redirect("/")
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/shelves.py"]
    assert "loan_days=current_app.config[LOAN_DAYS]" in route
    service = after["app/services/shelf_service.py"]
    assert "config" not in service
    assert "Book(title=title, loan_days=loan_days)" in service


def test_a_local_upper_case_key_is_no_constant(tmp_path: Path) -> None:
    """A key the route computes, even in upper case, is not read early as a constant would be."""
    _result, after = _apply(
        tmp_path,
        """

        @bp.post("/books")
        def create_book():
            KEY = request.form["setting"]
            book = Book(title="x", loan_days=current_app.config[KEY])
            db.session.add(book)
            db.session.commit()
            return redirect("/")
        """,
    )
    assert "current_app.config[KEY]" not in after.get("app/routes/shelves.py", "")


def test_a_collection_the_unit_adds_to_is_reached_from_its_owner(tmp_path: Path) -> None:
    """``self.shelf.books.append(book)``: the service takes the shelf and appends to its books,
    instead of being handed the list to change."""
    result, after = _apply(
        tmp_path,
        """

        class ShelfBooksView(MethodView):
            def post(self):
                book = Book(title=request.form["title"])
                self.shelf.books.append(book)
                db.session.add(book)
                db.session.commit()
                return redirect("/")
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/shelves.py"]
    assert "shelf=self.shelf" in route
    assert "self.shelf.books" not in route
    service = after["app/services/shelf_service.py"]
    assert "shelf.books.append(book)" in service


def test_a_comparison_read_only_the_route_uses_stays_in_the_route(tmp_path: Path) -> None:
    """``was_full = shelf.full_at is not None`` before the writes, read only after the call:
    the route keeps it, the service does not compute and return it."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/shelves/<int:shelf_id>")
        def fill_shelf(shelf_id):
            shelf = db.session.get(Shelf, shelf_id)
            if shelf is None:
                return redirect("/")
            was_full = shelf.full_at is not None
            shelf.label = request.form["label"]
            db.session.commit()
            if not was_full:
                print(shelf)
            return redirect("/")
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/shelves.py"]
    assert "    was_full = shelf.full_at is not None\n" in route
    service = after["app/services/shelf_service.py"]
    assert "was_full" not in service
    assert "return" not in service


def test_a_form_the_service_takes_whole_is_not_also_passed_field_by_field(
    tmp_path: Path,
) -> None:
    """``form.populate_obj(shelf)`` needs the form: its ``form.public.data`` is read in the
    service from it, not passed beside it as ``public=form.public.data``."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/shelves/<int:shelf_id>/edit")
        def edit_shelf(shelf_id):
            shelf = db.session.get(Shelf, shelf_id)
            form = ShelfForm()
            if form.validate_on_submit():
                if form.public.data:
                    shelf.published_by = current_user.id
                form.populate_obj(shelf)
                db.session.commit()
            return redirect("/")
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/shelves.py"]
    assert "form.public.data" not in route
    service = after["app/services/shelf_service.py"]
    assert "if form.public.data:" in service
    assert "form.populate_obj(shelf)" in service


def test_rows_looked_up_before_the_form_stay_in_the_route_with_it(tmp_path: Path) -> None:
    """``shelf = db.session.get(...)`` then ``form = ShelfForm()``: both stay in the route (the
    form is input parsing), and the unit that reads the form's fields moves with the shelf as
    a value; before, the form built inside the unit made it manual."""
    result, after = _apply(
        tmp_path,
        """

        @bp.post("/shelves/<int:shelf_id>/publish")
        def publish_shelf(shelf_id):
            shelf = db.session.get(Shelf, shelf_id)
            form = ShelfForm()
            if form.public.data:
                shelf.published_by = current_user.id
            db.session.commit()
            return redirect("/")
        """,
    )
    assert [v.reason for v in result.violations] == []
    route = after["app/routes/shelves.py"]
    assert "    shelf = db.session.get(Shelf, shelf_id)\n    form = ShelfForm()\n" in route
    assert "public=form.public.data" in route
    service = after["app/services/shelf_service.py"]
    assert "ShelfForm" not in service
    assert "db.session.get" not in service
