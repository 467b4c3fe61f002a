"""What the rewrite may emit: the library versions the project runs on, and the drivers it has."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backfix.codemod import ConfigError
from backfix.project import ProjectContext
from backfix.versions import Found, VersionError, find_versions

from .model import Target
from .plumbing_plan import DIALECT_SINCE, DRIVER_PACKAGES, PlumbingOptions


def project_versions(project: ProjectContext) -> dict[str, Found]:
    """The SQLAlchemy / Flask-SQLAlchemy versions of the project (``[tool.backfix.versions]`` wins)."""
    overrides = project.config.get("versions", {})
    if not isinstance(overrides, dict):
        raise ConfigError("[tool.backfix.versions] must be a table")
    try:
        return find_versions(Path(project.root), overrides, folder=project.project_folder())
    except VersionError as exc:
        raise ConfigError(str(exc)) from None


def plumbing_options(
    project: ProjectContext, versions: dict[str, Found], options: Mapping[str, Any]
) -> PlumbingOptions:
    """What the plumbing conversion may emit, and which async drivers the project already
    declares (one only installed in a virtualenv would be missing from an image built from the
    project's requirements)."""
    try:
        drivers = find_versions(
            Path(project.root),
            packages=DRIVER_PACKAGES,
            folder=project.project_folder(),
            installed=False,
        )
    except VersionError:
        drivers = {}
    sqlalchemy = versions["sqlalchemy"]
    return PlumbingOptions(
        async_url=bool(options["async_url"]),
        sqlalchemy2=sqlalchemy.at_least("2.0") is not False,
        drivers=drivers,
        missing_dialects={
            scheme: f"SQLAlchemy {since} or later (the project runs on {sqlalchemy.describe()})"
            for scheme, since in DIALECT_SINCE.items()
            if sqlalchemy.at_least(since) is False
        },
    )


def target_of(versions: dict[str, Found]) -> Target:
    """What the rewrite may emit, given the library versions the project runs on.

    An unknown Flask-SQLAlchemy version gets the forms that work on 2.x and 3.x alike; an unknown
    SQLAlchemy is taken to be recent enough for every form (as every Flask-SQLAlchemy 3 requires).
    """
    sqlalchemy, fsa = versions["sqlalchemy"], versions["flask-sqlalchemy"]
    refuse = ""
    if sqlalchemy.at_least("1.4") is False:
        # Flask-SQLAlchemy 2.5 was the first to support SQLAlchemy 1.4; 2.5.1 is the last 2.x,
        # the smallest step (3.x needs Flask 2.2 and changes APIs)
        # A range's lowest version is what the project allows, not what it is known to run on:
        # the fix is to the range.
        ranged = sqlalchemy.specifier is not None
        with_fsa = (
            f", and {'upgrade ' if ranged else ''}Flask-SQLAlchemy to 2.5.1 with it, since "
            f"{fsa.describe()} does not support SQLAlchemy 1.4"
            if fsa.at_least("2.5") is False
            else ""
        )
        upgrade = "require SQLAlchemy 1.4 or later there" if ranged else "upgrade to SQLAlchemy 1.4"
        refuse = (
            f"the project {'allows' if ranged else 'runs on'} {sqlalchemy.describe()}, which has "
            f"no 2.0-style `select()` API: {upgrade} first{with_fsa} (or set "
            "`[tool.backfix.versions] sqlalchemy` if that version is wrong)"
        )
    return Target(
        fsa3=versions["flask-sqlalchemy"].at_least("3.0") is True,
        session_scalars=sqlalchemy.at_least("1.4.26") is not False,
        session_get=sqlalchemy.at_least("1.4.4") is not False,
        write_only=sqlalchemy.at_least("2.0") is not False,
        sqlalchemy=sqlalchemy.describe(),
        refuse=refuse,
    )
