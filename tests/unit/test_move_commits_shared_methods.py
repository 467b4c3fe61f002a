"""move-commits: units that would generate the same method share one, unless sharing is unsafe."""

from __future__ import annotations

from pathlib import Path

from backfix.discovery import Workspace
from backfix.registry import get_codemod
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run

ROUTE = """\
from flask import Blueprint

from {models} import Item, db

bp = Blueprint("{name}", __name__)


@bp.post("/{name}/<int:item_id>/flag")
def flag_item(item_id):
    item = db.get_or_404(Item, item_id)
    item.flagged = True
    db.session.commit()
    return "ok"
"""

MODELS = "db = None\n\n\nclass Item:\n    pass\n"


def _run(tmp_path: Path, files: dict[str, str], batch: set[str] | None = None) -> RunResult:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    spec = CodemodSpec(get_codemod("move-commits"), "move-commits", ())
    return run(
        Workspace(root=tmp_path),
        RunOptions(
            specs=[spec],
            paths=[tmp_path],
            apply=True,
            jobs=1,
            only_files=None if batch is None else lambda _violations: batch,
        ),
    )


def _two_blueprints(**extra: str) -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/routes/__init__.py": "",
        "app/routes/catalog.py": ROUTE.format(models="app.models", name="catalog"),
        "app/routes/public.py": ROUTE.format(models="app.models", name="public"),
        **extra,
    }


def _paths(result: RunResult) -> list[str]:
    return sorted(change.path for change in result.changes)


def _text(result: RunResult, path: str) -> str:
    return next(c.after for c in result.changes if c.path == path).decode()


def test_the_second_route_calls_the_method_of_the_first(tmp_path: Path) -> None:
    result = _run(tmp_path, _two_blueprints())
    assert "app/services/public_service.py" not in _paths(result)
    public = _text(result, "app/routes/public.py")
    assert "from app.services.catalog_service import CatalogService" in public
    assert "CatalogService.flag_item(item)" in public


def test_the_same_name_imported_from_elsewhere_is_another_method(tmp_path: Path) -> None:
    files = _two_blueprints(
        **{
            "app/legacy.py": MODELS,
            "app/routes/public.py": ROUTE.format(models="app.legacy", name="public"),
        }
    )
    result = _run(tmp_path, files)
    assert "PublicService.flag_item(item)" in _text(result, "app/routes/public.py")


def test_a_route_module_that_binds_the_class_name_otherwise_keeps_its_own(tmp_path: Path) -> None:
    public = ROUTE.format(models="app.models", name="public") + "\n\nCatalogService = None\n"
    result = _run(tmp_path, _two_blueprints(**{"app/routes/public.py": public}))
    assert "PublicService.flag_item(item)" in _text(result, "app/routes/public.py")


def test_a_service_whose_package_imports_the_route_module_is_not_shared(tmp_path: Path) -> None:
    """``a/__init__.py`` imports ``b.routes``: ``b/routes.py`` importing ``a.services...`` at its
    top would be a circular import."""
    files = {
        "models.py": MODELS,
        "a/__init__.py": "",
        "a/routes.py": ROUTE.format(models="models", name="a"),
        "b/__init__.py": "",
        "b/routes.py": ROUTE.format(models="models", name="b"),
    }
    shared = _run(tmp_path / "shared", files)
    assert "AService.flag_item(item)" in _text(shared, "b/routes.py")
    files["a/__init__.py"] = "from b import routes\n"
    result = _run(tmp_path / "cycle", files)
    assert "BService.flag_item(item)" in _text(result, "b/routes.py")


def test_a_unit_outside_the_batch_is_not_shared(tmp_path: Path) -> None:
    result = _run(tmp_path, _two_blueprints(), batch={"app/routes/public.py"})
    assert _paths(result) == [
        "app/routes/public.py",
        "app/services/__init__.py",
        "app/services/public_service.py",
    ]


DELETE = """\
from flask import Blueprint, abort

from app.models import {model}, db

bp = Blueprint("{name}", __name__)


@bp.post("/{name}/<int:row_id>/delete")
def delete_{name}(row_id):
    item = db.session.get({model}, row_id)
    if item is None:
        abort(404)
    db.session.delete(item)
    db.session.commit()
    return "", 204
"""


def test_the_same_code_named_for_other_rows_is_not_shared(tmp_path: Path) -> None:
    """``db.session.delete(item)`` takes its name from the route: ``delete_coupon`` must not be
    the method that deletes accounts."""
    files = {
        "app/__init__.py": "",
        "app/models.py": MODELS + "\n\nclass Coupon:\n    pass\n\n\nclass Account:\n    pass\n",
        "app/routes/__init__.py": "",
        "app/routes/accounts.py": DELETE.format(model="Account", name="account"),
        "app/routes/coupons.py": DELETE.format(model="Coupon", name="coupon"),
    }
    result = _run(tmp_path, files)
    assert "AccountService.delete_account(item)" in _text(result, "app/routes/accounts.py")
    assert "CouponService.delete_coupon(item)" in _text(result, "app/routes/coupons.py")


RESOURCE = """\
from flask_restful import Resource

from app.models import db, load


class {name}(Resource):
    def {method}(self):
        response = load()
        db.session.add(response.data)
        db.session.commit()
        return "ok"
"""


