"""One Python source file: its bytes, and lazily its LibCST and `ast` trees and LibCST metadata.

Parsing is the expensive part of every run, so each tree is built at most once per file and only when a
codemod asks for it; several codemods analysing the same file share the trees, and share the metadata
(scopes, qualified names, parents, positions) resolved over the LibCST tree through
:attr:`SourceFile.metadata`.
"""

from __future__ import annotations

import ast
import codecs
import os
import re
import sys
import warnings
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper

from backfix.continuations import blank_continuations
from backfix.cst_parse import parse_module

_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


class SourceError(Exception):
    """A file that cannot be decoded or parsed; carries the position for the report."""

    def __init__(self, kind: str, message: str, line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line
        self.col = col


def declared_encoding(raw: bytes) -> str:
    """The encoding Python would use for ``raw``: BOM, then a PEP 263 cookie, else UTF-8."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for line in raw.split(b"\n", 2)[:2]:
        match = _CODING_RE.match(line)
        if match:
            return match.group(1).decode("ascii", "replace")
    return "utf-8"


def decode_source(raw: bytes) -> str:
    """Decode ``raw`` as Python source, raising SourceError with the line of the first bad byte."""
    encoding = declared_encoding(raw)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise SourceError("decode-error", f"unknown encoding {encoding!r}", 1, 0) from None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1)
        raise SourceError(
            "decode-error", f"cannot decode as {encoding}: {exc.reason}", line, col
        ) from None


@dataclass
class SourceFile:
    """A file under analysis. ``path`` is repository-relative (POSIX), ``abs_path`` is on disk."""

    path: str
    abs_path: str
    raw: bytes
    exists: bool = True
    _text: str | None = field(default=None, repr=False)
    _cst: cst.Module | None = field(default=None, repr=False)
    _metadata: MetadataWrapper | None = field(default=None, repr=False)
    _ast: ast.Module | None = field(default=None, repr=False)
    _ast_failed: bool = field(default=False, repr=False)
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        """The decoded source."""
        if self._text is None:
            self._text = decode_source(self.raw)
        return self._text

    @property
    def module(self) -> cst.Module:
        """The LibCST tree (parsed once)."""
        if self._cst is None:
            self._cst = parse_cst(self.raw)
        return self._cst

    @property
    def metadata(self) -> MetadataWrapper:
        """A metadata wrapper over :attr:`module` itself, shared by every codemod analysing the file.

        Each provider (``ScopeProvider``, ``PositionProvider``...) is resolved at most once per file,
        whichever codemod asks first: use ``source.metadata.resolve(P)`` or
        ``source.metadata.visit(visitor)`` instead of building a ``MetadataWrapper`` of your own.
        The wrapper does not copy the tree, so its nodes are the nodes of :attr:`module`.
        """
        if self._metadata is None:
            # No copy: the tree comes from the parser, so no node appears twice in it.
            self._metadata = MetadataWrapper(self.module, unsafe_skip_copy=True)
        return self._metadata

    @property
    def has_module(self) -> bool:
        """True once the LibCST tree has been built (another codemod already paid for it)."""
        return self._cst is not None

    @property
    def parsed(self) -> bool:
        """True once either tree has been built (for the run's statistics)."""
        return self._cst is not None or self._ast is not None

    def ast_module(self) -> ast.Module | None:
        """The `ast` tree, or None when this interpreter's grammar cannot parse the file.

        `ast` is ~10x faster than LibCST, so detection uses it where it is exact; a file written for a
        newer Python than the one running falls back to LibCST.
        """
        if self._ast is None and not self._ast_failed:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self._ast = ast.parse(self.text, self.path)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._ast_failed = True
        return self._ast

    def char_column(self, line: int, byte_column: int) -> int:
        """The column in characters (as LibCST counts) of an `ast` column, which counts UTF-8 bytes."""
        if byte_column == 0 or self.text.isascii():
            return byte_column
        if self._lines is None:
            self._lines = _NEWLINE_RE.split(self.text)
        return len(self._lines[line - 1].encode()[:byte_column].decode(errors="replace"))


#: the line breaks of Python's tokenizer (not str.splitlines', which also breaks at form feeds)
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")


def parse_cst(raw: bytes) -> cst.Module:
    """Parse bytes with LibCST, turning every failure into a SourceError with a position.

    Backslash-only lines before a statement are parsed as blank lines, so LibCST's lines are the
    file's (see :mod:`backfix.continuations`)."""
    decode_source(raw)
    try:
        return parse_module(blank_continuations(raw))
    except cst.ParserSyntaxError as exc:
        if python_parses(raw):
            raise SourceError(
                "unsupported-syntax",
                f"valid Python that LibCST cannot parse, so it cannot be rewritten: {exc.message}",
                exc.raw_line,
                exc.raw_column,
            ) from None
        line, col = _python_error_position(raw) or (exc.raw_line, exc.raw_column)
        raise SourceError("syntax-error", f"syntax error: {exc.message}", line, col) from None
    except SyntaxError as exc:
        raise SourceError(
            "syntax-error", f"syntax error: {exc.msg}", exc.lineno or 0, (exc.offset or 1) - 1
        ) from None
    except RecursionError:
        raise SourceError("too-deep", "too deeply nested for LibCST to parse", 0, 0) from None


def python_parses(raw: bytes) -> bool:
    """True when this interpreter's own parser accepts ``raw``."""
    return python_tree(raw) is not None


def python_tree(raw: bytes) -> ast.Module | None:
    """`ast` of ``raw``, None when this interpreter's own parser rejects it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(raw)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _python_error_position(raw: bytes) -> tuple[int, int] | None:
    """Where CPython's own parser fails; LibCST's tokenizer errors often point at line 1."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(raw, "<source>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        if exc.lineno:
            return exc.lineno, max((exc.offset or 1) - 1, 0)
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


#: CPython's own limits: a file that hits one does not compile on any interpreter, newer or not.
_LIMIT_MESSAGES = (
    "too many nested",
    "too many statically nested",
    "too many levels",
    "too complex",
)


@dataclass(frozen=True)
class OutputProblem:
    """Why a rewrite must not be written: ``kind`` for the report, ``message`` for the user."""

    kind: str
    message: str


def verify_output(path: str, before: bytes, after: bytes) -> OutputProblem | None:
    """Why ``after`` must not be written (it does not parse or compile), or None when it is fine.

    ``compile`` parses with CPython's own parser and compiles, about ten times faster than a LibCST
    re-parse. When the original does not compile under this interpreter because its grammar is newer,
    the output is re-parsed with LibCST instead, so such code is not reported as broken by us. A new
    file (a service module, no original) holds code moved from files of the project: when this
    interpreter's parser rejects it and LibCST knows a newer grammar than this interpreter
    (`except A, B:` of Python 3.14 moved by a backfix running on 3.11), LibCST is the judge too;
    errors only the compiler finds (`return` outside a function) are still reported. When
    the original hits one of CPython's limits (nesting depth), no interpreter can run the output
    either, so nothing is written.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarnings of the user's code are not ours to print
        try:
            compile(after, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            limit = _compile_limit(before) if before else None
            if limit is not None:
                return OutputProblem(
                    "uncompilable",
                    f"CPython cannot compile this file ({limit}), so a rewrite could not be "
                    "checked and was not written",
                )
            if (before and not _compiles(before)) or (not before and _newer_grammar(after)):
                # Newer grammar than this interpreter's: LibCST is the judge.
                problem = _libcst_problem(after)
                return OutputProblem("codemod-bug", problem) if problem else None
            return OutputProblem("codemod-bug", f"output does not compile: {_describe(exc)}")
    return None


def _newer_grammar(raw: bytes) -> bool:
    """True when this interpreter's parser rejects ``raw`` and LibCST knows a newer grammar."""
    return _LIBCST_GRAMMAR_IS_NEWER and not python_parses(raw)


def _libcst_newest() -> tuple[int, ...]:
    return max(tuple(int(part) for part in v.split(".")) for v in cst.KNOWN_PYTHON_VERSION_STRINGS)


#: LibCST parses grammar this interpreter does not (Python 3.14's `except A, B:` on 3.11).
_LIBCST_GRAMMAR_IS_NEWER = _libcst_newest() > sys.version_info[:2]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "too deeply nested"
    if isinstance(exc, MemoryError):
        return "out of memory"
    return str(exc)


def _compiles(raw: bytes) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(raw, "<source>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def _compile_limit(raw: bytes) -> str | None:
    """The CPython limit ``raw`` hits when compiled ("too many nested parentheses"), if any."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(raw, "<source>", "exec", dont_inherit=True)
        except (RecursionError, MemoryError) as exc:
            return _describe(exc)
        except SyntaxError as exc:
            message = str(exc.msg)
            if any(limit in message for limit in _LIMIT_MESSAGES):
                return message
        except ValueError:
            return None
    return None


def round_trip_loss(raw: bytes, module: cst.Module) -> tuple[int, int] | None:
    """Where LibCST's print of ``module`` first differs from ``raw`` (1-based line and column).

    LibCST drops a few things it cannot represent (a comment indented deeper than the next
    statement, a space before some colons, mixed line endings); writing such a file would lose them.
    """
    printed = module.bytes
    if printed == raw:
        return None
    # Character-wise on purpose: the common prefix of two byte strings, not of two paths.
    index = len(os.path.commonprefix([raw, printed]))  # noqa: RUF071
    line_start = raw.rfind(b"\n", 0, index) + 1
    return raw.count(b"\n", 0, index) + 1, index - line_start + 1


def _libcst_problem(after: bytes) -> str | None:
    try:
        cst.parse_module(after)
    except Exception as exc:  # any parser failure means the output is unusable
        return f"output does not parse: {exc}"
    return None
