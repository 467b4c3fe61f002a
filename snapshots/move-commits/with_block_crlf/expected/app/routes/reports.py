from threading import Lock

from flask import Blueprint, jsonify

from app.services.report_service import ReportService

bp = Blueprint("reports", __name__)
_lock = Lock()


@bp.post("/reports")
def create_report():
    with _lock:
        report = ReportService.create_report()
    return jsonify(id=report.id), 201
