"""backfix: codemods for Flask/FastAPI + SQLAlchemy backends.

The public API for writing codemods: subclass :class:`Codemod`, return :class:`FileFacts` from
``analyze`` and a LibCST module from ``rewrite``.
"""

from backfix.loading import long_lived

with long_lived():  # LibCST loads here
    from backfix.codemod import Codemod, ConfigError, Plan, ProjectContext
    from backfix.results import FileChange, FileError, FileFacts, RunResult, Violation
    from backfix.source import SourceError, SourceFile

__all__ = [
    "Codemod",
    "ConfigError",
    "FileChange",
    "FileError",
    "FileFacts",
    "Plan",
    "ProjectContext",
    "RunResult",
    "SourceError",
    "SourceFile",
    "Violation",
]
