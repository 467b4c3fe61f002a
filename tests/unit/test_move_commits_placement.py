"""move-commits: the route modules of one folder share one services folder and name themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits.placement import service_location

from backfix.discovery import Workspace
from backfix.registry import get_codemod
from backfix.runner import CodemodSpec, RunOptions, run


@pytest.mark.parametrize(
    ("route", "siblings", "expected"),
    [
        # `main` beside other blueprints is a blueprint of its own, placed like them
        (
            "shop/blueprints/main.py",
            {"admin"},
            ("shop/blueprints/services/main_service.py", "MainService"),
        ),
        (
            "shop/blueprints/admin.py",
            {"main"},
            ("shop/blueprints/services/admin_service.py", "AdminService"),
        ),
        # alone, `main.py` still names its package
        (
            "shop/blueprints/main.py",
            set(),
            ("shop/services/blueprint_service.py", "BlueprintService"),
        ),
        ("app/routes/main.py", {"jobs"}, ("app/services/main_service.py", "MainService")),
        # a module beside a blueprint package's `views.py` goes where that one's service goes
        ("app/main/views.py", {"errors"}, ("app/services/main_service.py", "MainService")),
        ("app/main/errors.py", {"views"}, ("app/services/error_service.py", "ErrorService")),
        # ...but not out of a route layer folder
        (
            "backend/app/api/routes/items.py",
            {"__init__"},
            ("backend/app/services/item_service.py", "ItemService"),
        ),
    ],
)
def test_route_modules_of_one_folder_share_a_services_folder(
    route: str, siblings: set[str], expected: tuple[str, str]
) -> None:
    location = service_location(
        route, ["routes", "views", "api"], "services", "{name}_service", siblings=siblings
    )
    assert (location.path, location.class_name) == expected


BLUEPRINT = """\
from flask import Blueprint

from app.extensions import db
from app.models import Item

bp = Blueprint("{name}", __name__)


@bp.post("/{name}/<int:item_id>")
def flag_{name}(item_id):
    item = db.get_or_404(Item, item_id)
    item.flagged_by = "{name}"
    db.session.commit()
    return "ok"
"""


def test_one_run_places_the_blueprints_of_one_folder_together(tmp_path: Path) -> None:
    """``app/blueprints/{main,admin}.py``: one ``services/`` folder, ``MainService`` (not a
    ``BlueprintService`` in another folder). Their writes differ: identical ones share a method."""
    for rel, text in {
        "app/__init__.py": "",
        "app/blueprints/__init__.py": "",
        "app/blueprints/main.py": BLUEPRINT.replace("{name}", "main"),
        "app/blueprints/admin.py": BLUEPRINT.replace("{name}", "admin"),
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    spec = CodemodSpec(get_codemod("move-commits"), "move-commits", ())
    result = run(
        Workspace(root=tmp_path),
        RunOptions(specs=[spec], paths=[tmp_path / "app"], apply=True, jobs=1),
    )
    assert sorted(c.path for c in result.changes) == [
        "app/blueprints/admin.py",
        "app/blueprints/main.py",
        "app/blueprints/services/__init__.py",
        "app/blueprints/services/admin_service.py",
        "app/blueprints/services/main_service.py",
    ]
