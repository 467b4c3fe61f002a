from flask import Blueprint, jsonify

from app.extensions import db
from app.models import Counter

bp = Blueprint("counters", __name__)
hits = 0


@bp.post("/hit")
def hit():
    global hits
    hits += 1
    counter = db.session.get(Counter, 1)
    counter.value = hits
    db.session.commit()
    return jsonify(hits=hits)


@bp.post("/debug")
def debug():
    counter = db.session.get(Counter, 1)
    counter.snapshot = str(locals())
    db.session.commit()
    return jsonify(ok=True)
