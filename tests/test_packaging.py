"""The built wheel carries the codemods and templates and works in a fresh virtual environment."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_fresh_venv(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("backfix-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "backfix/builtin_codemods/bare_except/__init__.py" in names
    assert "backfix/templates/bare-except/log_call.py.j2" in names
    assert "backfix/reports/apply.schema.json" in names  # apply --format json documents it

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    # Run from an unrelated folder so nothing resolves to the source checkout.
    work = tmp_path / "work"
    work.mkdir()
    for index in range(10):
        (work / f"m{index}.py").write_text("try:\n    pass\nexcept:\n    pass\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    listed = subprocess.run(
        [str(bin_dir / "codemod"), "list"], cwd=work, env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert "bare-except" in listed.stdout
    described = subprocess.run(
        [str(bin_dir / "codemod"), "describe", "bare-except"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert described.returncode == 0 and "logger.exception" in described.stdout
    applied = subprocess.run(
        [str(bin_dir / "codemod"), "apply", "bare-except", "--jobs", "2"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert applied.returncode == 0, applied.stderr
    assert "except Exception:" in (work / "m3.py").read_text()
