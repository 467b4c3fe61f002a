"""bindings.ast_bound_names reads from Python's `ast` what BindingCollector reads from LibCST.

The async-queries rewrite takes the names a module binds from `ast` (about a tenth of a LibCST
walk); both readings are compared here over hand-written modules, every snapshot input and e2e
file, a generated web-app corpus, the standard library's own modules and generated programs.
"""

from __future__ import annotations

import ast
import sys
import sysconfig
import textwrap
import warnings
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, given, reject, settings
from testkit import repository_sources, write_webapp_corpus

from backfix.ast_utils import normalized_identifiers
from backfix.bindings import ast_bound_names, bound_names, import_aliases, module_bound_names

CASES = {
    "imports": """
        import os, os.path as osp, a.b.c
        from x import y, z as w
        from x.y import (q as r)
        from . import sibling
        from .pkg import thing as other
        from m import *
        from __future__ import annotations
    """,
    "definitions and parameters": """
        def f(a, /, b=1, *args, c, d=2, **kw):
            g = lambda p, *q, r=1, **s: p
        async def h(): ...
        class C:
            def m(self, *, key): ...
    """,
    "assignments": """
        a = b = 1
        c, (d, [e, *f]) = g
        h.i = j[k] = 1
        l: int
        m: int = 2
        n += 1
        o.p += 1
        if (q := 1): pass
        print(f"{(r := 2)}")
    """,
    "loops, with, except": """
        for s, t in u: pass
        async def v():
            async for w in x: pass
            async with y as (z, *zz): pass
        with open() as fh, other() as obj.attr: pass
        try: pass
        except E as err: pass
        except (F, G): pass
        values = [i for i in range(3) for j in i if (k := j)]
        mapping = {key: value async for key, value in pairs}
    """,
    "except star (Python 3.11)": """
        try: pass
        except* H as group: pass
    """,
    "global, nonlocal and match bind as LibCST's collector reads them": """
        def outer():
            global counter
            x = 0
            def inner():
                nonlocal x
        match command:
            case [first, *rest] if first:
                pass
            case {"k": value, **others}:
                pass
            case (Point(x=0) as point) | None:
                pass
    """,
    "keywords and attributes bind nothing": "call(name=1)\nobj.attr\nitems[0]\ndel gone\n",
}


def _both(code: str) -> tuple[object, object]:
    return ast_bound_names(ast.parse(code)), bound_names(cst.parse_module(code))


@pytest.mark.parametrize("code", CASES.values(), ids=CASES.keys())
def test_hand_written_modules(code: str) -> None:
    if "except*" in code and sys.version_info < (3, 11):
        pytest.skip("`except*` is Python 3.11 syntax: `ast` cannot read it here")
    from_ast, from_cst = _both(textwrap.dedent(code))
    assert from_ast == from_cst


