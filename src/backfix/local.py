"""``LocalCodemod``: a codemod whose detection and fix come from one LibCST visitor (Fixit-style).

A local codemod fixes each file on its own. It is a LibCST visitor: its ``visit_*`` methods call
:meth:`LocalCodemod.report` for each match, with the replacement node when the match can be fixed::

    class NoPrint(LocalCodemod):
        '''``print(...)`` → ``logger.info(...)``.'''

        SUMMARY = "Replace print() with logger.info()"
        PREFILTER = re.compile(rb"print\\(")

        def visit_Call(self, node: cst.Call) -> None:
            if m.matches(node.func, m.Name("print")):
                self.report(node, "print() in library code", replacement=node.with_changes(...))

The engine runs the same visit twice: in the analysis it turns each report into a
:class:`~backfix.results.Violation` (position from LibCST's metadata, fingerprint from the enclosing
scope and the match's key); in the rewrite it swaps each reported node that has a replacement, then
calls :meth:`LocalCodemod.finish` for module-wide edits (imports through
:func:`backfix.imports.add_import`, code from templates through :func:`backfix.templating.render`).
A report without a replacement is left for manual review and needs a ``reason``.

A codemod may also detect from the `ast` tree, ~10x cheaper to build than LibCST's: with
``AST_DETECTION = True`` its ``ast_visit_*`` methods call :meth:`LocalCodemod.report_ast` for exactly
the matches its LibCST visit reports. The analysis then parses with `ast` only, and LibCST parses just
the files that are rewritten (or that `ast` cannot parse). The codemod proves the two detections agree
with a test (see tests/unit/test_bare_except_ast.py).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar, cast

import libcst as cst
from libcst.metadata import PositionProvider, ProviderT

from backfix.codemod import Codemod
from backfix.results import REVIEW, FileFacts, Violation
from backfix.source import SourceFile

__all__ = ["LocalCodemod", "Replacement"]

_NodeT = TypeVar("_NodeT", bound=cst.CSTNode)

#: the `ast` fields that hold statements (and handlers, match cases): where ``ast_visit_*`` look
_AST_BLOCKS = ("body", "handlers", "orelse", "finalbody", "cases")
_AST_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

#: a new node, or a function of the reported node as updated by replacements inside it (use a
#: function when a reported node may contain other reported nodes, or to build the fix lazily: it is
#: called only when the file is rewritten)
Replacement = cst.CSTNode | Callable[[Any], cst.CSTNode] | cst.RemovalSentinel


@dataclass(frozen=True)
class _Match:
    node: cst.CSTNode
    violation: Violation
    replacement: Replacement | None
    ancestors: tuple[int, ...]


class LocalCodemod(Codemod[None, None], cst.CSTVisitor):
    """Base of codemods that fix each file on its own, with one visitor for detection and fix.

    Subclasses write ``visit_*``/``leave_*`` methods that call :meth:`report`; ``self.source`` is the
    file being visited and ``self.ancestors`` the nodes enclosing the visited one (the module first).
    Per-file state belongs in :meth:`begin`, since one instance visits many files.
    """

    LOCAL: ClassVar[bool] = True
    #: node types that may hold a match: the visit skips the inside of every other node (a speed-up;
    #: None visits everything). The skipped node itself is still visited.
    DESCEND_INTO: ClassVar[tuple[type[cst.CSTNode], ...] | None] = None
    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (PositionProvider,)
    #: True when ``ast_visit_*`` methods report, through :meth:`report_ast`, exactly what the LibCST
    #: visit reports: the analysis then uses the `ast` tree and LibCST parses only rewritten files.
    AST_DETECTION: ClassVar[bool] = False

    def __init__(self, options: Any = None) -> None:
        """Check the options (see :class:`~backfix.codemod.Codemod`)."""
        Codemod.__init__(self, options)
        cst.CSTVisitor.__init__(self)
        self.ancestors: list[cst.CSTNode] = []
        self._matches: list[_Match] = []
        self._scope: list[str] = []
        self._ordinals: dict[tuple[str, str], int] = {}
        self._source: SourceFile | None = None
        self.ast_ancestors: list[ast.AST] = []
        self._ast_violations: list[Violation] = []

    # --- for subclasses --------------------------------------------------------------------------------

    @property
    def source(self) -> SourceFile:
        """The file being visited."""
        assert self._source is not None, "only available during a visit"
        return self._source

    def begin(self, source: SourceFile) -> None:
        """Reset per-file state before a visit (analysis or rewrite). The default does nothing."""

    def finish(self, source: SourceFile, module: cst.Module) -> cst.Module:
        """Module-wide edits after the replacements (an import, a new definition). Rewrite only."""
        return module

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        replacement: Replacement | None = None,
        reason: str = "",
        reason_id: str = "",
        tier: str = REVIEW,
        key: str | None = None,
    ) -> None:
        """Report a match at ``node``; fixable when it has a ``replacement``, else manual.

        A manual match needs a ``reason`` a user can act on, and should carry a ``reason_id`` (a stable
        kebab-case id with a ``### <reason-id>`` heading in the codemod's docs page). ``tier`` is
        ``safe`` for a mechanically equivalent fix. ``key`` names the match for its fingerprint
        (default: its code, whitespace collapsed); the n-th match with the same key in the same scope
        gets ``#n``, so fingerprints survive line shifts.
        """
        if replacement is None and not reason:
            raise ValueError(f"{self.ID}: a match without a replacement needs a reason")
        name = key if key is not None else " ".join(self.source.module.code_for_node(node).split())
        start = self.get_metadata(PositionProvider, node).start
        violation = self._violation(
            start.line,
            start.column,
            message,
            replacement is not None,
            reason,
            reason_id,
            tier,
            name,
        )
        ancestors = tuple(id(a) for a in self.ancestors)
        self._matches.append(_Match(node, violation, replacement, ancestors))

    def report_ast(
        self,
        node: ast.stmt | ast.excepthandler,
        message: str,
        *,
        key: str,
        fixable: bool,
        reason: str = "",
        reason_id: str = "",
        tier: str = REVIEW,
    ) -> None:
        """The `ast` twin of :meth:`report`, for codemods with ``AST_DETECTION``.

        It must report what :meth:`report` reports for the same match: ``fixable`` when the LibCST
        visit gives a replacement, the same ``key`` (required here: there is no LibCST code to derive
        it from), and a node whose `ast` position is the LibCST node's start.
        """
        if not fixable and not reason:
            raise ValueError(f"{self.ID}: a match without a replacement needs a reason")
        column = self.source.char_column(node.lineno, node.col_offset)
        violation = self._violation(
            node.lineno, column, message, fixable, reason, reason_id, tier, key
        )
        self._ast_violations.append(violation)

    def _violation(
        self,
        line: int,
        column: int,
        message: str,
        fixable: bool,
        reason: str,
        reason_id: str,
        tier: str,
        name: str,
    ) -> Violation:
        """The violation of a match in the current scope; its fingerprint counts same-key matches."""
        scope = ".".join(self._scope)
        ordinal = self._ordinals.get((scope, name), 0) + 1
        self._ordinals[(scope, name)] = ordinal
        return self.violation(
            self.source,
            line,
            column,
            message,
            fixable=fixable,
            reason=reason,
            reason_id=reason_id,
            scope=scope,
            snippet=f"{name}#{ordinal}",
            tier=tier,
        )

    # --- the engine's side ---------------------------------------------------------------------------

    def on_visit(self, node: cst.CSTNode) -> bool:
        """Dispatch to ``visit_*``, keeping ``ancestors`` and the scope up to date."""
        descend = super().on_visit(node)
        if self.DESCEND_INTO is not None and not isinstance(node, self.DESCEND_INTO):
            descend = False
        self.ancestors.append(node)
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            self._scope.append(node.name.value)
        return descend

    def on_leave(self, original_node: cst.CSTNode) -> None:
        """Dispatch to ``leave_*`` after the node's children."""
        self.ancestors.pop()
        if isinstance(original_node, (cst.FunctionDef, cst.ClassDef)):
            self._scope.pop()
        super().on_leave(original_node)

    def _collect(self, source: SourceFile) -> list[_Match]:
        self._source = source
        self.ancestors, self._matches, self._scope, self._ordinals = [], [], [], {}
        self.begin(source)
        source.metadata.visit(self)
        return self._matches

    def analyze(self, source: SourceFile) -> FileFacts[None]:
        """The file's violations: one per report, from the `ast` tree when the codemod can."""
        tree = source.ast_module() if self.AST_DETECTION else None
        if tree is None:
            return self.analyze_cst(source)
        return FileFacts(source.path, tuple(self._collect_ast(source, tree)))

    def analyze_cst(self, source: SourceFile) -> FileFacts[None]:
        """The file's violations from the LibCST visit: one per :meth:`report`."""
        matches = self._collect(source)
        return FileFacts(source.path, tuple(match.violation for match in matches))

    def _collect_ast(self, source: SourceFile, tree: ast.Module) -> list[Violation]:
        self._source = source
        self.ancestors, self._matches, self._scope, self._ordinals = [], [], [], {}
        self._ast_violations, self.ast_ancestors = [], [tree]
        self.begin(source)
        for node in self._ast_walk(tree):
            visit = getattr(self, f"ast_visit_{type(node).__name__}", None)
            if visit is not None:
                visit(node)
        return self._ast_violations

    def _ast_walk(self, parent: ast.AST) -> Iterator[ast.AST]:
        """The statements, handlers and match cases under ``parent``, in source order (pre-order);
        ``ast_ancestors`` and the scope follow the walk. Expressions are left to the visitors."""
        for field_name in _AST_BLOCKS:
            for node in getattr(parent, field_name, ()):
                yield node
                self.ast_ancestors.append(node)
                name = node.name if isinstance(node, _AST_SCOPES) else None
                if name is not None:
                    self._scope.append(name)
                yield from self._ast_walk(node)
                if name is not None:
                    self._scope.pop()
                self.ast_ancestors.pop()

    def rewrite(self, source: SourceFile, edits: None) -> cst.Module:
        """The file with every reported node that has a replacement replaced, then :meth:`finish`."""
        matches = [m for m in self._collect(source) if m.replacement is not None]
        if not matches:
            return source.module
        replacer = _Replacer(matches)
        module = source.module.visit(replacer)
        assert isinstance(module, cst.Module)
        return self.finish(source, module)


class _Replacer(cst.CSTTransformer):
    """Swaps reported nodes for their replacements, descending only towards them."""

    def __init__(self, matches: list[_Match]) -> None:
        super().__init__()
        self.replacements = {id(m.node): m.replacement for m in matches}
        self.on_path = {ancestor for m in matches for ancestor in m.ancestors}

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self.on_path

    def on_leave(
        self, original_node: _NodeT, updated_node: _NodeT
    ) -> _NodeT | cst.RemovalSentinel | cst.FlattenSentinel[_NodeT]:
        replacement = self.replacements.get(id(original_node))
        if replacement is None:
            return updated_node
        new = replacement(updated_node) if callable(replacement) else replacement
        # The codemod decides what a node becomes; LibCST checks that it fits where it goes.
        return cast(_NodeT, new)
