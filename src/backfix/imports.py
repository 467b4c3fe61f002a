"""Add imports to a LibCST module where isort/ruff's ``I`` rules (default profile) would put them.

A ``from m import a`` joins an existing ``from m import ...`` (names kept in isort's order: constants,
classes, then the rest, case-insensitively; or by name alone where the existing names follow that
order and not the other, as ruff's ``order-by-type = false`` writes them); anything else becomes a new statement, sorted into its
section (future, standard library, third party, first party, local folder) inside the module's
leading import block. The block starts after the docstring; optional-import ``try``/``if`` blocks
and module dunders (``__all__ = ...``) belong to it but are never split or reordered.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.helpers import get_full_name_for_node

from backfix.cst_utils import single_assignment, split_blank_lines
from backfix.format_settings import PRAGMA_COMMENT, line_length_for

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL_FOLDER = range(5)

Root = str | Path | None


@dataclass(frozen=True)
class ImportSpec:
    """One imported name: ``import module`` (``name`` None) or ``from module import name``.

    ``module`` is dotted and keeps the leading dots of a relative import (``..models``).
    """

    module: str
    name: str | None = None
    asname: str | None = None

    @property
    def level(self) -> int:
        """How many leading dots the module has (0 for an absolute import)."""
        return len(self.module) - len(self.module.lstrip("."))


def parse_imports(code: str) -> list[ImportSpec]:
    """Every name imported by the import statements in ``code`` (``"from a import b, c as d"``)."""
    specs: list[ImportSpec] = []
    for stmt in cst.parse_module(code).body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            raise ValueError(f"not an import statement: {code!r}")
        for small in stmt.body:
            if not isinstance(small, (cst.Import, cst.ImportFrom)):
                raise ValueError(f"not an import statement: {code!r}")
            specs.extend(_specs_of(small))
    return specs


def project_root(abs_path: str | Path, rel_path: str) -> Path:
    """The project root of a file given its absolute and its root-relative path."""
    path = Path(abs_path)
    for _ in Path(rel_path).parts:
        path = path.parent
    return path


def section_of(module: str, root: Root = None, first_party: Collection[str] = ()) -> int:
    """isort's section of ``module``: relative imports are local-folder; top-level packages in
    ``first_party`` or found in ``root`` (or ``root/src``) first party; ``sys.stdlib_module_names``
    stdlib; anything else third party."""
    if module.startswith("."):
        return LOCAL_FOLDER
    top = module.split(".")[0]
    if top == "__future__":
        return FUTURE
    if top in sys.stdlib_module_names:
        return STDLIB
    if top in first_party:
        return FIRST_PARTY
    if root is not None and top not in _known_third_party(str(root)):
        for base in (Path(root), Path(root, "src")):
            if (base / top).is_dir() or (base / f"{top}.py").is_file():
                return FIRST_PARTY
    return THIRD_PARTY


def is_imported(
    module: cst.Module, from_module: str, name: str | None = None, asname: str | None = None
) -> bool:
    """True when a top-level, unconditional import statement binds exactly this import.

    ``name`` None asks about ``import from_module``. Imports under ``if``/``try`` do not count:
    a ``TYPE_CHECKING`` import is not there at run time.
    """
    wanted = ImportSpec(from_module, name, asname)
    return any(wanted in _specs_of(small) for small in _top_level_imports(module))


def import_block_end(module: cst.Module) -> int:
    """Index just after the docstring and the module's leading import block.

    Optional-import blocks (``try: import x`` / ``if TYPE_CHECKING:``) and module dunders
    (``__all__ = ...``, which pycodestyle allows above imports) belong to the block, so code added
    after it never lands between imports (which would make every later import an E402).
    """
    return _header(module)[0]


def add_import(
    module: cst.Module,
    from_module: str,
    name: str | None = None,
    *,
    asname: str | None = None,
    root: Root = None,
    first_party: Collection[str] = (),
    line_length: int | None = None,
) -> cst.Module:
    """``module`` with ``from from_module import name`` (or ``import from_module``) added.

    ``root`` and ``first_party`` (top-level package names, e.g. of modules not written yet) tell
    first-party imports from third-party ones. An import longer than ``line_length`` (default: the
    project's, from its ruff or black configuration at ``root``) is wrapped as ruff wraps it.
    """
    spec = ImportSpec(from_module, name, asname)
    return add_imports(module, [spec], root=root, first_party=first_party, line_length=line_length)


def add_imports(
    module: cst.Module,
    imports: Iterable[str | ImportSpec],
    *,
    root: Root = None,
    first_party: Collection[str] = (),
    line_length: int | None = None,
) -> cst.Module:
    """``module`` with every import added that it lacks; strings are import statements' code.

    ``root``, ``first_party`` and ``line_length`` work as for :func:`add_import`.
    """
    sections = _Sections(root, first_party)
    if line_length is None:
        line_length = line_length_for(root)
    single = _isort_setting(root, "force-single-line", False) or one_name_per_line(module)
    for group in _groups(_flatten(imports)):
        missing = [spec for spec in group if not is_imported(module, *_spec_tuple(spec))]
        if not missing:
            continue
        if single:
            for spec in missing:
                module = _insert(module, [spec], sections, line_length)
            continue
        merged = _merge(
            module,
            missing,
            line_length,
            _isort_setting(root, "order-by-type", True),
            _isort_setting(root, "combine-as-imports", False),
        )
        module = merged if merged is not None else _insert(module, missing, sections, line_length)
    return module


def one_name_per_line(module: cst.Module) -> bool:
    """Whether ``module`` imports one name per ``from`` statement, as isort's
    ``force_single_line`` writes them: most statements import one name, and two of them, one
    right below the other, import from the same module (``from sqlalchemy import Column``, then
    ``from sqlalchemy import Integer``), which isort's default would have joined. An import
    ``as`` another name is no sign: isort's default keeps it apart (``from db import get``, then
    ``from db import find as find_db``)."""
    single = several = 0
    adjacent = False
    previous = ""
    for stmt in module.body:
        node = _single_import(stmt)
        if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
            previous = ""
            continue
        source = _from_module(node)
        if len(node.names) > 1:
            several += 1
            previous = ""
            continue
        single += 1
        if node.names[0].asname is not None:
            previous = ""
            continue
        assert isinstance(stmt, cst.SimpleStatementLine)
        adjacent = adjacent or (source == previous and not stmt.leading_lines)
        previous = source
    return adjacent and single > several


def format_imports(
    imports: Iterable[str | ImportSpec],
    *,
    root: Root = None,
    first_party: Collection[str] = (),
    line_length: int | None = None,
) -> list[str]:
    """The lines of a sorted import block for ``imports``, ``""`` between sections."""
    module = add_imports(
        cst.Module(body=[]),
        imports,
        root=root,
        first_party=first_party,
        line_length=line_length,
    )
    return module.code.splitlines() if module.body else []


# --- reading imports ---------------------------------------------------------------------------------


def _spec_tuple(spec: ImportSpec) -> tuple[str, str | None, str | None]:
    return spec.module, spec.name, spec.asname


def _dotted(node: cst.BaseExpression) -> str:
    return get_full_name_for_node(node) or ""


def _asname(alias: cst.ImportAlias) -> str | None:
    if alias.asname is None:
        return None
    return _dotted(alias.asname.name) or None


def _from_module(node: cst.ImportFrom) -> str:
    dots = "." * len(node.relative)
    return dots + (_dotted(node.module) if node.module is not None else "")


def _specs_of(node: cst.Import | cst.ImportFrom) -> list[ImportSpec]:
    if isinstance(node, cst.Import):
        return [ImportSpec(_dotted(alias.name), None, _asname(alias)) for alias in node.names]
    if isinstance(node.names, cst.ImportStar):
        return [ImportSpec(_from_module(node), "*")]
    module = _from_module(node)
    return [ImportSpec(module, _dotted(alias.name), _asname(alias)) for alias in node.names]


def _single_import(stmt: cst.BaseStatement) -> cst.Import | cst.ImportFrom | None:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        small = stmt.body[0]
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            return small
    return None


def _top_level_imports(module: cst.Module) -> Iterable[cst.Import | cst.ImportFrom]:
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    yield small


def _flatten(imports: Iterable[str | ImportSpec]) -> list[ImportSpec]:
    specs: list[ImportSpec] = []
    for item in imports:
        for spec in parse_imports(item) if isinstance(item, str) else [item]:
            if spec not in specs:
                specs.append(spec)
    return specs


def _groups(specs: Sequence[ImportSpec]) -> list[list[ImportSpec]]:
    """One group per statement to write: plain ``from`` names of a module together, ``import x``
    and aliased names alone (isort's default does not combine ``as`` imports)."""
    groups: list[list[ImportSpec]] = []
    plain: dict[str, list[ImportSpec]] = {}
    for spec in specs:
        if spec.name is None or spec.asname is not None or spec.name == "*":
            groups.append([spec])
        elif spec.module in plain:
            plain[spec.module].append(spec)
        else:
            plain[spec.module] = [spec]
            groups.append(plain[spec.module])
    return groups


# --- the import block --------------------------------------------------------------------------------


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        small = stmt.body[0]
        return isinstance(small, cst.Expr) and isinstance(
            small.value, (cst.SimpleString, cst.ConcatenatedString)
        )
    return False


def _is_import_line(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in stmt.body
    )


def _is_dunder_assignment(stmt: cst.BaseStatement) -> bool:
    assignment = single_assignment(stmt)
    if assignment is None:
        return False
    target = assignment[0]
    return (
        isinstance(target, cst.Name)
        and len(target.value) > 4
        and target.value.startswith("__")
        and target.value.endswith("__")
    )


def _is_import_block(stmt: cst.BaseStatement) -> bool:
    """A ``try``/``if`` made only of imports and fallbacks (optional imports, ``TYPE_CHECKING``)."""
    if isinstance(stmt, cst.SimpleStatementLine):
        return all(
            isinstance(small, (cst.Import, cst.ImportFrom, cst.Pass, cst.Assign))
            for small in stmt.body
        )
    suites: list[cst.BaseSuite] = []
    if isinstance(stmt, cst.Try):
        suites = [stmt.body, *(h.body for h in stmt.handlers)]
        suites += [part.body for part in (stmt.orelse, stmt.finalbody) if part is not None]
    elif isinstance(stmt, cst.If):
        branch: cst.If | cst.Else | None = stmt
        while isinstance(branch, cst.If):
            suites.append(branch.body)
            branch = branch.orelse
        if branch is not None:
            suites.append(branch.body)
    else:
        return False
    return all(
        isinstance(suite, cst.IndentedBlock) and all(_is_import_block(s) for s in suite.body)
        for suite in suites
    )


def _header(module: cst.Module) -> tuple[int, list[list[int]], int]:
    """The block's end index, its runs (indices of consecutive one-import lines, the unit that
    isort sorts: anything else between imports separates runs), and the index new imports go at
    or below. A trailing optional-import block does not extend the end: code added after the
    imports goes above it.

    Code between imports is set-up the imports below it wait for (``os.environ[...] = ...``,
    ``sys.path.insert(...)``): the block goes on past it, and a new import goes below it, as the
    module's own later imports do, never where it would run before it."""
    end = 0
    runs: list[list[int]] = []
    current: list[int] = []
    below = 0
    last_import = _last_import(module.body)
    for index, stmt in enumerate(module.body):
        if _single_import(stmt) is not None:
            current.append(index)
            end = index + 1
            continue
        if current:
            runs.append(current)
            current = []
        if (
            (index == 0 and _is_docstring(stmt))
            or _is_import_line(stmt)
            or _is_dunder_assignment(stmt)
        ):
            end = index + 1
        elif index < last_import and isinstance(stmt, cst.SimpleStatementLine):
            below = end = index + 1
        elif isinstance(stmt, cst.SimpleStatementLine) or not _is_import_block(stmt):
            break
    if current:
        runs.append(current)
    return end, runs, below


def _last_import(body: Sequence[cst.BaseStatement]) -> int:
    """The index of the last import of the module's top, above its first definition or other
    compound statement (optional-import blocks aside); -1 where there is none."""
    last = -1
    for index, stmt in enumerate(body):
        if _single_import(stmt) is not None or _is_import_line(stmt):
            last = index
        elif not (isinstance(stmt, cst.SimpleStatementLine) or _is_import_block(stmt)):
            break
    return last


# --- ordering ------------------------------------------------------------------------------------------


def _natural(text: str) -> tuple[str | int, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def _name_key(name: str) -> tuple[int, tuple[str | int, ...], str]:
    """isort's ``order_by_type``: CONSTANTS, then Classes, then everything else."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, _natural(name.lower()), name


def _plain_key(name: str) -> tuple[int, tuple[str | int, ...], str]:
    """isort without ``order_by_type`` (ruff's ``order-by-type = false``): by name alone."""
    return 0, _natural(name.lower()), name


def _order_of(
    names: Sequence[str], by_type: bool = True
) -> Callable[[str], tuple[int, tuple[str | int, ...], str]]:
    """The order the names of an existing import follow: by type, then name (isort's default),
    or by name alone (``order-by-type = false``); where the names fit both or neither, the
    project's setting (``by_type``) decides."""
    typed = [_name_key(n) for n in names] == sorted(map(_name_key, names))
    plain = [_plain_key(n) for n in names] == sorted(map(_plain_key, names))
    if typed != plain:
        return _name_key if typed else _plain_key
    return _name_key if by_type else _plain_key


def _isort_setting(root: Root, key: str, default: bool) -> bool:
    """A yes/no isort setting (``order-by-type``, ``combine-as-imports``) of the ruff or isort
    configuration at ``root``."""
    value = _isort_value(root, key)
    return value if isinstance(value, bool) else default


@functools.cache
def _isort_value(root: Root, key: str) -> object:
    """The isort setting ``key`` (``lines-between-types``, or ``lines_between_types`` as isort
    spells it) of the ruff or isort configuration at ``root``; None where it is not set."""
    if root is None:
        return None
    config = next((Path(root, n) for n in _CONFIG_FILES if Path(root, n).is_file()), None)
    for table in _isort_tables(config) if config is not None else []:
        value = table.get(key, table.get(key.replace("-", "_")))
        if value is not None:
            return value
    return None


def sort_names(node: cst.ImportFrom) -> cst.ImportFrom:
    """``node`` with its names in isort's order (what ruff's ``I001`` checks); each separator, and
    a trailing comma, stays in its place. Unchanged when a separator holds a comment, which
    belongs to the name before it."""
    names = node.names
    if isinstance(names, cst.ImportStar):
        return node
    empty = cst.Module(body=[])
    if any("#" in empty.code_for_node(alias) for alias in names):
        return node
    ordered = sorted(names, key=lambda alias: _name_key(_dotted(alias.name)))
    return node.with_changes(
        names=[new.with_changes(comma=old.comma) for new, old in zip(ordered, names, strict=True)]
    )


def names_sorted(node: cst.ImportFrom) -> bool:
    """Whether ``node``'s names are in isort's order."""
    if isinstance(node.names, cst.ImportStar):
        return True
    keys = [_name_key(_dotted(alias.name)) for alias in node.names]
    return keys == sorted(keys)


StatementKey = tuple[int, int, int, tuple[str | int, ...], str, tuple[object, ...]]


@dataclass(frozen=True)
class _Sections:
    root: Root
    first_party: Collection[str]

    def of(self, module: str) -> int:
        return section_of(module, self.root, self.first_party)


def _key(spec: ImportSpec, sections: _Sections) -> StatementKey:
    """Where a statement starting with ``spec`` sorts: section, ``import`` before ``from``, then
    the furthest relative level first, then the module, then its first name."""
    bare = spec.module.lstrip(".")
    kind = 0 if spec.name is None else 1
    first = (*_name_key(spec.name), spec.asname or "") if spec.name else ()
    return (
        sections.of(spec.module),
        kind,
        -spec.level,
        _natural(bare.lower()),
        bare,
        first,
    )


# --- merging into an existing `from m import ...` -----------------------------------------------------


def _merge(
    module: cst.Module,
    specs: Sequence[ImportSpec],
    line_length: int,
    by_type: bool = True,
    combine_as: bool = False,
) -> cst.Module | None:
    """``module`` with ``specs`` (plain names of one module) added to an import of that module
    (``by_type``: the project's isort orders names by type, as by default; ``combine_as``: it
    keeps ``as`` names in the same statement, ruff's ``combine-as-imports``)."""
    spec = specs[0]
    if spec.name is None or spec.asname is not None or spec.name == "*":
        return None
    _end, runs, _below = _header(module)
    for index in (i for run in runs for i in run):
        stmt = module.body[index]
        node = _single_import(stmt)
        if (
            not isinstance(node, cst.ImportFrom)
            or isinstance(node.names, cst.ImportStar)
            or _from_module(node) != spec.module
            or (not combine_as and any(alias.asname is not None for alias in node.names))
        ):
            continue
        names = list(node.names)
        order = _order_of([_dotted(alias.name) for alias in names], by_type)
        for new in specs:
            assert new.name is not None
            key = order(new.name)
            at = next(
                (i for i, alias in enumerate(names) if order(_dotted(alias.name)) > key),
                len(names),
            )
            names.insert(at, cst.ImportAlias(name=cst.Name(new.name)))
        assert isinstance(stmt, cst.SimpleStatementLine)
        line = _with_names(node, names, line_length, stmt)
        body = list(module.body)
        body[index] = line
        return module.with_changes(body=body)
    return None


def _with_names(
    node: cst.ImportFrom,
    names: list[cst.ImportAlias],
    line_length: int,
    line: cst.SimpleStatementLine,
) -> cst.SimpleStatementLine:
    """``line`` with ``node`` importing ``names``: new aliases take the layout of the statement."""
    if node.lpar is not None and isinstance(
        node.lpar.whitespace_after, cst.ParenthesizedWhitespace
    ):
        return line.with_changes(body=[_multiline_insert(node, names)])
    if _continued(node):
        inserted = line.with_changes(body=[_inline_insert(node, names)])
        if _fits(inserted, line_length):
            return inserted
    flat = [
        alias.with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            if i < len(names) - 1
            else cst.MaybeSentinel.DEFAULT
        )
        for i, alias in enumerate(names)
    ]
    new = node.with_changes(names=flat)
    comment = line.trailing_whitespace.comment
    # Like ruff's isort, a pragma comment (noqa, type: ignore) does not count towards the width.
    measured = line.with_changes(body=[new])
    if comment is not None and PRAGMA_COMMENT.match(comment.value):
        measured = measured.with_changes(trailing_whitespace=cst.TrailingWhitespace())
    if len(cst.Module([]).code_for_node(measured).rstrip("\n")) <= line_length:
        return line.with_changes(body=[new])
    wrapped = _wrapped(new)
    if comment is None:
        return line.with_changes(body=[wrapped])
    return line.with_changes(
        body=[_keep_comment(wrapped, comment, _only_name(node))],
        trailing_whitespace=cst.TrailingWhitespace(),
    )


def _continued(node: cst.ImportFrom) -> bool:
    """Parenthesized names that start on the ``from`` line and go on below it (``from x import (a,
    b,`` then ``c)`` aligned under ``a``): the layout ruff and black do not write, kept by
    :func:`_inline_insert`."""
    if node.lpar is None or isinstance(node.names, cst.ImportStar):
        return False
    return any(
        isinstance(alias.comma, cst.Comma)
        and isinstance(alias.comma.whitespace_after, cst.ParenthesizedWhitespace)
        for alias in node.names
    )


def _inline_insert(node: cst.ImportFrom, names: list[cst.ImportAlias]) -> cst.ImportFrom:
    """``node`` importing ``names``: each new name after the one before it (``a, new, b``), every
    line break where it was."""
    assert not isinstance(node.names, cst.ImportStar)
    originals = {id(alias) for alias in node.names}
    old_last = node.names[-1]
    space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    result: list[cst.ImportAlias] = []
    for i, alias in enumerate(names):
        is_last = i == len(names) - 1
        if id(alias) in originals:
            # the old last name is followed by a new one now
            result.append(
                alias if alias is not old_last or is_last else alias.with_changes(comma=space)
            )
        else:
            result.append(alias.with_changes(comma=old_last.comma if is_last else space))
    return node.with_changes(names=result)


def _fits(line: cst.SimpleStatementLine, line_length: int) -> bool:
    """Whether every line of ``line``'s code is at most ``line_length`` long."""
    code = cst.Module([]).code_for_node(line)
    return all(len(text) <= line_length for text in code.splitlines())


def _only_name(node: cst.ImportFrom) -> str | None:
    if isinstance(node.names, cst.ImportStar) or len(node.names) != 1:
        return None
    return _dotted(node.names[0].name)


def _keep_comment(node: cst.ImportFrom, comment: cst.Comment, name: str | None) -> cst.ImportFrom:
    """``node`` (wrapped) with the trailing comment of its one-line form where ruff's isort puts it,
    so a ``# noqa`` still governs the names it did: after ``name`` when the statement imported only
    that name, else after the opening parenthesis (ruff reads it there for the whole statement)."""
    assert node.lpar is not None and not isinstance(node.names, cst.ImportStar)
    line = cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=comment)
    names = list(node.names)
    for i, alias in enumerate(names):
        if name is not None and _dotted(alias.name) == name and isinstance(alias.comma, cst.Comma):
            space = alias.comma.whitespace_after
            assert isinstance(space, cst.ParenthesizedWhitespace)
            comma = alias.comma.with_changes(whitespace_after=space.with_changes(first_line=line))
            names[i] = alias.with_changes(comma=comma)
            return node.with_changes(names=names)
    opening = node.lpar.whitespace_after
    assert isinstance(opening, cst.ParenthesizedWhitespace)
    return node.with_changes(
        lpar=node.lpar.with_changes(whitespace_after=opening.with_changes(first_line=line))
    )


def _between(indent: str) -> cst.Comma:
    return cst.Comma(
        whitespace_after=cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(),
            empty_lines=[],
            indent=True,
            last_line=cst.SimpleWhitespace(indent),
        )
    )


