"""What async-queries' plan reads from `ast` trees is the same whichever way it is read.

The worker that analyses a file reads the file's mappings and relationship-method accesses
(``tree_facts``); the plan reads the files no worker analysed from disk. Both must give the plan
what a full read of every file from disk gives, byte for byte, shortcuts included: the statement-only
walk of modules that spell no query setting, and the `ast` tree shared with other codemods.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from backfix.builtin_codemods.async_queries import lazy, mappings, tree_facts
from testkit import QUERY_PROJECTS, REPO

from backfix.source import SourceFile

CORPORA = QUERY_PROJECTS

MODELS = """\
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import relationship, backref

db = SQLAlchemy(query_class=HiddenQuery, session_options={"query_cls": Other})


class Base(db.Model):
    __abstract__ = True

    @classmethod
    def __init_subclass__(cls):
        cls.query_class = SoftQuery


class Post(Base):
    __tablename__ = "post"
    tags = relationship("Tag", lazy="dynamic", backref=backref("posts", lazy="joined"))
    comments = relationship("Comment", lazy="joined")


def setup():
    class Local(db.Model):
        __tablename__ = "local"

    try:
        pass
    except ValueError:
        class InHandler:
            items = relationship("Item")


Post.query_class = LateQuery
Tag.query_class = TooEarlyForTag
db.Model.query_class = ModelQuery
"""

TAGS = """\
class Tag(db.Model):
    __tablename__ = "tag"
    owner = relationship("User", backref=backref("tags", uselist=False, lazy="joined"))
"""

#: a fullwidth q (U+FF51) in ``query_class``: the same identifier once Python normalises it (NFKC)
WIDE = "db = SQLAlchemy(\uff51uery_class=Wide)\n\n\nclass Thing:\n    pass\n"

ACCESSES = """\
def handler(user, posts):
    user.posts.filter_by(id=1).all()
    user.items.query.filter(x)
    Model.posts.all()

    def inner(obj):
        return obj.tags.count()

    return posts.tags.order_by(Tag.id)
