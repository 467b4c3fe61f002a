"""Cross-file typing decisions of the plan: imported ``Annotated`` aliases and the project's mypy rules.

``SessionDep = Annotated[Session, Depends(get_db)]`` in ``app/api/deps.py`` makes a route's
``session: SessionDep`` a ``Session`` in the service, imported from where ``deps.py`` imports it: the
service never imports the dependency module (the HTTP layer). A project whose mypy settings require
typed functions (``strict``, ``disallow_untyped_defs``...) gets no half-typed service method: such a
unit is reported instead, naming what could not be typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import libcst as cst

from backfix.cst_utils import last_name
from backfix.docstring_rules import ruff_reports
from backfix.type_checkers import MYPY_FILES, mypy_options

from .frameworks import DEFAULT_SESSION_NAMES, ModuleIndex
from .model import ImportNeed, TypeInfo
from .placement import package_module_name, resolve_relative
from .types import TypeInference, optional_style

#: mypy options under which an unannotated or half-annotated service method is an error.
STRICT_OPTIONS = (
    "strict",
    "disallow_untyped_defs",
    "disallow_incomplete_defs",
    "disallow_untyped_calls",
)
OPTIONS = (*STRICT_OPTIONS, "warn_unused_ignores", "disallow_any_explicit")


@dataclass
class TypingContext:
    """Reads other project modules (once each) to expand aliases, and the project's mypy rules."""

    #: a project file's bytes (None when it does not exist)
    read: Callable[[str], bytes | None]
    is_package: Callable[[str], bool]
    #: the project's root folder, where its linters' settings are looked up (None: nowhere)
    root: Path | None = None
    #: whether the project runs a type checker (see ``backfix.type_checkers``), asked only
    #: when a signature needs it
    runs_checker: Callable[[], bool] | None = None
    _modules: dict[str, tuple[cst.Module, ModuleIndex] | None] = field(default_factory=dict)
    _flags: dict[str, frozenset[str]] = field(default_factory=dict)
    #: per route folder, whether a signature there may say ``Any`` (every unit asks)
    _any: dict[str, bool] = field(default_factory=dict)
    #: what :meth:`_alias` found (units of one route file read the same imported names)
    _aliases: dict[tuple[ImportNeed, str], TypeInfo | None] = field(default_factory=dict)

    # --- aliases -------------------------------------------------------------------------------------

    def expand(self, info: TypeInfo, route_path: str) -> TypeInfo:
        """``info`` with every imported ``Annotated`` alias replaced by the type it wraps."""
        code = info.code
        needs: list[ImportNeed] = []
        for need in info.needs:
            resolved = self._alias(need, route_path)
            if resolved is None:
                needs.append(need)
                continue
            code = re.sub(rf"\b{re.escape(need.name)}\b", resolved.code, code)
            needs.extend(n for n in resolved.needs if n not in needs)
        return replace(info, code=code, needs=tuple(needs))

    def _alias(self, need: ImportNeed, route_path: str) -> TypeInfo | None:
        key = (need, route_path)
        if key not in self._aliases:
            self._aliases[key] = self._read_alias(need, route_path)
        return self._aliases[key]

    def _read_alias(self, need: ImportNeed, route_path: str) -> TypeInfo | None:
        if not need.module or need.asname is not None:
            return None
        path = self._module_path(need, route_path)
        if path is not None and b"Annotated" not in (self.read(path) or b""):
            # Only `X = Annotated[...]` is expanded: without the word no alias can be one, and
            # the module need not be parsed and resolved.
            return None
        loaded = self._load(path) if path is not None else None
        if path is None or loaded is None:
            return None
        module, index = loaded
        inference = TypeInference(index, module, optional_style(module))
        value = _alias_value(module, need.imported)
        if not (isinstance(value, cst.Subscript) and last_name(value.value) == "Annotated"):
            return None
        resolved = inference.annotation(value)
        if resolved is None or resolved.code == need.imported:
            return None
        return TypeInfo(resolved.code, tuple(self._absolute(n, path) for n in resolved.needs))

    def returned(self, info: TypeInfo, route_path: str) -> TypeInfo | None:
        """The type a project function returns (``info``, a :attr:`TypeInfo.call_result`), as its
        own return annotation spells it, with the imports it needs; None when the function is not
        a plain module-level one (decorated: a decorator may change what a call returns; async
        where the route does not await the call, or sync where it does), is not annotated, or may
        return None where the route does not rule that out (:attr:`TypeInfo.not_none`)."""
        need = info.needs[0]
        path = self._module_path(need, route_path)
        loaded = self._load(path) if path is not None else None
        if path is None or loaded is None:
            return None
        module, index = loaded
        class_name, _, method = info.code.rpartition(".")
        if class_name:
            function = _class_method(module, need.imported, method, info.awaited)
        else:
            function = _plain_function(module, need.imported, info.awaited)
        if function is None or function.returns is None:
            return None
        returned = function.returns.annotation
        if class_name and _names_class(returned, need.imported):
            # `-> "Journalist"` of a method of `Journalist`: the class the route imports
            own = TypeInfo(class_name, (replace(need, name=class_name),))
            return own if not _optional(returned) or info.not_none else None
        resolved = TypeInference(index, module, optional_style(module)).annotation(returned)
        if resolved is None or resolved.code == "None" or (resolved.nullable and not info.not_none):
            return None
        return TypeInfo(resolved.code, tuple(self._absolute(n, path) for n in resolved.needs))

    def _module_path(self, need: ImportNeed, route_path: str) -> str | None:
        if need.level:
            parts = resolve_relative(route_path, need.level, need.module)
        else:
            dotted = package_module_name(route_path, self.is_package).split(".")
            base = list(PurePosixPath(route_path).with_suffix("").parts)[: -len(dotted)]
            parts = [*base, *need.module.split(".")]
        stem = "/".join(parts)
        for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
            if self.read(candidate) is not None:
                return candidate
        return None

    def _load(self, path: str) -> tuple[cst.Module, ModuleIndex] | None:
        if path not in self._modules:
            raw = self.read(path)
            try:
                module = cst.parse_module(raw or b"")
                self._modules[path] = (module, ModuleIndex(module, DEFAULT_SESSION_NAMES))
            except (cst.ParserSyntaxError, RecursionError):
                self._modules[path] = None
        return self._modules[path]

    def _absolute(self, need: ImportNeed, path: str) -> ImportNeed:
        if not need.level:
            return need
        parts = resolve_relative(path, need.level, need.module)
        dotted = package_module_name("/".join(parts) + ".py", self.is_package)
        return ImportNeed(need.name, dotted, need.imported, need.asname, 0)

    # --- mypy ----------------------------------------------------------------------------------------

    def demands_types(self, route_path: str) -> bool:
        """Whether the nearest mypy configuration above ``route_path`` requires typed functions."""
        return bool(self._options(route_path) & set(STRICT_OPTIONS))

    def checked(self) -> bool:
        """Whether the project runs a type checker."""
        return self.runs_checker is not None and self.runs_checker()

    def accepts_any(self, route_path: str) -> bool:
        """Whether a signature may say ``Any``: mypy's ``disallow_any_explicit`` is off, and so is
        ruff's ``ANN401`` where the service module goes (next to ``route_path``)."""
        folder = str(PurePosixPath(route_path).parent)
        if folder not in self._any:
            self._any[folder] = "disallow_any_explicit" not in self._options(route_path) and (
                self.root is None or not ruff_reports(self.root / folder, self.root, "ANN401")
            )
        return self._any[folder]

    def reports_unused_ignores(self, route_path: str) -> bool:
        """Whether that configuration reports unused ``# type: ignore`` comments."""
        return bool(self._options(route_path) & {"strict", "warn_unused_ignores"})

    def _options(self, route_path: str) -> frozenset[str]:
        folder = str(PurePosixPath(route_path).parent)
        if folder not in self._flags:
            self._flags[folder] = self._read_options(folder)
        return self._flags[folder]

    def _read_options(self, folder: str) -> frozenset[str]:
        parts = [] if folder == "." else list(PurePosixPath(folder).parts)
        for depth in range(len(parts), -1, -1):
            prefix = "/".join(parts[:depth])
            for name in MYPY_FILES:
                path = f"{prefix}/{name}" if prefix else name
                raw = self.read(path)
                if raw is None:
                    continue
                found = mypy_options(name, raw, OPTIONS)
                if found is not None:
                    return found
        return frozenset()


