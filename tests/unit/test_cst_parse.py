"""The engine's LibCST parse (parsed nodes are not validated a second time) builds the same trees and
raises the same errors as ``libcst.parse_module``, and leaves node validation on for every other node."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst
import pytest
from libcst._nodes.base import CSTNode

from backfix import cst_parse
from backfix.source import SourceError, parse_cst

#: sources whose trees are compared node for node both ways.
SOURCES = {
    "empty": b"",
    "no trailing newline": b"x = 1",
    "comments only": b"# one\n\n    # indented deeper\n",
    "crlf, tabs and a backslash": b"if x:\r\n\ty = 1 + \\\r\n\t\t2\r\n",
    "byte order mark": b"\xef\xbb\xbfname = 'caf\xc3\xa9'\n",
    "latin-1 with a cookie": b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n",
    "decorators": (
        b"@app.route('/x', methods=['GET'])  # why\n@login_required\n"
        b"@(lambda f: f)\nclass View(Base, metaclass=Meta):\n"
        b"    @property\n    def name(self) -> str: return self._n\n"
    ),
    "f-strings": (
        b's = f\'{a!r:>{width}} {b=} {c:.2f} {{}} {"nested" + f"{d}"}\'\n'
        b"t = rf'\\d{x}' F'''{y\n}''' 'implicit' f\"concat\"\n"
    ),
    "match": (
        b"match command.split():\n"
        b"    case [x, y, *rest] if x > 0:\n        pass\n"
        b"    case {'k': v, **others}:\n        pass\n"
        b"    case Point(x=0, y=_) | None:\n        pass\n"
        b"    case str() as s:\n        pass\n"
    ),
    "walrus": b"if (n := len(seq)) > 1 and [y := f(x), y ** 2]:\n    print(n)\n",
    "parenthesised with": (
        b"async def f():\n    async with (\n        open(a) as f,  # first\n"
        b"        lock,\n    ):\n        await f.read()\n"
    ),
    "type hints": (
        b"from __future__ import annotations\n"
        b"x: dict[str, list[int | None]] = {}\n"
        b"def g[T: int = str, *Ts, **P](v: T, /, *a: *Ts, k: 'Fwd' = ..., **kw: P.kwargs) -> T: ...\n"
        b"type Alias[T] = tuple[T, ...]\n"
    ),
    "statements": (
        b"global g; del a[1:2:3], b\n"
        b"try:\n    pass\nexcept* (A, B) as e:\n    raise X from e\nelse:\n    pass\n"
        b"finally:\n    pass\n"
        b"while 1if y else 2:\n    break\nelse:\n    continue\n"
        b"x = [i async for i in g() if i] or {k: v for k, v in d} or (yield)\n"
        b"lambda a, *b, c=1, **d: not a\n"
    ),
}

#: sources that do not parse, and the error both parses give.
BROKEN = {
    "syntax": b"def f(:\n    pass\n",
    "tokenizer": b"x = 'abc\n",
    "indentation": b"if x:\npass\n",
    "too many indentation levels": b"".join(b" " * i + b"if x:\n" for i in range(120)),
    "nul byte": b"x = 1\0\n",
    "undecodable": b"x = '\xe9'\n",
    "unknown encoding": b"# coding: nonesuch\nx = 1\n",
}


@pytest.fixture(autouse=True)
def fresh_check(libcst_checks_unrecorded: None) -> Iterator[None]:
    """The once-per-process check made anew: a test elsewhere in the process may have made it
    while ``libcst.parse_module`` was replaced."""
    cst_parse.skips_validation.cache_clear()
    yield
    cst_parse.skips_validation.cache_clear()


@pytest.fixture
def fallback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A LibCST whose ``CSTNode.__post_init__`` does more than validate."""

    built: list[type[CSTNode]] = []

    def post_init(self: CSTNode) -> None:
        self._validate()
        built.append(type(self))

    cst_parse.skips_validation.cache_clear()
    monkeypatch.setattr(CSTNode, "__post_init__", post_init)
    try:
        yield
    finally:
        cst_parse.skips_validation.cache_clear()


