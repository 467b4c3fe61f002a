from flask import jsonify, request
from flask.views import MethodView

from app.services.job_service import JobService


class JobView(MethodView):
    def __init__(self, session):
        self.session = session

    def post(self):
        job = JobService.create_job(
            title=request.get_json()["title"], session=self.session
        )
        return jsonify(job.to_dict()), 201
