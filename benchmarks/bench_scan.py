"""Throughput of `codemod scan` on a real corpus, as ratios to LibCST parsing measured in the same run.

Usage: python benchmarks/bench_scan.py [--corpus DIR] [--codemod ID ...] [--jobs N] [--repeat K]

The default corpus is this interpreter's standard library (tests included). Timings on shared
machines are noisy, so the script prints ratios against baselines measured in the same run:

* parse-kept: ``libcst.parse_module`` over just the files the codemods' text prefilter keeps;
* parse-all:  ``libcst.parse_module`` over every file the scan discovers.

Scans run with the analysis cache off, except the "rescan" figure: a second scan of the unchanged
corpus with a warm cache.

Both baselines run in one process, like a plain loop a user would write; the scan uses the
engine's defaults (process pool of ``--jobs`` workers, default: CPUs).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import libcst as cst

from backfix.discovery import discover, open_workspace
from backfix.registry import all_codemods, get_codemod


def parse_all(paths: list[Path]) -> tuple[float, int]:
    """Seconds to LibCST-parse ``paths`` and how many failed."""
    failures = 0
    start = time.perf_counter()
    for path in paths:
        try:
            cst.parse_module(path.read_bytes())
        except Exception:
            failures += 1
    return time.perf_counter() - start, failures


def time_scan(corpus: Path, codemods: list[str], jobs: int | None, cache_dir: str = "") -> float:
    """Wall-clock seconds of one `codemod scan` subprocess over ``corpus``.

    Without ``cache_dir`` the analysis cache is off, so every file is analysed.
    """
    command = [sys.executable, "-m", "backfix"]
    if not cache_dir:
        command.append("--no-cache")
    command += ["scan", "--path", str(corpus), "--format", "json"]
    command.append("--no-ledger")  # never write a ledger into the corpus
    for codemod_id in codemods:
        command += ["--codemod", codemod_id]
    if jobs:
        command += ["--jobs", str(jobs)]
    env = {**os.environ, "BACKFIX_CACHE_DIR": cache_dir} if cache_dir else None
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1, 2):
        raise SystemExit(f"scan failed: {done.stderr.decode()}")
    return elapsed


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--codemod", action="append", default=[])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    corpus: Path = args.corpus.resolve()
    classes = [get_codemod(c) for c in args.codemod] or list(all_codemods().values())
    workspace = open_workspace([corpus])
    files = [workspace.abs(rel) for rel in discover(workspace, [corpus], []).files]
    raw = {path: path.read_bytes() for path in files}
    kept = [path for path in files if any(cls.wants(raw[path]) for cls in classes)]
    lines_all = sum(data.count(b"\n") for data in raw.values())
    lines_kept = sum(raw[path].count(b"\n") for path in kept)
    print(f"corpus: {corpus}")
    print(f"codemods: {', '.join(cls.ID for cls in classes)}")
    print(
        f"files: {len(files)} ({lines_all} lines); prefilter keeps {len(kept)} ({lines_kept} lines)"
    )

    for attempt in range(1, args.repeat + 1):
        scan = time_scan(corpus, [cls.ID for cls in classes], args.jobs)
        scan_serial = time_scan(corpus, [cls.ID for cls in classes], 1)
        with tempfile.TemporaryDirectory() as cache_dir:
            time_scan(corpus, [cls.ID for cls in classes], args.jobs, cache_dir)
            rescan = time_scan(corpus, [cls.ID for cls in classes], args.jobs, cache_dir)
        parse_kept, failed_kept = parse_all(kept)
        parse_every, failed_all = parse_all(files)
        print(f"\nrun {attempt}:")
        print(
            f"  scan (jobs={args.jobs or 'CPUs'}): {scan:7.2f} s  {len(files) / scan:8.0f} files/s"
            f"  {lines_all / scan:10.0f} lines/s"
        )
        print(f"  scan (jobs=1):    {scan_serial:7.2f} s")
        print(f"  rescan, unchanged files from the analysis cache: {rescan:7.2f} s")
        print(f"  libcst parse, kept files: {parse_kept:7.2f} s ({failed_kept} failed to parse)")
        print(f"  libcst parse, all files:  {parse_every:7.2f} s ({failed_all} failed to parse)")
        print(f"  scan / parse-kept:        {scan / parse_kept:5.2f} x   (target <= 1.5)")
        print(f"  parse-all / scan:         {parse_every / scan:5.2f} x   (target >= 5)")
        print(f"  scan(jobs=1) / parse-kept:{scan_serial / parse_kept:5.2f} x")


if __name__ == "__main__":
    main()
