"""Rewrite the session plumbing of one file, inside the same pass as the query rewrite.

Every node is found by its source range in the original module, as the plan recorded it; names are
renamed where they are references (never inside import statements, which :meth:`fix_imports` redoes
at the end, dropping an old name only when nothing uses it any more).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

import libcst as cst

from backfix.bindings import bound_names, import_aliases
from backfix.cst_utils import kept_statements
from backfix.imports import ImportSpec, add_imports

from .model import Key, PlumbEdits
from .plumbing_plan import RETURN_TYPES

ASYNC_IO = "sqlalchemy.ext.asyncio"
SQLMODEL_SESSION = "sqlmodel.ext.asyncio.session"


class PlumbingRewrite:
    """The plumbing edits of one file, applied node by node by the query rewriter."""

    def __init__(self, module: cst.Module, edits: PlumbEdits) -> None:
        self.edits = edits
        session_source = SQLMODEL_SESSION if edits.sqlmodel else ASYNC_IO
        self.sources = {
            "create_async_engine": ASYNC_IO,
            "async_sessionmaker": ASYNC_IO,
            "AsyncSession": session_source,
            "AsyncEngine": ASYNC_IO,
        }
        new_roles = {
            "create_engine": "create_async_engine",
            "sessionmaker": "async_sessionmaker" if edits.async_sessionmaker else "",
            "Session": "AsyncSession",
            "Engine": "AsyncEngine",
        }
        wanted = dict(self.sources)
        for _local, role, source in edits.renames:
            if role in RETURN_TYPES:
                wanted[RETURN_TYPES[role]] = source
                self.sources[RETURN_TYPES[role]] = source
        self.aliases = import_aliases(module, wanted)
        self.renames: dict[str, str] = {}  # local sync name → new local name
        self.returns: dict[str, str] = {}  # local Generator/Iterator → new local name
        for local, role, _ in edits.renames:
            if role in RETURN_TYPES:
                self.returns[local] = self.aliases.get(RETURN_TYPES[role], RETURN_TYPES[role])
            elif new_roles.get(role):
                self.renames[local] = self.aliases.get(new_roles[role], new_roles[role])
        self.used: set[str] = set()  # new names the output refers to
        self.old: list[tuple[str, str, str]] = [
            r for r in edits.renames if r[0] in self.renames or r[0] in self.returns
        ]
        self.conn = "conn" if "conn" not in bound_names(module) else "async_conn"

    def _new(self, canonical: str) -> str:
        self.used.add(canonical)
        return self.aliases.get(canonical, canonical)

    def _canonical(self, local: str) -> str:
        for canonical, alias in self.aliases.items():
            if alias == local:
                return canonical
        return local

    def name(self, node: cst.Name) -> cst.Name:
        """A reference to a converted sync name."""
        new = self.renames.get(node.value)
        if new is None:
            return node
        self.used.add(self._canonical(new))
        return node.with_changes(value=new)

    def call(self, key: Key, node: cst.Call) -> cst.Call:
        """Keywords the plan adds (``expire_on_commit=False``, ``class_=AsyncSession``)."""
        for at, keywords in self.edits.keywords:
            if at != key:
                continue
            args = list(node.args)
            if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
                args[-1] = args[-1].with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                )
            for index, (name, value) in enumerate(keywords):
                code = self._new("AsyncSession") if value == "AsyncSession" else value
                last = index == len(keywords) - 1
                args.append(
                    cst.Arg(
                        cst.parse_expression(code),
                        keyword=cst.Name(name),
                        equal=cst.AssignEqual(
                            whitespace_before=cst.SimpleWhitespace(""),
                            whitespace_after=cst.SimpleWhitespace(""),
                        ),
                        comma=cst.MaybeSentinel.DEFAULT
                        if last
                        else cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
                    )
                )
            return node.with_changes(args=args)
        return node

    def string(
        self, key: Key, node: cst.SimpleString | cst.FormattedString
    ) -> cst.SimpleString | cst.FormattedString:
        """A URL whose scheme becomes the async driver's."""
        for at, old, new in self.edits.urls:
            if at != key:
                continue
            if isinstance(node, cst.SimpleString):
                quote = node.quote
                start = len(node.prefix) + len(quote)
                body = node.value[start:]
                if body.startswith(old + "://"):
                    return node.with_changes(value=node.value[:start] + new + body[len(old) :])
            else:
                first = node.parts[0]
                if isinstance(first, cst.FormattedStringText) and first.value.startswith(old):
                    parts = [first.with_changes(value=new + first.value[len(old) :])]
                    return node.with_changes(parts=[*parts, *node.parts[1:]])
        return node

    def with_statement(self, key: Key, node: cst.With) -> cst.With:
        """``with SessionLocal() as s:`` → ``async with``."""
        if key in self.edits.async_with and node.asynchronous is None:
            return node.with_changes(asynchronous=cst.Asynchronous())
        return node

    def statement(self, key: Key, node: cst.SimpleStatementLine) -> cst.BaseStatement:
        """``Base.metadata.create_all(engine)`` → ``async with engine.begin() as conn: ...``."""
        for at, (bind, metadata, method, *others) in self.edits.tables:
            if at != key:
                continue
            args = ", ".join([f"{metadata}.{method}", *others])
            code = (
                f"async with {bind}.begin() as {self.conn}:\n"
                f"    await {self.conn}.run_sync({args})\n"
            )
            made = cst.parse_statement(code)
            assert isinstance(made, cst.With)
            return made.with_changes(leading_lines=node.leading_lines)
        return node

    def function(self, qual: str, node: cst.FunctionDef) -> cst.FunctionDef:
        """A session dependency: ``async def``, and an async return annotation."""
        if qual not in self.edits.dependencies:
            return node
        node = node.with_changes(asynchronous=cst.Asynchronous())
        if node.returns is None:
            return node
        annotation = node.returns.annotation
        if isinstance(annotation, cst.Subscript) and isinstance(annotation.value, cst.Name):
            new = self.returns.get(annotation.value.value)
            if new is not None:
                self.used.add(self._canonical(new))
                elements = list(annotation.slice)
                generator = RETURN_TYPES.get(self._role(annotation.value.value)) == "AsyncGenerator"
                # `Generator[Session]` leans on the type parameters' defaults (Python 3.13), and so
                # may `AsyncGenerator[AsyncSession]`: its `, None` is what ruff's UP043 removes.
                if generator and len(elements) > 1:
                    none = cst.SubscriptElement(cst.Index(cst.Name("None")))
                    first = elements[0].with_changes(
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                    )
                    elements = [first, none]
                annotation = annotation.with_changes(value=cst.Name(new), slice=elements)
                node = node.with_changes(returns=node.returns.with_changes(annotation=annotation))
        return node

    def _role(self, local: str) -> str:
        for name, role, _ in self.edits.renames:
            if name == local:
                return role
        return ""

    def fix_imports(
        self, module: cst.Module, root: Path | None, first_party: Collection[str]
    ) -> cst.Module:
        """Drop the sync names nothing uses any more; import the async ones the output uses."""
        still = _referenced(module)
        dropped = {(source, local) for local, _, source in self.old if local not in still}
        if dropped:
            module = module.visit(_DropImports(dropped))
        items = [
            ImportSpec(
                self.sources[name],
                name,
                None if self.aliases.get(name, name) == name else self.aliases[name],
            )
            for name in sorted(self.used)
            if name in self.sources
        ]
        if items:
            module = add_imports(module, items, root=root, first_party=first_party)
        return module


