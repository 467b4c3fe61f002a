"""Which project files inject-session's plan must analyse: the ones whose facts can change its outcome.

The plan (plan.py) reads the facts (``FileData``) of other files in these ways only:

* which files bind a singleton or its class, through ``from`` imports, re-exports and renames
  (``Index.resolve`` ending at the singleton's file), and which reach it through a module
  (``import app.services`` + ``app.services.export.export_service``); it also reads the bytes of
  every file it could not analyse, looking for the singleton's name;
* the session parameters of FastAPI routes anywhere in the project (the form to copy into a route
  without one), with the ``Annotated`` alias each one's type names, followed across files;
* the imports behind the names of those parameters and aliases, in the file that reads them and in
  the file that gains them (``imports_for``).

A chain of ``from`` imports only ever passes through files that name the next link, so the files a
singleton or its class can be bound in all contain one of their names, or of the names a re-export
gives them (``from .export import export_service as exporter``): those names are gathered to a fixed
point over every file's ``from`` imports, then every file containing one of them is kept. The other
chains start at known names (a parameter's annotation and default, an alias's value) and are followed
import by import, keeping every file an import may refer to. Files the plan reads whatever their
content are kept too: the scanned files, routes with a session-like parameter, files that cannot be
read, decoded or parsed (so their errors are reported as before, and the plan still knows it could
not analyse them).

Only the files that may bind a singleton or its class (the first rule), the scanned files and those
analysed with LibCST below are read in full: references, services, positions. Of the other files the
plan reads only what the last two rules name: the names a file binds and where they come from, its
``Annotated`` aliases and its routes' session parameters, which ``analyze.analyze_forms`` finds
without LibCST's scope analysis (mostly) and positions, the ``forms`` part of the facts.

Files whose facts the run holds already (a warm cache) are taken as they are: they cost nothing.
So are files whose ``forms`` part it holds, unless they name a singleton (their ``from`` imports,
all the first rule reads, are those of the full facts): those are sketched with ``ast`` then, and
read in full.
Every other file is left out: its facts cannot change a verdict or an edit. The cheap part reads
``ast`` trees, whose names Python normalises (NFKC); LibCST keeps them as written, so a file whose
code is not already normalised is analysed with LibCST, as are files in another encoding than UTF-8
(whose bytes would not show a name). docs/inject-session.md ("What a scan reads") has the one
difference left: a file LibCST cannot parse while Python can, that none of the rules keeps.
"""

from __future__ import annotations

import ast
import codecs
import io
import re
import tokenize
import unicodedata
import warnings
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from backfix.codemod import ProjectContext
from backfix.results import FileFacts
from backfix.source import SourceError, declared_encoding, decode_source

from .analyze import ROUTE_METHODS, is_session_param
from .model import FileData, Param

