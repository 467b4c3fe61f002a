from flask import Flask

from app.admin_views import rename_tag
from app.extensions import db


def create_app():
    app = Flask(__name__)
    db.init_app(app)
    app.add_url_rule("/admin/tags/<int:tag_id>", view_func=rename_tag, methods=["POST"])
    return app
