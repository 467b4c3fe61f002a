"""The plug-in API: options dataclasses, LocalCodemod's single-pass report/fix, reason ids in outputs."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
import pytest

from backfix.codemod import CodemodOptions, ConfigError
from backfix.console import violation_line
from backfix.ledger import Entry
from backfix.local import LocalCodemod
from backfix.options import option
from backfix.reports.sarif import _result
from backfix.results import SAFE, Violation
from backfix.source import SourceFile


@dataclass(frozen=True)
class _Options(CodemodOptions):
    enabled: bool = option(True, help="Turn it on.", flag="--no-thing", flag_value=False)
    names: tuple[str, ...] = option((), help="Names.", comma_list=True)
    paths: tuple[str, ...] = option(("a",), help="Paths.")
    mode: str = option("one", help="Mode.", flag="--mode", choices=("one", "two"))
    width: int = option(0, help="Width.")


class NoPrint(LocalCodemod):
    """``print(x)`` → ``log(x)``; a ``print`` with ``file=`` is left for manual review."""

    Options = _Options
    options: _Options

    def visit_Call(self, node: cst.Call) -> None:
        if not (isinstance(node.func, cst.Name) and node.func.value == "print"):
            return
        if any(arg.keyword is not None for arg in node.args):
            self.report(
                node, "print with file=", reason="goes elsewhere", reason_id="print-to-file"
            )
            return
        self.report(
            node, "print call", replacement=node.with_changes(func=cst.Name("log")), tier=SAFE
        )


NoPrint.ID = "no-print"


def _source(text: str) -> SourceFile:
    return SourceFile("m.py", "/nonexistent/m.py", text.encode())


def test_options_are_checked_and_typed() -> None:
    codemod = NoPrint({"names": "a, b", "paths": ["x", "y"], "mode": "two", "width": 3})
    assert codemod.options == _Options(
        enabled=True, names=("a", "b"), paths=("x", "y"), mode="two", width=3
    )
    assert NoPrint.option_names() == ["enabled", "names", "paths", "mode", "width"]
    assert [(f.flag, f.option, f.value) for f in _Options.flags()] == [
        ("--no-thing", "enabled", False),
        ("--mode", "mode", None),
    ]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"colour": 1},
            "no-print: unknown option 'colour' (known: enabled, mode, names, paths, width)",
        ),
        ({"enabled": "yes"}, "no-print: option 'enabled' must be true or false"),
        ({"width": True}, "no-print: option 'width' must be an integer"),
        ({"paths": "x,y"}, "no-print: option 'paths' must be a list of names"),
        ({"mode": "three"}, "no-print: option 'mode' must be one of one, two"),
    ],
)
def test_bad_options_name_the_key_and_the_codemod(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        NoPrint(values)
    assert message in str(caught.value)


def test_one_match_gives_the_violation_and_the_fix() -> None:
    text = "def f():\n    print(1)\n    print(2, file=x)\n\n\nprint(3)\n"
    codemod = NoPrint()
    violations = codemod.analyze(_source(text)).violations
    assert [(v.line, v.col, v.message, v.fixable, v.scope, v.reason_id) for v in violations] == [
        (2, 5, "print call", True, "f", ""),
        (3, 5, "print with file=", False, "f", "print-to-file"),
        (6, 1, "print call", True, "", ""),
    ]
    assert violations[0].tier == SAFE
    # the fingerprint key is the match's code (whitespace collapsed) and its ordinal in the scope
    assert violations[0].snippet == "print(1)#1"
    new = codemod.rewrite(_source(text), None)
    assert new.code == "def f():\n    log(1)\n    print(2, file=x)\n\n\nlog(3)\n"


def test_nested_matches_are_both_fixed_with_a_function_replacement() -> None:
    class Wrap(LocalCodemod):
        """Every call ``f(...)`` becomes ``g(...)``, also inside another one."""

        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Name) and node.func.value == "f":
                self.report(
                    node, "f call", replacement=lambda n: n.with_changes(func=cst.Name("g"))
                )

    assert Wrap().rewrite(_source("f(f(1))\n"), None).code == "g(g(1))\n"


def test_codemods_share_one_metadata_resolution_per_file() -> None:
    from libcst.metadata import PositionProvider, ScopeProvider

    source = _source("def f():\n    print(1)\n")
    wrapper = source.metadata
    assert source.metadata is wrapper
    assert wrapper.module is source.module  # no copy: positions are looked up by the file's nodes
    positions = wrapper.resolve(PositionProvider)
    NoPrint().analyze(source)  # the visit finds the positions already resolved
    assert wrapper.resolve(PositionProvider) is positions
    assert source.metadata.resolve(ScopeProvider)[source.module] is not None
    assert wrapper.resolve(PositionProvider) is positions


def test_a_match_without_fix_needs_a_reason() -> None:
    class Bad(LocalCodemod):
        """Reports without a reason."""

        def visit_Name(self, node: cst.Name) -> None:
            self.report(node, "a name")

    with pytest.raises(ValueError, match="needs a reason"):
        Bad().analyze(_source("x\n"))


def test_reason_id_is_shown_in_text_sarif_and_ledger() -> None:
    violation = Violation(
        "m.py",
        3,
        5,
        "no-print",
        "print with file=",
        fixable=False,
        reason="goes elsewhere",
        reason_id="print-to-file",
    )
    assert violation_line(violation) == (
        "m.py:3:5: [no-print] print with file= [manual: print-to-file] goes elsewhere"
    )
    assert _result(violation, 0, None)["properties"]["reasonId"] == "print-to-file"
    entry = Entry.from_violation(violation)
    assert entry.to_json()["reason_id"] == "print-to-file"
    assert Entry.from_json("no-print", "m.py", entry.to_json()).reason_id == "print-to-file"


def test_codemod_flags_come_from_the_options_declarations() -> None:
    from click.testing import CliRunner

    from backfix.cli import main
    from backfix.flags import declared_flags

    flags = {spec.flag: spec.option for spec in declared_flags()}
    assert flags == {"--mode": "mode", "--no-logging": "log_swallowed", "--templates": "templates"}
    help_text = CliRunner().invoke(main, ["apply", "--help"]).output
    assert all(flag in help_text for flag in flags)
    result = CliRunner().invoke(main, ["apply", "move-commits", "--no-logging", "--dry-run"])
    assert result.exit_code == 2
    assert "--no-logging does not apply to move-commits (it is an option of bare-except)" in (
        result.output
    )
