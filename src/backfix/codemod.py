"""The base class every codemod derives from: analyze → plan → rewrite.

A codemod is a class. The engine ships the class (never an instance) and its options to worker processes,
builds one instance per process, and calls:

1. ``analyze(source)`` per file, in parallel: return picklable facts (violations and private data);
2. ``plan(facts, project)`` once, in the main process: settle cross-file decisions, decide which
   violations stay for manual review, and return the edits per file (files outside the scanned paths,
   or new files, included);
3. ``rewrite(source, edits)`` per file, in parallel: apply that file's edits and return the new tree.

A codemod whose plan is trivial (each file fixed on its own) keeps ``LOCAL = True``; the engine then
rewrites in the same worker pass as the analysis, so the file is parsed once.

``Codemod[FactsT, EditsT]`` is generic over the private data its analysis hands to its plan (the
``data`` of each :class:`FileFacts`) and the edits its plan hands to its rewrite (the values of
:attr:`Plan.edits`). Options are a frozen dataclass (see :mod:`backfix.options`) named by the
``Options`` class attribute; an instance reads them, typed, as ``self.options``.

Most codemods fix each match on its own: they derive from :class:`LocalCodemod` (see
:mod:`backfix.local`), where one LibCST visitor reports each match with its replacement, and detection
and fix come from that one match. See docs/writing-codemods.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, cast

import libcst as cst

from backfix.options import CodemodOptions, ConfigError
from backfix.project import ProjectContext
from backfix.results import REVIEW, FileFacts, Violation
from backfix.source import SourceFile
from backfix.typing_compat import TypeVar

__all__ = ["Codemod", "CodemodOptions", "ConfigError", "Plan", "ProjectContext"]

#: the private data a codemod's analysis hands to its plan (``FileFacts.data``)
FactsT = TypeVar("FactsT", default=Any)
#: what a codemod's plan hands to its rewrite for one file (``Plan.edits`` values)
EditsT = TypeVar("EditsT", default=Any)


class ManualReview(Exception):
    """A violation a plan leaves for manual review: ``reason_id`` (documented in the codemod's docs
    page) and ``reason``, the sentence the user reads. Codemods raise it (or a subclass) where they
    find what blocks a rewrite and turn it into ``Violation(fixable=False)``."""

    def __init__(self, reason_id: str, reason: str) -> None:
        super().__init__(reason)
        self.reason_id = reason_id
        self.reason = reason


@dataclass
class Plan(Generic[EditsT]):
    """The outcome of the plan phase.

    ``violations`` is the final list (fixable flags settled, reasons given); ``edits`` maps a
    repository-relative path to whatever the codemod's ``rewrite`` needs for that file.
    """

    violations: list[Violation] = field(default_factory=list)
    edits: dict[str, EditsT] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: what the codemod assumed about the project (library versions and where they came from)
    assumptions: list[str] = field(default_factory=list)


class Codemod(Generic[FactsT, EditsT]):
    """Base class of every codemod. Subclasses set the ClassVars and implement ``analyze``/``rewrite``."""

    #: kebab-case id; the registry fills it from the module name (``bare_except`` → ``bare-except``).
    ID: ClassVar[str] = ""
    #: one line for ``codemod list``.
    SUMMARY: ClassVar[str] = ""
    #: bytes regex; a file it does not match is never parsed. None means every file is analysed.
    PREFILTER: ClassVar[re.Pattern[bytes] | None] = None
    #: True when each file is fixed on its own (trivial plan).
    LOCAL: ClassVar[bool] = True
    #: the options dataclass: its fields are the keys of ``[tool.backfix.<id>]`` and ``-o``.
    Options: ClassVar[type[CodemodOptions]] = CodemodOptions
    #: source shown (before and after) by ``codemod describe``.
    EXAMPLE: ClassVar[str] = ""

    #: the checked options; a subclass narrows the type (``options: BareExceptOptions``).
    options: Any

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A built-in codemod gets its id when it is defined, the one the registry gives it: the
        registry imports only the codemods a run selects, and tests import classes directly."""
        super().__init_subclass__(**kwargs)
        package, _, module = cls.__module__.rpartition(".")
        if package == "backfix.builtin_codemods" and not cls.ID:
            cls.ID = module.replace("_", "-")

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        """Check ``options`` (config and ``-o`` values) against ``Options``; raises ConfigError."""
        self.options = type(self).Options.from_mapping(self.ID, options)

    @classmethod
    def option_names(cls) -> list[str]:
        """The names of this codemod's options (config keys and ``-o`` keys)."""
        return list(cls.Options.specs())

    def project_options(
        self, files: Sequence[str], read: Callable[[str], bytes | None]
    ) -> tuple[dict[str, Any], list[str]]:
        """Options this codemod takes from the project before any file is analysed (the run's
        ``files``, ``read`` giving their bytes), and notes that say so; none by default. The run
        adds them to the configured ones, so the cache tells runs with and without them apart."""
        return {}, []

    @classmethod
    def wants(cls, raw: bytes) -> bool:
        """The cheap text prefilter: can this file contain a violation at all?"""
        return cls.PREFILTER is None or cls.PREFILTER.search(raw) is not None

    def violation(
        self,
        source: SourceFile,
        line: int,
        col: int,
        message: str,
        *,
        fixable: bool = True,
        reason: str = "",
        reason_id: str = "",
        scope: str = "",
        snippet: str = "",
        tier: str = REVIEW,
    ) -> Violation:
        """Build a Violation of this codemod in ``source``.

        ``line`` is 1-based and ``col`` 0-based, as `ast` and LibCST report them; the Violation stores
        a 1-based column, as editors and linters print ``path:line:col``. ``tier`` is ``safe`` only
        for a rewrite that is mechanically equivalent (see docs/review.md). ``reason_id`` names a
        manual-review reason with a stable kebab-case id documented in the codemod's ``docs/`` page.
        A :class:`~backfix.local.LocalCodemod` never calls this: ``report`` derives it all.
        """
        return Violation(
            path=source.path,
            line=line,
            col=col + 1,
            codemod=self.ID,
            message=message,
            fixable=fixable,
            reason=reason,
            reason_id=reason_id,
            scope=scope,
            snippet=snippet,
            tier=tier,
        )

    def analyze(self, source: SourceFile) -> FileFacts[FactsT]:
        """Find this codemod's violations in one file. Runs in a worker; must be pure."""
        raise NotImplementedError

    def plan(self, facts: Sequence[FileFacts[FactsT]], project: ProjectContext) -> Plan[EditsT]:
        """Combine per-file facts into edits.

        The default fixes each file with a fixable violation, handing its facts' data to ``rewrite``
        unchanged: it suits codemods whose ``EditsT`` is their ``FactsT``.
        """
        violations = [v for fact in facts for v in fact.violations]
        edits = {
            fact.path: cast(EditsT, fact.data)
            for fact in facts
            if any(v.fixable for v in fact.violations)
        }
        return Plan(violations=violations, edits=edits)

    def rewrite(self, source: SourceFile, edits: EditsT) -> cst.Module:
        """Apply one file's edits and return the new tree. Runs in a worker."""
        raise NotImplementedError
