from flask import Blueprint, jsonify, request

from app.services.order_service import OrderService

bp = Blueprint("orders", __name__)


@bp.post("/orders")
def create_order():
    data = request.get_json()
    order, invoice = OrderService.create_order(
        customer_id=data["customer_id"], total=data["total"]
    )
    return jsonify(order=order.to_dict(), invoice=invoice.to_dict()), 201
