"""Lose nothing: the round-trip guard, crash isolation, interrupts, symlinks, permissions, messages.

Each test names the fault it guards against; every one runs the real CLI on a real git repository.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import libcst
import pytest
from testkit import commit_all, example_routes, git, init_repo, invoke, write_files

from backfix import console
from backfix.results import FileError
from backfix.source import SourceError, parse_cst

SWALLOW = "try:\n    import foo\nexcept:\n    foo = None\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty git repository with one commit; the current folder."""
    root = init_repo(tmp_path / "repo", {"README": "test\n"}, "state")
    monkeypatch.chdir(root)
    return root


# --- 1 and 7: the round-trip guard ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        pytest.param(b"x = 1\n    # one\n  # two\n", id="comment-deeper-than-code"),
        pytest.param(b"x = 1\n\n    # one\n  # two\n", id="after-a-blank-line"),
    ],
)
def test_file_libcst_cannot_reproduce_is_left_alone(repo: Path, tail: bytes) -> None:
    original = SWALLOW.encode() + tail
    (repo / "a.py").write_bytes(original)
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--path", "a.py")
    assert code == 2
    assert (repo / "a.py").read_bytes() == original
    assert "a.py:" in err
    assert "cannot be rewritten without losing formatting" in err


def test_other_handlers_keep_every_byte(repo: Path) -> None:
    """``except OSError :`` is printed without its space by LibCST: the file is refused, not reformatted."""
    original = b"try:\n    f()\nexcept OSError :\n    pass\ntry:\n    g()\nexcept:\n    raise\n"
    (repo / "a.py").write_bytes(original)
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--path", "a.py")
    assert code == 2
    assert (repo / "a.py").read_bytes() == original
    assert "a.py:3:" in err and "without losing formatting" in err


def test_handlers_that_round_trip_change_only_the_bare_one(repo: Path) -> None:
    original = "try:\n    f()\nexcept (OSError,  ValueError) as exc :  # keep\n    pass\n"
    original += "try:\n    g()\nexcept:\n    raise\n"
    (repo / "a.py").write_text(original)
    commit_all(repo)
    code, _out, _err = invoke("apply", "bare-except", "--path", "a.py")
    assert code == 0
    assert (repo / "a.py").read_text() == original.replace("except:", "except BaseException:")


# --- 6: crash isolation and output CPython cannot compile -------------------------------------------


def nested(depth: int) -> str:
    """A module with a bare except and an expression ``depth`` parentheses deep."""
    return SWALLOW + "x = " + "(" * depth + "1" + ")" * depth + "\n"


def test_output_cpython_cannot_compile_is_never_written(repo: Path) -> None:
    (repo / "deep.py").write_text(nested(500))
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--path", "deep.py")
    assert code == 2
    assert (repo / "deep.py").read_text() == nested(500)
    assert "deep.py" in err and "too many nested parentheses" in err


#: A route module of a Python 3.14 project: its helper's unparenthesized exception list (PEP 758) is
#: valid there, and moves into the new service module with the route's unit of work.
NEWER_GRAMMAR_ROUTES = """\
from flask import Flask

from shop.models import Order, db

app = Flask(__name__)


def quantity(raw):
    try:
        return int(raw)
    except ValueError, TypeError:
        return 0


@app.post("/orders/<int:order_id>")
def set_quantity(order_id, raw):
    order = db.session.get(Order, order_id)
    order.quantity = quantity(raw)
    db.session.commit()
    return "", 204
"""


def test_a_new_file_in_a_grammar_newer_than_this_python_is_judged_by_libcst(repo: Path) -> None:
    """Below Python 3.14 CPython rejects `except A, B:`; the service module holding the moved helper
    is new, so there is no original to tell it is the project's grammar, not a codemod bug."""
    write_files(
        repo,
        {
            "shop/__init__.py": "",
            "shop/models.py": "db = None\nOrder = None\n",
            "shop/views.py": NEWER_GRAMMAR_ROUTES,
        },
    )
    commit_all(repo)
    code, _out, err = invoke("apply", "move-commits", "--path", "shop", "--no-ledger")
    assert code == 0, err
    assert "codemod-bug" not in err and "produced invalid code" not in err
    service = (repo / "shop/services/shop_service.py").read_text()
    assert "    except ValueError, TypeError:\n" in service
    assert "ShopService.set_quantity(" in (repo / "shop/views.py").read_text()


