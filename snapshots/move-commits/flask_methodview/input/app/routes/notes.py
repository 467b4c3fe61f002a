from flask import jsonify, request
from flask.views import MethodView

from app.extensions import db
from app.models import Note


class NoteAPI(MethodView):
    def get(self, note_id):
        return jsonify(db.session.get(Note, note_id).to_dict())

    def post(self):
        payload = request.get_json()
        note = Note(body=payload["body"])
        db.session.add(note)
        db.session.commit()
        return jsonify(note.to_dict()), 201

    def delete(self, note_id):
        note = db.session.get(Note, note_id)
        db.session.delete(note)
        db.session.commit()
        return "", 204
