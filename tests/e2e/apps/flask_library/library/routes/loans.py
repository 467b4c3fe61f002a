from flask import Blueprint, jsonify, request

from library.extensions import db
from library.models import Book, Loan

bp = Blueprint("loans", __name__, url_prefix="/loans")


@bp.post("")
def lend():
    data = request.get_json()
    book = db.session.get(Book, data["book_id"])
    if book is None or book.copies < 1:
        return jsonify(error="not available"), 409
    book.copies -= 1
    loan = Loan(book_id=book.id, member_id=data["member_id"])
    db.session.add(loan)
    db.session.commit()
    return jsonify(id=loan.id), 201


@bp.delete("/<int:loan_id>")
def give_back(loan_id):
    loan = db.session.get(Loan, loan_id)
    if loan is None:
        return jsonify(error="not found"), 404
    book = db.session.get(Book, loan.book_id)
    book.copies += 1
    db.session.delete(loan)
    db.session.commit()
    return "", 204
