"""What the project's tests patch by module path, which a moved unit would no longer read.

``patch("app.routes.jobs.send_mail")`` (also ``mocker.patch``, ``monkeypatch.setattr`` with a dotted
string, ``patch(f"{MODULE}.send_mail")`` of a ``MODULE = "app.routes.jobs"``),
``patch.object(jobs, "send_mail")``, ``monkeypatch.setattr(jobs, "send_mail", ...)`` and a plain
assignment in a test
(``app.routes.jobs.SESSION = self.session``) replace the name in the route module
``app.routes.jobs``. Once the unit of work that calls it moves into a service, the service reads
its own import of ``send_mail``, so the test no longer replaces what the moved code calls, and
fails or, worse, reaches the real thing. Such a unit is reported instead of moved.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable

from .frameworks import is_test_or_migration

#: a dotted path in quotes as the first argument of a patching call
_PATCHED_PATH = re.compile(
    rb"""(?:patch|setattr)\(\s*(?:target\s*=\s*)?['"]([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+)['"]"""
)
#: ``patch.object(<module expression>, "<name>")``, ``monkeypatch.setattr(<module>, "<name>", ...)``
_PATCHED_OBJECT = re.compile(
    rb"""(?:patch\.object|setattr)\(\s*([A-Za-z_][\w.]*)\s*,\s*['"](\w+)['"]"""
)
#: ``patch(f"{MODULE}.<name>")`` of a module-level ``MODULE = "app.routes.jobs"`` of the test
_PATCHED_FORMATTED = re.compile(rb"""(?:patch|setattr)\(\s*f['"]\{(\w+)\}\.(\w+)['"]""")
_MODULE_CONSTANT = re.compile(rb"""^([A-Za-z_]\w*)[ \t]*=[ \t]*['"]([A-Za-z_][\w.]*)['"]""", re.M)
#: ``<module expression>.<name> = ...`` at the start of a line (not ``==``, not ``self.x = ...``)
_ASSIGNED = re.compile(
    rb"^[ \t]*(?!self\.|cls\.)([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)[ \t]*=(?!=)", re.M
)


def patched_targets(paths: Iterable[str], read: Callable[[str], bytes | None]) -> dict[str, str]:
    """Every ``module.name`` the test files among ``paths`` patch → the first place
    (``path:line``); for ``patch.object(mod, "name")`` of a module the test does not import by
    its full name, the key is ``.mod.name`` (the module as the test spells it, so that its last
    part can be matched)."""
    found: dict[str, str] = {}
    for path in paths:
        if not is_test_or_migration(path):
            continue
        raw = read(path) or b""
        for match in _ASSIGNED.finditer(raw):
            _record(found, "." + match.group(1).decode(), path, raw, match.start(1))
        if b"patch" not in raw and b"setattr" not in raw:
            continue
        for match in _PATCHED_PATH.finditer(raw):
            _record(found, match.group(1).decode(), path, raw, match.start())
        _record_objects(found, path, raw)
        _record_formatted(found, path, raw)
    return found


def _record_objects(found: dict[str, str], path: str, raw: bytes) -> None:
    """The ``patch.object(mod, "name")`` targets of a test: the module as the test imports it
    (``import app.routes.jobs as jobs``, ``from app.routes import jobs``) where it does, or as
    it spells it (``.jobs.name``, matched by its last part)."""
    matches = list(_PATCHED_OBJECT.finditer(raw))
    if not matches:
        return
    modules = _imported_modules(raw)
    for match in matches:
        spelt = match.group(1).decode()
        name = match.group(2).decode()
        module = modules.get(spelt)
        target = f"{module}.{name}" if module else f".{spelt}.{name}"
        _record(found, target, path, raw, match.start())


def _imported_modules(raw: bytes) -> dict[str, str]:
    """The names a test binds to modules by importing them: ``jobs`` → ``app.routes.jobs`` of
    ``import app.routes.jobs as jobs`` and of ``from app.routes import jobs`` (which may also
    import a function; a name that is no module is never patched as one)."""
    try:
        tree = ast.parse(raw)
    except (SyntaxError, ValueError):
        return {}
    modules: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            modules.update({a.asname: a.name for a in node.names if a.asname})
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.update({(a.asname or a.name): f"{node.module}.{a.name}" for a in node.names})
    return modules


def _record_formatted(found: dict[str, str], path: str, raw: bytes) -> None:
    """The ``patch(f"{MODULE}.name")`` targets of a test whose ``MODULE`` is a module-level
    string constant."""
    if b'f"{' not in raw and b"f'{" not in raw:
        return
    modules = {m.group(1): m.group(2) for m in _MODULE_CONSTANT.finditer(raw)}
    for match in _PATCHED_FORMATTED.finditer(raw):
        module = modules.get(match.group(1))
        if module is not None:
            target = module.decode() + "." + match.group(2).decode()
            _record(found, target, path, raw, match.start())


def _record(found: dict[str, str], target: str, path: str, raw: bytes, start: int) -> None:
    line = raw.count(b"\n", 0, start) + 1
    found.setdefault(target, f"{path}:{line}")


def patch_of(targets: dict[str, str], module: str, name: str) -> str:
    """Where a test patches ``name`` in the module ``module`` (dotted), as a path or through
    ``patch.object`` on the module (spelt by its last part or in full); "" where none does."""
    exact = targets.get(f"{module}.{name}")
    if exact:
        return exact
    last = module.rpartition(".")[2]
    return targets.get(f".{module}.{name}") or targets.get(f".{last}.{name}") or ""
