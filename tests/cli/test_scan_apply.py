"""CLI behaviour of scan and apply on temporary git repositories (bare-except as the codemod)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testkit import FIXED, LEGACY, git, init_repo, invoke, invoke_in
from unidiff import PatchSet

CLEAN = "def ok():\n    return 1\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with one file holding a violation and one clean file, committed."""
    return init_repo(tmp_path / "repo", {"legacy.py": LEGACY, "pkg/clean.py": CLEAN})


def state(repo: Path) -> tuple[str, str, str, str]:
    """Everything a branch run must leave alone: branch, HEAD, index+worktree status, file bytes."""
    files = "".join(
        f"{p.relative_to(repo)}:{p.read_bytes()!r}\n"
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    )
    return (
        git(repo, "rev-parse", "--abbrev-ref", "HEAD"),
        git(repo, "rev-parse", "HEAD"),
        git(repo, "status", "--porcelain", "--untracked-files=all"),
        files,
    )


def test_list_and_describe() -> None:
    code, out, _ = invoke("list")
    assert code == 0 and "bare-except" in out
    code, out, _ = invoke("describe", "bare-except")
    assert code == 0 and "--- a/example.py" in out and "+    except BaseException:" in out


def test_unknown_codemod_is_an_error(repo: Path) -> None:
    code, _, err = invoke("apply", "no-such-thing", "--path", str(repo))
    assert code == 2 and "unknown codemod" in err


def test_scan_exit_codes_and_json(repo: Path) -> None:
    code, out, _ = invoke("scan", "--path", str(repo), "--format", "json")
    assert code == 1
    document = json.loads(out)  # stdout carries only the JSON document
    assert document["totals"]["bare-except"] == 1
    (violation,) = document["violations"]
    assert {k: violation[k] for k in ("codemod", "path", "line", "col", "fixable")} == {
        "codemod": "bare-except",
        "path": "legacy.py",
        "line": 4,
        "col": 5,
        "fixable": True,
    }
    code, out, _ = invoke("scan", "--path", str(repo / "pkg"))
    assert code == 0 and out == ""


def test_group_flags_may_follow_the_command(repo: Path) -> None:
    before = invoke("-v", "--no-cache", "scan", "--path", str(repo), "--format", "json")
    after = invoke("scan", "--path", str(repo), "-v", "--format", "json", "--no-cache")
    assert before[0] == after[0] == 1 and json.loads(before[1]) == json.loads(after[1])


def test_group_flags_after_a_double_dash_stay_operands() -> None:
    from backfix.cli import _group_flags_first

    assert _group_flags_first(["scan", "-v", "--", "--no-cache"]) == [
        "-v",
        "scan",
        "--",
        "--no-cache",
    ]
    assert _group_flags_first(["--version"]) == ["--version"]


def test_apply_takes_the_codemod_as_scan_names_it(repo: Path) -> None:
    positional = invoke("apply", "bare-except", "--path", str(repo), "--dry-run")
    optional = invoke("apply", "--path", str(repo), "--codemod", "bare-except", "--dry-run")
    joined = invoke("apply", "--codemod=bare-except", "--path", str(repo), "--dry-run")
    assert positional[0] == 1 and "+    except BaseException:" in positional[1]
    assert positional[:2] == optional[:2] == joined[:2]


def test_dry_run_prints_diff_and_writes_nothing(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    before = state(repo)
    code, out, err = invoke("apply", "bare-except", "--path", ".", "--dry-run")
    assert code == 1
    assert out.startswith("--- a/legacy.py\n+++ b/legacy.py\n")  # normalized, never b/./legacy.py
    patch = PatchSet(out)
    assert [f.path for f in patch] == ["legacy.py"]
    assert patch[0].added == 1 and patch[0].removed == 1
    assert "1 violation(s) fixed" in err
    assert state(repo) == before
    code, out, _ = invoke("apply", "bare-except", "--path", str(repo / "pkg"), "--dry-run")
    assert (code, out) == (0, "")


def test_dry_run_marks_missing_final_newline(repo: Path) -> None:
    (repo / "legacy.py").write_text(LEGACY.rstrip("\n"))
    (repo / "last.py").write_text("try:\n    g()\nexcept: raise")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "no newline")
    code, out, _ = invoke("apply", "bare-except", "--path", str(repo), "--dry-run")
    assert code == 1
    patch = PatchSet(out)
    assert [f.path for f in patch] == ["last.py", "legacy.py"]
    # the changed last line of last.py: marker after both the old and the new line
    assert (
        "-except: raise\n\\ No newline at end of file\n+except BaseException: raise\n\\ No" in out
    )
    # legacy.py's unchanged last line is context: one marker
    assert out.count("\\ No newline at end of file\n") == 3


