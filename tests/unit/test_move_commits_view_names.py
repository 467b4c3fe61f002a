"""move-commits: the names of service methods for class-based views and for two units of one
route."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits.method_names import titled_name
from testkit import apply_in_process

MODELS = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Report(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    zapped_by = db.Column(db.Integer)
    state = db.Column(db.String(20))
    disabled = db.Column(db.Boolean)


class Seen(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    report_id = db.Column(db.Integer)
"""
HEADER = """\
from flask import redirect, request
from flask.views import MethodView
from flask_login import current_user

from app.models import Report, Seen, db
"""


def _methods(tmp_path: Path, views: str) -> list[str]:
    """The service methods move-commits writes for ``app/views/admin.py`` (HEADER + ``views``)."""
    files = {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/views/__init__.py": "",
        "app/views/admin.py": HEADER + textwrap.dedent(views),
    }
    result = apply_in_process(tmp_path, "move-commits", files, "app/views")
    assert [v.reason for v in result.violations] == []
    (service,) = [c.after.decode() for c in result.changes if c.path.endswith("_service.py")]
    return re.findall(r"def (\w+)\(", service)


def test_a_create_routes_failure_branch_is_named_for_the_status_it_sets(tmp_path: Path) -> None:
    """``report_create_v2`` creates a report, then marks it failed when a check fails: the
    first unit is ``create_report`` (the verb first, the API version dropped), the second
    ``mark_report_failed``, not the create route's name again (``report_create_v2``). A route
    named for what it does keeps its name, verb first (``report_cancel``: ``cancel_report``)."""
    methods = _methods(
        tmp_path,
        """

        def start_check(payload):
            return {"status": "ok"}


        def report_create_v2():
            report = Report(state="planned")
            db.session.add(report)
            db.session.commit()
            result = start_check(request.form)
            if result["status"] != "ok":
                report.state = "failed"
                report.zapped_by = None
                db.session.commit()
                return redirect("/")
            return redirect("/reports")


        def report_cancel(report_id):
            report = db.session.get(Report, report_id)
            report.state = "cancelled"
            db.session.commit()
            return redirect("/reports")
        """,
    )
    assert methods == ["create_report", "mark_report_failed", "cancel_report"]


def test_a_route_naming_its_state_verb_last_names_the_unit_for_it(tmp_path: Path) -> None:
    """``moderate_enable`` sets ``report.disabled = False`` (and adds the report again): the
    verb is the route's last word, so the unit is ``enable_report``; ``moderate_disable`` the
    opposite, ``disable_report``."""
    methods = _methods(
        tmp_path,
        """

        def moderate_enable(report_id):
            report = db.session.get(Report, report_id)
            report.disabled = False
            db.session.add(report)
            db.session.commit()
            return redirect("/reports")


        def moderate_disable(report_id):
            report = db.session.get(Report, report_id)
            report.disabled = True
            db.session.add(report)
            db.session.commit()
            return redirect("/reports")
        """,
    )
    assert methods == ["enable_report", "disable_report"]


def test_a_value_read_as_any_is_named_by_its_variable(tmp_path: Path) -> None:
    """``report = g.report`` is typed ``Any``: the bare verb ``rename`` is completed with the
    variable's name (``rename_report``), not with the type's (``rename_any``)."""
    methods = _methods(
        tmp_path,
        """
        from flask import g


        def rename():
            report = g.report
            report.state = request.form["state"]
            db.session.add(report)
            db.session.commit()
            return redirect("/reports")
        """,
    )
    assert methods == ["rename_report"]


def test_a_view_named_for_what_it_does_names_its_unit(tmp_path: Path) -> None:
    """``MarkReportRead.post`` marks reports read: its unit is ``mark_report_read``, not the
    ``update_reports`` its attribute writes alone would say. Adding the rows a query loaded
    (``add_all(reports)``) creates nothing."""
    methods = _methods(
        tmp_path,
        """

        class MarkReportRead(MethodView):
            def post(self):
                reports = Report.query.filter(Report.zapped_by == None).all()
                report_list = []
                for report in reports:
                    report.zapped_by = current_user.id
                    report_list.append(report)
                db.session.add_all(report_list)
                db.session.commit()
                return redirect("/")


        class ReportList(MethodView):
            def post(self):
                reports = Report.query.filter(Report.zapped_by == None).all()
                for report in reports:
                    report.zapped_by = 1
                db.session.add_all(reports)
                db.session.commit()
                return redirect("/")
        """,
    )
    assert methods == ["mark_report_read", "update_reports"]


BUILT_LISTS = {
    "a comprehension": (
        "    seen = [Seen(report_id=report.id) for report in Report.query.all()]\n"
    ),
    "appended in a loop": (
        "    seen = []\n"
        "    for report in Report.query.all():\n"
        "        mark = Seen(report_id=report.id)\n"
        "        seen.append(mark)\n"
    ),
    "given to the unit": "    seen = build_seen()\n",  # (a function of another module)
}