def _wrapped(node: cst.ImportFrom) -> cst.ImportFrom:
    """One name per line in parentheses with a trailing comma, as ruff wraps a long import."""
    assert not isinstance(node.names, cst.ImportStar)
    names = [alias.with_changes(comma=_between("    ")) for alias in node.names]
    names[-1] = names[-1].with_changes(comma=_between(""))
    opening = _between("    ").whitespace_after
    return node.with_changes(
        names=names,
        lpar=cst.LeftParen(whitespace_after=opening),
        rpar=cst.RightParen(),
    )


def _multiline_insert(node: cst.ImportFrom, names: list[cst.ImportAlias]) -> cst.ImportFrom:
    assert node.lpar is not None and not isinstance(node.names, cst.ImportStar)
    opening = node.lpar.whitespace_after
    assert isinstance(opening, cst.ParenthesizedWhitespace)
    indent = opening.last_line.value
    originals = {id(alias) for alias in node.names}
    old_last = node.names[-1]
    rpar = node.rpar
    assert rpar is not None
    rpar_space = rpar.whitespace_before
    result: list[cst.ImportAlias] = []
    for i, alias in enumerate(names):
        is_last = i == len(names) - 1
        if id(alias) not in originals:
            if not is_last:
                result.append(alias.with_changes(comma=_between(indent)))
            elif isinstance(old_last.comma, cst.Comma):
                # The new last name closes the list the way the old last one did.
                closing = old_last.comma.whitespace_after
                if isinstance(closing, cst.ParenthesizedWhitespace):
                    closing = closing.with_changes(first_line=cst.TrailingWhitespace())
                result.append(alias.with_changes(comma=cst.Comma(whitespace_after=closing)))
            else:
                result.append(alias)
        elif alias is old_last and not is_last:
            comma = old_last.comma
            closing = comma.whitespace_after if isinstance(comma, cst.Comma) else rpar_space
            if isinstance(closing, cst.ParenthesizedWhitespace):
                # A comment after the old last name stays on its line.
                ws = closing.with_changes(last_line=cst.SimpleWhitespace(indent))
                result.append(alias.with_changes(comma=cst.Comma(whitespace_after=ws)))
                if not isinstance(comma, cst.Comma):
                    rpar = rpar.with_changes(
                        whitespace_before=closing.with_changes(first_line=cst.TrailingWhitespace())
                    )
            else:
                result.append(alias.with_changes(comma=_between(indent)))
        else:
            result.append(alias)
    return node.with_changes(names=result, rpar=rpar)


