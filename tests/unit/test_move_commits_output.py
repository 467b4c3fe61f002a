"""move-commits output facts: inferred types, names from the writes, first-party packages.

Each case runs the real analysis on a small route module and reads the facts the plan uses; the
rendered code is pinned by the snapshot cases (``typed_fastapi_strict``, ``naming_from_writes``,
``route_module_constants``).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import libcst as cst
import pytest
from backfix.builtin_codemods.move_commits.analyze import Analyzer
from backfix.builtin_codemods.move_commits.frameworks import DEFAULT_SESSION_NAMES
from backfix.builtin_codemods.move_commits.model import OutputFacts
from backfix.builtin_codemods.move_commits.output import attach_output
from backfix.builtin_codemods.move_commits.rewrite import drop_definitions
from backfix.builtin_codemods.move_commits.types import dereferences

from backfix.discovery import Workspace
from backfix.imports import first_party_packages
from backfix.registry import get_codemod
from backfix.runner import CodemodSpec, RunOptions, run

FASTAPI_HEADER = """\
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import models
from app.db import get_db
from app.models import Job, Tag

router = APIRouter()
SessionDep = Annotated[Session, Depends(get_db)]
"""


def _facts(body: str, header: str = FASTAPI_HEADER) -> list[OutputFacts]:
    module = cst.parse_module(header + textwrap.dedent(body))
    analyzer = Analyzer(module, "app/routes/jobs.py", DEFAULT_SESSION_NAMES, True)
    analyzer.run()
    attach_output(analyzer)
    return [u.extraction.output for u in analyzer.units if u.extraction is not None]


def _types(facts: OutputFacts) -> list[str | None]:
    return [t.code if t is not None else None for t in facts.param_types]


def test_parameter_types_from_annotations_aliases_and_built_models() -> None:
    [facts] = _facts(
        """
        @router.post("/jobs")
        def create_job(title: str, db: SessionDep) -> dict[str, int]:
            job = Job(title=title)
            db.add(job)
            db.commit()
            return {"id": job.id}
        """
    )
    assert _types(facts) == ["str", "Session"]
    assert facts.return_type is not None and facts.return_type.code == "Job"
    assert facts.typed_route and facts.unknown == ()
    assert facts.name == "create_job"


@pytest.mark.parametrize(
    ("guard", "expected"),
    [
        (["if job is None:", "    raise HTTPException(404)"], "Job"),
        (["if not job or job.locked:", "    raise HTTPException(404)"], "Job"),
        (["assert job is not None", "if job_id < 0:", "    raise HTTPException(400)"], "Job"),
        (["if job_id < 0:", "    raise HTTPException(400)"], "Job | None"),
        # reading an attribute would have raised: past it, `job` is no None
        (["if job.locked:", "    raise HTTPException(409)"], "Job"),
        (["if job_id < 0 or job.locked:", "    raise HTTPException(409)"], "Job | None"),
    ],
)
def test_loaded_model_is_optional_until_a_guard_rules_out_none(
    guard: list[str], expected: str
) -> None:
    lines = [
        '@router.put("/jobs/{job_id}")',
        "def rename(job_id: int, title: str, db: SessionDep) -> None:",
        "    job = db.get(Job, job_id)",
        *(f"    {line}" for line in guard),
        "    db.add(job)",  # (a moved `job.title = ...` first would rule out None itself)
        "    job.title = title",
        "    db.commit()",
    ]
    [facts] = _facts("\n" + "\n".join(lines) + "\n")
    assert _types(facts)[0] == expected
    assert facts.return_type is not None and facts.return_type.code == "None"


@pytest.mark.parametrize(
    "annotation", ["Job | None", "None | Job", "Optional[Job]", "typing.Optional[Job]"]
)
def test_an_optional_annotation_is_narrowed_by_the_routes_guard(annotation: str) -> None:
    """``job: Job | None = ...`` then ``if job is None: raise ...``: the service takes a ``Job``
    (minimal-fastapi-postgres-template: mypy --strict reported union-attr in the service)."""
    header = "import typing\nfrom typing import Optional\n\n" + FASTAPI_HEADER
    [facts] = _facts(
        f"""
        @router.put("/jobs/{{job_id}}")
        def rename(job_id: int, title: str, db: SessionDep) -> None:
            job: {annotation} = db.get(Job, job_id)
            if job is None:
                raise HTTPException(404)
            db.add(Tag(name=job.title))
            db.commit()
        """,
        header,
    )
    assert _types(facts)[0] == "Job"


@pytest.mark.parametrize(
    ("load", "expected"),
    [
        ("db.scalars(select(Job).where(Job.id == job_id)).first()", "Job | None"),
        ("db.execute(select(Job).where(Job.id == job_id)).scalars().first()", "Job | None"),
        ("db.execute(select(Job).where(Job.id == job_id)).scalar_one()", "Job"),
        ("db.execute(select(Job)).scalar_one_or_none()", "Job | None"),
        ("db.exec(select(Job).where(Job.id == job_id)).one()", "Job"),
        # SQLModel's AsyncSession, as `async-queries --mode async` writes it
        ("(await db.exec(select(Job).where(Job.id == job_id))).first()", "Job | None"),
        ("(await db.execute(select(Job))).scalars().one()", "Job"),
        # a Result's own one()/first()/one_or_none() give a Row[tuple[Job]], which is no Job
        ("db.execute(select(Job).where(Job.id == job_id)).first()", None),
        ("db.execute(select(Job).where(Job.id == job_id)).one()", None),
        ("(await db.execute(select(Job))).one_or_none()", None),
        # the session's own scalar(): the first column of the first row, or None
        ("await db.scalar(select(Job).where(Job.id == job_id))", "Job | None"),
        ("db.scalar(select(Job))", "Job | None"),
    ],
)
def test_the_type_of_a_loaded_row_follows_what_the_query_returns(
    load: str, expected: str | None
) -> None:
    # The load follows a write, so it moves and the route reads it back: the return type is its type.
    [facts] = _facts(
        f"""
        @router.put("/jobs/{{job_id}}")
        async def tag(job_id: int, db: SessionDep) -> dict[str, str]:
            db.add(Tag(name="seen"))
            job = {load}
            await db.commit()
            return {{"job": str(job)}}
        """
    )
    assert (facts.return_type.code if facts.return_type else None) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["statement = select(Job).where(Job.id == job_id)", "job = db.exec(statement).first()"],
            "Job | None",
        ),
        (["result = await db.exec(select(Job))", "job = result.one()"], "Job"),
        (["result = db.execute(select(Job))", "job = result.scalars().first()"], "Job | None"),
        (["result = db.execute(select(Job))", "job = result.first()"], None),
        # bound twice: which statement is not known
        (["stmt = select(Job)", "stmt = select(Tag)", "job = db.scalars(stmt).one()"], None),
    ],
)
def test_a_query_bound_to_a_name_is_followed_to_its_statement(
    lines: list[str], expected: str | None
) -> None:
    body = "".join(f"    {line}\n" for line in lines)
    [facts] = _facts(
        '\n@router.put("/jobs/{job_id}")\n'
        "async def tag(job_id: int, db: SessionDep) -> dict[str, str]:\n"
        '    db.add(Tag(name="seen"))\n'
        f"{body}"
        "    await db.commit()\n"
        '    return {"job": str(job)}\n'
    )
    assert (facts.return_type.code if facts.return_type else None) == expected


@pytest.mark.parametrize("imported", ["Optional", "Union"])
def test_optional_is_spelled_as_the_module_spells_it(imported: str) -> None:
    """A module that imports ``Optional`` or ``Union`` spells unions the old way."""
    [facts] = _facts(
        """
        @router.put("/jobs/{job_id}")
        def rename(job_id: int, db: SessionDep) -> None:
            job = db.scalars(select(Job).where(Job.id == job_id)).first()
            if job_id < 0:
                raise HTTPException(400)
            db.delete(job)
            db.commit()
        """,
        header=FASTAPI_HEADER.replace("Annotated", f"Annotated, {imported}", 1),
    )
    assert _types(facts)[0] == "Optional[Job]"


def test_unknown_types_are_named_not_guessed() -> None:
    [facts] = _facts(
        """
        @router.post("/jobs")
        def create_job(payload: dict[str, str], db: SessionDep) -> None:
            title, _ = payload.popitem()
            if not title:
                raise HTTPException(400)
            db.add(Job(title=title))
            db.commit()
        """
    )
    assert _types(facts) == [None, "Session"]
    assert facts.unknown == ("parameter `title`",)


def test_untyped_route_is_not_a_typed_context() -> None:
    [facts] = _facts(
        """
        @router.post("/jobs")
        def create_job(title, db=Depends(get_db)):
            db.add(Job(title=title))
            db.commit()
        """
    )
    assert not facts.typed_route


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("job = db.get(Job, 1)\n    db.delete(job)\n    db.commit()", "delete_job"),
        (
            "for job in db.get(Job, 1).children:\n        db.delete(job)\n    db.commit()",
            "delete_jobs",
        ),
        ("job = db.get(Job, 1)\n    job.publish()\n    db.commit()", "publish_job"),
        ("job = db.get(Job, 1)\n    job.set_owner('x')\n    db.commit()", "set_job_owner"),
        ("u = db.get(Job, 1)\n    db.delete(u)\n    db.commit()", "delete_job"),
        ("db.add_all([Tag(name='a'), Tag(name='b')])\n    db.commit()", "create_tag"),
        # a class built through its module creates a row, as a class imported by name does
        ("job = models.Job(title='x')\n    db.add(job)\n    db.commit()", "create_job"),
        ("db.add(models.Job(title='x'))\n    db.commit()", "create_job"),
        # a classmethod named create builds a row too, and says more than a later method call
        (
            "job = models.Job.create(title='x')\n    db.add(job)\n    job.refresh_cache()\n    db.commit()",
            "create_job",
        ),
        ("job = Job.create(title='x')\n    db.add(job)\n    db.commit()", "create_job"),
        # an item of an attribute written: the attribute is updated, and it is all that is
        (
            "job = db.get(Job, 1)\n    job.options['muted'] = True\n    db.commit()",
            "update_job_options",
        ),
        (
            "job = db.get(Job, 1)\n    job.options['muted'] = True\n    job.title = 'x'\n    db.commit()",
            "update_job",
        ),
        # what a call of unknown type returned, added in a route that creates (`post`): a new row
        ("job = models.job_form().save()\n    db.add(job)\n    db.commit()", "create_job"),
        ("job = models.build_job(1)\n    db.add(job)\n    db.commit()", "create_job"),
        # ... but not what a look-up returned: the row exists
        (
            "job = models.get_job(1)\n    job.title = 'x'\n    db.add(job)\n    db.commit()",
            "update_job",
        ),
        # a row built only where none was found is got or created: the unit updates it
        (
            "tag = db.scalars(select(Tag)).first()\n    if tag is None:\n"
            "        tag = Tag(name='x')\n        db.add(tag)\n    job = db.get(Job, 1)\n"
            "    job.title = 'x'\n    db.add(job)\n    db.add(tag)\n    db.commit()",
            "update_job",
        ),
        # ... and where it is the only row written, the unit saves it
        (
            "tag = db.scalars(select(Tag)).first()\n    if tag is None:\n"
            "        tag = Tag(name='x')\n    tag.seen = True\n    db.add(tag)\n    db.commit()",
            "save_tag",
        ),
        # `_db` says where the row came from (a query of unknown type), not what it is
        (
            "job_db = models.find(1)\n    job_db.title = 'x'\n    job_db.state = 'y'\n"
            "    db.commit()",
            "update_job",
        ),
    ],
)
def test_names_come_from_the_writes(body: str, name: str) -> None:
    [facts] = _facts(f'\n@router.post("/x")\ndef post(db: SessionDep) -> None:\n    {body}\n')
    assert facts.name == name


@pytest.mark.parametrize(
    ("route", "name"),
    [
        ("reset_password", "reset_password"),
        # the API version that calls the service is no part of what it does
        ("reset_password_v2", "reset_password"),
        ("edit", "update_job_title"),
        ("get_job", "update_job_title"),
    ],
)
def test_attribute_writes_keep_a_specific_route_name(route: str, name: str) -> None:
    [facts] = _facts(
        f"""
        @router.post("/x")
        def {route}(db: SessionDep) -> None:
            job = db.get(Job, 1)
            if job is None:
                raise HTTPException(404)
            job.title = "x"
            db.commit()
        """
    )
    assert facts.name == name


@pytest.mark.parametrize(
    ("route", "name"),
    [("put", "update_job"), ("edit_job", "edit_job"), ("new_job", "create_job")],
)
def test_a_row_added_elsewhere_than_in_a_create_route_is_updated(route: str, name: str) -> None:
    """``job = form.save()`` then ``db.add(job)``: only a route that says it creates (``post``)
    makes it ``create_job``; ``put`` keeps ``update_job``, a specific route name its own
    (``new_job``, a form's page, says it as ``create_job``)."""
    [facts] = _facts(
        f"""
        @router.post("/x")
        def {route}(db: SessionDep) -> None:
            job = models.job_form().save()
            db.add(job)
            db.commit()
        """
    )
    assert facts.name == name


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("form", "models.form_for(1)"),
        ("edit_form", "models.form_for(1)"),
        ("job_schema", "models.schema_for(1)"),
        ("form", "JobForm()"),
    ],
)
def test_a_form_of_unknown_class_names_no_write(var: str, value: str) -> None:
    """``form.save(job)`` where the code does not show the form's class (a factory, a form class
    of the route module): the variable's name says it is a form, not a row, so the unit is not
    ``save_form``; the row's update names it."""
    [facts] = _facts(
        f"""
        class JobForm:
            pass


        @router.post("/x")
        def put(db: SessionDep) -> None:
            {var} = {value}
            job = db.get(Job, 1)
            {var}.save(job)
            db.add(job)
            db.commit()
        """
    )
    assert facts.name == "update_job"