#: ``from <level dots><module> import <name> as <local>``: (local, level, module, name)
Bind = tuple[str, int, str, str]
#: the part of the facts (``InjectSession.analyze_part``) of the files the plan reads only for
#: session parameter forms, and the imports and aliases behind them
FORMS = "forms"
#: anything that could be a name in an annotation's or a default's code
_WORD = re.compile(r"[^\W\d]\w*")
#: what a session-like parameter's annotation or dependency contains (see analyze.is_session_param)
_SESSION_LIKE = re.compile(rb"Session|get_(?:async_)?(?:db|session)")
#: the line breaks of Python's tokenizer (``ast`` line numbers count these)
_NEWLINE = re.compile(r"\r\n|\r|\n")
#: encodings whose bytes spell a name as its UTF-8 encoding does
_UTF8 = frozenset({"utf-8", "utf-8-sig"})
#: token types whose text is not code (names can only be in the others)
_NOT_CODE = frozenset(
    {tokenize.STRING, tokenize.COMMENT, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
)


@dataclass(frozen=True)
class Relevant:
    """The project files the plan reads (see the module docstring), sorted, by what it reads."""

    #: files whose every fact the plan may read
    whole: list[str]
    #: files it reads only the ``forms`` part of
    forms: list[str]

    def __iter__(self) -> Iterator[str]:
        """Every file the plan reads."""
        return iter(sorted([*self.whole, *self.forms]))


@dataclass(frozen=True)
class Sketch:
    """What the closure needs of one file: its ``from`` imports and the names it follows from."""

    binds: tuple[Bind, ...] = ()
    #: names read by the annotations and defaults of parameters that may be sessions
    param_names: frozenset[str] = frozenset()
    #: names read by module-level ``X = Annotated[...]`` values
    alias_names: frozenset[str] = frozenset()
    #: a route has a parameter that may be a session (its file holds session forms)
    forms: bool = False


def _names(nodes: Iterable[ast.AST | None]) -> set[str]:
    return {
        found.id
        for node in nodes
        if node is not None
        for found in ast.walk(node)
        if isinstance(found, ast.Name)
    }


def _session_like_parts(
    node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[bytes]
) -> tuple[bool, list[ast.expr]]:
    """Whether a parameter may be a session (analyze.is_session_param), and the annotations and
    defaults of those that may.

    A parameter's code (comments and parentheses too) lies between its name and the start of the
    next parameter (or of the body); the plan only resolves names of session-like ones.
    """
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: dict[int, ast.expr | None] = dict.fromkeys(map(id, positional))
    if args.defaults:
        tail = positional[-len(args.defaults) :]
        defaults.update(zip(map(id, tail), args.defaults, strict=True))
    defaults.update(zip(map(id, args.kwonlyargs), args.kw_defaults, strict=True))
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    params = sorted((a for a in every if a is not None), key=lambda a: (a.lineno, a.col_offset))
    if not params:
        return False, []
    ends = [(p.lineno, p.col_offset) for p in params[1:]]
    ends.append((node.body[0].lineno, node.body[0].col_offset))
    found: list[ast.expr] = []
    any_found = False
    for param, end in zip(params, ends, strict=True):
        if _SESSION_LIKE.search(_between(lines, (param.lineno, param.col_offset), end)):
            any_found = True
            found.extend(e for e in (param.annotation, defaults.get(id(param))) if e is not None)
    return any_found, found


def _between(lines: list[bytes], start: tuple[int, int], end: tuple[int, int]) -> bytes:
    """The source from one ``ast`` position (line, UTF-8 byte column) to another."""
    if start[0] == end[0]:
        return lines[start[0] - 1][start[1] : end[1]]
    middle = lines[start[0] : end[0] - 1]
    return b"\n".join([lines[start[0] - 1][start[1] :], *middle, lines[end[0] - 1][: end[1]]])


def _is_route(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A decorator like ``@router.get(...)`` (see analyze._route_kind)."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in ROUTE_METHODS:
            return True
    return False


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones too; expressions hold no ``def`` and no import, so are skipped."""
    for stmt in body:
        yield stmt
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from _statements(inner)
        for part in [*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())]:
            yield from _statements(part.body)


def sketch_tree(tree: ast.Module, text: str) -> Sketch:
    """The sketch of a file from its ``ast`` tree: a superset of what its LibCST facts hold."""
    binds: list[Bind] = []
    params: set[str] = set()
    forms = False
    lines = [line.encode() for line in _NEWLINE.split(text)]
    for node in _statements(tree.body):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            binds.extend(
                (a.asname or a.name, node.level, module, a.name)
                for a in node.names
                if a.name != "*"
            )
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            session_like, parts = _session_like_parts(node, lines)
            params |= _names(parts)
            forms = forms or (session_like and _is_route(node))
    aliases = _names(
        stmt.value
        for stmt in tree.body
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Subscript)
    )
    return Sketch(tuple(binds), frozenset(params), frozenset(aliases), forms)


def _words(codes: Iterable[str]) -> frozenset[str]:
    return frozenset(word for code in codes for word in _WORD.findall(code))


def sketch_data(data: FileData) -> Sketch:
    """The sketch of a file from its LibCST facts: exactly what the plan reads of them."""
    params: list[Param] = [p for _, p in data.session_params]
    params += [p for r in data.references if r.function is not None for p in r.function.params]
    params = [p for p in params if is_session_param(p)]
    return Sketch(
        binds=tuple(
            (local, o.level, o.module, o.name) for local, o in data.origins if o.kind == "from"
        ),
        param_names=_words(code for p in params for code in (p.annotation, p.default)),
        alias_names=_words(code for _, code in data.aliases),
        forms=bool(data.session_params),
    )


def names_as_written(raw: bytes, text: str) -> bool:
    """Whether every name in the code is NFKC-normalised, so ``ast`` spells it as LibCST does."""
    if raw.isascii() or unicodedata.is_normalized("NFKC", text):
        return True
    try:
        return all(
            token.type in _NOT_CODE or unicodedata.is_normalized("NFKC", token.string)
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
        )
    except (tokenize.TokenError, SyntaxError):
        return False


def _ast_sketch(raw: bytes | None) -> Sketch | None:
    """The file's sketch from ``ast``; None when only LibCST's facts can tell (see the docstring)."""
    if raw is None:
        return None
    try:
        text = decode_source(raw)
    except SourceError:
        return None
    if codecs.lookup(declared_encoding(raw)).name not in _UTF8 or not names_as_written(raw, text):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return sketch_tree(tree, text)


def _read(project: ProjectContext, path: str) -> bytes | None:
    try:
        return project.read(path)
    except OSError:
        return None


class _Closure:
    """The files kept so far, with what is known of each (see the module docstring)."""

    def __init__(self, project: ProjectContext, files: list[str]) -> None:
        self.project = project
        self.files = set(files)
        self.sketches: dict[str, Sketch] = {}
        self.kept: set[str] = set()
        #: the kept files whose every fact the plan may read (the others: their forms part)
        self.whole: set[str] = set()

    def keep_whole(self, paths: Iterable[str]) -> None:
        """Keep ``paths``, read in full."""
        found = set(paths)
        self.kept |= found
        self.whole |= found

    def name_files(self, seeds: set[str], raws: Mapping[str, bytes]) -> None:
        """Keep every file naming one of ``seeds`` or of the names re-exports give them."""
        names = set(seeds)
        binds = [b for s in self.sketches.values() for b in s.binds]
        grown = True
        while grown:
            fresh = {local for local, _, _, name in binds if name in names} - names
            names |= fresh
            grown = bool(fresh)
        words = [n.encode() for n in sorted(names)]
        self.keep_whole(p for p, raw in raws.items() if any(w in raw for w in words))

    def follow_imports(self) -> None:
        """Keep the files the names of parameters and aliases are imported from, to a fixed point."""
        names: set[str] = set()
        size = -1
        while size != len(self.kept) + len(names):
            size = len(self.kept) + len(names)
            members = [self.sketches[p] for p in sorted(self.kept) if p in self.sketches]
            for sketch in members:
                names |= sketch.param_names | sketch.alias_names
            for path in sorted(self.kept):
                self._follow(path, names)
            self._shadowed()

    def _follow(self, path: str, names: set[str]) -> None:
        sketch = self.sketches.get(path)
        for local, level, module, name in sketch.binds if sketch is not None else ():
            if local not in names:
                continue
            names.add(name)
            target = self.project.resolve_import(path, level, module)
            if target is not None:
                self.kept.update(c for c in target.candidates if c in self.files)

    def _shadowed(self) -> None:
        """``pkg/mod.py`` with ``pkg/mod/__init__.py``: an import picks the first one analysed."""
        for path in list(self.kept):
            if path.endswith("__init__.py") and "/" in path:
                module = path.rsplit("/", 1)[0] + ".py"
                if module in self.files:
                    self.kept.add(module)


def _known_forms(closure: _Closure, paths: list[str]) -> dict[str, bytes]:
    """Keep the files whose ``forms`` part the run holds, sketched from it; their bytes."""
    raws: dict[str, bytes] = {}
    for path, fact in closure.project.known_facts(paths, FORMS).items():
        raw = _read(closure.project, path)
        if raw is not None and isinstance(fact.data, FileData):
            closure.sketches[path] = sketch_data(fact.data)
            closure.kept.add(path)
            raws[path] = raw
    return raws


def _sketch_again(closure: _Closure, paths: list[str], raws: Mapping[str, bytes]) -> None:
    """Sketch files kept whole whose sketch came from their ``forms`` part, as any file is."""
    with_libcst: list[str] = []
    for path in paths:
        sketch = _ast_sketch(raws[path])
        if sketch is None:
            with_libcst.append(path)
        else:
            closure.sketches[path] = sketch
    for path, fact in closure.project.facts_for_all(with_libcst).items():
        if isinstance(fact.data, FileData):
            closure.sketches[path] = sketch_data(fact.data)


def relevant_files(
    project: ProjectContext, files: list[str], scanned: Mapping[str, FileFacts]
) -> Relevant:
    """The project files outside ``scanned`` whose facts the plan of ``scanned`` needs.

    ``scanned`` are the facts the scan produced (the plan reads them as they are); the files left
    out cannot change a verdict, an edit or the errors the run reports, nor can the facts of the
    ``forms`` files that the plan does not read (see the module docstring).
    """
    closure = _Closure(project, files)
    seeds: set[str] = set()
    for path, fact in scanned.items():
        if isinstance(fact.data, FileData):
            closure.sketches[path] = sketch_data(fact.data)
            closure.keep_whole([path])
            for singleton in fact.data.singletons:
                seeds |= {singleton.name, singleton.class_name}
    # Facts the run holds already (a warm cache) cost nothing: take them as they are.
    for path, fact in project.known_facts(p for p in files if p not in scanned).items():
        if isinstance(fact.data, FileData):
            closure.sketches[path] = sketch_data(fact.data)
            closure.keep_whole([path])
    raws = _known_forms(closure, [p for p in files if p not in scanned and p not in closure.kept])
    known_forms = set(raws)
    with_libcst: list[str] = []
    for path in files:
        if path in scanned or path in closure.kept:
            continue
        raw = _read(project, path)
        sketch = _ast_sketch(raw)
        if raw is None or sketch is None:
            with_libcst.append(path)
            continue
        closure.sketches[path] = sketch
        raws[path] = raw
        if sketch.forms:
            closure.kept.add(path)
    closure.keep_whole(with_libcst)
    for path, fact in project.facts_for_all(with_libcst).items():
        if isinstance(fact.data, FileData):
            closure.sketches[path] = sketch_data(fact.data)
    closure.name_files(seeds, raws)
    _sketch_again(closure, sorted(known_forms & closure.whole), raws)
    closure.follow_imports()
    kept = sorted(p for p in closure.kept if p in closure.files and p not in scanned)
    return Relevant(
        whole=[p for p in kept if p in closure.whole],
        forms=[p for p in kept if p not in closure.whole],
    )


def keep_order(
    files: Collection[str], analysed: Mapping[str, FileFacts], scanned: Mapping[str, FileFacts]
) -> dict[str, FileFacts]:
    """The facts of project files in path order, as analysing every file would list them."""
    found: dict[str, FileFacts] = {}
    for path in sorted(set(files)):
        fact = analysed.get(path)
        if fact is None:
            fact = scanned.get(path)
        if fact is not None:
            found[path] = fact
    return found
