"""App service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Setting


class AppService:
    """Units of work for app: each method writes and commits."""

    @staticmethod
    def save_setting(key, value):
        setting = Setting(key=key, value=value)
        db.session.add(setting)
        db.session.commit()
        return setting
