"""Where an imported name comes from, as a repository path: a service must not import the route
layer, so code that calls the route layer's own helpers stays in the route."""

from __future__ import annotations

import functools
from pathlib import Path, PurePosixPath

from backfix.discovery import is_project

from .model import ImportNeed


def imported_module_path(importer: str, need: ImportNeed) -> str | None:
    """The repository path of the module ``need`` imports from, laid out as the path of the
    importing module ``importer`` implies (``aleph/views/util.py`` for ``from aleph.views.util
    import x`` or ``from .util import x`` in ``aleph/views/api.py``); None for a module of another
    distribution (its top-level package is none of ``importer``'s folders) or a relative import
    that leaves the repository."""
    folder = PurePosixPath(importer).parent
    dotted = need.module if need.module or need.level else need.imported
    parts = [part for part in dotted.split(".") if part]
    if need.level:
        if need.level - 1 >= len(folder.parts):
            return None
        base = folder.parents[need.level - 2] if need.level > 1 else folder
    else:
        if not parts or parts[0] not in folder.parts:
            return None
        base = PurePosixPath(*folder.parts[: folder.parts.index(parts[0])])
    if not parts:  # `from . import x`: the package itself
        return str(base / "__init__.py")
    return str(base.joinpath(*parts)) + ".py"


@functools.lru_cache(maxsize=4096)  # every route module asks about the same few modules
def within_top_package(root: Path, path: str) -> str:
    """``path`` (a repository path) from inside its top-level package: ``views/util.py`` for
    ``aleph/views/util.py`` and for ``src/aleph/views/util.py`` (``aleph/`` and ``aleph/views/``
    hold an ``__init__.py``); ``path`` itself outside any package. An application package named
    like a route folder (``api/models.py``) is then not route layer by that name alone."""
    package = PurePosixPath(path).with_suffix("")
    if (root / package / "__init__.py").is_file():  # `from app import db`: app/__init__.py
        path = str(package / "__init__.py")
    parts = PurePosixPath(path).parts
    top = len(parts) - 1
    while top > 0 and (root.joinpath(*parts[:top]) / "__init__.py").is_file():
        top -= 1
    if top == len(parts) - 1:
        return path
    return str(PurePosixPath(*parts[top + 1 :]))


def below_project_folder(root: Path, path: str) -> str:
    """``path`` (a repository path) from below the innermost folder that holds a project of its
    own and is no package, when the module sits in a folder below it: ``oss/src/dbs/dao.py`` for
    ``api/oss/src/dbs/dao.py`` where ``api/`` holds a monorepo's backend (its ``pyproject.toml``);
    ``path`` itself otherwise. Such a folder's name (``api``) names the project, not one of its
    layers, for the packages in it."""
    folders = PurePosixPath(path).parts[:-1]
    for depth in range(len(folders) - 1, 0, -1):
        if _holds_own_project(root.joinpath(*folders[:depth])):
            return str(PurePosixPath(*PurePosixPath(path).parts[depth:]))
    return path


@functools.lru_cache(maxsize=4096)  # (the modules of a folder ask about the same folders)
def _holds_own_project(folder: Path) -> bool:
    """A folder with a project file of its own and no ``__init__.py``."""
    return is_project(folder) and not (folder / "__init__.py").is_file()
