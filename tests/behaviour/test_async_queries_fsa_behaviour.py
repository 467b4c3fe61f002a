"""Table D: legacy Flask-SQLAlchemy queries and their ``--mode sync`` rewrite agree on the same data.

404s count as results (``NotFound``), pagination objects are compared by their items and counters.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from backfix.builtin_codemods.async_queries import AsyncQueries
from sqlalchemy import text
from sqlalchemy.engine import Row
from sqlalchemy.exc import LegacyAPIWarning, SADeprecationWarning

from backfix.discovery import Workspace
from backfix.runner import CodemodSpec, RunOptions, run

DATA = Path(__file__).parent / "aq_data"
CASES = sorted(
    line[4:].split("(")[0]
    for line in (DATA / "legacy_fsa_cases.py").read_text().splitlines()
    if line.startswith("def ")
)


#: Flask-SQLAlchemy 3 rejects positional `paginate()` arguments (TypeError); the rewrite passes them
#: as keywords, so it is compared with the keyword form of the same legacy call.
REFERENCE = {"f6_paginate_positional": "f6_paginate_keywords"}


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def modules(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ModuleType, ModuleType, Path]]:
    """The legacy cases and their sync rewrite, importable next to ``fsa_models``."""
    root = tmp_path_factory.mktemp("aq_fsa")
    for name in ("fsa_models.py", "legacy_fsa_cases.py"):
        shutil.copy(DATA / name, root / name)
    spec = CodemodSpec(AsyncQueries, "async-queries", (("mode", "sync"),))
    result = run(
        Workspace(root=root),
        RunOptions(specs=[spec], paths=[root / "legacy_fsa_cases.py"], apply=True, jobs=1),
    )
    assert not result.errors and not result.violations, result.violations
    (change,) = result.changes
    assert b".query" not in change.after
    (root / "rewritten_fsa_cases.py").write_bytes(change.after)
    sys.path.insert(0, str(root))
    try:
        legacy = _load(root / "legacy_fsa_cases.py", "aq_fsa_legacy")
        rewritten = _load(root / "rewritten_fsa_cases.py", "aq_fsa_rewritten")
        yield legacy, rewritten, root
    finally:
        sys.path.remove(str(root))
        for name in ("fsa_models", "aq_fsa_legacy", "aq_fsa_rewritten"):
            sys.modules.pop(name, None)


def _norm(value: Any) -> Any:
    if hasattr(value, "__table__"):
        return (type(value).__name__, value.id)
    if isinstance(value, Row):
        return ("row", tuple(_norm(v) for v in value))
    if isinstance(value, (list, tuple)):
        return [_norm(v) for v in value]
    return value


def _call(module: ModuleType, name: str, db_path: Path, strict: bool) -> tuple[Any, Any]:
    import fsa_models  # type: ignore[import-not-found]

    app = fsa_models.make_app(f"sqlite:///{db_path}")
    with app.app_context():
        fsa_models.seed()
        with warnings.catch_warnings():
            if strict:
                warnings.simplefilter("error", LegacyAPIWarning)
                warnings.simplefilter("error", SADeprecationWarning)
            else:
                warnings.simplefilter("ignore")
            try:
                result = _norm(getattr(module, name)())
            except Exception as exc:  # a 404 is part of the behaviour
                result = ("raises", type(exc).__name__, getattr(exc, "description", ""))
        state = fsa_models.db.session.execute(
            text("SELECT 'u', id, active FROM user UNION ALL SELECT 'p', id, author_id FROM post")
        ).all()
        fsa_models.db.session.remove()
    return result, sorted(tuple(r) for r in state)


@pytest.mark.parametrize("name", CASES)
def test_fsa_rewrite_matches_legacy(
    modules: tuple[ModuleType, ModuleType, Path], name: str
) -> None:
    """Same result, same 404s, same data afterwards; no legacy warning in the rewrite."""
    legacy, rewritten, root = modules
    if name in REFERENCE:
        raised = _call(legacy, name, root / f"{name}-old.db", strict=False)[0]
        assert raised[:2] == ("raises", "TypeError")
    expected = _call(legacy, REFERENCE.get(name, name), root / f"{name}-legacy.db", strict=False)
    actual = _call(rewritten, name, root / f"{name}-new.db", strict=True)
    assert actual == expected
