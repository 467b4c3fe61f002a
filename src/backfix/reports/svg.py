"""The burndown chart as inline SVG: remaining violations per ledger record, one line per codemod."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from backfix.status import HistoryPoint

PALETTE = ("#d1495b", "#00798c", "#edae49", "#30638e", "#66a182", "#8d5a97")
WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 20, 48


def _nice_top(value: int) -> int:
    """A round upper bound for the y axis (at least 1)."""
    if value <= 5:
        return max(value, 1)
    magnitude = int(10 ** (len(str(value)) - 1))
    for step in (1, 2, 5, 10):
        top = -(-value // (step * magnitude)) * step * magnitude
        if top >= value:
            return top
    return value  # pragma: no cover - the loop always returns


def burndown_svg(histories: Mapping[str, Sequence[HistoryPoint]]) -> str:
    """An SVG element (no external references) plotting each codemod's count per record.

    The x axis is the ledger's record order, shared by every codemod, so a codemod first recorded
    late starts late.
    """
    points_all = [p for pts in histories.values() for p in pts]
    longest = max((p.record + 1 for p in points_all), default=0)
    top = _nice_top(max((p.count for p in points_all), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + (plot_w / 2 if longest <= 1 else plot_w * index / (longest - 1))

    def y(count: int) -> float:
        return TOP + plot_h * (1 - count / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="burndown" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-label="Remaining violations per ledger record">',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fafafa" '
        'stroke="#ccc"/>',
    ]
    for tick in sorted({0, top // 2, top}):
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{LEFT + plot_w}" y2="{ty:.1f}" stroke="#e3e3e3"/>'
            f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#555">{tick}</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="12" '
        'fill="#555">ledger records (oldest → newest)</text>'
    )
    for index, (codemod, points) in enumerate(sorted(histories.items())):
        colour = PALETTE[index % len(PALETTE)]
        coords = [(x(p.record), y(p.count)) for p in points]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
            )
        for (cx, cy), point in zip(coords, points, strict=True):
            title = escape(
                f"{codemod}: {point.count} remaining — {point.timestamp} {point.command}"
            )
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}">'
                f"<title>{title}</title></circle>"
            )
        legend_y = TOP + 16 + 18 * index
        parts.append(
            f'<rect x="{LEFT + plot_w - 170}" y="{legend_y - 10}" width="12" height="12" '
            f'fill="{colour}"/><text x="{LEFT + plot_w - 152}" y="{legend_y}" font-size="12" '
            f'fill="#222">{escape(codemod)}</text>'
        )
    if points_all:
        first = min(points_all, key=lambda p: p.record)
        last = max(points_all, key=lambda p: p.record)
        parts.append(
            f'<text x="{LEFT}" y="{TOP + plot_h + 18}" font-size="11" fill="#555">'
            f"{escape(first.timestamp)}</text>"
            f'<text x="{LEFT + plot_w}" y="{TOP + plot_h + 18}" font-size="11" fill="#555" '
            f'text-anchor="end">{escape(last.timestamp)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
