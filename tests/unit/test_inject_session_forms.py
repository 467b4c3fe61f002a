"""The ``forms`` part of inject-session's facts (analyze.analyze_forms) equals the full facts
(analyze.analyze_module) in everything the plan reads of a file it takes only session parameter
forms from: the names the file binds and where each comes from, its aliases, ``__all__``, whether
it imports Flask, and its routes' session parameters with the kind of their route. Both find
function definitions by a walk of the statements alone: the same as a walk of every node.

Checked over every snapshot input, the e2e applications, two generated web-app corpora and
hand-written cases of plain imports (which keep their origin only when the file reads the name).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import libcst as cst
import pytest
from backfix.builtin_codemods.inject_session.analyze import (
    _all_functions,
    analyze_forms,
    analyze_module,
)
from backfix.builtin_codemods.inject_session.model import FileData
from testkit import repository_sources, webapp_sources

from backfix.cst_walk import WalkVisitor, walk

ROUTE = """from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

router = APIRouter()
"""
CASES = {
    "unused plain import": "import os\nimport json\n\nx = json.dumps(1)\n",
    "dotted import read through its submodule": (
        "import os.path\nimport app.db\n\n"
        "@router.get('/')\ndef f(db: Session = Depends(app.db.get_db)):\n"
        "    return os.path.join('a')\n"
    ),
    "read only where a local shadows it": (
        "import json\n\ndef f():\n    json = 1\n    return json\n"
    ),
    "read before it is imported": "x = json\nimport json\n",
    "read in a string annotation only": "import os\n\ndef f(p: 'os.PathLike') -> None: ...\n",
    "read in a nested function and a comprehension": (
        "import json, re as regex\n\ndef f():\n    def g():\n        return [json for _ in ()]\n"
        "    return g\n\nclass C:\n    regex = 1\n    y = regex\n"
    ),
    "declared global in a function": "import json\n\ndef f():\n    global json\n    json = 1\n",
    "routes in a class and nested": (
        ROUTE + "import deps\n\nclass Views:\n    @router.get('/a')\n"
        "    def a(self, db: Session = Depends(deps.get_db)): ...\n\n"
        "def outer():\n    @router.post('/b')\n    async def b(session: Annotated[Session, "
        "Depends(deps.get_session)]): ...\n"
    ),
    "flask after fastapi, alias, __all__": (
        ROUTE + "from flask import Blueprint\nfrom typing import Annotated\nimport deps\n\n"
        "SessionDep = Annotated[Session, Depends(deps.get_db)]\n__all__ = ['SessionDep']\n\n"
        "@router.get('/')\ndef r(db: SessionDep, other=Depends(get_db)): ...\n"
    ),
    "definitions in every kind of block": (
        "def a(): pass\nif x:\n    def b(): pass\nelif y:\n    def c(): pass\nelse:\n"
        "    def d(): pass\ntry:\n    def e(): pass\nexcept E:\n    def f(): pass\nelse:\n"
        "    def g(): pass\nfinally:\n    def h(): pass\nwith m:\n    def i(): pass\n"
        "for _ in x:\n    def j(): pass\nelse:\n    def k(): pass\nwhile x:\n    def l(): pass\n"
        "match x:\n    case 1:\n        def m(): pass\nclass N:\n    def n(self):\n"
        "        def o(): pass\n        f = lambda: 1\n        return o\n"
        "async def p(): pass\ntry:\n    pass\nexcept* E:\n    def q(): pass\n"
    ),
    "a name both imported and defined": (
        "import Session\nSession = Annotated[object, Depends(get_db)]\n\n"
        "@router.get('/')\ndef r(db: Session): ...\n"
    ),
}


def _read(data: FileData) -> tuple[Any, ...]:
    """What the plan reads of a file it takes only session parameter forms from."""
    return (
        data.module_names,
        data.origins,
        data.aliases,
        data.exported,
        data.imports_flask,
        tuple((function.route, param) for function, param in data.session_params),
    )


class _Defs(WalkVisitor):
    """Every function definition, found by a walk of every node."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.FunctionDef] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.found.append(node)


def _every_def(module: cst.Module) -> list[cst.FunctionDef]:
    defs = _Defs()
    walk(module, defs)
    return defs.found


def _differences(sources: dict[str, str]) -> tuple[list[str], int]:
    """The files whose forms part differs from the full facts; how many were compared."""
    differ: list[str] = []
    compared = 0
    for name, code in sources.items():
        try:
            module = cst.parse_module(code)
        except cst.ParserSyntaxError:
            continue
        full, forms = analyze_module(module), analyze_forms(module)
        compared += 1
        if _read(full) != _read(forms) or forms.references or forms.services or forms.singletons:
            differ.append(name)
        elif _all_functions(module) != _every_def(module):
            differ.append(f"{name} (definitions)")
    return differ, compared


def test_hand_written_cases() -> None:
    assert _differences(CASES) == ([], len(CASES))


def test_definitions_are_found_in_every_block() -> None:
    module = cst.parse_module(CASES["definitions in every kind of block"])
    assert [d.name.value for d in _all_functions(module)] == list("abcdefghijklmnopq")


def test_origins_of_plain_imports_follow_their_use() -> None:
    """The cases above do exercise the rule: a plain import the file does not read is left out."""
    unused = analyze_forms(cst.parse_module(CASES["unused plain import"]))
    assert [name for name, _ in unused.origins] == ["json", "x"]
    shadowed = analyze_forms(cst.parse_module(CASES["read only where a local shadows it"]))
    assert [name for name, _ in shadowed.origins] == ["f"]
    dotted = analyze_forms(cst.parse_module(CASES["dotted import read through its submodule"]))
    # LibCST's scope analysis credits ``app.db.get_db`` to a binding named ``app.db``: it reads
    # the ``app`` that ``import app.db`` binds, and a route copying the form needs that import
    assert [(name, origin.module, origin.name) for name, origin in dotted.origins] == [
        ("os", "os", "os.path"),
        ("app", "app", "app.db"),
        ("f", "", ""),
    ]


def test_repository_sources() -> None:
    differ, compared = _differences(repository_sources())
    assert differ == []
    assert compared > 100


@pytest.mark.parametrize(("seed", "resources"), [(0, 8), (7, 12)])
def test_generated_corpus(tmp_path: Path, seed: int, resources: int) -> None:
    differ, compared = _differences(webapp_sources(tmp_path, seed, resources))
    assert differ == [] and compared > 0