def test_a_write_made_only_in_a_branch_does_not_name_the_unit() -> None:
    """``if hidden: job.hide()`` beside ``job.title = ...``: not ``hide_job``."""
    [facts] = _facts(
        """
        @router.post("/x")
        def edit_details(hidden: bool, db: SessionDep) -> None:
            job = db.get(Job, 1)
            if job is None:
                raise HTTPException(404)
            job.title = "x"
            if hidden:
                job.hide()
            db.commit()
        """
    )
    assert facts.name == "edit_details"


def test_query_methods_do_not_name_a_unit() -> None:
    """Where two units of a route clash, a unit is named for its writes or for a helper it
    calls, never for a method of SQLAlchemy's query API (the ``in_`` operator, ``filter_by``):
    a bulk ``update()`` of a query names the rows it writes."""
    [facts] = _facts(
        """
        @router.post("/x")
        def reorder(db: SessionDep, orders: dict[int, list[int]]) -> None:
            for order, ids in orders.items():
                db.query(Job).filter_by(state="x").filter(Job.id.in_(ids)).update({Job.rank: order})
            db.commit()
        """
    )
    assert (facts.name, facts.alternatives) == ("reorder", ("update_jobs",))


def test_a_second_unit_of_a_route_is_named_for_its_bulk_write_not_a_number() -> None:
    """open-event-server's ``reorder_speakers`` resets the order in one branch and sets it in a
    loop in the other: the second unit is ``update_speakers``, not ``reorder_speakers_2``."""
    header = FASTAPI_HEADER.replace("import Job, Tag", "import Job, Speaker, Tag")
    [reset, reorder] = _facts(
        """
        @router.post("/x")
        def reorder_speakers(db: SessionDep, reset: bool, orders: dict[int, list[int]]) -> None:
            if reset:
                db.query(Speaker).filter(Speaker.id > 0).update({Speaker.rank: 0})
                db.commit()
                return
            for order, ids in orders.items():
                db.query(Speaker).filter(Speaker.id.in_(ids)).update({Speaker.rank: order})
            db.commit()
        """,
        header,
    )
    assert (reset.name, reset.alternatives) == ("reorder_speakers", ("update_speakers",))
    assert reorder.alternatives == ("update_speakers",)