@pytest.mark.parametrize("body", sorted(BUILT_LISTS))
def test_rows_built_into_a_list_and_added_are_created(tmp_path: Path, body: str) -> None:
    """``add_all`` of a list the unit fills with new rows creates them, and so does ``add_all``
    of a list whose rows the code does not show."""
    views = (
        "from flask import Blueprint\n\nfrom app.building import build_seen\n\n"
        "bp = Blueprint('seen', __name__)\n\n\n"
        "@bp.post('/seen')\ndef index():\n"
        + BUILT_LISTS[body]
        + "    db.session.add_all(seen)\n    db.session.commit()\n    return redirect('/')\n"
    )
    assert _methods(tmp_path, views) == ["create_seen"]


def test_the_comment_above_a_second_unit_names_it(tmp_path: Path) -> None:
    """Two units of one view would be ``mark_read`` and ``mark_read_2``: the comment above the
    second says what sets it apart."""
    methods = _methods(
        tmp_path,
        """

        class MarkRead(MethodView):
            def post(self, report_id=None):
                # Mark one report as read
                if report_id is not None:
                    report = Report.query.get_or_404(report_id)
                    report.zapped_by = current_user.id
                    db.session.commit()
                    return redirect("/")

                # Mark all reports as read
                for report in Report.query.all():
                    report.zapped_by = current_user.id
                db.session.commit()
                return redirect("/")
        """,
    )
    assert methods == ["mark_read", "mark_all_reports_read"]


@pytest.mark.parametrize(
    ("heading", "name", "expected"),
    [
        ("# Mark all forums as read", "mark_read", "mark_all_forums_read"),
        ("# mark all as read.", "mark_read", "mark_all_read"),
        ("# Mark it", "mark_read", "mark_it"),
        ("# Delete the old rows", "mark_read", ""),
        ("# Mark read", "mark_read", ""),
        ("# TODO: mark all read", "mark_read", ""),
        ("# Mark all forums as read, then flash a message to the user", "mark_read", ""),
        ("# mark", "mark_read", ""),
        ("", "mark_read", ""),
    ],
)
def test_a_short_title_starting_with_the_verb_is_a_name(
    heading: str, name: str, expected: str
) -> None:
    assert titled_name(heading, name) == expected


def test_a_row_built_through_its_module_or_found_names_its_entity(tmp_path: Path) -> None:
    """``models.Report(...)`` builds a report, whatever the variable is called; ``seen_found``
    is a ``seen`` row found by a query."""
    methods = _methods(
        tmp_path,
        """

        from app import models


        def index():
            rp = models.Report(zapped_by=request.form["by"])
            db.session.add(rp)
            db.session.commit()
            return redirect("/")


        def remove(seen_id):
            seen_found = db.session.get(Seen, seen_id)
            db.session.delete(seen_found)
            db.session.commit()
            return redirect("/")
        """,
    )
    assert methods == ["create_report", "delete_seen"]


def test_a_route_named_for_a_page_of_its_row_names_the_unit_for_its_write(
    tmp_path: Path,
) -> None:
    """``report_genkeys`` calls ``report.generate_keys()``: the route's name is its row's page,
    so the method says what it does (``generate_report_keys``); ``report_edit`` puts its verb
    first; a call that says what is not done (``dont_touch_updated_at()``) is no verb."""
    methods = _methods(
        tmp_path,
        """

        def report_genkeys(report_id):
            report = db.session.get(Report, report_id)
            report.generate_keys()
            db.session.commit()
            return redirect("/reports")


        def report_edit(report_id):
            report = db.session.get(Report, report_id)
            report.state = request.form["state"]
            report.disabled = False
            db.session.commit()
            return redirect("/reports")


        def stats_quota(report_id):
            report = db.session.get(Report, report_id)
            report.zapped_by = request.json["by"]
            report.dont_touch_updated_at()
            db.session.commit()
            return ""
        """,
    )
    assert methods == ["generate_report_keys", "edit_report", "stats_quota"]


def test_a_branch_that_needs_nothing_back_calls_the_method_that_returns_a_row(
    tmp_path: Path,
) -> None:
    """The JSON branch reads the new row's id, the form branch nothing: both call one method,
    the second ignoring what it returns."""
    files = {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/views/__init__.py": "",
        "app/views/admin.py": HEADER
        + textwrap.dedent(
            """

            def add_seen(report_id):
                if request.is_json:
                    seen = Seen(report_id=report_id)
                    db.session.add(seen)
                    db.session.commit()
                    return {"id": seen.id}, 201
                seen = Seen(report_id=report_id)
                db.session.add(seen)
                db.session.commit()
                return redirect("/reports")
            """
        ),
    }
    result = apply_in_process(tmp_path, "move-commits", files, "app/views")
    assert [v.reason for v in result.violations] == []
    after = {c.path: c.after.decode() for c in result.changes}
    service = next(text for path, text in after.items() if path.endswith("_service.py"))
    assert re.findall(r"def (\w+)\(", service) == ["add_seen"]
    route = after["app/views/admin.py"]
    assert "        seen = AdminService.add_seen(report_id)\n" in route
    assert "\n    AdminService.add_seen(report_id)\n" in route


