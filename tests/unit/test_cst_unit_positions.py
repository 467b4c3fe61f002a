"""Positions from the statements around the nodes asked about equal the whole module's table.

:class:`backfix.cst_unit_positions.UnitPositions` generates only the statement around a node (or its
header), at the line `ast` gives; this test asks it about every node of snapshot inputs, e2e
applications, a generated web-app corpus, the same modules with unread function bodies left out (as
move-commits analyses them) and hand-written edge cases, in several orders, and compares each range
with :class:`backfix.cst_positions.Positions`.
"""

from __future__ import annotations

import ast
import itertools
import random
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.move_commits.module_nodes import walk_module
from backfix.builtin_codemods.move_commits.reduce import reduced_source_tree
from testkit import repository_sources, write_webapp_corpus

from backfix.continuations import blank_continuations
from backfix.cst_positions import Positions
from backfix.cst_unit_positions import UnitPositions, lines_match, trusted, unit_positions
from backfix.cst_walk import children

EDGES = {
    "decorators": "@first  # one\n# between\n\n@second(\n    1,\n)\n\nasync def f(a, *, b=1):\n"
    "    return a\n",
    "semicolons": "a = 1; b = 2;\nif a: b = 3; c = 4\nclass C: x = 1; y = 2\n",
    "backslashes": "x = \\\n    1\nif x and \\\n        x:\n    y = \\\n        2\n",
    "crlf": "import os\r\n\r\ndef f():\r\n    # c\r\n    return os\r\n",
    "lone cr": "import os\r\rdef f():\r    return os\r",
    "form feeds": "import os\n\x0c\ndef f():\n    return 1\n\x0c\nclass C:\n    pass\n",
    "header": '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Doc."""\n\nx = 1\n',
    "footer": "x = 1\n\n# the end\n",
    "no final newline": "def f():\n    return 1",
    "tabs": "class C:\n\tdef m(self):\n\t\tif self:\n\t\t\treturn 1\n",
    "mixed indents": "class C:\n  def m(self):\n        return 1\n  x = 2\n",
    "match": "match a:\n  case [1, *rest] if rest:\n        b = 2\n  case {'k': v}:\n    pass\n",
    "nested blocks": "for i in x:\n    try:\n        pass\n    except E as e:\n        raise\n"
    "    else:\n        with a as b, c:\n            while b:\n                break\n"
    "    finally:\n        pass\nelse:\n    pass\n",
    "elif chains": "if a:\n    pass\nelif b:\n    x = 1\nelif c: y = 2\nelse:\n    z = 3\n",
    "comments in blocks": "def f():\n    x = 1\n    # trailing, indented\n# dedented\n\n"
    "def g():\n    pass\n",
    "unicode": "s = 'é'; t = 'ü'\ndef f(ä='ö'):\n    return 'ß'\n",
    "strings": 'x = """a\nb\n"""; y = 1\ndef f():\n    return f"{x!r:>{y}}"\n',
}


def _parents(module: cst.Module) -> dict[int, cst.CSTNode]:
    """Every node's parent, tokens included, by ``id`` of the child."""
    parents: dict[int, cst.CSTNode] = {}
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        for child in children(node):
            parents[id(child)] = node
            stack.append(child)
    return parents


def _nodes(module: cst.Module) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(children(node))
    return found[1:]


def _differences(code: bytes | str, seed: int) -> list[str]:
    """Ranges that differ from the whole table, asking about every node in a random order, and
    whether the whole table had to be computed (``whole``)."""
    module = cst.parse_module(code)
    whole = Positions(module)
    lazy = UnitPositions(module, ast.parse(code), _parents(module))
    nodes = _nodes(module)
    random.Random(seed).shuffle(nodes)
    found: list[str] = []
    for node in nodes:
        if lazy._statement(node) is None or id(node) not in whole.spans:
            # the module's header and footer (the whole table answers them), or a node that
            # generates no code (neither table has it)
            continue
        expected = whole[node]
        got = (
            (*lazy.start(node), *lazy.end(node)) if seed % 2 else (*lazy.start(node), *expected[2:])
        )
        if got != expected:
            found.append(f"{type(node).__name__}: {got} != {expected}")
    if lazy._whole is not None:
        found.append("whole")
    return found


def _variants(code: str) -> list[bytes]:
    """``code``, and what move-commits analyses of it when it reduces it."""
    raw = code.encode("utf-8")
    try:
        tree = ast.parse(raw)
    except SyntaxError:
        return []
    reduced = reduced_source_tree(raw, tree)
    return [raw] if reduced is None else [raw, reduced[0]]


