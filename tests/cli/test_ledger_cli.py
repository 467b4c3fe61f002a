"""The ledger from the command line: baseline scan, batches, status, the check ratchet, reports, HTML.

Runs the real CLI in-process on temporary git repositories holding a small example app, with
bare-except as the codemod.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from testkit import git, init_repo, invoke

from backfix.ledger import SCHEMA_VERSION

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-2.1.0-reduced.schema.json"

# One file per route module: 1, 2 and 3 bare excepts, so the ranking order is jobs, users, reports.
APP = {
    "app/__init__.py": "",
    "app/routes/__init__.py": "",
    "app/routes/jobs.py": """\
def list_jobs(store):
    try:
        return store.all()
    except:
        return []
""",
    "app/routes/users.py": """\
import logging

log = logging.getLogger(__name__)


def get_user(store, user_id):
    try:
        return store.get(user_id)
    except:
        pass


def delete_user(store, user_id):
    try:
        store.delete(user_id)
    except:
        store.rollback()
        raise
""",
    "app/routes/reports.py": """\
def build(rows):
    out = []
    for row in rows:
        try:
            out.append(render(row))
        except:
            continue
    try:
        save(out)
    except:
        pass
    try:
        notify()
    except:
        raise
    return out
""",
}


def status_numbers() -> dict[str, Any]:
    """``status --format json`` for bare-except."""
    code, out, err = invoke("status", "--format", "json")
    assert code == 0, err
    entry: dict[str, Any] = json.loads(out)["codemods"]["bare-except"]
    return entry


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example app, committed, as the current folder."""
    root = init_repo(tmp_path / "repo", APP, "app")
    monkeypatch.chdir(root)
    return root


def ledger_lines(repo: Path) -> list[dict[str, Any]]:
    """The ledger's records as JSON objects."""
    path = repo / ".backfix" / "ledger.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def tree_state(repo: Path) -> tuple[str, str, str]:
    """HEAD, branch and status + every file's bytes: what a branch run must not change."""
    files = "".join(
        f"{p.relative_to(repo)}:{p.read_bytes()!r}\n"
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    )
    return git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain"), files