def test_a_model_class_s_own_create_and_delete_name_the_units() -> None:
    """A CRUD mixin's writes (``SocialAuth.create(...)``, ``Job.delete(job_id)``: SimpleLogin's
    models) name the units ``create_social_auth`` and ``delete_job``, not the route's name and a
    number; a helper class's ``create`` (``MailService.create(...)``) and a constant's
    (``LOG.delete(...)``) name nothing."""
    header = FASTAPI_HEADER.replace("import Job, Tag", "import Job, SocialAuth, Tag")
    header += "from app.mail import MailService\nfrom app.log import LOG\n"
    [social, deleted, helper] = _facts(
        """
        @router.post("/x")
        def google_login(db: SessionDep, user_id: int, job_id: int) -> None:
            if user_id:
                SocialAuth.create(user_id=user_id, social="google")
                db.commit()
            if job_id:
                Job.delete(job_id)
                db.commit()


        @router.post("/y")
        def notify_job(db: SessionDep, job_id: int) -> None:
            MailService.create(job_id)
            LOG.delete(job_id)
            db.commit()
        """,
        header,
    )
    assert social.name == "create_social_auth"
    assert deleted.name == "delete_job"
    assert helper.name == "notify_job"


def test_a_record_of_what_was_done_does_not_name_the_unit() -> None:
    """nyaa's unban adds an ``AdminLog`` entry and deletes the ban: the unit is ``delete_ban``, not
    ``create_admin_log``; a log entry written alone still names it."""
    header = FASTAPI_HEADER.replace("import Job, Tag", "import AdminLog, Ban, Job, Tag")
    [unban, logged] = _facts(
        """
        @router.post("/x")
        def view_bans(db: SessionDep, ban_id: int, admin_id: int) -> None:
            ban = db.get(Ban, ban_id)
            log = AdminLog(text=f"Unbanned ban #{ban_id}", admin_id=admin_id)
            db.add(log)
            db.delete(ban)
            db.commit()


        @router.post("/y")
        def view_log(db: SessionDep, admin_id: int) -> None:
            db.add(AdminLog(text="seen", admin_id=admin_id))
            db.commit()
        """,
        header,
    )
    assert unban.name == "delete_ban"
    assert logged.name == "create_admin_log"