# --- inserting a new statement -------------------------------------------------------------------------


def _statement(specs: Sequence[ImportSpec], line_length: int) -> cst.SimpleStatementLine:
    spec = specs[0]
    if spec.name is None:
        alias = f" as {spec.asname}" if spec.asname else ""
        code = f"import {spec.module}{alias}\n"
    else:
        names = sorted(
            (s for s in specs if s.name is not None), key=lambda s: _name_key(s.name or "")
        )
        listed = ", ".join(f"{s.name} as {s.asname}" if s.asname else f"{s.name}" for s in names)
        code = f"from {spec.module} import {listed}\n"
    line = cst.parse_statement(code)
    assert isinstance(line, cst.SimpleStatementLine)
    node = line.body[0]
    if isinstance(node, cst.ImportFrom) and len(code) - 1 > line_length:
        line = line.with_changes(body=[_wrapped(node)])
    return line


def _spec_of_statement(stmt: cst.BaseStatement) -> ImportSpec:
    node = _single_import(stmt)
    assert node is not None
    return _specs_of(node)[0]


def detach_leading_comments(module: cst.Module) -> cst.Module:
    """Give the first statement back the comment block written right above it.

    LibCST keeps every comment above the first statement in ``Module.header``; when we insert before
    that statement, a comment that describes it (separated from the file's opening comments by a
    blank line) must move down with it.
    """
    header = list(module.header)
    split = len(header)
    while split > 0 and header[split - 1].comment is not None:
        split -= 1
    if split in (0, len(header)) or not module.body:
        return module
    first = module.body[0]
    moved = first.with_changes(leading_lines=[*header[split:], *first.leading_lines])
    return module.with_changes(header=header[:split], body=[moved, *module.body[1:]])


