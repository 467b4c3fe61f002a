"""A one-line chart of counts for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int], width: int = 24) -> str:
    """Block characters scaled from 0 to the largest value; the last ``width`` values only."""
    shown = list(values)[-width:]
    if not shown:
        return ""
    top = max(shown)
    if top <= 0:
        return BARS[0] * len(shown)
    return "".join(BARS[round(value / top * (len(BARS) - 1))] for value in shown)
