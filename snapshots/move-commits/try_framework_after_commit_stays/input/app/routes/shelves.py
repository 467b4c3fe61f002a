import hashlib

from flask import Blueprint, abort, current_app, flash, g, redirect, url_for
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import Shelf

bp = Blueprint("shelves", __name__)


@bp.post("/shelves/<int:shelf_id>/drop")
def drop_shelf(shelf_id):
    shelf = db.get_or_404(Shelf, shelf_id)
    try:
        # its books go with it (cascade)
        db.session.delete(shelf)
        db.session.commit()
        flash("Shelf dropped")
        return redirect(url_for("shelves.index"))
    except SQLAlchemyError as error:
        db.session.rollback()
        flash("Could not drop the shelf", "error")
        current_app.logger.exception(error)
    return redirect(url_for("shelves.show", shelf_id=shelf_id))


@bp.post("/shelves/<int:shelf_id>/clear")
def clear_shelf(shelf_id):
    shelf = db.get_or_404(Shelf, shelf_id)
    shelf.label = None
    try:
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        flash("Could not clear the shelf", "error")
        current_app.logger.exception(error)
    else:
        flash(f"Shelf {shelf_id} cleared")
    return redirect(url_for("shelves.index"))


@bp.post("/shelves/<label>")
def add_shelf(label):
    try:
        shelf = Shelf(label=label)
        db.session.add(shelf)
        db.session.commit()
        flash(f"Shelf {shelf.id} added")
    except SQLAlchemyError:
        db.session.rollback()
        flash("Could not add the shelf", "error")
    return redirect(url_for("shelves.index"))


@bp.post("/shelves/<int:shelf_id>/rename/<label>")
def rename_shelf(shelf_id, label):
    shelf = db.get_or_404(Shelf, shelf_id)
    shelf.label = label
    try:
        db.session.commit()
        flash("Shelf renamed")
    except SQLAlchemyError:
        db.session.rollback()
        db.session.add(shelf)
        flash("Could not rename the shelf", "error")
    return redirect(url_for("shelves.index"))


@bp.post("/shelves/<int:shelf_id>/seal")
def seal_shelf(shelf_id):
    shelf = db.get_or_404(Shelf, shelf_id)
    shelf.label = hashlib.sha256(shelf.label.encode()).hexdigest()
    db.session.add(shelf)
    try:
        db.session.commit()
        flash("Shelf sealed")
    except SQLAlchemyError as error:
        db.session.rollback()
        flash("Could not seal the shelf", "error")
        current_app.logger.exception(error)
    return redirect(url_for("shelves.index"))


@bp.post("/shelves/<int:shelf_id>/empty")
def empty_shelf(shelf_id):
    shelf = db.session.get(Shelf, shelf_id)
    if shelf is None:
        abort(404)
    else:
        db.session.delete(shelf)
    db.session.commit()
    return redirect(url_for("shelves.index"))


@bp.post("/shelves/<int:shelf_id>/discard")
def discard_shelf(shelf_id):
    shelf = db.get_or_404(Shelf, shelf_id)
    db.session.delete(shelf)
    try:
        db.session.commit()
        flash("Shelf discarded")
    except SQLAlchemyError:
        db.session.rollback()
        flash("Could not discard the shelf", "error")
    return redirect(url_for("shelves.index"))


@bp.post("/shelves/<int:shelf_id>/open")
def open_shelf(shelf_id):
    shelf = db.get_or_404(Shelf, shelf_id)
    label = shelf.label
    shelf.opened = True
    try:
        db.session.commit()
        g.shelf = shelf
        flash(f"Shelf {label} opened")
    except SQLAlchemyError:
        db.session.rollback()
        flash(f"Could not open {label}", "error")
    return redirect(url_for("shelves.index"))
