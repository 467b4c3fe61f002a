"""Exit codes, and the errors helpers raise so that only the command line exits.

Helpers never call ``sys.exit``: a problem that ends a command is a :class:`Failure`, a run stopped
by Ctrl-C or SIGTERM after it wrote part of its changes is :class:`Interrupted`. The ``codemod``
command group turns them into a message on stderr and the exit code.
"""

from __future__ import annotations

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class Failure(Exception):
    """The command cannot go on; the CLI prints ``error: <message>`` and exits 2."""


class Interrupted(Exception):
    """Ctrl-C or SIGTERM stopped the run; the message says what is on disk. The CLI exits 130."""
