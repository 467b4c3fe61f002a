"""The bare-except codemod's analysis: positions, messages, scopes, fingerprints and honest counts."""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.bare_except.analyze import ast_handler_kind, handler_kind

from backfix.codemod import ConfigError
from backfix.discovery import Workspace
from backfix.logger_style import project_logger_style
from backfix.registry import get_codemod
from backfix.results import Violation
from backfix.runner import CodemodSpec, RunOptions, run
from backfix.source import SourceFile

# Through the registry, as the CLI finds it (the registry also sets the codemod's id).
BareExcept = get_codemod("bare-except")
bare_except = sys.modules[BareExcept.__module__]
MESSAGES = bare_except.MESSAGES
CATCH, RERAISE, SWALLOW = bare_except.CATCH, bare_except.RERAISE, bare_except.SWALLOW

SAMPLE = textwrap.dedent(
    """\
    import os


    def load(path):
        try:
            return open(path).read()
        except:
            return


    class Store:
        def save(self, path, data):
            try:
                os.replace(path, path + ".bak")
            except:  # keep going
                self.errors += 1
            try:
                open(path, "w").write(data)
            except :
                os.replace(path + ".bak", path)
                raise

        def close(self):
            for handle in self.handles:
                try:
                    handle.close()
                except: pass


    try:
        import ujson as json
    except:
        import json
    """
)


def analyze(text: str, path: str = "mod.py") -> list[Violation]:
    """The violations BareExcept finds in ``text``."""
    codemod = BareExcept()
    source = SourceFile(path, path, text.encode())
    return list(codemod.analyze(source).violations)


def test_positions_messages_and_scopes() -> None:
    # Lines and columns are 1-based and point at the `except` keyword, as linters print them.
    found = [(v.line, v.col, v.message, v.scope) for v in analyze(SAMPLE)]
    assert found == [
        (7, 5, MESSAGES[SWALLOW], "load"),
        (15, 9, MESSAGES[CATCH], "Store.save"),
        (19, 9, MESSAGES[RERAISE], "Store.save"),
        (27, 13, MESSAGES[SWALLOW], "Store.close"),
        (32, 1, MESSAGES[CATCH], ""),
    ]
    assert {v.codemod for v in analyze(SAMPLE)} == {"bare-except"}
    assert all(v.fixable and v.path == "mod.py" for v in analyze(SAMPLE))


def test_newer_grammar_is_analysed() -> None:
    # `type X = ...` is Python 3.12 syntax: `ast` on older interpreters cannot parse it.
    text = "type Alias = int\n\n\ndef f():\n    try:\n        g()\n    except:\n        pass\n"
    assert [(v.line, v.col, v.scope) for v in analyze(text)] == [(7, 5, "f")]


def test_fingerprints_survive_lines_inserted_above() -> None:
    before = analyze(SAMPLE)
    shifted_text = SAMPLE.replace(
        "import os\n",
        "import os\nimport sys\n\n\ndef helper():\n    try:\n        pass\n    finally:\n        sys.exit()\n",
    )
    after = analyze(shifted_text)
    assert [v.line for v in after] == [v.line + 8 for v in before]
    assert [v.fingerprint for v in after] == [v.fingerprint for v in before]


def test_fingerprints_survive_reformatting_of_the_handler() -> None:
    reformatted = SAMPLE.replace("except: pass", "except:\n                    pass")
    assert [v.fingerprint for v in analyze(reformatted)] == [v.fingerprint for v in analyze(SAMPLE)]


def test_fingerprints_are_unique_within_a_file_and_depend_on_the_path() -> None:
    text = "def f():\n    try:\n        a()\n    except:\n        pass\n    try:\n        b()\n    except:\n        pass\n"
    fingerprints = [v.fingerprint for v in analyze(text)]
    assert len(set(fingerprints)) == 2
    assert set(fingerprints).isdisjoint(v.fingerprint for v in analyze(text, "other.py"))


def test_typed_handlers_strings_and_comments_are_not_violations() -> None:
    text = textwrap.dedent(
        """\
        HINT = "never write except: pass"
        # except: in a comment
        try:
            pass
        except Exception:
            pass
        except BaseException:
            raise
        """
    )
    assert analyze(text) == []


