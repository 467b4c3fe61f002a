"""Order service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Invoice, Order


class OrderService:
    """Units of work for order: each method writes and commits."""

    @staticmethod
    def create_order(customer_id, total):
        order = Order(customer_id=customer_id)
        invoice = Invoice(order=order, total=total)
        db.session.add_all([order, invoice])
        db.session.commit()
        return order, invoice
