"""Which library a project logs with, so that a logger a codemod adds follows it:
``logging.getLogger(__name__)``, structlog's ``get_logger()`` in a project that uses structlog, or
loguru's ready-made ``logger`` in a project that imports it (``from loguru import logger``)."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from backfix.lint_settings import project_files

LOGGING = "logging"
STRUCTLOG = "structlog"
LOGURU = "loguru"

#: ``import structlog``, and ``from structlog import get_logger`` (``structlog.stdlib`` too)
_IMPORTS_STRUCTLOG = re.compile(r"^[ \t]*import structlog\b", re.MULTILINE)
_IMPORTS_GET_LOGGER = re.compile(
    r"^[ \t]*from structlog(?:\.stdlib)? import [^\n]*\bget_logger\b", re.MULTILINE
)
#: ``from loguru import logger``: loguru's one logger, which a module imports rather than defines
_IMPORTS_LOGURU = re.compile(r"^[ \t]*from loguru import [^\n]*\blogger\b", re.MULTILINE)
#: the argument a structlog logger is asked for with (``get_logger()``, ``get_logger(__name__)``)
_GET_LOGGER_ARGUMENT = re.compile(r"\bget_logger\(\s*(__name__)?\s*\)")


@dataclass(frozen=True)
class LoggerStyle:
    """How to define a module's logger: the library, the argument of its factory (``__name__``
    or nothing), and for structlog whether the project imports ``get_logger`` from it rather than
    ``structlog`` itself."""

    library: str = LOGGING
    argument: str = "__name__"
    from_import: bool = False


STDLIB = LoggerStyle()
LOGURU_STYLE = LoggerStyle(LOGURU, "")


@functools.lru_cache(maxsize=16)
def project_logger_style(root: Path) -> LoggerStyle:
    """loguru's when more of the Python files under ``root`` import loguru's ``logger`` than ask
    ``logging.getLogger`` for one or import structlog; structlog's when more of them import
    structlog than ask ``logging.getLogger``, spelled as most of them spell it; else the standard
    library's."""
    files: Counter[str] = Counter()
    arguments: Counter[str] = Counter()
    for path in project_files(root):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "logging.getLogger(" in text:
            files[LOGGING] += 1
        if "loguru" in text and _IMPORTS_LOGURU.search(text):
            files[LOGURU] += 1
        if "structlog" not in text:
            continue
        imports, from_imports = _IMPORTS_STRUCTLOG.search(text), _IMPORTS_GET_LOGGER.search(text)
        if imports or from_imports:
            files[STRUCTLOG] += 1
            files["from"] += bool(from_imports and not imports)
            arguments.update(_GET_LOGGER_ARGUMENT.findall(text))
    if files[LOGURU] > max(files[LOGGING], files[STRUCTLOG]):
        return LOGURU_STYLE
    if files[STRUCTLOG] <= files[LOGGING]:
        return STDLIB
    argument = arguments.most_common(1)[0][0] if arguments else ""
    return LoggerStyle(STRUCTLOG, argument, from_import=files["from"] * 2 > files[STRUCTLOG])


def structlog_style(root: Path | None) -> LoggerStyle:
    """structlog's style for a module that imports structlog: the project's spelling of it, if the
    project logs with structlog, else ``get_logger()``."""
    project = project_logger_style(root) if root is not None else STDLIB
    return project if project.library == STRUCTLOG else LoggerStyle(STRUCTLOG, "")
