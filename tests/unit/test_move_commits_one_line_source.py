"""move-commits builds the same service bodies when it takes the code of a moved one-line statement
from its line of the module (``extraction.ONE_LINE_SOURCE``) as when it generates every statement:
the facts (the bodies among them) are compared over every snapshot input, the e2e applications,
generated web-app corpora and hand-written edge cases (line breaks, indentation, comments,
continuation lines, strings over several lines)."""

from __future__ import annotations

from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits import extraction
from backfix.builtin_codemods.move_commits import syntax as syntax_module
from testkit import facts_both_ways, repository_sources, webapp_sources

from backfix.registry import get_codemod
from backfix.source import SourceFile

MoveCommits = get_codemod("move-commits")

SWITCH = "ONE_LINE_SOURCE"

_HEAD = (
    "from flask import Blueprint, request\n"
    "from app.extensions import db\n"
    "from app.models import Job\n"
    "bp = Blueprint('jobs', __name__)\n"
)
_ROUTE = "@bp.post('/jobs')\ndef create():\n"
#: route bodies whose moved statements are on one line or not, in every shape that matters
BODIES = {
    "comments": "    # make it\n    job = Job()  # new\n\n    # save it\n"
    "    db.session.add(job)   \n    db.session.commit()\n    return ''\n",
    "semicolons": "    job = Job(); job.x = 1;\n    db.session.add(job); db.session.commit()\n"
    "    return ''\n",
    "continuations": "    job = Job(\n        title='t',\n    )\n    x = 1 + \\\n        2\n"
    "    db.session.add(job)\n    db.session.commit()\n    return ''\n",
    "strings": '    job = Job(title="""a\nb""")\n    job.note = f"{job.title!r}"\n'
    "    db.session.add(job)\n    db.session.commit()\n    return ''\n",
    "unicode": "    job = Job(title='é ü ß')  # ✓\n    db.session.add(job)\n"
    "    db.session.commit()\n    return ''\n",
    "blocks": "    for i in range(3):\n        job = Job(n=i)  # each\n        db.session.add(job)\n"
    "    if request.json.get('x'):\n        db.session.add(Job())\n    db.session.commit()\n"
    "    return ''\n",
    "hoisted reads": "    job = Job(title=request.form['title'])\n    db.session.add(job)\n"
    "    db.session.commit()\n    return ''\n",
    "backslash line": "    job = Job()\n\\\n    db.session.add(job)\n    db.session.commit()\n"
    "    return ''\n",
    "try": "    try:\n        db.session.add(Job())  # add\n        db.session.commit()\n"
    "    except Exception:\n        db.session.rollback()\n        raise\n    return ''\n",
}


def _edge_sources() -> dict[str, str]:
    sources: dict[str, str] = {}
    for name, body in BODIES.items():
        code = _HEAD + _ROUTE + body
        key = name.replace(" ", "_")
        sources[f"edge_{key}.py"] = code
        sources[f"edge_{key}_crlf.py"] = code.replace("\n", "\r\n")
        sources[f"edge_{key}_cr.py"] = code.replace("\n", "\r")
        sources[f"edge_{key}_tabs.py"] = code.replace("    ", "\t")
        sources[f"edge_{key}_no_final_newline.py"] = code.rstrip("\n")
    return sources


def test_edge_cases_build_the_same_bodies() -> None:
    assert facts_both_ways(_edge_sources(), extraction, SWITCH) == []


def test_edge_cases_take_lines_from_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    # The comparison above means something only when one-line statements are not generated.
    generated: list[str] = []
    original = syntax_module._generated

    def record(node: object) -> str:
        code = original(node)  # type: ignore[arg-type]
        generated.append(code)
        return code

    monkeypatch.setattr(syntax_module, "_generated", record)
    monkeypatch.setattr(extraction, "code_of", syntax_module.code_of)
    code = _HEAD + _ROUTE + BODIES["comments"]
    facts = MoveCommits().analyze(SourceFile("app/routes/jobs.py", "jobs.py", code.encode()))
    assert facts.data is not None
    (found,) = facts.data[0].extractions
    assert "job = Job()  # new\n" in found.body_code
    assert not any("Job()" in piece for piece in generated)


def test_repository_sources_build_the_same_bodies() -> None:
    assert facts_both_ways(repository_sources(), extraction, SWITCH) == []


@pytest.mark.parametrize(("seed", "resources"), [(0, 8), (7, 12)])
def test_generated_corpus_builds_the_same_bodies(tmp_path: Path, seed: int, resources: int) -> None:
    sources = webapp_sources(tmp_path, seed=seed, resources=resources)
    assert facts_both_ways(sources, extraction, SWITCH) == []
