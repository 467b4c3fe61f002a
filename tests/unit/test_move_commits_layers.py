"""Which module an import reaches, and whether it is route layer (move-commits' ``layers``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits.frameworks import DEFAULT_ROUTE_PATHS, route_path_match
from backfix.builtin_codemods.move_commits.layers import (
    _holds_own_project,
    below_project_folder,
    imported_module_path,
    within_top_package,
)
from backfix.builtin_codemods.move_commits.model import ImportNeed


def _need(module: str, imported: str, level: int = 0) -> ImportNeed:
    return ImportNeed(imported, module, imported, None, level)


@pytest.mark.parametrize(
    ("importer", "need", "expected"),
    [
        ("app/views/notes.py", _need("app.views.util", "parse_body"), "app/views/util.py"),
        ("src/app/views/notes.py", _need("app.views.util", "x"), "src/app/views/util.py"),
        ("app/views/notes.py", _need("util", "x", level=1), "app/views/util.py"),
        ("app/views/notes.py", _need("", "util", level=1), "app/views/__init__.py"),
        ("app/views/notes.py", _need("models", "Note", level=2), "app/models.py"),
        ("app/views/notes.py", _need("flask.views", "MethodView"), None),
        ("app/notes.py", _need("models", "Note", level=3), None),
        ("app/views/notes.py", _need("", "app.views.util"), "app/views/util.py"),
    ],
)
def test_imported_module_path(importer: str, need: ImportNeed, expected: str | None) -> None:
    assert imported_module_path(importer, need) == expected


def test_within_top_package_strips_the_application_package(tmp_path: Path) -> None:
    for folder in ("api", "api/views", "src/app", "src/app/views"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "__init__.py").write_text("")
    assert within_top_package(tmp_path, "api/models.py") == "models.py"
    assert within_top_package(tmp_path, "api/views/util.py") == "views/util.py"
    assert within_top_package(tmp_path, "src/app/views/util.py") == "views/util.py"
    assert within_top_package(tmp_path, "api.py") == "__init__.py"  # `from api import db`
    assert within_top_package(tmp_path, "routes.py") == "routes.py"  # no package


@pytest.mark.parametrize(
    ("path", "route_layer"),
    [
        ("app/api/jobs.py", True),
        ("app/api/v1/endpoints/jobs.py", True),
        ("app/api/helpers/db.py", True),
        ("app/views/jobs.py", True),
        # a package named like a route folder that holds the application's other layers
        ("src/shop/api/models/order.py", False),
        ("src/shop/api/service/orders.py", False),
        ("src/shop/api/db/base_class.py", False),
        ("src/shop/api/util/encryption.py", False),
        ("shop/api/v1/models/order.py", False),
        ("shop/api/v1/routes/orders.py", True),
        ("shop/api/v1/orders.py", True),
        # ... whose route layer is a route folder deeper in it
        ("src/shop/api/v1/endpoints/orders.py", True),
        ("src/shop/api/models/routes/x.py", True),
    ],
)
def test_a_route_folder_above_another_layer_names_the_application(
    path: str, route_layer: bool
) -> None:
    assert route_path_match(path, DEFAULT_ROUTE_PATHS) is route_layer


def test_a_monorepo_backend_folder_names_the_project_not_its_route_layer(tmp_path: Path) -> None:
    """``api/`` holding the backend's ``pyproject.toml`` (and no ``__init__.py``) is a project
    of the repository: the packages in it say their layers by their own folders."""
    (tmp_path / "api" / "oss" / "dbs").mkdir(parents=True)
    (tmp_path / "api" / "pyproject.toml").write_text("[project]\nname = 'api'\n")
    (tmp_path / "api" / "oss" / "__init__.py").write_text("")
    assert below_project_folder(tmp_path, "api/oss/dbs/dao.py") == "oss/dbs/dao.py"
    assert below_project_folder(tmp_path, "api/main.py") == "api/main.py"  # right in it
    (tmp_path / "api" / "__init__.py").write_text("")  # a package named `api` is a layer
    _holds_own_project.cache_clear()
    assert below_project_folder(tmp_path, "api/oss/dbs/dao.py") == "api/oss/dbs/dao.py"
