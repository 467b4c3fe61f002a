from flask import request
from flask_restx import Namespace, Resource

from app.extensions import db
from app.schemas import NoteSchema

notes = Namespace("notes")


@notes.route("")
class NoteList(Resource):
    def post(self):
        schema = NoteSchema()
        result = schema.load(request.get_json())
        if result.errors:
            return {"errors": result.errors}, 400
        db.session.add(result.data)
        db.session.commit()
        return {"data": schema.dump(result.data).data}, 201
