"""chains._scan reads the usual nodes of chains through their fields instead of walking them: it
finds the same class-like names, eager loaders and strings as a walk of every expression of the
repository's sources and of a generated web-app corpus."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.async_queries import chains as ch
from testkit import repository_sources, write_webapp_corpus

from backfix.cst_walk import walk


class _Walked(ch._CamelNames):
    """The scan as it was: a walk of everything, attributes' values included, keywords left
    out."""

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if node.attr.value in ch.EAGER_LOADERS:
            self.eager = True
        walk(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        walk(node.value, self)  # (a keyword, `Key=1`, names no class)
        return False


class _Expressions(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.BaseExpression] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.BaseExpression):
            self.found.append(node)
        return True


def _mismatches(text: str) -> list[str]:
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return []
    expressions = _Expressions()
    module.visit(expressions)
    found = []
    for node in expressions.found:
        walked = _Walked()
        walk(node, walked)
        scanned = ch._scan([node])
        if (scanned.names, scanned.eager, scanned.strings) != (
            walked.names,
            walked.eager,
            walked.strings,
        ):
            found.append(cst.Module([]).code_for_node(node))
    return found


@pytest.mark.parametrize(
    "code",
    [
        "User.query.options(joinedload(User.posts), 'x').filter(User.id.in_([1, 2])).all()",
        "session.query(Alpha, Beta.c[1:2:3], {'k': Gamma, **Delta}, {Eps}, (*Zeta, Eta))",
        "q.filter(~Alpha.x, -Beta.y | Gamma.z, Delta.a < Eps.b, Zeta.c and not Eta.d)",
        "q.filter(Alpha.x == f'{Beta.y!r:{Gamma}}' 'tail', Delta if e else Eps, await g(Zeta))",
        "session.query(Alpha).filter(lambda Row: Row.x, [Beta for Beta in items], 1.5, 2j, ...)",
        "q.filter_by(Owner=1, joinedload=2).options(x[Key], x[Low:High:Step], k=y.contains_eager)",
    ],
)
def test_the_usual_nodes_scan_as_walked(code: str) -> None:
    assert _mismatches(code + "\n") == []


def test_repository_sources_scan_as_walked() -> None:
    found = []
    for text in repository_sources().values():
        found.extend(_mismatches(text))
    assert found == []


def test_a_generated_corpus_scans_as_walked(tmp_path: Path) -> None:
    write_webapp_corpus(tmp_path, seed=3, resources=4)
    found = []
    for file in sorted(tmp_path.rglob("*.py")):
        found.extend(_mismatches(file.read_text(encoding="utf-8")))
    assert found == []
