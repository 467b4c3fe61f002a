"""``codemod status --html FILE``: one self-contained page (inline CSS and SVG, no scripts, no network)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from backfix.reports.svg import burndown_svg
from backfix.status import CodemodStatus
from backfix.templating import render


def burndown_html(
    statuses: Mapping[str, CodemodStatus],
    generated: str,
    title: str = "backfix burndown",
    overrides: Sequence[str] = (),
) -> str:
    """The burndown page: chart of remaining violations per record, progress, per-file tables."""
    chart = Markup(burndown_svg({cid: s.history for cid, s in statuses.items()}))
    return render(
        "reports/burndown.html.j2",
        overrides,
        statuses=statuses,
        chart=chart,
        generated=generated,
        title=title,
    )
