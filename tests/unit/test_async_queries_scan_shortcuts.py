"""The scan's shortcuts give what the long way gives: import names, generators, Flask-SQLAlchemy 2.x,
the engine and session markers."""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
from backfix.builtin_codemods.async_queries import analyze, quick_source
from backfix.builtin_codemods.async_queries import chains as ch
from backfix.builtin_codemods.async_queries.model import SYNC

IMPORTS = """\
import os.path, a . b as ab, c.d.e
from x . y import (z as zz, w)
from .rel import q
from ... import up
from   pkg   import   name
"""


def test_dotted_names_read_as_generated() -> None:
    """``_dotted`` is ``_code`` of every imported name, spaced dots included."""
    module = cst.parse_module(IMPORTS)
    names: list[cst.Name | cst.Attribute] = []
    for line in module.body:
        assert isinstance(line, cst.SimpleStatementLine)
        for small in line.body:
            if isinstance(small, cst.ImportFrom) and small.module is not None:
                names.append(small.module)
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                assert not isinstance(small.names, cst.ImportStar)
                names.extend(alias.name for alias in small.names)
    assert len(names) == 11
    for name in names:
        assert analyze._dotted(name) == analyze._code(name)


GENERATORS = """\
def plain():
    return 1


def gen():
    x = 1
    yield x


def outer():
    def inner():
        yield 1
    return inner


class Holder:
    def method(self):
        return [i for i in range(3)]

    def gen(self):
        yield from range(3)
"""


def test_generators_found_by_their_lines() -> None:
    """A function is a generator for the scan exactly when its own body yields."""
    module = cst.parse_module(GENERATORS)
    result, _ = analyze.scan("app/gen.py", module, GENERATORS, [])
    blockers = {f.qual: f.blocker for f in result.facts.functions}
    generator = "a generator function (its consumers would need `async for`)"
    assert blockers == {
        "plain": "",
        "gen": generator,
        "outer.<locals>.inner": "a nested function",
        "outer": "",
        "Holder.method": "",
        "Holder.gen": generator,
    }


CHAINS = """\
db.session.query(User).filter_by(name=name).first_or_404()
db.session.query(User).paginate(page=1)
db.session.query(User).filter(User.id > 1).all()
db.session.query(User, Post).first_or_404()
db.session.query(User).get_or_404(1)
"""


def test_check_reads_both_versions() -> None:
    """``_check`` gives the reasons of a conversion for Flask-SQLAlchemy 3.x and for 2.x."""
    module = cst.parse_module(CHAINS)
    spec = ch.RootSpec(ch.ROOT_SESSION)
    base = ch.Base(cst.parse_expression("db.session"), "db")
    for line in module.body:
        assert isinstance(line, cst.SimpleStatementLine)
        expr = line.body[0]
        assert isinstance(expr, cst.Expr)
        chain = ch.split_chain(expr.value, spec)
        assert chain is not None
        expected = []
        for fsa3 in (True, False):
            try:
                ch.convert(chain, base, ch.Context(SYNC, ch.USE_STATEMENT, fsa3=fsa3))
            except ch.Unsupported as exc:
                expected.append((str(exc), exc.reason_id))
            else:
                expected.append(("", ""))
        assert analyze._check(chain, base, ch.USE_STATEMENT) == tuple(expected)


REPO = Path(__file__).resolve().parents[2]
#: what ``analyze.async_markers`` searched for with a pattern before
_ASYNC_PATTERN = re.compile(r"create_async_engine|async_sessionmaker|AsyncSession")

MARKERS = [
    "engine = create_engine(url)",
    "engine = create_engine  (url)",
    "engine = create_engine\n(url)",
    "engine = sa.create_engine(url)",
    "engine = my_create_engine(url)",
    "engine = create_engine",
    "Session = sessionmaker(bind=engine)",
    "Session = async_sessionmaker(engine)",
    "Session = orm.sessionmaker (engine)",
    "f = sessionmaker; f()",
    "x = \u00e9sessionmaker(engine)",
    "e = create_async_engine(url)",
    "from sqlalchemy.ext.asyncio import AsyncSession",
    "AsyncSessio",
    "",
]


def test_the_markers_are_the_patterns_answers() -> None:
    texts = [*MARKERS, "\n".join(MARKERS)]
    for corpus in ("snapshots/async-queries", "tests/e2e/apps", "tests/e2e/async_apps", "examples"):
        texts += [p.read_text(errors="replace") for p in sorted((REPO / corpus).rglob("*.py"))]
    assert sum(analyze.sync_markers(t) for t in texts) > 10
    for text in texts:
        assert analyze.async_markers(text) == bool(_ASYNC_PATTERN.search(text)), text
        assert analyze.sync_markers(text) == bool(analyze._SYNC_MARKERS.search(text)), text


LINE_ENDINGS = [
    "",
    "a",
    "a\n",
    "a\nb",
    "a\r\nb\r\n",
    "a\rb",
    "a\r\n\rb\n\n",
    "\r",
    "\n\r",
    "x\x0cy\x0bz\u2028w\n",
]


def test_lines_split_as_the_pattern_splits() -> None:
    texts = LINE_ENDINGS + [
        p.read_text(errors="replace") for p in sorted((REPO / "tests" / "e2e").rglob("*.py"))
    ]
    for text in texts:
        assert quick_source.split_lines(text) == quick_source._LINE.split(text), repr(text[:80])
