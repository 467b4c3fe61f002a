"""move-commits finds the same when its walks and scope resolution leave tokens out.

The analysis walks a module without its tokens (whitespace, comments, operators, punctuation) and
resolves scopes without visiting them (``module_nodes.TOKENS``); this test runs it both ways over
every snapshot input, the e2e applications and two generated web-app corpora, under the file's
own path and under a route-layer path, and compares the facts (violations and the plan's data)
exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits import module_nodes
from testkit import facts_both_ways, repository_sources, webapp_sources

from backfix.registry import get_codemod
from backfix.source import SourceFile

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


def _differences(sources: dict[str, str]) -> list[str]:
    return facts_both_ways(sources, module_nodes, "TOKENS")


def test_edge_cases_find_the_same() -> None:
    assert _differences({f"app/routes/{key}.py": code for key, code in EDGES.items()}) == []
    source = SourceFile("app/routes/c.py", "app/routes/c.py", EDGES["constants"].encode())
    assert MoveCommits().analyze(source).violations


def test_repository_sources_find_the_same() -> None:
    assert _differences(repository_sources()) == []


@pytest.mark.parametrize(("seed", "resources"), [(1, 8), (9, 12)])
def test_generated_corpus_finds_the_same(tmp_path: Path, seed: int, resources: int) -> None:
    assert _differences(webapp_sources(tmp_path, seed, resources)) == []
