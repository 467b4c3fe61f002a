from flask import request
from flask_restx import Namespace, Resource

from app.schemas import NoteSchema
from app.services.note_service import NoteService

notes = Namespace("notes")


@notes.route("")
class NoteList(Resource):
    def post(self):
        schema = NoteSchema()
        result = schema.load(request.get_json())
        if result.errors:
            return {"errors": result.errors}, 400
        NoteService.create_note(result)
        return {"data": schema.dump(result.data).data}, 201