def test_apply_in_place(repo: Path) -> None:
    code, _, _ = invoke("apply", "bare-except", "--path", str(repo))
    assert code == 0
    assert (repo / "legacy.py").read_text() == FIXED
    code, out, _ = invoke("apply", "bare-except", "--path", str(repo), "--dry-run")
    assert (code, out) == (0, "")  # idempotent


def test_apply_keeps_crlf_and_bom(repo: Path) -> None:
    (repo / "legacy.py").write_bytes(b"\xef\xbb\xbf" + LEGACY.replace("\n", "\r\n").encode())
    git(repo, "commit", "-qam", "crlf")
    assert invoke("apply", "bare-except", "--path", str(repo))[0] == 0
    assert (repo / "legacy.py").read_bytes() == b"\xef\xbb\xbf" + FIXED.replace(
        "\n", "\r\n"
    ).encode()


def test_apply_refuses_dirty_target(repo: Path) -> None:
    (repo / "legacy.py").write_text(LEGACY + "\n# local edit\n")
    code, _, err = invoke("apply", "bare-except", "--path", str(repo))
    assert code == 2 and "uncommitted" in err and "legacy.py" in err
    assert (repo / "legacy.py").read_text().endswith("# local edit\n")


def test_dirty_files_the_codemod_does_not_touch_never_block(repo: Path) -> None:
    (repo / "pkg" / "clean.py").write_text(CLEAN + "x = 2\n")
    (repo / "notes.txt").write_text("scratch")
    code, _, _ = invoke("apply", "bare-except", "--path", str(repo))
    assert code == 0 and (repo / "legacy.py").read_text() == FIXED


def test_branch_run_leaves_user_state_untouched(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "pkg" / "clean.py").write_text(CLEAN + "x = 2\n")  # unstaged change
    (repo / "staged.py").write_text("y = 1\n")
    git(repo, "add", "staged.py")  # staged change
    (repo / "untracked.txt").write_text("mine")
    before = state(repo)
    index_before = (repo / ".git" / "index").read_bytes()
    code, _, err = invoke("apply", "bare-except", "--path", str(repo), "--branch", "fix/bare")
    assert code == 0, err
    assert state(repo) == before
    assert (repo / ".git" / "index").read_bytes() == index_before
    assert git(repo, "show", "fix/bare:legacy.py") == FIXED
    assert git(repo, "rev-parse", "fix/bare~1") == git(repo, "rev-parse", "feature")
    message = git(repo, "log", "-1", "--format=%B", "fix/bare")
    assert "bare-except fixed 1 violation(s)" in message and "Remaining" in message
    # the unrelated working-tree changes did not leak into the commit
    # (the ledger record travels with the branch commit: issue 5)
    committed = git(repo, "show", "--name-only", "--format=", "fix/bare").split()
    assert sorted(committed) == [".backfix/ledger.jsonl", "legacy.py"]


def test_branch_default_name_and_existing_branch(repo: Path) -> None:
    code, _, err = invoke("apply", "bare-except", "--path", str(repo), "--branch")
    assert code == 0, err
    branches = git(repo, "branch", "--list", "backfix/*").split()
    assert len(branches) == 1 and branches[0].startswith("backfix/bare-except-")
    code, _, err = invoke("apply", "bare-except", "--path", str(repo), "--branch", branches[0])
    assert code == 2 and "already exists" in err


