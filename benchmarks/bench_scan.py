"""CPU and peak memory of `codemod scan`, as ratios to a LibCST parse of the same files in the same run.

Usage: python benchmarks/bench_scan.py [--corpus webapp|stdlib|DIR] [--codemod ID ...] [--repeat K]
       [--seed N] [--resources K] [--baseline PYTHON] [--instructions] [--throughput [--jobs N]]

The corpus is ``webapp`` (default; ``--webapp`` is an alias): a Flask + FastAPI web-app corpus that
``benchmarks/webapp_corpus.py`` generates, deterministic by ``--seed``, ``--resources`` resources of
five modules each; ``stdlib``: this interpreter's standard library; or any folder (a local clone of a
real application: it is only read). For each codemod, and for all of them together, the script prints
the whole-process CPU seconds of a cold one-worker ``scan`` (``--no-cache -j 1``, the process and its
worker), their ratio to ``libcst.parse_module`` over every Python file of the corpus in one process,
and the scan's peak memory (the largest resident set of the scan process or its worker). A last row
is the fixed start-up cost every row includes: the last row's scan of a folder holding one empty
file (interpreter, imports, discovery, the plans of an empty project). Each figure
is the median of ``--repeat`` runs (peak memory: the largest); the parse is measured in the same run,
since timings on a shared machine drift.

Both commands run as an installed tool runs: with byte-compiled modules. A warm-up run fills a private
bytecode cache first (``PYTHONPYCACHEPREFIX``), also where the environment sets
``PYTHONDONTWRITEBYTECODE``, so that compiling backfix's own sources is not counted as scan time. It
also records, in a private cache folder (``BACKFIX_CACHE_DIR``), the answers of backfix's checks of
LibCST's internals, kept per LibCST install; ``--no-cache`` keeps the analysis cache off.

``--baseline PYTHON`` measures a second backfix in the same run, for a paired before/after: PYTHON
is the interpreter of another checkout's environment (e.g. ``git worktree add ../base <rev>`` and
``pip install -e ../base`` into its own venv). Each repeat runs the parse, then every row with the
baseline and with this checkout one after the other, so drift on a shared machine hits both alike;
each row prints both CPU figures and both ratios to the one parse.

``--instructions`` counts instructions instead of CPU seconds (valgrind's callgrind, every process
of the command, ``PYTHONHASHSEED=0``): slower to measure, but a shared machine's load does not move
them, so a paired run shows changes of a percent. A forked worker starts with a copy of its parent's
counters; they are zeroed where the child's Python resumes after the fork, so that the parent's
work before the fork is not counted twice. Instructions are not time: LibCST's native parser runs
more instructions per cycle than Python code does, so a ratio in instructions is lower than the same
ratio in CPU seconds.

``--throughput`` prints the older wall-clock report instead: files/s and lines/s of a scan with
``--jobs`` workers, a warm rescan from the analysis cache, and LibCST parse times of the kept files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from backfix.codemod import Codemod
from backfix.discovery import discover, open_workspace
from backfix.registry import all_codemods, get_codemod

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webapp_corpus import write_corpus

PARSE_SCRIPT = """
import sys, libcst
for path in open(sys.argv[1], encoding='utf-8').read().splitlines():
    try:
        libcst.parse_module(open(path, 'rb').read())
    except Exception:
        pass
