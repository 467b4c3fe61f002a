"""Types shared by the test modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: the ``lookup`` fixture: (model, primary key) → the committed row as JSON, or None.
Lookup = Callable[[type, int], dict[str, Any] | None]