def test_the_same_code_in_a_create_and_an_update_handler_is_not_shared(tmp_path: Path) -> None:
    """``add(response.data)`` in a POST and in a PATCH handler: an update route must not call a
    method named ``create_...``."""
    files = {
        "app/__init__.py": "",
        "app/models.py": MODELS + "\n\ndef load():\n    pass\n",
        "app/resources/__init__.py": "",
        "app/resources/configs.py": RESOURCE.format(name="ConfigList", method="post")
        + "\n\n"
        + RESOURCE.format(name="Config", method="patch"),
    }
    result = _run(tmp_path, files)
    service = _text(result, "app/services/config_service.py")
    assert "def create_config(" in service
    assert "def update_config(" in service


TEAM_DELETE = """\
from flask_restful import Resource

from app.models import db


class {name}(Resource):
    def delete(self, team):
        for member in team.members:
            member.team_id = None
        db.session.delete(team)
        db.session.commit()
        return "ok"
"""


def test_two_views_that_delete_the_same_row_alike_share_one_method(tmp_path: Path) -> None:
    """``TeamPublic.delete`` and ``TeamPrivate.delete`` run the same code, and both routes'
    names extend ``delete_team``: one method, not a second one named for a lesser write
    (CTFd got ``delete_team`` and an identical ``update_members_team_id``)."""
    files = {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/resources/__init__.py": "",
        "app/resources/teams.py": TEAM_DELETE.format(name="TeamPublic")
        + "\n\n"
        + TEAM_DELETE.format(name="TeamPrivate"),
    }
    result = _run(tmp_path, files)
    assert _text(result, "app/resources/teams.py").count("TeamService.delete_team(team") == 2
    service = _text(result, "app/services/team_service.py")
    assert service.count("def ") == 1


def _write(tmp_path: Path, result: RunResult) -> RunResult:
    for change in result.changes:
        (tmp_path / change.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / change.path).write_bytes(change.after)
    return result


def _run_on(tmp_path: Path, paths: list[str]) -> RunResult:
    spec = CodemodSpec(get_codemod("move-commits"), "move-commits", ())
    return _write(
        tmp_path,
        run(
            Workspace(root=tmp_path),
            RunOptions(specs=[spec], paths=[tmp_path / p for p in paths], apply=True, jobs=1),
        ),
    )


def test_a_later_batch_calls_the_method_an_earlier_one_wrote(tmp_path: Path) -> None:
    """``catalog.py`` in one batch, ``public.py`` in the next: the second calls the first's method
    instead of writing the same one again, even after the first was formatted otherwise."""
    _write(tmp_path, _run(tmp_path, _two_blueprints(), batch={"app/routes/catalog.py"}))
    service = tmp_path / "app/services/catalog_service.py"
    formatted = service.read_text().replace("(item):", "(\n        item,\n    ):")
    assert formatted != service.read_text()
    service.write_text(formatted)
    second = _run_on(tmp_path, ["app/routes/public.py"])
    assert _paths(second) == ["app/routes/public.py"]
    public = (tmp_path / "app/routes/public.py").read_text()
    assert "from app.services.catalog_service import CatalogService" in public
    assert "CatalogService.flag_item(item)" in public
    assert not (tmp_path / "app/services/public_service.py").exists()


def test_a_method_an_earlier_batch_wrote_otherwise_is_not_called(tmp_path: Path) -> None:
    """Changed by hand since (another write), it is no longer the unit's method."""
    _write(tmp_path, _run(tmp_path, _two_blueprints(), batch={"app/routes/catalog.py"}))
    service = tmp_path / "app/services/catalog_service.py"
    service.write_text(service.read_text().replace("item.flagged = True", "item.flagged = 1"))
    second = _run_on(tmp_path, ["app/routes/public.py"])
    assert "app/services/public_service.py" in _paths(second)


def test_a_public_route_does_not_call_the_admin_service(tmp_path: Path) -> None:
    """albumy's public ``delete_tag`` called ``AdminService.delete_tag``: the public pages then
    depend on the admin's service. It gets a method of its own."""
    files = {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/routes/__init__.py": "",
        "app/routes/admin.py": ROUTE.format(models="app.models", name="admin"),
        "app/routes/public.py": ROUTE.format(models="app.models", name="public"),
    }
    result = _run(tmp_path, files)
    public = _text(result, "app/routes/public.py")
    assert "AdminService" not in public
    assert "PublicService.flag_item(item)" in public
    assert "AdminService.flag_item(item)" in _text(result, "app/routes/admin.py")


VIEWS = """\
import datetime

from flask import abort, g, request
from flask.views import MethodView

from app.models import Account, db


class LoginView(MethodView):
    def post(self):
        account = db.session.get(Account, request.json["id"])
        if account is None:
            abort(403)
        account.seen_on = datetime.datetime.now()
        db.session.commit()
        return {"id": account.id}


class TokenView(MethodView):
    def post(self):
        account = g.account
        account.seen_on = datetime.datetime.now()
        db.session.commit()
        return {"id": account.id}
"""


def test_units_named_alike_by_their_writes_share_a_method(tmp_path: Path) -> None:
    """mwdb: two views' units that only set ``account.seen_on`` are both named for that write;
    the second got a method of its own, ``create_token`` (what a view's ``post`` creates), which
    it does not do. Named by their writes, not their routes, they share one."""
    files = {
        "app/__init__.py": "",
        "app/models.py": "db = None\n\n\nclass Account:\n    pass\n",
        "app/views/__init__.py": "",
        "app/views/auth.py": VIEWS,
    }
    result = _run(tmp_path, files)
    after = {c.path: c.after.decode() for c in result.changes if c.after is not None}
    route = after["app/views/auth.py"]
    assert route.count("AuthService.update_account_seen_on(account)") == 2
    assert after["app/services/auth_service.py"].count("    def ") == 1
