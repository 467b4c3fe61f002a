"""Every legacy query ends fixed or reported: counted independently with `ast`, then compared.

The count does not reuse the codemod: it walks each file's `ast` and takes as a legacy query

* ``<anything>.query(<args>)`` with arguments (these inputs call no other ``query()`` method);
* ``<Class>.query`` (Flask-SQLAlchemy's query property) read anywhere;
* ``cls.query``, and ``<anything>.query`` followed by a Query method (``self.model.query.all()``);
* ``self.model.query`` (``model``, ``model_class``, ``__model__``) assigned or returned as it is.

Inputs: the async-queries snapshot cases and the e2e apps. For each, ``fixed + reported`` from an
in-process ``apply`` (nothing is written) must equal that count, file by file and line by line.
"""

from __future__ import annotations

import ast
import shutil
from collections import Counter
from pathlib import Path

import pytest
from backfix.builtin_codemods.async_queries import _RELEVANT, AsyncQueries

from backfix.config import tomllib
from backfix.discovery import Workspace
from backfix.runner import CodemodSpec, RunOptions, run

ROOT = Path(__file__).resolve().parents[2]
QUERY_METHODS = frozenset(
    [
        "filter",
        "filter_by",
        "order_by",
        "limit",
        "offset",
        "join",
        "outerjoin",
        "options",
        "all",
        "first",
        "one",
        "one_or_none",
        "scalar",
        "count",
        "get",
        "paginate",
        "get_or_404",
        "first_or_404",
        "one_or_404",
        "delete",
        "update",
        "with_entities",
        "distinct",
        "group_by",
        "having",
        "subquery",
        "exists",
    ]
)


def _is_class_name(node: ast.expr) -> bool:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return bool(name[:1].isupper()) and any(c.islower() for c in name)


def legacy_lines(tree: ast.Module) -> list[int]:
    """Lines where a legacy query starts."""
    called: set[int] = set()
    lines: list[int] = []
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            called.add(id(node.func))
            if node.func.attr == "query" and node.args:
                lines.append(node.lineno)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "query"):
            continue
        if id(node) in called or not isinstance(node.ctx, ast.Load):
            continue
        parent = parents.get(node)
        followed = isinstance(parent, ast.Attribute) and parent.attr in QUERY_METHODS
        owner = node.value
        is_cls = isinstance(owner, ast.Name) and owner.id == "cls"
        kept = isinstance(parent, ast.Assign | ast.Return) and getattr(owner, "attr", "") in {
            "model",
            "model_class",
            "__model__",
        }
        if _is_class_name(owner) or is_cls or followed or kept:
            lines.append(node.lineno)
    return lines


def _cases() -> list[tuple[str, Path, dict[str, object]]]:
    found: list[tuple[str, Path, dict[str, object]]] = []
    for case in sorted((ROOT / "snapshots" / "async-queries").iterdir()):
        options: dict[str, object] = {}
        if (case / "case.toml").is_file():
            data = tomllib.loads((case / "case.toml").read_text())
            options = dict(data.get("options", {}))
        source = case / "input" if (case / "input").is_dir() else case / "input.py"
        found.append((f"snapshot:{case.name}", source, options))
    apps = [
        *sorted((ROOT / "tests/e2e/apps").glob("*/")),
        *(ROOT / "tests/e2e/async_apps").glob("*/"),
    ]
    for app in [*sorted(apps), ROOT / "examples" / "taskboard"]:
        # Tool caches (.ruff_cache, __pycache__) left by other tests are not apps.
        if app.is_dir() and not app.name.startswith((".", "__")):
            found.append((f"app:{app.name}", app, {"mode": "sync"}))
    return found


CASES = _cases()


@pytest.mark.parametrize(("name", "source", "options"), CASES, ids=[c[0] for c in CASES])
def test_fixed_plus_reported_equals_found(
    name: str, source: Path, options: dict[str, object], tmp_path: Path
) -> None:
    """No legacy query is silently left out: the codemod accounts for each one."""
    project = tmp_path / "project"
    if source.is_dir():
        shutil.copytree(source, project, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        project.mkdir()
        shutil.copy(source, project / "input.py")
    expected: Counter[tuple[str, int]] = Counter()
    for path in sorted(project.rglob("*.py")):
        rel = path.relative_to(project).as_posix()
        for line in legacy_lines(ast.parse(path.read_bytes())):
            expected[(rel, line)] += 1
    spec = CodemodSpec(AsyncQueries, "async-queries", tuple(sorted(options.items())))
    result = run(
        Workspace(root=project),
        RunOptions(specs=[spec], paths=[project], apply=True, jobs=1),
    )
    accounted: Counter[tuple[str, int]] = Counter(
        (v.path, v.line)
        for v in [*result.fixed, *result.violations]
        if v.message.startswith("legacy")
    )
    assert accounted == expected, (
        f"missed: {sorted((expected - accounted).elements())}; "
        f"extra: {sorted((accounted - expected).elements())}"
    )


def _files(source: Path) -> list[Path]:
    return sorted(source.rglob("*.py")) if source.is_dir() else [source]


@pytest.mark.parametrize(("name", "source", "options"), CASES, ids=[c[0] for c in CASES])
def test_every_legacy_query_passes_the_byte_filters_on_its_own(
    name: str, source: Path, options: dict[str, object]
) -> None:
    """The pre-filters decide on bytes alone which files are read at all. The count above holds
    only while some part of each file matches them; here each query's own line and the next
    must, so that a file holding just that query is read too."""
    assert AsyncQueries.PREFILTER is not None
    for path in _files(source):
        raw = path.read_bytes()
        rows = raw.splitlines()
        for line in legacy_lines(ast.parse(raw)):
            own = b"\n".join(rows[line - 1 : line + 1])
            assert AsyncQueries.PREFILTER.search(own), (path, line)
            assert _RELEVANT.search(own), (path, line)
