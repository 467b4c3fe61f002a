"""async-queries' position table and tree walk equal LibCST's PositionProvider and visit()."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.async_queries.positions import positions
from backfix.builtin_codemods.async_queries.walk import is_token, walk
from libcst.metadata import MetadataWrapper, PositionProvider

SOURCES = {
    "empty": "",
    "no trailing newline": "x = 1",
    "comment only": "\n\n# a comment",
    "crlf and tabs": "if x:\r\n\tpass\r\n",
    "decorated and nested": (
        "@app.route('/x')\n@login_required\nasync def view(a, *, b=1):\n"
        "    class Inner:\n        def m(self): return [i for i in range(3) if i]\n"
        "    return await db.execute(\n        select(User)  # why\n    )\n"
    ),
    "strings and unicode": (
        's = f\'{a!r:>{width}} {b["k"]}\' \\\n    \'more\'\nnom = \'é\' + """x\n y"""\n'
        "\u03c1 = {'k': (yield_ := 1)}\n"
    ),
    "compound statements": (
        "try:\n    pass\nexcept (A, B) as e:\n    raise\nelse:\n    x = 1\nfinally:\n"
        "    del x\nwhile y:\n    break\nelse:\n    pass\nwith a as b, c:\n    match b:\n"
        "        case [1, *rest] if rest:\n            pass\n        case _:\n            pass\n"
    ),
}


def _provider(module: cst.Module) -> dict[cst.CSTNode, tuple[int, int, int, int]]:
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return {
        node: (r.start.line, r.start.column, r.end.line, r.end.column) for node, r in ranges.items()
    }


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_positions_match_libcst(name: str) -> None:
    module = cst.parse_module(SOURCES[name])
    assert positions(module) == _provider(module)


def test_positions_match_libcst_on_stdlib_modules() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for relative in ("ast.py", "dataclasses.py", "email/_header_value_parser.py"):
        module = cst.parse_module((stdlib / relative).read_bytes())
        assert positions(module) == _provider(module), relative


class _Recorder(cst.CSTVisitor):
    """Every on_visit/on_leave call but tokens', in order; stops at lambdas to test pruning."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not is_token(type(node)):
            self.calls.append(("visit", id(node)))
        return not isinstance(node, cst.Lambda)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if not is_token(type(original_node)):
            self.calls.append(("leave", id(original_node)))


def _same_walk(module: cst.Module) -> bool:
    libcst_order, own_order = _Recorder(), _Recorder()
    module.visit(libcst_order)
    walk(module, own_order)
    return libcst_order.calls == own_order.calls


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_walk_visits_like_libcst(name: str) -> None:
    assert _same_walk(cst.parse_module(SOURCES[name] + "\nfrom a import *\nf(lambda x: x)\n"))


def test_walk_visits_like_libcst_on_stdlib_modules() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for relative in ("ast.py", "dataclasses.py", "email/_header_value_parser.py"):
        assert _same_walk(cst.parse_module((stdlib / relative).read_bytes())), relative


def test_walk_refuses_hooks_it_would_not_call() -> None:
    class OnComma(cst.CSTVisitor):
        def visit_Comma(self, node: cst.Comma) -> None:
            pass

    class OnAttribute(cst.CSTVisitor):
        def visit_Call_func(self, node: cst.Call) -> None:
            pass

    for visitor in (OnComma(), OnAttribute()):
        with pytest.raises(TypeError):
            walk(cst.parse_module("f(a, b)\n"), visitor)
