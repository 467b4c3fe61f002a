from flask import jsonify, request
from flask.views import MethodView

from app.models import Job


class JobView(MethodView):
    def __init__(self, session):
        self.session = session

    def post(self):
        job = Job(title=request.get_json()["title"])
        self.session.add(job)
        self.session.commit()
        return jsonify(job.to_dict()), 201