def test_a_camel_case_attribute_names_the_alternative_in_snake_case() -> None:
    """keep's ``provider.validatedScopes = ...`` (a SQLModel field) names the method
    ``update_job_validated_scopes``, not ``update_job_validatedScopes``; where the route's name
    is taken, that is the alternative tried before a number."""
    [facts] = _facts(
        """
        @router.post("/x")
        def validate_job_scopes(db: SessionDep, scopes: list[str]) -> None:
            job = db.get(Job, 1)
            if scopes != job.validatedScopes:
                job.validatedScopes = scopes
                db.commit()
        """
    )
    assert facts.name == "update_job_validated_scopes"


def test_two_units_of_one_route_share_no_name() -> None:
    """The unit that deletes the tag is ``delete_tag``; the one that removes it from the job is
    named for that, not ``delete_tag`` with a numbered clash after it."""
    first, second = _facts(
        """
        @router.post("/x")
        def delete_tag(db: SessionDep) -> None:
            job = db.get(Job, 1)
            tag = db.get(Tag, 2)
            if job is None or tag is None:
                raise HTTPException(404)
            job.tags.remove(tag)
            db.commit()
            if not tag.jobs:
                db.delete(tag)
                db.commit()
        """
    )
    assert (first.name, second.name) == ("remove_job_tag", "delete_tag")


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def _apply(root: Path, path: str, **options: Any) -> Any:
    spec = CodemodSpec(get_codemod("move-commits"), "move-commits", tuple(sorted(options.items())))
    return run(
        Workspace(root=root),
        RunOptions(specs=[spec], paths=[root / path], apply=True, jobs=1),
    )


FLASK_ROUTE = """\
from flask import Blueprint

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def post():
    db.session.add(Job(title="x"))
    db.session.commit()
    return "", 201
"""


