"""black for every changed file of a run, without starting black once per file.

Importing black costs more than formatting a file with it, so when the black found is a Python
script, a few long-lived worker processes of its own interpreter import it once and run black's
command line (``black.main``) for each file, exactly as ``black ARGS -`` would run. A black that is
no Python script (a binary, a wrapper), or a worker that fails, falls back to one process per file.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from backfix.black_pass import (
    BLACK_TIMEOUT,
    Command,
    Span,
    black_args,
    black_output,
    encoded,
    run_black,
)

#: The worker: one JSON request a line (black's arguments, stdin as latin-1 text), one JSON answer
#: a line (exit code, stdout, stderr). black writes to ``sys.stdout.buffer`` and reads
#: ``sys.stdin.buffer``, so those are swapped for in-memory buffers around each run.
_WORKER = r"""
import io, json, sys
import black

def run(args, data):
    saved = sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.BytesIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    try:
        code = black.main.main(args=args, prog_name="black", standalone_mode=False)
    except SystemExit as exc:
        code = exc.code
    except Exception as exc:
        code = 2
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        result = out.getvalue(), err.getvalue()
        sys.stdin, sys.stdout, sys.stderr = saved
    return code if isinstance(code, int) else 1, result

for line in sys.stdin:
    request = json.loads(line)
    code, (out, err) = run(request["args"], request["input"].encode("latin-1"))
    answer = {"code": code, "stdout": out.decode("latin-1"), "stderr": err.decode("latin-1")}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
"""


class _WorkerGone(Exception):
    """The worker process did not answer (it could not import black, died, or timed out)."""


class _Worker:
    """One worker process."""

    def __init__(self, python: str) -> None:
        try:
            self.process = subprocess.Popen(
                [python, "-c", _WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=Path(python).parent,  # -c puts the working folder first on sys.path
                text=True,
                encoding="utf-8",
            )
        except OSError as exc:
            raise _WorkerGone(str(exc)) from None

    def ask(self, args: Sequence[str], data: bytes) -> tuple[int, bytes, bytes]:
        """black's exit code, stdout and stderr for ``args`` with ``data`` on stdin."""
        request = json.dumps({"args": list(args), "input": data.decode("latin-1")})
        timer = threading.Timer(BLACK_TIMEOUT, self.process.kill)
        timer.start()
        try:
            answer = json.loads(_exchange(self.process.stdin, self.process.stdout, request))
            return answer["code"], *(answer[key].encode("latin-1") for key in ("stdout", "stderr"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self.close()
            raise _WorkerGone(str(exc)) from None
        finally:
            timer.cancel()

    def close(self) -> None:
        """Stop the process."""
        if self.process.stdin:
            with contextlib.suppress(OSError):  # a worker that died leaves a broken pipe
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _exchange(stdin: IO[str] | None, stdout: IO[str] | None, request: str) -> str:
    if stdin is None or stdout is None:
        raise OSError("no pipe to the worker")
    stdin.write(request + "\n")
    stdin.flush()
    answer = stdout.readline()
    if not answer:
        raise OSError("the worker stopped")
    return answer


def script_interpreter(command: Command) -> str | None:
    """The Python interpreter of ``command`` when it is a Python script (its ``#!`` line), else
    None (a binary, or a script of another language)."""
    if len(command) != 1:
        return None
    try:
        with open(command[0], "rb") as script:
            first = script.readline(512)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    words = first[2:].decode("utf-8", "replace").split()
    if not words or not Path(words[0]).name.startswith("python") or len(words) > 1:
        return None
    return words[0] if Path(words[0]).is_file() else None


class BlackRunner:
    """Runs black over files of one run, in worker processes of black's own interpreter when
    there is one (one import of black per worker), else one black process per file. Thread-safe;
    :meth:`close` stops the workers."""

    def __init__(self, command: Command) -> None:
        self.command = command
        self._python = script_interpreter(command)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def format(
        self, text: str, path: str, line_length: int, ranges: Sequence[Span], encoding: str
    ) -> str:
        """``text`` (the content of ``path``) with the statements on lines ``ranges`` (1-based,
        inclusive) formatted by black, which reads the project's configuration from ``path``."""
        worker = self._worker()
        if worker is None:
            return run_black(self.command, text, path, line_length, ranges, encoding)
        data = encoded(text, encoding)
        try:
            code, stdout, stderr = worker.ask(black_args(path, line_length, ranges), data)
        except _WorkerGone:
            self._python = None  # black does not run this way here: one process per file
            return run_black(self.command, text, path, line_length, ranges, encoding)
        with self._lock:
            self._idle.append(worker)
        return black_output(code, stdout, stderr, encoding)

    def _worker(self) -> _Worker | None:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            python = self._python
        if python is None:
            return None
        try:
            return _Worker(python)
        except _WorkerGone:
            self._python = None
            return None

    def close(self) -> None:
        """Stop the worker processes."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()
