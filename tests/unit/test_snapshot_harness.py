"""The snapshot harness itself: it must catch every kind of wrong output, and update mode must work."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import libcst as cst
import pytest

from backfix.codemod import Codemod
from backfix.results import FileFacts
from backfix.source import SourceFile
from backfix.testing import check_case, discover_cases, load_case
from backfix.testing import snapshots as harness

BARE = b"def f():\n    try:\n        g()\n    except:\n        h()\n"
FIXED = BARE.replace(b"except:", b"except Exception:")
CLEAN = b"def f():\n    return 1\n"
CATCH = "bare `except:` also catches KeyboardInterrupt and SystemExit"
SWALLOW = "bare `except:` silently swallows every exception, KeyboardInterrupt and SystemExit too"


def diag(*paths: str, message: str = CATCH) -> bytes:
    """The pinned diagnostics of BARE (one fixable handler at 4:5) in each of ``paths``."""
    return "".join(f"{path}:4:5: {message} [fixable]\n" for path in paths).encode()


def make_case(root: Path, name: str, files: dict[str, bytes], codemod: str = "bare-except") -> Path:
    """A case folder ``root/<codemod>/<name>`` holding ``files`` (relative path → bytes)."""
    case_dir = root / codemod / name
    for rel, data in files.items():
        path = case_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return case_dir


def check(case_dir: Path, tmp_path: Path, *, update: bool = False) -> harness.CaseReport:
    work = tmp_path / "work"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    return check_case(load_case(case_dir), work, update=update)


def test_matching_single_file_case_passes(tmp_path: Path) -> None:
    files = {"input.py": BARE, "expected.py": FIXED, "diagnostics.txt": diag("input.py")}
    report = check(make_case(tmp_path / "s", "ok", files), tmp_path)
    assert report.ok, report.summary()


def test_diagnostics_are_pinned(tmp_path: Path) -> None:
    files = {"input.py": BARE, "expected.py": FIXED}
    report = check(make_case(tmp_path / "s", "none", files), tmp_path)
    assert "diagnostics differ from diagnostics.txt" in report.summary()
    assert f"+input.py:4:5: {CATCH} [fixable]" in report.summary()
    files["diagnostics.txt"] = diag("input.py").replace(b"4:5", b"4:1")
    report = check(make_case(tmp_path / "s2", "moved", files), tmp_path)
    assert "-input.py:4:1:" in report.summary() and "+input.py:4:5:" in report.summary()


def test_manual_diagnostics_carry_reason_id_and_reason(tmp_path: Path) -> None:
    source = b"def g():\n    try:\n        yield 1\n    except:\n        close()\n"
    case_dir = make_case(tmp_path / "s", "noop_yield", {"input.py": source})
    check(case_dir, tmp_path, update=True)
    text = (case_dir / "diagnostics.txt").read_text()
    assert text.startswith(
        f"input.py:4:5: {CATCH} [manual: handler-around-yield]\n    the `try` body"
    )
    assert check(case_dir, tmp_path).ok


def test_variants_run_one_input_under_several_option_sets(tmp_path: Path) -> None:
    swallow = b"def f():\n    try:\n        g()\n    except:\n        pass\n"
    toml = (
        b'[[variant]]\nname = "quiet"\noptions = { log_swallowed = false }\n\n'
        b'[[variant]]\nname = "logged"\n'
    )
    case_dir = make_case(tmp_path / "s", "two", {"input.py": swallow, "case.toml": toml})
    cases = harness.load_cases(case_dir)
    assert [c.id for c in cases] == ["bare-except/two[quiet]", "bare-except/two[logged]"]
    for case in cases:
        report = check_case(case, tmp_path / case.variant, update=True)
        assert not report.ok and report.written
    quiet = (case_dir / "expected.quiet.py").read_bytes()
    assert quiet == swallow.replace(b"except:", b"except Exception:")
    assert b"logger.exception" in (case_dir / "expected.logged.py").read_bytes()
    assert (case_dir / "diagnostics.quiet.txt").read_bytes() == diag("input.py", message=SWALLOW)
    for case in harness.load_cases(case_dir):
        assert check_case(case, tmp_path / f"again-{case.variant}").ok
    (case_dir / "expected.other.py").write_bytes(quiet)
    (stray,) = discover_cases(tmp_path / "s")
    assert "files of variants case.toml does not declare: ['expected.other.py']" in stray.error


def test_wrong_expectation_fails_with_a_diff(tmp_path: Path) -> None:
    wrong = FIXED.replace(b"h()", b"i()")
    case_dir = make_case(tmp_path / "s", "wrong", {"input.py": BARE, "expected.py": wrong})
    report = check(case_dir, tmp_path)
    assert not report.ok
    assert "-        i()" in report.summary() and "+        h()" in report.summary()


def test_line_ending_differences_are_explained(tmp_path: Path) -> None:
    crlf = BARE.replace(b"\n", b"\r\n")
    case_dir = make_case(tmp_path / "s", "crlf", {"input.py": crlf, "expected.py": FIXED})
    report = check(case_dir, tmp_path)
    assert "CRLF count: expected 0, actual 5" in report.summary()


def test_unchanged_case_must_stay_unchanged(tmp_path: Path) -> None:
    case_dir = make_case(tmp_path / "s", "noop_bare", {"input.py": BARE})
    report = check(case_dir, tmp_path)
    assert "expected no change" in report.summary()
    assert check(make_case(tmp_path / "s", "noop_clean", {"input.py": CLEAN}), tmp_path).ok


def test_change_case_whose_output_equals_its_input_fails(tmp_path: Path) -> None:
    case_dir = make_case(
        tmp_path / "s", "nothing", {"input.py": CLEAN, "expected.py": CLEAN.replace(b"1", b"2")}
    )
    assert "changed nothing" in check(case_dir, tmp_path).summary()
    same = make_case(tmp_path / "s", "same", {"input.py": CLEAN, "expected.py": CLEAN})
    assert "expected.py equals input.py" in check(same, tmp_path).summary()


def test_update_mode_writes_then_fails_then_passes(tmp_path: Path) -> None:
    case_dir = make_case(tmp_path / "s", "new", {"input.py": BARE})
    report = check(case_dir, tmp_path, update=True)
    assert not report.ok and report.written
    assert (case_dir / "expected.py").read_bytes() == FIXED
    assert (case_dir / "diagnostics.txt").read_bytes() == diag("input.py")
    assert check(case_dir, tmp_path).ok


def test_update_mode_removes_expected_output_that_no_longer_changes(tmp_path: Path) -> None:
    stale = CLEAN.replace(b"1", b"2")
    case_dir = make_case(tmp_path / "s", "stale", {"input.py": CLEAN, "expected.py": stale})
    report = check(case_dir, tmp_path, update=True)
    assert not report.ok
    assert not (case_dir / "expected.py").exists()


def test_update_mode_never_writes_expected_output_for_a_noop_case(tmp_path: Path) -> None:
    case_dir = make_case(tmp_path / "s", "noop_wrong", {"input.py": BARE})
    report = check(case_dir, tmp_path, update=True)
    assert not report.ok
    assert report.written == [f"wrote {case_dir / 'diagnostics.txt'}"]  # diagnostics only
    assert not (case_dir / "expected.py").exists()


def test_options_from_case_toml(tmp_path: Path) -> None:
    swallow = b"def f():\n    try:\n        g()\n    except:\n        pass\n"
    files = {
        "input.py": swallow,
        "expected.py": swallow.replace(b"except:", b"except Exception:"),
        "case.toml": b"[options]\nlog_swallowed = false\n",
        "diagnostics.txt": diag("input.py", message=SWALLOW),
    }
    assert check(make_case(tmp_path / "s", "opts", files), tmp_path).ok


def test_folder_case_compares_the_whole_tree(tmp_path: Path) -> None:
    files = {
        "input/app/a.py": BARE,
        "input/app/b.py": BARE,
        "input/lib/c.py": BARE,
        "expected/app/a.py": FIXED,
        "expected/app/b.py": FIXED,
        "case.toml": b'path = "app"\n',
        "diagnostics.txt": diag("app/a.py", "app/b.py"),
    }
    assert check(make_case(tmp_path / "s", "tree", files), tmp_path).ok
    del files["expected/app/b.py"]
    report = check(make_case(tmp_path / "s2", "tree", files), tmp_path)
    assert "app/b.py must stay unchanged (not in expected/)" in report.summary()


def test_folder_case_update_writes_only_changed_files(tmp_path: Path) -> None:
    files = {"input/app/a.py": BARE, "input/app/clean.py": CLEAN}
    case_dir = make_case(tmp_path / "s", "tree", files)
    report = check(case_dir, tmp_path, update=True)
    assert len(report.written) == 2  # app/a.py and diagnostics.txt
    assert harness.read_tree(case_dir / "expected") == {"app/a.py": FIXED}
    assert check(case_dir, tmp_path).ok


def test_malformed_cases_are_reported_not_crashed(tmp_path: Path) -> None:
    root = tmp_path / "s"
    make_case(root, "both", {"input.py": BARE, "input/a.py": BARE})
    make_case(root, "typo", {"input.py": BARE, "expect.py": FIXED})
    make_case(root, "badtoml", {"input.py": BARE, "case.toml": b"optons = 1\n"})
    make_case(root, "noop_with_expected", {"input.py": BARE, "expected.py": FIXED})
    cases = discover_cases(root)
    assert [c.id for c in cases] == [
        "bare-except/badtoml",
        "bare-except/both",
        "bare-except/noop_with_expected",
        "bare-except/typo",
    ]
    for case in cases:
        assert case.error
        report = check_case(case, tmp_path)
        assert "malformed case" in report.summary()


class _Appender(Codemod):
    """Not idempotent on purpose: every run appends a comment."""

    def analyze(self, source: SourceFile) -> FileFacts:
        return FileFacts(source.path, (self.violation(source, 1, 0, "again"),))

    def rewrite(self, source: SourceFile, edits: Any) -> cst.Module:
        return cst.parse_module(source.raw + b"# again\n")


def test_non_idempotent_codemod_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "get_codemod", lambda codemod_id: _Appender)
    files = {"input.py": CLEAN, "expected.py": CLEAN + b"# again\n"}
    report = check(make_case(tmp_path / "s", "appender", files, codemod="appender"), tmp_path)
    assert "not idempotent" in report.summary()


def test_filename_places_the_single_file(tmp_path: Path) -> None:
    files = {
        "input.py": BARE,
        "expected.py": FIXED,
        "case.toml": b'filename = "app/jobs.py"\n',
        "diagnostics.txt": diag("app/jobs.py"),
    }
    case_dir = make_case(tmp_path / "s", "placed", files)
    assert load_case(case_dir).filename == "app/jobs.py"
    assert check(case_dir, tmp_path).ok


def test_expected_errors_and_remaining_count(tmp_path: Path) -> None:
    broken = b"try:\n    x = (\nexcept:\n    pass\n"
    files = {"input.py": broken, "case.toml": b'expect_errors = ["input.py"]\nremaining = 0\n'}
    assert check(make_case(tmp_path / "s", "noop_broken", files), tmp_path).ok
    files["case.toml"] = b"remaining = 1\n"
    report = check(make_case(tmp_path / "s2", "noop_broken", files), tmp_path)
    assert "files with errors ['input.py'], expected []" in report.summary()
    assert "expected 1 violation(s) left for manual review, got 0" in report.summary()