def test_prefilter() -> None:
    assert BareExcept.wants(b"try:\n    x()\nexcept :\n    pass\n")
    assert BareExcept.wants(b"try:\n    x()\nexcept\t:\n    pass\n")
    assert not BareExcept.wants(b"try:\n    x()\nexcept ValueError:\n    pass\n")


def test_options_are_validated() -> None:
    with pytest.raises(ConfigError, match="log_swallowed"):
        BareExcept({"log_swallowed": "no"})
    with pytest.raises(ConfigError, match="unknown option"):
        BareExcept({"narrow_everything": True})


def _project(root: Path) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "a.py").write_text(SAMPLE, encoding="utf-8")
    (root / "pkg" / "clean.py").write_text("try:\n    x = 1\nexcept ValueError:\n    x = 0\n")
    (root / "pkg" / "broken.py").write_text("try:\n    x = (\nexcept:\n    pass\n")
    (root / "b.py").write_text("def f():\n    try:\n        g()\n    except:\n        raise\n")


def _run(root: Path, apply: bool) -> tuple[int, int, int, list[str]]:
    spec = CodemodSpec(BareExcept, "bare-except")
    result = run(Workspace(root=root), RunOptions(specs=[spec], paths=[root], jobs=1, apply=apply))
    for change in result.changes:
        Path(change.abs_path).write_bytes(change.after)
    errors = [f"{e.path}:{e.kind}" for e in result.errors]
    return len(result.violations), len(result.fixed), len(result.changes), errors


def test_scan_and_apply_agree_on_counts(tmp_path: Path) -> None:
    _project(tmp_path)
    scanned, _, _, scan_errors = _run(tmp_path, apply=False)
    remaining, fixed, changed, apply_errors = _run(tmp_path, apply=True)
    assert scanned == 6
    assert (fixed, remaining, changed) == (6, 0, 2)
    assert scan_errors == apply_errors == ["pkg/broken.py:syntax-error"]
    assert _run(tmp_path, apply=False)[0] == 0
    assert _run(tmp_path, apply=True)[:3] == (0, 0, 0)


def test_a_handler_returning_none_answers_the_caller() -> None:
    """``return None`` is a result, as ``return False`` is: no log call, whose traceback would
    print on every expected failure; a bare ``return`` only leaves, as ``pass`` does."""
    source = textwrap.dedent(
        """\
        def verify(token):
            try:
                return decode(token)
            except:
                return None


        def check(token):
            try:
                return decode(token) is not None
            except:
                return False


        def forget(cache):
            try:
                cache.clear()
            except:
                return
        """
    )
    kinds = [v.message for v in analyze(source)]
    assert kinds == [MESSAGES[CATCH], MESSAGES[CATCH], MESSAGES[SWALLOW]]


# --- the logger added follows the project's logging library -------------------------------------------

SWALLOWING = (
    "def load(path):\n    try:\n        return open(path).read()\n    except:\n        pass\n"
)