@pytest.mark.parametrize("name", sorted(EDGES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_edge_cases(name: str, seed: int) -> None:
    assert _differences(EDGES[name], seed) == []


def test_repository_sources() -> None:
    for number, (name, code) in enumerate(sorted(repository_sources().items())):
        for variant in _variants(code):
            assert _differences(variant, number) == [], name


def test_generated_corpus(tmp_path: Path) -> None:
    write_webapp_corpus(tmp_path, seed=3, resources=6)
    for number, path in enumerate(sorted(tmp_path.rglob("*.py"))):
        for variant in _variants(path.read_text(encoding="utf-8")):
            assert _differences(variant, number) == [], path


def _comparison_differences(code: bytes | str, seed: int) -> list[str]:
    """Where ``starts_before`` and ``starts_at_or_after`` (answered from the statements' lines
    where they can be) differ from comparing the whole table's starts: the regions they read
    hold the nodes in them, do not overlap, and a sample of pairs compares the same."""
    module = cst.parse_module(code)
    tree = ast.parse(code)
    whole = Positions(module)
    parents = _parents(module)
    table = UnitPositions(module, tree, parents)
    nodes = [node for node in _nodes(module) if id(node) in whole.spans]
    found: list[str] = []
    starts: dict[int, list[tuple[int, int]]] = {}
    for node in nodes:
        region = table._region(node)  # generates no code
        if region is None:
            continue
        unit, low, high = region
        start = whole[node][:2]
        if not (low <= start and (high is None or start < high)):
            found.append(f"{type(node).__name__} at {start} outside {low}..{high}")
        starts.setdefault(id(unit), []).append(start)
    spans = sorted((min(s), max(s)) for s in starts.values())
    found += [f"overlap {a} {b}" for a, b in itertools.pairwise(spans) if a[1] >= b[0]]
    rng = random.Random(seed)
    for _ in range(min(40, len(nodes) ** 2)):
        node, other = rng.choice(nodes), rng.choice(nodes)
        fresh = UnitPositions(module, tree, parents)
        fresh._anchors = table._anchors  # (only the ranges are new)
        if fresh.starts_before(node, other) != (whole[node][:2] < whole[other][:2]):
            found.append(f"before: {type(node).__name__} {type(other).__name__}")
        position = whole[other][:2]
        fresh = UnitPositions(module, tree, parents)
        fresh._anchors = table._anchors
        if fresh.starts_at_or_after(node, position) != (whole[node][:2] >= position):
            found.append(f"at or after: {type(node).__name__} {position}")
    return found


@pytest.mark.parametrize("name", sorted(EDGES))
def test_comparisons_of_edge_cases(name: str) -> None:
    assert _comparison_differences(EDGES[name], 0) == []


def test_comparisons_of_repository_sources() -> None:
    for number, (name, code) in enumerate(sorted(repository_sources().items())):
        for variant in _variants(code):
            assert _comparison_differences(variant, number) == [], name


def test_comparisons_of_a_generated_corpus(tmp_path: Path) -> None:
    write_webapp_corpus(tmp_path, seed=4, resources=6)
    for number, path in enumerate(sorted(tmp_path.rglob("*.py"))):
        for variant in _variants(path.read_text(encoding="utf-8")):
            assert _comparison_differences(variant, number) == [], path


def test_this_libcst_is_trusted() -> None:
    # Otherwise every table is the whole one: correct, but the tests above would mean nothing.
    assert trusted()


def test_a_line_continuation_before_a_statement_keeps_the_whole_table() -> None:
    # LibCST itself drops the backslash line: its lines after it are one less than the file's.
    # backfix parses the text with the line blanked, whose lines are the file's.
    code = "x = 1\n\\\nif x: pass\n"
    assert not lines_match(code.encode())
    assert _differences(code, 0) != []  # what `lines_match` keeps from happening
    assert _differences(blank_continuations(code.encode()), 0) == []
    assert lines_match(EDGES["backslashes"].encode())


def test_without_ast_the_whole_table() -> None:
    module = cst.parse_module(EDGES["semicolons"])
    table = unit_positions(module, None, walk_module(module).parents)
    assert table._whole is not None
    statement = module.body[1]
    assert table.start(statement) == (2, 0)


def test_a_node_of_another_tree_is_not_found() -> None:
    module = cst.parse_module("x = 1\n")
    table = unit_positions(module, ast.parse("x = 1\n"), walk_module(module).parents)
    with pytest.raises(KeyError):
        table.start(cst.Name("y"))


def test_a_call_that_starts_its_line_comes_from_ast() -> None:
    code = (
        "async def f():\n"
        "    db.commit()\n"
        "    await  db.commit()\n"
        "    x = db.commit()\n"
        "    (db.commit())\n"
        "    await (db.commit())\n"
        "    db.commit(); db.commit()\n"
        "    await \\\n        db.commit()\n"
        "    await\tdb.commit()\n"
    )
    module = cst.parse_module(code)
    whole = Positions(module)
    lazy = UnitPositions(module, ast.parse(code), _parents(module))
    calls = [node for node in _nodes(module) if isinstance(node, cst.Call)]
    calls.sort(key=lambda node: whole[node])
    starts = [lazy.start(node) for node in calls[:2]]
    assert not lazy.spans  # nothing generated for them
    starts += [lazy.start(node) for node in calls[2:]]
    assert starts == [whole[node][:2] for node in calls]
