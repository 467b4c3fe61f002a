"""move-commits: detection, manual-review reasons, placement, plan clashes and template overrides.

The rewrite output itself is pinned by the snapshot cases in ``snapshots/move-commits/``; these tests
cover what a snapshot cannot show well: the exact violations and reasons, option handling, the
placement helpers, and that a run is all-or-nothing and idempotent.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from backfix.builtin_codemods.move_commits import reasons
from click.testing import CliRunner

from backfix.cli import main
from backfix.codemod import ConfigError
from backfix.discovery import Workspace
from backfix.registry import get_codemod
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run

MoveCommits = get_codemod("move-commits")

HEADER = """\
from flask import Blueprint, abort, flash, g, jsonify, request, session

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in {"app/__init__.py": "", "app/routes/__init__.py": "", **files}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def _run(root: Path, path: str = "app/routes", apply: bool = False, **options: Any) -> RunResult:
    spec = CodemodSpec(MoveCommits, "move-commits", tuple(sorted(options.items())))
    return run(
        Workspace(root=root),
        RunOptions(specs=[spec], paths=[root / path], apply=apply, jobs=1),
    )


def _routes(tmp_path: Path, body: str) -> RunResult:
    root = _project(tmp_path, {"app/routes/jobs.py": HEADER + textwrap.dedent(body)})
    return _run(root)


def test_one_violation_per_commit_with_scope_and_fixable_flag(tmp_path: Path) -> None:
    result = _routes(
        tmp_path,
        """

        @bp.post("/jobs")
        def create_job():
            job = Job(title=request.json["title"])
            db.session.add(job)
            db.session.commit()
            return jsonify(job.to_dict())


        @bp.delete("/jobs/<int:job_id>")
        def delete_job(job_id):
            job = db.session.get(Job, job_id)
            db.session.delete(job)
            if job.locked:
                return "locked", 409
            if job.archived:
                return "archived", 410
            db.session.commit()
            return "", 204
        """,
    )
    assert [(v.line, v.scope, v.fixable) for v in result.violations] == [
        (13, "create_job", True),
        (25, "delete_job", False),
    ]
    manual = result.manual[0]
    assert "the statement at line 23 between them returns early" in manual.reason
    assert manual.message == "`db.session.commit()` in the route layer (delete_job)"


def test_git_and_flask_session_are_not_database_sessions(tmp_path: Path) -> None:
    result = _routes(
        tmp_path,
        """
        import git

        repo = git.Repo(".")


        @bp.post("/release")
        def release():
            repo.commit()
            git.commit()
            session.commit()
            return "", 204
        """,
    )
    assert result.violations == []


@pytest.mark.parametrize(
    ("receiver", "setup"),
    [
        ("db.session", ""),
        ("self.db", ""),
        ("s", "s = db.session"),
        ("sess", ""),
        ("unit", "unit = SessionLocal()"),
    ],
)
def test_session_receivers_are_resolved(tmp_path: Path, receiver: str, setup: str) -> None:
    result = _routes(
        tmp_path,
        f"""

        def helper(self):
            {setup}
            {receiver}.commit()
        """,
    )
    assert len(result.violations) == 1


def test_session_names_option_adds_receivers(tmp_path: Path) -> None:
    body = """

    @bp.post("/jobs")
    def create_job():
        uow.register(Job())
        uow.commit()
    """
    root = _project(tmp_path, {"app/routes/jobs.py": HEADER + textwrap.dedent(body)})
    assert _run(root).violations == []
    assert len(_run(root, session_names=["uow"]).violations) == 1
    # `-o session_names=uow,repo`, as every codemod's list options read it
    assert len(_run(root, session_names="uow,repo").violations) == 1
    assert MoveCommits({"route_paths": "views, api"}).options.route_paths == ("views", "api")


def test_route_decorators_outside_route_paths(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app/main.py": HEADER
            + textwrap.dedent(
                """

                @bp.post("/jobs")
                def create_job():
                    db.session.add(Job())
                    db.session.commit()


                def helper_of_a_route_module(job):
                    db.session.delete(job)
                    db.session.commit()


                def create_app():
                    def seed():
                        db.session.add(Job())
                        db.session.commit()
                """
            ),
            "app/models.py": "def touch(job):\n    job.seen = True\n    db.session.commit()\n",
        },
    )
    result = _run(root, path="app")
    assert [v.scope for v in result.violations] == ["create_job", "helper_of_a_route_module"]


def test_command_line_commands_in_a_module_named_like_the_route_layer_are_not_routes(
    tmp_path: Path,
) -> None:
    """``manage_api.py`` matches the ``api`` route path by its name, but its functions are
    Flask-Script and click commands (``@manager.option`` alone makes one): they serve no request."""
    root = _project(
        tmp_path,
        {
            "manage_api.py": textwrap.dedent(
                """\
                import click
                from flask_script import Manager

                from app.extensions import db
                from app.models import Job

                manager = Manager()


                @manager.option("-n", "--name", dest="name")
                def add_job(name):
                    db.session.add(Job(name=name))
                    db.session.commit()


                @manager.command
                def clear_jobs():
                    Job.query.delete()
                    db.session.commit()


                @click.command()
                @click.option("--name")
                def add_job_click(name):
                    db.session.add(Job(name=name))
                    db.session.commit()


                def helper(job):
                    db.session.delete(job)
                    db.session.commit()
                """
            ),
        },
    )
    result = _run(root, path="manage_api.py")
    assert [v.scope for v in result.violations] == ["helper"]


def test_background_jobs_defined_in_a_route_module_are_not_routes(tmp_path: Path) -> None:
    """A views module that defines the jobs its routes enqueue (Flask-RQ2's ``@rq.job``,
    Celery's ``@shared_task``): a worker runs them, no request."""
    result = _routes(
        tmp_path,
        """

        @rq.job("default")
        def save_view(job_id):
            db.session.add(Job(id=job_id))
            db.session.commit()


        @shared_task
        def purge():
            Job.query.delete()
            db.session.commit()


        @bp.post("/jobs")
        def create_job():
            db.session.add(Job())
            db.session.commit()
        """,
    )
    assert [v.scope for v in result.violations] == ["create_job"]


def test_a_logging_handler_or_thread_in_a_route_module_serves_no_request(tmp_path: Path) -> None:
    """keep's ``ProviderDBHandler(logging.Handler).flush`` writes log records from a timer thread:
    its commit is no route's, and it does not become a service method."""
    result = _routes(
        tmp_path,
        """

        import logging
        import threading


        class DBHandler(logging.Handler):
            def flush(self):
                db.session.add(Job(title="log"))
                db.session.commit()


        class Sweeper(threading.Thread):
            def run(self):
                Job.query.delete()
                db.session.commit()


        class Notes(SomeBase):
            def save(self):
                db.session.add(Job())
                db.session.commit()
        """,
    )
    assert [v.scope for v in result.violations] == ["Notes.save"]


def test_a_models_own_refresh_before_the_commit_is_a_write_that_moves(tmp_path: Path) -> None:
    """Only the session's refreshes after the commit are no writes: ``token.refresh()`` on a
    model, before it, moves with the commit."""
    root = _project(
        tmp_path,
        {
            "app/routes/jobs.py": HEADER
            + textwrap.dedent(
                """

                @bp.post("/jobs/token")
                def renew():
                    job = g.job
                    job.refresh()
                    db.session.commit()
                    db.session.refresh(job)
                    return jsonify(id=job.id)
                """
            ),
        },
    )
    result = _run(root, apply=True)
    assert [v.fixable for v in [*result.fixed, *result.violations]] == [True]
    service = {c.path: c.after.decode() for c in result.changes}["app/services/job_service.py"]
    assert (
        "        job.refresh()\n        db.session.commit()\n        db.session.refresh(job)\n"
        in (service)
    )


