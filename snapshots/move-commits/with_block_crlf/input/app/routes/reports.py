from threading import Lock

from flask import Blueprint, jsonify

from app.extensions import db
from app.models import Report

bp = Blueprint("reports", __name__)
_lock = Lock()


@bp.post("/reports")
def create_report():
    with _lock:
        report = Report(kind="daily")
        db.session.add(report)
        db.session.commit()
    return jsonify(id=report.id), 201
