"""Order service: units of work (database writes and their commits)."""

from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Order


class OrderService:
    """Units of work for order: each method writes and commits."""

    @staticmethod
    async def pay_order(order: Order, session: AsyncSession) -> None:
        order.status = "paid"
        session.add(order)
        await session.commit()
        await session.refresh(order)
