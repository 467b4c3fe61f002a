"""move-commits' import graph: when would the service's imports lead back to the route module?"""

from __future__ import annotations

from pathlib import Path

from backfix.builtin_codemods.move_commits.cycles import ImportGraph
from backfix.builtin_codemods.move_commits.model import ImportNeed

from backfix.project import ProjectContext


def _graph(tmp_path: Path, files: dict[str, str]) -> ImportGraph:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return ImportGraph(ProjectContext(root=str(tmp_path)))


def _need(module: str, imported: str, level: int = 0) -> ImportNeed:
    return ImportNeed(imported, module, imported, None, level)


def test_a_model_importing_the_route_module_closes_a_cycle(tmp_path: Path) -> None:
    graph = _graph(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/app.py": "db = object()\nfrom shop import models\n",
            "shop/models.py": "from shop.app import db\n",
        },
    )
    starts = graph.need_files("shop/app.py", [_need("shop", "models")])
    assert starts == ["shop/__init__.py", "shop/models.py"]
    assert graph.chain_to(starts, "shop/app.py") == ["shop/models.py", "shop/app.py"]


def test_the_packages_around_the_route_module_are_loaded_already(tmp_path: Path) -> None:
    """``from app import db`` in the models runs nothing new: ``app/__init__.py``, which imports the
    routes at its end, is loaded before the routes module runs."""
    graph = _graph(
        tmp_path,
        {
            "app/__init__.py": "db = object()\nfrom app import routes\n",
            "app/routes.py": "from app import db\nfrom app.models import User\n",
            "app/models.py": "from app import db\n",
        },
    )
    starts = graph.need_files("app/routes.py", [_need("app.models", "User"), _need("app", "db")])
    assert graph.chain_to(starts, "app/routes.py") is None


def test_imports_that_do_not_run_at_import_time_are_not_followed(tmp_path: Path) -> None:
    graph = _graph(
        tmp_path,
        {
            "web/__init__.py": "",
            "web/views.py": "",
            "web/models.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from web.views import bp\n"
                "def f():\n    from web import views\n"
            ),
            "web/helpers.py": "try:\n    from .models import x\nexcept ImportError:\n    x = None\n",
        },
    )
    assert graph.imports_of("web/models.py") == ()
    assert graph.imports_of("web/helpers.py") == ("web/models.py",)
    starts = graph.need_files("web/views.py", [_need("helpers", "x", level=1)])
    assert graph.chain_to(starts, "web/views.py") is None


def test_a_longer_chain_is_named_whole(tmp_path: Path) -> None:
    graph = _graph(
        tmp_path,
        {
            "routes.py": "",
            "models.py": "import mixins\n",
            "mixins.py": "from routes import db\n",
        },
    )
    starts = graph.need_files("routes.py", [ImportNeed("models", "", "models", None, 0)])
    assert graph.chain_to(starts, "routes.py") == ["models.py", "mixins.py", "routes.py"]


def test_imported_first_the_service_loads_the_packages_around_the_route(tmp_path: Path) -> None:
    """Imported before the routes, a service in ``app/services/`` has only its own packages loaded:
    ``app/api/__init__.py``, which loads the routes, runs when the service imports its schemas."""
    graph = _graph(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "from . import main\n",
            "app/api/main.py": "from .routes import notes\n",
            "app/api/routes/__init__.py": "",
            "app/api/routes/notes.py": "from .. import schemas\n",
            "app/api/schemas.py": "",
        },
    )
    route = "app/api/routes/notes.py"
    starts = ["app/api/__init__.py", "app/api/schemas.py"]
    assert graph.chain_to(starts, route) is None
    loaded = ["app/services/__init__.py", "app/__init__.py", "__init__.py"]
    assert graph.chain_to(starts, route, loaded) == [
        "app/api/__init__.py",
        "app/api/main.py",
        route,
    ]