def test_branch_refuses_dirty_target(repo: Path) -> None:
    (repo / "legacy.py").write_text(LEGACY + "# wip\n")
    before = state(repo)
    code, _, err = invoke("apply", "bare-except", "--path", str(repo), "--branch", "b")
    assert code == 2 and "uncommitted" in err
    assert state(repo) == before
    assert "b" not in git(repo, "branch", "--list", "b")


def test_branch_without_identity_says_how_to_set_it(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(repo, "config", "--unset", "user.name")
    git(repo, "config", "--unset", "user.email")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "nogitconfig"))
    for var in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
    ):
        monkeypatch.delenv(var, raising=False)
    code, _, err = invoke("apply", "bare-except", "--path", str(repo), "--branch", "b")
    assert code == 2 and "git config --global user.name" in err
    assert git(repo, "branch", "--list", "b") == ""


def test_syntax_error_in_a_neighbour_file(repo: Path) -> None:
    # Both hold the prefilter's trigger text; files without it are never parsed (by design).
    (repo / "broken.py").write_text("def f(:\n    try: pass\n    except: pass\n")
    (repo / "latin.py").write_bytes(b"x = '\xe9'\ntry: pass\nexcept: pass\n")  # not UTF-8
    code, out, err = invoke("scan", "--path", str(repo), "--format", "json")
    assert code == 2
    document = json.loads(out)
    assert document["totals"]["bare-except"] == 1
    kinds = {e["path"]: (e["kind"], e["line"]) for e in document["errors"]}
    assert kinds == {"broken.py": ("syntax-error", 1), "latin.py": ("decode-error", 1)}
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "bad files")
    code, _, err = invoke("apply", "bare-except", "--path", str(repo))
    assert code == 2 and "broken.py:1" in err
    assert (repo / "legacy.py").read_text() == FIXED  # the good file was still fixed


def test_gitignored_files_are_skipped_and_excludes_apply(repo: Path) -> None:
    (repo / ".gitignore").write_text("generated/\n")
    (repo / "generated").mkdir()
    (repo / "generated" / "gen.py").write_text(LEGACY)
    (repo / "vendor").mkdir()
    (repo / "vendor" / "lib.py").write_text(LEGACY)
    code, out, _ = invoke("scan", "--path", str(repo), "--format", "json", "--exclude", "vendor")
    assert code == 1
    assert [v["path"] for v in json.loads(out)["violations"]] == ["legacy.py"]


def test_alembic_migration_scripts_are_skipped_unless_named(repo: Path) -> None:
    """Each script of an Alembic ``versions/`` folder is a step of the database's history: a
    run skips them, says so, and takes them when a ``--path`` names the folder."""
    versions = repo / "migrations" / "versions"
    versions.mkdir(parents=True)
    (repo / "migrations" / "env.py").write_text(CLEAN)
    (repo / "migrations" / "script.py.mako").write_text("")
    (versions / "0001_init.py").write_text(LEGACY)
    # a folder below it, listed in Alembic's `version_locations`, holds history too
    (versions / "legacy").mkdir()
    (versions / "legacy" / "0000_old.py").write_text(LEGACY)
    (repo / "versions").mkdir()  # a folder of that name elsewhere is no migration history
    (repo / "versions" / "v1.py").write_text(LEGACY)
    code, out, _ = invoke("scan", "--path", str(repo), "--format", "json")
    assert code == 1
    found = sorted(v["path"] for v in json.loads(out)["violations"])
    assert found == ["legacy.py", "versions/v1.py"]
    code, out, err = invoke("scan", "--path", str(repo))
    assert "migrations/versions: 1 Alembic migration script(s) skipped" in out + err
    assert "migrations/versions/legacy: 1 Alembic migration script(s) skipped" in out + err
    code, out, _ = invoke("scan", "--path", str(versions), "--format", "json")
    assert [v["path"] for v in json.loads(out)["violations"]] == [
        "migrations/versions/0001_init.py",
        "migrations/versions/legacy/0000_old.py",
    ]