def test_migration_in_batches(repo: Path, tmp_path: Path) -> None:
    # Baseline.
    code, _, err = invoke("scan", "--codemod", "bare-except", "--jobs", "1")
    assert code == 1, err
    (record,) = ledger_lines(repo)
    assert record["paths"] == ["."] and record["branch"] == "main"
    assert record["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert record["codemods"]["bare-except"]["count"] == 6
    numbers = status_numbers()
    assert (numbers["baseline"], numbers["current"], numbers["fixed"]) == (6, 6, 0)
    assert [row["path"] for row in numbers["next"]] == [
        "app/routes/jobs.py",
        "app/routes/users.py",
        "app/routes/reports.py",
    ]
    git(repo, "add", ".backfix/ledger.jsonl")
    git(repo, "commit", "-q", "-m", "backfix baseline")

    # Batch 1, in place: only the top-ranked file.
    code, _, err = invoke("apply", "bare-except", "--max-files", "1", "--jobs", "1")
    assert code == 0, err
    assert "1 violation(s) fixed in 1 file(s) (written in place); 5 remaining" in err
    changed = git(repo, "status", "--porcelain").split("\n")
    assert sorted(line[3:] for line in changed if line) == [
        ".backfix/ledger.jsonl",
        "app/routes/jobs.py",
    ]
    last = ledger_lines(repo)[-1]
    assert last["command"] == "codemod apply bare-except --max-files 1"
    assert last["codemods"]["bare-except"]["count"] == 5  # the skipped files are still recorded
    assert [item["path"] for item in last["codemods"]["bare-except"]["fixed"]] == [
        "app/routes/jobs.py"
    ]
    numbers = status_numbers()
    assert (numbers["baseline"], numbers["current"], numbers["fixed"]) == (6, 5, 1)
    assert numbers["percent"] == 16
    code, out, _ = invoke("status")
    assert "bare-except: 6 → 5 remaining, 1 fixed (16% complete)" in out
    assert "1. app/routes/users.py: 2 violation(s)" in out
    git(repo, "commit", "-q", "-am", "batch 1")

    # Batch 2 on a branch with a PR body: the user's tree is untouched, the record is in the commit.
    before = tree_state(repo)
    pr = tmp_path / "pr.md"
    code, _, err = invoke(
        "apply", "bare-except", "--max-files", "1", "--branch", "batch-2", "--pr-body", str(pr)
    )
    assert code == 0, err
    assert tree_state(repo) == before
    committed = git(repo, "show", "--name-only", "--format=", "batch-2").split()
    assert sorted(committed) == [".backfix/ledger.jsonl", "app/routes/users.py"]
    message = git(repo, "log", "-1", "--format=%B", "batch-2")
    assert "Remaining in the scanned paths: 3 (0 for manual review)" in message
    assert "Migration: 6 -> 3 violations, 3 fixed (50% complete)" in message
    assert "Next: app/routes/reports.py (3, medium)" in message
    body = pr.read_text()
    assert "This batch fixed **2** violation(s) in 1 file(s)" in body
    assert "| `app/routes/users.py` | 2 |" in body
    assert "6 → 3 violations, 3 fixed (50% complete)" in body
    assert "`app/routes/reports.py`: 3 violation(s), medium complexity" in body

    git(repo, "merge", "-q", "--ff-only", "batch-2")
    numbers = status_numbers()
    assert (numbers["baseline"], numbers["current"], numbers["fixed"]) == (6, 3, 3)
    assert [point["count"] for point in numbers["history"]] == [6, 5, 3]

    # The ratchet: clean now, then a new violation fails and is named.
    ledger_bytes = (repo / ".backfix" / "ledger.jsonl").read_bytes()
    code, out, err = invoke("check")
    assert code == 0, out + err
    assert "bare-except: ok, 3 violation(s), none new (ledger holds 3)" in out
    with (repo / "app" / "routes" / "jobs.py").open("a") as handle:
        handle.write("\n\ndef retry(job):\n    try:\n        job()\n    except:\n        pass\n")
    code, out, _ = invoke("check")
    assert code == 1
    assert "bare-except: FAILED, 4 violation(s) where the ledger holds 3; 1 new" in out
    assert "new: app/routes/jobs.py:11:5: [bare-except]" in out
    assert "count: 4 > 3 recorded" in out
    assert (repo / ".backfix" / "ledger.jsonl").read_bytes() == ledger_bytes


def test_check_ignores_line_shifts_and_catches_a_swap(repo: Path) -> None:
    assert invoke("scan", "--codemod", "bare-except", "--jobs", "1")[0] == 1
    users = repo / "app" / "routes" / "users.py"
    users.write_text("# a comment\n\n\n" + users.read_text())
    code, out, _ = invoke("check")
    assert code == 0, out
    # Same count, but one violation fixed and a different one added: still a failure.
    jobs = repo / "app" / "routes" / "jobs.py"
    jobs.write_text(jobs.read_text().replace("except:", "except Exception:"))
    reports = repo / "app" / "routes" / "reports.py"
    reports.write_text(
        reports.read_text() + "\n\ndef extra():\n    try:\n        x()\n    except:\n        pass\n"
    )
    code, out, _ = invoke("check")
    assert code == 1
    assert "6 violation(s) where the ledger holds 6; 1 new" in out
    assert "new: app/routes/reports.py:" in out


def test_scan_json_stdout_is_only_json_and_dry_run_writes_no_ledger(repo: Path) -> None:
    code, out, _ = invoke("scan", "--format", "json", "--jobs", "1")
    assert code == 1
    assert json.loads(out)["totals"]["bare-except"] == 6
    assert len(ledger_lines(repo)) == 1
    body = repo.parent / "preview.md"
    code, _, _ = invoke("apply", "bare-except", "--dry-run", "--pr-body", str(body))
    assert code == 1
    assert len(ledger_lines(repo)) == 1
    assert "This batch fixed **6** violation(s) in 3 file(s)" in body.read_text()


def test_apply_with_nothing_to_change_records_nothing(repo: Path) -> None:
    """A re-apply that changes nothing leaves `git status` clean: no ledger record."""
    assert invoke("apply", "bare-except", "--jobs", "1")[0] == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "fixed")
    before = tree_state(repo)
    code, _, err = invoke("apply", "bare-except", "--branch", "nothing")
    assert code == 0 and "nothing to change" in err
    assert tree_state(repo) == before
    assert invoke("apply", "bare-except")[0] == 0
    counts = [r["codemods"]["bare-except"]["count"] for r in ledger_lines(repo)]
    assert counts == [0]
    assert tree_state(repo) == before


