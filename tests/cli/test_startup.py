"""What `codemod scan` imports: nothing that only `apply` or the ledger commands use.

A scan's fixed cost is mostly imports; these tests pin that the command line loads the modules of
`apply`, the ledger commands, jinja2 and the progress bar only where they are used. Each runs the
command in a fresh interpreter, since the test process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from testkit import git, init_repo

from backfix.ledger import LEDGER_REL

#: runs the CLI in-process and writes the names of the imported modules to argv[1]
PROBE = """
import json, sys
from backfix.cli import main
out, args = sys.argv[1], sys.argv[2:]
try:
    main(args, prog_name="codemod")
finally:
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(sorted(sys.modules), handle)
"""

#: modules that only `apply`, `check`, `report`, `status`, `describe` or `new` need
APPLY_ONLY = (
    "backfix.apply_cli",
    "backfix.codemods_cli",
    "backfix.scaffold",
    "backfix.diff",
    "backfix.apply_run",
    "backfix.review_cli",
    "backfix.review",
    "backfix.verify",
    "backfix.sinks",
    "backfix.ledger_cli",
    "backfix.apply_records",
    "backfix.formatting",
    "backfix.status",
    "backfix.interactive",
    "jinja2",
    "rich.progress",
)


def imported_by(tmp_path: Path, *args: str) -> set[str]:
    """The modules a `codemod` run with ``args`` imports, from a fresh interpreter."""
    listing = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(listing), *args], capture_output=True, text=True
    )
    assert done.returncode in (0, 1), done.stderr
    return set(json.loads(listing.read_text(encoding="utf-8")))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with one bare except."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "app.py").write_text("try:\n    x = 1\nexcept:\n    pass\n", encoding="utf-8")
    return folder


def test_scan_imports_nothing_apply_only(tmp_path: Path, project: Path) -> None:
    modules = imported_by(tmp_path, "--no-cache", "scan", "--no-ledger", "--path", str(project))
    assert "backfix.runner" in modules
    assert sorted(modules.intersection(APPLY_ONLY)) == []


def test_scan_without_ledger_does_not_import_the_ledger(tmp_path: Path, project: Path) -> None:
    modules = imported_by(tmp_path, "--no-cache", "scan", "--no-ledger", "--path", str(project))
    assert "backfix.ledger" not in modules and "backfix.records" not in modules


def test_json_scan_without_errors_does_not_import_rich(tmp_path: Path, project: Path) -> None:
    args = ["--no-cache", "scan", "--no-ledger", "--format", "json", "--path", str(project)]
    assert not any(m == "rich" or m.startswith("rich.") for m in imported_by(tmp_path, *args))


def test_project_declaring_no_dependencies_skips_the_requirement_parser(
    tmp_path: Path, project: Path
) -> None:
    modules = imported_by(tmp_path, "--no-cache", "scan", "--no-ledger", "--path", str(project))
    assert "backfix.versions" in modules  # async-queries' plan looked for the SQLAlchemy version
    assert "backfix.requirements" not in modules and "packaging.requirements" not in modules


def test_scan_outside_git_does_not_import_gitpython(tmp_path: Path, project: Path) -> None:
    assert not any((d / ".git").exists() for d in (project, *project.parents))
    modules = imported_by(tmp_path, "--no-cache", "scan", "--path", str(project))
    assert "backfix.ledger" in modules  # the scan recorded itself, without git
    assert "git" not in modules and "backfix.gitops" not in modules


def test_scan_in_git_records_without_importing_gitpython(tmp_path: Path, project: Path) -> None:
    init_repo(project, {})
    modules = imported_by(tmp_path, "--no-cache", "scan", "--path", str(project))
    assert "backfix.ledger" in modules and "backfix.gitcli" in modules
    assert "git" not in modules and "backfix.gitops" not in modules
    record = json.loads((project / LEDGER_REL).read_text(encoding="utf-8").splitlines()[-1])
    head = git(project, "rev-parse", "HEAD").strip()
    assert (record["commit"], record["branch"]) == (head, "main")


def test_scan_of_one_codemod_imports_only_that_codemod(tmp_path: Path, project: Path) -> None:
    args = ["--no-cache", "scan", "--no-ledger", "--codemod", "bare-except", "--path", str(project)]
    modules = imported_by(tmp_path, *args)
    packages = {m.split(".")[2] for m in modules if m.startswith("backfix.builtin_codemods.")}
    assert packages == {"bare_except"}


def test_a_codemod_flag_still_reaches_every_codemod(tmp_path: Path, project: Path) -> None:
    # --mode belongs to async-queries: naming it makes the command learn every codemod's flags,
    # and the error names the codemod that takes it.
    listing = tmp_path / "modules.json"
    args = ["scan", "--no-ledger", "--codemod", "bare-except", "--mode", "sync"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(listing), *args, "--path", str(project)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "--mode does not apply to bare-except (it is an option of async-queries)" in done.stderr


def test_help_still_lists_the_lazily_loaded_commands(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "backfix", "--help"], capture_output=True, text=True, check=True
    )
    commands = done.stdout.split("Commands:")[1].split()
    for name in ("apply", "check", "report", "status", "scan", "list"):
        assert name in commands


def test_scan_with_async_queries_does_not_import_its_rewrite(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("def users(db):\n    return db.query(User).all()\n")
    args = ["--no-cache", "scan", "--no-ledger", "--codemod", "async-queries"]
    modules = imported_by(tmp_path, *args, "--path", str(project))
    assert "backfix.builtin_codemods.async_queries.quick_chains" in modules
    assert "backfix.builtin_codemods.async_queries.rewrite" not in modules
    assert "backfix.cst_metadata" not in modules


#: codemods whose analysis, planner and rewrite load only for a file or a plan that needs them
_ON_DEMAND = ("inject_session", "lazy_clients", "task_sessions")


def test_scan_without_candidates_does_not_import_their_analyses(tmp_path: Path) -> None:
    # Each file passes one of the three text prefilters but not the `ast` pre-check after it.
    project = tmp_path / "project"
    project.mkdir()
    (project / "service.py").write_text(
        "class Jobs:\n    def all(self):\n        return self.db.query(Job).all()\n"
    )
    (project / "tasks.py").write_text("def later(tasks):\n    tasks.add_task(print, 1)\n")
    (project / "clients.py").write_text("client = dict(a=1)\n")
    modules = imported_by(tmp_path, "--no-cache", "scan", "--no-ledger", "--path", str(project))
    for codemod in _ON_DEMAND:
        assert f"backfix.builtin_codemods.{codemod}.quick" in modules
        for part in ("analyze", "model", "plan", "rewrite"):
            assert f"backfix.builtin_codemods.{codemod}.{part}" not in modules
