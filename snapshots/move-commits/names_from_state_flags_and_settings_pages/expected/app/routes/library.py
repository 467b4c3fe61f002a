from flask import Blueprint, flash, redirect
from flask_login import current_user

from app.models import Book, Notice
from app.services.library_service import LibraryService

bp = Blueprint("library", __name__)


@bp.post("/books/<int:book_id>/pin")
def pin(book_id):
    book = Book.query.get_or_404(book_id)
    # Each branch sets the flag one way: each unit is named for what it does, not for the
    # route as a whole.
    if book.pinned:
        LibraryService.unpin_book(book)
        flash("Unpinned.")
    else:
        LibraryService.pin_book(book)
        flash("Pinned.")
    return redirect("/")


@bp.post("/books/<int:book_id>/lock")
def toggle_lock(book_id):
    book = Book.query.get_or_404(book_id)
    if book.is_locked:
        LibraryService.unlock_book(book)
        flash("Unlocked.")
    else:
        LibraryService.lock_book(book)
        flash("Locked.")
    return redirect("/")


@bp.post("/books/<int:book_id>/shelve")
def shelve_book(book_id):
    # A specific route name says the intent: it stays.
    book = Book.query.get_or_404(book_id)
    LibraryService.shelve_book(book)
    return redirect("/")


@bp.post("/preferences")
def preferences():
    LibraryService.update_preferences(user=current_user)
    return redirect("/")


@bp.post("/password")
def password_reset():
    LibraryService.reset_password(user=current_user)
    return redirect("/")


@bp.post("/notices/<int:notice_id>/read")
def read_notice(notice_id):
    # `is_read = True`: the notice is marked read.
    notice = Notice.query.get_or_404(notice_id)
    LibraryService.mark_notice_read(notice)
    return redirect("/")
