"""An existing ``services/`` package that may not be the project's service layer.

The service modules go to ``service_dir`` (``services``, next to the route layer). Where the project
already has a package of that name, it is most often its service layer; but Prefect's
``prefect/server/services/`` holds the server's background loops (``scheduler.py``, ``foreman.py``)
and JupyterHub's ``jupyterhub/services/`` its "Services" feature. Nothing in a module says for
certain which it is, so the run writes there as configured and says so in a note where the package
holds no module that looks like a service layer's: one named ``*_service``, a class named
``...Service`` of static and class methods (as this codemod writes), or a function that takes a
session (``def create_user(db: Session, ...)``, not a private helper).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

#: parameter names a service function takes its session by
_SESSION_PARAMS = frozenset({"session", "db", "db_session", "dbsession", "sess"})


def defines_services(tree: ast.Module | None) -> bool:
    """Whether the module ``tree`` defines what a service layer's module does."""
    if tree is None:
        return True  # (unreadable: no evidence against it)
    return any(_service_definition(node) for node in tree.body)


def _service_definition(node: ast.stmt) -> bool:
    """A class of static and class methods named ``...Service``, or a public function taking a
    session (a private helper that takes one, as a background loop's may, says nothing)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return not node.name.startswith("_") and _takes_session(node)
    return isinstance(node, ast.ClassDef) and node.name.endswith("Service") and static_only(node)


def static_only(cls: ast.ClassDef) -> bool:
    """Whether ``cls`` has methods, all of them static or class methods (no ``__init__``), as
    the service classes this codemod writes."""
    methods = [n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return bool(methods) and all(
        any(
            isinstance(d, ast.Name) and d.id in {"staticmethod", "classmethod"}
            for d in method.decorator_list
        )
        for method in methods
    )


def _takes_session(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a parameter of ``function`` is a session by its name (unannotated) or type."""
    arguments = function.args
    for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        if arg.annotation is None:
            if arg.arg in _SESSION_PARAMS:
                return True
        elif "Session" in ast.unparse(arg.annotation):
            return True
    return False


def foreign_package_note(
    folder: str,
    modules: Mapping[str, str],
    new_modules: list[str],
    tree: Callable[[str], ast.Module | None],
) -> str:
    """The run's note on the new service modules ``new_modules`` going into the existing package
    ``folder``, whose modules (stem → path) ``modules`` are, when none of them looks like a
    service layer's; "" otherwise."""
    # (a module's name first: most service packages say so without being parsed)
    if not modules or any(stem.endswith("_service") for stem in modules):
        return ""
    if any(defines_services(tree(path)) for path in modules.values()):
        return ""
    shown = ", ".join(f"{stem}.py" for stem in sorted(modules)[:4])
    more = ", …" if len(modules) > 4 else ""
    written = ", ".join(new_modules)
    goes = "go" if len(new_modules) > 1 else "goes"
    return (
        f"move-commits: {written} {goes} into {folder}/, a package the project has already, none "
        f"of whose modules ({shown}{more}) looks like a service layer's (a `*_service` module, a "
        "`...Service` class of static methods, a public function taking a session): if that "
        "package holds something else, set `service_dir` to where the service modules should go "
        "(`-o service_dir=...` or `[tool.backfix.move-commits]`) and run again"
    )
