from flask import Blueprint, flash, redirect, request

from app import labels
from app.extensions import db

bp = Blueprint("shelves", __name__)


@bp.post("/shelves/<int:shelf_id>/labels")
def label_shelf(shelf_id):
    try:
        labels.attach_label(db.session, shelf_id, request.form["text"])
        db.session.commit()
        flash("Label added")
    except labels.LabelError as err:
        flash(str(err), "error")
    return redirect(f"/shelves/{shelf_id}")
