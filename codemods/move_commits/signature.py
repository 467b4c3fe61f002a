"""The service method's signature (annotations, the imports they need) and its name, for the plan."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backfix.resources import templates_dir
from backfix.templating import render

from . import reasons as R
from .method_names import GENERIC_NAMES, VERSION_SUFFIX, titled_name, valid, with_verb
from .model import Definition, Extraction, ImportNeed, TypeInfo
from .placement import free_name
from .read_types import ANY
from .reasons import Reason
from .typing_plan import TypingContext

NAME_TEMPLATE = "move-commits/method_name.txt.j2"


@dataclass(frozen=True)
class Signature:
    """Annotation per parameter (``""``: none), the return annotation, the imports they need."""

    annotations: tuple[str, ...]
    return_annotation: str
    needs: tuple[ImportNeed, ...]
    #: module-level definitions of the route module that move with the method.
    definitions: tuple[Definition, ...] = ()


def signature(extraction: Extraction, route_path: str, typing: TypingContext) -> Signature | Reason:
    """The typed signature of ``extraction``'s service method, or why the project cannot take it.

    A route that is annotated (or a project whose mypy settings require annotations) gets
    annotations; an unknown type is left out, and in a project that requires annotations the unit is
    reported instead.
    """
    out = extraction.output
    count = len(extraction.params)
    demanded = typing.demands_types(route_path)
    annotated = out.typed_route or demanded
    if out.type_ignores and typing.reports_unused_ignores(route_path):
        # mypy checks the comment against the types the service method gives the moved code.
        missing = "signature" if not annotated else (out.unknown[0] if out.unknown else "")
        if missing:
            return Reason(
                R.TYPE_IGNORE_UNTYPED,
                "the moved code carries a `# type: ignore` comment and the project's mypy "
                f"settings report unused ones, but the service method's {missing} would have "
                "no type, so mypy could flag the comment as unused: annotate the route's values "
                "and run again",
            )
    if not annotated or len(out.param_types) != count:
        return Signature(("",) * count, "", (), out.definitions)
    param_types, return_type, unknown = _checker_types(extraction, route_path, typing)
    if demanded and unknown:
        what = unknown[0]
        return Reason(
            R.TYPE_UNKNOWN,
            f"the project's mypy settings require typed functions, and the type of the service "
            f"method's {what} is not known from the route: annotate it where the route assigns "
            "it (`name: Type = ...`) and run again",
        )
    annotations: list[str] = []
    needs: list[ImportNeed] = []
    for info in param_types:
        if info is None:
            annotations.append("")
            continue
        expanded = typing.expand(info, route_path)
        annotations.append(expanded.code)
        needs.extend(n for n in expanded.needs if n not in needs)
    return_annotation = ""
    if return_type is not None:
        expanded = typing.expand(return_type, route_path)
        return_annotation = expanded.code
        needs.extend(n for n in expanded.needs if n not in needs)
    return Signature(
        tuple(annotations),
        return_annotation,
        tuple(needs),
        (*out.definitions, *out.type_definitions),
    )


def _checker_types(
    extraction: Extraction, route_path: str, typing: TypingContext
) -> tuple[list[TypeInfo | None], TypeInfo | None, list[str]]:
    """The parameter and return types as the project's checker reads them, and what is unknown:
    a value the checker read as ``Any`` in the route is ``Any`` (where the project runs one and
    writes ``Any``); what the framework types ``Any`` is unknown where the project does not."""
    out = extraction.output
    param_types, unknown = _helper_results(extraction, route_path, typing)
    return_type = out.return_type
    accepts_any = typing.accepts_any(route_path)
    seen_as_any = any(i is not None and i.seen_as_any for i in (*param_types, return_type))
    if accepts_any and seen_as_any and typing.checked():
        # The checker never checked the route's code that uses these against their model.
        param_types = [ANY if i is not None and i.seen_as_any else i for i in param_types]
        if return_type is not None and return_type.seen_as_any:
            return_type = ANY
    if not accepts_any:
        for position, info in enumerate(param_types):
            if info is not None and info.dynamic:
                param_types[position] = None
                unknown.append(f"parameter `{extraction.params[position].name}`")
        if return_type is not None and return_type.dynamic:
            return_type = None
            unknown.append("return value")
    return param_types, return_type, unknown


def _helper_results(
    extraction: Extraction, route_path: str, typing: TypingContext
) -> tuple[list[TypeInfo | None], list[str]]:
    """The parameter types with each project helper's result (``user = create_user(...)``)
    read from the helper's return annotation, and what is unknown (one that cannot be read)."""
    out = extraction.output
    unknown = list(out.unknown)
    param_types: list[TypeInfo | None] = []
    for param, info in zip(extraction.params, out.param_types, strict=True):
        if info is not None and info.call_result:
            info = typing.returned(info, route_path)
            if info is None:
                unknown.append(f"parameter `{param.name}`")
        param_types.append(info)
    return param_types, unknown


_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)


@cache
def _bundled_name_is_suggested() -> bool:
    """Whether the bundled method-name template renders just ``suggested``."""
    try:
        text = (templates_dir() / NAME_TEMPLATE).read_text(encoding="utf-8")
    except OSError:
        return False
    return _JINJA_COMMENT.sub("", text).strip() == "{{ suggested }}"


def _rendered_name(
    extraction: Extraction, overrides: Sequence[str], suggested: str, fallback: str
) -> str:
    """What the method-name template gives. The bundled one gives ``suggested``: a scan then
    needs no jinja2 (its import costs more than the rest of the plan of a small project)."""
    if _bundled_name_is_suggested() and not any(
        Path(folder, NAME_TEMPLATE).is_file() for folder in overrides
    ):
        return suggested.strip()
    out = extraction.output
    return render(
        NAME_TEMPLATE,
        overrides,
        suggested=suggested,
        verb=out.verb,
        subject=out.subject,
        route_function=extraction.func_name,
        route_class=extraction.class_name or "",
        fallback=fallback,
    ).strip()


def choose_method_name(
    extraction: Extraction, taken: Collection[str], overrides: Sequence[str], fallback: str
) -> str:
    """The method name: the template's choice (by default what the writes suggest), then the
    route's own name (unless generic: ``post``, ``index``), then other names the writes suggest
    (``update_job_status``), then a numbered suffix."""
    out = extraction.output
    suggested = out.name if valid(out.name) else fallback
    rendered = _rendered_name(extraction, overrides, suggested, fallback)
    base = rendered if valid(rendered) else suggested
    candidates = [base]
    # Two units of one route (`mark_read` in both branches): the comment above the second
    # (`# Mark all forums as read`) says what sets it apart, better than a number.
    titled = titled_name(out.heading, base)
    if titled:
        candidates.append(titled)
    route = VERSION_SUFFIX.sub("", extraction.func_name).strip("_")
    # On a clash the route's own name beats a number, even a read verb's (`show_widget` that
    # sets `shown`), but never an HTTP method's or a generic view's.
    # (Not a bare verb the name completes: `retry` beside `retry_job` would say less.)
    if (
        extraction.class_name is None
        and route not in GENERIC_NAMES
        and valid(route)
        and not base.startswith(f"{route}_")
    ):
        candidates.append(with_verb(route))  # (`anonalias_delete`: `delete_anonalias`)
    candidates.extend(out.alternatives)
    if extraction.class_name is not None:
        # `delete_alert_mute` (the view's method and class) beats `update_alert_2`.
        candidates.append(fallback)
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    return free_name(base, taken)