"""


@dataclass(frozen=True)
class Usage:
    """What one child process used: CPU seconds (user + system; counting instructions, billions of
    them instead) and peak resident memory in MB (0: not measured)."""

    cpu: float
    peak_mb: float


def measure(command: Sequence[str], env: dict[str, str]) -> Usage:
    """Run ``command``; its CPU and peak memory, its waited-for children (the workers) included."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1, 2):
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{' '.join(command[:4])} failed: {message}")
    # ru_maxrss is in KiB on Linux; for a waited-for process it covers its own waited-for children.
    return Usage(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


#: callgrind over the command and every process it starts; a forked child's counters (copied from
#: its parent) are zeroed when its Python resumes after the fork
CALLGRIND = [
    "valgrind",
    "--tool=callgrind",
    "--trace-children=yes",
    "--zero-before=PyOS_AfterFork_Child",
]


def count_instructions(command: Sequence[str], env: dict[str, str]) -> Usage:
    """The instructions ``command`` and its workers execute, in billions (as ``Usage.cpu``)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (callgrind) on PATH")
    with tempfile.TemporaryDirectory() as out:
        counted = [*CALLGRIND, f"--callgrind-out-file={out}/callgrind.%p", *command]
        done = subprocess.run(counted, capture_output=True, env={**env, "PYTHONHASHSEED": "0"})
        if done.returncode not in (0, 1, 2):
            message = done.stderr.decode(errors="replace")[-2000:]
            raise SystemExit(f"{' '.join(command[:4])} failed: {message}")
        total = sum(_summary(path) for path in Path(out).glob("callgrind.*"))
    return Usage(total / 1e9, 0.0)


def _summary(profile: Path) -> int:
    """The ``summary:`` total of one callgrind output file."""
    with profile.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if line.startswith("summary:"):
                return int(line.split()[1])
    return 0


def scan_command(corpus: Path, codemods: Sequence[str], python: str = sys.executable) -> list[str]:
    """A cold one-worker `codemod scan` of ``corpus`` (no analysis cache, no ledger) by the backfix
    that ``python`` imports."""
    command = [python, "-m", "backfix", "--no-cache", "scan", "--path", str(corpus)]
    command += ["--format", "json", "--no-ledger", "--jobs", "1"]
    for codemod_id in codemods:
        command += ["--codemod", codemod_id]
    return command


def child_env(scratch: Path) -> dict[str, str]:
    """The environment of measured commands: byte-compiled modules and backfix's cache folder in
    ``scratch``, so that the warm-up run leaves what an installed tool has after its first run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    env["BACKFIX_CACHE_DIR"] = str(scratch / "backfix-cache")
    return env


@dataclass(frozen=True)
class Meter:
    """What a table counts: its unit, and the function that runs one command and counts it."""

    unit: str
    run: Callable[[Sequence[str], dict[str, str]], Usage]


@dataclass
class Runs:
    """The measured runs of one row, per backfix (this checkout's, and the baseline's if any)."""

    label: str
    codemods: list[str]
    by_python: dict[str, list[Usage]]

    def cpu(self, python: str) -> float:
        """The median CPU seconds of this row's runs with ``python``."""
        return statistics.median(run.cpu for run in self.by_python[python])

    def peak(self, python: str) -> float:
        """The largest peak memory of this row's runs with ``python``."""
        return max(run.peak_mb for run in self.by_python[python])


def table(
    corpus: Path,
    files: list[Path],
    classes: list[type[Codemod]],
    repeat: int,
    baseline: str | None = None,
    meter: Meter | None = None,
) -> None:
    """Print CPU, scan/parse ratio and peak memory per codemod and for all together (and the same
    for the ``baseline`` interpreter's backfix, paired run by run); with ``meter``, what it
    counts instead of CPU seconds."""
    meter = meter or Meter("CPU s", measure)
    lines = sum(path.read_bytes().count(b"\n") for path in files)
    print(f"corpus: {corpus} ({len(files)} files, {lines} lines)")
    pythons = [baseline, sys.executable] if baseline else [sys.executable]
    ids = [cls.ID for cls in classes]
    rows = [Runs(codemod_id, [codemod_id], {p: [] for p in pythons}) for codemod_id in ids]
    if len(ids) > 1:
        rows.append(Runs(", ".join(ids), ids, {p: [] for p in pythons}))
    startup = Runs("start-up (same scan, one empty file)", ids, {p: [] for p in pythons})
    with tempfile.TemporaryDirectory() as scratch:
        listing = Path(scratch) / "files.txt"
        listing.write_text("".join(f"{path}\n" for path in files), encoding="utf-8")
        env = child_env(Path(scratch))
        parse_command = [sys.executable, "-c", PARSE_SCRIPT, str(listing)]
        measure(parse_command, env)  # warm-up: byte-compile what the commands import
        for python in pythons:
            measure(scan_command(corpus, ids, python), env)
        empty = Path(scratch) / "empty"
        empty.mkdir()
        (empty / "empty.py").write_bytes(b"")
        parse_runs: list[Usage] = []
        for _ in range(repeat):
            parse_runs.append(meter.run(parse_command, env))
            for row in [*rows, startup]:
                folder = empty if row is startup else corpus
                for python in pythons:
                    row.by_python[python].append(
                        meter.run(scan_command(folder, row.codemods, python), env)
                    )
    parse = statistics.median(run.cpu for run in parse_runs)
    parse_peak = max(run.peak_mb for run in parse_runs)
    peak_text = f", peak {parse_peak:.0f} MB" if parse_peak else ""
    print(f"libcst parse, one process: {parse:.2f} {meter.unit}{peak_text} (median of {repeat})")
    if baseline:
        print_paired(rows, startup, parse, baseline, meter.unit)
    else:
        print_single(rows, startup, parse, meter.unit)


def print_single(rows: list[Runs], startup: Runs, parse: float, unit: str = "CPU s") -> None:
    """One backfix: CPU, ratio to the parse, peak memory and the issue's target per row."""
    python = sys.executable
    print(f"{'codemods':40} {'scan ' + unit:>10} {'scan/parse':>10} {'peak MB':>8}  target")
    for row in rows:
        cpu = row.cpu(python)
        target = "<= 1.5" if len(row.codemods) > 1 else "<= 1.0"
        print(f"{row.label:40} {cpu:10.2f} {cpu / parse:9.2f}x {_peak(row.peak(python))}  {target}")
    cpu = startup.cpu(python)
    print(f"{startup.label:40} {cpu:10.2f} {cpu / parse:9.2f}x {'':8}  (in every row)")


def print_paired(
    rows: list[Runs], startup: Runs, parse: float, baseline: str, unit: str = "CPU s"
) -> None:
    """Baseline and this checkout side by side: CPU, ratio to the one parse, peak memory."""
    print(f"before: {baseline}; after: {sys.executable}")
    print(
        f"{'codemods':40} {unit + ' before → after':>22} {'scan/parse before → after':>27}"
        f" {'peak MB':>10}"
    )
    for row in [*rows, startup]:
        before, after = row.cpu(baseline), row.cpu(sys.executable)
        peak = max(row.peak(baseline), row.peak(sys.executable))
        print(
            f"{row.label:40} {before:9.2f} → {after:9.2f}"
            f" {before / parse:12.2f}x → {after / parse:9.2f}x {_peak(peak):>10}"
        )


def _peak(megabytes: float) -> str:
    """A peak-memory cell: ``-`` where it was not measured (counting instructions)."""
    return f"{megabytes:8.0f}" if megabytes else f"{'-':>8}"


def corpus_files(corpus: Path) -> list[Path]:
    """The Python files a scan of ``corpus`` discovers."""
    workspace = open_workspace([corpus])
    return [workspace.abs(rel) for rel in discover(workspace, [corpus], []).files]


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


def throughput(corpus: Path, classes: list[type[Codemod]], args: argparse.Namespace) -> None:
    """The wall-clock report: files/s, a warm rescan, and LibCST parse times of the kept files."""
    files = corpus_files(corpus)
    raw = {path: path.read_bytes() for path in files}
    kept = [path for path in files if any(cls.wants(raw[path]) for cls in classes)]
    lines_all = sum(data.count(b"\n") for data in raw.values())
    lines_kept = sum(raw[path].count(b"\n") for path in kept)
    ids = [cls.ID for cls in classes]
    print(f"corpus: {corpus}")
    print(f"codemods: {', '.join(ids)}")
    print(
        f"files: {len(files)} ({lines_all} lines); prefilter keeps {len(kept)} ({lines_kept} lines)"
    )
    for attempt in range(1, args.repeat + 1):
        scan = time_scan(corpus, ids, args.jobs)
        scan_serial = time_scan(corpus, ids, 1)
        with tempfile.TemporaryDirectory() as cache_dir:
            time_scan(corpus, ids, args.jobs, cache_dir)
            rescan = time_scan(corpus, ids, args.jobs, cache_dir)
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


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", default="webapp", help="webapp (generated), stdlib, or a folder to scan"
    )
    parser.add_argument(
        "--webapp", action="store_const", const="webapp", dest="corpus", help="--corpus webapp"
    )
    parser.add_argument("--codemod", action="append", default=[])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resources", type=int, default=40)
    parser.add_argument(
        "--baseline", default=None, help="interpreter of a second backfix to pair with (before)"
    )
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions (callgrind), not CPU s"
    )
    parser.add_argument("--throughput", action="store_true", help="the wall-clock report")
    parser.add_argument("--jobs", type=int, default=None, help="workers (--throughput)")
    args = parser.parse_args()
    classes = [get_codemod(c) for c in args.codemod] or list(all_codemods().values())
    with tempfile.TemporaryDirectory() as out:
        if args.corpus == "webapp":
            files = write_corpus(Path(out), args.seed, args.resources)
            corpus = Path(out) / "webapp"
            print(f"web-app corpus: seed {args.seed}, {args.resources} resources")
        else:
            given = sysconfig.get_paths()["stdlib"] if args.corpus == "stdlib" else args.corpus
            corpus = Path(given).resolve()
            files = corpus_files(corpus)
        if args.throughput:
            throughput(corpus, classes, args)
        else:
            meter = Meter("G instr", count_instructions) if args.instructions else None
            table(corpus, files, classes, args.repeat, args.baseline, meter)


if __name__ == "__main__":
    main()
