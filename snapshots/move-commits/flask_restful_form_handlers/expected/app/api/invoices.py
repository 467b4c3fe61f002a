from flask_restful import Resource

from app.forms import InvoiceForm, invoice_form_for
from app.services.invoice_service import InvoiceService


class DraftInvoiceForm(InvoiceForm):
    pass


class InvoicesHandler(Resource):
    def post(self, account):
        form = invoice_form_for(account)
        if form.validate():
            invoice = InvoiceService.create_invoice(form)
            return invoice.id, 201
        return "invalid", 400


class InvoiceHandler(Resource):
    def put(self, account, invoice_id):
        form = invoice_form_for(account)
        if form.validate():
            invoice = InvoiceService.update_invoice(invoice_id, form)
            return invoice.id
        return "invalid", 400


class DraftHandler(Resource):
    def put(self, invoice_id):
        form = DraftInvoiceForm()
        if form.validate():
            draft = InvoiceService.update_draft(invoice_id, form)
            return draft.id
        return "invalid", 400
