from flask import Flask, jsonify, request

from app.extensions import db
from app.models import Setting


def save_setting():
    setting = Setting(key=request.form["key"], value=request.form["value"])
    db.session.add(setting)
    db.session.commit()
    return jsonify(setting.to_dict())


def create_app():
    app = Flask(__name__)
    app.add_url_rule("/settings", view_func=save_setting, methods=["POST"])
    return app
