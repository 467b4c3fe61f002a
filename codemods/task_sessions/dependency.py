"""Does a session dependency do anything besides opening, committing and closing its session?

When a route stops using its session, its ``db = Depends(get_db)`` parameter can go only if calling
``get_db`` had no other effect the route relied on (checking a header, setting a tenant, logging).
A dependency is *plain* when every statement is one of: opening the session (``db = SessionLocal()``,
``with SessionLocal() as db:``), ``yield``/``return`` of it, ``db.commit()``, ``db.rollback()``,
``db.close()`` (awaited or not), ``raise``, ``pass`` or a docstring, inside ``try``/``with`` blocks.
"""

from __future__ import annotations

import libcst as cst

SESSION_CALLS = frozenset({"commit", "rollback", "close"})


def is_plain(function: cst.FunctionDef, session: str, opener: str, module: cst.Module) -> bool:
    """Is ``function`` a plain session dependency (see the module docs)?"""
    return _block(function.body, session, opener, module)


def _block(body: cst.BaseSuite, session: str, opener: str, module: cst.Module) -> bool:
    if isinstance(body, cst.SimpleStatementSuite):
        return all(_small(s, session, opener, module) for s in body.body)
    assert isinstance(body, cst.IndentedBlock)
    return all(_statement(s, session, opener, module) for s in body.body)


def _statement(node: cst.BaseStatement, session: str, opener: str, module: cst.Module) -> bool:
    if isinstance(node, cst.SimpleStatementLine):
        return all(_small(s, session, opener, module) for s in node.body)
    if isinstance(node, cst.Try):
        blocks = [node.body, *(h.body for h in node.handlers)]
        blocks += [b.body for b in (node.orelse, node.finalbody) if b is not None]
        return all(_block(b, session, opener, module) for b in blocks)
    if isinstance(node, cst.With):
        opens = all(module.code_for_node(item.item) == opener for item in node.items)
        return opens and _block(node.body, session, opener, module)
    return False


def _small(node: cst.BaseSmallStatement, session: str, opener: str, module: cst.Module) -> bool:
    if isinstance(node, (cst.Pass, cst.Raise)):
        return True
    if isinstance(node, cst.Assign):
        target = node.targets[0].target if len(node.targets) == 1 else None
        named = isinstance(target, cst.Name) and target.value == session
        return named and module.code_for_node(node.value) == opener
    if isinstance(node, cst.Return):
        return node.value is None or _yielded(node.value, session, opener, module)
    if not isinstance(node, cst.Expr):
        return False
    value = node.value
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        return True
    if isinstance(value, cst.Yield):
        yielded = value.value
        return isinstance(yielded, cst.BaseExpression) and _yielded(
            yielded, session, opener, module
        )
    if isinstance(value, cst.Await):
        value = value.expression
    return _session_call(value, session)


def _yielded(value: cst.BaseExpression, session: str, opener: str, module: cst.Module) -> bool:
    if isinstance(value, cst.Name):
        return value.value == session
    return module.code_for_node(value) == opener


def _session_call(value: cst.BaseExpression, session: str) -> bool:
    """``<session>.commit()`` / ``.rollback()`` / ``.close()`` without arguments."""
    return (
        isinstance(value, cst.Call)
        and not value.args
        and isinstance(value.func, cst.Attribute)
        and isinstance(value.func.value, cst.Name)
        and value.func.value.value == session
        and value.func.attr.value in SESSION_CALLS
    )