def test_a_file_that_crashes_the_parser_alone_is_a_per_file_error(repo: Path) -> None:
    """2,000 nested parentheses segfault LibCST's native parser: the CLI itself must survive."""
    (repo / "deep.py").write_text(nested(2000))
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--path", "deep.py", "-j", "1")
    assert code == 2
    assert "deep.py: error crash:" in err
    assert (repo / "deep.py").read_text() == nested(2000)


def test_a_parser_crash_in_the_pool_does_not_stop_the_others(repo: Path) -> None:
    for n in range(12):
        (repo / f"m{n:02}.py").write_text(SWALLOW)
    (repo / "deep.py").write_text(nested(2000))
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--no-logging", "-j", "2")
    assert code == 2
    assert err.count("error crash") == 1 and "deep.py: error crash:" in err
    for n in range(12):
        assert (repo / f"m{n:02}.py").read_text() == SWALLOW.replace("except:", "except Exception:")


# --- 2: interrupts, with real signals sent to a real process ---------------------------------------

#: runs the CLI; after the first file is written, the process sends itself the signal in argv[1].
SIGNAL_AFTER_FIRST_WRITE = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
import backfix.sinks as sinks
real = sinks.atomic_write
def write_then_signal(path, data):
    real(path, data)
    os.kill(os.getpid(), getattr(signal, sys.argv[1]))
sinks.atomic_write = write_then_signal
from backfix.cli import main
main(sys.argv[2:], prog_name="codemod")
"""

#: runs the CLI with files named slow*.py taking long to analyse; ``started`` marks the first result.
SLOW_ANALYSIS = """
import faulthandler, signal, sys, time
faulthandler.register(signal.SIGUSR1, all_threads=True)
# A shell starts background jobs with SIGINT ignored; a terminal's Ctrl-C finds it handled.
signal.signal(signal.SIGINT, signal.default_int_handler)
import backfix.runner as runner, backfix.workers as workers
real_analyze, real_record = runner._analyze, workers.Pool._record
def slow_analyze(task):
    if "slow" in task.path:
        time.sleep(30)
    return real_analyze(task)
def record(self, result):
    open("started", "w").close()
    real_record(self, result)
runner._analyze = slow_analyze
workers.Pool._record = record
from backfix.cli import main
main(sys.argv[1:], prog_name="codemod")
"""


def run_python(code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with ``args`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def interrupt_when_started(repo: Path, signame: str, *args: str) -> str:
    """Run the CLI with ``args`` under SLOW_ANALYSIS in ``repo``, send it ``signame`` once the first
    file's analysis is in, and return its stderr; it must exit with 130."""
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_ANALYSIS, *args],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(600):
            if (repo / "started").exists() or process.poll() is not None:
                break
            time.sleep(0.1)
        process.send_signal(getattr(signal, signame))
        try:
            _out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGUSR1)  # faulthandler: every thread's stack on stderr
            time.sleep(1)
            process.kill()
            raise AssertionError(process.communicate()[1]) from None
    finally:
        process.kill()
    assert process.returncode == 130, err
    return err


