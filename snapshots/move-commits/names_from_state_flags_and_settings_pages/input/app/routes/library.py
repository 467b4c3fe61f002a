from flask import Blueprint, flash, redirect
from flask_login import current_user

from app.extensions import db
from app.models import Book, Notice

bp = Blueprint("library", __name__)


@bp.post("/books/<int:book_id>/pin")
def pin(book_id):
    book = Book.query.get_or_404(book_id)
    # Each branch sets the flag one way: each unit is named for what it does, not for the
    # route as a whole.
    if book.pinned:
        book.pinned = False
        db.session.commit()
        flash("Unpinned.")
    else:
        book.pinned = True
        db.session.commit()
        flash("Pinned.")
    return redirect("/")


@bp.post("/books/<int:book_id>/lock")
def toggle_lock(book_id):
    book = Book.query.get_or_404(book_id)
    if book.is_locked:
        book.is_locked = False
        db.session.commit()
        flash("Unlocked.")
    else:
        book.is_locked = True
        db.session.commit()
        flash("Locked.")
    return redirect("/")


@bp.post("/books/<int:book_id>/shelve")
def shelve_book(book_id):
    # A specific route name says the intent: it stays.
    book = Book.query.get_or_404(book_id)
    book.archived = True
    db.session.commit()
    return redirect("/")


@bp.post("/preferences")
def preferences():
    # Named for the page it saves: the method says that it writes.
    current_user.theme = "dark"
    current_user.locale = "en"
    db.session.commit()
    return redirect("/")


@bp.post("/password")
def password_reset():
    # Named verb last: the method says it verb first.
    current_user.password = "changed"
    db.session.commit()
    return redirect("/")


@bp.post("/notices/<int:notice_id>/read")
def read_notice(notice_id):
    # `is_read = True`: the notice is marked read.
    notice = Notice.query.get_or_404(notice_id)
    notice.is_read = True
    db.session.commit()
    return redirect("/")