"""


def _files(corpus: Path) -> list[Path]:
    return sorted(corpus.rglob("*.py"))


def _all_files() -> list[Path]:
    return [path for corpus in CORPORA for path in _files(corpus)]


def _full_walk(tree: ast.Module, path: str, raw: bytes) -> mappings.FileMappings:
    """``file_mappings`` without the statement-only shortcut."""
    original = mappings._spells_settings
    mappings._spells_settings = lambda raw: True
    try:
        return mappings.file_mappings(tree, path, raw)
    finally:
        mappings._spells_settings = original


def _reporter(into: list[tuple[object, ...]]) -> Callable[..., None]:
    def report(*error: object) -> None:
        into.append(error)

    return report


def _project(tmp_path: Path, files: dict[str, str | bytes]) -> list[str]:
    for name, content in files.items():
        data = content.encode() if isinstance(content, str) else content
        (tmp_path / name).write_bytes(data)
    return sorted(files)


def test_our_corpora_exist() -> None:
    assert len(_all_files()) > 100


@pytest.mark.parametrize("source", [MODELS, TAGS, WIDE, ACCESSES])
def test_the_statement_walk_reads_what_the_full_walk_reads(source: str) -> None:
    raw = source.encode()
    tree = ast.parse(raw)
    assert mappings.file_mappings(tree, "m.py", raw) == _full_walk(tree, "m.py", raw)


def test_the_statement_walk_reads_our_corpora_as_the_full_walk() -> None:
    for path in _all_files():
        raw = path.read_bytes()
        tree = ast.parse(raw)
        assert mappings.file_mappings(tree, str(path), raw) == _full_walk(tree, str(path), raw)


def test_statements_come_in_the_order_of_ast_walk() -> None:
    blocks = (ast.Module, ast.stmt, ast.excepthandler, ast.match_case)
    sources = [MODELS, "match x:\n    case 1:\n        class A: pass\n    case _:\n        y = 1\n"]
    sources += [path.read_text(encoding="utf-8") for path in _all_files()]
    for source in sources:
        tree = ast.parse(source)
        expected = [node for node in ast.walk(tree) if isinstance(node, blocks)]
        assert list(mappings._statements(tree)) == expected


def test_a_setting_spelled_with_wide_letters_is_read() -> None:
    found = mappings.read_file(WIDE.encode(), "wide.py")
    assert isinstance(found, mappings.FileMappings)
    assert found.found.fsa_query_class == [
        mappings.QuerySetting("`SQLAlchemy(query_class=Wide)` at wide.py:1", "Wide")
    ]


def test_settings_and_late_query_classes_follow_the_file_order(tmp_path: Path) -> None:
    files = _project(tmp_path, {"a_models.py": MODELS, "b_tags.py": TAGS})
    read = mappings.read_mappings(str(tmp_path), files)
    assert [c.query_class for c in read.classes["Post"]] == ["LateQuery"]
    # `Tag.query_class = ...` comes before the module defining `Tag`: it changes nothing
    assert [c.query_class for c in read.classes["Tag"]] == [""]
    assert read.fsa_query_class == [
        mappings.QuerySetting(
            "`SQLAlchemy(query_class=HiddenQuery)` at a_models.py:4", "HiddenQuery"
        )
    ]
    assert read.model_query_class == ["`db.Model.query_class = ModelQuery` at a_models.py:34"]
    assert {"Local", "InHandler"} <= read.classes.keys()
    assert read.relationships["tags"] == {"dynamic", "joined"}


def test_what_workers_read_merges_into_what_the_plan_reads_from_disk(tmp_path: Path) -> None:
    files = _project(
        tmp_path,
        {
            "a_models.py": MODELS,
            "b_tags.py": TAGS,
            "c_broken.py": "class Broken(:\n    pass\n",
            "d_wide.py": WIDE,
            "e_plain.py": "x = 1\n",
        },
    )
    for corpus in CORPORA:
        for path in _files(corpus):
            rel = str(path.relative_to(REPO)).replace("/", "_")
            files.append(rel)
            (tmp_path / rel).write_bytes(path.read_bytes())
    expected_errors: list[tuple[object, ...]] = []
    expected = mappings.read_mappings(str(tmp_path), files, _reporter(expected_errors))
    for parity in (0, 1):
        known = {
            rel: tree_facts.read_tree_facts((tmp_path / rel).read_bytes(), rel).mappings_read()
            for i, rel in enumerate(files)
            if i % 2 == parity
        }
        errors: list[tuple[object, ...]] = []
        found = mappings.read_mappings(str(tmp_path), files, _reporter(errors), known)
        assert dataclasses.asdict(found) == dataclasses.asdict(expected)
        assert errors == expected_errors
    assert [e[0] for e in expected_errors] == ["c_broken.py"]


def test_accesses_keep_the_order_and_owners_of_the_tree() -> None:
    tree = ast.parse(ACCESSES)
    sites = [(s.line, s.qual, s.attr, s.method) for s in lazy.method_accesses(tree)]
    assert sites == [
        (2, "handler", "posts", "filter_by"),
        (3, "handler", "query", "filter"),  # `query` runs no query: `items` is no site
        # a nested function's body is its own, not also the function's that defines it: one
        # query, one finding
        (7, "handler.<locals>.inner", "tags", "count"),
        (9, "handler", "tags", "order_by"),
    ]
    dynamic = lazy.dynamic_queries(lazy.method_accesses(tree), {"tags"})
    assert [(s.line, s.qual) for s in dynamic] == [(7, "handler.<locals>.inner"), (9, "handler")]


@pytest.mark.parametrize(
    "raw",
    [
        b"class A:\n    pass\n",
        "# -*- coding: latin-1 -*-\nclass A:\n    x = '\u00e9'\n".encode("latin-1"),
        b"\xef\xbb\xbfclass A:\n    pass\n",
        b"class A:\n    x = '\xff'\n",  # not UTF-8
        b"class A(:\n",
    ],
)
def test_the_shared_tree_is_the_tree_of_the_bytes(raw: bytes) -> None:
    source = SourceFile("m.py", "m.py", raw)
    tree = tree_facts.source_tree(source)
    expected = mappings.parse(raw)
    if isinstance(expected, mappings.ParseFailure):
        assert tree == expected
    else:
        assert isinstance(tree, ast.Module)
        assert ast.dump(tree, include_attributes=True) == ast.dump(
            expected, include_attributes=True
        )
