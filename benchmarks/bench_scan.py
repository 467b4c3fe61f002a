"""Throughput of `codemod scan` on a real corpus, as ratios to LibCST parsing measured in the same run.

Usage: python benchmarks/bench_scan.py [--corpus DIR | --webapp] [--codemod ID ...] [--jobs N]
       [--repeat K] [--seed N] [--resources K]

The default corpus is this interpreter's standard library (tests included); ``--webapp`` generates a
Flask + FastAPI web-app corpus (``benchmarks/webapp_corpus.py``, deterministic by ``--seed``) and
prints, per codemod and for all together, the whole-process CPU seconds of a cold ``-j 1`` scan
against a LibCST parse of the same files in one process (CPU time is steadier than wall time on
shared machines; each figure is the median of ``--repeat`` runs). Timings on shared machines are
noisy, so the script prints ratios against baselines measured in the same run:

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
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import libcst as cst

from backfix.discovery import discover, open_workspace
from backfix.registry import all_codemods, get_codemod

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webapp_corpus import write_corpus

PARSE_SCRIPT = """
import sys, libcst
for path in sys.argv[1:]:
    try:
        libcst.parse_module(open(path, 'rb').read())
    except Exception:
        pass
"""


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


def child_cpu(command: list[str], env: dict[str, str] | None = None) -> float:
    """User + system CPU seconds of ``command`` and every process it waited for (its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1, 2):
        raise SystemExit(f"{command[:4]} failed: {done.stderr.decode()[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def scan_cpu(corpus: Path, codemods: list[str]) -> float:
    """CPU seconds of a cold one-worker `codemod scan` of ``corpus``."""
    command = [sys.executable, "-m", "backfix", "--no-cache", "scan", "--path", str(corpus)]
    command += ["--format", "json", "--no-ledger", "--jobs", "1"]
    for codemod_id in codemods:
        command += ["--codemod", codemod_id]
    return child_cpu(command)


def webapp_table(args: argparse.Namespace, classes: list[type]) -> None:
    """Generate the web-app corpus and print the scan/parse CPU ratio per codemod."""
    with tempfile.TemporaryDirectory() as out:
        files = write_corpus(Path(out), args.seed, args.resources)
        lines = sum(path.read_bytes().count(b"\n") for path in files)
        corpus = Path(out) / "webapp"
        print(f"web-app corpus: seed {args.seed}, {len(files)} files, {lines} lines")
        parse_command = [sys.executable, "-c", PARSE_SCRIPT, *map(str, files)]
        rows = [[cls.ID] for cls in classes]
        if len(classes) > 1:
            rows.append([c.ID for c in classes])
        parse_runs: list[float] = []
        scan_runs: list[list[float]] = [[] for _ in rows]
        for _ in range(args.repeat):
            parse_runs.append(child_cpu(parse_command))
            for index, row in enumerate(rows):
                scan_runs[index].append(scan_cpu(corpus, row))
        parse = statistics.median(parse_runs)
        print(f"libcst parse, one process: {parse:6.2f} CPU s (median of {args.repeat})")
        print(f"{'codemods':40} {'scan CPU s':>10} {'scan/parse':>10}  target")
        for row, runs in zip(rows, scan_runs, strict=True):
            cpu = statistics.median(runs)
            label = ", ".join(row) if len(row) > 1 else row[0]
            target = "<= 1.5" if len(row) > 1 else "<= 1.0"
            print(f"{label:40} {cpu:10.2f} {cpu / parse:10.2f}x  {target}")


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--codemod", action="append", default=[])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--webapp", action="store_true", help="scan a generated web-app corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resources", type=int, default=40)
    args = parser.parse_args()
    if args.webapp:
        chosen = [get_codemod(c) for c in args.codemod] or list(all_codemods().values())
        webapp_table(args, chosen)
        return

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
