"""The jinja2 environment for code, report and scaffold templates, with project overrides.

jinja2 is imported when a template is first rendered: a scan renders none, so it never loads it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backfix.resources import templates_dir

if TYPE_CHECKING:
    import jinja2


@cache
def environment(overrides: tuple[str, ...] = ()) -> jinja2.Environment:
    """An environment that looks in ``overrides`` first, then in the bundled templates.

    StrictUndefined turns a missing variable into an error instead of silently empty code.
    """
    import jinja2

    search = [*overrides, str(templates_dir())]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=jinja2.select_autoescape(["html", "xml"], default=False),
    )
    env.filters["pystr"] = python_string
    return env


def python_string(value: object) -> str:
    """A double-quoted Python string literal for ``value`` (JSON string syntax is valid Python)."""
    return json.dumps(str(value), ensure_ascii=False)


class TemplateError(Exception):
    """A template (usually a project's override) that cannot be loaded or rendered; names it."""


def render(name: str, overrides: Sequence[str] = (), **context: Any) -> str:
    """Render template ``name`` (e.g. ``bare-except/log_call.py.j2``)."""
    import jinja2

    env = environment(tuple(str(Path(o)) for o in overrides))
    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateError as exc:
        where = _template_file(env, name)
        line = getattr(exc, "lineno", None)
        at = f", line {line}" if line else ""
        raise TemplateError(f"template {where}{at}: {exc.message or exc}") from None


def _template_file(env: jinja2.Environment, name: str) -> str:
    import jinja2

    loader = env.loader
    if isinstance(loader, jinja2.FileSystemLoader):
        for folder in loader.searchpath:
            candidate = Path(folder, name)
            if candidate.is_file():
                return str(candidate)
    return name