def keep_docstring_gap(before: cst.Module, after: cst.Module) -> cst.Module:
    """``after`` with the blank lines that ``before`` had between its docstring and the next statement.

    Removing the import right after a module docstring drops the blank lines above it; ruff's
    formatter wants one there, so a file that was formatted would fail ``ruff format --check``.
    """
    if len(before.body) < 2 or len(after.body) < 2:
        return after
    if not (_is_docstring(before.body[0]) and _is_docstring(after.body[0])):
        return after
    wanted, _ = split_blank_lines(before.body[1].leading_lines)
    second = after.body[1]
    blanks, rest = split_blank_lines(second.leading_lines)
    if blanks or not wanted:
        return after
    body = [after.body[0], second.with_changes(leading_lines=[*wanted, *rest]), *after.body[2:]]
    return after.with_changes(body=body)


def space_after_imports(
    stmt: cst.SimpleStatementLine | cst.BaseCompoundStatement,
) -> cst.SimpleStatementLine | cst.BaseCompoundStatement:
    """``stmt`` with the blank lines ruff wants after imports: two before a def or class."""
    blanks, rest = split_blank_lines(stmt.leading_lines)
    wanted = 2 if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) else 1
    if len(blanks) >= wanted:
        return stmt
    return stmt.with_changes(leading_lines=[cst.EmptyLine()] * wanted + rest)


