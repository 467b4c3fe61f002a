"""workers.run_task: the cyclic garbage collector is paused while a task runs, and only then."""

from __future__ import annotations

import gc
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
