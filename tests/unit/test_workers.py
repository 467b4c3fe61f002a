"""workers: the cyclic garbage collector is paused while a task runs, and only then; tasks go to
workers in batches, and a worker that dies costs only the task that killed it."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

from backfix import workers


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_paused_during_a_task_and_back_after() -> None:
    seen: list[bool] = []

    def task(value: int) -> int:
        seen.append(gc.isenabled())
        return value * 2

    assert workers.run_task(task, 3) == 6
    assert seen == [False]
    assert gc.isenabled()


def test_a_failing_task_leaves_the_collector_on() -> None:
    def task(value: int) -> int:
        raise ValueError(value)

    with pytest.raises(ValueError):
        workers.run_task(task, 1)
    assert gc.isenabled()


def test_a_collector_turned_off_stays_off() -> None:
    gc.disable()
    assert workers.run_task(lambda value: value + 1, 1) == 2
    assert not gc.isenabled()


def test_the_garbage_of_a_task_is_collected_after_it() -> None:
    class Node:
        def __init__(self) -> None:
            self.other: Node | None = None

    def task(_: int) -> None:
        first, second = Node(), Node()
        first.other, second.other = second, first  # a cycle only the collector frees

    workers.run_task(task, 0)
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, Node)]


@pytest.mark.parametrize(("count", "jobs"), [(0, 1), (1, 1), (7, 2), (161, 1), (161, 2), (40, 8)])
def test_batches_keep_every_task_in_order(count: int, jobs: int) -> None:
    tasks = list(range(count))
    batches = workers._batches(tasks, jobs)
    assert [task for batch in batches for task in batch] == tasks
    assert all(1 <= len(batch) <= workers.BATCH for batch in batches)
    assert len(batches) >= min(count, 4 * jobs)


def _dies_on_three(value: int) -> int:
    if value == 3:
        os._exit(1)
    return value * 2


def _crashed(value: int, reason: str) -> int:
    return -value


def test_a_worker_that_dies_in_a_batch_costs_only_its_own_task() -> None:
    pool = workers.Pool(_dies_on_three, _crashed, 1, "test", None)
    results = pool.run(list(range(40)))
    assert sorted(results) == sorted([-3, *(v * 2 for v in range(40) if v != 3)])
