from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shop.database import get_async_db
from shop.models import Item, Order

router = APIRouter(prefix="/orders")


def serialize(order: Order) -> dict[str, object]:
    return {
        "id": order.id,
        "item_id": order.item_id,
        "quantity": order.quantity,
        "status": order.status,
        "note": order.note,
    }


@router.post("", status_code=201)
async def place_order(item_id: int, quantity: int, db: AsyncSession = Depends(get_async_db)):
    item = await db.get(Item, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="unknown item")
    if item.stock < quantity:
        raise HTTPException(status_code=409, detail="not enough stock")
    item.stock -= quantity
    order = Order(item_id=item_id, quantity=quantity)
    db.add(order)
    await db.commit()
    return serialize(order)


@router.post("/{order_id}/note")
async def annotate_order(order_id: int, request: Request, db: AsyncSession = Depends(get_async_db)):
    order = await db.get(Order, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="unknown order")
    order.note = (await request.json())["note"]
    await db.commit()
    return serialize(order)


@router.post("/{order_id}/cancel")
async def cancel_order(order_id: int, db: AsyncSession = Depends(get_async_db)):
    order = await db.get(Order, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="unknown order")
    order.status = "cancelled"
    if order.quantity > 10:
        await db.rollback()
        raise HTTPException(status_code=409, detail="large orders need approval")
    item = await db.get(Item, order.item_id)
    item.stock += order.quantity
    await db.commit()
    return serialize(order)