def test_apply_no_ledger_writes_the_fix_but_no_record(repo: Path) -> None:
    assert invoke("apply", "bare-except", "--no-ledger", "--jobs", "1")[0] == 0
    assert not (repo / ".backfix" / "ledger.jsonl").exists()
    assert git(repo, "status", "--porcelain").strip()  # the fixes are written
    assert invoke("scan", "--codemod", "bare-except", "--no-ledger")[0] == 0


def test_scan_no_ledger_writes_nothing(repo: Path) -> None:
    assert invoke("scan", "--codemod", "bare-except", "--no-ledger")[0] == 1
    assert not (repo / ".backfix").exists()


def test_scan_of_a_subfolder_records_repo_relative_paths(repo: Path) -> None:
    invoke("scan", "--path", str(repo / "app" / "routes"), "--path", "app/routes/jobs.py")
    (record,) = ledger_lines(repo)
    assert record["paths"] == ["app/routes", "app/routes/jobs.py"]


def test_outside_git_the_ledger_goes_to_the_workspace_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "mod.py").write_text(APP["app/routes/jobs.py"])
    monkeypatch.chdir(folder)
    assert invoke("scan", "--codemod", "bare-except")[0] == 1
    (record,) = ledger_lines(folder)
    assert record["commit"] is None and record["branch"] is None
    assert record["paths"] == ["."]


def test_status_reports_malformed_lines_and_refuses_newer_schema(repo: Path) -> None:
    invoke("scan", "--codemod", "bare-except", "--jobs", "1")
    path = repo / ".backfix" / "ledger.jsonl"
    with path.open("a") as handle:
        handle.write("{garbage\n")
    code, out, err = invoke("status")
    assert code == 0
    assert "line 2: malformed record, skipped" in err
    assert "6 → 6 remaining" in out
    with path.open("a") as handle:
        handle.write(json.dumps({"schema": SCHEMA_VERSION + 1, "timestamp": "x"}) + "\n")
    for command in ("status", "check", "report"):
        code, _, err = invoke(command)
        assert code == 2, command
        assert "newer backfix" in err
    code, _, err = invoke("scan", "--codemod", "bare-except")
    assert code == 1 and "the ledger was not updated" in err


def test_check_without_ledger_says_what_to_do(repo: Path) -> None:
    code, _, err = invoke("check")
    assert code == 2 and "run `codemod scan` first" in err
    code, out, _ = invoke("status")
    assert code == 0 and "no ledger records yet" in out


def test_report_formats(repo: Path) -> None:
    invoke("scan", "--codemod", "bare-except", "--jobs", "1")
    invoke("apply", "bare-except", "--max-files", "1", "--jobs", "1")
    code, out, err = invoke("report", "--format", "sarif")
    assert code == 0, err
    log = json.loads(out)
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    results = [r for r in log["runs"][0]["results"] if r["ruleId"] == "bare-except"]
    assert len(results) == 5 and all("fixes" in r for r in results)
    assert log["runs"][0]["properties"]["history"]["bare-except"][-1]["count"] == 5
    code, out, _ = invoke("report", "--format", "json")
    assert json.loads(out)["codemods"]["bare-except"]["current"] == 5
    code, out, _ = invoke("report")
    assert "## bare-except: 5 violation(s)" in out and "### History" in out
    target = repo.parent / "report.md"
    assert invoke("report", "--output", str(target))[0] == 0
    assert target.read_text() == out


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow  # starts a headless browser
def test_burndown_page_renders_in_headless_chromium(repo: Path, tmp_path: Path) -> None:
    invoke("scan", "--codemod", "bare-except", "--jobs", "1")
    invoke("apply", "bare-except", "--max-files", "1", "--jobs", "1")
    invoke("apply", "bare-except", "--max-files", "1", "--jobs", "1")
    page = tmp_path / "report.html"
    code, _, err = invoke("status", "--html", str(page))
    assert code == 0, err
    html = page.read_text()
    assert "<svg" in html and html.count("<circle") == 3 and "app/routes/reports.py" in html
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    shot = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1200,900",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert shot.exists(), done.stderr
        dom = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000  # a blank 1200x900 page compresses to a few hundred bytes
    assert "<polyline" in dom and "app/routes/reports.py" in dom


