"""bare-except on a few hundred generated programs: no crash, output compiles, nothing else changes.

hypothesmith generates syntactically valid Python from the grammar; each program gets a bare handler
of one of the three kinds, before or after it. The file goes through the engine's own worker
function (analysis, rewrite, round-trip guard, output check), so what is checked is what `apply`
would write.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backfix.registry import get_codemod
from backfix.runner import CodemodSpec, _analyze, _AnalyzeTask

BareExcept = get_codemod("bare-except")
NO_LOGGING = CodemodSpec(BareExcept, BareExcept.ID, (("log_swallowed", False),))
LOGGING = CodemodSpec(BareExcept, BareExcept.ID)

HANDLERS = [
    "try:\n    import foo\nexcept:\n    foo = None\n",
    "try:\n    f()\nexcept:\n    cleanup()\n    raise\n",
    "for item in items:\n    try:\n        item.close()\n    except :  # why\n        continue\n",
    "def g():\n    try:\n        return h()\n    except: pass\n",
]
BARE = re.compile(rb"except[ \t]*:")
#: what every test run saw, for the figures in the closing note (printed with -s).
FIGURES: Counter[str] = Counter()


def compiles(source: bytes) -> bool:
    """True when CPython compiles ``source``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<generated>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def fix(tmp: Path, source: bytes, spec: CodemodSpec) -> tuple[bytes | None, list[str], list[int]]:
    """What the engine would write for ``source`` (None: nothing), its error kinds, fixed lines."""
    path = tmp / "generated.py"
    path.write_bytes(source)
    outcome = _analyze(_AnalyzeTask("generated.py", str(path), (spec,), rewrite_local=True))
    after = outcome.changes[0][1].after if outcome.changes else None
    lines = [v.line for _, facts in outcome.facts for v in facts.violations if v.fixable]
    return after, [e.kind for e in outcome.errors], lines


def only_handlers_changed(before: bytes, after: bytes, lines: set[int]) -> bool:
    """True when ``after`` is ``before`` with just the bare headers on ``lines`` given a type.

    Without log calls no line is added or removed, so the files compare line by line.
    """
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    if len(old) != len(new):
        return False
    for number, (line, fixed) in enumerate(zip(old, new, strict=True), 1):
        if number not in lines:
            if line != fixed:
                return False
            continue
        candidates = {
            BARE.sub(b"except Exception:", line, count=1),
            BARE.sub(b"except BaseException:", line, count=1),
        }
        if fixed not in candidates:
            return False
    return True


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[None]:
    """Print what the generated programs exercised (visible with ``pytest -s``)."""
    yield
    print(f"\ngenerated programs: {dict(FIGURES)}")


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
@given(
    program=hypothesmith.from_grammar(),
    handler=st.sampled_from(HANDLERS),
    handler_first=st.booleans(),
)
def test_generated_programs(
    tmp_path_factory: pytest.TempPathFactory, program: str, handler: str, handler_first: bool
) -> None:
    body = program if program.endswith("\n") or not program else program + "\n"
    source = (handler + body if handler_first else body + handler).encode("utf-8")
    assume(compiles(source))
    FIGURES["programs"] += 1
    FIGURES["with a bare except of their own"] += bool(BARE.search(program.encode("utf-8")))
    tmp = tmp_path_factory.mktemp("generated")

    after, errors, lines = fix(tmp, source, NO_LOGGING)
    assert set(errors) <= {"formatting-loss"}, errors
    if errors:
        FIGURES["refused by the round-trip guard"] += 1
        assert after is None
        return
    assert lines, "the added handler is always found"
    FIGURES["fixed"] += 1
    FIGURES["handlers fixed"] += len(set(lines))
    assert after is not None
    assert compiles(after)
    assert only_handlers_changed(source, after, set(lines))
    assert fix(tmp, after, NO_LOGGING)[0] is None  # a second run changes nothing

    logged, errors, _ = fix(tmp, source, LOGGING)
    assert not errors and logged is not None
    assert compiles(logged)
    assert fix(tmp, logged, LOGGING)[0] is None
