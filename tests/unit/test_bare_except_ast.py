"""bare-except's analysis reads `ast`; its rewrite visits LibCST: both must report the same violations.

``BareExcept.analyze`` (the `ast` detection every scan uses) and ``analyze_cst`` (the LibCST visit
that the rewrite's replacements come from) are compared, violation by violation (position, message,
fixable, reason, tier, scope, fingerprint), over every snapshot input, the e2e apps and the bundled
example, hand-written corner cases, standard-library modules, and generated programs (slow). And
`apply` LibCST-parses only the files it rewrites.
"""

from __future__ import annotations

import ast
import sys
import sysconfig
import warnings
from collections.abc import Iterator
from dataclasses import astuple
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

from backfix import source as source_module
from backfix.registry import get_codemod
from backfix.results import FileFacts
from backfix.runner import CodemodSpec, _analyze, _AnalyzeTask
from backfix.source import SourceError, SourceFile
from backfix.workers import RECURSION_LIMIT

BareExcept = get_codemod("bare-except")
ROOT = Path(__file__).resolve().parents[2]
STDLIB = Path(sysconfig.get_paths()["stdlib"])

CORNER_CASES = {
    "crlf": "def f():\r\n    try:\r\n        g()\r\n    except:\r\n        pass\r\n",
    "cr_only": "try:\r    g()\rexcept:\r    raise\r",
    "bom": "\ufefftry:\n    g()\nexcept:\n    pass\n",
    "latin1": "# -*- coding: latin-1 -*-\ns = 'caf\xe9'\ntry:\n    g()\nexcept:\n    pass\n",
    "non_ascii_before": "s = 'é'; t = '日本'\nif s:\n    try: g()\n    except: return_ = 1\n",
    "tabs_and_form_feed": "\fif x:\n\ttry:\n\t\tg()\n\texcept:\n\t\t...\n",
    "semicolons": "try: g()\nexcept: x = 1; raise\n",
    "return_none": "def f():\n    try:\n        g()\n    except:\n        return (None)\n",
    "return_value": "def f():\n    try:\n        g()\n    except:\n        return 0\n",
    "ellipsis_in_parens": "try:\n    g()\nexcept:\n    (...)\n",
    "nested": (
        "class C:\n"
        "    async def m(self):\n"
        "        try:\n"
        "            g()\n"
        "        except:\n"
        "            try:\n"
        "                h()\n"
        "            except:\n"
        "                continue_ = 1\n"
        "            raise\n"
    ),
    "same_key_twice": "try:\n    a()\nexcept:\n    pass\ntry:\n    b()\nexcept:\n    pass\n",
    "yield_from": "def f():\n    try:\n        yield from g()\n    except:\n        pass\n",
    "yield_reraise": "def f():\n    try:\n        yield 1\n    except:\n        raise\n",
    "exits": (
        "try:\n    a()\nexcept:\n    os._exit(1)\n"
        "try:\n    a()\nexcept:\n    log()\n    sys.exit('no')\n"
        "try:\n    a()\nexcept:\n    raise SystemExit\n"
        "try:\n    a()\nexcept:\n    raise SystemExit(2)\n"
        "try:\n    a()\nexcept:\n    sys.exit(1)\n    cleanup()\n"
        "try:\n    a()\nexcept:\n    raise ValueError\n"
    ),
    "yield_exit": "def f():\n    try:\n        yield 1\n    except:\n        sys.exit(1)\n",
    "yield_in_nested_def_lambda_class": (
        "def f():\n"
        "    try:\n"
        "        def inner():\n"
        "            yield 1\n"
        "        k = lambda: (yield)\n"
        "        class K:\n"
        "            def m(self):\n"
        "                yield 2\n"
        "    except:\n"
        "        pass\n"
    ),
    "yield_in_expression": "def f():\n    try:\n        x = g((yield))\n    except:\n        pass\n",
    "handlers_everywhere": (
        "for i in x:\n"
        "    try:\n"
        "        g()\n"
        "    except ValueError:\n"
        "        try: h()\n"
        "        except: continue\n"
        "    else:\n"
        "        try: h()\n"
        "        except: pass\n"
        "    finally:\n"
        "        while y:\n"
        "            with z:\n"
        "                try: h()\n"
        "                except: break\n"
        "else:\n"
        "    match v:\n"
        "        case 1:\n"
        "            try: h()\n"
        "            except: pass\n"
    ),
    "except_star_next_to_bare": (
        "try:\n    g()\nexcept* ValueError:\n    pass\ntry:\n    g()\nexcept:\n    pass\n"
    ),
}


def violations(facts: FileFacts[None]) -> list[tuple[object, ...]]:
    """Everything a violation says (tier and reason id too, which its equality leaves out)."""
    return [astuple(v) for v in facts.violations]


