"""move-commits builds the same service bodies when it rebuilds only the nodes above the reads it
replaces (``extraction.REBUILD_ONLY_ABOVE_READS``) as when it rebuilds whole statements: the facts
(the bodies among them) are compared over every snapshot input, the e2e applications and generated
web-app corpora."""

from __future__ import annotations

from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits import extraction
from backfix.builtin_codemods.move_commits.model import Extraction
from testkit import facts_both_ways, repository_sources, webapp_sources

from backfix.registry import get_codemod
from backfix.source import SourceFile

MoveCommits = get_codemod("move-commits")

SWITCH = "REBUILD_ONLY_ABOVE_READS"


def test_repository_sources_build_the_same_bodies() -> None:
    assert facts_both_ways(repository_sources(), extraction, SWITCH) == []


@pytest.mark.parametrize(("seed", "resources"), [(0, 8), (7, 12)])
def test_generated_corpus_builds_the_same_bodies(tmp_path: Path, seed: int, resources: int) -> None:
    sources = webapp_sources(tmp_path, seed=seed, resources=resources)
    assert facts_both_ways(sources, extraction, SWITCH) == []


def test_the_corpus_moves_statements_with_replaced_reads(tmp_path: Path) -> None:
    # The comparison above means something only when reads inside moved statements are replaced:
    # a read the route passes (``request.form["title"]``) is gone from the body, its name is there.
    sources = webapp_sources(tmp_path, seed=0, resources=8)
    replaced = [
        param.name
        for path, code in sources.items()
        for found in _extractions(path, code)
        for param in found.params
        if not param.positional
        and param.value not in found.body_code
        and param.name in found.body_code
    ]
    assert replaced


def _extractions(path: str, code: str) -> list[Extraction]:
    facts = MoveCommits().analyze(SourceFile(path, path, code.encode("utf-8")))
    return list(facts.data[0].extractions) if facts.data is not None else []