MOVED_APP = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "0"\ndependencies = ["sqlalchemy==2.0.48", '
    '"fastapi==0.135.3"]\n',
    "app/__init__.py": "",
    "app/db.py": """\
from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)


class Base(DeclarativeBase):
    pass


def get_db():
    with SessionLocal() as db:
        yield db
""",
    "app/models.py": """\
from sqlalchemy import Column, Integer, String

from app.db import Base


class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    name = Column(String)
""",
    "app/routes.py": """\
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import Item

router = APIRouter()


@router.post("/items/{item_id}/rename")
def rename(item_id: int, name: str, db: Session = Depends(get_db)):
    item = db.query(Item).filter(Item.id == item_id).first()
    item.name = name
    db.commit()
    return {"ok": True}


@router.get("/items")
def list_items(db: Session = Depends(get_db)):
    return db.query(Item).all()
""",
}


def test_a_query_move_commits_carries_into_a_service_is_moved_not_fixed_nor_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(tmp_path / "repo", MOVED_APP)
    monkeypatch.chdir(repo)
    assert invoke("scan", "--codemod", "async-queries", "--codemod", "move-commits")[0] == 1
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "baseline")
    code, _, err = invoke("apply", "move-commits")
    assert code == 0
    new_files = list((repo / "app" / "services").glob("*.py"))
    assert new_files
    # the files the batch created are counted apart from those it changed
    assert f"fixed in 1 file(s) and {len(new_files)} new file(s) (written in place)" in err
    code, out, _ = invoke("check", "--codemod", "async-queries")
    assert code == 0, out
    assert "none new" in out and "moved: app/routes.py -> app/services/" in out
    invoke("scan", "--codemod", "async-queries")
    code, out, _ = invoke("status", "--codemod", "async-queries", "--format", "json")
    assert code == 0
    status = json.loads(out)["codemods"]["async-queries"]
    figures = ("baseline", "current", "fixed", "moved", "percent")
    assert {key: status[key] for key in figures} == {
        "baseline": 2,
        "current": 2,
        "fixed": 0,
        "moved": 1,
        "percent": 0,
    }


SHIFTING = {
    "app/__init__.py": "",
    "app/extensions.py": "db = None\n",
    "app/models.py": "class Job:\n    pass\n",
    "app/routes/__init__.py": "",
    "app/routes/jobs.py": """\
from flask import Blueprint, request

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.route("/jobs", methods=["POST"])
def create_job():
    title = request.json["title"]
    job = Job(title=title)
    job.owner = request.json["owner"]
    job.state = "new"
    db.session.add(job)
    db.session.commit()
    return {"id": job.id}


@bp.route("/jobs/purge", methods=["POST"])
def purge_jobs():
    for job in Job.query.all():
        if job.pinned:
            break
        db.session.delete(job)
        db.session.commit()
    return {}
""",
}


def test_an_in_place_apply_records_what_is_left_where_it_is_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first route's unit moves to a service, so the second route's commit, left for manual
    review, moves up the file: the ledger records it at the line the summary names."""
    root = init_repo(tmp_path / "repo", SHIFTING)
    monkeypatch.chdir(root)
    code, _, err = invoke("apply", "move-commits", "--path", "app/routes", "--no-format")
    assert code == 0, err
    lines = (root / "app" / "routes" / "jobs.py").read_text().splitlines()
    now = next(n for n, text in enumerate(lines, 1) if "db.session.commit()" in text)
    assert f"app/routes/jobs.py:{now}:" in err
    (left,) = ledger_lines(root)[-1]["codemods"]["move-commits"]["files"]["app/routes/jobs.py"]
    assert left["line"] == now < 26
