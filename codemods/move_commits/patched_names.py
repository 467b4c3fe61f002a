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
    (``path:line``); for ``patch.object(mod, "name")``, the key is ``.mod.name`` (the module
    as the test spells it, so that its last part can be matched)."""
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
        for match in _PATCHED_OBJECT.finditer(raw):
            target = "." + match.group(1).decode() + "." + match.group(2).decode()
            _record(found, target, path, raw, match.start())
        _record_formatted(found, path, raw)
    return found


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