def test_method_name_template_overrides_the_name(tmp_path: Path) -> None:
    templates = tmp_path / "tpl" / "move-commits"
    templates.mkdir(parents=True)
    (templates / "method_name.txt.j2").write_text("{{ verb }}_{{ subject }}_now\n")
    root = _project(
        tmp_path,
        {"app/__init__.py": "", "app/routes/__init__.py": "", "app/routes/jobs.py": FLASK_ROUTE},
    )
    result = _apply(root, "app/routes", templates=str(tmp_path / "tpl"))
    assert not result.manual
    service = next(c for c in result.changes if c.path.endswith("job_service.py"))
    assert "def create_job_now():" in service.after.decode()


RESOURCES = """\
from app import models
from app.handlers.base import BaseResource, get_alert


class AlertEvaluateResource(BaseResource):
    def post(self, alert_id):
        alert = get_alert(alert_id)
        alert.state = "triggered"
        models.db.session.commit()


class AlertMuteResource(BaseResource):
    def post(self, alert_id):
        alert = get_alert(alert_id)
        alert.options["muted"] = True
        models.db.session.commit()

    def delete(self, alert_id):
        alert = get_alert(alert_id)
        alert.options["muted"] = False
        models.db.session.commit()


class AlertListResource(BaseResource):
    def post(self):
        alert = models.Alert(name="x")
        models.db.session.add(alert)
        models.db.session.commit()
        return alert.id


class AlertSubscriptionResource(BaseResource):
    def delete(self, alert_id):
        models.db.session.execute(models.clear_subscriptions(alert_id))
        models.db.session.commit()
"""


def test_resource_classes_on_a_project_base_are_named_for_what_they_serve(
    tmp_path: Path,
) -> None:
    """``class AlertMuteResource(BaseResource)``, with ``BaseResource`` the project's own: its
    methods are view methods, so a clash or a unit whose writes say nothing falls back to the
    kind of write and what the view serves, never to the module's resource with the wrong verb
    (``create_alert`` for muting). A unit that sets a status word is named for it
    (``alert.state = "triggered"``: ``mark_alert_triggered``)."""
    root = _project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/handlers/__init__.py": "",
            "app/handlers/base.py": "class BaseResource:\n    pass\n",
            "app/handlers/alerts.py": RESOURCES,
        },
    )
    result = _apply(root, "app/handlers/alerts.py")
    assert not result.manual, result.manual
    service = next(c for c in result.changes if c.path.endswith("alert_service.py"))
    names = re.findall(r"def (\w+)\(", service.after.decode())
    assert names == [
        "mark_alert_triggered",
        "update_alert_options",
        "delete_alert_mute",
        "create_alert",
        "delete_alert_subscription",
    ]


GENERIC_ROWS = """\
from flask_restx import Namespace, Resource

from app import db
from app.models import models_for

ns = Namespace("notes")


@ns.route("")
class NoteList(Resource):
    def post(self):
        NoteModel = models_for("note")
        m = NoteModel(text="x")
        db.session.add(m)
        db.session.commit()
        return m.id


@ns.route("/<int:note_id>")
class NoteDetail(Resource):
    def put(self, note_id):
        NoteModel = models_for("note")
        obj = NoteModel(id=note_id)
        obj.text = "y"
        db.session.add(obj)
        db.session.commit()
"""


def test_a_row_in_a_variable_that_says_nothing_is_named_for_the_views_resource(
    tmp_path: Path,
) -> None:
    """``m = NoteModel(...)`` of a class the code does not show, in ``NoteList.post``: ``m`` (or
    ``obj``) names nothing, the view's resource does (``create_note``, not ``create_m``)."""
    root = _project(
        tmp_path,
        {"app/__init__.py": "", "app/api/__init__.py": "", "app/api/notes.py": GENERIC_ROWS},
    )
    result = _apply(root, "app/api/notes.py")
    assert not result.manual, result.manual
    service = next(c for c in result.changes if c.path.endswith("note_service.py"))
    assert re.findall(r"def (\w+)\(", service.after.decode()) == ["create_note", "update_note"]


@pytest.mark.parametrize("suggested", ["create_job", "  padded_name  ", "x"])
def test_the_bundled_method_name_template_needs_no_rendering(suggested: str) -> None:
    # A scan skips jinja2 for the bundled name template; it must give what rendering gives.
    from backfix.builtin_codemods.move_commits import signature

    from backfix.templating import render

    assert signature._bundled_name_is_suggested()
    rendered = render(
        signature.NAME_TEMPLATE,
        suggested=suggested,
        verb="create",
        subject="job",
        route_function="post",
        route_class="",
        fallback="post_job",
    ).strip()
    assert rendered == suggested.strip()


def test_strict_mypy_project_reports_an_untypeable_unit(tmp_path: Path) -> None:
    route = """\
    from fastapi import APIRouter, HTTPException

    from app.db import SessionDep
    from app.models import Job

    router = APIRouter()


    @router.post("/jobs")
    def create_job(payload: dict[str, str], db: SessionDep) -> None:
        title, _ = payload.popitem()
        if not title:
            raise HTTPException(400)
        db.add(Job(title=title))
        db.commit()
    """
    root = _project(
        tmp_path,
        {
            "pyproject.toml": "[tool.mypy]\ndisallow_untyped_defs = true\n",
            "app/__init__.py": "",
            "app/routes/__init__.py": "",
            "app/routes/jobs.py": route,
        },
    )
    result = _apply(root, "app/routes")
    [manual] = result.manual
    assert "mypy settings require typed functions" in manual.reason
    assert "parameter `title`" in manual.reason


