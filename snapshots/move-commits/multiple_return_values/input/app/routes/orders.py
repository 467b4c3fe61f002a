from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Invoice, Order

bp = Blueprint("orders", __name__)


@bp.post("/orders")
def create_order():
    data = request.get_json()
    order = Order(customer_id=data["customer_id"])
    invoice = Invoice(order=order, total=data["total"])
    db.session.add_all([order, invoice])
    db.session.commit()
    return jsonify(order=order.to_dict(), invoice=invoice.to_dict()), 201