def _applied(root: Path, files: dict[str, str]) -> str:
    """``mod.py`` after ``apply bare-except`` in a project of ``files`` (and ``mod.py``)."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    project_logger_style.cache_clear()
    spec = CodemodSpec(BareExcept, "bare-except")
    options = RunOptions(specs=[spec], paths=[root], jobs=1, apply=True, config={"format": False})
    result = run(Workspace(root=root), options)
    return next(c.after.decode() for c in result.changes if c.path == "mod.py")


STRUCTLOG_MODULE = (
    "import structlog\n\nlog = structlog.get_logger({})\n\n\ndef f():\n    log.info('x')\n"
)
#: a project that asks structlog for a logger where it logs, with no module-level logger
INLINE_GET_LOGGER = "from structlog import get_logger\n\n\ndef f():\n    get_logger().info('x')\n"


@pytest.mark.parametrize("argument", ["", "__name__"])
def test_in_a_structlog_project_the_added_logger_is_structlogs_spelled_as_the_project_does(
    tmp_path: Path, argument: str
) -> None:
    text = _applied(
        tmp_path,
        {
            "app/a.py": STRUCTLOG_MODULE.format(argument),
            "app/b.py": STRUCTLOG_MODULE.format(argument),
            "app/c.py": "import logging\n\nlogger = logging.getLogger(__name__)\n",
            "mod.py": SWALLOWING,
        },
    )
    assert text.startswith(f"import structlog\n\nlogger = structlog.get_logger({argument})\n\n\n")
    assert "logger.exception(" in text and "logging" not in text


def test_a_project_that_imports_get_logger_from_structlog_gets_it_imported_so(
    tmp_path: Path,
) -> None:
    files = {f"app/{name}.py": INLINE_GET_LOGGER for name in "ab"}
    text = _applied(tmp_path, {**files, "mod.py": SWALLOWING})
    assert text.startswith("from structlog import get_logger\n\nlogger = get_logger()\n\n\n")


@pytest.mark.parametrize(
    ("imports", "definition"),
    [
        ("import structlog as sl", "logger = sl.get_logger()"),
        ("from structlog.stdlib import get_logger as new_logger", "logger = new_logger()"),
    ],
)
def test_a_module_that_imports_structlog_gets_a_structlog_logger(
    tmp_path: Path, imports: str, definition: str
) -> None:
    text = _applied(tmp_path, {"mod.py": f"{imports}\n\n\n{SWALLOWING}"})
    assert text.startswith(f"{imports}\n\n{definition}\n")


LOGURU_MODULE = "from loguru import logger\n\n\ndef f():\n    logger.info('x')\n"


def test_in_a_loguru_project_the_logger_is_logurus_imported(tmp_path: Path) -> None:
    """fides imports loguru's ``logger`` in 250 modules and asks ``logging`` for one in 6: the
    handler logs through loguru's, imported, never defined; under another name where the module
    already binds ``logger``."""
    files = {
        "app/a.py": LOGURU_MODULE,
        "app/b.py": LOGURU_MODULE,
        "app/c.py": "import logging\n\nlog = logging.getLogger(__name__)\n",
    }
    text = _applied(tmp_path, {**files, "mod.py": SWALLOWING})
    assert text.startswith("from loguru import logger\n\n\ndef load(path):\n")
    assert "logger.exception(" in text and "logging" not in text
    taken = _applied(tmp_path, {**files, "mod.py": "logger = 'x'\n\n\n" + SWALLOWING})
    assert "from loguru import logger as " in taken and "logging" not in taken


@pytest.mark.parametrize(
    "files",
    [
        {
            "app/a.py": STRUCTLOG_MODULE.format(""),
            "app/c.py": "import logging\n\nlog = logging.getLogger()\n",
        },
        {"app/a.py": STRUCTLOG_MODULE.format(""), "mod.py": "structlog = None\n\n\n" + SWALLOWING},
    ],
    ids=["as-many-stdlib-loggers", "name-taken"],
)
def test_otherwise_the_added_logger_is_the_standard_librarys(
    tmp_path: Path, files: dict[str, str]
) -> None:
    text = _applied(tmp_path, {"mod.py": SWALLOWING, **files})
    assert "logger = logging.getLogger(__name__)\n" in text and "get_logger" not in text


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("os._exit(1)", "exit"),
        ("log()\nsys.exit('worker died')", "exit"),
        ("raise SystemExit", "exit"),
        ("raise SystemExit(2)", "exit"),
        ("quit()", "exit"),
        ("sys.exit(1)\ncleanup()", "catch"),  # (the last statement decides)
        ("raise ValueError", "catch"),
        ("raise", "reraise"),
    ],
)
def test_a_handler_that_ends_the_process_is_told_apart(body: str, kind: str) -> None:
    code = "try:\n    a()\nexcept:\n" + textwrap.indent(body, "    ") + "\n"
    [cst_try] = cst.parse_module(code).body
    [ast_try] = ast.parse(code).body
    assert isinstance(cst_try, cst.Try) and isinstance(ast_try, ast.Try)
    assert handler_kind(cst_try.handlers[0].body) == kind
    assert ast_handler_kind(ast_try.handlers[0].body) == kind
