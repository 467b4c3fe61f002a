from flask_restful import Resource

from app.extensions import db
from app.forms import InvoiceForm, invoice_form_for
from app.models import Invoice


class DraftInvoiceForm(InvoiceForm):
    pass


class InvoicesHandler(Resource):
    def post(self, account):
        form = invoice_form_for(account)
        if form.validate():
            # the form builds the invoice
            invoice = form.save()
            db.session.add(invoice)
            db.session.commit()
            return invoice.id, 201
        return "invalid", 400


class InvoiceHandler(Resource):
    def put(self, account, invoice_id):
        form = invoice_form_for(account)
        if form.validate():
            invoice = db.session.get(Invoice, invoice_id)
            form.save(invoice)
            db.session.commit()
            return invoice.id
        return "invalid", 400


class DraftHandler(Resource):
    def put(self, invoice_id):
        form = DraftInvoiceForm()
        if form.validate():
            draft = db.session.get(Invoice, invoice_id)
            form.save(draft)
            db.session.add(draft)
            db.session.commit()
            return draft.id
        return "invalid", 400