def _insert(
    module: cst.Module, specs: Sequence[ImportSpec], sections: _Sections, line_length: int
) -> cst.Module:
    new = _statement(specs, line_length)
    key = _key(specs[0], sections)
    section = key[0]
    end, runs, below = _header(module)
    candidates = [
        run
        for run in runs
        if section == FUTURE
        or (
            run[0] >= below
            and any(section_of(_spec_of_statement(module.body[i]).module) != FUTURE for i in run)
        )
    ]
    keys = {
        i: _key(_spec_of_statement(module.body[i]), sections) for run in candidates for i in run
    }
    if not candidates:
        return _insert_alone(module, new, end)
    if below:
        new = _with_directive(new, _e402_directive(module, candidates))
    beside = _beside_package(candidates, keys, key)
    if beside is not None:
        return _insert_unspaced(module, new, *beside)
    run = next((r for r in reversed(candidates) if keys[r[0]] <= key), candidates[0])
    at = next((i for i in run if keys[i] > key), run[-1] + 1)
    if not _separates_sections(module, candidates, keys):
        # Before an import of another section that a blank line sets apart, the new one ends
        # the group above instead of taking that blank line (`import yaml` among the standard
        # library's imports is what runs two sections together there).
        takes_blanks = at == run[0] or (at <= run[-1] and keys[at][0] == section)
        return _insert_unspaced(module, new, at, at <= run[-1] and takes_blanks)
    if at == run[0] and keys[at][0] == section:
        return _insert_unspaced(module, new, at, True)
    if at == 0:
        module = detach_leading_comments(module)
    body = list(module.body)
    if at == run[0]:  # before the first import of another section: a blank line between them
        following = body[at]
        blanks, rest = split_blank_lines(following.leading_lines)
        new = new.with_changes(leading_lines=blanks)
        body[at] = following.with_changes(leading_lines=[cst.EmptyLine(), *rest])
    else:
        previous = keys[at - 1]
        # `import x` statements set apart from the section's `from x import y` ones (ruff's and
        # isort's `lines-between-types`): the new one takes the blank line where the kinds meet
        apart = previous[0] == section and _types_apart(module, candidates, keys, sections.root)
        if previous[0] != section or (apart and previous[1] != key[1]):
            new = new.with_changes(leading_lines=[cst.EmptyLine()])
        if at <= run[-1]:
            following = body[at]
            blanks, rest = split_blank_lines(following.leading_lines)
            if keys[at][0] == section and not (apart and keys[at][1] != key[1]):
                body[at] = following.with_changes(leading_lines=rest)
            elif keys[at][0] != section and not blanks:
                body[at] = following.with_changes(leading_lines=[cst.EmptyLine(), *rest])
    body.insert(at, new)
    return module.with_changes(body=body)


