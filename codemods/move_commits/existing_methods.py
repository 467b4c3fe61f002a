"""Service methods the project already has, such as those an earlier batch of ``apply
--max-files`` wrote: a unit whose method would repeat one of them calls it instead, as identical
units of one run share one method.

Two methods are the same when their `ast` trees are, apart from their names and decorators (so
apart from layout and comments too); only static methods of top-level classes are read, as the
methods this codemod writes are.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

from backfix.project import ProjectContext
from backfix.source import decode_source

from .bindings import service_bindings_from_ast
from .model import MethodSpec
from .placement import ServiceLocation

#: what a function definition is apart from its name, decorators and layout
Shape = tuple[str, ...]


@dataclass(frozen=True)
class ExistingMethod:
    """A static method of a service class already in the project, and what its module binds."""

    location: ServiceLocation
    name: str
    #: the module's top-level names, with the import statement of each imported one
    bound: dict[str, str | None] = field(compare=False)


def spec_shape(spec: MethodSpec) -> Shape | None:
    """The shape of the method this codemod would write for ``spec`` (None when its code does
    not parse alone, which a moved statement's always does)."""
    typed = [
        f"{name}: {annotation}" if annotation else name
        for name, annotation in zip(
            spec.params, spec.annotations or ("",) * len(spec.params), strict=True
        )
    ]
    returns = f" -> {spec.return_annotation}" if spec.return_annotation else ""
    values = ["True", *spec.returns] if spec.status else list(spec.returns)
    prefix = "async " if spec.is_async else ""
    try:
        header = ast.parse(f"{prefix}def _({', '.join(typed)}){returns}:\n    pass\n").body[0]
        body = [
            *ast.parse("\n".join(spec.local_imports)).body,
            *ast.parse(spec.body_code).body,
            *(ast.parse(f"return {', '.join(values)}").body if values else []),
        ]
    except SyntaxError:
        return None
    assert isinstance(header, (ast.FunctionDef, ast.AsyncFunctionDef))
    header.body = body
    return _shape(header)


def _shape(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Shape:
    returns = ast.dump(node.returns) if node.returns is not None else ""
    return (type(node).__name__, ast.dump(node.args), returns, *map(ast.dump, node.body))


def existing_methods(
    paths: Iterable[str], project: ProjectContext
) -> dict[Shape, list[ExistingMethod]]:
    """The static methods of the top-level classes of the modules at ``paths``, by shape."""
    found: dict[Shape, list[ExistingMethod]] = {}
    for path in paths:
        raw = project.read(path)
        tree = project.tree(path)
        if tree is None:
            continue
        classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
        if not classes:
            continue
        bound = service_bindings_from_ast(tree, decode_source(raw or b""), "")[0]
        for cls in classes:
            for node in cls.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _static(node):
                    method = ExistingMethod(ServiceLocation(path, cls.name), node.name, bound)
                    found.setdefault(_shape(node), []).append(method)
    return found


def _static(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    decorators = node.decorator_list
    return (
        len(decorators) == 1
        and isinstance(decorators[0], ast.Name)
        and (decorators[0].id == "staticmethod")
    )
