"""A scan with async-queries does not load its rewrite (nor what only the rewrite uses)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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

APP = "def users(db):\n    return db.query(User).all()\n"


def _imported(tmp_path: Path, *args: str) -> set[str]:
    listing = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(listing), *args], capture_output=True, text=True
    )
    assert done.returncode in (0, 1), done.stderr
    return set(json.loads(listing.read_text(encoding="utf-8")))


def test_a_scan_does_not_import_the_rewrite(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(APP, encoding="utf-8")
    scan = ("--no-cache", "scan", "--no-ledger", "--codemod", "async-queries")
    modules = _imported(tmp_path, *scan, "--path", str(project))
    assert "backfix.builtin_codemods.async_queries.quick_chains" in modules
    assert "backfix.builtin_codemods.async_queries.rewrite" not in modules
    assert "backfix.cst_metadata" not in modules