def _e402_directive(module: cst.Module, runs: list[list[int]]) -> str:
    """The comment that keeps E402 (an import below code) quiet, where the imports of ``runs``,
    below set-up code, carry one: theirs where it names only E402, else ``# noqa: E402``; ""
    where none does."""
    # (a scan adds no import, so it does not load the pragma module and its patterns)
    from backfix.pragmas import noqa_codes, silences

    for index in (i for run in runs for i in run):
        comment = _first_line_comment(module.body[index])
        if comment and silences(comment, "E402"):
            return comment if noqa_codes(comment) == ["E402"] else "# noqa: E402"
    return ""


def _first_line_comment(stmt: cst.BaseStatement) -> str:
    """The comment on the first line of an import statement ("" where there is none): after
    its ``(`` where it is wrapped, which is where a ``# noqa`` for the statement goes."""
    assert isinstance(stmt, cst.SimpleStatementLine)
    node = stmt.body[0]
    if isinstance(node, cst.ImportFrom) and node.lpar is not None:
        space = node.lpar.whitespace_after
        if isinstance(space, cst.ParenthesizedWhitespace) and space.first_line.comment:
            return space.first_line.comment.value
        return ""
    comment = stmt.trailing_whitespace.comment
    return comment.value if comment else ""


def _with_directive(new: cst.SimpleStatementLine, directive: str) -> cst.SimpleStatementLine:
    """``new`` with the comment ``directive`` on its first line (none where it is "")."""
    if not directive:
        return new
    comment = cst.TrailingWhitespace(cst.SimpleWhitespace("  "), cst.Comment(directive))
    node = new.body[0]
    if isinstance(node, cst.ImportFrom) and node.lpar is not None:
        space = node.lpar.whitespace_after
        assert isinstance(space, cst.ParenthesizedWhitespace)
        lpar = node.lpar.with_changes(whitespace_after=space.with_changes(first_line=comment))
        return new.with_changes(body=[node.with_changes(lpar=lpar)])
    return new.with_changes(trailing_whitespace=comment)


