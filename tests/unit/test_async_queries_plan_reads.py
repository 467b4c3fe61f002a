"""async-queries' plan reads files more cheaply than it did; these tests compare with the old reads.

* Which files mention a name (``plan._Mentions``): each file's set of words instead of one
  ``\\b(?:name|...)\\b`` search per file and question.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from backfix.builtin_codemods.async_queries import plan
from testkit import write_webapp_corpus

REPO = Path(__file__).resolve().parents[2]
#: our own example projects: snapshot inputs, e2e apps, the example app
CORPORA = [
    REPO / "snapshots" / "async-queries",
    REPO / "tests" / "e2e" / "apps",
    REPO / "tests" / "e2e" / "async_apps",
    REPO / "examples",
]


class _Files:
    """A project's ``read``, over files on disk or in memory."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def read(self, rel: str) -> bytes | None:
        return self.files.get(rel)


def _corpus_files(tmp_path: Path) -> dict[str, bytes]:
    webapp = tmp_path / "webapp"
    write_webapp_corpus(webapp, seed=3, resources=6)
    files = {str(p): p.read_bytes() for corpus in CORPORA for p in sorted(corpus.rglob("*.py"))}
    files.update({str(p): p.read_bytes() for p in sorted(webapp.rglob("*.py"))})
    return files


def _old_mentions(files: dict[str, bytes], rel: str, names: set[str]) -> bool:
    """The search the plan ran before: one pattern per question, over each file's text."""
    words = b"|".join(re.escape(n.encode()) for n in sorted(names))
    pattern = re.compile(rb"\b(?:" + words + rb")\b")
    raw = files.get(rel) or b""
    return bool(pattern.search(raw if len(raw) <= plan._MAX_EXTRA_BYTES else b""))


#: names the word sets cannot answer (non-ASCII, empty, not words), and near misses
_ODD_NAMES = [
    "caf\u00e9",
    "\u00e9t\u00e9",
    "",
    "a.b",
    "query_",
    "_query",
    "Quer",
    "__init__",
    "0",
    "select",
]


def test_word_sets_find_the_files_the_pattern_finds(tmp_path: Path) -> None:
    files = _corpus_files(tmp_path)
    files["odd.py"] = "caf\u00e9 = 1\n\u00e9t\u00e9_x = get_caf\u00e9()\nqueryx(a.b)\n".encode()
    files["big.py"] = b"select = 1\n" + b"#" * plan._MAX_EXTRA_BYTES
    files["empty.py"] = b""
    words = sorted({w.decode() for raw in files.values() for w in re.findall(rb"\w+", raw)})
    rng = random.Random(12)
    questions = [set(rng.sample(words, rng.randint(1, 6))) for _ in range(60)]
    questions += [{name} for name in _ODD_NAMES]
    questions += [{"select", name} for name in _ODD_NAMES] + [set(_ODD_NAMES)]
    mentions = plan._Mentions(_Files(files))  # type: ignore[arg-type]
    for names in questions:
        test = mentions.test(names)
        for rel in [*files, "missing.py"]:
            assert test(rel) == _old_mentions(files, rel, names), (rel, names)
