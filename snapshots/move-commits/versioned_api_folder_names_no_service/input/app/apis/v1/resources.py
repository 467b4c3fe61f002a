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
