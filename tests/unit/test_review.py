"""Changes as units of review: how a run's file changes are split, tiered and partly kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import THREE

from backfix.discovery import Workspace
from backfix.interactive import EditError, apply_edit, edit_text
from backfix.registry import get_codemod
from backfix.results import FileChange, RunResult, Violation
from backfix.review import Change, Review, build, file_plan, keep, split_lines
from backfix.runner import CodemodSpec, RunOptions, run
from backfix.source import SourceFile

BareExcept = get_codemod("bare-except")


def _apply_run(root: Path, text: str, name: str = "m.py") -> RunResult:
    (root / name).write_text(text)
    spec = CodemodSpec(BareExcept, BareExcept.ID)
    return run(
        Workspace(root=root),
        RunOptions(specs=[spec], paths=[root], jobs=1, apply=True),
    )


def _analyze(path: str, abs_path: str, content: bytes) -> list[Violation]:
    return list(BareExcept().analyze(SourceFile(path, abs_path, content)).violations)


def test_split_lines_round_trips_every_ending() -> None:
    for data in (b"", b"a", b"a\n", b"a\r\nb", b"a\rb\n\n", b"\xef\xbb\xbfx = 1\r\n"):
        assert b"".join(split_lines(data)) == data


def test_one_change_per_violation_with_its_tier(tmp_path: Path) -> None:
    result = _apply_run(tmp_path, THREE)
    review = build(result, local=True)
    assert [(c.tier, [v.line for v in c.violations]) for c in review.changes] == [
        ("review", [7]),
        ("safe", [14]),
        ("review", [22]),
    ]
    swallow, reraise, catch = review.changes
    # The new `import logging` and logger serve only the log call: they go with that change alone.
    assert swallow.support and not reraise.support and not catch.support
    assert "+import logging" in review.diff(swallow)
    assert "+import logging" not in review.diff(reraise)
    added = [line for line in review.diff(reraise).splitlines() if line[:1] == "+"]
    assert added == ["+++ b/m.py", "+    except BaseException:"]


def test_every_subset_of_changes_makes_a_valid_file(tmp_path: Path) -> None:
    result = _apply_run(tmp_path, THREE)
    review = build(result, local=True)
    changes = review.changes
    for mask in range(1 << len(changes)):
        chosen = [c for n, c in enumerate(changes) if mask >> n & 1]
        assert review.problem(chosen, "m.py") is None
        content = review.content("m.py", chosen)
        compile(content, "m.py", "exec")
        if chosen == changes:
            assert content == result.changes[0].after
        if not chosen:
            assert content == THREE.encode()


def test_keep_only_the_safe_change_leaves_the_others_open(tmp_path: Path) -> None:
    result = _apply_run(tmp_path, THREE)
    review = build(result, local=True)
    safe = [c for c in review.changes if c.tier == "safe"]
    keep(review, result, safe, _analyze, local=True)
    (change,) = result.changes
    assert (
        change.after
        == THREE.replace(
            "    except:\n        cleanup", "    except BaseException:\n        cleanup"
        ).encode()
    )
    assert [v.line for v in result.fixed] == [14]
    assert sorted(v.line for v in result.violations) == [7, 22]
    assert all(v.fixable and v.tier == "review" for v in result.violations)


def test_keep_nothing_writes_nothing_and_keeps_every_violation(tmp_path: Path) -> None:
    result = _apply_run(tmp_path, THREE)
    review = build(result, local=True)
    keep(review, result, [], _analyze, local=True)
    assert result.changes == [] and result.fixed == []
    assert len(result.violations) == 3


def test_an_edited_change_counts_as_fixed_only_when_the_violation_is_gone(tmp_path: Path) -> None:
    result = _apply_run(tmp_path, THREE)
    review = build(result, local=True)
    catch = review.changes[2]
    (hunk,) = catch.hunks
    hunk.new = [b"    except:  # still bare\n"]  # the person undid the fix while editing
    catch.edited = True
    keep(review, result, [catch], _analyze, local=True)
    assert result.fixed == []
    assert len(result.violations) == 3
    assert b"# still bare" in result.changes[0].after


def test_a_new_name_without_its_definition_is_a_problem() -> None:
    before = b"def f():\n    try:\n        g()\n    except:\n        pass\n"
    after = (
        b"import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
        b"def f():\n    try:\n        g()\n    except Exception:\n"
        b"        logger.exception('x')\n        pass\n"
    )
    plan = file_plan(FileChange("a.py", "/nonexistent/a.py", before, after))
    review = Review("bare-except", {"a.py": plan}, [])
    body = [h for h in plan.hunks if h.start >= 3]
    lonely = Change(1, "bare-except", ("a.py",), body, ())
    problem = review.problem([lonely], "a.py")
    assert problem is not None and "logger" in problem


@pytest.mark.parametrize("local", [True, False])
def test_a_single_violation_file_is_one_change(tmp_path: Path, local: bool) -> None:
    result = _apply_run(tmp_path, "try:\n    import foo\nexcept:\n    foo = None\n")
    review = build(result, local=local)
    assert len(review.changes) == 1
    assert review.changes[0].tier == "review"


def _change(path: str, before: str | None, after: str) -> FileChange:
    return FileChange(
        path, f"/x/{path}", None if before is None else before.encode(), after.encode()
    )


def _violation(path: str) -> Violation:
    return Violation(path, 1, 1, "move-commits", "commit in route", scope="f", snippet="commit")


def test_cross_file_units_follow_imports_and_share_new_package_inits() -> None:
    route = "from app.extensions import db\n\ndef f():\n    db.session.commit()\n"
    moved = "from app.services.{0}_service import {1}Service\n\ndef f():\n    {1}Service.f()\n"
    service = "class {0}Service:\n    @staticmethod\n    def f():\n        pass\n"
    result = RunResult(
        codemods=["move-commits"],
        changes=[
            _change("app/routes/jobs.py", route, moved.format("job", "Job")),
            _change("app/routes/tasks.py", route, moved.format("task", "Task")),
            _change("app/services/__init__.py", None, ""),
            _change("app/services/job_service.py", None, service.format("Job")),
            _change("app/services/task_service.py", None, service.format("Task")),
        ],
        fixed=[_violation("app/routes/jobs.py"), _violation("app/routes/tasks.py")],
    )
    review = build(result, local=False)
    assert [c.files for c in review.changes] == [
        ("app/routes/jobs.py", "app/services/__init__.py", "app/services/job_service.py"),
        ("app/routes/tasks.py", "app/services/__init__.py", "app/services/task_service.py"),
    ]
    assert [[v.path for v in c.violations] for c in review.changes] == [
        ["app/routes/jobs.py"],
        ["app/routes/tasks.py"],
    ]


def test_a_function_made_async_ties_every_file_together() -> None:
    repo = "def get(db):\n    return db.query(Job).all()\n"
    repo_async = "async def get(db):\n    return (await db.execute(select(Job))).scalars().all()\n"
    caller = "def view(db):\n    return get_jobs(db)\n"
    caller_async = "async def view(db):\n    return await get_jobs(db)\n"
    result = RunResult(
        codemods=["async-queries"],
        changes=[_change("repo.py", repo, repo_async), _change("views.py", caller, caller_async)],
        fixed=[_violation("repo.py")],
    )
    (change,) = build(result, local=False).changes
    assert change.files == ("repo.py", "views.py")


def test_a_changed_file_nobody_imports_ties_every_file_together() -> None:
    result = RunResult(
        codemods=["move-commits"],
        changes=[
            _change("a.py", "x = 1\n", "x = 2\n"),
            _change("b.py", "y = 1\n", "y = 2\n"),
            _change("c.py", "z = 1\n", "z = 2\n"),
        ],
        fixed=[_violation("a.py"), _violation("b.py")],
    )
    (change,) = build(result, local=False).changes
    assert change.files == ("a.py", "b.py", "c.py")


def test_files_with_the_same_name_are_not_tied_by_it() -> None:
    """Two blueprints' views.py both import flask.views; only their own service modules tie in."""
    before = "from flask.views import MethodView\n\nclass V(MethodView):\n    pass\n"
    after = "from flask.views import MethodView\n\nfrom ..services.{0} import S\n\nclass V(MethodView):\n    pass\n"
    result = RunResult(
        codemods=["move-commits"],
        changes=[
            _change("pkg/forum/views.py", before, after.format("forum_service")),
            _change("pkg/admin/views.py", before, after.format("admin_service")),
            _change("pkg/services/__init__.py", None, ""),
            _change("pkg/services/forum_service.py", None, "class S:\n    pass\n"),
            _change("pkg/services/admin_service.py", None, "class S:\n    pass\n"),
        ],
        fixed=[_violation("pkg/forum/views.py"), _violation("pkg/admin/views.py")],
    )
    assert [c.files for c in build(result, local=False).changes] == [
        ("pkg/admin/views.py", "pkg/services/__init__.py", "pkg/services/admin_service.py"),
        ("pkg/forum/views.py", "pkg/services/__init__.py", "pkg/services/forum_service.py"),
    ]


def test_an_unchanged_edit_gives_the_same_change_and_an_edit_keeps_crlf(tmp_path: Path) -> None:
    crlf = THREE.replace("def other():", "def other():  # café").replace("\n", "\r\n")
    result = _apply_run(tmp_path, crlf)
    review = build(result, local=True)
    for change in review.changes:
        original = [list(h.new) for h in change.hunks]
        apply_edit(review, change, edit_text(review, change))
        assert [h.new for h in change.hunks] == original
    catch = review.changes[2]
    text = edit_text(review, catch).replace("+    except Exception:", "+    except (Exception):")
    apply_edit(review, catch, text)
    assert catch.hunks[0].new == [b"    except (Exception):\r\n"]
    with pytest.raises(EditError, match="no longer matches"):
        apply_edit(review, catch, text.replace("-    except:", "-    except :"))
    dropped = "\n".join(
        line for line in text.splitlines() if not line.startswith(("@@", "+", "-", " "))
    )
    apply_edit(review, catch, dropped)  # the hunk was deleted: the lines stay as they were
    assert catch.hunks[0].new == [b"    except:\r\n"]