def test_a_mixin_of_a_view_class_is_route_layer(tmp_path: Path) -> None:
    """A class a view of the module derives from runs in the view's requests: its commits are
    counted, outside route_paths too; a class no view derives from is not route layer."""
    root = _project(
        tmp_path,
        {
            "app/main.py": HEADER
            + textwrap.dedent(
                """
                from flask_restful import Resource


                class UploadMixin:
                    def store(self, job):
                        db.session.add(job)
                        db.session.commit()


                class Unrelated:
                    def store(self, job):
                        db.session.add(job)
                        db.session.commit()


                class JobResource(Resource, UploadMixin):
                    def post(self):
                        return self.store(Job())
                """
            ),
        },
    )
    result = _run(root, path="app")
    assert [v.scope for v in result.violations] == ["UploadMixin.store"]


@pytest.mark.parametrize(
    ("body", "reason", "reason_id"),
    [
        (
            """
            def f():
                for job in Job.query.all():
                    job.seen = True
                    db.session.commit()
                    flash("seen")
            """,
            "loop whose body calls the framework (`flash()`)",
            "loop-body-must-stay",
        ),
        (
            """
            def f():
                for job in Job.query.all():
                    if job.pinned:
                        break
                    db.session.delete(job)
                    db.session.commit()
            """,
            "loop with `break`",
            "loop-with-break",
        ),
        (
            """
            def f():
                job = Job()
                db.session.add(job)

                def describe():
                    return f"job {job.id}"

                db.session.commit()
                return describe()
            """,
            "the statement at line 13 between them defines a nested function or class",
            "write-split-from-commit",
        ),
        (
            """
            def f():
                job = Job()
                db.session.add(job)
                yield job.id
                db.session.commit()
            """,
            "generator",
            "generator-route",
        ),
        (
            """
            COUNT = 0
            def f():
                global COUNT
                COUNT += 1
                job = Job(n=COUNT)
                db.session.add(job)
                db.session.commit()
            """,
            "declared `global`/`nonlocal`",
            "global-or-nonlocal",
        ),
        (
            """
            def f():
                try:
                    job = Job()
                    db.session.add(job)
                    db.session.commit()
                except ValueError:
                    db.session.rollback()
                    flash(str(job))
                    raise
                return jsonify(id=job.id)
            """,
            "the `except` handler that stays in the route reads `job`",
            "handler-reads-moved-value",
        ),
        (
            """
            def f():
                job = Job()
                job.debug = str(locals())
                db.session.commit()
            """,
            "dynamic `locals()`",
            "write-split-from-commit",
        ),
        (
            """
            def f(job_id):
                job = db.session.execute(Job.select_by_id(job_id)).scalar_one()
                flash(f"deleting {job.title}")
                db.session.delete(job)
                db.session.commit()
            """,
            "the write at line 10 (`db.session.execute()`, counted as one since backfix cannot "
            "tell that the statement it runs only reads) is committed here, but the statement at "
            "line 11 between them calls the framework (`flash()`)",
            "write-split-from-commit",
        ),
        (
            """
            def f():
                job = Job()
                g.last_job = job
                db.session.add(job)
                db.session.commit()
            """,
            "writes to `g.last_job`",
            "write-split-from-commit",
        ),
        (
            """
            def f(job_id):
                job = Job.query.get_or_404(job_id)
                if job.open:
                    job.open = False
                    flash("closed")
                else:
                    job.open = True
                    flash("opened")
                db.session.commit()
            """,
            "that holds it also calls the framework (`flash()`); commit in each branch that writes, before that call",
            "write-split-from-commit",
        ),
        (
            # A commit per pass would let a later failed pass keep the earlier ones.
            """
            def f(names):
                for name in names:
                    if not name:
                        flash("empty name")
                        continue
                    db.session.add(Job(title=name))
                db.session.commit()
            """,
            "that holds it also calls the framework (`flash()`); make that call in a loop of its "
            "own before the first write (collect what the writes need), then write and commit",
            "write-split-from-commit",
        ),
        (
            """
            def f(job_id):
                job = Job(title=request.form["title"])
                parent_id = request.args.get("parent")
                if parent_id:
                    parent = Job.query.get_or_404(parent_id)
                    job.parent = parent
                db.session.add(job)
                db.session.commit()
            """,
            "a check that may stop the request: make that check before the first write",
            "write-split-from-commit",
        ),
        (
            """
            def f():
                def inner():
                    db.session.commit()
                inner()
            """,
            "nested function",
            "commit-in-nested-function",
        ),
        (
            """
            def f():
                try:
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    db.session.commit()
            """,
            "exception handler",
            "commit-in-exception-handler",
        ),
        (
            """
            def f(flag):
                if flag:
                    job = Job()
                    db.session.add(job)
                db.session.commit()
                return job
            """,
            "assigned only on some paths",
            "assigned-on-some-paths",
        ),
        (
            """
            def f():
                db.session.commit()
            """,
            "only the commit itself could move",
            "only-commit-could-move",
        ),
        # the `try` around the commit holds no write: the form's write before it stays in the
        # route (its handler catches more than database errors), so only the commit would move
        (
            """
            def f(job_id, form):
                job = db.session.get(Job, job_id)
                form.populate_obj(job)
                try:
                    db.session.commit()
                except ValueError:
                    db.session.rollback()
                    flash("duplicate")
            """,
            "only the commit itself could move",
            "only-commit-could-move",
        ),
        # a refresh after the commit moves with it, but is no write to move
        (
            """
            def f(job):
                db.session.commit()
                db.session.refresh(job)
            """,
            "only the commit itself could move",
            "only-commit-could-move",
        ),
        # adding a row the route loaded writes nothing: the commit commits what the helper
        # wrote before the early exit (timesketch's `self._add_label(...)`), which stays
        (
            """
            from flask.views import MethodView
            class JobLabels(MethodView):
                def post(self, job_id):
                    job = Job.get_by_id(job_id)
                    if not self.label(job, request.json["label"]):
                        abort(400)
                    db.session.add(job)
                    db.session.commit()
            """,
            "only the commit itself could move: the statement at line",
            "only-commit-could-move",
        ),
        (
            """
            from app.models import *
            def f():
                tag = Tag()
                db.session.add(tag)
                db.session.commit()
            """,
            "`Tag` is not defined where it is read",
            "name-not-defined",
        ),
        (
            """
            from sqlalchemy.exc import SQLAlchemyError
            def f(job_id):
                job = Job.query.get(job_id)
                if job is None:
                    abort(404)
                else:
                    db.session.delete(job)
                try:
                    db.session.commit()
                    flash("deleted")
                except SQLAlchemyError:
                    db.session.rollback()
                    flash("failed")
            """,
            "also calls the framework (`abort()`); move the commit into the branch that writes "
            "(or the early exit out of the statement)",
            "write-split-from-commit",
        ),
        (
            """
            def f(job_id):
                job = Job.query.get(job_id)
                job.open = False
                flash("closing")
                count = 1
                flash(f"closed {count}")
                db.session.commit()
            """,
            "but the statement at line 14 between them calls the framework (`flash()`) (the "
            "statement at line 12 stays in the route too)",
            "write-split-from-commit",
        ),
        (
            """
            def f(job_id):
                job = db.session.get(Job, job_id)
                if job is None:
                    abort(404)
                for other in Job.query.filter_by(owner_id=job.owner_id).all():
                    other.starred = False
                job.starred = True
                try:
                    db.session.commit()
                except:
                    flash("failed")
            """,
            "not safe here (a bare `except:`; `Job.query.filter_by(owner_id=job.owner_id).all()`, "
            "which may raise a database error)",
            "writes-before-try",
        ),
    ],
)
def test_manual_review_reasons(tmp_path: Path, body: str, reason: str, reason_id: str) -> None:
    result = _routes(tmp_path, "\n" + body)
    assert result.violations
    violation = result.violations[-1]
    assert not violation.fixable
    assert reason in violation.reason
    assert violation.reason_id == reason_id