def _referenced(module: cst.Module) -> set[str]:
    """Names read anywhere outside import statements."""
    found: set[str] = set()

    class Reader(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> bool:
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    module.visit(Reader())
    return found


class _DropImports(cst.CSTTransformer):
    """Remove ``from source import name`` aliases (the statement too when it becomes empty).

    A removed statement's leading blank lines and comments go to the statement after it, as when
    move-commits drops an import: the blank line that separated an import group from the one
    before is kept when the group's first import goes (``from sqlalchemy import Engine`` after
    ``import logging``)."""

    def __init__(self, dropped: set[tuple[str, str]]) -> None:
        super().__init__()
        self.dropped = dropped
        #: the statement lines this run emptied, kept as `pass` until their block is rebuilt.
        self.emptied: list[cst.SimpleStatementLine] = []

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if updated_node.body:
            return updated_node
        marker = updated_node.with_changes(body=[cst.Pass()])
        self.emptied.append(marker)
        return marker

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._without_emptied(updated_node.body, top=True))

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self._without_emptied(updated_node.body, top=False)
        return updated_node.with_changes(body=body or updated_node.body[-1:])

    def _without_emptied(
        self, body: Sequence[cst.BaseStatement], top: bool
    ) -> list[cst.BaseStatement]:
        emptied = {id(marker) for marker in self.emptied}
        return kept_statements(((s, None if id(s) in emptied else s) for s in body), top)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        if updated_node.relative or updated_node.module is None:
            return updated_node
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        source = cst.Module([]).code_for_node(updated_node.module)
        kept = []
        for alias in updated_node.names:
            local = alias.evaluated_alias or alias.evaluated_name
            if (source, local) not in self.dropped:
                kept.append(alias)
        if len(kept) == len(updated_node.names):
            return updated_node
        if not kept:
            return cst.RemoveFromParent()
        if updated_node.lpar is None:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)
