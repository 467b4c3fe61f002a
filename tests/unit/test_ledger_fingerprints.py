"""Fingerprints as the ledger uses them, computed by the real engine with the bare-except codemod.

Documented behaviour: edits above a violation and reformatting keep its fingerprint; renaming a file
changes the fingerprint (the path is part of it) but keeps the path-independent key, so ``check``
reports the violation as moved, not new, and ``status`` does not count it as fixed.
"""

from __future__ import annotations

from pathlib import Path

from backfix.discovery import Workspace
from backfix.ledger import CodemodRecord, Entry, Record
from backfix.ledger_cli import compare
from backfix.registry import get_codemod
from backfix.results import Violation
from backfix.runner import CodemodSpec, RunOptions, run
from backfix.status import codemod_status

ORIGINAL = """\
def load(path):
    try:
        return open(path).read()
    except:
        return None


class Store:
    def save(self, data):
        try:
            self.write(data)
        except:
            raise
"""

EDITED_ABOVE = (
    "import os\n\n# a new helper pushes everything down\ndef helper():\n    return os.getcwd()\n\n\n"
    + ORIGINAL
)

REFORMATTED = """\
def load( path ):
    try:
        return open( path ).read( )
    except  :   # still bare
        return None
class Store :
    def save(self,data):
        try:   self.write(data)
        except:
          raise
"""


def scan(root: Path) -> list[Violation]:
    """bare-except violations under ``root`` (no git)."""
    cls = get_codemod("bare-except")
    spec = CodemodSpec(cls, "bare-except")
    result = run(Workspace(root=root), RunOptions(specs=[spec], paths=[root], jobs=1))
    return result.violations


def fingerprints(root: Path) -> list[str]:
    """Sorted fingerprints of the violations under ``root``."""
    return sorted(v.fingerprint for v in scan(root))


def test_edits_above_a_violation_keep_its_fingerprint(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text(ORIGINAL)
    before = scan(tmp_path)
    source.write_text(EDITED_ABOVE)
    after = scan(tmp_path)
    assert [v.line for v in before] != [v.line for v in after]
    assert sorted(v.fingerprint for v in before) == sorted(v.fingerprint for v in after)
    assert len(set(v.fingerprint for v in before)) == 2


def test_reformatting_keeps_fingerprints(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text(ORIGINAL)
    before = fingerprints(tmp_path)
    source.write_text(REFORMATTED)
    assert fingerprints(tmp_path) == before


def test_a_second_violation_in_the_same_scope_gets_its_own_fingerprint(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text(ORIGINAL)
    before = fingerprints(tmp_path)
    source.write_text(
        ORIGINAL.replace(
            "        return None\n",
            "        return None\n    try:\n        pass\n    except:\n        return None\n",
            1,
        )
    )
    after = fingerprints(tmp_path)
    assert set(before) < set(after) and len(after) == 3


def _record(violations: list[Violation], stamp: str) -> Record:
    return Record(
        timestamp=stamp,
        command="codemod scan",
        paths=(".",),
        codemods={"bare-except": CodemodRecord.from_violations(violations)},
    )


def test_renamed_file_changes_fingerprint_but_is_matched_as_moved(tmp_path: Path) -> None:
    (tmp_path / "old_name.py").write_text(ORIGINAL)
    before = scan(tmp_path)
    recorded = CodemodRecord.from_violations(before)
    (tmp_path / "old_name.py").rename(tmp_path / "new_name.py")
    after = scan(tmp_path)
    assert {v.fingerprint for v in before}.isdisjoint({v.fingerprint for v in after})
    assert sorted(Entry.from_violation(v).key for v in before) == sorted(
        Entry.from_violation(v).key for v in after
    )

    outcome = compare("bare-except", recorded, after, tmp_path)
    assert outcome.new == [] and not outcome.failed
    assert [(entry.path, v.path) for v, entry in outcome.moved] == [
        ("old_name.py", "new_name.py"),
        ("old_name.py", "new_name.py"),
    ]

    status = codemod_status([_record(before, "t1"), _record(after, "t2")], "bare-except")
    assert (status.baseline, status.current, status.fixed) == (2, 2, 0)


def test_a_copy_next_to_the_original_is_new(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(ORIGINAL)
    recorded = CodemodRecord.from_violations(scan(tmp_path))
    (tmp_path / "b.py").write_text(ORIGINAL)  # a.py still exists: b.py's violations are new
    outcome = compare("bare-except", recorded, scan(tmp_path), tmp_path)
    assert outcome.failed
    assert sorted(v.path for v in outcome.new) == ["b.py", "b.py"]