def test_a_call_on_the_modules_logger_names_nothing(tmp_path: Path) -> None:
    """``log.info(...)`` in the unit is logging, not a write of a row called ``log``
    (``info_log``): the route's name is kept, as for attribute writes alone."""
    methods = _methods(
        tmp_path,
        """
        import logging

        log = logging.getLogger(__name__)


        def receive(report_id):
            report = db.session.get(Report, report_id)
            report.zapped_by = int(request.form["by"])
            log.info("zapped")
            db.session.commit()
            return ""
        """,
    )
    assert methods == ["receive"]


def test_a_row_looked_up_through_its_module_is_named_for_its_class(tmp_path: Path) -> None:
    """``found = models.Report.query.filter_by(...).first()``: the row deleted is a report,
    whatever the variable says (``email_found`` is no ``email``)."""
    methods = _methods(
        tmp_path,
        """
        from app import models


        def remove(state):
            email_found = models.Report.query.filter_by(state=state).first()
            if email_found is None:
                return "no", 404
            db.session.delete(email_found)
            db.session.commit()
            return ""
        """,
    )
    assert methods == ["delete_report"]


def test_a_second_unit_writing_through_a_helper_takes_the_helpers_name(tmp_path: Path) -> None:
    """Both branches of ``timeline`` write through a helper of the project and commit: the
    first takes the route's name, the second its helper's (``log_seen_event``), not
    ``timeline_2``."""
    methods = _methods(
        tmp_path,
        """
        from app.events import log_report_event, log_seen_event


        def timeline(report_id, kind):
            if kind == "report":
                log_report_event(report_id)
                db.session.commit()
            else:
                log_seen_event(report_id)
                db.session.commit()
            return ""
        """,
    )
    assert methods == ["timeline", "log_seen_event"]


@pytest.mark.parametrize(
    ("view", "subject"),
    [
        ("ItemCommentDelete", "item_comment"),
        ("AccountPatternAuditScoreGetPutDelete", "account_pattern_audit_score"),
        ("WatcherConfigPuts", "watcher_config"),
        ("BlogPost", "blog_post"),  # `Post` is as often a noun: kept
        ("BlogPostDelete", "blog_post"),
        ("JobListView", "job"),
    ],
)
def test_a_views_http_methods_are_not_what_it_serves(view: str, subject: str) -> None:
    """A view class named with the HTTP methods it answers (Flask-RESTful's
    ``ItemGetPutDelete``) serves an item: its service methods are ``delete_item``, not
    ``delete_item_get_put_delete``."""
    from backfix.builtin_codemods.move_commits.placement import view_subject

    assert view_subject(view) == subject


def test_a_query_variables_bulk_delete_is_named_for_the_rows_it_deletes(tmp_path: Path) -> None:
    """``query.delete()`` of ``query = Comment.query.filter(...)``, refined by ``query =
    query.filter(...)``: a bulk delete of comments, not ``delete_query``."""
    files = {
        "app/__init__.py": "",
        "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/models.py": "",
        "app/views/__init__.py": "",
        "app/views/comments.py": textwrap.dedent(
            """\
            from flask_restful import Resource

            from app.extensions import db
            from app.models import Comment


            class CommentDelete(Resource):
                def delete(self, post_id, comment_id):
                    query = Comment.query.filter(Comment.id == comment_id)
                    query = query.filter(Comment.post_id == post_id)
                    if query.first() is None:
                        return {}, 404
                    query.delete()
                    db.session.commit()
                    return {}, 202
            """
        ),
    }
    result = apply_in_process(tmp_path, "move-commits", files, "app/views")
    route = next(c for c in result.changes if c.path == "app/views/comments.py").after.decode()
    assert "CommentService.delete_comments(query)" in route


def test_a_route_named_verb_last_gives_its_name_verb_first_on_a_clash(tmp_path: Path) -> None:
    """Mailu's ``alias_delete`` and ``anonalias_delete`` both delete an alias: the second
    method, whose writes' name is taken, is named for its route verb first
    (``delete_anonalias``), as a method is, not ``anonalias_delete``."""
    methods = _methods(
        tmp_path,
        """
        from flask import Blueprint

        bp = Blueprint("reports", __name__)


        @bp.route("/reports/<int:report_id>/delete")
        def report_delete(report_id):
            report = Report.query.get(report_id)
            db.session.delete(report)
            db.session.commit()
            return redirect("/")


        @bp.route("/anon/<int:report_id>/delete")
        def anonreport_delete(report_id):
            found = Report.query.get(report_id)
            if found is None:
                return redirect("/")
            found.state = "gone"
            db.session.delete(found)
            db.session.commit()
            return redirect("/")
        """,
    )
    assert methods == ["delete_report", "delete_anonreport"]