@contextmanager
def _another_thread_running() -> Iterator[None]:
    """Another thread runs (waiting) until the block ends."""
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        yield
    finally:
        release.set()
        other.join()


def _error(raw: bytes) -> tuple[str, str, int, int]:
    with pytest.raises(SourceError) as caught:
        parse_cst(raw)
    error = caught.value
    return error.kind, error.message, error.line, error.col


def test_this_libcst_skips_the_validation_of_parsed_nodes() -> None:
    assert cst_parse.skips_validation()


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_tree_is_libcsts(name: str) -> None:
    raw = SOURCES[name]
    library = cst.parse_module(raw)
    module = cst_parse.parse_module(raw)
    assert module.deep_equals(library)
    assert module.code == library.code
    assert module.bytes == library.bytes == raw


def test_nodes_built_after_a_parse_are_validated() -> None:
    post_init = CSTNode.__post_init__
    cst_parse.parse_module(SOURCES["statements"])
    assert CSTNode.__post_init__ is post_init
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")


def test_a_failed_parse_leaves_validation_on() -> None:
    with pytest.raises(cst.ParserSyntaxError):
        cst_parse.parse_module(BROKEN["syntax"])
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_errors_are_the_same_both_ways(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _error(BROKEN[name])
    cst_parse.skips_validation.cache_clear()
    monkeypatch.setattr(cst_parse, "_post_init_only_validates", lambda: False)
    try:
        assert not cst_parse.skips_validation()
        assert _error(BROKEN[name]) == fast
    finally:
        cst_parse.skips_validation.cache_clear()


def test_a_libcst_whose_post_init_does_more_gets_libcsts_parse(fallback: None) -> None:
    assert not cst_parse.skips_validation()
    patched = CSTNode.__post_init__
    for raw in SOURCES.values():
        assert cst_parse.parse_module(raw).deep_equals(cst.parse_module(raw))
        assert CSTNode.__post_init__ is patched


def test_a_node_class_with_its_own_post_init_gets_libcsts_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cst_parse.skips_validation.cache_clear()
    monkeypatch.setattr(cst.Name, "__post_init__", CSTNode.__post_init__, raising=False)
    try:
        assert not cst_parse.skips_validation()
    finally:
        cst_parse.skips_validation.cache_clear()


def test_while_another_thread_runs_nodes_are_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: bytes | str) -> cst.Module:
        raise AssertionError("validation switched off with another thread running")

    monkeypatch.setattr(cst_parse, "_parse_unvalidated", refuse)
    with _another_thread_running():
        module = cst_parse.parse_module(SOURCES["decorators"])
    assert module.code.encode() == SOURCES["decorators"]


#: expressions whose trees are compared both ways, and text that parses only in parentheses
EXPRESSIONS = (
    "User.query.filter_by(id=user_id).order_by(User.created.desc()).first_or_404()",
    "db.session.query(Item).filter(\n    Item.owner_id == owner.id,  # mine\n).all()",
    "await session.execute(select(User).where(User.name == f'{first} {last!r}'))",
    "[x async for x in rows if x] or {k: v for k, v in pairs}",
)


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_an_expression_is_libcsts(text: str) -> None:
    expression = cst_parse.parse_expression(text)
    assert expression.deep_equals(cst.parse_expression(text))
    assert cst.Module([]).code_for_node(expression) == text


def test_an_expression_that_does_not_parse_raises_libcsts_error_and_validation_stays_on() -> None:
    with pytest.raises(cst.ParserSyntaxError) as fast:
        cst_parse.parse_expression("a.\n  b")
    with pytest.raises(cst.ParserSyntaxError) as library:
        cst.parse_expression("a.\n  b")
    assert str(fast.value) == str(library.value)
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")


def test_an_expression_parsed_with_another_thread_running_is_validated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse() -> None:
        raise AssertionError("validation switched off with another thread running")

    monkeypatch.setattr(cst_parse, "_unvalidated", refuse)
    with _another_thread_running():
        expression = cst_parse.parse_expression(EXPRESSIONS[0])
    assert expression.deep_equals(cst.parse_expression(EXPRESSIONS[0]))