def test_every_reason_id_is_used_and_documented() -> None:
    """Each id in ``reasons`` is set by the code and has a heading in docs/move-commits.md."""
    package = Path(reasons.__file__).parent
    code = "\n".join(p.read_text() for p in package.glob("*.py") if p.name != "reasons.py")
    ids = {
        name: value
        for name, value in vars(reasons).items()
        if name.isupper() and isinstance(value, str) and not isinstance(value, reasons.Reason)
    }
    assert len(set(ids.values())) == len(ids) > 40
    assert [name for name in ids if f"R.{name}" not in code] == []
    doc = (Path(__file__).parents[2] / "docs" / "move-commits.md").read_text()
    headings = set(re.findall(r"(?m)^### (\S+)$", doc))
    assert sorted(set(ids.values()) - headings) == []
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", value) for value in ids.values())


def test_apply_moves_and_second_run_changes_nothing(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app/routes/jobs.py": HEADER
            + textwrap.dedent(
                """

                @bp.post("/jobs")
                def create_job():
                    job = Job(title=request.json["title"], tenant_id=g.tenant_id)
                    db.session.add(job)
                    db.session.commit()
                    return jsonify(job.to_dict())
                """
            )
        },
    )
    result = _run(root, apply=True)
    assert [c.path for c in result.changes] == [
        "app/routes/jobs.py",
        "app/services/__init__.py",
        "app/services/job_service.py",
    ]
    assert len(result.fixed) == 1 and result.violations == []
    for change in result.changes:
        Path(change.abs_path).parent.mkdir(parents=True, exist_ok=True)
        Path(change.abs_path).write_bytes(change.after)
    service = (root / "app/services/job_service.py").read_text()
    assert "def create_job(title, tenant_id):" in service
    assert "request" not in service and " g." not in service
    route = (root / "app/routes/jobs.py").read_text()
    assert 'JobService.create_job(title=request.json["title"], tenant_id=g.tenant_id)' in route
    again = _run(root, apply=True)
    assert again.changes == [] and again.violations == []


def test_a_plain_read_the_unit_does_not_use_stays_in_the_route(tmp_path: Path) -> None:
    """``title = job.title`` before the first write, read only after the unit: it stays before
    the call rather than move into the service to be returned. A read the unit uses moves."""
    body = textwrap.dedent(
        """

        @bp.post("/jobs/<int:job_id>/close")
        def close_job(job_id):
            job = db.session.get(Job, job_id)
            if job is None:
                abort(404)
            title = job.title
            owner = job.owner
            job.open = False
            owner.closed_jobs += 1
            db.session.commit()
            return jsonify(title=title)
        """
    )
    result = _run(_project(tmp_path, {"app/routes/jobs.py": HEADER + body}), apply=True)
    assert result.violations == [] and len(result.fixed) == 1
    route = next(c for c in result.changes if c.path == "app/routes/jobs.py").after.decode()
    assert "    title = job.title\n    JobService.close_job(job)\n" in route
    service = next(c for c in result.changes if c.path.endswith("_service.py")).after.decode()
    assert "owner = job.owner" in service and "title" not in service


def test_a_plain_read_named_like_an_attribute_the_unit_sets_stays_in_the_route(
    tmp_path: Path,
) -> None:
    """``team_id = team.id`` then ``member.team_id = None``: the attribute reads no name
    ``team_id``, so the read stays before the call (CTFd's team deletion returned it)."""
    body = textwrap.dedent(
        """

        @bp.delete("/teams/<int:team_id>")
        def delete_team(team_id):
            team = db.session.get(Job, team_id)
            if team is None:
                abort(404)
            deleted_id = team.id
            for member in team.members:
                member.deleted_id = None
            db.session.delete(team)
            db.session.commit()
            return jsonify(deleted=deleted_id)
        """
    )
    result = _run(_project(tmp_path, {"app/routes/jobs.py": HEADER + body}), apply=True)
    assert result.violations == [] and len(result.fixed) == 1
    route = next(c for c in result.changes if c.path == "app/routes/jobs.py").after.decode()
    assert "    deleted_id = team.id\n    JobService.delete_job(team)\n" in route


def test_service_class_name_taken_by_something_else_is_manual(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app/routes/jobs.py": HEADER
            + textwrap.dedent(
                """

                @bp.post("/jobs")
                def create_job():
                    job = Job()
                    db.session.add(job)
                    db.session.commit()
                """
            ),
            "app/services/job_service.py": "JobService = None\n",
        },
    )
    result = _run(root, apply=True)
    assert result.changes == []
    assert "is not a class this codemod can extend" in result.manual[0].reason
    assert result.manual[0].reason_id == "service-class-not-extendable"


def test_unparseable_service_module_leaves_everything_untouched(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app/routes/jobs.py": HEADER
            + "\n\n@bp.post('/x')\ndef x():\n    db.session.add(Job())\n    db.session.commit()\n",
            "app/services/job_service.py": "class JobService(:\n",
        },
    )
    result = _run(root, apply=True)
    assert result.changes == []
    assert "cannot be parsed" in result.manual[0].reason
    assert result.manual[0].reason_id == "service-module-unparsable"


def test_templates_option_overrides_the_method_template(tmp_path: Path) -> None:
    templates = tmp_path / "tpl" / "move-commits"
    templates.mkdir(parents=True)
    (templates / "method.py.j2").write_text(
        "@staticmethod\n"
        "{% if is_async %}async {% endif %}def {{ method_name }}({{ parameters }}):\n"
        '    """Moved from {{ origin }}."""\n'
        "    {{ body }}\n"
    )
    root = _project(
        tmp_path / "project",
        {
            "app/routes/jobs.py": HEADER
            + "\n\n@bp.post('/x')\ndef x():\n    db.session.add(Job())\n    db.session.commit()\n"
        },
    )
    result = _run(root, apply=True, templates=str(tmp_path / "tpl"))
    service = next(c for c in result.changes if c.path.endswith("job_service.py"))
    assert '"""Moved from app/routes/jobs.py:x."""' in service.after.decode()


def test_unknown_option_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        MoveCommits({"service_folder": "x"})


def test_fingerprint_survives_line_shifts(tmp_path: Path) -> None:
    body = """

    @bp.post("/jobs")
    def create_job():
        job = Job()
        db.session.add(job)
        db.session.commit()
    """
    first = _routes(tmp_path / "a", body).violations[0]
    second = _routes(tmp_path / "b", "\n\n\n" + body).violations[0]
    assert first.line != second.line
    assert first.fingerprint == second.fingerprint


