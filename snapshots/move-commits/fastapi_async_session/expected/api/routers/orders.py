from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from api.database import get_session
from api.models import Order
from api.services.order_service import OrderService

router = APIRouter()


@router.post("/orders/{order_id}/pay")
async def pay_order(order_id: int, session: AsyncSession = Depends(get_session)):
    order = await session.get(Order, order_id)
    if order is None:
        raise HTTPException(404)
    await OrderService.pay_order(order, session)
    return {"id": order.id, "status": order.status}
