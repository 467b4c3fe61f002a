"""Order service: units of work (database writes and their commits)."""


class OrderService:
    """Units of work for order: each method writes and commits."""

    @staticmethod
    async def pay_order(order, session):
        order.status = "paid"
        session.add(order)
        await session.commit()
