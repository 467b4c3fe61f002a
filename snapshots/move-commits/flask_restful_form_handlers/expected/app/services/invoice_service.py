"""Invoice service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Invoice


class InvoiceService:
    """Units of work for invoice: each method writes and commits."""

    @staticmethod
    def create_invoice(form):
        # the form builds the invoice
        invoice = form.save()
        db.session.add(invoice)
        db.session.commit()
        return invoice

    @staticmethod
    def update_invoice(invoice_id, form):
        invoice = db.session.get(Invoice, invoice_id)
        form.save(invoice)
        db.session.commit()
        return invoice

    @staticmethod
    def update_draft(invoice_id, form):
        draft = db.session.get(Invoice, invoice_id)
        form.save(draft)
        db.session.add(draft)
        db.session.commit()
        return draft
