"""``TypeVar`` with PEP 696 defaults for the type checker, and plain ``typing.TypeVar`` at run time.

A default (``default=Any``) lets a bare ``Codemod`` mean ``Codemod[Any, Any]`` under mypy --strict.
Python < 3.13 has no ``default`` argument and backfix does not depend on typing_extensions at run
time; the default only matters to the type checker, so it is dropped here.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import TypeVar as TypeVar
else:

    def TypeVar(name: str, *, default: object = None) -> typing.TypeVar:
        """A ``typing.TypeVar`` named ``name``; ``default`` is for the type checker only."""
        return typing.TypeVar(name)
