from flask import Blueprint, flash, redirect, request

from app import labels
from app.services.shelf_service import ShelfService

bp = Blueprint("shelves", __name__)


@bp.post("/shelves/<int:shelf_id>/labels")
def label_shelf(shelf_id):
    try:
        ShelfService.label_shelf(shelf_id, text=request.form["text"])
        flash("Label added")
    except labels.LabelError as err:
        flash(str(err), "error")
    return redirect(f"/shelves/{shelf_id}")
