"""The types a type checker gives the framework reads a route passes to the service.

Werkzeug types Flask's request: ``request.form["title"]`` is ``str``, ``request.args.get("q")``
``str | None``, ``request.args.get("page", 1, type=int)`` ``int``. Other reads are typed ``Any``
by the framework itself: the JSON body (``request.get_json()``, ``request.json``), ``g.<name>``,
``session[...]``, ``current_app.config[...]`` and a WTForms field's ``data``. The service
method's parameter gets that same type, so the project's checker reads the moved code as it read
the route. A parameter typed ``Any`` is only written where the project's linters accept it (see
``signature``: mypy's ``disallow_any_explicit``, ruff's ``ANN401``). Reads of Flask-Login's
``current_user``, FastAPI's ``Request`` and any other shape stay unknown.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from .frameworks import ModuleIndex
from .model import ImportNeed, TypeInfo
from .units import Hoist

#: ``typing.Any``, for what the framework itself types so
ANY = TypeInfo("Any", (ImportNeed("Any", "typing", "Any", None, 0),), dynamic=True)
_STR = TypeInfo("str")
#: the request's mappings of text (werkzeug's ``MultiDict[str, str]``, ``Headers``)
_TEXT_MAPPINGS = frozenset({"form", "args", "values", "headers", "cookies"})
#: attributes of the request that are text, or text or None
_TEXT_ATTRIBUTES = frozenset(
    {"method", "path", "full_path", "url", "base_url", "url_root", "host", "scheme", "mimetype"}
)
_MAYBE_TEXT_ATTRIBUTES = frozenset({"remote_addr", "referrer", "content_type"})
#: the builtins ``get(..., type=...)`` converts with, and the literal of each
_CONVERSIONS: dict[str, type[cst.BaseExpression]] = {
    "int": cst.Integer,
    "float": cst.Float,
    "str": cst.SimpleString,
}
#: the framework objects whose reads the framework types ``Any``
_DYNAMIC_OBJECTS = frozenset({"g", "session", "current_app"})
#: ``str`` methods that give text, and those that give a list of text
_TEXT_METHODS = frozenset(
    {
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "casefold",
        "title",
        "capitalize",
        "replace",
        "removeprefix",
        "removesuffix",
    }
)
_TEXT_LIST_METHODS = frozenset({"split", "rsplit", "splitlines"})
_TEXT_LIST = TypeInfo("list[str]")


def read_type(index: ModuleIndex, hoist: Hoist) -> TypeInfo | None:
    """The type the project's checker gives the read ``hoist`` passes; None when unknown."""
    use = hoist.use
    if use.kind == "form":
        return ANY if _is_field_data(hoist.expr) else None
    if use.kind != "value" or not _from_flask(index, hoist.root):
        return None
    if use.name in _DYNAMIC_OBJECTS:
        return ANY if hoist.expr is not hoist.root else None
    if use.name == "request":
        return _request_read(hoist.expr)
    return None


def expression_type(index: ModuleIndex, expr: cst.BaseExpression) -> TypeInfo | None:
    """:func:`read_type` of an expression the route assigns (``payload = request.get_json()``);
    None when it is no framework read."""
    root = read_root(expr)
    if root is None:
        return None
    use = index.framework_use(root)
    if use is None:
        return None
    return read_type(index, Hoist(root, expr, use))


def read_root(expr: cst.BaseExpression) -> cst.Name | None:
    """The name a chain of reads and calls starts at (``payload`` of ``payload.get("x")[0]``);
    None for a plain name or a chain that starts elsewhere."""
    root = expr
    while isinstance(root, cst.Attribute | cst.Subscript | cst.Call):
        root = root.func if isinstance(root, cst.Call) else root.value
    return root if isinstance(root, cst.Name) and root is not expr else None


def _from_flask(index: ModuleIndex, root: cst.CSTNode) -> bool:
    """Whether ``root`` is Flask's own object (``flask.request``), not a parameter so named."""
    return any(name.startswith("flask.") for name in index.qualified_names(root))


def _is_field_data(expr: cst.BaseExpression) -> bool:
    """``form.title.data``: a WTForms field's value."""
    return isinstance(expr, cst.Attribute) and expr.attr.value == "data"


def _request_read(expr: cst.BaseExpression) -> TypeInfo | None:
    owner = _owner(expr)
    if owner is not None and _request_read(owner) == ANY:
        return ANY  # read off the JSON body: `request.get_json().get("text")`
    if isinstance(expr, cst.Attribute):
        attribute = expr.attr.value
        if attribute == "json":
            return ANY
        if attribute in _TEXT_ATTRIBUTES:
            return _STR
        if attribute in _MAYBE_TEXT_ATTRIBUTES:
            return TypeInfo("str", nullable=True)
        return None
    if isinstance(expr, cst.Subscript):
        return _STR if _request_mapping(expr.value) else _item_type(expr)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        method = expr.func.attr.value
        if method == "get_json":
            return ANY
        if method == "get" and _request_mapping(expr.func.value):
            return _get_type(expr.args)
        if method == "getlist" and _request_mapping(expr.func.value) and len(expr.args) == 1:
            return _TEXT_LIST
        if method in _TEXT_METHODS | _TEXT_LIST_METHODS and _request_read(expr.func.value) == _STR:
            # `request.form["email"].strip().lower()`, `headers.get("Authorization", "").split()`
            return _STR if method in _TEXT_METHODS else _TEXT_LIST
    return None


def _owner(expr: cst.BaseExpression) -> cst.BaseExpression | None:
    """What ``expr`` reads from: the value of an attribute or an item, the object of a method
    call; None for another expression."""
    if isinstance(expr, cst.Attribute | cst.Subscript):
        return expr.value
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        return expr.func.value
    return None


def _item_type(expr: cst.Subscript) -> TypeInfo | None:
    """An item or a slice of a read that is text or a list of text (``...split(" ")[1]``)."""
    read = _request_read(expr.value)
    if read not in (_STR, _TEXT_LIST) or len(expr.slice) != 1:
        return None
    if isinstance(expr.slice[0].slice, cst.Slice):
        return read
    return _STR


def _request_mapping(node: cst.BaseExpression) -> bool:
    """``request.form``, ``request.args``... (the request itself is the read's root)."""
    return (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.attr.value in _TEXT_MAPPINGS
    )


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _get_type(args: Sequence[cst.Arg]) -> TypeInfo | None:
    """``get(key)`` and ``get(key, None)``: ``str | None``; with a default of text: ``str``; ``type=int``: ``int | None``,
    or ``int`` with a default that is an ``int`` literal."""
    positional = [a for a in args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: a.value for a in args if a.keyword is not None}
    if not positional or len(positional) > 2 or set(keywords) - {"default", "type"}:
        return None
    default = positional[1].value if len(positional) == 2 else keywords.get("default")
    converter = keywords.get("type")
    name = "str"
    if converter is not None:
        if not isinstance(converter, cst.Name) or converter.value not in _CONVERSIONS:
            return None
        name = converter.value
    if default is None or _is_none(default):
        return TypeInfo(name, nullable=True)
    if type(default) is _CONVERSIONS[name]:
        return TypeInfo(name)
    return None