def test_type_ignore_in_an_untyped_method_is_reported_when_unused_ones_are(
    tmp_path: Path,
) -> None:
    route = FLASK_ROUTE.replace(
        'db.session.add(Job(title="x"))', 'db.session.add(Job(title="x"))  # type: ignore'
    )
    root = _project(
        tmp_path,
        {
            "setup.cfg": "[mypy]\nwarn_unused_ignores = True\n",
            "app/__init__.py": "",
            "app/routes/__init__.py": "",
            "app/routes/jobs.py": route,
        },
    )
    [manual] = _apply(root, "app/routes").manual
    assert "`# type: ignore`" in manual.reason
    assert "signature would have no type" in manual.reason


def test_first_party_packages_follow_the_nearest_project_config(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "backend/pyproject.toml": ("[tool.ruff.lint.isort]\nknown-first-party = ['shared']\n"),
            "backend/app/__init__.py": "",
            "backend/app/api/__init__.py": "",
            "backend/app/api/items.py": "",
            "backend/scripts/seed.py": "",
        },
    )
    names = first_party_packages(root / "backend/app/api/items.py", root)
    assert {"app", "scripts", "shared"} <= names
    assert "sqlalchemy" not in names


def test_dropped_definitions_are_imported_back_when_read_or_exported() -> None:
    module = cst.parse_module(
        '__all__ = ["LIMIT"]\n\nEVENTS = ("a",)\nLIMIT = 3\nUNUSED = 1\n\n\n'
        "def view():\n    return EVENTS\n"
    )
    new, still_read = drop_definitions(module, frozenset({"EVENTS", "LIMIT", "UNUSED"}))
    assert still_read == {"EVENTS", "LIMIT"}
    assert new.code == '__all__ = ["LIMIT"]\n\n\ndef view():\n    return EVENTS\n'


MOVABLE = """\
import os

from app.db import db

LIMIT = 10


# formats a title
def clean(title):
    return title.strip()[:LIMIT] + suffix()


def suffix():
    return clean("") if os.sep else ""


@decorated
def wrapped():
    return 1


def stays():
    db.session.commit()
"""


def test_movable_definitions_asked_again_are_the_first_answer() -> None:
    from backfix.builtin_codemods.move_commits.definitions import Definitions
    from backfix.builtin_codemods.move_commits.types import TypeInference, optional_style

    module = cst.parse_module(MOVABLE)
    analyzer = Analyzer(module, "app/routes/jobs.py", DEFAULT_SESSION_NAMES, True)
    inference = TypeInference(analyzer.index, module, optional_style(module))
    asked = Definitions(analyzer.index, module, inference)
    for name in ["clean", "suffix", "LIMIT", "wrapped", "stays", "os", "missing", "clean"]:
        first = asked.movable(name)
        fresh = Definitions(analyzer.index, module, inference).movable(name)
        assert first == asked.movable(name) == fresh, name
        if first:
            first.clear()  # the caller's list is its own
            assert asked.movable(name) == fresh
    clean = asked.movable("clean")
    assert clean is not None
    assert [d.name for d in clean] == ["clean", "LIMIT", "suffix"]
    assert clean[0].code.startswith("# formats a title\ndef clean(title):")


@pytest.mark.parametrize(
    ("guard", "narrowed"),
    [
        (["if not job.owner:", "    raise HTTPException(409)"], ("job.owner",)),
        (["if job.owner is None or job.locked:", "    raise HTTPException(409)"], ("job.owner",)),
        # the assert moves with the statements after it, and narrows in the service method too
        (["assert job.owner is not None"], ()),
        (["if job.owner is not None:", "    pass"], ()),
        ([], ()),
    ],
)
def test_attributes_the_route_rules_out_being_none_before_the_moved_reads_are_noted(
    guard: list[str], narrowed: tuple[str, ...]
) -> None:
    lines = [
        '@router.put("/jobs/{job_id}")',
        "def hand_over(job_id: int, db: SessionDep) -> None:",
        "    job = db.get(Job, job_id)",
        "    if job is None:",
        "        raise HTTPException(404)",
        *(f"    {line}" for line in guard),
        "    job.previous_owner = job.owner.name",
        "    job.owner = None",
        "    db.commit()",
    ]
    [facts] = _facts("\n" + "\n".join(lines) + "\n")
    assert facts.narrowed == narrowed


@pytest.mark.parametrize(
    ("moved", "expected"),
    [
        (["job.title = title"], "Job"),
        (["title = title.strip()", "job.title = title"], "Job"),
        (["db.add(job)", "job.title = title"], "Job | None"),
        (["if title:", "    job.title = title"], "Job | None"),
    ],
)
def test_moved_code_that_first_reads_an_attribute_takes_the_row_as_not_none(
    moved: list[str], expected: str
) -> None:
    lines = [
        '@router.put("/jobs/{job_id}")',
        "def rename(job_id: int, title: str, db: SessionDep) -> None:",
        "    job = db.get(Job, job_id)",
        "    if job_id < 0:",  # (stays: the load and the unit are apart)
        "        raise HTTPException(400)",
        *(f"    {line}" for line in moved),
        "    db.commit()",
    ]
    module = cst.parse_module(FASTAPI_HEADER + "\n" + "\n".join(lines) + "\n")
    analyzer = Analyzer(module, "app/routes/jobs.py", DEFAULT_SESSION_NAMES, True)
    analyzer.run()
    attach_output(analyzer)
    [extraction] = [u.extraction for u in analyzer.units if u.extraction is not None]
    types = dict(zip((p.name for p in extraction.params), _types(extraction.output), strict=True))
    assert types["job"] == expected


