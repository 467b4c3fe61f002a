"""async-queries: what a FastAPI response model reads from the object a route returns."""

from __future__ import annotations

import ast

from backfix.builtin_codemods.async_queries import lazy

ROUTES = frozenset({"get", "post"})


def _models(code: str, plain: frozenset[str] = frozenset()) -> list[lazy.ResponseModel]:
    tree = ast.parse(code)
    quals = {node.name for node in tree.body if isinstance(node, ast.AsyncFunctionDef)}
    return lazy.response_models(tree, quals, ROUTES, plain)


def test_the_response_model_keyword_and_the_returned_binding() -> None:
    code = (
        "@router.get('/b', response_model=list[BookOut])\n"
        "async def books(db):\n"
        "    found = db.query(Book).all()\n"
        "    return found\n"
    )
    (model,) = _models(code)
    assert model.names == frozenset({"list", "BookOut"})
    assert model.source == (3, 12, 3, 32)
    assert "Book" in model.mentions


def test_a_return_annotation_counts_only_on_a_route() -> None:
    code = (
        "@router.get('/b')\nasync def route(db) -> 'BookOut':\n    return await find(db)\n\n"
        "async def helper(db) -> BookOut:\n    return await find(db)\n"
    )
    assert [(m.qual, m.names) for m in _models(code)] == [("route", frozenset({"BookOut"}))]


def test_response_model_none_reads_nothing() -> None:
    code = (
        "@router.get('/b', response_model=None)\nasync def route(db):\n    return await find(db)\n"
    )
    assert _models(code) == []


def test_dicts_and_schemas_built_in_the_route_are_not_orm_objects() -> None:
    code = (
        "@router.get('/a', response_model=Page)\nasync def a(db):\n"
        "    return {'items': [], 'total': 0}\n\n"
        "@router.get('/b', response_model=Page)\nasync def b(db):\n"
        "    page = Page(items=[], total=0)\n    return page\n\n"
        "@router.get('/c', response_model=Page)\nasync def c(db):\n"
        "    return Page.model_validate(await find(db))\n"
    )
    assert [m.qual for m in _models(code, frozenset({"Page"}))] == ["c"]


def test_refresh_with_attribute_names_counts_as_loading_them() -> None:
    text = (
        "await db.refresh(lead, ['location', \"owner\"])\n"
        "await db.refresh(item, attribute_names=('tags',))\n"
        "await db.refresh(other)\n"
        "q.options(selectinload(Book.author))\n"
    )
    assert lazy.silenced(text) == {"location", "owner", "tags", "author"}
