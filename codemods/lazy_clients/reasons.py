"""The stable ids of lazy-clients' manual-review reasons.

Each id is shown with its reason (``[manual: <id>]``, ``reason_id`` in JSON and SARIF) and has a
``### <id>`` section in docs/lazy-clients.md saying what it means and what to do.
"""

from __future__ import annotations

ASSIGNED_AGAIN = "client-assigned-again"
DEFAULT_ARGUMENT = "client-default-argument"
DELETED = "client-deleted"
IN_ALL = "client-in-all"
USED_AT_IMPORT = "client-used-at-import"
GETTER_NAME_TAKEN = "getter-name-taken"
STAR_IMPORT = "client-star-imported"
RE_EXPORTED = "client-re-exported"
PATCHED_BY_NAME = "client-patched-by-name"
FUNCTOOLS_NAME_TAKEN = "functools-name-taken"
IMPORT_NOT_RESOLVED = "client-import-not-resolved"
BLOCK_BINDS_OTHER_NAMES = "client-block-binds-other-names"

#: every id, in the order the docs list them.
ALL = (
    ASSIGNED_AGAIN,
    DEFAULT_ARGUMENT,
    DELETED,
    IN_ALL,
    USED_AT_IMPORT,
    GETTER_NAME_TAKEN,
    STAR_IMPORT,
    RE_EXPORTED,
    PATCHED_BY_NAME,
    FUNCTOOLS_NAME_TAKEN,
    IMPORT_NOT_RESOLVED,
    BLOCK_BINDS_OTHER_NAMES,
)