def test_describe_example_rewrites_the_route() -> None:
    result = CliRunner().invoke(main, ["describe", "move-commits"])
    assert result.exit_code == 0, result.output
    assert (
        '+    job = ExampleService.create_job(title=data["title"], tenant_id=g.tenant_id)'
        in result.stdout
    )
    assert "+++ b/services/example_service.py" in result.stdout  # the synthesized service


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("app/routes/jobs.py", ("app/services/job_service.py", "JobService")),
        (
            "app/routes/email_jobs_routes.py",
            ("app/services/email_job_service.py", "EmailJobService"),
        ),
        ("app/api/v1/categories.py", ("app/services/category_service.py", "CategoryService")),
        ("app/views.py", ("app/services/app_service.py", "AppService")),
        ("main.py", ("services/app_service.py", "AppService")),
        ("shop/routers/addresses.py", ("shop/services/address_service.py", "AddressService")),
        ("app/auth/routes.py", ("app/services/auth_service.py", "AuthService")),
        (
            "backend/app/api/routes/items.py",
            ("backend/app/services/item_service.py", "ItemService"),
        ),
        ("api/routers/items.py", ("api/services/item_service.py", "ItemService")),
        # Flask's "large applications" layout: the package names it, without its `mod_`
        ("mod_auth/controllers.py", ("mod_auth/services/auth_service.py", "AuthService")),
        # a name test runners would collect as a test module (`test_service.py`) is plural
        ("app/mod_test/controllers.py", ("app/services/tests_service.py", "TestsService")),
        ("app/routes/tests.py", ("app/services/tests_service.py", "TestsService")),
        # a FastAPI feature package's router module: the package names it
        (
            "app/workflow/management/router.py",
            ("app/workflow/services/management_service.py", "ManagementService"),
        ),
        # a singular `view` may be what the app serves (timesketch's saved views)
        ("app/api/v1/view.py", ("app/services/view_service.py", "ViewService")),
    ],
)
def test_service_location(route: str, expected: tuple[str, str]) -> None:
    from backfix.builtin_codemods.move_commits.placement import service_location

    location = service_location(
        route, ["routes", "routers", "views", "api"], "services", "{name}_service"
    )
    assert (location.path, location.class_name) == expected


@pytest.mark.parametrize(
    ("folders", "expected"),
    [
        ((), "app/services/auth_service.py"),
        (("app/user/services",), "app/auth/services/auth_service.py"),  # a package beside it
        (("app/auth/services",), "app/auth/services/auth_service.py"),  # its own package
        (("app/services", "app/user/services"), "app/services/auth_service.py"),  # both kinds
        (("app/user/api/services",), "app/services/auth_service.py"),  # deeper: not beside it
        (("services",), "app/services/auth_service.py"),
    ],
)
def test_services_stay_inside_blueprint_packages_where_the_project_keeps_them(
    folders: tuple[str, ...], expected: str
) -> None:
    """A blueprint package's generic route module (``app/auth/routes.py``) gets its service inside
    the package when the project keeps its services per package (``app/user/services/``)."""
    from backfix.builtin_codemods.move_commits.placement import service_location

    location = service_location(
        "app/auth/routes.py", ["routes"], "services", "{name}_service", lambda: folders
    )
    assert location.path == expected


@pytest.mark.parametrize(
    ("route", "route_folders", "expected"),
    [
        # beside blueprint packages that keep their routes in `views/`, `api` is one of them
        ("app/api/views/alias.py", {"app/auth/views"}, "app/api/services/alias_service.py"),
        (
            "app/api/base.py",
            {"app/api/views", "app/auth/views"},
            "app/api/services/base_service.py",
        ),
        ("app/auth/views/login.py", {"app/api/views"}, "app/auth/services/login_service.py"),
        # alone, or beside folders of another name or a package named like a layer, a layer
        ("app/api/views/alias.py", (), "app/services/alias_service.py"),
        ("app/api/views/alias.py", {"app/auth/routes"}, "app/services/alias_service.py"),
        ("app/api/views/alias.py", {"app/routes/views"}, "app/services/alias_service.py"),
        ("app/api/routes/items.py", {"app/core"}, "app/services/item_service.py"),
    ],
)
def test_a_package_named_like_a_layer_among_blueprint_packages_keeps_its_services(
    route: str, route_folders: set[str] | tuple[()], expected: str
) -> None:
    """SimpleLogin's ``app/api/views/`` beside ``app/auth/views/``, ``app/dashboard/views/``...:
    their services go to ``app/auth/services/``..., so ``api``'s go to ``app/api/services/``, not
    to a top-level ``app/services/`` of their own."""
    from backfix.builtin_codemods.move_commits.placement import (
        blueprint_packages,
        service_location,
    )

    layers = ["routes", "views", "api"]
    folders = {*route_folders, route.rpartition("/")[0]}
    location = service_location(
        route, layers, "services", "{name}_service", packages=blueprint_packages(folders, layers)
    )
    assert location.path == expected


def test_a_monorepo_backend_named_api_is_not_route_layer_as_a_whole(tmp_path: Path) -> None:
    """A helper that commits in ``api/app/dbs/`` (``api/`` holds the backend's project file) is
    the project's data layer, not a route-layer commit; its routers still are route layer."""
    commit = """
        from app.extensions import db


        def save(job):
            db.session.add(job)
            db.session.commit()
        """
    route = HEADER + textwrap.dedent(
        """

        @bp.post("/jobs")
        def create_job():
            job = Job(title=request.json["title"])
            db.session.add(job)
            db.session.commit()
            return jsonify(job.to_dict())
        """
    )
    files = {
        "api/pyproject.toml": "[project]\nname = 'api'\n",
        "api/app/__init__.py": "",
        "api/app/dbs/__init__.py": "",
        "api/app/dbs/jobs.py": commit,
        "api/app/routers/__init__.py": "",
        "api/app/routers/jobs.py": route,
    }
    result = _run(_project(tmp_path, files), path="api")
    assert [v.path for v in result.violations] == ["api/app/routers/jobs.py"]


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("api/tokens.py", "api/services/token_service.py"),  # `api/` holds the models
        ("routers/items.py", "services/item_service.py"),  # a folder of routers only
    ],
)
def test_a_top_level_route_folder_holding_the_models_keeps_its_services(
    route: str, expected: str
) -> None:
    """A top-level folder named like a route layer that holds the models is the application
    package: services created beside it would sit outside it."""
    from backfix.builtin_codemods.move_commits.placement import service_location

    location = service_location(
        route,
        ["api", "routers"],
        "services",
        "{name}_service",
        holds_models=lambda folder: folder == "api",
    )
    assert location.path == expected


@pytest.mark.parametrize(
    ("func_name", "class_name", "subject", "expected"),
    [
        ("put", None, "post", "update_post"),
        ("new", None, "token", "create_token"),
        ("delete", None, "post", "delete_post"),
        ("put", None, "", "put"),  # `routes.py`: no resource to name
        ("follow", None, "user", "follow"),  # not a generic action
        # a view class names what it serves: `post` of a list of jobs creates a job
        ("post", "JobListView", "report", "create_job"),
        ("delete", "AlertMuteResource", "", "delete_alert_mute"),
        ("get", "JobListView", "job", "get_job_list"),  # not a write: the class names itself
        # a view named for what it does keeps that name
        ("post", "UninstallPlugin", "plugin", "uninstall_plugin"),
        ("post", "MarkReadView", "", "mark_read"),
        ("post", "UnlockList", "", "create_unlock"),  # a list of unlocks: a noun
    ],
)
def test_generic_route_names_fall_back_to_the_kind_of_write_and_the_module_resource(
    func_name: str, class_name: str | None, subject: str, expected: str
) -> None:
    from backfix.builtin_codemods.move_commits.model import Extraction
    from backfix.builtin_codemods.move_commits.placement import method_base_name

    extraction = Extraction("u1", func_name, class_name, False, (), (), "", ())
    assert method_base_name(extraction, subject) == expected


