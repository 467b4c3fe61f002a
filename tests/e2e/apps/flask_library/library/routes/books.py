from flask import Blueprint, jsonify, request

from library.extensions import db
from library.models import Book

bp = Blueprint("books", __name__, url_prefix="/books")


@bp.post("")
def add_book():
    data = request.get_json()
    book = Book(title=data["title"], copies=data.get("copies", 1))
    db.session.add(book)
    db.session.commit()
    return jsonify(id=book.id, title=book.title), 201


@bp.get("/<int:book_id>")
def get_book(book_id):
    book = db.session.get(Book, book_id)
    if book is None:
        return jsonify(error="not found"), 404
    return jsonify(id=book.id, title=book.title, copies=book.copies)
