"""move-commits' one `ast` walk decides what the separate walks it replaced decided.

The pre-check (``quick.may_have_route_commits``) and the reduction (``reduce.kept_functions``) read
the facts of one walk (``ast_reading``); this test keeps the earlier walks (a ``NodeVisitor`` for the
routes and commits, ``ast.walk`` for the view names, the outer functions and what each reads) and
compares both answers over every snapshot input, the e2e applications, a generated web-app corpus
and hand-written edge cases.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits import quick, reduce
from backfix.builtin_codemods.move_commits.frameworks import ROUTE_BASES
from testkit import repository_sources, write_webapp_corpus

from backfix.ast_utils import last_name
from backfix.web_routes import ROUTE_DECORATORS

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_VIEW_REGISTRARS = {"add_url_rule": 2, "add_api_route": 1, "add_resource": 0}
_HOOKS = frozenset({"before_request", "before_app_request"})
_KEEP_TYPES = frozenset(
    {ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.Global, ast.Nonlocal}
)

# --- the earlier walks -------------------------------------------------------------------------


def _view_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        position = _VIEW_REGISTRARS.get(last_name(node.func, through_subscript=False))
        if position is None:
            continue
        values = [kw.value for kw in node.keywords if kw.arg in {"view_func", "endpoint"}]
        if len(node.args) > position:
            values.append(node.args[position])
        for value in values:
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                value = value.func.value
            names.add(last_name(value, through_subscript=False))
    return names


def _is_route_decorated(node: FunctionNode | ast.ClassDef, attrs: frozenset[str]) -> bool:
    return any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in attrs
        for d in node.decorator_list
    )


def _is_commit(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
        and not node.args
        and not node.keywords
    )


class _Finder(ast.NodeVisitor):
    def __init__(self, views: set[str]) -> None:
        self.views = views
        self.route_depth = 0
        self.found = False
        self.has_routes = False
        self.commits = 0

    def _function(self, node: FunctionNode) -> None:
        is_route = node.name in self.views or _is_route_decorated(node, ROUTE_DECORATORS)
        self.has_routes = self.has_routes or is_route
        self.route_depth += is_route
        self.generic_visit(node)
        self.route_depth -= is_route

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        is_view = (
            node.name in self.views
            or any(last_name(base, through_subscript=False) in ROUTE_BASES for base in node.bases)
            or _is_route_decorated(node, frozenset({"route"}))
        )
        self.has_routes = self.has_routes or is_view
        self.route_depth += is_view
        self.generic_visit(node)
        self.route_depth -= is_view

    def visit_Call(self, node: ast.Call) -> None:
        if _is_commit(node):
            self.commits += 1
            self.found = self.found or bool(self.route_depth)
        self.generic_visit(node)


def _old_may_have_route_commits(tree: ast.Module, in_route_path: bool) -> bool:
    if in_route_path:
        return any(_is_commit(node) for node in ast.walk(tree))
    finder = _Finder(_view_names(tree))
    finder.visit(tree)
    return finder.found or (finder.has_routes and finder.commits > 0)


def _read(function: FunctionNode) -> tuple[bool, set[str]]:
    must = any(last_name(d, through_subscript=False) in _HOOKS for d in function.decorator_list)
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif node is function or must:
            continue
        elif isinstance(node, ast.Call):
            func = node.func
            must = (isinstance(func, ast.Attribute) and func.attr == "commit") or last_name(
                func, through_subscript=False
            ) in _VIEW_REGISTRARS
        elif type(node) in _KEEP_TYPES or (isinstance(node, ast.ImportFrom) and node.level):
            must = True
    return must, names


def _layout(
    node: ast.AST,
    classes: list[ast.ClassDef],
    functions: list[FunctionNode],
    owners: dict[int, list[ast.ClassDef]],
    all_classes: list[ast.ClassDef],
) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(child)
            owners[id(child)] = classes
        elif isinstance(child, ast.ClassDef):
            all_classes.append(child)
            owners[id(child)] = classes
            _layout(child, [*classes, child], functions, owners, all_classes)
        elif isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
            _layout(child, classes, functions, owners, all_classes)


def _old_kept_functions(tree: ast.Module) -> set[int]:
    functions: list[FunctionNode] = []
    owners: dict[int, list[ast.ClassDef]] = {}
    classes: list[ast.ClassDef] = []
    _layout(tree, [], functions, owners, classes)
    found = {id(f): _read(f) for f in functions}
    kept = {key for key, (must, _names) in found.items() if must}
    names: set[str] = set()
    for key in kept:
        names |= found[key][1]
    read: set[int] = set()
    changed = True
    while changed:
        changed = False
        for owner in classes:
            if id(owner) not in read and (
                owner.name in names or any(id(c) in read for c in owners[id(owner)])
            ):
                read.add(id(owner))
                names |= {n.id for n in ast.walk(owner) if isinstance(n, ast.Name)}
                changed = True
        for function in functions:
            around = owners[id(function)]
            if id(function) not in kept and (
                (not around and function.name in names) or any(id(c) in read for c in around)
            ):
                kept.add(id(function))
                names |= found[id(function)][1]
                changed = True
    # and the `__init__` of a class one of whose methods is kept
    holders = {id(owners[key][-1]) for key in kept if owners[key]}
    kept |= {
        id(f)
        for f in functions
        if f.name == "__init__" and owners[id(f)] and id(owners[id(f)][-1]) in holders
    }
    return kept


# --- the comparison ----------------------------------------------------------------------------

_HEAD = (
    "from flask import Blueprint\nfrom app.extensions import db\nbp = Blueprint('b', __name__)\n"
)
EDGES = {
    "no routes": "def save(x):\n    db.session.add(x)\n    db.session.commit()\n",
    "route": _HEAD + "@bp.post('/x')\ndef create():\n    db.session.commit()\n    return ''\n",
    "helper of a route module": _HEAD + "def save():\n    db.session.commit()\n"
    "@bp.get('/x')\ndef show():\n    return ''\n",
    "registered view": "def create():\n    db.session.commit()\n"
    "app.add_url_rule('/x', 'x', view_func=create)\n"
    "api.add_resource(Jobs.as_view('jobs'), '/jobs')\n",
    "view class": "class Jobs(MethodView):\n    def post(self):\n        db.session.commit()\n",
    "route class decorator": "@api.route('/x')\nclass Jobs:\n    def post(self):\n"
    "        db.commit()\n",
    "commit with arguments": _HEAD + "@bp.post('/x')\ndef create():\n    tx.commit(1)\n",
    "commit in a decorator": "@bp.post(db.session.commit())\ndef f():\n    pass\n",
    "nested and hooks": _HEAD + "class Outer:\n    class Inner:\n        def m(self):\n"
    "            return helper()\n    if x:\n        def n(self):\n            return 1\n"
    "def helper():\n    return lambda: 1\n"
    "@bp.before_request\ndef load():\n    g.x = Outer\n"
    "@bp.post('/x')\ndef create():\n    from .models import Job\n    global counter\n"
    "    db.session.commit()\n",
    "match and try": "match x:\n    case 1:\n        def f():\n            db.commit()\n"
    "try:\n    pass\nexcept E:\n    class C(Resource):\n        def get(self):\n"
    "            return D()\nclass D:\n    def m(self):\n        return 1\n",
}


def _differences(sources: dict[str, str]) -> list[str]:
    differ: list[str] = []
    for name, code in sources.items():
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for in_route_path in (False, True):
            old = _old_may_have_route_commits(tree, in_route_path)
            if quick.may_have_route_commits(tree, in_route_path) != old:
                differ.append(f"{name}: pre-check, in_route_path={in_route_path}")
        if reduce.kept_functions(tree) != _old_kept_functions(tree):
            differ.append(f"{name}: kept functions")
    return differ


def test_edge_cases_decide_the_same() -> None:
    assert _differences(EDGES) == []


def test_edge_cases_decide_both_ways() -> None:
    # The comparison above means something only when the answers vary.
    answers = {quick.may_have_route_commits(ast.parse(code), False) for code in EDGES.values()}
    assert answers == {True, False}
    trees = [ast.parse(code) for code in EDGES.values()]
    left_out = [len(_functions(tree)) - len(reduce.kept_functions(tree)) for tree in trees]
    assert any(left_out) and not all(left_out)


def _functions(tree: ast.Module) -> list[FunctionNode]:
    functions: list[FunctionNode] = []
    _layout(tree, [], functions, {}, [])
    return functions


def test_repository_sources_decide_the_same() -> None:
    assert _differences(repository_sources()) == []


@pytest.mark.parametrize(("seed", "resources"), [(0, 8), (7, 12)])
def test_generated_corpus_decides_the_same(tmp_path: Path, seed: int, resources: int) -> None:
    write_webapp_corpus(tmp_path, seed=seed, resources=resources)
    sources = {
        str(p.relative_to(tmp_path)): p.read_text(encoding="utf-8")
        for p in sorted(tmp_path.rglob("*.py"))
    }
    assert _differences(sources) == []


def test_the_walk_skips_only_fields_that_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from backfix.builtin_codemods.move_commits import ast_reading

    trees: list[ast.Module] = []
    for code in [*EDGES.values(), *repository_sources().values()]:
        try:
            trees.append(ast.parse(code))
        except SyntaxError:
            continue
    skipping = [repr(ast_reading._Walk().run(tree)) for tree in trees]
    monkeypatch.setattr(ast_reading, "SKIPPED_FIELDS", frozenset())
    monkeypatch.setattr(ast_reading, "_WALKED", {})
    assert [repr(ast_reading._Walk().run(tree)) for tree in trees] == skipping