def test_service_folders_are_the_folders_holding_files_under_that_name() -> None:
    from backfix.builtin_codemods.move_commits.placement import service_folders

    files = ["app/user/services/__init__.py", "app/user/services/update.py", "app/services.py"]
    assert service_folders(files, "services") == {"app/user/services"}


def test_relative_imports_are_rerooted_for_the_service() -> None:
    from backfix.builtin_codemods.move_commits.model import ImportNeed
    from backfix.builtin_codemods.move_commits.placement import service_import

    def is_package(folder: str) -> bool:
        return folder in {"app", "app/routes", "app/services"}

    route, service = "app/routes/jobs.py", "app/services/job_service.py"
    need = ImportNeed("Job", "models", "Job", None, 2)
    assert service_import(need, route, service, is_package, reach=2) == "from ..models import Job"
    sibling = ImportNeed("serializers", "", "serializers", None, 1)
    code = service_import(sibling, route, service, is_package, reach=2)
    assert code == "from ..routes import serializers"
    # A route module that writes only `from . import x` imports nothing from a parent package:
    # neither does its service (ruff's TID252 bans those imports in some projects).
    code = service_import(sibling, route, service, is_package, reach=1)
    assert code == "from app.routes import serializers"


def test_services_under_a_route_named_folder_are_not_route_layer(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "api/__init__.py": "",
            "api/routers/__init__.py": "",
            "api/routers/items.py": """\
                from api.database import db
                from api.models import Item


                def save(name):
                    item = Item(name=name)
                    db.add(item)
                    db.commit()
                    return item
                """,
        },
    )
    result = _run(root, path="api", apply=True)
    assert [c.path for c in result.changes] == [
        "api/routers/items.py",
        "api/services/__init__.py",
        "api/services/item_service.py",
    ]
    for change in result.changes:
        Path(change.abs_path).parent.mkdir(parents=True, exist_ok=True)
        Path(change.abs_path).write_bytes(change.after)
    again = _run(root, path="api", apply=True)
    assert again.changes == [] and again.violations == []


def test_commit_nested_in_a_moved_block_moves_with_it(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app/routes/jobs.py": HEADER
            + textwrap.dedent(
                """

                @bp.post("/jobs/<int:job_id>")
                def touch(job_id):
                    job = db.session.get(Job, job_id)
                    if job.stale:
                        job.stale = False
                        db.session.commit()
                    job.seen += 1
                    db.session.commit()
                    return jsonify(job.to_dict())
                """
            )
        },
    )
    result = _run(root, apply=True)
    assert len(result.fixed) == 2 and result.violations == []
    service = next(c for c in result.changes if c.path.endswith("job_service.py")).after.decode()
    assert service.count("def ") == 1 and service.count("db.session.commit()") == 2
    route = next(c for c in result.changes if c.path.endswith("jobs.py")).after.decode()
    assert "job = JobService.touch(job_id)" in route


def test_a_name_the_route_may_leave_unbound_is_not_passed(tmp_path: Path) -> None:
    """The moved code reads `last` first; the route binds it only when its loop runs."""
    result = _routes(
        tmp_path,
        """

        @bp.post("/entries")
        def add_entries():
            for key in request.form:
                flash(key)
                last = key
            db.session.add(Job(title=last))
            db.session.commit()
            return jsonify(ok=True)
        """,
    )
    (violation,) = result.violations
    assert not violation.fixable
    assert violation.reason.startswith("the moved code may read `last` before assigning it")


def test_a_nested_function_of_the_route_is_bound_where_it_is_defined(tmp_path: Path) -> None:
    """A ``def`` in the route binds its name: the unit that passes the nested function on moves,
    taking it as a parameter (not "may read `only_mine` before assigning it"); the route keeps the
    nested function and the ``owner`` its body reads."""
    root = _project(
        tmp_path,
        {
            "app/routes/jobs.py": HEADER
            + textwrap.dedent(
                """

        @bp.post("/jobs/seen")
        def mark_seen():
            if not request.args:
                return jsonify(ok=False)
            owner = request.args["owner"]

            def only_mine(query):
                return query.filter_by(owner=owner)

            job = Job.mark_all_seen(filter_func=only_mine)
            db.session.commit()
            return jsonify(ok=job.id)
        """
            ),
        },
    )
    result = _run(root, apply=True)
    assert result.violations == [] and len(result.fixed) == 1
    after = {c.path: c.after.decode() for c in result.changes}
    assert "def mark_seen(only_mine):" in after["app/services/job_service.py"]
    route = after["app/routes/jobs.py"]
    assert "owner = request.args" in route and "def only_mine(query):" in route
    assert "job = JobService.mark_seen(only_mine)" in route


def test_a_removed_local_import_after_the_docstring_leaves_no_blank_line(tmp_path: Path) -> None:
    """The route imported inside the function, right after its docstring, for the moved code
    only: without the import, no blank line follows the docstring (pydocstyle's D202)."""
    root = _project(
        tmp_path,
        {
            "app/routes/jobs.py": HEADER
            + textwrap.dedent(
                """

                @bp.post("/jobs/<int:job_id>/archive")
                def archive(job_id):
                    \"\"\"Archive a job.\"\"\"
                    from app.archive import archive_path

                    # the job, if there is one
                    job = db.session.get(Job, job_id)
                    if job is None:
                        abort(404)
                    job.path = archive_path(job_id)
                    db.session.commit()
                    return jsonify(ok=True)
                """
            ),
        },
    )
    result = _run(root, apply=True)
    assert len(result.fixed) == 1
    route = next(c for c in result.changes if c.path == "app/routes/jobs.py").after.decode()
    assert '    """Archive a job."""\n    # the job, if there is one\n    job = db' in route


def test_a_name_an_if_test_binds_is_bound_in_its_branches(tmp_path: Path) -> None:
    """``if owner := ...:`` binds ``owner`` before the branch reads it: the second branch's unit,
    which binds and reads its own ``owner``, is not "may read `owner` before assigning it"
    because the first branch binds the same name. A name bound only where a short circuit may
    skip it (``kind and (x := ...)``) is still not certain."""
    result = _routes(
        tmp_path,
        """

        @bp.post("/jobs/<int:job_id>/tag")
        def tag_job(job_id, kind):
            label = "none"
            if kind == "a":
                job = db.session.get(Job, job_id)
                if owner := request.args.get("owner"):
                    label = owner
                job.label = label
                db.session.commit()
            elif kind == "b":
                job = db.session.get(Job, job_id)
                if not (owner := request.args.get("owner")) is None:
                    label = owner
                job.label = label
                db.session.commit()
            elif kind == "c":
                job = db.session.get(Job, job_id)
                if kind and (owner := request.args.get("owner")):
                    label = owner
                job.tag = owner
                db.session.commit()
            return jsonify(ok=True)
        """,
    )
    reasons = [v.reason for v in result.violations]
    assert reasons[:2] == ["", ""], reasons
    assert reasons[2].startswith("the moved code may read `owner` before assigning it"), reasons


def test_names_assigned_on_every_path_are_returned(tmp_path: Path) -> None:
    result = _routes(
        tmp_path,
        """

        @bp.post("/jobs")
        def create_job(raw):
            try:
                priority = int(raw)
            except ValueError:
                priority = 3
            if priority > 3:
                label = "low"
            elif priority > 1:
                label = "mid"
            else:
                label = "high"
            db.session.add(Job(priority=priority, label=label))
            db.session.commit()
            return jsonify(priority=priority, label=label)
        """,
    )
    assert [v.fixable for v in result.violations] == [True]