def _alias_value(module: cst.Module, name: str) -> cst.BaseExpression | None:
    """The value of the module-level ``name = ...`` (or ``name: TypeAlias = ...``)."""
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        small = stmt.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = small.targets[0].target
            if isinstance(target, cst.Name) and target.value == name:
                return small.value
        if (
            isinstance(small, cst.AnnAssign)
            and isinstance(small.target, cst.Name)
            and small.target.value == name
        ):
            return small.value
    return None


def _class_method(
    module: cst.Module, class_name: str, name: str, awaited: bool
) -> cst.FunctionDef | None:
    """The ``@classmethod`` or ``@staticmethod`` ``name`` of the module-level class
    ``class_name`` (defined once, and the method once in its body), with no other decorator;
    ``async`` where the call is ``awaited``, else not."""
    classes = [s for s in module.body if isinstance(s, cst.ClassDef) and s.name.value == class_name]
    if len(classes) != 1 or not isinstance(classes[0].body, cst.IndentedBlock):
        return None
    found = [
        s for s in classes[0].body.body if isinstance(s, cst.FunctionDef) and s.name.value == name
    ]
    if len(found) != 1 or _is_async(found[0]) is not awaited or len(found[0].decorators) != 1:
        return None
    decorator = found[0].decorators[0].decorator
    if not (isinstance(decorator, cst.Name) and decorator.value in {"classmethod", "staticmethod"}):
        return None
    return found[0]


def _optional(annotation: cst.BaseExpression) -> bool:
    """Whether ``annotation`` is ``Optional[...]`` or a union with ``None``, in a string or not."""
    text = _unquoted(annotation)
    return text.startswith("Optional[") or bool(re.search(r"\|\s*None\b|\bNone\s*\|", text))


def _names_class(annotation: cst.BaseExpression, class_name: str) -> bool:
    """Whether ``annotation`` is the class ``class_name`` itself (``"Journalist"``,
    ``Journalist``, ``Self``), or it or None."""
    text = _unquoted(annotation).replace(" ", "")
    for inner in (text, text.removeprefix("Optional[").removesuffix("]")):
        for part in (inner, inner.removesuffix("|None"), inner.removeprefix("None|")):
            if part.strip("'\"") in {class_name, "Self"}:
                return True
    return False


def _unquoted(annotation: cst.BaseExpression) -> str:
    """The annotation's code, or the text of a string annotation."""
    if isinstance(annotation, cst.SimpleString):
        return str(annotation.evaluated_value)
    return cst.Module([]).code_for_node(annotation)


def _plain_function(module: cst.Module, name: str, awaited: bool) -> cst.FunctionDef | None:
    """The module-level, undecorated ``def name``, if the module defines it once: ``async`` where
    the call is ``awaited``, else not."""
    found = [s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value == name]
    if len(found) != 1 or found[0].decorators or _is_async(found[0]) is not awaited:
        return None
    return found[0]


def _is_async(function: cst.FunctionDef) -> bool:
    """Whether ``function`` is an ``async def``."""
    return function.asynchronous is not None