def test_pyproject_exclude_and_options(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.backfix]\nexclude = ["pkg/*"]\n[tool.backfix.bare-except]\nlog-swallowed = false\n'
    )
    (repo / "pkg" / "swallow.py").write_text(LEGACY)
    (repo / "quiet.py").write_text("try:\n    x = 1\nexcept:\n    pass\n")
    code, out, _ = invoke("scan", "--path", str(repo), "--format", "json")
    assert code == 1
    assert sorted(v["path"] for v in json.loads(out)["violations"]) == ["legacy.py", "quiet.py"]
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "more")
    assert invoke("apply", "bare-except", "--path", str(repo))[0] == 0
    assert (repo / "quiet.py").read_text() == "try:\n    x = 1\nexcept Exception:\n    pass\n"


def test_bad_option_is_reported_before_any_write(repo: Path) -> None:
    code, _, err = invoke("apply", "bare-except", "--path", str(repo), "-o", "nonsense=1")
    assert code == 2 and "unknown option" in err
    assert (repo / "legacy.py").read_text() == LEGACY


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(LEGACY)
    code, out, _ = invoke("apply", "bare-except", "--path", ".", "--dry-run")
    assert code == 1 and out.startswith("--- a/a.py\n")
    code, _, err = invoke("apply", "bare-except", "--path", ".", "--branch")
    assert code == 2 and "git repository" in err
    assert invoke("apply", "bare-except", "--path", "a.py")[0] == 0
    assert (tmp_path / "a.py").read_text() == FIXED


def test_parallel_run_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for index in range(12):
        (tmp_path / f"m{index:02}.py").write_text(LEGACY if index % 2 else CLEAN)
    serial = invoke("scan", "--path", ".", "--format", "json", "--jobs", "1")
    parallel = invoke("scan", "--path", ".", "--format", "json", "--jobs", "2")
    assert serial[0] == parallel[0] == 1
    assert json.loads(serial[1]) == json.loads(parallel[1])


def test_nested_project_config_is_found(repo: Path) -> None:
    sub = repo / "services" / "api"
    (sub / "tests").mkdir(parents=True)
    (sub / "gen").mkdir()
    (sub / "pyproject.toml").write_text('[tool.backfix]\nexclude = ["tests", "gen/*.py"]\n')
    for rel in ("app.py", "tests/test_app.py", "gen/out.py"):
        (sub / rel).write_text(LEGACY)
    code, out, _ = invoke("scan", "--path", str(sub), "--format", "json")
    assert code == 1
    assert [v["path"] for v in json.loads(out)["violations"]] == ["services/api/app.py"]


def test_branch_run_warns_about_an_uncommitted_ledger(repo: Path) -> None:
    assert invoke("scan", "--path", str(repo))[0] == 1  # writes an untracked ledger
    code, _, err = invoke("apply", "bare-except", "--path", str(repo), "--branch", "fix")
    assert code == 0
    assert "not committed" in err and ".backfix/ledger.jsonl" in err


def test_positions_are_printed_verbatim(repo: Path) -> None:
    (repo / "legacy.py").write_text("\n" * 97 + "try:\n    pass\nexcept:\n    pass\n")
    code, out, _ = invoke("scan", "--path", str(repo), "--no-ledger")
    assert code == 1 and out.startswith("legacy.py:100:1: [bare-except]")  # no :100: emoji


def test_every_codemod_reports_one_based_columns(repo: Path) -> None:
    (repo / "routes.py").write_text(
        "from sqlalchemy.orm import Session\n"
        "from flask import Blueprint\n"
        "bp = Blueprint('x', __name__)\n"
        "def rows(session: Session):\n"
        "    return session.query(User).all()\n"
        "@bp.post('/x')\n"
        "def create():\n"
        "    db.session.add(User())\n"
        "    db.session.commit()\n"
        "    return ''\n"
    )
    code, out, _ = invoke("scan", "--path", str(repo), "--format", "json", "--no-ledger")
    assert code == 1
    found = {
        (v["codemod"], v["path"]): (v["line"], v["col"]) for v in json.loads(out)["violations"]
    }
    assert found[("bare-except", "legacy.py")] == (4, 5)
    assert found[("async-queries", "routes.py")] == (5, 12)
    assert found[("move-commits", "routes.py")] == (9, 5)