def test_reads_and_guards_keep_their_order(tmp_path: Path) -> None:
    """A read that may fail is not hoisted ahead of a call with effects; a guard after a write
    cannot stay in place, so the commit stays too."""
    result = _routes(
        tmp_path,
        """
        from app.mail import send_notice
        from app.auth import require_permission


        @bp.post("/jobs/<int:job_id>/notify")
        def notify(job_id):
            job = db.session.get(Job, job_id)
            send_notice(job)
            job.note = request.json["note"]
            db.session.commit()
            return jsonify(ok=True)


        @bp.post("/jobs/<int:job_id>/late")
        def late_check(job_id):
            job = db.session.get(Job, job_id)
            job.seen = True
            require_permission(job, "edit")
            db.session.commit()
            return jsonify(ok=True)
        """,
    )
    reasons = [v.reason for v in result.violations]
    assert reasons == [
        'reads `request.json["note"]` after calling `send_notice()`; passed to the service, it '
        "would be read first, so if reading it fails (a bad request, a missing key or attribute) "
        "it would fail before that call ran, not after: if reading it first is right here (it "
        "cannot fail there, or failing first is fine), read it into a variable before the call "
        "and run again",
        "the write at line 24 is committed here, but the statement at line 25 between them calls "
        "`require_permission()`, a check that may stop the request",
    ]


def test_a_call_that_may_write_is_not_split_from_its_commit(tmp_path: Path) -> None:
    result = _routes(
        tmp_path,
        """
        from flask.views import MethodView


        class JobView(MethodView):
            def post(self, job_id):
                job = db.session.get(Job, job_id)
                self.update_model(job, request.json)
                data = job.to_dict()
                db.session.commit()
                return data
        """,
    )
    (violation,) = result.violations
    assert violation.reason == (
        "`self.update_model()` at line 14 may write what this commit commits, but it must stay "
        "in the route: it uses `self` beyond reading attributes"
    )


def test_a_lookup_through_a_module_or_abort_stays_before_the_unit(tmp_path: Path) -> None:
    # neither a model class reached through its module nor Flask's own `flask.abort()` writes
    result = _routes(
        tmp_path,
        """
        import flask

        from app import models


        @bp.post("/jobs/<int:job_id>/delete")
        def delete_job(job_id):
            job = models.Job.query.get(job_id) or flask.abort(404)
            db.session.delete(job)
            db.session.commit()
            return "", 204
        """,
    )
    assert [v.fixable for v in result.violations] == [True]


ALIASED_DB = """\
from flask import Blueprint

from app import {owner}

db = {owner}.db
bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/delete")
def delete_job(job_id):
    job = db.session.get({owner}.Job, job_id)
    db.session.delete(job)
    db.session.commit()
    return "", 204
"""


def test_a_module_level_alias_of_an_imported_modules_db_is_imported_by_the_service(
    tmp_path: Path,
) -> None:
    root = _project(
        tmp_path,
        {
            "app/extensions.py": "db = None\n",
            "app/routes/jobs.py": ALIASED_DB.format(owner="extensions"),
        },
    )
    result = _run(root, apply=True)
    assert len(result.fixed) == 1 and result.violations == []
    (service,) = [c.after.decode() for c in result.changes if c.path.endswith("job_service.py")]
    assert "from app.extensions import db\n" in service
    assert "def delete_job(job_id):" in service  # not `(job_id, db)`


def test_an_alias_of_an_object_that_is_no_module_is_reported(tmp_path: Path) -> None:
    # `registry` is a name of the package, not a module: no `from app.registry import db`
    root = _project(
        tmp_path,
        {
            "app/__init__.py": "registry = None\n",
            "app/routes/jobs.py": ALIASED_DB.format(owner="registry"),
        },
    )
    (violation,) = _run(root).violations
    assert violation.reason_id == reasons.ALIAS_OF_NO_MODULE
    assert "`registry` is no module of the project" in violation.reason


def test_test_modules_and_migrations_are_not_the_route_layer(tmp_path: Path) -> None:
    body = """\
    import unittest

    from app.extensions import db


    class TestApi(unittest.TestCase):
        def test_users(self):
            db.session.add(object())
            db.session.commit()
    """
    root = _project(
        tmp_path,
        {
            "tests/test_api.py": body,
            "app/api/conftest.py": body,
            "app/api/users_test.py": body,
            "migrations/versions/0001_api.py": body,
        },
    )
    assert _run(root, path=".").violations == []
    explicit = _run(root, path=".", route_paths=["tests/test_api.py"])
    assert [v.path for v in explicit.violations] == ["tests/test_api.py"]


def test_standard_library_calls_and_the_user_proxy_do_not_pin_reads(tmp_path: Path) -> None:
    """`datetime.now()` has no effect a later read could observe; the `current_user` proxy (and
    its attributes under `@login_required`) cannot fail to read."""
    result = _routes(
        tmp_path,
        """
        from datetime import datetime, timezone

        from flask_login import current_user, login_required


        @bp.post("/messages/read")
        @login_required
        def read_messages():
            current_user.last_read = datetime.now(timezone.utc)
            current_user.unread = 0
            job = Job(owner=current_user, owner_id=current_user.id)
            db.session.add(job)
            db.session.commit()
            return jsonify(ok=True)
        """,
    )
    assert [(v.fixable, v.reason) for v in result.violations] == [(True, "")]


@pytest.mark.parametrize(
    ("exit_body", "call", "test"),
    [
        # the exit tests the one value returned: the route tests it as before
        ("abort(404)", "job = JobService.close_job(job_id)", "if not job:"),
        # the exit's body reads that value: the service says whether it committed
        (
            "return jsonify(error=str(job)), 404",
            "committed, job = JobService.close_job(job_id)",
            "if not committed:",
        ),
    ],
)
def test_an_early_exit_testing_the_returned_value_keeps_its_test(
    tmp_path: Path, exit_body: str, call: str, test: str
) -> None:
    """``job = ...execute(...)`` (counted as a write) then ``if not job: abort(404)``: the
    service returns None where the route answered, as a hand-written lookup does."""
    body = textwrap.dedent(
        f"""
        from sqlalchemy import select


        @bp.post("/jobs/<int:job_id>/close")
        def close_job(job_id):
            job = db.session.execute(select(Job).where(Job.id == job_id)).scalar_one_or_none()
            if not job:
                {exit_body}
            job.status = "closed"
            db.session.commit()
            return jsonify(job.to_dict())
        """
    )
    result = _run(_project(tmp_path, {"app/routes/jobs.py": HEADER + body}), apply=True)
    assert result.violations == [] and len(result.fixed) == 1
    route = next(c.after.decode() for c in result.changes if c.path == "app/routes/jobs.py")
    assert f"    {call}\n    {test}\n" in route


def test_a_helper_the_route_imports_from_its_service_module_is_read_there(
    tmp_path: Path,
) -> None:
    """``from app.services.job_service import next_position`` in the route, read by the moved
    code: the new method sits in that module beside the helper, which it calls as it is (no
    clash with itself, no import of its own module)."""
    body = textwrap.dedent(
        """
        from app.services.job_service import next_position


        @bp.post("/jobs")
        def create_job():
            job = Job(title=request.json["title"], position=next_position())
            db.session.add(job)
            db.session.commit()
            return jsonify(job.to_dict())
        """
    )
    files = {
        "app/routes/jobs.py": HEADER + body,
        "app/services/__init__.py": "",
        "app/services/job_service.py": "def next_position():\n    return 1\n",
    }
    result = _run(_project(tmp_path, files), apply=True)
    assert result.violations == [] and len(result.fixed) == 1
    service = next(c.after.decode() for c in result.changes if c.path.endswith("job_service.py"))
    assert "import next_position" not in service
    assert "position=next_position()" in service