def ledger_records(repo: Path) -> list[dict[str, Any]]:
    """The ledger's records."""
    path = repo / ".backfix" / "ledger.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_interrupt_while_writing_finishes_the_file_and_records_it(repo: Path, signame: str) -> None:
    for name in ("a.py", "b.py", "c.py"):
        (repo / name).write_text(SWALLOW)
    commit_all(repo)
    done = run_python(
        SIGNAL_AFTER_FIRST_WRITE, signame, "apply", "bare-except", "--no-logging", cwd=repo
    )
    assert done.returncode == 130, done.stderr
    fixed = SWALLOW.replace("except:", "except Exception:")
    contents = [(repo / name).read_text() for name in ("a.py", "b.py", "c.py")]
    assert contents == [fixed, SWALLOW, SWALLOW]
    assert "interrupted: wrote 1 file(s):\n  a.py" in done.stderr
    (record,) = ledger_records(repo)
    assert record["codemods"]["bare-except"]["count"] == 2
    assert len(record["codemods"]["bare-except"]["fixed"]) == 1


def test_interrupt_while_writing_a_cross_file_change_writes_all_of_it(repo: Path) -> None:
    """The service module and the route importing it are one unit: never one without the other."""
    write_files(repo, example_routes("jobs"))
    commit_all(repo)
    done = run_python(SIGNAL_AFTER_FIRST_WRITE, "SIGINT", "apply", "move-commits", cwd=repo)
    assert done.returncode == 130, done.stderr
    service = repo / "app" / "services" / "job_service.py"
    assert service.exists()
    assert "JobService" in (repo / "app" / "routes" / "jobs.py").read_text()
    listed = done.stderr.split("interrupted: ")[1]
    assert "app/services/job_service.py" in listed and "app/routes/jobs.py" in listed
    # New modules are written before the files that import them.
    assert listed.index("app/services/job_service.py") < listed.index("app/routes/jobs.py")
    (record,) = ledger_records(repo)
    assert len(record["codemods"]["move-commits"]["fixed"]) == 1


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_interrupt_during_analysis_stops_and_writes_nothing(repo: Path, signame: str) -> None:
    for n in range(4):
        (repo / f"slow{n}.py").write_text(SWALLOW)
    for n in range(10):
        (repo / f"fast{n}.py").write_text(SWALLOW)
    commit_all(repo)
    err = interrupt_when_started(repo, signame, "apply", "bare-except", "-j", "2")
    assert "interrupted: nothing was written" in err, err
    assert "Traceback" not in err, err
    assert git(repo, "status", "--porcelain", "--", "*.py") == ""
    assert ledger_records(repo) == []


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_interrupted_check_exits_130_without_click_aborted(repo: Path, signame: str) -> None:
    for name in ("slow0", "slow1", "slow2", "fast0"):
        (repo / f"{name}.py").write_text(SWALLOW)
    commit_all(repo)
    assert invoke("scan", "--codemod", "bare-except")[0] == 1
    ledger_before = ledger_records(repo)
    err = interrupt_when_started(repo, signame, "--no-cache", "check", "-j", "2")
    assert "interrupted: nothing was written" in err, err
    assert "Aborted" not in err and "Traceback" not in err, err
    assert ledger_records(repo) == ledger_before


# --- 3: a batch writes nothing for route files outside it ------------------------------------------


def test_max_files_writes_nothing_for_route_files_outside_the_batch(repo: Path) -> None:
    write_files(repo, example_routes("jobs", "tasks"))
    commit_all(repo)
    code, _out, err = invoke("apply", "move-commits", "--max-files", "1")
    assert code == 0, err
    changed = git(repo, "status", "--porcelain", "--untracked-files=all", "--", "app").split("\n")
    changed_paths = sorted(line[3:] for line in changed if line)
    assert changed_paths == [
        "app/routes/jobs.py",
        "app/services/__init__.py",
        "app/services/job_service.py",
    ]
    commit_all(repo)
    code, _out, err = invoke("apply", "move-commits", "--max-files", "1")
    assert code == 0, err
    tasks_service = (repo / "app" / "services" / "task_service.py").read_text()
    assert "def create_job(" in tasks_service and "create_job_2" not in tasks_service
    assert "create_job_2" not in (repo / "app" / "services" / "job_service.py").read_text()


# --- 4 and 8: symbolic links and paths outside the repository ----------------------------------------

RERAISE = "try:\n    f()\nexcept:\n    raise\n"


