"""move-commits: the route modules of one folder share one services folder and name themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits.placement import (
    licence_header,
    service_location,
    singular,
)
from backfix.builtin_codemods.move_commits.rewrite import _lower_title, _title

from backfix.discovery import Workspace
from backfix.registry import get_codemod
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("jobs", "job"),
        ("categories", "category"),
        ("addresses", "address"),
        ("mailboxes", "mailbox"),
        ("fetches", "fetch"),
        ("databases", "database"),
        ("aliases", "alias"),
        ("statuses", "status"),
        ("shelves", "shelf"),
        ("book_shelves", "book_shelf"),
        ("people", "person"),
        ("archives", "archive"),
        ("moves", "move"),
        ("specimen", "specimen"),
        ("olives", "olive"),
        # already singular
        ("alias", "alias"),
        ("status", "status"),
        ("access", "access"),
        ("analysis", "analysis"),
        ("dns", "dns"),
    ],
)
def test_the_singular_a_service_is_named_by(word: str, expected: str) -> None:
    assert singular(word) == expected


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
        # a package named like a brand is one word (CTFd got `ct_fd_service.py`, "CT Fd")
        ("CTFd/views.py", set(), ("CTFd/services/ctfd_service.py", "CTFdService")),
        # (eNMS got `e_nm_service.py`, `ENmService`: cut, then made singular)
        ("eNMS/views.py", set(), ("eNMS/services/enms_service.py", "ENMSService")),
        ("ShopKit/views.py", set(), ("ShopKit/services/shop_kit_service.py", "ShopKitService")),
        ("WebUI/views.py", set(), ("WebUI/services/web_ui_service.py", "WebUIService")),
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


def _apply(root: Path, files: dict[str, str], path: Path) -> RunResult:
    """move-commits applied (not written) to ``path`` of a project of ``files`` at ``root``."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    spec = CodemodSpec(get_codemod("move-commits"), "move-commits", ())
    return run(Workspace(root=root), RunOptions(specs=[spec], paths=[path], apply=True, jobs=1))


def test_one_run_places_the_blueprints_of_one_folder_together(tmp_path: Path) -> None:
    """``app/blueprints/{main,admin}.py``: one ``services/`` folder beside ``blueprints/``, as beside
    ``routes/``, and ``MainService`` (not a ``BlueprintService``). Their writes differ: identical
    ones share a method."""
    files = {
        "app/__init__.py": "",
        "app/blueprints/__init__.py": "",
        "app/blueprints/main.py": BLUEPRINT.replace("{name}", "main"),
        "app/blueprints/admin.py": BLUEPRINT.replace("{name}", "admin"),
    }
    result = _apply(tmp_path, files, tmp_path / "app")
    assert sorted(c.path for c in result.changes) == [
        "app/blueprints/admin.py",
        "app/blueprints/main.py",
        "app/services/__init__.py",
        "app/services/admin_service.py",
        "app/services/main_service.py",
    ]


def test_main_modules_of_two_packages_get_a_service_each(tmp_path: Path) -> None:
    """securedrop's ``journalist_app/main.py`` and ``source_app/main.py``, each beside other
    route modules, would both go to ``securedrop/services/main_service.py``, one
    ``MainService`` for two apps: each service is named for its package too."""
    files = {
        "sd/journalist_app/__init__.py": "",
        "sd/journalist_app/main.py": BLUEPRINT.replace("{name}", "main"),
        "sd/journalist_app/api.py": BLUEPRINT.replace("{name}", "api"),
        "sd/source_app/__init__.py": "",
        "sd/source_app/main.py": BLUEPRINT.replace("{name}", "main").replace(
            'flagged_by = "main"', 'flagged_by = "source"'
        ),
        "sd/source_app/api.py": BLUEPRINT.replace("{name}", "api"),
    }
    result = _apply(tmp_path, files, tmp_path)
    services = {c.path: c.after.decode() for c in result.changes if "/services/" in c.path}
    assert "sd/services/journalist_app_main_service.py" in services
    assert "class SourceAppMainService:" in services["sd/services/source_app_main_service.py"]
    assert "sd/services/main_service.py" not in services


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        # a generic module in a blueprint package below a layer folder: named after that package
        ("app/api/auth/routes.py", ("app/services/auth_service.py", "AuthService")),
        ("app/blueprints/auth/views.py", ("app/services/auth_service.py", "AuthService")),
        # straight in the layer folder, it still names the application package
        ("app/api/routes.py", ("app/services/app_service.py", "AppService")),
        ("app/blueprints/orders.py", ("app/services/order_service.py", "OrderService")),
    ],
)
def test_a_blueprint_package_below_a_layer_folder_names_its_service(
    route: str, expected: tuple[str, str]
) -> None:
    location = service_location(
        route, ["routes", "views", "api", "blueprints"], "services", "{name}_service"
    )
    assert (location.path, location.class_name) == expected


ROUTER = """\
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from ..database import get_db
from ..models import Station

router = APIRouter()


@router.post("/stations")
def create_station(payload: dict, db: Session = Depends(get_db)):
    item = Station(**payload)
    db.add(item)
    db.commit()
    return {"id": item.id}
"""

EXISTING_SERVICE = """\
from ..models import Station


class StationService:
    def __init__(self, session):
        self.session = session

    def count(self):
        return self.session.query(Station).count()
"""


def test_a_project_root_that_is_a_package_keeps_relative_imports(tmp_path: Path) -> None:
    """Run on the package folder itself (``webapp/`` holding an ``__init__.py``): ``..models``
    from ``routers/`` is the ``..models`` the existing service imports, not a top-level
    ``models``, and the route imports its service relatively too."""
    files = {
        "__init__.py": "",
        "database.py": "def get_db():\n    yield None\n",
        "models.py": "class Station:\n    id = 0\n",
        "routers/__init__.py": "",
        "routers/stations.py": ROUTER,
        "services/__init__.py": "",
        "services/station_service.py": EXISTING_SERVICE,
    }
    result = _apply(tmp_path, files, tmp_path)
    assert [v.line for v in result.fixed] == [14]
    assert not result.violations
    changed = {c.path: c.after.decode() for c in result.changes}
    assert sorted(changed) == ["routers/stations.py", "services/station_service.py"]
    assert "from ..services.station_service import StationService" in changed["routers/stations.py"]
    service = changed["services/station_service.py"]
    assert service.count("from ..models import Station") == 1
    assert "from models import" not in service


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("# Copyright 2026 A.\n\nimport os\n", "# Copyright 2026 A.\n\n"),
        ("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# Licensed under MIT\nx = 1\n",
         "# Licensed under MIT\n"),
        ("# SPDX-License-Identifier: MIT\r\n# more\r\n", "# SPDX-License-Identifier: MIT\n# more\n"),
        ("# routes for notes\nimport os\n", ""),  # a comment, no notice
        ('"""Docstring."""\n# Copyright later\n', ""),  # not at the top
    ],
)  # fmt: skip
def test_the_licence_header_a_new_module_copies(text: str, header: str) -> None:
    assert licence_header(text) == header


@pytest.mark.parametrize(
    ("class_name", "title"),
    [
        ("CTFdService", "CTFd"),
        ("ENMSService", "ENMS"),
        ("WebUIService", "web UI"),
        ("ShopKitService", "shop kit"),
        ("HTTPServerService", "HTTP server"),
    ],
)
def test_a_service_class_reads_as_words_in_its_docstrings(class_name: str, title: str) -> None:
    assert _lower_title(_title(class_name)) == title
