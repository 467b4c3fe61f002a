from flask import g
from flask.views import MethodView

from app.models import Note
from app.services.api_service import APIService


class NoteAPI(MethodView):
    # `apis/v1/`: the service goes beside the app's other services, named for the API, not
    # for its version.
    def delete(self, note_id):
        note = Note.query.get_or_404(note_id)
        APIService.delete_note(note)
        return "", 204


class NotesAPI(MethodView):
    def post(self):
        APIService.create_note(user=g.current_user)
        return "", 201
