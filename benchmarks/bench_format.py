"""What the formatter pass costs: `codemod apply --dry-run` with and without it, in the same run.

Usage: python benchmarks/bench_format.py [--copies N] [--jobs N] [--repeat K]

The corpus is generated: ``--copies`` copies of the bundled example app (examples/taskboard, whose
files pass ``ruff format --check``, so every changed file is formatted) side by side in a temporary
folder. For each codemod the script times ``apply --dry-run`` over the whole corpus with formatting
(the default) and with ``--no-format``, and prints wall-clock and CPU seconds (this process's children:
the backfix run and the ruff processes it starts) and the ratio with/without. Timings on shared
machines are noisy: compare the ratios, measured back to back in one run.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "taskboard"
CODEMODS = {
    "bare-except": (),
    "async-queries": ("--mode", "sync"),
    "move-commits": (),
}


def build_corpus(root: Path, copies: int) -> None:
    """``copies`` copies of the example app under ``root`` (each keeps its own pyproject.toml)."""
    for index in range(copies):
        shutil.copytree(
            EXAMPLE,
            root / f"taskboard_{index}",
            ignore=shutil.ignore_patterns("__pycache__", ".backfix", "tests"),
        )


def time_apply(
    corpus: Path, codemod: str, options: tuple[str, ...], jobs: int | None, fmt: bool
) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the children, files in the diff) of one dry-run apply."""
    command = [sys.executable, "-m", "backfix", "--no-cache", "apply", codemod, "--dry-run"]
    command += ["--path", str(corpus), *options]
    if jobs:
        command += ["--jobs", str(jobs)]
    if not fmt:
        command.append("--no-format")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"apply {codemod} failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.count("\n+++ ")


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backfix-bench-format-") as scratch:
        corpus = Path(scratch)
        build_corpus(corpus, args.copies)
        files = sum(1 for _ in corpus.rglob("*.py"))
        print(f"corpus: {args.copies} copies of {EXAMPLE.name}, {files} Python files")
        for attempt in range(1, args.repeat + 1):
            print(f"\nrun {attempt} (jobs={args.jobs or 'CPUs'}):")
            print(
                f"  {'codemod':<14} {'files':>5} {'wall off':>9} {'wall on':>8} {'ratio':>6}"
                f" {'cpu off':>8} {'cpu on':>7} {'ratio':>6} {'cpu/file':>9}"
            )
            for codemod, options in CODEMODS.items():
                wall_off, cpu_off, changed = time_apply(corpus, codemod, options, args.jobs, False)
                wall_on, cpu_on, _ = time_apply(corpus, codemod, options, args.jobs, True)
                per_file = (cpu_on - cpu_off) / changed * 1000 if changed else 0.0
                print(
                    f"  {codemod:<14} {changed:>5} {wall_off:8.2f}s {wall_on:7.2f}s"
                    f" {wall_on / wall_off:5.2f}x {cpu_off:7.2f}s {cpu_on:6.2f}s"
                    f" {cpu_on / cpu_off:5.2f}x {per_file:6.1f} ms"
                )


if __name__ == "__main__":
    main()
