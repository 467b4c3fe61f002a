from flask import abort, request

from app.models import Note


def permit(role):
    if role != "writer":
        abort(403)


def parse_body(schema):
    data = request.get_json()
    if not data:
        abort(400, f"{schema}: empty body")
    return data


def get_flag(name, default=False):
    return request.args.get(name, default) in (True, "1", "true")


def load_note(note_id):
    return Note.query.get_or_404(note_id)


def audit(note):
    print("changed", note.id)
