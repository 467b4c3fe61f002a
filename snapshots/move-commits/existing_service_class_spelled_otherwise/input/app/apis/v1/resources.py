from flask import g
from flask.views import MethodView

from app.extensions import db
from app.models import Note


class NoteAPI(MethodView):
    # `apis/v1/`: the service goes beside the app's other services, named for the API, not
    # for its version.
    def delete(self, note_id):
        note = Note.query.get_or_404(note_id)
        db.session.delete(note)
        db.session.commit()
        return "", 204


class NotesAPI(MethodView):
    def post(self):
        # `g.current_user` (set by an auth decorator) is passed as `user`: named
        # `current_user` in the service, it would read as Flask-Login's proxy.
        note = Note(author=g.current_user)
        db.session.add(note)
        db.session.commit()
        return "", 201
