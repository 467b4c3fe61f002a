"""async-queries' plan index: its lookup tables answer as the plain definitions do.

``Index.find_module`` and ``Index.resolve`` read prebuilt tables (module-name suffixes, imports by
local name) instead of scanning every module and every import per call; these tests compare them
with the plain definitions on module sets chosen to hit each rule (exact names, unique and ambiguous
suffixes, names containing dots, modules added twice, re-export chains).
"""

from __future__ import annotations

import itertools

from backfix.builtin_codemods.async_queries.model import ClassFact, FuncFact, ModuleFacts
from backfix.builtin_codemods.async_queries.plan import Index

_MODULES = (
    "app",
    "app.services",
    "app.services.users",
    "app.api.users",
    "users",
    "pkg.app.services",
    "deep.a.b.c",
    "c",
    "x..y",
)


def _plain_find_module(modules: list[str], name: str) -> str | None:
    if name in modules:
        return name
    matches = [m for m in modules if m.endswith("." + name)]
    return matches[0] if len(matches) == 1 else None


def _names() -> list[str]:
    parts = {part for module in _MODULES for part in module.split(".")}
    suffixes = {m.split(".", i)[-1] for m in _MODULES for i in range(m.count(".") + 1)}
    return sorted(parts | suffixes | {"", ".", ".y", "b.c", "services.users", "nowhere"})


def test_find_module_matches_the_linear_definition_for_every_prefix_of_the_modules() -> None:
    for count in range(len(_MODULES) + 1):
        for chosen in itertools.combinations(_MODULES, count) if count < 3 else [_MODULES[:count]]:
            index = Index(ModuleFacts(f"{m}.py", m) for m in chosen)
            for name in _names():
                assert index.find_module(name) == _plain_find_module(list(chosen), name), (
                    chosen,
                    name,
                )


def test_find_module_after_a_module_is_added_again() -> None:
    index = Index([ModuleFacts("a/users.py", "a.users"), ModuleFacts("b/users.py", "b.users")])
    index.add(ModuleFacts("a/users2.py", "a.users"))
    assert index.find_module("users") is None
    assert index.find_module("a.users") == "a.users"
    assert index.by_path["a/users2.py"].module == "a.users"


def _module(path: str, module: str, imports: tuple[tuple[str, str, str], ...]) -> ModuleFacts:
    return ModuleFacts(path, module, imports=imports)


def test_resolve_follows_imports_re_exports_and_submodules() -> None:
    service = ModuleFacts(
        "app/services/users.py",
        "app.services.users",
        functions=(FuncFact("create_user", 1, False),),
        classes=(ClassFact("UserService", (), (), ()),),
    )
    package = _module(
        "app/services/__init__.py",
        "app.services",
        (("create_user", "app.services.users", "create_user"), ("users", "app.services", "users")),
    )
    route = _module(
        "app/api/routes.py",
        "app.api.routes",
        (
            ("create", "app.services", "create_user"),
            ("Service", "services.users", "UserService"),
            ("svc", "app.services", ""),
            ("users_mod", "app.services", "users"),
            ("missing", "elsewhere", "thing"),
        ),
    )
    index = Index([service, package, route])
    assert index.resolve("app.api.routes", "create") == (
        "func",
        "app.services.users",
        "create_user",
    )
    assert index.resolve("app.api.routes", "Service") == (
        "class",
        "app.services.users",
        "UserService",
    )
    assert index.resolve("app.api.routes", "svc") == ("module", "app.services", "")
    assert index.resolve("app.api.routes", "users_mod") == ("module", "app.services.users", "")
    assert index.resolve("app.api.routes", "missing") is None
    assert index.resolve("app.api.routes", "unknown") is None
    assert index.resolve("not.indexed", "create") is None


def test_resolve_reads_the_first_import_of_a_name() -> None:
    target = ModuleFacts("t.py", "t", functions=(FuncFact("f", 1, False),))
    other = ModuleFacts("o.py", "o", functions=(FuncFact("g", 1, False),))
    user = _module("u.py", "u", (("h", "t", "f"), ("h", "o", "g")))
    index = Index([target, other, user])
    assert index.resolve("u", "h") == ("func", "t", "f")
    index.add(_module("u.py", "u", (("h", "o", "g"),)))
    assert index.resolve("u", "h") == ("func", "o", "g")