def test_an_attribute_the_moved_code_only_assigns_is_not_noted() -> None:
    [facts] = _facts(
        """
        @router.delete("/jobs/{job_id}/owner")
        def release(job_id: int, db: SessionDep) -> None:
            job = db.get(Job, job_id)
            if job is None or not job.owner:
                raise HTTPException(404)
            job.owner = None
            db.commit()
        """
    )
    assert facts.narrowed == ()


NARROWED_ROUTE = """\
from flask import Blueprint

from app.extensions import db
from app.models import Job
from app.storage import remove_upload

bp = Blueprint("jobs", __name__)


@bp.delete("/jobs/<int:job_id>/logo")
def delete_logo(job_id: int) -> tuple[str, int]:
    job = db.get_or_404(Job, job_id)
    if not job.logo:
        return "", 204
    remove_upload(job.logo)
    job.logo = None
    db.session.commit()
    return "", 204
"""


@pytest.mark.parametrize("checked", [True, False])
def test_a_narrowed_read_is_reported_only_where_the_project_runs_a_type_checker(
    tmp_path: Path, checked: bool
) -> None:
    files = {
        "app/__init__.py": "",
        "app/routes/__init__.py": "",
        "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/models.py": "from app.extensions import db\n\n\nclass Job(db.Model):\n    pass\n",
        "app/storage.py": "def remove_upload(name: str) -> None:\n    pass\n",
        "app/routes/jobs.py": NARROWED_ROUTE,
    }
    if checked:
        files["mypy.ini"] = "[mypy]\n"
    result = _apply(_project(tmp_path, files), "app/routes")
    if checked:
        [kept] = result.manual
        assert (kept.reason_id, result.changes) == ("narrowed-in-route", [])
    else:
        assert not result.manual
        route = next(c for c in result.changes if c.path.endswith("jobs.py"))
        assert "JobService.delete_logo(job)" in route.after.decode()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("job.seen = True", True),
        ("log(job.owner)", True),
        ("if job.locked:\n    pass", True),
        ("for tag in job.tags:\n    pass", True),
        ("with job.lock:\n    pass", True),
        ("x = a or job.locked", False),
        ("x = job.owner if a else None", False),
        ("x = [j.owner for j in [job]]", False),
        ("f = lambda: job.owner", False),
        ("if a:\n    job.seen = True", False),
        ("try:\n    job.seen = True\nexcept E:\n    pass", False),
        ("x = jobs.owner", False),
    ],
)
def test_what_dereferences_a_name_on_every_run(code: str, expected: bool) -> None:
    [stmt] = cst.parse_module(code + "\n").body
    assert dereferences(stmt, "job") is expected


def test_a_route_module_the_coverage_leaves_out_gives_methods_it_leaves_out(
    tmp_path: Path,
) -> None:
    files = {
        "app/__init__.py": "",
        "app/routes/__init__.py": "",
        "app/routes/jobs.py": FLASK_ROUTE,
        "tox.ini": "[testenv:diff-cover]\ncommands = diff-cover coverage.xml --exclude jobs.py\n",
    }
    result = _apply(_project(tmp_path, files), "app/routes")
    service = next(c for c in result.changes if c.path.endswith("job_service.py"))
    assert "def create_job():  # pragma: no cover" in service.after.decode()


OUTER_WRITE_ROUTE = """\
from flask import Blueprint, g, redirect

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/seen")
def seen(job_id):
    job = db.get_or_404(Job, job_id)
    {before}
    if job.unseen:
        job.unseen = False
        db.session.commit()
    return redirect("/")
"""


@pytest.mark.parametrize(
    ("before", "fixable"),
    [
        ("g.job = job", True),
        ("form = NoteForm()\n    form.note.data = job.note", True),
        ("job.opened = True", False),
        ("pass", True),
    ],
)
def test_a_write_before_the_if_that_holds_the_commit_keeps_the_unit_in_the_route(
    tmp_path: Path, before: str, fixable: bool
) -> None:
    files = {
        "app/__init__.py": "",
        "app/routes/__init__.py": "",
        "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/models.py": "from app.extensions import db\n\n\nclass Job(db.Model):\n    pass\n",
        "app/routes/jobs.py": OUTER_WRITE_ROUTE.format(before=before),
    }
    result = _apply(_project(tmp_path, files), "app/routes")
    kept = [v.reason_id for v in result.manual]
    assert kept == ([] if fixable else ["write-split-from-commit"])


