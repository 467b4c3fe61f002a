"""move-commits finds the same when its walks and scope resolution leave tokens out.

The analysis walks a module without its tokens (whitespace, comments, operators, punctuation) and
resolves scopes without visiting them (``module_nodes.TOKENS``); this test runs it both ways over
every snapshot input, the e2e applications and two generated web-app corpora, under the file's
own path and under a route-layer path, and compares the facts (violations and the plan's data)
exactly.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits import module_nodes
from testkit import repository_sources, write_webapp_corpus

from backfix.registry import get_codemod
from backfix.results import FileFacts
from backfix.source import SourceError, SourceFile

MoveCommits = get_codemod("move-commits")

#: literals with operators (module constants move only when they are literals) and comments
#: next to what moves.
EDGES = {
    "constants": "from flask import Blueprint, jsonify\nfrom app.extensions import db\n"
    "from app.models import Job\nbp = Blueprint('jobs', __name__)\n"
    "LOW = -1\nHIGH = +2\nMASK = ~3\nPAIR = (1, -2)\n"
    "@bp.post('/jobs')\ndef create():\n    # make it\n"
    "    job = Job(low=LOW, high=HIGH, mask=MASK, pair=PAIR)  # one\n"
    "    db.session.add(job)\n    db.session.commit()\n    return jsonify(job.id)\n",
}


def _facts(path: str, code: str, *, tokens: bool) -> FileFacts[object] | str:
    module_nodes.TOKENS = tokens
    try:
        source = SourceFile(path, path, code.encode("utf-8"))
        return MoveCommits().analyze(source)  # type: ignore[no-any-return]
    except SourceError as exc:
        return f"error: {exc}"
    finally:
        module_nodes.TOKENS = False


def _differences(sources: dict[str, str]) -> list[str]:
    differ: list[str] = []
    for name, code in sources.items():
        try:
            ast.parse(code)
        except SyntaxError:
            continue
        for path in (name, f"app/routes/{Path(name).stem}.py"):
            if _facts(path, code, tokens=False) != _facts(path, code, tokens=True):
                differ.append(path)
    return differ


def test_edge_cases_find_the_same() -> None:
    assert _differences({f"app/routes/{key}.py": code for key, code in EDGES.items()}) == []
    facts = _facts("app/routes/constants.py", EDGES["constants"], tokens=False)
    assert isinstance(facts, FileFacts) and facts.violations


def test_repository_sources_find_the_same() -> None:
    assert _differences(repository_sources()) == []


@pytest.mark.parametrize(("seed", "resources"), [(1, 8), (9, 12)])
def test_generated_corpus_finds_the_same(tmp_path: Path, seed: int, resources: int) -> None:
    write_webapp_corpus(tmp_path, seed=seed, resources=resources)
    sources = {
        str(p.relative_to(tmp_path)): p.read_text(encoding="utf-8")
        for p in sorted(tmp_path.rglob("*.py"))
    }
    assert _differences(sources) == []