@pytest.fixture
def outside(repo: Path) -> Path:
    """A file with a violation next to the repository, not in it."""
    path = repo.parent / "outside.py"
    path.write_text(RERAISE)
    return path


def test_a_link_inside_the_repository_is_analysed_once_and_kept(repo: Path) -> None:
    (repo / "real.py").write_text(RERAISE)
    (repo / "link.py").symlink_to("real.py")
    commit_all(repo)
    code, out, _err = invoke("scan", "--no-ledger")
    assert code == 1
    assert out.count("[bare-except]") == 1 and out.startswith("real.py:3:1:")
    code, _out, _err = invoke("apply", "bare-except", "--path", "link.py")
    assert code == 0
    assert (repo / "link.py").is_symlink()
    assert (repo / "real.py").read_text() == RERAISE.replace("except:", "except BaseException:")


def test_a_link_out_of_the_repository_is_never_followed(repo: Path, outside: Path) -> None:
    (repo / "out.py").symlink_to(outside)
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except")
    assert code == 0
    assert "out.py: skipped, a symbolic link" in err
    code, _out, err = invoke("apply", "bare-except", "--path", "out.py")
    assert code == 2
    assert "out.py is a symbolic link to" in err and "outside the repository" in err
    assert outside.read_text() == RERAISE
    assert (repo / "out.py").is_symlink()


def test_a_path_outside_the_repository_is_refused(repo: Path, outside: Path) -> None:
    code, out, err = invoke("apply", "bare-except", "--path", ".", "--path", str(outside))
    assert code == 2
    assert f"{outside} is outside the repository at {repo}" in err
    assert "a//" not in out
    assert outside.read_text() == RERAISE
    assert not (repo / ".backfix").exists()


# --- 5: permissions ----------------------------------------------------------------------------------


def mode_of(path: Path) -> int:
    """The permission bits of ``path``."""
    return stat.S_IMODE(path.stat().st_mode)


def test_a_read_only_file_is_refused_unless_allowed(repo: Path) -> None:
    (repo / "locked.py").write_text(RERAISE)
    (repo / "locked.py").chmod(0o444)
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except")
    assert code == 2
    assert "read-only" in err and "locked.py" in err and "--allow-readonly" in err
    assert (repo / "locked.py").read_text() == RERAISE
    code, _out, _err = invoke("apply", "bare-except", "--allow-readonly")
    assert code == 0
    assert "except BaseException:" in (repo / "locked.py").read_text()
    assert mode_of(repo / "locked.py") == 0o444


@pytest.fixture
def umask_027() -> Iterator[None]:
    """Run with umask 027, as a cautious user might."""
    previous = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("umask_027")
def test_new_files_honour_the_umask_and_existing_files_keep_their_mode(repo: Path) -> None:
    write_files(repo, example_routes("jobs"))
    route = repo / "app" / "routes" / "jobs.py"
    route.chmod(0o604)
    commit_all(repo)
    code, _out, err = invoke("apply", "move-commits", "--pr-body", "body.md")
    assert code == 0, err
    assert mode_of(repo / "app" / "services" / "job_service.py") == 0o640
    assert mode_of(repo / "body.md") == 0o640
    assert mode_of(route) == 0o604


# --- 7, second half: the new logger never resolves to the wrong object ------------------------------


def test_a_module_named_logging_of_the_project_is_not_shadowed(repo: Path) -> None:
    (repo / "mylib.py").write_text("logging = 'the project logging helpers'\n")
    (repo / "a.py").write_text(
        "from mylib import logging\n\n\ndef f():\n    try:\n        1 / 0\n    except:\n        pass\n"
    )
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--path", "a.py")
    assert code == 0, err
    text = (repo / "a.py").read_text()
    assert "import logging as _logging\n" in text
    assert "logger = _logging.getLogger(__name__)" in text
    probe = "import a, logging; a.f(); print(type(a.logger).__name__, a.logging)"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True, check=True
    )
    assert done.stdout == "Logger the project logging helpers\n"


# --- 9: messages name the thing at fault --------------------------------------------------------------


