"""async-queries' own position table equals LibCST's PositionProvider, node for node."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.async_queries.positions import positions
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