def test_early_exits_that_cannot_move_say_why(tmp_path: Path) -> None:
    result = _routes(
        tmp_path,
        """

        @bp.post("/a/<int:job_id>")
        def fails_beside_the_exit(job_id):
            job = db.session.get(Job, job_id)
            if request.args.get("title"):
                job.title = request.json["title"]
            else:
                return "nothing to do", 400
            db.session.commit()
            return "", 204


        @bp.post("/b/<int:job_id>")
        def bound_after_the_exit(job_id):
            job = db.session.get(Job, job_id)
            job.status = "closed"
            if job.locked:
                return "locked", 409
            note = "closed"
            db.session.commit()
            return note


        @bp.post("/c/<int:job_id>")
        def commits_in_the_exit(job_id):
            job = db.session.get(Job, job_id)
            job.status = "closed"
            if job.locked:
                db.session.commit()
                return "locked", 409
            db.session.commit()
            return "", 204
        """,
    )
    reasons = {v.scope: v.reason for v in result.violations if not v.fixable}
    assert (
        'reads `request.json["title"]` after (or beside) the early exit at line 12'
        in (reasons["fails_beside_the_exit"])
    )
    assert reasons["bound_after_the_exit"].startswith(
        "`note` is assigned after the early exit at line 24"
    )
    # An exit that commits is not an exit the service can report: the writes stay apart.
    assert "commits_in_the_exit" in reasons
    assert "returns early" in reasons["commits_in_the_exit"]


STATUS_ROUTE = """

STATUSES = ("open", "closed")


@bp.post("/jobs")
def create_job():
    job = Job(status=STATUSES[0])
    db.session.add(job)
    db.session.commit()
    return jsonify(id=job.id)
"""


@pytest.mark.parametrize(
    ("others", "importer"),
    [
        ({}, None),
        ({"app/reports.py": "from app.routes.jobs import STATUSES\n"}, "app/reports.py"),
        # Both modules' names must appear as words, beside an import.
        ({"app/reports.py": "from app.routes.jobs_old import STATUSES\n"}, None),
        ({"app/reports.py": "from app.routes import jobs\nSTATUSES_X = 1\n"}, None),
        ({"app/reports.py": "STATUSES = jobs = 1\n"}, None),
        # Environments and hidden folders are not the project.
        ({"venv/lib/x.py": "from app.routes.jobs import STATUSES\n"}, None),
        ({".cache/x.py": "from app.routes.jobs import STATUSES\n"}, None),
        (
            {
                "app/b.py": "from app.routes.jobs import STATUSES\n",
                "app/a/c.py": "from app.routes.jobs import STATUSES\n",
            },
            "app/",
        ),
    ],
)
def test_definition_imported_elsewhere_stays(
    tmp_path: Path, others: dict[str, str], importer: str | None
) -> None:
    """A route-module constant the moved code reads moves with it, unless another module imports
    it from the route module: then the unit is reported, naming that module."""
    root = _project(tmp_path, {"app/routes/jobs.py": HEADER + STATUS_ROUTE, **others})
    [violation] = _run(root).violations
    if importer is None:
        assert violation.fixable, violation.reason
        return
    assert not violation.fixable
    assert violation.reason_id == "moved-definition-imported-elsewhere"
    assert f"is imported from there by {importer}" in violation.reason


def test_a_refresh_right_after_the_commit_moves_with_it(tmp_path: Path) -> None:
    """``db.session.refresh(job)`` after the commit reloads what the unit committed; a refresh on
    another session, or after another statement, stays in the route."""
    root = _project(
        tmp_path,
        {
            "app/routes/jobs.py": HEADER
            + textwrap.dedent(
                """
                from app.extensions import other_session


                @bp.post("/jobs")
                def create_job():
                    job = Job(title="x")
                    db.session.add(job)
                    db.session.commit()
                    db.session.refresh(job)
                    other_session.refresh(job)
                    return jsonify(job.to_dict())
                """
            )
        },
    )
    result = _run(root, apply=True)
    after = {c.path: c.after.decode() for c in result.changes}
    route = after["app/routes/jobs.py"]
    assert "    job = JobService.create_job()\n    other_session.refresh(job)\n" in route
    assert "db.session.refresh" not in route
    service = after["app/services/job_service.py"]
    assert "        db.session.commit()\n        db.session.refresh(job)\n" in service


def test_a_new_service_modules_docstrings_fit_the_line_length() -> None:
    import libcst as cst
    from backfix.builtin_codemods.move_commits.model import ServiceEdits
    from backfix.builtin_codemods.move_commits.rewrite import rewrite_service

    edits = ServiceEdits("UserManagementService", (), (), is_new=True)
    narrow = rewrite_service(cst.Module([]), False, edits, (), line_length=79).code
    assert '"""User Management service: units of work."""' in narrow
    assert '"""Units of work for user management: each method writes and commits."""' in narrow
    assert max(len(line) for line in narrow.splitlines()) <= 79
    wide = rewrite_service(cst.Module([]), False, edits, (), line_length=88).code
    assert "units of work (database writes and their commits)." in wide


@pytest.mark.parametrize(
    ("name", "docstring"),
    [
        ("create_job", "Create a job and commit the session."),
        ("create_api_key", "Create an api key and commit the session."),
        ("create_jobs", "Create jobs and commit the session."),
        ("delete_relay", "Delete the relay and commit the session."),
        ("update_job_status", "Update the job status and commit the session."),
        ("update_settings", "Update settings and commit the session."),
        ("update_timeline_2", "Update the timeline and commit the session."),
        ("mark_read", "Mark read and commit the session."),
        ("reset", "Reset and commit the session."),
        ("create_user_token", "Create a user token and commit the session."),
        ("save_report", "Save the report and commit the session."),
    ],
)
def test_a_service_methods_docstring_reads_its_name(name: str, docstring: str) -> None:
    from backfix.builtin_codemods.move_commits.docstrings import method_docstring

    assert method_docstring(name) == docstring


@pytest.mark.parametrize(
    ("name", "verb", "subject", "docstring"),
    [
        # a route's name that is no verb: what the writes do
        ("role", "update", "user", "Update the user and commit the session."),
        ("revealjob", "create", "job_view", "Create a job view and commit the session."),
        # a name that starts with a verb keeps reading as itself
        ("archive_note", "update", "note", "Archive note and commit the session."),
        ("reset_password", "update", "user", "Reset password and commit the session."),
        # a name of several words keeps reading as itself; so do writes that say nothing simple
        ("unlink_github", "update", "user", "Unlink github and commit the session."),
        ("pinnedjob", "publish", "job", "Pinnedjob and commit the session."),
    ],
)
def test_a_name_that_is_no_verb_gets_the_docstring_of_its_writes(
    name: str, verb: str, subject: str, docstring: str
) -> None:
    from backfix.builtin_codemods.move_commits.docstrings import method_docstring

    assert method_docstring(name, verb, subject) == docstring