def _beside_package(
    runs: list[list[int]], keys: dict[int, StatementKey], key: StatementKey
) -> tuple[int, bool] | None:
    """In a block isort would reorder anyway, where a new statement sorting at ``key`` goes
    beside the block's imports of its package (a sorted position means little to a reader
    there), and whether it goes before one of them; None when the block is sorted or does not
    import that package."""
    package = _package_of(key)
    if not package or all(keys[a] <= keys[b] for run in runs for a, b in pairwise(run)):
        return None
    same = [i for run in runs for i in run if _package_of(keys[i]) == package]
    if not same:
        return None
    return next(((i, True) for i in same if keys[i] > key), (same[-1] + 1, False))


def _separates_sections(
    module: cst.Module, runs: list[list[int]], keys: dict[int, StatementKey]
) -> bool:
    """Whether the block puts a blank line wherever two sections meet, as isort does; a block
    that runs them together gets no blank line from a new import either."""
    for run in runs:
        for above, below in pairwise(run):
            if keys[above][0] != keys[below][0]:
                blanks, _ = split_blank_lines(module.body[below].leading_lines)
                if not blanks:
                    return False
    return True


def _types_apart(
    module: cst.Module, runs: list[list[int]], keys: dict[int, StatementKey], root: Root
) -> bool:
    """Whether a blank line sets a section's ``import`` statements apart from its ``from`` ones:
    as the project's ruff or isort settings say (``lines-between-types``), else as the block does
    where the two kinds of one section meet."""
    configured = _isort_value(root, "lines-between-types")
    if isinstance(configured, int) and not isinstance(configured, bool):
        return configured > 0
    for run in runs:
        for above, below in pairwise(run):
            if keys[above][0] == keys[below][0] and keys[above][1] != keys[below][1]:
                blanks, _ = split_blank_lines(module.body[below].leading_lines)
                return bool(blanks)
    return False


def _insert_unspaced(
    module: cst.Module, new: cst.SimpleStatementLine, at: int, before_import: bool
) -> cst.Module:
    """``module`` with ``new`` at ``at`` and no blank line added. Going before an import, it
    takes that statement's blank lines (its comments stay on it), as in a sorted run."""
    if at == 0:
        module = detach_leading_comments(module)
    body = list(module.body)
    if before_import:
        blanks, rest = split_blank_lines(body[at].leading_lines)
        new = new.with_changes(leading_lines=blanks)
        body[at] = body[at].with_changes(leading_lines=rest)
    body.insert(at, new)
    return module.with_changes(body=body)


