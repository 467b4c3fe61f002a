"""Running the project's own test command, and reading which tests failed from its output.

The command runs through the shell, in its own process group, with its output captured in a temporary
file. Ctrl-C or SIGTERM stops it (the whole group, so a test runner's children stop too) and then
propagates as ``KeyboardInterrupt`` so the caller can restore what it wrote.

Failing test ids are read from the summary lines the two common runners print:

* pytest: ``FAILED tests/test_x.py::test_y - AssertionError`` and ``ERROR tests/test_x.py::test_z``
  (its short test summary, on by default since pytest 6; collection errors included);
* unittest: ``FAIL: test_y (tests.test_x.Case.test_y)`` and ``ERROR: test_z (tests.test_x.Case)``.

Any other runner's output yields no ids, which callers treat as "cannot tell".
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: how many lines of a failing run's output are shown.
TAIL_LINES = 40

_PYTEST_LINE = re.compile(r"^(?:FAILED|ERROR) (?P<id>[^\s(].*?)(?: - .*)?$")
_UNITTEST_LINE = re.compile(r"^(?:FAIL|ERROR): (?P<id>\S.*)$")


@dataclass(frozen=True)
class TestRun:
    """One run of the test command: its exit status, combined output and duration in seconds."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    command: str
    returncode: int
    output: str
    seconds: float

    @property
    def passed(self) -> bool:
        """True when the command exited with status 0."""
        return self.returncode == 0

    @property
    def failing(self) -> frozenset[str]:
        """The failing test ids its output names (empty when it names none)."""
        return failing_tests(self.output)

    def tail(self, lines: int = TAIL_LINES) -> str:
        """The last ``lines`` lines of the output."""
        kept = self.output.rstrip("\n").split("\n")[-lines:]
        return "\n".join(kept)


def failing_tests(output: str) -> frozenset[str]:
    """Ids of failing tests in pytest or unittest output (see the module docstring)."""
    found: set[str] = set()
    for line in output.splitlines():
        match = _PYTEST_LINE.match(line) or _UNITTEST_LINE.match(line)
        if match:
            found.add(match.group("id").strip())
    return frozenset(found)


def run_tests(command: str, cwd: Path, extra_env: Mapping[str, str]) -> TestRun:
    """Run ``command`` in ``cwd``; its stdout and stderr are captured together."""
    env = {**os.environ, **extra_env}
    started = time.monotonic()
    with tempfile.TemporaryFile() as captured:
        process = subprocess.Popen(
            command,
            shell=True,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=captured,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = process.wait()
        except BaseException:
            _stop(process)
            raise
        captured.seek(0)
        output = captured.read().decode("utf-8", errors="replace")
    return TestRun(command, returncode, output, time.monotonic() - started)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the command and everything it started: SIGTERM, then SIGKILL after five seconds."""
    for signum, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue
