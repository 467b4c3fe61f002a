"""``apply --only``, ``apply --format json`` and the safety tiers in diffs, summaries and ``status``."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from testkit import example_routes, git, init_repo, invoke, write_files
from unidiff import PatchSet

from backfix.reports.apply_json import SCHEMA_PATH, schema

#: a swallowing handler (review), a re-raising one (safe) and a generator's handler (manual)
MIXED = """\
def load(path):
    try:
        return open(path).read()
    except:
        pass


def save(path):
    try:
        write(path)
    except:
        cleanup(path)
        raise


def lines(path):
    try:
        yield from open(path)
    except:
        pass
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding MIXED in mixed.py, committed; the current folder."""
    root = init_repo(tmp_path / "repo", {"mixed.py": MIXED})
    monkeypatch.chdir(root)
    return root


def validate(document: object) -> None:
    """``document`` follows the schema shipped with backfix."""
    jsonschema.Draft7Validator.check_schema(schema())
    jsonschema.validate(document, schema())


def test_dry_run_hunk_headers_name_the_tier(repo: Path) -> None:
    code, out, err = invoke("apply", "bare-except", "--dry-run")
    assert code == 1, err
    assert out.startswith("--- a/mixed.py\n+++ b/mixed.py\n")
    headers = [line for line in out.splitlines() if line.startswith("@@")]
    # One diff hunk holds both fixes (they are 7 lines apart): its header names both.
    assert headers == ["@@ -1,14 +1,19 @@ [review] bare-except line 4; [safe] bare-except line 11"]
    patch = PatchSet(out)  # still a patch other tools read
    assert [f.path for f in patch] == ["mixed.py"]
    assert "tiers: fixed 1 safe, 1 review; remaining 0 safe, 0 review, 1 manual" in err


def test_only_safe_writes_the_safe_change_and_leaves_the_rest_open(repo: Path) -> None:
    code, _out, err = invoke("apply", "bare-except", "--only", "safe")
    assert code == 0, err
    diff = git(repo, "diff", "-U0", "mixed.py")
    assert [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in "+++---"
    ] == [
        "-    except:",
        "+    except BaseException:",
    ]
    record = json.loads((repo / ".backfix" / "ledger.jsonl").read_text().splitlines()[-1])
    entry = record["codemods"]["bare-except"]
    assert [(f["line"], f["tier"]) for f in entry["fixed"]] == [(11, "safe")]
    left = entry["files"]["mixed.py"]
    assert sorted((e["line"], e["fixable"], e.get("tier")) for e in left) == [
        (4, True, "review"),
        (19, False, None),
    ]
    code, out, _ = invoke("status")
    assert "remaining by safety tier: 0 safe, 1 review, 1 manual" in out
    code, out, _ = invoke("status", "--format", "json")
    tiers = json.loads(out)["codemods"]["bare-except"]["tiers"]
    assert tiers == {"safe": 0, "review": 1, "manual": 1}
    code, out, _ = invoke("status", "--format", "md")
    assert "Remaining by safety tier: 0 safe, 1 review, 1 manual." in out
    # A branch batch's pull-request description says how much of it is safe.
    git(repo, "commit", "-qam", "safe fixes")
    code, _out, err = invoke("apply", "bare-except", "--branch", "rest", "--pr-body", "pr.md")
    assert code == 0, err
    body = (repo / "pr.md").read_text()
    assert "By safety tier: 0 safe (mechanically equivalent), 1 to review" in body
    # The safe work is done: a second run finds nothing safe left to change.
    code, out, err = invoke("apply", "bare-except", "--only", "safe", "--dry-run")
    assert (code, out) == (0, ""), err


def test_format_json_lists_changes_and_manual_items(repo: Path) -> None:
    code, out, err = invoke("apply", "bare-except", "--dry-run", "--format", "json")
    assert code == 1, err
    document = json.loads(out)  # stdout carries only the JSON document
    validate(document)
    assert document["written"] == "none"
    assert [(c["tier"], c["files"]) for c in document["changes"]] == [
        ("review", ["mixed.py"]),
        ("safe", ["mixed.py"]),
    ]
    for change in document["changes"]:
        assert change["fingerprints"] == [v["fingerprint"] for v in change["violations"]]
        assert PatchSet(change["diff"])[0].path == "mixed.py"
    assert "+    except BaseException:" in document["changes"][1]["diff"]
    assert "logger" not in document["changes"][1]["diff"]
    (manual,) = document["manual"]
    assert manual["line"] == 19 and manual["tier"] == "manual" and manual["reason"]
    assert document["tiers"]["fixed"] == {"safe": 1, "review": 1, "manual": 0}


def test_format_json_after_writing_in_place_and_on_a_branch(repo: Path) -> None:
    code, out, err = invoke("apply", "bare-except", "--only", "safe", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    validate(document)
    assert document["written"] == "in-place"
    assert [c["tier"] for c in document["changes"]] == ["safe"]
    assert [v["line"] for v in document["open"]] == [4]
    git(repo, "commit", "-qam", "safe fixes")
    code, out, err = invoke("apply", "bare-except", "--branch", "rest", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    validate(document)
    assert document["written"] == "branch"
    assert [c["tier"] for c in document["changes"]] == ["review"]
    code, out, err = invoke("apply", "bare-except", "--path", "mixed.py", "--format", "json")
    assert code == 0, err
    validate(json.loads(out))


def test_format_json_for_a_cross_file_codemod(repo: Path) -> None:
    write_files(repo, example_routes("jobs", "tasks"))
    code, out, err = invoke("apply", "move-commits", "--dry-run", "--format", "json")
    assert code == 1, err
    document = json.loads(out)
    validate(document)
    assert [c["files"] for c in document["changes"]] == [
        ["app/routes/jobs.py", "app/services/__init__.py", "app/services/job_service.py"],
        ["app/routes/tasks.py", "app/services/__init__.py", "app/services/task_service.py"],
    ]
    assert {c["tier"] for c in document["changes"]} == {"review"}


def test_the_schema_rejects_a_document_of_another_shape(repo: Path) -> None:
    _code, out, _ = invoke("apply", "bare-except", "--dry-run", "--format", "json")
    document = json.loads(out)
    document["changes"][0]["tier"] = "manual"  # a change is never manual: manual items are listed
    with pytest.raises(jsonschema.ValidationError):
        validate(document)
    assert SCHEMA_PATH.name == "apply.schema.json"


def test_interactive_needs_a_terminal(repo: Path) -> None:
    code, _out, err = invoke("apply", "bare-except", "--interactive")
    assert code == 2
    assert "--interactive needs a terminal" in err
    assert git(repo, "status", "--porcelain") == ""


def test_bisect_refuses_a_selection(repo: Path) -> None:
    code, _out, err = invoke(
        "apply", "bare-except", "--only", "safe", "--bisect", "--verify", "true"
    )
    assert code == 2
    assert "--bisect cannot keep an --only or --interactive selection" in err
    assert git(repo, "status", "--porcelain") == ""


def test_verify_runs_on_the_safe_changes_only(repo: Path) -> None:
    probe = "! grep -q 'except Exception' mixed.py"  # passes before; fails if a review change is in
    code, _out, err = invoke("apply", "bare-except", "--only", "safe", "--verify", probe)
    assert code == 0, err
    assert "except BaseException" in (repo / "mixed.py").read_text()


def test_a_hunk_header_names_the_lines_of_its_own_violations(repo: Path) -> None:
    """A cross-file change fixes several violations of a file: each hunk names those in it, and
    its import hunk none."""
    files = example_routes("jobs")
    filler = "".join(f"\n\ndef helper_{i}():\n    return {i}\n" for i in range(4))
    files["app/routes/jobs.py"] += filler + (
        '\n\n@bp.post("/jobs/<int:job_id>/close")\n'
        "def close_job(job_id):\n"
        "    job = db.session.get(Job, job_id)\n"
        "    job.closed = True\n"
        "    db.session.commit()\n"
        '    return "", 204\n'
    )
    write_files(repo, files)
    code, out, err = invoke("apply", "move-commits", "--dry-run", "--path", "app/routes/jobs.py")
    assert code == 1, err
    route = out.split("+++ b/app/routes/jobs.py\n")[1].split("\n--- ")[0]
    headers = [line.split(" @@ ")[1] for line in route.splitlines() if line.startswith("@@")]
    assert headers == [
        "[review] move-commits",
        "[review] move-commits line 16",
        "[review] move-commits line 40",
    ], out
