from flask.views import MethodView


class BaseResource(MethodView):
    def respond(self, payload, status=200):
        return payload, status
