"""End to end: every file a codemod changes passes ``ruff format --check`` when it passed before.

Each e2e app (and the bundled example) is copied to a temporary folder and each codemod is applied
with the CLI, as a user would. Two projects per app:

* with the ``ruff.toml`` the repository formats these apps with (100 columns): every file is clean
  before, so every changed file must be clean after;
* without configuration (ruff's default, 88 columns): the files clean before must be clean after,
  and the others are left as the codemod wrote them (the run says so in a note).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from backfix.formatting import find_ruff

E2E = Path(__file__).resolve().parent
EXAMPLE = E2E.parents[1] / "examples" / "taskboard"
RUFF = find_ruff(None)


@dataclass(frozen=True)
class Step:
    """One ``codemod apply`` on an app."""

    app: Path
    codemod: str
    args: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.app.name}-{self.codemod}"


STEPS = [
    Step(E2E / "apps" / "flask_jobs", "move-commits", ("--path", "app/routes")),
    Step(E2E / "apps" / "fastapi_shop", "move-commits", ("--path", "shop/routers")),
    Step(E2E / "async_apps" / "blog_flask", "async-queries", ("--path", "blog", "--mode", "sync")),
    Step(
        E2E / "async_apps" / "jobs_fastapi", "async-queries", ("--path", "app", "--mode", "async")
    ),
    Step(E2E / "fixtures" / "bare_except_app", "bare-except", ("--path", ".")),
    Step(EXAMPLE, "bare-except", ()),
    Step(EXAMPLE, "async-queries", ("--mode", "sync")),
    Step(EXAMPLE, "move-commits", ()),
]


def _run(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(args, cwd=cwd, env=env, input=stdin, capture_output=True, timeout=300)


def _sources(app: Path) -> dict[str, bytes]:
    return {
        path.relative_to(app).as_posix(): path.read_bytes()
        for path in sorted(app.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def _is_clean(app: Path, rel: str, content: bytes) -> bool:
    assert RUFF is not None
    done = _run(
        app, RUFF, "format", "--check", "--stdin-filename", str(app / rel), "-", stdin=content
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(RUFF is None, reason="ruff not installed")
@pytest.mark.parametrize("configured", [True, False], ids=["ruff-100", "no-config"])
@pytest.mark.parametrize("step", STEPS, ids=[step.id for step in STEPS])
def test_changed_files_pass_the_formatter_when_they_did_before(
    step: Step, configured: bool, tmp_path: Path
) -> None:
    app = tmp_path / step.app.name
    shutil.copytree(step.app, app, ignore=shutil.ignore_patterns("__pycache__", ".backfix"))
    own_config = (app / "pyproject.toml").is_file() and b"[tool.ruff]" in (
        app / "pyproject.toml"
    ).read_bytes()
    if not configured:
        if own_config:
            pytest.skip("the example configures ruff itself")
    elif not own_config:
        (app / "ruff.toml").write_text("line-length = 100\n", encoding="utf-8")
    before = _sources(app)
    clean_before = {rel for rel, content in before.items() if _is_clean(app, rel, content)}
    if configured:
        assert clean_before == set(before), "the fixture app is not formatted to begin with"

    applied = _run(app, sys.executable, "-m", "backfix", "apply", step.codemod, *step.args)
    assert applied.returncode == 0, applied.stderr.decode()

    after = _sources(app)
    changed = sorted(rel for rel, content in after.items() if before.get(rel) != content)
    assert changed, "the codemod changed nothing: the case tests nothing"
    unformatted = [
        rel
        for rel in changed
        if (rel in clean_before or rel not in before) and not _is_clean(app, rel, after[rel])
    ]
    assert unformatted == [], applied.stderr.decode()
    if not configured and set(changed) - clean_before - (set(after) - set(before)):
        assert "did not pass `ruff format --check` before the fix" in applied.stderr.decode()
