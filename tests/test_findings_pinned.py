"""Every codemod's findings on whole applications, pinned byte for byte.

Speed work (cheaper analysis, prefilters, shared metadata) must not change what ``scan`` reports. The
snapshot cases pin small inputs one codemod at a time; this test pins ``codemod scan --format json`` of
all codemods together over every e2e application, the bundled example and two generated web-app corpora
(``benchmarks/webapp_corpus.py``), in the default mode and in ``--mode async``.

``pytest --update-snapshots`` rewrites the pinned files from the actual output and still fails, so every
change is reviewed with ``git diff tests/data/findings/``. Rewrite them only for a deliberate change of
findings, never to make a refactor pass.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from testkit import invoke_in, write_webapp_corpus

ROOT = Path(__file__).resolve().parents[1]
PINNED = ROOT / "tests" / "data" / "findings"
E2E = ROOT / "tests" / "e2e"
IGNORED = shutil.ignore_patterns(
    "__pycache__", ".backfix", ".pytest_cache", ".ruff_cache", ".mypy_cache"
)


def _copy(source: Path) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        shutil.copytree(source, target, ignore=IGNORED)

    return write


def _corpus(seed: int, resources: int) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        write_webapp_corpus(target, seed=seed, resources=resources)

    return write


def _inputs() -> dict[str, Callable[[Path], None]]:
    inputs: dict[str, Callable[[Path], None]] = {}
    for group in ("apps", "async_apps"):
        for app in sorted((E2E / group).iterdir()):
            if app.is_dir() and not app.name.startswith((".", "__")):
                inputs[f"{group}-{app.name}"] = _copy(app)
    for app in sorted(E2E.glob("*_app")):
        inputs[app.name] = _copy(app)
    inputs["example-taskboard"] = _copy(ROOT / "examples" / "taskboard")
    inputs["webapp-seed0"] = _corpus(seed=0, resources=8)
    inputs["webapp-seed7"] = _corpus(seed=7, resources=12)
    return inputs


INPUTS = _inputs()
MODES = {"auto": (), "async": ("--mode", "async")}
CASES = [(name, mode) for name in INPUTS for mode in MODES]
# Whole applications with every codemod: minutes of CPU, so out of the fast loop; CI runs it.
pytestmark = pytest.mark.slow


def _findings(folder: Path, mode: str) -> str:
    code, out, err = invoke_in(
        folder, "--no-cache", "scan", "--no-ledger", "-j", "1", "--format", "json", *MODES[mode]
    )
    assert code in (0, 1), f"scan failed with exit {code}: {err}"
    report = json.loads(out)
    # The versions line names the environment backfix runs in, which is not what these pins are about.
    report.pop("assumptions", None)
    return json.dumps(report, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize(("name", "mode"), CASES, ids=[f"{name}-{mode}" for name, mode in CASES])
def test_findings_are_pinned(
    name: str, mode: str, tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    """``scan --format json`` over the whole application equals the pinned report."""
    folder = tmp_path / name
    INPUTS[name](folder)
    actual = _findings(folder, mode)
    pinned = PINNED / f"{name}.{mode}.json"
    if pytestconfig.getoption("--update-snapshots"):
        pinned.parent.mkdir(parents=True, exist_ok=True)
        pinned.write_text(actual, encoding="utf-8")
        pytest.fail(f"rewrote {pinned.relative_to(ROOT)}: review it with git diff", pytrace=False)
    assert pinned.is_file(), (
        f"no pinned report {pinned.relative_to(ROOT)}: run pytest --update-snapshots"
    )
    expected = pinned.read_text(encoding="utf-8")
    assert actual == expected, (
        f"findings on {name} ({mode} mode) differ from {pinned.relative_to(ROOT)}"
    )