OBJ_SUFFIX = """\
from flask import Blueprint

from app.extensions import db
from app.lib import find_site

bp = Blueprint("sites", __name__)


@bp.post("/sites/<int:site_id>/drop")
def drop(site_id):
    siteobj = find_site(site_id)
    db.session.delete(siteobj)
    db.session.commit()
    return "", 204
"""


def test_an_obj_suffix_is_no_part_of_the_row_a_method_is_named_for(tmp_path: Path) -> None:
    """``siteobj`` (like ``site_obj``) holds a site: ``delete_site``, not ``delete_siteobj``."""
    root = _project(
        tmp_path,
        {"app/__init__.py": "", "app/routes/__init__.py": "", "app/routes/sites.py": OBJ_SUFFIX},
    )
    result = _apply(root, "app/routes/sites.py")
    service = next(c for c in result.changes if c.path.endswith("_service.py"))
    assert re.findall(r"def (\w+)\(", service.after.decode()) == ["delete_site"]


FLASH_AFTER_COMMIT = """\
import flask
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.lib import get_user

bp = flask.Blueprint("auth", __name__)


@bp.post("/reset/<token>")
def reset_password(token):
    user = get_user(token)
    if user is None:
        flask.abort(404)
    user.token = None
    db.session.add(user)
    try:
        db.session.commit()
        flask.flash("Password changed")
    except SQLAlchemyError as err:
        db.session.rollback()
        flask.flash("Could not set the new password.", "error")
        flask.current_app.logger.exception(err)
    return flask.redirect(flask.url_for("auth.login"))
"""


def test_what_stays_in_the_routes_try_does_not_name_the_method(tmp_path: Path) -> None:
    """``flask.flash(...)`` after the commit stays in the route: it named the method
    ``flash_flask`` instead of the route's ``reset_password``."""
    root = _project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/routes/__init__.py": "",
            "app/routes/auth.py": FLASH_AFTER_COMMIT,
        },
    )
    result = _apply(root, "app/routes/auth.py")
    service = next(c for c in result.changes if c.path.endswith("_service.py"))
    assert re.findall(r"def (\w+)\(", service.after.decode()) == ["reset_password"]


GUARD_NAMED_HOOK = """\
from flask import Blueprint

from app.extensions import db
from app.lib import visit_of

bp = Blueprint("auth", __name__)


@bp.before_app_request
def check_session_cookie():
    visit = visit_of()
    if visit is not None:
        visit.expiry = None
        db.session.commit()
"""


def test_a_route_named_as_a_check_does_not_name_a_method_that_writes(tmp_path: Path) -> None:
    """``check_*`` says a guard that may stop the request: a service method of that name that
    writes and commits would mislead, so the writes name it."""
    root = _project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/routes/__init__.py": "",
            "app/routes/auth.py": GUARD_NAMED_HOOK,
        },
    )
    result = _apply(root, "app/routes/auth.py")
    service = next(c for c in result.changes if c.path.endswith("_service.py"))
    assert re.findall(r"def (\w+)\(", service.after.decode()) == ["update_visit_expiry"]


COMMENTED_TRY = """\
from flask import Blueprint, jsonify
from sqlalchemy import exc

from app.extensions import db
from app.models import Item

bp = Blueprint("items", __name__)


@bp.delete("/items/<int:item_id>")
def delete_item(item_id):
    item = db.get_or_404(Item, item_id)
    try:
        # clear the tags first
        item.tags = []
        db.session.delete(item)
        db.session.commit()
        return jsonify(status="gone"), 204
    except exc.IntegrityError as error:
        return jsonify(error=str(error)), 500
"""


def test_a_rewrite_that_would_lose_a_comment_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The route rewrite checks that every comment of a unit ends in the route or the method:
    with the method's own comments dropped (the bug of 1aff1fc), nothing is written."""
    from backfix.builtin_codemods.move_commits import output

    files = {
        "app/__init__.py": "",
        "app/routes/__init__.py": "",
        "app/routes/items.py": COMMENTED_TRY,
    }
    kept = _apply(_project(tmp_path / "kept", files), "app/routes/items.py")
    service = next(c for c in kept.changes if c.path.endswith("_service.py")).after.decode()
    assert "# clear the tags first" in service
    monkeypatch.setattr(output, "_method_comments", lambda unit, first: ())
    refused = _apply(_project(tmp_path / "refused", files), "app/routes/items.py")
    assert refused.changes == []
    assert [e.kind for e in refused.errors] == ["comment-would-be-lost"], refused.errors


def test_a_name_the_unit_assigns_again_returns_the_type_of_that_assignment() -> None:
    """``job`` is a lookup's ``Job | None`` before the unit, then ``Job(...)`` in it: the service
    returns the new ``Job`` (minimal-fastapi-postgres-template's register route was reported
    type-required-but-unknown, with no annotation that could settle it)."""
    [facts] = _facts(
        """
        @router.post("/jobs")
        def create(title: str, db: SessionDep) -> dict[str, int]:
            job = db.scalars(select(Job).where(Job.title == title)).first()
            if job is not None:
                raise HTTPException(409)
            job = Job(title=title)
            db.add(job)
            db.commit()
            return {"id": job.id}
        """
    )
    assert facts.return_type is not None and facts.return_type.code == "Job"
    assert facts.unknown == ()
