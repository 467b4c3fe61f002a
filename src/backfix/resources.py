"""Locations of the files backfix ships besides its code (templates)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """The bundled jinja2 templates: the checkout's ``templates/`` or the wheel's copy."""
    checkout = _PACKAGE_DIR.parents[1] / "templates"
    if checkout.is_dir():
        return checkout
    return _PACKAGE_DIR / "templates"
