from typing import Any

from fastapi import APIRouter, HTTPException

from app.api.deps import CurrentUser, SessionDep
from app.models import Item
from app.services.item_service import ItemIn, ItemService

router = APIRouter(prefix="/items")


@router.post("/")
def create_item(session: SessionDep, current_user: CurrentUser, title: str) -> Any:
    item = ItemService.create_item(title, current_user, session)
    return item


@router.put("/{item_id}")
def rename_item(session: SessionDep, item_id: int, title: str) -> Any:
    item = session.get(Item, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    ItemService.rename_item(item, title, session)
    return item


@router.delete("/{item_id}")
def remove_item(
    session: SessionDep, current_user: CurrentUser, item_id: int
) -> dict[str, str]:
    item = session.get(Item, item_id)
    if not item or item.owner_id != current_user.id:
        raise HTTPException(status_code=404, detail="Item not found")
    ItemService.remove_item(item, session)
    return {"message": "deleted"}


@router.post("/{item_id}/notes")
def add_note(session: SessionDep, item_id: int, body: ItemIn) -> Any:
    note = body.model_dump()
    item = session.get(Item, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    item.title = note["title"]
    session.commit()
    return item


@router.post("/from-schema")
def create_from_schema(session: SessionDep, body: ItemIn) -> Any:
    item = ItemService.create_from_schema(body, session)
    return item
