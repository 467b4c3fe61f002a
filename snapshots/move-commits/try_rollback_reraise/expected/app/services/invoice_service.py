"""Invoice service: units of work (database writes and their commits)."""

from app.extensions import db


class InvoiceService:
    """Units of work for invoice: each method writes and commits."""

    @staticmethod
    def void_invoice(invoice):
        try:
            invoice.status = "void"
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
