"""Running per-file work in worker processes, so that no single file can take the run down.

LibCST's native parser can crash the whole process on pathological input (a segfault on a few
thousand nested parentheses), which no ``try`` can catch. Every task therefore runs in a worker
process, never in the CLI's own: a small run uses one worker (one fork per run, not per file), which
is handed the tasks a few at a time (:func:`_batches`). When a worker dies, the tasks of the batches
it may have been running are retried one by one in a process of their own, so the file that kills
its process is named in a per-file error and the pool restarts for the rest.

Ctrl-C reaches the main process only (workers ignore SIGINT); it stops the workers at once instead of
letting them finish the queue.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Generic, TypeVar

from backfix.loading import collector_paused

#: LibCST recurses per nesting level; huge literals (pydoc_data/topics.py) need more than 1000.
RECURSION_LIMIT = 20_000

T = TypeVar("T")
R = TypeVar("R")

ProgressFn = Callable[[str, int, int], None]


def init_worker() -> None:
    """Worker set-up: deep recursion for LibCST; Ctrl-C is the main process's to handle."""
    faulthandler.disable()  # a crash is reported as a per-file error, not as a C-level dump
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> BaseContext:
    # fork, not spawn/forkserver: those start a fresh interpreter whose sys.path begins with the
    # current folder, so a project file named like a stdlib module (select.py, types.py) would be
    # imported instead. The parent runs no threads (the progress bar refreshes synchronously).
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def death_reason(exitcode: int | None) -> str:
    """``killed by SIGSEGV`` for a worker's exit code."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exited with status {exitcode}"


class Pool(Generic[T, R]):
    """Runs ``fn`` over tasks in worker processes; a task whose worker dies becomes ``on_crash``."""

    def __init__(
        self,
        fn: Callable[[T], R],
        on_crash: Callable[[T, str], R],
        jobs: int,
        label: str,
        progress: ProgressFn | None,
    ) -> None:
        self.fn = fn
        self.on_crash = on_crash
        self.jobs = max(1, jobs)
        self.label = label
        self.progress = progress
        self.context = _context()
        self.results: list[R] = []
        self.total = 0

    def run(self, tasks: Sequence[T]) -> list[R]:
        """Every task's result, in completion order."""
        self.total = len(tasks)
        pending = list(tasks)
        while pending:
            pending = self._pass(pending)
        return self.results

    def _record(self, result: R) -> None:
        self.results.append(result)
        if self.progress:
            self.progress(self.label, len(self.results), self.total)

    def _pass(self, tasks: list[T]) -> list[T]:
        """Run ``tasks`` in a fresh pool; return the tasks still to run after a worker died."""
        workers = min(self.jobs, len(tasks))
        executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=self.context, initializer=init_worker
        )
        batches = _batches(tasks, workers)
        finished: set[int] = set()
        broken = False
        try:
            futures = {
                executor.submit(run_batch, self.fn, batch): i for i, batch in enumerate(batches)
            }
            for future in as_completed(futures):
                try:
                    results = future.result()
                except BrokenProcessPool:
                    broken = True
                    break
                finished.add(futures[future])
                for result in results:
                    self._record(result)
        except BaseException:  # Ctrl-C: stop the workers now instead of draining the queue
            _stop(executor)
            raise
        if not broken:
            executor.shutdown(wait=True)
            return []
        _stop(executor)
        left = [batch for i, batch in enumerate(batches) if i not in finished]
        # Batches go to workers in submission order, so the ones that were running (one of them
        # killed its worker) are among the first unfinished ones: run their tasks alone.
        suspects = [task for batch in left[: workers + 1] for task in batch]
        for task in suspects:
            self._record(self._isolated(task))
        return [task for batch in left[workers + 1 :] for task in batch]

    def _isolated(self, task: T) -> R:
        """Run one task in a process of its own; its death becomes ``on_crash``."""
        receiver, sender = self.context.Pipe(duplex=False)
        process = self.context.Process(  # type: ignore[attr-defined]
            target=_child, args=(self.fn, task, sender), daemon=True
        )
        try:
            process.start()
            sender.close()
            try:
                result: R = receiver.recv()
            except EOFError:
                process.join()
                return self.on_crash(task, death_reason(process.exitcode))
            process.join()
            return result
        except BaseException:
            if process.is_alive():
                process.kill()
            raise
        finally:
            receiver.close()


def run_task(fn: Callable[[T], R], task: T) -> R:
    """``fn(task)`` with the cyclic garbage collector paused until it returns.

    A task builds one file's trees and tables and lets them go when it ends, so the collector's
    passes during it only walked objects that were all still in use, more often the bigger the
    file. Its garbage is collected as usual once it is over. On a public FastAPI application of
    323 files (125k lines) this took about a tenth off a scan's CPU, with the same peak memory;
    on small modules it makes no difference.
    """
    with collector_paused():
        return fn(task)


#: the most tasks a worker is handed at once: each hand-over costs the pool's threads about half a
#: millisecond of CPU, as much as the analysis of a small file, while a crash reruns every task of
#: the batches that were running, one process each
BATCH = 8


def _batches(tasks: list[T], workers: int) -> list[list[T]]:
    """``tasks`` in submission order, cut into batches: up to :data:`BATCH` tasks each, and at
    least four batches per worker where there are enough tasks, so that a slow file does not hold
    up the others' share."""
    size = max(1, min(BATCH, len(tasks) // (workers * 4)))
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


def run_batch(fn: Callable[[T], R], batch: Sequence[T]) -> list[R]:
    """:func:`run_task` for each task of a batch, in order."""
    return [run_task(fn, task) for task in batch]


def _child(fn: Callable[[T], R], task: T, sender: Connection) -> None:
    init_worker()
    sender.send(run_task(fn, task))
    sender.close()


def _stop(executor: ProcessPoolExecutor) -> None:
    """Shut the pool down without waiting for queued or running tasks."""
    processes = list(getattr(executor, "_processes", {}).values())
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join()
    # With every worker gone, wait for the executor's manager thread too, so none of its threads is
    # still reading the workers' pipes while the interpreter exits (a suspected source of a "Bad file
    # descriptor" traceback seen once under heavy load).
    executor.shutdown(wait=True, cancel_futures=True)
