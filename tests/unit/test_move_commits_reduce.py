"""move-commits finds the same on the reduced module as on the whole one.

The analysis runs on the module without the function bodies it does not read
(``move_commits.reduce``); this test runs it both ways over every snapshot input, the e2e
applications, a generated web-app corpus and hand-written edge cases, under the file's own path and
under a route-layer path, and compares the facts (violations and the plan's data) exactly.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits import _analysed_module
from backfix.builtin_codemods.move_commits import reduce as reduce_module
from testkit import facts_both_ways, repository_sources, write_webapp_corpus

from backfix.registry import get_codemod
from backfix.results import FileFacts
from backfix.source import SourceError, SourceFile

MoveCommits = get_codemod("move-commits")

_HEAD = (
    "from flask import Blueprint, g, jsonify, request\n"
    "from app.extensions import db\n"
    "from app.models import Job\n"
    "bp = Blueprint('jobs', __name__)\n"
)
EDGES = {
    "helper moves": _HEAD + "LIMIT = 3\n"
    "def clean(x):\n    return x.strip()[:LIMIT]\n"
    "def unused():\n    return 1\n"
    "@bp.post('/jobs')\ndef create():\n    job = Job(title=clean(request.json['t']))\n"
    "    db.session.add(job)\n    db.session.commit()\n    return jsonify(job.id)\n",
    "request helper": _HEAD + "def tenant():\n    return g.tenant_id\n"
    "@bp.post('/jobs')\ndef create():\n    job = Job(tenant=tenant())\n"
    "    db.session.add(job)\n    db.session.commit()\n    return jsonify(job.id)\n",
    "before request": _HEAD + "@bp.before_request\ndef load():\n    g.tenant_id = 1\n"
    "@bp.post('/jobs')\ndef create():\n    job = Job(tenant=g.tenant_id)\n"
    "    db.session.add(job)\n    db.session.commit()\n    return jsonify(job.id)\n",
    "registered later": _HEAD + "def create():\n    db.session.add(Job())\n"
    "    db.session.commit()\n    return ''\n"
    "def setup(app):\n    app.add_url_rule('/j', 'j', create)\n",
    "nested def before": _HEAD + "def outer():\n    def inner():\n        return 1\n"
    "    return inner\n"
    "@bp.post('/jobs')\ndef create():\n    db.session.add(Job())\n"
    "    db.session.commit()\n    return ''\n",
    "global elsewhere": _HEAD + "def swap():\n    global db\n    db = None\n"
    "@bp.post('/jobs')\ndef create():\n    db.session.add(Job())\n"
    "    db.session.commit()\n    return ''\n",
    "class read": _HEAD
    + "class Form:\n    size = 2\n    def check(self):\n        return self.size\n"
    "@bp.post('/jobs')\ndef create():\n    f = Form()\n    db.session.add(Job(v=f.check()))\n"
    "    db.session.commit()\n    return ''\n",
    "view class": _HEAD + "from flask.views import MethodView\n"
    "class Jobs(MethodView):\n    def get(self):\n        return jsonify([])\n"
    "    def post(self):\n        db.session.add(Job())\n        db.session.commit()\n"
    "        return ''\n",
    "crlf": (
        _HEAD + "def helper():\n    return 1\n@bp.post('/j')\ndef create():\n"
        "    db.session.add(Job())\n    db.session.commit()\n    return ''\n"
    ).replace("\n", "\r\n"),
}


def _facts(path: str, code: str, *, reduce: bool) -> FileFacts[object] | str:
    reduce_module.REDUCE = reduce
    try:
        source = SourceFile(path, path, code.encode("utf-8"))
        return MoveCommits().analyze(source)  # type: ignore[no-any-return]
    except SourceError as exc:
        return f"error: {exc}"
    finally:
        reduce_module.REDUCE = True


def _differences(sources: dict[str, str]) -> list[str]:
    return facts_both_ways(sources, reduce_module, "REDUCE")


def test_edge_cases_find_the_same() -> None:
    sources = {f"edge_{key.replace(' ', '_')}.py": code for key, code in EDGES.items()}
    assert _differences(sources) == []


def test_edge_cases_find_something() -> None:
    # The comparison above means something only when the analysis finds commits in them.
    for key, code in EDGES.items():
        facts = _facts(f"app/routes/{key.replace(' ', '_')}.py", code, reduce=True)
        assert isinstance(facts, FileFacts) and facts.violations, key


def test_repository_sources_find_the_same() -> None:
    assert _differences(repository_sources()) == []


@pytest.mark.parametrize(("seed", "resources"), [(0, 8), (7, 12)])
def test_generated_corpus_finds_the_same(tmp_path: Path, seed: int, resources: int) -> None:
    write_webapp_corpus(tmp_path, seed=seed, resources=resources)
    sources = {
        str(p.relative_to(tmp_path)): p.read_text(encoding="utf-8")
        for p in sorted(tmp_path.rglob("*.py"))
    }
    assert _differences(sources) == []


def test_only_unread_bodies_are_left_out() -> None:
    code = EDGES["helper moves"].encode("utf-8")
    reduced = reduce_module.reduced_source(code, ast.parse(code))
    assert reduced is not None
    assert b"x.strip()[:LIMIT]" in reduced  # a helper the route calls
    assert b"return 1" not in reduced  # a function nothing reads
    assert reduce_module.reduced_source(code, None) is None


def test_a_module_another_codemod_parsed_is_analysed_whole() -> None:
    code = (
        "from flask import Flask\napp = Flask(__name__)\n\n"
        "def unrelated():\n    return 1\n\n"
        "@app.post('/x')\ndef create():\n    db.session.commit()\n"
    )
    fresh = SourceFile("app/routes.py", "/app/routes.py", code.encode())
    assert _analysed_module(fresh)[0].code != code  # the unread body is left out
    shared = SourceFile("app/routes.py", "/app/routes.py", code.encode())
    whole = shared.module  # as when async-queries analysed the file first
    assert _analysed_module(shared)[0] is whole