def compare(path: str, raw: bytes) -> int:
    """Assert that both detections agree on ``raw``; how many violations they found."""
    codemod = BareExcept()
    source = SourceFile(path, path, raw)
    if source.ast_module() is None:
        return 0  # the analysis falls back to the LibCST visit itself
    from_ast = violations(codemod.analyze(source))
    try:
        from_cst = violations(codemod.analyze_cst(SourceFile(path, path, raw)))
    except SourceError:
        return 0  # see test_a_file_libcst_cannot_parse_is_scanned_and_reported_when_fixed
    except RecursionError:
        # From Python 3.12 on, C recursion has a fixed cap, which LibCST's code generation reaches
        # on some deeply nested expressions: the reference cannot read the file at all.
        return 0
    assert from_ast == from_cst, path
    return len(from_ast)


def python_files(*folders: Path) -> Iterator[Path]:
    """The .py files under ``folders`` that bare-except's prefilter keeps."""
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            if BareExcept.wants(path.read_bytes()):
                yield path


@pytest.mark.parametrize("name", sorted(CORNER_CASES))
def test_corner_cases(name: str) -> None:
    text = CORNER_CASES[name]
    if "except*" in text and sys.version_info < (3, 11):
        pytest.skip("`except*` is Python 3.11 syntax: `ast` cannot read it here")
    encoding = "latin-1" if "latin-1" in text else "utf-8"
    assert compare(f"{name}.py", text.encode(encoding)) >= 1


def test_snapshot_inputs_e2e_apps_and_the_example() -> None:
    folders = [ROOT / "snapshots", ROOT / "tests" / "e2e", ROOT / "examples"]
    files = list(python_files(*folders))
    found = sum(compare(str(path.relative_to(ROOT)), path.read_bytes()) for path in files)
    assert len(files) > 35 and found > 50, (len(files), found)


def test_standard_library_sample() -> None:
    files = list(python_files(STDLIB / "json", STDLIB / "email", STDLIB / "logging"))
    files += [STDLIB / name for name in ("pydoc.py", "tempfile.py", "inspect.py", "subprocess.py")]
    assert sum(compare(str(path), path.read_bytes()) for path in files) > 10


def test_a_file_libcst_cannot_parse_is_scanned_and_reported_when_fixed(tmp_path: Path) -> None:
    """A form feed before an indented line is valid Python that LibCST's tokenizer refuses.

    The scan finds the handler from `ast`; `apply` cannot rewrite it and says why.
    """
    raw = b"if x:\n\f    try:\n        g()\n    except:\n        pass\n"
    with pytest.raises(SourceError):
        BareExcept().analyze_cst(SourceFile("ff.py", "ff.py", raw))
    (tmp_path / "ff.py").write_bytes(raw)
    spec = CodemodSpec(BareExcept, BareExcept.ID)
    scan = _analyze(_AnalyzeTask("ff.py", str(tmp_path / "ff.py"), (spec,), rewrite_local=False))
    assert [(v.line, v.fixable) for _, f in scan.facts for v in f.violations] == [(4, True)]
    assert not scan.errors
    apply = _analyze(_AnalyzeTask("ff.py", str(tmp_path / "ff.py"), (spec,), rewrite_local=True))
    assert not apply.changes
    assert [e.kind for e in apply.errors] == ["unsupported-syntax"]


def test_apply_parses_with_libcst_only_the_files_it_rewrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[bytes] = []
    real_parse = source_module.parse_cst

    def counting(raw: bytes) -> object:
        parsed.append(raw)
        return real_parse(raw)

    monkeypatch.setattr(source_module, "parse_cst", counting)
    files = {
        "fixable.py": "try:\n    g()\nexcept:\n    pass\n",
        "manual.py": "def f():\n    try:\n        yield 1\n    except:\n        pass\n",
        "in_a_string.py": "HELP = 'never write except: pass'\n",
    }
    spec = CodemodSpec(BareExcept, BareExcept.ID)
    outcomes = {}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        task = _AnalyzeTask(name, str(tmp_path / name), (spec,), rewrite_local=True)
        outcomes[name] = _analyze(task)
    assert parsed == [files["fixable.py"].encode()]  # once: the rewrite's visit and its checks
    assert [path for path, outcome in outcomes.items() if outcome.changes] == ["fixable.py"]
    assert [v.fixable for _, f in outcomes["manual.py"].facts for v in f.violations] == [False]


@pytest.mark.slow
def test_whole_standard_library() -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, RECURSION_LIMIT))  # as in the workers: LibCST recurses deeply
    try:
        found = sum(compare(str(path), path.read_bytes()) for path in python_files(STDLIB))
    finally:
        sys.setrecursionlimit(limit)
    assert found > 300  # 378 on Python 3.12's library, which has fewer bare `except:` than 3.11's


def _compiles(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


HANDLERS = [
    "try:\n    import foo\nexcept:\n    foo = None\n",
    "try:\n    f()\nexcept:\n    cleanup()\n    raise\n",
    "def g():\n    try:\n        yield h()\n    except: pass\n",
]


@pytest.mark.slow
@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(program=hypothesmith.from_grammar(), handler=st.sampled_from(HANDLERS))
def test_generated_programs(program: str, handler: str) -> None:
    source = handler + program + ("" if program.endswith("\n") or not program else "\n")
    assume(_compiles(source))
    try:
        found = compare("generated.py", source.encode())
    except SourceError:  # LibCST refusing a program CPython accepts is not a detection bug
        reject()
    assert found >= 1
