"""How each kind of hand-off names the function it runs later, and that function's arguments.

``tasks.add_task(fn, a, b=c)``, ``BackgroundTask(fn, a)``, ``executor.submit(fn, a)``,
``loop.run_in_executor(None, fn, a)``, ``Thread(target=fn, args=(a,), kwargs={"b": c})``,
``Timer(5, fn, args=(a,))`` and ``asyncio.create_task(fn(a))`` all run ``fn`` with the arguments
listed; :func:`shape_of` reads them in one form. A shape the tool cannot map exactly (``*args``
through ``args=some_tuple``, a ``lambda``, positional ``args`` of a thread) gives None: the
hand-off is then only reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from backfix.cst_utils import last_name

from .model import ADD_TASK, ASYNCIO, EXECUTOR, STARLETTE_TASK, THREAD

#: thread classes: the function's keyword, its position, and the positions ``args``/``kwargs``
#: would take (positional ``args``/``kwargs`` are not mapped)
THREAD_SIGNATURES: dict[str, tuple[str, int, int]] = {
    "Thread": ("target", 1, 3),
    "Timer": ("function", 1, 2),
}


@dataclass(frozen=True)
class Shape:
    """The task a hand-off runs later and the arguments it passes to it."""

    #: the call whose arguments are the task's (the coroutine call inside ``create_task(...)``)
    call: cst.Call
    #: the task function as spelled (``process_job``, ``jobs.process_job``)
    head: cst.BaseExpression
    #: where the task's arguments start among ``call``'s own arguments
    offset: int
    positional: tuple[cst.BaseExpression, ...]
    keywords: tuple[tuple[str, cst.BaseExpression], ...]
    #: ``*args`` or ``**kwargs`` among the task's arguments
    starred: bool
    #: the arguments are a thread's ``args=`` tuple and ``kwargs=`` dict
    packed: bool = False


def shape_of(node: cst.Call, kind: str) -> Shape | None:
    """The shape of a hand-off call of ``kind``, or None when it cannot be read exactly."""
    last = last_name(node.func)
    if kind in (ADD_TASK, STARLETTE_TASK) or (kind == EXECUTOR and last == "submit"):
        return _after_head(node, 0, keywords=True)
    if kind == EXECUTOR and last == "run_in_executor":
        return _after_head(node, 1, keywords=False)
    if kind == THREAD and last in THREAD_SIGNATURES:
        return _thread(node, THREAD_SIGNATURES[last])
    if kind == ASYNCIO:
        return _coroutine(node)
    return None


def _split(
    args: tuple[cst.Arg, ...],
) -> tuple[list[cst.BaseExpression], list[tuple[str, cst.BaseExpression]], bool]:
    positional: list[cst.BaseExpression] = []
    keywords: list[tuple[str, cst.BaseExpression]] = []
    starred = False
    for arg in args:
        if arg.star:
            starred = True
        elif arg.keyword is not None:
            keywords.append((arg.keyword.value, arg.value))
        else:
            positional.append(arg.value)
    return positional, keywords, starred


def _after_head(node: cst.Call, position: int, *, keywords: bool) -> Shape | None:
    """``f(..., fn, *task_args, **task_kwargs)`` with ``fn`` the ``position``-th argument."""
    args = tuple(node.args)
    if len(args) <= position or any(a.keyword is not None or a.star for a in args[: position + 1]):
        return None
    positional, named, starred = _split(args[position + 1 :])
    if named and not keywords:
        return None
    return Shape(node, args[position].value, position + 1, tuple(positional), tuple(named), starred)


def _thread(node: cst.Call, signature: tuple[str, int, int]) -> Shape | None:
    """``Thread(target=fn, args=(...), kwargs={...})``, ``Timer(5, fn, args=(...))``."""
    keyword, position, args_position = signature
    positional = [a for a in node.args if a.keyword is None]
    if any(a.star for a in node.args) or len(positional) > min(position + 1, args_position):
        return None
    named = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    head = named.get(keyword) or (
        positional[position].value if len(positional) > position else None
    )
    if head is None:
        return None
    values = _elements(named.get("args"))
    keywords = _entries(named.get("kwargs"))
    if values is None or keywords is None:
        return None
    return Shape(node, head, 0, tuple(values), tuple(keywords), False, packed=True)


def _elements(node: cst.BaseExpression | None) -> list[cst.BaseExpression] | None:
    """The items of a literal tuple or list (none when absent); None for anything else."""
    if node is None:
        return []
    if not isinstance(node, (cst.Tuple, cst.List)):
        return None
    items: list[cst.BaseExpression] = []
    for element in node.elements:
        if not isinstance(element, cst.Element):
            return None
        items.append(element.value)
    return items


def _entries(node: cst.BaseExpression | None) -> list[tuple[str, cst.BaseExpression]] | None:
    """The ``"key": value`` pairs of a literal dict (none when absent); None for anything else."""
    if node is None:
        return []
    if not isinstance(node, cst.Dict):
        return None
    entries: list[tuple[str, cst.BaseExpression]] = []
    for element in node.elements:
        key = element.key if isinstance(element, cst.DictElement) else None
        if not isinstance(key, cst.SimpleString) or not isinstance(element, cst.DictElement):
            return None
        text = key.evaluated_value
        if not isinstance(text, str) or not text.isidentifier():
            return None
        entries.append((text, element.value))
    return entries


def _coroutine(node: cst.Call) -> Shape | None:
    """``create_task(fn(...))``: the coroutine call's own arguments."""
    first = node.args[0] if node.args else None
    if first is None or first.keyword is not None or first.star:
        return None
    inner = first.value
    if not isinstance(inner, cst.Call):
        return None
    positional, named, starred = _split(tuple(inner.args))
    return Shape(inner, inner.func, 0, tuple(positional), tuple(named), starred)
