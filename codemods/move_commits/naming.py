"""Names for the parameters that carry framework values into a service method."""

from __future__ import annotations

import builtins
import keyword
import re

import libcst as cst

BUILTINS = frozenset(dir(builtins))
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: a key whose words hyphens join (a form field's ``alias-name``, a header's ``X-Request-Id``)
_HYPHENATED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)+$")
#: a capital letter that starts a word of a camel-case name (`firstName`)
_CAPITAL = re.compile(r"(?<=[a-z0-9])([A-Z])")
_GENERIC_ATTRS = frozenset({"id", "type", "name", "value", "data", "key", "host"})
#: attributes that give their owner as a string: the owner names the value
#: (``request.user_agent.string`` → ``user_agent``)
_AS_STRING_ATTRS = frozenset({"string"})
_READ_NAMES = {"get_json": "payload", "json": "payload", "get_data": "raw_body", "body": "raw_body"}


def suggest_name(expr: cst.BaseExpression, root_name: str) -> str:
    """A parameter name for the framework read ``expr`` (``g.tenant_id`` → ``tenant_id``)."""
    if isinstance(expr, cst.Await):
        expr = expr.expression
    if isinstance(expr, cst.Call):
        named = _call_name(expr)
        if named:
            return named
        expr = expr.func.value if isinstance(expr.func, cst.Attribute) else expr.func
    if isinstance(expr, cst.Subscript):
        index = expr.slice[0].slice if expr.slice else None
        if isinstance(index, cst.Index):
            text = _identifier_string(index.value)
            if text:
                return text
        expr = expr.value
    if isinstance(expr, cst.Attribute):
        return _attribute_name(expr, root_name)
    if root_name == "current_user":
        return "user"  # the service gets the user object, not the request's proxy
    return "value"


def _identifier_string(node: cst.BaseExpression) -> str:
    """The value of a string literal that is a valid identifier (or words joined by hyphens),
    or a constant's name, else ""; in snake case, as a parameter is named
    (``config["UPLOAD_DIR"]``, ``config[UPLOAD_DIR]`` → ``upload_dir``,
    ``headers["Authorization"]`` → ``authorization``, ``json["firstName"]`` → ``first_name``,
    ``form.get("alias-name")`` → ``alias_name``)."""
    if isinstance(node, cst.SimpleString):
        text = node.evaluated_value
        if isinstance(text, str) and _HYPHENATED.match(text):
            text = text.replace("-", "_")
        if isinstance(text, str) and _IDENTIFIER.match(text):
            # (`"Authorization"`, `"firstName"`: a parameter is named in snake case)
            return text.lower() if text.isupper() else _CAPITAL.sub(r"_\1", text).lower()
    if isinstance(node, cst.Name) and node.value.isupper():
        # `config[UPLOAD_DIR]`: a module's constant; `config[KEY_UPLOAD_DIR]` holds the key of
        # the upload folder, not the folder
        name = node.value.lower()
        return name.removeprefix("key_").removesuffix("_key") or name
    return ""


def _call_name(call: cst.Call) -> str:
    """``request.get_json()`` → ``payload``, ``request.args.get("page")`` → ``page``; else ""."""
    func = call.func
    method = func.attr.value if isinstance(func, cst.Attribute) else ""
    if method in _READ_NAMES:
        return _READ_NAMES[method]
    return _identifier_string(call.args[0].value) if call.args else ""


def _attribute_name(expr: cst.Attribute, root_name: str) -> str:
    """A name for an attribute read: its attribute, qualified where that is too generic."""
    attr = expr.attr.value
    if attr == "data" and isinstance(expr.value, cst.Attribute) and root_name.endswith("form"):
        return expr.value.attr.value  # `form.title.data` → `title`
    if attr in _AS_STRING_ATTRS and isinstance(expr.value, cst.Attribute):
        return expr.value.attr.value
    if attr in _GENERIC_ATTRS and isinstance(expr.value, cst.Attribute):
        return f"{expr.value.attr.value}_{attr}"
    if root_name == "current_user":
        # (`current_user.username` is the user's `username`, not `user_username`)
        return attr if attr.startswith("user") else f"user_{attr}"
    if attr in _READ_NAMES:
        return _READ_NAMES[attr]
    if attr == "current_user":
        # `g.current_user` holds a user; in a service the name would read as Flask-Login's proxy
        return "user"
    return attr.lstrip("_") or "value"


def unique(name: str, taken: set[str]) -> str:
    """``name`` made a valid, non-builtin identifier that is not in ``taken``."""
    if keyword.iskeyword(name) or name in BUILTINS or not _IDENTIFIER.match(name):
        name = f"{name}_value" if _IDENTIFIER.match(name) else "value"
    candidate, counter = name, 2
    while candidate in taken:
        candidate = f"{name}_{counter}"
        counter += 1
    return candidate
