from flask import jsonify, request
from flask.views import MethodView

from app.extensions import db
from app.models import Note
from app.services.note_service import NoteService


class NoteAPI(MethodView):
    def get(self, note_id):
        return jsonify(db.session.get(Note, note_id).to_dict())

    def post(self):
        payload = request.get_json()
        note = NoteService.create_note(body=payload["body"])
        return jsonify(note.to_dict()), 201

    def delete(self, note_id):
        NoteService.delete_note(note_id)
        return "", 204