def _extended_service(existing: str, docstrings: bool) -> str:
    import libcst as cst
    from backfix.builtin_codemods.move_commits.model import MethodSpec, ServiceEdits
    from backfix.builtin_codemods.move_commits.rewrite import rewrite_service

    spec = MethodSpec("delete_job", ("job",), False, "db.session.delete(job)\n", (), (), "")
    edits = ServiceEdits("JobService", (spec,), (), is_new=False)
    module = cst.parse_module(textwrap.dedent(existing))
    return rewrite_service(module, True, edits, (), docstrings=docstrings).code


def test_a_method_joining_a_documented_class_gets_a_docstring() -> None:
    documented = '''\
        class JobService:
            @staticmethod
            def close_job(job):
                """Close the job."""
                job.closed = True

            def _helper(self):
                pass
        '''
    assert '"""Delete the job and commit the session."""' in _extended_service(documented, False)
    undocumented = documented.replace('"""Close the job."""\n', "")
    assert '"""' not in _extended_service(undocumented, False)
    assert '"""Delete the job' in _extended_service(undocumented, True)


@pytest.mark.parametrize(
    ("imports", "call"),
    [("import hashlib", "hashlib.sha256(key).hexdigest()"), ("from uuid import uuid4", "uuid4()")],
)
def test_standard_library_calls_move_under_the_routes_try(
    tmp_path: Path, imports: str, call: str
) -> None:
    """A standard library call cannot raise a database error: the statements before a moved
    ``try`` that make one move under the route's ``try`` with the rest of the unit."""
    body = f"""
    {imports}
    from sqlalchemy.exc import SQLAlchemyError


    @bp.post("/jobs/<key>")
    def stamp(key):
        job = Job(key=key, stamp={call})
        db.session.add(job)
        try:
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            flash("failed")
    """
    result = _routes(tmp_path, body)
    assert [v.fixable for v in result.violations] == [True], result.violations


def test_a_module_imported_beside_a_standard_one_is_no_standard_library(tmp_path: Path) -> None:
    """``import os, helpers`` binds two names: ``helpers.stamp(job)`` is the project's code,
    which may write what the commit commits, not a standard library call."""
    body = """
    import os, helpers


    @bp.post("/jobs/<int:job_id>")
    def stamp(job_id):
        job = db.session.get(Job, job_id)
        flash(helpers.stamp(job))
        job.title = "stamped"
        db.session.commit()
    """
    result = _routes(tmp_path, body)
    (violation,) = result.violations
    assert violation.reason_id == "kept-call-may-write", violation.reason


@pytest.mark.parametrize(
    ("branch", "moves"),
    [
        # the guard's call returns from the route: what it writes is never committed here
        ('return helpers.forbidden("not yours")', True),
        # the call's writes reach the commit
        ("helpers.log_denied(job)", False),
    ],
)
def test_a_call_in_a_guard_that_returns_writes_nothing_the_commit_commits(
    tmp_path: Path, branch: str, moves: bool
) -> None:
    """flasky's ``edit_post``: ``return forbidden(...)`` in a guard that reads ``g.current_user``
    only on some paths runs only where the route returns, so it cannot have made the writes the
    commit after the guard commits, and the unit moves."""
    body = f"""
    import helpers


    @bp.put("/jobs/<int:job_id>")
    def edit_job(job_id):
        job = db.session.get(Job, job_id)
        if g.user != job.owner and not g.user.is_admin:
            {branch}
        job.title = request.json.get("title", job.title)
        db.session.commit()
        return jsonify(id=job.id)
    """
    result = _routes(tmp_path, body)
    (violation,) = result.violations
    assert violation.fixable is moves, violation.reason
    if not moves:
        assert violation.reason_id == "kept-call-may-write", violation.reason


def test_a_form_built_by_its_classs_method_is_input_parsing(tmp_path: Path) -> None:
    """timesketch builds its forms with ``forms.StoryForm.build(request)``, a classmethod of
    the form class: it parses input and writes nothing, so the unit after it moves, passed the
    fields' values, as it does after ``StoryForm()``."""
    body = """
    from app import forms


    @bp.post("/jobs")
    def create_job():
        form = forms.JobForm.build(request)
        if not form.validate_on_submit():
            abort(400)
        job = Job(title=form.title.data)
        db.session.add(job)
        db.session.commit()
        return "ok"
    """
    root = _project(
        tmp_path,
        {
            "app/routes/jobs.py": HEADER + textwrap.dedent(body),
            "app/forms.py": "class JobForm:\n    @classmethod\n    def build(cls, request):\n"
            "        return cls()\n",
        },
    )
    result = _run(root)
    assert [v.fixable for v in result.violations] == [True], result.violations


@pytest.mark.parametrize(
    ("imported", "expected"),
    [
        ("DraftService", "DraftsService"),
        # both names taken: reported, not renamed further
        ("DraftService, DraftsService", None),
    ],
)
def test_a_service_class_named_like_a_model_the_route_imports_keeps_the_plural(
    tmp_path: Path, imported: str, expected: str | None
) -> None:
    """digitalmarketplace-api's ``drafts.py`` imports its model ``DraftService`` (a draft of a
    G-Cloud service): the service class for it is ``DraftsService`` in ``drafts_service.py``
    rather than every unit reported as a name clash."""
    models = "class DraftService:\n    pass\n\n\nclass DraftsService:\n    pass\n"
    body = f"""
    from flask import Blueprint, request

    from app.extensions import db
    from app.models import {imported}

    bp = Blueprint("drafts", __name__)


    @bp.post("/drafts")
    def create_draft():
        draft = DraftService()
        draft.title = request.json["title"]
        db.session.add(draft)
        db.session.commit()
        return "ok"
    """
    root = _project(
        tmp_path,
        {
            "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
            "app/models.py": models,
            "app/routes/drafts.py": body,
        },
    )
    result = _run(root, apply=True)
    if expected is None:
        (violation,) = result.violations
        assert violation.reason_id == "name-clash"
        return
    assert not result.violations
    service = {c.path: c.after.decode() for c in result.changes}["app/services/drafts_service.py"]
    assert f"class {expected}:" in service


def test_a_loggers_method_writes_no_row(tmp_path: Path) -> None:
    """Mailu's ``flask.current_app.logger.error(...)`` in a branch that stays in the route
    (it reads the config only on some paths) is logging, which writes nothing the commit
    commits: the unit after it moves."""
    body = """
    import flask


    @bp.post("/jobs")
    def create_job():
        if request.args.get("proxy") not in flask.current_app.config["PROXIES"]:
            flask.current_app.logger.error("not allowed")
            abort(403)
        job = Job(title=request.json["title"])
        db.session.add(job)
        db.session.commit()
        return "ok"
    """
    result = _routes(tmp_path, body)
    assert [v.fixable for v in result.violations] == [True], result.violations


def test_a_call_on_super_stays_in_the_route_and_may_write(tmp_path: Path) -> None:
    """``super()._create(data)`` is a call on the view itself: it cannot move into a service
    (``super()`` means nothing in a static method of another class), and it may make the writes
    the commit after it commits, so the unit is reported rather than split."""
    body = """
    from flask.views import MethodView


    class BaseJobs(MethodView):
        def _create(self, data):
            job = Job(**data)
            db.session.add(job)
            return job


    class Jobs(BaseJobs):
        def _create(self, data):
            tags = data.pop("tags", [])
            job = super()._create(data)
            job.tags = tags
            db.session.commit()
            return job

        def post(self):
            return jsonify(id=self._create(request.json).id)
    """
    result = _routes(tmp_path, body)
    (violation,) = result.violations
    assert not violation.fixable
    assert violation.reason_id == "kept-call-may-write", violation.reason
    assert "`super()._create()`" in violation.reason
