import logging

from flask import Blueprint, jsonify

from app.extensions import db
from app.models import Invoice
from app.services.invoice_service import InvoiceService

bp = Blueprint("invoices", __name__)
log = logging.getLogger(__name__)


@bp.post("/invoices/<int:invoice_id>/void")
def void_invoice(invoice_id):
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        return jsonify(error="not found"), 404
    InvoiceService.void_invoice(invoice)
    return jsonify(invoice.to_dict())