def test_errors_without_a_position_are_not_printed_at_0_0() -> None:
    error = FileError("a.py", 0, 0, "read-error", "cannot read: Permission denied")
    assert console.error_line(error) == "a.py: error read-error: cannot read: Permission denied"


def test_valid_python_libcst_cannot_parse_is_not_a_syntax_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(raw: bytes) -> None:
        raise libcst.ParserSyntaxError("unsupported", lines=["x = 1"], raw_line=1, raw_column=0)

    monkeypatch.setattr(libcst, "parse_module", refuse)
    with pytest.raises(SourceError) as caught:
        parse_cst(b"x = 1\n")
    assert caught.value.kind == "unsupported-syntax"
    assert "syntax error" not in caught.value.message
    assert "valid Python that LibCST cannot parse" in caught.value.message


def test_a_broken_template_override_is_named(repo: Path) -> None:
    override = repo.parent / "templates"
    (override / "bare-except").mkdir(parents=True)
    (override / "bare-except" / "log_call.py.j2").write_text("{{ logger }.x(\n")
    # The log call is rendered only for a handler that gets one: one that swallows silently.
    (repo / "a.py").write_text("try:\n    import foo\nexcept:\n    pass\n")
    commit_all(repo)
    code, _out, err = invoke("apply", "bare-except", "--templates", str(override))
    assert code == 2
    assert f"template {override}/bare-except/log_call.py.j2, line 1" in err


def test_status_of_an_unknown_codemod_is_an_error(repo: Path) -> None:
    code, _out, err = invoke("status", "--codemod", "nope")
    assert code == 2
    assert "unknown codemod 'nope'" in err and "bare-except" in err and "move-commits" in err


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[tool.backfix]\nexclued = ['tests']\n", "unknown key 'exclued' in [tool.backfix]"),
        ("[tool.backfix.bare-exept]\nlog_swallowed = false\n", "unknown table"),
        ("[tool.backfix.bare-except]\nlog_swalowed = false\n", "unknown key 'log_swalowed'"),
    ],
)
def test_unknown_configuration_is_an_error(repo: Path, toml: str, expected: str) -> None:
    (repo / "pyproject.toml").write_text(toml)
    code, _out, err = invoke("scan", "--no-ledger")
    assert code == 2
    assert expected in err
    assert "valid:" in err or "codemod tables:" in err


def test_a_flag_for_another_codemod_is_an_error(repo: Path) -> None:
    code, _out, err = invoke("apply", "bare-except", "--mode", "async", "--dry-run")
    assert code == 2
    assert "--mode does not apply to bare-except (it is an option of async-queries)" in err


def test_a_malformed_ledger_line_is_explained(repo: Path) -> None:
    (repo / ".backfix").mkdir()
    (repo / ".backfix" / "ledger.jsonl").write_text('{"schema": 1}\nnot json\n')
    code, _out, err = invoke("status")
    assert code == 0
    assert "line 1" in err and "is missing" in err and "KeyError" not in err
    assert "line 2" in err and "not valid JSON" in err


def test_the_dirty_file_refusal_names_the_way_out(repo: Path) -> None:
    (repo / "a.py").write_text(RERAISE)
    code, _out, err = invoke("apply", "bare-except")
    assert code == 2
    assert "uncommitted changes" in err and "--allow-dirty" in err


@pytest.mark.parametrize("extra", [(), ("--allow-dirty",)], ids=["plain", "allow-dirty"])
def test_the_dirty_file_refusal_on_a_branch_offers_only_what_works(
    repo: Path, extra: tuple[str, ...]
) -> None:
    """--allow-dirty does not lift the guard for --branch: the message must not offer it."""
    (repo / "a.py").write_text(RERAISE)
    code, _out, err = invoke("apply", "bare-except", "--branch", "fix", *extra)
    assert code == 2
    assert "uncommitted changes" in err and "commit or stash" in err
    assert "run without --branch" in err
    assert "pass --allow-dirty to write over them)" not in err
