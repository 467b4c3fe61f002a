"""A cheap `ast` pre-check: can this file hold a singleton at all?

The scan analyses every file whose text has a session call on ``self.<attr>``; most of them are
services that nobody instantiates at module level, and the LibCST analysis costs several times an
`ast` parse. A singleton (``analyze._Analysis.services``) is a module-level ``name = Class(...)``
whose ``Class`` is a class defined at module level in the same file. This check asks that on the
`ast` tree and errs towards yes (any such class counts, service or not; ``a = C(); b = 1`` on one
line counts; Python's normalised names match more than LibCST's names as written), so a ``False``
here implies that the analysis finds no singleton in the file.
"""

from __future__ import annotations

import ast


def may_hold_singleton(tree: ast.Module) -> bool:
    """False only when ``analyze_module`` finds no singleton in ``tree``'s file."""
    classes = {stmt.name for stmt in tree.body if isinstance(stmt, ast.ClassDef)}
    return bool(classes) and any(_instantiates(stmt, classes) for stmt in tree.body)


def _instantiates(stmt: ast.stmt, classes: set[str]) -> bool:
    """``name = C(...)`` with ``C`` one of ``classes``."""
    return (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Name)
        and stmt.value.func.id in classes
    )
