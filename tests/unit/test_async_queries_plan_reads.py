"""async-queries' plan reads files more cheaply than it did; these tests compare with the old reads.

* Which files mention a name (``plan._Mentions``): each file's set of words instead of one
  ``\\b(?:name|...)\\b`` search per file and question.
* Lazy loads (``lazy.lazy_loads``) are looked for only in the files whose tree facts show an
  attribute read on an instance, named like a relationship, in a function that becomes async
  (``lazy.may_load``): exactly the files where the search finds something.
"""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

from backfix.builtin_codemods.async_queries import lazy, plan
from testkit import QUERY_PROJECTS, write_webapp_corpus

CORPORA = QUERY_PROJECTS


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


def _old_method_accesses(tree: ast.Module) -> list[lazy.Site]:
    """``lazy.method_accesses`` as it was before it also read the instance attributes (and
    with a mapping's ``get(key, default)`` left out, as it is now)."""
    found: list[lazy.Site] = []
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    mapping_gets = {id(call.func) for call in calls if lazy._mapping_get(call)}
    for qual, func in lazy.functions(tree):
        for node in lazy._own_nodes(func):
            if not (isinstance(node, ast.Attribute) and node.attr in lazy._QUERY_METHODS):
                continue
            if id(node) in mapping_gets:
                continue
            access = lazy._instance_access(node.value, None)
            if access is not None:
                found.append(
                    lazy.Site(access.lineno, access.col_offset, qual, access.attr, node.attr)
                )
    return sorted(found, key=lambda s: (s.line, s.col))


LAZY = """\
class Repo:
    async def one(self, user, rows):
        user.posts
        self.session.items
        Model.posts
        get_user().tags.x
        for row in rows:
            row.owner.name

        def inner(obj):
            return obj.tags

        if user:

            def deeper(obj):
                return obj.comments

        return (await load()).owner


def one(user):
    user.posts


def one(user):
    user.tags
"""


def _trees(tmp_path: Path) -> list[ast.Module]:
    trees = [ast.parse(LAZY)]
    for raw in _corpus_files(tmp_path).values():
        try:
            trees.append(ast.parse(raw))
        except SyntaxError:
            continue
    return trees


def test_one_walk_finds_the_method_accesses_of_the_old_walk(tmp_path: Path) -> None:
    for tree in _trees(tmp_path):
        assert lazy.read_accesses(tree)[0] == _old_method_accesses(tree)


def test_lazy_loads_are_looked_for_exactly_where_they_can_be_found(tmp_path: Path) -> None:
    rng = random.Random(5)
    checked = found = 0
    for tree in _trees(tmp_path):
        quals = [qual for qual, _ in lazy.functions(tree)]
        attrs = sorted({n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)})
        reads = lazy.read_accesses(tree)[1]
        name_sets = [set(attrs), {"posts", "tags", "owner"}, {"nothing_here"}]
        name_sets += [set(rng.sample(attrs, min(len(attrs), 3))) for _ in range(4)]
        qual_sets = [
            set(quals),
            *({q} for q in quals[:12]),
            set(rng.sample(quals, len(quals) // 2)),
        ]
        for names in name_sets:
            for chosen in qual_sets:
                loads = lazy.lazy_loads(tree, chosen, names)
                assert lazy.may_load(reads, chosen, names) == bool(loads), (chosen, names)
                checked += 1
                found += bool(loads)
    assert found > 50 and checked > found
