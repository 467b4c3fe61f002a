"""What the plan reads from a file's `ast` tree, read where the file is analysed.

The plan needs the project's mappings (``mappings``) and the accesses that may be queries on dynamic
relationships (``lazy``). Read in the worker that analyses the file, they are parsed once, in
parallel, and cached with the file's other facts; the plan reads from disk only the files no worker
analysed. A file `ast` cannot parse keeps its failure, which the plan reports where it needs the
file (with what it then does not know), as it would had it parsed the file itself.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from backfix.source import SourceError, SourceFile, declared_encoding

from . import lazy
from .mappings import FileMappings, FileRead, ParseFailure, file_mappings, may_define, parse


@dataclass(frozen=True)
class TreeFacts:
    """One file's mappings and relationship-method accesses, or why `ast` cannot parse it."""

    #: the file may define models or query settings (``mappings.may_define``)
    may_define: bool
    problem: ParseFailure | None = None
    mappings: FileMappings | None = None
    #: ``obj.attr.<query method>`` in functions, whatever ``attr`` is (``lazy.method_accesses``)
    accesses: tuple[lazy.Site, ...] = ()
    #: per function, the attributes read on instances (``lazy.read_accesses``): where a lazy load
    #: may be
    instance_reads: lazy.InstanceReads = ()

    def mappings_read(self) -> FileRead:
        """What the file adds to the project's mappings, as ``mappings.read_file`` says it."""
        if not self.may_define:
            return None
        return self.problem or self.mappings


def read_tree_facts(
    raw: bytes, path: str, tree: ast.Module | ParseFailure | None = None
) -> TreeFacts:
    """Read what the plan needs from ``raw``'s `ast` tree (``tree``, or parsed here)."""
    if tree is None:
        tree = parse(raw)
    defines = may_define(raw)
    if isinstance(tree, ParseFailure):
        return TreeFacts(defines, problem=tree)
    found = file_mappings(tree, path, raw) if defines else None
    accesses, instance_reads = lazy.read_accesses(tree)
    return TreeFacts(
        defines, mappings=found, accesses=tuple(accesses), instance_reads=instance_reads
    )


def plain_utf8(raw: bytes) -> bool:
    """UTF-8 with no byte-order mark and no other coding cookie: Python reads the bytes as the
    decoded text, so `ast` and LibCST count the same lines and columns."""
    return raw.isascii() or declared_encoding(raw) == "utf-8"


def source_tree(source: SourceFile) -> ast.Module | ParseFailure:
    """``ast.parse(source.raw)``, or why it fails; the tree other codemods share where it is that.

    ``SourceFile.ast_module`` parses the decoded text: the same tree as the bytes' wherever Python
    decodes them as UTF-8 too (no BOM, no coding cookie).
    """
    if plain_utf8(source.raw):
        try:
            tree = source.ast_module()
        except SourceError:  # not UTF-8: let `ast` say why
            tree = None
        if tree is not None:
            return tree
    return parse(source.raw)
