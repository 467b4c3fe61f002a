"""move-commits skips the qualified-name look-up of names that cannot be framework names.

``ModuleIndex.framework_names`` answers "none" without asking LibCST for a name whose first part no
framework import binds; this test checks, over every snapshot input, the e2e applications, a
generated web-app corpus and hand-written edge cases, that LibCST's answer for every such name
holds no framework name either, and that the facts are the same with the shortcut on and off.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.move_commits import frameworks
from libcst.helpers import get_full_name_for_node
from testkit import facts_both_ways, repository_sources, webapp_sources

_HEAD = "from app.extensions import db\nfrom app.models import Job\n"
EDGES = {
    "aliased import": "import flask as web\nfrom flask import request as rq\n"
    + _HEAD
    + "bp = web.Blueprint('j', __name__)\n@bp.post('/j')\ndef create():\n"
    "    job = Job(t=rq.json['t'], u=web.g.user)\n    db.session.add(job)\n"
    "    db.session.commit()\n    return web.jsonify(job.id)\n",
    "dotted import": "import flask.views\nimport werkzeug.exceptions as wx\n"
    + _HEAD
    + "class V(flask.views.MethodView):\n    def post(self):\n"
    "        if not flask.request.json:\n            raise wx.BadRequest()\n"
    "        db.session.add(Job())\n        db.session.commit()\n        return ''\n",
    "function named like a framework": "from flask import Blueprint\n"
    + _HEAD
    + "bp = Blueprint('j', __name__)\ndef flask():\n    request = 1\n    return request\n"
    "@bp.post('/j')\ndef create():\n    db.session.add(Job(v=flask()))\n"
    "    db.session.commit()\n    return ''\n",
    "class named like a framework": "from flask import Blueprint\n"
    + _HEAD
    + "bp = Blueprint('j', __name__)\nclass fastapi:\n    g = 1\n    def request(self):\n"
    "        return self.g\n@bp.post('/j')\ndef create():\n    request = fastapi().request()\n"
    "    db.session.add(Job(v=request))\n    db.session.commit()\n    return ''\n",
    "variable named like a framework": "from flask import Blueprint, g\n"
    + _HEAD
    + "bp = Blueprint('j', __name__)\nflask = g\n@bp.post('/j')\ndef create():\n"
    "    db.session.add(Job(v=flask.request))\n    db.session.commit()\n    return ''\n",
    "relative and star": "from . import flask\nfrom .flask import request\nfrom flask import *\n"
    + _HEAD
    + "bp = Blueprint('j', __name__)\n@bp.post('/j')\ndef create():\n"
    "    db.session.add(Job(v=request.json, w=g.x, u=flask.g))\n    db.session.commit()\n"
    "    return jsonify(1)\n",
}


def _missed(sources: dict[str, str]) -> list[str]:
    """The names the shortcut answers "none" for whose LibCST answer holds a framework name."""
    missed: list[str] = []
    for path, code in sources.items():
        try:
            module = cst.parse_module(code)
        except (cst.ParserSyntaxError, RecursionError):
            continue
        index = frameworks.ModuleIndex(module, frameworks.DEFAULT_SESSION_NAMES)
        for node in _names(module):
            if index.framework_names(node):
                continue
            found = {q for q in index.qualified_names(node) if _framework(q)}
            if found:
                missed.append(f"{path}: {cst.Module([]).code_for_node(node)} {sorted(found)}")
    return missed


def _names(module: cst.Module) -> list[cst.CSTNode]:
    return [n for n in frameworks.iter_nodes(module) if type(n) in (cst.Name, cst.Attribute)]


def _framework(qname: str) -> bool:
    return qname.split(".")[0] in frameworks.FRAMEWORK_ROOTS


def _edge_sources() -> dict[str, str]:
    return {f"edge_{key.replace(' ', '_')}.py": code for key, code in EDGES.items()}


def test_edge_cases_miss_no_framework_name() -> None:
    assert _missed(_edge_sources()) == []


def test_edge_cases_find_the_same() -> None:
    assert facts_both_ways(_edge_sources(), frameworks, "FRAMEWORK_NAMES_SHORTCUT") == []


def test_repository_sources_miss_no_framework_name() -> None:
    assert _missed(repository_sources()) == []


def test_repository_sources_find_the_same() -> None:
    assert facts_both_ways(repository_sources(), frameworks, "FRAMEWORK_NAMES_SHORTCUT") == []


@pytest.mark.parametrize(("seed", "resources"), [(0, 8), (7, 12)])
def test_generated_corpus_finds_the_same(tmp_path: Path, seed: int, resources: int) -> None:
    sources = webapp_sources(tmp_path, seed=seed, resources=resources)
    assert _missed(sources) == []
    assert facts_both_ways(sources, frameworks, "FRAMEWORK_NAMES_SHORTCUT") == []


def test_first_name_is_the_first_part_of_libcsts_full_name() -> None:
    sources = {**_edge_sources(), "chains.py": "a.b().c[0].d\n(x + y).z\nf()[1].g\n'a'.join\n"}
    sources.update(repository_sources())
    differ: list[str] = []
    for path, code in sources.items():
        try:
            module = cst.parse_module(code)
        except cst.ParserSyntaxError:
            continue
        for node in _names(module):
            full = get_full_name_for_node(node)
            expected = full.split(".")[0] if full is not None else None
            found = frameworks._first_name(node)
            # None for a chain that does not start with a name (LibCST's full name then starts
            # with "None", which nothing binds): such a node is looked up as before
            if found != expected and not (found is None and expected == "None"):
                differ.append(f"{path}: {cst.Module([]).code_for_node(node)}")
    assert differ == []