def _parses(code: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(code)
        cst.parse_module(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError, cst.ParserSyntaxError):
        return False
    return True


def test_repository_sources() -> None:
    compared = 0
    for path, code in repository_sources().items():
        if not _parses(code):  # a few inputs show what happens to code that does not parse
            continue
        from_ast, from_cst = _both(code)
        assert from_ast == from_cst, path
        compared += 1
    assert compared > 100


def test_a_generated_corpus(tmp_path: Path) -> None:
    write_webapp_corpus(tmp_path, seed=3, resources=4)
    for file in sorted(tmp_path.rglob("*.py")):
        from_ast, from_cst = _both(file.read_text(encoding="utf-8"))
        assert from_ast == from_cst, file


def test_standard_library_modules() -> None:
    """A slice of real code in every style: the standard library's top-level modules."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    checked = 0
    for file in sorted(stdlib.glob("[a-f]*.py")):
        code = file.read_text(encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from_ast, from_cst = _both(code)
        assert from_ast == from_cst, file
        checked += 1
    assert checked > 20


@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")
@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(program=hypothesmith.from_grammar())
def test_generated_programs(program: str) -> None:
    # A program with an identifier Python normalizes (`Aª` is `Aa` to `ast`) is read by LibCST
    # in the rewrite (see `test_names_python_normalizes_are_read_by_libcst`): not compared here.
    if not _parses(program) or normalized_identifiers(program):
        reject()
    from_ast, from_cst = _both(program)
    assert from_ast == from_cst


def test_names_python_normalizes_are_read_by_libcst() -> None:
    """`ast` reads ``ﬁle`` as ``file``; the module's own spelling is what a rewrite must avoid."""
    code = "ﬁle = open('x')\n"
    module = cst.parse_module(code)
    assert "ﬁle" in module_bound_names(module, code)
    assert "file" in ast_bound_names(ast.parse(code))


def test_newer_grammar_reads_alike() -> None:
    """Python 3.12's type parameters: LibCST reads them on any Python, `ast` from 3.12 on (before,
    LibCST is asked); neither binds a type parameter."""
    code = "type Pair = tuple[int, int]\ndef first[T](items: list[T]) -> T: ...\n"
    module = cst.parse_module(code)
    assert module_bound_names(module, code) == bound_names(module)
    assert set(bound_names(module)) == {"first", "items"}


def test_import_aliases_read_alike() -> None:
    code = "from sqlalchemy import delete as sa_delete\nselect = 1\ndef func(update): ...\n"
    module = cst.parse_module(code)
    wanted = {"delete": "sqlalchemy", "select": "sqlalchemy", "update": "sqlalchemy"}
    assert import_aliases(module, wanted, code) == import_aliases(module, wanted)
    assert import_aliases(module, wanted, code) == {
        "delete": "sa_delete",
        "select": "sa_select",
        "update": "sa_update",
    }


SCOPED = (
    "from sqlalchemy import select as sa_select\n"  # 1
    "class Repo:\n"  # 2
    "    def delete(self, update):\n"  # 3
    "        return 1\n"  # 4
    "    exists = 2\n"  # 5
    "def helper():\n"  # 6
    "    func = 3\n"  # 7
    "    def inner():\n"  # 8
    "        return 4\n"  # 9
    "    return inner\n"  # 10
    "x = 5\n"  # 11
)
WANTED = {name: "sqlalchemy" for name in ("select", "delete", "update", "exists", "func")}


@pytest.mark.parametrize(
    ("uses", "aliased"),
    [
        pytest.param({11}, set(), id="module-level"),
        pytest.param({4}, {"update"}, id="in-a-method-only-its-locals"),
        pytest.param({5}, {"delete", "exists"}, id="directly-in-the-class-body"),
        pytest.param({9}, {"func"}, id="enclosing-function-locals-are-visible"),
        pytest.param({4, 9}, {"update", "func"}, id="every-use-counts"),
    ],
)
def test_names_bound_in_functions_and_classes_clash_only_where_visible(
    uses: set[int], aliased: set[str]
) -> None:
    module = cst.parse_module(SCOPED)
    aliases = import_aliases(module, WANTED, SCOPED, uses)
    assert aliases["select"] == "sa_select"  # an existing import is reused
    assert {name for name in WANTED if name != "select" and aliases[name] != name} == aliased
    assert all(aliases[name] == f"sa_{name}" for name in aliased)


def test_a_module_level_binding_clashes_everywhere() -> None:
    code = "def delete():\n    pass\nclass A:\n    def f(self):\n        return 1\n\n"
    code += "def g():\n    global update\n    update = 1\n"
    module = cst.parse_module(code)
    wanted = {"delete": "sqlalchemy", "update": "sqlalchemy"}
    assert import_aliases(module, wanted, code, {5}) == {
        "delete": "sa_delete",
        "update": "sa_update",
    }


def test_without_uses_every_scope_counts() -> None:
    """No lines given (or no text): the whole module's names, as before."""
    module = cst.parse_module(SCOPED)
    assert import_aliases(module, WANTED, SCOPED)["delete"] == "sa_delete"
    assert import_aliases(module, WANTED, None, {11})["delete"] == "sa_delete"