@pytest.mark.parametrize("flag", [["--no-logging"], ["--templates", "."]])
def test_scan_refuses_flags_that_only_change_what_apply_writes(repo: Path, flag: list[str]) -> None:
    code, out, err = invoke_in(repo, "scan", "--no-ledger", "--codemod", "bare-except", *flag)
    assert code == 2 and out == ""
    assert f"{flag[0]} only changes what `codemod apply` writes" in err
    _, help_text, _ = invoke("scan", "--help")
    assert flag[0] not in help_text and "--mode" in help_text
    _, apply_help, _ = invoke("apply", "--help")
    assert flag[0] in apply_help


def test_outside_git_a_project_below_the_current_folder_is_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "shop"
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.backfix]\nexclude = ["app/gen.py"]\n')
    (project / "app" / "views.py").write_text(LEGACY)
    (project / "app" / "gen.py").write_text(LEGACY)
    (tmp_path / "stray.py").write_text(LEGACY)  # outside the project: never read
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke("scan", "--path", "shop/app", "--format", "json", "--no-ledger")
    assert code == 1
    # Paths are relative to the project, and the project's configuration applies.
    assert [v["path"] for v in json.loads(out)["violations"]] == ["app/views.py"]


def test_outside_git_a_project_current_folder_stays_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = shop\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "setup.py").write_text("")
    (tmp_path / "pkg" / "views.py").write_text(LEGACY)
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke("scan", "--path", "pkg", "--format", "json", "--no-ledger")
    assert code == 1
    assert [v["path"] for v in json.loads(out)["violations"]] == ["pkg/views.py"]


@pytest.mark.parametrize(("target", "noted"), [("py399", True), ("py38", False)])
def test_files_of_a_newer_python_than_backfix_runs_on_are_named_with_the_python_to_run(
    repo: Path, target: str, noted: bool
) -> None:
    """Warehouse targets Python 3.14 (ruff's ``target-version``), whose ``except A, B:`` an older
    parser rejects: the run says which Python to run backfix on, beside the files' errors; a
    project that targets an older Python gets no such note for its syntax errors."""
    (repo / "pyproject.toml").write_text(f'[tool.ruff]\ntarget-version = "{target}"\n')
    # (a bare `except:` in it, so that the scan reads the file)
    (repo / "newer.py").write_text("def f(:\n    try:\n        g()\n    except:\n        pass\n")
    _, out, err = invoke("scan", "--path", str(repo), "--no-ledger")
    assert "newer.py:1:7: error syntax-error" in out + err
    note = "the project targets Python 3.99 (ruff's target-version), and backfix runs on Python"
    assert (note in out + err) is noted
    if noted:
        assert "1 file(s) could not be read; run backfix on Python 3.99 to read them" in out + err


def test_a_project_templates_files_that_do_not_parse_are_a_note_not_errors(repo: Path) -> None:
    """A cookiecutter template's files (ckan's ``contrib/cookiecutter/.../{{cookiecutter.project}}``)
    are Jinja that generates code: one that is no Python a parser reads (``import
    {{cookiecutter.name}}``) is skipped with a note on its template, not a per-file error that
    fails the run; one that parses is scanned as any other file."""
    template = repo / "contrib" / "{{cookiecutter.project}}" / "ext"
    template.mkdir(parents=True)
    # (a bare `except:` in it: the file is read)
    (template / "plugin.py").write_text("import {{cookiecutter.name}}\n" + LEGACY)
    (template / "views.py").write_text(LEGACY)
    code, out, err = invoke("scan", "--path", str(repo), "--format", "json")
    assert code == 1, out + err
    data = json.loads(out)
    assert data["errors"] == []
    assert sorted({v["path"] for v in data["violations"]}) == [
        "contrib/{{cookiecutter.project}}/ext/views.py",
        "legacy.py",
    ]
    code, out, err = invoke("scan", "--path", str(repo))
    assert (
        "contrib/{{cookiecutter.project}}: 1 file(s) of this project template are not Python a "
        "parser reads (Jinja that generates code), so they were skipped"
    ) in out + err
