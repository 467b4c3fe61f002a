"""move-commits builds the same service bodies when it replaces the hoisted reads of a moved one-line
statement in its line of the module (``extraction.SPLICE_READS``) as when it rebuilds the statement
and generates its code: the facts (the bodies among them) are compared over every snapshot input,
the e2e applications, generated web-app corpora and hand-written edge cases (a read whose code is
also elsewhere on the line, in a comment or a string, reads in parentheses or inside another,
several reads on one line, semicolons, other line breaks and indentation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits import extraction
from testkit import facts_both_ways, repository_sources, webapp_sources

from backfix.registry import get_codemod
from backfix.source import SourceFile

MoveCommits = get_codemod("move-commits")

SWITCH = "SPLICE_READS"

_HEAD = (
    "from flask import Blueprint, g, request\n"
    "from app.extensions import db\n"
    "from app.models import Job\n"
    "bp = Blueprint('jobs', __name__)\n"
)
_ROUTE = "@bp.post('/jobs')\ndef create(job_id):\n    job = Job.query.get_or_404(job_id)\n"
_END = "    db.session.commit()\n    return ''\n"
#: moved lines with hoisted reads, in every shape that matters
LINES = {
    "one read": "    job.title = request.form['title']  # the title\n",
    "two reads": "    job.title, job.city = request.form['title'], request.args.get('city')\n",
    "same read twice": "    job.title = request.form['title'] + request.form['title']\n",
    "read in a comment": "    job.title = request.form['title']  # request.form['title']\n",
    "read in a string": "    job.note = request.form['title'] or \"request.form['title']\"\n",
    "string first": "    job.note = \"request.form['title']\" + request.form['title']\n",
    "parenthesized": "    job.title = (request.form['title'])\n",
    "spaced": "    job.title = request . form [ 'title' ]\n",
    "inside another": "    job.title = request.form[request.args['key']]\n",
    "user": "    job.owner_id = g.user.id; job.title = request.json['title']\n",
    "unicode": "    job.title = 'é' + request.form['title']  # ✓\n",
    "leading comment": "    # set it\n\n    job.title = request.form['title']\n",
}


def _edge_sources() -> dict[str, str]:
    sources: dict[str, str] = {}
    for name, line in LINES.items():
        # the read both first and after another moved statement (its leading lines kept)
        for where, body in (("first", line), ("second", "    job.n = 1\n" + line)):
            code = _HEAD + _ROUTE + body + "    db.session.add(job)\n" + _END
            key = f"{name.replace(' ', '_')}_{where}"
            sources[f"edge_{key}.py"] = code
            sources[f"edge_{key}_crlf.py"] = code.replace("\n", "\r\n")
            sources[f"edge_{key}_tabs.py"] = code.replace("    ", "\t")
    return sources


def test_edge_cases_build_the_same_bodies() -> None:
    assert facts_both_ways(_edge_sources(), extraction, SWITCH) == []


def test_edge_cases_replace_reads_in_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # The comparison above means something only when some statements are not rebuilt.
    rebuilt: list[object] = []
    original = extraction.ExtractionBuilder._service_statement

    def record(self: extraction.ExtractionBuilder, *args: object) -> object:
        found = original(self, *args)  # type: ignore[arg-type]
        if found is not args[1]:
            rebuilt.append(found)
        return found

    monkeypatch.setattr(extraction.ExtractionBuilder, "_service_statement", record)
    code = _HEAD + _ROUTE + LINES["one read"] + "    db.session.add(job)\n" + _END
    facts = MoveCommits().analyze(SourceFile("app/routes/jobs.py", "jobs.py", code.encode()))
    assert facts.data is not None
    (found,) = facts.data[0].extractions
    assert "job.title = title  # the title\n" in found.body_code
    assert rebuilt == []


def test_repository_sources_build_the_same_bodies() -> None:
    assert facts_both_ways(repository_sources(), extraction, SWITCH) == []


@pytest.mark.parametrize(("seed", "resources"), [(0, 8), (7, 12)])
def test_generated_corpus_builds_the_same_bodies(tmp_path: Path, seed: int, resources: int) -> None:
    sources = webapp_sources(tmp_path, seed=seed, resources=resources)
    assert facts_both_ways(sources, extraction, SWITCH) == []
