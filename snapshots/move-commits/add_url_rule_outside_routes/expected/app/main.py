from flask import Flask, jsonify, request

from app.services.app_service import AppService


def save_setting():
    setting = AppService.save_setting(
        key=request.form["key"], value=request.form["value"]
    )
    return jsonify(setting.to_dict())


def create_app():
    app = Flask(__name__)
    app.add_url_rule("/settings", view_func=save_setting, methods=["POST"])
    return app