def _package_of(key: StatementKey) -> str:
    """The top-level package a statement sorting at ``key`` imports; for a relative import, its
    dots: ``from ..models import X`` and ``from .. import db`` both import the parent package's."""
    _section, _kind, minus_level, _natural_module, bare, _first = key
    return "." * -minus_level if minus_level else bare.split(".")[0]


def _insert_alone(module: cst.Module, new: cst.SimpleStatementLine, end: int) -> cst.Module:
    """A first import statement, at the end of the (import-less) block."""
    if end == 0:
        module = detach_leading_comments(module)
    body = list(module.body)
    if end < len(body):
        body[end] = space_after_imports(body[end])
    body.insert(end, new.with_changes(leading_lines=[cst.EmptyLine()] if end else []))
    return module.with_changes(body=body)


# --- the project's first-party packages ---------------------------------------------------------------

_CONFIG_FILES = (".ruff.toml", "ruff.toml", "pyproject.toml")


def first_party_packages(abs_path: str | Path, root: str | Path) -> frozenset[str]:
    """Top-level names ruff's isort rules count as first party for the file ``abs_path``.

    As ruff does: the package the file is in (``detect-same-package``), every module or folder in
    the ``src`` folders of the nearest configuration (default ``.`` and ``src`` next to the nearest
    ``pyproject.toml``/``ruff.toml``, so ``backend/app`` is first party in ``backend/``), and
    ``known-first-party``, but not what it lists as ``known-third-party`` (a project's own
    ``sqlmodel/`` folder that its files import as the installed library). The search stops at
    ``root``.
    """
    file = Path(abs_path)
    stop = Path(root).resolve()
    names: set[str] = set()
    folder = file.parent
    top: Path | None = None
    while (folder / "__init__.py").is_file() and folder.resolve() != stop:
        top, folder = folder, folder.parent
    if top is not None:
        names.add(top.name)
    for folder in [file.parent, *file.parent.parents]:
        config = next((folder / n for n in _CONFIG_FILES if (folder / n).is_file()), None)
        if config is not None:
            first, third = _configured_parties(config)
            # ruff's `known-third-party` wins over a folder of the same name beside the config
            return frozenset((names | first) - third)
        if folder.resolve() == stop:
            names |= _modules_in(folder)
            break
    return frozenset(names)


def _configured_parties(config: Path) -> tuple[set[str], set[str]]:
    """The top-level names ``config`` makes first party (``known-first-party`` and the modules of
    its ``src`` folders) and those it declares third party (``known-third-party``)."""
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return _modules_in(config.parent), set()
    ruff = data if config.name != "pyproject.toml" else data.get("tool", {}).get("ruff", {})
    isort_tables = _tables_of(data, ruff)
    first = _known(isort_tables, "known-first-party")
    sources = ruff.get("src", [".", "src"])
    for source in sources if isinstance(sources, list) else []:
        first |= _modules_in(config.parent / str(source))
    return first, _known(isort_tables, "known-third-party") - _known(
        isort_tables, "known-first-party"
    )


def _tables_of(data: dict[str, Any], ruff: dict[str, Any]) -> list[Any]:
    """The isort settings of a configuration: ruff's (``lint.isort``, ``isort``), then isort's."""
    return [
        ruff.get("lint", {}).get("isort", {}),
        ruff.get("isort", {}),
        data.get("tool", {}).get("isort", {}),
    ]


def _isort_tables(config: Path) -> list[Any]:
    """:func:`_tables_of` the configuration file ``config`` (none when it does not parse)."""
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    ruff = data if config.name != "pyproject.toml" else data.get("tool", {}).get("ruff", {})
    return _tables_of(data, ruff)


@functools.cache
def _known_third_party(root: str) -> frozenset[str]:
    """What the configuration at ``root`` lists as ``known-third-party``: a folder of that name
    there is not the project's own package to its import sorter."""
    config = next((Path(root, n) for n in _CONFIG_FILES if Path(root, n).is_file()), None)
    return frozenset(_configured_parties(config)[1]) if config is not None else frozenset()


def _known(tables: list[Any], key: str) -> set[str]:
    """The top-level names an isort setting (``known-first-party``, or its isort spelling
    ``known_first_party``) lists in any of ``tables``."""
    names: set[str] = set()
    for table in tables:
        known = (
            table.get(key, table.get(key.replace("-", "_"))) if isinstance(table, dict) else None
        )
        if isinstance(known, list):
            names |= {name.split(".")[0] for name in known if isinstance(name, str)}
    return names


def _modules_in(folder: Path) -> set[str]:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return set()
    return {
        entry.stem if entry.suffix == ".py" else entry.name
        for entry in entries
        if not entry.name.startswith(".")
        and ((entry.is_dir() and entry.name.isidentifier()) or entry.suffix == ".py")
    }
